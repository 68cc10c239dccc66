/*
 * engine_params.c: Athena execution parameters become bound values.
 *
 * Athena substitutes ExecutionParameters into the '?' placeholders as SQL
 * literals. We never paste text into SQL: each parameter is parsed as one
 * Trino literal and bound with its Trino type, so 'O''Hare' is the string
 * O'Hare and cannot end the statement early.
 *
 *   'text' ('' inside is one quote)     -> varchar
 *   123 / -5                            -> integer, or bigint, or decimal(n,0)
 *   1.50                                -> decimal(3,2) (Trino's decimal literal)
 *   1e3, 2.5E-1                         -> double
 *   true / false                        -> boolean
 *   NULL                                -> null
 *   DATE 'YYYY-MM-DD'                   -> date
 *   TIMESTAMP 'YYYY-MM-DD[ HH:MM:SS[.f]]' -> timestamp
 *   DECIMAL '1.50'                      -> decimal
 * Keywords are case-insensitive; surrounding whitespace is ignored.
 */
#include "engine_internal.h"

#include "values.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DECIMAL_MAX_DIGITS 38

typedef struct literal {
    const char *text;   /* trimmed */
    size_t len;
} literal;

static literal trimmed(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t len = strlen(s);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    return (literal){s, len};
}

static int is_keyword(literal l, const char *word)
{
    return l.len == strlen(word) && strncasecmp(l.text, word, l.len) == 0;
}

/* 'text' with '' escapes -> its content in out. -1 unless l is exactly one
 * quoted string. */
static int unquote(literal l, buf *out)
{
    if (l.len < 2 || l.text[0] != '\'' || l.text[l.len - 1] != '\'')
        return -1;
    for (size_t i = 1; i + 1 < l.len; i++) {
        if (l.text[i] == '\'') {
            if (i + 2 >= l.len || l.text[i + 1] != '\'')
                return -1;   /* a lone quote ends the string early */
            i++;
        }
        if (buf_putc(out, l.text[i]) != 0)
            return -1;
    }
    return buf_puts(out, "");   /* so that out.data is set even when empty */
}

/* KEYWORD 'text': returns the quoted part when l starts with keyword. */
static int typed_string(literal l, const char *keyword, literal *quoted)
{
    size_t k = strlen(keyword);
    if (l.len <= k || strncasecmp(l.text, keyword, k) != 0 ||
        !(isspace((unsigned char)l.text[k]) || l.text[k] == '\''))
        return 0;
    *quoted = trimmed(l.text + k);
    quoted->len = l.len - (size_t)(quoted->text - l.text);
    return 1;
}

/* [+-]digits[.digits] (or .digits) -> a DuckDB decimal of Trino's precision
 * (significant integer digits + scale) and scale. -1 if not that shape or
 * more than 38 digits. */
static int parse_decimal(const char *s, size_t len, duckdb_decimal *out)
{
    size_t i = 0;
    int negative = 0;
    if (i < len && (s[i] == '+' || s[i] == '-'))
        negative = s[i++] == '-';
    __int128 value = 0;
    int digits = 0, scale = 0, seen_point = 0, any = 0;
    for (; i < len; i++) {
        if (s[i] == '.' && !seen_point) {
            seen_point = 1;
            continue;
        }
        if (!isdigit((unsigned char)s[i]))
            return -1;
        any = 1;
        if (seen_point)
            scale++;
        if (value == 0 && s[i] == '0' && !seen_point)
            continue;   /* leading zeros are not significant */
        if (++digits > DECIMAL_MAX_DIGITS)
            return -1;
        value = value * 10 + (s[i] - '0');
    }
    if (!any)
        return -1;
    if (negative)
        value = -value;
    out->width = (uint8_t)(digits > scale ? digits : scale > 0 ? scale : 1);
    out->scale = (uint8_t)scale;
    out->value.lower = (uint64_t)(unsigned __int128)value;
    out->value.upper = (int64_t)(value >> 64);
    return 0;
}

static int has_exponent(literal l)
{
    return memchr(l.text, 'e', l.len) || memchr(l.text, 'E', l.len);
}

