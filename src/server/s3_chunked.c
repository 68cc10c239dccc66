/*
 * s3_chunked.c: payloads of S3 PUTs, including aws-chunked bodies.
 *
 * SDKs that stream an upload (or add a trailing checksum) send
 * "Content-Encoding: aws-chunked" with x-amz-content-sha256 naming the
 * framing:
 *
 *   STREAMING-UNSIGNED-PAYLOAD-TRAILER          hex-size CRLF data CRLF ...
 *                                               0 CRLF trailers CRLF
 *   STREAMING-AWS4-HMAC-SHA256-PAYLOAD          hex-size;chunk-signature=SIG CRLF data CRLF
 *                                               ... 0;chunk-signature=SIG CRLF CRLF
 *   STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER  the same, then trailers and
 *                                               x-amz-trailer-signature:SIG CRLF CRLF
 *
 * The request's SigV4 check (auth.c) covers only the headers and that
 * marker, so the chunk signatures are what bind the data to the signer:
 * each one signs its chunk's SHA-256 chained to the previous signature,
 * starting from the request's own (the seed). Every one is verified here,
 * as is the trailer signature; then any x-amz-checksum-* trailer is checked
 * against the de-chunked data like the same header would be.
 */
#include "s3_internal.h"
#include "sigv4.h"

#include "crypto.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CHUNK_LINE_MAX 256
#define TRAILER_LINE_MAX 1024
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define CHUNK_ALGORITHM "AWS4-HMAC-SHA256-PAYLOAD"
#define TRAILER_ALGORITHM "AWS4-HMAC-SHA256-TRAILER"
#define SIGNATURE_EXT "chunk-signature="
#define TRAILER_SIGNATURE "x-amz-trailer-signature"

