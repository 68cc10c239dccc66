/*
 * test_srv_engine.c: the SQL engine of athena-local against real files.
 *
 * A temporary S3 root holds the sample data (3M flights as Parquet, the
 * airports CSV) plus small hand-written TEXTFILE, JSON and partitioned
 * tables; a lookup callback serves hand-written Glue Table entries. Every
 * check asserts exact values: rows, rendered text, column types, bytes
 * scanned, error codes and messages.
 */
#include "buf.h"
#include "engine.h"
#include "test.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FLIGHTS_BYTES 13493022
#define AIRPORTS_BYTES 210365

static char tmp_dir[256];
static char s3_root[512];
static engine *eng;
static engine_session *sess;
static json_t *catalog;   /* "db.table" -> Glue Table */
static int lookups;

/* ---- fixtures ----------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int mkdirs(const char *path)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Writes data to S3_ROOT/rel (creating folders). */
static int put_file(const char *rel, const char *data, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", s3_root, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    if (mkdirs(path) != 0)
        return -1;
    *slash = '/';
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    return fclose(f) == 0 && n == len ? 0 : -1;
}

static int put_text(const char *rel, const char *text)
{
    return put_file(rel, text, strlen(text));
}

static int copy_in(const char *src, const char *rel)
{
    FILE *in = fopen(src, "rb");
    if (!in)
        return -1;
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *data = malloc((size_t)size);
    int rc = data && fread(data, 1, (size_t)size, in) == (size_t)size
                 ? put_file(rel, data, (size_t)size)
                 : -1;
    free(data);
    fclose(in);
    return rc;
}

static void source_dir(char *out, size_t cap)
{
    const char *env = getenv("ATHENA_SOURCE_DIR");
    if (env && *env) {
        snprintf(out, cap, "%s", env);
        return;
    }
    snprintf(out, cap, "%s", __FILE__);   /* <repo>/tests/unit/test_srv_engine.c */
    for (int i = 0; i < 3; i++) {
        char *slash = strrchr(out, '/');
        if (slash)
            *slash = '\0';
    }
}

/* "name:type;name:type" -> Glue Columns. */
static json_t *columns(const char *spec)
{
    json_t *arr = json_array();
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", spec);
    char *save = NULL;
    for (char *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
        char *colon = strchr(item, ':');
        *colon = '\0';
        json_array_append_new(arr, json_pack("{s:s, s:s}", "Name", item, "Type", colon + 1));
    }
    return arr;
}

static void add_table(const char *db, const char *name, const char *location, const char *serde,
                      const char *cols, json_t *serde_params, json_t *table_params,
                      const char *partition_cols)
{
    json_t *t = json_pack(
        "{s:s, s:s, s:s, s:{s:o, s:s, s:{s:s, s:o}}, s:o, s:o}", "Name", name, "DatabaseName",
        db, "TableType", "EXTERNAL_TABLE", "StorageDescriptor", "Columns", columns(cols),
        "Location", location, "SerdeInfo", "SerializationLibrary", serde, "Parameters",
        serde_params ? serde_params : json_object(), "PartitionKeys",
        partition_cols ? columns(partition_cols) : json_array(), "Parameters",
        table_params ? table_params : json_object());
    char key[256];
    snprintf(key, sizeof key, "%s.%s", db, name);
    json_object_set_new(catalog, key, t);
}

static json_t *lookup(void *user_data, const char *db, const char *table)
{
    char key[600];
    snprintf(key, sizeof key, "%s.%s", db, table);
    lookups++;
    json_t *t = json_object_get(user_data, key);
    return t ? json_incref(t) : NULL;
}

#define PARQUET "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
#define LAZY "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
#define OPENCSV "org.apache.hadoop.hive.serde2.OpenCSVSerde"
#define OPENX "org.openx.data.jsonserde.JsonSerDe"

