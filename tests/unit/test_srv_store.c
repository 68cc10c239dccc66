/*
 * test_srv_store.c: athena-local's metadata store (store.h): file mode and
 * WAL, defaults created once, catalog, workgroup and query-history CRUD
 * with their error statuses, case rules of names, paging, failing lost
 * queries, settings, corrupt documents, concurrency and persistence.
 */
#include <dirent.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "test.h"

#include "store_fixture.h"

static json_t *query_doc(const char *id, const char *workgroup, const char *state,
                         double submitted)
{
    return json_pack("{s:s, s:s, s:s, s:{s:s, s:f}}", "QueryExecutionId", id, "Query",
                     "SELECT 1", "WorkGroup", workgroup, "Status", "State", state,
                     "SubmissionDateTime", submitted);
}

static const char *member_string(const json_t *doc, const char *key)
{
    return json_string_value(json_object_get(doc, key));
}

static const char *status_string(const json_t *query, const char *key)
{
    return json_string_value(json_object_get(json_object_get(query, "Status"), key));
}

/* The "Name" members of an array of documents, joined with commas. */
static char *names_of(json_t *docs, const char *key)
{
    static char joined[1024];
    joined[0] = '\0';
    size_t i;
    json_t *doc;
    json_array_foreach(docs, i, doc) {
        const char *name = json_is_string(doc) ? json_string_value(doc)
                                               : member_string(doc, key);
        if (i)
            strncat(joined, ",", sizeof joined - strlen(joined) - 1);
        strncat(joined, name ? name : "?", sizeof joined - strlen(joined) - 1);
    }
    json_decref(docs);
    return joined;
}

/* ---- opening ---- */

static void test_open_creates_file_and_defaults(void)
{
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);

    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/metadata.db", dir);
    CHECK(stat(path, &sb) == 0);
    CHECK_INT(sb.st_mode & 0777, 0600);
    CHECK(raw_sql_is(dir, "PRAGMA journal_mode", "wal"));
    CHECK(raw_sql_is(dir, "PRAGMA user_version", "4"));

    json_t *wg = store_workgroup_get(st, "primary");
    REQUIRE(wg);
    CHECK_STR(member_string(wg, "Name"), "primary");
    CHECK_STR(member_string(wg, "State"), "ENABLED");
    CHECK_STR(member_string(wg, "Description"), "");
    json_t *config = json_object_get(wg, "Configuration");
    CHECK(json_is_object(json_object_get(config, "ResultConfiguration")));
    CHECK(json_is_false(json_object_get(config, "EnforceWorkGroupConfiguration")));
    CHECK(json_is_false(json_object_get(config, "PublishCloudWatchMetricsEnabled")));
    CHECK(json_is_false(json_object_get(config, "RequesterPaysEnabled")));
    json_t *engine = json_object_get(config, "EngineVersion");
    CHECK_STR(member_string(engine, "SelectedEngineVersion"), "AUTO");
    CHECK_STR(member_string(engine, "EffectiveEngineVersion"), "Athena engine version 3");
    CHECK(json_is_real(json_object_get(wg, "CreationTime")));
    CHECK(json_real_value(json_object_get(wg, "CreationTime")) > 1.6e9);
    json_decref(wg);

    json_t *db = store_database_get(st, "default");
    REQUIRE(db);
    CHECK_STR(member_string(db, "Name"), "default");
    CHECK_STR(member_string(db, "Description"), "Default database");
    CHECK(json_is_object(json_object_get(db, "Parameters")));
    CHECK(json_real_value(json_object_get(db, "CreateTime")) > 1.6e9);
    json_decref(db);
    store_close(st);
    remove_data_dir(dir);
}

