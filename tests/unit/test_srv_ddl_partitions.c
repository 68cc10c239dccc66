/*
 * test_srv_ddl_partitions.c: partitioned tables end to end against a real
 * store and engine: ALTER TABLE ADD/DROP PARTITION (Glue documents,
 * default locations, Hive escaping, errors that change nothing), MSCK
 * REPAIR TABLE (folders found, Hive's report), SHOW PARTITIONS, SHOW CREATE
 * TABLE text, and queries that read exactly the registered partitions and
 * count as scanned only the bytes of those their predicates select.
 */
#include "ddl_engine_fixture.h"

#include <duckdb.h>

#define EVENTS_DDL                                                                             \
    "CREATE EXTERNAL TABLE events (id int, name string) PARTITIONED BY (year int, month "      \
    "string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://lake/events/'"

/* 4 + 8 + 12 + 8 bytes in four partitions, and one folder not registered. */
static void lay_out_events(void)
{
    put_object("lake/events/year=2000/month=12/a.csv", "1,a\n");
    put_object("lake/events/year=2001/month=01/a.csv", "2,b\n3,c\n");
    put_object("lake/events/year=2001/month=02/a.csv", "4,d\n5,e\n6,f\n");
    put_object("lake/events/year=2001/month=03/a.csv", "7,g\n");
    put_object("lake/events/year=2001/month=03/b.csv", "8,h\n");
    put_object("lake/events/year=2002/month=01/a.csv", "9,i\n");
    put_object("lake/other/o.csv", "1\n3\n");
}

static int create_events(void)
{
    lay_out_events();
    return ddl_ok(EVENTS_DDL) &&
           ddl_ok("CREATE EXTERNAL TABLE other (id int) LOCATION 's3://lake/other/'") &&
           ddl_ok("ALTER TABLE events ADD PARTITION (year=2000, month='12') "
                  "PARTITION (year=2001, month='01') PARTITION (month='02', year=2001) "
                  "PARTITION (year=2001, month='03')");
}

static json_t *stored_partition(const char *db, const char *table, const char *v1,
                                const char *v2)
{
    json_t *values = json_pack("[s, s]", v1, v2);
    json_t *p = store_partition_get(st, db, table, values);
    json_decref(values);
    if (p) {
        double now = (double)time(NULL);
        double created = json_number_value(json_object_get(p, "CreationTime"));
        CHECK(created > now - 60 && created <= now + 1);
        json_object_del(p, "CreationTime");
    }
    return p;
}

static void test_add_partition(void)
{
    all_open();
    REQUIRE(ddl_ok(EVENTS_DDL));
    REQUIRE(ddl_ok("ALTER TABLE events ADD PARTITION (year=2001, month='01') "
                   "PARTITION (month='a/b=c', year='2001') LOCATION 's3://elsewhere/x/';"));
    CHECK(out.columns_calls == 1 && out.column_count == 0);
    check_doc(stored_partition("default", "events", "2001", "01"),
              "{\"Values\": [\"2001\", \"01\"], \"DatabaseName\": \"default\", "
              "\"TableName\": \"events\", \"CatalogId\": \"123456789012\", \"Parameters\": {}, "
              "\"StorageDescriptor\": {\"Columns\": [{\"Name\": \"id\", \"Type\": \"int\"}, "
              "{\"Name\": \"name\", \"Type\": \"string\"}], "
              "\"Location\": \"s3://lake/events/year=2001/month=01\", "
              "\"InputFormat\": \"org.apache.hadoop.mapred.TextInputFormat\", \"OutputFormat\": "
              "\"org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat\", "
              "\"Compressed\": false, \"NumberOfBuckets\": -1, \"SerdeInfo\": "
              "{\"SerializationLibrary\": \"org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe\", "
              "\"Parameters\": {\"serialization.format\": \",\", \"field.delim\": \",\"}}, "
              "\"BucketColumns\": [], \"SortColumns\": [], \"Parameters\": {}, \"SkewedInfo\": "
              "{\"SkewedColumnNames\": [], \"SkewedColumnValues\": [], "
              "\"SkewedColumnValueLocationMaps\": {}}, \"StoredAsSubDirectories\": false}}",
              __LINE__);
    json_t *p = stored_partition("default", "events", "2001", "a/b=c");
    CHECK_STR(json_string_value(json_object_get(json_object_get(p, "StorageDescriptor"),
                                                "Location")),
              "s3://elsewhere/x/");
    json_decref(p);
    /* The default location escapes what Hive escapes. */
    REQUIRE(ddl_ok("ALTER TABLE events ADD IF NOT EXISTS PARTITION (year=2001, month='01') "
                   "PARTITION (year=2002, month='q?%')"));
    p = stored_partition("default", "events", "2002", "q?%");
    CHECK_STR(json_string_value(json_object_get(json_object_get(p, "StorageDescriptor"),
                                                "Location")),
              "s3://lake/events/year=2002/month=q%3F%25");
    json_decref(p);
    CHECK_DDL_ROWS("SHOW PARTITIONS events", "partition:string:0",
                   "year=2001/month=01\nyear=2001/month=a%2Fb%3Dc\nyear=2002/month=q%3F%25\n");
    all_close();
}

