/*
 * policy_template.c: the connector's IAM needs as requests, and the
 * least-privilege policy built from them (see policy_template.h).
 *
 * ARNs: Athena authorizes query calls on the workgroup
 * (arn:P:athena:R:A:workgroup/W); Glue a table read on the catalog, the
 * database and the table together; S3 ListBucket on the bucket (with the
 * listed prefix as the s3:prefix condition key) and object calls on
 * bucket/key. A resource we cannot know offline (any object under a
 * prefix, any table) is the literal '*', which only a wildcard in the
 * policy matches: the check then asks for exactly what the generated
 * policy grants.
 */
#include "policy_template.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const policy_capability capabilities[CAP_COUNT] = {
    [CAP_RUN_QUERIES] = {"run queries in the workgroup", 1,
                         "athena:StartQueryExecution, GetQueryExecution, StopQueryExecution"},
    [CAP_READ_RESULTS] = {"read results via GetQueryResults", 1, "athena:GetQueryResults"},
    [CAP_FAST_RESULTS] = {"fetch results fast via S3", 0,
                          "optional: without it results are paged through GetQueryResults"},
    [CAP_WRITE_RESULTS] = {"write results to the output location", 1,
                           "Athena writes each query's results with the caller's permissions"},
    [CAP_LIST_TABLES] = {"list tables (glue:GetTables)", 0,
                         "optional: without it `athena tables` lists the profile's athena_tables"},
    [CAP_TABLE_METADATA] = {"read table metadata", 1, "glue:GetDatabase and glue:GetTable"},
    [CAP_PARTITIONS] = {"read partitions", 1, "glue:GetPartitions"},
    [CAP_DATA_FILES] = {"read data files", 1, "s3:ListBucket and s3:GetObject on the data"},
};

const policy_capability *policy_capability_info(policy_capability_id id)
{
    return (unsigned)id < CAP_COUNT ? &capabilities[id] : NULL;
}

const char *policy_partition(const char *region)
{
    if (strncmp(region, "cn-", 3) == 0)
        return "aws-cn";
    if (strncmp(region, "us-gov-", 7) == 0)
        return "aws-us-gov";
    return "aws";
}

/* ---- scope ---- */

static int is_account_id(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isdigit((unsigned char)s[n]))
            return 0;
    return n == 12;
}

/* "s3://bucket/prefix" split into bucket and folder prefix ("" or ending in '/'). */
static int split_s3_uri(const char *uri, char *bucket, size_t bcap, char *prefix, size_t pcap)
{
    if (!uri || strncmp(uri, "s3://", 5) != 0)
        return -1;
    const char *b = uri + 5;
    size_t blen = strcspn(b, "/");
    if (blen == 0 || blen >= bcap)
        return -1;
    snprintf(bucket, bcap, "%.*s", (int)blen, b);
    const char *p = b[blen] ? b + blen + 1 : "";
    size_t plen = strlen(p);
    if (plen + 2 > pcap)
        return -1;
    snprintf(prefix, pcap, "%s%s", p, plen && p[plen - 1] != '/' ? "/" : "");
    return 0;
}

/* The data prefix as a folder: no leading '/', a trailing '/' unless empty. */
static void data_folder(const policy_scope *s, char *out, size_t cap)
{
    const char *p = s->data_prefix ? s->data_prefix : "";
    while (*p == '/')
        p++;
    size_t n = strlen(p);
    snprintf(out, cap, "%s%s", p, n && p[n - 1] != '/' ? "/" : "");
}

int policy_scope_validate(const policy_scope *s, char *message, size_t cap)
{
    const char *missing = !s->workgroup     ? "--workgroup"
                          : !s->data_bucket ? "--data-bucket"
                          : !s->region      ? "--region"
                          : !s->account     ? "--account"
                                            : NULL;
    if (missing) {
        snprintf(message, cap, "%s is required", missing);
        return -1;
    }
    if (!is_account_id(s->account)) {
        snprintf(message, cap, "--account must be a 12-digit AWS account id, not '%s'",
                 s->account);
        return -1;
    }
    if (strchr(s->data_bucket, '/') || strncmp(s->data_bucket, "s3:", 3) == 0) {
        snprintf(message, cap, "--data-bucket takes a bucket name (the prefix goes in "
                               "--data-prefix), not '%s'", s->data_bucket);
        return -1;
    }
    char bucket[256], prefix[1024];
    if (!s->managed_results && !s->results_uri) {
        snprintf(message, cap, "pass --results s3://BUCKET/PREFIX/ (where query results are "
                               "written) or --managed-results");
        return -1;
    }
    if (s->results_uri &&
        split_s3_uri(s->results_uri, bucket, sizeof bucket, prefix, sizeof prefix) != 0) {
        snprintf(message, cap, "--results must be an s3://BUCKET/PREFIX/ URI, not '%s'",
                 s->results_uri);
        return -1;
    }
    return 0;
}

