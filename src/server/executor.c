/*
 * executor.c: the worker pool that runs athena-local's queries (executor.h).
 *
 * One mutex guards the queue and each worker's "running" slot, so a Stop
 * either removes a queued query or flags and interrupts the worker running
 * it; it can never miss a query in between. The worker owns the stored
 * document of the query it runs and writes its final state itself, so
 * SUCCEEDED/FAILED/CANCELLED are decided in exactly one place.
 */
#include "executor.h"

#include "authz.h"
#include "ddl.h"
#include "engine.h"
#include "objects.h"
#include "results_file.h"
#include "results_location.h"
#include "store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#define ID_CAP 64

typedef struct worker {
    executor *x;
    pthread_t thread;
    engine_session *session;
    char running[ID_CAP];       /* id being run, "" when idle */
    srv_caller caller;          /* who started it: its permissions apply while it runs */
    authz_query_access *access;
    int cancel_requested;
} worker;

struct executor {
    server *s;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    char (*queue)[ID_CAP];
    srv_caller *queue_callers;  /* beside queue: who started each queued query */
    size_t capacity, head, count;
    int stopping;
    worker *workers;
    int worker_count;
};

/* Athena's AthenaError values for our failures. */
enum { CATEGORY_SYSTEM = 1, CATEGORY_USER = 2 };
enum { ERROR_TYPE_INTERNAL = 401, ERROR_TYPE_USER = 1100 };

