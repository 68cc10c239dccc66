/*
 * store_internal.h: what the files of the metadata store share (store.c:
 * connection, schema and settings; store_catalog.c: databases, tables and
 * workgroups; store_queries.c: query history).
 *
 * Locking: every public store_* function takes st->lock for its whole
 * duration, so multi-statement operations (transactions, read-then-write)
 * are atomic. The helpers below expect the lock to be held.
 */
#ifndef ATHENA_SERVER_STORE_INTERNAL_H
#define ATHENA_SERVER_STORE_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "store.h"

/* Prepared statements are kept and reused: preparing costs more than
 * running the small lookups the services make on every request. */
#define STORE_STATEMENT_CACHE 128   /* the catalog, query, IAM and object statements all fit */

typedef struct store_cached_statement {
    const char *sql;          /* the caller's string literal */
    sqlite3_stmt *stmt;
    int in_use;
} store_cached_statement;

struct store {
    sqlite3 *db;
    store_cached_statement cache[STORE_STATEMENT_CACHE];
    pthread_mutex_t lock;
    /* The last error; last writer wins across threads. It has its own lock
     * because validation errors are recorded without holding `lock`. */
    pthread_mutex_t error_lock;
    char errmsg[512];
};

void store_lock(store *st);
void store_unlock(store *st);

/* Records a formatted error message; returns STORE_ERROR. */
store_status store_fail(store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Records "what: <SQLite's message>"; returns STORE_ERROR. */
store_status store_fail_sqlite(store *st, const char *what);

/* Prepares sql (or reuses its cached statement) and binds params[0..n) as
 * text (NULL binds SQL NULL). NULL with errmsg on failure. Give it back
 * with store_release. */
sqlite3_stmt *store_statement(store *st, const char *sql, int n, const char *const *params);
/* Resets a statement from store_statement for reuse (or finalizes it). */
void store_release(store *st, sqlite3_stmt *stmt);
/* Column 0 of the first row as a malloc'd string, or NULL (no row, or
 * errmsg on failure). */
char *store_fetch_text(store *st, const char *sql, int n, const char *const *params);
/* Runs a statement that returns no rows. Maps constraint violations:
 * unique/primary key -> STORE_EXISTS, foreign key -> STORE_NOT_FOUND. With
 * must_change, STORE_NOT_FOUND when no row was changed. */
store_status store_execute(store *st, const char *sql, int n, const char *const *params,
                           int must_change);
/* Steps stmt to completion as store_execute does, then finalizes it. */
store_status store_finish(store *st, sqlite3_stmt *stmt, int must_change);
/* Column 0 of the first row parsed as a document. NULL when there is no
 * row, or (with errmsg) when the stored text is not a JSON object. Select
 * the key as column 1 to have it named in that message. */
json_t *store_fetch_doc(store *st, const char *sql, int n, const char *const *params);
/* Column 0 of every row parsed as documents, as an array; unparsable
 * documents are skipped (with errmsg). NULL only on SQLite failure. */
json_t *store_fetch_docs(store *st, const char *sql, int n, const char *const *params);

int store_begin(store *st);      /* BEGIN IMMEDIATE; 0 or -1 with errmsg */
int store_commit(store *st);     /* 0 or -1 with errmsg (rolled back) */
void store_rollback(store *st);

/* Compact JSON text of an object document (malloc'd), or NULL with errmsg. */
char *store_doc_text(store *st, json_t *doc);
/* A document parsed from stored text; NULL with errmsg if it is corrupt. */
json_t *store_doc_parse(store *st, const char *text, const char *what);
/* doc[key] as a non-empty string without embedded NUL, or NULL. */
const char *store_doc_string(const json_t *doc, const char *key);
/* ASCII lower-case copy (malloc'd), or NULL. */
char *store_lower(const char *name);
/* Seconds since the epoch, with sub-second precision, as Athena reports. */
double store_now(void);

#endif
