/*
 * athena_api.c: Athena's query operations in athena-local, and the dispatch
 * of every AmazonAthena.* target: StartQueryExecution, GetQueryExecution,
 * BatchGetQueryExecution, ListQueryExecutions, StopQueryExecution and
 * GetQueryResults. Shapes follow athena.service-2.json; errors are
 * InvalidRequestException (400) with Athena's messages.
 */
#include "athena_api.h"

#include "authz.h"
#include "crypto.h"
#include "ddl.h"
#include "executor.h"
#include "objects.h"
#include "results_file.h"
#include "results_location.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#define MAX_QUERY_BYTES 262144
#define MAX_BATCH_IDS 50
#define MAX_LIST_RESULTS 50
#define MAX_PAGE_ROWS 1000

static double now_epoch(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)(tv.tv_usec / 1000) / 1000.0;
}

static const char *statement_type_of(const char *sql)
{
    switch (ddl_classify(sql)) {
    case DDL_STATEMENT: return "DDL";
    case DDL_UTILITY: return "UTILITY";
    case DDL_NOT_DDL: break;
    }
    return "DML";
}

/* The output location the query will use: the workgroup's when it enforces
 * its configuration, else the request's, else the workgroup's. */
static const char *choose_output_location(const json_t *in, const json_t *workgroup)
{
    const json_t *conf = json_object_get(workgroup, "Configuration");
    const char *wg_loc = json_string_value(
        json_object_get(json_object_get(conf, "ResultConfiguration"), "OutputLocation"));
    const char *req_loc = json_string_value(
        json_object_get(json_object_get(in, "ResultConfiguration"), "OutputLocation"));
    if (json_is_true(json_object_get(conf, "EnforceWorkGroupConfiguration")) && wg_loc)
        return wg_loc;
    return req_loc && req_loc[0] ? req_loc : wg_loc;
}

/* A workgroup that manages its results refuses a request's output location,
 * unless it enforces its configuration (then the request's is overridden,
 * as any client-side setting is). 1 after writing the error. */
static int managed_location_conflict(const json_t *in, const json_t *workgroup,
                                     srv_response *resp)
{
    const json_t *conf = json_object_get(workgroup, "Configuration");
    const char *req_loc = json_string_value(
        json_object_get(json_object_get(in, "ResultConfiguration"), "OutputLocation"));
    if (!req_loc || json_is_true(json_object_get(conf, "EnforceWorkGroupConfiguration")))
        return 0;
    json_api_error(resp, 400, "InvalidRequestException", "%s", ATHENA_MANAGED_CONFLICT);
    return 1;
}

/* Checks "s3://bucket/prefix" and returns the result file's URI. */
static int result_file_uri(const char *location, const char *id, const char *ext, char *out,
                           size_t cap, srv_response *resp)
{
    char bucket[256], key[1100], why[256];
    if (s3_uri_split(location, bucket, sizeof bucket, key, sizeof key, why, sizeof why) != 0) {
        json_api_error(resp, 400, "InvalidRequestException", "Invalid OutputLocation %s: %s",
                       location, why);
        return -1;
    }
    size_t klen = strlen(key);
    int n = snprintf(out, cap, "s3://%s/%s%s%s.%s", bucket, key,
                     klen && key[klen - 1] != '/' ? "/" : "", id, ext);
    if (n < 0 || (size_t)n >= cap) {
        json_api_error(resp, 400, "InvalidRequestException", "OutputLocation is too long");
        return -1;
    }
    return 0;
}

/* Reads StartQueryExecution's optional members; -1 after an error. */
typedef struct start_input {
    const char *sql;
    const char *token;
    const char *database;
    const char *catalog;
    const json_t *params;
} start_input;

