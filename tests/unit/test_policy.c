/*
 * test_policy.c: `athena policy generate` and `athena policy check`
 * (src/cli/policy_template.c) with the shared IAM evaluator: the
 * generated policy parses, grants exactly what the connector needs and no
 * more, and the seed's minimal policy is found to lack only the result
 * location (and the optional capabilities).
 *
 * policy_template.c belongs to the CLI executable, so it is compiled into
 * this test directly.
 */
#include "policy_template.c"

#include "test.h"

static policy_scope sample_scope(void)
{
    policy_scope s;
    memset(&s, 0, sizeof s);
    s.region = "us-east-1";
    s.account = "123456789012";
    s.workgroup = "dot";
    s.data_bucket = "data";
    s.data_prefix = "sales";
    s.results_uri = "s3://results/athena";
    s.database = "sales";
    s.tables[0] = "orders";
    s.tables[1] = "items";
    s.table_count = 2;
    return s;
}

/* Parses JSON text as an identity policy (NULL on failure, reason printed). */
static iam_policy *parse(const char *text)
{
    char reason[256] = "";
    iam_policy *p = iam_policy_parse(text, strlen(text), IAM_POLICY_IDENTITY, reason,
                                     sizeof reason);
    if (!p)
        fprintf(stderr, "  parse failed: %s\n", reason);
    return p;
}

static iam_policy *parse_generated(const policy_scope *s)
{
    json_t *doc = policy_generate(s);
    char *text = doc ? json_dumps(doc, JSON_PRESERVE_ORDER) : NULL;
    json_decref(doc);
    iam_policy *p = text ? parse(text) : NULL;
    free(text);
    return p;
}

/* Nonzero when every request of the capability is allowed. */
static int capability_allowed(const iam_policy *p, const policy_scope *s, policy_capability_id id)
{
    policy_request *r = malloc(POLICY_MAX_REQUESTS * sizeof *r);
    size_t n = policy_capability_requests(s, id, r, POLICY_MAX_REQUESTS);
    int ok = 1;
    for (size_t i = 0; i < n; i++)
        ok &= policy_evaluate_request(p, &r[i], NULL, 0) == IAM_ALLOW;
    free(r);
    return ok;
}

static iam_decision decide(const iam_policy *p, const char *action, const char *resource,
                           const char *prefix)
{
    policy_request r = {action, "", ""};
    snprintf(r.resource, sizeof r.resource, "%s", resource);
    snprintf(r.prefix, sizeof r.prefix, "%s", prefix ? prefix : "");
    return policy_evaluate_request(p, &r, NULL, 0);
}

static void test_generated_policy_shape(void)
{
    policy_scope s = sample_scope();
    json_t *doc = policy_generate(&s);
    REQUIRE(doc != NULL);
    CHECK_STR(json_string_value(json_object_get(doc, "Version")), "2012-10-17");
    json_t *statements = json_object_get(doc, "Statement");
    CHECK_INT(json_array_size(statements), 7);
    size_t i;
    json_t *st;
    int saw_put = 0;
    json_array_foreach(statements, i, st) {
        const char *sid = json_string_value(json_object_get(st, "Sid"));
        CHECK(sid && sid[0]);
        for (const char *c = sid; c && *c; c++)
            CHECK(isalnum((unsigned char)*c)); /* IAM allows only alphanumeric Sids */
        CHECK_STR(json_string_value(json_object_get(st, "Effect")), "Allow");
        if (strcmp(sid, "S3WriteAndReadQueryResults") == 0) {
            saw_put = 1;
            CHECK_STR(json_string_value(json_array_get(json_object_get(st, "Resource"), 0)),
                      "arn:aws:s3:::results/athena/*");
        }
    }
    CHECK(saw_put);
    json_decref(doc);
}

static void test_generated_policy_passes_check(void)
{
    policy_scope s = sample_scope();
    iam_policy *p = parse_generated(&s);
    REQUIRE(p != NULL);
    for (int id = 0; id < CAP_COUNT; id++) {
        int allowed = capability_allowed(p, &s, (policy_capability_id)id);
        /* Everything but the optional table listing is granted. */
        CHECK_INT(allowed, id != CAP_LIST_TABLES);
    }
    iam_policy_free(p);
}

