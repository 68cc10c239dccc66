/*
 * test_srv_ddl.c: athena-local's catalog statements (ddl.h) against a real
 * store in a temporary directory: classification, the exact Glue documents
 * CREATE DATABASE / CREATE EXTERNAL TABLE store, SHOW / DESCRIBE output
 * rows, IF [NOT] EXISTS, errors with positions, and hostile input.
 */
#include "ddl.h"
#include "buf.h"
#include "store.h"
#include "test.h"

#include <stdint.h>
#include <time.h>
#include <unistd.h>

#define ACCOUNT "123456789012"

/* ---- a sink that records what ddl_execute outputs ---- */

typedef struct collector {
    int columns_calls;
    size_t column_count;
    buf columns;   /* "name:type:precision" joined with ',' */
    buf rows;      /* values joined with '|', each row ending in '\n' */
    int abort_after;   /* >0: fail the nth row */
    int rows_seen;
} collector;

static int collect_columns(void *user_data, const engine_column *cols, size_t count)
{
    collector *c = user_data;
    c->columns_calls++;
    c->column_count = count;
    for (size_t i = 0; i < count; i++)
        buf_printf(&c->columns, "%s%s:%s:%d", i ? "," : "", cols[i].name, cols[i].type,
                   cols[i].precision);
    return 0;
}

static int collect_row(void *user_data, const char *const *values, const size_t *lengths)
{
    collector *c = user_data;
    if (c->abort_after && ++c->rows_seen >= c->abort_after)
        return 1;
    for (size_t i = 0; i < c->column_count; i++) {
        if (i)
            buf_putc(&c->rows, '|');
        if (values[i])
            buf_append(&c->rows, values[i], lengths[i]);
        else
            buf_puts(&c->rows, "<null>");
    }
    buf_putc(&c->rows, '\n');
    return 0;
}

static void collector_reset(collector *c)
{
    buf_free(&c->columns);
    buf_free(&c->rows);
    memset(c, 0, sizeof *c);
}

/* ---- fixture ---- */

static char data_dir[256];
static store *st;
static collector out;
static ddl_error err;

static void fixture_open(void)
{
    snprintf(data_dir, sizeof data_dir, "/tmp/test_srv_ddl.XXXXXX");
    if (!mkdtemp(data_dir)) {
        perror("mkdtemp");
        exit(2);
    }
    char why[256];
    st = store_open(data_dir, why, sizeof why);
    if (!st) {
        fprintf(stderr, "store_open: %s\n", why);
        exit(2);
    }
}

static void fixture_close(void)
{
    store_close(st);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", data_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", data_dir);
    collector_reset(&out);
}

/* Runs sql in database "default" context; returns ddl_execute's result. */
static int run_in(const char *sql, const char *default_db)
{
    collector_reset(&out);
    engine_sink sink = {collect_columns, collect_row, &out};
    memset(&err, 0, sizeof err);
    int rc = ddl_execute(st, sql, default_db, ACCOUNT, &sink, &err);
    if (rc != 0 && err.message[0] == '\0')
        fprintf(stderr, "  error without message for: %.80s\n", sql);
    return rc;
}

static int run(const char *sql)
{
    return run_in(sql, "default");
}

/* Runs sql expecting success; prints the error otherwise. */
static int ok(const char *sql)
{
    int rc = run(sql);
    if (rc != 0)
        fprintf(stderr, "  unexpected failure of %.120s\n  -> %s\n", sql, err.message);
    return rc == 0;
}

/* Runs sql expecting a user error with exactly message. */
static void check_user_error(const char *sql, const char *message)
{
    test_checks++;
    int rc = run(sql);
    if (rc != -1 || !err.user_error || strcmp(err.message, message) != 0) {
        test_failures++;
        fprintf(stderr, "%s: expected user error for %.120s\n  got:      rc=%d user=%d %s\n"
                        "  expected: %s\n",
                test_current, sql, rc, err.user_error, err.message, message);
    }
}

/* Drops the fields that change with time, after checking they are sane. */
static void strip_times(json_t *doc)
{
    double now = (double)time(NULL);
    json_t *t = json_object_get(doc, "CreateTime");
    CHECK(json_is_number(t) && json_number_value(t) > now - 60 && json_number_value(t) <= now + 1);
    if (json_object_get(doc, "UpdateTime")) {
        CHECK(json_equal(json_object_get(doc, "UpdateTime"), t));
        json_object_del(doc, "UpdateTime");
    }
    json_object_del(doc, "CreateTime");
    json_t *params = json_object_get(doc, "Parameters");
    const char *ddl_time = json_string_value(json_object_get(params, "transient_lastDdlTime"));
    if (ddl_time) {
        CHECK(atof(ddl_time) > now - 60 && atof(ddl_time) <= now + 1);
        json_object_del(params, "transient_lastDdlTime");
    }
}

static void check_doc(json_t *doc, const char *expected_json, int line)
{
    test_checks++;
    json_error_t jerr;
    json_t *expected = json_loads(expected_json, 0, &jerr);
    if (!expected) {
        test_failures++;
        fprintf(stderr, "line %d: bad expected JSON: %s\n", line, jerr.text);
        json_decref(doc);
        return;
    }
    if (!doc || !json_equal(doc, expected)) {
        test_failures++;
        char *got = doc ? json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(1)) : NULL;
        char *want = json_dumps(expected, JSON_SORT_KEYS | JSON_INDENT(1));
        fprintf(stderr, "line %d: %s: document differs\n  got: %s\n  expected: %s\n", line,
                test_current, got ? got : "(none)", want);
        free(got);
        free(want);
    }
    json_decref(expected);
    json_decref(doc);
}

static json_t *stored_table(const char *db, const char *name)
{
    json_t *t = store_table_get(st, db, name);
    if (t)
        strip_times(t);
    return t;
}

static json_t *stored_database(const char *name)
{
    json_t *d = store_database_get(st, name);
    if (d)
        strip_times(d);
    return d;
}

#define CHECK_TABLE(db, name, json) check_doc(stored_table(db, name), json, __LINE__)
#define CHECK_DATABASE(name, json) check_doc(stored_database(name), json, __LINE__)

