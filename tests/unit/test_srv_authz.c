/*
 * test_srv_authz.c: the mappings of athena-local's authorization (authz.h):
 * for each Athena, Glue, S3, IAM and STS operation, the actions and the
 * resource ARNs it needs, in order, collected through the callback.
 */
#include "test.h"

#include "authz.h"

#include <jansson.h>

/* ---- collecting needs ---- */

#define MAX_SEEN 8

typedef struct seen {
    char text[MAX_SEEN][AUTHZ_ARN_CAP + 200];
    size_t count;
    int stop_at;    /* refuse the need at this index (-1: none) */
} seen;

static int collect(void *ctx, const authz_need *need)
{
    seen *s = ctx;
    if (s->count < MAX_SEEN) {
        snprintf(s->text[s->count], sizeof s->text[0], "%s %s%s%s", need->action,
                 need->resource, need->s3_prefix ? " prefix=" : "",
                 need->s3_prefix ? need->s3_prefix : "");
        s->count++;
    }
    return (int)s->count - 1 == s->stop_at ? 1 : 0;
}

static const authz_scope SCOPE = {"us-east-1", "123456789012"};

static json_t *body(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);
    if (!j)
        fprintf(stderr, "bad test JSON: %s\n", text);
    return j;
}

/* ---- Glue ---- */

static int glue(const char *op, const char *json, seen *s)
{
    json_t *in = body(json);
    s->count = 0;
    int rc = authz_glue_needs(&SCOPE, op, in, collect, s);
    json_decref(in);
    return rc;
}

static void test_glue_table_needs_catalog_database_and_table(void)
{
    seen s = {.stop_at = -1};
    CHECK_INT(glue("GetTable", "{\"DatabaseName\":\"Sales\",\"Name\":\"Orders\"}", &s), 0);
    CHECK_INT(s.count, 3);
    CHECK_STR(s.text[0], "glue:GetTable arn:aws:glue:us-east-1:123456789012:catalog");
    CHECK_STR(s.text[1], "glue:GetTable arn:aws:glue:us-east-1:123456789012:database/sales");
    CHECK_STR(s.text[2], "glue:GetTable arn:aws:glue:us-east-1:123456789012:table/sales/orders");
}

static void test_glue_database_and_listing_needs(void)
{
    seen s = {.stop_at = -1};
    CHECK_INT(glue("GetDatabase", "{\"Name\":\"db\"}", &s), 0);
    CHECK_INT(s.count, 2);
    CHECK_STR(s.text[1], "glue:GetDatabase arn:aws:glue:us-east-1:123456789012:database/db");
    CHECK_INT(glue("GetTables", "{\"DatabaseName\":\"db\"}", &s), 0);
    CHECK_INT(s.count, 3);
    CHECK_STR(s.text[2], "glue:GetTables arn:aws:glue:us-east-1:123456789012:table/db/*");
    CHECK_INT(glue("GetDatabases", "{}", &s), 0);
    CHECK_INT(s.count, 2);
    CHECK_STR(s.text[1], "glue:GetDatabases arn:aws:glue:us-east-1:123456789012:database/*");
    CHECK_INT(glue("CreateDatabase", "{\"DatabaseInput\":{\"Name\":\"new\"}}", &s), 0);
    CHECK_STR(s.text[1], "glue:CreateDatabase arn:aws:glue:us-east-1:123456789012:database/new");
    CHECK_INT(glue("DeleteDatabase", "{\"Name\":\"old\"}", &s), 0);
    CHECK_INT(s.count, 3);
    CHECK_STR(s.text[2], "glue:DeleteDatabase arn:aws:glue:us-east-1:123456789012:table/old/*");
}

