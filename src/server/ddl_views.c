/*
 * ddl_views.c: Athena views: CREATE [OR REPLACE] VIEW v AS <query>, DROP
 * VIEW [IF EXISTS] v and SHOW VIEWS [IN db] [LIKE 'pattern'].
 *
 * A view is stored in the catalog exactly as Athena stores it: a Glue table
 * of type VIRTUAL_VIEW, with Parameters {"presto_view": "true", "comment":
 * "Presto View"}, ViewExpandedText "/\* Presto View *\/", the view's columns
 * (Hive types) in its StorageDescriptor, and ViewOriginalText
 * "/\* Presto View: <base64 of JSON> *\/" whose JSON holds originalSql, the
 * catalog and schema its unqualified names resolve in (the query's
 * database, as in Trino), its columns (Trino types), owner and
 * runAsInvoker. The engine builds its view from that JSON
 * (engine_catalog_views.c).
 *
 * CREATE VIEW runs the query through the engine with LIMIT 0: the sandbox
 * inspects it, its tables must exist, and the result's columns (named as
 * Athena names them, _col0 for unnamed expressions) become the view's.
 * Errors point into the whole statement, not just the query.
 */
#include "ddl_internal.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRESTO_VIEW_COMMENT "/* Presto View */"

/* ---- parsing ------------------------------------------------------------------------------ */

/* Where text + offset sits in text: 1-based line and column. */
void ddl_position_of(const char *text, size_t offset, int *line, int *column)
{
    *line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < offset; i++)
        if (text[i] == '\n') {
            (*line)++;
            line_start = i + 1;
        }
    *column = (int)(offset - line_start) + 1;
}

int ddl_parse_create_view(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "CREATE") != 0)
        return -1;
    if (ddl_accept_word(p, "OR")) {
        if (ddl_expect_word(p, "REPLACE") != 0)
            return -1;
        stmt->or_replace = 1;
    }
    if (ddl_expect_word(p, "VIEW") != 0 || ddl_parse_qualified_name(p, stmt) != 0)
        return -1;
    const ddl_token *as = ddl_peek(p);
    if (ddl_expect_word(p, "AS") != 0)
        return -1;
    /* The query is the rest of the statement as written. */
    return ddl_take_query(p, stmt, as->offset + as->length, 0);
}

int ddl_parse_drop_view(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "DROP") != 0 || ddl_expect_word(p, "VIEW") != 0 ||
        (stmt->if_exists = ddl_accept_if_exists(p)) < 0 ||
        ddl_parse_qualified_name(p, stmt) != 0)
        return -1;
    return ddl_expect_end(p, "<EOF>");
}

int ddl_parse_show_views(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "SHOW") != 0 || ddl_expect_word(p, "VIEWS") != 0 ||
        ddl_accept_in_database(p, &stmt->database) < 0 || ddl_parse_show_pattern(p, stmt, 1) != 0)
        return -1;
    return ddl_expect_end(p, stmt->pattern ? "<EOF>" : "'IN', 'LIKE', <string>, <EOF>");
}

/* ---- the query's columns, from the engine ---------------------------------------------------- */

typedef struct column_capture {
    engine_column *cols;
    size_t count;
    int captured;
    int stop;          /* end the statement once the columns are known */
} column_capture;

static int capture_columns(void *user_data, const engine_column *cols, size_t count)
{
    column_capture *c = user_data;
    free(c->cols);
    c->cols = calloc(count ? count : 1, sizeof *c->cols);
    if (!c->cols)
        return 1;
    memcpy(c->cols, cols, count * sizeof *cols);
    c->count = count;
    c->captured = 1;
    return c->stop;
}

static int ignore_row(void *user_data, const char *const *values, const size_t *lengths)
{
    (void)user_data, (void)values, (void)lengths;
    return 0;
}

/* The engine's "line L:C: ..." counts from the query; the statement's
 * positions are what the user sees. */