static void test_add_partition_errors(void)
{
    all_open();
    REQUIRE(ddl_ok(EVENTS_DDL));
    REQUIRE(ddl_ok("CREATE EXTERNAL TABLE flat (a int) LOCATION 's3://lake/flat/'"));
    REQUIRE(ddl_ok("ALTER TABLE events ADD PARTITION (year=2001, month='01')"));
    CHECK_DDL_ERROR("ALTER TABLE events ADD PARTITION (year=2001, month='02') "
                    "PARTITION (year=2001, month='01')",
                    "Partition already exists: default.events (year='2001', month='01')");
    /* Nothing of a failed statement is added. */
    json_t *p = stored_partition("default", "events", "2001", "02");
    CHECK(p == NULL);
    json_decref(p);
    CHECK_DDL_ERROR("ALTER TABLE events ADD PARTITION (year=2001)",
                    "line 1:24: partition spec is invalid; field month does not exist or is "
                    "empty: (year='2001')");
    CHECK_DDL_ERROR("ALTER TABLE events ADD PARTITION (year=2001, month='')",
                    "line 1:24: partition spec is invalid; field month does not exist or is "
                    "empty: (year='2001', month='')");
    CHECK_DDL_ERROR("ALTER TABLE events ADD PARTITION (year=2001, day='1', month='1')",
                    "line 1:24: day is not a partition key of the table: (year='2001', "
                    "day='1', month='1')");
    CHECK_DDL_ERROR("ALTER TABLE events ADD PARTITION (year=1, year=2)",
                    "line 1:24: partition key year is given twice");
    CHECK_DDL_ERROR("ALTER TABLE events ADD PARTITION (year=1, month='1') "
                    "PARTITION (month='1', year=1)",
                    "Partition (month='1', year='1') is given twice");
    CHECK_DDL_ERROR("ALTER TABLE flat ADD PARTITION (a=1)",
                    "Table default.flat is not partitioned");
    CHECK_DDL_ERROR("ALTER TABLE nope ADD PARTITION (a=1)", "Table not found: default.nope");
    CHECK_DDL_ERROR("ALTER TABLE events ADD PARTITION (year=1, month='1') LOCATION '/etc/'",
                    "line 1:63: invalid LOCATION: expected 's3://bucket/prefix/'");
    CHECK_DDL_ERROR("ALTER TABLE events ADD PARTITION (year=1, month=x)",
                    "line 1:49: mismatched input 'x'. Expecting: <string>, <integer>");
    CHECK_DDL_ERROR("ALTER TABLE events ADD PARTITION (year=1, month='1') LOCATION 's3://bkt/p/' "
                    "LOCATION 's3://bkt/q/'",
                    "line 1:77: mismatched input 'LOCATION'. Expecting: 'PARTITION', <EOF>");
    CHECK_DDL_ERROR("ALTER TABLE events ADD PARTITION (year=1, month='1') PURGE",
                    "line 1:54: mismatched input 'PURGE'. Expecting: 'LOCATION', 'PARTITION', "
                    "<EOF>");
    CHECK_DDL_ERROR("ALTER TABLE events ADD IF EXISTS PARTITION (year=1, month='1')",
                    "line 1:27: mismatched input 'EXISTS'. Expecting: 'NOT'");
    CHECK_DDL_ROWS("SHOW PARTITIONS events", "partition:string:0", "year=2001/month=01\n");
    CHECK_DDL_ERROR("SHOW PARTITIONS flat", "Table flat is not a partitioned table");
    all_close();
}