s3_chunked_mode s3_chunked_mode_of(const char *content_sha256)
{
    if (!content_sha256 || strncmp(content_sha256, "STREAMING-", 10) != 0)
        return S3_CHUNKED_NONE;
    if (strcmp(content_sha256, "STREAMING-UNSIGNED-PAYLOAD-TRAILER") == 0)
        return S3_CHUNKED_UNSIGNED_TRAILER;
    if (strcmp(content_sha256, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD") == 0)
        return S3_CHUNKED_SIGNED;
    if (strcmp(content_sha256, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") == 0)
        return S3_CHUNKED_SIGNED_TRAILER;
    return S3_CHUNKED_UNSUPPORTED;
}

__attribute__((format(printf, 4, 5))) static int fail(s3_chunked_error *err, int status,
                                                      const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err->status = status;
    err->code = code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- the signing context ---- */

/* The value of "key=" in an Authorization header into out: 0, or -1. */
static int authorization_field(const char *auth, const char *key, char *out, size_t cap)
{
    size_t key_len = strlen(key);
    for (const char *p = strchr(auth, ' '); p && *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        if (len > key_len && strncmp(p, key, key_len) == 0 && p[key_len] == '=') {
            size_t value_len = len - key_len - 1;
            while (value_len && (p[key_len + value_len] == ' ' || p[key_len + value_len] == '\t'))
                value_len--;
            if (value_len >= cap)
                return -1;
            memcpy(out, p + key_len + 1, value_len);
            out[value_len] = '\0';
            return 0;
        }
        p += len;
    }
    return -1;
}

/* The signing key for a credential scope "DATE/REGION/SERVICE/aws4_request". */
static int derive_signing_key(const char *secret, const char *scope, unsigned char key[32])
{
    char date[64], region[64], service[64], terminator[64];
    if (sscanf(scope, "%63[^/]/%63[^/]/%63[^/]/%63s", date, region, service, terminator) != 4 ||
        strcmp(terminator, "aws4_request") != 0)
        return -1;
    return sigv4_derive_signing_key(secret, date, region, service, key);
}

int s3_chunk_signing_from_request(server *s, const srv_request *req, s3_chunk_signing *out,
                                  s3_chunked_error *err)
{
    memset(out, 0, sizeof *out);
    const char *auth = srv_header_get(req, "Authorization");
    const char *date = srv_header_get(req, "X-Amz-Date");
    char credential[320];
    if (!auth || !date || strlen(date) != 16)
        return fail(err, 400, "InvalidRequest",
                    "Signed aws-chunked uploads need an Authorization header and X-Amz-Date.");
    const char *slash;
    if (authorization_field(auth, "Credential", credential, sizeof credential) != 0 ||
        authorization_field(auth, "Signature", out->seed, sizeof out->seed) != 0 ||
        strlen(out->seed) != 64 || !(slash = strchr(credential, '/')) ||
        strlen(slash + 1) >= sizeof out->scope)
        return fail(err, 400, "AuthorizationHeaderMalformed",
                    "The Authorization header of a signed aws-chunked upload is malformed.");
    memcpy(out->amz_date, date, 17);
    snprintf(out->scope, sizeof out->scope, "%s", slash + 1);
    char access_key_id[130], secret[512];
    snprintf(access_key_id, sizeof access_key_id, "%.*s", (int)(slash - credential), credential);
    int rc = server_lookup_key(s, access_key_id, secret, sizeof secret, NULL) == 0 &&
                     derive_signing_key(secret, out->scope, out->key) == 0
                 ? 0
                 : -1;
    secure_zero(secret, sizeof secret);
    if (rc != 0) {
        secure_zero(out->key, sizeof out->key);
        return fail(err, 403, "InvalidAccessKeyId",
                    "The AWS Access Key Id you provided does not exist in our records.");
    }
    return 0;
}

/* HMAC of ALGORITHM\nDATE\nSCOPE\nPREVIOUS\n<lines> in lower-case hex. */
static int sign_link(const s3_chunk_signing *sg, const char *algorithm, const char *previous,
                     const char *lines, char out[65])
{
    buf sts = BUF_INIT;
    unsigned char mac[32];
    int rc = buf_printf(&sts, "%s\n%s\n%s\n%s\n%s", algorithm, sg->amz_date, sg->scope, previous,
                        lines) ||
             hmac_sha256_checked(sg->key, sizeof sg->key, buf_str(&sts), sts.len, mac);
    buf_free(&sts);
    if (rc)
        return -1;
    hex_encode(mac, sizeof mac, out);
    return 0;
}

static int chunk_signature(const s3_chunk_signing *sg, const char *previous, const char *data,
                           size_t len, char out[65])
{
    char data_hash[SHA256_HEX_LEN + 1], lines[2 * SHA256_HEX_LEN + 2];
    if (sha256_hex_checked(data, len, data_hash) != 0)
        return -1;
    snprintf(lines, sizeof lines, "%s\n%s", EMPTY_SHA256, data_hash);
    return sign_link(sg, CHUNK_ALGORITHM, previous, lines, out);
}

/* ---- framing ---- */

typedef struct reader {
    const char *body;
    size_t len;
    size_t pos;
} reader;

/* The next CRLF-terminated line (without it) of at most max bytes. */
static int next_line(reader *rd, size_t max, const char **line, size_t *line_len)
{
    size_t avail = rd->len - rd->pos;
    const char *start = rd->body + rd->pos;
    size_t limit = avail < max + 2 ? avail : max + 2;
    for (size_t i = 0; i + 1 < limit; i++) {
        if (start[i] == '\r' && start[i + 1] == '\n') {
            *line = start;
            *line_len = i;
            rd->pos += i + 2;
            return 0;
        }
    }
    return -1;
}

static int parse_chunk_size(const char *s, size_t n, size_t *out)
{
    if (n == 0 || n > 15)
        return -1;
    size_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)s[i]))
            return -1;
        v = v * 16 + (size_t)(isdigit((unsigned char)s[i])
                                  ? s[i] - '0'
                                  : tolower((unsigned char)s[i]) - 'a' + 10);
    }
    *out = v;
    return 0;
}

static int is_signed(s3_chunked_mode mode)
{
    return mode == S3_CHUNKED_SIGNED || mode == S3_CHUNKED_SIGNED_TRAILER;
}

static int has_trailer(s3_chunked_mode mode)
{
    return mode == S3_CHUNKED_UNSIGNED_TRAILER || mode == S3_CHUNKED_SIGNED_TRAILER;
}

#define MALFORMED(err, what)                                                                       \
    fail(err, 400, "IncompleteBody", "The aws-chunked body is malformed: %s.", what)

/* One chunk header, its data and (for signed modes) its signature. Sets
 * *size; the data is appended to out. */
static int read_chunk(reader *rd, s3_chunked_mode mode, const s3_chunk_signing *sg,
                      char previous[65], s3_dechunked *out, size_t *size, s3_chunked_error *err)
{
    const char *line;
    size_t line_len;
    if (next_line(rd, CHUNK_LINE_MAX, &line, &line_len) != 0)
        return MALFORMED(err, "a chunk header is missing or too long");
    const char *semi = memchr(line, ';', line_len);
    size_t hex_len = semi ? (size_t)(semi - line) : line_len;
    if (parse_chunk_size(line, hex_len, size) != 0)
        return MALFORMED(err, "a chunk size is not a hexadecimal number");
    if (*size > rd->len - rd->pos)
        return MALFORMED(err, "a chunk is longer than the data that follows");
    const char *data = rd->body + rd->pos;
    if (is_signed(mode)) {
        size_t ext_len = semi ? line_len - hex_len - 1 : 0;
        char expected[65];
        if (!semi || ext_len != strlen(SIGNATURE_EXT) + 64 ||
            strncmp(semi + 1, SIGNATURE_EXT, strlen(SIGNATURE_EXT)) != 0)
            return fail(err, 400, "IncompleteSignature",
                        "Each chunk of a signed aws-chunked upload needs a chunk-signature.");
        if (chunk_signature(sg, previous, data, *size, expected) != 0)
            return fail(err, 500, "InternalError", "The chunk signature could not be computed.");
        if (!const_time_eq(expected, semi + 1 + strlen(SIGNATURE_EXT), 64))
            return fail(err, 403, "SignatureDoesNotMatch",
                        "The chunk signature we calculated does not match the signature you "
                        "provided.");
        memcpy(previous, expected, 65);
    }
    if (*size && buf_append(&out->data, data, *size) != 0)
        return fail(err, 500, "InternalError", "The server is out of memory.");
    rd->pos += *size;
    if (*size && (rd->len - rd->pos < 2 || memcmp(rd->body + rd->pos, "\r\n", 2) != 0))
        return MALFORMED(err, "a chunk's data is not followed by CRLF");
    if (*size)
        rd->pos += 2;
    return 0;
}

static int add_trailer(s3_dechunked *out, const char *line, size_t len, s3_chunked_error *err)
{
    const char *colon = memchr(line, ':', len);
    if (!colon || colon == line)
        return MALFORMED(err, "a trailer is not 'name:value'");
    if (out->trailer_count >= S3_MAX_TRAILERS)
        return MALFORMED(err, "too many trailers");
    size_t name_len = (size_t)(colon - line);
    const char *value = colon + 1;
    size_t value_len = len - name_len - 1;
    while (value_len && (*value == ' ' || *value == '\t')) {
        value++;
        value_len--;
    }
    while (value_len && (value[value_len - 1] == ' ' || value[value_len - 1] == '\t'))
        value_len--;
    s3_trailer *t = &out->trailers[out->trailer_count];
    t->name = strndup(line, name_len);
    t->value = strndup(value, value_len);
    if (!t->name || !t->value) {
        free(t->name);
        free(t->value);
        t->name = t->value = NULL;
        return fail(err, 500, "InternalError", "The server is out of memory.");
    }
    for (char *p = t->name; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    out->trailer_count++;
    return 0;
}

/* The canonical trailer block the trailer signature covers: name:value\n each. */
static int verify_trailer_signature(const s3_dechunked *out, const s3_chunk_signing *sg,
                                    const char *previous, const char *claimed,
                                    s3_chunked_error *err)
{
    buf block = BUF_INIT;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < out->trailer_count; i++)
        rc = buf_printf(&block, "%s:%s\n", out->trailers[i].name, out->trailers[i].value);
    char block_hash[SHA256_HEX_LEN + 1], expected[65];
    rc = rc || sha256_hex_checked(buf_str(&block), block.len, block_hash) ||
         sign_link(sg, TRAILER_ALGORITHM, previous, block_hash, expected);
    buf_free(&block);
    if (rc)
        return fail(err, 500, "InternalError", "The trailer signature could not be computed.");
    if (strlen(claimed) != 64 || !const_time_eq(expected, claimed, 64))
        return fail(err, 403, "SignatureDoesNotMatch",
                    "The trailer signature we calculated does not match the signature you "
                    "provided.");
    return 0;
}

/* Everything after the final (empty) chunk: trailers, then an empty line. */
static int read_trailers(reader *rd, s3_chunked_mode mode, const s3_chunk_signing *sg,
                         const char *previous, s3_dechunked *out, s3_chunked_error *err)
{
    char trailer_signature[80] = "";
    for (;;) {
        const char *line;
        size_t len;
        if (next_line(rd, TRAILER_LINE_MAX, &line, &len) != 0)
            return MALFORMED(err, "the body does not end with an empty line");
        if (len == 0)
            break;
        if (!has_trailer(mode))
            return MALFORMED(err, "trailers were sent without a -TRAILER payload type");
        size_t sig_name = strlen(TRAILER_SIGNATURE);
        if (mode == S3_CHUNKED_SIGNED_TRAILER && len > sig_name + 1 &&
            strncasecmp(line, TRAILER_SIGNATURE, sig_name) == 0 && line[sig_name] == ':') {
            snprintf(trailer_signature, sizeof trailer_signature, "%.*s", (int)(len - sig_name - 1),
                     line + sig_name + 1);
            continue;
        }
        if (trailer_signature[0])
            return MALFORMED(err, "a trailer follows the trailer signature");
        if (add_trailer(out, line, len, err) != 0)
            return -1;
    }
    if (rd->pos != rd->len)
        return MALFORMED(err, "data follows the end of the body");
    if (mode != S3_CHUNKED_SIGNED_TRAILER)
        return 0;
    if (!trailer_signature[0])
        return fail(err, 400, "IncompleteSignature",
                    "A signed aws-chunked upload with trailers needs x-amz-trailer-signature.");
    return verify_trailer_signature(out, sg, previous, trailer_signature, err);
}

int s3_chunked_decode(const char *body, size_t len, s3_chunked_mode mode,
                      const s3_chunk_signing *signing, s3_dechunked *out, s3_chunked_error *err)
{
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    if (mode == S3_CHUNKED_NONE || mode == S3_CHUNKED_UNSUPPORTED || (is_signed(mode) && !signing))
        return fail(err, 400, "InvalidRequest", "This payload type cannot be de-chunked.");
    reader rd = {body, len, 0};
    char previous[65] = "";
    if (signing)
        memcpy(previous, signing->seed, sizeof previous);
    size_t size = 1;
    int rc = 0;
    while (rc == 0 && size > 0)
        rc = read_chunk(&rd, mode, signing, previous, out, &size, err);
    if (rc == 0)
        rc = read_trailers(&rd, mode, signing, previous, out, err);
    if (rc != 0)
        s3_dechunked_free(out);
    return rc;
}

void s3_dechunked_free(s3_dechunked *d)
{
    buf_free(&d->data);
    for (size_t i = 0; i < d->trailer_count; i++) {
        free(d->trailers[i].name);
        free(d->trailers[i].value);
    }
    d->trailer_count = 0;
}

/* ---- the payload of a request ---- */

/* 1 if name is listed in the comma-separated x-amz-trailer value. */
static int trailer_declared(const char *declared, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = declared ? declared : ""; *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        size_t trimmed = len;
        while (trimmed && (p[trimmed - 1] == ' ' || p[trimmed - 1] == '\t'))
            trimmed--;
        if (trimmed == n && strncasecmp(p, name, n) == 0)
            return 1;
        p += len;
    }
    return 0;
}

