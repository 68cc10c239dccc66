/*
 * store_queries.c: the query history in the metadata store (store.h).
 *
 * Each query is its Athena QueryExecution document plus the columns that
 * are searched or sorted on (id, workgroup, client token, state, submission
 * time). Those columns are always read from the document itself on every
 * write, so they cannot drift from what GetQueryExecution returns.
 */
#include "store_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ErrorType 100 is "Internal service error" in Athena's error catalog, and
 * ErrorCategory 1 is SYSTEM: a query lost to a crash or restart is the
 * service's fault, and resubmitting it may well succeed. */
#define LOST_QUERY_ERROR_CATEGORY 1
#define LOST_QUERY_ERROR_TYPE 100

/* The indexed columns of a QueryExecution document. */
typedef struct query_columns {
    const char *id;
    const char *workgroup;
    const char *state;
    double submitted;
} query_columns;

/* Reads the columns from the document; STORE_ERROR with errmsg when one is
 * missing, since a row without them could never be found or listed. */
static store_status read_columns(store *st, const json_t *query, query_columns *cols)
{
    if (!json_is_object(query))
        return store_fail(st, "query execution is not a JSON object");
    const json_t *status = json_object_get(query, "Status");
    const json_t *submitted = json_object_get(status, "SubmissionDateTime");
    cols->id = store_doc_string(query, "QueryExecutionId");
    cols->workgroup = store_doc_string(query, "WorkGroup");
    cols->state = store_doc_string(status, "State");
    cols->submitted = json_number_value(submitted);
    if (!cols->id)
        return store_fail(st, "query execution has no QueryExecutionId");
    if (!cols->workgroup)
        return store_fail(st, "query execution %s has no WorkGroup", cols->id);
    if (!cols->state)
        return store_fail(st, "query execution %s has no Status.State", cols->id);
    if (!json_is_number(submitted))
        return store_fail(st, "query execution %s has no Status.SubmissionDateTime", cols->id);
    return STORE_OK;
}

/* Runs an insert or update binding ?1 id, ?2 workgroup, ?3 state, ?4 doc,
 * ?5 submitted and, for an insert, ?6 the client token. An update must find
 * its query. */
static store_status write_query(store *st, const char *sql, json_t *query, int insert,
                                const char *client_token)
{
    query_columns cols = {NULL, NULL, NULL, 0};
    if (read_columns(st, query, &cols) != STORE_OK)
        return STORE_ERROR;
    char *text = store_doc_text(st, query);
    if (!text)
        return STORE_ERROR;
    const char *params[] = {cols.id, cols.workgroup, cols.state, text, NULL, client_token};
    store_lock(st);
    store_status status = STORE_ERROR;
    sqlite3_stmt *stmt = store_statement(st, sql, insert ? 6 : 5, params);
    if (stmt && sqlite3_bind_double(stmt, 5, cols.submitted) != SQLITE_OK) {
        store_fail_sqlite(st, "bind");
        store_release(st, stmt);
    } else if (stmt) {
        status = store_finish(st, stmt, !insert);
    }
    store_unlock(st);
    free(text);
    return status;
}

