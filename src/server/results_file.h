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

#include "buf.h"
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
/* The same, refusing (like atomic_file_open_under) a path that is or would
 * be outside s3_root once symlinks are resolved. Prefer this for paths built
 * from an OutputLocation. */
results_writer *results_writer_open_under(const char *s3_root, const char *data_path,
                                          results_kind kind, const char *statement_type,
                                          char *err, size_t err_cap);
int results_writer_columns(results_writer *w, const engine_column *cols, size_t count);
int results_writer_row(results_writer *w, const char *const *values, const size_t *lengths);
/* Commits both files atomically (metadata last). 0 or -1. */
int results_writer_commit(results_writer *w, char *err, size_t err_cap);
/* Discards everything (no file appears); later calls fail. Does not free:
 * call results_writer_free after it, as after commit. Freeing a writer that
 * was never committed also discards it. */
void results_writer_abort(results_writer *w);
void results_writer_free(results_writer *w);
/* Rows as a reader of the data file will see them: CSV data records (not the
 * header); TXT lines (a value with newlines spans several). Stored as "Rows"
 * in the metadata. */
int64_t results_writer_rows(const results_writer *w);
/* Bytes the writer's output buffer holds allocated: bounded (about 2 MiB
 * plus the largest row) however many rows are written. */
size_t results_writer_buffer_capacity(const results_writer *w);

/* An engine_sink that feeds a writer. */
engine_sink results_writer_sink(results_writer *w);

/* Builds one GetQueryResults response body (ResultSet with Rows and
 * ResultSetMetadata, plus NextToken when more rows remain, and UpdateCount
 * 0) from the files at data_path. next_token is NULL for the first page; the
 * first page of a CSV result starts with the header row (as Athena does),
 * and max_results counts it there (header + max_results - 1 data rows).
 * max_results is 1..1000. Each Row is {"Data": [{"VarCharValue": "x"}, {}]}
 * with {} for NULL; TXT lines are split on tabs and have no NULLs. NextToken
 * is present only when rows remain. The body is written as JSON text into
 * out (appended; no tree is built, so a 1000-row page costs one pass).
 * Returns 0, or -1 with a message in err: "result files not found",
 * "Invalid NextToken", or a read error (out may then hold a partial body). */
int results_page(const char *data_path, const char *next_token, int max_results, buf *out,
                 char *err, size_t err_cap);

#endif
