/*
 * results_s3.c: whether a query's rows are read from its result file on S3,
 * and the set-up when they are (results_s3.h).
 *
 * The file is used only when that is safe and the answer is the same as
 * GetQueryResults': a SELECT (DML) that SUCCEEDED, with an s3:// .csv
 * OutputLocation, whose rows do not all fit in the first GetQueryResults
 * page. That page also gives the column metadata (real Athena's
 * .csv.metadata is a binary protobuf; this works everywhere), and when the
 * file is not used it is the cursor's first page. HeadObject then gives
 * the size and the ETag that pins every ranged GET to one version, and the
 * header record is read before the cursor is handed out, so that every
 * refusal (AccessDenied, NoSuchKey, a bad file) happens while falling back
 * to GetQueryResults is still invisible to the caller.
 */
#include "results_s3.h"

#include "s3_object.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct s3_settings {
    int mode;
    int page_size;
    size_t parallelism;
    size_t chunk_bytes;
    size_t buffer_bytes;
    int raw_csv;
} s3_settings;

static athena_status read_settings(athena_client *c, const athena_results_options *o,
                                   s3_settings *s)
{
    s->mode = o ? o->use_s3 : ATHENA_RESULTS_S3_AUTO;
    s->page_size = o && o->page_size > 0 && o->page_size <= 1000 ? o->page_size : 1000;
    int parallelism = o ? o->s3_parallelism : 0;
    s->chunk_bytes = o && o->s3_chunk_bytes ? o->s3_chunk_bytes : RESULTS_S3_DEFAULT_CHUNK;
    s->buffer_bytes = o && o->s3_buffer_bytes ? o->s3_buffer_bytes : RESULTS_S3_DEFAULT_BUFFER;
    s->raw_csv = o ? o->raw_csv != 0 : 0;
    if (s->mode != ATHENA_RESULTS_S3_AUTO && s->mode != ATHENA_RESULTS_S3_NEVER &&
        s->mode != ATHENA_RESULTS_S3_ONLY)
        return error_set(&c->error, ATHENA_E_ARG,
                         "use_s3 must be ATHENA_RESULTS_S3_AUTO, _NEVER or _ONLY");
    if (parallelism < 0 || parallelism > RESULTS_S3_MAX_PARALLELISM)
        return error_set(&c->error, ATHENA_E_ARG, "s3_parallelism must be 1 to %d (0: default)",
                         RESULTS_S3_MAX_PARALLELISM);
    if (s->chunk_bytes < RESULTS_S3_MIN_CHUNK)
        return error_set(&c->error, ATHENA_E_ARG, "s3_chunk_bytes must be at least %zu",
                         RESULTS_S3_MIN_CHUNK);
    if (s->buffer_bytes < RESULTS_S3_MIN_BUFFER)
        return error_set(&c->error, ATHENA_E_ARG, "s3_buffer_bytes must be at least %zu",
                         RESULTS_S3_MIN_BUFFER);
    s->parallelism = parallelism ? (size_t)parallelism : RESULTS_S3_DEFAULT_PARALLELISM;
    return ATHENA_OK;
}

/* Why the execution rules the result file out, or NULL. */
static const char *ineligible(const athena_query_execution *qe)
{
    if (qe->state != ATHENA_STATE_SUCCEEDED)
        return "the query has not succeeded";
    if (!qe->statement_type || strcmp(qe->statement_type, "DML") != 0)
        return "the statement is not a SELECT (its result is not a CSV file)";
    if (qe->substatement_type && strcasecmp(qe->substatement_type, "SELECT") != 0)
        return "the statement is not a SELECT";
    const char *loc = qe->output_location;
    if (!loc || !loc[0])
        return "no OutputLocation (the workgroup manages query results)";
    size_t n = strlen(loc);
    if (strncasecmp(loc, "s3://", 5) != 0)
        return "the OutputLocation is not an s3:// URI";
    if (n < 4 || strcmp(loc + n - 4, ".csv") != 0)
        return "the result file is not a .csv";
    return NULL;
}