static int read_start_input(const json_t *in, start_input *si, srv_response *resp)
{
    const json_t *ctx = NULL;
    memset(si, 0, sizeof *si);
    if (json_api_string(in, "QueryString", 1, 1, MAX_QUERY_BYTES, &si->sql, resp) < 0 ||
        json_api_string(in, "ClientRequestToken", 0, 32, 128, &si->token, resp) < 0 ||
        json_api_object(in, "QueryExecutionContext", 0, &ctx, resp) < 0 ||
        json_api_array(in, "ExecutionParameters", 0, 1000, &si->params, resp) < 0)
        return -1;
    if (ctx && (json_api_string(ctx, "Database", 0, 1, 255, &si->database, resp) < 0 ||
                json_api_string(ctx, "Catalog", 0, 1, 256, &si->catalog, resp) < 0))
        return -1;
    size_t i;
    const json_t *p;
    json_array_foreach(si->params, i, p) {
        if (!json_is_string(p) || json_string_length(p) < 1 || json_string_length(p) > 1024) {
            json_api_error(resp, 400, "InvalidRequestException",
                           "ExecutionParameters must be strings of 1 to 1024 characters");
            return -1;
        }
    }
    if (si->catalog && strcasecmp(si->catalog, ATHENA_CATALOG_NAME) != 0) {
        json_api_error(resp, 400, "InvalidRequestException", "Catalog %s is not found",
                       si->catalog);
        return -1;
    }
    return 0;
}

/* result_uri NULL: the workgroup manages the results (no OutputLocation). */
static json_t *new_query_execution(const start_input *si, const char *id, const json_t *wg,
                                   const char *result_uri, const json_t *in)
{
    const char *workgroup = json_string_value(json_object_get(wg, "Name"));
    json_t *ctx = json_object();
    if (si->database)
        json_object_set_new(ctx, "Database", json_string(si->database));
    json_object_set_new(ctx, "Catalog", json_string(si->catalog ? si->catalog : ATHENA_CATALOG_NAME));
    const char *stype = statement_type_of(si->sql);
    json_t *qe = json_pack(
        "{s:s,s:s,s:s,s:s,s:o,s:{s:s,s:f},s:{s:I,s:I,s:I,s:I,s:I,s:I,s:{s:b}},s:s,"
        "s:{s:s,s:s}}",
        "QueryExecutionId", id, "Query", si->sql, "StatementType", stype, "SubstatementType",
        strcmp(stype, "DML") == 0 && !ddl_writes_data(si->sql) ? "SELECT"
                                                                : ddl_substatement(si->sql),
        "QueryExecutionContext", ctx, "Status", "State", "QUEUED",
        "SubmissionDateTime", now_epoch(), "Statistics", "EngineExecutionTimeInMillis",
        (json_int_t)0, "DataScannedInBytes", (json_int_t)0, "TotalExecutionTimeInMillis",
        (json_int_t)0, "QueryQueueTimeInMillis", (json_int_t)0, "QueryPlanningTimeInMillis",
        (json_int_t)0, "ServiceProcessingTimeInMillis", (json_int_t)0, "ResultReuseInformation",
        "ReusedPreviousResult", 0, "WorkGroup", workgroup, "EngineVersion",
        "SelectedEngineVersion", "AUTO", "EffectiveEngineVersion", "Athena engine version 3");
    const json_t *managed = json_object_get(json_object_get(wg, "Configuration"),
                                            "ManagedQueryResultsConfiguration");
    if (qe && result_uri)
        json_object_set_new(qe, "ResultConfiguration",
                            json_pack("{s:s}", "OutputLocation", result_uri));
    else if (qe)
        json_object_set_new(qe, "ManagedQueryResultsConfiguration", json_deep_copy(managed));
    if (qe && si->params)
        json_object_set(qe, "ExecutionParameters", (json_t *)si->params);
    const json_t *reuse = json_object_get(in, "ResultReuseConfiguration");
    if (qe && json_is_object(reuse))
        json_object_set(qe, "ResultReuseConfiguration", (json_t *)reuse);
    return qe;
}

/* Idempotency: the same token in the same workgroup returns the first id if
 * the query text matches, and is an error otherwise. 1 if answered. */
static int answer_repeated_token(server *s, const start_input *si, const char *workgroup,
                                 srv_response *resp)
{
    if (!si->token)
        return 0;
    json_t *prev = store_query_by_token(s->store, workgroup, si->token);
    if (!prev)
        return 0;
    const char *prev_sql = json_string_value(json_object_get(prev, "Query"));
    if (prev_sql && strcmp(prev_sql, si->sql) == 0) {
        json_t *out = json_pack("{s:O}", "QueryExecutionId",
                                json_object_get(prev, "QueryExecutionId"));
        json_api_ok(resp, out);
        json_decref(out);
    } else {
        json_api_error(resp, 400, "InvalidRequestException",
                       "ClientRequestToken %s was already used for a different query",
                       si->token);
    }
    json_decref(prev);
    return 1;
}

