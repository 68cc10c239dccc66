/*
 * test_srv_authz_core.c: the core of athena-local's authorization
 * (authz.h) over a real IAM store: AWS's denial wording, the request
 * context policies see (aws:SourceIp with IPv4-mapped addresses,
 * aws:username, aws:PrincipalType, the forward access session of a running
 * query), and what a running query needs (Glue tables, their S3 data, its
 * output) with Athena's reasons.
 */
#include "test.h"

#include "store_fixture.h"

#include "authz.h"
#include "iam_identity.h"
#include "store_iam.h"

static const char *const ALICE_ARN = "arn:aws:iam::123456789012:user/alice";

/* ---- denial messages ---- */

static void test_denial_messages(void)
{
    char m[AUTHZ_MESSAGE_CAP];
    authz_denial_message(m, sizeof m, ALICE_ARN, "glue:GetTable",
                         "arn:aws:glue:us-east-1:123456789012:table/db/t", IAM_IMPLICIT_DENY, 0);
    CHECK_STR(m, "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
                 "glue:GetTable on resource: arn:aws:glue:us-east-1:123456789012:table/db/t "
                 "because no identity-based policy allows the glue:GetTable action");
    authz_denial_message(m, sizeof m, ALICE_ARN, "athena:GetWorkGroup",
                         "arn:aws:athena:us-east-1:123456789012:workgroup/primary",
                         IAM_EXPLICIT_DENY, 0);
    CHECK_STR(m, "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
                 "athena:GetWorkGroup on resource: "
                 "arn:aws:athena:us-east-1:123456789012:workgroup/primary with an explicit deny "
                 "in an identity-based policy");
    authz_denial_message(m, sizeof m, ALICE_ARN, "s3:GetObject", "arn:aws:s3:::b/k.csv",
                         IAM_IMPLICIT_DENY, 1);
    CHECK_STR(m, "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
                 "s3:GetObject on resource: \"arn:aws:s3:::b/k.csv\" because no identity-based "
                 "policy allows the s3:GetObject action");
    /* Actions without a resource type name none. */
    authz_denial_message(m, sizeof m, ALICE_ARN, "s3:ListAllMyBuckets", "*", IAM_IMPLICIT_DENY,
                         1);
    CHECK_STR(m, "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
                 "s3:ListAllMyBuckets because no identity-based policy allows the "
                 "s3:ListAllMyBuckets action");
}

static void test_source_ip(void)
{
    char ip[64];
    authz_source_ip("::ffff:127.0.0.1", ip, sizeof ip);
    CHECK_STR(ip, "127.0.0.1");
    authz_source_ip("::FFFF:10.1.2.3", ip, sizeof ip);
    CHECK_STR(ip, "10.1.2.3");
    authz_source_ip("::1", ip, sizeof ip);
    CHECK_STR(ip, "::1");
    authz_source_ip("203.0.113.9", ip, sizeof ip);
    CHECK_STR(ip, "203.0.113.9");
    authz_source_ip("::ffff:abcd", ip, sizeof ip); /* not a mapped IPv4 address */
    CHECK_STR(ip, "::ffff:abcd");
}

/* ---- a server with one IAM user ---- */

typedef struct fixture {
    char *dir;
    server srv;
    srv_caller alice;
} fixture;

