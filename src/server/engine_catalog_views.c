/*
 * engine_catalog_views.c: an Athena view becomes a DuckDB view.
 *
 * Athena keeps a view in the catalog as a Glue table of type VIRTUAL_VIEW
 * whose ViewOriginalText is "/\* Presto View: <base64 of JSON> *\/". The JSON
 * holds originalSql, the schema its unqualified names resolve in, and the
 * view's columns. To read one, the engine creates
 * ENGINE_CATALOG."db"."view"("col", ...) AS <originalSql>, after:
 *   - the sandbox has inspected originalSql, every time: the text comes
 *     from the catalog, where anyone allowed Glue's CreateTable can write
 *     it, so it is treated exactly like user SQL;
 *   - the views of the tables (and views) it reads have been built the
 *     same way, recursively, with its predicates pruning their partitions.
 * Unqualified names resolve in the schema the definition names (the
 * database of the statement that created it), as in Athena. The view is
 * re-created when the catalog entry or any entry beneath it changed (their
 * fingerprints make up its own).
 */
#include "engine_internal.h"

#include "crypto.h"
#include "sandbox.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_VIEW_DEPTH 16   /* views over views; deeper is taken for a cycle */
#define PRESTO_PREFIX "/* Presto View: "
#define PRESTO_SUFFIX " */"

typedef struct view_def {
    const char *db, *name;
    json_t *presto;        /* the decoded view definition */
    const char *sql;       /* its originalSql */
    char schema[256];      /* where its unqualified names resolve, lower case */
} view_def;

static engine_failure invalid_view(const view_def *v, engine_error *err, const char *why)
{
    return engine_fail(err, ENGINE_USER_ERROR, "INVALID_VIEW",
                       "Failed analyzing stored view '%s.%s.%s': %.1800s", ENGINE_CATALOG, v->db,
                       v->name, why);
}

/* ---- the stored definition ---------------------------------------------------- */

/* The JSON inside "/\* Presto View: <base64> *\/", or NULL. */
static json_t *decode_presto_view(const char *text)
{
    size_t prefix = strlen(PRESTO_PREFIX), suffix = strlen(PRESTO_SUFFIX);
    size_t len = text ? strlen(text) : 0;
    if (len < prefix + suffix || strncmp(text, PRESTO_PREFIX, prefix) != 0 ||
        strcmp(text + len - suffix, PRESTO_SUFFIX) != 0)
        return NULL;
    const char *b64 = text + prefix;
    size_t b64_len = len - prefix - suffix;
    if (b64_len == 0 || b64_len % 4 != 0 || b64_len > INT32_MAX)
        return NULL;
    unsigned char *raw = malloc(b64_len / 4 * 3 + 1);
    if (!raw)
        return NULL;
    int n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)b64_len);
    json_t *doc = NULL;
    if (n >= 2) {
        /* EVP_DecodeBlock counts the bytes that '=' padding stands for. */
        size_t pad = (b64[b64_len - 1] == '=') + (b64[b64_len - 2] == '=');
        doc = json_loadb((const char *)raw, (size_t)n - pad, 0, NULL);
    }
    free(raw);
    return doc;
}

static engine_failure load_view(view_def *v, const json_t *view, engine_error *err)
{
    const char *original = json_string_value(json_object_get(view, "ViewOriginalText"));
    v->presto = decode_presto_view(original);
    if (!v->presto)
        return engine_fail(err, ENGINE_USER_ERROR, "NOT_SUPPORTED",
                           "'%s.%s.%s' is not an Athena view (its ViewOriginalText is not "
                           "\"/* Presto View: <base64> */\"); athena-local reads only those",
                           ENGINE_CATALOG, v->db, v->name);
    v->sql = json_string_value(json_object_get(v->presto, "originalSql"));
    if (!v->sql || !*v->sql)
        return invalid_view(v, err, "the view definition has no originalSql");
    const char *schema = json_string_value(json_object_get(v->presto, "schema"));
    engine_lower_copy(v->schema, sizeof v->schema, schema && *schema ? schema : v->db);
    return ENGINE_OK;
}

/* ---- the tables it reads ---------------------------------------------------------- */

/* Builds the views of what the view reads; appends their fingerprints. */
static engine_failure bind_dependencies(engine *e, duckdb_connection work,
                                        const engine_bind *bind, const view_def *v,
                                        const sandbox_result *sb, int64_t *bytes, buf *fps,
                                        engine_error *err)
{
    engine_bind inner = {.sql = v->sql, .default_db = v->schema, .lookup = bind->lookup,
                         .lookup_user_data = bind->lookup_user_data, .depth = bind->depth + 1};
    for (size_t i = 0; i < sb->table_count; i++) {
        if (engine_table_repeats(sb, i, v->schema))
            continue;
        char db[256], name[256], why[700];
        const char *schema = *sb->tables[i].schema ? sb->tables[i].schema : v->schema;
        engine_lower_copy(db, sizeof db, schema);
        engine_lower_copy(name, sizeof name, sb->tables[i].name);
        int engine_schema = strcmp(db, "information_schema") == 0 ||
                            strcmp(db, "pg_catalog") == 0;
        json_t *table = engine_schema || !bind->lookup ? NULL
                                                       : bind->lookup(bind->lookup_user_data, db,
                                                                      name);
        if (!table) {
            snprintf(why, sizeof why, "Table '%s.%s.%s' does not exist", ENGINE_CATALOG, db,
                     name);
            return invalid_view(v, err, why);
        }
        char fp[65];
        engine_failure f = engine_entry_refresh(e, work, &inner, db, name, table, bytes, fp, err);
        json_decref(table);
        if (f != ENGINE_OK)
            return f;
        if (buf_printf(fps, "%s.%s %s\n", db, name, fp) != 0)
            return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR",
                               "out of memory");
    }
    return ENGINE_OK;
}