static int setup(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/test_srv_engine.XXXXXX");
    if (!mkdtemp(tmp_dir))
        return -1;
    snprintf(s3_root, sizeof s3_root, "%s/s3", tmp_dir);
    char src[512], path[700];
    source_dir(src, sizeof src);
    snprintf(path, sizeof path, "%s/.deps/data/flights-3m.parquet", src);
    if (copy_in(path, "demo/flights/flights-3m.parquet") != 0)
        return -1;
    snprintf(path, sizeof path, "%s/.deps/data/airports.csv", src);
    if (copy_in(path, "demo/airports/airports.csv") != 0)
        return -1;
    /* Hidden files and folders are not data, wherever they are. */
    put_text("demo/flights/_SUCCESS", "not parquet");
    put_text("demo/flights/.part-0001.tmp", "not parquet");
    put_text("demo/empty/_temporary/0/part-0", "not parquet");
    put_text("demo/empty/.keep", "x");

    catalog = json_object();
    add_table("demo", "flights", "s3://demo/flights/", PARQUET,
              "date:timestamp;delay:bigint;distance:bigint;origin:string;destination:string",
              NULL, NULL, NULL);
    add_table("demo", "airports", "s3://demo/airports", OPENCSV,
              "iata:string;name:string;city:string;state:string;country:string;"
              "latitude:double;longitude:double",
              json_pack("{s:s, s:s}", "separatorChar", ",", "quoteChar", "\""),
              json_pack("{s:s}", "skip.header.line.count", "1"), NULL);
    add_table("demo", "empty", "s3://demo/empty/", PARQUET, "id:int;label:string;amount:decimal(10,2)",
              NULL, NULL, NULL);
    char err[512];
    eng = engine_open(s3_root, 2, err, sizeof err);
    if (!eng) {
        fprintf(stderr, "engine_open: %s\n", err);
        return -1;
    }
    sess = engine_session_new(eng);
    return sess ? 0 : -1;
}

static void teardown(void)
{
    engine_session_free(sess);
    engine_close(eng);
    json_decref(catalog);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmp_dir);
}

/* ---- a sink that keeps what it is given -------------------------------------- */

typedef struct collected {
    engine_column cols[16];
    size_t ncols;
    int columns_calls;
    int64_t rows;
    int64_t abort_after;   /* stop when asked for row abort_after + 1; -1: never */
    int keep;              /* rows kept as text */
    buf text;              /* "a|b|NULL\n" per kept row */
} collected;

static int on_columns(void *ud, const engine_column *cols, size_t count)
{
    collected *c = ud;
    c->columns_calls++;
    c->ncols = count;
    memcpy(c->cols, cols, (count < 16 ? count : 16) * sizeof *cols);
    return 0;
}

static int on_row(void *ud, const char *const *values, const size_t *lengths)
{
    collected *c = ud;
    if (c->abort_after >= 0 && c->rows >= c->abort_after)
        return 1;
    if (c->rows < c->keep) {
        for (size_t i = 0; i < c->ncols; i++) {
            if (i)
                buf_putc(&c->text, '|');
            if (values[i])
                buf_append(&c->text, values[i], lengths[i]);
            else
                buf_puts(&c->text, "NULL");
        }
        buf_putc(&c->text, '\n');
    }
    c->rows++;
    return 0;
}

static void collected_init(collected *c)
{
    memset(c, 0, sizeof *c);
    c->abort_after = -1;
    c->keep = 100;
}

typedef struct run_out {
    engine_failure f;
    engine_stats stats;
    engine_error err;
} run_out;

static run_out run_params(collected *c, const char *sql, const char *db, const char *const *params,
                          size_t n)
{
    run_out o;
    engine_sink sink = {on_columns, on_row, c};
    o.f = engine_run(sess, sql, db, params, n, lookup, catalog, &sink, &o.stats, &o.err);
    return o;
}

static run_out run(collected *c, const char *sql)
{
    return run_params(c, sql, "demo", NULL, 0);
}

/* Runs sql and returns its rows as text (caller frees); NULL on failure. */
static char *rows_of(const char *sql)
{
    collected c;
    collected_init(&c);
    run_out o = run(&c, sql);
    if (o.f != ENGINE_OK) {
        fprintf(stderr, "  %s\n  failed: [%s] %s\n", sql, o.err.code, o.err.message);
        buf_free(&c.text);
        return NULL;
    }
    return buf_detach(&c.text);
}

