/*
 * results.c: the results cursor (athena_results_*).
 *
 * Rows arrive a page at a time (at most 1000 per GetQueryResults call) and
 * only the current page is held in memory. Values point into the page's
 * parsed JSON, so reading a row copies nothing. Athena sends the column
 * labels as the first row of the first page for SELECT-type statements; the
 * cursor drops that row so callers only see data.
 *
 * For a SELECT whose result file the caller may read, athena_results_open
 * prefers a row source over the file on S3 (results_s3.c), which is much
 * faster for large results, and falls back to GetQueryResults otherwise.
 */
#include "results_cursor.h"

#include "client.h"
#include "results_s3.h"
#include "values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static athena_nullable parse_nullable(const char *s)
{
    if (s && strcmp(s, "NOT_NULL") == 0)
        return ATHENA_NOT_NULL;
    if (s && strcmp(s, "NULLABLE") == 0)
        return ATHENA_NULLABLE;
    return ATHENA_NULLABLE_UNKNOWN;
}

const char *results_column_name(const json_t *column)
{
    const char *name = json_string_value(json_object_get(column, "Name"));
    const char *label = json_string_value(json_object_get(column, "Label"));
    return name ? name : label ? label : "";
}

static int copy_columns(athena_results *r, const json_t *info)
{
    size_t n = json_array_size(info);
    r->columns = calloc(n ? n : 1, sizeof *r->columns);
    r->column_strings = calloc(n ? 2 * n : 1, sizeof *r->column_strings);
    r->values = calloc(n ? n : 1, sizeof *r->values);
    r->lengths = calloc(n ? n : 1, sizeof *r->lengths);
    if (!r->columns || !r->column_strings || !r->values || !r->lengths)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const json_t *c = json_array_get(info, i);
        const char *type = json_string_value(json_object_get(c, "Type"));
        r->column_strings[2 * i] = strdup(results_column_name(c));
        r->column_strings[2 * i + 1] = strdup(type ? type : "");
        if (!r->column_strings[2 * i] || !r->column_strings[2 * i + 1])
            return -1;
        r->columns[i].name = r->column_strings[2 * i];
        r->columns[i].type = r->column_strings[2 * i + 1];
        r->columns[i].precision = (int)json_integer_value(json_object_get(c, "Precision"));
        r->columns[i].scale = (int)json_integer_value(json_object_get(c, "Scale"));
        r->columns[i].nullable = parse_nullable(json_string_value(json_object_get(c, "Nullable")));
    }
    r->ncols = n;
    return 0;
}

/* Whether row equals the column labels: Athena's header row. */
static int row_is_header(const athena_results *r, const json_t *row)
{
    const json_t *data = json_object_get(row, "Data");
    if (json_array_size(data) != r->ncols || r->ncols == 0)
        return 0;
    for (size_t i = 0; i < r->ncols; i++) {
        const char *v = json_string_value(json_object_get(json_array_get(data, i), "VarCharValue"));
        if (!v || strcmp(v, r->columns[i].name) != 0)
            return 0;
    }
    return 1;
}

static athena_status load_page(athena_results *r)
{
    json_t *page = NULL;
    athena_status st = r->fetch(r->fetch_user_data, r->next_token, r->page_size, &page, &r->error);
    if (st != ATHENA_OK)
        return st;
    const json_t *rs = json_object_get(page, "ResultSet");
    const json_t *rows = json_object_get(rs, "Rows");
    if (!json_is_object(rs) || (rows && !json_is_array(rows))) {
        json_decref(page);
        return error_set(&r->error, ATHENA_E_PROTOCOL, "GetQueryResults returned no ResultSet");
    }
    int first = !r->fetched_any;
    if (first && copy_columns(r, json_object_get(json_object_get(rs, "ResultSetMetadata"),
                                                 "ColumnInfo")) != 0) {
        json_decref(page);
        return error_set(&r->error, ATHENA_E_NOMEM, "out of memory");
    }
    const char *tok = json_string_value(json_object_get(page, "NextToken"));
    free(r->next_token);
    r->next_token = tok ? strdup(tok) : NULL;
    if (tok && !r->next_token) {
        json_decref(page);
        return error_set(&r->error, ATHENA_E_NOMEM, "out of memory");
    }
    json_decref(r->page);
    r->page = page;
    r->rows = rows;
    r->next_index = 0;
    r->fetched_any = 1;
    /* The header row: only on the first page, only for statements that
     * produce one (SELECT-type DML; DDL and UTILITY output has none). */
    int may_have_header = !r->statement_type || strcmp(r->statement_type, "DML") == 0;
    if (first && may_have_header && json_array_size(rows) > 0 &&
        row_is_header(r, json_array_get(rows, 0)))
        r->next_index = 1;
    return ATHENA_OK;
}

