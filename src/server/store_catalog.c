/*
 * store_catalog.c: the data catalog (Glue databases and tables) and Athena
 * workgroups in the metadata store (store.h).
 *
 * Each object is one JSON document keyed by name. The stored document's
 * "Name" (and a table's "DatabaseName") is always the key it is stored
 * under, so a document can never disagree with its row: database and table
 * names are lower-cased as Glue does, workgroup names are case-sensitive as
 * in Athena.
 */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

/* Databases and workgroups: documents under one name. Statements bind the
 * name as ?1 and the document as ?2. */
typedef struct named_kind {
    const char *insert_sql;
    const char *update_sql;
    const char *get_sql;      /* selects doc, name */
    const char *list_sql;     /* selects doc, name */
    const char *delete_sql;
    int case_insensitive;
} named_kind;

static const named_kind database_kind = {
    "INSERT INTO databases(name, doc) VALUES (?1, ?2)",
    "UPDATE databases SET doc = ?2 WHERE name = ?1",
    "SELECT doc, name FROM databases WHERE name = ?1",
    "SELECT doc, name FROM databases ORDER BY name",
    "DELETE FROM databases WHERE name = ?1",
    1,
};

static const named_kind workgroup_kind = {
    "INSERT INTO workgroups(name, doc) VALUES (?1, ?2)",
    "UPDATE workgroups SET doc = ?2 WHERE name = ?1",
    "SELECT doc, name FROM workgroups WHERE name = ?1",
    "SELECT doc, name FROM workgroups ORDER BY name",
    "DELETE FROM workgroups WHERE name = ?1",
    0,
};

/* The key a name is stored under (malloc'd), or NULL with errmsg when the
 * name is missing or empty. */
static char *name_key(store *st, const char *name, int case_insensitive)
{
    if (!name || !*name) {
        store_fail(st, "a name is required");
        return NULL;
    }
    char *key = case_insensitive ? store_lower(name) : strdup(name);
    if (!key)
        store_fail(st, "out of memory");
    return key;
}

/* The key of a new document: its "Name" member. */
static char *document_key(store *st, json_t *doc, int case_insensitive)
{
    if (!json_is_object(doc)) {
        store_fail(st, "document is not a JSON object");
        return NULL;
    }
    const char *name = store_doc_string(doc, "Name");
    if (!name) {
        store_fail(st, "document has no \"Name\" string");
        return NULL;
    }
    return name_key(st, name, case_insensitive);
}

/* The text to store: a copy of doc whose Name (and, for tables,
 * DatabaseName) are the keys. The caller's document is left untouched. */
static char *keyed_text(store *st, json_t *doc, const char *database, const char *name)
{
    if (!json_is_object(doc)) {
        store_fail(st, "document is not a JSON object");
        return NULL;
    }
    json_t *copy = json_copy(doc);
    if (!copy || json_object_set_new(copy, "Name", json_string(name)) != 0 ||
        (database && json_object_set_new(copy, "DatabaseName", json_string(database)) != 0)) {
        json_decref(copy);
        store_fail(st, "out of memory");
        return NULL;
    }
    char *text = store_doc_text(st, copy);
    json_decref(copy);
    return text;
}

/* Runs a write whose parameters are the keys (database if not NULL, then
 * name) followed by the document text. */
static store_status write_document(store *st, const char *sql, const char *database,
                                   const char *name, json_t *doc, int must_change)
{
    char *text = keyed_text(st, doc, database, name);
    if (!text)
        return STORE_ERROR;
    const char *params[3];
    int n = 0;
    if (database)
        params[n++] = database;
    params[n++] = name;
    params[n++] = text;
    store_lock(st);
    store_status status = store_execute(st, sql, n, params, must_change);
    store_unlock(st);
    free(text);
    return status;
}

/* ---- databases and workgroups ---- */

static store_status named_create(store *st, const named_kind *kind, json_t *doc)
{
    if (!st)
        return STORE_ERROR;
    char *key = document_key(st, doc, kind->case_insensitive);
    if (!key)
        return STORE_ERROR;
    store_status status = write_document(st, kind->insert_sql, NULL, key, doc, 0);
    free(key);
    return status;
}