static void test_glue_partitions_and_batches(void)
{
    seen s = {.stop_at = -1};
    CHECK_INT(glue("GetPartitions", "{\"DatabaseName\":\"db\",\"TableName\":\"t\"}", &s), 0);
    CHECK_INT(s.count, 3);
    CHECK_STR(s.text[2], "glue:GetPartitions arn:aws:glue:us-east-1:123456789012:table/db/t");
    CHECK_INT(glue("CreateTable", "{\"DatabaseName\":\"db\",\"TableInput\":{\"Name\":\"T2\"}}", &s),
              0);
    CHECK_STR(s.text[2], "glue:CreateTable arn:aws:glue:us-east-1:123456789012:table/db/t2");
    CHECK_INT(glue("BatchDeleteTable",
                   "{\"DatabaseName\":\"db\",\"TablesToDelete\":[\"a\",\"b\"]}", &s), 0);
    CHECK_INT(s.count, 4);
    CHECK_STR(s.text[2], "glue:BatchDeleteTable arn:aws:glue:us-east-1:123456789012:table/db/a");
    CHECK_STR(s.text[3], "glue:BatchDeleteTable arn:aws:glue:us-east-1:123456789012:table/db/b");
    /* A CatalogId names the account of the ARNs. */
    CHECK_INT(glue("GetTable", "{\"CatalogId\":\"999999999999\",\"DatabaseName\":\"d\","
                               "\"Name\":\"t\"}", &s), 0);
    CHECK_STR(s.text[0], "glue:GetTable arn:aws:glue:us-east-1:999999999999:catalog");
}

static void test_glue_stops_at_first_refusal_and_malformed(void)
{
    seen s = {.stop_at = 1};
    CHECK_INT(glue("GetTable", "{\"DatabaseName\":\"db\",\"Name\":\"t\"}", &s), 1);
    CHECK_INT(s.count, 2); /* the table was never asked about */
    s.stop_at = -1;
    CHECK_INT(glue("GetTable", "{\"Name\":\"t\"}", &s), AUTHZ_NOT_MAPPED);
    CHECK_INT(glue("GetTable", "{\"DatabaseName\":7,\"Name\":\"t\"}", &s), AUTHZ_NOT_MAPPED);
    CHECK_INT(glue("BatchDeleteTable", "{\"DatabaseName\":\"d\",\"TablesToDelete\":[1]}", &s),
              AUTHZ_NOT_MAPPED);
}

/* ---- Athena ---- */

/* A store of two queries. */
static int fake_workgroup_of(void *ctx, const char *id, char *out, size_t cap)
{
    (void)ctx;
    const char *wg = strcmp(id, "q-primary") == 0 ? "primary"
                     : strcmp(id, "q-team") == 0  ? "team"
                                                  : NULL;
    if (!wg)
        return -1;
    snprintf(out, cap, "%s", wg);
    return 0;
}

static int athena(const char *op, const char *json, seen *s)
{
    json_t *in = body(json);
    s->count = 0;
    int rc = authz_athena_needs(&SCOPE, op, in, fake_workgroup_of, NULL, collect, s);
    json_decref(in);
    return rc;
}

static void test_athena_workgroup_of_request(void)
{
    seen s = {.stop_at = -1};
    CHECK_INT(athena("StartQueryExecution", "{\"QueryString\":\"SELECT 1\"}", &s), 0);
    CHECK_INT(s.count, 1);
    CHECK_STR(s.text[0], "athena:StartQueryExecution "
                         "arn:aws:athena:us-east-1:123456789012:workgroup/primary");
    CHECK_INT(athena("ListQueryExecutions", "{\"WorkGroup\":\"team\"}", &s), 0);
    CHECK_STR(s.text[0], "athena:ListQueryExecutions "
                         "arn:aws:athena:us-east-1:123456789012:workgroup/team");
    CHECK_INT(athena("CreateWorkGroup", "{\"Name\":\"new\"}", &s), 0);
    CHECK_STR(s.text[0], "athena:CreateWorkGroup "
                         "arn:aws:athena:us-east-1:123456789012:workgroup/new");
    CHECK_INT(athena("StartQueryExecution", "{\"WorkGroup\":1}", &s), AUTHZ_NOT_MAPPED);
}

static void test_athena_workgroup_of_stored_query(void)
{
    seen s = {.stop_at = -1};
    CHECK_INT(athena("GetQueryExecution", "{\"QueryExecutionId\":\"q-team\"}", &s), 0);
    CHECK_INT(s.count, 1);
    CHECK_STR(s.text[0], "athena:GetQueryExecution "
                         "arn:aws:athena:us-east-1:123456789012:workgroup/team");
    CHECK_INT(athena("GetQueryResults", "{\"QueryExecutionId\":\"q-primary\"}", &s), 0);
    CHECK_STR(s.text[0], "athena:GetQueryResults "
                         "arn:aws:athena:us-east-1:123456789012:workgroup/primary");
    /* An unknown query needs nothing here: the operation says it is not found. */
    CHECK_INT(athena("StopQueryExecution", "{\"QueryExecutionId\":\"nope\"}", &s), 0);
    CHECK_INT(s.count, 0);
    CHECK_INT(athena("BatchGetQueryExecution",
                     "{\"QueryExecutionIds\":[\"q-primary\",\"nope\",\"q-team\"]}", &s), 0);
    CHECK_INT(s.count, 2);
    CHECK_STR(s.text[1], "athena:BatchGetQueryExecution "
                         "arn:aws:athena:us-east-1:123456789012:workgroup/team");
}

