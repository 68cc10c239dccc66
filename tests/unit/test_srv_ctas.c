/*
 * test_srv_ctas.c: CREATE TABLE AS SELECT, INSERT INTO and UNLOAD in the
 * catalog-statement runner with a real engine and objects tree: the WITH
 * properties and their errors, the files written (formats, partition
 * folders, staging left behind on failure), the Glue documents registered,
 * the manifest, the rows reported, and the refusals (existing table,
 * non-empty or traversing location, missing bucket, hostile SQL).
 */
#include "ddl_engine_fixture.h"
#include "ddl_internal.h"
#include "test.h"


static ddl_outcome outcome;
static int query_number;

/* Runs a statement as query "q<n>" whose results go to s3://results/out/. */
static int run_write(const char *sql)
{
    static char id[32], output[96];
    snprintf(id, sizeof id, "q%d", ++query_number);
    snprintf(output, sizeof output, "s3://results/out/%s.txt", id);
    memset(&outcome, 0, sizeof outcome);
    ddl_query_info query = {.query_id = id, .output_location = output, .outcome = &outcome};
    collector_reset(&out);
    engine_sink sink = {collect_columns, collect_row, &out};
    ddl_environment env = {st, s3_root, sess, ACCOUNT};
    memset(&err, 0, sizeof err);
    int rc = ddl_run_query(&env, &query, sql, "default", &sink, &err);
    if (rc != 0 && err.message[0] == '\0')
        fprintf(stderr, "  error without message for: %.80s\n", sql);
    return rc;
}

static int write_ok(const char *sql)
{
    int rc = run_write(sql);
    if (rc != 0)
        fprintf(stderr, "  unexpected failure of %.160s\n  -> %s\n", sql, err.message);
    return rc == 0;
}

/* A write expected to fail with a message starting with prefix. */
static void check_write_error(const char *sql, const char *prefix, int line)
{
    test_checks++;
    int rc = run_write(sql);
    if (rc != -1 || !err.user_error || strncmp(err.message, prefix, strlen(prefix)) != 0) {
        test_failures++;
        fprintf(stderr, "line %d: %s: expected an error for %.160s\n  got: rc=%d user=%d %s\n"
                        "  expected: %s...\n",
                line, test_current, sql, rc, err.user_error, err.message, prefix);
    }
}
#define CHECK_WRITE_ERROR(sql, prefix) check_write_error(sql, prefix, __LINE__)

static char *read_object(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", s3_root, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    return buf_detach(&b);
}

/* A SELECT expected to return exactly rows (whatever it scans). */
static void check_query(const char *sql, const char *rows, int line)
{
    test_checks++;
    query_result r = select_rows(sql);
    if (r.failure != ENGINE_OK || strcmp(buf_str(&out.rows), rows) != 0) {
        test_failures++;
        fprintf(stderr, "line %d: %s: %s\n  failure %d: %s %s\n  rows:\n%s  expected:\n%s",
                line, test_current, sql, (int)r.failure, r.err.code, r.err.message,
                buf_str(&out.rows), rows);
    }
}
#define CHECK_QUERY(sql, rows) check_query(sql, rows, __LINE__)

/* A source table default.src (id int, name string, grp string) of 6 rows. */
static void open_with_source(void)
{
    all_open();
    query_number = 0;
    CHECK(mkdir(s3_root, 0700) == 0 || errno == EEXIST);
    CHECK(put_object("lake/src/part.csv", "1,one,a\n2,two,a\n3,three,b\n4,four,b\n5,five,c\n"
                                          "6,\\N,c\n") == 0);
    CHECK(put_object("results/.keep", "") == 0);
    CHECK(ddl_ok("CREATE EXTERNAL TABLE src (id int, name string, grp string) ROW FORMAT "
                 "DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://lake/src/'"));
}

/* ---- parsing ---------------------------------------------------------------------- */

