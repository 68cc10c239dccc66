/*
 * engine_view_cache.c: creating the engine's views and remembering what
 * they were built from.
 *
 * Every catalog table and catalog view a statement names becomes a DuckDB
 * view awsdatacatalog."db"."name", created on the engine's setup connection
 * under the view lock (engine_views.c builds the SELECT of a table,
 * engine_catalog_views.c that of an Athena view). A view is re-created only
 * when the fingerprint of what it is built from changed since the last
 * time, so an unchanged table is not re-described and re-created for every
 * statement. Also here: SQL quoting, which every generated statement uses.
 */
#include "engine_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- quoting ------------------------------------------------------------ */

static int sql_quoted(buf *b, const char *text, char quote)
{
    if (buf_putc(b, quote) != 0)
        return -1;
    for (const char *p = text; *p; p++)
        if ((*p == quote && buf_putc(b, quote) != 0) || buf_putc(b, *p) != 0)
            return -1;
    return buf_putc(b, quote);
}

int sql_ident(buf *b, const char *name)
{
    return sql_quoted(b, name, '"');
}

int sql_literal(buf *b, const char *text)
{
    return sql_quoted(b, text, '\'');
}

/* ---- fingerprints ----------------------------------------------------------- */

static view_cache_entry *cache_find(engine *e, const char *qualified)
{
    for (size_t i = 0; i < e->cache_count; i++)
        if (strcmp(e->cache[i].qualified_name, qualified) == 0)
            return &e->cache[i];
    return NULL;
}

/* Remembers the fingerprint of a view just created (under view_lock). */
static void cache_store(engine *e, const char *qualified, const char *fp)
{
    view_cache_entry *entry = cache_find(e, qualified);
    if (!entry && e->cache_count == e->cache_cap) {
        size_t cap = e->cache_cap ? e->cache_cap * 2 : 16;
        view_cache_entry *grown = realloc(e->cache, cap * sizeof *grown);
        if (!grown)
            return;   /* only an optimization */
        e->cache = grown;
        e->cache_cap = cap;
    }
    if (!entry) {
        char *name = strdup(qualified);
        if (!name)
            return;
        entry = &e->cache[e->cache_count++];
        entry->qualified_name = name;
    }
    memcpy(entry->fingerprint, fp, sizeof entry->fingerprint);
}

void engine_view_cache_free(engine *e)
{
    for (size_t i = 0; i < e->cache_count; i++)
        free(e->cache[i].qualified_name);
    free(e->cache);
    e->cache = NULL;
    e->cache_count = e->cache_cap = 0;
}

int engine_view_is_current(engine *e, const char *db, const char *name, const char *fp)
{
    char qualified[600];
    snprintf(qualified, sizeof qualified, "%s.%s", db, name);
    pthread_mutex_lock(&e->view_lock);
    view_cache_entry *entry = cache_find(e, qualified);
    int current = entry && strcmp(entry->fingerprint, fp) == 0;
    pthread_mutex_unlock(&e->view_lock);
    return current;
}

/* ---- DDL on the setup connection -------------------------------------------------- */

/* Runs one statement on the setup connection (caller holds view_lock). */
static engine_failure setup_exec(engine *e, const char *sql, engine_error *err)
{
    duckdb_result result;
    engine_failure f = ENGINE_OK;
    if (duckdb_query(e->setup, sql, &result) != DuckDBSuccess)
        f = engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR",
                        "cannot create the engine view: %s", duckdb_result_error(&result));
    duckdb_destroy_result(&result);
    return f;
}

static int put_schema_name(buf *b, const char *db)
{
    int rc = buf_puts(b, ENGINE_CATALOG ".");
    return rc ? rc : sql_ident(b, db);
}

int engine_schema_ensure(engine *e, const char *db, engine_error *err)
{
    buf sql = BUF_INIT;
    int rc = buf_puts(&sql, "CREATE SCHEMA IF NOT EXISTS ");
    rc = rc ? rc : put_schema_name(&sql, db);
    if (rc != 0) {
        buf_free(&sql);
        engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
        return -1;
    }
    pthread_mutex_lock(&e->view_lock);
    engine_failure f = setup_exec(e, sql.data, err);
    pthread_mutex_unlock(&e->view_lock);
    buf_free(&sql);
    return f == ENGINE_OK ? 0 : -1;
}

int engine_put_view_name(buf *b, const char *db, const char *name)
{
    int rc = put_schema_name(b, db);
    rc = rc ? rc : buf_putc(b, '.');
    return rc ? rc : sql_ident(b, name);
}

engine_failure engine_view_create(engine *e, const char *db, const char *name,
                                  const char *create_sql, const char *fp, engine_error *err)
{
    buf schema = BUF_INIT;
    int rc = buf_puts(&schema, "CREATE SCHEMA IF NOT EXISTS ");
    rc = rc ? rc : put_schema_name(&schema, db);
    if (rc != 0) {
        buf_free(&schema);
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    }
    char qualified[600];
    snprintf(qualified, sizeof qualified, "%s.%s", db, name);
    pthread_mutex_lock(&e->view_lock);
    engine_failure f = setup_exec(e, schema.data, err);
    if (f == ENGINE_OK)
        f = setup_exec(e, create_sql, err);
    if (f == ENGINE_OK)
        cache_store(e, qualified, fp);
    pthread_mutex_unlock(&e->view_lock);
    buf_free(&schema);
    return f;
}