static store_status named_update(store *st, const named_kind *kind, const char *name,
                                 json_t *doc)
{
    if (!st)
        return STORE_ERROR;
    char *key = name_key(st, name, kind->case_insensitive);
    if (!key)
        return STORE_ERROR;
    store_status status = write_document(st, kind->update_sql, NULL, key, doc, 1);
    free(key);
    return status;
}

static json_t *named_get(store *st, const named_kind *kind, const char *name)
{
    if (!st)
        return NULL;
    char *key = name_key(st, name, kind->case_insensitive);
    if (!key)
        return NULL;
    store_lock(st);
    json_t *doc = store_fetch_doc(st, kind->get_sql, 1, (const char *[]){key});
    store_unlock(st);
    free(key);
    return doc;
}

static json_t *named_list(store *st, const named_kind *kind)
{
    if (!st)
        return NULL;
    store_lock(st);
    json_t *docs = store_fetch_docs(st, kind->list_sql, 0, NULL);
    store_unlock(st);
    return docs;
}

store_status store_database_create(store *st, json_t *database)
{
    return named_create(st, &database_kind, database);
}

store_status store_database_update(store *st, const char *name, json_t *database)
{
    return named_update(st, &database_kind, name, database);
}

json_t *store_database_get(store *st, const char *name)
{
    return named_get(st, &database_kind, name);
}

json_t *store_database_list(store *st)
{
    return named_list(st, &database_kind);
}

