/*
 * csv.c: the writer and the incremental reader of Athena's CSV dialect
 * (csv.h).
 *
 * The reader is a small state machine that survives any chunk boundary: the
 * only state carried between chunks is which of five places we are in (start
 * of a field, inside an unquoted field, inside quotes, just after a quote
 * inside quotes, just after a CR outside quotes) plus the current record's
 * field bytes. Within a chunk it works on runs, not bytes: quoted text (the
 * bulk of Athena's output) is found with memchr, unquoted text with a tight
 * table-driven loop, and each run is copied with one memcpy. There are no
 * calls through function pointers except one callback per record.
 *
 * Memory is bounded by the largest record (and by csv_reader_set_max_record),
 * never by the stream, so a multi-gigabyte result streams in constant space.
 */
#include "csv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Writer ---- */

int csv_write_field(buf *out, const char *value, size_t len, int first_in_record)
{
    if (!first_in_record && buf_putc(out, ',') != 0)
        return -1;
    if (!value)
        return 0; /* SQL NULL: an empty unquoted field */
    /* Reserve for the common case (no quotes inside) in one step. */
    if (buf_reserve(out, len + 2) != 0 || buf_putc(out, '"') != 0)
        return -1;
    const char *p = value, *end = value + len;
    while (p < end) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (!q)
            return buf_append(out, p, (size_t)(end - p)) == 0 ? buf_putc(out, '"') : -1;
        /* Copy through the quote, then double it. */
        if (buf_append(out, p, (size_t)(q - p) + 1) != 0 || buf_putc(out, '"') != 0)
            return -1;
        p = q + 1;
    }
    return buf_putc(out, '"');
}

int csv_end_record(buf *out)
{
    return buf_putc(out, '\n');
}

/* ---- Reader ---- */

typedef enum csv_state {
    AT_FIELD_START,   /* nothing of the current field read yet */
    IN_UNQUOTED,      /* inside a non-empty unquoted field */
    IN_QUOTED,        /* inside "..." */
    AFTER_QUOTE,      /* saw '"' inside quotes: a doubled quote or the closing one */
    AFTER_CR          /* saw '\r' outside quotes: only '\n' may follow */
} csv_state;

typedef struct field_slot {
    size_t start; /* offset of the field's text in the record buffer */
    size_t len;
    int is_null;
} field_slot;

struct csv_reader {
    csv_record_fn on_record;
    void *user_data;
    csv_state state;
    int failed;
    uint64_t offset;        /* stream offset of the next byte to look at */
    uint64_t record_start;  /* stream offset of the current record's first byte */
    uint64_t quote_start;   /* where the open quoted field began (for EOF errors) */
    size_t max_record;      /* limit on one record's unescaped bytes */
    buf text;               /* the record's field texts, each NUL-terminated */
    size_t field_start;     /* where the open field's text begins in text */
    field_slot *slots;
    const char **ptrs;
    size_t *lens;
    size_t count, cap;
    char error[256];
};

/* Bytes that end a run of unquoted text. */
static const unsigned char unquoted_stop[256] = {
    ['\n'] = 1, ['\r'] = 1, [','] = 1, ['"'] = 1,
};

csv_reader *csv_reader_new(csv_record_fn on_record, void *user_data)
{
    csv_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->on_record = on_record;
    r->user_data = user_data;
    r->state = AT_FIELD_START;
    r->max_record = CSV_DEFAULT_MAX_RECORD;
    return r;
}

void csv_reader_free(csv_reader *r)
{
    if (!r)
        return;
    buf_free(&r->text);
    free(r->slots);
    free(r->ptrs);
    free(r->lens);
    free(r);
}

void csv_reader_set_max_record(csv_reader *r, size_t max_bytes)
{
    r->max_record = max_bytes ? max_bytes : CSV_DEFAULT_MAX_RECORD;
}

uint64_t csv_reader_offset(const csv_reader *r)
{
    return r->record_start;
}

const char *csv_reader_error(const csv_reader *r)
{
    return r->error;
}

static int fail(csv_reader *r, uint64_t at, const char *what)
{
    snprintf(r->error, sizeof r->error, "malformed CSV at byte %" PRIu64 ": %s", at, what);
    r->failed = 1;
    return -1;
}

/* Appends unescaped field text, enforcing the record size limit. */
static int add_text(csv_reader *r, const char *p, size_t n)
{
    if (n > r->max_record || r->text.len > r->max_record - n) {
        snprintf(r->error, sizeof r->error,
                 "CSV record at byte %" PRIu64 " is larger than %zu bytes", r->record_start,
                 r->max_record);
        r->failed = 1;
        return -1;
    }
    if (buf_append(&r->text, p, n) != 0) {
        snprintf(r->error, sizeof r->error, "out of memory reading CSV");
        r->failed = 1;
        return -1;
    }
    return 0;
}

static int grow_slots(csv_reader *r)
{
    size_t cap = r->cap ? r->cap * 2 : 16;
    field_slot *slots = realloc(r->slots, cap * sizeof *slots);
    if (slots)
        r->slots = slots;
    const char **ptrs = realloc(r->ptrs, cap * sizeof *ptrs);
    if (ptrs)
        r->ptrs = ptrs;
    size_t *lens = realloc(r->lens, cap * sizeof *lens);
    if (lens)
        r->lens = lens;
    if (!slots || !ptrs || !lens) {
        snprintf(r->error, sizeof r->error, "out of memory reading CSV");
        r->failed = 1;
        return -1;
    }
    r->cap = cap;
    return 0;
}

