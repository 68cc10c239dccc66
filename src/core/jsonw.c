/*
 * jsonw.c: JSON string writing (see jsonw.h). Bytes that need no escaping are
 * copied in runs, so plain ASCII and valid UTF-8 cost one append per run.
 */
#include "jsonw.h"

static const char utf8_replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* Range of the second byte allowed after a lead byte; later continuation
 * bytes are always 0x80-0xBF. These ranges exclude overlong forms,
 * surrogates (ED A0-BF) and code points above U+10FFFF (F4 90+). */
static int utf8_lead(unsigned char c, size_t *length, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        *length = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        *length = 3;
        if (c == 0xE0)
            *lo = 0xA0;
        if (c == 0xED)
            *hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        *length = 4;
        if (c == 0xF0)
            *lo = 0x90;
        if (c == 0xF4)
            *hi = 0x8F;
    } else
        return -1;
    return 0;
}

size_t jsonw_utf8_step(const char *s, size_t len, int *valid)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t length;
    unsigned char lo, hi;
    *valid = 1;
    if (p[0] < 0x80)
        return 1;
    if (utf8_lead(p[0], &length, &lo, &hi) != 0) {
        *valid = 0;
        return 1;
    }
    for (size_t i = 1; i < length; i++) {
        if (i >= len || p[i] < lo || p[i] > hi) {
            *valid = 0;
            return i;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return length;
}

static int append_escape(buf *b, unsigned char c)
{
    switch (c) {
    case '"': return buf_append(b, "\\\"", 2);
    case '\\': return buf_append(b, "\\\\", 2);
    case '\n': return buf_append(b, "\\n", 2);
    case '\t': return buf_append(b, "\\t", 2);
    case '\r': return buf_append(b, "\\r", 2);
    case '\b': return buf_append(b, "\\b", 2);
    case '\f': return buf_append(b, "\\f", 2);
    default: return buf_printf(b, "\\u%04x", c);
    }
}

static int needs_no_escape(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

int jsonw_string(buf *b, const char *s, size_t len)
{
    if (buf_reserve(b, len + 2) != 0 || buf_putc(b, '"') != 0)
        return -1;
    size_t run = 0; /* start of the bytes not yet appended */
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (needs_no_escape(c)) {
            i++;
            continue;
        }
        int valid = 0;
        size_t step = c >= 0x80 ? jsonw_utf8_step(s + i, len - i, &valid) : 1;
        if (valid) {
            i += step;
            continue;
        }
        if (buf_append(b, s + run, i - run) != 0)
            return -1;
        int rc = c >= 0x80 ? buf_append(b, utf8_replacement, 3) : append_escape(b, c);
        if (rc != 0)
            return -1;
        i += step;
        run = i;
    }
    if (buf_append(b, s + run, i - run) != 0 || buf_putc(b, '"') != 0)
        return -1;
    return 0;
}
