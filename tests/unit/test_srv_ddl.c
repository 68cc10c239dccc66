/*
 * test_srv_ddl.c: athena-local's catalog statements (ddl.h) against a real
 * store in a temporary directory: classification, SubstatementType, and the
 * exact Glue documents CREATE DATABASE / CREATE EXTERNAL TABLE store, with
 * their errors and positions. Output statements and hostile input are in
 * test_srv_ddl_catalog.c.
 */
#include "ddl_fixture.h"

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
    check_user_error("CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (p array<int>) "
                     "LOCATION 's3://bkt/t/'",
                     "Partition column p must be of a primitive type, not array<int>");
    check_user_error("CREATE EXTERNAL TABLE t (a int) PARTITIONED BY (p int, P string) "
                     "LOCATION 's3://bkt/t/'",
                     "Duplicate partition column name: p");
    check_user_error("CREATE OR REPLACE TABLE t (a int)",
                     "line 1:19: mismatched input 'TABLE'. Expecting: 'VIEW'");
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
int main(void)
{
    RUN(test_classify);
    RUN(test_substatement);
    RUN(test_create_database);
    RUN(test_create_parquet_table);
    RUN(test_create_csv_table);
    RUN(test_string_escapes);
    RUN(test_create_json_and_other_formats);
    RUN(test_create_table_errors);
    return test_summary();
}