/* Gives up on S3: quietly (a debug line) in auto mode, as an error naming
 * the reason (and the cause's status and code, if any) in S3-only mode. */
static athena_status fall_back(athena_client *c, const s3_settings *s, const char *reason,
                               const athena_error *cause)
{
    const char *detail = cause ? cause->message : "";
    if (s->mode == ATHENA_RESULTS_S3_ONLY) {
        athena_status st = cause && cause->status > ATHENA_DONE ? cause->status : ATHENA_E_ARG;
        error_set(&c->error, st, "cannot read the results from S3: %s%s%s", reason,
                  detail[0] ? ": " : "", detail);
        if (cause) {
            memcpy(c->error.code, cause->code, sizeof c->error.code);
            memcpy(c->error.request_id, cause->request_id, sizeof c->error.request_id);
            c->error.http_status = cause->http_status;
        }
        return st;
    }
    config_log(c->config, ATHENA_LOG_DEBUG, "results: using GetQueryResults: %s%s%s%s%s", reason,
               detail[0] ? ": " : "", cause && cause->code[0] ? cause->code : "",
               cause && cause->code[0] ? " " : "", detail);
    return ATHENA_OK;
}

/* The first GetQueryResults page: the column metadata, and whether more
 * rows follow. In auto mode it is a full page, so that a small result costs
 * this one request, as it would without the S3 path; when S3 is required,
 * one row (the header) is enough. */
static athena_status fetch_first_page(athena_client *c, const char *query_id,
                                      const s3_settings *s, json_t **page)
{
    int max_results = s->mode == ATHENA_RESULTS_S3_ONLY ? 1 : s->page_size;
    json_t *req = json_pack("{s:s,s:i}", "QueryExecutionId", query_id, "MaxResults",
                            max_results);
    return client_athena_call(c, "GetQueryResults", req, 1, page);
}

static const json_t *column_info_of(const json_t *page)
{
    const json_t *rs = json_object_get(page, "ResultSet");
    return json_object_get(json_object_get(rs, "ResultSetMetadata"), "ColumnInfo");
}

static athena_status read_pipe(void *user_data, const char **data, size_t *len,
                               athena_error *err)
{
    return s3_pipe_read(user_data, data, len, err);
}

static void free_pipe(void *user_data)
{
    s3_pipe_free(user_data);
}

static void cancel_pipe(void *user_data)
{
    s3_pipe_cancel(user_data);
}

/* Starts the fetch threads, saying so in the debug log. */
static s3_pipe *start_pipe(athena_client *c, const s3_settings *s, const char *bucket,
                           const char *key, const s3_object_info *info, athena_error *err)
{
    s3_pipe_params pp = {c->config,          bucket,         key,
                         info->etag,         info->size,     s->parallelism,
                         s->chunk_bytes,     s->buffer_bytes, 0};
    s3_pipe *pipe = s3_pipe_start(&pp, err);
    if (pipe)
        config_log(c->config, ATHENA_LOG_DEBUG,
                   "results: reading s3://%s/%s (%llu bytes%s) with up to %zu ranged GETs of "
                   "%zu bytes, at most %zu bytes buffered",
                   bucket, key, (unsigned long long)info->size, s->raw_csv ? ", raw" : "",
                   s->parallelism, s->chunk_bytes, s->buffer_bytes);
    return pipe;
}

/* Starts the fetch and reads the header record: a row reader ready for the
 * first row (reading from *pipe), or NULL with err filled. */
static s3_rows *start_rows(athena_client *c, const s3_settings *s, const char *bucket,
                           const char *key, const s3_object_info *info, size_t ncols,
                           s3_pipe **pipe_out, athena_error *err)
{
    s3_pipe *pipe = start_pipe(c, s, bucket, key, info, err);
    if (!pipe)
        return NULL;
    s3_rows *rows = s3_rows_new(ncols, read_pipe, pipe, free_pipe);
    if (!rows) {
        error_set(err, ATHENA_E_NOMEM, "out of memory");
        return NULL;
    }
    if (s3_rows_read_header(rows, err) != ATHENA_OK) {
        s3_rows_free(rows);
        return NULL;
    }
    *pipe_out = pipe;
    return rows;
}

