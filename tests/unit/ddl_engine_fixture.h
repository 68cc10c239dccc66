/*
 * ddl_engine_fixture.h: what the tests of partitions and views share on
 * top of ddl_fixture.h: a store, an S3 root and an engine session in one
 * temporary data dir, catalog statements run with all of them (ddl_run),
 * and SELECTs run through the engine with the server's catalog lookup
 * (ddl_catalog_lookup), recording rows as "a|b" lines and the bytes
 * scanned; and what is in the objects tree (s3_exists, s3_entries).
 */
#ifndef ATHENA_TEST_DDL_ENGINE_FIXTURE_H
#define ATHENA_TEST_DDL_ENGINE_FIXTURE_H

#include "ddl_fixture.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

static char s3_root[300];
static engine *eng;
static engine_session *sess;

static inline void all_close(void)
{
    engine_session_free(sess);
    engine_close(eng);
    sess = NULL;
    eng = NULL;
    fixture_close();
}

/* A fresh store, S3 root and engine per test. */
static inline void all_open(void)
{
    static int registered;
    all_close();
    if (!registered && atexit(all_close) == 0)
        registered = 1;
    fixture_open();
    snprintf(s3_root, sizeof s3_root, "%s/s3", data_dir);
    char why[512];
    if (mkdir(s3_root, 0700) != 0 || !(eng = engine_open(s3_root, 2, why, sizeof why)) ||
        !(sess = engine_session_new(eng))) {
        fprintf(stderr, "engine: %s\n", eng ? "no session" : why);
        exit(2);
    }
}

static inline int make_dirs_for(const char *path)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return 0;
}

/* Writes text to S3_ROOT/rel, creating folders. */
static inline int put_object(const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", s3_root, rel);
    if (make_dirs_for(path) != 0)
        return -1;
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(text, 1, strlen(text), f);
    return fclose(f) == 0 && n == strlen(text) ? 0 : -1;
}

/* Runs a catalog statement with the engine and the objects. */
static inline int run_ddl(const char *sql)
{
    collector_reset(&out);
    engine_sink sink = {collect_columns, collect_row, &out};
    ddl_environment env = {st, s3_root, sess, ACCOUNT};
    memset(&err, 0, sizeof err);
    return ddl_run(&env, sql, "default", &sink, &err);
}

static inline int ddl_ok(const char *sql)
{
    int rc = run_ddl(sql);
    if (rc != 0)
        fprintf(stderr, "  unexpected failure of %.160s\n  -> %s\n", sql, err.message);
    return rc == 0;
}

static inline void check_ddl_error(const char *sql, int user_error, const char *message,
                                   int line)
{
    test_checks++;
    int rc = run_ddl(sql);
    if (rc != -1 || err.user_error != user_error || strcmp(err.message, message) != 0) {
        test_failures++;
        fprintf(stderr, "line %d: %s: expected an error for %.160s\n  got:      rc=%d user=%d %s\n"
                        "  expected: %s\n",
                line, test_current, sql, rc, err.user_error, err.message, message);
    }
}
#define CHECK_DDL_ERROR(sql, message) check_ddl_error(sql, 1, message, __LINE__)

static inline void check_ddl_rows(const char *sql, const char *columns, const char *rows,
                                  int line)
{
    test_checks++;
    if (run_ddl(sql) != 0 || out.columns_calls != 1 ||
        strcmp(buf_str(&out.columns), columns) != 0 || strcmp(buf_str(&out.rows), rows) != 0) {
        test_failures++;
        fprintf(stderr, "line %d: %s: %s\n  error: %s\n  columns: %s (calls %d)\n  rows:\n%s"
                        "  expected columns: %s\n  expected rows:\n%s",
                line, test_current, sql, err.message, buf_str(&out.columns), out.columns_calls,
                buf_str(&out.rows), columns, rows);
    }
}
#define CHECK_DDL_ROWS(sql, columns, rows) check_ddl_rows(sql, columns, rows, __LINE__)

/* ---- SELECTs through the engine ---- */

typedef struct query_result {
    engine_failure failure;
    engine_error err;
    engine_stats stats;
} query_result;

static inline query_result select_with(const char *sql, const char *const *params, size_t n)
{
    query_result r;
    collector_reset(&out);
    engine_sink sink = {collect_columns, collect_row, &out};
    r.failure = engine_run(sess, sql, "default", params, n, ddl_catalog_lookup, st, &sink,
                           &r.stats, &r.err);
    return r;
}

static inline query_result select_rows(const char *sql)
{
    return select_with(sql, NULL, 0);
}

/* A SELECT expected to return exactly rows and scan exactly bytes. */
static inline void check_select(const char *sql, const char *rows, long long bytes, int line)
{
    test_checks++;
    query_result r = select_rows(sql);
    if (r.failure != ENGINE_OK || strcmp(buf_str(&out.rows), rows) != 0 ||
        r.stats.bytes_scanned != bytes) {
        test_failures++;
        fprintf(stderr, "line %d: %s: %s\n  failure %d: %s %s\n  rows:\n%s  bytes %lld\n"
                        "  expected rows:\n%s  expected bytes %lld\n",
                line, test_current, sql, (int)r.failure, r.err.code, r.err.message,
                buf_str(&out.rows), (long long)r.stats.bytes_scanned, rows, bytes);
    }
}
#define CHECK_SELECT(sql, rows, bytes) check_select(sql, rows, bytes, __LINE__)

/* A SELECT expected to fail with this error code and a message holding
 * part. */
static inline void check_select_error(const char *sql, const char *code, const char *part,
                                      int line)
{
    test_checks++;
    query_result r = select_rows(sql);
    if (r.failure == ENGINE_OK || strcmp(r.err.code, code) != 0 ||
        !strstr(r.err.message, part)) {
        test_failures++;
        fprintf(stderr, "line %d: %s: %s\n  got: %d %s: %s\n  expected: %s: ...%s...\n", line,
                test_current, sql, (int)r.failure, r.err.code, r.err.message, code, part);
    }
}
#define CHECK_SELECT_ERROR(sql, code, part) check_select_error(sql, code, part, __LINE__)

/* 1 if the objects tree holds rel (a file or folder under the S3 root). */
static inline int s3_exists(const char *rel)
{
    char path[1024];
    struct stat s;
    snprintf(path, sizeof path, "%s/%s", s3_root, rel);
    return stat(path, &s) == 0;
}

/* Entries of a folder of the objects tree, hidden ones (staging) included. */
static inline int s3_entries(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", s3_root, rel);
    DIR *d = opendir(path);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d)
        closedir(d);
    return n;
}

#endif