/* The next row of a row source: its values are used in place. */
static athena_status next_from_rows(athena_results *r)
{
    const char *const *values = NULL;
    const size_t *lengths = NULL;
    athena_status st = r->next_row(r->fetch_user_data, &values, &lengths, &r->error);
    if (st != ATHENA_OK)
        return st;
    memcpy(r->values, values, r->ncols * sizeof *values);
    memcpy(r->lengths, lengths, r->ncols * sizeof *lengths);
    r->has_row = 1;
    r->row_number++;
    return ATHENA_OK;
}

athena_status athena_results_next(athena_results *r)
{
    r->has_row = 0;
    if (r->read_raw)
        return error_set(&r->error, ATHENA_E_ARG,
                         "the cursor was opened with raw_csv: read it with "
                         "athena_results_read_raw()");
    if (r->next_row)
        return next_from_rows(r);
    while (!r->fetched_any || r->next_index >= json_array_size(r->rows)) {
        if (r->fetched_any && !r->next_token)
            return ATHENA_DONE;
        athena_status st = load_page(r);
        if (st != ATHENA_OK)
            return st;
    }
    const json_t *data = json_object_get(json_array_get(r->rows, r->next_index++), "Data");
    for (size_t i = 0; i < r->ncols; i++) {
        const json_t *v = json_object_get(json_array_get(data, i), "VarCharValue");
        r->values[i] = json_string_value(v);
        r->lengths[i] = r->values[i] ? json_string_length(v) : 0;
    }
    r->has_row = 1;
    r->row_number++;
    return ATHENA_OK;
}

athena_status results_open_source(results_fetch_fn fetch, void *user_data,
                                  void (*free_user_data)(void *), const char *statement_type,
                                  int page_size, athena_results **out, athena_error *err)
{
    *out = NULL;
    athena_results *r = calloc(1, sizeof *r);
    if (!r) {
        if (free_user_data)
            free_user_data(user_data);
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    }
    r->fetch = fetch;
    r->fetch_user_data = user_data;
    r->free_fetch_user_data = free_user_data;
    r->page_size = page_size > 0 && page_size <= 1000 ? page_size : 1000;
    if (statement_type && !(r->statement_type = strdup(statement_type))) {
        athena_results_close(r);
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    }
    /* Fetch the first page now so the column metadata is available. */
    athena_status st = load_page(r);
    if (st != ATHENA_OK) {
        error_copy(err, &r->error);
        athena_results_close(r);
        return st;
    }
    *out = r;
    return ATHENA_OK;
}

/* A cursor over a row or raw source (one of next_row, read_raw). */
static athena_status open_source_cursor(results_row_fn next_row, results_raw_fn read_raw,
                                        void *user_data, void (*free_user_data)(void *),
                                        const json_t *column_info, athena_results **out,
                                        athena_error *err)
{
    *out = NULL;
    athena_results *r = calloc(1, sizeof *r);
    if (!r) {
        if (free_user_data)
            free_user_data(user_data);
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    }
    r->next_row = next_row;
    r->read_raw = read_raw;
    r->fetch_user_data = user_data;
    r->free_fetch_user_data = free_user_data;
    r->fetched_any = 1;
    if (copy_columns(r, column_info) != 0) {
        athena_results_close(r);
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    }
    *out = r;
    return ATHENA_OK;
}

athena_status results_open_rows(results_row_fn next_row, void *user_data,
                                void (*free_user_data)(void *), const json_t *column_info,
                                athena_results **out, athena_error *err)
{
    return open_source_cursor(next_row, NULL, user_data, free_user_data, column_info, out, err);
}