static void test_drop_partition(void)
{
    all_open();
    REQUIRE(ddl_ok(EVENTS_DDL));
    REQUIRE(ddl_ok("ALTER TABLE events ADD PARTITION (year=2000, month='12') "
                   "PARTITION (year=2001, month='01') PARTITION (year=2001, month='02') "
                   "PARTITION (year=2002, month='01')"));
    CHECK_DDL_ERROR("ALTER TABLE events DROP PARTITION (year=2000, month='12'), "
                    "PARTITION (year=2001, month='13')",
                    "Partition not found (year='2001', month='13')");
    CHECK_DDL_ROWS("SHOW PARTITIONS events", "partition:string:0",
                   "year=2000/month=12\nyear=2001/month=01\nyear=2001/month=02\n"
                   "year=2002/month=01\n");
    REQUIRE(ddl_ok("ALTER TABLE events DROP IF EXISTS PARTITION (year=2000, month='12'), "
                   "PARTITION (year=2001, month='13') PURGE"));
    CHECK_DDL_ROWS("SHOW PARTITIONS events", "partition:string:0",
                   "year=2001/month=01\nyear=2001/month=02\nyear=2002/month=01\n");
    /* A partial spec drops every partition it matches. */
    REQUIRE(ddl_ok("ALTER TABLE default.events DROP PARTITION (year='2001')"));
    CHECK_DDL_ROWS("SHOW PARTITIONS events", "partition:string:0", "year=2002/month=01\n");
    REQUIRE(ddl_ok("ALTER TABLE events DROP PARTITION (month='01'), PARTITION (month='01')"));
    CHECK_DDL_ROWS("SHOW PARTITIONS events", "partition:string:0", "");
    CHECK_DDL_ERROR("ALTER TABLE events DROP PARTITION (day='1')",
                    "line 1:25: day is not a partition key of the table: (day='1')");
    all_close();
}

