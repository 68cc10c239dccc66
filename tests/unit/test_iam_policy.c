/*
 * test_iam_policy.c: the core's IAM policy parser and evaluator
 * (src/core/iam_policy.h) against AWS's documented semantics: a table of
 * evaluation cases (explicit deny, NotAction, NotResource, wildcards, case,
 * every condition family, IfExists, set qualifiers, policy variables,
 * principals) and a table of malformed documents with IAM's reasons.
 *
 * Policies in the tables are written with ' for " to keep them readable;
 * \' stands for a real single quote (variable defaults).
 */
#include "iam_policy.h"
#include "test.h"

#include <time.h>

#define MAX_CTX 6

/* Turns the table's relaxed quoting into JSON. */
static char *relaxed_to_json(const char *relaxed)
{
    size_t n = strlen(relaxed);
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = relaxed; *p; p++) {
        if (p[0] == '\\' && p[1] == '\'')
            *o++ = *++p;
        else
            *o++ = *p == '\'' ? '"' : *p;
    }
    *o = '\0';
    return out;
}

static iam_policy *parse_relaxed(const char *relaxed, iam_policy_kind kind, char *reason,
                                 size_t cap)
{
    char *json = relaxed_to_json(relaxed);
    if (!json)
        return NULL;
    iam_policy *p = iam_policy_parse(json, strlen(json), kind, reason, cap);
    free(json);
    return p;
}

/* ---- evaluation cases ------------------------------------------------------- */

#define ALLOW(stmts) "{'Version':'2012-10-17','Statement':[" stmts "]}"
#define ACCT "123456789012"
#define ALICE "arn:aws:iam::" ACCT ":user/alice"
#define BOB "arn:aws:iam::" ACCT ":user/bob"
#define OTHER "arn:aws:iam::210987654321:user/eve"

typedef struct eval_case {
    const char *name;
    iam_policy_kind kind;
    const char *policy;
    const char *policy2;          /* a second policy, or NULL */
    const char *action;
    const char *resource;
    iam_context_value context[MAX_CTX];
    const char *principal_arn;
    iam_decision expected;
    const char *expected_sid;     /* NULL: not checked */
} eval_case;

#define ID IAM_POLICY_IDENTITY
#define TRUST IAM_POLICY_RESOURCE
#define A IAM_ALLOW
#define I IAM_IMPLICIT_DENY
#define D IAM_EXPLICIT_DENY

static const char S3_GET_B[] =
    ALLOW("{'Sid':'Get','Effect':'Allow','Action':'s3:GetObject','Resource':'arn:aws:s3:::b/*'}");

/* A statement allowing s3:GetObject on everything under one condition. */
#define WHEN(cond) ALLOW("{'Effect':'Allow','Action':'s3:GetObject','Resource':'*','Condition':" cond "}")
#define GET "s3:GetObject"
#define OBJ "arn:aws:s3:::b/k"

