/*
 * glue_expression_values.c: the typed values behind Glue's partition
 * Expressions (glue_expression_internal.h): which comparison a key's
 * declared type calls for, literals converted for it, and the ordering of a
 * partition's value against a literal (integers numerically, decimals
 * exactly, dates and timestamps by their canonical text, strings byte by
 * byte), plus SQL LIKE.
 */
#include "glue_expression_internal.h"

#include "buf.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- key types -------------------------------------------------------------- */

static int type_is(const char *type, const char *name)
{
    size_t n = strlen(name);
    return strncasecmp(type, name, n) == 0 && (type[n] == '\0' || type[n] == '(');
}

glue_key_class glue_key_class_of(const char *type)
{
    /* Crawlers declare keys as string; a key without a type is one too. */
    if (!type || !*type || type_is(type, "string") || type_is(type, "varchar") ||
        type_is(type, "char"))
        return GLUE_KEY_STRING;
    static const char *const integers[] = {"int", "integer", "bigint", "long", "smallint",
                                           "tinyint"};
    for (size_t i = 0; i < sizeof integers / sizeof integers[0]; i++)
        if (strcasecmp(type, integers[i]) == 0)
            return GLUE_KEY_INTEGER;
    if (type_is(type, "decimal"))
        return GLUE_KEY_DECIMAL;
    if (strcasecmp(type, "date") == 0)
        return GLUE_KEY_DATE;
    if (strcasecmp(type, "timestamp") == 0)
        return GLUE_KEY_TIMESTAMP;
    return GLUE_KEY_UNSUPPORTED;
}

/* ---- typed values ------------------------------------------------------------- */

static int parse_integer(const char *s, long long *out)
{
    const char *p = s + (*s == '+' || *s == '-');
    if (!isdigit((unsigned char)*p))
        return -1;
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q))
            return -1;
    errno = 0;
    *out = strtoll(s, NULL, 10);
    return errno == ERANGE ? -1 : 0;
}

/* Canonical text of a decimal: "-" for negatives, the integer digits
 * without leading zeros (at least "0"), and the fraction without trailing
 * zeros, so that equal numbers have equal text. Malloc'd, or NULL. */
static char *canonical_decimal(const char *s)
{
    int negative = *s == '-';
    const char *p = s + (*s == '+' || *s == '-');
    const char *int_start = p;
    while (isdigit((unsigned char)*p))
        p++;
    const char *int_end = p, *frac_start = p, *frac_end = p;
    if (*p == '.') {
        frac_start = ++p;
        while (isdigit((unsigned char)*p))
            p++;
        frac_end = p;
    }
    if (*p || (int_end == int_start && frac_end == frac_start))
        return NULL;
    while (int_start < int_end - 1 && *int_start == '0')
        int_start++;
    while (frac_end > frac_start && frac_end[-1] == '0')
        frac_end--;
    int zero = int_end - int_start <= 1 && (int_end == int_start || *int_start == '0') &&
               frac_end == frac_start;
    buf b = BUF_INIT;
    int rc = negative && !zero ? buf_putc(&b, '-') : 0;
    if (int_end == int_start)
        rc = rc ? rc : buf_putc(&b, '0');
    rc = rc ? rc : buf_append(&b, int_start, (size_t)(int_end - int_start));
    if (frac_end > frac_start) {
        rc = rc ? rc : buf_putc(&b, '.');
        rc = rc ? rc : buf_append(&b, frac_start, (size_t)(frac_end - frac_start));
    }
    if (rc) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b);
}

/* Compares two canonical decimals. */
static int compare_decimal(const char *a, const char *b)
{
    int neg_a = *a == '-', neg_b = *b == '-';
    if (neg_a != neg_b)
        return neg_a ? -1 : 1;
    a += neg_a;
    b += neg_b;
    size_t int_a = strcspn(a, "."), int_b = strcspn(b, ".");
    int cmp = int_a != int_b ? (int_a < int_b ? -1 : 1) : strncmp(a, b, int_a);
    if (cmp == 0) {
        /* Fractions compare digit by digit; a missing digit is a zero. */
        cmp = strcmp(a[int_a] ? a + int_a + 1 : "", b[int_b] ? b + int_b + 1 : "");
        cmp = cmp < 0 ? -1 : cmp > 0;
    }
    return neg_a ? -cmp : cmp;
}