static void test_matching_paren(void)
{
    CHECK_INT((int)ddl_matching_paren("(a)", 0), 2);
    CHECK_INT((int)ddl_matching_paren("x (SELECT ')' AS p, \"a)\" FROM t) TO", 2), 31);
    CHECK_INT((int)ddl_matching_paren("(SELECT 1 -- )\n)", 0), 15);
    CHECK_INT((int)ddl_matching_paren("(SELECT /* ) */ 1)", 0), 17);
    CHECK_INT((int)ddl_matching_paren("(SELECT 'it''s )')", 0), 17);
    CHECK_INT((int)ddl_matching_paren("(SELECT (1)", 0), 0);
    CHECK_INT((int)ddl_matching_paren("(SELECT ')", 0), 0);
}

static void test_recognized_and_classified(void)
{
    CHECK_INT(ddl_writes_data("INSERT INTO t VALUES (1)"), 1);
    CHECK_INT(ddl_writes_data("  unload (SELECT 1) TO 's3://b/p/' WITH (format='JSON')"), 1);
    CHECK_INT(ddl_writes_data("SELECT 1"), 0);
    CHECK_INT(ddl_writes_data("INSERTS"), 0);
    CHECK_STR(ddl_substatement("INSERT INTO t SELECT 1"), "INSERT");
    CHECK_STR(ddl_substatement("UNLOAD (SELECT 1) TO 's3://b/p/' WITH (format='JSON')"),
              "UNLOAD");
    CHECK_STR(ddl_substatement("CREATE TABLE t WITH (format='JSON') AS SELECT 1"),
              "CREATE_TABLE_AS_SELECT");
}

static void test_property_errors(void)
{
    open_with_source();
    CHECK_WRITE_ERROR("CREATE TABLE t WITH (format = 'PARQUET', format = 'JSON') AS SELECT 1",
                      "line 1:42: Duplicate property: format");
    CHECK_WRITE_ERROR("CREATE TABLE t WITH (colour = 'red') AS SELECT 1 AS x",
                      "INVALID_TABLE_PROPERTY: Catalog 'awsdatacatalog' table property 'colour' "
                      "does not exist");
    CHECK_WRITE_ERROR("CREATE TABLE t WITH (format = 'ORC') AS SELECT 1 AS x",
                      "NOT_SUPPORTED: athena-local writes PARQUET, TEXTFILE and JSON");
    CHECK_WRITE_ERROR("CREATE TABLE t WITH (format = 'XML') AS SELECT 1 AS x",
                      "INVALID_TABLE_PROPERTY: Unknown format: XML");
    CHECK_WRITE_ERROR("CREATE TABLE t WITH (bucketed_by = ARRAY['x'], bucket_count = 4) AS "
                      "SELECT 1 AS x", "NOT_SUPPORTED: Bucketed tables");
    CHECK_WRITE_ERROR("CREATE TABLE t WITH (table_type = 'ICEBERG') AS SELECT 1 AS x",
                      "NOT_SUPPORTED: ICEBERG tables are not supported");
    CHECK_WRITE_ERROR("CREATE TABLE t WITH (format = 'TEXTFILE', field_delimiter = '||') AS "
                      "SELECT 1 AS x", "INVALID_TABLE_PROPERTY: field_delimiter must be");
    CHECK_WRITE_ERROR("CREATE TABLE t WITH (format = 'JSON', write_compression = 'SNAPPY') AS "
                      "SELECT 1 AS x", "NOT_SUPPORTED: Unsupported compression 'SNAPPY'");
    CHECK_WRITE_ERROR("CREATE TABLE t WITH (partitioned_by = 'x') AS SELECT 1 AS x",
                      "INVALID_TABLE_PROPERTY: partitioned_by must be an ARRAY");
    CHECK_WRITE_ERROR("CREATE TABLE t WITH (format = PARQUET) AS SELECT 1 AS x",
                      "line 1:31: mismatched input 'PARQUET'");
    CHECK_WRITE_ERROR("CREATE TABLE t WITH (format = 'JSON') AS", "line 1:");
    CHECK_WRITE_ERROR("UNLOAD (SELECT 1) TO 's3://results/u/'",
                      "line 1:39: mismatched input '<EOF>'. Expecting: 'WITH'");
    CHECK_WRITE_ERROR("UNLOAD (SELECT (1) TO 's3://results/u/' WITH (format = 'JSON')",
                      "line 1:8: mismatched input '<EOF>'. Expecting: ')'");
    CHECK_WRITE_ERROR("UNLOAD (SELECT 1 AS x) TO 's3://results/u/' WITH (compression = 'GZIP')",
                      "INVALID_TABLE_PROPERTY: UNLOAD requires the format property");
    CHECK_INT(s3_entries("results"), 1);   /* nothing written, no staging left */
    all_close();
}