static void test_reopen_keeps_defaults(void)
{
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);
    json_t *wg = store_workgroup_get(st, "primary");
    REQUIRE(wg);
    double created = json_real_value(json_object_get(wg, "CreationTime"));
    json_object_set_new(wg, "Description", json_string("changed"));
    CHECK_INT(store_workgroup_update(st, "primary", wg), STORE_OK);
    json_decref(wg);
    store_close(st);

    st = open_store(dir);
    REQUIRE(st);
    wg = store_workgroup_get(st, "primary");
    REQUIRE(wg);
    CHECK_STR(member_string(wg, "Description"), "changed");
    CHECK(json_real_value(json_object_get(wg, "CreationTime")) == created);
    json_decref(wg);
    CHECK_STR(names_of(store_workgroup_list(st), "Name"), "primary");
    CHECK_STR(names_of(store_database_list(st), "Name"), "default");

    /* Removed defaults come back on the next open: Athena always has them. */
    CHECK_INT(store_database_delete(st, "default", 0), STORE_OK);
    CHECK_STR(names_of(store_database_list(st), "Name"), "");
    store_close(st);
    st = open_store(dir);
    REQUIRE(st);
    CHECK_STR(names_of(store_database_list(st), "Name"), "default");
    store_close(st);
    remove_data_dir(dir);
}

static void test_open_errors(void)
{
    char err[256] = "";
    CHECK(store_open("/nonexistent/athena-store-dir", err, sizeof err) == NULL);
    CHECK(strstr(err, "cannot open /nonexistent/athena-store-dir/metadata.db") != NULL);
    err[0] = '\0';
    CHECK(store_open(NULL, err, sizeof err) == NULL);
    CHECK_STR(err, "no data directory given");
    store_close(NULL);

    /* A database from a newer version is refused rather than misread. */
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);
    store_close(st);
    free(raw_sql(dir, "PRAGMA user_version=99"));
    err[0] = '\0';
    CHECK(store_open(dir, err, sizeof err) == NULL);
    CHECK(strstr(err, "schema version 99") != NULL);

    /* A file with loose permissions is tightened. */
    free(raw_sql(dir, "PRAGMA user_version=1"));
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/metadata.db", dir);
    CHECK(chmod(path, 0644) == 0);
    st = open_store(dir);
    CHECK(st != NULL);
    CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600);
    store_close(st);
    remove_data_dir(dir);
}

/* ---- catalog ---- */

static void test_databases(void)
{
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);

    json_t *sales = json_pack("{s:s, s:s, s:{s:s}}", "Name", "Sales", "Description", "orders",
                              "Parameters", "owner", "me");
    json_t *before = json_deep_copy(sales);
    CHECK_INT(store_database_create(st, sales), STORE_OK);
    CHECK(json_equal(sales, before));        /* the caller's document is untouched */
    CHECK_INT(sales->refcount, 1);
    CHECK_INT(store_database_create(st, sales), STORE_EXISTS);
    json_t *upper = json_pack("{s:s}", "Name", "SALES");
    CHECK_INT(store_database_create(st, upper), STORE_EXISTS);
    json_decref(upper);

    json_t *got = store_database_get(st, "sAlEs");
    REQUIRE(got);
    CHECK_STR(member_string(got, "Name"), "sales");
    CHECK_STR(member_string(got, "Description"), "orders");
    CHECK_STR(member_string(json_object_get(got, "Parameters"), "owner"), "me");
    json_decref(got);
    CHECK(store_database_get(st, "nope") == NULL);
    CHECK(store_database_get(st, NULL) == NULL);

    json_t *nameless = json_pack("{s:s}", "Description", "x");
    CHECK_INT(store_database_create(st, nameless), STORE_ERROR);
    CHECK_STR(store_errmsg(st), "document has no \"Name\" string");
    json_decref(nameless);
    json_t *array = json_array();
    CHECK_INT(store_database_create(st, array), STORE_ERROR);
    CHECK_INT(store_database_create(st, NULL), STORE_ERROR);
    json_decref(array);

    json_object_set_new(sales, "Description", json_string("all orders"));
    CHECK_INT(store_database_update(st, "SALES", sales), STORE_OK);
    got = store_database_get(st, "sales");
    CHECK_STR(member_string(got, "Description"), "all orders");
    CHECK_STR(member_string(got, "Name"), "sales");
    json_decref(got);
    CHECK_INT(store_database_update(st, "nope", sales), STORE_NOT_FOUND);

    json_t *zeta = json_pack("{s:s}", "Name", "Zeta");
    json_t *alpha = json_pack("{s:s}", "Name", "alpha");
    CHECK_INT(store_database_create(st, zeta), STORE_OK);
    CHECK_INT(store_database_create(st, alpha), STORE_OK);
    CHECK_STR(names_of(store_database_list(st), "Name"), "alpha,default,sales,zeta");
    CHECK_INT(store_database_delete(st, "ZETA", 0), STORE_OK);
    CHECK_INT(store_database_delete(st, "zeta", 0), STORE_NOT_FOUND);
    CHECK_INT(store_database_delete(st, "zeta", 1), STORE_NOT_FOUND);
    CHECK_STR(names_of(store_database_list(st), "Name"), "alpha,default,sales");

    json_decref(zeta);
    json_decref(alpha);
    json_decref(sales);
    json_decref(before);
    store_close(st);
    remove_data_dir(dir);
}

