/*
 * store.h: athena-local's persistent metadata, in SQLite (WAL) inside the
 * data dir: the data catalog (databases, tables), workgroups, and the query
 * history.
 *
 * Documents are stored in the AWS wire shapes so the services can return
 * them as they are: databases and tables in Glue's `Database` and `Table`
 * shapes (glue.service-2.json), workgroups in Athena's `WorkGroup` shape, and
 * queries in Athena's `QueryExecution` shape. Names of databases and tables
 * are case-insensitive (stored lower-case), as in Athena and Glue.
 *
 * Thread-safe: one connection guarded by a mutex. Functions returning json_t*
 * return a new reference (caller decrefs) or NULL when not found.
 */
#ifndef ATHENA_SERVER_STORE_H
#define ATHENA_SERVER_STORE_H

#include <jansson.h>
#include <stddef.h>

typedef struct store store;

typedef enum store_status {
    STORE_OK = 0,
    STORE_NOT_FOUND,
    STORE_EXISTS,
    STORE_NOT_EMPTY,   /* dropping a database that still has tables, without cascade */
    STORE_ERROR        /* SQLite failure; see store_errmsg */
} store_status;

/* Opens (creating if needed) DATA_DIR/metadata.db. On first open, creates the
 * "primary" workgroup and the "default" database. NULL on failure, with a
 * message in err. */
store *store_open(const char *data_dir, char *err, size_t err_cap);
void store_close(store *st);
const char *store_errmsg(store *st);

/* ---- catalog: databases (Glue Database shape: Name, Description,
 * LocationUri, Parameters, CreateTime, CatalogId) ---- */
store_status store_database_create(store *st, json_t *database);       /* STORE_EXISTS if present */
store_status store_database_update(store *st, const char *name, json_t *database);
json_t *store_database_get(store *st, const char *name);
json_t *store_database_list(store *st);                                /* array, sorted by name */
store_status store_database_delete(store *st, const char *name, int cascade);

/* ---- catalog: tables (Glue Table shape: Name, DatabaseName,
 * StorageDescriptor{Columns, Location, InputFormat, OutputFormat,
 * SerdeInfo{SerializationLibrary, Parameters}}, PartitionKeys, TableType,
 * Parameters, ViewOriginalText, ViewExpandedText, CreateTime, UpdateTime) ---- */
store_status store_table_create(store *st, const char *database, json_t *table);
store_status store_table_update(store *st, const char *database, const char *name, json_t *table);
json_t *store_table_get(store *st, const char *database, const char *name);
json_t *store_table_list(store *st, const char *database);             /* array, sorted by name */
store_status store_table_delete(store *st, const char *database, const char *name);

/* ==== catalog: partitions (store_partitions.c) ====
 * Glue Partition shape: Values, DatabaseName, TableName, StorageDescriptor,
 * Parameters, CreationTime, LastAccessTime, CatalogId. A partition is keyed
 * by its table and its Values; the stored DatabaseName and TableName are
 * always the (lower-case) keys. Partitions go with their table (and so with
 * their database) when it is deleted. */

/* The canonical key of partition values: the compact JSON text of the array
 * of strings (malloc'd), or NULL when values is not an array of strings
 * without embedded NUL. */
char *store_partition_values_key(const json_t *values);
/* STORE_NOT_FOUND when the table does not exist, STORE_EXISTS when a
 * partition with the same Values does, STORE_ERROR (errmsg) when the
 * document has no valid Values. */
store_status store_partition_create(store *st, const char *database, const char *table,
                                    json_t *partition);
/* Replaces the partition with these values by partition, whose Values may
 * differ (a rename): STORE_NOT_FOUND, or STORE_EXISTS when the new Values
 * belong to another partition. */
store_status store_partition_update(store *st, const char *database, const char *table,
                                    const json_t *values, json_t *partition);
json_t *store_partition_get(store *st, const char *database, const char *table,
                            const json_t *values);
/* The table's partitions in key order, starting after after_key (a key
 * from store_partition_values_key; NULL: from the first), at most limit of
 * them (0: all). An empty array for a missing table; NULL on failure. */
json_t *store_partition_list(store *st, const char *database, const char *table,
                             const char *after_key, size_t limit);
store_status store_partition_delete(store *st, const char *database, const char *table,
                                    const json_t *values);

/* ---- workgroups (Athena WorkGroup shape) ---- */
store_status store_workgroup_create(store *st, json_t *workgroup);
store_status store_workgroup_update(store *st, const char *name, json_t *workgroup);
json_t *store_workgroup_get(store *st, const char *name);
json_t *store_workgroup_list(store *st);
/* STORE_NOT_EMPTY while queries of the workgroup remain in the history;
 * never deletes "primary" (STORE_ERROR). */
store_status store_workgroup_delete(store *st, const char *name);
/* The same, deleting the workgroup's query history with it. */
store_status store_workgroup_delete_recursive(store *st, const char *name);

/* ---- query history (Athena QueryExecution shape) ---- */
/* Inserts a new query. client_token may be NULL. STORE_EXISTS if the id or
 * (workgroup, token) pair is taken. */
store_status store_query_insert(store *st, json_t *query_execution, const char *client_token);
/* Replaces the stored document of an existing query (state changes). */
store_status store_query_update(store *st, json_t *query_execution);
json_t *store_query_get(store *st, const char *id);
/* The stored QueryExecution as JSON text (malloc'd), or NULL: lets
 * GetQueryExecution answer without parsing and re-serializing it. */
char *store_query_get_text(store *st, const char *id);
/* The query started with this token in this workgroup, or NULL. */
json_t *store_query_by_token(store *st, const char *workgroup, const char *token);
/* Ids in a workgroup, newest first, starting after `offset` entries; at most
 * max. Returns a JSON array of id strings; *more is set if others follow. */
json_t *store_query_list(store *st, const char *workgroup, size_t offset, size_t max, int *more);
/* Marks every QUEUED or RUNNING query FAILED with reason (at startup, after a
 * crash). Returns how many, or -1. */
int store_fail_unfinished(store *st, const char *reason);

/* ---- small key/value settings (e.g. generated root credentials) ---- */
char *store_setting_get(store *st, const char *key);   /* malloc'd or NULL */
store_status store_setting_put(store *st, const char *key, const char *value);

#endif
