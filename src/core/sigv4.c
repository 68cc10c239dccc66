/*
 * sigv4.c: AWS Signature Version 4, signing and verification (see sigv4.h).
 *
 * Both directions go through one canonicalizer (canonical_request) and one
 * signer (sign_canonical), so the client and athena-local cannot disagree on
 * a byte. Signing adds the X-Amz-* headers or query parameters and formats
 * the result; verification recovers the same inputs from the Authorization
 * header or the presigned query, recomputes, and compares in constant time.
 */
#include "sigv4.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "crypto.h"
#include "uri.h"

#define ALGORITHM "AWS4-HMAC-SHA256"
#define MAX_EXPIRES 604800L /* presigned URLs live at most a week */

/* ---- Time and credential scope ---- */

/* The credential scope: DATE/REGION/SERVICE/aws4_request. */
typedef struct scope {
    char amz_date[17]; /* YYYYMMDDTHHMMSSZ */
    char date[9];      /* YYYYMMDD */
    const char *region;
    const char *service;
} scope;

static int format_amz_date(time_t t, char out[17])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
        return -1;
    return 0;
}

/* Parses YYYYMMDDTHHMMSSZ strictly (no impossible dates). 0 or -1. */
static int parse_amz_date(const char *s, time_t *out)
{
    if (strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z')
        return -1;
    for (int i = 0; i < 15; i++)
        if (i != 8 && !isdigit((unsigned char)s[i]))
            return -1;
    struct tm tm = {0};
    if (sscanf(s, "%4d%2d%2dT%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    char again[17];
    /* timegm silently fixes 20150230; formatting it back exposes that. */
    if (t == (time_t)-1 || format_amz_date(t, again) != 0 || strcmp(again, s) != 0)
        return -1;
    *out = t;
    return 0;
}

static int scope_from_time(time_t t, const char *region, const char *service, scope *sc)
{
    if (format_amz_date(t, sc->amz_date) != 0)
        return -1;
    memcpy(sc->date, sc->amz_date, 8);
    sc->date[8] = '\0';
    sc->region = region;
    sc->service = service;
    return 0;
}

static int put_scope(buf *out, const scope *sc)
{
    return buf_printf(out, "%s/%s/%s/aws4_request", sc->date, sc->region, sc->service);
}

/* ---- Canonical request ---- */

/* Everything the canonical request is made of. */
typedef struct canon_input {
    const char *method;
    const char *path;              /* wire path */
    int s3;                        /* S3: the wire path as is */
    int normalize;                 /* others: drop . .. and empty segments first */
    const uri_query *query;        /* decoded parameters */
    const char *skip_param;        /* X-Amz-Signature when verifying a presigned URL */
    const sigv4_header *headers;
    size_t header_count;
    const char *signed_list;       /* verification: "a;b"; NULL: all but Authorization */
    const char *payload_hash;
} canon_input;

/* One header on its way into the canonical request. */
typedef struct canon_header {
    char *name;    /* lower-cased */
    buf value;     /* trimmed, inner whitespace runs collapsed */
    size_t order;  /* position in the request, so duplicates keep their order */
} canon_header;

/* RFC 3986 dot-segment removal plus collapsing "//": "//a/./b/../c/" -> "/a/c/". */
static int normalize_path(buf *out, const char *path)
{
    if (buf_putc(out, '/') != 0)
        return -1;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            char *slash = strrchr(out->data, '/');
            out->len = slash == out->data ? 1 : (size_t)(slash - out->data);
            out->data[out->len] = '\0';
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            if ((out->len > 1 && buf_putc(out, '/') != 0) || buf_append(out, p, n) != 0)
                return -1;
        }
        p += n;
    }
    /* A trailing slash names a different resource, so it survives. */
    size_t len = strlen(path);
    if (out->len > 1 && len && path[len - 1] == '/')
        return buf_putc(out, '/');
    return 0;
}

/* S3 signs the wire path; other services sign it encoded once more. */
static int put_canonical_path(buf *out, const canon_input *in)
{
    const char *path = in->path && *in->path ? in->path : "/";
    if (in->s3)
        return buf_puts(out, path);
    if (!in->normalize)
        return uri_encode(out, path, strlen(path), URI_KEEP_SLASH);
    buf norm = BUF_INIT;
    int rc = normalize_path(&norm, path) != 0 ||
             uri_encode(out, buf_str(&norm), norm.len, URI_KEEP_SLASH) != 0;
    buf_free(&norm);
    return rc ? -1 : 0;
}

static int is_lws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims and collapses whitespace runs, including folded lines, to one space. */
static int put_header_value(buf *out, const char *v)
{
    int gap = 0;
    for (; *v; v++) {
        if (is_lws(*v)) {
            gap = 1;
            continue;
        }
        if ((gap && out->len > 0 && buf_putc(out, ' ') != 0) || buf_putc(out, *v) != 0)
            return -1;
        gap = 0;
    }
    return 0;
}

/* 1 if name (lower-case) is one of the ';'-separated names in list. */
static int name_listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ";");
        if (len == n && memcmp(p, name, n) == 0)
            return 1;
        p += len + (p[len] == ';');
    }
    return 0;
}