static void test_generated_policy_is_least_privilege(void)
{
    policy_scope s = sample_scope();
    iam_policy *p = parse_generated(&s);
    REQUIRE(p != NULL);
    const char *wg = "arn:aws:athena:us-east-1:123456789012:workgroup/dot";
    CHECK_INT(decide(p, "athena:StartQueryExecution", wg, NULL), IAM_ALLOW);
    CHECK_INT(decide(p, "athena:StartQueryExecution",
                     "arn:aws:athena:us-east-1:123456789012:workgroup/other", NULL),
              IAM_IMPLICIT_DENY);
    CHECK_INT(decide(p, "athena:ListWorkGroups", "*", NULL), IAM_IMPLICIT_DENY);
    CHECK_INT(decide(p, "athena:DeleteWorkGroup", wg, NULL), IAM_IMPLICIT_DENY);
    CHECK_INT(decide(p, "glue:GetTable", "arn:aws:glue:us-east-1:123456789012:table/sales/orders",
                     NULL), IAM_ALLOW);
    CHECK_INT(decide(p, "glue:GetTable", "arn:aws:glue:us-east-1:123456789012:table/hr/salaries",
                     NULL), IAM_IMPLICIT_DENY);
    CHECK_INT(decide(p, "glue:DeleteTable",
                     "arn:aws:glue:us-east-1:123456789012:table/sales/orders", NULL),
              IAM_IMPLICIT_DENY);
    /* Data: reads under the prefix only, never writes. */
    CHECK_INT(decide(p, "s3:GetObject", "arn:aws:s3:::data/sales/2024/a.parquet", NULL), IAM_ALLOW);
    CHECK_INT(decide(p, "s3:GetObject", "arn:aws:s3:::data/private/a.parquet", NULL),
              IAM_IMPLICIT_DENY);
    CHECK_INT(decide(p, "s3:PutObject", "arn:aws:s3:::data/sales/a.parquet", NULL),
              IAM_IMPLICIT_DENY);
    CHECK_INT(decide(p, "s3:ListBucket", "arn:aws:s3:::data", "sales/2024/"), IAM_ALLOW);
    CHECK_INT(decide(p, "s3:ListBucket", "arn:aws:s3:::data", "private/"), IAM_IMPLICIT_DENY);
    CHECK_INT(decide(p, "s3:ListBucket", "arn:aws:s3:::data", NULL), IAM_IMPLICIT_DENY);
    /* Results: written under their prefix only. */
    CHECK_INT(decide(p, "s3:PutObject", "arn:aws:s3:::results/athena/q.csv", NULL), IAM_ALLOW);
    CHECK_INT(decide(p, "s3:PutObject", "arn:aws:s3:::results/other/q.csv", NULL),
              IAM_IMPLICIT_DENY);
    CHECK_INT(decide(p, "s3:GetBucketLocation", "arn:aws:s3:::results", NULL), IAM_ALLOW);
    CHECK_INT(decide(p, "s3:DeleteObject", "arn:aws:s3:::results/athena/q.csv", NULL),
              IAM_IMPLICIT_DENY);
    iam_policy_free(p);
}

static const char seed_policy[] =
    "{\"Version\": \"2012-10-17\", \"Statement\": ["
    "{\"Effect\": \"Allow\", \"Action\": [\"athena:StartQueryExecution\","
    " \"athena:StopQueryExecution\", \"athena:GetQueryExecution\", \"athena:GetQueryResults\"],"
    " \"Resource\": \"arn:aws:athena:us-east-1:123456789012:workgroup/dot\"},"
    "{\"Effect\": \"Allow\", \"Action\": [\"glue:GetDatabase\", \"glue:GetTable\","
    " \"glue:GetPartitions\"], \"Resource\": \"*\"},"
    "{\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"s3:ListBucket\"],"
    " \"Resource\": [\"arn:aws:s3:::data\", \"arn:aws:s3:::data/*\"]}]}";

static void test_seed_policy_lacks_only_result_writes(void)
{
    policy_scope s = sample_scope();
    iam_policy *p = parse(seed_policy);
    REQUIRE(p != NULL);
    CHECK(capability_allowed(p, &s, CAP_RUN_QUERIES));
    CHECK(capability_allowed(p, &s, CAP_READ_RESULTS));
    CHECK(capability_allowed(p, &s, CAP_TABLE_METADATA));
    CHECK(capability_allowed(p, &s, CAP_PARTITIONS));
    CHECK(capability_allowed(p, &s, CAP_DATA_FILES));
    CHECK(!capability_allowed(p, &s, CAP_WRITE_RESULTS));
    CHECK(!capability_allowed(p, &s, CAP_FAST_RESULTS));
    CHECK(!capability_allowed(p, &s, CAP_LIST_TABLES));
    /* With managed results there is nothing to write: the seed suffices. */
    s.results_uri = NULL;
    s.managed_results = 1;
    CHECK(capability_allowed(p, &s, CAP_WRITE_RESULTS));
    CHECK_INT(policy_capability_requests(&s, CAP_WRITE_RESULTS, NULL, 0), 0);
    iam_policy_free(p);
}

