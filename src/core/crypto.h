/*
 * crypto.h: the few OpenSSL primitives the project needs, in one place.
 * SHA-256 (hex), HMAC-SHA256, hex encoding, secure random bytes, secret
 * zeroing and a constant-time comparison.
 */
#ifndef ATHENA_CORE_CRYPTO_H
#define ATHENA_CORE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64

/* Lower-case hex SHA-256 of data into out (65 bytes, NUL-terminated). */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);
void hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                 unsigned char out[32]);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void hex_encode(const unsigned char *in, size_t n, char *out);
/* The inverse of hex_encode: len (even) lower-case hex digits into len / 2
 * bytes of out. 0, or -1 on anything else. */
int hex_decode_lower(const char *in, size_t len, unsigned char *out);
/* The value of one hex digit (either case), or -1. */
int hex_digit_value(char c);
/* Cryptographically secure random bytes; 0 on success. */
int random_bytes(void *out, size_t n);
/* A random RFC 4122 version-4 UUID, 36 chars + NUL. 0 on success. */
int uuid_v4(char out[37]);
/* Zeroes memory the compiler may not optimize away. */
void secure_zero(void *p, size_t n);
/* Zeroes then frees a NUL-terminated secret; NULL is fine. */
void secure_free_str(char *s);
/* Checked variants for security decisions: 0 on success, -1 if OpenSSL
 * failed (the void versions above then write random bytes instead). */
int sha256_hex_checked(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);
/* The 32 raw bytes of SHA-256 of data. 0 or -1. */
int sha256_checked(const void *data, size_t len, unsigned char out[32]);
int hmac_sha256_checked(const void *key, size_t key_len, const void *data, size_t len,
                        unsigned char out[32]);
/* Constant-time equality of two equal-length buffers: 1 equal, 0 not. */
int const_time_eq(const void *a, const void *b, size_t n);

#endif