#define CHECK_ROWS(sql, expected)                                                       \
    do {                                                                                \
        char *got_ = rows_of(sql);                                                      \
        CHECK_STR(got_, expected);                                                      \
        free(got_);                                                                     \
    } while (0)

static long max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* ---- tests ----------------------------------------------------------------- */

/* Runs first, while the process peak is still low: 3M rows stream through
 * without being materialized. */
static void test_streams_3m_rows_in_flat_memory(void)
{
    long before = max_rss_kb();
    collected c;
    collected_init(&c);
    c.keep = 2;
    run_out o = run(&c, "SELECT * FROM flights");
    long growth_mb = (max_rss_kb() - before) / 1024;
    REQUIRE(o.f == ENGINE_OK);
    CHECK_INT(c.rows, 3000000);
    CHECK_INT(o.stats.rows, 3000000);
    CHECK_INT(o.stats.bytes_scanned, FLIGHTS_BYTES);
    CHECK_INT(c.columns_calls, 1);
    CHECK_STR(buf_str(&c.text), "2001-01-01 00:01:00.000|33|2176|LAS|PHL\n"
                                "2001-01-01 00:01:00.000|19|215|ATL|SAV\n");
    if (growth_mb >= 100)
        fprintf(stderr, "  peak RSS grew by %ld MB\n", growth_mb);
    CHECK(growth_mb < 100);   /* materialized, the result alone takes ~175 MB */
    buf_free(&c.text);
}

static void test_count_and_column_info(void)
{
    collected c;
    collected_init(&c);
    run_out o = run(&c, "SELECT count(*) FROM flights");
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text), "3000000\n");
    CHECK_INT(o.stats.bytes_scanned, FLIGHTS_BYTES);
    CHECK_INT(o.stats.rows, 1);
    CHECK(o.stats.planning_ms >= 0 && o.stats.execution_ms >= 0);
    REQUIRE(c.ncols == 1);
    CHECK_STR(c.cols[0].name, "_col0");   /* Trino's name for an unaliased expression */
    CHECK_STR(c.cols[0].type, "bigint");
    buf_free(&c.text);

    collected_init(&c);
    o = run(&c, "SELECT date, delay AS d, origin, length(origin), * FROM flights LIMIT 1");
    REQUIRE(o.f == ENGINE_OK);
    REQUIRE(c.ncols == 9);
    CHECK_STR(c.cols[0].name, "date");
    CHECK_STR(c.cols[0].type, "timestamp");
    CHECK_STR(c.cols[1].name, "d");
    CHECK_STR(c.cols[2].type, "varchar");
    /* SELECT * cannot be lined up with the parse tree: DuckDB's names stay. */
    CHECK_STR(c.cols[4].name, "date");
    buf_free(&c.text);

    collected_init(&c);
    o = run(&c, "SELECT origin, count(*) FROM flights GROUP BY 1 ORDER BY 2 DESC LIMIT 1");
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(c.cols[0].name, "origin");
    CHECK_STR(c.cols[1].name, "_col1");
    buf_free(&c.text);
}

static void test_group_by_order_by(void)
{
    CHECK_ROWS("SELECT origin, count(*) AS n FROM flights GROUP BY origin "
               "ORDER BY n DESC, origin LIMIT 3",
               "ORD|166341\nDFW|157162\nATL|124711\n");
    CHECK_ROWS("SELECT min(date), max(date), sum(delay), sum(distance) FROM flights",
               "2001-01-01 00:01:00.000|2001-07-01 00:00:00.000|20003603|2194861208\n");
}

static void test_join_parquet_with_csv(void)
{
    collected c;
    collected_init(&c);
    run_out o = run(&c, "SELECT a.city, a.state, count(*) FROM flights f "
                        "JOIN airports a ON f.origin = a.iata "
                        "WHERE a.iata IN ('ORD', 'DFW') GROUP BY 1, 2 ORDER BY 3 DESC");
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text), "Chicago|IL|166341\nDallas-Fort Worth|TX|157162\n");
    CHECK_INT(o.stats.bytes_scanned, FLIGHTS_BYTES + AIRPORTS_BYTES);
    buf_free(&c.text);
}