static char *lower_dup(const char *s)
{
    char *d = strdup(s);
    for (char *p = d; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

static int compare_headers(const void *a, const void *b)
{
    const canon_header *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

static void free_headers(canon_header *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        buf_free_secure(&h[i].value); /* may hold a session token */
    }
    free(h);
}

/* The headers that are signed, canonicalized and sorted; count in *n. */
static canon_header *collect_headers(const canon_input *in, size_t *n)
{
    canon_header *h = calloc(in->header_count + 1, sizeof *h);
    *n = 0;
    for (size_t i = 0; h && i < in->header_count; i++) {
        char *name = lower_dup(in->headers[i].name);
        if (name && !(in->signed_list ? name_listed(in->signed_list, name)
                                      : strcmp(name, "authorization") != 0)) {
            free(name);
            continue;
        }
        canon_header *c = &h[(*n)++];
        c->name = name;
        c->order = i;
        if (!name || put_header_value(&c->value, in->headers[i].value) != 0) {
            free_headers(h, *n);
            return NULL;
        }
    }
    if (h)
        qsort(h, *n, sizeof *h, compare_headers);
    return h;
}

/* Canonical headers ("name:v1,v2\n" per name) into block, "a;b" into names. */
static int put_headers(const canon_input *in, buf *block, buf *names)
{
    size_t n;
    canon_header *h = collect_headers(in, &n);
    int rc = h ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (i > 0 && strcmp(h[i].name, h[i - 1].name) == 0) {
            rc = buf_putc(block, ',') || buf_append(block, buf_str(&h[i].value), h[i].value.len);
            continue;
        }
        rc = (i > 0 && (buf_putc(block, '\n') || buf_putc(names, ';'))) ||
             buf_printf(block, "%s:%s", h[i].name, buf_str(&h[i].value)) ||
             buf_puts(names, h[i].name);
    }
    if (rc == 0 && n > 0)
        rc = buf_putc(block, '\n');
    if (h)
        free_headers(h, n);
    return rc ? -1 : 0;
}

static int canonical_request(const canon_input *in, buf *out, buf *names)
{
    buf_reset(names);
    return (buf_puts(out, in->method) || buf_putc(out, '\n') ||
            put_canonical_path(out, in) || buf_putc(out, '\n') ||
            uri_query_canonical(in->query, in->skip_param, out) || buf_putc(out, '\n') ||
            put_headers(in, out, names) || buf_putc(out, '\n') ||
            buf_puts(out, buf_str(names)) || buf_putc(out, '\n') ||
            buf_puts(out, in->payload_hash))
               ? -1
               : 0;
}

/* ---- Signing key and signature ---- */

static int derive_key(const char *secret, const scope *sc, unsigned char key[32])
{
    const char *steps[] = {sc->date, sc->region, sc->service, "aws4_request"};
    unsigned char next[32];
    buf seed = BUF_INIT;
    int rc = buf_printf(&seed, "AWS4%s", secret);
    const unsigned char *k = (const unsigned char *)buf_str(&seed);
    size_t k_len = seed.len;
    for (size_t i = 0; rc == 0 && i < sizeof steps / sizeof *steps; i++) {
        rc = hmac_sha256_checked(k, k_len, steps[i], strlen(steps[i]), next);
        memcpy(key, next, 32);
        k = key;
        k_len = 32;
    }
    secure_zero(next, sizeof next);
    buf_free_secure(&seed);
    return rc;
}

/* Builds the canonical request and string to sign of in, and signs it. Fills
 * out->canonical_request, string_to_sign and signature; names gets the
 * SignedHeaders list. */
static int sign_canonical(const canon_input *in, const scope *sc, const char *secret,
                          sigv4_signed *out, buf *names)
{
    buf creq = BUF_INIT, sts = BUF_INIT;
    char creq_hash[SHA256_HEX_LEN + 1];
    unsigned char key[32], mac[32];
    int rc = canonical_request(in, &creq, names) ||
             sha256_hex_checked(buf_str(&creq), creq.len, creq_hash) ||
             buf_printf(&sts, ALGORITHM "\n%s\n", sc->amz_date) || put_scope(&sts, sc) ||
             buf_printf(&sts, "\n%s", creq_hash) || derive_key(secret, sc, key) ||
             hmac_sha256_checked(key, sizeof key, buf_str(&sts), sts.len, mac);
    if (rc == 0) {
        hex_encode(mac, sizeof mac, out->signature);
        out->canonical_request = buf_detach(&creq);
        out->string_to_sign = buf_detach(&sts);
        rc = !out->canonical_request || !out->string_to_sign;
    }
    secure_zero(key, sizeof key);
    secure_zero(mac, sizeof mac);
    buf_free_secure(&creq);
    buf_free_secure(&sts);
    return rc ? -1 : 0;
}

/* ---- Signing ---- */

static const char *find_header(const sigv4_request *req, const char *name)
{
    for (size_t i = 0; i < req->header_count; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

static int valid_scope_part(const char *s)
{
    return s && *s && !strchr(s, '/');
}

/* Rejects what would produce an unusable signature rather than a wrong one. */
static int check_sign_inputs(const sigv4_request *req, const sigv4_params *p)
{
    if (!req || !p || !req->method || !*req->method || (req->header_count && !req->headers) ||
        !valid_scope_part(p->access_key_id) || !p->secret_access_key ||
        !valid_scope_part(p->region) || !valid_scope_part(p->service) ||
        !find_header(req, "host"))
        return -1;
    for (size_t i = 0; i < req->header_count; i++)
        if (!req->headers[i].name || !req->headers[i].value)
            return -1;
    return 0;
}

static int set_payload_hash(const sigv4_request *req, const char *fallback, sigv4_signed *out)
{
    const char *h = req->payload_hash ? req->payload_hash : fallback;
    if (h) {
        if (strlen(h) >= sizeof out->payload_hash)
            return -1;
        strcpy(out->payload_hash, h);
        return 0;
    }
    return sha256_hex_checked(req->body, req->body_len, out->payload_hash);
}

static int parse_request_query(const sigv4_request *req, uri_query *q)
{
    const char *s = req->query ? req->query : "";
    return uri_query_parse(q, s, strlen(s), 0) == URI_OK ? 0 : -1;
}

static void add_header(sigv4_signed *out, const char *name, const char *value)
{
    out->added[out->added_count].name = name;
    out->added[out->added_count].value = value;
    out->added_count++;
}

/* Fills out->added; the request must not carry these headers already. */
static int add_signer_headers(const sigv4_request *req, const sigv4_params *p, sigv4_signed *out)
{
    int sha_header = p->s3 || p->content_sha256_header;
    if (find_header(req, "x-amz-date") || find_header(req, "x-amz-security-token") ||
        (sha_header && find_header(req, "x-amz-content-sha256")))
        return -1;
    if (p->session_token && *p->session_token)
        add_header(out, "X-Amz-Security-Token", p->session_token);
    add_header(out, "X-Amz-Date", out->amz_date);
    if (sha_header)
        add_header(out, "x-amz-content-sha256", out->payload_hash);
    return 0;
}

/* The request headers plus the added ones that are signed. */
static sigv4_header *headers_to_sign(const sigv4_request *req, const sigv4_params *p,
                                     const sigv4_signed *out, size_t *n)
{
    sigv4_header *all = malloc((req->header_count + 3) * sizeof *all);
    if (!all)
        return NULL;
    if (req->header_count)
        memcpy(all, req->headers, req->header_count * sizeof *all);
    *n = req->header_count;
    for (size_t i = 0; i < out->added_count; i++)
        if (!(p->session_token_unsigned && strcmp(out->added[i].name, "X-Amz-Security-Token") == 0))
            all[(*n)++] = out->added[i];
    return all;
}

static int put_authorization(sigv4_signed *out, const sigv4_params *p, const scope *sc,
                             const buf *names)
{
    buf a = BUF_INIT;
    int rc = buf_printf(&a, ALGORITHM " Credential=%s/", p->access_key_id) || put_scope(&a, sc) ||
             buf_printf(&a, ", SignedHeaders=%s, Signature=%s", buf_str(names), out->signature);
    out->authorization = rc ? NULL : buf_detach(&a);
    buf_free(&a);
    return out->authorization ? 0 : -1;
}

int sigv4_sign_headers(const sigv4_request *req, const sigv4_params *params, sigv4_signed *out)
{
    memset(out, 0, sizeof *out);
    scope sc;
    uri_query q = URI_QUERY_INIT;
    buf names = BUF_INIT;
    sigv4_header *headers = NULL;
    size_t n = 0;
    int rc = check_sign_inputs(req, params) ||
             scope_from_time(params->time, params->region, params->service, &sc) ||
             set_payload_hash(req, NULL, out) || parse_request_query(req, &q);
    if (rc == 0) {
        memcpy(out->amz_date, sc.amz_date, sizeof out->amz_date);
        rc = add_signer_headers(req, params, out) ||
             !(headers = headers_to_sign(req, params, out, &n));
    }
    if (rc == 0) {
        canon_input in = {req->method, req->path, params->s3,
                          !params->s3 && !params->no_path_normalization,
                          &q, NULL, headers, n, NULL, out->payload_hash};
        rc = sign_canonical(&in, &sc, params->secret_access_key, out, &names) ||
             put_authorization(out, params, &sc, &names);
    }
    free(headers);
    buf_free(&names);
    uri_query_free(&q);
    if (rc)
        sigv4_signed_free(out);
    return rc ? -1 : 0;
}

/* The X-Amz-* parameters of a presigned URL, in the order AWS's SDKs send them. */
typedef struct presign_params {
    buf credential;
    buf signed_headers;
    char expires[24];
    const char *token; /* NULL: none */
} presign_params;

static int add_presign_to_query(uri_query *q, const presign_params *pp, const char *amz_date,
                                int token_signed)
{
    return uri_query_add(q, "X-Amz-Algorithm", ALGORITHM) ||
           uri_query_add(q, "X-Amz-Credential", buf_str(&pp->credential)) ||
           uri_query_add(q, "X-Amz-Date", amz_date) ||
           uri_query_add(q, "X-Amz-Expires", pp->expires) ||
           uri_query_add(q, "X-Amz-SignedHeaders", buf_str(&pp->signed_headers)) ||
           (pp->token && token_signed && uri_query_add(q, "X-Amz-Security-Token", pp->token))
               ? -1
               : 0;
}

static int put_encoded_param(buf *b, const char *key, const char *value)
{
    return buf_printf(b, "&%s=", key) || uri_encode(b, value, strlen(value), 0) ? -1 : 0;
}

/* The wire query: the caller's own query untouched, then the X-Amz-* ones. */
static int put_presigned_query(sigv4_signed *out, const sigv4_request *req,
                               const presign_params *pp)
{
    buf b = BUF_INIT;
    int rc = (req->query && *req->query && buf_puts(&b, req->query)) ||
             put_encoded_param(&b, "X-Amz-Algorithm", ALGORITHM) ||
             put_encoded_param(&b, "X-Amz-Credential", buf_str(&pp->credential)) ||
             put_encoded_param(&b, "X-Amz-Date", out->amz_date) ||
             put_encoded_param(&b, "X-Amz-SignedHeaders", buf_str(&pp->signed_headers)) ||
             put_encoded_param(&b, "X-Amz-Expires", pp->expires) ||
             (pp->token && put_encoded_param(&b, "X-Amz-Security-Token", pp->token)) ||
             put_encoded_param(&b, "X-Amz-Signature", out->signature);
    if (rc == 0 && !(req->query && *req->query)) {
        memmove(b.data, b.data + 1, b.len); /* no caller query: drop the leading '&' */
        b.len--;
    }
    out->query = rc ? NULL : buf_detach(&b);
    buf_free(&b);
    return out->query ? 0 : -1;
}

int sigv4_sign_query(const sigv4_request *req, const sigv4_params *params, sigv4_signed *out)
{
    memset(out, 0, sizeof *out);
    scope sc;
    uri_query q = URI_QUERY_INIT;
    presign_params pp = {BUF_INIT, BUF_INIT, "", NULL};
    buf scratch = BUF_INIT; /* canonical headers, then names again: both unused */
    int rc = check_sign_inputs(req, params) || params->expires < 1 ||
             params->expires > MAX_EXPIRES ||
             scope_from_time(params->time, params->region, params->service, &sc) ||
             set_payload_hash(req, params->s3 ? SIGV4_UNSIGNED_PAYLOAD : NULL, out) ||
             parse_request_query(req, &q);
    if (rc == 0) {
        memcpy(out->amz_date, sc.amz_date, sizeof out->amz_date);
        snprintf(pp.expires, sizeof pp.expires, "%ld", params->expires);
        pp.token = params->session_token && *params->session_token ? params->session_token : NULL;
        canon_input in = {req->method, req->path, params->s3,
                          !params->s3 && !params->no_path_normalization,
                          &q, NULL, req->headers, req->header_count, NULL, out->payload_hash};
        /* X-Amz-SignedHeaders is itself signed, so the list comes first. */
        rc = put_headers(&in, &scratch, &pp.signed_headers) ||
             buf_printf(&pp.credential, "%s/", params->access_key_id) ||
             put_scope(&pp.credential, &sc) ||
             add_presign_to_query(&q, &pp, out->amz_date, !params->session_token_unsigned) ||
             sign_canonical(&in, &sc, params->secret_access_key, out, &scratch) ||
             put_presigned_query(out, req, &pp);
    }
    buf_free_secure(&scratch);
    buf_free(&pp.credential);
    buf_free(&pp.signed_headers);
    uri_query_free(&q);
    if (rc)
        sigv4_signed_free(out);
    return rc ? -1 : 0;
}

void sigv4_signed_free(sigv4_signed *s)
{
    if (!s)
        return;
    /* The canonical request and query may carry a session token. */
    secure_free_str(s->canonical_request);
    secure_free_str(s->string_to_sign);
    secure_free_str(s->authorization);
    secure_free_str(s->query);
    secure_zero(s, sizeof *s);
}

char *sigv4_redact_authorization(const char *authorization)
{
    static const char key[] = "Signature=";
    if (!authorization)
        return NULL;
    buf b = BUF_INIT;
    const char *p = authorization, *hit;
    int rc = 0;
    while (rc == 0 && (hit = strstr(p, key)) != NULL) {
        const char *value = hit + sizeof key - 1;
        rc = buf_append(&b, p, (size_t)(value - p)) || buf_puts(&b, "<redacted>");
        p = value + strcspn(value, ", &");
    }
    if (rc == 0 && buf_puts(&b, p) == 0)
        return buf_detach(&b);
    buf_free(&b);
    return NULL;
}

/* ---- Verification ---- */

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
            while (value_len && is_lws(p[key_len + value_len]))
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
    size_t alg_len = strlen(ALGORITHM);
    if (strncmp(auth, ALGORITHM, alg_len) != 0 || !is_lws(auth[alg_len]))
        return fail(v, SIGV4_INCOMPLETE,
                    "Unsupported Authorization Type: only " ALGORITHM " is accepted.");
    for (size_t i = 0; i < 3; i++) {
        int rc = auth_field(auth + alg_len, keys[i], dest[i]);
        if (rc < 0)
            return out_of_memory(v);
        if (rc == 0 || dest[i]->len == 0)
            return fail(v, SIGV4_INCOMPLETE, "Authorization header requires '%s' parameter.",
                        keys[i]);
    }
    v->c.amz_date = find_header(v->req, "x-amz-date");
    if (!v->c.amz_date)
        return fail(v, SIGV4_INCOMPLETE,
                    "Authorization header requires existence of a 'X-Amz-Date' header.");
    v->c.token = find_header(v->req, "x-amz-security-token");
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
    if (strcmp(alg, ALGORITHM) != 0)
        return fail(v, SIGV4_INCOMPLETE, "X-Amz-Algorithm only supports \"" ALGORITHM "\".");
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
    const char *auth = find_header(v->req, "authorization");
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
    if (!name_listed(buf_str(&v->c.signed_headers), "host"))
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
    format_amz_date(v->now + SIGV4_MAX_SKEW_SECONDS, limit);
    format_amz_date(v->now, now);
    return fail(v, SIGV4_SKEW, "Signature not yet current: %s is still later than %s (%s + 15 min.)",
                v->c.amz_date, limit, now);
}

static sigv4_verdict check_skew(verify_ctx *v)
{
    if (v->signed_at > v->now + SIGV4_MAX_SKEW_SECONDS)
        return not_yet_current(v);
    if (v->signed_at >= v->now - SIGV4_MAX_SKEW_SECONDS)
        return SIGV4_OK;
    char limit[17] = "", now[17] = "";
    format_amz_date(v->now - SIGV4_MAX_SKEW_SECONDS, limit);
    format_amz_date(v->now, now);
    return fail(v, SIGV4_SKEW, "Signature expired: %s is now earlier than %s (%s - 15 min.)",
                v->c.amz_date, limit, now);
}

/* A presigned URL is good from (X-Amz-Date - skew) to X-Amz-Date + X-Amz-Expires. */
static sigv4_verdict check_expiry(verify_ctx *v)
{
    const char *s = v->c.expires;
    size_t n = strlen(s);
    long expires = n > 0 && n < 8 && all_digits(s, n) ? strtol(s, NULL, 10) : -1;
    if (expires < 1 || expires > MAX_EXPIRES)
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
    const char *claimed = find_header(req, "x-amz-content-sha256");
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
    scope sc = {"", "", v->out->region, v->out->service};
    memcpy(sc.amz_date, v->c.amz_date, sizeof sc.amz_date);
    memcpy(sc.date, v->c.scope_date, sizeof sc.date);
    const sigv4_request *req = v->req;
    canon_input in = {req->method, req->path, v->s3, !v->s3, &v->query,
                      v->c.presigned ? "X-Amz-Signature" : NULL, req->headers, req->header_count,
                      buf_str(&v->c.signed_headers), v->payload_hash};
    sigv4_signed calc;
    memset(&calc, 0, sizeof calc);
    buf names = BUF_INIT;
    int rc = sign_canonical(&in, &sc, secret, &calc, &names);
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