static void test_athena_catalogs_and_listings(void)
{
    seen s = {.stop_at = -1};
    CHECK_INT(athena("GetTableMetadata", "{\"CatalogName\":\"AwsDataCatalog\","
                                         "\"DatabaseName\":\"d\",\"TableName\":\"t\"}", &s), 0);
    CHECK_STR(s.text[0], "athena:GetTableMetadata "
                         "arn:aws:athena:us-east-1:123456789012:datacatalog/AwsDataCatalog");
    CHECK_INT(athena("GetDataCatalog", "{\"Name\":\"AwsDataCatalog\"}", &s), 0);
    CHECK_STR(s.text[0], "athena:GetDataCatalog "
                         "arn:aws:athena:us-east-1:123456789012:datacatalog/AwsDataCatalog");
    CHECK_INT(athena("ListWorkGroups", "{}", &s), 0);
    CHECK_STR(s.text[0], "athena:ListWorkGroups *");
    CHECK_INT(athena("ListDataCatalogs", "{}", &s), 0);
    CHECK_STR(s.text[0], "athena:ListDataCatalogs *");
}

static int athena_glue(const char *op, const char *json, seen *s)
{
    json_t *in = body(json);
    s->count = 0;
    int rc = authz_athena_glue_needs(&SCOPE, op, in, collect, s);
    json_decref(in);
    return rc;
}

static void test_athena_metadata_reads_glue(void)
{
    seen s = {.stop_at = -1};
    CHECK_INT(athena_glue("GetTableMetadata", "{\"CatalogName\":\"awsdatacatalog\","
                                              "\"DatabaseName\":\"d\",\"TableName\":\"t\"}", &s),
              0);
    CHECK_INT(s.count, 3);
    CHECK_STR(s.text[2], "glue:GetTable arn:aws:glue:us-east-1:123456789012:table/d/t");
    CHECK_INT(athena_glue("ListDatabases", "{\"CatalogName\":\"AwsDataCatalog\"}", &s), 0);
    CHECK_STR(s.text[1], "glue:GetDatabases arn:aws:glue:us-east-1:123456789012:database/*");
    CHECK_INT(athena_glue("ListTableMetadata", "{\"CatalogName\":\"AwsDataCatalog\","
                                               "\"DatabaseName\":\"d\"}", &s), 0);
    CHECK_STR(s.text[2], "glue:GetTables arn:aws:glue:us-east-1:123456789012:table/d/*");
    /* Query operations, and other catalogs, read nothing from Glue here. */
    CHECK_INT(athena_glue("GetQueryExecution", "{\"QueryExecutionId\":\"q\"}", &s), 0);
    CHECK_INT(s.count, 0);
    CHECK_INT(athena_glue("GetDatabase", "{\"CatalogName\":\"other\",\"DatabaseName\":\"d\"}",
                          &s), 0);
    CHECK_INT(s.count, 0);
}

/* ---- S3 ---- */

static int s3(const char *method, const char *bucket, const char *key, const char *query,
              const char *copy, seen *s)
{
    uri_query q = URI_QUERY_INIT;
    uri_query_parse(&q, query, strlen(query), 0);
    char copy_bucket[64] = "", *copy_key = NULL;
    if (copy) {
        snprintf(copy_bucket, sizeof copy_bucket, "%s", copy);
        copy_key = strchr(copy_bucket, '/');
        *copy_key++ = '\0';
    }
    authz_s3_target t = {method, bucket, key ? key : "", key != NULL, &q,
                         copy ? copy_bucket : NULL, copy_key};
    s->count = 0;
    int rc = authz_s3_needs(&t, collect, s);
    uri_query_free(&q);
    return rc;
}

