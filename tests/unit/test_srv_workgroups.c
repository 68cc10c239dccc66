/*
 * test_srv_workgroups.c: Athena's workgroup operations in athena-local,
 * driven through athena_api_handle on a real store, engine and executor in
 * a temporary data dir: validation of Create/UpdateWorkGroup, deletion
 * (primary, not empty, recursive), managed query results (stored outside
 * the S3 root, read back by GetQueryResults, removed with the workgroup),
 * the bytes-scanned cutoff cancelling a query without writing results, a
 * disabled workgroup, the store's delete guards, and where result files
 * live (results_location.h).
 */
#define _XOPEN_SOURCE 700   /* nftw */
#include "athena_api.h"
#include "engine.h"
#include "executor.h"
#include "objects.h"
#include "results_location.h"
#include "store.h"
#include "test.h"

#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char data_dir[256];
static server srv;

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

static int setup(void)
{
    char err[256];
    snprintf(data_dir, sizeof data_dir, "/tmp/athena-wg-XXXXXX");
    if (!mkdtemp(data_dir))
        return -1;
    memset(&srv, 0, sizeof srv);
    srv.settings.data_dir = data_dir;
    srv.settings.account_id = "123456789012";
    srv.settings.region = "us-east-1";
    snprintf(srv.s3_root, sizeof srv.s3_root, "%s/s3", data_dir);
    if (mkdir(srv.s3_root, 0755) != 0)
        return -1;
    srv.store = store_open(data_dir, err, sizeof err);
    srv.engine = srv.store ? engine_open(srv.s3_root, 1, err, sizeof err) : NULL;
    srv.executor = srv.engine ? executor_start(&srv, 1, 16) : NULL;
    if (!srv.executor)
        fprintf(stderr, "setup: %s\n", err);
    return srv.executor ? 0 : -1;
}

