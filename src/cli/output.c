/*
 * output.c: the CLI's streaming result writer (formats described in
 * output.h). Each format is a small set of begin/row/end functions behind
 * one table of operations. Rows are built in one buffer and written with
 * one fwrite per OUTPUT_WRITE_BYTES (a call per row was a tenth of the time
 * of a large CSV fetch), so a failed write (EPIPE) is noticed within that
 * much output; the end of the output and the writer's close write the rest.
 */
#include "output.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "csv.h"
#include "jsonw.h"
#include "values.h"

/* A table cell's display text: at most max_col_width code points, kept in a
 * shared text buffer (by offset, because the buffer moves as it grows). */
typedef struct table_cell {
    size_t offset;
    size_t bytes;
    size_t width;       /* code points of the kept text */
    unsigned char cut;  /* the full display text was longer than what was kept */
    unsigned char is_null;
} table_cell;

typedef struct output_column {
    value_class cls;
    size_t key_offset, key_len; /* json: '"name":' in column_text */
    size_t width;               /* table: fixed by the first batch */
} output_column;

typedef struct format_ops {
    int (*begin)(output_writer *w, const athena_column *cols);
    int (*row)(output_writer *w, const char *const *values, const size_t *lengths);
    int (*end)(output_writer *w);
} format_ops;

struct output_writer {
    FILE *out;
    output_format format;
    const format_ops *ops;
    size_t max_width;
    int color;
    int begun, ended, failed;
    output_column *cols;
    size_t ncols;
    uint64_t rows;
    buf line;         /* output built but not yet written (< OUTPUT_WRITE_BYTES) */
    buf column_text;  /* json keys or table headers */
    /* table only: the header cells and the current batch of rows */
    table_cell *headers;
    table_cell *batch;
    size_t batch_rows, batch_cap;
    buf batch_text;
    int widths_fixed;
};

#define OUTPUT_WRITE_BYTES ((size_t)64 << 10)

static const char utf8_ellipsis[] = "\xE2\x80\xA6"; /* U+2026 */
static const char utf8_replacement[] = "\xEF\xBF\xBD";
static const char ansi_dim[] = "\x1b[2m", ansi_reset[] = "\x1b[0m";

/* ------------------------------------------------------------------------ */
/* Shared helpers                                                            */
/* ------------------------------------------------------------------------ */

static int fail(output_writer *w)
{
    w->failed = 1;
    return -1;
}

/* Writes out what the buffer holds and empties it. */
static int write_pending(output_writer *w)
{
    size_t n = w->line.len;
    if (n && fwrite(w->line.data, 1, n, w->out) != n)
        return fail(w);
    buf_reset(&w->line);
    return 0;
}

/* A row is complete: written out once enough output has gathered. */
static int write_line(output_writer *w)
{
    return w->line.len >= OUTPUT_WRITE_BYTES ? write_pending(w) : 0;
}

static const char *value_at(const char *const *values, const size_t *lengths, size_t i,
                            size_t *len)
{
    if (values[i])
        *len = lengths ? lengths[i] : strlen(values[i]);
    return values[i];
}

/* ------------------------------------------------------------------------ */
/* csv and tsv                                                               */
/* ------------------------------------------------------------------------ */

/* RFC 4180, quoting only where needed: the core's rule, shared with the
 * transcoder that prints result files without splitting them into rows. */
static int csv_field(buf *b, const char *s, size_t len)
{
    return csv_write_rfc4180_field(b, s, len);
}

static const char *tsv_escape(char c)
{
    switch (c) {
    case '\t': return "\\t";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\\': return "\\\\";
    default: return NULL;
    }
}

static int tsv_field(buf *b, const char *s, size_t len)
{
    if (!s)
        return buf_append(b, "\\N", 2);
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        const char *escape = tsv_escape(s[i]);
        if (!escape)
            continue;
        if (buf_append(b, s + run, i - run) != 0 || buf_append(b, escape, 2) != 0)
            return -1;
        run = i + 1;
    }
    return buf_append(b, s + run, len - run);
}

typedef int (*field_fn)(buf *b, const char *s, size_t len);