int policy_scope_set_tables(policy_scope *s, char *text)
{
    s->table_count = 0;
    for (char *save = NULL, *t = strtok_r(text, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        if (s->table_count >= POLICY_MAX_TABLES)
            return -1;
        s->tables[s->table_count++] = t;
    }
    return 0;
}

/* ---- requests ---- */

typedef struct request_list {
    policy_request *items;
    size_t count, cap;
} request_list;

__attribute__((format(printf, 4, 5)))
static void add(request_list *l, const char *action, const char *prefix, const char *fmt, ...)
{
    if (l->count >= l->cap)
        return;
    policy_request *r = &l->items[l->count++];
    r->action = action;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->resource, sizeof r->resource, fmt, ap);
    va_end(ap);
    snprintf(r->prefix, sizeof r->prefix, "%s", prefix ? prefix : "");
}

static void workgroup_requests(const policy_scope *s, request_list *l, const char *const *actions)
{
    for (; *actions; actions++)
        add(l, *actions, NULL, "arn:%s:athena:%s:%s:workgroup/%s", policy_partition(s->region),
            s->region, s->account, s->workgroup);
}

/* action on the catalog, the database and each table (or any table). */
static void glue_requests(const policy_scope *s, request_list *l, const char *action,
                          int with_tables)
{
    const char *part = policy_partition(s->region), *db = s->database ? s->database : "*";
    add(l, action, NULL, "arn:%s:glue:%s:%s:catalog", part, s->region, s->account);
    add(l, action, NULL, "arn:%s:glue:%s:%s:database/%s", part, s->region, s->account, db);
    if (!with_tables)
        return;
    /* GetTables is authorized on every table of the database. */
    if (s->table_count == 0 || strcmp(action, "glue:GetTables") == 0) {
        add(l, action, NULL, "arn:%s:glue:%s:%s:table/%s/*", part, s->region, s->account, db);
        return;
    }
    for (size_t i = 0; i < s->table_count; i++)
        add(l, action, NULL, "arn:%s:glue:%s:%s:table/%s/%s", part, s->region, s->account, db,
            s->tables[i]);
}

static void results_requests(const policy_scope *s, request_list *l, int write)
{
    char bucket[256], prefix[1024];
    if (s->managed_results ||
        split_s3_uri(s->results_uri, bucket, sizeof bucket, prefix, sizeof prefix) != 0)
        return;
    const char *part = policy_partition(s->region);
    add(l, "s3:GetObject", NULL, "arn:%s:s3:::%s/%s*", part, bucket, prefix);
    if (!write)
        return;
    add(l, "s3:PutObject", NULL, "arn:%s:s3:::%s/%s*", part, bucket, prefix);
    add(l, "s3:AbortMultipartUpload", NULL, "arn:%s:s3:::%s/%s*", part, bucket, prefix);
    add(l, "s3:ListBucket", prefix, "arn:%s:s3:::%s", part, bucket);
    add(l, "s3:GetBucketLocation", NULL, "arn:%s:s3:::%s", part, bucket);
}

size_t policy_capability_requests(const policy_scope *s, policy_capability_id id,
                                  policy_request *out, size_t cap)
{
    static const char *const run[] = {"athena:StartQueryExecution", "athena:GetQueryExecution",
                                      "athena:StopQueryExecution", NULL};
    static const char *const read[] = {"athena:GetQueryResults", NULL};
    request_list l = {out, 0, cap};
    char folder[1024];
    switch (id) {
    case CAP_RUN_QUERIES: workgroup_requests(s, &l, run); break;
    case CAP_READ_RESULTS: workgroup_requests(s, &l, read); break;
    case CAP_FAST_RESULTS: results_requests(s, &l, 0); break;
    case CAP_WRITE_RESULTS: results_requests(s, &l, 1); break;
    case CAP_LIST_TABLES: glue_requests(s, &l, "glue:GetTables", 1); break;
    case CAP_TABLE_METADATA:
        glue_requests(s, &l, "glue:GetDatabase", 0);
        glue_requests(s, &l, "glue:GetTable", 1);
        break;
    case CAP_PARTITIONS: glue_requests(s, &l, "glue:GetPartitions", 1); break;
    case CAP_DATA_FILES:
        data_folder(s, folder, sizeof folder);
        add(&l, "s3:ListBucket", folder, "arn:%s:s3:::%s", policy_partition(s->region),
            s->data_bucket);
        add(&l, "s3:GetObject", NULL, "arn:%s:s3:::%s/%s*", policy_partition(s->region),
            s->data_bucket, folder);
        break;
    case CAP_COUNT: break;
    }
    return l.count;
}

