/*
 * store_partitions.c: Glue partitions in the metadata store (store.h).
 *
 * A partition is one JSON document (Glue's Partition shape) in the
 * "partitions" table, keyed by its table and the canonical text of its
 * Values (store_partition_values_key). The key is text, not a column per
 * value, because tables differ in how many partition keys they have; the
 * compact JSON of an array of strings is unique for every list of values
 * and sorts value by value for values of equal length (zero-padded months,
 * years), which is the order listings use. The foreign key to "tables"
 * removes a table's partitions with it, whether the table is dropped by
 * DDL or by Glue's DeleteTable.
 */
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *store_partition_values_key(const json_t *values)
{
    if (!json_is_array(values))
        return NULL;
    size_t i;
    const json_t *v;
    json_array_foreach(values, i, v) {
        if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
            return NULL;
    }
    return json_dumps(values, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* The row keys of a request: lower-case database and table names. */
typedef struct partition_keys {
    char *database;
    char *table;
} partition_keys;

static int keys_init(store *st, partition_keys *k, const char *database, const char *table)
{
    k->database = k->table = NULL;
    if (!database || !*database || !table || !*table) {
        store_fail(st, "a database and a table name are required");
        return -1;
    }
    k->database = store_lower(database);
    k->table = store_lower(table);
    if (!k->database || !k->table) {
        free(k->database);
        free(k->table);
        store_fail(st, "out of memory");
        return -1;
    }
    return 0;
}

static void keys_free(partition_keys *k)
{
    free(k->database);
    free(k->table);
}

/* The document's values key (malloc'd), or NULL with errmsg. */
static char *document_values_key(store *st, const json_t *partition)
{
    if (!json_is_object(partition)) {
        store_fail(st, "document is not a JSON object");
        return NULL;
    }
    char *key = store_partition_values_key(json_object_get(partition, "Values"));
    if (!key)
        store_fail(st, "partition document has no \"Values\" array of strings");
    return key;
}

/* The text to store: a copy of partition naming its (lower-case) table. */
static char *partition_text(store *st, const partition_keys *k, json_t *partition)
{
    json_t *copy = json_copy(partition);
    if (!copy || json_object_set_new(copy, "DatabaseName", json_string(k->database)) != 0 ||
        json_object_set_new(copy, "TableName", json_string(k->table)) != 0) {
        json_decref(copy);
        store_fail(st, "out of memory");
        return NULL;
    }
    char *text = store_doc_text(st, copy);
    json_decref(copy);
    return text;
}

/* Runs a write whose parameters are database, table, old_key (may be NULL
 * for an insert), new_key and the document text. */
static store_status write_partition(store *st, const char *sql, const char *database,
                                    const char *table, const json_t *old_values,
                                    json_t *partition, int must_change)
{
    partition_keys k;
    if (!st)
        return STORE_ERROR;
    if (keys_init(st, &k, database, table) != 0)
        return STORE_ERROR;
    store_status status = STORE_ERROR;
    char *old_key = old_values ? store_partition_values_key(old_values) : NULL;
    char *new_key = document_values_key(st, partition);
    char *text = new_key ? partition_text(st, &k, partition) : NULL;
    if (old_values && !old_key)
        store_fail(st, "partition values must be an array of strings");
    else if (text) {
        store_lock(st);
        status = store_execute(st, sql, 5,
                               (const char *[]){k.database, k.table, old_key, new_key, text},
                               must_change);
        store_unlock(st);
    }
    free(old_key);
    free(new_key);
    free(text);
    keys_free(&k);
    return status;
}

store_status store_partition_create(store *st, const char *database, const char *table,
                                    json_t *partition)
{
    /* ?3 (the old key) has no use here; a missing table fails the foreign key. */
    return write_partition(st,
                           "INSERT INTO partitions(\"database\", \"table\", values_key, doc) "
                           "VALUES (?1, ?2, ?4, ?5)",
                           database, table, NULL, partition, 0);
}

store_status store_partition_update(store *st, const char *database, const char *table,
                                    const json_t *values, json_t *partition)
{
    if (!values)
        return st ? store_fail(st, "the partition's current values are required") : STORE_ERROR;
    return write_partition(st,
                           "UPDATE partitions SET values_key = ?4, doc = ?5 "
                           "WHERE \"database\" = ?1 AND \"table\" = ?2 AND values_key = ?3",
                           database, table, values, partition, 1);
}

json_t *store_partition_get(store *st, const char *database, const char *table,
                            const json_t *values)
{
    partition_keys k;
    if (!st || keys_init(st, &k, database, table) != 0)
        return NULL;
    json_t *doc = NULL;
    char *key = store_partition_values_key(values);
    if (!key) {
        store_fail(st, "partition values must be an array of strings");
    } else {
        store_lock(st);
        doc = store_fetch_doc(st,
                              "SELECT doc, values_key FROM partitions "
                              "WHERE \"database\" = ?1 AND \"table\" = ?2 AND values_key = ?3",
                              3, (const char *[]){k.database, k.table, key});
        store_unlock(st);
    }
    free(key);
    keys_free(&k);
    return doc;
}

json_t *store_partition_list(store *st, const char *database, const char *table,
                             const char *after_key, size_t limit)
{
    partition_keys k;
    if (!st || keys_init(st, &k, database, table) != 0)
        return NULL;
    char limit_text[32];
    /* A negative LIMIT is no limit in SQLite. */
    snprintf(limit_text, sizeof limit_text, "%lld", limit ? (long long)limit : -1LL);
    store_lock(st);
    json_t *docs = store_fetch_docs(
        st,
        "SELECT doc, values_key FROM partitions "
        "WHERE \"database\" = ?1 AND \"table\" = ?2 AND (?3 IS NULL OR values_key > ?3) "
        "ORDER BY values_key LIMIT CAST(?4 AS INTEGER)",
        4, (const char *[]){k.database, k.table, after_key, limit_text});
    store_unlock(st);
    keys_free(&k);
    return docs;
}

store_status store_partition_delete(store *st, const char *database, const char *table,
                                    const json_t *values)
{
    partition_keys k;
    if (!st || keys_init(st, &k, database, table) != 0)
        return STORE_ERROR;
    store_status status = STORE_ERROR;
    char *key = store_partition_values_key(values);
    if (!key) {
        store_fail(st, "partition values must be an array of strings");
    } else {
        store_lock(st);
        status = store_execute(
            st,
            "DELETE FROM partitions WHERE \"database\" = ?1 AND \"table\" = ?2 AND "
            "values_key = ?3",
            3, (const char *[]){k.database, k.table, key}, 1);
        store_unlock(st);
    }
    free(key);
    keys_free(&k);
    return status;
}
