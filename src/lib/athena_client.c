/*
 * athena_client.c: the client handle and the Athena operations that map one
 * to one onto API calls: StartQueryExecution, GetQueryExecution,
 * StopQueryExecution, ListQueryExecutions and BatchGetQueryExecution.
 */
#include "client.h"

#include "crypto.h"
#include "metadata_cache.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#define MAX_QUERY_BYTES 262144
#define MAX_BATCH_IDS 50

athena_status athena_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? ATHENA_OK : ATHENA_E_NOMEM;
}

void athena_global_cleanup(void)
{
    curl_global_cleanup();
}

athena_status athena_client_create(const athena_config *config, athena_client **out,
                                   athena_error *err)
{
    *out = NULL;
    if (!config)
        return error_set(err, ATHENA_E_ARG, "config is NULL");
    athena_client *c = calloc(1, sizeof *c);
    if (!c)
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    c->config = config;
    c->transport = transport_new(config, err);
    if (!c->transport) {
        free(c);
        return err ? err->status : ATHENA_E_NOMEM;
    }
    *out = c;
    return ATHENA_OK;
}

void athena_client_destroy(athena_client *c)
{
    if (!c)
        return;
    transport_free(c->transport);
    metadata_cache_free(c->metadata_cache);
    free(c);
}

const athena_error *athena_client_error(const athena_client *c)
{
    return &c->error;
}

athena_status client_athena_call(athena_client *c, const char *operation, json_t *request,
                                 int idempotent, json_t **response)
{
    char target[128];
    snprintf(target, sizeof target, "AmazonAthena.%s", operation);
    error_clear(&c->error);
    if (!request)
        return error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    athena_status st = transport_json_call(c->transport, ATHENA_SERVICE_ATHENA, target, request,
                                           idempotent, response, &c->error);
    json_decref(request);
    return st;
}

/* Sets key to a string if value is non-empty; returns -1 on allocation failure. */
static int set_str(json_t *obj, const char *key, const char *value)
{
    if (!value || !value[0])
        return 0;
    return json_object_set_new(obj, key, json_string(value));
}

static json_t *build_start_request(const athena_config *cfg, const athena_start_params *p,
                                   const char *token)
{
    json_t *req = json_object();
    json_t *ctx = json_object();
    json_t *rc = json_object();
    const char *database = p->database ? p->database : athena_config_database(cfg);
    const char *catalog = p->catalog ? p->catalog : athena_config_catalog(cfg);
    const char *workgroup = p->workgroup ? p->workgroup : athena_config_workgroup(cfg);
    const char *output = p->output_location ? p->output_location
                                            : athena_config_output_location(cfg);
    int bad = !req || !ctx || !rc;
    bad |= json_object_set_new(req, "QueryString", json_string(p->sql)) != 0;
    bad |= set_str(req, "ClientRequestToken", token) != 0;
    bad |= set_str(ctx, "Database", database) | set_str(ctx, "Catalog", catalog);
    bad |= set_str(req, "WorkGroup", workgroup);
    bad |= set_str(rc, "OutputLocation", output);
    if (json_object_size(ctx))
        bad |= json_object_set(req, "QueryExecutionContext", ctx);
    if (json_object_size(rc))
        bad |= json_object_set(req, "ResultConfiguration", rc);
    if (p->parameter_count) {
        json_t *params = json_array();
        bad |= !params;
        for (size_t i = 0; params && i < p->parameter_count; i++)
            bad |= json_array_append_new(params, json_string(p->parameters[i]));
        bad |= json_object_set_new(req, "ExecutionParameters", params);
    }
    if (p->result_reuse_max_age_minutes > 0) {
        json_t *reuse = json_pack("{s:{s:b,s:i}}", "ResultReuseByAgeConfiguration", "Enabled", 1,
                                  "MaxAgeInMinutes", p->result_reuse_max_age_minutes);
        bad |= !reuse || json_object_set_new(req, "ResultReuseConfiguration", reuse);
    }
    json_decref(ctx);
    json_decref(rc);
    if (bad) {
        json_decref(req);
        return NULL;
    }
    return req;
}

