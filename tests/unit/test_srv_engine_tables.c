/*
 * test_srv_engine_tables.c: catalog tables as the engine reads them
 * (engine_fixture.h): Parquet matched by column name, TEXTFILE with Hive's
 * delimiters and NULLs, OpenCSVSerde quoting, JSON keys matched
 * case-insensitively, partition folders, hidden and empty files, empty
 * locations, views that follow the files and the catalog, and tables the
 * engine refuses to read.
 */
#include "engine_fixture.h"

static void test_opencsv_quotes_and_types(void)
{
    CHECK_ROWS("SELECT iata, name, city, latitude FROM airports "
               "WHERE iata IN ('DBN', 'N25', 'ORD') ORDER BY iata",
               "DBN|W. H. \"Bud\" Barron|Dublin|32.56445806\n"
               "N25|Westport|Westport, NY|44.15838611\n"
               "ORD|Chicago O'Hare International|Chicago|41.979595\n");
    CHECK_ROWS("SELECT count(*) FROM airports", "3376\n");   /* the header is skipped */
}

static void test_empty_location(void)
{
    collected c;
    collected_init(&c);
    run_out o = run(&c, "SELECT * FROM empty");
    REQUIRE(o.f == ENGINE_OK);
    CHECK_INT(o.stats.rows, 0);
    CHECK_INT(o.stats.bytes_scanned, 0);
    REQUIRE(c.ncols == 3);
    CHECK_STR(c.cols[0].name, "id");
    CHECK_STR(c.cols[0].type, "integer");
    CHECK_STR(c.cols[1].name, "label");
    CHECK_STR(c.cols[1].type, "varchar");
    CHECK_STR(c.cols[2].type, "decimal");
    CHECK_INT(c.cols[2].precision, 10);
    CHECK_INT(c.cols[2].scale, 2);
    buf_free(&c.text);
}

static void test_text_table(void)
{
    /* Hive text: \N is NULL, an empty string field is "", unparsable numbers
     * are NULL, missing trailing fields are NULL, extra ones ignored. */
    put_text("demo/lazy/part-0",
             "1\tx\t2.5\ttrue\n\\N\t\t\tFALSE\nabc\ty\n7\tz\t1e2\tfalse\textra\n");
    put_text("demo/lazy/sub/it's.txt", "8\tquote'd\t\\N\ttrue\n");
    add_table("demo", "lazy", "s3://demo/lazy/", LAZY, "id:int;s:string;d:double;b:boolean",
              json_pack("{s:s}", "field.delim", "\t"), NULL, NULL);
    CHECK_ROWS("SELECT id, s, length(s), d, b FROM lazy",
               "1|x|1|2.5|true\n"
               "NULL||0|NULL|false\n"
               "NULL|y|1|NULL|NULL\n"
               "7|z|1|100.0|false\n"
               "8|quote'd|7|NULL|true\n");
    /* serialization.format '9' is byte 9 (tab), as in Hive. */
    add_table("demo", "lazy9", "s3://demo/lazy/", LAZY, "id:int;s:string",
              json_pack("{s:s}", "serialization.format", "9"), NULL, NULL);
    CHECK_ROWS("SELECT s FROM lazy9 WHERE id = 8", "quote'd\n");
}

static void test_json_table(void)
{
    put_text("demo/events/2024/a.json",
             "{\"eventName\": \"Login\", \"userId\": 7, \"tags\": [\"a\", \"b\"], "
             "\"ts\": \"2024-01-02 03:04:05\"}\n"
             "{\"eventName\": \"Logout\", \"userId\": 8}\n");
    add_table("demo", "events", "s3://demo/events/", OPENX,
              "eventname:string;userid:bigint;tags:array<string>;ts:timestamp;missing:int",
              NULL, NULL, NULL);
    CHECK_ROWS("SELECT eventname, userid, tags, ts, missing FROM events ORDER BY userid",
               "Login|7|[a, b]|2024-01-02 03:04:05.000|NULL\n"
               "Logout|8|NULL|NULL|NULL\n");
}

static void test_parquet_columns_by_name(void)
{
    /* Athena matches Parquet columns by name, case-insensitively, whatever
     * their order; a declared column no file has is NULL; types are cast. */
    REQUIRE(write_parquet("SELECT 1 AS \"ID\", 'one' AS \"Name\", 2.5::FLOAT AS score",
                          "demo/byname/a.parquet") == 0);
    REQUIRE(write_parquet("SELECT 'two' AS name, 2 AS id, true AS extra",
                          "demo/byname/b.parquet") == 0);
    add_table("demo", "byname", "s3://demo/byname/", PARQUET,
              "id:bigint;name:string;score:double;absent:date", NULL, NULL, NULL);
    collected c;
    collected_init(&c);
    run_out o = run(&c, "SELECT * FROM byname ORDER BY id");
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text), "1|one|2.5|NULL\n2|two|NULL|NULL\n");
    REQUIRE(c.ncols == 4);
    CHECK_STR(c.cols[0].type, "bigint");
    CHECK_STR(c.cols[3].type, "date");
    buf_free(&c.text);
}

