/*
 * test_srv_ddl_authz.c: catalog statements run with a caller's permissions
 * (ddl_authz.c over authz.h), as the executor runs them: an IAM user whose
 * inline policy each test sets is allowed or refused each Glue and S3
 * operation a statement performs, with Athena's reason, and a refused
 * statement changes nothing (no table, partition, file or staging folder).
 * Also: the workgroup's bytes-scanned cutoff stops CTAS, INSERT INTO and
 * UNLOAD before their files are published, and root and a caller of no
 * kind (fail closed).
 */
#include "ddl_engine_fixture.h"
#include "ddl_internal.h"
#include "test.h"

#include "authz.h"
#include "iam_identity.h"
#include "store_iam.h"


#define BOB_ARN "arn:aws:iam::123456789012:user/bob"
#define GLUE_ARN "arn:aws:glue:us-east-1:123456789012:"
#define GLUE_REASON "Insufficient permissions to execute the query. "

static server srv;
static srv_caller bob;
static ddl_outcome outcome;
static int query_number;

/* "User: bob is not authorized to perform: ACTION on resource: ARN because
 * no identity-based policy allows the ACTION action", as AWS words it. */
static const char *implicit(const char *action, const char *resource, int quote)
{
    static char m[1024];
    snprintf(m, sizeof m, "User: " BOB_ARN " is not authorized to perform: %s on resource: "
             "%s%s%s because no identity-based policy allows the %s action", action,
             quote ? "\"" : "", resource, quote ? "\"" : "", action);
    return m;
}

/* Sets bob's only policy: statements in JSON with ' for ". */
static void set_policy(const char *statements)
{
    char doc[4096];
    size_t n = (size_t)snprintf(doc, sizeof doc, "{'Version':'2012-10-17','Statement':[%s]}",
                                statements);
    for (size_t i = 0; i < n && i < sizeof doc; i++)
        if (doc[i] == '\'')
            doc[i] = '"';
    REQUIRE(store_iam_inline_put(st, STORE_IAM_USER, "bob", "p", doc) == STORE_OK);
}

#define ATHENA_ALL "{'Effect':'Allow','Action':'athena:*','Resource':'*'}"
#define GLUE_ALL "{'Effect':'Allow','Action':'glue:*','Resource':'*'}"
#define READ_DATA "{'Effect':'Allow','Action':['s3:ListBucket','s3:GetObject']," \
                  "'Resource':['arn:aws:s3:::data','arn:aws:s3:::data/*']}"
#define WRITE_ALL "{'Effect':'Allow','Action':'s3:PutObject','Resource':'*'}"

