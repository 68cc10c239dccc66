/*
 * results_file.h: query results as Athena stores them, and paging through
 * them for GetQueryResults.
 *
 * A SELECT-type query writes <OutputLocation>/<id>.csv (a header row of
 * column names, then Athena-dialect CSV, see csv.h) and
 * <OutputLocation>/<id>.csv.metadata (JSON: {"ColumnInfo": [...],
 * "StatementType": ..., "Rows": N}). DDL and utility statements write
 * <id>.txt (tab-separated values, no header) and the same metadata file
 * beside it. Files are written atomically (objects.h).
 *
 * Reading resumes at a byte offset carried in NextToken, so a page never
 * re-reads earlier rows.
 */
#ifndef ATHENA_SERVER_RESULTS_FILE_H
#define ATHENA_SERVER_RESULTS_FILE_H

#include "engine.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef enum results_kind {
    RESULTS_CSV = 0,    /* SELECT-type: header row + quoted CSV */
    RESULTS_TXT         /* DDL/utility: TSV, no header */
} results_kind;

typedef struct results_writer results_writer;

/* Opens a writer for the result file at data_path (the .csv or .txt path;
 * the metadata goes to data_path + ".metadata"). */
results_writer *results_writer_open(const char *data_path, results_kind kind,
                                    const char *statement_type, char *err, size_t err_cap);
int results_writer_columns(results_writer *w, const engine_column *cols, size_t count);
int results_writer_row(results_writer *w, const char *const *values, const size_t *lengths);
/* Commits both files atomically (metadata last). 0 or -1. */
int results_writer_commit(results_writer *w, char *err, size_t err_cap);
/* Discards everything (no file appears). Also frees. */
void results_writer_abort(results_writer *w);
void results_writer_free(results_writer *w);
int64_t results_writer_rows(const results_writer *w);

/* An engine_sink that feeds a writer. */
engine_sink results_writer_sink(results_writer *w);

/* Builds one GetQueryResults response body (ResultSet with Rows and
 * ResultSetMetadata, plus NextToken when more rows remain, and UpdateCount
 * 0) from the files at data_path. next_token is NULL for the first page; the
 * first page of a CSV result starts with the header row (as Athena does).
 * max_results is 1..1000. Returns a new JSON object, or NULL with a message
 * (e.g. an invalid token) in err. */
json_t *results_page(const char *data_path, const char *next_token, int max_results,
                     char *err, size_t err_cap);

#endif