static json_t *table_doc(const char *name)
{
    return json_pack("{s:s, s:s, s:{s:[{s:s, s:s}], s:s}}", "Name", name, "TableType",
                     "EXTERNAL_TABLE", "StorageDescriptor", "Columns", "Name", "id", "Type",
                     "bigint", "Location", "s3://bucket/t/");
}

static void test_tables(void)
{
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);
    json_t *flights = table_doc("Flights");
    json_t *airports = table_doc("airports");

    CHECK_INT(store_table_create(st, "travel", flights), STORE_NOT_FOUND);
    json_t *travel = json_pack("{s:s}", "Name", "Travel");
    CHECK_INT(store_database_create(st, travel), STORE_OK);
    CHECK_INT(store_table_create(st, "TRAVEL", flights), STORE_OK);
    CHECK_STR(member_string(flights, "Name"), "Flights");   /* input untouched */
    CHECK(json_object_get(flights, "DatabaseName") == NULL);
    CHECK_INT(store_table_create(st, "travel", flights), STORE_EXISTS);
    CHECK_INT(store_table_create(st, "travel", airports), STORE_OK);
    json_t *nameless = json_pack("{s:s}", "TableType", "VIEW");
    CHECK_INT(store_table_create(st, "travel", nameless), STORE_ERROR);
    json_decref(nameless);

    json_t *got = store_table_get(st, "Travel", "FLIGHTS");
    REQUIRE(got);
    CHECK_STR(member_string(got, "Name"), "flights");
    CHECK_STR(member_string(got, "DatabaseName"), "travel");
    CHECK_STR(member_string(got, "TableType"), "EXTERNAL_TABLE");
    json_t *column = json_array_get(
        json_object_get(json_object_get(got, "StorageDescriptor"), "Columns"), 0);
    CHECK_STR(member_string(column, "Type"), "bigint");
    json_decref(got);
    CHECK(store_table_get(st, "travel", "nope") == NULL);
    CHECK(store_table_get(st, "default", "flights") == NULL);
    CHECK_STR(names_of(store_table_list(st, "TRAVEL"), "Name"), "airports,flights");
    CHECK_STR(names_of(store_table_list(st, "default"), "Name"), "");
    CHECK_STR(names_of(store_table_list(st, "missing"), "Name"), "");

    json_object_set_new(flights, "TableType", json_string("VIRTUAL_VIEW"));
    CHECK_INT(store_table_update(st, "travel", "flights", flights), STORE_OK);
    got = store_table_get(st, "travel", "flights");
    CHECK_STR(member_string(got, "TableType"), "VIRTUAL_VIEW");
    json_decref(got);
    CHECK_INT(store_table_update(st, "travel", "nope", flights), STORE_NOT_FOUND);
    CHECK_INT(store_table_update(st, "nope", "flights", flights), STORE_NOT_FOUND);

    CHECK_INT(store_table_delete(st, "travel", "AIRPORTS"), STORE_OK);
    CHECK_INT(store_table_delete(st, "travel", "airports"), STORE_NOT_FOUND);
    CHECK_INT(store_database_delete(st, "travel", 0), STORE_NOT_EMPTY);
    got = store_table_get(st, "travel", "flights");
    CHECK(got != NULL);
    json_decref(got);
    CHECK_INT(store_database_delete(st, "travel", 1), STORE_OK);
    CHECK(store_database_get(st, "travel") == NULL);
    CHECK(raw_sql_is(dir, "SELECT count(*) FROM tables", "0"));
    /* A new database of the same name starts empty. */
    CHECK_INT(store_database_create(st, travel), STORE_OK);
    CHECK_STR(names_of(store_table_list(st, "travel"), "Name"), "");

    json_decref(travel);
    json_decref(flights);
    json_decref(airports);
    store_close(st);
    remove_data_dir(dir);
}

