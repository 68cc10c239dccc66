/*
 * authz.h: athena-local's authorization. Every authenticated call by an IAM
 * user or an assumed-role session is evaluated with IAM's logic
 * (src/core/iam_policy.h) against the caller's identity policies
 * (iam_identity.h), for the action and the resource ARNs AWS uses; root
 * credentials bypass evaluation. A refusal reads as AWS's does:
 *
 *   User: ARN is not authorized to perform: glue:GetTable on resource: ARN
 *   because no identity-based policy allows the glue:GetTable action
 *
 * The work is split in two layers:
 *   - mappings (authz_athena.c, authz_glue.c, authz_s3.c, authz_iam.c): pure
 *     functions from an operation and its request to the permissions it
 *     needs, reported one at a time to a callback (so an operation may need
 *     several: GetTable needs the catalog, the database and the table);
 *   - the core (authz.c): the request context (aws:SourceIp, aws:CurrentTime,
 *     aws:PrincipalArn, ...), evaluation, and the denial in each protocol's
 *     error shape. authz_query.c adds what a running query needs (Glue
 *     tables, their S3 data, its output location), as real Athena checks it;
 *     ddl_authz.c maps each catalog statement (DDL, CTAS, INSERT INTO,
 *     UNLOAD) onto those checks.
 * Only a caller of kind SRV_PRINCIPAL_ROOT bypasses evaluation; one of no
 * kind (SRV_PRINCIPAL_NONE) is refused everything.
 */
#ifndef ATHENA_SERVER_AUTHZ_H
#define ATHENA_SERVER_AUTHZ_H

#include "iam_identity.h"
#include "iam_policy.h"
#include "server.h"
#include "uri.h"

#include <jansson.h>
#include <stddef.h>

#define AUTHZ_ARN_CAP 2200        /* an S3 object ARN with a 1024-byte key fits */
#define AUTHZ_MESSAGE_CAP 4800    /* a denial naming the principal and such an ARN */
#define AUTHZ_CONTEXT_MAX 16

/* ==== mappings: operation -> permissions ==== */

/* One permission an operation needs. */
typedef struct authz_need {
    const char *action;     /* "glue:GetTable" */
    const char *resource;   /* "arn:aws:glue:us-east-1:123456789012:table/db/t", or "*" */
    const char *s3_prefix;  /* the s3:prefix context key (s3:ListBucket), or NULL */
} authz_need;

/* Receives each need in turn: 0 to go on, nonzero to stop (the mapping then
 * returns that value). */
typedef int (*authz_need_fn)(void *ctx, const authz_need *need);

/* Where ARNs point: the server's region and account. */
typedef struct authz_scope {
    const char *region;
    const char *account;
} authz_scope;

/* Mappings return 0 when every need was accepted, the callback's nonzero
 * value when it stopped, or AUTHZ_NOT_MAPPED when the request is too
 * malformed to name its resources (the service then answers its own
 * validation error; nothing is touched). */
#define AUTHZ_NOT_MAPPED (-1000)

/* The workgroup of a stored query (for operations taking QueryExecutionId):
 * 0 and the name, or -1 when there is no such query. */
typedef int (*authz_workgroup_fn)(void *ctx, const char *query_id, char *workgroup, size_t cap);

/* Athena: athena:<operation> on the workgroup (the request's WorkGroup or
 * "primary"; the stored query's for QueryExecutionId), the data catalog, or
 * "*" for the account-wide listings. */
int authz_athena_needs(const authz_scope *scope, const char *operation, const json_t *in,
                       authz_workgroup_fn workgroup_of, void *workgroup_ctx, authz_need_fn fn,
                       void *ctx);
/* Athena's metadata operations on AwsDataCatalog read Glue with the
 * caller's permissions: ListDatabases needs glue:GetDatabases, GetDatabase
 * glue:GetDatabase, ListTableMetadata glue:GetTables, GetTableMetadata
 * glue:GetTable (after athena:<operation>). Other operations need nothing. */
int authz_athena_glue_needs(const authz_scope *scope, const char *operation, const json_t *in,
                            authz_need_fn fn, void *ctx);
/* Glue: glue:<operation> on the catalog, database and table ARNs it requires. */
int authz_glue_needs(const authz_scope *scope, const char *operation, const json_t *in,
                     authz_need_fn fn, void *ctx);

/* What an S3 request addresses, as s3_api.c parsed it. */
typedef struct authz_s3_target {
    const char *method;
    const char *bucket;        /* "" for the service (ListBuckets) */
    const char *key;           /* percent-decoded; valid when has_key */
    int has_key;
    const uri_query *query;    /* decoded parameters */
    const char *copy_bucket;   /* x-amz-copy-source, when the request has one */
    const char *copy_key;
} authz_s3_target;
int authz_s3_needs(const authz_s3_target *t, authz_need_fn fn, void *ctx);
/* The ARN of a bucket (key NULL) or an object: 0, or -1 if it does not fit. */
int authz_s3_arn(const char *bucket, const char *key, char *out, size_t cap);