/* Raw mode: the fetch and the checked header, then a cursor handing out
 * the file's bytes. */
static athena_status open_raw(athena_client *c, const s3_settings *s, const char *bucket,
                              const char *key, const s3_object_info *info,
                              const json_t *info_json, athena_results **out)
{
    size_t ncols = json_array_size(info_json);
    const char **names = calloc(ncols, sizeof *names);
    if (!names)
        return error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    for (size_t i = 0; i < ncols; i++)
        names[i] = results_column_name(json_array_get(info_json, i));
    athena_error err;
    error_clear(&err);
    s3_pipe *pipe = start_pipe(c, s, bucket, key, info, &err);
    s3_raw *raw = pipe ? s3_raw_start(read_pipe, pipe, free_pipe, names, ncols, &err) : NULL;
    free(names);
    if (!raw)
        return fall_back(c, s, "reading the result file failed", &err);
    return results_open_raw(s3_raw_read, raw, s3_raw_free, info_json, out, &c->error);
}

/* With the metadata page in hand: HeadObject, then the rows. */
static athena_status open_file(athena_client *c, const s3_settings *s, const char *bucket,
                               const char *key, const json_t *page, athena_results **out)
{
    const json_t *info_json = column_info_of(page);
    size_t ncols = json_array_size(info_json);
    if (ncols == 0)
        return fall_back(c, s, "GetQueryResults reported no columns", NULL);
    if (s->mode == ATHENA_RESULTS_S3_AUTO && !json_object_get(page, "NextToken"))
        return fall_back(c, s, "the result fits in the first page", NULL);
    athena_error err;
    error_clear(&err);
    s3_object_info info;
    if (s3_head_object(c->transport, bucket, key, &info, &err) != ATHENA_OK)
        return fall_back(c, s, "HeadObject on the result file failed", &err);
    if (s->raw_csv)
        return open_raw(c, s, bucket, key, &info, info_json, out);
    s3_pipe *pipe = NULL;
    s3_rows *rows = start_rows(c, s, bucket, key, &info, ncols, &pipe, &err);
    if (!rows)
        return fall_back(c, s, "reading the result file failed", &err);
    s3_parser *parser = s3_parser_start(rows, ncols, cancel_pipe, pipe, &c->error);
    if (!parser)
        return c->error.status;
    return results_open_rows(s3_parser_next, parser, s3_parser_free, info_json, out, &c->error);
}

athena_status results_s3_open(athena_client *c, const char *query_id,
                              const athena_query_execution *qe, const athena_results_options *o,
                              athena_results **out, json_t **first_page)
{
    *out = NULL;
    *first_page = NULL;
    s3_settings s;
    athena_status st = read_settings(c, o, &s);
    if (st != ATHENA_OK || s.mode == ATHENA_RESULTS_S3_NEVER)
        return st;
    const char *why = ineligible(qe);
    if (why)
        return fall_back(c, &s, why, NULL);
    char *bucket = NULL, *key = NULL;
    st = athena_s3_uri_parse(qe->output_location, &bucket, &key);
    if (st == ATHENA_E_NOMEM)
        return error_set(&c->error, st, "out of memory");
    if (st != ATHENA_OK || !key[0])
        st = fall_back(c, &s, "the OutputLocation names no object", NULL);
    else if ((st = fetch_first_page(c, query_id, &s, first_page)) == ATHENA_OK)
        st = open_file(c, &s, bucket, key, *first_page, out);
    if (*out) {
        json_decref(*first_page);
        *first_page = NULL;
    }
    free(bucket);
    free(key);
    return st;
}