static void test_missing_statements_for_denials(void)
{
    policy_scope s = sample_scope();
    iam_policy *p = parse(seed_policy);
    REQUIRE(p != NULL);
    policy_request r[POLICY_MAX_REQUESTS];
    size_t n = policy_capability_requests(&s, CAP_WRITE_RESULTS, r, POLICY_MAX_REQUESTS);
    json_t *statements = json_array();
    for (size_t i = 0; i < n; i++)
        if (policy_evaluate_request(p, &r[i], NULL, 0) != IAM_ALLOW)
            CHECK_INT(policy_add_to_statements(statements, CAP_WRITE_RESULTS, &r[i]), 0);
    /* Object actions, the prefix-limited listing, and the bucket location. */
    CHECK_INT(json_array_size(statements), 3);
    char *text = json_dumps(statements, JSON_COMPACT);
    CHECK(text && strstr(text, "\"s3:PutObject\""));
    CHECK(text && strstr(text, "\"arn:aws:s3:::results/athena/*\""));
    CHECK(text && strstr(text, "\"s3:prefix\":[\"athena/\",\"athena/*\"]"));
    free(text);
    /* Adding the suggestions to the seed makes the capability allowed. */
    json_t *doc = json_loads(seed_policy, 0, NULL);
    json_array_extend(json_object_get(doc, "Statement"), statements);
    char *fixed = json_dumps(doc, JSON_COMPACT);
    iam_policy *p2 = parse(fixed);
    REQUIRE(p2 != NULL);
    CHECK(capability_allowed(p2, &s, CAP_WRITE_RESULTS));
    iam_policy_free(p2);
    free(fixed);
    json_decref(doc);
    json_decref(statements);
    iam_policy_free(p);
}

static void test_explicit_deny_wins(void)
{
    policy_scope s = sample_scope();
    const char *text =
        "{\"Version\": \"2012-10-17\", \"Statement\": ["
        "{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"},"
        "{\"Sid\": \"NoResults\", \"Effect\": \"Deny\", \"Action\": \"athena:GetQueryResults\","
        " \"Resource\": \"*\"}]}";
    iam_policy *p = parse(text);
    REQUIRE(p != NULL);
    CHECK(capability_allowed(p, &s, CAP_RUN_QUERIES));
    CHECK(!capability_allowed(p, &s, CAP_READ_RESULTS));
    policy_request r[4];
    REQUIRE(policy_capability_requests(&s, CAP_READ_RESULTS, r, 4) == 1);
    char sid[64] = "";
    CHECK_INT(policy_evaluate_request(p, &r[0], sid, sizeof sid), IAM_EXPLICIT_DENY);
    CHECK_STR(sid, "NoResults");
    iam_policy_free(p);
}

static void test_scope_validation(void)
{
    char msg[256];
    policy_scope s = sample_scope();
    CHECK_INT(policy_scope_validate(&s, msg, sizeof msg), 0);
    s.account = "12345";
    CHECK_INT(policy_scope_validate(&s, msg, sizeof msg), -1);
    CHECK(strstr(msg, "12-digit") != NULL);
    s = sample_scope();
    s.results_uri = NULL;
    CHECK_INT(policy_scope_validate(&s, msg, sizeof msg), -1);
    CHECK(strstr(msg, "--managed-results") != NULL);
    s.managed_results = 1;
    CHECK_INT(policy_scope_validate(&s, msg, sizeof msg), 0);
    s.results_uri = "results/athena";
    s.managed_results = 0;
    CHECK_INT(policy_scope_validate(&s, msg, sizeof msg), -1);
    s = sample_scope();
    s.data_bucket = "s3://data/sales";
    CHECK_INT(policy_scope_validate(&s, msg, sizeof msg), -1);
    s = sample_scope();
    s.workgroup = NULL;
    CHECK_INT(policy_scope_validate(&s, msg, sizeof msg), -1);
    CHECK(strstr(msg, "--workgroup") != NULL);
}

static void test_tables_and_partitions(void)
{
    policy_scope s = sample_scope();
    char tables[] = "orders, items,returns";
    CHECK_INT(policy_scope_set_tables(&s, tables), 0);
    CHECK_INT(s.table_count, 3);
    CHECK_STR(s.tables[2], "returns");
    CHECK_STR(policy_partition("cn-north-1"), "aws-cn");
    CHECK_STR(policy_partition("us-gov-west-1"), "aws-us-gov");
    CHECK_STR(policy_partition("eu-west-1"), "aws");
    /* Without --tables every table of the database is covered. */
    s.table_count = 0;
    policy_request r[8];
    size_t n = policy_capability_requests(&s, CAP_PARTITIONS, r, 8);
    CHECK_INT(n, 3);
    CHECK_STR(r[2].resource, "arn:aws:glue:us-east-1:123456789012:table/sales/*");
    s.region = "cn-north-1";
    n = policy_capability_requests(&s, CAP_RUN_QUERIES, r, 8);
    CHECK_INT(n, 3);
    CHECK_STR(r[0].resource, "arn:aws-cn:athena:cn-north-1:123456789012:workgroup/dot");
}

int main(void)
{
    RUN(test_generated_policy_shape);
    RUN(test_generated_policy_passes_check);
    RUN(test_generated_policy_is_least_privilege);
    RUN(test_seed_policy_lacks_only_result_writes);
    RUN(test_missing_statements_for_denials);
    RUN(test_explicit_deny_wins);
    RUN(test_scope_validation);
    RUN(test_tables_and_partitions);
    return test_summary();
}
