/*
 * results_file.c: writing query results as Athena lays them out in S3, and
 * reading them back a page at a time for GetQueryResults (results_file.h).
 *
 * Writing streams: rows are encoded into a buffer that is flushed to the
 * (atomic, hidden) data file whenever it passes RESULTS_FLUSH_BYTES, so
 * memory stays flat however many rows a query returns. The metadata file is
 * committed after the data file, so its presence means the result is whole.
 *
 * Reading seeks to the byte offset carried in NextToken and reads 64 KiB
 * chunks only until the page is full. Whether more rows remain is known
 * without reading them: every record we write ends in '\n', so bytes left
 * after the page's last record mean at least one more record. The token also
 * carries the number of data rows already returned and a short checksum
 * bound to the result path, so a forged or garbled token, or one from
 * another query, is refused instead of being used to seek.
 */
#include "results_file.h"

#include "buf.h"
#include "crypto.h"
#include "csv.h"
#include "jsonw.h"
#include "objects.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RESULTS_FLUSH_BYTES ((size_t)1 << 20)
#define READ_CHUNK_BYTES ((size_t)64 << 10)
#define METADATA_SUFFIX ".metadata"
#define TOKEN_VERSION 1
#define TOKEN_CHECK_HEX 8

struct results_writer {
    atomic_file data;
    int data_open;
    results_kind kind;
    char data_path[4096];
    char s3_root[4096];     /* "" when the caller did not confine the writer */
    char statement_type[64];
    engine_column *cols;
    size_t ncols;
    int have_columns;
    buf out;
    int64_t rows;
    char error[256];
};

static void set_err(char *err, size_t cap, const char *fmt, const char *detail)
{
    if (err && cap)
        snprintf(err, cap, fmt, detail);
}

/* ---- Writer ---- */

/* Opens an atomic file, confined to s3_root unless it is "". */
static int open_output(atomic_file *af, const char *s3_root, const char *path)
{
    return *s3_root ? atomic_file_open_under(af, s3_root, path) : atomic_file_open(af, path);
}

static results_writer *writer_open(const char *s3_root, const char *data_path,
                                   results_kind kind, const char *statement_type, char *err,
                                   size_t err_cap)
{
    results_writer *w = calloc(1, sizeof *w);
    if (!w) {
        set_err(err, err_cap, "%s", "out of memory");
        return NULL;
    }
    size_t len = data_path ? strlen(data_path) : 0;
    if (len == 0 || len + strlen(METADATA_SUFFIX) >= sizeof w->data_path ||
        strlen(s3_root) >= sizeof w->s3_root) {
        set_err(err, err_cap, "%s", "invalid result path");
        free(w);
        return NULL;
    }
    memcpy(w->data_path, data_path, len + 1);
    snprintf(w->s3_root, sizeof w->s3_root, "%s", s3_root);
    w->kind = kind;
    snprintf(w->statement_type, sizeof w->statement_type, "%s",
             statement_type ? statement_type : kind == RESULTS_CSV ? "DML" : "UTILITY");
    if (open_output(&w->data, w->s3_root, data_path) != 0) {
        set_err(err, err_cap, "cannot create the result file: %s", strerror(errno));
        free(w);
        return NULL;
    }
    w->data_open = 1;
    return w;
}

results_writer *results_writer_open(const char *data_path, results_kind kind,
                                    const char *statement_type, char *err, size_t err_cap)
{
    return writer_open("", data_path, kind, statement_type, err, err_cap);
}

results_writer *results_writer_open_under(const char *s3_root, const char *data_path,
                                          results_kind kind, const char *statement_type,
                                          char *err, size_t err_cap)
{
    if (!s3_root || !*s3_root) {
        set_err(err, err_cap, "%s", "invalid result path");
        return NULL;
    }
    return writer_open(s3_root, data_path, kind, statement_type, err, err_cap);
}

static int writer_fail(results_writer *w, const char *what)
{
    if (!w->error[0])
        snprintf(w->error, sizeof w->error, "%s", what);
    return -1;
}