static void teardown(void)
{
    executor_stop(srv.executor);
    engine_close(srv.engine);
    store_close(srv.store);
    nftw(data_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- calling the API ---- */

typedef struct answer {
    int status;
    json_t *body;   /* parsed response */
} answer;

static answer call(const char *operation, const char *body)
{
    srv_request req;
    srv_response resp;
    memset(&req, 0, sizeof req);
    memset(&resp, 0, sizeof resp);
    req.method = "POST";
    req.path = "/";
    req.query = "";
    req.body = body;
    req.body_len = strlen(body);
    req.caller.kind = SRV_PRINCIPAL_ROOT;   /* queries run with the caller's permissions */
    req.caller.is_root = 1;
    athena_api_handle(&srv, operation, &req, &resp);
    answer a = {resp.status, json_loadb(resp.body.data ? resp.body.data : "", resp.body.len, 0,
                                        NULL)};
    srv_response_free(&resp);
    return a;
}

static void forget(answer a)
{
    json_decref(a.body);
}

static const char *member(const json_t *obj, const char *path)
{
    char key[128];
    const char *dot = strchr(path, '.');
    if (!dot)
        return json_string_value(json_object_get(obj, path));
    snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
    return member(json_object_get(obj, key), dot + 1);
}

/* The call fails with InvalidRequestException whose message holds text. */
static int refused(const char *operation, const char *body, const char *text)
{
    answer a = call(operation, body);
    const char *type = member(a.body, "__type");
    const char *message = member(a.body, "message");
    int ok = a.status == 400 && type && strcmp(type, "InvalidRequestException") == 0 && message &&
             strstr(message, text);
    if (!ok)
        fprintf(stderr, "  %s %s -> %d %s: %s\n", operation, body, a.status, type ? type : "",
                message ? message : "");
    forget(a);
    return ok;
}

static int succeeds(const char *operation, const char *body)
{
    answer a = call(operation, body);
    int ok = a.status == 200;
    if (!ok)
        fprintf(stderr, "  %s %s -> %d %s\n", operation, body, a.status,
                member(a.body, "message") ? member(a.body, "message") : "");
    forget(a);
    return ok;
}

static json_t *get_workgroup(const char *name)
{
    char body[256];
    snprintf(body, sizeof body, "{\"WorkGroup\":\"%s\"}", name);
    answer a = call("GetWorkGroup", body);
    json_t *wg = a.status == 200 ? json_incref(json_object_get(a.body, "WorkGroup")) : NULL;
    forget(a);
    return wg;
}

/* Starts sql (extra: more request members, e.g. "\"WorkGroup\":\"x\"") and
 * waits until it finishes; returns the QueryExecution (NULL if refused). */
static json_t *run(const char *sql, const char *extra)
{
    char body[2048], id_body[128];
    snprintf(body, sizeof body, "{\"QueryString\":\"%s\"%s%s}", sql, extra[0] ? "," : "", extra);
    answer a = call("StartQueryExecution", body);
    const char *id = member(a.body, "QueryExecutionId");
    if (a.status != 200 || !id) {
        forget(a);
        return NULL;
    }
    snprintf(id_body, sizeof id_body, "{\"QueryExecutionId\":\"%s\"}", id);
    forget(a);
    for (int i = 0; i < 3000; i++) {
        answer q = call("GetQueryExecution", id_body);
        json_t *qe = json_incref(json_object_get(q.body, "QueryExecution"));
        forget(q);
        const char *state = member(qe, "Status.State");
        if (state && strcmp(state, "QUEUED") != 0 && strcmp(state, "RUNNING") != 0)
            return qe;
        json_decref(qe);
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    return NULL;
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- tests ---- */

static void test_create_validation(void)
{
    CHECK(refused("CreateWorkGroup",
                  "{\"Name\":\"small\",\"Configuration\":{\"BytesScannedCutoffPerQuery\":9999999}}",
                  "greater than or equal to 10000000"));
    CHECK(refused("CreateWorkGroup",
                  "{\"Name\":\"both\",\"Configuration\":{\"ResultConfiguration\":"
                  "{\"OutputLocation\":\"s3://res/x/\"},\"ManagedQueryResultsConfiguration\":"
                  "{\"Enabled\":true}}}",
                  "cannot be set together"));
    CHECK(refused("CreateWorkGroup",
                  "{\"Name\":\"bad\",\"Configuration\":{\"ResultConfiguration\":"
                  "{\"OutputLocation\":\"http://r/x/\"}}}",
                  "Invalid OutputLocation"));
    CHECK(refused("CreateWorkGroup",
                  "{\"Name\":\"m\",\"Configuration\":{\"ManagedQueryResultsConfiguration\":{}}}",
                  "Member must not be null"));
    CHECK(refused("CreateWorkGroup",
                  "{\"Name\":\"ev\",\"Configuration\":{\"EngineVersion\":"
                  "{\"SelectedEngineVersion\":\"PySpark engine version 3\"}}}",
                  "enum value set"));
    CHECK(refused("CreateWorkGroup", "{\"Name\":\"t\",\"Tags\":[{\"Value\":\"v\"}]}",
                  "Member must not be null"));
    CHECK(refused("CreateWorkGroup", "{\"Name\":\"a/b\"}", "must match"));
    CHECK(succeeds("CreateWorkGroup",
                   "{\"Name\":\"full\",\"Description\":\"d\",\"Tags\":[{\"Key\":\"k\","
                   "\"Value\":\"v\"}],\"Configuration\":{\"BytesScannedCutoffPerQuery\":10000000,"
                   "\"EnforceWorkGroupConfiguration\":true,\"ResultConfiguration\":"
                   "{\"OutputLocation\":\"s3://res/full/\"}}}"));
    CHECK(refused("CreateWorkGroup", "{\"Name\":\"full\"}", "already created"));
    json_t *wg = get_workgroup("full");
    REQUIRE(wg);
    CHECK_STR(member(wg, "Description"), "d");
    CHECK_STR(member(wg, "State"), "ENABLED");
    CHECK_STR(member(wg, "Configuration.ResultConfiguration.OutputLocation"), "s3://res/full/");
    CHECK_STR(member(wg, "Configuration.EngineVersion.EffectiveEngineVersion"),
              "Athena engine version 3");
    CHECK_INT(json_integer_value(json_object_get(json_object_get(wg, "Configuration"),
                                                 "BytesScannedCutoffPerQuery")),
              10000000);
    CHECK(!json_object_get(wg, "Tags"));
    json_decref(wg);
}

static void test_update(void)
{
    REQUIRE(succeeds("CreateWorkGroup",
                     "{\"Name\":\"upd\",\"Configuration\":{\"BytesScannedCutoffPerQuery\":"
                     "20000000,\"ResultConfiguration\":{\"OutputLocation\":\"s3://res/upd/\"}}}"));
    CHECK(refused("UpdateWorkGroup", "{\"WorkGroup\":\"upd\",\"State\":\"PAUSED\"}",
                  "enum value set"));
    CHECK(refused("UpdateWorkGroup", "{\"WorkGroup\":\"nope\"}", "not found"));
    CHECK(refused("UpdateWorkGroup",
                  "{\"WorkGroup\":\"upd\",\"ConfigurationUpdates\":"
                  "{\"BytesScannedCutoffPerQuery\":5}}",
                  "greater than or equal to 10000000"));
    /* Managed results while an output location remains: refused. */
    CHECK(refused("UpdateWorkGroup",
                  "{\"WorkGroup\":\"upd\",\"ConfigurationUpdates\":"
                  "{\"ManagedQueryResultsConfigurationUpdates\":{\"Enabled\":true}}}",
                  "cannot be set together"));
    CHECK(succeeds("UpdateWorkGroup",
                   "{\"WorkGroup\":\"upd\",\"Description\":\"new\",\"State\":\"DISABLED\","
                   "\"ConfigurationUpdates\":{\"RemoveBytesScannedCutoffPerQuery\":true,"
                   "\"EnforceWorkGroupConfiguration\":true,"
                   "\"ResultConfigurationUpdates\":{\"RemoveOutputLocation\":true},"
                   "\"ManagedQueryResultsConfigurationUpdates\":{\"Enabled\":true}}}"));
    json_t *wg = get_workgroup("upd");
    REQUIRE(wg);
    const json_t *conf = json_object_get(wg, "Configuration");
    CHECK_STR(member(wg, "Description"), "new");
    CHECK_STR(member(wg, "State"), "DISABLED");
    CHECK(!json_object_get(conf, "BytesScannedCutoffPerQuery"));
    CHECK(!member(conf, "ResultConfiguration.OutputLocation"));
    CHECK(json_is_true(json_object_get(conf, "EnforceWorkGroupConfiguration")));
    CHECK(json_is_true(
        json_object_get(json_object_get(conf, "ManagedQueryResultsConfiguration"), "Enabled")));
    json_decref(wg);

    /* Listed with its summary. */
    answer a = call("ListWorkGroups", "{}");
    size_t i;
    json_t *sum;
    int seen = 0;
    json_array_foreach(json_object_get(a.body, "WorkGroups"), i, sum) {
        if (strcmp(member(sum, "Name"), "upd") != 0)
            continue;
        seen = 1;
        CHECK_STR(member(sum, "State"), "DISABLED");
        CHECK_STR(member(sum, "Description"), "new");
        CHECK_STR(member(sum, "EngineVersion.SelectedEngineVersion"), "AUTO");
        CHECK(json_is_number(json_object_get(sum, "CreationTime")));
    }
    CHECK(seen);
    forget(a);

    /* A disabled workgroup runs nothing. */
    CHECK(refused("StartQueryExecution", "{\"QueryString\":\"SELECT 1\",\"WorkGroup\":\"upd\"}",
                  "WorkGroup upd is disabled"));
}

static void test_delete(void)
{
    CHECK(refused("DeleteWorkGroup", "{\"WorkGroup\":\"primary\"}", "primary workgroup"));
    CHECK(refused("DeleteWorkGroup", "{\"WorkGroup\":\"primary\",\"RecursiveDeleteOption\":true}",
                  "primary workgroup"));
    CHECK(refused("DeleteWorkGroup", "{\"WorkGroup\":\"ghost\"}", "not found"));
    REQUIRE(succeeds("CreateWorkGroup", "{\"Name\":\"empty\"}"));
    CHECK(succeeds("DeleteWorkGroup", "{\"WorkGroup\":\"empty\"}"));
    CHECK(!get_workgroup("empty"));

    REQUIRE(succeeds("CreateWorkGroup", "{\"Name\":\"busy\",\"Configuration\":"
                                        "{\"ResultConfiguration\":{\"OutputLocation\":"
                                        "\"s3://res/busy/\"}}}"));
    json_t *qe = run("SELECT 1 AS one", "\"WorkGroup\":\"busy\"");
    REQUIRE(qe);
    CHECK_STR(member(qe, "Status.State"), "SUCCEEDED");
    char result[4400];
    snprintf(result, sizeof result, "%s/res/busy/%s.csv", srv.s3_root,
             member(qe, "QueryExecutionId"));
    CHECK(file_exists(result));
    char id_body[128];
    snprintf(id_body, sizeof id_body, "{\"QueryExecutionId\":\"%s\"}",
             member(qe, "QueryExecutionId"));
    json_decref(qe);

    CHECK(refused("DeleteWorkGroup", "{\"WorkGroup\":\"busy\"}", "WorkGroup busy is not empty"));
    json_t *still = get_workgroup("busy");
    CHECK(still != NULL);
    json_decref(still);
    CHECK(succeeds("DeleteWorkGroup", "{\"WorkGroup\":\"busy\",\"RecursiveDeleteOption\":true}"));
    CHECK(!get_workgroup("busy"));
    CHECK(refused("GetQueryExecution", id_body, "was not found"));
    CHECK(file_exists(result));   /* results in S3 are the user's: they stay */

    answer a = call("ListQueryExecutions", "{\"WorkGroup\":\"primary\"}");
    CHECK_INT(a.status, 200);
    forget(a);
}

static void test_managed_results(void)
{
    REQUIRE(succeeds("CreateWorkGroup", "{\"Name\":\"managed\",\"Configuration\":"
                                        "{\"ManagedQueryResultsConfiguration\":"
                                        "{\"Enabled\":true}}}"));
    CHECK(refused("StartQueryExecution",
                  "{\"QueryString\":\"SELECT 1\",\"WorkGroup\":\"managed\","
                  "\"ResultConfiguration\":{\"OutputLocation\":\"s3://res/x/\"}}",
                  "ManagedQueryResultsConfiguration and ResultConfiguration cannot be set "
                  "together."));
    json_t *qe = run("SELECT 'a' AS letter UNION ALL SELECT 'b' ORDER BY 1",
                     "\"WorkGroup\":\"managed\"");
    REQUIRE(qe);
    CHECK_STR(member(qe, "Status.State"), "SUCCEEDED");
    CHECK(!json_object_get(qe, "ResultConfiguration"));
    CHECK(json_is_true(
        json_object_get(json_object_get(qe, "ManagedQueryResultsConfiguration"), "Enabled")));
    const char *id = member(qe, "QueryExecutionId");
    char path[4096], id_body[128];
    snprintf(path, sizeof path, "%s/managed-results/managed/%s.csv", data_dir, id);
    CHECK(file_exists(path));
    snprintf(id_body, sizeof id_body, "{\"QueryExecutionId\":\"%s\"}", id);

    answer a = call("GetQueryResults", id_body);
    CHECK_INT(a.status, 200);
    char *rows = json_dumps(json_object_get(json_object_get(a.body, "ResultSet"), "Rows"),
                            JSON_COMPACT);
    CHECK_STR(rows, "[{\"Data\":[{\"VarCharValue\":\"letter\"}]},{\"Data\":[{\"VarCharValue\":"
                    "\"a\"}]},{\"Data\":[{\"VarCharValue\":\"b\"}]}]");
    free(rows);
    forget(a);

    /* DDL output is managed too (a .txt). */
    json_t *ddl = run("SHOW DATABASES", "\"WorkGroup\":\"managed\"");
    REQUIRE(ddl);
    CHECK_STR(member(ddl, "Status.State"), "SUCCEEDED");
    char txt[4096];
    snprintf(txt, sizeof txt, "%s/managed-results/managed/%s.txt", data_dir,
             member(ddl, "QueryExecutionId"));
    CHECK(file_exists(txt));
    json_decref(ddl);

    CHECK(succeeds("DeleteWorkGroup", "{\"WorkGroup\":\"managed\",\"RecursiveDeleteOption\":true}"));
    CHECK(!file_exists(path));
    CHECK(!file_exists(txt));
    snprintf(path, sizeof path, "%s/managed-results/managed", data_dir);
    CHECK(!file_exists(path));
    json_decref(qe);
}

/* Enforced: the workgroup's location (or managed storage) overrides the
 * request's. */
static void test_enforcement(void)
{
    REQUIRE(succeeds("CreateWorkGroup", "{\"Name\":\"enforced\",\"Configuration\":"
                                        "{\"EnforceWorkGroupConfiguration\":true,"
                                        "\"ResultConfiguration\":{\"OutputLocation\":"
                                        "\"s3://res/enforced/\"}}}"));
    json_t *qe = run("SELECT 1", "\"WorkGroup\":\"enforced\",\"ResultConfiguration\":"
                                 "{\"OutputLocation\":\"s3://res/client/\"}");
    REQUIRE(qe);
    char want[256];
    snprintf(want, sizeof want, "s3://res/enforced/%s.csv", member(qe, "QueryExecutionId"));
    CHECK_STR(member(qe, "ResultConfiguration.OutputLocation"), want);
    json_decref(qe);

    REQUIRE(succeeds("CreateWorkGroup", "{\"Name\":\"enforced-managed\",\"Configuration\":"
                                        "{\"EnforceWorkGroupConfiguration\":true,"
                                        "\"ManagedQueryResultsConfiguration\":"
                                        "{\"Enabled\":true}}}"));
    qe = run("SELECT 1", "\"WorkGroup\":\"enforced-managed\",\"ResultConfiguration\":"
                         "{\"OutputLocation\":\"s3://res/client/\"}");
    REQUIRE(qe);
    CHECK_STR(member(qe, "Status.State"), "SUCCEEDED");
    CHECK(!json_object_get(qe, "ResultConfiguration"));
    json_decref(qe);
}

/* The minimum cutoff is 10 MB; the store takes a smaller one so that a
 * small table can pass it. */
static void test_bytes_scanned_cutoff(void)
{
    char dir[4200], file[4300];
    snprintf(dir, sizeof dir, "%s/data/small", srv.s3_root);
    REQUIRE(make_dirs(dir) == 0);
    snprintf(file, sizeof file, "%s/part.csv", dir);
    FILE *f = fopen(file, "w");
    REQUIRE(f);
    fputs("1,one\n2,two\n3,three\n", f);   /* 20 bytes */
    fclose(f);
    json_t *ddl = run("CREATE EXTERNAL TABLE small (n int, s string) ROW FORMAT DELIMITED "
                      "FIELDS TERMINATED BY ',' LOCATION 's3://data/small/'",
                      "\"ResultConfiguration\":{\"OutputLocation\":\"s3://res/ddl/\"}");
    REQUIRE(ddl);
    CHECK_STR(member(ddl, "Status.State"), "SUCCEEDED");
    json_decref(ddl);

    REQUIRE(succeeds("CreateWorkGroup", "{\"Name\":\"capped\",\"Configuration\":"
                                        "{\"ResultConfiguration\":{\"OutputLocation\":"
                                        "\"s3://res/capped/\"}}}"));
    json_t *wg = get_workgroup("capped");
    REQUIRE(wg);
    json_object_set_new(json_object_get(wg, "Configuration"), "BytesScannedCutoffPerQuery",
                        json_integer(10));
    REQUIRE(store_workgroup_update(srv.store, "capped", wg) == STORE_OK);
    json_decref(wg);

    json_t *qe = run("SELECT count(*) FROM small", "\"WorkGroup\":\"capped\"");
    REQUIRE(qe);
    CHECK_STR(member(qe, "Status.State"), "CANCELLED");
    CHECK_STR(member(qe, "Status.StateChangeReason"), "Bytes scanned limit was exceeded");
    CHECK_INT(json_integer_value(json_object_get(json_object_get(qe, "Statistics"),
                                                 "DataScannedInBytes")),
              20);
    char result[4400];
    snprintf(result, sizeof result, "%s/res/capped/%s.csv", srv.s3_root,
             member(qe, "QueryExecutionId"));
    CHECK(!file_exists(result));
    json_decref(qe);

    /* Under the cutoff (no table read) it runs. */
    qe = run("SELECT 2", "\"WorkGroup\":\"capped\"");
    REQUIRE(qe);
    CHECK_STR(member(qe, "Status.State"), "SUCCEEDED");
    json_decref(qe);

    /* Removing the cutoff lets the table query through. */
    CHECK(succeeds("UpdateWorkGroup", "{\"WorkGroup\":\"capped\",\"ConfigurationUpdates\":"
                                      "{\"RemoveBytesScannedCutoffPerQuery\":true}}"));
    qe = run("SELECT count(*) FROM small", "\"WorkGroup\":\"capped\"");
    REQUIRE(qe);
    CHECK_STR(member(qe, "Status.State"), "SUCCEEDED");
    json_decref(qe);
}

/* The store's own guards, below the API's checks. */
static void test_store_delete(void)
{
    CHECK_INT(store_workgroup_delete(srv.store, "primary"), STORE_ERROR);
    CHECK_INT(store_workgroup_delete_recursive(srv.store, "primary"), STORE_ERROR);
    json_t *primary = store_workgroup_get(srv.store, "primary");
    CHECK(primary != NULL);
    json_decref(primary);

    json_t *wg = json_pack("{s:s,s:s}", "Name", "kept", "State", "ENABLED");
    json_t *qe = json_pack("{s:s,s:s,s:{s:s,s:f}}", "QueryExecutionId", "q-kept", "WorkGroup",
                           "kept", "Status", "State", "SUCCEEDED", "SubmissionDateTime", 1.0);
    REQUIRE(store_workgroup_create(srv.store, wg) == STORE_OK);
    REQUIRE(store_query_insert(srv.store, qe, NULL) == STORE_OK);
    CHECK_INT(store_workgroup_delete(srv.store, "kept"), STORE_NOT_EMPTY);
    json_t *got = store_query_get(srv.store, "q-kept");
    CHECK(got != NULL);
    json_decref(got);
    CHECK_INT(store_workgroup_delete_recursive(srv.store, "kept"), STORE_OK);
    CHECK(store_query_get(srv.store, "q-kept") == NULL);
    CHECK(store_workgroup_get(srv.store, "kept") == NULL);
    CHECK_INT(store_workgroup_delete_recursive(srv.store, "kept"), STORE_NOT_FOUND);
    json_decref(wg);
    json_decref(qe);
}

static void test_result_locations(void)
{
    char root[4096], path[4096];
    CHECK_INT(results_managed_path(data_dir, "..", "abc-1", RESULTS_CSV, root, sizeof root, path,
                                   sizeof path),
              0);
    CHECK(strstr(path, "/managed-results/%2E%2E/abc-1.csv") != NULL);
    CHECK_INT(results_managed_path(data_dir, ".", "abc", RESULTS_TXT, root, sizeof root, path,
                                   sizeof path),
              0);
    CHECK(strstr(path, "/managed-results/%2E/abc.txt") != NULL);
    CHECK_INT(results_managed_path(data_dir, "...", "abc", RESULTS_TXT, root, sizeof root, path,
                                   sizeof path),
              0);
    CHECK(strstr(path, "/managed-results/.../abc.txt") != NULL);
    CHECK_INT(results_managed_path(data_dir, "a/b", "abc", RESULTS_CSV, root, sizeof root, path,
                                   sizeof path),
              -1);
    CHECK_INT(results_managed_path(data_dir, "wg", "../x", RESULTS_CSV, root, sizeof root, path,
                                   sizeof path),
              -1);
    CHECK_INT(results_managed_path(data_dir, "", "abc", RESULTS_CSV, root, sizeof root, path,
                                   sizeof path),
              -1);
    json_t *qe = json_pack("{s:s,s:s,s:s,s:{s:b}}", "QueryExecutionId", "id1", "WorkGroup", "w",
                           "StatementType", "DDL", "ManagedQueryResultsConfiguration", "Enabled",
                           1);
    CHECK_INT(results_query_path(data_dir, srv.s3_root, qe, root, sizeof root, path, sizeof path),
              0);
    CHECK(strstr(path, "/managed-results/w/id1.txt") != NULL);
    json_decref(qe);
    qe = json_pack("{s:s,s:{s:s}}", "QueryExecutionId", "id2", "ResultConfiguration",
                   "OutputLocation", "s3://bucket/p/id2.csv");
    CHECK_INT(results_query_path(data_dir, srv.s3_root, qe, root, sizeof root, path, sizeof path),
              0);
    CHECK_STR(root, srv.s3_root);
    CHECK(strstr(path, "/s3/bucket/p/id2.csv") != NULL);
    json_decref(qe);
    qe = json_pack("{s:s}", "QueryExecutionId", "id3");
    CHECK_INT(results_query_path(data_dir, srv.s3_root, qe, root, sizeof root, path, sizeof path),
              -1);
    json_decref(qe);
}

int main(void)
{
    if (setup() != 0) {
        fprintf(stderr, "cannot set up the server\n");
        return 1;
    }
    RUN(test_create_validation);
    RUN(test_update);
    RUN(test_delete);
    RUN(test_managed_results);
    RUN(test_enforcement);
    RUN(test_bytes_scanned_cutoff);
    RUN(test_store_delete);
    RUN(test_result_locations);
    teardown();
    return test_summary();
}