static void test_workgroups(void)
{
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);
    json_t *upper = json_pack("{s:s, s:s}", "Name", "Analytics", "State", "ENABLED");
    json_t *lower = json_pack("{s:s, s:s}", "Name", "analytics", "State", "DISABLED");
    CHECK_INT(store_workgroup_create(st, upper), STORE_OK);
    CHECK_INT(store_workgroup_create(st, upper), STORE_EXISTS);
    CHECK_INT(store_workgroup_create(st, lower), STORE_OK);   /* case-sensitive names */
    CHECK_STR(names_of(store_workgroup_list(st), "Name"), "Analytics,analytics,primary");

    json_t *got = store_workgroup_get(st, "analytics");
    CHECK_STR(member_string(got, "State"), "DISABLED");
    json_decref(got);
    got = store_workgroup_get(st, "Analytics");
    CHECK_STR(member_string(got, "State"), "ENABLED");
    json_decref(got);
    CHECK(store_workgroup_get(st, "ANALYTICS") == NULL);

    json_object_set_new(upper, "State", json_string("DISABLED"));
    CHECK_INT(store_workgroup_update(st, "Analytics", upper), STORE_OK);
    got = store_workgroup_get(st, "Analytics");
    CHECK_STR(member_string(got, "State"), "DISABLED");
    json_decref(got);
    CHECK_INT(store_workgroup_update(st, "ANALYTICS", upper), STORE_NOT_FOUND);

    CHECK_INT(store_workgroup_delete(st, "analytics"), STORE_OK);
    CHECK_INT(store_workgroup_delete(st, "analytics"), STORE_NOT_FOUND);
    CHECK_INT(store_workgroup_delete(st, NULL), STORE_ERROR);
    CHECK_STR(names_of(store_workgroup_list(st), "Name"), "Analytics,primary");
    json_decref(upper);
    json_decref(lower);
    store_close(st);
    remove_data_dir(dir);
}

/* ---- query history ---- */

