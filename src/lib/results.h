/*
 * results.h: the results cursor's seam. A cursor pulls its rows from a
 * source: a page source (GetQueryResults, or recorded pages in tests) or a
 * row source (the query's result file read from S3, results_s3.c), which
 * hands over one parsed row at a time.
 */
#ifndef ATHENA_LIB_RESULTS_H
#define ATHENA_LIB_RESULTS_H

#include "internal.h"

#include <jansson.h>

/* Fetches one GetQueryResults-shaped page: {"ResultSet": {...}, "NextToken": ...}.
 * next_token is NULL for the first page. On success *page is owned by the caller. */
typedef athena_status (*results_fetch_fn)(void *user_data, const char *next_token,
                                          int max_results, json_t **page, athena_error *err);

/* Opens a cursor over pages from fetch. statement_type ("DML", "DDL",
 * "UTILITY" or NULL if unknown) decides whether the first row may be a header.
 * The cursor owns user_data and releases it with free_user_data (may be NULL),
 * also when opening fails. */
athena_status results_open_source(results_fetch_fn fetch, void *user_data,
                                  void (*free_user_data)(void *), const char *statement_type,
                                  int page_size, athena_results **out, athena_error *err);

/* Fetches the next row of a row source: *values gets one pointer per column
 * (NULL = SQL NULL, else NUL-terminated text of (*lengths)[i] bytes), valid
 * until the next call. Returns ATHENA_OK, ATHENA_DONE after the last row, or
 * an error described in err. */
typedef athena_status (*results_row_fn)(void *user_data, const char *const **values,
                                        const size_t **lengths, athena_error *err);

/* Opens a cursor over rows from next_row, whose columns are described by
 * column_info (a ResultSetMetadata.ColumnInfo array, copied). The cursor owns
 * user_data and releases it with free_user_data (may be NULL), also when
 * opening fails. */
athena_status results_open_rows(results_row_fn next_row, void *user_data,
                                void (*free_user_data)(void *), const json_t *column_info,
                                athena_results **out, athena_error *err);

/* A ColumnInfo entry's column name (Name, else Label, else ""), as the
 * cursor reports it. */
const char *results_column_name(const json_t *column);

/* Fetches the next bytes of a raw source (athena_results_read_raw):
 * ATHENA_OK with *len > 0, ATHENA_DONE with *len 0 at the end, or an
 * error described in err. */
typedef athena_status (*results_raw_fn)(void *user_data, const char **data, size_t *len,
                                        athena_error *err);

/* Opens a raw cursor: bytes from read_raw, column metadata from
 * column_info (copied); athena_results_next() refuses it. Owns user_data as
 * results_open_rows does. */
athena_status results_open_raw(results_raw_fn read_raw, void *user_data,
                               void (*free_user_data)(void *), const json_t *column_info,
                               athena_results **out, athena_error *err);

#endif
