/*
 * sigv4_verify.c: SigV4 verification for athena-local (see sigv4.h).
 *
 * Recovers what the client claims (credential scope, SignedHeaders,
 * signature, time) from the Authorization header or the presigned query,
 * checks the cheap things first (shape, clock skew or expiry, payload hash),
 * then looks up the secret, recomputes the signature through the same
 * canonicalizer the signer uses, and compares in constant time. Messages
 * follow AWS's wording and never hold the secret or the expected signature.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "crypto.h"
#include "sigv4.h"
#include "sigv4_internal.h"
#include "uri.h"

/* Days from 1970-01-01 to year-month-day in the proleptic Gregorian
 * calendar (H. Hinnant's days_from_civil). Plain arithmetic: timegm and
 * gmtime_r take the C library's time-zone lock, which every verifying
 * thread would queue on. */
static long days_from_civil(long year, int month, int day)
{
    year -= month <= 2;
    long era = (year >= 0 ? year : year - 399) / 400;
    long year_of_era = year - era * 400;
    long day_of_year = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month - 1] + (month == 2 && leap);
}

/* The number written by n ASCII digits. */
static int digits_value(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Parses YYYYMMDDTHHMMSSZ strictly: no impossible dates (20150230), no
 * leap second, no year before 1000. 0 or -1. */
static int parse_amz_date(const char *s, time_t *out)
{
    if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return -1;
    for (int i = 0; i < 15; i++)
        if (i != 8 && !isdigit((unsigned char)s[i]))
            return -1;
    int year = digits_value(s, 4), month = digits_value(s + 4, 2), day = digits_value(s + 6, 2);
    int hour = digits_value(s + 9, 2), minute = digits_value(s + 11, 2);
    int second = digits_value(s + 13, 2);
    if (year < 1000 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
        hour > 23 || minute > 59 || second > 59)
        return -1;
    *out = (time_t)days_from_civil(year, month, day) * 86400 + hour * 3600L + minute * 60L +
           second;
    return 0;
}

/* What the client claims, from the Authorization header or the presigned query. */
typedef struct claim {
    int presigned;
    buf credential;
    buf signed_headers;
    buf signature;
    const char *amz_date;
    const char *expires;   /* presigned only */
    const char *token;     /* NULL: none */
    char scope_date[9];
} claim;

typedef struct verify_ctx {
    const sigv4_request *req;
    int s3;
    time_t now;
    sigv4_verified *out;
    uri_query query;
    claim c;
    time_t signed_at;
    const char *payload_hash;
    char body_hash[SHA256_HEX_LEN + 1];
} verify_ctx;

static const char MSG_MISMATCH[] =
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method.";

__attribute__((format(printf, 3, 4)))
static sigv4_verdict fail(verify_ctx *v, sigv4_verdict verdict, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->out->message, sizeof v->out->message, fmt, ap);
    va_end(ap);
    return verdict;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static sigv4_verdict out_of_memory(verify_ctx *v)
{
    return fail(v, SIGV4_INTERNAL, "The server could not check the signature; try again.");
}

/* Copies the value of "key=" from a comma-separated list: 1 found, 0 not, -1 no memory. */
static int auth_field(const char *list, const char *key, buf *out)
{
    size_t key_len = strlen(key);
    for (const char *p = list; *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        if (len > key_len && strncmp(p, key, key_len) == 0 && p[key_len] == '=') {
            size_t value_len = len - key_len - 1;
            while (value_len && is_blank(p[key_len + value_len]))
                value_len--;
            return buf_append(out, p + key_len + 1, value_len) ? -1 : 1;
        }
        p += len;
    }
    return 0;
}

static sigv4_verdict read_header_claim(verify_ctx *v, const char *auth)
{
    static const char *const keys[] = {"Credential", "SignedHeaders", "Signature"};
    buf *dest[] = {&v->c.credential, &v->c.signed_headers, &v->c.signature};
    size_t alg_len = strlen(SIGV4_ALGORITHM);
    if (strncmp(auth, SIGV4_ALGORITHM, alg_len) != 0 || !is_blank(auth[alg_len]))
        return fail(v, SIGV4_INCOMPLETE,
                    "Unsupported Authorization Type: only " SIGV4_ALGORITHM " is accepted.");
    for (size_t i = 0; i < 3; i++) {
        int rc = auth_field(auth + alg_len, keys[i], dest[i]);
        if (rc < 0)
            return out_of_memory(v);
        if (rc == 0 || dest[i]->len == 0)
            return fail(v, SIGV4_INCOMPLETE, "Authorization header requires '%s' parameter.",
                        keys[i]);
    }
    v->c.amz_date = sigv4_find_header(v->req, "x-amz-date");
    if (!v->c.amz_date)
        return fail(v, SIGV4_INCOMPLETE,
                    "Authorization header requires existence of a 'X-Amz-Date' header.");
    v->c.token = sigv4_find_header(v->req, "x-amz-security-token");
    return SIGV4_OK;
}

static sigv4_verdict read_query_claim(verify_ctx *v)
{
    const uri_query *q = &v->query;
    const char *alg = uri_query_get(q, "X-Amz-Algorithm");
    const char *cred = uri_query_get(q, "X-Amz-Credential");
    const char *names = uri_query_get(q, "X-Amz-SignedHeaders");
    const char *sig = uri_query_get(q, "X-Amz-Signature");
    v->c.presigned = 1;
    v->c.amz_date = uri_query_get(q, "X-Amz-Date");
    v->c.expires = uri_query_get(q, "X-Amz-Expires");
    v->c.token = uri_query_get(q, "X-Amz-Security-Token");
    if (!alg || !cred || !names || !sig || !v->c.amz_date || !v->c.expires)
        return fail(v, SIGV4_INCOMPLETE,
                    "Query-string authentication version 4 requires the X-Amz-Algorithm, "
                    "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
                    "and X-Amz-Expires parameters.");
    if (strcmp(alg, SIGV4_ALGORITHM) != 0)
        return fail(v, SIGV4_INCOMPLETE, "X-Amz-Algorithm only supports \"" SIGV4_ALGORITHM "\".");
    if (buf_puts(&v->c.credential, cred) || buf_puts(&v->c.signed_headers, names) ||
        buf_puts(&v->c.signature, sig))
        return out_of_memory(v);
    return SIGV4_OK;
}

static sigv4_verdict read_claim(verify_ctx *v)
{
    const char *query = v->req->query ? v->req->query : "";
    int rc = uri_query_parse(&v->query, query, strlen(query), 0);
    if (rc == URI_NOMEM)
        return out_of_memory(v);
    if (rc != URI_OK)
        return fail(v, SIGV4_INCOMPLETE, "The query string holds a malformed %%-escape.");
    const char *auth = sigv4_find_header(v->req, "authorization");
    if (auth)
        return read_header_claim(v, auth);
    if (uri_query_get(&v->query, "X-Amz-Signature") ||
        uri_query_get(&v->query, "X-Amz-Algorithm") || uri_query_get(&v->query, "X-Amz-Credential"))
        return read_query_claim(v);
    return fail(v, SIGV4_MISSING, "Missing Authentication Token");
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Copies n bytes of s into a field of cap bytes; 0 if it does not fit or is empty. */
static int copy_part(char *dst, size_t cap, const char *s, size_t n)
{
    if (n == 0 || n >= cap)
        return 0;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 1;
}

/* AKID/YYYYMMDD/REGION/SERVICE/aws4_request */
static sigv4_verdict parse_credential(verify_ctx *v)
{
    const char *part[5], *p = buf_str(&v->c.credential);
    size_t len[5], n = 0;
    for (;;) {
        size_t l = strcspn(p, "/");
        if (n < 5) {
            part[n] = p;
            len[n] = l;
        }
        n++;
        if (!p[l])
            break;
        p += l + 1;
    }
    sigv4_verified *o = v->out;
    if (n != 5 || !copy_part(o->access_key_id, sizeof o->access_key_id, part[0], len[0]) ||
        len[1] != 8 || !all_digits(part[1], 8) ||
        !copy_part(v->c.scope_date, sizeof v->c.scope_date, part[1], len[1]) ||
        !copy_part(o->region, sizeof o->region, part[2], len[2]) ||
        !copy_part(o->service, sizeof o->service, part[3], len[3]) || len[4] != 12 ||
        memcmp(part[4], "aws4_request", 12) != 0)
        return fail(v, SIGV4_INCOMPLETE,
                    "%s is malformed; expecting "
                    "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".",
                    v->c.presigned ? "X-Amz-Credential" : "Authorization header's Credential");
    return SIGV4_OK;
}

static sigv4_verdict check_claim(verify_ctx *v)
{
    if (!sigv4_name_listed(buf_str(&v->c.signed_headers), "host"))
        return fail(v, SIGV4_INCOMPLETE,
                    "'Host' must be a 'SignedHeader' in the AWS Authorization.");
    if (v->c.token) {
        if (strlen(v->c.token) >= sizeof v->out->session_token)
            return fail(v, SIGV4_INCOMPLETE,
                        "The security token included in the request is too long.");
        strcpy(v->out->session_token, v->c.token);
    }
    return SIGV4_OK;
}

static sigv4_verdict not_yet_current(verify_ctx *v)
{
    char limit[17] = "", now[17] = "";
    sigv4_format_date(v->now + SIGV4_MAX_SKEW_SECONDS, limit);
    sigv4_format_date(v->now, now);
    return fail(v, SIGV4_SKEW,
                "Signature not yet current: %s is still later than %s (%s + 15 min.)",
                v->c.amz_date, limit, now);
}

static sigv4_verdict check_skew(verify_ctx *v)
{
    if (v->signed_at > v->now + SIGV4_MAX_SKEW_SECONDS)
        return not_yet_current(v);
    if (v->signed_at >= v->now - SIGV4_MAX_SKEW_SECONDS)
        return SIGV4_OK;
    char limit[17] = "", now[17] = "";
    sigv4_format_date(v->now - SIGV4_MAX_SKEW_SECONDS, limit);
    sigv4_format_date(v->now, now);
    return fail(v, SIGV4_SKEW, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
                v->c.amz_date, limit, now);
}

/* A presigned URL is good from (X-Amz-Date - skew) to X-Amz-Date + X-Amz-Expires. */
static sigv4_verdict check_expiry(verify_ctx *v)
{
    const char *s = v->c.expires;
    size_t n = strlen(s);
    long expires = n > 0 && n < 8 && all_digits(s, n) ? strtol(s, NULL, 10) : -1;
    if (expires < 1 || expires > SIGV4_MAX_EXPIRES)
        return fail(v, SIGV4_INCOMPLETE,
                    "X-Amz-Expires must be between 1 and 604800 seconds (one week).");
    if (v->signed_at > v->now + SIGV4_MAX_SKEW_SECONDS)
        return not_yet_current(v);
    if (v->now > v->signed_at + expires)
        return fail(v, SIGV4_EXPIRED, "Request has expired");
    return SIGV4_OK;
}

static sigv4_verdict check_time(verify_ctx *v)
{
    if (parse_amz_date(v->c.amz_date, &v->signed_at) != 0)
        return fail(v, SIGV4_INCOMPLETE,
                    "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\".");
    if (strncmp(v->c.amz_date, v->c.scope_date, 8) != 0)
        return fail(v, SIGV4_INCOMPLETE,
                    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                    "date from HTTP: '%s' != '%.8s'.",
                    v->c.scope_date, v->c.amz_date);
    return v->c.presigned ? check_expiry(v) : check_skew(v);
}

static int is_hex_hash(const char *s)
{
    size_t n = strspn(s, "0123456789abcdefABCDEF");
    return n == SHA256_HEX_LEN && s[n] == '\0';
}

/* The payload line: the client's x-amz-content-sha256 when it is a marker,
 * else the real body hash, which a hex claim must equal. */
static sigv4_verdict check_payload(verify_ctx *v)
{
    const sigv4_request *req = v->req;
    const char *claimed = sigv4_find_header(req, "x-amz-content-sha256");
    v->payload_hash = claimed;
    if (claimed && (strcmp(claimed, SIGV4_UNSIGNED_PAYLOAD) == 0 ||
                    strncmp(claimed, "STREAMING-", 10) == 0))
        return SIGV4_OK;
    if (claimed && !is_hex_hash(claimed))
        return fail(v, SIGV4_INCOMPLETE,
                    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-*, "
                    "or a valid sha256 value.");
    if (!claimed && v->s3 && v->c.presigned) {
        v->payload_hash = SIGV4_UNSIGNED_PAYLOAD; /* S3 presigned URLs never sign the body */
        return SIGV4_OK;
    }
    v->payload_hash = req->payload_hash;
    if (!v->payload_hash) {
        if (sha256_hex_checked(req->body, req->body_len, v->body_hash) != 0)
            return out_of_memory(v);
        v->payload_hash = v->body_hash;
    }
    if (claimed && strcmp(claimed, v->payload_hash) != 0)
        return fail(v, SIGV4_MISMATCH,
                    "The provided 'x-amz-content-sha256' header does not match what was "
                    "computed.");
    return SIGV4_OK;
}

/* Recomputes the signature with the secret from lookup and compares. */
static sigv4_verdict check_signature(verify_ctx *v, sigv4_secret_lookup lookup, void *user_data)
{
    char secret[512] = "";
    if (lookup(user_data, v->out->access_key_id, secret, sizeof secret) != 0) {
        secure_zero(secret, sizeof secret);
        return fail(v, SIGV4_UNKNOWN_KEY, "%s",
                    v->s3 ? "The AWS Access Key Id you provided does not exist in our records."
                          : "The security token included in the request is invalid.");
    }
    secret[sizeof secret - 1] = '\0';
    sigv4_scope sc = {"", "", v->out->region, v->out->service};
    memcpy(sc.amz_date, v->c.amz_date, sizeof sc.amz_date);
    memcpy(sc.date, v->c.scope_date, sizeof sc.date);
    const sigv4_request *req = v->req;
    sigv4_canon in = {req->method, req->path, v->s3, !v->s3, &v->query,
                      v->c.presigned ? "X-Amz-Signature" : NULL, req->headers, req->header_count,
                      buf_str(&v->c.signed_headers), v->payload_hash};
    sigv4_signed calc;
    memset(&calc, 0, sizeof calc);
    buf names = BUF_INIT;
    int rc = sigv4_sign_canonical(&in, &sc, secret, &calc, &names);
    secure_zero(secret, sizeof secret);
    int match = rc == 0 && v->c.signature.len == SHA256_HEX_LEN &&
                const_time_eq(calc.signature, v->c.signature.data, SHA256_HEX_LEN);
    sigv4_signed_free(&calc);
    buf_free(&names);
    if (rc != 0)
        return out_of_memory(v);
    return match ? SIGV4_OK : fail(v, SIGV4_MISMATCH, "%s", MSG_MISMATCH);
}

static sigv4_verdict verify_steps(verify_ctx *v, sigv4_secret_lookup lookup, void *user_data)
{
    sigv4_verdict r;
    if ((r = read_claim(v)) != SIGV4_OK || (r = parse_credential(v)) != SIGV4_OK ||
        (r = check_claim(v)) != SIGV4_OK || (r = check_time(v)) != SIGV4_OK ||
        (r = check_payload(v)) != SIGV4_OK)
        return r;
    return check_signature(v, lookup, user_data);
}

sigv4_verdict sigv4_verify(const sigv4_request *req, int s3, time_t now,
                           sigv4_secret_lookup lookup, void *user_data, sigv4_verified *out)
{
    if (!out)
        return SIGV4_INTERNAL;
    memset(out, 0, sizeof *out);
    verify_ctx v;
    memset(&v, 0, sizeof v);
    v.req = req;
    v.s3 = s3;
    v.now = now;
    v.out = out;
    if (!req || !req->method || !lookup)
        return fail(&v, SIGV4_INTERNAL, "The server could not check the signature.");
    sigv4_verdict r = verify_steps(&v, lookup, user_data);
    uri_query_free(&v.query);
    buf_free(&v.c.credential);
    buf_free(&v.c.signed_headers);
    buf_free(&v.c.signature);
    return r;
}
