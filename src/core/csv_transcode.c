/*
 * csv_transcode.c: Athena's CSV dialect in, the CLI's CSV out, without
 * splitting records into rows (csv.h). This is what lets `--output csv`
 * stream a result file nearly as fast as it downloads: each field is
 * looked at once and written once, with no per-record callback.
 *
 * The state machine mirrors the reader's (csv.c) and accepts exactly what it
 * accepts, with the same error messages. A field's text is written as soon
 * as its end is found; only a field that spans chunks, or holds a doubled
 * quote, is first gathered in a small buffer, because whether it needs
 * quotes depends on all of it. Most of Athena's output never reaches the
 * general state machine: a fast path writes runs of plain fields (NULL, or
 * quoted without a doubled quote) straight into the output buffer.
 *
 * The CLI's quoting rule (csv_write_rfc4180_field) lives here too, so that
 * the row path (src/cli/output.c) and this one cannot drift apart.
 */
#include "csv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum transcode_state {
    AT_FIELD_START, /* nothing of the current field read yet */
    IN_UNQUOTED,    /* inside a non-empty unquoted field */
    IN_QUOTED,      /* inside "..." */
    AFTER_QUOTE,    /* saw '"' inside quotes: a doubled quote or the closing one */
    AFTER_CR        /* saw '\r' outside quotes: only '\n' may follow */
} transcode_state;

struct csv_transcoder {
    transcode_state state;
    int failed;
    int pending;            /* the open field's text so far is in field */
    buf field;
    size_t fields;          /* fields of the open record closed so far */
    size_t expect_fields;   /* 0: any */
    uint64_t records, max_records;
    uint64_t offset;        /* stream offset of the next byte to look at */
    uint64_t record_start;
    uint64_t quote_start;
    size_t open_bytes;      /* output of the open record */
    size_t record_end_len;  /* out->len when the last record ended */
    size_t max_record;
    char error[256];
};

/* Bytes that end a run of unquoted input. */
static const unsigned char unquoted_stop[256] = {
    ['\n'] = 1, ['\r'] = 1, [','] = 1, ['"'] = 1,
};

/* Inside quotes, for the fast path: 2 ends the text, 1 makes the output
 * field need quotes. */
static const unsigned char quoted_class[256] = {
    [','] = 1, ['\r'] = 1, ['\n'] = 1, ['"'] = 2,
};

/* Bytes that make an output field need quotes anywhere in it. */
static const unsigned char needs_quotes_byte[256] = {
    [','] = 1, ['"'] = 1, ['\r'] = 1, ['\n'] = 1,
};

csv_transcoder *csv_transcoder_new(size_t expect_fields, uint64_t max_records)
{
    csv_transcoder *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->expect_fields = expect_fields;
    t->max_records = max_records;
    t->max_record = CSV_DEFAULT_MAX_RECORD;
    return t;
}

void csv_transcoder_free(csv_transcoder *t)
{
    if (!t)
        return;
    buf_free(&t->field);
    free(t);
}

uint64_t csv_transcoder_records(const csv_transcoder *t)
{
    return t->records;
}

size_t csv_transcoder_open_bytes(const csv_transcoder *t)
{
    return t->open_bytes;
}

const char *csv_transcoder_error(const csv_transcoder *t)
{
    return t->error;
}

static int fail_at(csv_transcoder *t, uint64_t at, const char *what)
{
    snprintf(t->error, sizeof t->error, "malformed CSV at byte %" PRIu64 ": %s", at, what);
    t->failed = 1;
    return -1;
}

static int out_of_memory(csv_transcoder *t)
{
    snprintf(t->error, sizeof t->error, "out of memory reading CSV");
    t->failed = 1;
    return -1;
}

static int is_space_or_tab(char c)
{
    return c == ' ' || c == '\t';
}

