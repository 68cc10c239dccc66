/*
 * s3_checksum.c: the integrity values of S3 payloads: MD5 (Content-MD5 and
 * ETags) and the flexible checksums x-amz-checksum-crc32, -crc32c,
 * -crc64nvme, -sha1 and -sha256, computed in one pass over the data, and
 * checked against what a request claims in its headers or trailers.
 *
 * MD5 and the SHAs come from OpenSSL. The three CRCs are one reflected,
 * table-driven CRC with different polynomials (OpenSSL has none, and the
 * same dozen lines cover all three, so no further library is needed).
 */
#include "s3_internal.h"

#include "crypto.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

typedef struct checksum_info {
    const char *name; /* as in x-amz-checksum-algorithm */
    const char *header;
    const char *member; /* XML element of CompleteMultipartUpload etc. */
    size_t raw_len;     /* digest bytes */
} checksum_info;

static const checksum_info CHECKSUMS[S3_CK_COUNT] = {
    [S3_CK_CRC32] = {"CRC32", "x-amz-checksum-crc32", "ChecksumCRC32", 4},
    [S3_CK_CRC32C] = {"CRC32C", "x-amz-checksum-crc32c", "ChecksumCRC32C", 4},
    [S3_CK_CRC64NVME] = {"CRC64NVME", "x-amz-checksum-crc64nvme", "ChecksumCRC64NVME", 8},
    [S3_CK_SHA1] = {"SHA1", "x-amz-checksum-sha1", "ChecksumSHA1", 20},
    [S3_CK_SHA256] = {"SHA256", "x-amz-checksum-sha256", "ChecksumSHA256", 32},
};

/* x-amz-checksum-* headers that name or configure a checksum, not carry one. */
static const char *const CHECKSUM_CONTROL_HEADERS[] = {
    "x-amz-checksum-algorithm", "x-amz-checksum-mode", "x-amz-checksum-type"};

const char *s3_checksum_name(s3_checksum_alg alg)
{
    return CHECKSUMS[alg].name;
}

const char *s3_checksum_header(s3_checksum_alg alg)
{
    return CHECKSUMS[alg].header;
}

const char *s3_checksum_member(s3_checksum_alg alg)
{
    return CHECKSUMS[alg].member;
}

int s3_checksum_by_name(const char *name)
{
    for (int i = 0; name && i < S3_CK_COUNT; i++)
        if (strcasecmp(name, CHECKSUMS[i].name) == 0)
            return i;
    return -1;
}

static int checksum_by_header(const char *header)
{
    for (int i = 0; i < S3_CK_COUNT; i++)
        if (strcasecmp(header, CHECKSUMS[i].header) == 0)
            return i;
    return -1;
}

/* ---- base64 ---- */

void s3_base64(const unsigned char *in, size_t n, char *out)
{
    EVP_EncodeBlock((unsigned char *)out, in, (int)n);
}

static int is_base64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

int s3_base64_decode_exact(const char *in, unsigned char *out, size_t want)
{
    size_t len = strlen(in);
    size_t expect_len = 4 * ((want + 2) / 3);
    size_t padding = (3 - want % 3) % 3;
    if (len != expect_len)
        return -1;
    for (size_t i = 0; i < len; i++) {
        int pad = i >= len - padding;
        if (pad ? in[i] != '=' : !is_base64_char(in[i]))
            return -1;
    }
    unsigned char tmp[96];
    if (len / 4 * 3 > sizeof tmp || EVP_DecodeBlock(tmp, (const unsigned char *)in, (int)len) < 0)
        return -1;
    memcpy(out, tmp, want);
    return 0;
}

/* ---- CRCs ---- */

#define CRC32_POLY 0xEDB88320u             /* ISO-HDLC, zlib's */
#define CRC32C_POLY 0x82F63B78u            /* Castagnoli */
#define CRC64NVME_POLY 0x9A6C9329AC4BC9B5u /* NVMe */

static uint32_t crc32_table[256], crc32c_table[256];
static uint64_t crc64_table[256];
static pthread_once_t crc_tables_once = PTHREAD_ONCE_INIT;

static void build_crc_tables(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t a = i, c = i;
        uint64_t d = i;
        for (int bit = 0; bit < 8; bit++) {
            a = (a >> 1) ^ (a & 1 ? CRC32_POLY : 0);
            c = (c >> 1) ^ (c & 1 ? CRC32C_POLY : 0);
            d = (d >> 1) ^ (d & 1 ? CRC64NVME_POLY : 0);
        }
        crc32_table[i] = a;
        crc32c_table[i] = c;
        crc64_table[i] = d;
    }
}