static void point_into_statement(const ddl_stmt *stmt, const char *message, char *out,
                                 size_t cap)
{
    int line, column, used = 0;
    if (sscanf(message, "line %d:%d: %n", &line, &column, &used) == 2 && used > 0) {
        if (line == 1)
            column += stmt->query_column - 1;
        line += stmt->query_line - 1;
        snprintf(out, cap, "line %d:%d: %s", line, column, message + used);
    } else {
        snprintf(out, cap, "%s", message);
    }
}

int ddl_engine_failure(ddl_context *ctx, const ddl_stmt *stmt, engine_failure f,
                       const engine_error *eerr)
{
    char message[sizeof eerr->message + 64];
    point_into_statement(stmt, eerr->message, message, sizeof message);
    int user = f == ENGINE_USER_ERROR || f == ENGINE_SANDBOX;
    return ddl_fail(ctx->err, user, "%s%s%.900s", eerr->code, eerr->code[0] ? ": " : "",
                    message);
}

/* Runs the query with LIMIT 0 (nothing is read). A query that already
 * ends in LIMIT cannot take another; it runs as it is, stopped as soon as
 * its columns are known. */
static int query_columns(ddl_context *ctx, const ddl_stmt *stmt, const char *db,
                         column_capture *capture)
{
    buf limited = BUF_INIT;
    if (buf_printf(&limited, "%s\nLIMIT 0", stmt->query) != 0)
        return ddl_fail(ctx->err, 0, "out of memory");
    engine_sink sink = {capture_columns, ignore_row, capture};
    engine_error eerr;
    engine_failure f = engine_run(ctx->session, limited.data, db, NULL, 0, ddl_view_lookup,
                                  ctx, &sink, NULL, &eerr);
    buf_free(&limited);
    if (f == ENGINE_USER_ERROR && strcmp(eerr.code, "SYNTAX_ERROR") == 0) {
        capture->stop = 1;
        f = engine_run(ctx->session, stmt->query, db, NULL, 0, ddl_view_lookup, ctx, &sink,
                       NULL, &eerr);
        if (f == ENGINE_SINK_ABORTED && capture->captured)
            f = ENGINE_OK;
    }
    if (f != ENGINE_OK)
        return ddl_refused_by_lookup(ctx) ? -1 : ddl_engine_failure(ctx, stmt, f, &eerr);
    if (!capture->captured)
        return ddl_fail(ctx->err, 0, "the engine gave no columns for the view");
    for (size_t i = 0; i < capture->count; i++)
        for (size_t j = i + 1; j < capture->count; j++)
            if (strcmp(capture->cols[i].name, capture->cols[j].name) == 0)
                return ddl_fail(ctx->err, 1, "line %d:%d: Column name '%s' specified more "
                                "than once", stmt->query_line, stmt->query_column,
                                capture->cols[i].name);
    return 0;
}

/* ---- the Glue document ---------------------------------------------------------------------- */

/* The Trino type of a result column, as a view definition records it. */
static void trino_type(const engine_column *c, char *out, size_t cap)
{
    if (strcmp(c->type, "decimal") == 0)
        snprintf(out, cap, "decimal(%d,%d)", c->precision, c->scale);
    else if (strcmp(c->type, "timestamp") == 0 || strcmp(c->type, "time") == 0)
        snprintf(out, cap, "%s(%d)", c->type, c->precision);
    else
        snprintf(out, cap, "%s", c->type);
}

/* The Hive type the view's Glue columns carry. */
static void hive_type(const engine_column *c, char *out, size_t cap)
{
    static const char *const renamed[][2] = {
        {"varchar", "string"}, {"integer", "int"}, {"real", "float"}, {"varbinary", "binary"},
    };
    for (size_t i = 0; i < sizeof renamed / sizeof renamed[0]; i++)
        if (strcmp(c->type, renamed[i][0]) == 0) {
            snprintf(out, cap, "%s", renamed[i][1]);
            return;
        }
    if (strcmp(c->type, "decimal") == 0)
        snprintf(out, cap, "decimal(%d,%d)", c->precision, c->scale);
    else
        snprintf(out, cap, "%s", c->type);
}