static void test_queries(void)
{
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);
    const char *token = "0123456789abcdef0123456789abcdef";
    json_t *q1 = query_doc("q1", "primary", "QUEUED", 1000.5);
    json_t *q1_again = query_doc("q1", "other", "QUEUED", 1001);
    json_t *q2 = query_doc("q2", "primary", "QUEUED", 1002);
    json_t *q3 = query_doc("q3", "other", "QUEUED", 1003);

    CHECK_INT(store_query_insert(st, q1, token), STORE_OK);
    CHECK_INT(q1->refcount, 1);
    CHECK_INT(store_query_insert(st, q1_again, NULL), STORE_EXISTS);   /* same id */
    CHECK_INT(store_query_insert(st, q2, token), STORE_EXISTS);        /* same token */
    CHECK_INT(store_query_insert(st, q3, token), STORE_OK);            /* other workgroup */
    CHECK_INT(store_query_insert(st, q2, NULL), STORE_OK);

    json_t *got = store_query_by_token(st, "primary", token);
    CHECK_STR(member_string(got, "QueryExecutionId"), "q1");
    CHECK(json_real_value(json_object_get(json_object_get(got, "Status"),
                                          "SubmissionDateTime")) == 1000.5);
    json_decref(got);
    got = store_query_by_token(st, "other", token);
    CHECK_STR(member_string(got, "QueryExecutionId"), "q3");
    json_decref(got);
    CHECK(store_query_by_token(st, "primary", "ffffffffffffffffffffffffffffffff") == NULL);
    CHECK(store_query_by_token(st, "primary", NULL) == NULL);

    /* Queries without a token never collide, an empty token is none. */
    json_t *q4 = query_doc("q4", "primary", "QUEUED", 1004);
    json_t *q5 = query_doc("q5", "primary", "QUEUED", 1005);
    CHECK_INT(store_query_insert(st, q4, ""), STORE_OK);
    CHECK_INT(store_query_insert(st, q5, ""), STORE_OK);
    CHECK(store_query_by_token(st, "primary", "") == NULL);

    /* Updates change the document and the indexed columns. */
    json_object_set_new(json_object_get(q2, "Status"), "State", json_string("SUCCEEDED"));
    CHECK_INT(store_query_update(st, q2), STORE_OK);
    got = store_query_get(st, "q2");
    CHECK_STR(status_string(got, "State"), "SUCCEEDED");
    json_decref(got);
    CHECK(raw_sql_is(dir, "SELECT state FROM queries WHERE id = 'q2'", "SUCCEEDED"));
    json_t *ghost = query_doc("ghost", "primary", "RUNNING", 1);
    CHECK_INT(store_query_update(st, ghost), STORE_NOT_FOUND);
    CHECK(store_query_get(st, "ghost") == NULL);

    /* The indexed columns must be readable from the document. */
    json_t *bad = json_pack("{s:s, s:s}", "QueryExecutionId", "bad", "WorkGroup", "primary");
    CHECK_INT(store_query_insert(st, bad, NULL), STORE_ERROR);
    CHECK_STR(store_errmsg(st), "query execution bad has no Status.State");
    json_object_set_new(bad, "Status", json_pack("{s:s}", "State", "QUEUED"));
    CHECK_INT(store_query_insert(st, bad, NULL), STORE_ERROR);
    CHECK_STR(store_errmsg(st), "query execution bad has no Status.SubmissionDateTime");
    json_object_del(bad, "WorkGroup");
    CHECK_INT(store_query_insert(st, bad, NULL), STORE_ERROR);
    CHECK_STR(store_errmsg(st), "query execution bad has no WorkGroup");
    json_object_del(bad, "QueryExecutionId");
    CHECK_INT(store_query_insert(st, bad, NULL), STORE_ERROR);
    CHECK_STR(store_errmsg(st), "query execution has no QueryExecutionId");
    CHECK(store_query_get(st, "bad") == NULL);

    json_t *all[] = {q1, q1_again, q2, q3, q4, q5, ghost, bad};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        json_decref(all[i]);
    store_close(st);
    remove_data_dir(dir);
}

static void test_query_list_paging(void)
{
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);
    /* Inserted out of order; "c" and "d" share a submission time, so the
     * id breaks the tie (newest first means larger id first too). */
    struct { const char *id; double submitted; const char *wg; } rows[] = {
        {"b", 200, "primary"}, {"e", 400, "primary"}, {"a", 100, "primary"},
        {"c", 300, "primary"}, {"d", 300, "primary"}, {"x", 350, "other"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        json_t *q = query_doc(rows[i].id, rows[i].wg, "SUCCEEDED", rows[i].submitted);
        CHECK_INT(store_query_insert(st, q, NULL), STORE_OK);
        json_decref(q);
    }
    int more = -1;
    CHECK_STR(names_of(store_query_list(st, "primary", 0, 2, &more), NULL), "e,d");
    CHECK_INT(more, 1);
    CHECK_STR(names_of(store_query_list(st, "primary", 2, 2, &more), NULL), "c,b");
    CHECK_INT(more, 1);
    CHECK_STR(names_of(store_query_list(st, "primary", 4, 2, &more), NULL), "a");
    CHECK_INT(more, 0);
    CHECK_STR(names_of(store_query_list(st, "primary", 3, 2, &more), NULL), "b,a");
    CHECK_INT(more, 0);
    CHECK_STR(names_of(store_query_list(st, "primary", 5, 2, &more), NULL), "");
    CHECK_INT(more, 0);
    CHECK_STR(names_of(store_query_list(st, "primary", 0, 0, &more), NULL), "");
    CHECK_INT(more, 1);
    CHECK_STR(names_of(store_query_list(st, "primary", 0, SIZE_MAX, &more), NULL), "e,d,c,b,a");
    CHECK_INT(more, 0);
    CHECK_STR(names_of(store_query_list(st, "primary", SIZE_MAX, 5, &more), NULL), "");
    CHECK_STR(names_of(store_query_list(st, "other", 0, 50, &more), NULL), "x");
    CHECK_STR(names_of(store_query_list(st, "nobody", 0, 50, &more), NULL), "");
    CHECK_STR(names_of(store_query_list(st, NULL, 0, 50, &more), NULL), "e,x,d,c,b,a");
    CHECK_STR(names_of(store_query_list(st, "primary", 0, 1, NULL), NULL), "e");

    /* An update moves a query in the order when its submission time moves. */
    json_t *a = query_doc("a", "primary", "SUCCEEDED", 500);
    CHECK_INT(store_query_update(st, a), STORE_OK);
    json_decref(a);
    CHECK_STR(names_of(store_query_list(st, "primary", 0, 2, &more), NULL), "a,e");
    store_close(st);
    remove_data_dir(dir);
}