/* Closes the open field: the text since field_start, or NULL. */
static int end_field(csv_reader *r, int is_null)
{
    if (r->count == r->cap && grow_slots(r) != 0)
        return -1;
    field_slot *s = &r->slots[r->count++];
    s->is_null = is_null;
    s->start = r->field_start;
    s->len = is_null ? 0 : r->text.len - r->field_start;
    if (add_text(r, "", 1) != 0) /* the NUL terminator */
        return -1;
    r->field_start = r->text.len;
    return 0;
}

/* Delivers the finished record; next_start is where the next one begins.
 * Returns 1 if the callback asked to stop. */
static int end_record(csv_reader *r, uint64_t next_start)
{
    for (size_t i = 0; i < r->count; i++) {
        r->ptrs[i] = r->slots[i].is_null ? NULL : r->text.data + r->slots[i].start;
        r->lens[i] = r->slots[i].len;
    }
    int stop = r->on_record(r->user_data, r->ptrs, r->lens, r->count, r->record_start);
    r->record_start = next_start;
    r->count = 0;
    r->field_start = 0;
    buf_reset(&r->text);
    r->state = AT_FIELD_START;
    return stop ? 1 : 0;
}

/* What a byte that ends a field does next: ',' opens another field, '\n'
 * ends the record, '\r' must be followed by '\n'. Returns 1 if the record
 * callback asked to stop, -1 on error, else 0. *p is advanced past c. */
static int after_field(csv_reader *r, const char **p, uint64_t base, const char *data)
{
    char c = **p;
    (*p)++;
    if (c == ',') {
        r->state = AT_FIELD_START;
        return 0;
    }
    if (c == '\r') {
        r->state = AFTER_CR;
        return 0;
    }
    return end_record(r, base + (uint64_t)(*p - data)); /* c == '\n' */
}

int csv_reader_feed(csv_reader *r, const char *data, size_t len)
{
    if (r->failed)
        return -1;
    if (len == 0)
        return 0;
    const uint64_t base = r->offset;
    const char *p = data, *end = data + len;
    int rc = 0;
    while (p < end && rc == 0) {
        switch (r->state) {
        case AT_FIELD_START:
            if (*p == '"') {
                r->quote_start = base + (uint64_t)(p - data);
                r->state = IN_QUOTED;
                p++;
            } else if (*p == ',' || *p == '\n' || *p == '\r') {
                rc = end_field(r, 1);
                if (rc == 0)
                    rc = after_field(r, &p, base, data);
            } else {
                r->state = IN_UNQUOTED;
            }
            break;
        case IN_UNQUOTED: {
            const char *q = p;
            while (q < end && !unquoted_stop[(unsigned char)*q])
                q++;
            rc = add_text(r, p, (size_t)(q - p));
            p = q;
            if (rc != 0 || p == end)
                break;
            if (*p == '"') {
                rc = fail(r, base + (uint64_t)(p - data), "quote inside an unquoted field");
                break;
            }
            rc = end_field(r, 0);
            if (rc == 0)
                rc = after_field(r, &p, base, data);
            break;
        }
        case IN_QUOTED: {
            const char *q = memchr(p, '"', (size_t)(end - p));
            const char *stop = q ? q : end;
            rc = add_text(r, p, (size_t)(stop - p));
            p = q ? q + 1 : end;
            if (q)
                r->state = AFTER_QUOTE;
            break;
        }
        case AFTER_QUOTE:
            if (*p == '"') { /* a doubled quote stands for one */
                rc = add_text(r, "\"", 1);
                r->state = IN_QUOTED;
                p++;
            } else if (*p == ',' || *p == '\n' || *p == '\r') {
                rc = end_field(r, 0);
                if (rc == 0)
                    rc = after_field(r, &p, base, data);
            } else {
                rc = fail(r, base + (uint64_t)(p - data), "text after a closing quote");
            }
            break;
        case AFTER_CR:
            if (*p != '\n') {
                rc = fail(r, base + (uint64_t)(p - data),
                          "carriage return outside quotes not followed by a newline");
                break;
            }
            p++;
            rc = end_record(r, base + (uint64_t)(p - data));
            break;
        }
    }
    r->offset = base + (uint64_t)(p - data);
    return rc;
}

int csv_reader_finish(csv_reader *r)
{
    if (r->failed)
        return -1;
    switch (r->state) {
    case AT_FIELD_START:
        if (r->count == 0)
            return 0; /* the input ended cleanly after a record */
        if (end_field(r, 1) != 0) /* "a," ends with a NULL field */
            return -1;
        break;
    case IN_UNQUOTED:
    case AFTER_QUOTE:
        if (end_field(r, 0) != 0)
            return -1;
        break;
    case IN_QUOTED:
        return fail(r, r->quote_start, "end of input inside a quoted field");
    case AFTER_CR:
        break;
    }
    return end_record(r, r->offset);
}