/* An empty token is no token: it must not make two queries collide. */
store_status store_query_insert(store *st, json_t *query_execution, const char *client_token)
{
    if (!st)
        return STORE_ERROR;
    if (client_token && !*client_token)
        client_token = NULL;
    return write_query(st,
                       "INSERT INTO queries(id, workgroup, state, doc, submitted, client_token) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                       query_execution, 1, client_token);
}

/* The client token is kept: it belongs to the original request. */
store_status store_query_update(store *st, json_t *query_execution)
{
    if (!st)
        return STORE_ERROR;
    return write_query(st,
                       "UPDATE queries SET workgroup = ?2, state = ?3, doc = ?4, submitted = ?5 "
                       "WHERE id = ?1",
                       query_execution, 0, NULL);
}

json_t *store_query_get(store *st, const char *id)
{
    if (!st || !id)
        return NULL;
    store_lock(st);
    json_t *doc = store_fetch_doc(st, "SELECT doc, id FROM queries WHERE id = ?1", 1,
                                  (const char *[]){id});
    store_unlock(st);
    return doc;
}

char *store_query_get_text(store *st, const char *id)
{
    if (!st || !id)
        return NULL;
    store_lock(st);
    char *text = store_fetch_text(st, "SELECT doc FROM queries WHERE id = ?1", 1,
                                  (const char *[]){id});
    store_unlock(st);
    return text;
}

json_t *store_query_by_token(store *st, const char *workgroup, const char *token)
{
    if (!st || !workgroup || !token || !*token)
        return NULL;
    store_lock(st);
    json_t *doc = store_fetch_doc(
        st, "SELECT doc, id FROM queries WHERE workgroup = ?1 AND client_token = ?2", 2,
        (const char *[]){workgroup, token});
    store_unlock(st);
    return doc;
}

/* A count for SQLite's LIMIT and OFFSET (signed 64-bit). */
static sqlite3_int64 clamp_int64(size_t n)
{
    return n < (size_t)INT64_MAX ? (sqlite3_int64)n : INT64_MAX;
}

/* Appends the ids the statement yields to ids, up to max; sets *more when
 * a further row exists. 0, or -1 with errmsg. */
static int collect_ids(store *st, sqlite3_stmt *stmt, json_t *ids, size_t max, int *more)
{
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (json_array_size(ids) == max) {
            *more = 1;
            return 0;
        }
        const char *id = (const char *)sqlite3_column_text(stmt, 0);
        if (json_array_append_new(ids, json_string(id ? id : "")) != 0) {
            store_fail(st, "out of memory");
            return -1;
        }
    }
    if (rc != SQLITE_DONE) {
        store_fail_sqlite(st, "select queries");
        return -1;
    }
    return 0;
}

/* A NULL workgroup lists every workgroup's queries. One row more than max
 * is read to learn whether more follow. */
json_t *store_query_list(store *st, const char *workgroup, size_t offset, size_t max, int *more)
{
    int more_rows = 0;
    if (more)
        *more = 0;
    if (!st)
        return NULL;
    const char *sql =
        workgroup ? "SELECT id FROM queries WHERE workgroup = ?1 "
                    "ORDER BY submitted DESC, id DESC LIMIT ?2 OFFSET ?3"
                  : "SELECT id FROM queries "
                    "ORDER BY submitted DESC, id DESC LIMIT ?2 OFFSET ?3";
    json_t *ids = json_array();
    if (!ids)
        return NULL;
    store_lock(st);
    sqlite3_stmt *stmt = store_statement(st, sql, 1, (const char *[]){workgroup});
    sqlite3_int64 limit = clamp_int64(max);
    if (limit < INT64_MAX)
        limit++;
    int rc = -1;
    if (stmt && sqlite3_bind_int64(stmt, 2, limit) == SQLITE_OK &&
        sqlite3_bind_int64(stmt, 3, clamp_int64(offset)) == SQLITE_OK)
        rc = collect_ids(st, stmt, ids, max, &more_rows);
    else if (stmt)
        store_fail_sqlite(st, "bind");
    store_release(st, stmt);
    store_unlock(st);
    if (rc != 0) {
        json_decref(ids);
        return NULL;
    }
    if (more)
        *more = more_rows;
    return ids;
}

/* ---- failing queries lost in a crash ---- */

typedef struct lost_query {
    char *id;
    char *doc;
} lost_query;

static void free_lost(lost_query *lost, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(lost[i].id);
        free(lost[i].doc);
    }
    free(lost);
}

/* Every QUEUED or RUNNING query, read before any is rewritten so the
 * updates cannot disturb the scan. NULL with errmsg on failure (*n == 0
 * with a non-NULL result is "none"). */
