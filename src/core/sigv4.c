/*
 * sigv4.c: AWS Signature Version 4 signing, and the canonicalizer that
 * verification (sigv4_verify.c) shares (see sigv4.h, sigv4_internal.h).
 *
 * The canonical request follows AWS's rules: header names lower-cased and
 * values whitespace-collapsed, duplicates joined with ',', query parameters
 * decoded then re-encoded and sorted, the path normalized and encoded once
 * more for every service but S3. Signing adds the X-Amz-* headers (header
 * signing) or query parameters (presigned URLs) and formats the result.
 */
#include "sigv4.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "crypto.h"
#include "sigv4_internal.h"
#include "uri.h"

/* ---- Time and credential scope ---- */

int sigv4_format_date(time_t t, char out[17])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) != 16)
        return -1;
    return 0;
}

static int scope_from_time(time_t t, const char *region, const char *service, sigv4_scope *sc)
{
    if (sigv4_format_date(t, sc->amz_date) != 0)
        return -1;
    memcpy(sc->date, sc->amz_date, 8);
    sc->date[8] = '\0';
    sc->region = region;
    sc->service = service;
    return 0;
}

/* DATE/REGION/SERVICE/aws4_request. (Appends rather than buf_printf: this
 * and the canonical headers are built for every request verified.) */
static int put_scope(buf *out, const sigv4_scope *sc)
{
    int rc = buf_puts(out, sc->date) || buf_putc(out, '/') || buf_puts(out, sc->region) ||
             buf_putc(out, '/') || buf_puts(out, sc->service) || buf_puts(out, "/aws4_request");
    return rc ? -1 : 0;
}

/* ---- Canonical request ---- */

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
static int put_canonical_path(buf *out, const sigv4_canon *in)
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
    while (*v) {
        size_t run = 0;
        while (v[run] && !is_lws(v[run]))
            run++;
        if (run == 0) {
            gap = 1;
            v++;
            continue;
        }
        if ((gap && out->len > 0 && buf_putc(out, ' ') != 0) || buf_append(out, v, run) != 0)
            return -1;
        gap = 0;
        v += run;
    }
    return 0;
}