/* The running values are kept inverted (initial value and final xor ~0). */
static uint32_t crc32_update(const uint32_t *table, uint32_t crc, const unsigned char *p, size_t n)
{
    while (n--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

static uint64_t crc64_update(uint64_t crc, const unsigned char *p, size_t n)
{
    while (n--)
        crc = crc64_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

static void put_big_endian(uint64_t v, size_t bytes, unsigned char *out)
{
    for (size_t i = 0; i < bytes; i++)
        out[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
}

/* ---- the hasher ---- */

struct s3_hasher {
    unsigned algs;
    EVP_MD_CTX *md5, *sha1, *sha256;
    uint32_t crc32, crc32c;
    uint64_t crc64;
};

static EVP_MD_CTX *new_digest(const char *name)
{
    EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
    EVP_MD_CTX *ctx = md ? EVP_MD_CTX_new() : NULL;
    if (ctx && EVP_DigestInit_ex(ctx, md, NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        ctx = NULL;
    }
    EVP_MD_free(md);
    return ctx;
}

s3_hasher *s3_hasher_new(unsigned algs)
{
    pthread_once(&crc_tables_once, build_crc_tables);
    s3_hasher *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->algs = algs;
    h->crc32 = h->crc32c = 0xFFFFFFFFu;
    h->crc64 = ~(uint64_t)0;
    if (((algs & S3_HASH_MD5) && !(h->md5 = new_digest("MD5"))) ||
        ((algs & (1u << S3_CK_SHA1)) && !(h->sha1 = new_digest("SHA1"))) ||
        ((algs & (1u << S3_CK_SHA256)) && !(h->sha256 = new_digest("SHA256")))) {
        s3_hasher_free(h);
        return NULL;
    }
    return h;
}

int s3_hasher_update(s3_hasher *h, const void *data, size_t len)
{
    const unsigned char *p = data;
    if (h->algs & (1u << S3_CK_CRC32))
        h->crc32 = crc32_update(crc32_table, h->crc32, p, len);
    if (h->algs & (1u << S3_CK_CRC32C))
        h->crc32c = crc32_update(crc32c_table, h->crc32c, p, len);
    if (h->algs & (1u << S3_CK_CRC64NVME))
        h->crc64 = crc64_update(h->crc64, p, len);
    if ((h->md5 && EVP_DigestUpdate(h->md5, p, len) != 1) ||
        (h->sha1 && EVP_DigestUpdate(h->sha1, p, len) != 1) ||
        (h->sha256 && EVP_DigestUpdate(h->sha256, p, len) != 1))
        return -1;
    return 0;
}

static int finish_digest(EVP_MD_CTX *ctx, unsigned char *out)
{
    unsigned int n = 0;
    return ctx && EVP_DigestFinal_ex(ctx, out, &n) == 1 ? 0 : -1;
}

static void encode_value(s3_digests *out, s3_checksum_alg alg, const unsigned char *raw)
{
    s3_base64(raw, CHECKSUMS[alg].raw_len, out->value[alg]);
}

static void finish_crcs(const s3_hasher *h, s3_digests *out)
{
    unsigned char raw[8];
    if (h->algs & (1u << S3_CK_CRC32)) {
        put_big_endian(h->crc32 ^ 0xFFFFFFFFu, 4, raw);
        encode_value(out, S3_CK_CRC32, raw);
    }
    if (h->algs & (1u << S3_CK_CRC32C)) {
        put_big_endian(h->crc32c ^ 0xFFFFFFFFu, 4, raw);
        encode_value(out, S3_CK_CRC32C, raw);
    }
    if (h->algs & (1u << S3_CK_CRC64NVME)) {
        put_big_endian(~h->crc64, 8, raw);
        encode_value(out, S3_CK_CRC64NVME, raw);
    }
}

int s3_hasher_finish(s3_hasher *h, s3_digests *out)
{
    memset(out, 0, sizeof *out);
    out->algs = h->algs;
    finish_crcs(h, out);
    unsigned char raw[64];
    int rc = 0;
    if (h->md5) {
        rc |= finish_digest(h->md5, out->md5);
        hex_encode(out->md5, sizeof out->md5, out->md5_hex);
    }
    if (h->sha1) {
        rc |= finish_digest(h->sha1, raw);
        encode_value(out, S3_CK_SHA1, raw);
    }
    if (h->sha256) {
        rc |= finish_digest(h->sha256, raw);
        encode_value(out, S3_CK_SHA256, raw);
    }
    s3_hasher_free(h);
    return rc ? -1 : 0;
}

void s3_hasher_free(s3_hasher *h)
{
    if (!h)
        return;
    EVP_MD_CTX_free(h->md5);
    EVP_MD_CTX_free(h->sha1);
    EVP_MD_CTX_free(h->sha256);
    free(h);
}

int s3_digest_buffer(const void *data, size_t len, unsigned algs, s3_digests *out)
{
    s3_hasher *h = s3_hasher_new(algs);
    if (!h)
        return -1;
    if (s3_hasher_update(h, data, len) != 0) {
        s3_hasher_free(h);
        return -1;
    }
    return s3_hasher_finish(h, out);
}

#define READ_BLOCK (256 * 1024)

int s3_digest_fd(int fd, uint64_t offset, uint64_t len, unsigned algs, s3_digests *out)
{
    s3_hasher *h = s3_hasher_new(algs);
    unsigned char *block = malloc(READ_BLOCK);
    int rc = h && block ? 0 : -1;
    while (rc == 0 && len > 0) {
        size_t want = len < READ_BLOCK ? (size_t)len : READ_BLOCK;
        ssize_t n = pread(fd, block, want, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO; /* the file shrank under us */
            rc = -1;
            break;
        }
        rc = s3_hasher_update(h, block, (size_t)n);
        offset += (uint64_t)n;
        len -= (uint64_t)n;
    }
    free(block);
    if (rc != 0) {
        s3_hasher_free(h);
        return -1;
    }
    return s3_hasher_finish(h, out);
}

/* ---- what a request claims ---- */

static int is_control_header(const char *name)
{
    for (size_t i = 0; i < sizeof CHECKSUM_CONTROL_HEADERS / sizeof *CHECKSUM_CONTROL_HEADERS; i++)
        if (strcasecmp(name, CHECKSUM_CONTROL_HEADERS[i]) == 0)
            return 1;
    return 0;
}

int s3_claims_add(s3_request *r, s3_claims *c, const char *name, const char *value)
{
    int alg = checksum_by_header(name);
    if (alg < 0) {
        s3_error(r, 400, "InvalidRequest",
                 "athena-local does not support the checksum '%.64s'; use CRC32, CRC32C, "
                 "CRC64NVME, SHA1 or SHA256.",
                 name);
        return -1;
    }
    unsigned char raw[32];
    if (strlen(value) >= S3_CK_VALUE_MAX ||
        s3_base64_decode_exact(value, raw, CHECKSUMS[alg].raw_len) != 0) {
        s3_error(r, 400, "InvalidRequest", "Value for %s header is invalid.",
                 CHECKSUMS[alg].header);
        return -1;
    }
    if ((c->algs & (1u << alg)) && strcmp(c->value[alg], value) != 0) {
        s3_error(r, 400, "InvalidRequest", "The request holds two different %s values.",
                 CHECKSUMS[alg].header);
        return -1;
    }
    c->algs |= 1u << alg;
    snprintf(c->value[alg], sizeof c->value[alg], "%s", value);
    return 0;
}

int s3_claims_from_headers(s3_request *r, s3_claims *c)
{
    memset(c, 0, sizeof *c);
    const char *md5 = srv_header_get(r->req, "Content-MD5");
    if (md5) {
        if (s3_base64_decode_exact(md5, c->md5, sizeof c->md5) != 0) {
            s3_error(r, 400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
            return -1;
        }
        c->has_md5 = 1;
    }
    for (size_t i = 0; i < r->req->header_count; i++) {
        const srv_header *h = &r->req->headers[i];
        if (strncasecmp(h->name, "x-amz-checksum-", 15) != 0 || is_control_header(h->name))
            continue;
        if (s3_claims_add(r, c, h->name, h->value) != 0)
            return -1;
    }
    return 0;
}

unsigned s3_claims_algs(const s3_claims *c)
{
    return c->algs | S3_HASH_MD5;
}

int s3_claims_check(s3_request *r, const s3_claims *c, const s3_digests *d)
{
    if (c->has_md5 && memcmp(c->md5, d->md5, sizeof c->md5) != 0) {
        s3_error(r, 400, "BadDigest",
                 "The Content-MD5 you specified did not match what we received.");
        return -1;
    }
    for (int alg = 0; alg < S3_CK_COUNT; alg++) {
        if (!(c->algs & (1u << alg)) || strcmp(c->value[alg], d->value[alg]) == 0)
            continue;
        s3_error(r, 400, "BadDigest", "The %s you specified did not match the calculated checksum.",
                 CHECKSUMS[alg].name);
        return -1;
    }
    return 0;
}

int s3_claims_echo(s3_request *r, const s3_claims *c)
{
    for (int alg = 0; alg < S3_CK_COUNT; alg++)
        if ((c->algs & (1u << alg)) && s3_header(r, CHECKSUMS[alg].header, c->value[alg]) != 0)
            return -1;
    return 0;
}