athena_status athena_start_query(athena_client *c, const athena_start_params *p,
                                 char id[ATHENA_ID_MAX])
{
    id[0] = '\0';
    error_clear(&c->error);
    if (!p || !p->sql || !p->sql[0])
        return error_set(&c->error, ATHENA_E_ARG, "the query string is empty");
    if (strlen(p->sql) > MAX_QUERY_BYTES)
        return error_set(&c->error, ATHENA_E_ARG,
                         "the query string is %zu bytes; Athena accepts at most %d",
                         strlen(p->sql), MAX_QUERY_BYTES);
    for (size_t i = 0; i < p->parameter_count; i++)
        if (!p->parameters[i] || !p->parameters[i][0])
            return error_set(&c->error, ATHENA_E_ARG,
                             "execution parameter %zu is empty; Athena requires a value", i + 1);
    char token[37];
    const char *use_token = p->client_request_token;
    if (!use_token) {
        if (uuid_v4(token) != 0)
            return error_set(&c->error, ATHENA_E_NOMEM, "cannot generate a request token");
        use_token = token;
    }
    json_t *resp = NULL;
    athena_status st = client_athena_call(c, "StartQueryExecution",
                                          build_start_request(c->config, p, use_token), 1, &resp);
    if (st == ATHENA_OK) {
        const char *qid = json_string_value(json_object_get(resp, "QueryExecutionId"));
        if (!qid || strlen(qid) >= ATHENA_ID_MAX)
            st = error_set(&c->error, ATHENA_E_PROTOCOL,
                           "StartQueryExecution returned no QueryExecutionId");
        else
            memcpy(id, qid, strlen(qid) + 1);
    }
    json_decref(resp);
    return st;
}

static json_t *id_request(const char *id)
{
    return json_pack("{s:s}", "QueryExecutionId", id);
}

athena_status athena_get_query(athena_client *c, const char *id, athena_query_execution **out)
{
    *out = NULL;
    if (!id || !id[0])
        return error_set(&c->error, ATHENA_E_ARG, "query execution id is empty");
    json_t *resp = NULL;
    athena_status st = client_athena_call(c, "GetQueryExecution", id_request(id), 1, &resp);
    if (st == ATHENA_OK) {
        const json_t *qe = json_object_get(resp, "QueryExecution");
        if (!json_is_object(qe))
            st = error_set(&c->error, ATHENA_E_PROTOCOL,
                           "GetQueryExecution returned no QueryExecution");
        else if (!(*out = query_execution_from_json(qe)))
            st = error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    }
    json_decref(resp);
    return st;
}

athena_status athena_stop_query(athena_client *c, const char *id)
{
    if (!id || !id[0])
        return error_set(&c->error, ATHENA_E_ARG, "query execution id is empty");
    json_t *resp = NULL;
    athena_status st = client_athena_call(c, "StopQueryExecution", id_request(id), 1, &resp);
    json_decref(resp);
    return st;
}

/* Copies a JSON array of strings into a NULL-terminated-free string array. */
static char **string_array(const json_t *arr, size_t *count)
{
    size_t n = json_array_size(arr);
    char **items = calloc(n ? n : 1, sizeof *items);
    if (!items)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        if (!s)
            continue;
        if (!(items[k] = strdup(s))) {
            while (k)
                free(items[--k]);
            free(items);
            return NULL;
        }
        k++;
    }
    *count = k;
    return items;
}

