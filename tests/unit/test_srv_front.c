/*
 * test_srv_front.c: unit tests of athena-local's front pieces that need no
 * network: the http.h helpers, json_api (error bodies and member reads with
 * AWS's validation wording), auth (SigV4 verdicts mapped to each protocol's
 * AWS error, scope checks, the caller it fills) and root credentials
 * (generation, the 0600 file, reuse, environment override).
 */
#include "auth.h"
#include "crypto.h"
#include "http.h"
#include "json_api.h"
#include "root_credentials.h"
#include "server.h"
#include "sigv4.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char KEY_ID[] = "ALKIUNITTESTKEY00001";
static const char SECRET[] = "unit-test-secret/with+chars";

/* ---- http.h helpers ---- */

static void test_header_helpers(void)
{
    srv_header headers[] = {{"Host", "h"}, {"X-Amz-Target", "AmazonAthena.X"}};
    srv_request req = {0};
    req.headers = headers;
    req.header_count = 2;
    CHECK_STR(srv_header_get(&req, "x-amz-target"), "AmazonAthena.X");
    CHECK(srv_header_get(&req, "missing") == NULL);
    srv_response resp = {0};
    size_t cap = sizeof resp.extra / sizeof resp.extra[0];
    for (size_t i = 0; i < cap; i++)
        CHECK_INT(srv_response_header(&resp, "a", "b"), 0);
    CHECK_INT(srv_response_header(&resp, "one-too-many", "x"), -1);
    CHECK_INT(resp.extra_count, cap);
    srv_response_free(&resp);
    CHECK_INT(resp.extra_count, 0);
}

/* ---- json_api ---- */

static void test_json_error_body(void)
{
    srv_response resp = {0};
    json_api_error(&resp, 400, "InvalidRequestException", "bad \"%s\"\n", "x");
    CHECK_INT(resp.status, 400);
    CHECK_STR(resp.content_type, "application/x-amz-json-1.1");
    CHECK_STR(buf_str(&resp.body),
              "{\"__type\":\"InvalidRequestException\",\"message\":\"bad \\\"x\\\"\\n\"}");
    /* A second error replaces the first body. */
    json_api_error(&resp, 500, "InternalServerException", "%s", "\xff");
    CHECK_STR(buf_str(&resp.body),
              "{\"__type\":\"InternalServerException\",\"message\":\"\xef\xbf\xbd\"}");
    srv_response_free(&resp);
}

static void test_json_ok(void)
{
    srv_response resp = {0};
    json_t *obj = json_pack("{s:i}", "A", 1);
    json_api_ok(&resp, obj);
    CHECK_INT(resp.status, 200);
    CHECK_STR(buf_str(&resp.body), "{\"A\":1}");
    CHECK_INT(obj->refcount, 1);
    json_decref(obj);
    json_api_ok(&resp, NULL);
    CHECK_STR(buf_str(&resp.body), "{}");
    srv_response_free(&resp);
}

static const char *error_after(int rc, srv_response *resp)
{
    return rc == -1 ? buf_str(&resp->body) : "(no error)";
}

static void test_json_string(void)
{
    json_t *in = json_pack("{s:s,s:i,s:n,s:s,s:s#}", "QueryString", "SELECT 1", "Num", 3,
                           "Nothing", "Name", "\xc3\xa9\xc3\xa9\xc3\xa9", "Nul", "a\0b", 3);
    srv_response resp = {0};
    const char *s = NULL;
    CHECK_INT(json_api_string(in, "QueryString", 1, 1, 262144, &s, &resp), 0);
    CHECK_STR(s, "SELECT 1");
    CHECK_INT(json_api_string(in, "Absent", 0, 1, 10, &s, &resp), 1);
    CHECK(s == NULL);
    CHECK_INT(json_api_string(in, "Nothing", 0, 1, 10, &s, &resp), 1);  /* null = absent */
    CHECK_INT(resp.status, 0);
    CHECK_STR(error_after(json_api_string(in, "WorkGroup", 1, 1, 128, &s, &resp), &resp),
              "{\"__type\":\"InvalidRequestException\",\"message\":\"1 validation error "
              "detected: Value null at 'workGroup' failed to satisfy constraint: Member must "
              "not be null\"}");
    CHECK_INT(resp.status, 400);
    CHECK_STR(error_after(json_api_string(in, "Num", 1, 1, 10, &s, &resp), &resp),
              "{\"__type\":\"SerializationException\",\"message\":\"Member 'Num' must be a "
              "string in the JSON request body.\"}");
    /* Lengths count characters, not bytes: 3 characters in 6 bytes. */
    CHECK_INT(json_api_string(in, "Name", 1, 3, 3, &s, &resp), 0);
    CHECK_STR(error_after(json_api_string(in, "Name", 1, 4, 10, &s, &resp), &resp),
              "{\"__type\":\"InvalidRequestException\",\"message\":\"1 validation error "
              "detected: Value '\xc3\xa9\xc3\xa9\xc3\xa9' at 'name' failed to satisfy "
              "constraint: Member must have length greater than or equal to 4\"}");
    CHECK_STR(error_after(json_api_string(in, "QueryString", 1, 1, 2, &s, &resp), &resp),
              "{\"__type\":\"InvalidRequestException\",\"message\":\"1 validation error "
              "detected: Value 'SELECT 1' at 'queryString' failed to satisfy constraint: "
              "Member must have length less than or equal to 2\"}");
    CHECK_INT(json_api_string(in, "Nul", 1, 1, 10, &s, &resp), -1);
    CHECK(strstr(buf_str(&resp.body), "Member must not contain the NUL character") != NULL);
    json_decref(in);
    srv_response_free(&resp);
}