static const char ALICE_POLICY[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":["
    "{\"Effect\":\"Allow\",\"Action\":\"iam:GetUser\","
    " \"Resource\":\"arn:aws:iam::123456789012:user/${aws:username}\"},"
    "{\"Effect\":\"Allow\",\"Action\":\"athena:ListWorkGroups\",\"Resource\":\"*\","
    " \"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"127.0.0.0/8\"},"
    "                \"StringEquals\":{\"aws:PrincipalType\":\"User\"}}},"
    "{\"Effect\":\"Allow\",\"Action\":\"athena:ListDataCatalogs\",\"Resource\":\"*\","
    " \"Condition\":{\"Bool\":{\"aws:ViaAWSService\":\"true\"}}},"
    "{\"Effect\":\"Allow\",\"Action\":[\"glue:GetDatabase\",\"glue:GetTable\"],"
    " \"Resource\":\"*\"},"
    "{\"Effect\":\"Deny\",\"Action\":\"glue:GetTable\","
    " \"Resource\":\"arn:aws:glue:us-east-1:123456789012:table/db/secret\"},"
    "{\"Effect\":\"Allow\",\"Action\":[\"s3:ListBucket\",\"s3:GetObject\"],"
    " \"Resource\":[\"arn:aws:s3:::data\",\"arn:aws:s3:::data/t/*\"]},"
    "{\"Effect\":\"Allow\",\"Action\":\"s3:PutObject\","
    " \"Resource\":\"arn:aws:s3:::results/*\"}]}";

static int fixture_open(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->dir = make_data_dir();
    f->srv.settings.region = "us-east-1";
    f->srv.settings.account_id = "123456789012";
    f->srv.store = f->dir ? open_store(f->dir) : NULL;
    if (!f->srv.store)
        return -1;
    store_iam_entity user;
    memset(&user, 0, sizeof user);
    snprintf(user.name, sizeof user.name, "alice");
    snprintf(user.path, sizeof user.path, "/");
    if (store_iam_create(f->srv.store, STORE_IAM_USER, &user) != STORE_OK ||
        store_iam_inline_put(f->srv.store, STORE_IAM_USER, "alice", "p", ALICE_POLICY) !=
            STORE_OK)
        return -1;
    f->alice.kind = SRV_PRINCIPAL_USER;
    snprintf(f->alice.arn, sizeof f->alice.arn, "%s", ALICE_ARN);
    snprintf(f->alice.user_name, sizeof f->alice.user_name, "alice");
    snprintf(f->alice.user_id, sizeof f->alice.user_id, "%s", user.id);
    store_iam_entity_clear(&user);
    return 0;
}

static void fixture_close(fixture *f)
{
    iam_identity_close(&f->srv);
    if (f->srv.store)
        store_close(f->srv.store);
    if (f->dir)
        remove_data_dir(f->dir);
}

static iam_decision decide(authz_subject *sub, const char *action, const char *resource)
{
    authz_need need = {action, resource, NULL};
    return authz_subject_decide(sub, &need);
}

static void test_subject_context(void)
{
    fixture f;
    REQUIRE(fixture_open(&f) == 0);
    authz_subject sub;
    REQUIRE(authz_subject_begin(&sub, &f.srv, &f.alice, "::ffff:127.0.0.1") == 0);
    CHECK_STR(sub.source_ip, "127.0.0.1");
    CHECK_INT(decide(&sub, "iam:GetUser", ALICE_ARN), IAM_ALLOW);
    CHECK_INT(decide(&sub, "iam:GetUser", "arn:aws:iam::123456789012:user/bob"),
              IAM_IMPLICIT_DENY);
    CHECK_INT(decide(&sub, "athena:ListWorkGroups", "*"), IAM_ALLOW);
    CHECK_INT(decide(&sub, "athena:ListDataCatalogs", "*"), IAM_IMPLICIT_DENY);
    CHECK_INT(decide(&sub, "glue:GetTable", "arn:aws:glue:us-east-1:123456789012:table/db/secret"),
              IAM_EXPLICIT_DENY);
    /* The first refusal is recorded for the message. */
    authz_need need = {"glue:GetTable", "arn:aws:glue:us-east-1:123456789012:table/db/secret",
                       NULL};
    CHECK_INT(authz_subject_need(&sub, &need), 1);
    CHECK_INT(sub.decision, IAM_EXPLICIT_DENY);
    CHECK_STR(sub.denied_action, "glue:GetTable");
    authz_subject_end(&sub);

    REQUIRE(authz_subject_begin(&sub, &f.srv, &f.alice, "192.0.2.1") == 0);
    CHECK_INT(decide(&sub, "athena:ListWorkGroups", "*"), IAM_IMPLICIT_DENY);
    authz_subject_end(&sub);

    /* Athena's own calls for a query carry no source address. */
    REQUIRE(authz_subject_begin(&sub, &f.srv, &f.alice, NULL) == 0);
    CHECK_INT(decide(&sub, "athena:ListWorkGroups", "*"), IAM_IMPLICIT_DENY);
    CHECK_INT(decide(&sub, "athena:ListDataCatalogs", "*"), IAM_ALLOW);
    authz_subject_end(&sub);
    /* Evaluating only reads: the one stored policy is untouched. */
    CHECK(raw_sql_is(f.dir, "SELECT count(*) FROM iam_inline_policies", "1"));
    fixture_close(&f);
}

/* ---- a running query ---- */

static json_t *table_doc(const char *location, int partitioned)
{
    json_t *t = json_pack("{s:s,s:{s:s}}", "TableType", "EXTERNAL_TABLE", "StorageDescriptor",
                          "Location", location);
    if (partitioned)
        json_object_set_new(t, "PartitionKeys", json_pack("[{s:s,s:s}]", "Name", "p", "Type",
                                                          "string"));
    return t;
}

static void test_query_tables(void)
{
    fixture f;
    REQUIRE(fixture_open(&f) == 0);
    authz_query_access a;
    authz_query_begin(&a, &f.srv, &f.alice);
    CHECK_INT(authz_query_table(&a, "db", "t"), 0);
    json_t *t = table_doc("s3://data/t/", 0);
    CHECK_INT(authz_query_table_data(&a, "db", "t", t), 0);
    CHECK_INT(a.denied, 0);
    CHECK_INT(authz_query_table(&a, "db", "secret"), -1);
    CHECK_STR(a.reason, "Insufficient permissions to execute the query. User: "
                        "arn:aws:iam::123456789012:user/alice is not authorized to perform: "
                        "glue:GetTable on resource: "
                        "arn:aws:glue:us-east-1:123456789012:table/db/secret with an explicit "
                        "deny in an identity-based policy");
    authz_query_end(&a);

    /* Partitioned: glue:GetPartitions is not granted. */
    authz_query_begin(&a, &f.srv, &f.alice);
    json_t *p = table_doc("s3://data/t/", 1);
    CHECK_INT(authz_query_table_data(&a, "db", "t", p), -1);
    CHECK(strstr(a.reason, "glue:GetPartitions on resource: "
                           "arn:aws:glue:us-east-1:123456789012:catalog") != NULL);
    authz_query_end(&a);

    /* Data outside what s3:GetObject allows. */
    authz_query_begin(&a, &f.srv, &f.alice);
    json_t *other = table_doc("s3://data/other", 0);
    CHECK_INT(authz_query_table_data(&a, "db", "o", other), -1);
    CHECK_STR(a.reason, "Permission denied on S3 path: s3://data/other. User: "
                        "arn:aws:iam::123456789012:user/alice is not authorized to perform: "
                        "s3:GetObject on resource: \"arn:aws:s3:::data/other/*\" because no "
                        "identity-based policy allows the s3:GetObject action");
    authz_query_end(&a);
    json_decref(t);
    json_decref(p);
    json_decref(other);
    fixture_close(&f);
}

static void test_query_output(void)
{
    fixture f;
    REQUIRE(fixture_open(&f) == 0);
    authz_query_access a;
    json_t *ok = json_pack("{s:{s:s}}", "ResultConfiguration", "OutputLocation",
                           "s3://results/q1.csv");
    json_t *bad = json_pack("{s:{s:s}}", "ResultConfiguration", "OutputLocation",
                            "s3://data/q2.csv");
    json_t *managed = json_object();
    authz_query_begin(&a, &f.srv, &f.alice);
    CHECK_INT(authz_query_output(&a, ok), 0);
    CHECK_INT(authz_query_output(&a, managed), 0);
    CHECK_INT(authz_query_output(&a, bad), -1);
    CHECK_STR(a.reason, "Access denied when writing output to url 's3://data/q2.csv'. Please "
                        "ensure you are allowed to access the S3 bucket. If you are encrypting "
                        "query results with KMS key, please ensure you are allowed to access "
                        "your KMS key");
    authz_query_end(&a);

    /* Root bypasses evaluation. */
    srv_caller root = {.kind = SRV_PRINCIPAL_ROOT, .is_root = 1,
                       .arn = "arn:aws:iam::123456789012:root"};
    authz_query_begin(&a, &f.srv, &root);
    CHECK_INT(authz_query_output(&a, bad), 0);
    CHECK_INT(authz_query_table(&a, "db", "secret"), 0);
    authz_query_end(&a);
    json_decref(ok);
    json_decref(bad);
    json_decref(managed);
    fixture_close(&f);
}

/* What catalog statements and data-writing statements need. */
static void test_query_statements(void)
{
    fixture f;
    REQUIRE(fixture_open(&f) == 0);
    authz_query_access a;
    authz_query_begin(&a, &f.srv, &f.alice);
    CHECK_INT(authz_query_glue(&a, "GetTable", "db", "t"), 0);
    CHECK_INT(authz_query_glue(&a, "GetDatabase", "db", NULL), 0);
    CHECK_INT(authz_query_write(&a, "s3://results/ctas/"), 0);
    CHECK_INT(a.denied, 0);
    CHECK_INT(authz_query_write(&a, "s3://data/t"), -1);
    CHECK_STR(a.reason, "Permission denied on S3 path: s3://data/t. User: "
                        "arn:aws:iam::123456789012:user/alice is not authorized to perform: "
                        "s3:PutObject on resource: \"arn:aws:s3:::data/t/*\" because no "
                        "identity-based policy allows the s3:PutObject action");
    authz_query_end(&a);

    authz_query_begin(&a, &f.srv, &f.alice);
    CHECK_INT(authz_query_glue(&a, "DeleteDatabase", "db", NULL), -1);
    CHECK_STR(a.reason, "Insufficient permissions to execute the query. User: "
                        "arn:aws:iam::123456789012:user/alice is not authorized to perform: "
                        "glue:DeleteDatabase on resource: "
                        "arn:aws:glue:us-east-1:123456789012:catalog because no identity-based "
                        "policy allows the glue:DeleteDatabase action");
    /* Once refused, everything after is refused too. */
    CHECK_INT(authz_query_glue(&a, "GetTable", "db", "t"), -1);
    authz_query_end(&a);
    fixture_close(&f);
}

int main(void)
{
    RUN(test_denial_messages);
    RUN(test_source_ip);
    RUN(test_subject_context);
    RUN(test_query_tables);
    RUN(test_query_output);
    RUN(test_query_statements);
    return test_summary();
}
