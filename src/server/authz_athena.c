/*
 * authz_athena.c: what each Athena operation needs (authz.h), after the
 * Service Authorization Reference for Amazon Athena: athena:<Op> on
 *   - the workgroup the request names (WorkGroup, default "primary"; Name for
 *     CreateWorkGroup), or for operations on a query (QueryExecutionId) the
 *     workgroup the query ran in;
 *   - the data catalog (arn:...:datacatalog/NAME) for catalog operations;
 *   - "*" for the account-wide listings (ListWorkGroups, ListDataCatalogs,
 *     ListEngineVersions), which have no resource type.
 * BatchGetQueryExecution needs the action on the workgroup of every query
 * it returns.
 */
#include "authz.h"

#include <string.h>
#include <strings.h>

#define ATHENA_NAME_CAP 256

typedef enum athena_target {
    ATHENA_REQUEST_WORKGROUP,   /* WorkGroup member, or "primary" */
    ATHENA_NEW_WORKGROUP,       /* Name member (CreateWorkGroup) */
    ATHENA_QUERY_WORKGROUP,     /* the workgroup of QueryExecutionId */
    ATHENA_QUERIES_WORKGROUPS,  /* the workgroups of QueryExecutionIds */
    ATHENA_CATALOG_BY_NAME,     /* datacatalog/<Name> */
    ATHENA_CATALOG_OF_REQUEST,  /* datacatalog/<CatalogName> */
    ATHENA_ANY,                 /* "*" */
    ATHENA_RESOURCE_ARN         /* ResourceARN member (tagging) */
} athena_target;

typedef struct athena_rule {
    const char *operation;
    athena_target target;
} athena_rule;

static const athena_rule ATHENA_RULES[] = {
    {"GetQueryExecution", ATHENA_QUERY_WORKGROUP},
    {"StopQueryExecution", ATHENA_QUERY_WORKGROUP},
    {"GetQueryResults", ATHENA_QUERY_WORKGROUP},
    {"GetQueryRuntimeStatistics", ATHENA_QUERY_WORKGROUP},
    {"BatchGetQueryExecution", ATHENA_QUERIES_WORKGROUPS},
    {"CreateWorkGroup", ATHENA_NEW_WORKGROUP},
    {"GetDataCatalog", ATHENA_CATALOG_BY_NAME},
    {"CreateDataCatalog", ATHENA_CATALOG_BY_NAME},
    {"UpdateDataCatalog", ATHENA_CATALOG_BY_NAME},
    {"DeleteDataCatalog", ATHENA_CATALOG_BY_NAME},
    {"ListDatabases", ATHENA_CATALOG_OF_REQUEST},
    {"GetDatabase", ATHENA_CATALOG_OF_REQUEST},
    {"ListTableMetadata", ATHENA_CATALOG_OF_REQUEST},
    {"GetTableMetadata", ATHENA_CATALOG_OF_REQUEST},
    {"ListWorkGroups", ATHENA_ANY},
    {"ListDataCatalogs", ATHENA_ANY},
    {"ListEngineVersions", ATHENA_ANY},
    {"TagResource", ATHENA_RESOURCE_ARN},
    {"UntagResource", ATHENA_RESOURCE_ARN},
    {"ListTagsForResource", ATHENA_RESOURCE_ARN},
};

static athena_target target_of(const char *operation)
{
    for (size_t i = 0; i < sizeof ATHENA_RULES / sizeof ATHENA_RULES[0]; i++)
        if (strcmp(ATHENA_RULES[i].operation, operation) == 0)
            return ATHENA_RULES[i].target;
    return ATHENA_REQUEST_WORKGROUP;
}

typedef struct athena_call {
    const authz_scope *scope;
    char action[96];
    authz_workgroup_fn workgroup_of;
    void *workgroup_ctx;
    authz_need_fn fn;
    void *ctx;
} athena_call;

/* Appends text at *at; -1 when it does not fit. (Plain copies: this runs
 * for every GetQueryExecution of a polling client, and printf is slower.) */
static int append(char *out, size_t cap, size_t *at, const char *text)
{
    size_t n = strlen(text);
    if (*at + n >= cap)
        return -1;
    memcpy(out + *at, text, n + 1);
    *at += n;
    return 0;
}

/* athena:<Op> on arn:aws:athena:REGION:ACCOUNT:KIND/NAME. */
static int need_named(athena_call *c, const char *kind, const char *name)
{
    char arn[AUTHZ_ARN_CAP];
    size_t at = 0;
    if (!name || !*name)
        return AUTHZ_NOT_MAPPED;
    const char *parts[] = {"arn:aws:athena:", c->scope->region, ":", c->scope->account, ":",
                           kind, "/", name};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        if (append(arn, sizeof arn, &at, parts[i]) != 0)
            return AUTHZ_NOT_MAPPED;
    authz_need need = {c->action, arn, NULL};
    return c->fn(c->ctx, &need);
}

