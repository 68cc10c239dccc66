/*
 * results.h: the results cursor's seam. A cursor pulls pages of rows from a
 * page source; GetQueryResults is the source today, and tests plug in
 * recorded pages. (The S3 result-file path will be another source.)
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

#endif
