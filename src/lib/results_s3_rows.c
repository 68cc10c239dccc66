/*
 * results_s3_rows.c: the row reader of the fast result path (results_s3.h):
 * Athena CSV bytes in, batches of rows out.
 *
 * The core CSV reader calls back once per record; the callback appends the
 * record to the batch being filled (field texts, NUL-terminated, in one
 * growing text buffer) and asks the reader to stop once the batch is full,
 * so the bytes after it wait in the current span (the pipeline's buffer)
 * for the next batch. Only when the batch is complete do its offsets become
 * pointers, since the text buffer may move while it grows. An empty unquoted
 * field is SQL NULL, "" the empty string; bytes are passed through
 * untouched. A failure (a bad record, a failed read) is kept and reported
 * after the rows before it, so rows are never lost or repeated.
 */
#include "results_s3.h"

#include "csv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_TEXT_BYTES ((size_t)128 << 10) /* a batch is full past this much text */
#define BATCH_CELLS 16384                    /* ... or this many rows x columns */
#define NULL_OFFSET ((size_t)-1)

struct s3_batch {
    size_t ncols;
    size_t rows, row_cap;
    size_t *offsets;         /* rows x ncols, into text; NULL_OFFSET for SQL NULL */
    const char **values;     /* the same as pointers, once the batch is complete */
    size_t *lengths;
    char *text;
    size_t text_len, text_cap;
};

struct s3_rows {
    size_t ncols;
    s3_bytes_fn read;
    void *read_user_data;
    void (*free_read_user_data)(void *);
    csv_reader *csv;
    const char *span;        /* bytes read but not yet fed */
    size_t span_len;
    uint64_t fed;            /* bytes the CSV reader has consumed */
    int header_seen;
    int at_end;
    s3_batch *filling;       /* where on_record puts rows */
    athena_error problem;    /* the failure to report after the rows before it */
    s3_batch *own;           /* s3_rows_next's batch */
    size_t own_next;         /* its next row */
};

/* ---- batches ---- */

s3_batch *s3_batch_new(size_t ncols)
{
    s3_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->ncols = ncols ? ncols : 1;
    b->row_cap = BATCH_CELLS / b->ncols ? BATCH_CELLS / b->ncols : 1;
    size_t cells = b->row_cap * b->ncols;
    b->offsets = malloc(cells * sizeof *b->offsets);
    b->values = malloc(cells * sizeof *b->values);
    b->lengths = malloc(cells * sizeof *b->lengths);
    b->text_cap = BATCH_TEXT_BYTES;
    b->text = malloc(b->text_cap);
    if (!b->offsets || !b->values || !b->lengths || !b->text) {
        s3_batch_free(b);
        return NULL;
    }
    return b;
}

void s3_batch_free(s3_batch *b)
{
    if (!b)
        return;
    free(b->offsets);
    free(b->values);
    free(b->lengths);
    free(b->text);
    free(b);
}

size_t s3_batch_rows(const s3_batch *b)
{
    return b->rows;
}

void s3_batch_row(const s3_batch *b, size_t row, const char *const **values,
                  const size_t **lengths)
{
    *values = b->values + row * b->ncols;
    *lengths = b->lengths + row * b->ncols;
}

static int batch_full(const s3_batch *b)
{
    return b->rows == b->row_cap || b->text_len >= BATCH_TEXT_BYTES;
}

/* Appends one record: 0, or -1 when out of memory. */
static int batch_add(s3_batch *b, const char *const *fields, const size_t *lens)
{
    size_t total = 0;
    for (size_t i = 0; i < b->ncols; i++)
        total += lens[i] + 1;
    if (total > b->text_cap - b->text_len) {
        size_t cap = b->text_cap;
        while (total > cap - b->text_len)
            cap *= 2;
        char *text = realloc(b->text, cap);
        if (!text)
            return -1;
        b->text = text;
        b->text_cap = cap;
    }
    size_t *offsets = b->offsets + b->rows * b->ncols;
    size_t *lengths = b->lengths + b->rows * b->ncols;
    char *at = b->text + b->text_len;
    for (size_t i = 0; i < b->ncols; i++) {
        offsets[i] = fields[i] ? (size_t)(at - b->text) : NULL_OFFSET;
        lengths[i] = lens[i];
        if (lens[i])
            memcpy(at, fields[i], lens[i]);
        at[lens[i]] = '\0';
        at += lens[i] + 1;
    }
    b->text_len += total;
    b->rows++;
    return 0;
}

/* Offsets become pointers: the text buffer will not move any more. */
static void batch_complete(s3_batch *b)
{
    size_t cells = b->rows * b->ncols;
    for (size_t i = 0; i < cells; i++)
        b->values[i] = b->offsets[i] == NULL_OFFSET ? NULL : b->text + b->offsets[i];
}

static void batch_reset(s3_batch *b)
{
    b->rows = 0;
    b->text_len = 0;
}

/* ---- the reader ---- */