/* Writes the buffer to the data file once it is big enough (or always). */
static int flush_output(results_writer *w, int always)
{
    if (w->out.len == 0 || (!always && w->out.len < RESULTS_FLUSH_BYTES))
        return 0;
    if (fwrite(w->out.data, 1, w->out.len, w->data.f) != w->out.len) {
        snprintf(w->error, sizeof w->error, "writing the result file: %s", strerror(errno));
        return -1;
    }
    buf_reset(&w->out);
    return 0;
}

int results_writer_columns(results_writer *w, const engine_column *cols, size_t count)
{
    if (w->error[0] || !w->data_open)
        return -1;
    if (w->have_columns)
        return writer_fail(w, "result columns were set twice");
    if (count) {
        w->cols = malloc(count * sizeof *cols);
        if (!w->cols)
            return writer_fail(w, "out of memory");
        memcpy(w->cols, cols, count * sizeof *cols);
    }
    w->ncols = count;
    w->have_columns = 1;
    if (w->kind != RESULTS_CSV || count == 0)
        return 0;
    /* The header row: column names, quoted like values. */
    for (size_t i = 0; i < count; i++)
        if (csv_write_field(&w->out, cols[i].name, strnlen(cols[i].name, sizeof cols[i].name),
                            i == 0) != 0)
            return writer_fail(w, "out of memory");
    if (csv_end_record(&w->out) != 0)
        return writer_fail(w, "out of memory");
    return flush_output(w, 0);
}

/* A TXT row: tab-separated, NULL as empty. A value holding newlines spans
 * several lines, and each line reads back as a row (as SHOW CREATE TABLE
 * output does in Athena), so rows counts lines. */
static int write_txt_row(results_writer *w, const char *const *values, const size_t *lengths)
{
    int64_t lines = 1;
    for (size_t i = 0; i < w->ncols; i++) {
        if (i && buf_putc(&w->out, '\t') != 0)
            return -1;
        if (!values[i])
            continue;
        if (buf_append(&w->out, values[i], lengths[i]) != 0)
            return -1;
        for (const char *p = values[i], *end = p + lengths[i];
             (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
            lines++;
    }
    if (buf_putc(&w->out, '\n') != 0)
        return -1;
    w->rows += lines;
    return 0;
}

static int write_csv_row(results_writer *w, const char *const *values, const size_t *lengths)
{
    for (size_t i = 0; i < w->ncols; i++)
        if (csv_write_field(&w->out, values[i], values[i] ? lengths[i] : 0, i == 0) != 0)
            return -1;
    if (csv_end_record(&w->out) != 0)
        return -1;
    w->rows++;
    return 0;
}

int results_writer_row(results_writer *w, const char *const *values, const size_t *lengths)
{
    if (w->error[0] || !w->data_open)
        return -1;
    if (!w->have_columns || w->ncols == 0)
        return writer_fail(w, "a result row arrived without columns");
    int rc = w->kind == RESULTS_CSV ? write_csv_row(w, values, lengths)
                                    : write_txt_row(w, values, lengths);
    if (rc != 0)
        return writer_fail(w, "out of memory");
    return flush_output(w, 0);
}

int64_t results_writer_rows(const results_writer *w)
{
    return w->rows;
}

size_t results_writer_buffer_capacity(const results_writer *w)
{
    return w->out.cap;
}

static json_t *column_info(const engine_column *c)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:b}", "CatalogName", "hive",
                     "SchemaName", "", "TableName", "", "Name", c->name, "Label", c->name, "Type",
                     c->type, "Precision", c->precision, "Scale", c->scale, "Nullable", "UNKNOWN",
                     "CaseSensitive", strcmp(c->type, "varchar") == 0);
}

static char *metadata_text(const results_writer *w)
{
    json_t *cols = json_array();
    for (size_t i = 0; cols && i < w->ncols; i++)
        if (json_array_append_new(cols, column_info(&w->cols[i])) != 0) {
            json_decref(cols);
            return NULL;
        }
    json_t *meta = json_pack("{s:o, s:s, s:I, s:s}", "ColumnInfo", cols, "StatementType",
                             w->statement_type, "Rows", (json_int_t)w->rows, "Kind",
                             w->kind == RESULTS_CSV ? "csv" : "txt");
    char *text = meta ? json_dumps(meta, JSON_COMPACT) : NULL;
    json_decref(meta);
    return text;
}