/* Whether the database holds tables: 1, 0, or -1 on failure. */
static int database_has_tables(store *st, const char *key)
{
    sqlite3_stmt *stmt =
        store_statement(st, "SELECT 1 FROM tables WHERE \"database\" = ?1 LIMIT 1", 1, &key);
    if (!stmt)
        return -1;
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        store_fail_sqlite(st, "select tables");
    store_release(st, stmt);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The check for tables and the delete run in one transaction, so a table
 * created in between cannot be orphaned or silently dropped. Its tables go
 * with the database through the foreign key's ON DELETE CASCADE. */
store_status store_database_delete(store *st, const char *name, int cascade)
{
    if (!st)
        return STORE_ERROR;
    char *key = name_key(st, name, 1);
    if (!key)
        return STORE_ERROR;
    store_lock(st);
    store_status status = STORE_ERROR;
    if (store_begin(st) == 0) {
        int has_tables = cascade ? 0 : database_has_tables(st, key);
        if (has_tables == 1)
            status = STORE_NOT_EMPTY;
        else if (has_tables == 0)
            status = store_execute(st, database_kind.delete_sql, 1, (const char *[]){key}, 1);
        if (status == STORE_OK) {
            if (store_commit(st) != 0)
                status = STORE_ERROR;
        } else {
            store_rollback(st);
        }
    }
    store_unlock(st);
    free(key);
    return status;
}

store_status store_workgroup_create(store *st, json_t *workgroup)
{
    return named_create(st, &workgroup_kind, workgroup);
}

store_status store_workgroup_update(store *st, const char *name, json_t *workgroup)
{
    return named_update(st, &workgroup_kind, name, workgroup);
}

json_t *store_workgroup_get(store *st, const char *name)
{
    return named_get(st, &workgroup_kind, name);
}

json_t *store_workgroup_list(store *st)
{
    return named_list(st, &workgroup_kind);
}

/* 1 when the workgroup has queries in its history, 0 if not, -1 on error.
 * Caller holds the lock. */
static int workgroup_has_queries(store *st, const char *name)
{
    sqlite3_stmt *stmt = store_statement(st, "SELECT 1 FROM queries WHERE workgroup = ?1 LIMIT 1",
                                         1, (const char *[]){name});
    if (!stmt)
        return -1;
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        store_fail_sqlite(st, "select queries");
    store_release(st, stmt);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* As for databases, the check and the deletes share one transaction. The
 * primary workgroup always exists (Athena cannot delete it). */
static store_status workgroup_delete(store *st, const char *name, int recursive)
{
    if (!st)
        return STORE_ERROR;
    if (!name || !*name)
        return store_fail(st, "a name is required");
    if (strcmp(name, "primary") == 0)
        return store_fail(st, "the primary workgroup cannot be deleted");
    store_lock(st);
    store_status status = STORE_ERROR;
    if (store_begin(st) == 0) {
        int has_queries = recursive ? 0 : workgroup_has_queries(st, name);
        if (has_queries == 1)
            status = STORE_NOT_EMPTY;
        else if (has_queries == 0)
            status = store_execute(st, workgroup_kind.delete_sql, 1, (const char *[]){name}, 1);
        if (status == STORE_OK && recursive)
            status = store_execute(st, "DELETE FROM queries WHERE workgroup = ?1", 1,
                                   (const char *[]){name}, 0);
        if (status == STORE_OK) {
            if (store_commit(st) != 0)
                status = STORE_ERROR;
        } else {
            store_rollback(st);
        }
    }
    store_unlock(st);
    return status;
}

store_status store_workgroup_delete(store *st, const char *name)
{
    return workgroup_delete(st, name, 0);
}

store_status store_workgroup_delete_recursive(store *st, const char *name)
{
    return workgroup_delete(st, name, 1);
}

/* ---- tables: keyed by (database, name), both lower-case ---- */

store_status store_table_create(store *st, const char *database, json_t *table)
{
    if (!st)
        return STORE_ERROR;
    char *db = name_key(st, database, 1);
    char *key = db ? document_key(st, table, 1) : NULL;
    store_status status = STORE_ERROR;
    /* A missing database shows up as the foreign key failing: NOT_FOUND. */
    if (key)
        status = write_document(
            st, "INSERT INTO tables(\"database\", name, doc) VALUES (?1, ?2, ?3)", db, key,
            table, 0);
    free(db);
    free(key);
    return status;
}

store_status store_table_update(store *st, const char *database, const char *name,
                                json_t *table)
{
    if (!st)
        return STORE_ERROR;
    char *db = name_key(st, database, 1);
    char *key = db ? name_key(st, name, 1) : NULL;
    store_status status = STORE_ERROR;
    if (key)
        status = write_document(
            st, "UPDATE tables SET doc = ?3 WHERE \"database\" = ?1 AND name = ?2", db, key,
            table, 1);
    free(db);
    free(key);
    return status;
}

json_t *store_table_get(store *st, const char *database, const char *name)
{
    if (!st)
        return NULL;
    char *db = name_key(st, database, 1);
    char *key = db ? name_key(st, name, 1) : NULL;
    json_t *doc = NULL;
    if (key) {
        store_lock(st);
        doc = store_fetch_doc(st,
                              "SELECT doc, name FROM tables WHERE \"database\" = ?1 AND name = ?2",
                              2, (const char *[]){db, key});
        store_unlock(st);
    }
    free(db);
    free(key);
    return doc;
}

/* An empty array for a database that does not exist: callers that must
 * tell the two apart ask store_database_get first. */
json_t *store_table_list(store *st, const char *database)
{
    if (!st)
        return NULL;
    char *db = name_key(st, database, 1);
    if (!db)
        return NULL;
    store_lock(st);
    json_t *docs = store_fetch_docs(
        st, "SELECT doc, name FROM tables WHERE \"database\" = ?1 ORDER BY name", 1,
        (const char *[]){db});
    store_unlock(st);
    free(db);
    return docs;
}

store_status store_table_delete(store *st, const char *database, const char *name)
{
    if (!st)
        return STORE_ERROR;
    char *db = name_key(st, database, 1);
    char *key = db ? name_key(st, name, 1) : NULL;
    store_status status = STORE_ERROR;
    if (key) {
        store_lock(st);
        status = store_execute(st, "DELETE FROM tables WHERE \"database\" = ?1 AND name = ?2",
                               2, (const char *[]){db, key}, 1);
        store_unlock(st);
    }
    free(db);
    free(key);
    return status;
}