/* "/\* Presto View: <base64 of the definition> *\/" */
static char *presto_view_text(const json_t *definition)
{
    char *json = json_dumps(definition, JSON_COMPACT);
    size_t len = json ? strlen(json) : 0;
    char *b64 = json && len < (size_t)1 << 28 ? malloc(len / 3 * 4 + 8) : NULL;
    buf text = BUF_INIT;
    char *result = NULL;
    if (b64) {
        EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)json, (int)len);
        if (buf_printf(&text, "/* Presto View: %s */", b64) == 0)
            result = buf_detach(&text);
    }
    buf_free(&text);
    free(b64);
    free(json);
    return result;
}

static json_t *view_definition(const ddl_context *ctx, const ddl_stmt *stmt, const char *schema,
                               const column_capture *capture)
{
    char owner[128];
    snprintf(owner, sizeof owner, "arn:aws:iam::%s:root",
             ctx->account_id ? ctx->account_id : "000000000000");
    json_t *columns = json_array();
    for (size_t i = 0; columns && i < capture->count; i++) {
        char type[128];
        trino_type(&capture->cols[i], type, sizeof type);
        json_array_append_new(columns, json_pack("{s:s, s:s}", "name", capture->cols[i].name,
                                                 "type", type));
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:s, s:b, s:{}}", "originalSql", stmt->query,
                     "catalog", "awsdatacatalog", "schema", schema, "columns", columns, "owner",
                     owner, "runAsInvoker", 0, "properties");
}

static json_t *storage_descriptor(const column_capture *capture)
{
    json_t *columns = json_array();
    for (size_t i = 0; columns && i < capture->count; i++) {
        char type[128];
        hive_type(&capture->cols[i], type, sizeof type);
        json_array_append_new(columns, json_pack("{s:s, s:s}", "Name", capture->cols[i].name,
                                                 "Type", type));
    }
    return json_pack("{s:o, s:s, s:b, s:i, s:{}, s:[], s:b}", "Columns", columns, "Location", "",
                     "Compressed", 0, "NumberOfBuckets", 0, "SerdeInfo", "SortColumns",
                     "StoredAsSubDirectories", 0);
}

static json_t *glue_view(const ddl_context *ctx, const ddl_stmt *stmt, const char *db,
                         const char *schema, const column_capture *capture, double created,
                         double updated)
{
    json_t *definition = view_definition(ctx, stmt, schema, capture);
    char *original = definition ? presto_view_text(definition) : NULL;
    json_t *sd = storage_descriptor(capture);
    json_t *view = NULL;
    if (original && sd)
        view = json_pack("{s:s, s:s, s:s, s:f, s:f, s:i, s:O, s:[], s:s, s:s, s:s, s:{s:s, s:s}, "
                         "s:b}",
                         "Name", stmt->name, "DatabaseName", db, "Owner", "hadoop",
                         "CreateTime", created, "UpdateTime", updated, "Retention", 0,
                         "StorageDescriptor", sd, "PartitionKeys", "ViewOriginalText", original,
                         "ViewExpandedText", PRESTO_VIEW_COMMENT, "TableType", "VIRTUAL_VIEW",
                         "Parameters", "presto_view", "true", "comment", "Presto View",
                         "IsRegisteredWithLakeFormation", 0);
    if (view && ctx->account_id &&
        json_object_set_new(view, "CatalogId", json_string(ctx->account_id)) != 0) {
        json_decref(view);
        view = NULL;
    }
    json_decref(definition);
    json_decref(sd);
    free(original);
    return view;
}

/* ---- statements ----------------------------------------------------------------------------- */

/* The existing entry may be replaced (or there is none): 0, else -1. */
static int check_replaceable(ddl_context *ctx, const ddl_stmt *stmt, const char *db,
                             const json_t *existing)
{
    if (!existing)
        return 0;
    if (!ddl_is_view(existing))
        return ddl_fail(ctx->err, 1, "Table %s.%s already exists and is not a view", db,
                        stmt->name);
    if (!stmt->or_replace)
        return ddl_fail(ctx->err, 1, "View already exists: 'awsdatacatalog.%s.%s'", db,
                        stmt->name);
    return 0;
}