athena_status athena_list_queries(athena_client *c, const char *workgroup, int max_results,
                                  const char *next_token, athena_id_page **out)
{
    *out = NULL;
    json_t *req = json_object();
    if (!workgroup)
        workgroup = athena_config_workgroup(c->config);
    if (req && (set_str(req, "WorkGroup", workgroup) || set_str(req, "NextToken", next_token) ||
                (max_results > 0 &&
                 json_object_set_new(req, "MaxResults", json_integer(max_results))))) {
        json_decref(req);
        req = NULL;
    }
    json_t *resp = NULL;
    athena_status st = client_athena_call(c, "ListQueryExecutions", req, 1, &resp);
    if (st != ATHENA_OK)
        return st;
    athena_id_page *page = calloc(1, sizeof *page);
    const char *tok = json_string_value(json_object_get(resp, "NextToken"));
    if (page)
        page->ids = string_array(json_object_get(resp, "QueryExecutionIds"), &page->count);
    if (page && tok)
        page->next_token = strdup(tok);
    json_decref(resp);
    if (!page || !page->ids || (tok && !page->next_token)) {
        athena_id_page_free(page);
        return error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    }
    *out = page;
    return ATHENA_OK;
}

void athena_id_page_free(athena_id_page *page)
{
    if (!page)
        return;
    for (size_t i = 0; page->ids && i < page->count; i++)
        free(page->ids[i]);
    free(page->ids);
    free(page->next_token);
    free(page);
}

static int parse_unprocessed(athena_query_batch *b, const json_t *arr)
{
    size_t n = json_array_size(arr);
    b->unprocessed_ids = calloc(n ? n : 1, sizeof(char *));
    b->unprocessed_errors = calloc(n ? n : 1, sizeof(char *));
    if (!b->unprocessed_ids || !b->unprocessed_errors)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const json_t *u = json_array_get(arr, i);
        const char *id = json_string_value(json_object_get(u, "QueryExecutionId"));
        const char *code = json_string_value(json_object_get(u, "ErrorCode"));
        const char *msg = json_string_value(json_object_get(u, "ErrorMessage"));
        buf e = BUF_INIT;
        if (buf_printf(&e, "%s: %s", code ? code : "Error", msg ? msg : "") != 0)
            return -1;
        b->unprocessed_ids[i] = strdup(id ? id : "");
        b->unprocessed_errors[i] = buf_detach(&e);
        b->unprocessed_count = i + 1;
        if (!b->unprocessed_ids[i] || !b->unprocessed_errors[i])
            return -1;
    }
    return 0;
}

athena_status athena_batch_get_queries(athena_client *c, const char *const *ids, size_t count,
                                       athena_query_batch **out)
{
    *out = NULL;
    if (count == 0 || count > MAX_BATCH_IDS)
        return error_set(&c->error, ATHENA_E_ARG, "BatchGetQueryExecution takes 1 to %d ids",
                         MAX_BATCH_IDS);
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < count; i++)
        if (json_array_append_new(arr, json_string(ids[i])) != 0) {
            json_decref(arr);
            arr = NULL;
        }
    json_t *resp = NULL;
    athena_status st = client_athena_call(c, "BatchGetQueryExecution",
                                          arr ? json_pack("{s:o}", "QueryExecutionIds", arr) : NULL,
                                          1, &resp);
    if (st != ATHENA_OK)
        return st;
    athena_query_batch *b = calloc(1, sizeof *b);
    const json_t *list = json_object_get(resp, "QueryExecutions");
    size_t n = json_array_size(list);
    int oom = !b || !(b->items = calloc(n ? n : 1, sizeof *b->items));
    for (size_t i = 0; !oom && i < n; i++) {
        if (!(b->items[i] = query_execution_from_json(json_array_get(list, i))))
            oom = 1;
        else
            b->count = i + 1;
    }
    if (!oom)
        oom = parse_unprocessed(b, json_object_get(resp, "UnprocessedQueryExecutionIds")) != 0;
    json_decref(resp);
    if (oom) {
        athena_query_batch_free(b);
        return error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    }
    *out = b;
    return ATHENA_OK;
}

void athena_query_batch_free(athena_query_batch *b)
{
    if (!b)
        return;
    for (size_t i = 0; b->items && i < b->count; i++)
        athena_query_execution_free(b->items[i]);
    for (size_t i = 0; i < b->unprocessed_count; i++) {
        free(b->unprocessed_ids[i]);
        free(b->unprocessed_errors[i]);
    }
    free(b->items);
    free(b->unprocessed_ids);
    free(b->unprocessed_errors);
    free(b);
}
