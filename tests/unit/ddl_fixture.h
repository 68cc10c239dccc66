/*
 * ddl_fixture.h: what the catalog-statement tests share: a store in a
 * temporary directory, a sink that records the output of ddl_execute, and
 * checks of errors, output rows and stored Glue documents (timestamps are
 * checked for sanity, then left out of the comparison).
 */
#ifndef ATHENA_TEST_DDL_FIXTURE_H
#define ATHENA_TEST_DDL_FIXTURE_H

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

static inline int collect_columns(void *user_data, const engine_column *cols, size_t count)
{
    collector *c = user_data;
    c->columns_calls++;
    c->column_count = count;
    for (size_t i = 0; i < count; i++)
        buf_printf(&c->columns, "%s%s:%s:%d", i ? "," : "", cols[i].name, cols[i].type,
                   cols[i].precision);
    return 0;
}

static inline int collect_row(void *user_data, const char *const *values, const size_t *lengths)
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

static inline void collector_reset(collector *c)
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

static inline void fixture_close(void)
{
    if (!st)
        return;
    store_close(st);
    st = NULL;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", data_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", data_dir);
    collector_reset(&out);
}

/* A fresh store per test. A test that stopped at a REQUIRE left its own
 * open: it is closed here, and the last one at exit. */
static inline void fixture_open(void)
{
    static int registered;
    fixture_close();
    if (!registered && atexit(fixture_close) == 0)
        registered = 1;
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

/* Runs sql in database "default" context; returns ddl_execute's result. */
static inline int run_in(const char *sql, const char *default_db)
{
    collector_reset(&out);
    engine_sink sink = {collect_columns, collect_row, &out};
    memset(&err, 0, sizeof err);
    int rc = ddl_execute(st, sql, default_db, ACCOUNT, &sink, &err);
    if (rc != 0 && err.message[0] == '\0')
        fprintf(stderr, "  error without message for: %.80s\n", sql);
    return rc;
}

static inline int run(const char *sql)
{
    return run_in(sql, "default");
}

/* Runs sql expecting success; prints the error otherwise. */
static inline int ok(const char *sql)
{
    int rc = run(sql);
    if (rc != 0)
        fprintf(stderr, "  unexpected failure of %.120s\n  -> %s\n", sql, err.message);
    return rc == 0;
}

/* Runs sql expecting a user error with exactly message. */
static inline void check_user_error(const char *sql, const char *message)
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
static inline void strip_times(json_t *doc)
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

static inline void check_doc(json_t *doc, const char *expected_json, int line)
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

static inline json_t *stored_table(const char *db, const char *name)
{
    json_t *t = store_table_get(st, db, name);
    if (t)
        strip_times(t);
    return t;
}

static inline json_t *stored_database(const char *name)
{
    json_t *d = store_database_get(st, name);
    if (d)
        strip_times(d);
    return d;
}

#define CHECK_TABLE(db, name, json) check_doc(stored_table(db, name), json, __LINE__)
#define CHECK_DATABASE(name, json) check_doc(stored_database(name), json, __LINE__)

/* Runs sql expecting success with exactly these output columns and rows. */
static inline void check_rows(const char *sql, const char *columns, const char *rows, int line)
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

#endif