/* The executor's checked lookup of a query's tables (executor.c). */
static json_t *checked_lookup(void *user_data, const char *database, const char *table)
{
    authz_query_access *a = user_data;
    if (authz_query_table(a, database, table) != 0)
        return NULL;
    json_t *doc = ddl_catalog_lookup(st, database, table);
    if (doc && authz_query_table_data(a, database, table, doc) != 0) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* Runs sql as query q<n> (results under s3://results/out/) for caller,
 * with the given cutoff. */
static int run_as(const srv_caller *caller, const char *sql, int64_t cutoff)
{
    static char id[32], output[96];
    snprintf(id, sizeof id, "q%d", ++query_number);
    snprintf(output, sizeof output, "s3://results/out/%s.txt", id);
    memset(&outcome, 0, sizeof outcome);
    authz_query_access access;
    authz_query_begin(&access, &srv, caller);
    ddl_query_info query = {.query_id = id, .output_location = output, .outcome = &outcome,
                            .lookup = checked_lookup, .lookup_user_data = &access,
                            .access = &access, .bytes_scanned_cutoff = cutoff};
    collector_reset(&out);
    engine_sink sink = {collect_columns, collect_row, &out};
    ddl_environment env = {st, s3_root, sess, ACCOUNT};
    memset(&err, 0, sizeof err);
    int rc = ddl_run_query(&env, &query, sql, "default", &sink, &err);
    if (rc != 0 && !access.denied && !err.over_cutoff)
        fprintf(stderr, "  (not a refusal) %.100s -> %s\n", sql, err.message);
    authz_query_end(&access);
    return rc;
}

static int bob_ok(const char *sql)
{
    int rc = run_as(&bob, sql, 0);
    if (rc != 0)
        fprintf(stderr, "  unexpected refusal of %.160s\n  -> %s\n", sql, err.message);
    return rc == 0;
}

/* sql is refused with exactly reason. */
static void check_denied(const char *sql, const char *reason, int line)
{
    test_checks++;
    int rc = run_as(&bob, sql, 0);
    if (rc != -1 || !err.denied || !err.user_error || strcmp(err.message, reason) != 0) {
        test_failures++;
        fprintf(stderr, "line %d: %s: expected a refusal of %.160s\n  got: rc=%d denied=%d %s\n"
                        "  expected: %s\n",
                line, test_current, sql, rc, err.denied, err.message, reason);
    }
}
#define CHECK_DENIED(sql, reason) check_denied(sql, reason, __LINE__)

static int table_exists(const char *db, const char *name)
{
    json_t *t = store_table_get(st, db, name);
    json_decref(t);
    return t != NULL;
}

/* A fresh catalog made by root (no checks): database db, table db.t over
 * s3://data/t/, db.p partitioned by k with partition k=1, and bob. */
static void open_catalog(void)
{
    iam_identity_close(&srv);
    all_open();
    memset(&srv, 0, sizeof srv);
    srv.settings.region = "us-east-1";
    srv.settings.account_id = ACCOUNT;
    srv.store = st;
    REQUIRE(put_object("data/t/a.csv", "1,one\n2,two\n") == 0);
    REQUIRE(put_object("data/p/k=1/a.csv", "1\n") == 0);
    REQUIRE(put_object("data/p/k=2/a.csv", "2\n") == 0);
    REQUIRE(put_object("results/.keep", "") == 0);
    REQUIRE(ddl_ok("CREATE DATABASE db"));
    REQUIRE(ddl_ok("CREATE EXTERNAL TABLE db.t (id int, name string) ROW FORMAT DELIMITED "
                   "FIELDS TERMINATED BY ',' LOCATION 's3://data/t/'"));
    REQUIRE(ddl_ok("CREATE EXTERNAL TABLE db.p (id int) PARTITIONED BY (k string) "
                   "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://data/p/'"));
    REQUIRE(ddl_ok("ALTER TABLE db.p ADD PARTITION (k='1')"));
    store_iam_entity user;
    memset(&user, 0, sizeof user);
    snprintf(user.name, sizeof user.name, "bob");
    snprintf(user.path, sizeof user.path, "/");
    REQUIRE(store_iam_create(st, STORE_IAM_USER, &user) == STORE_OK);
    memset(&bob, 0, sizeof bob);
    bob.kind = SRV_PRINCIPAL_USER;
    snprintf(bob.arn, sizeof bob.arn, BOB_ARN);
    snprintf(bob.user_name, sizeof bob.user_name, "bob");
    snprintf(bob.user_id, sizeof bob.user_id, "%s", user.id);
    store_iam_entity_clear(&user);
}

/* ---- tables and databases ---- */

static void test_drop_table(void)
{
    open_catalog();
    set_policy(ATHENA_ALL);
    CHECK_DENIED("DROP TABLE db.t",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: glue:GetTable on "
                 "resource: " GLUE_ARN "catalog because no identity-based policy allows the "
                 "glue:GetTable action");
    CHECK(table_exists("db", "t"));
    set_policy(ATHENA_ALL ",{'Effect':'Allow','Action':'glue:GetTable','Resource':'*'}");
    CHECK_DENIED("DROP TABLE IF EXISTS db.t",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: glue:DeleteTable "
                 "on resource: " GLUE_ARN "catalog because no identity-based policy allows the "
                 "glue:DeleteTable action");
    CHECK(table_exists("db", "t"));
    /* Allowed on db.t only: another table stays out of reach. */
    set_policy(ATHENA_ALL ",{'Effect':'Allow','Action':['glue:GetTable','glue:DeleteTable'],"
               "'Resource':['" GLUE_ARN "catalog','" GLUE_ARN "database/db','" GLUE_ARN
               "table/db/t']}");
    CHECK_DENIED("DROP TABLE db.p",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: glue:GetTable on "
                 "resource: " GLUE_ARN "table/db/p because no identity-based policy allows the "
                 "glue:GetTable action");
    CHECK(table_exists("db", "p"));
    CHECK(bob_ok("DROP TABLE db.t"));
    CHECK(!table_exists("db", "t"));
    all_close();
}

static void test_databases(void)
{
    open_catalog();
    set_policy(GLUE_ALL ",{'Effect':'Deny','Action':['glue:CreateDatabase','glue:DeleteDatabase',"
               "'glue:GetDatabases'],'Resource':'*'}");
    CHECK_DENIED("CREATE DATABASE other",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: "
                 "glue:CreateDatabase on resource: " GLUE_ARN "catalog with an explicit deny in "
                 "an identity-based policy");
    json_t *db = store_database_get(st, "other");
    CHECK(db == NULL);
    json_decref(db);
    CHECK_DENIED("DROP DATABASE db CASCADE",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: "
                 "glue:DeleteDatabase on resource: " GLUE_ARN "catalog with an explicit deny in "
                 "an identity-based policy");
    CHECK(table_exists("db", "t"));
    CHECK_DENIED("SHOW DATABASES",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: glue:GetDatabases "
                 "on resource: " GLUE_ARN "catalog with an explicit deny in an identity-based "
                 "policy");
    set_policy(GLUE_ALL);
    CHECK(bob_ok("CREATE DATABASE other"));
    CHECK(bob_ok("SHOW DATABASES"));
    CHECK(strstr(buf_str(&out.rows), "other") != NULL);
    CHECK(bob_ok("DROP DATABASE other"));
    all_close();
}

static void test_create_table(void)
{
    open_catalog();
    /* CreateTable allowed on another table's ARN only. */
    set_policy("{'Effect':'Allow','Action':['glue:GetDatabase','glue:CreateTable'],"
               "'Resource':['" GLUE_ARN "catalog','" GLUE_ARN "database/db','" GLUE_ARN
               "table/db/mine']}");
    CHECK_DENIED("CREATE EXTERNAL TABLE db.theirs (id int) LOCATION 's3://data/x/'",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: glue:CreateTable "
                 "on resource: " GLUE_ARN "table/db/theirs because no identity-based policy "
                 "allows the glue:CreateTable action");
    CHECK(!table_exists("db", "theirs"));
    CHECK(bob_ok("CREATE EXTERNAL TABLE db.mine (id int) LOCATION 's3://data/x/'"));
    CHECK(table_exists("db", "mine"));
    all_close();
}

static void test_reading_statements(void)
{
    open_catalog();
    set_policy("{'Effect':'Allow','Action':'glue:GetTable','Resource':'*'}");
    CHECK(bob_ok("DESCRIBE db.t"));
    CHECK(bob_ok("SHOW CREATE TABLE db.t"));
    CHECK(bob_ok("SHOW COLUMNS IN db.t"));
    CHECK_DENIED("SHOW PARTITIONS db.p",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: glue:GetPartitions "
                 "on resource: " GLUE_ARN "catalog because no identity-based policy allows the "
                 "glue:GetPartitions action");
    CHECK_DENIED("SHOW TABLES IN db",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: glue:GetTables on "
                 "resource: " GLUE_ARN "catalog because no identity-based policy allows the "
                 "glue:GetTables action");
    set_policy("{'Effect':'Allow','Action':'glue:Get*','Resource':'*'},"
               "{'Effect':'Deny','Action':'glue:GetTable','Resource':'" GLUE_ARN "table/db/p'}");
    CHECK(bob_ok("SHOW TABLES IN db"));
    CHECK_STR(buf_str(&out.rows), "p\nt\n");
    CHECK_DENIED("DESCRIBE db.p",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: glue:GetTable on "
                 "resource: " GLUE_ARN "table/db/p with an explicit deny in an identity-based "
                 "policy");
    all_close();
}

/* ---- partitions ---- */

static void test_partitions(void)
{
    open_catalog();
    set_policy("{'Effect':'Allow','Action':['glue:GetTable','glue:GetPartitions'],"
               "'Resource':'*'}," READ_DATA);
    CHECK_DENIED("ALTER TABLE db.p ADD PARTITION (k='2')",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: "
                 "glue:BatchCreatePartition on resource: " GLUE_ARN "catalog because no "
                 "identity-based policy allows the glue:BatchCreatePartition action");
    CHECK_DENIED("ALTER TABLE db.p DROP PARTITION (k='1')",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: "
                 "glue:BatchDeletePartition on resource: " GLUE_ARN "catalog because no "
                 "identity-based policy allows the glue:BatchDeletePartition action");
    CHECK_DENIED("MSCK REPAIR TABLE db.p",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: "
                 "glue:BatchCreatePartition on resource: " GLUE_ARN "catalog because no "
                 "identity-based policy allows the glue:BatchCreatePartition action");
    CHECK(bob_ok("SHOW PARTITIONS db.p"));
    CHECK_STR(buf_str(&out.rows), "k=1\n");
    /* MSCK lists the table's location. */
    set_policy("{'Effect':'Allow','Action':'glue:*','Resource':'*'}");
    char reason[1400];
    snprintf(reason, sizeof reason, "Permission denied on S3 path: s3://data/p/. %s",
             implicit("s3:ListBucket", "arn:aws:s3:::data", 1));
    CHECK_DENIED("MSCK REPAIR TABLE db.p", reason);
    set_policy("{'Effect':'Allow','Action':'glue:*','Resource':'*'}," READ_DATA);
    CHECK(bob_ok("MSCK REPAIR TABLE db.p"));
    CHECK(bob_ok("ALTER TABLE db.p DROP PARTITION (k='1')"));
    CHECK(bob_ok("SHOW PARTITIONS db.p"));
    CHECK_STR(buf_str(&out.rows), "k=2\n");
    all_close();
}

/* ---- views ---- */

static void test_views(void)
{
    open_catalog();
    set_policy("{'Effect':'Allow','Action':['glue:GetDatabase','glue:CreateTable'],"
               "'Resource':'*'}");
    CHECK_DENIED("CREATE VIEW db.v AS SELECT id FROM db.t",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: glue:GetTable on "
                 "resource: " GLUE_ARN "catalog because no identity-based policy allows the "
                 "glue:GetTable action");
    CHECK(!table_exists("db", "v"));
    set_policy("{'Effect':'Allow','Action':['glue:GetDatabase','glue:CreateTable',"
               "'glue:GetTable','glue:DeleteTable'],'Resource':'*'}");
    CHECK(bob_ok("CREATE VIEW db.v AS SELECT id FROM db.t"));
    /* Replacing an existing view updates its table. */
    CHECK_DENIED("CREATE OR REPLACE VIEW db.v AS SELECT name FROM db.t",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: glue:UpdateTable "
                 "on resource: " GLUE_ARN "catalog because no identity-based policy allows the "
                 "glue:UpdateTable action");
    CHECK(bob_ok("DROP VIEW db.v"));
    CHECK(!table_exists("db", "v"));
    all_close();
}

/* ---- statements that write files ---- */

static void test_ctas(void)
{
    open_catalog();
    set_policy(GLUE_ALL "," READ_DATA);
    char reason[1400];
    snprintf(reason, sizeof reason, "Permission denied on S3 path: s3://data/out/. %s",
             implicit("s3:PutObject", "arn:aws:s3:::data/out/*", 1));
    CHECK_DENIED("CREATE TABLE db.c WITH (external_location = 's3://data/out/') AS "
                 "SELECT * FROM db.t", reason);
    CHECK(!table_exists("db", "c"));
    CHECK(!s3_exists("data/out"));
    CHECK_INT(s3_entries("data"), 2);   /* t, p: no staging left */
    /* The default location, under the query's output folder. */
    test_checks++;
    if (run_as(&bob, "CREATE TABLE db.c AS SELECT * FROM db.t", 0) != -1 || !err.denied ||
        !strstr(err.message, "s3:PutObject on resource: \"arn:aws:s3:::results/out/tables/")) {
        test_failures++;
        fprintf(stderr, "CTAS without a location was not refused: %s\n", err.message);
    }
    CHECK(!table_exists("db", "c"));
    /* Partitioned: glue:BatchCreatePartition too. */
    set_policy(GLUE_ALL "," READ_DATA "," WRITE_ALL
               ",{'Effect':'Deny','Action':'glue:BatchCreatePartition','Resource':'*'}");
    CHECK_DENIED("CREATE TABLE db.c WITH (external_location = 's3://data/out/', "
                 "partitioned_by = ARRAY['name']) AS SELECT id, name FROM db.t",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: "
                 "glue:BatchCreatePartition on resource: " GLUE_ARN "catalog with an explicit "
                 "deny in an identity-based policy");
    CHECK(!s3_exists("data/out"));
    /* Its query reads with the caller's permissions. */
    set_policy(GLUE_ALL "," WRITE_ALL);
    snprintf(reason, sizeof reason, "Permission denied on S3 path: s3://data/t/. %s",
             implicit("s3:ListBucket", "arn:aws:s3:::data", 1));
    CHECK_DENIED("CREATE TABLE db.c WITH (external_location = 's3://data/out/') AS "
                 "SELECT * FROM db.t", reason);
    CHECK(!table_exists("db", "c"));
    CHECK(!s3_exists("data/out"));
    CHECK_INT(s3_entries("data"), 2);
    set_policy(GLUE_ALL "," READ_DATA "," WRITE_ALL);
    CHECK(bob_ok("CREATE TABLE db.c WITH (external_location = 's3://data/out/') AS "
                 "SELECT * FROM db.t"));
    CHECK(table_exists("db", "c"));
    CHECK_INT(s3_entries("data/out"), 1);
    all_close();
}

static void test_insert(void)
{
    open_catalog();
    set_policy(GLUE_ALL "," READ_DATA);
    char reason[1400];
    snprintf(reason, sizeof reason, "Permission denied on S3 path: s3://data/t/. %s",
             implicit("s3:PutObject", "arn:aws:s3:::data/t/*", 1));
    CHECK_DENIED("INSERT INTO db.t SELECT 3, 'three'", reason);
    CHECK_INT(s3_entries("data/t"), 1);
    CHECK_INT(s3_entries("data"), 2);
    /* A partitioned table: glue:BatchCreatePartition. */
    set_policy("{'Effect':'Allow','Action':['glue:GetTable','glue:GetDatabase'],"
               "'Resource':'*'}," READ_DATA "," WRITE_ALL);
    CHECK_DENIED("INSERT INTO db.p SELECT 3, '3'",
                 GLUE_REASON "User: " BOB_ARN " is not authorized to perform: "
                 "glue:BatchCreatePartition on resource: " GLUE_ARN "catalog because no "
                 "identity-based policy allows the glue:BatchCreatePartition action");
    CHECK(!s3_exists("data/p/k=3"));
    /* A partition registered outside the table's location needs its own. */
    REQUIRE(ddl_ok("ALTER TABLE db.p ADD PARTITION (k='9') LOCATION 's3://elsewhere/k9/'"));
    REQUIRE(put_object("elsewhere/.keep", "") == 0);
    set_policy(GLUE_ALL "," READ_DATA ",{'Effect':'Allow','Action':'s3:PutObject',"
               "'Resource':'arn:aws:s3:::data/*'}");
    snprintf(reason, sizeof reason, "Permission denied on S3 path: s3://elsewhere/k9/. %s",
             implicit("s3:PutObject", "arn:aws:s3:::elsewhere/k9/*", 1));
    CHECK_DENIED("INSERT INTO db.p SELECT 3, '9'", reason);
    CHECK(!s3_exists("elsewhere/k9"));
    CHECK(bob_ok("INSERT INTO db.t SELECT 3, 'three'"));
    CHECK_INT(s3_entries("data/t"), 2);
    all_close();
}

static void test_unload(void)
{
    open_catalog();
    set_policy(GLUE_ALL "," READ_DATA);
    char reason[1400];
    snprintf(reason, sizeof reason, "Permission denied on S3 path: s3://results/unloaded/. %s",
             implicit("s3:PutObject", "arn:aws:s3:::results/unloaded/*", 1));
    CHECK_DENIED("UNLOAD (SELECT * FROM db.t) TO 's3://results/unloaded/' "
                 "WITH (format = 'JSON')", reason);
    CHECK_INT(s3_entries("results"), 1);   /* .keep only */
    set_policy(GLUE_ALL "," READ_DATA "," WRITE_ALL);
    CHECK(bob_ok("UNLOAD (SELECT * FROM db.t) TO 's3://results/unloaded/' "
                 "WITH (format = 'JSON')"));
    CHECK_INT(s3_entries("results/unloaded"), 1);
    all_close();
}

/* ---- the bytes-scanned cutoff ---- */

static void test_cutoff_before_publishing(void)
{
    open_catalog();
    srv_caller root;
    memset(&root, 0, sizeof root);
    root.kind = SRV_PRINCIPAL_ROOT;
    const char *const statements[] = {
        "CREATE TABLE db.c WITH (external_location = 's3://data/out/') AS SELECT * FROM db.t",
        "INSERT INTO db.t SELECT * FROM db.t",
        "UNLOAD (SELECT * FROM db.t) TO 's3://results/unloaded/' WITH (format = 'JSON')",
    };
    for (size_t i = 0; i < sizeof statements / sizeof *statements; i++) {
        CHECK_INT(run_as(&root, statements[i], 5), -1);
        CHECK(err.over_cutoff);
        CHECK_STR(err.message, "Bytes scanned limit was exceeded");
        CHECK_INT(outcome.bytes_scanned, 12);
        CHECK_STR(outcome.manifest_location, "");
    }
    CHECK(!table_exists("db", "c"));
    CHECK(!s3_exists("data/out"));
    CHECK_INT(s3_entries("data"), 2);
    CHECK_INT(s3_entries("data/t"), 1);
    CHECK_INT(s3_entries("results"), 1);
    /* At the cutoff it runs. */
    CHECK_INT(run_as(&root, statements[2], 12), 0);
    CHECK_INT(s3_entries("results/unloaded"), 1);
    all_close();
}

/* ---- who asks ---- */

static void test_root_and_nobody(void)
{
    open_catalog();
    srv_caller nobody;
    memset(&nobody, 0, sizeof nobody);   /* SRV_PRINCIPAL_NONE */
    test_checks++;
    if (run_as(&nobody, "SHOW TABLES IN db", 0) != -1 || !err.denied ||
        strcmp(err.message, "athena-local could not identify the caller.") != 0) {
        test_failures++;
        fprintf(stderr, "a caller of no kind was not refused: %s\n", err.message);
    }
    /* is_root alone is not root: only the kind counts. */
    nobody.is_root = 1;
    CHECK_INT(run_as(&nobody, "DROP TABLE db.t", 0), -1);
    CHECK(table_exists("db", "t"));
    srv_caller root;
    memset(&root, 0, sizeof root);
    root.kind = SRV_PRINCIPAL_ROOT;
    CHECK_INT(run_as(&root, "DROP TABLE db.t", 0), 0);
    CHECK(!table_exists("db", "t"));
    all_close();
}

int main(void)
{
    RUN(test_drop_table);
    RUN(test_databases);
    RUN(test_create_table);
    RUN(test_reading_statements);
    RUN(test_partitions);
    RUN(test_views);
    RUN(test_ctas);
    RUN(test_insert);
    RUN(test_unload);
    RUN(test_cutoff_before_publishing);
    RUN(test_root_and_nobody);
    iam_identity_close(&srv);
    return test_summary();
}