static void test_json_long_value_is_cut_in_messages(void)
{
    char big[400];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    json_t *in = json_pack("{s:s}", "Name", big);
    srv_response resp = {0};
    const char *s;
    CHECK_INT(json_api_string(in, "Name", 1, 1, 128, &s, &resp), -1);
    char expected[200];
    snprintf(expected, sizeof expected, "Value '%.128s...' at 'name'", big);
    CHECK(strstr(buf_str(&resp.body), expected) != NULL);
    json_decref(in);
    srv_response_free(&resp);
}

static void test_json_int_bool_object_array(void)
{
    json_t *in = json_pack("{s:I,s:b,s:{},s:[i,i,i],s:s}", "MaxResults", (json_int_t)50,
                           "Flag", 1, "Config", "List", 1, 2, 3, "Text", "x");
    srv_response resp = {0};
    long long v = 0;
    int b = 0;
    const json_t *o = NULL;
    CHECK_INT(json_api_int(in, "MaxResults", 0, 1, 50, &v, &resp), 0);
    CHECK_INT(v, 50);
    CHECK_STR(error_after(json_api_int(in, "MaxResults", 0, 1, 10, &v, &resp), &resp),
              "{\"__type\":\"InvalidRequestException\",\"message\":\"1 validation error "
              "detected: Value '50' at 'maxResults' failed to satisfy constraint: Member must "
              "have value less than or equal to 10\"}");
    CHECK_INT(json_api_int(in, "MaxResults", 0, 51, 100, &v, &resp), -1);
    CHECK(strstr(buf_str(&resp.body), "greater than or equal to 51") != NULL);
    CHECK_INT(json_api_int(in, "Text", 0, 0, 1, &v, &resp), -1);
    CHECK(strstr(buf_str(&resp.body), "SerializationException") != NULL);
    CHECK_INT(json_api_bool(in, "Flag", 1, &b, &resp), 0);
    CHECK_INT(b, 1);
    CHECK_INT(json_api_bool(in, "Text", 1, &b, &resp), -1);
    CHECK_INT(json_api_object(in, "Config", 1, &o, &resp), 0);
    CHECK(json_is_object(o));
    CHECK_INT(json_api_object(in, "List", 1, &o, &resp), -1);
    CHECK(o == NULL);
    CHECK_INT(json_api_array(in, "List", 1, 3, &o, &resp), 0);
    CHECK_INT(json_array_size(o), 3);
    CHECK_INT(json_api_array(in, "List", 1, 2, &o, &resp), -1);
    CHECK(strstr(buf_str(&resp.body), "Member must have length less than or equal to 2") != NULL);
    CHECK_INT(json_api_array(in, "Missing", 0, 2, &o, &resp), 1);
    CHECK_INT(json_api_array(in, "Missing", 1, 2, &o, &resp), -1);
    json_decref(in);
    srv_response_free(&resp);
}

/* ---- auth ---- */

static void init_server(server *s)
{
    memset(s, 0, sizeof *s);
    s->settings.region = "us-east-1";
    s->settings.account_id = "123456789012";
    strcpy(s->root_access_key_id, KEY_ID);
    strcpy(s->root_secret, SECRET);
}

/* A request signed like an SDK would sign it; headers live in *store. */
typedef struct signed_req {
    srv_header headers[8];
    sigv4_signed sig;
    srv_request req;
} signed_req;

