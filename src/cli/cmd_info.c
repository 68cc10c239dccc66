/*
 * cmd_info.c: `athena status`, `athena cancel` and `athena history`: the
 * commands that look at queries rather than run them.
 */
#include "cli.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HISTORY_DEFAULT 50
#define HISTORY_PAGE 50

static int need_one_id(const cli_session *s, const char *command)
{
    if (s->opts->arg_count == 1)
        return 0;
    cli_errorf("usage: athena %s ID", command);
    return EXIT_USAGE;
}

/* "2026-11-27 20:49:28.123" (UTC) from epoch seconds; "" for 0. */
static void format_time(double epoch, char *out, size_t cap)
{
    if (epoch <= 0) {
        out[0] = '\0';
        return;
    }
    time_t secs = (time_t)epoch;
    struct tm tm;
    gmtime_r(&secs, &tm);
    size_t n = strftime(out, cap, "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(out + n, cap - n, ".%03d", (int)((epoch - (double)secs) * 1000) % 1000);
}

static json_t *status_json(const athena_query_execution *q)
{
    char submitted[40], completed[40];
    format_time(q->submitted_at, submitted, sizeof submitted);
    format_time(q->completed_at, completed, sizeof completed);
    json_t *o = json_pack("{s:s?,s:s,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s?,s:s,s:s,s:I,s:I,s:I,s:I,s:b}",
                          "QueryExecutionId", q->id, "State", athena_state_name(q->state),
                          "StateChangeReason", q->state_change_reason, "StatementType",
                          q->statement_type, "WorkGroup", q->workgroup, "Database", q->database,
                          "Catalog", q->catalog, "OutputLocation", q->output_location, "Query",
                          q->query, "SubmissionDateTime", submitted, "CompletionDateTime",
                          completed, "DataScannedInBytes", (json_int_t)q->data_scanned_bytes,
                          "EngineExecutionTimeInMillis", (json_int_t)q->engine_execution_ms,
                          "QueryQueueTimeInMillis", (json_int_t)q->queue_ms,
                          "TotalExecutionTimeInMillis", (json_int_t)q->total_execution_ms,
                          "ReusedPreviousResult", q->reused_previous_result);
    if (o && q->error_category >= 0)
        json_object_set_new(o, "AthenaError",
                            json_pack("{s:i,s:i,s:b,s:s?}", "ErrorCategory", q->error_category,
                                      "ErrorType", q->error_type, "Retryable",
                                      q->error_retryable, "ErrorMessage", q->error_message));
    return o;
}

static void print_field(const char *name, const char *value)
{
    if (value && value[0])
        printf("%-15s %s\n", name, value);
}

static void print_ms(const char *name, int64_t ms)
{
    if (ms >= 0)
        printf("%-15s %lld ms\n", name, (long long)ms);
}

static void status_text(const athena_query_execution *q)
{
    char submitted[40], completed[40], scanned[32];
    format_time(q->submitted_at, submitted, sizeof submitted);
    format_time(q->completed_at, completed, sizeof completed);
    print_field("id", q->id);
    print_field("state", athena_state_name(q->state));
    print_field("reason", q->state_change_reason);
    if (q->error_message && (!q->state_change_reason || strcmp(q->error_message, q->state_change_reason)))
        print_field("error", q->error_message);
    print_field("statement", q->statement_type);
    print_field("workgroup", q->workgroup);
    print_field("catalog", q->catalog);
    print_field("database", q->database);
    print_field("output", q->output_location);
    print_field("submitted", submitted);
    print_field("completed", completed);
    if (q->data_scanned_bytes >= 0) {
        format_bytes(q->data_scanned_bytes, scanned, sizeof scanned);
        printf("%-15s %s (%lld bytes)\n", "data scanned", scanned,
               (long long)q->data_scanned_bytes);
    }
    print_ms("engine time", q->engine_execution_ms);
    print_ms("queue time", q->queue_ms);
    print_ms("planning time", q->planning_ms);
    print_ms("total time", q->total_execution_ms);
    if (q->reused_previous_result)
        print_field("result reuse", "reused a previous result");
    print_field("query", q->query);
}

int cmd_status(cli_session *s)
{
    int rc = need_one_id(s, "status");
    if (rc)
        return rc;
    athena_query_execution *q = NULL;
    if (athena_get_query(s->client, s->opts->args[0], &q) != ATHENA_OK)
        return cli_report(athena_client_error(s->client));
    if (s->format == OUTPUT_JSON || s->format == OUTPUT_JSONL) {
        json_t *o = status_json(q);
        json_dumpf(o, stdout, s->format == OUTPUT_JSON ? JSON_INDENT(2) : JSON_COMPACT);
        fputc('\n', stdout);
        json_decref(o);
    } else {
        status_text(q);
    }
    athena_query_execution_free(q);
    return EXIT_OK;
}

int cmd_cancel(cli_session *s)
{
    int rc = need_one_id(s, "cancel");
    if (rc)
        return rc;
    if (athena_stop_query(s->client, s->opts->args[0]) != ATHENA_OK)
        return cli_report(athena_client_error(s->client));
    fprintf(stderr, "athena: cancel requested for %s\n", s->opts->args[0]);
    return EXIT_OK;
}

static const athena_column history_columns[] = {
    {"query_execution_id", "varchar", 2147483647, 0, ATHENA_NULLABLE_UNKNOWN},
    {"state", "varchar", 2147483647, 0, ATHENA_NULLABLE_UNKNOWN},
    {"submitted", "timestamp", 3, 0, ATHENA_NULLABLE_UNKNOWN},
    {"data_scanned_bytes", "bigint", 19, 0, ATHENA_NULLABLE_UNKNOWN},
    {"total_ms", "bigint", 19, 0, ATHENA_NULLABLE_UNKNOWN},
    {"statement_type", "varchar", 2147483647, 0, ATHENA_NULLABLE_UNKNOWN},
    {"query", "varchar", 2147483647, 0, ATHENA_NULLABLE_UNKNOWN},
};
#define HISTORY_NCOLS (sizeof history_columns / sizeof history_columns[0])

static int write_history_row(output_writer *w, const athena_query_execution *q)
{
    char submitted[40], scanned[24], total[24];
    format_time(q->submitted_at, submitted, sizeof submitted);
    snprintf(scanned, sizeof scanned, "%lld", (long long)q->data_scanned_bytes);
    snprintf(total, sizeof total, "%lld", (long long)q->total_execution_ms);
    const char *query = q->query;
    while (query && (*query == ' ' || *query == '\n' || *query == '\t' || *query == '\r'))
        query++; /* a multi-line query reads better from its first word */
    const char *values[HISTORY_NCOLS] = {
        q->id, athena_state_name(q->state), submitted[0] ? submitted : NULL,
        q->data_scanned_bytes >= 0 ? scanned : NULL, q->total_execution_ms >= 0 ? total : NULL,
        q->statement_type, query};
    return output_row(w, values, NULL);
}

/* Details one at a time, for identities (or servers) without
 * BatchGetQueryExecution. */
static int write_history_singly(cli_session *s, output_writer *w, const athena_id_page *page,
                                size_t count)
{
    for (size_t i = 0; i < count; i++) {
        athena_query_execution *q = NULL;
        if (athena_get_query(s->client, page->ids[i], &q) != ATHENA_OK)
            return cli_report(athena_client_error(s->client));
        write_history_row(w, q);
        athena_query_execution_free(q);
    }
    return EXIT_OK;
}

/* Fetches details for one page of ids and writes them. */
static int write_history_page(cli_session *s, output_writer *w, const athena_id_page *page,
                              size_t count)
{
    if (count == 0)
        return EXIT_OK;
    athena_query_batch *b = NULL;
    if (athena_batch_get_queries(s->client, (const char *const *)page->ids, count, &b) != ATHENA_OK) {
        const athena_error *e = athena_client_error(s->client);
        if (e->status == ATHENA_E_ACCESS_DENIED || e->http_status >= 500 ||
            strcmp(e->code, "UnknownOperationException") == 0)
            return write_history_singly(s, w, page, count);
        return cli_report(e);
    }
    /* Print in the listed order (newest first), which the batch may not keep. */
    for (size_t i = 0; i < count; i++)
        for (size_t j = 0; j < b->count; j++)
            if (b->items[j]->id && strcmp(b->items[j]->id, page->ids[i]) == 0)
                write_history_row(w, b->items[j]);
    athena_query_batch_free(b);
    return EXIT_OK;
}

int cmd_history(cli_session *s)
{
    long want = s->opts->max_rows >= 0 ? s->opts->max_rows : HISTORY_DEFAULT;
    output_options oo = {0, 0};
    output_writer *w = NULL;
    char *token = NULL;
    int rc = EXIT_OK;
    long listed = 0;
    do {
        athena_id_page *page = NULL;
        int ask = want - listed < HISTORY_PAGE ? (int)(want - listed) : HISTORY_PAGE;
        if (athena_list_queries(s->client, NULL, ask, token, &page) != ATHENA_OK) {
            rc = cli_report(athena_client_error(s->client));
            break;
        }
        /* The header is written only once the first page is in hand, so a
         * denied call prints nothing on stdout. */
        if (!w && (!(w = output_open(stdout, s->format, &oo)) ||
                   output_begin(w, history_columns, HISTORY_NCOLS) != 0)) {
            athena_id_page_free(page);
            rc = EXIT_SERVICE;
            break;
        }
        size_t count = page->count < (size_t)(want - listed) ? page->count : (size_t)(want - listed);
        rc = write_history_page(s, w, page, count);
        listed += (long)count;
        free(token);
        token = page->next_token ? strdup(page->next_token) : NULL;
        athena_id_page_free(page);
    } while (rc == EXIT_OK && token && listed < want);
    free(token);
    if (rc == EXIT_OK && w)
        output_end(w);
    output_close(w);
    return rc;
}