static void start_query_execution(server *s, const srv_request *req, const json_t *in,
                                  srv_response *resp)
{
    start_input si;
    if (read_start_input(in, &si, resp) != 0)
        return;
    json_t *wg = athena_require_workgroup(s, in, resp);
    if (!wg)
        return;
    const char *workgroup = json_string_value(json_object_get(wg, "Name"));
    const char *state = json_string_value(json_object_get(wg, "State"));
    if (state && strcmp(state, "DISABLED") == 0) {
        json_api_error(resp, 400, "InvalidRequestException", "WorkGroup %s is disabled.",
                       workgroup);
        json_decref(wg);
        return;
    }
    if (answer_repeated_token(s, &si, workgroup, resp)) {
        json_decref(wg);
        return;
    }
    const int managed = athena_manages_results(wg);
    const char *location = managed ? NULL : choose_output_location(in, wg);
    if (managed ? managed_location_conflict(in, wg, resp) : !location) {
        if (!managed)
            json_api_error(resp, 400, "InvalidRequestException",
                           "No output location provided. An output location is required either "
                           "through the Workgroup result configuration setting or as an API "
                           "input.");
        json_decref(wg);
        return;
    }
    char id[37], result_uri[2048];
    const char *ext = ddl_classify(si.sql) == DDL_NOT_DDL ? "csv" : "txt";
    if (uuid_v4(id) != 0 || (location && result_file_uri(location, id, ext, result_uri,
                                                         sizeof result_uri, resp) != 0)) {
        if (!resp->status)
            json_api_error(resp, 500, "InternalServerException", "cannot create a query id");
        json_decref(wg);
        return;
    }
    json_t *qe = new_query_execution(&si, id, wg, location ? result_uri : NULL, in);
    store_status st = qe ? store_query_insert(s->store, qe, si.token) : STORE_ERROR;
    if (st == STORE_EXISTS && answer_repeated_token(s, &si, workgroup, resp)) {
        /* A concurrent start with the same token won the race. */
    } else if (st != STORE_OK) {
        json_api_error(resp, 500, "InternalServerException", "cannot record the query: %s",
                       store_errmsg(s->store));
    } else if (executor_submit(s->executor, id, &req->caller) != 0) {
        json_object_set_new(json_object_get(qe, "Status"), "State", json_string("FAILED"));
        json_object_set_new(json_object_get(qe, "Status"), "StateChangeReason",
                            json_string("Too many queued queries"));
        store_query_update(s->store, qe);
        json_api_error(resp, 400, "TooManyRequestsException",
                       "Too many queries are queued; retry later");
    } else {
        json_t *out = json_pack("{s:s}", "QueryExecutionId", id);
        json_api_ok(resp, out);
        json_decref(out);
    }
    json_decref(qe);
    json_decref(wg);
}

static json_t *require_query(server *s, const json_t *in, srv_response *resp)
{
    const char *id;
    if (json_api_string(in, "QueryExecutionId", 1, 1, 128, &id, resp) < 0)
        return NULL;
    json_t *qe = store_query_get(s->store, id);
    if (!qe)
        json_api_error(resp, 400, "InvalidRequestException", "QueryExecution %s was not found",
                       id);
    return qe;
}

/* The hottest call of every client's wait loop: answered from the stored
 * text, with no JSON parse or dump. */
static void get_query_execution(server *s, const srv_request *req, const json_t *in,
                                srv_response *resp)
{
    const char *id;
    if (json_api_string(in, "QueryExecutionId", 1, 1, 128, &id, resp) < 0)
        return;
    char *text = store_query_get_text(s->store, id);
    if (!text) {
        json_api_error(resp, 400, "InvalidRequestException", "QueryExecution %s was not found",
                       id);
        return;
    }
    json_api_ok_text(resp, "{\"QueryExecution\":", text, "}");
    free(text);
}

/* Who may see the queries of a batch: athena:BatchGetQueryExecution on the
 * workgroup of each (authz.h). A refused query is listed as unprocessed
 * and the others are returned, as AWS does. */
typedef struct batch_access {
    server *s;
    int is_root;
    int ready;             /* the caller's policies were read */
    authz_subject subject;
} batch_access;

