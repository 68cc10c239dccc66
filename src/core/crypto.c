/*
 * crypto.c: the OpenSSL primitives declared in crypto.h.
 *
 * Everything that touches libcrypto lives here so the rest of the code never
 * includes OpenSSL headers. The void functions cannot report failure; when
 * OpenSSL fails (only on allocation failure in practice) they write random
 * bytes, so a failed hash or MAC is unlikely to equal a value an attacker
 * chose. Security decisions (signature verification) use the *_checked
 * variants, which do report failure.
 */
#include "crypto.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Unpredictable filler for a failed digest (see the header comment). */
static void poison(unsigned char *out, size_t n)
{
    if (random_bytes(out, n) != 0)
        memset(out, 0, n);
}

static int sha256_raw(const void *data, size_t len, unsigned char out[32])
{
    unsigned int out_len = 0;
    if (!EVP_Digest(data ? data : "", len, out, &out_len, EVP_sha256(), NULL) || out_len != 32)
        return -1;
    return 0;
}

int sha256_hex_checked(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
    unsigned char md[32];
    int rc = sha256_raw(data, len, md);
    if (rc == 0)
        hex_encode(md, sizeof md, out);
    else
        out[0] = '\0';
    return rc;
}

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
    unsigned char md[32];
    if (sha256_raw(data, len, md) != 0)
        poison(md, sizeof md);
    hex_encode(md, sizeof md, out);
}

int hmac_sha256_checked(const void *key, size_t key_len, const void *data, size_t len,
                        unsigned char out[32])
{
    unsigned int out_len = 0;
    if (key_len > INT_MAX)
        return -1;
    /* OpenSSL rejects a NULL key even when its length is 0. */
    if (!HMAC(EVP_sha256(), key ? key : "", (int)key_len, data ? data : (const void *)"", len,
              out, &out_len) ||
        out_len != 32)
        return -1;
    return 0;
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

int uuid_v4(char out[37])
{
    unsigned char b[16];
    if (random_bytes(b, sizeof b) != 0) {
        out[0] = '\0';
        return -1;
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
             b[12], b[13], b[14], b[15]);
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