static int check_trailers(s3_request *r, s3_payload *p)
{
    const char *declared = srv_header_get(r->req, "x-amz-trailer");
    for (size_t i = 0; i < p->decoded.trailer_count; i++) {
        const s3_trailer *t = &p->decoded.trailers[i];
        if (!trailer_declared(declared, t->name)) {
            s3_error(r, 400, "InvalidRequest",
                     "The trailer '%.64s' was not declared in x-amz-trailer.", t->name);
            return -1;
        }
        if (s3_claims_add(r, &p->claims, t->name, t->value) != 0)
            return -1;
    }
    for (const char *d = declared ? declared : ""; *d;) {
        d += strspn(d, " \t,");
        size_t len = strcspn(d, ", \t");
        int found = 0;
        for (size_t i = 0; len && i < p->decoded.trailer_count; i++)
            found |= strlen(p->decoded.trailers[i].name) == len &&
                     strncasecmp(p->decoded.trailers[i].name, d, len) == 0;
        if (len && !found) {
            s3_error(r, 400, "MalformedTrailerError",
                     "The request declared the trailer '%.*s' but did not send it.",
                     (int)(len > 64 ? 64 : len), d);
            return -1;
        }
        d += len;
    }
    return 0;
}

static int parse_length(const char *s, size_t *out)
{
    if (!s || !*s || strlen(s) > 15 || strspn(s, "0123456789") != strlen(s))
        return -1;
    *out = (size_t)strtoull(s, NULL, 10);
    return 0;
}