static lost_query *read_unfinished(store *st, size_t *n)
{
    *n = 0;
    sqlite3_stmt *stmt = store_statement(
        st, "SELECT id, doc FROM queries WHERE state IN ('QUEUED', 'RUNNING')", 0, NULL);
    if (!stmt)
        return NULL;
    lost_query *lost = calloc(1, sizeof *lost);
    size_t cap = 1;
    int rc = SQLITE_DONE;
    while (lost && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (*n == cap) {
            lost_query *grown = realloc(lost, 2 * cap * sizeof *lost);
            if (!grown)
                break;
            lost = grown;
            cap *= 2;
        }
        const char *id = (const char *)sqlite3_column_text(stmt, 0);
        const char *doc = (const char *)sqlite3_column_text(stmt, 1);
        lost[*n].id = strdup(id ? id : "");
        lost[*n].doc = doc ? strdup(doc) : NULL;
        (*n)++;
        if (!lost[*n - 1].id || (doc && !lost[*n - 1].doc))
            break;
    }
    store_release(st, stmt);
    if (!lost || rc != SQLITE_DONE) {
        if (!lost || rc == SQLITE_ROW)
            store_fail(st, "out of memory");
        else
            store_fail_sqlite(st, "select unfinished queries");
        free_lost(lost, *n);
        *n = 0;
        return NULL;
    }
    return lost;
}

/* The document of a query lost in a crash: FAILED, with Athena's error. */
static char *failed_document(store *st, const char *text, const char *id, const char *reason,
                             double now)
{
    json_t *doc = store_doc_parse(st, text, id);
    if (!doc)
        return NULL;
    json_t *status = json_object_get(doc, "Status");
    if (!json_is_object(status)) {
        status = json_object();
        json_object_set_new(doc, "Status", status);
    }
    json_t *error = json_pack("{s:i, s:i, s:b, s:s}", "ErrorCategory", LOST_QUERY_ERROR_CATEGORY,
                              "ErrorType", LOST_QUERY_ERROR_TYPE, "Retryable", 1,
                              "ErrorMessage", reason);
    char *result = NULL;
    if (status && error && json_object_set_new(status, "State", json_string("FAILED")) == 0 &&
        json_object_set_new(status, "StateChangeReason", json_string(reason)) == 0 &&
        json_object_set_new(status, "CompletionDateTime", json_real(now)) == 0 &&
        json_object_set(status, "AthenaError", error) == 0)
        result = store_doc_text(st, doc);
    else
        store_fail(st, "out of memory");
    json_decref(error);
    json_decref(doc);
    return result;
}

/* Marks one lost query FAILED. A corrupt document cannot be rewritten, but
 * its state column still becomes FAILED so it is not picked up forever. */
static store_status fail_one(store *st, const lost_query *lost, const char *reason, double now)
{
    char *text = failed_document(st, lost->doc, lost->id, reason, now);
    const char *sql = text ? "UPDATE queries SET state = 'FAILED', doc = ?2 WHERE id = ?1"
                           : "UPDATE queries SET state = 'FAILED' WHERE id = ?1";
    store_status status = store_execute(st, sql, text ? 2 : 1, (const char *[]){lost->id, text}, 0);
    free(text);
    return status;
}

int store_fail_unfinished(store *st, const char *reason)
{
    if (!st)
        return -1;
    if (!reason || !*reason) {
        store_fail(st, "a reason is required");
        return -1;
    }
    store_lock(st);
    int count = -1;
    if (store_begin(st) == 0) {
        size_t n = 0;
        lost_query *lost = read_unfinished(st, &n);
        double now = store_now();
        size_t done = 0;
        while (lost && done < n && fail_one(st, &lost[done], reason, now) == STORE_OK)
            done++;
        if (lost && done == n && store_commit(st) == 0)
            count = (int)n;
        else
            store_rollback(st);
        free_lost(lost, n);
    }
    store_unlock(st);
    return count;
}