/* ---- CTAS ------------------------------------------------------------------------ */

static void test_ctas_parquet(void)
{
    open_with_source();
    CHECK(write_ok("CREATE TABLE copy WITH (external_location = 's3://lake/copy/') AS "
                   "SELECT id, upper(name), grp, id * 10 AS big FROM src WHERE id > 1"));
    CHECK_STR(buf_str(&out.columns), "rows:bigint:19");
    CHECK_STR(buf_str(&out.rows), "5\n");
    CHECK(outcome.bytes_scanned > 0);
    CHECK_STR(outcome.manifest_location, "s3://results/out/q1-manifest.csv");
    CHECK(s3_exists("lake/copy/q1_0"));
    char *manifest = read_object("results/out/q1-manifest.csv");
    CHECK_STR(manifest ? manifest : "", "s3://lake/copy/q1_0\n");
    free(manifest);
    json_t *t = stored_table("default", "copy");
    json_t *sd = json_object_get(t, "StorageDescriptor");
    CHECK_STR(json_string_value(json_object_get(sd, "Location")), "s3://lake/copy/");
    CHECK_STR(json_string_value(json_object_get(json_object_get(sd, "SerdeInfo"),
                                                "SerializationLibrary")),
              "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
    char *cols = json_dumps(json_object_get(sd, "Columns"), JSON_COMPACT);
    CHECK_STR(cols ? cols : "", "[{\"Name\":\"id\",\"Type\":\"int\"},{\"Name\":\"_col1\","
                                "\"Type\":\"string\"},{\"Name\":\"grp\",\"Type\":\"string\"},"
                                "{\"Name\":\"big\",\"Type\":\"int\"}]");
    free(cols);
    CHECK_STR(json_string_value(json_object_get(json_object_get(t, "Parameters"),
                                                "parquet.compression")), "GZIP");
    json_decref(t);
    CHECK_QUERY("SELECT id, _col1, big FROM copy ORDER BY id", "2|TWO|20\n3|THREE|30\n"
                "4|FOUR|40\n5|FIVE|50\n6|<null>|60\n");
    /* The default location: <output folder>/tables/<query id>/. */
    CHECK(write_ok("CREATE TABLE dflt AS SELECT id FROM src"));
    CHECK(s3_exists("results/out/tables/q2/q2_0"));
    CHECK_QUERY("SELECT count(*), sum(id) FROM dflt", "6|21\n");
    all_close();
}

static void test_ctas_text_json_partitioned(void)
{
    open_with_source();
    CHECK(write_ok("CREATE TABLE txt WITH (format = 'TEXTFILE', field_delimiter = '|', "
                   "write_compression = 'NONE', external_location = 's3://lake/txt', "
                   "partitioned_by = ARRAY['grp']) AS SELECT id, name, grp FROM src"));
    CHECK_STR(buf_str(&out.rows), "6\n");
    CHECK(s3_exists("lake/txt/grp=a/q1_0") && s3_exists("lake/txt/grp=b/q1_1") &&
          s3_exists("lake/txt/grp=c/q1_2"));
    char *text = read_object("lake/txt/grp=c/q1_2");
    CHECK_STR(text ? text : "", "5|five\n6|\\N\n");
    free(text);
    json_t *parts = store_partition_list(st, "default", "txt", NULL, 0);
    CHECK_INT((int)json_array_size(parts), 3);
    CHECK_STR(json_string_value(json_object_get(
                  json_object_get(json_array_get(parts, 1), "StorageDescriptor"), "Location")),
              "s3://lake/txt/grp=b");
    json_decref(parts);
    json_t *t = stored_table("default", "txt");
    CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(
                  json_object_get(t, "StorageDescriptor"), "SerdeInfo"), "Parameters"),
                  "field.delim")), "|");
    CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(t,
                  "PartitionKeys"), 0), "Name")), "grp");
    json_decref(t);
    CHECK_QUERY("SELECT grp, count(*), count(name) FROM txt GROUP BY grp ORDER BY grp",
                "a|2|2\nb|2|2\nc|2|1\n");
    CHECK(write_ok("CREATE TABLE js WITH (format = 'JSON', external_location = "
                   "'s3://lake/js/') AS SELECT id, name FROM src WHERE id <= 2"));
    CHECK(s3_exists("lake/js/q2_0.gz"));
    CHECK_QUERY("SELECT id, name FROM js ORDER BY id", "1|one\n2|two\n");
    CHECK_WRITE_ERROR("CREATE TABLE bad WITH (partitioned_by = ARRAY['id']) AS "
                      "SELECT id, name FROM src",
                      "HIVE_COLUMN_ORDER_MISMATCH: Partition keys must be the last columns in "
                      "the table and in the same order as the table properties: [id]");
    CHECK_WRITE_ERROR("CREATE TABLE bad WITH (partitioned_by = ARRAY['nope']) AS "
                      "SELECT id, name FROM src",
                      "INVALID_TABLE_PROPERTY: Partition columns [nope] not present in schema");
    CHECK_WRITE_ERROR("CREATE TABLE bad WITH (partitioned_by = ARRAY['id']) AS SELECT id FROM src",
                      "INVALID_TABLE_PROPERTY: Table contains only partition columns");
    CHECK_WRITE_ERROR("CREATE TABLE bad WITH (partitioned_by = ARRAY['x']) AS "
                      "SELECT a.id, a.id * 100 + b.id * 10 + c.id AS x FROM src a, src b, src c",
                      "HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers");
    CHECK(!stored_table("default", "bad"));
    CHECK_INT(s3_entries("lake"), 3);   /* src, txt, js, and nothing staged */
    /* WITH NO DATA: the table, its columns, no file. */
    CHECK(write_ok("CREATE TABLE empty WITH (external_location = 's3://lake/empty/') AS "
                   "SELECT id, name FROM src WITH NO DATA"));
    CHECK_STR(buf_str(&out.rows), "0\n");
    CHECK_INT(s3_entries("lake/empty"), 0);
    CHECK_SELECT("SELECT count(*) FROM empty", "0\n", 0);
    all_close();
}