static void test_partitioned_table(void)
{
    put_text("demo/parts/dt=2024-01-01/region=eu/a.csv", "1,x\n2,y\n");
    put_text("demo/parts/dt=2024-01-02/region=us/b.csv", "3,z\n");
    put_text("demo/parts/stray.csv", "9,not in a partition\n");
    add_table("demo", "parts", "s3://demo/parts/", LAZY, "id:int;s:string",
              json_pack("{s:s}", "field.delim", ","), NULL, "dt:date;region:string");
    collected c;
    collected_init(&c);
    run_out o = run(&c, "SELECT * FROM parts ORDER BY id");
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text), "1|x|2024-01-01|eu\n2|y|2024-01-01|eu\n3|z|2024-01-02|us\n");
    CHECK_INT(o.stats.bytes_scanned, 12);
    REQUIRE(c.ncols == 4);
    CHECK_STR(c.cols[2].name, "dt");
    CHECK_STR(c.cols[2].type, "date");
    buf_free(&c.text);
}

static void test_views_follow_the_files(void)
{
    put_text("demo/grow/a.csv", "1\n");
    add_table("demo", "grow", "s3://demo/grow/", LAZY, "n:int", NULL, NULL, NULL);
    CHECK_ROWS("SELECT sum(n) FROM grow", "1\n");
    CHECK_ROWS("SELECT sum(n) FROM grow", "1\n");   /* cached view */
    put_text("demo/grow/b.csv", "10\n20\n");
    CHECK_ROWS("SELECT sum(n) FROM grow", "31\n");
    put_text("demo/grow/a.csv", "100\n");           /* rewritten in place */
    CHECK_ROWS("SELECT sum(n) FROM grow", "130\n");
    /* A changed catalog entry changes the view too: as strings, "20" > "100". */
    add_table("demo", "grow", "s3://demo/grow/", LAZY, "n:string", NULL, NULL, NULL);
    collected c;
    collected_init(&c);
    run_out o = run(&c, "SELECT max(n) FROM grow");
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text), "20\n");
    CHECK_STR(c.cols[0].type, "varchar");
    buf_free(&c.text);
    char path[700];
    snprintf(path, sizeof path, "%s/demo/grow/b.csv", s3_root);
    CHECK(unlink(path) == 0);
    CHECK_ROWS("SELECT max(n) FROM grow", "100\n");
}

static void test_bad_data_names_the_object(void)
{
    put_text("demo/badutf8/part-1.csv", "ok,1\n\xff\xfe,2\n");
    add_table("demo", "badutf8", "s3://demo/badutf8/", LAZY, "s:string;n:int",
              json_pack("{s:s}", "field.delim", ","), NULL, NULL);
    collected c;
    collected_init(&c);
    run_out o = run(&c, "SELECT * FROM badutf8");
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.code, "HIVE_BAD_DATA");
    CHECK(strstr(o.err.message, "(file s3://demo/badutf8/part-1.csv)") != NULL);
    CHECK(strstr(o.err.message, tmp_dir) == NULL);
    CHECK(strstr(o.err.message, "Possible") == NULL);   /* DuckDB's advice is dropped */
    buf_free(&c.text);

    put_text("demo/badjson/x.json", "{\"a\": 1}\n{bad\n");
    add_table("demo", "badjson", "s3://demo/badjson/", OPENX, "a:int", NULL, NULL, NULL);
    collected_init(&c);
    o = run(&c, "SELECT * FROM badjson");
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.code, "HIVE_BAD_DATA");
    CHECK(strstr(o.err.message, "s3://demo/badjson/x.json") != NULL);
    CHECK(strstr(o.err.message, tmp_dir) == NULL);
    /* With OpenX's ignore.malformed.json such a line is a row of NULLs. */
    add_table("demo", "badjson", "s3://demo/badjson/", OPENX, "a:int",
              json_pack("{s:s}", "ignore.malformed.json", "true"), NULL, NULL);
    CHECK_ROWS("SELECT * FROM badjson", "1\nNULL\n");
}

static void test_unsupported_tables(void)
{
    add_table("demo", "orc", "s3://demo/orc/", "org.apache.hadoop.hive.ql.io.orc.OrcSerde",
              "a:int", NULL, NULL, NULL);
    add_table("demo", "badtype", "s3://demo/flights/", PARQUET, "a:nosuchtype", NULL, NULL, NULL);
    add_table("demo", "badloc", "s3://../etc/", PARQUET, "a:int", NULL, NULL, NULL);
    static const char *const sql[] = {"SELECT * FROM orc", "SELECT * FROM badtype",
                                      "SELECT * FROM badloc"};
    for (size_t i = 0; i < 3; i++) {
        collected c;
        collected_init(&c);
        run_out o = run(&c, sql[i]);
        CHECK(o.f == ENGINE_USER_ERROR);
        CHECK_INT(c.columns_calls, 0);
    }
    collected c;
    collected_init(&c);
    run_out o = run(&c, "SELECT * FROM orc");
    CHECK_STR(o.err.code, "NOT_SUPPORTED");
}

int main(void)
{
    if (setup() != 0) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    RUN(test_opencsv_quotes_and_types);
    RUN(test_empty_location);
    RUN(test_text_table);
    RUN(test_json_table);
    RUN(test_parquet_columns_by_name);
    RUN(test_partitioned_table);
    RUN(test_views_follow_the_files);
    RUN(test_bad_data_names_the_object);
    RUN(test_unsupported_tables);
    teardown();
    return test_summary();
}
