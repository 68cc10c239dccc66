/*
 * policy_template.h: what the connector needs from IAM, as data: the
 * capabilities it uses (run queries, read results, write results, read
 * the catalog, read data files), each as the exact requests (action,
 * resource ARN, condition keys) IAM will be asked to allow.
 *
 * `athena policy generate` turns these requests into a least-privilege
 * policy; `athena policy check` evaluates them against a policy file with
 * the shared evaluator (src/core/iam_policy.h) and, for each denied one,
 * names the statement to add. Both sides use the same list, so the policy
 * generate prints always passes check. No I/O here: unit-tested directly.
 */
#ifndef ATHENA_CLI_POLICY_TEMPLATE_H
#define ATHENA_CLI_POLICY_TEMPLATE_H

#include "iam_policy.h"

#include <jansson.h>
#include <stddef.h>

#define POLICY_MAX_TABLES 64
#define POLICY_ARN_MAX 1200

/* What the policy is for. Strings are borrowed. */
typedef struct policy_scope {
    const char *region;         /* required */
    const char *account;        /* required: 12 digits */
    const char *workgroup;      /* required */
    const char *data_bucket;    /* required */
    const char *data_prefix;    /* "" or NULL: the whole bucket */
    const char *results_uri;    /* s3://BUCKET/PREFIX/; NULL only with managed_results */
    const char *database;       /* NULL: any database */
    const char *tables[POLICY_MAX_TABLES]; /* none: any table of the database */
    size_t table_count;
    int managed_results;        /* the workgroup keeps results itself: no result bucket */
} policy_scope;

/* Checks a scope: 0, or -1 with a message (e.g. "--account must be a
 * 12-digit AWS account id"). */
int policy_scope_validate(const policy_scope *scope, char *message, size_t cap);

/* Splits a comma-separated --tables value into scope->tables (pointing into
 * text, which is modified). 0, or -1 when there are too many. */
int policy_scope_set_tables(policy_scope *scope, char *text);

typedef enum policy_capability_id {
    CAP_RUN_QUERIES = 0,
    CAP_READ_RESULTS,
    CAP_FAST_RESULTS,
    CAP_WRITE_RESULTS,
    CAP_LIST_TABLES,
    CAP_TABLE_METADATA,
    CAP_PARTITIONS,
    CAP_DATA_FILES,
    CAP_COUNT
} policy_capability_id;

typedef struct policy_capability {
    const char *name;     /* "run queries in the workgroup" */
    int required;         /* the connector cannot work without it */
    const char *note;     /* why it is optional, or what it is for */
} policy_capability;

const policy_capability *policy_capability_info(policy_capability_id id);

/* One request IAM must allow. */
typedef struct policy_request {
    const char *action;            /* "s3:PutObject" */
    char resource[POLICY_ARN_MAX]; /* "arn:aws:s3:::results/athena/" plus "*" */
    char prefix[POLICY_ARN_MAX];   /* s3:prefix context of ListBucket; "" for none */
} policy_request;

#define POLICY_MAX_REQUESTS (8 + 4 * POLICY_MAX_TABLES)

/* The requests of one capability. Returns how many were written to out
 * (0 when the capability does not apply, e.g. result files with managed
 * results). */
size_t policy_capability_requests(const policy_scope *scope, policy_capability_id id,
                                  policy_request *out, size_t cap);

/* The least-privilege identity policy for scope (a JSON object with
 * Version and Statement, each statement with a Sid saying what it is for).
 * NULL when out of memory. */
json_t *policy_generate(const policy_scope *scope);

/* Adds one request to the Allow statements of a policy under
 * construction (a JSON array), in the statement (Sid) it belongs to, as
 * policy_generate() does. 0, or -1 when out of memory. */
int policy_add_to_statements(json_t *statements, policy_capability_id id,
                             const policy_request *request);

/* Evaluates one request against a parsed policy. matched_sid receives the
 * deciding statement's Sid (see iam_evaluate). */
iam_decision policy_evaluate_request(const iam_policy *policy, const policy_request *req,
                                     char *matched_sid, size_t sid_cap);

/* The ARN partition of a region: "aws", "aws-cn" or "aws-us-gov". */
const char *policy_partition(const char *region);

#endif
