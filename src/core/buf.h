/*
 * buf.h: a growable byte buffer, always NUL-terminated.
 *
 * The one string builder of the project: request bodies, canonical requests,
 * output lines. Appends return 0 on success and -1 when memory runs out; a
 * buffer that failed keeps its previous contents.
 */
#ifndef ATHENA_CORE_BUF_H
#define ATHENA_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef struct buf {
    char *data;    /* NUL-terminated; NULL until the first append */
    size_t len;
    size_t cap;
} buf;

#define BUF_INIT {NULL, 0, 0}

/* Makes room for extra more bytes (and the NUL): the slow path of
 * buf_reserve, which callers need not call themselves. */
int buf_grow(buf *b, size_t extra);

/* The appends below are inline: CSV reading and writing call them for every
 * field, where a function call per field was a fifth of the time. */
static inline int buf_reserve(buf *b, size_t extra)
{
    return b->cap - b->len > extra ? 0 : buf_grow(b, extra);
}

static inline int buf_append(buf *b, const void *data, size_t len)
{
    if (buf_reserve(b, len) != 0)
        return -1;
    if (len)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

static inline int buf_putc(buf *b, char c)
{
    if (buf_reserve(b, 1) != 0)
        return -1;
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return 0;
}

int buf_puts(buf *b, const char *s);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Empties the buffer, keeping its memory. */
void buf_reset(buf *b);
/* Frees the memory. */
void buf_free(buf *b);
/* Zeroes then frees: for buffers that held secrets. */
void buf_free_secure(buf *b);
/* Returns the data (never NULL; "" for an empty buffer) and hands ownership
 * to the caller; the buffer is left empty. NULL only when out of memory. */
char *buf_detach(buf *b);
/* The data as a C string, "" when empty. */
const char *buf_str(const buf *b);

#endif