int csv_needs_quotes(const char *s, size_t len)
{
    if (len == 0 || is_space_or_tab(s[0]) || is_space_or_tab(s[len - 1]))
        return 1;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++)
        if (needs_quotes_byte[p[i]])
            return 1;
    return 0;
}

int csv_write_rfc4180_field(buf *out, const char *s, size_t len)
{
    if (!s) /* SQL NULL: nothing at all, unlike "" for the empty string */
        return 0;
    if (!csv_needs_quotes(s, len))
        return buf_append(out, s, len);
    if (buf_reserve(out, len + 2) != 0 || buf_putc(out, '"') != 0)
        return -1;
    const char *p = s, *end = s + len;
    const char *q;
    while ((q = memchr(p, '"', (size_t)(end - p))) != NULL) {
        /* Copy through the quote, then double it. */
        if (buf_append(out, p, (size_t)(q - p) + 1) != 0 || buf_putc(out, '"') != 0)
            return -1;
        p = q + 1;
    }
    return buf_append(out, p, (size_t)(end - p)) == 0 ? buf_putc(out, '"') : -1;
}

/* The open field ends with text s (NULL: SQL NULL). */
static int end_field(csv_transcoder *t, const char *s, size_t len, buf *out)
{
    t->fields++;
    if (csv_write_rfc4180_field(out, s, len) != 0)
        return out_of_memory(t);
    t->pending = 0;
    buf_reset(&t->field);
    return 0;
}

/* The record is complete; next_start is where the next one begins.
 * Returns 1 once max_records records are out. */
static int end_record(csv_transcoder *t, uint64_t next_start, buf *out)
{
    if (t->expect_fields && t->fields != t->expect_fields) {
        snprintf(t->error, sizeof t->error,
                 "the CSV record at byte %" PRIu64 " has %zu fields, expected %zu",
                 t->record_start, t->fields, t->expect_fields);
        t->failed = 1;
        return -1;
    }
    if (buf_putc(out, '\n') != 0)
        return out_of_memory(t);
    t->records++;
    t->fields = 0;
    t->record_start = next_start;
    t->state = AT_FIELD_START;
    t->record_end_len = out->len;
    t->open_bytes = 0;
    return t->max_records && t->records >= t->max_records ? 1 : 0;
}

/* What the byte that ends a field does: ',' opens another field, '\n'
 * ends the record, '\r' must be followed by '\n'. */
static int after_field(csv_transcoder *t, const char **p, uint64_t base, const char *data,
                       buf *out)
{
    char c = **p;
    (*p)++;
    if (c == ',') {
        t->state = AT_FIELD_START;
        return buf_putc(out, ',') == 0 ? 0 : out_of_memory(t);
    }
    if (c == '\r') {
        t->state = AFTER_CR;
        return 0;
    }
    return end_record(t, base + (uint64_t)(*p - data), out);
}

/* The open field ends with the text gathered in field. */
static int end_pending_field(csv_transcoder *t, buf *out)
{
    return end_field(t, t->field.data ? t->field.data : "", t->field.len, out);
}

static int keep_text(csv_transcoder *t, const char *p, size_t n)
{
    t->pending = 1;
    return buf_append(&t->field, p, n) == 0 ? 0 : out_of_memory(t);
}

/* A run of unquoted text from *p: written at once when its end is in this
 * chunk and nothing of it was kept from before. */
static int unquoted_run(csv_transcoder *t, const char **pp, const char *end, uint64_t base,
                        const char *data, buf *out)
{
    const char *p = *pp, *q = p;
    while (q < end && !unquoted_stop[(unsigned char)*q])
        q++;
    *pp = q;
    if (q == end)
        return keep_text(t, p, (size_t)(q - p));
    if (*q == '"')
        return fail_at(t, base + (uint64_t)(q - data), "quote inside an unquoted field");
    int rc = t->pending ? keep_text(t, p, (size_t)(q - p)) : 0;
    if (rc == 0)
        rc = t->pending ? end_pending_field(t, out) : end_field(t, p, (size_t)(q - p), out);
    return rc == 0 ? after_field(t, pp, base, data, out) : rc;
}