static void test_opencsv_quotes_and_types(void)
{
    CHECK_ROWS("SELECT iata, name, city, latitude FROM airports "
               "WHERE iata IN ('DBN', 'N25', 'ORD') ORDER BY iata",
               "DBN|W. H. \"Bud\" Barron|Dublin|32.56445806\n"
               "N25|Westport|Westport, NY|44.15838611\n"
               "ORD|Chicago O'Hare International|Chicago|41.979595\n");
    CHECK_ROWS("SELECT count(*) FROM airports", "3376\n");   /* the header is skipped */
}

static void test_parameters(void)
{
    const char *p3[] = {"'ORD'", "10", "DATE '2001-02-01'"};
    collected c;
    collected_init(&c);
    run_out o = run_params(&c, "SELECT count(*) FROM flights WHERE origin = ? AND delay > ? "
                               "AND date >= ?", "demo", p3, 3);
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text), "41642\n");
    buf_free(&c.text);

    /* A quote inside a parameter is data, never SQL. */
    const char *quoted[] = {"'Chicago O''Hare International'"};
    collected_init(&c);
    o = run_params(&c, "SELECT iata, name FROM airports WHERE name = ?", "demo", quoted, 1);
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text), "ORD|Chicago O'Hare International\n");
    buf_free(&c.text);

    const char *typed[] = {"'it''s'", "-42", "1.50", "2.5e-1", "true", "NULL",
                           "TIMESTAMP '2024-03-01 12:34:56.789'", " date '2024-02-29' ",
                           "12345678901"};
    collected_init(&c);
    o = run_params(&c, "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?", "demo", typed, 9);
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text),
              "it's|-42|1.50|0.25|true|NULL|2024-03-01 12:34:56.789|2024-02-29|12345678901\n");
    REQUIRE(c.ncols == 9);
    CHECK_STR(c.cols[0].type, "varchar");
    CHECK_STR(c.cols[1].type, "integer");
    CHECK_STR(c.cols[2].type, "decimal");
    CHECK_INT(c.cols[2].precision, 3);
    CHECK_INT(c.cols[2].scale, 2);
    CHECK_STR(c.cols[3].type, "double");
    CHECK_STR(c.cols[4].type, "boolean");
    CHECK_STR(c.cols[6].type, "timestamp");
    CHECK_STR(c.cols[7].type, "date");
    CHECK_STR(c.cols[8].type, "bigint");
    buf_free(&c.text);
}

static void test_parameter_errors(void)
{
    collected c;
    collected_init(&c);
    run_out o = run_params(&c, "SELECT count(*) FROM flights WHERE origin = ?", "demo", NULL, 0);
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.code, "INVALID_PARAMETER_USAGE");
    CHECK_STR(o.err.message, "Incorrect number of parameters: expected 1 but found 0");
    CHECK_INT(c.columns_calls, 0);

    const char *two[] = {"1", "2"};
    o = run_params(&c, "SELECT ?", "demo", two, 2);
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.message, "Incorrect number of parameters: expected 1 but found 2");

    static const char *const bad[] = {"'unterminated", "'a' || 'b'", "1; DROP TABLE x",
                                      "DATE '2024-02-30'", "abc", "", "'x''",
                                      "CAST(1 AS int)"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *one[] = {bad[i]};
        o = run_params(&c, "SELECT ?", "demo", one, 1);
        CHECK(o.f == ENGINE_USER_ERROR);
        CHECK(strncmp(o.err.message, "Execution parameter 1 is not a valid literal", 44) == 0);
    }
    CHECK_INT(c.columns_calls, 0);
}