static void sign_request(signed_req *r, const char *key, const char *secret, const char *region,
                         const char *service, const char *token, time_t when)
{
    static const char body[] = "{}";
    memset(r, 0, sizeof *r);
    sigv4_header in[] = {{"Host", "127.0.0.1:1"}, {"X-Amz-Target", "AmazonAthena.ListWorkGroups"}};
    sigv4_request sreq = {"POST", "/", "", in, 2, body, 2, NULL};
    sigv4_params p = {key, secret, token, region, service, when, 0, 0, 0, 0, 0};
    if (sigv4_sign_headers(&sreq, &p, &r->sig) != 0)
        return;
    size_t n = 0;
    for (size_t i = 0; i < 2; i++)
        r->headers[n++] = (srv_header){(char *)in[i].name, (char *)in[i].value};
    for (size_t i = 0; i < r->sig.added_count; i++)
        r->headers[n++] = (srv_header){(char *)r->sig.added[i].name, (char *)r->sig.added[i].value};
    r->headers[n++] = (srv_header){"Authorization", r->sig.authorization};
    r->req.method = "POST";
    r->req.path = "/";
    r->req.query = "";
    r->req.headers = r->headers;
    r->req.header_count = n;
    r->req.body = body;
    r->req.body_len = 2;
    strcpy(r->req.request_id, "11111111-2222-4333-8444-555555555555");
}

static const char *verify(server *s, signed_req *r, auth_protocol protocol, const char *service,
                          srv_response *resp)
{
    buf_reset(&resp->body);
    resp->status = 0;
    return auth_verify(s, &r->req, protocol, service, NULL, resp) == 0 ? "OK"
                                                                        : buf_str(&resp->body);
}

static void test_auth_accepts_root_and_fills_caller(void)
{
    server s;
    init_server(&s);
    signed_req r;
    sign_request(&r, KEY_ID, SECRET, "us-east-1", "athena", NULL, time(NULL));
    srv_response resp = {0};
    char service[AUTH_SERVICE_CAP] = "";
    REQUIRE(auth_verify(&s, &r.req, AUTH_PROTOCOL_JSON, "athena", service, &resp) == 0);
    CHECK_STR(service, "athena");
    CHECK_STR(r.req.caller.access_key_id, KEY_ID);
    CHECK_STR(r.req.caller.arn, "arn:aws:iam::123456789012:root");
    CHECK_STR(r.req.caller.user_name, "");
    CHECK_INT(r.req.caller.is_root, 1);
    CHECK_INT(r.req.caller.kind, SRV_PRINCIPAL_ROOT);
    CHECK_INT(resp.status, 0);
    sigv4_signed_free(&r.sig);
    srv_response_free(&resp);
}

