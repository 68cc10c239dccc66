/*
 * uri.h: RFC 3986 percent-encoding and query strings, as SigV4 needs them.
 *
 * SigV4 canonicalizes URIs with one strict rule: the unreserved characters
 * A-Z a-z 0-9 - _ . ~ stay as they are and every other byte becomes %XX in
 * upper-case hex. Both the signer (client) and the verifier (athena-local)
 * canonicalize through these functions, so the two sides cannot drift. The
 * server also uses the decoder and the query parser for its own routing, with
 * URI_DECODE_PLUS for application/x-www-form-urlencoded bodies.
 */
#ifndef ATHENA_CORE_URI_H
#define ATHENA_CORE_URI_H

#include <stddef.h>

#include "buf.h"

/* uri_encode flags */
#define URI_KEEP_SLASH 1u   /* leave '/' as is (paths) */

/* uri_decode flags */
#define URI_DECODE_PLUS 1u  /* '+' means a space (form encoding, not SigV4) */

/* uri_decode results */
#define URI_OK 0
#define URI_HAS_NUL 1        /* decoded fine, but holds a NUL byte (%00): reject names with it */
#define URI_MALFORMED (-1)   /* '%' not followed by two hex digits */
#define URI_NOMEM (-2)

/* 1 if c is one of RFC 3986's unreserved characters. */
int uri_is_unreserved(unsigned char c);

/* Appends the canonical encoding of len bytes of s to out. 0, or -1 when out
 * of memory. */
int uri_encode(buf *out, const char *s, size_t len, unsigned flags);

/* Appends the decoding of len bytes of s to out. Returns URI_OK, URI_HAS_NUL,
 * URI_MALFORMED or URI_NOMEM; on the last two out is unchanged. A caller
 * that cannot handle NUL bytes can simply treat any non-zero result as bad. */
int uri_decode(buf *out, const char *s, size_t len, unsigned flags);

/* ---- Query strings ---- */

/* One decoded parameter. key and value are NUL-terminated; their lengths
 * count any NUL bytes decoded from %00. "a" alone decodes as a="" . */
typedef struct uri_param {
    char *key;
    char *value;
    size_t key_len;
    size_t value_len;
} uri_param;

typedef struct uri_query {
    uri_param *items;
    size_t count;
    size_t cap;
    int has_nul;       /* some key or value held %00 */
} uri_query;

#define URI_QUERY_INIT {NULL, 0, 0, 0}

/* Appends the parameters of a raw query string (without '?'; empty pairs
 * from "&&" are skipped). Returns URI_OK, URI_MALFORMED or URI_NOMEM; on
 * error the parameters already added stay in q. */
int uri_query_parse(uri_query *q, const char *s, size_t len, unsigned flags);
/* Appends one decoded parameter. 0, or -1 when out of memory. */
int uri_query_add(uri_query *q, const char *key, const char *value);
/* The value of the first parameter named key, or NULL. */
const char *uri_query_get(const uri_query *q, const char *key);
/* Appends the SigV4 canonical query string: every parameter except those
 * named skip_key (NULL skips none) encoded, sorted by encoded key then
 * encoded value, joined as k=v&k=v. 0, or -1 when out of memory. */
int uri_query_canonical(const uri_query *q, const char *skip_key, buf *out);
void uri_query_free(uri_query *q);

#endif