static void test_fail_unfinished(void)
{
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);
    const char *states[][2] = {
        {"queued", "QUEUED"}, {"running", "RUNNING"}, {"done", "SUCCEEDED"},
        {"cancelled", "CANCELLED"}, {"finished_later", "RUNNING"},
    };
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        json_t *q = query_doc(states[i][0], "primary", states[i][1], 100.0 + (double)i);
        CHECK_INT(store_query_insert(st, q, NULL), STORE_OK);
        json_decref(q);
    }
    /* The state column follows updates: this one is no longer running. */
    json_t *later = query_doc("finished_later", "primary", "SUCCEEDED", 104);
    CHECK_INT(store_query_update(st, later), STORE_OK);
    json_decref(later);

    CHECK_INT(store_fail_unfinished(st, "athena-local restarted"), 2);
    CHECK_INT(store_fail_unfinished(st, "athena-local restarted"), 0);
    CHECK_INT(store_fail_unfinished(st, NULL), -1);
    store_close(st);

    st = open_store(dir);
    REQUIRE(st);
    const char *lost[] = {"queued", "running"};
    for (size_t i = 0; i < 2; i++) {
        json_t *q = store_query_get(st, lost[i]);
        REQUIRE(q);
        json_t *status = json_object_get(q, "Status");
        CHECK_STR(status_string(q, "State"), "FAILED");
        CHECK_STR(status_string(q, "StateChangeReason"), "athena-local restarted");
        CHECK(json_real_value(json_object_get(status, "CompletionDateTime")) > 1.6e9);
        CHECK(json_number_value(json_object_get(status, "SubmissionDateTime")) ==
              100.0 + (double)i);
        json_t *error = json_object_get(status, "AthenaError");
        CHECK_INT(json_integer_value(json_object_get(error, "ErrorCategory")), 1);
        CHECK_INT(json_integer_value(json_object_get(error, "ErrorType")), 100);
        CHECK(json_is_true(json_object_get(error, "Retryable")));
        CHECK_STR(member_string(error, "ErrorMessage"), "athena-local restarted");
        CHECK_STR(member_string(q, "Query"), "SELECT 1");
        json_decref(q);
    }
    const char *kept[][2] = {{"done", "SUCCEEDED"}, {"cancelled", "CANCELLED"},
                             {"finished_later", "SUCCEEDED"}};
    for (size_t i = 0; i < 3; i++) {
        json_t *q = store_query_get(st, kept[i][0]);
        CHECK_STR(status_string(q, "State"), kept[i][1]);
        CHECK(json_object_get(json_object_get(q, "Status"), "AthenaError") == NULL);
        json_decref(q);
    }
    CHECK(raw_sql_is(dir, "SELECT group_concat(id, ',') FROM (SELECT id FROM queries "
                          "WHERE state = 'FAILED' ORDER BY id)", "queued,running"));
    store_close(st);
    remove_data_dir(dir);
}

/* ---- settings, damage, threads, persistence ---- */