/* IAM and STS (query protocol; service is the signing service, "iam" or
 * "sts"): iam:<Action> on the user, group, role or policy it names (the
 * caller when UserName is optional and absent); sts:AssumeRole on the role.
 * *always_allowed is set for sts:GetCallerIdentity, which no policy can
 * deny. */
int authz_iam_needs(const authz_scope *scope, const srv_caller *caller, const char *service,
                    const uri_query *form, int *always_allowed, authz_need_fn fn, void *ctx);

/* ==== the core: context, evaluation, denial ==== */

/* Who asks, with the request context its policies see. */
typedef struct authz_subject {
    const srv_caller *caller;
    const iam_policy_set *policies;
    iam_context_value context[AUTHZ_CONTEXT_MAX];
    size_t context_count;
    char source_ip[64];
    char current_time[32];
    char epoch_time[24];
    const char *region;
    const char *account;
    /* the refusal that stopped evaluation */
    iam_decision decision;
    char denied_action[128];
    char denied_resource[AUTHZ_ARN_CAP];
} authz_subject;

/* Fills the context of caller (not root). remote_addr NULL means the call is
 * made by Athena on the caller's behalf (a running query): aws:SourceIp is
 * then absent and aws:CalledVia is athena.amazonaws.com, as in AWS. -1 if
 * the policies cannot be had (out of memory). */
int authz_subject_begin(authz_subject *sub, server *s, const srv_caller *caller,
                        const char *remote_addr);
void authz_subject_end(authz_subject *sub);
/* An authz_need_fn over a subject: 0 if allowed, 1 if denied (recorded). */
int authz_subject_need(void *subject, const authz_need *need);
/* The decision for one need, without recording it. */
iam_decision authz_subject_decide(const authz_subject *sub, const authz_need *need);

/* AWS's text for the refusal the subject recorded (S3's ARNs in quotes). */
void authz_subject_denial(const authz_subject *sub, char *out, size_t cap);
/* AWS's text for a refusal. quote_resource: S3 puts the ARN in quotes. */
void authz_denial_message(char *out, size_t cap, const char *principal_arn, const char *action,
                          const char *resource, iam_decision decision, int quote_resource);
/* "::ffff:1.2.3.4" -> "1.2.3.4"; other addresses as they are. */
void authz_source_ip(const char *remote_addr, char *out, size_t cap);

/* ==== entry points ==== */

/* Each returns 0 when the call may proceed (root, or allowed), or -1 after
 * writing AWS's denial into resp (AccessDeniedException 400 for Athena and
 * Glue; AccessDenied 403 for S3, IAM and STS). */
int authz_json_request(server *s, const srv_request *req, const char *service,
                       const char *operation, srv_response *resp);
int authz_query_request(server *s, const srv_request *req, const char *service,
                        const uri_query *form, srv_response *resp);
struct s3_request;
int authz_s3_request(struct s3_request *r);
/* For DeleteObjects, which answers per key: 1 if the caller may perform
 * action on bucket/key, else 0. */
int authz_s3_allowed(struct s3_request *r, const char *action, const char *key);

/* ==== a running query (authz_query.c) ==== */

/* What a query's caller may do while it runs. The first refusal is kept as
 * Athena's StateChangeReason. */
typedef struct authz_query_access {
    int is_root;
    int denied;
    authz_subject subject;
    char reason[AUTHZ_MESSAGE_CAP];
} authz_query_access;

void authz_query_begin(authz_query_access *a, server *s, const srv_caller *caller);
void authz_query_end(authz_query_access *a);
/* Before a table is looked up: glue:GetDatabase and glue:GetTable. */
int authz_query_table(authz_query_access *a, const char *database, const char *table);
/* Any Glue operation a statement performs (CREATE TABLE: "CreateTable";
 * DROP DATABASE: "DeleteDatabase" with table NULL; SHOW DATABASES:
 * "GetDatabases" with database NULL; ...), with Glue's ARNs. For catalog
 * statements, which run outside the engine. */
int authz_query_glue(authz_query_access *a, const char *operation, const char *database,
                     const char *table);
/* s3:ListBucket (s3:prefix the location's) on a location a statement lists
 * (MSCK REPAIR TABLE). */
int authz_query_list(authz_query_access *a, const char *location);
/* s3:PutObject under a location a statement writes to ("s3://bucket/prefix":
 * CREATE TABLE AS SELECT, INSERT INTO, UNLOAD). */
int authz_query_write(authz_query_access *a, const char *location);
/* After: glue:GetPartitions if partitioned, s3:ListBucket and s3:GetObject
 * on its location and its partitions' locations. */
int authz_query_table_data(authz_query_access *a, const char *database, const char *table,
                           const json_t *table_doc);
/* s3:PutObject on the result object of a query (QueryExecution shape):
 * its ResultConfiguration.OutputLocation. A query of a workgroup with
 * managed query results has none and needs nothing. */
int authz_query_output(authz_query_access *a, const json_t *query_execution);

/* The result object of a query ("s3://bucket/key") split into bucket and
 * key: 1, or 0 when its results are managed (no OutputLocation) or the
 * location is invalid. */
int authz_result_object(const json_t *query_execution, char *bucket, size_t bucket_cap, char *key,
                        size_t key_cap);

#endif