static void test_msck_repair(void)
{
    all_open();
    lay_out_events();
    put_object("lake/events/year=2003/month=a%3Ab/x.csv", "10,j\n");   /* escaped value */
    put_object("lake/events/year=2003/_tmp/x.csv", "no\n");              /* hidden */
    put_object("lake/events/year=2003/stray/x.csv", "no\n");             /* not key=value */
    put_object("lake/events/month=05/x.csv", "no\n");                    /* keys out of order */
    put_object("lake/events/year=2004/x.csv", "no\n");                   /* too shallow */
    REQUIRE(ddl_ok(EVENTS_DDL));
    REQUIRE(ddl_ok("ALTER TABLE events ADD PARTITION (year=2001, month='02') "
                   "PARTITION (year=1999, month='01')"));
    CHECK_DDL_ROWS(
        "MSCK REPAIR TABLE events", "result:string:0",
        "Partitions not in metastore:\tevents:year=2000/month=12\tevents:year=2001/month=01\t"
        "events:year=2001/month=03\tevents:year=2002/month=01\tevents:year=2003/month=a%3Ab\n"
        "Partitions missing from filesystem:\tevents:year=1999/month=01\n"
        "Repair: Added partition to metastore events:year=2000/month=12\n"
        "Repair: Added partition to metastore events:year=2001/month=01\n"
        "Repair: Added partition to metastore events:year=2001/month=03\n"
        "Repair: Added partition to metastore events:year=2002/month=01\n"
        "Repair: Added partition to metastore events:year=2003/month=a%3Ab\n");
    json_t *p = stored_partition("default", "events", "2003", "a:b");
    CHECK_STR(json_string_value(json_object_get(json_object_get(p, "StorageDescriptor"),
                                                "Location")),
              "s3://lake/events/year=2003/month=a%3Ab");
    json_decref(p);
    CHECK_DDL_ROWS("SHOW PARTITIONS events", "partition:string:0",
                   "year=1999/month=01\nyear=2000/month=12\nyear=2001/month=01\n"
                   "year=2001/month=02\nyear=2001/month=03\nyear=2002/month=01\n"
                   "year=2003/month=a%3Ab\n");
    CHECK_SELECT("SELECT month, count(*) FROM events GROUP BY 1 ORDER BY 1",
                 "01|3\n02|3\n03|2\n12|1\na:b|1\n", 4 + 8 + 12 + 8 + 4 + 5);
    /* Repaired, nothing is left to report but the missing folder. */
    CHECK_DDL_ROWS("MSCK REPAIR TABLE events", "result:string:0",
                   "Partitions missing from filesystem:\tevents:year=1999/month=01\n");
    REQUIRE(ddl_ok("CREATE EXTERNAL TABLE flat (a int) LOCATION 's3://lake/flat/'"));
    CHECK_DDL_ROWS("MSCK REPAIR TABLE flat", "", "");
    CHECK_DDL_ERROR("MSCK REPAIR TABLE nope", "Table not found: default.nope");
    CHECK_DDL_ERROR("MSCK REPAIR events", "line 1:13: mismatched input 'events'. Expecting: "
                                          "'TABLE'");
    /* Without the objects (ddl_execute) there is nothing to list. */
    CHECK_INT(ddl_execute(st, "MSCK REPAIR TABLE events", "default", ACCOUNT, NULL, &err), -1);
    CHECK_STR(err.message, "MSCK REPAIR TABLE needs the object store");
    CHECK_INT(err.user_error, 0);
    all_close();
}

static void test_show_create_table(void)
{
    all_open();
    REQUIRE(ddl_ok("CREATE EXTERNAL TABLE events (id int COMMENT 'the id''s', name string) "
                   "COMMENT 'all events' PARTITIONED BY (year int, month string) "
                   "ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' "
                   "LOCATION 's3://lake/events/' TBLPROPERTIES ('skip.header.line.count'='1')"));
    json_t *t = store_table_get(st, "default", "events");
    char expected[4096];
    snprintf(expected, sizeof expected,
             "CREATE EXTERNAL TABLE `events`(\n"
             "  `id` int COMMENT 'the id\\'s', \n"
             "  `name` string)\n"
             "COMMENT 'all events'\n"
             "PARTITIONED BY ( \n"
             "  `year` int, \n"
             "  `month` string)\n"
             "ROW FORMAT DELIMITED \n"
             "  FIELDS TERMINATED BY '\\t' \n"
             "  ESCAPED BY '\\\\' \n"
             "STORED AS INPUTFORMAT \n"
             "  'org.apache.hadoop.mapred.TextInputFormat' \n"
             "OUTPUTFORMAT \n"
             "  'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n"
             "LOCATION\n"
             "  's3://lake/events/'\n"
             "TBLPROPERTIES (\n"
             "  'skip.header.line.count'='1', \n"
             "  'transient_lastDdlTime'='%s')\n",
             json_string_value(json_object_get(json_object_get(t, "Parameters"),
                                               "transient_lastDdlTime")));
    json_decref(t);
    CHECK_DDL_ROWS("SHOW CREATE TABLE events", "createtab_stmt:string:0", expected);

    REQUIRE(ddl_ok("CREATE DATABASE lake"));
    REQUIRE(ddl_ok("CREATE EXTERNAL TABLE lake.csv (a string) ROW FORMAT SERDE "
                   "'org.apache.hadoop.hive.serde2.OpenCSVSerde' WITH SERDEPROPERTIES "
                   "('separatorChar'=';', 'quoteChar'='\"') LOCATION 's3://lake/csv/' "
                   "TBLPROPERTIES ('a'='b')"));
    REQUIRE(run_ddl("SHOW CREATE TABLE lake.csv") == 0);
    const char *serde_form = "CREATE EXTERNAL TABLE `lake.csv`(\n"
                             "  `a` string)\n"
                             "ROW FORMAT SERDE \n"
                             "  'org.apache.hadoop.hive.serde2.OpenCSVSerde' \n"
                             "WITH SERDEPROPERTIES ( \n"
                             "  'quoteChar'='\\\"', \n"
                             "  'separatorChar'='\\;') \n"
                             "STORED AS INPUTFORMAT \n"
                             "  'org.apache.hadoop.mapred.TextInputFormat' \n"
                             "OUTPUTFORMAT \n"
                             "  'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'\n"
                             "LOCATION\n"
                             "  's3://lake/csv/'\n"
                             "TBLPROPERTIES (\n"
                             "  'a'='b', \n"
                             "  'transient_lastDdlTime'=";
    CHECK(strncmp(buf_str(&out.rows), serde_form, strlen(serde_form)) == 0);
    REQUIRE(ddl_ok("CREATE EXTERNAL TABLE pq (a bigint) STORED AS PARQUET "
                   "LOCATION 's3://lake/pq/'"));
    REQUIRE(run_ddl("SHOW CREATE TABLE pq") == 0);
    CHECK(strstr(buf_str(&out.rows),
                 "ROW FORMAT SERDE \n"
                 "  'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' \n"
                 "STORED AS INPUTFORMAT \n"
                 "  'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat' \n") != NULL);
    CHECK_DDL_ERROR("SHOW CREATE TABLE nope", "Table not found: default.nope");
    CHECK_DDL_ERROR("SHOW CREATE TABLE pq x", "line 1:22: mismatched input 'x'. Expecting: <EOF>");
    all_close();
}