static const eval_case EVAL_CASES[] = {
    /* actions, resources, wildcards and case */
    {"exact action and resource", ID, S3_GET_B, NULL, GET, OBJ, {{0}}, NULL, A, "Get"},
    {"action not listed", ID, S3_GET_B, NULL, "s3:PutObject", OBJ, {{0}}, NULL, I, ""},
    {"actions are case-insensitive", ID,
     ALLOW("{'Effect':'Allow','Action':'S3:getobject','Resource':'*'}"), NULL, GET, OBJ, {{0}},
     NULL, A, NULL},
    {"request action case does not matter", ID, S3_GET_B, NULL, "S3:GETOBJECT", OBJ, {{0}}, NULL,
     A, NULL},
    {"resources are case-sensitive", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:GetObject','Resource':'arn:aws:s3:::B/*'}"), NULL, GET,
     OBJ, {{0}}, NULL, I, NULL},
    {"action wildcard *", ID, ALLOW("{'Effect':'Allow','Action':'s3:Get*','Resource':'*'}"),
     NULL, GET, OBJ, {{0}}, NULL, A, NULL},
    {"action wildcard * no match", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:Get*','Resource':'*'}"), NULL, "s3:PutObject", OBJ,
     {{0}}, NULL, I, NULL},
    {"action wildcard ?", ID, ALLOW("{'Effect':'Allow','Action':'s3:Get?bject','Resource':'*'}"),
     NULL, GET, OBJ, {{0}}, NULL, A, NULL},
    {"action ? is exactly one character", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:Get?Object','Resource':'*'}"), NULL, GET, OBJ, {{0}},
     NULL, I, NULL},
    {"action * allows everything", ID, ALLOW("{'Effect':'Allow','Action':'*','Resource':'*'}"),
     NULL, "athena:StartQueryExecution", "*", {{0}}, NULL, A, NULL},
    {"service wildcard other service", ID,
     ALLOW("{'Effect':'Allow','Action':'athena:*','Resource':'*'}"), NULL, "glue:GetTable", "*",
     {{0}}, NULL, I, NULL},
    {"action list second entry", ID,
     ALLOW("{'Effect':'Allow','Action':['glue:GetTable','athena:GetQueryResults'],'Resource':'*'}"),
     NULL, "athena:GetQueryResults", "*", {{0}}, NULL, A, NULL},
    {"resource prefix does not match the bucket itself", ID, S3_GET_B, NULL, GET,
     "arn:aws:s3:::b", {{0}}, NULL, I, NULL},
    {"resource * spans slashes", ID, S3_GET_B, NULL, GET, "arn:aws:s3:::b/x/y/z.csv", {{0}},
     NULL, A, NULL},
    {"resource ? one character", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:GetObject','Resource':'arn:aws:s3:::b/file?.csv'}"),
     NULL, GET, "arn:aws:s3:::b/file1.csv", {{0}}, NULL, A, NULL},
    {"resource ? not two characters", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:GetObject','Resource':'arn:aws:s3:::b/file?.csv'}"),
     NULL, GET, "arn:aws:s3:::b/file10.csv", {{0}}, NULL, I, NULL},
    {"resource list", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:GetObject','Resource':['arn:aws:s3:::a/*','arn:aws:s3:::b/*']}"),
     NULL, GET, OBJ, {{0}}, NULL, A, NULL},
    {"request resource * needs policy *", ID,
     ALLOW("{'Effect':'Allow','Action':'athena:*','Resource':'arn:aws:athena:*'}"), NULL,
     "athena:ListWorkGroups", "*", {{0}}, NULL, I, NULL},
    {"no statement allows", ID, ALLOW("{'Effect':'Deny','Action':'iam:*','Resource':'*'}"), NULL,
     GET, OBJ, {{0}}, NULL, I, ""},

    /* explicit deny */
    {"deny beats allow in one policy", ID,
     ALLOW("{'Sid':'All','Effect':'Allow','Action':'*','Resource':'*'},"
           "{'Sid':'NoPut','Effect':'Deny','Action':'s3:PutObject','Resource':'*'}"),
     NULL, "s3:PutObject", OBJ, {{0}}, NULL, D, "NoPut"},
    {"deny in another policy wins", ID, ALLOW("{'Effect':'Allow','Action':'*','Resource':'*'}"),
     ALLOW("{'Sid':'X','Effect':'Deny','Action':'s3:*','Resource':'arn:aws:s3:::b/*'}"), GET, OBJ,
     {{0}}, NULL, D, "X"},
    {"deny on another resource leaves allow", ID,
     ALLOW("{'Sid':'All','Effect':'Allow','Action':'*','Resource':'*'},"
           "{'Effect':'Deny','Action':'s3:*','Resource':'arn:aws:s3:::secret/*'}"),
     NULL, GET, OBJ, {{0}}, NULL, A, "All"},
    {"deny alone is still a deny", ID, ALLOW("{'Effect':'Deny','Action':'s3:*','Resource':'*'}"),
     NULL, GET, OBJ, {{0}}, NULL, D, ""},

    /* NotAction and NotResource */
    {"NotAction allow: other service", ID,
     ALLOW("{'Effect':'Allow','NotAction':'iam:*','Resource':'*'}"), NULL, GET, OBJ, {{0}}, NULL,
     A, NULL},
    {"NotAction allow: excluded service", ID,
     ALLOW("{'Effect':'Allow','NotAction':'iam:*','Resource':'*'}"), NULL, "iam:CreateUser", "*",
     {{0}}, NULL, I, NULL},
    {"NotAction deny hits the rest", ID,
     ALLOW("{'Effect':'Allow','Action':'*','Resource':'*'},"
           "{'Effect':'Deny','NotAction':['s3:GetObject','s3:ListBucket'],'Resource':'*'}"),
     NULL, "s3:PutObject", OBJ, {{0}}, NULL, D, NULL},
    {"NotAction deny spares the listed", ID,
     ALLOW("{'Effect':'Allow','Action':'*','Resource':'*'},"
           "{'Effect':'Deny','NotAction':['s3:GetObject','s3:ListBucket'],'Resource':'*'}"),
     NULL, GET, OBJ, {{0}}, NULL, A, NULL},
    {"NotResource allow: elsewhere", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:*','NotResource':'arn:aws:s3:::secret/*'}"), NULL, GET,
     OBJ, {{0}}, NULL, A, NULL},
    {"NotResource allow: excluded", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:*','NotResource':'arn:aws:s3:::secret/*'}"), NULL, GET,
     "arn:aws:s3:::secret/k", {{0}}, NULL, I, NULL},
    {"NotResource deny outside the bucket", ID,
     ALLOW("{'Effect':'Allow','Action':'*','Resource':'*'},"
           "{'Effect':'Deny','Action':'s3:*','NotResource':['arn:aws:s3:::b','arn:aws:s3:::b/*']}"),
     NULL, GET, "arn:aws:s3:::other/k", {{0}}, NULL, D, NULL},
    {"NotResource deny inside the bucket", ID,
     ALLOW("{'Effect':'Allow','Action':'*','Resource':'*'},"
           "{'Effect':'Deny','Action':'s3:*','NotResource':['arn:aws:s3:::b','arn:aws:s3:::b/*']}"),
     NULL, GET, OBJ, {{0}}, NULL, A, NULL},

    /* policy variables */
    {"${aws:username} own home", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/home/${aws:username}/*'}"),
     NULL, GET, "arn:aws:s3:::b/home/alice/x", {{"aws:username", "alice"}}, NULL, A, NULL},
    {"${aws:username} other's home", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/home/${aws:username}/*'}"),
     NULL, GET, "arn:aws:s3:::b/home/bob/x", {{"aws:username", "alice"}}, NULL, I, NULL},
    {"missing variable: statement does not match", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/home/${aws:username}/*'}"),
     NULL, GET, "arn:aws:s3:::b/home//x", {{0}}, NULL, I, NULL},
    {"missing variable: a deny does not apply either", ID,
     ALLOW("{'Effect':'Allow','Action':'*','Resource':'*'},"
           "{'Effect':'Deny','Action':'s3:*','NotResource':'arn:aws:s3:::b/${aws:userid}/*'}"),
     NULL, GET, OBJ, {{0}}, NULL, A, NULL},
    {"variable default", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/${aws:username, \\'guest\\'}/*'}"),
     NULL, GET, "arn:aws:s3:::b/guest/x", {{0}}, NULL, A, NULL},
    {"variable default unused when present", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/${aws:username, \\'guest\\'}/*'}"),
     NULL, GET, "arn:aws:s3:::b/guest/x", {{"aws:username", "alice"}}, NULL, I, NULL},
    {"variable key is case-insensitive", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/${AWS:UserName}'}"),
     NULL, GET, "arn:aws:s3:::b/alice", {{"aws:username", "alice"}}, NULL, A, NULL},
    {"variable value is no wildcard", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/${aws:username}'}"),
     NULL, GET, "arn:aws:s3:::b/alice", {{"aws:username", "*"}}, NULL, I, NULL},
    {"${*} is a literal star", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/${*}'}"), NULL, GET,
     "arn:aws:s3:::b/x", {{0}}, NULL, I, NULL},
    {"${*} matches a star", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/${*}${?}${$}'}"), NULL,
     GET, "arn:aws:s3:::b/*?$", {{0}}, NULL, A, NULL},
    {"2008-10-17 has no variables", ID,
     "{'Version':'2008-10-17','Statement':{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/${aws:username}'}}",
     NULL, GET, "arn:aws:s3:::b/${aws:username}", {{"aws:username", "alice"}}, NULL, A, NULL},
    {"2008-10-17 variable text is not substituted", ID,
     "{'Version':'2008-10-17','Statement':{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/${aws:username}'}}",
     NULL, GET, "arn:aws:s3:::b/alice", {{"aws:username", "alice"}}, NULL, I, NULL},
    {"multi-valued key cannot be a variable", ID,
     ALLOW("{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/${aws:TagKeys}'}"), NULL,
     GET, "arn:aws:s3:::b/a", {{"aws:TagKeys", "a"}, {"aws:TagKeys", "b"}}, NULL, I, NULL},
    {"variable in a condition value", ID,
     WHEN("{'StringLike':{'s3:prefix':'home/${aws:username}/*'}}"), NULL, GET, OBJ,
     {{"aws:username", "alice"}, {"s3:prefix", "home/alice/docs"}}, NULL, A, NULL},
    {"variable in a condition value mismatch", ID,
     WHEN("{'StringLike':{'s3:prefix':'home/${aws:username}/*'}}"), NULL, GET, OBJ,
     {{"aws:username", "alice"}, {"s3:prefix", "home/bob/docs"}}, NULL, I, NULL},
    {"unresolved variable in a negated condition", ID,
     WHEN("{'StringNotEquals':{'s3:prefix':'${aws:username}'}}"), NULL, GET, OBJ,
     {{"s3:prefix", "x"}}, NULL, I, NULL},
    {"aws:PrincipalArn from the request", ID,
     WHEN("{'StringEquals':{'aws:PrincipalArn':'${aws:PrincipalArn}'}}"), NULL, GET, OBJ, {{0}},
     ALICE, A, NULL},

    /* string conditions */
    {"StringEquals", ID, WHEN("{'StringEquals':{'aws:username':'alice'}}"), NULL, GET, OBJ,
     {{"aws:username", "alice"}}, NULL, A, NULL},
    {"StringEquals is case-sensitive", ID, WHEN("{'StringEquals':{'aws:username':'alice'}}"),
     NULL, GET, OBJ, {{"aws:username", "Alice"}}, NULL, I, NULL},
    {"StringEquals missing key", ID, WHEN("{'StringEquals':{'aws:username':'alice'}}"), NULL,
     GET, OBJ, {{0}}, NULL, I, NULL},
    {"StringEquals has no wildcards", ID, WHEN("{'StringEquals':{'aws:username':'a*'}}"), NULL,
     GET, OBJ, {{"aws:username", "alice"}}, NULL, I, NULL},
    {"context keys are case-insensitive", ID, WHEN("{'StringEquals':{'AWS:USERNAME':'alice'}}"),
     NULL, GET, OBJ, {{"aws:username", "alice"}}, NULL, A, NULL},
    {"values are ORed", ID, WHEN("{'StringEquals':{'aws:username':['bob','alice']}}"), NULL, GET,
     OBJ, {{"aws:username", "alice"}}, NULL, A, NULL},
    {"keys are ANDed", ID,
     WHEN("{'StringEquals':{'aws:username':'alice','s3:prefix':'docs/'}}"), NULL, GET, OBJ,
     {{"aws:username", "alice"}, {"s3:prefix", "tmp/"}}, NULL, I, NULL},
    {"operators are ANDed", ID,
     WHEN("{'StringEquals':{'aws:username':'alice'},'Bool':{'aws:SecureTransport':'true'}}"),
     NULL, GET, OBJ, {{"aws:username", "alice"}, {"aws:SecureTransport", "true"}}, NULL, A, NULL},
    {"StringNotEquals differs", ID, WHEN("{'StringNotEquals':{'aws:username':'bob'}}"), NULL, GET,
     OBJ, {{"aws:username", "alice"}}, NULL, A, NULL},
    {"StringNotEquals values are NORed", ID,
     WHEN("{'StringNotEquals':{'aws:username':['bob','alice']}}"), NULL, GET, OBJ,
     {{"aws:username", "alice"}}, NULL, I, NULL},
    {"StringNotEquals missing key is true", ID, WHEN("{'StringNotEquals':{'aws:username':'bob'}}"),
     NULL, GET, OBJ, {{0}}, NULL, A, NULL},
    {"StringEqualsIgnoreCase", ID, WHEN("{'StringEqualsIgnoreCase':{'aws:username':'ALICE'}}"),
     NULL, GET, OBJ, {{"aws:username", "alice"}}, NULL, A, NULL},
    {"StringNotEqualsIgnoreCase", ID,
     WHEN("{'StringNotEqualsIgnoreCase':{'aws:username':'ALICE'}}"), NULL, GET, OBJ,
     {{"aws:username", "alice"}}, NULL, I, NULL},
    {"StringLike", ID, WHEN("{'StringLike':{'s3:prefix':['home/*','tmp/?']}}"), NULL, GET, OBJ,
     {{"s3:prefix", "tmp/a"}}, NULL, A, NULL},
    {"StringLike is case-sensitive", ID, WHEN("{'StringLike':{'s3:prefix':'home/*'}}"), NULL, GET,
     OBJ, {{"s3:prefix", "HOME/a"}}, NULL, I, NULL},
    {"StringNotLike", ID, WHEN("{'StringNotLike':{'s3:prefix':'secret/*'}}"), NULL, GET, OBJ,
     {{"s3:prefix", "secret/x"}}, NULL, I, NULL},

    /* numbers */
    {"NumericLessThan", ID, WHEN("{'NumericLessThan':{'s3:max-keys':'10'}}"), NULL, GET, OBJ,
     {{"s3:max-keys", "5"}}, NULL, A, NULL},
    {"NumericLessThan too big", ID, WHEN("{'NumericLessThan':{'s3:max-keys':10}}"), NULL, GET,
     OBJ, {{"s3:max-keys", "10"}}, NULL, I, NULL},
    {"NumericLessThanEquals", ID, WHEN("{'NumericLessThanEquals':{'s3:max-keys':10}}"), NULL, GET,
     OBJ, {{"s3:max-keys", "10"}}, NULL, A, NULL},
    {"NumericEquals compares numbers", ID, WHEN("{'NumericEquals':{'n':'5'}}"), NULL, GET, OBJ,
     {{"n", "5.0"}}, NULL, A, NULL},
    {"NumericNotEquals", ID, WHEN("{'NumericNotEquals':{'n':[1,2]}}"), NULL, GET, OBJ,
     {{"n", "2"}}, NULL, I, NULL},
    {"NumericGreaterThan", ID, WHEN("{'NumericGreaterThan':{'n':1.5}}"), NULL, GET, OBJ,
     {{"n", "2"}}, NULL, A, NULL},
    {"NumericGreaterThanEquals non-number", ID, WHEN("{'NumericGreaterThanEquals':{'n':1}}"),
     NULL, GET, OBJ, {{"n", "lots"}}, NULL, I, NULL},

    /* dates */
    {"DateGreaterThan ISO", ID, WHEN("{'DateGreaterThan':{'aws:CurrentTime':'2026-01-01T00:00:00Z'}}"),
     NULL, GET, OBJ, {{"aws:CurrentTime", "2026-06-01T12:00:00Z"}}, NULL, A, NULL},
    {"DateLessThan ISO too late", ID,
     WHEN("{'DateLessThan':{'aws:CurrentTime':'2026-01-01T00:00:00Z'}}"), NULL, GET, OBJ,
     {{"aws:CurrentTime", "2026-06-01T12:00:00Z"}}, NULL, I, NULL},
    {"DateEquals across formats", ID, WHEN("{'DateEquals':{'aws:EpochTime':'2026-01-01'}}"), NULL,
     GET, OBJ, {{"aws:EpochTime", "1767225600"}}, NULL, A, NULL},
    {"DateEquals with an offset", ID,
     WHEN("{'DateEquals':{'aws:CurrentTime':'2026-01-01T02:00:00+02:00'}}"), NULL, GET, OBJ,
     {{"aws:CurrentTime", "2026-01-01T00:00:00.000Z"}}, NULL, A, NULL},
    {"DateLessThanEquals epoch policy value", ID,
     WHEN("{'DateLessThanEquals':{'aws:CurrentTime':1767225600}}"), NULL, GET, OBJ,
     {{"aws:CurrentTime", "2025-12-31T23:59:59Z"}}, NULL, A, NULL},
    {"DateNotEquals", ID, WHEN("{'DateNotEquals':{'aws:CurrentTime':'2026-01-01'}}"), NULL, GET,
     OBJ, {{"aws:CurrentTime", "2026-01-01T00:00:00Z"}}, NULL, I, NULL},
    {"DateGreaterThanEquals bad request date", ID,
     WHEN("{'DateGreaterThanEquals':{'aws:CurrentTime':'2026-01-01'}}"), NULL, GET, OBJ,
     {{"aws:CurrentTime", "tomorrow"}}, NULL, I, NULL},

    /* Bool and Binary */
    {"Bool true", ID, WHEN("{'Bool':{'aws:SecureTransport':'true'}}"), NULL, GET, OBJ,
     {{"aws:SecureTransport", "true"}}, NULL, A, NULL},
    {"Bool JSON true against false", ID, WHEN("{'Bool':{'aws:SecureTransport':true}}"), NULL, GET,
     OBJ, {{"aws:SecureTransport", "false"}}, NULL, I, NULL},
    {"Bool missing key", ID, WHEN("{'Bool':{'aws:MultiFactorAuthPresent':'false'}}"), NULL, GET,
     OBJ, {{0}}, NULL, I, NULL},
    {"BinaryEquals", ID, WHEN("{'BinaryEquals':{'k':'QmluYXJ5VmFsdWU='}}"), NULL, GET, OBJ,
     {{"k", "QmluYXJ5VmFsdWU="}}, NULL, A, NULL},

    /* IP addresses */
    {"IpAddress in block", ID, WHEN("{'IpAddress':{'aws:SourceIp':'203.0.113.0/24'}}"), NULL, GET,
     OBJ, {{"aws:SourceIp", "203.0.113.7"}}, NULL, A, NULL},
    {"IpAddress outside block", ID, WHEN("{'IpAddress':{'aws:SourceIp':'203.0.113.0/24'}}"), NULL,
     GET, OBJ, {{"aws:SourceIp", "198.51.100.1"}}, NULL, I, NULL},
    {"IpAddress plain address", ID, WHEN("{'IpAddress':{'aws:SourceIp':['10.0.0.1','192.0.2.5']}}"),
     NULL, GET, OBJ, {{"aws:SourceIp", "192.0.2.5"}}, NULL, A, NULL},
    {"IpAddress IPv6 block", ID, WHEN("{'IpAddress':{'aws:SourceIp':'2001:db8::/32'}}"), NULL, GET,
     OBJ, {{"aws:SourceIp", "2001:db8:1::7"}}, NULL, A, NULL},
    {"IpAddress odd prefix", ID, WHEN("{'IpAddress':{'aws:SourceIp':'10.0.0.0/9'}}"), NULL, GET,
     OBJ, {{"aws:SourceIp", "10.128.0.1"}}, NULL, I, NULL},
    {"NotIpAddress deny outside", ID,
     ALLOW("{'Effect':'Allow','Action':'*','Resource':'*'},"
           "{'Effect':'Deny','Action':'*','Resource':'*','Condition':{'NotIpAddress':{'aws:SourceIp':'127.0.0.0/8'}}}"),
     NULL, GET, OBJ, {{"aws:SourceIp", "192.0.2.1"}}, NULL, D, NULL},
    {"NotIpAddress deny inside", ID,
     ALLOW("{'Effect':'Allow','Action':'*','Resource':'*'},"
           "{'Effect':'Deny','Action':'*','Resource':'*','Condition':{'NotIpAddress':{'aws:SourceIp':'127.0.0.0/8'}}}"),
     NULL, GET, OBJ, {{"aws:SourceIp", "127.0.0.1"}}, NULL, A, NULL},
    {"NotIpAddress missing key is true", ID,
     WHEN("{'NotIpAddress':{'aws:SourceIp':'127.0.0.0/8'}}"), NULL, GET, OBJ, {{0}}, NULL, A, NULL},

    /* ARNs */
    {"ArnLike per component", ID, WHEN("{'ArnLike':{'aws:SourceArn':'arn:aws:iam::*:user/*'}}"),
     NULL, GET, OBJ, {{"aws:SourceArn", ALICE}}, NULL, A, NULL},
    {"ArnLike * stays in its component", ID,
     WHEN("{'ArnLike':{'aws:SourceArn':'arn:aws:iam::*'}}"), NULL, GET, OBJ,
     {{"aws:SourceArn", ALICE}}, NULL, I, NULL},
    {"ArnEquals", ID, WHEN("{'ArnEquals':{'aws:SourceArn':'" ALICE "'}}"), NULL, GET, OBJ,
     {{"aws:SourceArn", ALICE}}, NULL, A, NULL},
    {"ArnNotEquals", ID, WHEN("{'ArnNotEquals':{'aws:SourceArn':'" ALICE "'}}"), NULL, GET, OBJ,
     {{"aws:SourceArn", BOB}}, NULL, A, NULL},
    {"ArnNotLike", ID, WHEN("{'ArnNotLike':{'aws:SourceArn':'arn:aws:iam::*:user/*'}}"), NULL, GET,
     OBJ, {{"aws:SourceArn", BOB}}, NULL, I, NULL},
    {"ArnLike on a non-ARN", ID, WHEN("{'ArnLike':{'aws:SourceArn':'*'}}"), NULL, GET, OBJ,
     {{"aws:SourceArn", "not-an-arn"}}, NULL, I, NULL},

    /* Null and IfExists */
    {"Null true: key absent", ID, WHEN("{'Null':{'aws:TokenIssueTime':'true'}}"), NULL, GET, OBJ,
     {{0}}, NULL, A, NULL},
    {"Null true: key present", ID, WHEN("{'Null':{'aws:TokenIssueTime':true}}"), NULL, GET, OBJ,
     {{"aws:TokenIssueTime", "2026-01-01T00:00:00Z"}}, NULL, I, NULL},
    {"Null false: key present", ID, WHEN("{'Null':{'aws:TokenIssueTime':'false'}}"), NULL, GET,
     OBJ, {{"aws:TokenIssueTime", "2026-01-01T00:00:00Z"}}, NULL, A, NULL},
    {"IfExists: missing key", ID, WHEN("{'StringEqualsIfExists':{'s3:prefix':'docs/'}}"), NULL,
     GET, OBJ, {{0}}, NULL, A, NULL},
    {"IfExists: present and different", ID,
     WHEN("{'StringEqualsIfExists':{'s3:prefix':'docs/'}}"), NULL, GET, OBJ,
     {{"s3:prefix", "tmp/"}}, NULL, I, NULL},
    {"NumericLessThanIfExists present", ID,
     WHEN("{'NumericLessThanIfExists':{'s3:max-keys':'10'}}"), NULL, GET, OBJ,
     {{"s3:max-keys", "3"}}, NULL, A, NULL},

    /* set qualifiers */
    {"ForAnyValue: one matches", ID,
     WHEN("{'ForAnyValue:StringEquals':{'aws:TagKeys':['env','team']}}"), NULL, GET, OBJ,
     {{"aws:TagKeys", "cost"}, {"aws:TagKeys", "team"}}, NULL, A, NULL},
    {"ForAnyValue: none matches", ID,
     WHEN("{'ForAnyValue:StringEquals':{'aws:TagKeys':['env','team']}}"), NULL, GET, OBJ,
     {{"aws:TagKeys", "cost"}}, NULL, I, NULL},
    {"ForAnyValue: missing key is false", ID,
     WHEN("{'ForAnyValue:StringEquals':{'aws:TagKeys':['env','team']}}"), NULL, GET, OBJ, {{0}},
     NULL, I, NULL},
    {"ForAllValues: all within", ID,
     WHEN("{'ForAllValues:StringEquals':{'aws:TagKeys':['env','team']}}"), NULL, GET, OBJ,
     {{"aws:TagKeys", "team"}, {"aws:TagKeys", "env"}}, NULL, A, NULL},
    {"ForAllValues: one outside", ID,
     WHEN("{'ForAllValues:StringEquals':{'aws:TagKeys':['env','team']}}"), NULL, GET, OBJ,
     {{"aws:TagKeys", "team"}, {"aws:TagKeys", "cost"}}, NULL, I, NULL},
    {"ForAllValues: missing key is true", ID,
     WHEN("{'ForAllValues:StringEquals':{'aws:TagKeys':['env','team']}}"), NULL, GET, OBJ, {{0}},
     NULL, A, NULL},
    {"ForAllValues:StringLike", ID, WHEN("{'ForAllValues:StringLike':{'aws:TagKeys':'app-*'}}"),
     NULL, GET, OBJ, {{"aws:TagKeys", "app-a"}, {"aws:TagKeys", "app-b"}}, NULL, A, NULL},
    {"ForAnyValue:StringNotEquals", ID,
     WHEN("{'ForAnyValue:StringNotEquals':{'aws:TagKeys':'env'}}"), NULL, GET, OBJ,
     {{"aws:TagKeys", "env"}, {"aws:TagKeys", "team"}}, NULL, A, NULL},
    {"single-valued operator on a set: any value", ID,
     WHEN("{'StringEquals':{'aws:TagKeys':'team'}}"), NULL, GET, OBJ,
     {{"aws:TagKeys", "env"}, {"aws:TagKeys", "team"}}, NULL, A, NULL},

    /* principals (a role's trust policy) */
    {"Principal *", TRUST,
     ALLOW("{'Effect':'Allow','Principal':'*','Action':'sts:AssumeRole'}"), NULL, "sts:AssumeRole",
     "arn:aws:iam::" ACCT ":role/r", {{0}}, ALICE, A, NULL},
    {"Principal AWS *", TRUST,
     ALLOW("{'Effect':'Allow','Principal':{'AWS':'*'},'Action':'sts:AssumeRole'}"), NULL,
     "sts:AssumeRole", "*", {{0}}, OTHER, A, NULL},
    {"Principal account id", TRUST,
     ALLOW("{'Effect':'Allow','Principal':{'AWS':'" ACCT "'},'Action':'sts:AssumeRole'}"), NULL,
     "sts:AssumeRole", "*", {{0}}, ALICE, A, NULL},
    {"Principal account id: other account", TRUST,
     ALLOW("{'Effect':'Allow','Principal':{'AWS':'" ACCT "'},'Action':'sts:AssumeRole'}"), NULL,
     "sts:AssumeRole", "*", {{0}}, OTHER, I, NULL},
    {"Principal account root ARN", TRUST,
     ALLOW("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":root'},'Action':'sts:AssumeRole'}"),
     NULL, "sts:AssumeRole", "*", {{0}}, BOB, A, NULL},
    {"Principal user ARN", TRUST,
     ALLOW("{'Effect':'Allow','Principal':{'AWS':'" ALICE "'},'Action':'sts:AssumeRole'}"), NULL,
     "sts:AssumeRole", "*", {{0}}, BOB, I, NULL},
    {"Principal ARN list", TRUST,
     ALLOW("{'Effect':'Allow','Principal':{'AWS':['" BOB "','" ALICE "']},'Action':'sts:AssumeRole'}"),
     NULL, "sts:AssumeRole", "*", {{0}}, ALICE, A, NULL},
    {"Principal Service is never an IAM caller", TRUST,
     ALLOW("{'Effect':'Allow','Principal':{'Service':'ec2.amazonaws.com'},'Action':'sts:AssumeRole'}"),
     NULL, "sts:AssumeRole", "*", {{0}}, ALICE, I, NULL},
    {"NotPrincipal deny hits others", TRUST,
     ALLOW("{'Effect':'Allow','Principal':'*','Action':'sts:AssumeRole'},"
           "{'Effect':'Deny','NotPrincipal':{'AWS':'" ALICE "'},'Action':'sts:AssumeRole'}"),
     NULL, "sts:AssumeRole", "*", {{0}}, BOB, D, NULL},
    {"NotPrincipal deny spares the listed", TRUST,
     ALLOW("{'Effect':'Allow','Principal':'*','Action':'sts:AssumeRole'},"
           "{'Effect':'Deny','NotPrincipal':{'AWS':'" ALICE "'},'Action':'sts:AssumeRole'}"),
     NULL, "sts:AssumeRole", "*", {{0}}, ALICE, A, NULL},
    {"Principal role ARN stands for its sessions", TRUST,
     ALLOW("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":role/ops/Admin'},'Action':'sts:AssumeRole'}"),
     NULL, "sts:AssumeRole", "*", {{0}}, "arn:aws:sts::" ACCT ":assumed-role/Admin/s1", A, NULL},
    {"Principal role ARN: other role's session", TRUST,
     ALLOW("{'Effect':'Allow','Principal':{'AWS':'arn:aws:iam::" ACCT ":role/Admin'},'Action':'sts:AssumeRole'}"),
     NULL, "sts:AssumeRole", "*", {{0}}, "arn:aws:sts::" ACCT ":assumed-role/AdminX/s1", I, NULL},
    {"trust policy condition", TRUST,
     ALLOW("{'Effect':'Allow','Principal':{'AWS':'" ACCT "'},'Action':'sts:AssumeRole',"
           "'Condition':{'StringEquals':{'sts:ExternalId':'xyz'}}}"),
     NULL, "sts:AssumeRole", "*", {{"sts:ExternalId", "abc"}}, ALICE, I, NULL},
};

static void run_eval_case(const eval_case *c)
{
    char reason[256] = "";
    iam_policy *p1 = parse_relaxed(c->policy, c->kind, reason, sizeof reason);
    iam_policy *p2 = c->policy2 ? parse_relaxed(c->policy2, c->kind, reason, sizeof reason) : NULL;
    if (!p1 || (c->policy2 && !p2)) {
        fprintf(stderr, "case '%s': policy refused: %s\n", c->name, reason);
        CHECK(0);
        iam_policy_free(p1);
        iam_policy_free(p2);
        return;
    }
    size_t nctx = 0;
    while (nctx < MAX_CTX && c->context[nctx].key)
        nctx++;
    /* the caller's account comes from its ARN */
    iam_request req = {c->action, c->resource, c->principal_arn, NULL, c->context, nctx};
    const iam_policy *set[2] = {p1, p2};
    char sid[64] = "unset";
    iam_decision d = iam_evaluate(set, 2, &req, sid, sizeof sid);
    if (d != c->expected)
        fprintf(stderr, "case '%s': got %s, expected %s\n", c->name, iam_decision_name(d),
                iam_decision_name(c->expected));
    CHECK_INT(d, c->expected);
    if (c->expected_sid)
        CHECK_STR(sid, c->expected_sid);
    iam_policy_free(p1);
    iam_policy_free(p2);
}

static void test_evaluation_matrix(void)
{
    size_t n = sizeof EVAL_CASES / sizeof EVAL_CASES[0];
    CHECK(n >= 70);
    for (size_t i = 0; i < n; i++)
        run_eval_case(&EVAL_CASES[i]);
}

/* ---- malformed documents ------------------------------------------------------ */

typedef struct malformed_case {
    iam_policy_kind kind;
    const char *policy;
    const char *reason;
} malformed_case;

#define SYNTAX "Syntax errors in policy."
#define LEGACY "The policy failed legacy parsing"
#define OK_STMT "'Effect':'Allow','Action':'s3:GetObject','Resource':'*'"

static const malformed_case MALFORMED[] = {
    {ID, "not json", SYNTAX},
    {ID, "{'Version':'2012-10-17','Statement':[{" OK_STMT "}]", SYNTAX},
    {ID, "[]", SYNTAX},
    {ID, "{'Version':'2012-10-17','Statement':{" OK_STMT "},'Extra':1}", SYNTAX},
    {ID, "{'Version':'2020-01-01','Statement':{" OK_STMT "}}", SYNTAX},
    {ID, "{'Version':'2012-10-17'}", SYNTAX},
    {ID, "{'Version':'2012-10-17','Statement':[]}", SYNTAX},
    {ID, "{'Version':'2012-10-17','Statement':'Allow'}", SYNTAX},
    {ID, ALLOW("{" OK_STMT ",'Actions':'s3:*'}"), SYNTAX},
    {ID, ALLOW("{" OK_STMT ",'NotAction':'s3:PutObject'}"), SYNTAX},
    {ID, ALLOW("{" OK_STMT ",'NotResource':'arn:aws:s3:::x'}"), SYNTAX},
    {ID, ALLOW("{'Effect':'Allow','Action':5,'Resource':'*'}"), SYNTAX},
    {ID, ALLOW("{'Action':'s3:GetObject','Resource':'*'}"), "Missing required field Effect"},
    {ID, ALLOW("{'Effect':'allow','Action':'s3:GetObject','Resource':'*'}"), LEGACY},
    {ID, ALLOW("{'Effect':'Permit','Action':'s3:GetObject','Resource':'*'}"), SYNTAX},
    {ID, ALLOW("{" OK_STMT ",'Principal':'*'}"), "Policy document should not specify a principal."},
    {TRUST, ALLOW("{'Effect':'Allow','Action':'sts:AssumeRole'}"), "Missing required field Principal"},
    {ID, ALLOW("{'Effect':'Allow','Resource':'*'}"), "Policy statement must contain actions."},
    {ID, ALLOW("{'Effect':'Allow','Action':[],'Resource':'*'}"),
     "Policy statement must contain actions."},
    {ID, ALLOW("{'Effect':'Allow','Action':'s3:GetObject'}"),
     "Policy statement must contain resources."},
    {TRUST, ALLOW("{'Effect':'Allow','Principal':'*','Action':'sts:AssumeRole','Resource':'*'}"),
     "Has prohibited field Resource."},
    {ID, ALLOW("{'Effect':'Allow','Action':'GetObject','Resource':'*'}"),
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
    {ID, ALLOW("{'Effect':'Allow','Action':'s3:Get:Object','Resource':'*'}"),
     "Actions/Condition can contain only one colon."},
    {ID, ALLOW("{'Effect':'Allow','Action':'s3#x:Get','Resource':'*'}"), "Vendor s3#x is not valid"},
    {ID, ALLOW("{'Effect':'Allow','Action':'s3:GetObject','Resource':'bucket'}"),
     "Resource bucket must be in ARN format or \"*\"."},
    {ID, ALLOW("{" OK_STMT ",'Condition':{'StringEqualz':{'k':'v'}}}"), SYNTAX},
    {ID, ALLOW("{" OK_STMT ",'Condition':{'NullIfExists':{'k':'true'}}}"), SYNTAX},
    {ID, ALLOW("{" OK_STMT ",'Condition':{'StringEquals':{'k':{'nested':1}}}}"), SYNTAX},
    {ID, ALLOW("{" OK_STMT ",'Condition':{'StringEquals':'k'}}"), SYNTAX},
    {ID, ALLOW("{" OK_STMT ",'Condition':{'DateLessThan':{'aws:CurrentTime':'yesterday'}}}"),
     LEGACY},
    {ID, ALLOW("{'Sid':'A'," OK_STMT "},{'Sid':'A'," OK_STMT "}"),
     "Statement IDs (SID) in a single policy must be unique."},
    {ID, ALLOW("{'Sid':7," OK_STMT "}"), SYNTAX},
    {TRUST, ALLOW("{'Effect':'Allow','Principal':{'AWS':'bob'},'Action':'sts:AssumeRole'}"),
     "Invalid principal in policy: \"AWS\":\"bob\""},
    {TRUST, ALLOW("{'Effect':'Allow','Principal':{'Robot':'x'},'Action':'sts:AssumeRole'}"), SYNTAX},
    {TRUST, ALLOW("{'Effect':'Allow','Principal':'someone','Action':'sts:AssumeRole'}"), SYNTAX},
};

static void test_malformed_documents(void)
{
    size_t n = sizeof MALFORMED / sizeof MALFORMED[0];
    CHECK(n >= 20);
    for (size_t i = 0; i < n; i++) {
        char reason[256] = "";
        iam_policy *p = parse_relaxed(MALFORMED[i].policy, MALFORMED[i].kind, reason,
                                      sizeof reason);
        if (p || strcmp(reason, MALFORMED[i].reason) != 0)
            fprintf(stderr, "malformed case %zu: %s\n", i, MALFORMED[i].policy);
        CHECK(p == NULL);
        CHECK_STR(reason, MALFORMED[i].reason);
        iam_policy_free(p);
    }
}

static void test_valid_documents(void)
{
    static const char *const valid[] = {
        "{'Statement':{" OK_STMT "}}",   /* no Version: 2008-10-17 */
        "{'Version':'2008-10-17','Id':'x','Statement':[{" OK_STMT "}]}",
        ALLOW("{'Sid':''," OK_STMT "},{'Sid':''," OK_STMT "}"),
        ALLOW("{'Effect':'Deny','NotAction':['iam:*','*:Get*'],'NotResource':['arn:aws:s3:::a/*']}"),
        ALLOW("{" OK_STMT ",'Condition':{'ForAllValues:StringLikeIfExists':{'k':['a',1,true]},"
              "'DateGreaterThan':{'aws:CurrentTime':['2026-01-01',1767225600,'2026-01-01T00:00:00.5+01:00']}}}"),
    };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        char reason[256] = "";
        iam_policy *p = parse_relaxed(valid[i], ID, reason, sizeof reason);
        if (!p)
            fprintf(stderr, "valid case %zu refused: %s\n", i, reason);
        CHECK(p != NULL);
        iam_policy_free(p);
    }
    /* the reason buffer may be tiny or absent */
    char tiny[8];
    CHECK(iam_policy_parse("{", 1, ID, tiny, sizeof tiny) == NULL);
    CHECK_STR(tiny, "Syntax ");
    CHECK(iam_policy_parse("{", 1, ID, NULL, 0) == NULL);
    CHECK(iam_policy_parse(NULL, 0, ID, NULL, 0) == NULL);
    iam_policy_free(NULL);
}

/* ---- the helpers of the public API --------------------------------------------------- */

static void test_wildcard_match(void)
{
    CHECK(iam_wildcard_match("*", "", 0));
    CHECK(iam_wildcard_match("a*c", "abbbc", 0));
    CHECK(iam_wildcard_match("a*b*c", "axxbyyc", 0));
    CHECK(!iam_wildcard_match("a*b*c", "axxbyy", 0));
    CHECK(iam_wildcard_match("a?c", "abc", 0));
    CHECK(!iam_wildcard_match("a?c", "ac", 0));
    CHECK(iam_wildcard_match("a?c", "a\xc3\xa9" "c", 0));   /* '?' is one UTF-8 character */
    CHECK(!iam_wildcard_match("ABC", "abc", 0));
    CHECK(iam_wildcard_match("ABC", "abc", 1));
    CHECK(iam_wildcard_match("**a", "bba", 0));
    CHECK(!iam_wildcard_match("", "x", 0));
}

static void test_decision_names_and_sid(void)
{
    CHECK_STR(iam_decision_name(IAM_ALLOW), "allowed");
    CHECK_STR(iam_decision_name(IAM_IMPLICIT_DENY), "implicitDeny");
    CHECK_STR(iam_decision_name(IAM_EXPLICIT_DENY), "explicitDeny");
    iam_request req = {GET, OBJ, NULL, NULL, NULL, 0};
    char sid[16] = "unset";
    CHECK_INT(iam_evaluate(NULL, 0, &req, sid, sizeof sid), IAM_IMPLICIT_DENY);
    CHECK_STR(sid, "");
    const iam_policy *none[1] = {NULL};
    CHECK_INT(iam_evaluate(none, 1, &req, NULL, 0), IAM_IMPLICIT_DENY);
    /* the first allowing statement names the decision; the sid is truncated to fit */
    iam_policy *p = parse_relaxed(
        ALLOW("{'Sid':'FirstAllowingStatement'," OK_STMT "},{'Sid':'Second'," OK_STMT "}"), ID,
        NULL, 0);
    REQUIRE(p != NULL);
    const iam_policy *set[1] = {p};
    CHECK_INT(iam_evaluate(set, 1, &req, sid, sizeof sid), IAM_ALLOW);
    CHECK_STR(sid, "FirstAllowingSt");
    iam_policy_free(p);
}

/* Evaluation is meant to run on every request: a sanity bound far below
 * the target rate, so that only a pathological slowdown fails it. */
static void test_evaluation_speed(void)
{
    iam_policy *p = parse_relaxed(
        ALLOW("{'Effect':'Allow','Action':['athena:*','glue:Get*'],'Resource':'*'},"
              "{'Effect':'Allow','Action':'s3:*','Resource':'arn:aws:s3:::b/home/${aws:username}/*',"
              "'Condition':{'IpAddress':{'aws:SourceIp':'127.0.0.0/8'},'Bool':{'aws:SecureTransport':'false'}}},"
              "{'Effect':'Deny','Action':'s3:DeleteObject','Resource':'*'}"),
        ID, NULL, 0);
    REQUIRE(p != NULL);
    iam_context_value ctx[] = {{"aws:username", "alice"}, {"aws:SourceIp", "127.0.0.1"},
                               {"aws:SecureTransport", "false"}};
    iam_request req = {GET, "arn:aws:s3:::b/home/alice/data.csv", ALICE, ACCT, ctx, 3};
    const iam_policy *set[1] = {p};
    clock_t start = clock();
    int allowed = 0;
    for (int i = 0; i < 100000; i++)
        allowed += iam_evaluate(set, 1, &req, NULL, 0) == IAM_ALLOW;
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    CHECK_INT(allowed, 100000);
    printf("100000 evaluations in %.3f s\n", secs);
    CHECK(secs < 5.0);
    iam_policy_free(p);
}

int main(void)
{
    RUN(test_evaluation_matrix);
    RUN(test_malformed_documents);
    RUN(test_valid_documents);
    RUN(test_wildcard_match);
    RUN(test_decision_names_and_sid);
    RUN(test_evaluation_speed);
    return test_summary();
}
