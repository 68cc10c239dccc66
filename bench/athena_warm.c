/*
 * athena_warm.c: the GROUP BY benchmark through athena-local from a
 * long-lived libathena client, the way a data application runs queries.
 *
 * The client (configuration, credentials, connection) is made once; each
 * run is then one query's whole round trip as the application sees it:
 * StartQueryExecution, athena_wait_query()'s polling, and every row read
 * through a results cursor. Only that is timed (no process start, no
 * client set-up), as bench/duckdb_inprocess.c times only DuckDB's query and
 * fetch: the two are the same measure on either side of the service.
 *
 *   usage: athena_warm DATABASE OUTPUT_LOCATION SQL
 *
 * Configuration comes from the environment as for the athena CLI
 * (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION).
 * It runs the query once per line read on stdin and answers each with
 * "ms=X rows=N" (bench/group_by.py alternates it with the other contenders).
 */
#define _POSIX_C_SOURCE 200809L
#include <athena/athena.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Runs the query and reads every row. Returns the row count, or -1 with
 * the error printed. */
static long long run_and_fetch(athena_client *client, const athena_start_params *params)
{
    char id[ATHENA_ID_MAX];
    athena_query_execution *execution = NULL;
    athena_results *results = NULL;
    long long rows = -1;
    if (athena_start_query(client, params, id) == ATHENA_OK &&
        athena_wait_query(client, id, NULL, &execution) == ATHENA_OK) {
        athena_results_options options = {.execution = execution};
        if (athena_results_open(client, id, &options, &results) == ATHENA_OK) {
            athena_status st;
            long long n = 0;
            while ((st = athena_results_next(results)) == ATHENA_OK)
                n++;
            if (st == ATHENA_DONE)
                rows = n;
            else
                fprintf(stderr, "athena_warm: %s\n", athena_results_error(results)->message);
            athena_results_close(results);
            athena_query_execution_free(execution);
            return rows;
        }
    }
    fprintf(stderr, "athena_warm: %s\n", athena_client_error(client)->message);
    athena_query_execution_free(execution);
    return -1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: athena_warm DATABASE OUTPUT_LOCATION SQL\n");
        return 2;
    }
    athena_start_params params = {.sql = argv[3], .database = argv[1], .output_location = argv[2]};
    athena_config_options options = {0};
    athena_config *config = NULL;
    athena_client *client = NULL;
    athena_error err;
    if (athena_global_init() != ATHENA_OK)
        return 1;
    if (athena_config_load(&options, &config, &err) != ATHENA_OK ||
        athena_client_create(config, &client, &err) != ATHENA_OK) {
        fprintf(stderr, "athena_warm: %s\n", err.message);
        athena_config_free(config);
        athena_global_cleanup();
        return 1;
    }
    int rc = run_and_fetch(client, &params) < 0; /* warm-up: connection, page cache */
    char line[64];
    while (rc == 0 && fgets(line, sizeof line, stdin)) {
        double t0 = now_ms();
        long long rows = run_and_fetch(client, &params);
        printf("ms=%.2f rows=%lld\n", now_ms() - t0, rows);
        fflush(stdout);
        rc = rows < 0;
    }
    athena_client_destroy(client);
    athena_config_free(config);
    athena_global_cleanup();
    return rc;
}