static void batch_access_begin(batch_access *a, server *s, const srv_request *req)
{
    memset(a, 0, sizeof *a);
    a->s = s;
    a->is_root = req->caller.kind == SRV_PRINCIPAL_ROOT;
    if (!a->is_root && req->caller.kind != SRV_PRINCIPAL_NONE)
        a->ready = authz_subject_begin(&a->subject, s, &req->caller, req->remote_addr) == 0;
}

static void batch_access_end(batch_access *a)
{
    if (!a->is_root)
        authz_subject_end(&a->subject);
}

/* authz_workgroup_fn over the query just read (ctx). */
static int workgroup_of_loaded(void *ctx, const char *id, char *out, size_t cap)
{
    const char *workgroup = json_string_value(json_object_get(ctx, "WorkGroup"));
    (void)id;
    return workgroup && snprintf(out, cap, "%s", workgroup) < (int)cap ? 0 : -1;
}

/* 1 if the caller may see qe; else 0 with AWS's refusal in message. */
static int batch_allowed(batch_access *a, const json_t *qe, char *message, size_t cap)
{
    if (a->is_root)
        return 1;
    if (!a->ready) {
        snprintf(message, cap, "athena-local could not read the caller's policies.");
        return 0;
    }
    const char *id = json_string_value(json_object_get(qe, "QueryExecutionId"));
    json_t *one = json_pack("{s:[s]}", "QueryExecutionIds", id ? id : "");
    authz_scope scope = {a->s->settings.region, a->s->settings.account_id};
    int rc = one ? authz_athena_needs(&scope, "BatchGetQueryExecution", one, workgroup_of_loaded,
                                      (void *)qe, authz_subject_need, &a->subject)
                 : 1;
    json_decref(one);
    if (rc == 0)
        return 1;
    authz_subject_denial(&a->subject, message, cap);
    return 0;
}

static json_t *unprocessed(const char *id, const char *code, const char *message)
{
    return json_pack("{s:s,s:s,s:s}", "QueryExecutionId", id ? id : "", "ErrorCode", code,
                     "ErrorMessage", message);
}

static void batch_get_query_execution(server *s, const srv_request *req, const json_t *in,
                                      srv_response *resp)
{
    const json_t *ids;
    if (json_api_array(in, "QueryExecutionIds", 1, MAX_BATCH_IDS, &ids, resp) < 0)
        return;
    if (json_array_size(ids) == 0) {
        json_api_error(resp, 400, "InvalidRequestException",
                       "QueryExecutionIds must contain 1 to %d ids", MAX_BATCH_IDS);
        return;
    }
    json_t *found = json_array(), *missing = json_array();
    batch_access access;
    batch_access_begin(&access, s, req);
    size_t i;
    const json_t *v;
    json_array_foreach(ids, i, v) {
        const char *id = json_string_value(v);
        json_t *qe = id ? store_query_get(s->store, id) : NULL;
        char message[AUTHZ_MESSAGE_CAP];
        if (!qe) {
            json_array_append_new(missing, unprocessed(id, "INVALID_INPUT",
                                                       "QueryExecution not found"));
        } else if (!batch_allowed(&access, qe, message, sizeof message)) {
            json_array_append_new(missing, unprocessed(id, "AccessDeniedException", message));
            json_decref(qe);
        } else {
            json_array_append_new(found, qe);
        }
    }
    batch_access_end(&access);
    json_t *out = json_pack("{s:o,s:o}", "QueryExecutions", found, "UnprocessedQueryExecutionIds",
                            missing);
    json_api_ok(resp, out);
    json_decref(out);
}

static void list_query_executions(server *s, const srv_request *req, const json_t *in,
                                  srv_response *resp)
{
    long long max = MAX_LIST_RESULTS;
    size_t offset = 0;
    int r = json_api_int(in, "MaxResults", 0, 0, MAX_LIST_RESULTS, &max, resp);
    if (r < 0 || athena_parse_offset_token(in, &offset, resp) != 0)
        return;
    if (r == 1 || max == 0)
        max = MAX_LIST_RESULTS;
    json_t *wg = athena_require_workgroup(s, in, resp);
    if (!wg)
        return;
    int more = 0;
    json_t *ids = store_query_list(s->store, json_string_value(json_object_get(wg, "Name")),
                                   offset, (size_t)max, &more);
    json_t *out = json_pack("{s:o}", "QueryExecutionIds", ids ? ids : json_array());
    athena_set_offset_token(out, offset + json_array_size(ids), more);
    json_api_ok(resp, out);
    json_decref(out);
    json_decref(wg);
}