static void test_ctas_refusals(void)
{
    open_with_source();
    CHECK(write_ok("CREATE TABLE once WITH (external_location = 's3://lake/once/') AS "
                   "SELECT 1 AS x"));
    CHECK_WRITE_ERROR("CREATE TABLE once AS SELECT 2 AS x",
                      "TABLE_ALREADY_EXISTS: Destination table 'awsdatacatalog.default.once' "
                      "already exists");
    CHECK(write_ok("CREATE TABLE IF NOT EXISTS once AS SELECT 2 AS x"));
    CHECK_STR(buf_str(&out.rows), "0\n");
    CHECK_WRITE_ERROR("CREATE TABLE other WITH (external_location = 's3://lake/src/') AS "
                      "SELECT 1 AS x",
                      "HIVE_PATH_ALREADY_EXISTS: Target directory for table 'default.other' "
                      "already exists: s3://lake/src/");
    CHECK_WRITE_ERROR("CREATE TABLE other WITH (external_location = 's3://nobucket/x/') AS "
                      "SELECT 1 AS x", "NoSuchBucket: The specified bucket does not exist");
    CHECK_WRITE_ERROR("CREATE TABLE other WITH (external_location = 's3://lake/../../x/') AS "
                      "SELECT 1 AS x", "INVALID_TABLE_PROPERTY: Invalid location");
    CHECK_WRITE_ERROR("CREATE TABLE other WITH (external_location = '/etc/') AS SELECT 1 AS x",
                      "INVALID_TABLE_PROPERTY: Invalid location");
    CHECK_WRITE_ERROR("CREATE TABLE other AS SELECT * FROM read_text('/etc/passwd')",
                      "NOT_SUPPORTED: ");
    CHECK_WRITE_ERROR("CREATE TABLE other AS SELECT 1 AS x; COPY (SELECT 1) TO '/tmp/x.csv'",
                      "NOT_SUPPORTED: ");
    CHECK_WRITE_ERROR("CREATE TABLE other AS SELECT 1 AS x) AS q; DROP TABLE src; --",
                      "SYNTAX_ERROR: ");
    CHECK_WRITE_ERROR("CREATE TABLE other AS SELECT nope FROM src",
                      "COLUMN_NOT_FOUND: line 1:");
    CHECK_WRITE_ERROR("CREATE TABLE other AS SELECT 1 AS a, 2 AS a",
                      "DUPLICATE_COLUMN_NAME: Column name 'a' specified more than once");
    CHECK_WRITE_ERROR("CREATE TABLE other AS SELECT INTERVAL 1 DAY AS i",
                      "NOT_SUPPORTED: Unsupported Hive type");
    CHECK_WRITE_ERROR("CREATE TABLE nodb.other AS SELECT 1 AS x",
                      "SCHEMA_NOT_FOUND: Schema 'nodb' does not exist");
    CHECK(!stored_table("default", "other"));
    CHECK_INT(s3_entries("lake"), 2);   /* src and once: no staging folder left behind */
    CHECK_INT(s3_entries("results"), 2);   /* .keep and out */
    all_close();
}