static void test_unknown_table_and_column(void)
{
    collected c;
    collected_init(&c);
    run_out o = run(&c, "SELECT * FROM nope");
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.code, "TABLE_NOT_FOUND");
    CHECK_STR(o.err.message, "line 1:15: Table 'awsdatacatalog.demo.nope' does not exist");

    o = run(&c, "SELECT x\nFROM flights f\n  JOIN other.Missing m ON true");
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.message, "line 3:8: Table 'awsdatacatalog.other.missing' does not exist");

    o = run(&c, "SELECT nope FROM flights");
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.code, "COLUMN_NOT_FOUND");
    CHECK_STR(o.err.message, "line 1:8: Column 'nope' cannot be resolved");

    o = run(&c, "SELECT origin,\n       nosuchfn(delay) FROM flights");
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.code, "FUNCTION_NOT_FOUND");
    CHECK_STR(o.err.message, "line 2:8: Function 'nosuchfn' not registered");

    o = run(&c, "SELEC 1");
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.code, "SYNTAX_ERROR");
    CHECK_STR(o.err.message, "line 1:1: syntax error at or near \"SELEC\"");

    o = run(&c, "SELECT 1 / 0 FROM flights LIMIT 1");   /* integer division, as in Trino */
    CHECK(o.f == ENGINE_OK || o.f == ENGINE_USER_ERROR);
    CHECK_INT(c.columns_calls, 1);
    buf_free(&c.text);
}

static void test_sandbox_refusals(void)
{
    static const char *const refused[] = {
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
        "COPY (SELECT 1) TO '/tmp/x.csv'",
        "SELECT current_setting('allowed_directories')",
        "SET enable_external_access=true",
        "SELECT * FROM memory.main.flights",
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        collected c;
        collected_init(&c);
        run_out o = run(&c, refused[i]);
        CHECK(o.f == ENGINE_SANDBOX);
        CHECK(o.err.message[0] != '\0');
        CHECK_INT(c.columns_calls, 0);
        CHECK_INT(o.stats.bytes_scanned, 0);
    }
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

static void test_database_context(void)
{
    /* Unqualified names use the query's database; qualified ones anything. */
    collected c;
    collected_init(&c);
    run_out o = run_params(&c, "SELECT count(*) FROM demo.airports", "other", NULL, 0);
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text), "3376\n");
    buf_free(&c.text);
    CHECK_ROWS("SELECT count(*) FROM awsdatacatalog.demo.airports a JOIN DEMO.Airports b "
               "USING (iata)", "3376\n");
    collected_init(&c);
    o = run_params(&c, "SELECT count(*) FROM airports", "other", NULL, 0);
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.message, "line 1:22: Table 'awsdatacatalog.other.airports' does not exist");
    o = run_params(&c, "SELECT count(*) FROM airports", NULL, NULL, 0);
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.code, "MISSING_SCHEMA_NAME");
    CHECK_ROWS("WITH a AS (SELECT iata FROM airports) SELECT count(*) FROM a", "3376\n");
}

static void test_text_table(void)
{
    /* Hive text: \N is NULL, an empty string field is "", unparsable numbers
     * are NULL, missing trailing fields are NULL, extra ones ignored. */
    put_text("demo/lazy/part-0", "1\tx\t2.5\ttrue\n\\N\t\t\tFALSE\nabc\ty\n7\tz\t1e2\tfalse\textra\n");
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
    /* A changed catalog entry changes the view too. */
    add_table("demo", "grow", "s3://demo/grow/", LAZY, "n:string", NULL, NULL, NULL);
    collected c;
    collected_init(&c);
    run_out o = run(&c, "SELECT max(n) FROM grow");
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text), "20\n");
    CHECK_STR(c.cols[0].type, "varchar");
    buf_free(&c.text);
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

static void test_athena_semantics(void)
{
    CHECK_ROWS("SELECT 7 / 2, -7 / 2, 7.0 / 2", "3|-3|3.5\n");
    CHECK_ROWS("SELECT x FROM (VALUES (2), (NULL), (1)) t(x) ORDER BY x DESC", "2\n1\nNULL\n");
}

static void test_sink_abort(void)
{
    collected c;
    collected_init(&c);
    c.abort_after = 10;
    run_out o = run(&c, "SELECT * FROM flights");
    CHECK(o.f == ENGINE_SINK_ABORTED);
    CHECK_INT(c.rows, 10);
    CHECK_INT(o.stats.rows, 10);
    buf_free(&c.text);
    CHECK_ROWS("SELECT count(*) FROM airports", "3376\n");   /* the session still works */
}

typedef struct interrupter {
    double at;
} interrupter;