static int store_view(ddl_context *ctx, const char *db, const char *name, json_t *view,
                      int replace)
{
    store_status status = replace ? store_table_update(ctx->st, db, name, view)
                                  : store_table_create(ctx->st, db, view);
    if (status == STORE_EXISTS)   /* created meanwhile */
        return ddl_fail(ctx->err, 1, "View already exists: 'awsdatacatalog.%s.%s'", db, name);
    if (status == STORE_NOT_FOUND)
        return replace ? ddl_fail(ctx->err, 1, "View '%s.%s' was dropped meanwhile", db, name)
                       : ddl_fail_no_database(ctx, db);
    return status == STORE_OK ? 0 : ddl_store_failure(ctx, "storing the view");
}

int ddl_exec_create_view(ddl_context *ctx, const ddl_stmt *stmt)
{
    char db[DDL_MAX_NAME + 1], schema[DDL_MAX_NAME + 1];
    ddl_target_database(ctx, stmt, db, sizeof db);
    ddl_stmt context = {.kind = stmt->kind};   /* the query's own database */
    ddl_target_database(ctx, &context, schema, sizeof schema);
    if (!ctx->session)
        return ddl_fail(ctx->err, 0, "CREATE VIEW needs the query engine");
    if (!ddl_database_exists(ctx, db))
        return ddl_fail_no_database(ctx, db);
    json_t *existing = store_table_get(ctx->st, db, stmt->name);
    column_capture capture = {NULL, 0, 0, 0};
    int rc = check_replaceable(ctx, stmt, db, existing);
    rc = rc ? rc : query_columns(ctx, stmt, schema, &capture);
    if (rc == 0) {
        double now = ddl_now();
        double created = existing ? json_number_value(json_object_get(existing, "CreateTime"))
                                  : now;
        json_t *view = glue_view(ctx, stmt, db, schema, &capture, created, now);
        rc = view ? store_view(ctx, db, stmt->name, view, existing != NULL)
                  : ddl_fail(ctx->err, 0, "out of memory");
        json_decref(view);
    }
    free(capture.cols);
    json_decref(existing);
    return rc == 0 ? ddl_output_nothing(ctx) : -1;
}

int ddl_exec_drop_view(ddl_context *ctx, const ddl_stmt *stmt)
{
    char db[DDL_MAX_NAME + 1];
    ddl_target_database(ctx, stmt, db, sizeof db);
    json_t *existing = store_table_get(ctx->st, db, stmt->name);
    int is_view = ddl_is_view(existing);
    json_decref(existing);
    if (existing && !is_view)
        return ddl_fail(ctx->err, 1, "%s.%s is a table, not a view; use DROP TABLE", db,
                        stmt->name);
    store_status status = existing ? store_table_delete(ctx->st, db, stmt->name) : STORE_NOT_FOUND;
    if (status == STORE_NOT_FOUND && !stmt->if_exists) {
        if (!ddl_database_exists(ctx, db))
            return ddl_fail_no_database(ctx, db);
        return ddl_fail(ctx->err, 1, "View 'awsdatacatalog.%s.%s' does not exist", db,
                        stmt->name);
    }
    if (status != STORE_OK && status != STORE_NOT_FOUND)
        return ddl_store_failure(ctx, "dropping the view");
    return ddl_output_nothing(ctx);
}

int ddl_exec_show_views(ddl_context *ctx, const ddl_stmt *stmt)
{
    static const char *const columns[] = {"views"};
    char db[DDL_MAX_NAME + 1];
    ddl_target_database(ctx, stmt, db, sizeof db);
    if (!ddl_database_exists(ctx, db))
        return ddl_fail_no_database(ctx, db);
    json_t *tables = store_table_list(ctx->st, db);
    json_t *views = json_array();
    if (!tables || !views) {
        json_decref(tables);
        json_decref(views);
        return ddl_store_failure(ctx, "listing views");
    }
    size_t i;
    json_t *table;
    json_array_foreach(tables, i, table)
        if (ddl_is_view(table))
            json_array_append(views, table);
    int rc = ddl_output_columns(ctx, columns, 1) == 0 &&
                     ddl_output_names(ctx, views, stmt->pattern) == 0
                 ? 0
                 : -1;
    json_decref(tables);
    json_decref(views);
    return rc;
}
