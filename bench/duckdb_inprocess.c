/*
 * duckdb_inprocess.c: benchmark baseline for the GROUP BY benchmark.
 *
 * Runs the same GROUP BY that bench/run.sh sends through athena-local, but
 * straight on DuckDB in this process: an in-memory database with the same
 * thread count as athena-local's engine, the query over read_parquet(PATH),
 * every row fetched chunk by chunk. Only the query and the fetch are timed
 * (no process start, no database open), which makes this the floor that
 * athena-local's whole round trip is compared against. One untimed run
 * first warms the page cache, as bench/run.sh's warm-up does for athena-local.
 *
 * With RUNS "serve" it runs the query once per line read on stdin and
 * answers each with "ms=X rows=N": bench/group_by.py then alternates one
 * query through athena-local with one here, so that both meet the same
 * machine (a shared VM's speed drifts by tens of percent within a minute)
 * and the same idle time between queries (DuckDB runs a query 20-30% slower
 * after even 10 ms idle than straight after the previous one). With a
 * number of RUNS it runs them back to back: the hot-loop floor.
 *
 *   usage: duckdb_inprocess PARQUET_FILE THREADS RUNS|serve
 *
 * Prints one line of key=value pairs: the median, min and max in
 * milliseconds and the row count of the last run.
 */
#define _POSIX_C_SOURCE 200809L
#include <duckdb.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RUNS 100

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* SQL string literal of s ('' doubles a quote). NULL if it does not fit. */
static char *sql_literal(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(2 * n + 3), *p = out;
    if (!out)
        return NULL;
    *p++ = '\'';
    for (; *s; s++) {
        if (*s == '\'')
            *p++ = '\'';
        *p++ = *s;
    }
    *p++ = '\'';
    *p = '\0';
    return out;
}

/* Runs sql and walks every chunk of the result, touching each column's
 * data. Returns the row count, or -1 with the error printed. */
static long long run_and_fetch(duckdb_connection con, const char *sql)
{
    duckdb_result res;
    if (duckdb_query(con, sql, &res) != DuckDBSuccess) {
        fprintf(stderr, "duckdb_inprocess: %s\n", duckdb_result_error(&res));
        duckdb_destroy_result(&res);
        return -1;
    }
    long long rows = 0;
    volatile const void *sink = NULL;
    duckdb_data_chunk chunk;
    while ((chunk = duckdb_fetch_chunk(res)) != NULL) {
        idx_t cols = duckdb_data_chunk_get_column_count(chunk);
        for (idx_t c = 0; c < cols; c++)
            sink = duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, c));
        rows += (long long)duckdb_data_chunk_get_size(chunk);
        duckdb_destroy_data_chunk(&chunk);
    }
    (void)sink;
    duckdb_destroy_result(&res);
    return rows;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int open_database(int threads, duckdb_database *db, duckdb_connection *con)
{
    duckdb_config config;
    char threads_text[16];
    snprintf(threads_text, sizeof threads_text, "%d", threads);
    if (duckdb_create_config(&config) != DuckDBSuccess)
        return -1;
    int rc = duckdb_set_config(config, "threads", threads_text) == DuckDBSuccess ? 0 : -1;
    char *err = NULL;
    if (rc == 0 && duckdb_open_ext(NULL, db, config, &err) != DuckDBSuccess) {
        fprintf(stderr, "duckdb_inprocess: cannot open DuckDB: %s\n", err ? err : "?");
        duckdb_free(err);
        rc = -1;
    }
    duckdb_destroy_config(&config);
    if (rc == 0 && duckdb_connect(*db, con) != DuckDBSuccess) {
        duckdb_close(db);
        rc = -1;
    }
    return rc;
}

int main(int argc, char **argv)
{
    int ok_args = argc == 4;
    int serve = ok_args && strcmp(argv[3], "serve") == 0;
    int threads = ok_args ? atoi(argv[2]) : 0, runs = serve ? 1 : ok_args ? atoi(argv[3]) : 0;
    if (threads < 1 || runs < 1 || runs > MAX_RUNS) {
        fprintf(stderr, "usage: duckdb_inprocess PARQUET_FILE THREADS RUNS (1-%d)|serve\n",
                MAX_RUNS);
        return 2;
    }
    char *path = sql_literal(argv[1]);
    char *sql = path ? malloc(strlen(path) + 200) : NULL;
    if (!sql) {
        free(path);
        return 1;
    }
    sprintf(sql,
            "SELECT origin, count(*), avg(delay), max(distance) FROM read_parquet(%s) "
            "GROUP BY origin ORDER BY 2 DESC",
            path);
    free(path);
    duckdb_database db;
    duckdb_connection con;
    if (open_database(threads, &db, &con) != 0) {
        free(sql);
        return 1;
    }
    double times[MAX_RUNS];
    long long rows = 0;
    int rc = run_and_fetch(con, sql) < 0; /* warm-up */
    if (serve) {
        char line[64];
        while (rc == 0 && fgets(line, sizeof line, stdin)) {
            double t0 = now_ms();
            rows = run_and_fetch(con, sql);
            printf("ms=%.2f rows=%lld\n", now_ms() - t0, rows);
            fflush(stdout);
            rc = rows < 0;
        }
        runs = 0;
    }
    for (int i = 0; i < runs && rc == 0; i++) {
        double t0 = now_ms();
        rows = run_and_fetch(con, sql);
        times[i] = now_ms() - t0;
        rc = rows < 0;
    }
    if (rc == 0 && runs > 0) {
        qsort(times, (size_t)runs, sizeof *times, compare_doubles);
        double med = runs % 2 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
        printf("runs=%d threads=%d median_ms=%.2f min_ms=%.2f max_ms=%.2f rows=%lld\n", runs,
               threads, med, times[0], times[runs - 1], rows);
    }
    duckdb_disconnect(&con);
    duckdb_close(&db);
    free(sql);
    return rc;
}
