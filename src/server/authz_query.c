/*
 * authz_query.c: what a running query needs from its caller (authz.h), as
 * real Athena checks it on the caller's behalf (a forward access session:
 * aws:CalledVia athena.amazonaws.com, no aws:SourceIp):
 *   - for each table it reads: glue:GetDatabase and glue:GetTable (and
 *     glue:GetPartitions when partitioned), then s3:ListBucket (s3:prefix
 *     the location's prefix) and s3:GetObject on the objects under its
 *     location and under each partition's own location;
 *   - s3:PutObject on its result object, unless its workgroup manages query
 *     results (such a query has no OutputLocation).
 * The first refusal becomes the query's StateChangeReason, worded as
 * Athena's.
 */
#include "authz.h"

#include "objects.h"

#include <stdio.h>
#include <string.h>

#define GLUE_REASON "Insufficient permissions to execute the query. "

void authz_query_begin(authz_query_access *a, server *s, const srv_caller *caller)
{
    memset(a, 0, sizeof *a);
    a->is_root = caller->kind == SRV_PRINCIPAL_ROOT;   /* a caller of no kind is refused */
    if (a->is_root)
        return;
    if (caller->kind == SRV_PRINCIPAL_NONE) {
        a->denied = 1;
        snprintf(a->reason, sizeof a->reason, "athena-local could not identify the caller.");
        a->subject.caller = caller;   /* authz_query_end releases nothing */
    } else if (authz_subject_begin(&a->subject, s, caller, NULL) != 0) {
        a->denied = 1;
        snprintf(a->reason, sizeof a->reason,
                 "athena-local could not read the policies of %s.", caller->arn);
    }
}

void authz_query_end(authz_query_access *a)
{
    if (!a->is_root)
        authz_subject_end(&a->subject);
}

/* Records the subject's refusal as the reason, after prefix. */
static int refuse(authz_query_access *a, const char *prefix)
{
    size_t n = strlen(prefix) < sizeof a->reason / 2 ? strlen(prefix) : 0;
    memcpy(a->reason, prefix, n);
    authz_subject_denial(&a->subject, a->reason + n, sizeof a->reason - n);
    a->denied = 1;
    return -1;
}

/* glue:<operation> for a request shaped like Glue's. */
static int glue_need(authz_query_access *a, const char *operation, json_t *in)
{
    authz_scope scope = {a->subject.region, a->subject.account};
    int rc = in ? authz_glue_needs(&scope, operation, in, authz_subject_need, &a->subject)
                : AUTHZ_NOT_MAPPED;
    json_decref(in);
    if (rc == 0)
        return 0;
    if (rc == AUTHZ_NOT_MAPPED) {
        snprintf(a->reason, sizeof a->reason, GLUE_REASON "The table name is too long.");
        a->denied = 1;
        return -1;
    }
    return refuse(a, GLUE_REASON);
}

/* A Glue request naming database (and table) in every member spelling the
 * operations use, so each finds its own. */
static json_t *glue_request(const char *database, const char *table)
{
    if (!table)
        return json_pack("{s:s,s:s,s:{s:s}}", "Name", database, "DatabaseName", database,
                         "DatabaseInput", "Name", database);
    return json_pack("{s:s,s:s,s:s,s:{s:s}}", "DatabaseName", database, "Name", table,
                     "TableName", table, "TableInput", "Name", table);
}

int authz_query_glue(authz_query_access *a, const char *operation, const char *database,
                     const char *table)
{
    if (a->is_root)
        return 0;
    if (a->denied)
        return -1;
    /* Without a database: a listing of the catalog (GetDatabases). */
    return glue_need(a, operation, database ? glue_request(database, table) : json_object());
}

int authz_query_table(authz_query_access *a, const char *database, const char *table)
{
    if (a->is_root)
        return 0;
    if (a->denied)
        return -1;
    if (glue_need(a, "GetDatabase", json_pack("{s:s}", "Name", database)) != 0)
        return -1;
    return glue_need(a, "GetTable",
                     json_pack("{s:s,s:s}", "DatabaseName", database, "Name", table));
}

/* s3:ListBucket and s3:GetObject under "s3://bucket/prefix". */
static int location_needs(authz_query_access *a, const char *location)
{
    char bucket[256], key[1100], why[128], arn[AUTHZ_ARN_CAP], objects[1104];
    if (s3_uri_split(location, bucket, sizeof bucket, key, sizeof key, why, sizeof why) != 0)
        return 0; /* the engine reports a location it cannot read */
    size_t len = strlen(key);
    snprintf(objects, sizeof objects, "%s%s*", key, len && key[len - 1] != '/' ? "/" : "");
    authz_need list = {"s3:ListBucket", arn, key};
    if (authz_s3_arn(bucket, NULL, arn, sizeof arn) != 0 ||
        authz_subject_need(&a->subject, &list) != 0)
        return -1;
    authz_need get = {"s3:GetObject", arn, NULL};
    if (authz_s3_arn(bucket, objects, arn, sizeof arn) != 0 ||
        authz_subject_need(&a->subject, &get) != 0)
        return -1;
    return 0;
}