static void test_s3_object_actions(void)
{
    seen s = {.stop_at = -1};
    CHECK_INT(s3("GET", "data", "a/b.csv", "", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:GetObject arn:aws:s3:::data/a/b.csv");
    CHECK_INT(s3("HEAD", "data", "a/b.csv", "", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:GetObject arn:aws:s3:::data/a/b.csv");
    CHECK_INT(s3("PUT", "data", "k", "", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:PutObject arn:aws:s3:::data/k");
    CHECK_INT(s3("PUT", "data", "k", "partNumber=1&uploadId=u", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:PutObject arn:aws:s3:::data/k");
    CHECK_INT(s3("POST", "data", "k", "uploads", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:PutObject arn:aws:s3:::data/k");
    CHECK_INT(s3("POST", "data", "k", "uploadId=u", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:PutObject arn:aws:s3:::data/k");
    CHECK_INT(s3("GET", "data", "k", "uploadId=u", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:ListMultipartUploadParts arn:aws:s3:::data/k");
    CHECK_INT(s3("DELETE", "data", "k", "uploadId=u", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:AbortMultipartUpload arn:aws:s3:::data/k");
    CHECK_INT(s3("DELETE", "data", "k", "", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:DeleteObject arn:aws:s3:::data/k");
}

static void test_s3_copy_needs_both_sides(void)
{
    seen s = {.stop_at = -1};
    CHECK_INT(s3("PUT", "dst", "new", "", "src/old/k", &s), 0);
    CHECK_INT(s.count, 2);
    CHECK_STR(s.text[0], "s3:PutObject arn:aws:s3:::dst/new");
    CHECK_STR(s.text[1], "s3:GetObject arn:aws:s3:::src/old/k");
    s.stop_at = 0; /* a refused destination: the source is not asked about */
    CHECK_INT(s3("PUT", "dst", "new", "", "src/old/k", &s), 1);
    CHECK_INT(s.count, 1);
}

static void test_s3_bucket_actions(void)
{
    seen s = {.stop_at = -1};
    CHECK_INT(s3("GET", "", NULL, "", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:ListAllMyBuckets *");
    CHECK_INT(s3("GET", "data", NULL, "list-type=2&prefix=logs%2F2024", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:ListBucket arn:aws:s3:::data prefix=logs/2024");
    CHECK_INT(s3("GET", "data", NULL, "", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:ListBucket arn:aws:s3:::data");
    CHECK_INT(s3("HEAD", "data", NULL, "", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:ListBucket arn:aws:s3:::data");
    CHECK_INT(s3("GET", "data", NULL, "uploads", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:ListBucketMultipartUploads arn:aws:s3:::data");
    CHECK_INT(s3("GET", "data", NULL, "location", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:GetBucketLocation arn:aws:s3:::data");
    CHECK_INT(s3("PUT", "data", NULL, "", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:CreateBucket arn:aws:s3:::data");
    CHECK_INT(s3("DELETE", "data", NULL, "", NULL, &s), 0);
    CHECK_STR(s.text[0], "s3:DeleteBucket arn:aws:s3:::data");
    /* DeleteObjects is checked per key as it runs. */
    CHECK_INT(s3("POST", "data", NULL, "delete", NULL, &s), 0);
    CHECK_INT(s.count, 0);
    CHECK_INT(s3("PATCH", "data", NULL, "", NULL, &s), AUTHZ_NOT_MAPPED);
}

/* ---- IAM and STS ---- */

static int query_call(const char *service, const char *form_text, const srv_caller *caller,
                      int *always, seen *s)
{
    uri_query form = URI_QUERY_INIT;
    uri_query_parse(&form, form_text, strlen(form_text), URI_DECODE_PLUS);
    s->count = 0;
    int rc = authz_iam_needs(&SCOPE, caller, service, &form, always, collect, s);
    uri_query_free(&form);
    return rc;
}

static const srv_caller ALICE = {.kind = SRV_PRINCIPAL_USER,
                                 .arn = "arn:aws:iam::123456789012:user/alice",
                                 .user_name = "alice"};

/* The single need of an IAM call by alice, or "" when it has none. */
static const char *iam_need(const char *form_text, int expect_rc)
{
    static seen s;
    int always = 0;
    s.stop_at = -1;
    CHECK_INT(query_call("iam", form_text, &ALICE, &always, &s), expect_rc);
    CHECK_INT(always, 0);
    return s.count == 1 ? s.text[0] : "";
}

static void test_iam_resources(void)
{
    CHECK_STR(iam_need("Action=GetUser&Version=2010-05-08", 0),
              "iam:GetUser arn:aws:iam::123456789012:user/alice");
    CHECK_STR(iam_need("Action=GetUser&UserName=bob", 0),
              "iam:GetUser arn:aws:iam::123456789012:user/bob");
    CHECK_STR(iam_need("Action=CreateAccessKey", 0),
              "iam:CreateAccessKey arn:aws:iam::123456789012:user/alice");
    CHECK_STR(iam_need("Action=ListAccessKeys&UserName=bob", 0),
              "iam:ListAccessKeys arn:aws:iam::123456789012:user/bob");
    CHECK_STR(iam_need("Action=CreateUser&UserName=carol&Path=%2Fteam%2F", 0),
              "iam:CreateUser arn:aws:iam::123456789012:user/team/carol");
    CHECK_STR(iam_need("Action=ListUsers", 0), "iam:ListUsers arn:aws:iam::123456789012:user/");
    CHECK_STR(iam_need("Action=AddUserToGroup&GroupName=g&UserName=bob", 0),
              "iam:AddUserToGroup arn:aws:iam::123456789012:group/g");
    CHECK_STR(iam_need("Action=AttachUserPolicy&UserName=bob&PolicyArn=arn%3Aaws%3Aiam%3A%3A"
                       "123456789012%3Apolicy%2Fp", 0),
              "iam:AttachUserPolicy arn:aws:iam::123456789012:user/bob");
    CHECK_STR(iam_need("Action=GetPolicy&PolicyArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Apolicy%2Fp",
                       0),
              "iam:GetPolicy arn:aws:iam::123456789012:policy/p");
    CHECK_STR(iam_need("Action=CreatePolicy&PolicyName=p", 0),
              "iam:CreatePolicy arn:aws:iam::123456789012:policy/p");
    CHECK_STR(iam_need("Action=PutRolePolicy&RoleName=r&PolicyName=x", 0),
              "iam:PutRolePolicy arn:aws:iam::123456789012:role/r");
    CHECK_STR(iam_need("Action=ListRoles&PathPrefix=%2Fsvc%2F", 0),
              "iam:ListRoles arn:aws:iam::123456789012:role/svc/");
    CHECK_STR(iam_need("Version=2010-05-08", AUTHZ_NOT_MAPPED), "");
}

static void test_sts(void)
{
    seen s = {.stop_at = -1};
    int always = 0;
    CHECK_INT(query_call("sts", "Action=GetCallerIdentity", &ALICE, &always, &s), 0);
    CHECK_INT(always, 1);
    CHECK_INT(s.count, 0);
    CHECK_INT(query_call("sts", "Action=AssumeRole&RoleSessionName=s&RoleArn=arn%3Aaws%3Aiam"
                                "%3A%3A123456789012%3Arole%2Fr", &ALICE, &always, &s), 0);
    CHECK_INT(always, 0);
    CHECK_STR(s.text[0], "sts:AssumeRole arn:aws:iam::123456789012:role/r");
    CHECK_INT(query_call("sts", "Action=AssumeRole", &ALICE, &always, &s), AUTHZ_NOT_MAPPED);
    /* An endpoint that is neither: the router answers InvalidAction. */
    CHECK_INT(query_call("", "Action=GetUser", &ALICE, &always, &s), AUTHZ_NOT_MAPPED);
}

int main(void)
{
    RUN(test_glue_table_needs_catalog_database_and_table);
    RUN(test_glue_database_and_listing_needs);
    RUN(test_glue_partitions_and_batches);
    RUN(test_glue_stops_at_first_refusal_and_malformed);
    RUN(test_athena_workgroup_of_request);
    RUN(test_athena_workgroup_of_stored_query);
    RUN(test_athena_catalogs_and_listings);
    RUN(test_athena_metadata_reads_glue);
    RUN(test_s3_object_actions);
    RUN(test_s3_copy_needs_both_sides);
    RUN(test_s3_bucket_actions);
    RUN(test_iam_resources);
    RUN(test_sts);
    return test_summary();
}