/* ---- INSERT INTO --------------------------------------------------------------------- */

static void test_insert(void)
{
    open_with_source();
    CHECK(write_ok("INSERT INTO src SELECT * FROM src"));
    CHECK_STR(buf_str(&out.columns), "rows:bigint:19");
    CHECK_STR(buf_str(&out.rows), "6\n");
    CHECK(s3_exists("lake/src/q1_0.gz") && s3_exists("lake/src/part.csv"));
    CHECK_QUERY("SELECT count(*), count(name) FROM src", "12|10\n");
    CHECK(write_ok("INSERT INTO src (grp, id) VALUES ('z', 7), ('z', 8)"));
    CHECK_QUERY("SELECT id, name, grp FROM src WHERE grp = 'z' ORDER BY id",
                "7|<null>|z\n8|<null>|z\n");
    CHECK_WRITE_ERROR("INSERT INTO src SELECT 1, 2", "TYPE_MISMATCH: Insert query has "
                      "mismatched column count: Table: 3, Query: 2");
    CHECK_WRITE_ERROR("INSERT INTO src (id, nope) SELECT 1, 2",
                      "COLUMN_NOT_FOUND: Insert column name does not exist in target table");
    CHECK_WRITE_ERROR("INSERT INTO missing SELECT 1",
                      "TABLE_NOT_FOUND: line 1:13: Table 'awsdatacatalog.default.missing'");
    CHECK_WRITE_ERROR("INSERT INTO src SELECT * FROM read_csv('/etc/passwd')", "NOT_SUPPORTED: ");
    CHECK(ddl_ok("CREATE EXTERNAL TABLE quoted (a string) ROW FORMAT SERDE "
                 "'org.apache.hadoop.hive.serde2.OpenCSVSerde' LOCATION 's3://lake/quoted/'"));
    CHECK_WRITE_ERROR("INSERT INTO quoted VALUES ('x')", "NOT_SUPPORTED: athena-local inserts "
                      "into Parquet, TEXTFILE (LazySimpleSerDe) and JSON tables");
    /* Partitioned: new partitions are registered, files land in their folders. */
    CHECK(ddl_ok("CREATE EXTERNAL TABLE events (id int) PARTITIONED BY (day string) "
                 "STORED AS PARQUET LOCATION 's3://lake/events/'"));
    CHECK(write_ok("INSERT INTO events SELECT id, grp FROM src WHERE id <= 4"));
    CHECK_STR(buf_str(&out.rows), "8\n");
    json_t *parts = store_partition_list(st, "default", "events", NULL, 0);
    CHECK_INT((int)json_array_size(parts), 2);
    json_decref(parts);
    CHECK(write_ok("INSERT INTO events VALUES (9, 'a')"));
    CHECK_INT(s3_entries("lake/events/day=a"), 2);
    CHECK_QUERY("SELECT day, count(*) FROM events GROUP BY day ORDER BY day", "a|5\nb|4\n");
    /* A partition registered elsewhere receives its rows where it lives. */
    CHECK(ddl_ok("ALTER TABLE events ADD PARTITION (day = 'x') LOCATION 's3://lake/moved/x/'"));
    CHECK(write_ok("INSERT INTO events VALUES (10, 'x'), (11, 'x')"));
    CHECK_INT(s3_entries("lake/moved/x"), 1);
    CHECK(!s3_exists("lake/events/day=x"));
    CHECK_QUERY("SELECT sum(id) FROM events WHERE day = 'x'", "21\n");
    CHECK_WRITE_ERROR("INSERT INTO events VALUES ('eleven', 'x')", "INVALID_CAST_ARGUMENT: ");
    CHECK_INT(s3_entries("lake"), 3);   /* src, events and moved: nothing staged is left */
    all_close();
}