static int delimited_line(output_writer *w, const char *const *values, const size_t *lengths)
{
    int csv = w->format == OUTPUT_CSV;
    field_fn field = csv ? csv_field : tsv_field;
    for (size_t i = 0; i < w->ncols; i++) {
        size_t len = 0;
        const char *s = value_at(values, lengths, i, &len);
        if ((i > 0 && buf_putc(&w->line, csv ? ',' : '\t') != 0) || field(&w->line, s, len) != 0)
            return fail(w);
    }
    if (buf_putc(&w->line, '\n') != 0)
        return fail(w);
    return write_line(w);
}

static int delimited_begin(output_writer *w, const athena_column *cols)
{
    if (w->ncols == 0)
        return 0;
    const char **names = calloc(w->ncols, sizeof *names);
    if (!names)
        return fail(w);
    for (size_t i = 0; i < w->ncols; i++)
        names[i] = cols[i].name ? cols[i].name : "";
    int rc = delimited_line(w, names, NULL);
    free(names);
    return rc;
}

/* ------------------------------------------------------------------------ */
/* json and jsonl                                                            */
/* ------------------------------------------------------------------------ */

static int json_begin(output_writer *w, const athena_column *cols)
{
    for (size_t i = 0; i < w->ncols; i++) {
        const char *name = cols[i].name ? cols[i].name : "";
        w->cols[i].key_offset = w->column_text.len;
        if (jsonw_string(&w->column_text, name, strlen(name)) != 0 ||
            buf_putc(&w->column_text, ':') != 0)
            return fail(w);
        w->cols[i].key_len = w->column_text.len - w->cols[i].key_offset;
    }
    return 0;
}

static int is_json_literal_bool(const char *s, size_t len)
{
    int ignored;
    return value_parse_bool(s, len, &ignored) == 0;
}

/* Numbers and booleans go out bare when the column type says so and the
 * text is a valid JSON literal; anything else (decimals included) as a string. */
static int json_value(buf *b, value_class cls, const char *s, size_t len)
{
    if (!s)
        return buf_append(b, "null", 4);
    int bare = ((cls == VALUE_INTEGER || cls == VALUE_FLOAT) && value_is_numeric_json(s, len)) ||
               (cls == VALUE_BOOLEAN && is_json_literal_bool(s, len));
    return bare ? buf_append(b, s, len) : jsonw_string(b, s, len);
}

static int json_object(output_writer *w, const char *const *values, const size_t *lengths)
{
    buf *b = &w->line;
    if (buf_putc(b, '{') != 0)
        return fail(w);
    for (size_t i = 0; i < w->ncols; i++) {
        const output_column *col = &w->cols[i];
        size_t len = 0;
        const char *s = value_at(values, lengths, i, &len);
        if ((i > 0 && buf_putc(b, ',') != 0) ||
            buf_append(b, w->column_text.data + col->key_offset, col->key_len) != 0 ||
            json_value(b, col->cls, s, len) != 0)
            return fail(w);
    }
    return buf_putc(b, '}') == 0 ? 0 : fail(w);
}

static int jsonl_row(output_writer *w, const char *const *values, const size_t *lengths)
{
    if (json_object(w, values, lengths) != 0 || buf_putc(&w->line, '\n') != 0)
        return fail(w);
    return write_line(w);
}

static int json_row(output_writer *w, const char *const *values, const size_t *lengths)
{
    if (buf_puts(&w->line, w->rows == 0 ? "[\n" : ",\n") != 0)
        return fail(w);
    if (json_object(w, values, lengths) != 0)
        return -1;
    return write_line(w);
}

static int json_end(output_writer *w)
{
    if (buf_puts(&w->line, w->rows == 0 ? "[]\n" : "\n]\n") != 0)
        return fail(w);
    return write_line(w);
}

/* ------------------------------------------------------------------------ */
/* table: display text                                                       */
/* ------------------------------------------------------------------------ */

/* One character as the table shows it. */
typedef struct display_piece {
    char text[8];
    size_t len;
    size_t width; /* code points */
} display_piece;

