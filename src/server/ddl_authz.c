/*
 * ddl_authz.c: what a catalog statement needs from its caller (authz.h),
 * as Athena asks Glue and S3 on the caller's behalf. Statements read and
 * write the catalog directly, not through the engine's checked table
 * lookup, so each is checked here, after parsing and before it reads or
 * changes anything (ddl.c calls ddl_authorize between parse and exec):
 *
 *   CREATE DATABASE        glue:CreateDatabase
 *   DROP DATABASE          glue:GetDatabase, glue:DeleteDatabase (+ GetTables: CASCADE)
 *   SHOW DATABASES         glue:GetDatabases
 *   CREATE EXTERNAL TABLE  glue:GetDatabase, glue:CreateTable
 *   CREATE TABLE AS        glue:GetDatabase, glue:CreateTable (+ BatchCreatePartition
 *                          when partitioned); s3:PutObject on its location (ddl_ctas.c)
 *   DROP TABLE / VIEW      glue:GetTable, glue:DeleteTable
 *   SHOW TABLES / VIEWS    glue:GetTables
 *   DESCRIBE, SHOW COLUMNS, SHOW CREATE TABLE/VIEW, SHOW TBLPROPERTIES  glue:GetTable
 *   SHOW PARTITIONS        glue:GetTable, glue:GetPartitions
 *   CREATE [OR REPLACE] VIEW  glue:GetDatabase, glue:CreateTable (UpdateTable when it
 *                          replaces a view)
 *   ALTER TABLE ADD / DROP PARTITION  glue:GetTable, glue:BatchCreatePartition /
 *                          glue:BatchDeletePartition
 *   MSCK REPAIR TABLE      glue:GetTable, glue:GetPartitions, glue:BatchCreatePartition,
 *                          s3:ListBucket on the table's location
 *   INSERT INTO            glue:GetTable (+ BatchCreatePartition when partitioned),
 *                          s3:PutObject on the table's location
 *   UNLOAD                 s3:PutObject on the TO location
 *
 * The query part of CTAS, INSERT INTO, UNLOAD and CREATE VIEW reads its
 * tables through the query's lookup, which checks them as a SELECT's.
 */
#include "authz.h"
#include "ddl_internal.h"

#include <string.h>

/* The query's access, or NULL when nothing is checked. */
static authz_query_access *access_of(const ddl_context *ctx)
{
    return ctx->query ? ctx->query->access : NULL;
}

/* Athena's reason as the statement's error. */
static int denied(ddl_context *ctx, const authz_query_access *a)
{
    ctx->err->denied = 1;
    return ddl_fail(ctx->err, 1, "%s", a->reason);
}

static int glue(ddl_context *ctx, const char *operation, const char *db, const char *table)
{
    authz_query_access *a = access_of(ctx);
    return authz_query_glue(a, operation, db, table) == 0 ? 0 : denied(ctx, a);
}

/* The Glue operations of stmt, in order; NULL-terminated. table is the
 * statement's own table (NULL: the database or the catalog). */
typedef struct glue_ops {
    const char *ops[4];
    int on_table;       /* 1: on db/name; 0: on the database; -1: on the catalog */
} glue_ops;

/* Operations on the database even in a statement on a table. */
static int on_database(const char *operation)
{
    return strcmp(operation, "GetDatabase") == 0 || strcmp(operation, "UpdateDatabase") == 0;
}

static int glue_all(ddl_context *ctx, const glue_ops *g, const char *db, const char *name)
{
    for (size_t i = 0; i < sizeof g->ops / sizeof g->ops[0] && g->ops[i]; i++) {
        const char *op = g->ops[i];
        const char *table = g->on_table > 0 && !on_database(op) ? name : NULL;
        if (glue(ctx, op, g->on_table < 0 ? NULL : db, table) != 0)
            return -1;
    }
    return 0;
}

/* The statements whose needs follow from their kind alone. */
static int simple_ops(ddl_stmt_kind kind, glue_ops *g)
{
    static const struct {
        ddl_stmt_kind kind;
        glue_ops ops;
    } TABLE[] = {
        {DDL_K_SHOW_DATABASES, {{"GetDatabases"}, -1}},
        {DDL_K_ALTER_DATABASE, {{"GetDatabase", "UpdateDatabase"}, 0}},
        {DDL_K_CREATE_TABLE, {{"GetDatabase", "CreateTable"}, 1}},
        {DDL_K_DROP_TABLE, {{"GetTable", "DeleteTable"}, 1}},
        {DDL_K_DROP_VIEW, {{"GetTable", "DeleteTable"}, 1}},
        {DDL_K_SHOW_TABLES, {{"GetTables"}, 0}},
        {DDL_K_SHOW_VIEWS, {{"GetTables"}, 0}},
        {DDL_K_DESCRIBE_TABLE, {{"GetTable"}, 1}},
        {DDL_K_SHOW_COLUMNS, {{"GetTable"}, 1}},
        {DDL_K_SHOW_CREATE_TABLE, {{"GetTable"}, 1}},
        {DDL_K_SHOW_CREATE_VIEW, {{"GetTable"}, 1}},
        {DDL_K_SHOW_TBLPROPERTIES, {{"GetTable"}, 1}},
        {DDL_K_SHOW_PARTITIONS, {{"GetTable", "GetPartitions"}, 1}},
        {DDL_K_ALTER_TABLE_ADD_PARTITION, {{"GetTable", "BatchCreatePartition"}, 1}},
        {DDL_K_ALTER_TABLE_DROP_PARTITION, {{"GetTable", "BatchDeletePartition"}, 1}},
        {DDL_K_ALTER_TABLE_RENAME_PARTITION, {{"GetTable", "UpdatePartition"}, 1}},
        {DDL_K_ALTER_TABLE_ADD_COLUMNS, {{"GetTable", "UpdateTable"}, 1}},
        {DDL_K_ALTER_TABLE_REPLACE_COLUMNS, {{"GetTable", "UpdateTable"}, 1}},
        {DDL_K_ALTER_TABLE_SET_LOCATION, {{"GetTable", "UpdateTable"}, 1}},
        {DDL_K_ALTER_TABLE_SET_TBLPROPERTIES, {{"GetTable", "UpdateTable"}, 1}},
    };
    for (size_t i = 0; i < sizeof TABLE / sizeof TABLE[0]; i++)
        if (TABLE[i].kind == kind) {
            *g = TABLE[i].ops;
            return 1;
        }
    return 0;
}