/* Writes the metadata file's temp file (*meta, to commit). 0 or -1. */
static int write_metadata(results_writer *w, atomic_file *meta)
{
    char path[sizeof w->data_path + sizeof METADATA_SUFFIX];
    snprintf(path, sizeof path, "%s%s", w->data_path, METADATA_SUFFIX);
    char *text = metadata_text(w);
    if (!text)
        return writer_fail(w, "out of memory");
    int rc = open_output(meta, w->s3_root, path);
    if (rc == 0 && fputs(text, meta->f) < 0) {
        atomic_file_abort(meta);
        rc = -1;
    }
    free(text);
    if (rc != 0) {
        snprintf(w->error, sizeof w->error, "writing the result metadata: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* The data file and its metadata are committed together (a data file
 * without metadata is not a result): both synced, then both renamed, then
 * their folder synced once. */
int results_writer_commit(results_writer *w, char *err, size_t err_cap)
{
    if (!w->data_open && !w->error[0])
        writer_fail(w, "the result was already committed or discarded");
    atomic_file meta;
    if (!w->error[0] && flush_output(w, 1) == 0 && write_metadata(w, &meta) == 0) {
        w->data_open = 0;
        atomic_file *const files[] = {&w->data, &meta};
        if (atomic_file_commit_all(files, 2) != 0)
            snprintf(w->error, sizeof w->error, "writing the result file: %s", strerror(errno));
    }
    if (w->error[0]) {
        set_err(err, err_cap, "%s", w->error);
        return -1;
    }
    return 0;
}

void results_writer_abort(results_writer *w)
{
    if (!w)
        return;
    if (w->data_open)
        atomic_file_abort(&w->data);
    w->data_open = 0;
    buf_free(&w->out);
    if (!w->error[0])
        snprintf(w->error, sizeof w->error, "the result was discarded");
}

void results_writer_free(results_writer *w)
{
    if (!w)
        return;
    results_writer_abort(w);
    free(w->cols);
    free(w);
}

static int sink_columns(void *user_data, const engine_column *cols, size_t count)
{
    return results_writer_columns(user_data, cols, count) != 0;
}

static int sink_row(void *user_data, const char *const *values, const size_t *lengths)
{
    return results_writer_row(user_data, values, lengths) != 0;
}

engine_sink results_writer_sink(results_writer *w)
{
    engine_sink sink = {sink_columns, sink_row, w};
    return sink;
}

/* ---- NextToken ---- */

/* The first TOKEN_CHECK_HEX hex digits of a hash binding the position to
 * this result file. */
static void token_check(const char *data_path, uint64_t offset, int64_t rows,
                        char out[TOKEN_CHECK_HEX + 1])
{
    buf b = BUF_INIT;
    buf_printf(&b, "athena-local results v%d\n%s\n%" PRIu64 "\n%" PRId64, TOKEN_VERSION,
               data_path, offset, rows);
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex(buf_str(&b), b.len, hex);
    buf_free(&b);
    memcpy(out, hex, TOKEN_CHECK_HEX);
    out[TOKEN_CHECK_HEX] = '\0';
}

/* The token is the hex of "1:<offset>:<rows>:<check>". */
static char *token_make(const char *data_path, uint64_t offset, int64_t rows)
{
    char check[TOKEN_CHECK_HEX + 1], plain[96];
    token_check(data_path, offset, rows, check);
    int n = snprintf(plain, sizeof plain, "%d:%" PRIu64 ":%" PRId64 ":%s", TOKEN_VERSION, offset,
                     rows, check);
    char *token = malloc((size_t)n * 2 + 1);
    if (token)
        hex_encode((const unsigned char *)plain, (size_t)n, token);
    return token;
}

/* Reads a decimal number ending at stop; advances *p past the stop byte. */
static int parse_decimal(const char **p, char stop, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    if (*s < '0' || *s > '9' || (*s == '0' && s[1] >= '0' && s[1] <= '9'))
        return -1;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (*s != stop)
        return -1;
    *p = s + 1;
    *out = v;
    return 0;
}

static int token_parse(const char *data_path, const char *token, uint64_t *offset,
                       int64_t *rows)
{
    char plain[96];
    size_t len = strlen(token);
    if (len == 0 || len / 2 >= sizeof plain ||
        hex_decode_lower(token, len, (unsigned char *)plain) != 0)
        return -1;
    plain[len / 2] = '\0';
    const char *p = plain;
    uint64_t version, off, n;
    if (parse_decimal(&p, ':', &version) != 0 || version != TOKEN_VERSION ||
        parse_decimal(&p, ':', &off) != 0 || parse_decimal(&p, ':', &n) != 0 ||
        n > INT64_MAX || strlen(p) != TOKEN_CHECK_HEX)
        return -1;
    char check[TOKEN_CHECK_HEX + 1];
    token_check(data_path, off, (int64_t)n, check);
    if (!const_time_eq(check, p, TOKEN_CHECK_HEX))
        return -1;
    *offset = off;
    *rows = (int64_t)n;
    return 0;
}

/* ---- Reading a page ---- */

typedef struct page_reader {
    buf *rows;    /* the page's Rows array as JSON text, its members so far */
    int capacity; /* records this page may hold */
    int count;
    int out_of_memory;
} page_reader;

/* {"VarCharValue": text} or {} for NULL. Raw result bytes that are not
 * valid UTF-8 become U+FFFD, as in every other JSON we write (jsonw.h). */
static int append_datum(buf *out, int first, const char *text, size_t len)
{
    if (!first && buf_putc(out, ',') != 0)
        return -1;
    if (!text)
        return buf_puts(out, "{}");
    if (buf_puts(out, "{\"VarCharValue\":") != 0 || jsonw_string(out, text, len) != 0)
        return -1;
    return buf_putc(out, '}');
}

/* Opens the next row: {"Data":[ */
static int begin_row(page_reader *pr)
{
    if ((pr->count > 0 && buf_putc(pr->rows, ',') != 0) ||
        buf_puts(pr->rows, "{\"Data\":[") != 0) {
        pr->out_of_memory = 1;
        return -1;
    }
    return 0;
}

static int end_row(page_reader *pr, int failed)
{
    if (failed || buf_puts(pr->rows, "]}") != 0) {
        pr->out_of_memory = 1;
        return -1;
    }
    pr->count++;
    return 0;
}

static int on_csv_record(void *user_data, const char *const *fields, const size_t *lens,
                         size_t count, uint64_t record_offset)
{
    (void)record_offset;
    page_reader *pr = user_data;
    if (begin_row(pr) != 0)
        return 1;
    int failed = 0;
    for (size_t i = 0; !failed && i < count; i++)
        failed = append_datum(pr->rows, i == 0, fields[i], lens[i]) != 0;
    if (end_row(pr, failed) != 0)
        return 1;
    return pr->count >= pr->capacity;
}

/* One TXT line: its tab-separated parts, each a value (TXT has no NULL). */
static int on_txt_line(page_reader *pr, const char *line, size_t len)
{
    if (begin_row(pr) != 0)
        return -1;
    const char *p = line, *end = line + len;
    int failed = 0;
    for (int first = 1; !failed; first = 0) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *stop = tab ? tab : end;
        failed = append_datum(pr->rows, first, p, (size_t)(stop - p)) != 0;
        if (!tab)
            break;
        p = tab + 1;
    }
    return end_row(pr, failed);
}

/* Reads the next chunk at *pos (never past size). 0, or -1 on I/O error. */
static int read_chunk(FILE *f, char *chunk, uint64_t *pos, uint64_t size, size_t *n)
{
    size_t want = size - *pos < READ_CHUNK_BYTES ? (size_t)(size - *pos) : READ_CHUNK_BYTES;
    *n = fread(chunk, 1, want, f);
    if (*n != want)
        return -1;
    *pos += *n;
    return 0;
}

/* Reads CSV records from start until the page is full; *next is where the
 * first record not read begins. */
static int read_csv_page(FILE *f, char *chunk, uint64_t start, uint64_t size, page_reader *pr,
                         uint64_t *next, char *err, size_t err_cap)
{
    csv_reader *r = csv_reader_new(on_csv_record, pr);
    if (!r) {
        set_err(err, err_cap, "%s", "out of memory");
        return -1;
    }
    uint64_t pos = start;
    int rc = 0;
    size_t n;
    while (rc == 0 && pos < size) {
        if (read_chunk(f, chunk, &pos, size, &n) != 0) {
            csv_reader_free(r);
            set_err(err, err_cap, "%s", "cannot read the result file");
            return -1;
        }
        rc = csv_reader_feed(r, chunk, n);
    }
    if (rc == 0)
        rc = csv_reader_finish(r);
    if (rc < 0 && !pr->out_of_memory)
        set_err(err, err_cap, "the result file is corrupt: %s", csv_reader_error(r));
    *next = start + csv_reader_offset(r);
    csv_reader_free(r);
    return rc < 0 ? -1 : 0;
}

/* The same for TXT lines. */
static int read_txt_page(FILE *f, char *chunk, uint64_t start, uint64_t size, page_reader *pr,
                         uint64_t *next, char *err, size_t err_cap)
{
    buf line = BUF_INIT;
    uint64_t pos = start, line_start = start;
    size_t n;
    int rc = 0;
    while (rc == 0 && pr->count < pr->capacity && pos < size) {
        uint64_t chunk_start = pos;
        if (read_chunk(f, chunk, &pos, size, &n) != 0) {
            set_err(err, err_cap, "%s", "cannot read the result file");
            rc = -1;
            break;
        }
        const char *p = chunk, *end = chunk + n;
        while (rc == 0 && p < end && pr->count < pr->capacity) {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            const char *stop = nl ? nl : end;
            if (line.len + (size_t)(stop - p) > CSV_DEFAULT_MAX_RECORD ||
                buf_append(&line, p, (size_t)(stop - p)) != 0) {
                set_err(err, err_cap, "%s", "the result file has a line too large to read");
                rc = -1;
            } else if (nl) {
                rc = on_txt_line(pr, buf_str(&line), line.len);
                buf_reset(&line);
                line_start = chunk_start + (uint64_t)(nl - chunk) + 1;
            }
            p = nl ? nl + 1 : end;
        }
    }
    /* A last line without '\n' (not written by us, but readable). */
    if (rc == 0 && pr->count < pr->capacity && line_start < size) {
        rc = on_txt_line(pr, buf_str(&line), line.len);
        line_start = size;
    }
    buf_free(&line);
    *next = line_start;
    return rc;
}

static json_t *load_metadata(const char *data_path, char *err, size_t err_cap)
{
    buf path = BUF_INIT;
    if (buf_printf(&path, "%s%s", data_path, METADATA_SUFFIX) != 0) {
        set_err(err, err_cap, "%s", "out of memory");
        return NULL;
    }
    json_error_t jerr;
    json_t *meta = json_load_file(buf_str(&path), 0, &jerr);
    int missing = !meta && access(buf_str(&path), F_OK) != 0;
    buf_free(&path);
    if (!meta) {
        set_err(err, err_cap, "%s",
                missing ? "result files not found" : "the result metadata is unreadable");
        return NULL;
    }
    if (!json_is_array(json_object_get(meta, "ColumnInfo")) ||
        !json_is_integer(json_object_get(meta, "Rows"))) {
        json_decref(meta);
        set_err(err, err_cap, "%s", "the result metadata is unreadable");
        return NULL;
    }
    return meta;
}

/* The response body around the page's rows (rows_json: "[...]"). */
static int page_response(buf *out, const buf *rows_json, const json_t *meta, const char *token)
{
    char *columns = json_dumps(json_object_get(meta, "ColumnInfo"), JSON_COMPACT);
    int rc = columns && buf_puts(out, "{\"UpdateCount\":0,\"ResultSet\":{\"Rows\":[") == 0 &&
                     buf_append(out, rows_json->data, rows_json->len) == 0 &&
                     buf_puts(out, "],\"ResultSetMetadata\":{\"ColumnInfo\":") == 0 &&
                     buf_puts(out, columns) == 0 && buf_puts(out, "}}") == 0
                 ? 0 : -1;
    free(columns);
    if (rc == 0 && token)
        rc = buf_puts(out, ",\"NextToken\":") == 0 && jsonw_string(out, token, strlen(token)) == 0
                 ? 0 : -1;
    return rc == 0 ? buf_putc(out, '}') : -1;
}

/* Where this page starts: offset 0 for the first page, else the token's. */
typedef struct page_position {
    uint64_t offset;
    int64_t rows_before;
} page_position;

static int resolve_position(const char *data_path, const char *next_token, uint64_t size,
                            int64_t total_rows, page_position *pos)
{
    pos->offset = 0;
    pos->rows_before = 0;
    if (!next_token)
        return 0;
    if (token_parse(data_path, next_token, &pos->offset, &pos->rows_before) != 0 ||
        pos->offset == 0 || pos->offset >= size || pos->rows_before > total_rows)
        return -1;
    return 0;
}

static int read_page(FILE *f, const char *data_path, json_t *meta, const page_position *at,
                     uint64_t size, int max_results, buf *out, char *err, size_t err_cap)
{
    const char *kind = json_string_value(json_object_get(meta, "Kind"));
    int is_txt = kind && strcmp(kind, "txt") == 0;
    /* Page 1 of a CSV result holds the header row, and MaxResults counts
     * it, as in Athena: header + (max - 1) data rows. */
    int header = !is_txt && at->offset == 0 && json_array_size(json_object_get(meta, "ColumnInfo"));
    buf rows = BUF_INIT;
    page_reader pr = {&rows, max_results, 0, 0};
    char *chunk = malloc(READ_CHUNK_BYTES);
    uint64_t next = at->offset;
    int rc = -1;
    if (!chunk)
        set_err(err, err_cap, "%s", "out of memory");
    else if (fseeko(f, (off_t)at->offset, SEEK_SET) != 0)
        set_err(err, err_cap, "%s", "cannot read the result file");
    else
        rc = is_txt ? read_txt_page(f, chunk, at->offset, size, &pr, &next, err, err_cap)
                    : read_csv_page(f, chunk, at->offset, size, &pr, &next, err, err_cap);
    free(chunk);
    if (rc == 0 && pr.out_of_memory) {
        set_err(err, err_cap, "%s", "out of memory");
        rc = -1;
    }
    char *token = NULL;
    if (rc == 0 && next < size) {
        int64_t returned = at->rows_before + pr.count - (header && pr.count ? 1 : 0);
        token = token_make(data_path, next, returned);
    }
    if (rc == 0 && page_response(out, &rows, meta, token) != 0) {
        set_err(err, err_cap, "%s", "out of memory");
        rc = -1;
    }
    free(token);
    buf_free(&rows);
    return rc;
}

int results_page(const char *data_path, const char *next_token, int max_results, buf *out,
                 char *err, size_t err_cap)
{
    if (max_results < 1 || max_results > 1000) {
        set_err(err, err_cap, "%s", "MaxResults must be between 1 and 1000");
        return -1;
    }
    json_t *meta = load_metadata(data_path, err, err_cap);
    if (!meta)
        return -1;
    FILE *f = fopen(data_path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        set_err(err, err_cap, "%s", "result files not found");
        if (f)
            fclose(f);
        json_decref(meta);
        return -1;
    }
    page_position at;
    int rc = -1;
    if (resolve_position(data_path, next_token, (uint64_t)st.st_size,
                         json_integer_value(json_object_get(meta, "Rows")), &at) != 0)
        set_err(err, err_cap, "%s", "Invalid NextToken");
    else
        rc = read_page(f, data_path, meta, &at, (uint64_t)st.st_size, max_results, out, err,
                       err_cap);
    fclose(f);
    json_decref(meta);
    return rc;
}