/* ---- UNLOAD ---------------------------------------------------------------------------- */

static void test_unload(void)
{
    open_with_source();
    CHECK(write_ok("UNLOAD (SELECT id, name FROM src WHERE id < 3 ORDER BY id) "
                   "TO 's3://results/unload/' WITH (format = 'JSON', compression = 'NONE')"));
    CHECK_INT((int)out.column_count, 0);
    char *json = read_object("results/unload/q1_0");
    CHECK_STR(json ? json : "", "{\"id\":1,\"name\":\"one\"}\n{\"id\":2,\"name\":\"two\"}\n");
    free(json);
    char *manifest = read_object("results/out/q1-manifest.csv");
    CHECK_STR(manifest ? manifest : "", "s3://results/unload/q1_0\n");
    free(manifest);
    CHECK_WRITE_ERROR("UNLOAD (SELECT 1 AS x) TO 's3://results/unload/' WITH (format = 'JSON')",
                      "HIVE_PATH_ALREADY_EXISTS: Target directory for UNLOAD already exists");
    CHECK(write_ok("UNLOAD (SELECT name, grp FROM src) TO 's3://results/byg' "
                   "WITH (format = 'TEXTFILE', field_delimiter = ',', partitioned_by = "
                   "ARRAY['grp'])"));
    CHECK(s3_exists("results/byg/grp=a/q3_0.gz") && s3_exists("results/byg/grp=c/q3_2.gz"));
    CHECK_WRITE_ERROR("UNLOAD (SELECT 1 AS x) TO 's3://nobucket/u/' WITH (format = 'PARQUET')",
                      "NoSuchBucket: ");
    CHECK_WRITE_ERROR("UNLOAD (SELECT * FROM read_text('/etc/passwd')) TO 's3://results/t/' "
                      "WITH (format = 'PARQUET')", "NOT_SUPPORTED: ");
    CHECK(!s3_exists("results/t"));
    all_close();
}

int main(void)
{
    RUN(test_matching_paren);
    RUN(test_recognized_and_classified);
    RUN(test_property_errors);
    RUN(test_ctas_parquet);
    RUN(test_ctas_text_json_partitioned);
    RUN(test_ctas_refusals);
    RUN(test_insert);
    RUN(test_unload);
    all_close();
    return test_summary();
}