static void test_settings(void)
{
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);
    CHECK(store_setting_get(st, "root.access_key_id") == NULL);
    CHECK_INT(store_setting_put(st, "root.access_key_id", "AKIALOCAL"), STORE_OK);
    CHECK_INT(store_setting_put(st, "root.secret", "first"), STORE_OK);
    CHECK_INT(store_setting_put(st, "root.secret", "second"), STORE_OK);
    CHECK_INT(store_setting_put(st, "empty", ""), STORE_OK);
    CHECK_INT(store_setting_put(st, NULL, "x"), STORE_ERROR);
    CHECK_INT(store_setting_put(st, "k", NULL), STORE_ERROR);
    store_close(st);

    st = open_store(dir);
    REQUIRE(st);
    char *value = store_setting_get(st, "root.secret");
    CHECK_STR(value, "second");
    free(value);
    value = store_setting_get(st, "root.access_key_id");
    CHECK_STR(value, "AKIALOCAL");
    free(value);
    value = store_setting_get(st, "empty");
    CHECK_STR(value, "");
    free(value);
    CHECK(store_setting_get(st, NULL) == NULL);
    store_close(st);
    remove_data_dir(dir);
}

static void test_corrupt_documents(void)
{
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);
    json_t *t1 = table_doc("good");
    json_t *t2 = table_doc("broken");
    json_t *t3 = table_doc("array");
    CHECK_INT(store_table_create(st, "default", t1), STORE_OK);
    CHECK_INT(store_table_create(st, "default", t2), STORE_OK);
    CHECK_INT(store_table_create(st, "default", t3), STORE_OK);
    json_t *q = query_doc("lost", "primary", "RUNNING", 5);
    CHECK_INT(store_query_insert(st, q, NULL), STORE_OK);

    free(raw_sql(dir, "UPDATE tables SET doc = '{\"Name\": \"bro' WHERE name = 'broken'"));
    free(raw_sql(dir, "UPDATE tables SET doc = '[1, 2]' WHERE name = 'array'"));
    free(raw_sql(dir, "UPDATE queries SET doc = 'garbage' WHERE id = 'lost'"));

    CHECK(store_table_get(st, "default", "broken") == NULL);
    CHECK(strstr(store_errmsg(st), "stored document of 'broken' is corrupt") != NULL);
    CHECK(store_table_get(st, "default", "array") == NULL);
    CHECK_STR(names_of(store_table_list(st, "default"), "Name"), "good");
    CHECK(store_query_get(st, "lost") == NULL);
    CHECK(strstr(store_errmsg(st), "'lost' is corrupt") != NULL);

    /* A lost query whose document is damaged still stops being RUNNING. */
    CHECK_INT(store_fail_unfinished(st, "restart"), 1);
    CHECK(raw_sql_is(dir, "SELECT state FROM queries WHERE id = 'lost'", "FAILED"));
    int more;
    CHECK_STR(names_of(store_query_list(st, "primary", 0, 10, &more), NULL), "lost");

    /* The damaged rows can still be replaced and removed. */
    CHECK_INT(store_table_update(st, "default", "broken", t2), STORE_OK);
    json_t *got = store_table_get(st, "default", "broken");
    CHECK_STR(member_string(got, "Name"), "broken");
    json_decref(got);
    CHECK_INT(store_table_delete(st, "default", "array"), STORE_OK);

    json_decref(t1);
    json_decref(t2);
    json_decref(t3);
    json_decref(q);
    store_close(st);
    remove_data_dir(dir);
}

#define THREADS 4
#define QUERIES_PER_THREAD 60

typedef struct worker {
    store *st;
    int index;
    int errors;
} worker;

/* Each thread inserts its own queries and tables and reads everything back,
 * interleaved with the others. */
