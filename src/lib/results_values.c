/*
 * results_values.c: the cursor's string and typed accessors.
 *
 * A typed read checks two things: that the column's declared type can be
 * read as the requested C type (reading a varchar as int64 is a mistake even
 * when the text happens to be digits), and that the text parses. Columns of
 * unknown type (some servers omit ColumnInfo types) are judged by text alone.
 */
#include "results_cursor.h"

#include "values.h"

#include <stdio.h>

/* Checks the row and column and returns the text, or an error status. */
static athena_status current_value(const athena_results *r, size_t i, const char **s,
                                   size_t *len)
{
    athena_results *w = (athena_results *)r;
    if (!r->has_row)
        return error_set(&w->error, ATHENA_E_RANGE, "no current row: call athena_results_next()");
    if (i >= r->ncols)
        return error_set(&w->error, ATHENA_E_RANGE, "column %zu out of range (%zu columns)", i,
                         r->ncols);
    if (!r->values[i])
        return error_set(&w->error, ATHENA_E_NULL, "column %zu (%s) is NULL", i,
                         r->columns[i].name);
    *s = r->values[i];
    *len = r->lengths[i];
    return ATHENA_OK;
}

athena_status athena_results_get_string(const athena_results *r, size_t i, const char **value,
                                        size_t *length)
{
    const char *s;
    size_t len;
    athena_status st = current_value(r, i, &s, &len);
    if (st != ATHENA_OK)
        return st;
    *value = s;
    if (length)
        *length = len;
    return ATHENA_OK;
}

/* Reads column i as `wanted` if its class is one of `accepted` (a bitmask of
 * 1 << value_class) and the text parses. */
typedef int (*parse_fn)(const char *s, size_t len, void *out);

static athena_status typed_read(const athena_results *r, size_t i, unsigned accepted,
                                const char *wanted, parse_fn parse, void *out)
{
    athena_results *w = (athena_results *)r;
    const char *s;
    size_t len;
    athena_status st = current_value(r, i, &s, &len);
    if (st != ATHENA_OK)
        return st;
    const athena_column *col = &r->columns[i];
    value_class cls = value_classify(col->type);
    if (cls != VALUE_UNKNOWN && !(accepted & (1u << cls)))
        return error_set(&w->error, ATHENA_E_TYPE, "column %zu (%s) is %s, not readable as %s", i,
                         col->name, col->type, wanted);
    if (parse(s, len, out) != 0)
        return error_set(&w->error, ATHENA_E_TYPE, "column %zu (%s): '%.*s' is not a valid %s", i,
                         col->name, len > 64 ? 64 : (int)len, s, wanted);
    return ATHENA_OK;
}

static int parse_int64(const char *s, size_t len, void *out)
{
    return value_parse_int64(s, len, out);
}

static int parse_double(const char *s, size_t len, void *out)
{
    return value_parse_double(s, len, out);
}

static int parse_bool(const char *s, size_t len, void *out)
{
    return value_parse_bool(s, len, out);
}

static int parse_date(const char *s, size_t len, void *out)
{
    return value_parse_date(s, len, out);
}

/* A timestamp column, or a date read as midnight. */
static int parse_timestamp(const char *s, size_t len, void *out)
{
    athena_timestamp *ts = out;
    if (value_parse_timestamp(s, len, ts) == 0)
        return 0;
    athena_date d;
    if (value_parse_date(s, len, &d) != 0)
        return -1;
    *ts = (athena_timestamp){d.year, d.month, d.day, 0, 0, 0, 0};
    return 0;
}

#define CLASS(c) (1u << (c))

athena_status athena_results_get_int64(const athena_results *r, size_t i, int64_t *value)
{
    return typed_read(r, i, CLASS(VALUE_INTEGER), "an integer", parse_int64, value);
}

athena_status athena_results_get_double(const athena_results *r, size_t i, double *value)
{
    return typed_read(r, i, CLASS(VALUE_INTEGER) | CLASS(VALUE_FLOAT) | CLASS(VALUE_DECIMAL),
                      "a double", parse_double, value);
}

athena_status athena_results_get_bool(const athena_results *r, size_t i, int *value)
{
    return typed_read(r, i, CLASS(VALUE_BOOLEAN), "a boolean", parse_bool, value);
}

athena_status athena_results_get_date(const athena_results *r, size_t i, athena_date *value)
{
    return typed_read(r, i, CLASS(VALUE_DATE), "a date", parse_date, value);
}

athena_status athena_results_get_timestamp(const athena_results *r, size_t i,
                                           athena_timestamp *value)
{
    return typed_read(r, i, CLASS(VALUE_TIMESTAMP) | CLASS(VALUE_DATE), "a timestamp",
                      parse_timestamp, value);
}