static int dechunk(s3_request *r, s3_payload *p, s3_chunked_mode mode)
{
    size_t decoded_length;
    if (parse_length(srv_header_get(r->req, "x-amz-decoded-content-length"), &decoded_length) !=
        0) {
        s3_error(r, 411, "MissingContentLength",
                 "An aws-chunked upload needs a valid x-amz-decoded-content-length header.");
        return -1;
    }
    s3_chunk_signing signing;
    s3_chunked_error err;
    if (is_signed(mode) && s3_chunk_signing_from_request(r->s, r->req, &signing, &err) != 0) {
        s3_error(r, err.status, err.code, "%s", err.message);
        return -1;
    }
    int rc = s3_chunked_decode(r->req->body, r->req->body_len, mode,
                               is_signed(mode) ? &signing : NULL, &p->decoded, &err);
    secure_zero(&signing, sizeof signing);
    if (rc != 0) {
        s3_error(r, err.status, err.code, "%s", err.message);
        return -1;
    }
    if (p->decoded.data.len != decoded_length) {
        s3_error(r, 400, "IncompleteBody",
                 "You did not provide the number of bytes specified by the "
                 "x-amz-decoded-content-length HTTP header.");
        return -1;
    }
    p->data = buf_str(&p->decoded.data);
    p->len = p->decoded.data.len;
    return check_trailers(r, p);
}