/* A run of quoted text from *p up to the next quote. The common case, a
 * closing quote in this chunk followed by anything but another quote, is
 * written at once. */
static int quoted_run(csv_transcoder *t, const char **pp, const char *end, buf *out)
{
    const char *p = *pp;
    const char *q = memchr(p, '"', (size_t)(end - p));
    if (!q) {
        *pp = end;
        return keep_text(t, p, (size_t)(end - p));
    }
    *pp = q + 1;
    t->state = AFTER_QUOTE;
    if (!t->pending && q + 1 < end && q[1] != '"')
        return end_field(t, p, (size_t)(q - p), out) == 0 ? 0 : -1;
    return keep_text(t, p, (size_t)(q - p));
}

static int step_field_start(csv_transcoder *t, const char **p, uint64_t base, const char *data,
                            buf *out)
{
    if (**p == '"') {
        t->quote_start = base + (uint64_t)(*p - data);
        t->state = IN_QUOTED;
        t->pending = 0;
        (*p)++;
        return 0;
    }
    if (**p == ',' || **p == '\n' || **p == '\r') {
        t->fields++; /* SQL NULL: nothing written */
        return after_field(t, p, base, data, out);
    }
    t->state = IN_UNQUOTED;
    t->pending = 0;
    return 0;
}

/* After a closing quote (the field may already be written: fields counts
 * it then, and nothing is pending). */
static int step_after_quote(csv_transcoder *t, const char **p, uint64_t base, const char *data,
                            buf *out)
{
    char c = **p;
    if (c == '"') { /* a doubled quote stands for one */
        t->state = IN_QUOTED;
        (*p)++;
        return keep_text(t, "\"", 1);
    }
    if (c != ',' && c != '\n' && c != '\r')
        return fail_at(t, base + (uint64_t)(*p - data), "text after a closing quote");
    if (t->pending && end_pending_field(t, out) != 0)
        return -1;
    return after_field(t, p, base, data, out);
}

static int step(csv_transcoder *t, const char **p, const char *end, uint64_t base,
                const char *data, buf *out)
{
    switch (t->state) {
    case AT_FIELD_START:
        return step_field_start(t, p, base, data, out);
    case IN_UNQUOTED:
        return unquoted_run(t, p, end, base, data, out);
    case IN_QUOTED:
        return quoted_run(t, p, end, out);
    case AFTER_QUOTE:
        return step_after_quote(t, p, base, data, out);
    case AFTER_CR:
        if (**p != '\n')
            return fail_at(t, base + (uint64_t)(*p - data),
                           "carriage return outside quotes not followed by a newline");
        (*p)++;
        return end_record(t, base + (uint64_t)(*p - data), out);
    }
    return -1;
}

/* Whether a record of fields fields may end without end_record's checks:
 * the count is right and more records are wanted after it. */
static int plain_record_end(const csv_transcoder *t, size_t fields)
{
    return (!t->expect_fields || fields == t->expect_fields) &&
           (!t->max_records || t->records + 1 < t->max_records);
}

/* The fast path, for Athena's usual output: runs of NULL fields and quoted
 * fields without a doubled quote, ended by ',' or '\n', written straight
 * into out (their output is never longer than their input, so one reserve
 * covers the run). It stops, leaving a state the general path continues
 * from, at anything else: a field not complete in this chunk, a doubled
 * quote, CR, unquoted text, or a record end that needs checking (a field
 * count that is off, the last record wanted). */
