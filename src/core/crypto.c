/*
 * crypto.c: the OpenSSL primitives declared in crypto.h.
 *
 * Everything that touches libcrypto lives here so the rest of the code never
 * includes OpenSSL headers. SHA-256 and HMAC are fetched from the provider
 * once per process: OpenSSL 3 otherwise looks them up again on every call
 * (HMAC() and EVP_sha256() do), which cost more than the hashing itself
 * for the short inputs of SigV4. The void functions cannot report failure; when
 * OpenSSL fails (only on allocation failure in practice) they write random
 * bytes, so a failed hash or MAC is unlikely to equal a value an attacker
 * chose. Security decisions (signature verification) use the *_checked
 * variants, which do report failure.
 */
#include "crypto.h"

#include <limits.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Unpredictable filler for a failed digest (see the header comment). */
static void poison(unsigned char *out, size_t n)
{
    if (random_bytes(out, n) != 0)
        memset(out, 0, n);
}

/* ---- algorithms fetched once ----
 * Published with a compare-and-swap: a thread that loses the race frees its
 * own copy, and a failed fetch is simply tried again next time. The winner
 * registers their release at exit, which runs before OpenSSL's own cleanup
 * (registered earlier, by the fetch itself) so that it can free everything. */

static _Atomic(EVP_MD *) fetched_sha256;
static _Atomic(EVP_MAC_CTX *) hmac_sha256_template; /* digest set, no key */

static void release_sha256(void)
{
    EVP_MD_free(atomic_exchange(&fetched_sha256, NULL));
}

static void release_hmac_template(void)
{
    EVP_MAC_CTX_free(atomic_exchange(&hmac_sha256_template, NULL));
}

static EVP_MD *sha256_md(void)
{
    EVP_MD *md = atomic_load_explicit(&fetched_sha256, memory_order_acquire);
    if (md)
        return md;
    EVP_MD *fresh = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (!fresh)
        return NULL;
    if (atomic_compare_exchange_strong(&fetched_sha256, &md, fresh)) {
        atexit(release_sha256);
        return fresh;
    }
    EVP_MD_free(fresh); /* another thread published first: md holds its copy */
    return md;
}

static EVP_MAC_CTX *new_hmac_template(void)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac); /* the context keeps its own reference */
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    if (ctx && !EVP_MAC_CTX_set_params(ctx, params)) {
        EVP_MAC_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

/* A fresh HMAC-SHA256 context, copied from the shared template (copying
 * skips the algorithm and digest lookups). Free with EVP_MAC_CTX_free. */
static EVP_MAC_CTX *new_hmac_ctx(void)
{
    EVP_MAC_CTX *tmpl = atomic_load_explicit(&hmac_sha256_template, memory_order_acquire);
    if (!tmpl) {
        EVP_MAC_CTX *fresh = new_hmac_template();
        if (!fresh)
            return NULL;
        if (atomic_compare_exchange_strong(&hmac_sha256_template, &tmpl, fresh)) {
            atexit(release_hmac_template);
            tmpl = fresh;
        } else {
            EVP_MAC_CTX_free(fresh);
        }
    }
    return EVP_MAC_CTX_dup(tmpl);
}

/* ---- SHA-256 and HMAC ---- */

int sha256_checked(const void *data, size_t len, unsigned char out[32])
{
    unsigned int out_len = 0;
    EVP_MD *md = sha256_md();
    if (!md || !EVP_Digest(data ? data : "", len, out, &out_len, md, NULL) || out_len != 32)
        return -1;
    return 0;
}

int sha256_hex_checked(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
    unsigned char md[32];
    int rc = sha256_checked(data, len, md);
    if (rc == 0)
        hex_encode(md, sizeof md, out);
    else
        out[0] = '\0';
    return rc;
}

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
    unsigned char md[32];
    if (sha256_checked(data, len, md) != 0)
        poison(md, sizeof md);
    hex_encode(md, sizeof md, out);
}