static void stop_query_execution(server *s, const srv_request *req, const json_t *in,
                                 srv_response *resp)
{
    json_t *qe = require_query(s, in, resp);
    if (!qe)
        return;
    executor_cancel(s->executor, json_string_value(json_object_get(qe, "QueryExecutionId")));
    json_decref(qe);
    json_t *out = json_object();
    json_api_ok(resp, out);
    json_decref(out);
}

static void get_query_results(server *s, const srv_request *req, const json_t *in,
                              srv_response *resp)
{
    const char *token = NULL;
    long long max = MAX_PAGE_ROWS;
    if (json_api_string(in, "NextToken", 0, 1, 1024, &token, resp) < 0 ||
        json_api_int(in, "MaxResults", 0, 1, MAX_PAGE_ROWS, &max, resp) < 0)
        return;
    json_t *qe = require_query(s, in, resp);
    if (!qe)
        return;
    const json_t *status = json_object_get(qe, "Status");
    const char *state = json_string_value(json_object_get(status, "State"));
    char root[4096], path[4096], err[256] = "";
    if (!state || strcmp(state, "SUCCEEDED") != 0) {
        int unfinished = state && (!strcmp(state, "QUEUED") || !strcmp(state, "RUNNING"));
        json_api_error(resp, 400, "InvalidRequestException",
                       unfinished ? "Query has not yet finished. Current state: %s"
                                  : "Query did not finish successfully. Final query state: %s",
                       state ? state : "UNKNOWN");
    } else if (results_query_path(s->settings.data_dir, s->s3_root, qe, root, sizeof root, path,
                                  sizeof path) != 0) {
        json_api_error(resp, 400, "InvalidRequestException", "The query has no result location");
    } else {
        buf_reset(&resp->body);
        if (results_page(path, token, (int)max, &resp->body, err, sizeof err) == 0)
            json_api_ok_body(resp);
        else
            json_api_error(resp, 400, "InvalidRequestException", "%s", err);
    }
    json_decref(qe);
}

typedef struct athena_op {
    const char *name;
    athena_op_fn fn;
} athena_op;

static const athena_op operations[] = {
    {"StartQueryExecution", start_query_execution},
    {"GetQueryExecution", get_query_execution},
    {"BatchGetQueryExecution", batch_get_query_execution},
    {"ListQueryExecutions", list_query_executions},
    {"StopQueryExecution", stop_query_execution},
    {"GetQueryResults", get_query_results},
    {"GetWorkGroup", athena_get_work_group},
    {"ListWorkGroups", athena_list_work_groups},
    {"CreateWorkGroup", athena_create_work_group},
    {"UpdateWorkGroup", athena_update_work_group},
    {"DeleteWorkGroup", athena_delete_work_group},
    {"ListDataCatalogs", athena_list_data_catalogs},
    {"GetDataCatalog", athena_get_data_catalog},
    {"ListDatabases", athena_list_databases},
    {"GetDatabase", athena_get_database},
    {"ListTableMetadata", athena_list_table_metadata},
    {"GetTableMetadata", athena_get_table_metadata},
};

void athena_api_handle(server *s, const char *operation, const srv_request *req,
                       srv_response *resp)
{
    const athena_op *op = NULL;
    for (size_t i = 0; i < sizeof operations / sizeof operations[0]; i++)
        if (strcmp(operations[i].name, operation) == 0)
            op = &operations[i];
    if (!op) {
        json_api_error(resp, 400, "UnknownOperationException", "Unknown operation %s",
                       operation);
        return;
    }
    json_error_t jerr;
    json_t *in = req->body_len ? json_loadb(req->body, req->body_len, 0, &jerr) : json_object();
    if (!in) {
        json_api_error(resp, 400, "SerializationException", "Malformed JSON request body: %s",
                       jerr.text);
        return;
    }
    if (!json_is_object(in)) {
        json_api_error(resp, 400, "SerializationException",
                       "The request body must be a JSON object");
    } else {
        op->fn(s, req, in, resp);
    }
    json_decref(in);
}