static const char *table_location(const json_t *table)
{
    return json_string_value(json_object_get(json_object_get(table, "StorageDescriptor"),
                                             "Location"));
}

static int is_partitioned(const json_t *table)
{
    return json_array_size(json_object_get(table, "PartitionKeys")) > 0;
}

/* The statements whose needs depend on the catalog or their properties.
 * A missing table needs only glue:GetTable here: exec reports it. */
static int database_statement(ddl_context *ctx, const ddl_stmt *stmt)
{
    if (stmt->kind == DDL_K_CREATE_DATABASE)
        return glue(ctx, "CreateDatabase", stmt->name, NULL);
    if (glue(ctx, "GetDatabase", stmt->name, NULL) != 0 ||
        glue(ctx, "DeleteDatabase", stmt->name, NULL) != 0)
        return -1;
    return stmt->cascade ? glue(ctx, "GetTables", stmt->name, NULL) : 0;
}

static int create_view(ddl_context *ctx, const ddl_stmt *stmt, const char *db)
{
    json_t *existing = stmt->or_replace ? store_table_get(ctx->st, db, stmt->name) : NULL;
    int replaces = existing != NULL;
    json_decref(existing);
    if (glue(ctx, "GetDatabase", db, NULL) != 0)
        return -1;
    return glue(ctx, replaces ? "UpdateTable" : "CreateTable", db, stmt->name);
}

static int ctas(ddl_context *ctx, const ddl_stmt *stmt, const char *db)
{
    const json_t *partitioned_by = json_object_get(stmt->write_properties, "partitioned_by");
    if (glue(ctx, "GetDatabase", db, NULL) != 0 || glue(ctx, "CreateTable", db, stmt->name) != 0)
        return -1;
    return json_array_size(partitioned_by) > 0
               ? glue(ctx, "BatchCreatePartition", db, stmt->name)
               : 0;
}

/* INSERT INTO and MSCK REPAIR TABLE: the table's own data. */
static int table_data(ddl_context *ctx, const ddl_stmt *stmt, const char *db)
{
    if (glue(ctx, "GetTable", db, stmt->name) != 0)
        return -1;
    json_t *table = store_table_get(ctx->st, db, stmt->name);
    int rc = 0;
    if (stmt->kind == DDL_K_MSCK_REPAIR_TABLE) {
        rc = glue(ctx, "GetPartitions", db, stmt->name) != 0 ||
                     glue(ctx, "BatchCreatePartition", db, stmt->name) != 0
                 ? -1
                 : 0;
        if (rc == 0 && table && authz_query_list(access_of(ctx), table_location(table)) != 0)
            rc = denied(ctx, access_of(ctx));
    } else if (table && !ddl_is_view(table)) {
        if (is_partitioned(table))
            rc = glue(ctx, "BatchCreatePartition", db, stmt->name);
        if (rc == 0)
            rc = ddl_authorize_write(ctx, table_location(table));
    }
    json_decref(table);
    return rc;
}

int ddl_authorize(ddl_context *ctx, const ddl_stmt *stmt)
{
    authz_query_access *a = access_of(ctx);
    if (!a || a->is_root)
        return 0;
    char db[DDL_MAX_NAME + 1];
    ddl_target_database(ctx, stmt, db, sizeof db);
    glue_ops g;
    if (simple_ops(stmt->kind, &g))
        return glue_all(ctx, &g, db, stmt->name);
    switch (stmt->kind) {
    case DDL_K_CREATE_DATABASE:
    case DDL_K_DROP_DATABASE:
        return database_statement(ctx, stmt);
    case DDL_K_CREATE_VIEW:
        return create_view(ctx, stmt, db);
    case DDL_K_CREATE_TABLE_AS_SELECT:
        return ctas(ctx, stmt, db);
    case DDL_K_INSERT_INTO:
    case DDL_K_MSCK_REPAIR_TABLE:
        return table_data(ctx, stmt, db);
    case DDL_K_UNLOAD:
        return ddl_authorize_write(ctx, stmt->location);
    default:
        /* A statement not mapped here is refused rather than run unchecked. */
        return ddl_fail(ctx->err, 1, "NOT_SUPPORTED: athena-local cannot check the "
                        "permissions of this statement");
    }
}

int ddl_authorize_write(ddl_context *ctx, const char *location)
{
    authz_query_access *a = access_of(ctx);
    if (!a)
        return 0;
    return authz_query_write(a, location) == 0 ? 0 : denied(ctx, a);
}

json_t *ddl_view_lookup(void *context, const char *database, const char *table)
{
    ddl_context *ctx = context;
    authz_query_access *a = access_of(ctx);
    if (a && authz_query_table(a, database, table) != 0)
        return NULL;
    return ddl_catalog_lookup(ctx->st, database, table);
}

int ddl_refused_by_lookup(ddl_context *ctx)
{
    authz_query_access *a = access_of(ctx);
    return a && a->denied ? denied(ctx, a) : 0;
}