static void *worker_run(void *arg)
{
    worker *w = arg;
    char id[64], token[64], name[64];
    for (int i = 0; i < QUERIES_PER_THREAD; i++) {
        snprintf(id, sizeof id, "t%d-q%03d", w->index, i);
        snprintf(token, sizeof token, "token-%d-%d", w->index, i);
        json_t *q = query_doc(id, "primary", "QUEUED", 1000.0 + i);
        w->errors += store_query_insert(w->st, q, token) != STORE_OK;
        json_object_set_new(json_object_get(q, "Status"), "State", json_string("SUCCEEDED"));
        w->errors += store_query_update(w->st, q) != STORE_OK;
        json_decref(q);

        json_t *got = store_query_by_token(w->st, "primary", token);
        w->errors += !got || strcmp(member_string(got, "QueryExecutionId"), id) != 0;
        json_decref(got);
        int more;
        json_t *ids = store_query_list(w->st, "primary", 0, 10, &more);
        w->errors += !ids || json_array_size(ids) == 0;
        json_decref(ids);

        if (i % 10 == 0) {
            snprintf(name, sizeof name, "t%d_%d", w->index, i);
            json_t *t = table_doc(name);
            w->errors += store_table_create(w->st, "default", t) != STORE_OK;
            json_decref(t);
            json_t *tables = store_table_list(w->st, "default");
            w->errors += !tables;
            json_decref(tables);
            w->errors += store_setting_put(w->st, "last", name) != STORE_OK;
            /* Errors recorded by many threads at once stay readable. */
            json_t *nameless = json_object();
            w->errors += store_workgroup_create(w->st, nameless) != STORE_ERROR;
            w->errors += strcmp(store_errmsg(w->st), "document has no \"Name\" string") != 0;
            json_decref(nameless);
        }
    }
    return NULL;
}

static void test_concurrent_use(void)
{
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);
    pthread_t threads[THREADS];
    worker workers[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (worker){st, i, 0};
        CHECK(pthread_create(&threads[i], NULL, worker_run, &workers[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        CHECK_INT(workers[i].errors, 0);
    }
    json_t *ids = store_query_list(st, NULL, 0, SIZE_MAX, NULL);
    CHECK_INT(json_array_size(ids), THREADS * QUERIES_PER_THREAD);
    json_decref(ids);
    json_t *tables = store_table_list(st, "default");
    CHECK_INT(json_array_size(tables), THREADS * QUERIES_PER_THREAD / 10);
    json_decref(tables);
    CHECK_INT(store_fail_unfinished(st, "none left"), 0);
    store_close(st);
    remove_data_dir(dir);
}

static void test_persistence(void)
{
    char *dir = make_data_dir();
    REQUIRE(dir);
    store *st = open_store(dir);
    REQUIRE(st);
    json_t *db = json_pack("{s:s, s:s}", "Name", "Kept", "LocationUri", "s3://kept/");
    json_t *table = table_doc("T1");
    json_t *wg = json_pack("{s:s, s:s}", "Name", "team", "State", "ENABLED");
    json_t *q = query_doc("persisted", "team", "SUCCEEDED", 42.25);
    CHECK_INT(store_database_create(st, db), STORE_OK);
    CHECK_INT(store_table_create(st, "kept", table), STORE_OK);
    CHECK_INT(store_workgroup_create(st, wg), STORE_OK);
    CHECK_INT(store_query_insert(st, q, "tok"), STORE_OK);
    store_close(st);

    st = open_store(dir);
    REQUIRE(st);
    json_t *got = store_database_get(st, "KEPT");
    CHECK_STR(member_string(got, "LocationUri"), "s3://kept/");
    json_decref(got);
    got = store_table_get(st, "kept", "t1");
    CHECK_STR(member_string(got, "DatabaseName"), "kept");
    json_decref(got);
    got = store_workgroup_get(st, "team");
    CHECK_STR(member_string(got, "State"), "ENABLED");
    json_decref(got);
    got = store_query_by_token(st, "team", "tok");
    REQUIRE(got);
    CHECK(json_equal(got, q));
    json_decref(got);
    CHECK_STR(names_of(store_workgroup_list(st), "Name"), "primary,team");
    store_close(st);

    json_decref(db);
    json_decref(table);
    json_decref(wg);
    json_decref(q);
    remove_data_dir(dir);
}

int main(void)
{
    RUN(test_open_creates_file_and_defaults);
    RUN(test_reopen_keeps_defaults);
    RUN(test_open_errors);
    RUN(test_databases);
    RUN(test_tables);
    RUN(test_workgroups);
    RUN(test_queries);
    RUN(test_query_list_paging);
    RUN(test_fail_unfinished);
    RUN(test_settings);
    RUN(test_corrupt_documents);
    RUN(test_concurrent_use);
    RUN(test_persistence);
    return test_summary();
}