static int need_raw(athena_call *c, const char *resource)
{
    if (!resource || !*resource)
        return AUTHZ_NOT_MAPPED;
    authz_need need = {c->action, resource, NULL};
    return c->fn(c->ctx, &need);
}

/* The workgroup of one query; a query that does not exist needs nothing
 * here: the operation answers that it was not found. */
static int need_query_workgroup(athena_call *c, const json_t *id)
{
    char workgroup[ATHENA_NAME_CAP];
    if (!json_is_string(id))
        return AUTHZ_NOT_MAPPED;
    if (!c->workgroup_of ||
        c->workgroup_of(c->workgroup_ctx, json_string_value(id), workgroup, sizeof workgroup) != 0)
        return 0;
    return need_named(c, "workgroup", workgroup);
}

static int need_queries_workgroups(athena_call *c, const json_t *ids)
{
    if (!json_is_array(ids))
        return AUTHZ_NOT_MAPPED;
    size_t i;
    const json_t *id;
    json_array_foreach(ids, i, id) {
        int rc = need_query_workgroup(c, id);
        if (rc)
            return rc;
    }
    return 0;
}

static const char *member(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

int authz_athena_needs(const authz_scope *scope, const char *operation, const json_t *in,
                       authz_workgroup_fn workgroup_of, void *workgroup_ctx, authz_need_fn fn,
                       void *ctx)
{
    athena_call c = {scope, "", workgroup_of, workgroup_ctx, fn, ctx};
    size_t at = 0;
    if (append(c.action, sizeof c.action, &at, "athena:") != 0 ||
        append(c.action, sizeof c.action, &at, operation) != 0 || !json_is_object(in))
        return AUTHZ_NOT_MAPPED;
    const json_t *workgroup = json_object_get(in, "WorkGroup");
    switch (target_of(operation)) {
    case ATHENA_REQUEST_WORKGROUP:
        if (workgroup && !json_is_string(workgroup))
            return AUTHZ_NOT_MAPPED;
        return need_named(&c, "workgroup", workgroup ? json_string_value(workgroup) : "primary");
    case ATHENA_NEW_WORKGROUP:
        return need_named(&c, "workgroup", member(in, "Name"));
    case ATHENA_QUERY_WORKGROUP:
        return need_query_workgroup(&c, json_object_get(in, "QueryExecutionId"));
    case ATHENA_QUERIES_WORKGROUPS:
        return need_queries_workgroups(&c, json_object_get(in, "QueryExecutionIds"));
    case ATHENA_CATALOG_BY_NAME:
        return need_named(&c, "datacatalog", member(in, "Name"));
    case ATHENA_CATALOG_OF_REQUEST:
        return need_named(&c, "datacatalog", member(in, "CatalogName"));
    case ATHENA_ANY:
        return need_raw(&c, "*");
    case ATHENA_RESOURCE_ARN:
        return need_raw(&c, member(in, "ResourceARN"));
    }
    return AUTHZ_NOT_MAPPED;
}

/* ---- what Athena's metadata operations read from Glue ---- */

typedef struct glue_dependency {
    const char *operation;       /* Athena's */
    const char *glue_operation;
} glue_dependency;

static const glue_dependency GLUE_DEPENDENCIES[] = {
    {"ListDatabases", "GetDatabases"},
    {"GetDatabase", "GetDatabase"},
    {"ListTableMetadata", "GetTables"},
    {"GetTableMetadata", "GetTable"},
};

int authz_athena_glue_needs(const authz_scope *scope, const char *operation, const json_t *in,
                            authz_need_fn fn, void *ctx)
{
    const char *glue_op = NULL;
    for (size_t i = 0; i < sizeof GLUE_DEPENDENCIES / sizeof *GLUE_DEPENDENCIES; i++)
        if (strcmp(GLUE_DEPENDENCIES[i].operation, operation) == 0)
            glue_op = GLUE_DEPENDENCIES[i].glue_operation;
    const char *catalog = member(in, "CatalogName");
    if (!glue_op || !catalog || strcasecmp(catalog, "AwsDataCatalog") != 0)
        return 0; /* another catalog is not found by the operation itself */
    const char *db = member(in, "DatabaseName");
    const char *table = member(in, "TableName");
    json_t *request = NULL;
    if (strcmp(glue_op, "GetDatabases") == 0)
        request = json_object();
    else if (strcmp(glue_op, "GetDatabase") == 0)
        request = db ? json_pack("{s:s}", "Name", db) : NULL;
    else if (strcmp(glue_op, "GetTables") == 0)
        request = db ? json_pack("{s:s}", "DatabaseName", db) : NULL;
    else
        request = db && table ? json_pack("{s:s,s:s}", "DatabaseName", db, "Name", table) : NULL;
    if (!request)
        return AUTHZ_NOT_MAPPED;
    int rc = authz_glue_needs(scope, glue_op, request, fn, ctx);
    json_decref(request);
    return rc;
}
