/*
 * iam_condition.c: the Condition element of IAM policies: operator names,
 * their values (parsed once: numbers, dates, CIDR blocks, patterns with
 * policy variables) and their evaluation against the request context.
 *
 * AWS's rules, as the IAM condition operator reference states them:
 * - several values for one key are ORed (NORed for negated operators);
 * - a key missing from the request makes the condition false, except for
 *   negated operators (true), ...IfExists (true), ForAllValues (true) and
 *   Null (which tests exactly that);
 * - ForAnyValue: some request value satisfies the operator; ForAllValues:
 *   every request value does;
 * - context keys are case-insensitive.
 * The caller (iam_evaluate.c) ANDs the conditions of a statement.
 */
#include "iam_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- operator names -------------------------------------------------------- */

typedef struct operator_def {
    const char *name;
    iam_cond_family family;
    iam_cond_compare compare;
    bool negated;
} operator_def;

static const operator_def OPERATORS[] = {
    {"StringEquals", IAM_COND_STRING, IAM_CMP_EQUALS, false},
    {"StringNotEquals", IAM_COND_STRING, IAM_CMP_EQUALS, true},
    {"StringEqualsIgnoreCase", IAM_COND_STRING, IAM_CMP_EQUALS_NOCASE, false},
    {"StringNotEqualsIgnoreCase", IAM_COND_STRING, IAM_CMP_EQUALS_NOCASE, true},
    {"StringLike", IAM_COND_STRING, IAM_CMP_LIKE, false},
    {"StringNotLike", IAM_COND_STRING, IAM_CMP_LIKE, true},
    {"NumericEquals", IAM_COND_NUMERIC, IAM_CMP_EQUALS, false},
    {"NumericNotEquals", IAM_COND_NUMERIC, IAM_CMP_EQUALS, true},
    {"NumericLessThan", IAM_COND_NUMERIC, IAM_CMP_LESS, false},
    {"NumericLessThanEquals", IAM_COND_NUMERIC, IAM_CMP_LESS_EQUALS, false},
    {"NumericGreaterThan", IAM_COND_NUMERIC, IAM_CMP_GREATER, false},
    {"NumericGreaterThanEquals", IAM_COND_NUMERIC, IAM_CMP_GREATER_EQUALS, false},
    {"DateEquals", IAM_COND_DATE, IAM_CMP_EQUALS, false},
    {"DateNotEquals", IAM_COND_DATE, IAM_CMP_EQUALS, true},
    {"DateLessThan", IAM_COND_DATE, IAM_CMP_LESS, false},
    {"DateLessThanEquals", IAM_COND_DATE, IAM_CMP_LESS_EQUALS, false},
    {"DateGreaterThan", IAM_COND_DATE, IAM_CMP_GREATER, false},
    {"DateGreaterThanEquals", IAM_COND_DATE, IAM_CMP_GREATER_EQUALS, false},
    {"Bool", IAM_COND_BOOL, IAM_CMP_EQUALS, false},
    {"BinaryEquals", IAM_COND_BINARY, IAM_CMP_EQUALS, false},
    {"IpAddress", IAM_COND_IP, IAM_CMP_EQUALS, false},
    {"NotIpAddress", IAM_COND_IP, IAM_CMP_EQUALS, true},
    {"ArnEquals", IAM_COND_ARN, IAM_CMP_EQUALS, false},
    {"ArnLike", IAM_COND_ARN, IAM_CMP_LIKE, false},
    {"ArnNotEquals", IAM_COND_ARN, IAM_CMP_EQUALS, true},
    {"ArnNotLike", IAM_COND_ARN, IAM_CMP_LIKE, true},
    {"Null", IAM_COND_NULL, IAM_CMP_EQUALS, false},
};

static bool strip_prefix(const char **name, size_t *len, const char *prefix)
{
    size_t n = strlen(prefix);
    if (*len < n || strncmp(*name, prefix, n) != 0)
        return false;
    *name += n;
    *len -= n;
    return true;
}

bool iam_condition_operator(const char *name, iam_condition *cond)
{
    size_t len = strlen(name);
    cond->qualifier = IAM_SET_NONE;
    if (strip_prefix(&name, &len, "ForAnyValue:"))
        cond->qualifier = IAM_SET_ANY;
    else if (strip_prefix(&name, &len, "ForAllValues:"))
        cond->qualifier = IAM_SET_ALL;
    static const char suffix[] = "IfExists";
    size_t suffix_len = sizeof suffix - 1;
    cond->if_exists = len > suffix_len && strcmp(name + len - suffix_len, suffix) == 0;
    if (cond->if_exists)
        len -= suffix_len;
    for (size_t i = 0; i < sizeof OPERATORS / sizeof OPERATORS[0]; i++) {
        const operator_def *op = &OPERATORS[i];
        if (strlen(op->name) == len && strncmp(op->name, name, len) == 0) {
            /* Null tests presence itself: it has no IfExists form */
            if (op->family == IAM_COND_NULL && cond->if_exists)
                return false;
            cond->family = op->family;
            cond->compare = op->compare;
            cond->negated = op->negated;
            return true;
        }
    }
    return false;
}