int s3_payload_read(s3_request *r, s3_payload *p)
{
    memset(p, 0, sizeof *p);
    p->data = r->req->body ? r->req->body : "";
    p->len = r->req->body_len;
    if (s3_claims_from_headers(r, &p->claims) != 0)
        return -1;
    s3_chunked_mode mode = s3_chunked_mode_of(srv_header_get(r->req, "x-amz-content-sha256"));
    if (mode == S3_CHUNKED_UNSUPPORTED) {
        s3_error(r, 501, "NotImplemented",
                 "athena-local supports the payload types UNSIGNED-PAYLOAD, a SHA-256, "
                 "STREAMING-UNSIGNED-PAYLOAD-TRAILER and STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
                 "(-TRAILER), not SigV4a.");
        return -1;
    }
    if (mode != S3_CHUNKED_NONE && dechunk(r, p, mode) != 0) {
        s3_payload_free(p);
        return -1;
    }
    if (s3_digest_buffer(p->data, p->len, s3_claims_algs(&p->claims), &p->digests) != 0) {
        s3_payload_free(p);
        s3_error_oom(r);
        return -1;
    }
    if (s3_claims_check(r, &p->claims, &p->digests) != 0) {
        s3_payload_free(p);
        return -1;
    }
    return 0;
}

void s3_payload_free(s3_payload *p)
{
    s3_dechunked_free(&p->decoded);
    p->data = "";
    p->len = 0;
}