static int fast_fields(csv_transcoder *t, const char **pp, const char *end, uint64_t base,
                       const char *data, buf *out)
{
    if (buf_reserve(out, (size_t)(end - *pp) + 1) != 0)
        return out_of_memory(t);
    char *o = out->data + out->len;
    const char *p = *pp;
    while (p < end) {
        char sep = *p;
        if (sep == '"') {
            const unsigned char *q = (const unsigned char *)p + 1;
            const unsigned char *qend = (const unsigned char *)end;
            unsigned char k, special = 0;
            while (q < qend && (k = quoted_class[*q]) != 2) {
                special |= k;
                q++;
            }
            if (q + 1 >= qend || (q[1] != ',' && q[1] != '\n'))
                break; /* the general path takes it from the opening quote */
            const char *text = p + 1;
            size_t len = (size_t)((const char *)q - text);
            int quote = special || len == 0 || is_space_or_tab(text[0]) ||
                        is_space_or_tab(text[len - 1]);
            if (quote)
                *o++ = '"';
            memcpy(o, text, len);
            o += len;
            if (quote)
                *o++ = '"';
            t->fields++;
            p = (const char *)q + 1;
            sep = *p;
            t->state = AFTER_QUOTE; /* in case the record end needs the general path */
            if (sep == '\n' && !plain_record_end(t, t->fields))
                break;
        } else if (sep == ',' || sep == '\n') {
            if (sep == '\n' && !plain_record_end(t, t->fields + 1))
                break;
            t->fields++; /* SQL NULL: nothing written */
        } else {
            break;
        }
        *o++ = sep;
        p++;
        t->state = AT_FIELD_START;
        if (sep == '\n') {
            t->records++;
            t->fields = 0;
            t->record_start = base + (uint64_t)(p - data);
            t->record_end_len = (size_t)(o - out->data);
        }
    }
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
    *pp = p;
    return 0;
}

/* Keeps one record's size (its output so far plus a gathered field) within
 * the limit, as the reader does. */
static int check_record_size(csv_transcoder *t)
{
    if (t->open_bytes <= t->max_record && t->field.len <= t->max_record - t->open_bytes)
        return 0;
    snprintf(t->error, sizeof t->error, "CSV record at byte %" PRIu64 " is larger than %zu bytes",
             t->record_start, t->max_record);
    t->failed = 1;
    return -1;
}

int csv_transcoder_feed(csv_transcoder *t, const char *data, size_t len, buf *out)
{
    if (t->failed)
        return -1;
    if (t->max_records && t->records >= t->max_records)
        return 1;
    const uint64_t base = t->offset;
    const uint64_t records_before = t->records;
    const char *p = data, *end = data + len;
    const size_t out_start = out->len;
    int rc = 0;
    while (p < end && rc == 0) {
        if (t->state == AT_FIELD_START && (rc = fast_fields(t, &p, end, base, data, out)) != 0)
            break;
        if (p < end)
            rc = step(t, &p, end, base, data, out);
    }
    t->offset = base + (uint64_t)(p - data);
    if (t->records != records_before)
        t->open_bytes = out->len - t->record_end_len;
    else
        t->open_bytes += out->len - out_start;
    if (rc < 0)
        return -1;
    return check_record_size(t) == 0 ? rc : -1;
}

int csv_transcoder_finish(csv_transcoder *t, buf *out)
{
    if (t->failed)
        return -1;
    if (t->max_records && t->records >= t->max_records)
        return 1;
    switch (t->state) {
    case AT_FIELD_START:
        if (t->fields == 0)
            return 0; /* the input ended cleanly after a record */
        t->fields++;  /* "a," ends with a NULL field */
        break;
    case IN_UNQUOTED:
    case AFTER_QUOTE:
        if (t->pending && end_pending_field(t, out) != 0)
            return -1;
        break;
    case IN_QUOTED:
        return fail_at(t, t->quote_start, "end of input inside a quoted field");
    case AFTER_CR:
        break;
    }
    size_t before = out->len;
    int rc = end_record(t, t->offset, out);
    if (rc < 0)
        t->open_bytes += out->len - before;
    return rc < 0 ? -1 : rc;
}