static void test_auth_json_errors(void)
{
    server s;
    init_server(&s);
    signed_req r;
    srv_response resp = {0};
    sign_request(&r, KEY_ID, "wrong", "us-east-1", "athena", NULL, time(NULL));
    CHECK_STR(verify(&s, &r, AUTH_PROTOCOL_JSON, "athena", &resp),
              "{\"__type\":\"InvalidSignatureException\",\"message\":\"The request signature we "
              "calculated does not match the signature you provided. Check your AWS Secret "
              "Access Key and signing method. Consult the service documentation for "
              "details.\"}");
    CHECK_INT(resp.status, 403);
    CHECK_INT(r.req.caller.is_root, 0);
    CHECK_INT(r.req.caller.kind, SRV_PRINCIPAL_NONE);   /* a refused signature names no one */
    sigv4_signed_free(&r.sig);

    sign_request(&r, "AKIANOTKNOWN", SECRET, "us-east-1", "athena", NULL, time(NULL));
    CHECK_STR(verify(&s, &r, AUTH_PROTOCOL_JSON, "athena", &resp),
              "{\"__type\":\"UnrecognizedClientException\",\"message\":\"The security token "
              "included in the request is invalid.\"}");
    CHECK_INT(resp.status, 400);
    sigv4_signed_free(&r.sig);

    sign_request(&r, KEY_ID, SECRET, "us-east-1", "athena", "a-session-token", time(NULL));
    CHECK_STR(verify(&s, &r, AUTH_PROTOCOL_JSON, "athena", &resp),
              "{\"__type\":\"UnrecognizedClientException\",\"message\":\"The security token "
              "included in the request is invalid.\"}");
    sigv4_signed_free(&r.sig);

    sign_request(&r, KEY_ID, SECRET, "eu-west-1", "athena", NULL, time(NULL));
    CHECK_STR(verify(&s, &r, AUTH_PROTOCOL_JSON, "athena", &resp),
              "{\"__type\":\"InvalidSignatureException\",\"message\":\"Credential should be "
              "scoped to a valid region, not 'eu-west-1'. athena-local serves region "
              "'us-east-1'.\"}");
    sigv4_signed_free(&r.sig);

    sign_request(&r, KEY_ID, SECRET, "us-east-1", "glue", NULL, time(NULL));
    CHECK_STR(verify(&s, &r, AUTH_PROTOCOL_JSON, "athena", &resp),
              "{\"__type\":\"InvalidSignatureException\",\"message\":\"Credential should be "
              "scoped to correct service: 'athena'.\"}");
    CHECK_STR(verify(&s, &r, AUTH_PROTOCOL_JSON, NULL, &resp), "OK");
    sigv4_signed_free(&r.sig);

    sign_request(&r, KEY_ID, SECRET, "us-east-1", "athena", NULL, time(NULL) - 20 * 60);
    static const char expired[] =
        "{\"__type\":\"InvalidSignatureException\",\"message\":\"Signature expired: ";
    CHECK(strncmp(verify(&s, &r, AUTH_PROTOCOL_JSON, "athena", &resp), expired,
                  strlen(expired)) == 0);
    CHECK_INT(resp.status, 403);
    r.req.header_count = 2;  /* no X-Amz-Date, no Authorization */
    CHECK_STR(verify(&s, &r, AUTH_PROTOCOL_JSON, "athena", &resp),
              "{\"__type\":\"MissingAuthenticationTokenException\",\"message\":\"Missing "
              "Authentication Token\"}");
    CHECK_INT(resp.status, 403);
    sigv4_signed_free(&r.sig);
    srv_response_free(&resp);
}

static void test_auth_xml_errors(void)
{
    server s;
    init_server(&s);
    signed_req r;
    srv_response resp = {0};
    sign_request(&r, "AKIANOTKNOWN", SECRET, "us-east-1", "sts", NULL, time(NULL));
    CHECK_STR(verify(&s, &r, AUTH_PROTOCOL_QUERY, NULL, &resp),
              "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
              "<Message>The security token included in the request is invalid.</Message>"
              "</Error><RequestId>11111111-2222-4333-8444-555555555555</RequestId>"
              "</ErrorResponse>");
    CHECK_INT(resp.status, 403);
    CHECK_STR(resp.content_type, "text/xml");
    sigv4_signed_free(&r.sig);

    r.req.header_count = 0;
    r.req.request_id[0] = '\0';
    CHECK_STR(verify(&s, &r, AUTH_PROTOCOL_S3, "s3", &resp),
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
              "<Message>Access Denied</Message><RequestId></RequestId></Error>");
    CHECK_STR(resp.content_type, "application/xml");
    CHECK_INT(resp.status, 403);

    auth_write_error(AUTH_PROTOCOL_S3, &r.req, &resp, 400, "Bad<&>", "a<b & c>\x01\xff\"");
    CHECK_STR(buf_str(&resp.body),
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>Bad&lt;&amp;&gt;</Code>"
              "<Message>a&lt;b &amp; c&gt;??&quot;</Message><RequestId></RequestId></Error>");
    auth_write_error(AUTH_PROTOCOL_QUERY, &r.req, &resp, 500, "InternalFailure", "x");
    CHECK(strstr(buf_str(&resp.body), "<Type>Receiver</Type>") != NULL);
    srv_response_free(&resp);
}

static void test_lookup_key(void)
{
    server s;
    init_server(&s);
    char secret[64];
    srv_caller caller;
    CHECK_INT(server_lookup_key(&s, KEY_ID, secret, sizeof secret, &caller), 0);
    CHECK_STR(secret, SECRET);
    CHECK_INT(server_lookup_key(&s, "ALKIUNITTESTKEY0000", secret, sizeof secret, &caller), -1);
    CHECK_INT(server_lookup_key(&s, KEY_ID, secret, 5, &caller), -1);  /* does not fit */
    s.root_access_key_id[0] = '\0';
    CHECK_INT(server_lookup_key(&s, "", secret, sizeof secret, &caller), -1);
}

/* ---- root credentials ---- */

static void make_temp_dir(char *out, size_t cap)
{
    snprintf(out, cap, "/tmp/athena-front-unit-XXXXXX");
    if (!mkdtemp(out))
        out[0] = '\0';
}