static int digits_at(const char *s, size_t from, size_t count)
{
    for (size_t i = from; i < from + count; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

static int two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static int valid_date(const char *s)
{
    if (strlen(s) < 10 || !digits_at(s, 0, 4) || s[4] != '-' || !digits_at(s, 5, 2) ||
        s[7] != '-' || !digits_at(s, 8, 2))
        return 0;
    int month = two_digits(s + 5), day = two_digits(s + 8);
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* "YYYY-MM-DD[( |T)HH:MM:SS[.fff...]]" as "YYYY-MM-DD HH:MM:SS[.fff]" with
 * the fraction's trailing zeros removed. Malloc'd, or NULL. */
static char *canonical_timestamp(const char *s)
{
    if (!valid_date(s))
        return NULL;
    char out[64];
    memcpy(out, s, 10);
    memcpy(out + 10, " 00:00:00", 10);
    const char *t = s + 10;
    if (*t) {
        if ((*t != ' ' && *t != 'T') || strlen(t) < 9 || !digits_at(t, 1, 2) || t[3] != ':' ||
            !digits_at(t, 4, 2) || t[6] != ':' || !digits_at(t, 7, 2))
            return NULL;
        if (two_digits(t + 1) > 23 || two_digits(t + 4) > 59 || two_digits(t + 7) > 59)
            return NULL;
        memcpy(out + 11, t + 1, 8);
        const char *frac = t + 9;
        if (*frac) {
            size_t n = strlen(frac + 1);
            if (*frac != '.' || n == 0 || n > 12 || !digits_at(frac, 1, n))
                return NULL;
            while (n > 0 && frac[n] == '0')
                n--;
            if (n > 0) {
                out[19] = '.';
                memcpy(out + 20, frac + 1, n);
                out[20 + n] = '\0';
            }
        }
    }
    return strdup(out);
}

int glue_literal_convert(glue_key_class cls, const char *text, glue_literal *out)
{
    out->text = NULL;
    out->integer = 0;
    switch (cls) {
    case GLUE_KEY_INTEGER:
        return parse_integer(text, &out->integer);
    case GLUE_KEY_DECIMAL:
        out->text = canonical_decimal(text);
        break;
    case GLUE_KEY_DATE:
        out->text = valid_date(text) && strlen(text) == 10 ? strdup(text) : NULL;
        break;
    case GLUE_KEY_TIMESTAMP:
        out->text = canonical_timestamp(text);
        break;
    case GLUE_KEY_STRING:
        out->text = strdup(text);
        break;
    case GLUE_KEY_UNSUPPORTED:
        break;
    }
    return out->text ? 0 : -1;
}

int glue_compare_value(glue_key_class cls, const char *value, const glue_literal *lit,
                       int *cmp)
{
    if (cls == GLUE_KEY_INTEGER) {
        long long v;
        if (parse_integer(value, &v) != 0)
            return -1;
        *cmp = v < lit->integer ? -1 : v > lit->integer;
        return 0;
    }
    if (cls == GLUE_KEY_STRING) {
        int c = strcmp(value, lit->text);
        *cmp = c < 0 ? -1 : c > 0;
        return 0;
    }
    glue_literal converted;
    if (glue_literal_convert(cls, value, &converted) != 0)
        return -1;
    int c = cls == GLUE_KEY_DECIMAL ? compare_decimal(converted.text, lit->text)
                               : strcmp(converted.text, lit->text);
    free(converted.text);
    *cmp = c < 0 ? -1 : c > 0;
    return 0;
}

int glue_like_matches(const char *s, const char *pattern)
{
    const char *star_p = NULL, *star_s = NULL;
    while (*s) {
        if (*pattern == '%') {
            star_p = ++pattern;
            star_s = s;
        } else if (*pattern == '_' || (*pattern && *pattern == *s)) {
            int one_char = *pattern == '_';
            pattern++;
            s++;
            while (one_char && ((unsigned char)*s & 0xC0) == 0x80)
                s++;
        } else if (star_p) {
            pattern = star_p;
            s = ++star_s;
        } else {
            return 0;
        }
    }
    while (*pattern == '%')
        pattern++;
    return *pattern == '\0';
}
