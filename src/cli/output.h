/*
 * output.h: the CLI's result formats (table, csv, tsv, json, jsonl).
 *
 * A streaming writer fed column metadata once and then rows of text values,
 * so it knows nothing of the results cursor and is unit-tested on its own.
 * Memory stays bounded whatever the result size: only the table format
 * buffers, at most OUTPUT_TABLE_BATCH rows at a time.
 *
 *   csv    RFC 4180 with "\n" line endings (not CRLF: what Unix tools
 *          expect). A header row of column names. A field is quoted only
 *          when it contains ',', '"', CR or LF or starts or ends with a space
 *          or tab; quotes are doubled. SQL NULL is an empty unquoted field and
 *          the empty string is "" so the two stay distinct.
 *   tsv    a header row, then tab-separated fields with \t \n \r \\ escaped
 *          by a backslash; SQL NULL is \N (the PostgreSQL COPY / MySQL text
 *          format convention).
 *   jsonl  one JSON object per line keyed by column name (duplicate names
 *          are kept as they are). NULL is null; integer and floating-point
 *          columns are bare numbers when their text is a valid JSON number
 *          (NaN and Infinity stay strings); booleans are true/false; decimals
 *          stay strings so no precision is lost to a reader's doubles;
 *          everything else is a string.
 *   json   the same objects in one array: "[\n{..},\n{..}\n]\n", "[]\n" if empty.
 *   table  an ASCII box (+---+ borders, | separators), numeric columns
 *          right-aligned, cells cut to max_col_width code points with "…",
 *          control characters shown as \n \t \r or \xHH, NULL shown as NULL
 *          (dimmed when color is on), then "(N rows)". Column widths come from
 *          the first batch of rows and are kept for later batches.
 */
#ifndef ATHENA_CLI_OUTPUT_H
#define ATHENA_CLI_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "athena/athena.h"

#define OUTPUT_TABLE_BATCH 1000         /* rows buffered to size table columns */
#define OUTPUT_DEFAULT_MAX_COL_WIDTH 40 /* code points */

typedef enum output_format {
    OUTPUT_TABLE,
    OUTPUT_CSV,
    OUTPUT_TSV,
    OUTPUT_JSON,
    OUTPUT_JSONL
} output_format;

typedef struct output_options {
    int max_col_width; /* table: widest cell in code points; <= 0 means the default */
    int color;         /* table: nonzero to dim NULL (ANSI); the caller checks for a TTY */
} output_options;

typedef struct output_writer output_writer;

/* "table", "csv", "tsv", "json" or "jsonl" (any case). 0, or -1 if unknown. */
int output_format_parse(const char *name, output_format *out);

/* The format's name as output_format_parse() accepts it. */
const char *output_format_name(output_format fmt);

/* Creates a writer on out, which must outlive it. opts may be NULL.
 * Returns NULL when out of memory. */
output_writer *output_open(FILE *out, output_format fmt, const output_options *opts);

/* Declares the columns (copied) and writes any header. Call once. */
int output_begin(output_writer *w, const athena_column *cols, size_t ncols);

/* One row of ncols values: values[i] == NULL is SQL NULL, "" the empty
 * string. lengths may be NULL when every value is NUL-terminated. */
int output_row(output_writer *w, const char *const *values, const size_t *lengths);

/* Writes what is buffered and any trailer, then flushes the stream. */
int output_end(output_writer *w);

/* Frees the writer (the stream is not closed). NULL is allowed. */
void output_close(output_writer *w);

/* All int calls return 0, or -1 on a write error (e.g. EPIPE: the caller
 * stops quietly) or when out of memory; after a failure every later call
 * fails too, without writing. */

#endif