static void remove_dir(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, ROOT_CREDENTIALS_FILE);
    unlink(path);
    rmdir(dir);
}

static void test_root_credentials_generated_then_reused(void)
{
    unsetenv(ROOT_ENV_ACCESS_KEY_ID);
    unsetenv(ROOT_ENV_SECRET_ACCESS_KEY);
    char dir[64], err[256] = "", path[512];
    make_temp_dir(dir, sizeof dir);
    REQUIRE(dir[0]);
    root_credentials a, b;
    REQUIRE(root_credentials_load(dir, &a, err, sizeof err) == 0);
    CHECK_INT(a.generated, 1);
    CHECK_INT(strlen(a.access_key_id), 20);
    CHECK(strncmp(a.access_key_id, "ALKI", 4) == 0);
    CHECK_INT(strspn(a.access_key_id + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), 16);
    CHECK_INT(strlen(a.secret), 40);
    CHECK_STR(a.warning, "");
    snprintf(path, sizeof path, "%s/%s", dir, ROOT_CREDENTIALS_FILE);
    struct stat st;
    REQUIRE(stat(path, &st) == 0);
    CHECK_INT(st.st_mode & 0777, 0600);
    REQUIRE(root_credentials_load(dir, &b, err, sizeof err) == 0);
    CHECK_INT(b.generated, 0);
    CHECK_STR(b.access_key_id, a.access_key_id);
    CHECK_STR(b.secret, a.secret);
    chmod(path, 0640);
    REQUIRE(root_credentials_load(dir, &b, err, sizeof err) == 0);
    CHECK(strstr(b.warning, "is accessible by other users (mode 0640)") != NULL);
    CHECK(strstr(b.warning, b.secret) == NULL);
    root_credentials_clear(&b);
    CHECK_STR(b.secret, "");
    /* Half-set environment: warned about, the file's key is used. */
    setenv(ROOT_ENV_ACCESS_KEY_ID, "ALKIENVONLY", 1);
    chmod(path, 0600);
    REQUIRE(root_credentials_load(dir, &b, err, sizeof err) == 0);
    CHECK_STR(b.access_key_id, a.access_key_id);
    CHECK(strstr(b.warning, "only one of") != NULL);
    /* Both set: the environment wins and the file is not touched. */
    setenv(ROOT_ENV_SECRET_ACCESS_KEY, "env-secret", 1);
    REQUIRE(root_credentials_load(dir, &b, err, sizeof err) == 0);
    CHECK_STR(b.access_key_id, "ALKIENVONLY");
    CHECK_STR(b.secret, "env-secret");
    CHECK_INT(b.from_environment, 1);
    setenv(ROOT_ENV_ACCESS_KEY_ID, "has space", 1);
    CHECK_INT(root_credentials_load(dir, &b, err, sizeof err), -1);
    CHECK_STR(err, "ATHENA_LOCAL_ACCESS_KEY_ID must be 1 to 128 letters, digits or '_'");
    unsetenv(ROOT_ENV_ACCESS_KEY_ID);
    unsetenv(ROOT_ENV_SECRET_ACCESS_KEY);
    root_credentials_clear(&a);
    remove_dir(dir);
}

static void test_root_credentials_bad_file(void)
{
    char dir[64], err[512] = "", path[512];
    make_temp_dir(dir, sizeof dir);
    REQUIRE(dir[0]);
    snprintf(path, sizeof path, "%s/%s", dir, ROOT_CREDENTIALS_FILE);
    FILE *f = fopen(path, "w");
    REQUIRE(f);
    fputs("# only a key\naws_access_key_id = ALKIX\n", f);
    fclose(f);
    root_credentials c;
    CHECK_INT(root_credentials_load(dir, &c, err, sizeof err), -1);
    CHECK(strstr(err, "does not hold a valid aws_access_key_id and aws_secret_access_key") != NULL);
    remove_dir(dir);
}

int main(void)
{
    RUN(test_header_helpers);
    RUN(test_json_error_body);
    RUN(test_json_ok);
    RUN(test_json_string);
    RUN(test_json_long_value_is_cut_in_messages);
    RUN(test_json_int_bool_object_array);
    RUN(test_auth_accepts_root_and_fills_caller);
    RUN(test_auth_json_errors);
    RUN(test_auth_xml_errors);
    RUN(test_lookup_key);
    RUN(test_root_credentials_generated_then_reused);
    RUN(test_root_credentials_bad_file);
    return test_summary();
}
