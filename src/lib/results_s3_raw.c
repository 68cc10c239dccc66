/*
 * results_s3_raw.c: the raw mode of the fast result path (results_s3.h):
 * the result file's bytes handed to the application in order, unparsed,
 * for athena_results_read_raw(). A program that only re-encodes the CSV
 * (the CLI's --output csv) then skips the row machinery altogether.
 *
 * Before the cursor is handed out the header record is read and checked
 * (field count and names equal to the column metadata), as the row path
 * does, so that every refusal still happens while falling back to
 * GetQueryResults is invisible. The bytes read for that are not lost: the
 * span that completed the header is handed out first (it stays valid until
 * the next read), after copies of any spans before it.
 */
#include "results_s3.h"

#include "csv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct s3_raw {
    s3_bytes_fn read;     /* s3_pipe_read, or recorded bytes in tests */
    void *read_user_data;
    void (*free_read_user_data)(void *);
    buf prefix;           /* copies of the spans before the header's last one */
    size_t prefix_given;  /* 1 once prefix was handed out */
    const char *held;     /* the span that completed the header */
    size_t held_len;
    int held_given;
};

typedef struct header_check {
    const char *const *names;
    size_t ncols;
    int seen;
    athena_error *err;
} header_check;

static int check_header(void *user_data, const char *const *fields, const size_t *lens,
                        size_t count, uint64_t offset)
{
    header_check *h = user_data;
    h->seen = 1;
    if (count != h->ncols) {
        error_set(h->err, ATHENA_E_PROTOCOL,
                  "the record at byte %" PRIu64 " of the result file has %zu fields, "
                  "the result has %zu columns", offset, count, h->ncols);
        return 1;
    }
    for (size_t i = 0; i < count; i++) {
        if (!fields[i] || strlen(h->names[i]) != lens[i] ||
            memcmp(fields[i], h->names[i], lens[i]) != 0) {
            error_set(h->err, ATHENA_E_PROTOCOL,
                      "the header row of the result file does not match the column names "
                      "(column %zu)", i + 1);
            return 1;
        }
    }
    return 1;
}

/* Reads spans until the header record is complete, checking it. */
static athena_status read_header(s3_raw *raw, csv_reader *csv, header_check *h,
                                 athena_error *err)
{
    for (;;) {
        const char *data = NULL;
        size_t len = 0;
        athena_status st = raw->read(raw->read_user_data, &data, &len, err);
        if (st == ATHENA_DONE) {
            if (csv_reader_finish(csv) < 0)
                return error_set(err, ATHENA_E_PROTOCOL, "the result file is not valid CSV: %s",
                                 csv_reader_error(csv));
            if (!h->seen)
                return error_set(err, ATHENA_E_PROTOCOL, "the result file is empty: no header row");
            return err->status == ATHENA_OK ? ATHENA_OK : err->status;
        }
        if (st != ATHENA_OK)
            return st;
        int rc = csv_reader_feed(csv, data, len);
        if (rc < 0)
            return error_set(err, ATHENA_E_PROTOCOL, "the result file is not valid CSV: %s",
                             csv_reader_error(csv));
        if (h->seen) {
            raw->held = data;
            raw->held_len = len;
            return err->status == ATHENA_OK ? ATHENA_OK : err->status;
        }
        if (buf_append(&raw->prefix, data, len) != 0)
            return error_set(err, ATHENA_E_NOMEM, "out of memory");
    }
}

s3_raw *s3_raw_start(s3_bytes_fn read, void *user_data, void (*free_user_data)(void *),
                     const char *const *names, size_t ncols, athena_error *err)
{
    s3_raw *raw = calloc(1, sizeof *raw);
    header_check h = {names, ncols, 0, err};
    csv_reader *csv = raw ? csv_reader_new(check_header, &h) : NULL;
    if (!csv) {
        free(raw);
        if (free_user_data)
            free_user_data(user_data);
        error_set(err, ATHENA_E_NOMEM, "out of memory");
        return NULL;
    }
    raw->read = read;
    raw->read_user_data = user_data;
    raw->free_read_user_data = free_user_data;
    athena_status st = read_header(raw, csv, &h, err);
    csv_reader_free(csv);
    if (st != ATHENA_OK) {
        s3_raw_free(raw);
        return NULL;
    }
    return raw;
}

athena_status s3_raw_read(void *user_data, const char **data, size_t *len, athena_error *err)
{
    s3_raw *raw = user_data;
    if (!raw->prefix_given && raw->prefix.len) {
        raw->prefix_given = 1;
        *data = raw->prefix.data;
        *len = raw->prefix.len;
        return ATHENA_OK;
    }
    if (!raw->held_given && raw->held_len) {
        raw->held_given = 1;
        *data = raw->held;
        *len = raw->held_len;
        return ATHENA_OK;
    }
    athena_status st = raw->read(raw->read_user_data, data, len, err);
    if (st != ATHENA_OK) {
        *data = "";
        *len = 0;
    }
    return st;
}

void s3_raw_free(void *user_data)
{
    s3_raw *raw = user_data;
    if (!raw)
        return;
    if (raw->free_read_user_data)
        raw->free_read_user_data(raw->read_user_data);
    buf_free(&raw->prefix);
    free(raw);
}
