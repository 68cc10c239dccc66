/*
 * authz_glue.c: what each Glue operation needs (authz.h). Glue checks its
 * action on every level of the path to what is touched, all of which must
 * be allowed: the catalog (arn:aws:glue:REGION:ACCOUNT:catalog), the
 * database (database/DB) and the table (table/DB/T). Listing operations
 * need the wildcard below the parent (GetTables: table/DB/ and "*"). Names
 * are lower-case in ARNs, as Glue stores them; a CatalogId in the request
 * names the account.
 */
#include "authz.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef enum glue_scope {
    GLUE_CATALOG,          /* the catalog only */
    GLUE_DATABASE,         /* catalog + database/DB */
    GLUE_ALL_DATABASES,    /* catalog + database/ * */
    GLUE_DATABASE_TREE,    /* catalog + database/DB + table/DB/ * (DeleteDatabase) */
    GLUE_TABLE,            /* catalog + database/DB + table/DB/T */
    GLUE_ALL_TABLES,       /* catalog + database/DB + table/DB/ * */
    GLUE_TABLE_LIST        /* catalog + database/DB + each table/DB/T (BatchDeleteTable) */
} glue_scope;

typedef struct glue_rule {
    const char *operation;
    glue_scope scope;
} glue_rule;

static const glue_rule GLUE_RULES[] = {
    {"CreateDatabase", GLUE_DATABASE},
    {"GetDatabase", GLUE_DATABASE},
    {"UpdateDatabase", GLUE_DATABASE},
    {"DeleteDatabase", GLUE_DATABASE_TREE},
    {"GetDatabases", GLUE_ALL_DATABASES},
    {"CreateTable", GLUE_TABLE},
    {"GetTable", GLUE_TABLE},
    {"UpdateTable", GLUE_TABLE},
    {"DeleteTable", GLUE_TABLE},
    {"GetTables", GLUE_ALL_TABLES},
    {"BatchDeleteTable", GLUE_TABLE_LIST},
    {"CreatePartition", GLUE_TABLE},
    {"BatchCreatePartition", GLUE_TABLE},
    {"GetPartition", GLUE_TABLE},
    {"GetPartitions", GLUE_TABLE},
    {"BatchGetPartition", GLUE_TABLE},
    {"DeletePartition", GLUE_TABLE},
    {"BatchDeletePartition", GLUE_TABLE},
    {"UpdatePartition", GLUE_TABLE},
};

static glue_scope scope_of(const char *operation)
{
    for (size_t i = 0; i < sizeof GLUE_RULES / sizeof GLUE_RULES[0]; i++)
        if (strcmp(GLUE_RULES[i].operation, operation) == 0)
            return GLUE_RULES[i].scope;
    return GLUE_CATALOG;
}

static const char *member(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* The database an operation addresses. */
static const char *database_of(const char *operation, const json_t *in)
{
    if (strcmp(operation, "CreateDatabase") == 0)
        return member(json_object_get(in, "DatabaseInput"), "Name");
    if (strcmp(operation, "GetDatabase") == 0 || strcmp(operation, "UpdateDatabase") == 0 ||
        strcmp(operation, "DeleteDatabase") == 0)
        return member(in, "Name");
    return member(in, "DatabaseName");
}

/* The table an operation addresses. */
static const char *table_of(const char *operation, const json_t *in)
{
    if (strcmp(operation, "CreateTable") == 0 || strcmp(operation, "UpdateTable") == 0)
        return member(json_object_get(in, "TableInput"), "Name");
    if (strcmp(operation, "GetTable") == 0 || strcmp(operation, "DeleteTable") == 0)
        return member(in, "Name");
    return member(in, "TableName");
}

/* Appends text lower-cased at *at; -1 when it does not fit. */
static int put_lower(char *out, size_t cap, size_t *at, const char *text)
{
    for (; *text; text++) {
        if (*at + 1 >= cap)
            return -1;
        out[(*at)++] = (char)tolower((unsigned char)*text);
    }
    out[*at] = '\0';
    return 0;
}

/* arn:aws:glue:REGION:ACCOUNT:KIND[/db[/table]] with lower-case names. */
static int glue_arn(char *out, size_t cap, const authz_scope *scope, const char *account,
                    const char *kind, const char *db, const char *table)
{
    int n = snprintf(out, cap, "arn:aws:glue:%s:%s:%s", scope->region, account, kind);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    size_t at = (size_t)n;
    if (db && (put_lower(out, cap, &at, "/") || put_lower(out, cap, &at, db)))
        return -1;
    if (table && (put_lower(out, cap, &at, "/") || put_lower(out, cap, &at, table)))
        return -1;
    return 0;
}

typedef struct glue_call {
    const authz_scope *scope;
    const char *account;
    char action[96];
    authz_need_fn fn;
    void *ctx;
} glue_call;

/* Reports glue:<op> on one ARN; the callback's value, or AUTHZ_NOT_MAPPED. */
static int need(glue_call *c, const char *kind, const char *db, const char *table)
{
    char arn[AUTHZ_ARN_CAP];
    if (glue_arn(arn, sizeof arn, c->scope, c->account, kind, db, table) != 0)
        return AUTHZ_NOT_MAPPED;
    authz_need n = {c->action, arn, NULL};
    return c->fn(c->ctx, &n);
}

static int need_listed_tables(glue_call *c, const char *db, const json_t *in)
{
    const json_t *names = json_object_get(in, "TablesToDelete");
    if (!json_is_array(names))
        return AUTHZ_NOT_MAPPED;
    size_t i;
    const json_t *name;
    json_array_foreach(names, i, name) {
        if (!json_is_string(name))
            return AUTHZ_NOT_MAPPED;
        int rc = need(c, "table", db, json_string_value(name));
        if (rc)
            return rc;
    }
    return 0;
}

/* The needs below the catalog. */
static int need_below_catalog(glue_call *c, glue_scope scope, const char *operation,
                              const json_t *in)
{
    if (scope == GLUE_ALL_DATABASES)
        return need(c, "database", "*", NULL);
    const char *db = database_of(operation, in);
    if (!db || !*db)
        return AUTHZ_NOT_MAPPED;
    int rc = need(c, "database", db, NULL);
    if (rc)
        return rc;
    switch (scope) {
    case GLUE_DATABASE_TREE:
    case GLUE_ALL_TABLES:
        return need(c, "table", db, "*");
    case GLUE_TABLE_LIST:
        return need_listed_tables(c, db, in);
    case GLUE_TABLE: {
        const char *table = table_of(operation, in);
        return table && *table ? need(c, "table", db, table) : AUTHZ_NOT_MAPPED;
    }
    default:
        return 0;
    }
}

int authz_glue_needs(const authz_scope *scope, const char *operation, const json_t *in,
                     authz_need_fn fn, void *ctx)
{
    glue_call c = {scope, scope->account, "", fn, ctx};
    const char *catalog_id = member(in, "CatalogId");
    if (catalog_id && *catalog_id)
        c.account = catalog_id;
    int n = snprintf(c.action, sizeof c.action, "glue:%s", operation);
    if (n < 0 || (size_t)n >= sizeof c.action || !json_is_object(in))
        return AUTHZ_NOT_MAPPED;
    glue_scope gs = scope_of(operation);
    int rc = need(&c, "catalog", NULL, NULL);
    if (rc || gs == GLUE_CATALOG)
        return rc;
    return need_below_catalog(&c, gs, operation, in);
}