static double now_epoch(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + (double)(tv.tv_usec / 1000) / 1000.0;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_state(json_t *qe, const char *state, const char *reason)
{
    json_t *status = json_object_get(qe, "Status");
    json_object_set_new(status, "State", json_string(state));
    if (reason)
        json_object_set_new(status, "StateChangeReason", json_string(reason));
    if (strcmp(state, "QUEUED") != 0 && strcmp(state, "RUNNING") != 0)
        json_object_set_new(status, "CompletionDateTime", json_real(now_epoch()));
}

static void set_error(json_t *qe, int category, int type, int retryable, const char *message)
{
    set_state(qe, "FAILED", message);
    json_object_set_new(json_object_get(qe, "Status"), "AthenaError",
                        json_pack("{s:i,s:i,s:b,s:s}", "ErrorCategory", category, "ErrorType",
                                  type, "Retryable", retryable, "ErrorMessage", message));
}

static void set_stat(json_t *qe, const char *key, long long value)
{
    json_object_set_new(json_object_get(qe, "Statistics"), key, json_integer(value));
}

static void finish_times(json_t *qe)
{
    const json_t *status = json_object_get(qe, "Status");
    double submitted = json_number_value(json_object_get(status, "SubmissionDateTime"));
    double completed = json_number_value(json_object_get(status, "CompletionDateTime"));
    if (submitted > 0 && completed >= submitted)
        set_stat(qe, "TotalExecutionTimeInMillis", (long long)((completed - submitted) * 1000));
}

/* The engine's table lookup for a query: its caller must be allowed to read
 * the table (Glue) and its data (S3), as in Athena. */
typedef struct query_lookup {
    store *st;
    authz_query_access *access;
} query_lookup;

static json_t *lookup_table(void *user_data, const char *database, const char *table)
{
    query_lookup *q = user_data;
    if (authz_query_table(q->access, database, table) != 0)
        return NULL;
    json_t *doc = ddl_catalog_lookup(q->st, database, table);
    if (doc && authz_query_table_data(q->access, database, table, doc) != 0) {
        json_decref(doc);
        return NULL;
    }
    return doc;
}

/* The query's parameters as a C array (pointers into qe). */
static size_t query_parameters(const json_t *qe, const char **out, size_t cap)
{
    const json_t *arr = json_object_get(qe, "ExecutionParameters");
    size_t n = json_array_size(arr);
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = json_string_value(json_array_get(arr, i));
    return n < cap ? n : cap;
}

/* Athena cancels a query that scans more than its workgroup's
 * BytesScannedCutoffPerQuery (read now: an update applies to queued queries).
 * The engine learns the bytes when it binds the tables, so the check runs
 * before any result is committed; statements that write files check it
 * before they publish them (ddl_query_info.bytes_scanned_cutoff). */
#define CUTOFF_REASON "Bytes scanned limit was exceeded"

static json_int_t bytes_cutoff(server *s, const json_t *qe)
{
    const char *name = json_string_value(json_object_get(qe, "WorkGroup"));
    json_t *wg = name ? store_workgroup_get(s->store, name) : NULL;
    json_int_t cutoff = json_integer_value(
        json_object_get(json_object_get(wg, "Configuration"), "BytesScannedCutoffPerQuery"));
    json_decref(wg);
    return cutoff > 0 ? cutoff : 0;
}

static int exceeds_cutoff(server *s, const json_t *qe, const engine_stats *stats)
{
    json_int_t cutoff = bytes_cutoff(s, qe);
    return cutoff > 0 && stats->bytes_scanned > cutoff;
}

typedef struct run_outcome {
    engine_failure failure;
    char message[2200];     /* room for "CODE: " + the engine's message */
    engine_stats stats;
    char manifest[2048];    /* Statistics.DataManifestLocation of CTAS/INSERT/UNLOAD */
} run_outcome;

/* Runs the statement into writer; fills out. */
static void run_statement(worker *w, const json_t *qe, results_writer *writer, run_outcome *out)
{
    server *s = w->x->s;
    const char *sql = json_string_value(json_object_get(qe, "Query"));
    const char *database = json_string_value(
        json_object_get(json_object_get(qe, "QueryExecutionContext"), "Database"));
    if (!database)
        database = "default";
    engine_sink sink = results_writer_sink(writer);
    memset(out, 0, sizeof *out);
    const char *params[1000];
    size_t n = query_parameters(qe, params, sizeof params / sizeof params[0]);
    if (ddl_classify(sql) != DDL_NOT_DDL || ddl_writes_data(sql)) {
        ddl_error derr;
        memset(&derr, 0, sizeof derr);
        ddl_outcome written;
        memset(&written, 0, sizeof written);
        ddl_environment env = {s->store, s->s3_root, w->session, s->settings.account_id};
        query_lookup tables = {s->store, w->access};   /* the SELECT part of CTAS/INSERT/UNLOAD */
        ddl_query_info query = {
            json_string_value(json_object_get(qe, "QueryExecutionId")),
            json_string_value(json_object_get(json_object_get(qe, "ResultConfiguration"),
                                              "OutputLocation")),
            params, n, &written, lookup_table, &tables, w->access, bytes_cutoff(s, qe)};
        if (ddl_run_query(&env, &query, sql, database, &sink, &derr) != 0) {
            /* a table of the query part, or an operation of the statement, was refused */
            int denied = w->access->denied;
            out->failure = derr.user_error || denied ? ENGINE_USER_ERROR : ENGINE_SYSTEM_ERROR;
            snprintf(out->message, sizeof out->message, "%.*s", (int)sizeof out->message - 1,
                     denied ? w->access->reason : derr.message);
        }
        out->stats.bytes_scanned = written.bytes_scanned;
        snprintf(out->manifest, sizeof out->manifest, "%s", written.manifest_location);
        return;
    }
    engine_error err;
    memset(&err, 0, sizeof err);
    query_lookup lookup = {s->store, w->access};
    out->failure = engine_run(w->session, sql, database, params, n, lookup_table, &lookup, &sink,
                              &out->stats, &err);
    if (w->access->denied) { /* the lookup refused a table: Athena's reason, not "not found" */
        out->failure = ENGINE_USER_ERROR;
        snprintf(out->message, sizeof out->message, "%.*s", (int)sizeof out->message - 1,
                 w->access->reason);
        return;
    }
    /* Athena's reason names the error first: "TABLE_NOT_FOUND: line 1:15: ..." */
    snprintf(out->message, sizeof out->message, "%s%s%s", err.code, err.code[0] ? ": " : "",
             err.message);
}

static int take_cancel_flag(worker *w)
{
    pthread_mutex_lock(&w->x->mu);
    int c = w->cancel_requested;
    pthread_mutex_unlock(&w->x->mu);
    return c;
}

/* Records the outcome in qe (state, error, statistics). */
static void record_outcome(worker *w, json_t *qe, results_writer *writer, run_outcome *o,
                           long long started_ms)
{
    char err[512] = "";
    int cancelled = take_cancel_flag(w) || o->failure == ENGINE_INTERRUPTED;
    int over_cutoff = !cancelled && exceeds_cutoff(w->x->s, qe, &o->stats);
    if (o->failure == ENGINE_OK && !cancelled && !over_cutoff &&
        results_writer_commit(writer, err, sizeof err) != 0) {
        o->failure = ENGINE_SYSTEM_ERROR;
        snprintf(o->message, sizeof o->message, "cannot write the query results: %s", err);
    } else if (o->failure != ENGINE_OK || cancelled || over_cutoff) {
        results_writer_abort(writer);
    }
    results_writer_free(writer);
    set_stat(qe, "EngineExecutionTimeInMillis", now_ms() - started_ms);
    set_stat(qe, "QueryPlanningTimeInMillis", o->stats.planning_ms);
    set_stat(qe, "DataScannedInBytes", o->stats.bytes_scanned);
    if (o->manifest[0])
        json_object_set_new(json_object_get(qe, "Statistics"), "DataManifestLocation",
                            json_string(o->manifest));
    if (cancelled)
        set_state(qe, "CANCELLED", "Query was cancelled by user");
    else if (over_cutoff)
        set_state(qe, "CANCELLED", CUTOFF_REASON);
    else if (o->failure == ENGINE_OK)
        set_state(qe, "SUCCEEDED", NULL);
    else if (o->failure == ENGINE_SYSTEM_ERROR)
        set_error(qe, CATEGORY_SYSTEM, ERROR_TYPE_INTERNAL, 1, o->message);
    else
        set_error(qe, CATEGORY_USER, ERROR_TYPE_USER, 0, o->message);
    finish_times(qe);
}

static void run_query(worker *w, const char *id)
{
    server *s = w->x->s;
    json_t *qe = store_query_get(s->store, id);
    const char *state = json_string_value(json_object_get(json_object_get(qe, "Status"), "State"));
    if (!qe || !state || strcmp(state, "QUEUED") != 0) {
        json_decref(qe);
        return;
    }
    double submitted = json_number_value(
        json_object_get(json_object_get(qe, "Status"), "SubmissionDateTime"));
    set_stat(qe, "QueryQueueTimeInMillis", (long long)((now_epoch() - submitted) * 1000));
    set_state(qe, "RUNNING", NULL);
    store_query_update(s->store, qe);
    long long started = now_ms();

    const char *sql = json_string_value(json_object_get(qe, "Query"));
    char root[4096], path[4096], err[512] = "";
    results_writer *writer = NULL;
    authz_query_access access;
    authz_query_begin(&access, s, &w->caller);
    w->access = &access;
    /* Checked before anything is written: a refused query leaves no trace. */
    int may_write = authz_query_output(&access, qe) == 0;
    /* The OutputLocation in S3, or the workgroup's managed results folder. */
    if (!may_write)
        writer = NULL;
    else if (results_query_path(s->settings.data_dir, s->s3_root, qe, root, sizeof root, path,
                                sizeof path) == 0)
        writer = results_writer_open_under(root, path,
                                     ddl_classify(sql) == DDL_NOT_DDL ? RESULTS_CSV : RESULTS_TXT,
                                     json_string_value(json_object_get(qe, "StatementType")), err,
                                     sizeof err);
    else
        snprintf(err, sizeof err, "invalid output location");
    if (!may_write) {
        set_error(qe, CATEGORY_USER, ERROR_TYPE_USER, 0, access.reason);
        finish_times(qe);
    } else if (!writer) {
        char msg[700];
        snprintf(msg, sizeof msg, "cannot write the query results: %s", err);
        set_error(qe, CATEGORY_SYSTEM, ERROR_TYPE_INTERNAL, 0, msg);
        finish_times(qe);
    } else if (take_cancel_flag(w)) {
        results_writer_abort(writer);
        results_writer_free(writer);
        set_state(qe, "CANCELLED", "Query was cancelled by user");
        finish_times(qe);
    } else {
        run_outcome outcome;
        run_statement(w, qe, writer, &outcome);
        record_outcome(w, qe, writer, &outcome, started);
    }
    authz_query_end(&access);
    w->access = NULL;
    store_query_update(s->store, qe);
    json_decref(qe);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    executor *x = w->x;
    for (;;) {
        pthread_mutex_lock(&x->mu);
        while (!x->stopping && x->count == 0)
            pthread_cond_wait(&x->wake, &x->mu);
        if (x->stopping) {
            pthread_mutex_unlock(&x->mu);
            return NULL;
        }
        memcpy(w->running, x->queue[x->head], ID_CAP);
        w->caller = x->queue_callers[x->head];
        x->head = (x->head + 1) % x->capacity;
        x->count--;
        w->cancel_requested = 0;
        pthread_mutex_unlock(&x->mu);

        run_query(w, w->running);

        pthread_mutex_lock(&x->mu);
        w->running[0] = '\0';
        pthread_mutex_unlock(&x->mu);
    }
}

executor *executor_start(server *s, int workers, size_t queue_capacity)
{
    executor *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->s = s;
    x->capacity = queue_capacity ? queue_capacity : 64;
    x->queue = calloc(x->capacity, sizeof *x->queue);
    x->queue_callers = calloc(x->capacity, sizeof *x->queue_callers);
    x->workers = calloc((size_t)(workers > 0 ? workers : 1), sizeof *x->workers);
    pthread_mutex_init(&x->mu, NULL);
    pthread_cond_init(&x->wake, NULL);
    if (!x->queue || !x->queue_callers || !x->workers) {
        executor_stop(x);
        return NULL;
    }
    for (int i = 0; i < (workers > 0 ? workers : 1); i++) {
        worker *w = &x->workers[i];
        w->x = x;
        w->session = engine_session_new(s->engine);
        if (!w->session || pthread_create(&w->thread, NULL, worker_main, w) != 0) {
            engine_session_free(w->session);
            w->session = NULL;
            executor_stop(x);
            return NULL;
        }
        x->worker_count++;
    }
    return x;
}

void executor_stop(executor *x)
{
    if (!x)
        return;
    pthread_mutex_lock(&x->mu);
    x->stopping = 1;
    for (int i = 0; i < x->worker_count; i++)
        if (x->workers[i].running[0]) {
            x->workers[i].cancel_requested = 1;
            engine_interrupt(x->workers[i].session);
        }
    pthread_cond_broadcast(&x->wake);
    pthread_mutex_unlock(&x->mu);
    for (int i = 0; i < x->worker_count; i++) {
        pthread_join(x->workers[i].thread, NULL);
        engine_session_free(x->workers[i].session);
    }
    pthread_mutex_destroy(&x->mu);
    pthread_cond_destroy(&x->wake);
    free(x->queue);
    free(x->queue_callers);
    free(x->workers);
    free(x);
}

int executor_submit(executor *x, const char *query_id, const srv_caller *caller)
{
    if (strlen(query_id) >= ID_CAP)
        return -1;
    pthread_mutex_lock(&x->mu);
    int ok = !x->stopping && x->count < x->capacity;
    if (ok) {
        size_t tail = (x->head + x->count) % x->capacity;
        snprintf(x->queue[tail], ID_CAP, "%s", query_id);
        x->queue_callers[tail] = *caller;
        x->count++;
        pthread_cond_signal(&x->wake);
    }
    pthread_mutex_unlock(&x->mu);
    return ok ? 0 : -1;
}

/* Removes id from the queue; 1 if it was there. Caller holds the lock. */
static int unqueue(executor *x, const char *id)
{
    for (size_t i = 0; i < x->count; i++) {
        size_t at = (x->head + i) % x->capacity;
        if (strcmp(x->queue[at], id) != 0)
            continue;
        for (size_t j = i; j + 1 < x->count; j++) {
            memcpy(x->queue[(x->head + j) % x->capacity],
                   x->queue[(x->head + j + 1) % x->capacity], ID_CAP);
            x->queue_callers[(x->head + j) % x->capacity] =
                x->queue_callers[(x->head + j + 1) % x->capacity];
        }
        x->count--;
        return 1;
    }
    return 0;
}

void executor_cancel(executor *x, const char *query_id)
{
    pthread_mutex_lock(&x->mu);
    int was_queued = unqueue(x, query_id);
    for (int i = 0; !was_queued && i < x->worker_count; i++) {
        worker *w = &x->workers[i];
        if (strcmp(w->running, query_id) == 0) {
            w->cancel_requested = 1;
            engine_interrupt(w->session);
        }
    }
    /* A queued query is finished here, under the lock, so no worker can
     * pick it up in between. */
    if (was_queued) {
        json_t *qe = store_query_get(x->s->store, query_id);
        if (qe) {
            set_state(qe, "CANCELLED", "Query was cancelled by user");
            finish_times(qe);
            store_query_update(x->s->store, qe);
            json_decref(qe);
        }
    }
    pthread_mutex_unlock(&x->mu);
}
