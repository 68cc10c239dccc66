/*
 * render.c: DuckDB values and types as Athena shows them (see render.h).
 *
 * Athena runs Trino, so every value is rendered the way Trino's client
 * protocol and Athena's result files render it: doubles through Java's
 * Double.toString, timestamps with exactly milliseconds, varbinary as spaced
 * hex bytes, arrays "[a, b]", maps "{k=v}" and rows "{name=value}" with
 * strings unquoted and nested NULLs as "null". Column types and their
 * precision follow Trino's JDBC ColumnInfo, which is what Athena reports.
 *
 * Flat values are formatted into small stack buffers and appended: no
 * allocation per value beyond the output buffer growing. Nested values
 * recurse through the child vectors (the C API hands out flat vectors).
 */
#include "render.h"

#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- types --------------------------------------------------------------- */

static void set_type(engine_column *col, const char *name, int precision, int scale)
{
    snprintf(col->type, sizeof col->type, "%s", name);
    col->precision = precision;
    col->scale = scale;
}

/* DuckDB's JSON type is VARCHAR with the alias "JSON". */
static int is_json(duckdb_logical_type type)
{
    char *alias = duckdb_logical_type_get_alias(type);
    int json = alias && strcmp(alias, "JSON") == 0;
    duckdb_free(alias);
    return json;
}

void render_column_type(duckdb_logical_type type, engine_column *col)
{
    switch (duckdb_get_type_id(type)) {
    case DUCKDB_TYPE_BOOLEAN: set_type(col, "boolean", 0, 0); break;
    case DUCKDB_TYPE_TINYINT: set_type(col, "tinyint", 3, 0); break;
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_UTINYINT: set_type(col, "smallint", 5, 0); break;
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_USMALLINT: set_type(col, "integer", 10, 0); break;
    case DUCKDB_TYPE_BIGINT:
    case DUCKDB_TYPE_UINTEGER: set_type(col, "bigint", 19, 0); break;
    /* Unsigned and 128-bit integers do not fit bigint: Athena's exact type
     * for them is decimal (values beyond 38 digits still render exactly). */
    case DUCKDB_TYPE_UBIGINT: set_type(col, "decimal", 20, 0); break;
    case DUCKDB_TYPE_HUGEINT:
    case DUCKDB_TYPE_UHUGEINT: set_type(col, "decimal", 38, 0); break;
    case DUCKDB_TYPE_FLOAT: set_type(col, "real", 9, 0); break;
    case DUCKDB_TYPE_DOUBLE: set_type(col, "double", 17, 0); break;
    case DUCKDB_TYPE_DECIMAL:
        set_type(col, "decimal", duckdb_decimal_width(type), duckdb_decimal_scale(type));
        break;
    case DUCKDB_TYPE_DATE: set_type(col, "date", 0, 0); break;
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS: set_type(col, "timestamp", 3, 0); break;
    case DUCKDB_TYPE_TIMESTAMP_TZ: set_type(col, "timestamp with time zone", 3, 0); break;
    case DUCKDB_TYPE_TIME:
    case DUCKDB_TYPE_TIME_NS: set_type(col, "time", 3, 0); break;
    case DUCKDB_TYPE_TIME_TZ: set_type(col, "time with time zone", 3, 0); break;
    /* DuckDB intervals mix months, days and microseconds; Athena's day-to-
     * second interval is the one that can show all three (a month is 30
     * days, as DuckDB itself counts when it compares intervals). */
    case DUCKDB_TYPE_INTERVAL: set_type(col, "interval day to second", 0, 0); break;
    case DUCKDB_TYPE_BLOB: set_type(col, "varbinary", 1073741824, 0); break;
    case DUCKDB_TYPE_UUID: set_type(col, "uuid", 0, 0); break;
    case DUCKDB_TYPE_LIST:
    case DUCKDB_TYPE_ARRAY: set_type(col, "array", 0, 0); break;
    case DUCKDB_TYPE_MAP: set_type(col, "map", 0, 0); break;
    case DUCKDB_TYPE_STRUCT: set_type(col, "row", 0, 0); break;
    case DUCKDB_TYPE_SQLNULL: set_type(col, "unknown", 0, 0); break;
    case DUCKDB_TYPE_VARCHAR:
        if (is_json(type)) {
            set_type(col, "json", 0, 0);
            break;
        }
        /* fall through */
    default:   /* ENUM, BIT, UNION, ...: rendered as text */
        set_type(col, "varchar", 2147483647, 0);
        break;
    }
}

