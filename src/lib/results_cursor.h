/*
 * results_cursor.h: the results cursor's private layout, shared by the file
 * that moves through pages (results.c) and the one that reads values
 * (results_values.c).
 */
#ifndef ATHENA_LIB_RESULTS_CURSOR_H
#define ATHENA_LIB_RESULTS_CURSOR_H

#include "results.h"

struct athena_results {
    results_fetch_fn fetch;     /* a page source, or */
    results_row_fn next_row;    /* a row source, or */
    results_raw_fn read_raw;    /* a raw source; each uses fetch_user_data */
    void *fetch_user_data;
    void (*free_fetch_user_data)(void *);
    int page_size;
    char *statement_type;

    json_t *page;           /* current page */
    const json_t *rows;     /* its ResultSet.Rows */
    size_t next_index;      /* next row to return from rows */
    char *next_token;       /* NULL once the last page has been fetched */
    int fetched_any;

    athena_column *columns;
    char **column_strings;  /* owned copies of names and types */
    size_t ncols;

    const char **values;    /* current row; NULL entry = SQL NULL */
    size_t *lengths;
    int has_row;
    uint64_t row_number;
    athena_error error;
};

#endif