static void test_query_reads_registered_partitions(void)
{
    all_open();
    REQUIRE(create_events());
    /* year=2002/month=01 is not registered, so it is not read. */
    CHECK_SELECT("SELECT * FROM events ORDER BY id",
                 "1|a|2000|12\n2|b|2001|01\n3|c|2001|01\n4|d|2001|02\n5|e|2001|02\n"
                 "6|f|2001|02\n7|g|2001|03\n8|h|2001|03\n",
                 32);
    CHECK_STR(buf_str(&out.columns),
              "id:integer:10,name:varchar:2147483647,year:integer:10,month:varchar:2147483647");
    /* A partition located elsewhere reads its own location. */
    REQUIRE(ddl_ok("ALTER TABLE events ADD PARTITION (year=2009, month='09') "
                   "LOCATION 's3://lake/other/'"));
    CHECK_SELECT("SELECT id, year FROM events WHERE month = '09' ORDER BY id",
                 "1|2009\n3|2009\n", 4);
    REQUIRE(ddl_ok("ALTER TABLE events DROP PARTITION (year=2009)"));
    REQUIRE(ddl_ok("ALTER TABLE events DROP PARTITION (month='02')"));
    CHECK_SELECT("SELECT count(*) FROM events", "5\n", 20);
    REQUIRE(ddl_ok("ALTER TABLE events DROP PARTITION (year=2000), PARTITION (year=2001)"));
    CHECK_SELECT("SELECT count(*) FROM events", "0\n", 0);
    all_close();
}

