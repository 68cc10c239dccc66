/*
 * values.c: type classification and strict parsing of Athena's value texts
 * (see values.h). Parsers are hand-written rather than built on strtoll or
 * sscanf because those skip spaces, accept partial input and depend on the
 * locale; only the final double conversion is left to strtod, on a text
 * whose grammar was checked first.
 */
#include "values.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------------------ */
/* Classification                                                            */
/* ------------------------------------------------------------------------ */

static const struct {
    const char *name;
    value_class cls;
} type_names[] = {
    {"varchar", VALUE_STRING},     {"char", VALUE_STRING},      {"string", VALUE_STRING},
    {"ipaddress", VALUE_STRING},   {"uuid", VALUE_STRING},      {"tinyint", VALUE_INTEGER},
    {"smallint", VALUE_INTEGER},   {"integer", VALUE_INTEGER},  {"int", VALUE_INTEGER},
    {"bigint", VALUE_INTEGER},     {"real", VALUE_FLOAT},       {"float", VALUE_FLOAT},
    {"double", VALUE_FLOAT},       {"decimal", VALUE_DECIMAL},  {"boolean", VALUE_BOOLEAN},
    {"date", VALUE_DATE},          {"timestamp", VALUE_TIMESTAMP}, {"time", VALUE_TIME},
    {"varbinary", VALUE_BINARY},   {"binary", VALUE_BINARY},    {"array", VALUE_ARRAY},
    {"map", VALUE_MAP},            {"row", VALUE_ROW},          {"struct", VALUE_ROW},
    {"json", VALUE_JSON},          {"interval", VALUE_INTERVAL},
};

static const char *const class_names[] = {
    "string", "integer", "float",  "decimal", "boolean", "date", "timestamp", "time",
    "binary", "array",   "map",    "row",     "json",    "interval", "unknown",
};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_type_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

value_class value_classify(const char *athena_type)
{
    if (!athena_type)
        return VALUE_UNKNOWN;
    while (*athena_type == ' ')
        athena_type++;
    size_t n = 0;
    while (is_type_name_char(athena_type[n]))
        n++;
    /* What may follow the base name: parameters or qualifiers, nothing else. */
    char next = athena_type[n];
    if (n == 0 || (next != '\0' && next != '(' && next != '<' && next != ' '))
        return VALUE_UNKNOWN;
    for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
        if (strlen(type_names[i].name) == n && strncasecmp(type_names[i].name, athena_type, n) == 0)
            return type_names[i].cls;
    }
    return VALUE_UNKNOWN;
}

const char *value_class_name(value_class cls)
{
    if ((unsigned)cls > VALUE_UNKNOWN)
        cls = VALUE_UNKNOWN;
    return class_names[cls];
}

/* ------------------------------------------------------------------------ */
/* Numbers and booleans                                                      */
/* ------------------------------------------------------------------------ */

int value_parse_int64(const char *s, size_t len, int64_t *out)
{
    size_t i = 0;
    int negative = 0;
    if (len > 0 && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        i = 1;
    }
    if (i == len)
        return -1;
    /* Accumulate the magnitude unsigned: |INT64_MIN| does not fit in int64_t. */
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t magnitude = 0;
    for (; i < len; i++) {
        if (!is_digit(s[i]))
            return -1;
        unsigned digit = (unsigned)(s[i] - '0');
        if (magnitude > (limit - digit) / 10)
            return -1;
        magnitude = magnitude * 10 + digit;
    }
    if (negative)
        *out = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)magnitude;
    else
        *out = (int64_t)magnitude;
    return 0;
}

static size_t count_digits(const char *s, size_t len, size_t i)
{
    size_t start = i;
    while (i < len && is_digit(s[i]))
        i++;
    return i - start;
}

/* [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)? */
static int is_decimal_float_text(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    size_t int_digits = count_digits(s, len, i);
    i += int_digits;
    size_t frac_digits = 0;
    if (i < len && s[i] == '.') {
        frac_digits = count_digits(s, len, i + 1);
        i += 1 + frac_digits;
    }
    if (int_digits + frac_digits == 0)
        return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp_digits = count_digits(s, len, i);
        if (exp_digits == 0)
            return 0;
        i += exp_digits;
    }
    return i == len;
}

static int parse_special_double(const char *s, size_t len, double *out)
{
    if (len == 3 && memcmp(s, "NaN", 3) == 0)
        *out = NAN;
    else if (len == 8 && memcmp(s, "Infinity", 8) == 0)
        *out = INFINITY;
    else if (len == 9 && memcmp(s, "-Infinity", 9) == 0)
        *out = -INFINITY;
    else
        return -1;
    return 0;
}

/* strtod reads the current locale's decimal point; swap ours in so "1.5"
 * parses the same under a locale that writes "1,5". */
static void localize_decimal_point(char *text, size_t len, size_t cap)
{
    const char *point = localeconv()->decimal_point;
    size_t point_len = strlen(point);
    char *dot = memchr(text, '.', len);
    if (!dot || (point_len == 1 && point[0] == '.') || point_len == 0 || len + point_len > cap)
        return;
    memmove(dot + point_len, dot + 1, len - (size_t)(dot - text));
    memcpy(dot, point, point_len);
}

