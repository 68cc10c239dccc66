/*
 * test_srv_engine.c: the SQL engine of athena-local running statements over
 * real files (engine_fixture.h): results and their column info, bytes
 * scanned, parameters, Athena-worded errors with positions, sandbox
 * refusals, the query's database, interrupts, sink aborts, flat memory while
 * streaming 3M rows, and sessions in parallel. Table formats are in
 * test_srv_engine_tables.c.
 */
#include "engine_fixture.h"

#include <pthread.h>

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
#ifndef __SANITIZE_ADDRESS__ /* ASan's quarantine and shadow memory inflate RSS */
    CHECK(growth_mb < 100);   /* materialized, the result alone takes ~175 MB */
#endif
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
    o = run(&c, "SELECT date, delay AS MyDelay, ORIGIN, length(origin), * FROM flights LIMIT 1");
    REQUIRE(o.f == ENGINE_OK);
    REQUIRE(c.ncols == 9);
    CHECK_STR(c.cols[0].name, "date");
    CHECK_STR(c.cols[0].type, "timestamp");
    CHECK_STR(c.cols[1].name, "mydelay");   /* Athena's names are lower case */
    CHECK_STR(c.cols[2].name, "origin");
    CHECK_STR(c.cols[2].type, "varchar");
    CHECK_STR(c.cols[3].name, "_col3");
    CHECK_STR(c.cols[4].name, "date");      /* the star's columns keep their names */
    CHECK_STR(c.cols[8].name, "destination");
    buf_free(&c.text);

    collected_init(&c);
    o = run(&c, "SELECT *, upper(origin) FROM flights LIMIT 1");
    REQUIRE(o.f == ENGINE_OK);
    REQUIRE(c.ncols == 6);
    CHECK_STR(c.cols[4].name, "destination");
    CHECK_STR(c.cols[5].name, "_col5");
    buf_free(&c.text);

    /* Trino sums bigints into a bigint (DuckDB into a 128-bit integer). */
    collected_init(&c);
    o = run(&c, "SELECT sum(delay) AS total, avg(delay) AS mean FROM flights");
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text), "20003603|6.667867666666667\n");
    CHECK_STR(c.cols[0].type, "bigint");
    CHECK_INT(c.cols[0].precision, 19);
    CHECK_STR(c.cols[1].type, "double");
    buf_free(&c.text);

    collected_init(&c);
    o = run(&c, "VALUES (1, 'a')");
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(c.cols[0].name, "_col0");
    CHECK_STR(c.cols[1].name, "_col1");
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

    const char *one[] = {"'abc'"};
    collected_init(&c);
    o = run_params(&c, "SELECT ? AS v", "demo", one, 1);
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text), "abc\n");
    CHECK_STR(c.cols[0].name, "v");
    CHECK_STR(c.cols[0].type, "varchar");
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
    CHECK_INT(o.stats.bytes_scanned, 0);   /* failed before reading anything */

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
    /* The same table named two ways is read (and counted) once. */
    collected_init(&c);
    o = run(&c, "SELECT count(*) FROM demo.airports a JOIN airports b USING (iata)");
    REQUIRE(o.f == ENGINE_OK);
    CHECK_STR(buf_str(&c.text), "3376\n");
    CHECK_INT(o.stats.bytes_scanned, AIRPORTS_BYTES);
    buf_free(&c.text);
    collected_init(&c);
    o = run_params(&c, "SELECT count(*) FROM airports", "other", NULL, 0);
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.message, "line 1:22: Table 'awsdatacatalog.other.airports' does not exist");
    o = run_params(&c, "SELECT count(*) FROM airports", NULL, NULL, 0);
    CHECK(o.f == ENGINE_USER_ERROR);
    CHECK_STR(o.err.code, "MISSING_SCHEMA_NAME");
    CHECK_ROWS("WITH a AS (SELECT iata FROM airports) SELECT count(*) FROM a", "3376\n");
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
    RUN(test_parameters);
    RUN(test_parameter_errors);
    RUN(test_unknown_table_and_column);
    RUN(test_sandbox_refusals);
    RUN(test_database_context);
    RUN(test_athena_semantics);
    RUN(test_sink_abort);
    RUN(test_interrupt);
    RUN(test_parallel_sessions);
    RUN(test_open_errors);
    teardown();
    return test_summary();
}
