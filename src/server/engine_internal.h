/*
 * engine_internal.h: what the engine's files share and nothing else sees.
 *
 *   engine.c         open/close, sessions, running a statement and streaming
 *                    its rows, interrupts;
 *   engine_views.c   a catalog table (Glue Table JSON) -> the DuckDB view
 *                    that reads exactly the files under its LOCATION, or
 *                    those of its registered partitions;
 *   engine_catalog_views.c  an Athena view (VIRTUAL_VIEW) -> a DuckDB view
 *                    over the views of the tables it reads;
 *   engine_view_cache.c  creating those views, their fingerprints, quoting;
 *   engine_files.c   listing those files the way Hive/Athena do;
 *   engine_partitions.c  the files of registered partitions, bytes scanned;
 *   engine_pruning.c which partitions a statement's predicates select;
 *   engine_params.c  Athena literals (execution parameters) -> typed binds;
 *   engine_errors.c  DuckDB's errors -> Athena's codes and "line L:C: ..."
 *                    messages;
 *   engine_names.c   result column names as Athena gives them (_col0);
 *   engine_write.c   a statement's result written as table files (CTAS,
 *                    INSERT INTO, UNLOAD), and the Hive types of its columns.
 */
#ifndef ATHENA_SERVER_ENGINE_INTERNAL_H
#define ATHENA_SERVER_ENGINE_INTERNAL_H

#include "buf.h"
#include "engine.h"
#include "sandbox.h"

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
    char database[256];               /* the schema conn USEs now ("" not known) */
    duckdb_prepared_statement parser; /* the sandbox's, prepared once on conn */
};

/* ---- engine.c, for engine_write.c and engine_catalog_views.c ---- */

/* src lower-cased into dst (cap bytes, truncated; NULL gives ""). */
void engine_lower_copy(char *dst, size_t cap, const char *src);
/* Whether table i of sb names the same table as an earlier one once
 * unqualified names are resolved in default_db (flights and demo.flights):
 * it is bound and counted once. */
int engine_table_repeats(const sandbox_result *sb, size_t i, const char *default_db);

/* Inspects sql (sandbox), binds the tables it names, makes unqualified
 * names resolve in default_db and prepares it with params bound. *stmt is
 * set even on failure (destroy it); so is *tree, the statement's parse
 * tree (json_decref it; NULL on failure). Adds the bytes of what it reads
 * to stats->bytes_scanned. */
engine_failure engine_prepare_user_statement(engine_session *s, const char *sql,
                                             const char *default_db, const char *const *params,
                                             size_t param_count, engine_table_lookup lookup,
                                             void *ud, engine_stats *stats,
                                             duckdb_prepared_statement *stmt, json_t **tree,
                                             engine_error *err);
/* Forgets an interrupt of an earlier statement (call when one starts). */
void engine_forget_interrupt(engine_session *s);
int engine_interrupt_requested(engine_session *s);
engine_failure engine_fail_interrupted(engine_error *err);
/* Marks a DuckDB query live on the session's connection (so an interrupt
 * reaches it) or finished. */
void engine_set_executing(engine_session *s, int executing);

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

/* What binding a catalog table needs to know about the statement that
 * names it. */
typedef struct engine_bind {
    const char *sql;               /* the statement; its predicates on partition
                                    * columns decide the bytes counted */
    const json_t *tree;            /* sql's parse tree when at hand, else NULL */
    const char *default_db;        /* the database of its unqualified names ("" none) */
    engine_table_lookup lookup;    /* finds the tables a catalog view reads */
    void *lookup_user_data;
    int depth;                     /* views within views; 0 for the user's statement */
} engine_bind;

/* The member of a table entry from the lookup that holds its registered
 * partitions (an array of Glue Partition documents; JSON null when they
 * could not be read). Without it, a partitioned table reads every
 * key=value folder under its LOCATION. ddl_catalog_lookup (ddl.h) fills it. */
#define ENGINE_TABLE_PARTITIONS "Partitions"

/* Creates or refreshes the view ENGINE_CATALOG."db"."name" for the catalog
 * entry (a Glue table, or an Athena view), reading the files present now.
 * work is a connection the caller owns (used to describe files); adds the
 * bytes the statement reads from the table to *bytes. Returns ENGINE_OK or
 * a failure with err filled. */
engine_failure engine_view_refresh(engine *e, duckdb_connection work, const engine_bind *bind,
                                   const char *db, const char *name, const json_t *table,
                                   int64_t *bytes, engine_error *err);
/* The same, also giving the fingerprint of what the view was built from
 * (a view over it must be re-created when it changes). */
engine_failure engine_entry_refresh(engine *e, duckdb_connection work, const engine_bind *bind,
                                    const char *db, const char *name, const json_t *table,
                                    int64_t *bytes, char fingerprint[65], engine_error *err);

/* ---- engine_catalog_views.c ---- */

/* engine_entry_refresh for an Athena view (TableType VIRTUAL_VIEW). */
engine_failure engine_catalog_view_refresh(engine *e, duckdb_connection work,
                                           const engine_bind *bind, const char *db,
                                           const char *name, const json_t *view,
                                           int64_t *bytes, char fingerprint[65],
                                           engine_error *err);

/* ---- engine_view_cache.c ---- */

/* 1 if the view db.name was last built from fingerprint fp. */
int engine_view_is_current(engine *e, const char *db, const char *name, const char *fp);
/* Runs create_sql (a CREATE OR REPLACE VIEW of db.name) on the setup
 * connection after creating the schema, and remembers fp for the view. */
engine_failure engine_view_create(engine *e, const char *db, const char *name,
                                  const char *create_sql, const char *fp, engine_error *err);
/* ENGINE_CATALOG."db"."name" */
int engine_put_view_name(buf *b, const char *db, const char *name);

/* CREATE SCHEMA IF NOT EXISTS for db, under the view lock. 0 or -1. */
int engine_schema_ensure(engine *e, const char *db, engine_error *err);

void engine_view_cache_free(engine *e);

/* SQL quoting: "ident" with "" doubled, 'literal' with '' doubled. */
int sql_ident(buf *b, const char *name);
int sql_literal(buf *b, const char *text);

/* ---- engine_partitions.c ---- */

/* The files of each registered partition, in the order of the table's
 * ENGINE_TABLE_PARTITIONS. */
typedef struct partition_files {
    table_files *lists;
    size_t count;
} partition_files;

/* Lists the files of every partition of table. ENGINE_OK or a failure. */
engine_failure partition_files_load(engine *e, const char *db, const char *name,
                                    const json_t *table, partition_files *out,
                                    engine_error *err);
void partition_files_free(partition_files *pf);
/* Every partition's files in one list (copies). 0 or -1 (out of memory;
 * all holds what was copied, for table_files_free). */
int partition_files_merge(const partition_files *pf, table_files *all);
/* The bytes of the partitions bind's statement can read. */
int64_t partition_files_bytes(const partition_files *pf, duckdb_connection work,
                              const engine_bind *bind, const char *db, const char *name,
                              const json_t *table);

/* ---- engine_pruning.c ---- */

/* Sets keep[i] (one per element of partitions, Glue Partition documents of
 * db.name with partition_keys) to 0 when the statement whose parse tree
 * (json_serialize_sql) is given certainly reads no row of partition i, else
 * to 1. Unqualified table names resolve in default_db. */
void engine_prune_partitions(const json_t *tree, const char *default_db, const char *db,
                             const char *name, const json_t *partition_keys,
                             const json_t *partitions, unsigned char *keep);

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