/* The common tail of every Athena table's StorageDescriptor. */
#define SD_TAIL                                                                             \
    "\"Compressed\": false, \"NumberOfBuckets\": -1, \"BucketColumns\": [],"              \
    " \"SortColumns\": [], \"Parameters\": {},"                                            \
    " \"SkewedInfo\": {\"SkewedColumnNames\": [], \"SkewedColumnValues\": [],"             \
    " \"SkewedColumnValueLocationMaps\": {}}, \"StoredAsSubDirectories\": false"
#define TABLE_TAIL                                                                          \
    "\"Owner\": \"hadoop\", \"Retention\": 0, \"TableType\": \"EXTERNAL_TABLE\","         \
    " \"IsRegisteredWithLakeFormation\": false, \"CatalogId\": \"" ACCOUNT "\""
#define TEXT_FORMATS                                                                        \
    "\"InputFormat\": \"org.apache.hadoop.mapred.TextInputFormat\","                       \
    " \"OutputFormat\": \"org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat\""

/* ---- classification ---- */

static void test_classify(void)
{
    CHECK_INT(ddl_classify("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://b/x/'"), DDL_STATEMENT);
    CHECK_INT(ddl_classify("  -- note\n /* c */ drop table t"), DDL_STATEMENT);
    CHECK_INT(ddl_classify("alter table t add partition (a='1')"), DDL_STATEMENT);
    CHECK_INT(ddl_classify("MSCK REPAIR TABLE t"), DDL_STATEMENT);
    CHECK_INT(ddl_classify("show tables"), DDL_UTILITY);
    CHECK_INT(ddl_classify("DESCRIBE t"), DDL_UTILITY);
    CHECK_INT(ddl_classify("desc t"), DDL_UTILITY);
    CHECK_INT(ddl_classify("SELECT 1"), DDL_NOT_DDL);
    CHECK_INT(ddl_classify("WITH x AS (SELECT 1) SELECT * FROM x"), DDL_NOT_DDL);
    CHECK_INT(ddl_classify("VALUES 1"), DDL_NOT_DDL);
    CHECK_INT(ddl_classify("EXPLAIN SELECT 1"), DDL_NOT_DDL);
    CHECK_INT(ddl_classify("INSERT INTO t VALUES (1)"), DDL_NOT_DDL);
    CHECK_INT(ddl_classify("created_at"), DDL_NOT_DDL);
    CHECK_INT(ddl_classify("showtables"), DDL_NOT_DDL);
    CHECK_INT(ddl_classify("/* unterminated"), DDL_NOT_DDL);
    CHECK_INT(ddl_classify(""), DDL_NOT_DDL);
    CHECK_INT(ddl_classify(NULL), DDL_NOT_DDL);
}