static void set_piece(display_piece *p, const char *text, size_t len, size_t width)
{
    memcpy(p->text, text, len);
    p->len = len;
    p->width = width;
}

/* The display form of the character at s: control characters become
 * visible escapes (so data cannot move the cursor or recolor the terminal)
 * and ill-formed UTF-8 becomes U+FFFD. Returns the input bytes consumed. */
static size_t next_display_piece(const char *s, size_t len, display_piece *p)
{
    unsigned char c = (unsigned char)s[0];
    int valid;
    size_t step = jsonw_utf8_step(s, len, &valid);
    char escape[8];
    if (c == '\n' || c == '\t' || c == '\r')
        set_piece(p, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r", 2, 2);
    else if (c < 0x20 || c == 0x7f)
        set_piece(p, escape, (size_t)snprintf(escape, sizeof escape, "\\x%02x", c), 4);
    else if (!valid)
        set_piece(p, utf8_replacement, 3, 1);
    else if (c == 0xC2 && (unsigned char)s[1] < 0xA0) /* C1 controls U+0080-U+009F */
        set_piece(p, escape, (size_t)snprintf(escape, sizeof escape, "\\u%04x", s[1] & 0xff), 6);
    else
        set_piece(p, s, step, 1);
    return step;
}

/* Appends the display form of s to text, keeping at most limit code points:
 * no cell is ever shown wider, so the rest need not be kept. */
static int display_cell(buf *text, const char *s, size_t len, size_t limit, table_cell *cell)
{
    memset(cell, 0, sizeof *cell);
    cell->offset = text->len;
    if (!s) {
        cell->is_null = 1;
        return 0;
    }
    for (size_t i = 0; i < len;) {
        display_piece piece;
        size_t step = next_display_piece(s + i, len - i, &piece);
        if (cell->width + piece.width > limit) {
            cell->cut = 1;
            break;
        }
        if (buf_append(text, piece.text, piece.len) != 0)
            return -1;
        cell->width += piece.width;
        i += step;
    }
    cell->bytes = text->len - cell->offset;
    return 0;
}

/* Bytes taken by the first n code points of valid UTF-8 text. */
static size_t utf8_prefix_bytes(const char *text, size_t bytes, size_t n)
{
    size_t i = 0;
    for (; i < bytes; i++) {
        if (((unsigned char)text[i] & 0xC0) != 0x80 && n-- == 0)
            break;
    }
    return i;
}

/* ------------------------------------------------------------------------ */
/* table: layout                                                             */
/* ------------------------------------------------------------------------ */

static int is_right_aligned(value_class cls)
{
    return cls == VALUE_INTEGER || cls == VALUE_FLOAT || cls == VALUE_DECIMAL;
}

/* Width a cell asks for, before the column limit applies. */
static size_t wanted_width(const table_cell *cell, size_t limit)
{
    if (cell->is_null)
        return 4; /* "NULL" */
    return cell->cut ? limit : cell->width;
}

static void table_fix_widths(output_writer *w)
{
    for (size_t c = 0; c < w->ncols; c++) {
        size_t width = wanted_width(&w->headers[c], w->max_width);
        for (size_t r = 0; r < w->batch_rows; r++) {
            size_t cell = wanted_width(&w->batch[r * w->ncols + c], w->max_width);
            if (cell > width)
                width = cell;
        }
        if (width > w->max_width)
            width = w->max_width;
        w->cols[c].width = width ? width : 1;
    }
    w->widths_fixed = 1;
}

static int append_spaces(buf *b, size_t n)
{
    for (; n > 0; n--) {
        if (buf_putc(b, ' ') != 0)
            return -1;
    }
    return 0;
}

/* Appends text (width code points, cut if more existed) padded or cut to
 * exactly column_width code points. */
static int append_fitted(buf *b, const char *text, size_t bytes, size_t width, int cut,
                         size_t column_width, int right, int dim)
{
    int shorten = cut || width > column_width;
    size_t shown = shorten ? (width < column_width ? width : column_width - 1) : width;
    size_t pad = column_width - shown - (shorten ? 1 : 0);
    if (right && append_spaces(b, pad) != 0)
        return -1;
    if ((dim && buf_puts(b, ansi_dim) != 0) ||
        buf_append(b, text, utf8_prefix_bytes(text, bytes, shown)) != 0 ||
        (shorten && buf_puts(b, utf8_ellipsis) != 0) || (dim && buf_puts(b, ansi_reset) != 0))
        return -1;
    return right ? 0 : append_spaces(b, pad);
}

static int append_cell(output_writer *w, const buf *text, const table_cell *cell,
                       const output_column *col)
{
    int right = is_right_aligned(col->cls);
    if (cell->is_null)
        return append_fitted(&w->line, "NULL", 4, 4, 0, col->width, right, w->color);
    return append_fitted(&w->line, buf_str(text) + cell->offset, cell->bytes, cell->width,
                         cell->cut, col->width, right, 0);
}

static int table_border(output_writer *w)
{
    buf *b = &w->line;
    for (size_t c = 0; c < w->ncols; c++) {
        if (buf_putc(b, '+') != 0)
            return fail(w);
        for (size_t i = 0; i < w->cols[c].width + 2; i++) {
            if (buf_putc(b, '-') != 0)
                return fail(w);
        }
    }
    if (buf_puts(b, "+\n") != 0)
        return fail(w);
    return write_line(w);
}

/* One "| a | b |" line; the cells' text lives in text. */
static int table_line(output_writer *w, const buf *text, const table_cell *cells)
{
    for (size_t c = 0; c < w->ncols; c++) {
        if (buf_puts(&w->line, "| ") != 0 || append_cell(w, text, &cells[c], &w->cols[c]) != 0 ||
            buf_putc(&w->line, ' ') != 0)
            return fail(w);
    }
    if (buf_puts(&w->line, "|\n") != 0)
        return fail(w);
    return write_line(w);
}

/* Prints the buffered rows (and, the first time, sizes the columns and
 * prints the header), then empties the batch. */
static int table_flush_batch(output_writer *w)
{
    if (w->ncols == 0)
        return 0;
    if (!w->widths_fixed) {
        table_fix_widths(w);
        if (table_border(w) != 0 || table_line(w, &w->column_text, w->headers) != 0 ||
            (w->batch_rows > 0 && table_border(w) != 0))
            return -1;
    }
    for (size_t r = 0; r < w->batch_rows; r++) {
        if (table_line(w, &w->batch_text, &w->batch[r * w->ncols]) != 0)
            return -1;
    }
    w->batch_rows = 0;
    buf_reset(&w->batch_text);
    return 0;
}

/* ------------------------------------------------------------------------ */
/* table: operations                                                         */
/* ------------------------------------------------------------------------ */

static int table_begin(output_writer *w, const athena_column *cols)
{
    if (w->ncols > SIZE_MAX / sizeof(table_cell) / OUTPUT_TABLE_BATCH)
        return fail(w);
    w->headers = calloc(w->ncols ? w->ncols : 1, sizeof *w->headers);
    if (!w->headers)
        return fail(w);
    for (size_t i = 0; i < w->ncols; i++) {
        const char *name = cols[i].name ? cols[i].name : "";
        if (display_cell(&w->column_text, name, strlen(name), w->max_width, &w->headers[i]) != 0)
            return fail(w);
    }
    return 0;
}

/* Room for one more row in the batch, grown as needed up to a full batch. */
static int table_reserve_row(output_writer *w)
{
    if (w->batch_rows < w->batch_cap)
        return 0;
    size_t cap = w->batch_cap ? w->batch_cap * 2 : 16;
    if (cap > OUTPUT_TABLE_BATCH)
        cap = OUTPUT_TABLE_BATCH;
    table_cell *cells = realloc(w->batch, cap * (w->ncols ? w->ncols : 1) * sizeof *cells);
    if (!cells)
        return -1;
    w->batch = cells;
    w->batch_cap = cap;
    return 0;
}

static int table_row(output_writer *w, const char *const *values, const size_t *lengths)
{
    if (table_reserve_row(w) != 0)
        return fail(w);
    table_cell *cells = &w->batch[w->batch_rows * w->ncols];
    for (size_t c = 0; c < w->ncols; c++) {
        size_t len = 0;
        const char *s = value_at(values, lengths, c, &len);
        if (display_cell(&w->batch_text, s, len, w->max_width, &cells[c]) != 0)
            return fail(w);
    }
    w->batch_rows++;
    return w->batch_rows == OUTPUT_TABLE_BATCH ? table_flush_batch(w) : 0;
}

static int table_end(output_writer *w)
{
    if (table_flush_batch(w) != 0 || (w->ncols > 0 && table_border(w) != 0))
        return -1;
    if (buf_printf(&w->line, "(%llu row%s)\n", (unsigned long long)w->rows,
                   w->rows == 1 ? "" : "s") != 0)
        return fail(w);
    return write_line(w);
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */
/* ------------------------------------------------------------------------ */

/* csv, tsv and jsonl have nothing to write after the last row. */
static int no_trailer(output_writer *w)
{
    return 0;
}

static const struct {
    const char *name;
    format_ops ops;
} formats[] = {
    [OUTPUT_TABLE] = {"table", {table_begin, table_row, table_end}},
    [OUTPUT_CSV] = {"csv", {delimited_begin, delimited_line, no_trailer}},
    [OUTPUT_TSV] = {"tsv", {delimited_begin, delimited_line, no_trailer}},
    [OUTPUT_JSON] = {"json", {json_begin, json_row, json_end}},
    [OUTPUT_JSONL] = {"jsonl", {json_begin, jsonl_row, no_trailer}},
};

int output_format_parse(const char *name, output_format *out)
{
    for (size_t i = 0; name && i < sizeof formats / sizeof formats[0]; i++) {
        if (strcasecmp(name, formats[i].name) == 0) {
            *out = (output_format)i;
            return 0;
        }
    }
    return -1;
}

const char *output_format_name(output_format fmt)
{
    return (unsigned)fmt < sizeof formats / sizeof formats[0] ? formats[fmt].name : "?";
}

output_writer *output_open(FILE *out, output_format fmt, const output_options *opts)
{
    if (!out || (unsigned)fmt >= sizeof formats / sizeof formats[0])
        return NULL;
    output_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->out = out;
    w->format = fmt;
    w->ops = &formats[fmt].ops;
    w->max_width = opts && opts->max_col_width > 0 ? (size_t)opts->max_col_width
                                                   : OUTPUT_DEFAULT_MAX_COL_WIDTH;
    w->color = opts ? opts->color : 0;
    return w;
}

int output_begin(output_writer *w, const athena_column *cols, size_t ncols)
{
    if (!w || w->failed || w->begun || (ncols > 0 && !cols))
        return -1;
    w->begun = 1;
    w->cols = calloc(ncols ? ncols : 1, sizeof *w->cols);
    if (!w->cols)
        return fail(w);
    w->ncols = ncols;
    for (size_t i = 0; i < ncols; i++)
        w->cols[i].cls = value_classify(cols[i].type);
    return w->ops->begin(w, cols);
}

int output_row(output_writer *w, const char *const *values, const size_t *lengths)
{
    if (!w || w->failed || !w->begun || w->ended || (!values && w->ncols > 0))
        return -1;
    if (w->ops->row(w, values, lengths) != 0)
        return -1;
    w->rows++;
    return 0;
}

int output_end(output_writer *w)
{
    if (!w || w->failed || !w->begun || w->ended)
        return -1;
    w->ended = 1;
    if (w->ops->end(w) != 0 || write_pending(w) != 0)
        return -1;
    if (fflush(w->out) != 0 || ferror(w->out))
        return fail(w);
    return 0;
}

void output_close(output_writer *w)
{
    if (!w)
        return;
    if (!w->failed && w->line.len) {
        /* Rows before a failure elsewhere (a query stopped midway) still go out. */
        write_pending(w);
        fflush(w->out);
    }
    free(w->cols);
    free(w->headers);
    free(w->batch);
    buf_free(&w->line);
    buf_free(&w->column_text);
    buf_free(&w->batch_text);
    free(w);
}
