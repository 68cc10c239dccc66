/*
 * uri.c: percent-encoding and query strings (see uri.h).
 */
#include "uri.h"

#include "crypto.h"

#include <stdlib.h>
#include <string.h>

int uri_is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.' || c == '~';
}

int uri_encode(buf *out, const char *s, size_t len, unsigned flags)
{
    static const char digits[] = "0123456789ABCDEF";
    /* Worst case triples the size; reserving once keeps the loop simple. */
    if (len > ((size_t)-1) / 3 || buf_reserve(out, len * 3) != 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char *p = out->data + out->len;
        if (uri_is_unreserved(c) || (c == '/' && (flags & URI_KEEP_SLASH))) {
            *p = (char)c;
            out->len += 1;
        } else {
            p[0] = '%';
            p[1] = digits[c >> 4];
            p[2] = digits[c & 0x0f];
            out->len += 3;
        }
    }
    out->data[out->len] = '\0';
    return 0;
}

int uri_decode(buf *out, const char *s, size_t len, unsigned flags)
{
    int has_nul = 0;
    size_t start = out->len;
    /* Decoding never grows the text, so one reservation suffices. */
    if (buf_reserve(out, len) != 0)
        return URI_NOMEM;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '%') {
            int hi = i + 2 < len ? hex_digit_value(s[i + 1]) : -1;
            int lo = hi >= 0 ? hex_digit_value(s[i + 2]) : -1;
            if (lo < 0) {
                out->len = start; /* a failed append leaves the buffer as it was */
                out->data[start] = '\0';
                return URI_MALFORMED;
            }
            c = (char)(hi << 4 | lo);
            has_nul |= c == '\0';
            i += 2;
        } else if (c == '+' && (flags & URI_DECODE_PLUS)) {
            c = ' ';
        }
        out->data[out->len++] = c;
    }
    out->data[out->len] = '\0';
    return has_nul ? URI_HAS_NUL : URI_OK;
}

/* ---- Query strings ---- */

static char *dup_bytes(const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

static int add_param(uri_query *q, const char *key, size_t key_len, const char *value,
                     size_t value_len)
{
    if (q->count == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 8;
        uri_param *items = realloc(q->items, cap * sizeof *items);
        if (!items)
            return -1;
        q->items = items;
        q->cap = cap;
    }
    uri_param *p = &q->items[q->count];
    p->key = dup_bytes(key, key_len);
    p->value = dup_bytes(value, value_len);
    if (!p->key || !p->value) {
        free(p->key);
        free(p->value);
        return -1;
    }
    p->key_len = key_len;
    p->value_len = value_len;
    q->count++;
    return 0;
}

int uri_query_add(uri_query *q, const char *key, const char *value)
{
    return add_param(q, key, strlen(key), value, strlen(value));
}

/* Decodes one "k=v" (or "k") pair and appends it. */
static int parse_pair(uri_query *q, const char *s, size_t len, unsigned flags)
{
    const char *eq = memchr(s, '=', len);
    size_t key_len = eq ? (size_t)(eq - s) : len;
    buf key = BUF_INIT, value = BUF_INIT;
    int rk = uri_decode(&key, s, key_len, flags);
    int rv = eq ? uri_decode(&value, eq + 1, len - key_len - 1, flags) : URI_OK;
    int rc = rk < 0 ? rk : rv < 0 ? rv : URI_OK;
    if (rc == URI_OK) {
        q->has_nul |= rk == URI_HAS_NUL || rv == URI_HAS_NUL;
        if (add_param(q, buf_str(&key), key.len, buf_str(&value), value.len) != 0)
            rc = URI_NOMEM;
    }
    buf_free(&key);
    buf_free(&value);
    return rc;
}

int uri_query_parse(uri_query *q, const char *s, size_t len, unsigned flags)
{
    size_t start = 0;
    while (start < len) {
        const char *amp = memchr(s + start, '&', len - start);
        size_t end = amp ? (size_t)(amp - s) : len;
        if (end > start) {
            int rc = parse_pair(q, s + start, end - start, flags);
            if (rc != URI_OK)
                return rc;
        }
        start = end + 1;
    }
    return URI_OK;
}

const char *uri_query_get(const uri_query *q, const char *key)
{
    size_t key_len = strlen(key);
    for (size_t i = 0; i < q->count; i++)
        if (q->items[i].key_len == key_len && memcmp(q->items[i].key, key, key_len) == 0)
            return q->items[i].value;
    return NULL;
}

/* A parameter in canonical form: "key\0value", both encoded. */
typedef struct encoded_param {
    char *text;
    size_t key_len;
} encoded_param;

static int compare_encoded(const void *a, const void *b)
{
    const encoded_param *x = a, *y = b;
    int c = strcmp(x->text, y->text); /* stops at the NUL after the key */
    return c ? c : strcmp(x->text + x->key_len + 1, y->text + y->key_len + 1);
}

static int encode_param(const uri_param *p, encoded_param *out)
{
    buf b = BUF_INIT;
    if (uri_encode(&b, p->key, p->key_len, 0) != 0)
        return -1;
    out->key_len = b.len;
    if (buf_putc(&b, '\0') != 0 || uri_encode(&b, p->value, p->value_len, 0) != 0) {
        buf_free(&b);
        return -1;
    }
    out->text = buf_detach(&b);
    return out->text ? 0 : -1;
}

static int join_encoded(const encoded_param *e, size_t n, buf *out)
{
    for (size_t i = 0; i < n; i++)
        if ((i && buf_putc(out, '&') != 0) || buf_puts(out, e[i].text) != 0 ||
            buf_putc(out, '=') != 0 || buf_puts(out, e[i].text + e[i].key_len + 1) != 0)
            return -1;
    return 0;
}

int uri_query_canonical(const uri_query *q, const char *skip_key, buf *out)
{
    encoded_param *e = calloc(q->count ? q->count : 1, sizeof *e);
    size_t n = 0, skip_len = skip_key ? strlen(skip_key) : 0;
    int rc = e ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < q->count; i++) {
        const uri_param *p = &q->items[i];
        if (skip_key && p->key_len == skip_len && memcmp(p->key, skip_key, skip_len) == 0)
            continue;
        rc = encode_param(p, &e[n]);
        n += rc == 0;
    }
    if (rc == 0) {
        qsort(e, n, sizeof *e, compare_encoded);
        rc = join_encoded(e, n, out);
    }
    for (size_t i = 0; i < n; i++)
        free(e[i].text);
    free(e);
    return rc;
}

void uri_query_free(uri_query *q)
{
    for (size_t i = 0; i < q->count; i++) {
        free(q->items[i].key);
        free(q->items[i].value);
    }
    free(q->items);
    q->items = NULL;
    q->count = q->cap = 0;
    q->has_nul = 0;
}