static void test_pruning_counts_selected_partitions(void)
{
    all_open();
    REQUIRE(create_events());
    CHECK_SELECT("SELECT count(*) FROM events WHERE month = '02'", "3\n", 12);
    CHECK_SELECT("SELECT count(*) FROM events WHERE '02' = month", "3\n", 12);
    CHECK_SELECT("SELECT count(*) FROM events WHERE year = 2001", "7\n", 28);
    CHECK_SELECT("SELECT count(*) FROM events WHERE year > 2000 AND month <> '02'", "4\n", 16);
    CHECK_SELECT("SELECT count(*) FROM events WHERE month IN ('01', '03')", "4\n", 16);
    CHECK_SELECT("SELECT count(*) FROM events WHERE month NOT IN ('01', '03')", "4\n", 16);
    CHECK_SELECT("SELECT count(*) FROM events WHERE month BETWEEN '01' AND '02'", "5\n", 20);
    CHECK_SELECT("SELECT count(*) FROM events WHERE year = 2001 OR month = '12'", "8\n", 32);
    CHECK_SELECT("SELECT count(*) FROM events WHERE (year = 2001 AND month = '03') OR "
                 "(year = 2000 AND id > 0)", "3\n", 12);
    CHECK_SELECT("SELECT count(*) FROM events WHERE NOT (month = '12')", "7\n", 28);
    CHECK_SELECT("SELECT count(*) FROM events WHERE month = '99'", "0\n", 0);
    CHECK_SELECT("SELECT count(*) FROM events WHERE year <= 2000.5", "1\n", 32);
    /* Qualified by alias or table name. */
    CHECK_SELECT("SELECT count(*) FROM events e WHERE e.month = '03'", "2\n", 8);
    CHECK_SELECT("SELECT count(*) FROM \"default\".events WHERE events.month = '03'", "2\n", 8);
    CHECK_SELECT("SELECT count(*) FROM events WHERE \"default\".events.month = '03'", "2\n", 8);
    /* Not about partitions, or not understood: every partition counts. */
    CHECK_SELECT("SELECT count(*) FROM events WHERE id = 3", "1\n", 32);
    CHECK_SELECT("SELECT count(*) FROM events WHERE CAST(month AS INTEGER) = 2", "3\n", 32);
    CHECK_SELECT("SELECT count(*) FROM events WHERE month = '02' OR id = 1", "4\n", 32);
    CHECK_SELECT("SELECT count(*) FROM events WHERE year = '2001'", "7\n", 32);
    const char *params[] = {"'02'"};
    query_result r = select_with("SELECT count(*) FROM events WHERE month = ?", params, 1);
    CHECK(r.failure == ENGINE_OK);
    CHECK_STR(buf_str(&out.rows), "3\n");
    CHECK_INT(r.stats.bytes_scanned, 32);
    /* Subqueries and CTEs prune their own references. */
    CHECK_SELECT("SELECT count(*) FROM (SELECT * FROM events WHERE month = '01') s", "2\n", 8);
    CHECK_SELECT("WITH x AS (SELECT * FROM events WHERE month = '01') SELECT count(*) FROM x",
                 "2\n", 8);
    /* Two references: the union of what each reads. */
    CHECK_SELECT("SELECT count(*) FROM events a JOIN events b ON a.id = b.id + 2 "
                 "WHERE a.month = '02' AND b.month = '01'", "2\n", 20);
    CHECK_SELECT("SELECT count(*) FROM events a, events b WHERE a.month = '02'", "24\n", 32);
    /* An unqualified name beside another table could be that table's. */
    CHECK_SELECT("SELECT count(*) FROM events JOIN other o ON events.id = o.id "
                 "WHERE month = '01'", "1\n", 32 + 4);
    /* ON conditions filter the inner side of a join and the nullable side
     * of an outer join, never the preserved side. */
    CHECK_SELECT("SELECT count(e.id) FROM other o LEFT JOIN events e ON o.id = e.id "
                 "AND e.month = '01'", "1\n", 8 + 4);
    CHECK_SELECT("SELECT count(*) FROM events e LEFT JOIN other o ON o.id = e.id "
                 "AND e.month = '01'", "8\n", 32 + 4);
    CHECK_SELECT("SELECT count(*) FROM events e JOIN other o ON o.id = e.id "
                 "AND e.month = '01'", "1\n", 8 + 4);
    all_close();
}