int value_parse_double(const char *s, size_t len, double *out)
{
    if (parse_special_double(s, len, out) == 0)
        return 0;
    if (!is_decimal_float_text(s, len))
        return -1;
    char small[128];
    size_t cap = len + 16; /* room for a multi-byte decimal point and the NUL */
    char *text = cap <= sizeof small ? small : malloc(cap);
    if (!text)
        return -1;
    memcpy(text, s, len);
    text[len] = '\0';
    localize_decimal_point(text, len, cap - 1);
    errno = 0;
    char *end;
    double value = strtod(text, &end);
    int ok = *end == '\0' && !(errno == ERANGE && isinf(value));
    if (text != small)
        free(text);
    if (!ok)
        return -1;
    *out = value;
    return 0;
}

int value_parse_bool(const char *s, size_t len, int *out)
{
    if (len == 4 && memcmp(s, "true", 4) == 0)
        *out = 1;
    else if (len == 5 && memcmp(s, "false", 5) == 0)
        *out = 0;
    else
        return -1;
    return 0;
}

int value_is_numeric_json(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && s[i] == '-')
        i++;
    size_t int_digits = count_digits(s, len, i);
    if (int_digits == 0 || (int_digits > 1 && s[i] == '0'))
        return 0;
    i += int_digits;
    if (i < len && s[i] == '.') {
        size_t frac_digits = count_digits(s, len, i + 1);
        if (frac_digits == 0)
            return 0;
        i += 1 + frac_digits;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t exp_digits = count_digits(s, len, i);
        if (exp_digits == 0)
            return 0;
        i += exp_digits;
    }
    return i == len;
}

/* ------------------------------------------------------------------------ */
/* Dates and timestamps                                                      */
/* ------------------------------------------------------------------------ */

/* Reads exactly n digits at s[*pos] into *out and advances *pos. */
static int read_fixed_digits(const char *s, size_t len, size_t *pos, size_t n, int *out)
{
    if (len - *pos < n)
        return -1;
    int value = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[*pos + i];
        if (!is_digit(c))
            return -1;
        value = value * 10 + (c - '0');
    }
    *pos += n;
    *out = value;
    return 0;
}

static int expect_char(const char *s, size_t len, size_t *pos, char c)
{
    if (*pos >= len || s[*pos] != c)
        return -1;
    (*pos)++;
    return 0;
}

static int is_leap_year(int year)
{
    /* C's % keeps the dividend's sign, and a zero remainder is zero either
     * way, so this also holds for negative (proleptic) years. */
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap_year(year) ? 29 : days[month - 1];
}

static int read_year(const char *s, size_t len, size_t *pos, int *year)
{
    int negative = 0;
    if (*pos < len && (s[*pos] == '+' || s[*pos] == '-')) {
        negative = s[*pos] == '-';
        (*pos)++;
    }
    size_t digits = count_digits(s, len, *pos);
    if (digits < 4 || digits > 9) /* 9 digits always fit in an int */
        return -1;
    if (read_fixed_digits(s, len, pos, digits, year) != 0)
        return -1;
    if (negative)
        *year = -*year;
    return 0;
}

/* Reads [+-]YYYY-MM-DD at the start of s and advances *pos past it. */
static int read_date(const char *s, size_t len, size_t *pos, athena_date *date)
{
    athena_date d;
    if (read_year(s, len, pos, &d.year) != 0 || expect_char(s, len, pos, '-') != 0 ||
        read_fixed_digits(s, len, pos, 2, &d.month) != 0 || expect_char(s, len, pos, '-') != 0 ||
        read_fixed_digits(s, len, pos, 2, &d.day) != 0)
        return -1;
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > days_in_month(d.year, d.month))
        return -1;
    *date = d;
    return 0;
}

int value_parse_date(const char *s, size_t len, athena_date *out)
{
    size_t pos = 0;
    athena_date date;
    if (read_date(s, len, &pos, &date) != 0 || pos != len)
        return -1;
    *out = date;
    return 0;
}

/* Reads HH:MM:SS and an optional fraction of 1 to 9 digits. */
static int read_time_of_day(const char *s, size_t len, size_t *pos, athena_timestamp *ts)
{
    if (read_fixed_digits(s, len, pos, 2, &ts->hour) != 0 || expect_char(s, len, pos, ':') != 0 ||
        read_fixed_digits(s, len, pos, 2, &ts->minute) != 0 ||
        expect_char(s, len, pos, ':') != 0 || read_fixed_digits(s, len, pos, 2, &ts->second) != 0)
        return -1;
    if (ts->hour > 23 || ts->minute > 59 || ts->second > 59)
        return -1;
    ts->nanosecond = 0;
    if (expect_char(s, len, pos, '.') != 0)
        return 0;
    size_t digits = count_digits(s, len, *pos);
    if (digits < 1 || digits > 9 || read_fixed_digits(s, len, pos, digits, &ts->nanosecond) != 0)
        return -1;
    for (size_t i = digits; i < 9; i++)
        ts->nanosecond *= 10;
    return 0;
}

static int is_utc_suffix(const char *s, size_t len)
{
    return len == 0 || (len == 4 && memcmp(s, " UTC", 4) == 0) ||
           (len == 2 && memcmp(s, " Z", 2) == 0) || (len == 1 && s[0] == 'Z');
}

int value_parse_timestamp(const char *s, size_t len, athena_timestamp *out)
{
    size_t pos = 0;
    athena_date date;
    athena_timestamp ts;
    if (read_date(s, len, &pos, &date) != 0 || pos >= len || (s[pos] != ' ' && s[pos] != 'T'))
        return -1;
    pos++;
    if (read_time_of_day(s, len, &pos, &ts) != 0 || !is_utc_suffix(s + pos, len - pos))
        return -1;
    ts.year = date.year;
    ts.month = date.month;
    ts.day = date.day;
    *out = ts;
    return 0;
}