static int fail_record(s3_rows *r, athena_status st, const char *message)
{
    error_set(&r->problem, st, "%s", message);
    return 1;
}

static int on_record(void *user_data, const char *const *fields, const size_t *lens,
                     size_t count, uint64_t offset)
{
    s3_rows *r = user_data;
    if (count != r->ncols) {
        char message[200];
        snprintf(message, sizeof message,
                 "the record at byte %" PRIu64 " of the result file has %zu fields, "
                 "the result has %zu columns", offset, count, r->ncols);
        return fail_record(r, ATHENA_E_PROTOCOL, message);
    }
    if (!r->header_seen) {
        r->header_seen = 1;
        return 1;
    }
    if (batch_add(r->filling, fields, lens) != 0)
        return fail_record(r, ATHENA_E_NOMEM, "out of memory reading the result file");
    return batch_full(r->filling);
}

s3_rows *s3_rows_new(size_t ncols, s3_bytes_fn read, void *user_data,
                     void (*free_user_data)(void *))
{
    s3_rows *r = calloc(1, sizeof *r);
    if (!r) {
        if (free_user_data)
            free_user_data(user_data);
        return NULL;
    }
    r->ncols = ncols;
    r->read = read;
    r->read_user_data = user_data;
    r->free_read_user_data = free_user_data;
    r->csv = csv_reader_new(on_record, r);
    if (!r->csv) {
        s3_rows_free(r);
        return NULL;
    }
    return r;
}

void s3_rows_free(void *user_data)
{
    s3_rows *r = user_data;
    if (!r)
        return;
    if (r->free_read_user_data)
        r->free_read_user_data(r->read_user_data);
    csv_reader_free(r->csv);
    s3_batch_free(r->own);
    free(r);
}

/* Feeds what is left of the span; a parse error becomes the problem. */
static void feed_span(s3_rows *r)
{
    int rc = csv_reader_feed(r->csv, r->span, r->span_len);
    size_t used = rc == 1 ? (size_t)(csv_reader_offset(r->csv) - r->fed) : r->span_len;
    r->span += used;
    r->span_len -= used;
    r->fed += used;
    if (rc < 0 && r->problem.status == ATHENA_OK)
        error_set(&r->problem, ATHENA_E_PROTOCOL, "the result file is not valid CSV: %s",
                  csv_reader_error(r->csv));
}

/* The end of the file: flushes a last record without a newline. */
static void finish_input(s3_rows *r)
{
    r->at_end = 1;
    if (csv_reader_finish(r->csv) < 0 && r->problem.status == ATHENA_OK)
        error_set(&r->problem, ATHENA_E_PROTOCOL, "the result file is not valid CSV: %s",
                  csv_reader_error(r->csv));
}

/* Parses until the batch is full, the header was just read (when wanted),
 * the input ends or something fails. */
static void parse_into(s3_rows *r, s3_batch *b, int header_only)
{
    r->filling = b;
    while (r->problem.status == ATHENA_OK && !(b && batch_full(b)) &&
           !(header_only && r->header_seen)) {
        if (r->span_len) {
            feed_span(r);
            continue;
        }
        if (r->at_end)
            break;
        athena_status st = r->read(r->read_user_data, &r->span, &r->span_len, &r->problem);
        if (st == ATHENA_DONE) {
            r->span_len = 0;
            finish_input(r);
        } else if (st != ATHENA_OK) {
            r->span_len = 0;
            r->problem.status = st;
        }
    }
    r->filling = NULL;
}

athena_status s3_rows_read_header(s3_rows *r, athena_error *err)
{
    if (!r->header_seen)
        parse_into(r, NULL, 1);
    if (r->header_seen)
        return ATHENA_OK;
    if (r->problem.status == ATHENA_OK)
        return error_set(err, ATHENA_E_PROTOCOL, "the result file is empty: no header row");
    error_copy(err, &r->problem);
    return r->problem.status;
}

athena_status s3_rows_fill(s3_rows *r, s3_batch *b, athena_error *err)
{
    athena_status st = s3_rows_read_header(r, err);
    if (st != ATHENA_OK)
        return st;
    batch_reset(b);
    parse_into(r, b, 0);
    if (b->rows) {
        batch_complete(b);
        return ATHENA_OK;
    }
    if (r->problem.status == ATHENA_OK)
        return ATHENA_DONE;
    error_copy(err, &r->problem);
    return r->problem.status;
}

athena_status s3_rows_next(void *user_data, const char *const **values, const size_t **lengths,
                           athena_error *err)
{
    s3_rows *r = user_data;
    if (!r->own && !(r->own = s3_batch_new(r->ncols)))
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    if (r->own_next >= r->own->rows) {
        athena_status st = s3_rows_fill(r, r->own, err);
        if (st != ATHENA_OK) {
            batch_reset(r->own);
            r->own_next = 0;
            return st;
        }
        r->own_next = 0;
    }
    s3_batch_row(r->own, r->own_next++, values, lengths);
    return ATHENA_OK;
}