/* ---- the DuckDB view ------------------------------------------------------------------ */

/* CREATE OR REPLACE VIEW db."name"[("col", ...)] AS body, which must stay
 * one statement. */
static engine_failure build_create(duckdb_connection work, const view_def *v, const char *db,
                                   const char *name, int with_columns, const char *body,
                                   buf *sql, engine_error *err)
{
    const json_t *columns = with_columns ? json_object_get(v->presto, "columns") : NULL;
    int rc = buf_puts(sql, "CREATE OR REPLACE VIEW ");
    rc = rc ? rc : engine_put_view_name(sql, db, name);
    for (size_t i = 0; rc == 0 && i < json_array_size(columns); i++) {
        const char *col = json_string_value(json_object_get(json_array_get(columns, i), "name"));
        if (!col || !*col)
            return invalid_view(v, err, "a column of the view definition has no name");
        rc = buf_puts(sql, i ? ", " : "(");
        rc = rc ? rc : sql_ident(sql, col);
    }
    if (rc == 0 && json_array_size(columns))
        rc = buf_putc(sql, ')');
    rc = rc ? rc : buf_puts(sql, " AS ");
    rc = rc ? rc : buf_puts(sql, body);
    if (rc != 0)
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    duckdb_extracted_statements statements = NULL;
    idx_t count = duckdb_extract_statements(work, sql->data, &statements);
    duckdb_destroy_extracted(&statements);
    if (count != 1)
        return invalid_view(v, err, "the view's SQL is not one SELECT statement");
    return ENGINE_OK;
}

static engine_failure create_one(engine *e, const view_def *v, const char *db, const char *name,
                                 const buf *sql, const char *fp, engine_error *err)
{
    engine_failure f = engine_view_create(e, db, name, sql->data, fp, err);
    if (f != ENGINE_OK) {
        /* e.g. more column names than the SQL gives: the view is stale */
        char why[sizeof err->message];
        snprintf(why, sizeof why, "%s", err->message);
        engine_paths_to_uris(e->s3_root, why);
        f = invalid_view(v, err, why);
    }
    return f;
}

/* DuckDB resolves a view's unqualified names in the view's own schema,
 * Athena in the schema its definition names. When the two differ, the SQL
 * becomes a helper view in that schema, under a name that DDL cannot give
 * a table, and the view selects from it. */
static engine_failure create_view(engine *e, duckdb_connection work, const view_def *v,
                                  const char *fp, engine_error *err)
{
    int separate = strcmp(v->schema, v->db) != 0;
    char helper[600];
    snprintf(helper, sizeof helper, "athena-local view %s.%s", v->db, v->name);
    buf sql = BUF_INIT, helper_sql = BUF_INIT, body = BUF_INIT;
    engine_failure f = ENGINE_OK;
    if (separate) {
        f = build_create(work, v, v->schema, helper, 0, v->sql, &helper_sql, err);
        if (f == ENGINE_OK && (buf_puts(&body, "SELECT * FROM ") != 0 ||
                               engine_put_view_name(&body, v->schema, helper) != 0))
            f = engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    }
    f = f ? f : build_create(work, v, v->db, v->name, 1, separate ? body.data : v->sql, &sql, err);
    if (f == ENGINE_OK && separate)
        f = create_one(e, v, v->schema, helper, &helper_sql, fp, err);
    f = f ? f : create_one(e, v, v->db, v->name, &sql, fp, err);
    buf_free(&sql);
    buf_free(&helper_sql);
    buf_free(&body);
    return f;
}

static engine_failure inspect(duckdb_connection work, const view_def *v, sandbox_result *sb,
                              engine_error *err)
{
    if (sandbox_inspect(work, v->sql, sb) != 0)
        return invalid_view(v, err, sb->reason);
    if (sb->parameter_count > 0)
        return invalid_view(v, err, "a view cannot have parameters");
    return ENGINE_OK;
}

engine_failure engine_catalog_view_refresh(engine *e, duckdb_connection work,
                                           const engine_bind *bind, const char *db,
                                           const char *name, const json_t *view,
                                           int64_t *bytes, char fingerprint[65],
                                           engine_error *err)
{
    view_def v = {db, name, NULL, NULL, ""};
    if (bind->depth >= MAX_VIEW_DEPTH)
        return engine_fail(err, ENGINE_USER_ERROR, "INVALID_VIEW",
                           "View '%s.%s.%s' is recursive or nested more than %d deep",
                           ENGINE_CATALOG, db, name, MAX_VIEW_DEPTH);
    sandbox_result *sb = calloc(1, sizeof *sb);
    buf fps = BUF_INIT;
    char *doc = json_dumps(view, JSON_COMPACT | JSON_SORT_KEYS);
    engine_failure f = ENGINE_OK;
    if (!sb || !doc || buf_printf(&fps, "view %s.%s\n%s\n", db, name, doc) != 0)
        f = engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    f = f ? f : load_view(&v, view, err);
    f = f ? f : inspect(work, &v, sb, err);
    f = f ? f : bind_dependencies(e, work, bind, &v, sb, bytes, &fps, err);
    if (f == ENGINE_OK) {
        sha256_hex(fps.data, fps.len, fingerprint);
        if (!engine_view_is_current(e, db, name, fingerprint))
            f = create_view(e, work, &v, fingerprint, err);
    }
    json_decref(v.presto);
    free(doc);
    buf_free(&fps);
    free(sb);
    return f;
}