static void test_parquet_partitions_by_name(void)
{
    all_open();
    duckdb_database db;
    duckdb_connection conn;
    REQUIRE(duckdb_open(NULL, &db) == DuckDBSuccess);
    REQUIRE(duckdb_connect(db, &conn) == DuckDBSuccess);
    char sql[1200];
    snprintf(sql, sizeof sql,
             "COPY (SELECT 1 AS id, 'x' AS Name) TO '%s/lake/pq/dt=2024-01-01/p.parquet' "
             "(FORMAT parquet)",
             s3_root);
    put_object("lake/pq/dt=2024-01-01/.keep", "");
    put_object("lake/pq/dt=2024-01-02/.keep", "");
    REQUIRE(duckdb_query(conn, sql, NULL) == DuckDBSuccess);
    snprintf(sql, sizeof sql,
             "COPY (SELECT 2 AS id, 'y' AS name, 'new' AS extra, 'file' AS dt) TO "
             "'%s/lake/pq/dt=2024-01-02/p.parquet' (FORMAT parquet)",
             s3_root);
    REQUIRE(duckdb_query(conn, sql, NULL) == DuckDBSuccess);
    duckdb_disconnect(&conn);
    duckdb_close(&db);
    char path[700];
    struct stat a, b;
    snprintf(path, sizeof path, "%s/lake/pq/dt=2024-01-01/p.parquet", s3_root);
    REQUIRE(stat(path, &a) == 0);
    snprintf(path, sizeof path, "%s/lake/pq/dt=2024-01-02/p.parquet", s3_root);
    REQUIRE(stat(path, &b) == 0);
    REQUIRE(ddl_ok("CREATE EXTERNAL TABLE pq (id bigint, name string, extra string) "
                   "PARTITIONED BY (dt date) STORED AS PARQUET LOCATION 's3://lake/pq/'"));
    REQUIRE(ddl_ok("MSCK REPAIR TABLE pq"));
    /* Columns missing from a partition's files are NULL; the partition
     * value wins over a file column of the same name. */
    CHECK_SELECT("SELECT * FROM pq ORDER BY id",
                 "1|x|<null>|2024-01-01\n2|y|new|2024-01-02\n", a.st_size + b.st_size);
    CHECK_SELECT("SELECT name FROM pq WHERE dt = DATE '2024-01-02'", "y\n", b.st_size);
    CHECK_SELECT("SELECT name FROM pq WHERE dt < '2024-01-02'", "x\n", a.st_size);
    all_close();
}

static void test_lookup_and_bad_partitions(void)
{
    all_open();
    REQUIRE(create_events());
    json_t *t = ddl_catalog_lookup(st, "default", "events");
    REQUIRE(t != NULL);
    CHECK_INT(json_array_size(json_object_get(t, "Partitions")), 4);
    json_decref(t);
    t = ddl_catalog_lookup(st, "default", "other");
    CHECK(t && !json_object_get(t, "Partitions"));
    json_decref(t);
    CHECK(ddl_catalog_lookup(st, "default", "nope") == NULL);
    /* Partitions written through Glue's API may lack what the engine needs. */
    json_t *bad = json_pack("{s:[s, s], s:{}}", "Values", "2005", "01", "StorageDescriptor");
    REQUIRE(store_partition_create(st, "default", "events", bad) == STORE_OK);
    json_decref(bad);
    CHECK_SELECT_ERROR("SELECT * FROM events", "HIVE_INVALID_METADATA",
                       "Partition year=2005/month=01 of table "
                       "'awsdatacatalog.default.events' has no location");
    json_t *values = json_pack("[s, s]", "2005", "01");
    bad = json_pack("{s:[s, s], s:{s:s}}", "Values", "2005", "01", "StorageDescriptor",
                    "Location", "s3://../etc/");
    REQUIRE(store_partition_update(st, "default", "events", values, bad) == STORE_OK);
    json_decref(bad);
    json_decref(values);
    CHECK_SELECT_ERROR("SELECT * FROM events", "HIVE_INVALID_METADATA", "invalid location");
    all_close();
}

int main(void)
{
    RUN(test_add_partition);
    RUN(test_add_partition_errors);
    RUN(test_drop_partition);
    RUN(test_msck_repair);
    RUN(test_show_create_table);
    RUN(test_query_reads_registered_partitions);
    RUN(test_pruning_counts_selected_partitions);
    RUN(test_parquet_partitions_by_name);
    RUN(test_lookup_and_bad_partitions);
    all_close();
    return test_summary();
}