int hmac_sha256_checked(const void *key, size_t key_len, const void *data, size_t len,
                        unsigned char out[32])
{
    static const unsigned char no_bytes[1];
    size_t out_len = 0;
    EVP_MAC_CTX *ctx = new_hmac_ctx();
    /* OpenSSL rejects a NULL key even when its length is 0. */
    int ok = ctx && EVP_MAC_init(ctx, key ? key : no_bytes, key_len, NULL) &&
             EVP_MAC_update(ctx, data ? data : no_bytes, len) &&
             EVP_MAC_final(ctx, out, &out_len, 32) && out_len == 32;
    EVP_MAC_CTX_free(ctx); /* also cleanses the keyed state */
    return ok ? 0 : -1;
}

void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                 unsigned char out[32])
{
    if (hmac_sha256_checked(key, key_len, data, len, out) != 0)
        poison(out, 32);
}

void hex_encode(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

int hex_digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int hex_decode_lower(const char *in, size_t len, unsigned char *out)
{
    if (len % 2 != 0)
        return -1;
    for (size_t i = 0; i < len; i += 2) {
        if ((in[i] >= 'A' && in[i] <= 'F') || (in[i + 1] >= 'A' && in[i + 1] <= 'F'))
            return -1;
        int high = hex_digit_value(in[i]), low = hex_digit_value(in[i + 1]);
        if (high < 0 || low < 0)
            return -1;
        out[i / 2] = (unsigned char)(high << 4 | low);
    }
    return 0;
}

int random_bytes(void *out, size_t n)
{
    unsigned char *p = out;
    while (n > 0) { /* RAND_bytes takes an int length */
        int chunk = n > INT_MAX ? INT_MAX : (int)n;
        if (RAND_bytes(p, chunk) != 1)
            return -1;
        p += chunk;
        n -= (size_t)chunk;
    }
    return 0;
}

/* ---- UUIDs ----
 * athena-local makes one for every request (its x-amzn-RequestId), and one
 * RAND_bytes call costs more than all the hashing of a small request. UUIDs
 * are identifiers, not keys, so their random bytes come from a per-thread
 * pool filled for 32 UUIDs at a time. A forked child empties the pool it
 * inherited (its only thread is the one that forked), so it never repeats
 * its parent's UUIDs; where that cannot be arranged there is no pool. */

#define UUID_POOL_BYTES 512

static _Thread_local unsigned char uuid_pool[UUID_POOL_BYTES];
static _Thread_local size_t uuid_pool_left;
static pthread_once_t uuid_atfork_once = PTHREAD_ONCE_INIT;
static int uuid_pool_usable;

static void empty_uuid_pool_in_child(void)
{
    uuid_pool_left = 0;
}

static void register_uuid_atfork(void)
{
    uuid_pool_usable = pthread_atfork(NULL, NULL, empty_uuid_pool_in_child) == 0;
}

static int uuid_random(unsigned char b[16])
{
    if (pthread_once(&uuid_atfork_once, register_uuid_atfork) != 0 || !uuid_pool_usable)
        return random_bytes(b, 16);
    if (uuid_pool_left < 16) {
        if (random_bytes(uuid_pool, sizeof uuid_pool) != 0)
            return -1;
        uuid_pool_left = sizeof uuid_pool;
    }
    uuid_pool_left -= 16;
    memcpy(b, uuid_pool + uuid_pool_left, 16);
    secure_zero(uuid_pool + uuid_pool_left, 16); /* each byte serves once */
    return 0;
}

int uuid_v4(char out[37])
{
    static const int group_bytes[] = {4, 2, 2, 2, 6};
    unsigned char b[16];
    if (uuid_random(b) != 0) {
        out[0] = '\0';
        return -1;
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    char *p = out;
    const unsigned char *in = b;
    for (size_t i = 0; i < sizeof group_bytes / sizeof *group_bytes; i++) {
        if (i > 0)
            *p++ = '-';
        hex_encode(in, (size_t)group_bytes[i], p); /* NUL-terminates, overwritten */
        p += 2 * group_bytes[i];
        in += group_bytes[i];
    }
    return 0;
}

void secure_zero(void *p, size_t n)
{
    if (p && n)
        OPENSSL_cleanse(p, n);
}

void secure_free_str(char *s)
{
    if (!s)
        return;
    secure_zero(s, strlen(s));
    free(s);
}

int const_time_eq(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}