static void test_substatement(void)
{
    static const char *const cases[][2] = {
        {"CREATE DATABASE x", "CREATE_DATABASE"},
        {"create schema if not exists x", "CREATE_DATABASE"},
        {"CREATE EXTERNAL TABLE t (a int)", "CREATE_TABLE"},
        {"CREATE TABLE IF NOT EXISTS db.t (a int)", "CREATE_TABLE"},
        {"CREATE TABLE db.t AS SELECT 1", "CREATE_TABLE_AS_SELECT"},
        {"CREATE TABLE t WITH (format='PARQUET') AS SELECT 1", "CREATE_TABLE_AS_SELECT"},
        {"CREATE OR REPLACE VIEW v AS SELECT 1", "CREATE_VIEW"},
        {"DROP DATABASE x CASCADE", "DROP_DATABASE"},
        {"DROP SCHEMA x", "DROP_DATABASE"},
        {"DROP TABLE IF EXISTS t", "DROP_TABLE"},
        {"DROP VIEW v", "DROP_VIEW"},
        {"SHOW DATABASES", "SHOW_DATABASES"},
        {"SHOW SCHEMAS LIKE 'a*'", "SHOW_DATABASES"},
        {"SHOW TABLES IN db", "SHOW_TABLES"},
        {"SHOW COLUMNS IN t", "SHOW_COLUMNS"},
        {"SHOW PARTITIONS t", "SHOW_PARTITIONS"},
        {"SHOW CREATE TABLE t", "SHOW_CREATE_TABLE"},
        {"SHOW TBLPROPERTIES t", "SHOW_TBLPROPERTIES"},
        {"DESCRIBE db.t", "DESCRIBE_TABLE"},
        {"DESC t", "DESCRIBE_TABLE"},
        {"ALTER TABLE t ADD IF NOT EXISTS PARTITION (dt='2024-01-01')", "ALTER_TABLE_ADD_PARTITION"},
        {"ALTER TABLE db.t DROP PARTITION (dt='x')", "ALTER_TABLE_DROP_PARTITION"},
        {"ALTER TABLE t PARTITION (dt='x') RENAME TO PARTITION (dt='y')",
         "ALTER_TABLE_RENAME_PARTITION"},
        {"ALTER TABLE t ADD COLUMNS (b int)", "ALTER_TABLE_ADD_COLUMNS"},
        {"ALTER TABLE t SET LOCATION 's3://b/x/'", "ALTER_TABLE_SET_LOCATION"},
        {"ALTER TABLE t SET TBLPROPERTIES ('a'='b')", "ALTER_TABLE_SET_TBLPROPERTIES"},
        {"MSCK REPAIR TABLE t", "MSCK_REPAIR_TABLE"},
        {"SELECT 1", "UNKNOWN"},
        {"CREATE FUNCTION f", "UNKNOWN"},
        /* Only the prefix is read: a broken tail does not matter. */
        {"SHOW TABLES 'unterminated", "SHOW_TABLES"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_STR(ddl_substatement(cases[i][0]), cases[i][1]);
    CHECK_STR(ddl_substatement(NULL), "UNKNOWN");
}

/* ---- databases ---- */

static void test_create_database(void)
{
    fixture_open();
    REQUIRE(ok("CREATE DATABASE Sales"));
    CHECK_INT(out.columns_calls, 1);
    CHECK_INT(out.column_count, 0);
    CHECK_STR(buf_str(&out.rows), "");
    CHECK_DATABASE("sales",
                   "{\"Name\": \"sales\", \"Parameters\": {}, \"CatalogId\": \"" ACCOUNT "\","
                   " \"CreateTableDefaultPermissions\": [{\"Principal\": "
                   "{\"DataLakePrincipalIdentifier\": \"IAM_ALLOWED_PRINCIPALS\"},"
                   " \"Permissions\": [\"ALL\"]}]}");
    REQUIRE(ok("create schema if not exists `Logs_2024` COMMENT 'app logs' "
               "LOCATION 's3://my-bucket/logs/' "
               "WITH DBPROPERTIES ('creator'='ops', \"team\"=\"data\")"));
    CHECK_DATABASE("logs_2024",
                   "{\"Name\": \"logs_2024\", \"Description\": \"app logs\","
                   " \"LocationUri\": \"s3://my-bucket/logs/\","
                   " \"Parameters\": {\"creator\": \"ops\", \"team\": \"data\"},"
                   " \"CatalogId\": \"" ACCOUNT "\", \"CreateTableDefaultPermissions\":"
                   " [{\"Principal\": {\"DataLakePrincipalIdentifier\": \"IAM_ALLOWED_PRINCIPALS\"},"
                   " \"Permissions\": [\"ALL\"]}]}");
    /* IF NOT EXISTS leaves the existing database alone. */
    REQUIRE(ok("CREATE DATABASE IF NOT EXISTS logs_2024 COMMENT 'other'"));
    json_t *db = store_database_get(st, "logs_2024");
    CHECK_STR(json_string_value(json_object_get(db, "Description")), "app logs");
    json_decref(db);
    check_user_error("CREATE DATABASE SALES", "Database sales already exists");
    check_user_error("CREATE DATABASE x LOCATION 'http://example.com/'",
                     "line 1:28: invalid LOCATION: expected 's3://bucket/prefix/'");
    check_user_error("CREATE DATABASE `my-db`",
                     "line 1:17: invalid name: only letters, digits and '_' are allowed");
    check_user_error("CREATE DATABASE x WITH DBPROPERTIES ('a'='b'",
                     "line 1:45: mismatched input '<EOF>'. Expecting: ')'");
    check_user_error("CREATE DATABASE x LOCATION 's3://bkt/' COMMENT 'late'",
                     "line 1:40: mismatched input 'COMMENT'. Expecting: 'WITH', <EOF>");
    fixture_close();
}

static void check_rows(const char *sql, const char *columns, const char *rows, int line)
{
    test_checks++;
    if (run(sql) != 0 || out.columns_calls != 1 || strcmp(buf_str(&out.columns), columns) != 0 ||
        strcmp(buf_str(&out.rows), rows) != 0) {
        test_failures++;
        fprintf(stderr, "line %d: %s: %s\n  error: %s\n  columns: %s (calls %d)\n  rows:\n%s"
                        "  expected columns: %s\n  expected rows:\n%s",
                line, test_current, sql, err.message, buf_str(&out.columns), out.columns_calls,
                buf_str(&out.rows), columns, rows);
    }
}
#define CHECK_ROWS(sql, columns, rows) check_rows(sql, columns, rows, __LINE__)

static void test_show_databases(void)
{
    fixture_open();
    REQUIRE(ok("CREATE DATABASE sales"));
    REQUIRE(ok("CREATE DATABASE sales_eu"));
    REQUIRE(ok("CREATE DATABASE analytics"));
    REQUIRE(ok("CREATE DATABASE bronze"));
    const char *col = "database_name:varchar:2147483647";
    CHECK_ROWS("SHOW DATABASES", col, "analytics\nbronze\ndefault\nsales\nsales_eu\n");
    CHECK_ROWS("show schemas", col, "analytics\nbronze\ndefault\nsales\nsales_eu\n");
    CHECK_ROWS("SHOW DATABASES LIKE 'sales*'", col, "sales\nsales_eu\n");
    CHECK_ROWS("SHOW DATABASES LIKE 'a*|b*'", col, "analytics\nbronze\n");
    CHECK_ROWS("SHOW DATABASES LIKE 'SALES'", col, "sales\n");
    CHECK_ROWS("SHOW DATABASES LIKE 'sale'", col, "");
    CHECK_ROWS("SHOW DATABASES LIKE '*_eu'", col, "sales_eu\n");
    CHECK_ROWS("SHOW DATABASES LIKE 'de.ault'", col, "default\n");
    CHECK_ROWS("SHOW DATABASES LIKE '.*s'", col, "analytics\nsales\n");
    CHECK_ROWS("SHOW DATABASES LIKE ' *z* | default '", col, "bronze\ndefault\n");
    CHECK_ROWS("SHOW DATABASES LIKE '**a**n**'", col, "analytics\n");
    check_user_error("SHOW DATABASES 'x'", "line 1:16: mismatched input ''x''. Expecting: 'LIKE', <EOF>");
    fixture_close();
}

static void test_drop_database(void)
{
    fixture_open();
    REQUIRE(ok("CREATE DATABASE d1"));
    REQUIRE(ok("CREATE EXTERNAL TABLE d1.t (a int) LOCATION 's3://bucket/t/'"));
    check_user_error("DROP DATABASE d1",
                     "Database d1 is not empty. One or more tables exist. "
                     "Use DROP DATABASE d1 CASCADE to drop it with its tables");
    check_user_error("DROP DATABASE d1 RESTRICT",
                     "Database d1 is not empty. One or more tables exist. "
                     "Use DROP DATABASE d1 CASCADE to drop it with its tables");
    REQUIRE(ok("DROP SCHEMA D1 CASCADE;"));
    CHECK(store_database_get(st, "d1") == NULL);
    CHECK(store_table_get(st, "d1", "t") == NULL);
    check_user_error("DROP DATABASE d1", "Database does not exist: d1");
    CHECK(ok("DROP DATABASE IF EXISTS d1"));
    REQUIRE(ok("CREATE DATABASE empty_one"));
    CHECK(ok("DROP DATABASE empty_one"));
    check_user_error("DROP DATABASE default", "Can not drop default database");
    check_user_error("DROP DATABASE x CASCADE RESTRICT",
                     "line 1:25: mismatched input 'RESTRICT'. Expecting: <EOF>");
    check_user_error("DROP DATABASE IF x", "line 1:18: mismatched input 'x'. Expecting: 'EXISTS'");
    fixture_close();
}

/* ---- tables ---- */

static void test_create_parquet_table(void)
{
    fixture_open();
    REQUIRE(ok("CREATE DATABASE flights_db"));
    REQUIRE(ok("CREATE EXTERNAL TABLE IF NOT EXISTS flights_db.Flights (\n"
               "  `Year` INT COMMENT 'flight year',\n"
               "  carrier STRING,\n"
               "  delay DECIMAL( 10 , 2 ),\n"
               "  legs ARRAY< STRUCT< origin:string, dest : string > >,\n"
               "  attrs MAP<STRING, INT>\n"
               ")\n"
               "COMMENT 'US flights'\n"
               "STORED AS PARQUET\n"
               "LOCATION 's3://athena-data/flights/'\n"
               "TBLPROPERTIES ('parquet.compression'='SNAPPY')"));
    CHECK_TABLE("flights_db", "flights",
                "{\"Name\": \"flights\", \"DatabaseName\": \"flights_db\","
                " \"Description\": \"US flights\", " TABLE_TAIL ","
                " \"PartitionKeys\": [],"
                " \"Parameters\": {\"EXTERNAL\": \"TRUE\", \"parquet.compression\": \"SNAPPY\","
                " \"comment\": \"US flights\"},"
                " \"StorageDescriptor\": {\"Columns\": ["
                "  {\"Name\": \"year\", \"Type\": \"int\", \"Comment\": \"flight year\"},"
                "  {\"Name\": \"carrier\", \"Type\": \"string\"},"
                "  {\"Name\": \"delay\", \"Type\": \"decimal(10,2)\"},"
                "  {\"Name\": \"legs\", \"Type\": \"array<struct<origin:string,dest:string>>\"},"
                "  {\"Name\": \"attrs\", \"Type\": \"map<string,int>\"}],"
                " \"Location\": \"s3://athena-data/flights/\","
                " \"InputFormat\": \"org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat\","
                " \"OutputFormat\": \"org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat\","
                " \"SerdeInfo\": {\"SerializationLibrary\":"
                " \"org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe\","
                " \"Parameters\": {\"serialization.format\": \"1\"}}, " SD_TAIL "}}");
    /* Again with IF NOT EXISTS: nothing changes, no error. */
    CHECK(ok("CREATE EXTERNAL TABLE IF NOT EXISTS flights_db.flights (x int) "
             "LOCATION 's3://other/x/'"));
    json_t *t = store_table_get(st, "flights_db", "flights");
    CHECK_STR(json_string_value(json_object_get(json_object_get(t, "StorageDescriptor"),
                                                "Location")),
              "s3://athena-data/flights/");
    json_decref(t);
    check_user_error("CREATE EXTERNAL TABLE flights_db.flights (x int) LOCATION 's3://other/x/'",
                     "Table flights_db.flights already exists");
    fixture_close();
}

static void test_create_csv_table(void)
{
    fixture_open();
    /* Unqualified names go to the query's database; partitioned, delimited,
     * with the header skipped. */
    REQUIRE(run_in("CREATE EXTERNAL TABLE airports (iata string, name string, lat double)\n"
                   "PARTITIONED BY (country string COMMENT 'ISO code', year int)\n"
                   "ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' ESCAPED BY '\\\\'\n"
                   "  COLLECTION ITEMS TERMINATED BY '|' MAP KEYS TERMINATED BY ':'\n"
                   "  LINES TERMINATED BY '\\n' NULL DEFINED AS ''\n"
                   "STORED AS TEXTFILE\n"
                   "LOCATION 's3://athena-data/airports/'\n"
                   "TBLPROPERTIES ('skip.header.line.count'='1', 'EXTERNAL'='FALSE')",
                   "DEFAULT") == 0);
    CHECK_TABLE("default", "airports",
                "{\"Name\": \"airports\", \"DatabaseName\": \"default\", " TABLE_TAIL ","
                " \"PartitionKeys\": [{\"Name\": \"country\", \"Type\": \"string\","
                " \"Comment\": \"ISO code\"}, {\"Name\": \"year\", \"Type\": \"int\"}],"
                " \"Parameters\": {\"EXTERNAL\": \"TRUE\", \"skip.header.line.count\": \"1\"},"
                " \"StorageDescriptor\": {\"Columns\": ["
                "  {\"Name\": \"iata\", \"Type\": \"string\"},"
                "  {\"Name\": \"name\", \"Type\": \"string\"},"
                "  {\"Name\": \"lat\", \"Type\": \"double\"}],"
                " \"Location\": \"s3://athena-data/airports/\", " TEXT_FORMATS ","
                " \"SerdeInfo\": {\"SerializationLibrary\":"
                " \"org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe\","
                " \"Parameters\": {\"serialization.format\": \",\", \"field.delim\": \",\","
                " \"escape.delim\": \"\\\\\", \"collection.delim\": \"|\","
                " \"mapkey.delim\": \":\", \"line.delim\": \"\\n\","
                " \"serialization.null.format\": \"\"}}, " SD_TAIL "}}");
    /* No ROW FORMAT, no STORED AS: TEXTFILE with Hive's default ^A fields. */
    REQUIRE(ok("CREATE EXTERNAL TABLE plain (a string) LOCATION 's3://bkt/plain'"));
    CHECK_TABLE("default", "plain",
                "{\"Name\": \"plain\", \"DatabaseName\": \"default\", " TABLE_TAIL ","
                " \"PartitionKeys\": [], \"Parameters\": {\"EXTERNAL\": \"TRUE\"},"
                " \"StorageDescriptor\": {\"Columns\": [{\"Name\": \"a\", \"Type\": \"string\"}],"
                " \"Location\": \"s3://bkt/plain\", " TEXT_FORMATS ","
                " \"SerdeInfo\": {\"SerializationLibrary\":"
                " \"org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe\","
                " \"Parameters\": {\"serialization.format\": \"1\"}}, " SD_TAIL "}}");
    fixture_close();
}

static const char *serde_param(const char *table, const char *key)
{
    static char value[64];
    json_t *t = store_table_get(st, "default", table);
    json_t *params = json_object_get(
        json_object_get(json_object_get(t, "StorageDescriptor"), "SerdeInfo"), "Parameters");
    snprintf(value, sizeof value, "%s", json_string_value(json_object_get(params, key))
                                            ? json_string_value(json_object_get(params, key))
                                            : "(missing)");
    json_decref(t);
    return value;
}

static void test_string_escapes(void)
{
    fixture_open();
    REQUIRE(ok("CREATE EXTERNAL TABLE t1 (a string) ROW FORMAT DELIMITED FIELDS TERMINATED BY "
               "'\\t' LOCATION 's3://bkt/t1/'"));
    CHECK_STR(serde_param("t1", "field.delim"), "\t");
    REQUIRE(ok("CREATE EXTERNAL TABLE t2 (a string) ROW FORMAT DELIMITED FIELDS TERMINATED BY "
               "'\\001' LOCATION 's3://bkt/t2/'"));
    CHECK_STR(serde_param("t2", "field.delim"), "\001");
    CHECK_STR(serde_param("t2", "serialization.format"), "\001");
    REQUIRE(ok("CREATE EXTERNAL TABLE t3 (a string) ROW FORMAT SERDE "
               "'org.apache.hadoop.hive.serde2.OpenCSVSerde' WITH SERDEPROPERTIES "
               "('quoteChar'='''', 'escapeChar'='\\\\', 'x'='\\u00e9\\Z\\%', \"y\"=\"a\"\"b\") "
               "LOCATION 's3://bkt/t3/'"));
    CHECK_STR(serde_param("t3", "quoteChar"), "'");
    CHECK_STR(serde_param("t3", "escapeChar"), "\\");
    CHECK_STR(serde_param("t3", "x"), "\xc3\xa9\x1a\\%");
    CHECK_STR(serde_param("t3", "y"), "a\"b");
    check_user_error("CREATE EXTERNAL TABLE t4 (a string) ROW FORMAT DELIMITED FIELDS "
                     "TERMINATED BY '\\0' LOCATION 's3://bkt/t4/'",
                     "line 1:80: NUL characters are not allowed in strings");
    check_user_error("CREATE EXTERNAL TABLE t4 (a string) ROW FORMAT DELIMITED FIELDS "
                     "TERMINATED BY '\\u0000' LOCATION 's3://bkt/t4/'",
                     "line 1:80: NUL characters are not allowed in strings");
    check_user_error("CREATE EXTERNAL TABLE t4 (a string) COMMENT '\\ud800' LOCATION 's3://bkt/t4/'",
                     "line 1:45: string is not valid UTF-8");
    fixture_close();
}

static void test_create_json_and_other_formats(void)
{
    fixture_open();
    REQUIRE(ok("CREATE EXTERNAL TABLE events (id bigint, payload struct<kind:string,n:int>)\n"
               "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n"
               "WITH SERDEPROPERTIES ('ignore.malformed.json' = 'true')\n"
               "LOCATION 's3://logs/events/'"));
    CHECK_TABLE("default", "events",
                "{\"Name\": \"events\", \"DatabaseName\": \"default\", " TABLE_TAIL ","
                " \"PartitionKeys\": [], \"Parameters\": {\"EXTERNAL\": \"TRUE\"},"
                " \"StorageDescriptor\": {\"Columns\": ["
                "  {\"Name\": \"id\", \"Type\": \"bigint\"},"
                "  {\"Name\": \"payload\", \"Type\": \"struct<kind:string,n:int>\"}],"
                " \"Location\": \"s3://logs/events/\", " TEXT_FORMATS ","
                " \"SerdeInfo\": {\"SerializationLibrary\": \"org.openx.data.jsonserde.JsonSerDe\","
                " \"Parameters\": {\"serialization.format\": \"1\","
                " \"ignore.malformed.json\": \"true\"}}, " SD_TAIL "}}");
    REQUIRE(ok("CREATE EXTERNAL TABLE j2 (id int) STORED AS JSONFILE LOCATION 's3://logs/j2/'"));
    REQUIRE(ok("CREATE EXTERNAL TABLE csv (a string, b string)\n"
               "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'\n"
               "WITH SERDEPROPERTIES (\"separatorChar\" = \",\", \"quoteChar\" = \"\\\"\","
               " \"escapeChar\" = \"\\\\\")\n"
               "STORED AS INPUTFORMAT 'org.apache.hadoop.mapred.TextInputFormat'\n"
               "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n"
               "LOCATION 's3://data/csv/' TBLPROPERTIES ('skip.header.line.count'='1')"));
    CHECK_TABLE("default", "csv",
                "{\"Name\": \"csv\", \"DatabaseName\": \"default\", " TABLE_TAIL ","
                " \"PartitionKeys\": [],"
                " \"Parameters\": {\"EXTERNAL\": \"TRUE\", \"skip.header.line.count\": \"1\"},"
                " \"StorageDescriptor\": {\"Columns\": ["
                "  {\"Name\": \"a\", \"Type\": \"string\"}, {\"Name\": \"b\", \"Type\": \"string\"}],"
                " \"Location\": \"s3://data/csv/\", " TEXT_FORMATS ","
                " \"SerdeInfo\": {\"SerializationLibrary\":"
                " \"org.apache.hadoop.hive.serde2.OpenCSVSerde\","
                " \"Parameters\": {\"serialization.format\": \"1\", \"separatorChar\": \",\","
                " \"quoteChar\": \"\\\"\", \"escapeChar\": \"\\\\\"}}, " SD_TAIL "}}");
    REQUIRE(ok("CREATE EXTERNAL TABLE o (a int) STORED AS ORC LOCATION 's3://data/o/'"));
    REQUIRE(ok("CREATE EXTERNAL TABLE v (a int) STORED AS avro LOCATION 's3://data/v/'"));
    static const char *const expected[][3] = {
        {"j2", "org.apache.hadoop.mapred.TextInputFormat", "org.apache.hive.hcatalog.data.JsonSerDe"},
        {"o", "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
         "org.apache.hadoop.hive.ql.io.orc.OrcSerde"},
        {"v", "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
         "org.apache.hadoop.hive.serde2.avro.AvroSerDe"},
    };
    for (size_t i = 0; i < 3; i++) {
        json_t *t = store_table_get(st, "default", expected[i][0]);
        json_t *sd = json_object_get(t, "StorageDescriptor");
        CHECK_STR(json_string_value(json_object_get(sd, "InputFormat")), expected[i][1]);
        CHECK_STR(json_string_value(json_object_get(json_object_get(sd, "SerdeInfo"),
                                                    "SerializationLibrary")),
                  expected[i][2]);
        json_decref(t);
    }
    check_user_error("CREATE EXTERNAL TABLE x (a int) STORED AS CSV LOCATION 's3://data/x/'",
                     "line 1:43: unsupported file format: csv");
    fixture_close();
}

static void test_create_table_errors(void)
{
    fixture_open();
    check_user_error("CREATE EXTERNAL TABLE nodb.t (a int) LOCATION 's3://bkt/t/'",
                     "Database does not exist: nodb");
    check_user_error("CREATE EXTERNAL TABLE t (a int, A string) LOCATION 's3://bkt/t/'",
                     "Duplicate column name: a");
    check_user_error("CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (a string) "
                     "LOCATION 's3://bkt/t/'",
                     "Column repeated in partitioning columns: a");
    check_user_error("CREATE TABLE t (a int) LOCATION 's3://bkt/t/'",
                     "Only external table creation is supported. "
                     "Use CREATE EXTERNAL TABLE ... LOCATION 's3://...'");
    check_user_error("CREATE TABLE t (a int) LOCATION 's3://bkt/t/' "
                     "TBLPROPERTIES ('table_type'='iceberg')",
                     "Iceberg tables are not supported yet");
    check_user_error("CREATE EXTERNAL TABLE t (a int)",
                     "CREATE EXTERNAL TABLE requires LOCATION 's3://bucket/prefix/'");
    check_user_error("CREATE EXTERNAL TABLE t (a int) LOCATION '/etc/passwd'",
                     "line 1:42: invalid LOCATION: expected 's3://bucket/prefix/'");
    check_user_error("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://bkt/x/../../etc/'",
                     "line 1:42: invalid LOCATION: expected 's3://bucket/prefix/'");
    check_user_error("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://ab/'",
                     "line 1:42: invalid LOCATION: expected 's3://bucket/prefix/'");
    check_user_error("CREATE EXTERNAL TABLE t (a int) LOCATION 'S3://Bucket/x/'",
                     "line 1:42: invalid LOCATION: expected 's3://bucket/prefix/'");
    /* Syntax errors carry Athena-style positions of the offending token. */
    check_user_error("CREATE EXTERNALL TABLE t (a int)",
                     "line 1:8: mismatched input 'EXTERNALL'. Expecting: 'DATABASE', 'EXTERNAL', "
                     "'OR', 'SCHEMA', 'TABLE', 'VIEW'");
    check_user_error("CREATE EXTERNAL TABLE t (a foo) LOCATION 's3://bkt/t/'",
                     "line 1:28: unsupported type 'foo'");
    check_user_error("CREATE EXTERNAL TABLE t (\n  a int,\n  b array<int\n) LOCATION 's3://bkt/t/'",
                     "line 3:5: expected '>' in array at ')'");
    check_user_error("CREATE EXTERNAL TABLE t (a int,) LOCATION 's3://bkt/t/'",
                     "line 1:32: mismatched input ')'. Expecting: <identifier>");
    check_user_error("CREATE EXTERNAL TABLE t (a) LOCATION 's3://bkt/t/'",
                     "line 1:27: mismatched input ')'. Expecting: <type>");
    check_user_error("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://bkt/t/' STORED AS PARQUET",
                     "line 1:56: mismatched input 'STORED'. Expecting: 'TBLPROPERTIES', <EOF>");
    check_user_error("CREATE EXTERNAL TABLE t (a int) ROW FORMAT JSON LOCATION 's3://bkt/t/'",
                     "line 1:44: mismatched input 'JSON'. Expecting: 'DELIMITED', 'SERDE'");
    check_user_error("CREATE EXTERNAL TABLE t (a int) ROW FORMAT DELIMITED LINES TERMINATED BY "
                     "'\\r' LOCATION 's3://bkt/t/'",
                     "line 1:74: LINES TERMINATED BY only supports newline '\\n' right now");
    check_user_error("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://bkt/t/",
                     "line 1:42: unterminated string literal");
    check_user_error("CREATE EXTERNAL TABLE t (a int) /* never closed",
                     "line 1:33: unterminated comment");
    check_user_error("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://bkt/t/' TBLPROPERTIES ('' = 'x')",
                     "line 1:71: property keys must have 1 to 255 characters");
    check_user_error("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://bkt/t/'; DROP TABLE t",
                     "line 1:57: mismatched input 'DROP'. Expecting: 'TBLPROPERTIES', <EOF>");
    check_user_error("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://bkt/t/' $",
                     "line 1:56: unexpected character '$'");
    check_user_error("CREATE EXTERNAL TABLE `` (a int) LOCATION 's3://bkt/t/'",
                     "line 1:23: zero-length delimited identifier");
    CHECK(store_table_get(st, "default", "t") == NULL);
    /* Column names may hold what backquotes allow, except control characters. */
    CHECK(ok("CREATE EXTERNAL TABLE t (`Odd Name` int) LOCATION 's3://bkt/t/'"));
    check_user_error("CREATE EXTERNAL TABLE t2 (`a\tb` int) LOCATION 's3://bkt/t/'",
                     "line 1:27: invalid name: control characters are not allowed");
    fixture_close();
}

static void test_drop_table(void)
{
    fixture_open();
    REQUIRE(ok("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://bkt/t/'"));
    REQUIRE(ok("CREATE DATABASE other"));
    REQUIRE(ok("CREATE EXTERNAL TABLE other.t (a int) LOCATION 's3://bkt/t/'"));
    CHECK(ok("DROP TABLE T"));
    CHECK_INT(out.columns_calls, 1);
    CHECK(store_table_get(st, "default", "t") == NULL);
    json_t *kept = store_table_get(st, "other", "t");
    CHECK(kept != NULL);
    json_decref(kept);
    check_user_error("DROP TABLE t", "Table not found: default.t");
    CHECK(ok("DROP TABLE IF EXISTS t"));
    check_user_error("DROP TABLE nodb.t", "Database does not exist: nodb");
    CHECK(run_in("DROP TABLE t", "OTHER") == 0);
    CHECK(store_table_get(st, "other", "t") == NULL);
    check_user_error("DROP TABLE", "line 1:11: mismatched input '<EOF>'. Expecting: <identifier>");
    fixture_close();
}

static void test_show_tables(void)
{
    fixture_open();
    REQUIRE(ok("CREATE DATABASE db"));
    const char *names[] = {"orders", "order_items", "customers", "web_logs"};
    for (size_t i = 0; i < 4; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "CREATE EXTERNAL TABLE db.%s (a int) LOCATION 's3://bkt/%s/'",
                 names[i], names[i]);
        REQUIRE(ok(sql));
    }
    const char *col = "tab_name:varchar:2147483647";
    CHECK_ROWS("SHOW TABLES IN db", col, "customers\norder_items\norders\nweb_logs\n");
    CHECK_ROWS("SHOW TABLES FROM DB LIKE 'order*'", col, "order_items\norders\n");
    CHECK_ROWS("SHOW TABLES IN db 'web*|cust*'", col, "customers\nweb_logs\n");
    CHECK_ROWS("SHOW TABLES", col, "");
    CHECK_ROWS("SHOW TABLES;", col, "");
    test_checks++;
    if (run_in("SHOW TABLES '*_*'", "db") != 0 ||
        strcmp(buf_str(&out.rows), "order_items\nweb_logs\n") != 0) {
        test_failures++;
        fprintf(stderr, "SHOW TABLES in context db: %s %s\n", err.message, buf_str(&out.rows));
    }
    check_user_error("SHOW TABLES IN nodb", "Database does not exist: nodb");
    check_user_error("SHOW TABLES IN db FORM", "line 1:19: mismatched input 'FORM'. "
                                               "Expecting: 'IN', 'LIKE', <string>, <EOF>");
    fixture_close();
}

static void test_describe(void)
{
    fixture_open();
    REQUIRE(ok("CREATE EXTERNAL TABLE sales (id bigint COMMENT 'order id', amount decimal(12,2),"
               " items array<struct<sku:string,quantity:int,notes:map<string,string>>>)"
               " PARTITIONED BY (year int, month string COMMENT 'MM')"
               " STORED AS PARQUET LOCATION 's3://bkt/sales/'"));
    const char *cols = "col_name:varchar:2147483647,data_type:varchar:2147483647,"
                       "comment:varchar:2147483647";
    CHECK_ROWS("DESCRIBE sales", cols,
               "id                  |bigint              |order id\n"
               "amount              |decimal(12,2)       |\n"
               "items               |array<struct<sku:string,quantity:int,notes:map<string,string>>>|\n"
               "year                |int                 |\n"
               "month               |string              |MM\n"
               "||\n"
               "# Partition Information||\n"
               "# col_name          |data_type           |comment\n"
               "||\n"
               "year                |int                 |\n"
               "month               |string              |MM\n");
    CHECK_ROWS("DESC default.sales amount", cols, "amount              |decimal(12,2)       |\n");
    CHECK_ROWS("DESCRIBE sales YEAR", cols, "year                |int                 |\n");
    REQUIRE(ok("CREATE EXTERNAL TABLE flat (a int) LOCATION 's3://bkt/flat/'"));
    CHECK_ROWS("describe flat", cols, "a                   |int                 |\n");
    check_user_error("DESCRIBE sales nope", "Column nope does not exist in table sales");
    check_user_error("DESCRIBE missing", "Table not found: default.missing");
    check_user_error("DESCRIBE nodb.missing", "Database does not exist: nodb");
    check_user_error("DESCRIBE FORMATTED sales",
                     "line 1:10: DESCRIBE EXTENDED and DESCRIBE FORMATTED are not supported yet");
    fixture_close();
}

static void test_show_columns(void)
{
    fixture_open();
    REQUIRE(ok("CREATE DATABASE db"));
    REQUIRE(ok("CREATE EXTERNAL TABLE db.t (a int, b string) PARTITIONED BY (dt string) "
               "LOCATION 's3://bkt/t/'"));
    const char *col = "field:varchar:2147483647";
    CHECK_ROWS("SHOW COLUMNS FROM db.t", col, "a\nb\ndt\n");
    CHECK_ROWS("SHOW COLUMNS IN t IN db", col, "a\nb\ndt\n");
    CHECK_ROWS("SHOW COLUMNS FROM t FROM db", col, "a\nb\ndt\n");
    CHECK_ROWS("SHOW COLUMNS FROM db.t IN db", col, "a\nb\ndt\n");
    check_user_error("SHOW COLUMNS FROM db.t IN other",
                     "line 1:27: the table is qualified with another database: db");
    check_user_error("SHOW COLUMNS FROM t", "Table not found: default.t");
    check_user_error("SHOW COLUMNS t", "line 1:14: mismatched input 't'. Expecting: 'FROM', 'IN'");
    fixture_close();
}

static void test_unsupported_statements(void)
{
    fixture_open();
    check_user_error("ALTER TABLE t ADD PARTITION (dt='1') LOCATION 's3://bkt/t/dt=1/'",
                     "ALTER TABLE ADD PARTITION is not supported yet");
    check_user_error("MSCK REPAIR TABLE t", "MSCK REPAIR TABLE is not supported yet");
    check_user_error("CREATE VIEW v AS SELECT 1", "CREATE VIEW is not supported yet");
    check_user_error("CREATE TABLE t AS SELECT 1", "CREATE TABLE AS SELECT is not supported yet");
    check_user_error("SHOW PARTITIONS t", "SHOW PARTITIONS is not supported yet");
    check_user_error("SHOW CREATE TABLE t", "SHOW CREATE TABLE is not supported yet");
    check_user_error("SHOW FUNCTIONS",
                     "line 1:6: mismatched input 'FUNCTIONS'. Expecting: 'COLUMNS', 'CREATE', "
                     "'DATABASES', 'PARTITIONS', 'SCHEMAS', 'TABLES', 'TBLPROPERTIES', 'VIEWS'");
    check_user_error("SELECT 1", "line 1:1: mismatched input 'SELECT'. Expecting: 'ALTER', "
                                 "'CREATE', 'DESCRIBE', 'DROP', 'MSCK', 'SHOW'");
    check_user_error("", "line 1:1: mismatched input '<EOF>'. Expecting: 'ALTER', "
                         "'CREATE', 'DESCRIBE', 'DROP', 'MSCK', 'SHOW'");
    check_user_error("ALTER TABLE t FROB", "line 1:15: mismatched input 'FROB'. Expecting: "
                                           "'ADD', 'DROP', 'PARTITION', 'REPLACE', 'SET'");
    fixture_close();
}

static void test_sink_and_null_arguments(void)
{
    fixture_open();
    REQUIRE(ok("CREATE DATABASE a1"));
    REQUIRE(ok("CREATE DATABASE a2"));
    collector_reset(&out);
    out.abort_after = 2;
    engine_sink sink = {collect_columns, collect_row, &out};
    CHECK_INT(ddl_execute(st, "SHOW DATABASES", "default", ACCOUNT, &sink, &err), -1);
    CHECK_INT(err.user_error, 0);
    CHECK_STR(err.message, "the result writer stopped the statement");
    /* No sink, no error struct, no context database: still works. */
    CHECK_INT(ddl_execute(st, "SHOW TABLES", NULL, ACCOUNT, NULL, NULL), 0);
    CHECK_INT(ddl_execute(st, "CREATE EXTERNAL TABLE t (a int) LOCATION 's3://bkt/t/'", NULL, NULL,
                          NULL, &err), 0);
    json_t *t = store_table_get(st, "default", "t");
    CHECK(t && !json_object_get(t, "CatalogId"));
    json_decref(t);
    CHECK_INT(ddl_execute(NULL, "SHOW TABLES", NULL, ACCOUNT, NULL, &err), -1);
    CHECK_INT(err.user_error, 0);
    CHECK_INT(ddl_execute(st, NULL, NULL, ACCOUNT, NULL, &err), -1);
    CHECK_INT(err.user_error, 1);
    fixture_close();
}

/* ---- hostile input: must fail cleanly, never crash ---- */

static void check_fails_cleanly(const char *sql, const char *what)
{
    test_checks++;
    int rc = run(sql);
    if (rc != -1 || !err.user_error || err.message[0] == '\0') {
        test_failures++;
        fprintf(stderr, "%s: %s: rc=%d user=%d %s\n", test_current, what, rc, err.user_error,
                err.message);
    }
}

static void test_hostile_input(void)
{
    fixture_open();
    buf sql = BUF_INIT;
    buf_puts(&sql, "CREATE EXTERNAL TABLE t (a ");
    for (int i = 0; i < 10000; i++)
        buf_putc(&sql, '(');
    check_fails_cleanly(buf_str(&sql), "10k parentheses");
    buf_reset(&sql);
    buf_puts(&sql, "CREATE EXTERNAL TABLE t (a ");
    for (int i = 0; i < 10000; i++)
        buf_puts(&sql, "array<");
    buf_puts(&sql, "int");
    for (int i = 0; i < 10000; i++)
        buf_putc(&sql, '>');
    buf_puts(&sql, ") LOCATION 's3://bkt/t/'");
    check_fails_cleanly(buf_str(&sql), "10k nested arrays");
    CHECK_STR(err.message, "line 1:28: type nested deeper than 32 levels");
    buf_reset(&sql);
    buf_puts(&sql, "CREATE DATABASE ");
    for (int i = 0; i < 256; i++)
        buf_putc(&sql, 'x');
    check_fails_cleanly(buf_str(&sql), "256-character name");
    CHECK_STR(err.message, "line 1:17: name is too long (at most 255 characters)");
    buf_reset(&sql);
    buf_puts(&sql, "DROP TABLE `");
    for (int i = 0; i < 1000000; i++)
        buf_putc(&sql, 'y');
    buf_putc(&sql, '`');
    check_fails_cleanly(buf_str(&sql), "1 MB name");
    buf_reset(&sql);
    for (int i = 0; i < 400000; i++)
        buf_puts(&sql, i ? " ," : "SHOW TABLES");
    check_fails_cleanly(buf_str(&sql), "too many tokens");
    CHECK_STR(err.message, "statement is too long");
    check_fails_cleanly("SHOW TABLES LIKE 'abc", "unterminated string");
    check_fails_cleanly("DROP TABLE `abc", "unterminated backquote");
    check_fails_cleanly("DROP TABLE \"abc", "unterminated double quote");
    check_fails_cleanly("CREATE DATABASE x COMMENT 'a\\", "backslash at the end");
    check_fails_cleanly("DROP TABLE \x01\x02\xff", "control bytes");

    /* Deterministic fuzzing with pieces of the grammar and junk. */
    static const char *const pieces[] = {
        "CREATE", "EXTERNAL", "TABLE", "DATABASE", "DROP", "SHOW", "TABLES", "DESCRIBE", "(",
        ")", "<", ">", ",", ".", ";", "'s3://bkt/x/'", "'", "\"", "`", "a", "int", "array",
        "map", "struct", ":", "LOCATION", "ROW", "FORMAT", "SERDE", "DELIMITED", "STORED", "AS",
        "PARQUET", "PARTITIONED", "BY", "IF", "NOT", "EXISTS", "LIKE", "--", "/*", "*/", "\\",
        "\n", "COMMENT", "TBLPROPERTIES", "=", "COLUMNS", "IN", "CASCADE", "\xc3", "12",
    };
    uint32_t seed = 12345;
    int crashed_or_bad = 0;
    for (int iter = 0; iter < 3000; iter++) {
        buf_reset(&sql);
        seed = seed * 1103515245u + 12345u;
        int n = 1 + (int)((seed >> 16) % 24);
        for (int k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            buf_puts(&sql, pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
            buf_putc(&sql, ' ');
        }
        int rc = run(buf_str(&sql));
        if (rc != 0 && rc != -1)
            crashed_or_bad++;
        if (rc == -1 && err.message[0] == '\0')
            crashed_or_bad++;
        (void)ddl_substatement(buf_str(&sql));
        (void)ddl_classify(buf_str(&sql));
    }
    CHECK_INT(crashed_or_bad, 0);
    buf_free(&sql);
    fixture_close();
}

int main(void)
{
    RUN(test_classify);
    RUN(test_substatement);
    RUN(test_create_database);
    RUN(test_show_databases);
    RUN(test_drop_database);
    RUN(test_create_parquet_table);
    RUN(test_create_csv_table);
    RUN(test_string_escapes);
    RUN(test_create_json_and_other_formats);
    RUN(test_create_table_errors);
    RUN(test_drop_table);
    RUN(test_show_tables);
    RUN(test_describe);
    RUN(test_show_columns);
    RUN(test_unsupported_statements);
    RUN(test_sink_and_null_arguments);
    RUN(test_hostile_input);
    return test_summary();
}