static void *interrupt_later(void *arg)
{
    interrupter *i = arg;
    usleep(300 * 1000);
    i->at = now_s();
    engine_interrupt(sess);
    return NULL;
}

static void test_interrupt(void)
{
    /* A stale interrupt (no statement running) does not hit the next one. */
    engine_interrupt(sess);
    CHECK_ROWS("SELECT count(*) FROM airports", "3376\n");

    interrupter i = {0};
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, interrupt_later, &i) == 0);
    collected c;
    collected_init(&c);
    /* About 7 s uninterrupted, so a broken interrupt fails instead of hanging. */
    run_out o = run(&c, "SELECT count(*) FROM flights a, (SELECT delay FROM flights LIMIT 200) b "
                        "WHERE a.delay + b.delay = -99999");
    double returned = now_s();
    pthread_join(t, NULL);
    CHECK(o.f == ENGINE_INTERRUPTED);
    CHECK_STR(o.err.code, "USER_CANCELED");
    CHECK(i.at > 0 && returned - i.at < 1.0);
    buf_free(&c.text);
    CHECK_ROWS("SELECT count(*) FROM airports", "3376\n");
}

typedef struct parallel_run {
    engine_session *s;
    int ok;
} parallel_run;

static void *run_in_session(void *arg)
{
    parallel_run *p = arg;
    for (int i = 0; i < 3; i++) {
        collected c;
        collected_init(&c);
        engine_sink sink = {on_columns, on_row, &c};
        engine_stats stats;
        engine_error err;
        engine_failure f = engine_run(p->s, "SELECT count(*) FROM flights f JOIN airports a "
                                            "ON f.origin = a.iata WHERE a.state = ?",
                                      "demo", (const char *const[]){"'IL'"}, 1, lookup, catalog,
                                      &sink, &stats, &err);
        p->ok += f == ENGINE_OK && strcmp(buf_str(&c.text), "194306\n") == 0;
        if (f != ENGINE_OK || strcmp(buf_str(&c.text), "194306\n") != 0)
            fprintf(stderr, "  parallel: [%s] %s / %s", err.code, err.message,
                    buf_str(&c.text));
        buf_free(&c.text);
    }
    return NULL;
}

static void test_parallel_sessions(void)
{
    parallel_run runs[3];
    pthread_t threads[3];
    for (int i = 0; i < 3; i++) {
        runs[i] = (parallel_run){engine_session_new(eng), 0};
        REQUIRE(runs[i].s != NULL);
        pthread_create(&threads[i], NULL, run_in_session, &runs[i]);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(threads[i], NULL);
        CHECK_INT(runs[i].ok, 3);
        engine_session_free(runs[i].s);
    }
}

static void test_open_errors(void)
{
    char err[256] = "";
    CHECK(engine_open("/nonexistent/s3/root", 2, err, sizeof err) == NULL);
    CHECK(strstr(err, "does not exist") != NULL);
    collected c;
    collected_init(&c);
    engine_sink sink = {on_columns, on_row, &c};
    engine_error e;
    CHECK(engine_run(sess, NULL, "demo", NULL, 0, lookup, catalog, &sink, NULL, &e) ==
          ENGINE_SYSTEM_ERROR);
}

int main(void)
{
    if (setup() != 0) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    RUN(test_streams_3m_rows_in_flat_memory);
    RUN(test_count_and_column_info);
    RUN(test_group_by_order_by);
    RUN(test_join_parquet_with_csv);
    RUN(test_opencsv_quotes_and_types);
    RUN(test_parameters);
    RUN(test_parameter_errors);
    RUN(test_unknown_table_and_column);
    RUN(test_sandbox_refusals);
    RUN(test_empty_location);
    RUN(test_database_context);
    RUN(test_text_table);
    RUN(test_json_table);
    RUN(test_partitioned_table);
    RUN(test_views_follow_the_files);
    RUN(test_unsupported_tables);
    RUN(test_athena_semantics);
    RUN(test_sink_abort);
    RUN(test_interrupt);
    RUN(test_parallel_sessions);
    RUN(test_open_errors);
    teardown();
    return test_summary();
}
