/*
 * test_sts.c: the STS client's wire format without a network: the query
 * protocol's form body (query_protocol.c) and the GetCallerIdentity
 * answer's decoding (sts.c), including malformed and hostile documents.
 */
#include "query_protocol.h"

#include "athena/sts.h"
#include "test.h"

static void test_form_encoding(void)
{
    buf b = BUF_INIT;
    CHECK_INT(query_protocol_form(&b, "GetCallerIdentity", "2011-06-15", NULL), 0);
    CHECK_STR(buf_str(&b), "Action=GetCallerIdentity&Version=2011-06-15");
    buf_reset(&b);
    const char *params[] = {"RoleArn", "arn:aws:iam::123456789012:role/x y", "Tag.1", "a+b=c&d~",
                            NULL};
    CHECK_INT(query_protocol_form(&b, "AssumeRole", "2011-06-15", params), 0);
    CHECK_STR(buf_str(&b), "Action=AssumeRole&Version=2011-06-15"
                           "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx%20y"
                           "&Tag.1=a%2Bb%3Dc%26d~");
    buf_free(&b);
}

static const char answer[] =
    "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <GetCallerIdentityResult>\n"
    "    <Arn>arn:aws:iam::123456789012:user/dot_athena_user</Arn>\n"
    "    <UserId>AIDAEXAMPLEUSERID0001</UserId>\n"
    "    <Account>123456789012</Account>\n"
    "  </GetCallerIdentityResult>\n"
    "  <ResponseMetadata><RequestId>01234567-89ab</RequestId></ResponseMetadata>\n"
    "</GetCallerIdentityResponse>\n";

static void test_parse_identity(void)
{
    athena_caller_identity id = {0};
    athena_error err;
    CHECK_INT(athena_sts_parse_caller_identity(answer, strlen(answer), &id, &err), ATHENA_OK);
    CHECK_STR(id.arn, "arn:aws:iam::123456789012:user/dot_athena_user");
    CHECK_STR(id.account, "123456789012");
    CHECK_STR(id.user_id, "AIDAEXAMPLEUSERID0001");
    athena_caller_identity_clear(&id);
    CHECK(id.arn == NULL && id.account == NULL);
}

static void test_parse_refuses_bad_documents(void)
{
    athena_caller_identity id = {0};
    athena_error err;
    const char *no_arn = "<GetCallerIdentityResponse><GetCallerIdentityResult>"
                         "<Account>1</Account></GetCallerIdentityResult>"
                         "</GetCallerIdentityResponse>";
    CHECK_INT(athena_sts_parse_caller_identity(no_arn, strlen(no_arn), &id, &err),
              ATHENA_E_PROTOCOL);
    athena_caller_identity_clear(&id);
    /* Fields elsewhere in the document do not count. */
    const char *misplaced = "<Other><GetCallerIdentityResult><Arn>x</Arn><Account>1</Account>"
                            "</GetCallerIdentityResult></Other>";
    CHECK_INT(athena_sts_parse_caller_identity(misplaced, strlen(misplaced), &id, &err),
              ATHENA_E_PROTOCOL);
    athena_caller_identity_clear(&id);
    const char *truncated = "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>";
    CHECK_INT(athena_sts_parse_caller_identity(truncated, strlen(truncated), &id, &err),
              ATHENA_E_PROTOCOL);
    athena_caller_identity_clear(&id);
    const char *doctype = "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><GetCallerIdentityResponse/>";
    CHECK_INT(athena_sts_parse_caller_identity(doctype, strlen(doctype), &id, &err),
              ATHENA_E_PROTOCOL);
    athena_caller_identity_clear(&id);
}

int main(void)
{
    RUN(test_form_encoding);
    RUN(test_parse_identity);
    RUN(test_parse_refuses_bad_documents);
    return test_summary();
}