static duckdb_state bind_number(duckdb_prepared_statement stmt, idx_t i, literal l)
{
    int64_t n;
    if (value_parse_int64(l.text, l.len, &n) == 0)
        return n >= INT32_MIN && n <= INT32_MAX ? duckdb_bind_int32(stmt, i, (int32_t)n)
                                                 : duckdb_bind_int64(stmt, i, n);
    if (has_exponent(l)) {
        double d;
        /* value_parse_double also takes NaN/Infinity: not numeric literals. */
        if (!isalpha((unsigned char)l.text[l.len - 1]) &&
            value_parse_double(l.text, l.len, &d) == 0)
            return duckdb_bind_double(stmt, i, d);
        return DuckDBError;
    }
    duckdb_decimal dec;
    if (parse_decimal(l.text, l.len, &dec) != 0)
        return DuckDBError;
    return duckdb_bind_decimal(stmt, i, dec);
}

static duckdb_state bind_date(duckdb_prepared_statement stmt, idx_t i, const buf *text)
{
    athena_date d;
    if (value_parse_date(text->data, text->len, &d) != 0)
        return DuckDBError;
    duckdb_date_struct ds = {d.year, (int8_t)d.month, (int8_t)d.day};
    return duckdb_bind_date(stmt, i, duckdb_to_date(ds));
}

static duckdb_state bind_timestamp(duckdb_prepared_statement stmt, idx_t i, const buf *text)
{
    athena_timestamp t = {0};
    athena_date d;
    if (value_parse_timestamp(text->data, text->len, &t) != 0) {
        if (value_parse_date(text->data, text->len, &d) != 0)
            return DuckDBError;
        t.year = d.year, t.month = d.month, t.day = d.day;
    }
    duckdb_timestamp_struct ts = {
        {t.year, (int8_t)t.month, (int8_t)t.day},
        {(int8_t)t.hour, (int8_t)t.minute, (int8_t)t.second, t.nanosecond / 1000}};
    return duckdb_bind_timestamp(stmt, i, duckdb_to_timestamp(ts));
}

static duckdb_state bind_typed_string(duckdb_prepared_statement stmt, idx_t i, literal l)
{
    static const char *const keywords[] = {"DATE", "TIMESTAMP", "DECIMAL"};
    for (size_t k = 0; k < sizeof keywords / sizeof *keywords; k++) {
        literal quoted;
        if (!typed_string(l, keywords[k], &quoted))
            continue;
        buf text = BUF_INIT;
        duckdb_state st = DuckDBError;
        duckdb_decimal dec;
        if (unquote(quoted, &text) == 0) {
            if (k == 0)
                st = bind_date(stmt, i, &text);
            else if (k == 1)
                st = bind_timestamp(stmt, i, &text);
            else if (parse_decimal(text.data, text.len, &dec) == 0)
                st = duckdb_bind_decimal(stmt, i, dec);
        }
        buf_free(&text);
        return st;
    }
    return DuckDBError;
}

static duckdb_state bind_one(duckdb_prepared_statement stmt, idx_t i, const char *param)
{
    literal l = trimmed(param);
    if (l.len == 0)
        return DuckDBError;
    if (is_keyword(l, "NULL"))
        return duckdb_bind_null(stmt, i);
    if (is_keyword(l, "TRUE") || is_keyword(l, "FALSE"))
        return duckdb_bind_boolean(stmt, i, is_keyword(l, "TRUE"));
    if (l.text[0] == '\'') {
        buf text = BUF_INIT;
        duckdb_state st = DuckDBError;
        if (unquote(l, &text) == 0)
            st = duckdb_bind_varchar_length(stmt, i, text.data, text.len);
        buf_free(&text);
        return st;
    }
    if (isdigit((unsigned char)l.text[0]) || strchr("+-.", l.text[0]))
        return bind_number(stmt, i, l);
    return bind_typed_string(stmt, i, l);
}

engine_failure engine_bind_params(duckdb_prepared_statement stmt, const char *const *params,
                                  size_t count, engine_error *err)
{
    for (size_t i = 0; i < count; i++) {
        const char *p = params[i] ? params[i] : "";
        if (bind_one(stmt, (idx_t)i + 1, p) != DuckDBSuccess)
            return engine_fail(err, ENGINE_USER_ERROR, "INVALID_PARAMETER_USAGE",
                               "Execution parameter %zu is not a valid literal "
                               "('text', number, true, false, NULL, DATE '...', "
                               "TIMESTAMP '...'): %.64s%s",
                               i + 1, p, strlen(p) > 64 ? "..." : "");
    }
    return ENGINE_OK;
}