athena_status results_open_raw(results_raw_fn read_raw, void *user_data,
                               void (*free_user_data)(void *), const json_t *column_info,
                               athena_results **out, athena_error *err)
{
    return open_source_cursor(NULL, read_raw, user_data, free_user_data, column_info, out, err);
}

athena_status athena_results_read_raw(athena_results *r, const char **data, size_t *len)
{
    if (!r || !data || !len)
        return ATHENA_E_ARG;
    *data = "";
    *len = 0;
    if (!r->read_raw)
        return error_set(&r->error, ATHENA_E_TYPE,
                         "the cursor reads rows (GetQueryResults, or raw_csv was not asked "
                         "for): read it with athena_results_next()");
    return r->read_raw(r->fetch_user_data, data, len, &r->error);
}

/* The GetQueryResults page source. first_page, when set, is the answer to
 * the first request, already fetched (by the S3 path, with MaxResults=1). */
typedef struct gqr_source {
    athena_client *client;
    char query_id[ATHENA_ID_MAX];
    json_t *first_page;
} gqr_source;

static void gqr_source_free(void *user_data)
{
    gqr_source *src = user_data;
    json_decref(src->first_page);
    free(src);
}

static athena_status fetch_get_query_results(void *user_data, const char *next_token,
                                             int max_results, json_t **page, athena_error *err)
{
    gqr_source *src = user_data;
    if (src->first_page && !next_token) {
        *page = src->first_page;
        src->first_page = NULL;
        return ATHENA_OK;
    }
    json_t *req = json_pack("{s:s,s:i}", "QueryExecutionId", src->query_id, "MaxResults",
                            max_results);
    if (req && next_token && json_object_set_new(req, "NextToken", json_string(next_token))) {
        json_decref(req);
        req = NULL;
    }
    athena_status st = client_athena_call(src->client, "GetQueryResults", req, 1, page);
    error_copy(err, &src->client->error);
    return st;
}

athena_status athena_results_open(athena_client *c, const char *query_id,
                                  const athena_results_options *o, athena_results **out)
{
    *out = NULL;
    error_clear(&c->error);
    if (!query_id || !query_id[0] || strlen(query_id) >= ATHENA_ID_MAX)
        return error_set(&c->error, ATHENA_E_ARG, "invalid query execution id");
    athena_query_execution *own = NULL;
    const athena_query_execution *qe = o ? o->execution : NULL;
    if (!qe) {
        athena_status st = athena_get_query(c, query_id, &own);
        if (st != ATHENA_OK)
            return st;
        qe = own;
    }
    json_t *first_page = NULL;
    athena_status st = results_s3_open(c, query_id, qe, o, out, &first_page);
    if (st != ATHENA_OK || *out) {
        json_decref(first_page);
        athena_query_execution_free(own);
        return st;
    }
    gqr_source *src = calloc(1, sizeof *src);
    if (!src) {
        json_decref(first_page);
        athena_query_execution_free(own);
        return error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    }
    src->client = c;
    src->first_page = first_page;
    memcpy(src->query_id, query_id, strlen(query_id) + 1);
    st = results_open_source(fetch_get_query_results, src, gqr_source_free, qe->statement_type,
                             o ? o->page_size : 0, out, &c->error);
    athena_query_execution_free(own);
    return st;
}

void athena_results_close(athena_results *r)
{
    if (!r)
        return;
    json_decref(r->page);
    for (size_t i = 0; r->column_strings && i < 2 * r->ncols; i++)
        free(r->column_strings[i]);
    free(r->column_strings);
    free(r->columns);
    free(r->values);
    free(r->lengths);
    free(r->next_token);
    free(r->statement_type);
    if (r->free_fetch_user_data)
        r->free_fetch_user_data(r->fetch_user_data);
    free(r);
}

size_t athena_results_column_count(const athena_results *r)
{
    return r->ncols;
}

const athena_column *athena_results_column(const athena_results *r, size_t i)
{
    return i < r->ncols ? &r->columns[i] : NULL;
}

uint64_t athena_results_row_number(const athena_results *r)
{
    return r->row_number;
}

const athena_error *athena_results_error(const athena_results *r)
{
    return &r->error;
}

int athena_results_is_null(const athena_results *r, size_t i)
{
    return r->has_row && i < r->ncols && r->values[i] == NULL;
}