/* 1 if name (lower-case) is one of the ';'-separated names in list. */
int sigv4_name_listed(const char *list, const char *name)
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
static canon_header *collect_headers(const sigv4_canon *in, size_t *n)
{
    canon_header *h = calloc(in->header_count + 1, sizeof *h);
    *n = 0;
    for (size_t i = 0; h && i < in->header_count; i++) {
        char *name = lower_dup(in->headers[i].name);
        if (name && !(in->signed_list ? sigv4_name_listed(in->signed_list, name)
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
static int put_headers(const sigv4_canon *in, buf *block, buf *names)
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
             buf_puts(block, h[i].name) || buf_putc(block, ':') ||
             buf_append(block, buf_str(&h[i].value), h[i].value.len) ||
             buf_puts(names, h[i].name);
    }
    if (rc == 0 && n > 0)
        rc = buf_putc(block, '\n');
    if (h)
        free_headers(h, n);
    return rc ? -1 : 0;
}

static int canonical_request(const sigv4_canon *in, buf *out, buf *names)
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

/* ---- Signing key, cached per thread ----
 * The key depends only on (secret, date, region, service): a server
 * verifying request after request from one client derives it once a day
 * instead of running four HMACs every time. Each thread keeps a few keys,
 * found by the SHA-256 of the secret (the secret itself is never kept);
 * an entry is zeroed before it is reused. */

#define KEY_CACHE_SLOTS 4
#define KEY_CACHE_NAME_CAP 64

typedef struct cached_key {
    int used;
    unsigned char secret_hash[32];
    char date[9];
    char region[KEY_CACHE_NAME_CAP];
    char service[KEY_CACHE_NAME_CAP];
    unsigned char key[32];
} cached_key;

static _Thread_local cached_key key_cache[KEY_CACHE_SLOTS];
static _Thread_local unsigned key_cache_next;

static int derive_key_uncached(const char *secret, const sigv4_scope *sc, unsigned char key[32])
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

/* A scope whose names are too long for an entry is derived every time. */
static int cacheable_scope(const sigv4_scope *sc)
{
    return strlen(sc->date) == 8 && strlen(sc->region) < KEY_CACHE_NAME_CAP &&
           strlen(sc->service) < KEY_CACHE_NAME_CAP;
}

static const cached_key *find_cached_key(const unsigned char secret_hash[32],
                                         const sigv4_scope *sc)
{
    for (size_t i = 0; i < KEY_CACHE_SLOTS; i++) {
        const cached_key *e = &key_cache[i];
        if (e->used && const_time_eq(e->secret_hash, secret_hash, 32) &&
            strcmp(e->date, sc->date) == 0 && strcmp(e->region, sc->region) == 0 &&
            strcmp(e->service, sc->service) == 0)
            return e;
    }
    return NULL;
}

/* Takes the oldest entry (round robin), wiping what it held. */
static void remember_key(const unsigned char secret_hash[32], const sigv4_scope *sc,
                         const unsigned char key[32])
{
    cached_key *e = &key_cache[key_cache_next++ % KEY_CACHE_SLOTS];
    secure_zero(e, sizeof *e);
    memcpy(e->secret_hash, secret_hash, 32);
    memcpy(e->date, sc->date, sizeof e->date);
    strcpy(e->region, sc->region);
    strcpy(e->service, sc->service);
    memcpy(e->key, key, 32);
    e->used = 1;
}

static int derive_key(const char *secret, const sigv4_scope *sc, unsigned char key[32])
{
    unsigned char secret_hash[32];
    if (!cacheable_scope(sc) || sha256_checked(secret, strlen(secret), secret_hash) != 0)
        return derive_key_uncached(secret, sc, key);
    const cached_key *hit = find_cached_key(secret_hash, sc);
    int rc = 0;
    if (hit)
        memcpy(key, hit->key, 32);
    else if ((rc = derive_key_uncached(secret, sc, key)) == 0)
        remember_key(secret_hash, sc, key);
    secure_zero(secret_hash, sizeof secret_hash);
    return rc;
}

int sigv4_derive_signing_key(const char *secret, const char *date, const char *region,
                             const char *service, unsigned char key[32])
{
    sigv4_scope sc;
    memset(&sc, 0, sizeof sc);
    if (!secret || !date || strlen(date) != 8 || !region || !service)
        return -1;
    memcpy(sc.date, date, 9);
    sc.region = region;
    sc.service = service;
    return derive_key(secret, &sc, key) ? -1 : 0;
}

/* ---- Signature ---- */

int sigv4_sign_canonical(const sigv4_canon *in, const sigv4_scope *sc, const char *secret,
                         sigv4_signed *out, buf *names)
{
    buf creq = BUF_INIT, sts = BUF_INIT;
    char creq_hash[SHA256_HEX_LEN + 1];
    unsigned char key[32], mac[32];
    int rc = canonical_request(in, &creq, names) ||
             sha256_hex_checked(buf_str(&creq), creq.len, creq_hash) ||
             buf_puts(&sts, SIGV4_ALGORITHM "\n") || buf_puts(&sts, sc->amz_date) ||
             buf_putc(&sts, '\n') || put_scope(&sts, sc) || buf_putc(&sts, '\n') ||
             buf_puts(&sts, creq_hash) || derive_key(secret, sc, key) ||
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

const char *sigv4_find_header(const sigv4_request *req, const char *name)
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
        !sigv4_find_header(req, "host"))
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
    if (sigv4_find_header(req, "x-amz-date") || sigv4_find_header(req, "x-amz-security-token") ||
        (sha_header && sigv4_find_header(req, "x-amz-content-sha256")))
        return -1;
    if (p->session_token && *p->session_token) {
        if (!(out->session_token = strdup(p->session_token)))
            return -1;
        add_header(out, "X-Amz-Security-Token", out->session_token);
    }
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

static int put_authorization(sigv4_signed *out, const sigv4_params *p, const sigv4_scope *sc,
                             const buf *names)
{
    buf a = BUF_INIT;
    int rc = buf_printf(&a, SIGV4_ALGORITHM " Credential=%s/", p->access_key_id) ||
             put_scope(&a, sc) ||
             buf_printf(&a, ", SignedHeaders=%s, Signature=%s", buf_str(names), out->signature);
    out->authorization = rc ? NULL : buf_detach(&a);
    buf_free(&a);
    return out->authorization ? 0 : -1;
}

int sigv4_sign_headers(const sigv4_request *req, const sigv4_params *params, sigv4_signed *out)
{
    memset(out, 0, sizeof *out);
    sigv4_scope sc;
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
        sigv4_canon in = {req->method, req->path, params->s3,
                          !params->s3 && !params->no_path_normalization,
                          &q, NULL, headers, n, NULL, out->payload_hash};
        rc = sigv4_sign_canonical(&in, &sc, params->secret_access_key, out, &names) ||
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
    return uri_query_add(q, "X-Amz-Algorithm", SIGV4_ALGORITHM) ||
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
             put_encoded_param(&b, "X-Amz-Algorithm", SIGV4_ALGORITHM) ||
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
    sigv4_scope sc;
    uri_query q = URI_QUERY_INIT;
    presign_params pp = {BUF_INIT, BUF_INIT, "", NULL};
    buf scratch = BUF_INIT; /* canonical headers, then names again: both unused */
    int rc = check_sign_inputs(req, params) || params->expires < 1 ||
             params->expires > SIGV4_MAX_EXPIRES ||
             scope_from_time(params->time, params->region, params->service, &sc) ||
             set_payload_hash(req, params->s3 ? SIGV4_UNSIGNED_PAYLOAD : NULL, out) ||
             parse_request_query(req, &q);
    if (rc == 0) {
        memcpy(out->amz_date, sc.amz_date, sizeof out->amz_date);
        snprintf(pp.expires, sizeof pp.expires, "%ld", params->expires);
        pp.token = params->session_token && *params->session_token ? params->session_token : NULL;
        sigv4_canon in = {req->method, req->path, params->s3,
                          !params->s3 && !params->no_path_normalization,
                          &q, NULL, req->headers, req->header_count, NULL, out->payload_hash};
        /* X-Amz-SignedHeaders is itself signed, so the list comes first. */
        rc = put_headers(&in, &scratch, &pp.signed_headers) ||
             buf_printf(&pp.credential, "%s/", params->access_key_id) ||
             put_scope(&pp.credential, &sc) ||
             add_presign_to_query(&q, &pp, out->amz_date, !params->session_token_unsigned) ||
             sigv4_sign_canonical(&in, &sc, params->secret_access_key, out, &scratch) ||
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
    secure_free_str(s->session_token);
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