iam_decision policy_evaluate_request(const iam_policy *policy, const policy_request *req,
                                     char *matched_sid, size_t sid_cap)
{
    iam_context_value context[1] = {{"s3:prefix", req->prefix}};
    iam_request r = {req->action, req->resource, NULL, NULL, context, req->prefix[0] ? 1 : 0};
    const iam_policy *policies[1] = {policy};
    return iam_evaluate(policies, 1, &r, matched_sid, sid_cap);
}

/* ---- generate ---- */

/* The statement a request belongs to: Sids say what each one is for. */
static const char *statement_sid(policy_capability_id id, const char *action)
{
    switch (id) {
    case CAP_RUN_QUERIES:
    case CAP_READ_RESULTS: return "AthenaRunQueriesInWorkgroup";
    case CAP_TABLE_METADATA:
    case CAP_PARTITIONS: return "GlueReadTableMetadataAndPartitions";
    case CAP_DATA_FILES:
        return strcmp(action, "s3:ListBucket") == 0 ? "S3ListDataBucket" : "S3ReadDataFiles";
    case CAP_WRITE_RESULTS:
        if (strcmp(action, "s3:ListBucket") == 0)
            return "S3ListQueryResultsLocation";
        if (strcmp(action, "s3:GetBucketLocation") == 0)
            return "S3QueryResultsBucketLocation";
        return "S3WriteAndReadQueryResults";
    /* Only for check's suggestions: generate leaves these two out. */
    case CAP_FAST_RESULTS: return "S3ReadQueryResultFiles";
    case CAP_LIST_TABLES: return "GlueListTables";
    case CAP_COUNT: break;
    }
    return "Connector";
}

static json_t *find_statement(json_t *statements, const char *sid)
{
    size_t i;
    json_t *st;
    json_array_foreach(statements, i, st)
        if (strcmp(json_string_value(json_object_get(st, "Sid")), sid) == 0)
            return st;
    st = json_pack("{s:s,s:s,s:[],s:[]}", "Sid", sid, "Effect", "Allow", "Action", "Resource");
    if (st && json_array_append_new(statements, st) != 0)
        return NULL;
    return st;
}

/* Appends value to the array unless it is there already. */
static int add_unique(json_t *array, const char *value)
{
    size_t i;
    json_t *v;
    json_array_foreach(array, i, v)
        if (strcmp(json_string_value(v), value) == 0)
            return 0;
    return json_array_append_new(array, json_string(value));
}

/* ListBucket only for keys under the prefix: the folder itself and below. */
static int add_prefix_condition(json_t *st, const char *prefix)
{
    if (!prefix[0] || json_object_get(st, "Condition"))
        return 0;
    char below[POLICY_ARN_MAX + 2];
    snprintf(below, sizeof below, "%s*", prefix);
    json_t *cond = json_pack("{s:{s:[s,s]}}", "StringLike", "s3:prefix", prefix, below);
    return !cond || json_object_set_new(st, "Condition", cond) != 0;
}

int policy_add_to_statements(json_t *statements, policy_capability_id id,
                              const policy_request *r)
{
    const char *sid = statement_sid(id, r->action);
    json_t *st = find_statement(statements, sid);
    if (!st)
        return -1;
    if (add_unique(json_object_get(st, "Action"), r->action) != 0 ||
        add_unique(json_object_get(st, "Resource"), r->resource) != 0)
        return -1;
    return add_prefix_condition(st, r->prefix);
}

json_t *policy_generate(const policy_scope *scope)
{
    /* Fast results need only GetObject, which writing results grants too. */
    static const policy_capability_id granted[] = {CAP_RUN_QUERIES, CAP_READ_RESULTS,
                                                   CAP_TABLE_METADATA, CAP_PARTITIONS,
                                                   CAP_DATA_FILES, CAP_WRITE_RESULTS};
    json_t *statements = json_array();
    json_t *policy = json_pack("{s:s,s:o}", "Version", "2012-10-17", "Statement", statements);
    policy_request *requests = malloc(POLICY_MAX_REQUESTS * sizeof *requests);
    int bad = !policy || !requests;
    for (size_t g = 0; !bad && g < sizeof granted / sizeof granted[0]; g++) {
        size_t n = policy_capability_requests(scope, granted[g], requests, POLICY_MAX_REQUESTS);
        for (size_t i = 0; !bad && i < n; i++)
            bad = policy_add_to_statements(statements, granted[g], &requests[i]) != 0;
    }
    free(requests);
    if (bad) {
        json_decref(policy);
        return NULL;
    }
    return policy;
}