/* ---- numbers and dates ----------------------------------------------------- */

static bool parse_number(const char *text, size_t len, double *out)
{
    char tmp[64];
    if (len == 0 || len >= sizeof tmp || isspace((unsigned char)text[0]))
        return false;
    memcpy(tmp, text, len);
    tmp[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* Reads exactly `digits` decimal digits. */
static bool read_digits(const char **p, const char *end, int digits, long *out)
{
    long v = 0;
    for (int i = 0; i < digits; i++) {
        if (*p >= end || !isdigit((unsigned char)**p))
            return false;
        v = v * 10 + (**p - '0');
        (*p)++;
    }
    *out = v;
    return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The time part of an ISO 8601 date: hh[:mm[:ss[.fff]]] then Z, +hh[:mm] or
 * -hh[:mm] (or nothing: UTC). Adds its seconds to *secs. */
static bool parse_iso_time(const char *p, const char *end, double *secs)
{
    long hh = 0, mm = 0, ss = 0;
    double frac = 0;
    if (!read_digits(&p, end, 2, &hh) || hh > 23)
        return false;
    if (p < end && *p == ':' && (p++, !read_digits(&p, end, 2, &mm) || mm > 59))
        return false;
    if (p < end && *p == ':' && (p++, !read_digits(&p, end, 2, &ss) || ss > 60))
        return false;
    if (p < end && *p == '.') {
        double scale = 0.1;
        p++;
        if (p >= end || !isdigit((unsigned char)*p))
            return false;
        while (p < end && isdigit((unsigned char)*p)) {
            frac += (*p++ - '0') * scale;
            scale /= 10;
        }
    }
    long offset = 0;
    if (p < end && (*p == 'Z' || *p == 'z')) {
        p++;
    } else if (p < end && (*p == '+' || *p == '-')) {
        int sign = *p++ == '-' ? -1 : 1;
        long oh = 0, om = 0;
        if (!read_digits(&p, end, 2, &oh) || oh > 23)
            return false;
        if (p < end && *p == ':')
            p++;
        if (p < end && (!read_digits(&p, end, 2, &om) || om > 59))
            return false;
        offset = sign * (oh * 3600 + om * 60);
    }
    if (p != end)
        return false;
    *secs += (double)(hh * 3600 + mm * 60 + ss - offset) + frac;
    return true;
}

/* A date as IAM accepts it: ISO 8601 (2026-01-01, 2026-01-01T12:00:00Z,
 * with fractions and offsets) or seconds since the epoch. */
static bool parse_date(const char *text, size_t len, double *out)
{
    const char *p = text, *end = text + len;
    bool iso = memchr(text, '-', len) || memchr(text, 'T', len) || memchr(text, 't', len);
    if (!iso) {
        for (size_t i = 0; i < len; i++)
            if (!isdigit((unsigned char)text[i]))
                return false;
        return parse_number(text, len, out);
    }
    long y = 0, m = 1, d = 1;
    if (!read_digits(&p, end, 4, &y))
        return false;
    if (p < end && *p == '-' && (p++, !read_digits(&p, end, 2, &m) || m < 1 || m > 12))
        return false;
    if (p < end && *p == '-' && (p++, !read_digits(&p, end, 2, &d) || d < 1 || d > 31))
        return false;
    double secs = (double)days_from_civil(y, m, d) * 86400.0;
    if (p < end) {
        if (*p != 'T' && *p != 't')
            return false;
        if (!parse_iso_time(p + 1, end, &secs))
            return false;
    }
    *out = secs;
    return true;
}

/* ---- IP addresses ------------------------------------------------------------ */

/* "203.0.113.0/24", "2001:db8::/32" or a plain address, as 16 bytes (IPv4
 * mapped to ::ffff:a.b.c.d) and a prefix length over those 128 bits. */
static bool parse_cidr(const char *text, size_t len, unsigned char addr[16], int *bits)
{
    char tmp[64];
    if (len == 0 || len >= sizeof tmp)
        return false;
    memcpy(tmp, text, len);
    tmp[len] = '\0';
    long prefix = -1;
    char *slash = strchr(tmp, '/');
    if (slash) {
        *slash = '\0';
        char *end;
        if (!isdigit((unsigned char)slash[1]))
            return false;
        prefix = strtol(slash + 1, &end, 10);
        if (*end != '\0')
            return false;
    }
    unsigned char v4[4];
    if (inet_pton(AF_INET, tmp, v4) == 1) {
        if (prefix > 32)
            return false;
        memset(addr, 0, 10);
        addr[10] = addr[11] = 0xFF;
        memcpy(addr + 12, v4, 4);
        *bits = prefix < 0 ? 128 : (int)prefix + 96;
        return true;
    }
    if (inet_pton(AF_INET6, tmp, addr) == 1) {
        if (prefix > 128)
            return false;
        *bits = prefix < 0 ? 128 : (int)prefix;
        return true;
    }
    return false;
}

static bool ip_in_block(const unsigned char ip[16], const iam_cond_value *block)
{
    int bits = block->prefix_bits;
    int whole = bits / 8, rest = bits % 8;
    if (memcmp(ip, block->ip, (size_t)whole) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xFF << (8 - rest));
    return (ip[whole] & mask) == (block->ip[whole] & mask);
}

/* ---- policy values ----------------------------------------------------------- */

int iam_condition_value_parse(iam_arena *a, const iam_condition *cond, const char *text,
                              size_t len, bool variables, iam_cond_value *value)
{
    /* Policy variables work in string and ARN comparisons only. */
    bool with_variables =
        variables && (cond->family == IAM_COND_STRING || cond->family == IAM_COND_ARN);
    if (iam_pattern_compile(a, text, len, with_variables, &value->pattern) != 0)
        return -1;
    switch (cond->family) {
    case IAM_COND_NUMERIC:
        value->valid = parse_number(text, len, &value->number);
        break;
    case IAM_COND_DATE:
        value->valid = parse_date(text, len, &value->number);
        if (!value->valid)
            return 1;
        break;
    case IAM_COND_IP:
        value->valid = parse_cidr(text, len, value->ip, &value->prefix_bits);
        break;
    default:
        value->valid = true;
        break;
    }
    return 0;
}

/* ---- comparing one request value with one policy value ---------------------- */

static bool compare_numbers(iam_cond_compare cmp, double request, double policy)
{
    switch (cmp) {
    case IAM_CMP_LESS: return request < policy;
    case IAM_CMP_LESS_EQUALS: return request <= policy;
    case IAM_CMP_GREATER: return request > policy;
    case IAM_CMP_GREATER_EQUALS: return request >= policy;
    default: return request == policy;
    }
}

/* Splits text at its first five colons into the six ARN components; false
 * when it has fewer. */
static bool split_arn_text(const char *text, size_t len, size_t starts[6], size_t ends[6])
{
    size_t seg = 0;
    starts[0] = 0;
    for (size_t i = 0; i < len && seg < 5; i++) {
        if (text[i] == ':') {
            ends[seg] = i;
            starts[++seg] = i + 1;
        }
    }
    if (seg < 5)
        return false;
    ends[5] = len;
    return true;
}

/* Splits resolved pieces the same way: seg_first[k]..seg_first[k+1] are the
 * pieces of component k, in out (which has room for count + 5 pieces). */
static bool split_arn_pieces(const iam_piece *in, size_t count, iam_piece *out,
                             size_t seg_first[7])
{
    size_t n = 0, seg = 0;
    seg_first[0] = 0;
    for (size_t i = 0; i < count; i++) {
        iam_piece rest = in[i];
        const char *colon;
        while (seg < 5 && (colon = memchr(rest.text, ':', rest.len)) != NULL) {
            out[n++] = (iam_piece){rest.text, (size_t)(colon - rest.text), rest.wild};
            seg_first[++seg] = n;
            rest.len -= (size_t)(colon - rest.text) + 1;
            rest.text = colon + 1;
        }
        out[n++] = rest;
    }
    if (seg < 5)
        return false;
    seg_first[6] = n;
    return true;
}

/* ArnEquals and ArnLike (IAM treats them alike): each of the six
 * components matched on its own, with wildcards. */
static bool arn_matches(const iam_resolved *policy, const char *text, size_t len)
{
    size_t starts[6], ends[6], first[7];
    if (!split_arn_text(text, len, starts, ends))
        return false;
    iam_piece stack[IAM_MAX_PIECES + 6];
    iam_piece *pieces = stack;
    if (policy->count > IAM_MAX_PIECES && !(pieces = malloc((policy->count + 5) * sizeof *pieces)))
        return false;
    bool ok = split_arn_pieces(policy->pieces, policy->count, pieces, first);
    for (int k = 0; ok && k < 6; k++)
        ok = iam_pieces_match(pieces + first[k], first[k + 1] - first[k], text + starts[k],
                              ends[k] - starts[k], false);
    if (pieces != stack)
        free(pieces);
    return ok;
}

static iam_cond_result text_matches(const iam_condition *cond, const iam_cond_value *pv,
                                    const iam_request *req, const char *text)
{
    iam_resolved r;
    iam_resolve_status st = iam_pattern_resolve(&pv->pattern, req, &r);
    if (st != IAM_RESOLVED)
        return IAM_COND_INVALID;
    size_t len = strlen(text);
    bool hit;
    if (cond->family == IAM_COND_ARN)
        hit = arn_matches(&r, text, len);
    else if (cond->compare == IAM_CMP_LIKE)
        hit = iam_pieces_match(r.pieces, r.count, text, len, false);
    else
        hit = iam_pieces_equal(r.pieces, r.count, text, len,
                               cond->compare == IAM_CMP_EQUALS_NOCASE ||
                                   cond->family == IAM_COND_BOOL);
    iam_resolved_release(&r);
    return hit ? IAM_COND_TRUE : IAM_COND_FALSE;
}

/* Whether one request value matches any of the condition's policy values
 * (before negation). */
static iam_cond_result value_matches_any(const iam_condition *cond, const iam_request *req,
                                         const char *text)
{
    double number = 0;
    unsigned char ip[16];
    int bits;
    bool parsed = true;
    if (cond->family == IAM_COND_NUMERIC)
        parsed = parse_number(text, strlen(text), &number);
    else if (cond->family == IAM_COND_DATE)
        parsed = parse_date(text, strlen(text), &number);
    else if (cond->family == IAM_COND_IP)
        parsed = parse_cidr(text, strlen(text), ip, &bits);
    for (size_t i = 0; i < cond->value_count; i++) {
        const iam_cond_value *pv = &cond->values[i];
        switch (cond->family) {
        case IAM_COND_NUMERIC:
        case IAM_COND_DATE:
            if (parsed && pv->valid && compare_numbers(cond->compare, number, pv->number))
                return IAM_COND_TRUE;
            break;
        case IAM_COND_IP:
            if (parsed && pv->valid && ip_in_block(ip, pv))
                return IAM_COND_TRUE;
            break;
        default: {
            iam_cond_result r = text_matches(cond, pv, req, text);
            if (r != IAM_COND_FALSE)
                return r;
            break;
        }
        }
    }
    return IAM_COND_FALSE;
}

/* ---- one condition ------------------------------------------------------------ */

static iam_cond_result evaluate_null(const iam_condition *cond, bool present)
{
    for (size_t i = 0; i < cond->value_count; i++) {
        bool want_missing = strcasecmp(cond->values[i].pattern.source, "true") == 0;
        if (want_missing != present)
            return IAM_COND_TRUE;
    }
    return IAM_COND_FALSE;
}

static iam_cond_result evaluate_missing(const iam_condition *cond)
{
    if (cond->if_exists || cond->qualifier == IAM_SET_ALL)
        return IAM_COND_TRUE;
    if (cond->qualifier == IAM_SET_ANY)
        return IAM_COND_FALSE;
    return cond->negated ? IAM_COND_TRUE : IAM_COND_FALSE;
}

iam_cond_result iam_condition_evaluate(const iam_condition *cond, const iam_request *req)
{
    const char *first = iam_context_value_at(req, cond->key, cond->key_len, 0);
    if (cond->family == IAM_COND_NULL)
        return evaluate_null(cond, first != NULL);
    if (!first)
        return evaluate_missing(cond);
    bool any_match = false, all_pass = true, any_pass = false;
    const char *text = first;
    for (size_t i = 1; text; text = iam_context_value_at(req, cond->key, cond->key_len, i++)) {
        iam_cond_result m = value_matches_any(cond, req, text);
        if (m == IAM_COND_INVALID)
            return IAM_COND_INVALID;
        bool matched = m == IAM_COND_TRUE;
        bool passes = cond->negated ? !matched : matched;
        any_match |= matched;
        any_pass |= passes;
        all_pass &= passes;
    }
    bool result;
    switch (cond->qualifier) {
    case IAM_SET_ANY: result = any_pass; break;
    case IAM_SET_ALL: result = all_pass; break;
    default: result = cond->negated ? !any_match : any_match; break;
    }
    return result ? IAM_COND_TRUE : IAM_COND_FALSE;
}