/* ---- integers and decimals ----------------------------------------------- */

typedef __int128 int128;
typedef unsigned __int128 uint128;

static int append_uint128(buf *out, uint128 v)
{
    char digits[48];
    size_t n = sizeof digits;
    do {
        digits[--n] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    return buf_append(out, digits + n, sizeof digits - n);
}

static int append_uint64(buf *out, uint64_t v)
{
    char digits[24];
    size_t n = sizeof digits;
    do {
        digits[--n] = (char)('0' + (int)(v % 10));
        v /= 10;
    } while (v);
    return buf_append(out, digits + n, sizeof digits - n);
}

static int append_int64(buf *out, int64_t v)
{
    if (v < 0 && buf_putc(out, '-') != 0)
        return -1;
    return append_uint64(out, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
}

static uint128 magnitude(int128 v)
{
    return v < 0 ? (uint128)0 - (uint128)v : (uint128)v;
}

static int append_int128(buf *out, int128 v)
{
    if (v < 0 && buf_putc(out, '-') != 0)
        return -1;
    return append_uint128(out, magnitude(v));
}

/* An exact decimal: the unscaled integer with the point put back, keeping
 * all `scale` digits ("12.50", "-0.05", "0.00"), as Trino does. */
static int append_decimal(buf *out, int128 unscaled, unsigned scale)
{
    char digits[48];
    size_t n = sizeof digits;
    uint128 m = magnitude(unscaled);
    do {
        digits[--n] = (char)('0' + (int)(m % 10));
        m /= 10;
    } while (m);
    while (sizeof digits - n <= scale)   /* at least one digit before the point */
        digits[--n] = '0';
    size_t len = sizeof digits - n, int_len = len - scale;
    if (unscaled < 0 && buf_putc(out, '-') != 0)
        return -1;
    if (buf_append(out, digits + n, int_len) != 0)
        return -1;
    if (scale == 0)
        return 0;
    return buf_putc(out, '.') || buf_append(out, digits + n + int_len, scale) ? -1 : 0;
}

static int128 hugeint_value(duckdb_hugeint h)
{
    return (int128)(((uint128)(uint64_t)h.upper << 64) | h.lower);
}

static int render_decimal(void *data, duckdb_logical_type type, idx_t row, buf *out)
{
    int128 unscaled;
    switch (duckdb_decimal_internal_type(type)) {
    case DUCKDB_TYPE_SMALLINT: unscaled = ((int16_t *)data)[row]; break;
    case DUCKDB_TYPE_INTEGER: unscaled = ((int32_t *)data)[row]; break;
    case DUCKDB_TYPE_BIGINT: unscaled = ((int64_t *)data)[row]; break;
    case DUCKDB_TYPE_HUGEINT: unscaled = hugeint_value(((duckdb_hugeint *)data)[row]); break;
    default: return -1;
    }
    return append_decimal(out, unscaled, duckdb_decimal_scale(type));
}

/* ---- floating point, as Java's Double.toString / Float.toString ---------- */

/* Whether the decimal m * 10^exp reads back as exactly v. */
static int reads_back(uint64_t m, int exp, double v, int is_float)
{
    char text[48];
    snprintf(text, sizeof text, "%" PRIu64 "e%d", m, exp);
    return is_float ? strtof(text, NULL) == (float)v : strtod(text, NULL) == v;
}

/* The closest p-digit decimal to v, as m * 10^e (printf rounds correctly). */
static uint64_t closest_decimal(double v, int p, int *e)
{
    char text[48];
    snprintf(text, sizeof text, "%.*e", p - 1, v);
    uint64_t m = 0;
    const char *s = text;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9')
            m = m * 10 + (uint64_t)(*s - '0');
    *e = atoi(s + 1) - (p - 1);
    return m;
}

/* Whether v (a float's value when is_float) is a power of two: only there
 * is v's rounding interval lopsided (the next value down is closer than the
 * next one up). */
static int is_power_of_two(double v)
{
    int exp;
    return frexp(v, &exp) == 0.5;
}

/* The decimal Java picks for a positive finite v: the fewest digits (but at
 * least two, which is why Double.MIN_VALUE is 4.9E-324 and not 5E-324) that
 * read back as v, and of those the closest to v. Returns the digits (no
 * trailing zeros) in digits and the exponent of the first digit.
 *
 * Away from powers of two v's rounding interval is symmetric, so whether
 * the closest p-digit decimal reads back only turns from no to yes as p
 * grows (the closest (p+1)-digit one is never farther away), and when it
 * does not, neither does any other p-digit decimal: a search over p finds
 * the answer in a few probes. Computed values (averages, ratios) mostly
 * need all digits or one fewer, so it looks there first, then halves the
 * rest. At a power of two the closest one may miss the narrow side while a
 * neighbour lands in the wide one, so every p is tried with both
 * neighbours, in order. */
static void shortest_decimal(double v, int is_float, char *digits, size_t cap, int *exp10)
{
    int max_digits = is_float ? 9 : 17;   /* always enough to read back */
    uint64_t m = 0;
    int e = 0, found = 0;
    if (!is_power_of_two(v)) {
        int lo = 2, hi = max_digits, probes = 0;   /* the answer is in [lo, hi] */
        while (lo < hi) {
            int p = probes++ < 2 ? hi - 1 : (lo + hi) / 2;
            int p_exp;
            uint64_t p_m = closest_decimal(v, p, &p_exp);
            if (reads_back(p_m, p_exp, v, is_float)) {
                hi = p;
                m = p_m;
                e = p_exp;
                found = 1;
            } else {
                lo = p + 1;
            }
        }
        if (!found)   /* only max_digits reads back: never probed */
            m = closest_decimal(v, lo, &e);
        found = 1;
    }
    for (int p = 2; !found && p <= max_digits; p++) {
        uint64_t closest = closest_decimal(v, p, &e);
        uint64_t candidates[3] = {closest, closest - 1, closest + 1};
        for (int i = 0; i < 3 && !found; i++) {
            m = candidates[i];
            found = m != 0 && reads_back(m, e, v, is_float);
        }
    }
    int len = snprintf(digits, cap, "%" PRIu64, m);
    *exp10 = e + len - 1;
    while (len > 1 && digits[len - 1] == '0')
        digits[--len] = '\0';
}

/* Java's layout: plain for 1e-3 <= |v| < 1e7 ("0.001", "1234567.0"), else
 * computerized scientific ("1.0E-4", "1.2345678E7"); always a digit after
 * the point. */
static int append_java_layout(buf *out, const char *digits, int exp10)
{
    size_t n = strlen(digits);
    if (exp10 >= -3 && exp10 < 7) {
        if (exp10 < 0) {
            if (buf_puts(out, "0.") != 0)
                return -1;
            for (int i = -1; i > exp10; i--)
                if (buf_putc(out, '0') != 0)
                    return -1;
            return buf_append(out, digits, n);
        }
        size_t int_len = (size_t)exp10 + 1;
        for (size_t i = 0; i < int_len; i++)
            if (buf_putc(out, i < n ? digits[i] : '0') != 0)
                return -1;
        if (buf_putc(out, '.') != 0)
            return -1;
        return n > int_len ? buf_append(out, digits + int_len, n - int_len) : buf_putc(out, '0');
    }
    if (buf_putc(out, digits[0]) != 0 || buf_putc(out, '.') != 0)
        return -1;
    if ((n > 1 ? buf_append(out, digits + 1, n - 1) : buf_putc(out, '0')) != 0)
        return -1;
    return buf_printf(out, "E%d", exp10);
}

static int append_java_floating(buf *out, double v, int is_float)
{
    if (isnan(v))
        return buf_puts(out, "NaN");
    if (isinf(v))
        return buf_puts(out, v < 0 ? "-Infinity" : "Infinity");
    if (v == 0)
        return buf_puts(out, signbit(v) ? "-0.0" : "0.0");
    if (v < 0 && buf_putc(out, '-') != 0)
        return -1;
    char digits[32];
    int exp10;
    shortest_decimal(fabs(v), is_float, digits, sizeof digits, &exp10);
    return append_java_layout(out, digits, exp10);
}

/* ---- dates and times ------------------------------------------------------ */

#define MICROS_PER_DAY INT64_C(86400000000)
#define DATE_INFINITY INT32_MAX
#define TIMESTAMP_INFINITY INT64_MAX

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Proleptic Gregorian date of a day number (days since 1970-01-01), with
 * astronomical years (year 0 exists), as DuckDB and java.time count. */
static void civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
    days += 719468;
    int64_t era = floor_div(days, 146097);
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = yoe + era * 400 + (*month <= 2);
}

/* Years as java.time prints them: 4 digits padded, a sign when negative, a
 * '+' when beyond 9999 ("0099", "-0001", "+10000"). */
static int append_date_days(buf *out, int64_t days)
{
    int64_t year;
    int month, day;
    civil_from_days(days, &year, &month, &day);
    const char *sign = year < 0 ? "-" : year > 9999 ? "+" : "";
    return buf_printf(out, "%s%04" PRId64 "-%02d-%02d", sign, year < 0 ? -year : year, month, day);
}

static int append_time_of_day(buf *out, int64_t micros)
{
    int64_t ms = micros / 1000;
    return buf_printf(out, "%02d:%02d:%02d.%03d", (int)(ms / 3600000), (int)(ms / 60000 % 60),
                      (int)(ms / 1000 % 60), (int)(ms % 1000));
}

/* "YYYY-MM-DD HH:MM:SS.fff": milliseconds, the rest truncated toward the
 * past (so 1969-12-31 23:59:59.9999 stays in 1969). */
static int append_timestamp_micros(buf *out, int64_t micros)
{
    if (micros == TIMESTAMP_INFINITY || micros == -TIMESTAMP_INFINITY)
        return buf_puts(out, micros > 0 ? "infinity" : "-infinity");
    int64_t days = floor_div(micros, MICROS_PER_DAY);
    if (append_date_days(out, days) != 0 || buf_putc(out, ' ') != 0)
        return -1;
    return append_time_of_day(out, micros - days * MICROS_PER_DAY);
}

static int append_date(buf *out, int32_t days)
{
    if (days == DATE_INFINITY || days == -DATE_INFINITY)
        return buf_puts(out, days > 0 ? "infinity" : "-infinity");
    return append_date_days(out, days);
}

/* Seconds, milliseconds and nanoseconds scaled to microseconds. */
static int append_timestamp_scaled(buf *out, int64_t v, int64_t per_second)
{
    if (v == TIMESTAMP_INFINITY || v == -TIMESTAMP_INFINITY)
        return append_timestamp_micros(out, v);
    if (per_second < 1000000)
        return append_timestamp_micros(out, v * (1000000 / per_second));
    return append_timestamp_micros(out, floor_div(v, per_second / 1000000));
}

/* "HH:MM:SS.fff+HH:MM", as Trino prints time with time zone. */
static int append_time_tz(buf *out, duckdb_time_tz value)
{
    duckdb_time_tz_struct t = duckdb_from_time_tz(value);
    int64_t micros = ((int64_t)t.time.hour * 3600 + t.time.min * 60 + t.time.sec) * 1000000 +
                     t.time.micros;
    int offset = t.offset < 0 ? -t.offset : t.offset;
    if (append_time_of_day(out, micros) != 0)
        return -1;
    return buf_printf(out, "%c%02d:%02d", t.offset < 0 ? '-' : '+', offset / 3600, offset / 60 % 60);
}

/* Trino's day-to-second text: "D HH:MM:SS.fff", signed as a whole. */
static int append_interval(buf *out, duckdb_interval iv)
{
    int128 micros = ((int128)iv.months * 30 + iv.days) * MICROS_PER_DAY + iv.micros;
    if (micros < 0 && buf_putc(out, '-') != 0)
        return -1;
    uint128 m = magnitude(micros);
    uint128 days = m / (uint128)MICROS_PER_DAY;
    if (append_uint128(out, days) != 0 || buf_putc(out, ' ') != 0)
        return -1;
    return append_time_of_day(out, (int64_t)(m % (uint128)MICROS_PER_DAY));
}

/* ---- bytes ---------------------------------------------------------------- */

static int append_uuid(buf *out, duckdb_hugeint h)
{
    /* DuckDB flips the top bit so that UUIDs sort as signed integers. */
    uint64_t hi = (uint64_t)h.upper ^ (UINT64_C(1) << 63), lo = h.lower;
    return buf_printf(out, "%08" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%04" PRIx64 "-%012" PRIx64,
                      hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff, lo >> 48,
                      lo & UINT64_C(0xffffffffffff));
}

/* varbinary as Trino shows it: lower-case hex bytes separated by spaces. */
static int append_hex_bytes(buf *out, const unsigned char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    if (n && buf_reserve(out, n * 3) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char b[3] = {' ', hex[p[i] >> 4], hex[p[i] & 15]};
        if (buf_append(out, i ? b : b + 1, i ? 3 : 2) != 0)
            return -1;
    }
    return 0;
}

/* DuckDB BIT: one byte of padding count, then the bits, padding first. */
static int append_bits(buf *out, const unsigned char *p, size_t n)
{
    if (n == 0)
        return 0;
    unsigned padding = p[0];
    for (size_t bit = padding; bit < (n - 1) * 8; bit++)
        if (buf_putc(out, (p[1 + bit / 8] >> (7 - bit % 8)) & 1 ? '1' : '0') != 0)
            return -1;
    return 0;
}

/* ---- nested values -------------------------------------------------------- */

static int render_any(duckdb_vector v, duckdb_logical_type type, idx_t row, buf *out);

/* A nested element: its text, or "null". */
static int render_element(duckdb_vector v, duckdb_logical_type type, idx_t row, buf *out)
{
    int rc = render_any(v, type, row, out);
    return rc == 1 ? buf_puts(out, "null") : rc;
}

static int render_elements(duckdb_vector child, duckdb_logical_type child_type, idx_t offset,
                           idx_t count, buf *out)
{
    if (buf_putc(out, '[') != 0)
        return -1;
    for (idx_t i = 0; i < count; i++) {
        if (i && buf_puts(out, ", ") != 0)
            return -1;
        if (render_element(child, child_type, offset + i, out) != 0)
            return -1;
    }
    return buf_putc(out, ']');
}

static int render_list(duckdb_vector v, duckdb_logical_type type, idx_t row, buf *out)
{
    duckdb_list_entry entry = ((duckdb_list_entry *)duckdb_vector_get_data(v))[row];
    duckdb_logical_type child_type = duckdb_list_type_child_type(type);
    int rc = render_elements(duckdb_list_vector_get_child(v), child_type, entry.offset,
                             entry.length, out);
    duckdb_destroy_logical_type(&child_type);
    return rc;
}

static int render_array(duckdb_vector v, duckdb_logical_type type, idx_t row, buf *out)
{
    idx_t size = duckdb_array_type_array_size(type);
    duckdb_logical_type child_type = duckdb_array_type_child_type(type);
    int rc = render_elements(duckdb_array_vector_get_child(v), child_type, row * size, size, out);
    duckdb_destroy_logical_type(&child_type);
    return rc;
}

/* A MAP is a list of struct(key, value): "{k1=v1, k2=v2}". */
static int render_map(duckdb_vector v, duckdb_logical_type type, idx_t row, buf *out)
{
    duckdb_list_entry entry = ((duckdb_list_entry *)duckdb_vector_get_data(v))[row];
    duckdb_vector entries = duckdb_list_vector_get_child(v);
    duckdb_vector keys = duckdb_struct_vector_get_child(entries, 0);
    duckdb_vector values = duckdb_struct_vector_get_child(entries, 1);
    duckdb_logical_type key_type = duckdb_map_type_key_type(type);
    duckdb_logical_type value_type = duckdb_map_type_value_type(type);
    int rc = buf_putc(out, '{');
    for (idx_t i = 0; rc == 0 && i < entry.length; i++) {
        idx_t at = entry.offset + i;
        if (i)
            rc = buf_puts(out, ", ");
        if (rc == 0)
            rc = render_element(keys, key_type, at, out);
        if (rc == 0)
            rc = buf_putc(out, '=');
        if (rc == 0)
            rc = render_element(values, value_type, at, out);
    }
    if (rc == 0)
        rc = buf_putc(out, '}');
    duckdb_destroy_logical_type(&key_type);
    duckdb_destroy_logical_type(&value_type);
    return rc;
}

/* A row: "{name=value, ...}" with the field names; unnamed fields are
 * field0, field1, ... as Trino names them. */
static int render_struct(duckdb_vector v, duckdb_logical_type type, idx_t row, buf *out)
{
    idx_t count = duckdb_struct_type_child_count(type);
    int rc = buf_putc(out, '{');
    for (idx_t i = 0; rc == 0 && i < count; i++) {
        char *name = duckdb_struct_type_child_name(type, i);
        duckdb_logical_type child_type = duckdb_struct_type_child_type(type, i);
        if (i)
            rc = buf_puts(out, ", ");
        if (rc == 0 && name && *name)
            rc = buf_printf(out, "%s=", name);
        else if (rc == 0)
            rc = buf_printf(out, "field%" PRIu64 "=", (uint64_t)i);
        if (rc == 0)
            rc = render_element(duckdb_struct_vector_get_child(v, i), child_type, row, out);
        duckdb_destroy_logical_type(&child_type);
        duckdb_free(name);
    }
    return rc == 0 ? buf_putc(out, '}') : -1;
}

/* A UNION is a struct whose first child is the tag: render the member the
 * tag selects, as a plain value. */
static int render_union(duckdb_vector v, duckdb_logical_type type, idx_t row, buf *out)
{
    uint8_t tag = ((uint8_t *)duckdb_vector_get_data(duckdb_struct_vector_get_child(v, 0)))[row];
    if (tag >= duckdb_union_type_member_count(type))
        return -1;
    duckdb_logical_type member = duckdb_union_type_member_type(type, tag);
    int rc = render_any(duckdb_struct_vector_get_child(v, (idx_t)tag + 1), member, row, out);
    duckdb_destroy_logical_type(&member);
    return rc;
}

static int render_enum(void *data, duckdb_logical_type type, idx_t row, buf *out)
{
    idx_t index;
    switch (duckdb_enum_internal_type(type)) {
    case DUCKDB_TYPE_UTINYINT: index = ((uint8_t *)data)[row]; break;
    case DUCKDB_TYPE_USMALLINT: index = ((uint16_t *)data)[row]; break;
    case DUCKDB_TYPE_UINTEGER: index = ((uint32_t *)data)[row]; break;
    default: return -1;
    }
    char *text = duckdb_enum_dictionary_value(type, index);
    if (!text)
        return -1;
    int rc = buf_puts(out, text);
    duckdb_free(text);
    return rc;
}

/* ---- dispatch ------------------------------------------------------------- */

static int render_string_like(duckdb_type id, duckdb_string_t *s, buf *out)
{
    const unsigned char *p = (const unsigned char *)duckdb_string_t_data(s);
    size_t n = duckdb_string_t_length(*s);
    if (id == DUCKDB_TYPE_BLOB)
        return append_hex_bytes(out, p, n);
    if (id == DUCKDB_TYPE_BIT)
        return append_bits(out, p, n);
    return buf_append(out, p, n);
}

/* Flat (non-nested) types: formatted straight from the vector's data. */
static int render_flat(duckdb_type id, void *data, duckdb_logical_type type, idx_t row, buf *out)
{
    switch (id) {
    case DUCKDB_TYPE_BOOLEAN: return buf_puts(out, ((bool *)data)[row] ? "true" : "false");
    case DUCKDB_TYPE_TINYINT: return append_int64(out, ((int8_t *)data)[row]);
    case DUCKDB_TYPE_SMALLINT: return append_int64(out, ((int16_t *)data)[row]);
    case DUCKDB_TYPE_INTEGER: return append_int64(out, ((int32_t *)data)[row]);
    case DUCKDB_TYPE_BIGINT: return append_int64(out, ((int64_t *)data)[row]);
    case DUCKDB_TYPE_UTINYINT: return append_uint64(out, ((uint8_t *)data)[row]);
    case DUCKDB_TYPE_USMALLINT: return append_uint64(out, ((uint16_t *)data)[row]);
    case DUCKDB_TYPE_UINTEGER: return append_uint64(out, ((uint32_t *)data)[row]);
    case DUCKDB_TYPE_UBIGINT: return append_uint64(out, ((uint64_t *)data)[row]);
    case DUCKDB_TYPE_HUGEINT:
        return append_int128(out, hugeint_value(((duckdb_hugeint *)data)[row]));
    case DUCKDB_TYPE_UHUGEINT: {
        duckdb_uhugeint u = ((duckdb_uhugeint *)data)[row];
        return append_uint128(out, ((uint128)u.upper << 64) | u.lower);
    }
    case DUCKDB_TYPE_FLOAT: return append_java_floating(out, ((float *)data)[row], 1);
    case DUCKDB_TYPE_DOUBLE: return append_java_floating(out, ((double *)data)[row], 0);
    case DUCKDB_TYPE_DECIMAL: return render_decimal(data, type, row, out);
    case DUCKDB_TYPE_DATE: return append_date(out, ((duckdb_date *)data)[row].days);
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_TZ:
        if (append_timestamp_micros(out, ((duckdb_timestamp *)data)[row].micros) != 0)
            return -1;
        return id == DUCKDB_TYPE_TIMESTAMP_TZ ? buf_puts(out, " UTC") : 0;
    case DUCKDB_TYPE_TIMESTAMP_S: return append_timestamp_scaled(out, ((int64_t *)data)[row], 1);
    case DUCKDB_TYPE_TIMESTAMP_MS: return append_timestamp_scaled(out, ((int64_t *)data)[row], 1000);
    case DUCKDB_TYPE_TIMESTAMP_NS:
        return append_timestamp_scaled(out, ((int64_t *)data)[row], 1000000000);
    case DUCKDB_TYPE_TIME: return append_time_of_day(out, ((duckdb_time *)data)[row].micros);
    case DUCKDB_TYPE_TIME_NS: return append_time_of_day(out, ((int64_t *)data)[row] / 1000);
    case DUCKDB_TYPE_TIME_TZ: return append_time_tz(out, ((duckdb_time_tz *)data)[row]);
    case DUCKDB_TYPE_INTERVAL: return append_interval(out, ((duckdb_interval *)data)[row]);
    case DUCKDB_TYPE_UUID: return append_uuid(out, ((duckdb_hugeint *)data)[row]);
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB:
    case DUCKDB_TYPE_BIT: return render_string_like(id, &((duckdb_string_t *)data)[row], out);
    case DUCKDB_TYPE_ENUM: return render_enum(data, type, row, out);
    default: return -1;   /* BIGNUM, VARIANT, ...: not an Athena type */
    }
}

static int render_any(duckdb_vector v, duckdb_logical_type type, idx_t row, buf *out)
{
    uint64_t *validity = duckdb_vector_get_validity(v);
    if (validity && !duckdb_validity_row_is_valid(validity, row))
        return 1;
    duckdb_type id = duckdb_get_type_id(type);
    switch (id) {
    case DUCKDB_TYPE_LIST: return render_list(v, type, row, out);
    case DUCKDB_TYPE_ARRAY: return render_array(v, type, row, out);
    case DUCKDB_TYPE_MAP: return render_map(v, type, row, out);
    case DUCKDB_TYPE_STRUCT: return render_struct(v, type, row, out);
    case DUCKDB_TYPE_UNION: return render_union(v, type, row, out);
    case DUCKDB_TYPE_SQLNULL: return 1;
    default: return render_flat(id, duckdb_vector_get_data(v), type, row, out);
    }
}

int render_value(duckdb_vector v, duckdb_logical_type type, idx_t row, buf *out)
{
    if (!v || !type || !out)
        return -1;
    size_t mark = out->len;
    int rc = render_any(v, type, row, out);
    if (rc < 0 && out->data) {   /* leave nothing half-written */
        out->len = mark;
        out->data[mark] = '\0';
    }
    return rc;
}
