/*
 * engine_internal.h: what the engine's files share and nothing else sees.
 *
 *   engine.c         open/close, sessions, running a statement and streaming
 *                    its rows, interrupts;
 *   engine_views.c   a catalog table (Glue Table JSON) -> the DuckDB view
 *                    that reads exactly the files under its LOCATION;
 *   engine_files.c   listing those files the way Hive/Athena do;
 *   engine_params.c  Athena literals (execution parameters) -> typed binds;
 *   engine_errors.c  DuckDB's errors -> Athena's codes and "line L:C: ..."
 *                    messages;
 *   engine_names.c   result column names as Athena gives them (_col0).
 */
#ifndef ATHENA_SERVER_ENGINE_INTERNAL_H
#define ATHENA_SERVER_ENGINE_INTERNAL_H

#include "buf.h"
#include "engine.h"

#include <duckdb.h>
#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>

/* The attached in-memory catalog that holds one schema per Athena database,
 * so that awsdatacatalog.db.table resolves as it does in Athena. */
#define ENGINE_CATALOG "awsdatacatalog"

/* The last fingerprint a view was built from, so that an unchanged table
 * (same Glue entry, same files) is not re-described and re-created. */
typedef struct view_cache_entry {
    char *qualified_name;   /* "db.table" */
    char fingerprint[65];   /* SHA-256 hex */
} view_cache_entry;

struct engine {
    duckdb_database db;
    duckdb_connection setup;          /* view DDL only, under view_lock */
    pthread_mutex_t view_lock;
    view_cache_entry *cache;          /* under view_lock */
    size_t cache_count, cache_cap;
    char s3_root[4096];
};

struct engine_session {
    engine *e;
    duckdb_connection conn;
    pthread_mutex_t lock;             /* guards the two flags */
    int interrupt_requested;
    int executing;                    /* a DuckDB query is live on conn */
};

/* ---- engine_errors.c ---- */

/* Sets err (failure, Trino error code, printf message); returns failure. */
engine_failure engine_fail(engine_error *err, engine_failure failure, const char *code,
                           const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Classifies a DuckDB error (its type and message, which may end in a
 * "LINE n: ...^" block) for the statement sql and fills err with Athena's
 * code and a "line L:C: " prefixed message. Returns the failure. */
engine_failure engine_fail_duckdb(engine_error *err, duckdb_error_type type, const char *message,
                                  const char *sql);

/* Rewrites the local paths of objects in message as s3:// URIs, so errors
 * name the objects users know and never the server's folders. */
void engine_paths_to_uris(const char *s3_root, char *message);

/* "line L:C: " for the position DuckDB's parser reports for a syntax error
 * in sql (it parses again; error path only), or "" if unknown. */
void engine_syntax_position(duckdb_connection conn, const char *sql, char *out, size_t cap);

/* "line L:C: " for the first reference to table in sql, or "" if not found. */
void engine_table_position(const char *sql, const char *schema, const char *table, char *out,
                           size_t cap);

/* ---- engine_files.c ---- */

typedef struct table_file {
    char *path;
    int64_t size;
    int64_t mtime_ns;
    uint64_t inode;      /* changes when an object is replaced atomically */
} table_file;

typedef struct table_files {
    table_file *items;
    size_t count, cap;
    int64_t total_bytes;
} table_files;

/* Lists the data files under dir, recursively, sorted by path: regular
 * files only (symlinks are not followed), skipping hidden names ('.' and
 * '_' prefixes, at any depth, as Hive does) and empty files. When
 * partition_keys is non-empty, only files under key=value folders for every
 * key are kept. A missing dir is an empty table. 0, or -1 with why. */
int table_files_list(const char *dir, const char *const *partition_keys, size_t key_count,
                     table_files *out, char *why, size_t why_cap);
void table_files_free(table_files *files);

/* ---- engine_views.c ---- */

/* Creates or refreshes the view ENGINE_CATALOG."db"."name" for the Glue
 * table, reading the files present now. work is a connection the caller
 * owns (used to describe files); adds the bytes of the table's files to
 * *bytes. Returns ENGINE_OK or a failure with err filled. */
engine_failure engine_view_refresh(engine *e, duckdb_connection work, const char *db,
                                   const char *name, const json_t *table, int64_t *bytes,
                                   engine_error *err);

/* CREATE SCHEMA IF NOT EXISTS for db, under the view lock. 0 or -1. */
int engine_schema_ensure(engine *e, const char *db, engine_error *err);

void engine_view_cache_free(engine *e);

/* SQL quoting: "ident" with "" doubled, 'literal' with '' doubled. */
int sql_ident(buf *b, const char *name);
int sql_literal(buf *b, const char *text);

/* ---- engine_names.c ---- */

/* json_serialize_sql(sql) parsed, or NULL. */
json_t *engine_parse_tree(duckdb_connection conn, const char *sql);

/* Lower-cases the result column names and renames those Trino would call
 * _col<i> (unaliased expressions), when tree (the statement's parse tree,
 * may be NULL) lines up with the result columns. */
void engine_athena_column_names(const json_t *tree, engine_column *cols, size_t count);

/* ---- engine_params.c ---- */

/* Binds params[i] (Athena literals) to parameters 1..n of stmt. Returns
 * ENGINE_OK or ENGINE_USER_ERROR with err filled. */
engine_failure engine_bind_params(duckdb_prepared_statement stmt, const char *const *params,
                                  size_t count, engine_error *err);

#endif