int authz_query_list(authz_query_access *a, const char *location)
{
    if (a->is_root)
        return 0;
    if (a->denied)
        return -1;
    char bucket[256], key[1100], why[128], arn[AUTHZ_ARN_CAP];
    if (!location || s3_uri_split(location, bucket, sizeof bucket, key, sizeof key, why,
                                  sizeof why) != 0)
        return 0; /* the statement reports a location it cannot list */
    authz_need list = {"s3:ListBucket", arn, key};
    if (authz_s3_arn(bucket, NULL, arn, sizeof arn) == 0 &&
        authz_subject_need(&a->subject, &list) == 0)
        return 0;
    char prefix[1300];
    snprintf(prefix, sizeof prefix, "Permission denied on S3 path: %.1200s. ", location);
    return refuse(a, prefix);
}

static int read_location_needs(authz_query_access *a, const char *location)
{
    if (!location || location_needs(a, location) == 0)
        return 0;
    char prefix[1300];
    snprintf(prefix, sizeof prefix, "Permission denied on S3 path: %.1200s. ", location);
    return refuse(a, prefix);
}

static const char *location_of(const json_t *doc)
{
    return json_string_value(json_object_get(json_object_get(doc, "StorageDescriptor"),
                                             "Location"));
}

/* Each partition stored outside the table's location. */
static int partition_needs(authz_query_access *a, const char *table_location,
                           const json_t *partitions)
{
    size_t i, n = table_location ? strlen(table_location) : 0;
    const json_t *p;
    json_array_foreach(partitions, i, p) {
        const char *location = location_of(p);
        if (location && (!n || strncmp(location, table_location, n) != 0) &&
            read_location_needs(a, location) != 0)
            return -1;
    }
    return 0;
}

int authz_query_table_data(authz_query_access *a, const char *database, const char *table,
                           const json_t *table_doc)
{
    if (a->is_root)
        return 0;
    if (a->denied)
        return -1;
    if (json_array_size(json_object_get(table_doc, "PartitionKeys")) > 0 &&
        glue_need(a, "GetPartitions",
                  json_pack("{s:s,s:s}", "DatabaseName", database, "TableName", table)) != 0)
        return -1;
    const char *type = json_string_value(json_object_get(table_doc, "TableType"));
    if (type && strcmp(type, "VIRTUAL_VIEW") == 0)
        return 0; /* a view's data is its tables', checked as they are looked up */
    const char *location = location_of(table_doc);
    if (read_location_needs(a, location) != 0)
        return -1;
    return partition_needs(a, location, json_object_get(table_doc, "Partitions"));
}

int authz_query_write(authz_query_access *a, const char *location)
{
    if (a->is_root)
        return 0;
    if (a->denied)
        return -1;
    char bucket[256], key[1100], why[128], objects[1104], arn[AUTHZ_ARN_CAP];
    if (!location || s3_uri_split(location, bucket, sizeof bucket, key, sizeof key, why,
                                  sizeof why) != 0)
        return 0; /* the statement reports a location it cannot write */
    size_t len = strlen(key);
    snprintf(objects, sizeof objects, "%s%s*", key, len && key[len - 1] != '/' ? "/" : "");
    authz_need put = {"s3:PutObject", arn, NULL};
    if (authz_s3_arn(bucket, objects, arn, sizeof arn) == 0 &&
        authz_subject_need(&a->subject, &put) == 0)
        return 0;
    char prefix[1300];
    snprintf(prefix, sizeof prefix, "Permission denied on S3 path: %.1200s. ", location);
    return refuse(a, prefix);
}

int authz_result_object(const json_t *query_execution, char *bucket, size_t bucket_cap, char *key,
                        size_t key_cap)
{
    const char *uri = json_string_value(json_object_get(
        json_object_get(query_execution, "ResultConfiguration"), "OutputLocation"));
    char why[128];
    return uri && s3_uri_split(uri, bucket, bucket_cap, key, key_cap, why, sizeof why) == 0 &&
           key[0];
}

int authz_query_output(authz_query_access *a, const json_t *query_execution)
{
    if (a->is_root)
        return 0;
    if (a->denied)
        return -1;
    char bucket[256], key[1100], arn[AUTHZ_ARN_CAP];
    if (!authz_result_object(query_execution, bucket, sizeof bucket, key, sizeof key) ||
        authz_s3_arn(bucket, key, arn, sizeof arn) != 0)
        return 0; /* managed results, or a location the writer refuses itself */
    authz_need put = {"s3:PutObject", arn, NULL};
    if (authz_subject_need(&a->subject, &put) == 0)
        return 0;
    /* Athena's words: they do not name the policy decision. */
    snprintf(a->reason, sizeof a->reason,
             "Access denied when writing output to url 's3://%s/%s'. Please ensure you are "
             "allowed to access the S3 bucket. If you are encrypting query results with KMS key, "
             "please ensure you are allowed to access your KMS key",
             bucket, key);
    a->denied = 1;
    return -1;
}
