/*
 * test_sigv4.c: SigV4 signing against AWS's test suite (every folder of
 * tests/fixtures/sigv4/v4, header and query signing), S3 rules, session
 * tokens, verification round trips, every rejection sigv4_verify makes and
 * the per-thread signing-key cache (keyed by secret and scope).
 * The crypto helpers underneath are tested in test_crypto.c.
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "crypto.h"
#include "sigv4.h"
#include "test.h"

#define AKID "AKIDEXAMPLE"
#define SECRET "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define T_2015 ((time_t)1440938160) /* 2015-08-30T12:36:00Z, the suite's time */
#define MAX_HEADERS 32

/* ---- Files ---- */

#define PATH_CAP 2048

/* dir/name into out (PATH_CAP bytes); "" if it does not fit. */
static void path_in(char *out, const char *dir, const char *name)
{
    if (snprintf(out, PATH_CAP, "%s/%s", dir, name) >= PATH_CAP)
        out[0] = '\0';
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    if (len)
        *len = b.len;
    return buf_detach(&b);
}

/* ATHENA_FIXTURES (CTest), else ATHENA_SOURCE_DIR, else next to this file. */
static void suite_dir(char *out, size_t cap)
{
    const char *fixtures = getenv("ATHENA_FIXTURES");
    const char *source = getenv("ATHENA_SOURCE_DIR");
    if (fixtures && *fixtures)
        snprintf(out, cap, "%s/sigv4/v4", fixtures);
    else if (source && *source)
        snprintf(out, cap, "%s/tests/fixtures/sigv4/v4", source);
    else
        snprintf(out, cap, "%.*s/../fixtures/sigv4/v4",
                 (int)(strrchr(__FILE__, '/') ? strrchr(__FILE__, '/') - __FILE__ : 1),
                 strrchr(__FILE__, '/') ? __FILE__ : ".");
}

/* Expected-output files may or may not end with a newline. */
static char *read_expected(const char *dir, const char *name)
{
    char path[PATH_CAP];
    path_in(path, dir, name);
    size_t len;
    char *s = read_file(path, &len);
    while (s && len && s[len - 1] == '\n')
        s[--len] = '\0';
    return s;
}

/* ---- request.txt ---- */

typedef struct parsed_request {
    char *text; /* owns every string below */
    const char *method, *path, *query, *version;
    sigv4_header headers[MAX_HEADERS];
    size_t header_count;
    const char *body;
    size_t body_len;
} parsed_request;

/* The end of a header whose value may continue on lines starting with
 * whitespace (obsolete line folding, which the suite uses). */
static char *header_end(char *p, char *end)
{
    for (char *e = p;; e++) {
        e = memchr(e, '\n', (size_t)(end - e));
        if (!e || e + 1 >= end || (e[1] != ' ' && e[1] != '\t'))
            return e ? e : end;
    }
}

static int parse_request_line(char *line, parsed_request *r)
{
    char *sp1 = strchr(line, ' '), *sp2 = strrchr(line, ' ');
    if (!sp1 || sp1 == sp2)
        return -1;
    *sp1 = *sp2 = '\0';
    r->method = line;
    r->path = sp1 + 1;
    r->version = sp2 + 1;
    char *q = strchr(sp1 + 1, '?');
    if (q) {
        *q = '\0';
        r->query = q + 1;
    }
    return 0;
}

static int parse_request(const char *path, parsed_request *r)
{
    size_t len;
    memset(r, 0, sizeof *r);
    r->text = read_file(path, &len);
    if (!r->text)
        return -1;
    char *end = r->text + len, *eol = strchr(r->text, '\n');
    if (!eol)
        eol = end;
    *eol = '\0';
    if (parse_request_line(r->text, r) != 0)
        return -1;
    char *p = eol < end ? eol + 1 : end;
    while (p < end && *p != '\n') {
        char *e = header_end(p, end), *colon = memchr(p, ':', (size_t)(e - p));
        if (!colon || r->header_count == MAX_HEADERS)
            return -1;
        *e = *colon = '\0';
        r->headers[r->header_count++] = (sigv4_header){p, colon + 1};
        p = e < end ? e + 1 : end;
    }
    r->body = p < end ? p + 1 : end; /* after the blank line */
    r->body_len = (size_t)(end - r->body);
    return 0;
}

static sigv4_request as_sigv4_request(const parsed_request *r)
{
    sigv4_request req = {r->method, r->path, r->query, r->headers, r->header_count,
                         r->body, r->body_len, NULL};
    return req;
}

/* The signed request as the suite writes it: request line, the original
 * headers, the added ones and Authorization (header signing), blank line, body. */
static char *signed_request_text(const parsed_request *r, const sigv4_signed *s, int query)
{
    buf b = BUF_INIT;
    buf_printf(&b, "%s %s", r->method, r->path);
    if (query)
        buf_printf(&b, "?%s", s->query);
    else if (r->query)
        buf_printf(&b, "?%s", r->query);
    buf_printf(&b, " %s\n", r->version);
    for (size_t i = 0; i < r->header_count; i++)
        buf_printf(&b, "%s:%s\n", r->headers[i].name, r->headers[i].value);
    for (size_t i = 0; !query && i < s->added_count; i++)
        buf_printf(&b, "%s:%s\n", s->added[i].name, s->added[i].value);
    if (!query)
        buf_printf(&b, "Authorization:%s\n", s->authorization);
    buf_putc(&b, '\n');
    buf_append(&b, r->body, r->body_len);
    return buf_detach(&b);
}

/* ---- context.json ---- */

static time_t parse_iso_time(const char *s)
{
    struct tm tm = {0};
    if (sscanf(s, "%d-%d-%dT%d:%d:%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return (time_t)-1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm);
}

/* Fills params from context.json; strings point into *root (json_decref it). */
static int load_context(const char *dir, sigv4_params *p, json_t **root)
{
    char path[PATH_CAP];
    path_in(path, dir, "context.json");
    *root = json_load_file(path, 0, NULL);
    json_t *creds = json_object_get(*root, "credentials");
    if (!*root || !json_is_object(creds))
        return -1;
    memset(p, 0, sizeof *p);
    p->access_key_id = json_string_value(json_object_get(creds, "access_key_id"));
    p->secret_access_key = json_string_value(json_object_get(creds, "secret_access_key"));
    p->session_token = json_string_value(json_object_get(creds, "token"));
    p->region = json_string_value(json_object_get(*root, "region"));
    p->service = json_string_value(json_object_get(*root, "service"));
    p->expires = (long)json_integer_value(json_object_get(*root, "expiration_in_seconds"));
    p->no_path_normalization = json_is_false(json_object_get(*root, "normalize"));
    p->content_sha256_header = json_is_true(json_object_get(*root, "sign_body"));
    p->session_token_unsigned = json_is_true(json_object_get(*root, "omit_session_token"));
    const char *ts = json_string_value(json_object_get(*root, "timestamp"));
    p->time = ts ? parse_iso_time(ts) : (time_t)-1;
    return p->access_key_id && p->secret_access_key && p->region && p->service ? 0 : -1;
}

/* ---- The suite ---- */

static void check_file(const char *dir, const char *prefix, const char *suffix, const char *got)
{
    char name[128];
    snprintf(name, sizeof name, "%s-%s", prefix, suffix);
    char *want = read_expected(dir, name);
    CHECK(want != NULL);
    if (want)
        CHECK_STR(got, want);
    free(want);
}

/* Signs one case one way (header or query) and compares every artifact. */
static void run_case(const char *dir, const parsed_request *r, const sigv4_params *p, int query)
{
    const char *prefix = query ? "query" : "header";
    sigv4_request req = as_sigv4_request(r);
    sigv4_signed s;
    int rc = query ? sigv4_sign_query(&req, p, &s) : sigv4_sign_headers(&req, p, &s);
    CHECK_INT(rc, 0);
    if (rc != 0)
        return;
    check_file(dir, prefix, "canonical-request.txt", s.canonical_request);
    check_file(dir, prefix, "string-to-sign.txt", s.string_to_sign);
    check_file(dir, prefix, "signature.txt", s.signature);
    char *text = signed_request_text(r, &s, query);
    char path[PATH_CAP];
    path_in(path, dir, query ? "query-signed-request.txt" : "header-signed-request.txt");
    char *want = read_file(path, NULL); /* compared byte for byte */
    CHECK(want != NULL);
    if (want)
        CHECK_STR(text, want);
    free(want);
    free(text);
    sigv4_signed_free(&s);
}

/* Returns 1 when the case passed both ways. */
static int run_suite_case(const char *root, const char *name)
{
    char dir[PATH_CAP], path[PATH_CAP];
    path_in(dir, root, name);
    path_in(path, dir, "request.txt");
    int before = test_failures;
    parsed_request r;
    sigv4_params p;
    json_t *ctx = NULL;
    CHECK_INT(parse_request(path, &r), 0);
    CHECK_INT(load_context(dir, &p, &ctx), 0);
    if (test_failures == before) {
        run_case(dir, &r, &p, 0);
        run_case(dir, &r, &p, 1);
    }
    json_decref(ctx);
    free(r.text);
    if (test_failures != before)
        fprintf(stderr, "  ^ in suite case %s\n", name);
    return test_failures == before;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_aws_suite(void)
{
    char root[PATH_CAP];
    suite_dir(root, sizeof root);
    DIR *d = opendir(root);
    if (!d)
        fprintf(stderr, "cannot open the SigV4 suite at %s\n", root);
    REQUIRE(d != NULL);
    char *names[512];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 512) {
        char dir[PATH_CAP], probe[PATH_CAP];
        path_in(dir, root, e->d_name);
        path_in(probe, dir, "context.json");
        FILE *f = e->d_name[0] != '.' ? fopen(probe, "r") : NULL;
        if (f) {
            fclose(f);
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_names);
    size_t passed = 0;
    for (size_t i = 0; i < n; i++) {
        passed += (size_t)run_suite_case(root, names[i]);
        free(names[i]);
    }
    printf("     AWS SigV4 suite: %zu of %zu cases passed (header and query signing)\n",
           passed, n);
    CHECK(n > 0);
    CHECK_INT(passed, n);
}

/* ---- Helpers for the hand-written cases ---- */

static sigv4_params params_at(time_t t)
{
    sigv4_params p = {AKID, SECRET, NULL, "us-east-1", "athena", t, 0, 0, 3600, 0, 0};
    return p;
}

static int lookup_secret(void *user_data, const char *access_key_id, char *secret, size_t cap)
{
    (void)user_data;
    if (strcmp(access_key_id, AKID) != 0)
        return -1;
    snprintf(secret, cap, "%s", SECRET);
    return 0;
}

/* A request as the server receives it: the headers sent plus those the signer added. */
typedef struct wire_request {
    sigv4_header headers[MAX_HEADERS];
    sigv4_request req;
} wire_request;

static void to_wire(wire_request *w, const sigv4_request *sent, const sigv4_signed *s, int query)
{
    size_t n = 0;
    for (size_t i = 0; i < sent->header_count; i++)
        w->headers[n++] = sent->headers[i];
    for (size_t i = 0; !query && i < s->added_count; i++)
        w->headers[n++] = s->added[i];
    if (!query)
        w->headers[n++] = (sigv4_header){"Authorization", s->authorization};
    w->req = *sent;
    w->req.headers = w->headers;
    w->req.header_count = n;
    w->req.payload_hash = NULL;
    if (query)
        w->req.query = s->query;
}

static sigv4_verdict verify_at(const sigv4_request *req, int s3, time_t now, sigv4_verified *v)
{
    sigv4_verdict r = sigv4_verify(req, s3, now, lookup_secret, NULL, v);
    CHECK(strstr(v->message, SECRET) == NULL);
    return r;
}

static const sigv4_header athena_headers[] = {
    {"Host", "athena.us-east-1.amazonaws.com"},
    {"Content-Type", "application/x-amz-json-1.1"},
    {"X-Amz-Target", "AmazonAthena.StartQueryExecution"},
};
static const char athena_body[] = "{\"QueryString\":\"SELECT 1\"}";

static sigv4_request athena_request(void)
{
    sigv4_request req = {"POST", "/", NULL, athena_headers, 3,
                         athena_body, sizeof athena_body - 1, NULL};
    return req;
}

/* Canonical request line i: 0-based from the start, negative from the end. */
static char *creq_line(const char *creq, int i)
{
    int lines = 1;
    for (const char *q = creq; (q = strchr(q, '\n')) != NULL; q++)
        lines++;
    if (i < 0)
        i += lines;
    if (i < 0 || i >= lines)
        return NULL;
    const char *p = creq;
    while (i-- > 0)
        p = strchr(p, '\n') + 1;
    return strndup(p, strcspn(p, "\n"));
}

#define CHECK_LINE(creq, i, want)                                                          \
    do {                                                                                   \
        char *line_ = creq_line((creq), (i));                                              \
        CHECK_STR(line_, (want));                                                          \
        free(line_);                                                                       \
    } while (0)

/* ---- S3 ---- */

/* AWS's documented S3 example "GET Object" (header signing). */
static void test_s3_documented_get_object(void)
{
    static const sigv4_header h[] = {{"Host", "examplebucket.s3.amazonaws.com"},
                                     {"Range", "bytes=0-9"}};
    sigv4_request req = {"GET", "/test.txt", NULL, h, 2, NULL, 0, NULL};
    sigv4_params p = {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL,
                      "us-east-1", "s3", (time_t)1369353600, 1, 0, 0, 0, 0};
    sigv4_signed s;
    REQUIRE(sigv4_sign_headers(&req, &p, &s) == 0);
    CHECK_STR(s.signature, "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    CHECK_INT(s.added_count, 2);
    CHECK_STR(s.added[1].name, "x-amz-content-sha256");
    CHECK_STR(s.added[1].value, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(strstr(s.authorization, "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"));
    sigv4_signed_free(&s);
}

/* AWS's documented S3 presigned URL example. */
static void test_s3_documented_presigned_url(void)
{
    static const sigv4_header h[] = {{"Host", "examplebucket.s3.amazonaws.com"}};
    sigv4_request req = {"GET", "/test.txt", NULL, h, 1, NULL, 0, NULL};
    sigv4_params p = {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", NULL,
                      "us-east-1", "s3", (time_t)1369353600, 1, 0, 86400, 0, 0};
    sigv4_signed s;
    REQUIRE(sigv4_sign_query(&req, &p, &s) == 0);
    CHECK_STR(s.signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    CHECK_LINE(s.canonical_request, -1, SIGV4_UNSIGNED_PAYLOAD);
    sigv4_signed_free(&s);
}

/* S3 signs the wire path as is: no second encoding, no normalization. */
static void test_s3_path_not_reencoded(void)
{
    static const sigv4_header h[] = {{"Host", "bucket.s3.amazonaws.com"}};
    const char *path = "/my%20dir/./a%2Bb//c%3Fd";
    sigv4_request req = {"PUT", path, "x-id=PutObject", h, 1, "data", 4, NULL};
    sigv4_params p = params_at(T_2015);
    p.service = "s3";
    p.s3 = 1;
    sigv4_signed s;
    REQUIRE(sigv4_sign_headers(&req, &p, &s) == 0);
    CHECK_LINE(s.canonical_request, 1, path);
    char hash[SHA256_HEX_LEN + 1];
    sha256_hex("data", 4, hash);
    CHECK_STR(s.payload_hash, hash);
    CHECK_LINE(s.canonical_request, -2, "host;x-amz-content-sha256;x-amz-date");
    sigv4_signed_free(&s);

    p.s3 = 0; /* the same path for another service: normalized, encoded again */
    REQUIRE(sigv4_sign_headers(&req, &p, &s) == 0);
    CHECK_LINE(s.canonical_request, 1, "/my%2520dir/a%252Bb/c%253Fd");
    CHECK_INT(s.added_count, 1);
    sigv4_signed_free(&s);
}

static void test_s3_unsigned_payload(void)
{
    static const sigv4_header h[] = {{"Host", "bucket.s3.amazonaws.com"}};
    sigv4_request req = {"PUT", "/key", NULL, h, 1, "data", 4, SIGV4_UNSIGNED_PAYLOAD};
    sigv4_params p = params_at(T_2015);
    p.service = "s3";
    p.s3 = 1;
    sigv4_signed s;
    REQUIRE(sigv4_sign_headers(&req, &p, &s) == 0);
    CHECK_STR(s.payload_hash, SIGV4_UNSIGNED_PAYLOAD);
    CHECK_STR(s.added[s.added_count - 1].value, SIGV4_UNSIGNED_PAYLOAD);
    CHECK_LINE(s.canonical_request, -1, SIGV4_UNSIGNED_PAYLOAD);
    wire_request w;
    to_wire(&w, &req, &s, 0);
    sigv4_verified v;
    CHECK_INT(verify_at(&w.req, 1, T_2015, &v), SIGV4_OK);
    sigv4_signed_free(&s);
}

static void test_content_sha256_for_other_services(void)
{
    sigv4_request req = athena_request();
    sigv4_params p = params_at(T_2015);
    p.content_sha256_header = 1;
    sigv4_signed s;
    REQUIRE(sigv4_sign_headers(&req, &p, &s) == 0);
    CHECK_INT(s.added_count, 2);
    CHECK(strstr(s.authorization, "x-amz-content-sha256;x-amz-date;x-amz-target"));
    sigv4_signed_free(&s);
}

/* ---- Session tokens and input checks ---- */

static void test_session_token(void)
{
    sigv4_request req = athena_request();
    sigv4_params p = params_at(T_2015);
    char *token = strdup("TOKEN/with+chars=");
    p.session_token = token;
    sigv4_signed s;
    REQUIRE(sigv4_sign_headers(&req, &p, &s) == 0);
    secure_free_str(token); /* callers wipe credentials right after signing */
    p.session_token = "TOKEN/with+chars=";
    CHECK_STR(s.added[0].name, "X-Amz-Security-Token");
    CHECK_STR(s.added[0].value, p.session_token);
    CHECK(strstr(s.authorization, ";x-amz-security-token;"));
    wire_request w;
    to_wire(&w, &req, &s, 0);
    sigv4_verified v;
    CHECK_INT(verify_at(&w.req, 0, T_2015, &v), SIGV4_OK);
    CHECK_STR(v.session_token, p.session_token);
    sigv4_signed_free(&s);

    REQUIRE(sigv4_sign_query(&req, &p, &s) == 0);
    CHECK(strstr(s.query, "&X-Amz-Security-Token=TOKEN%2Fwith%2Bchars%3D&X-Amz-Signature="));
    to_wire(&w, &req, &s, 1);
    CHECK_INT(verify_at(&w.req, 0, T_2015, &v), SIGV4_OK);
    CHECK_STR(v.session_token, p.session_token);
    sigv4_signed_free(&s);
}

static void test_sign_rejects_bad_input(void)
{
    static const sigv4_header no_host[] = {{"Content-Type", "text/plain"}};
    static const sigv4_header has_date[] = {{"Host", "h"}, {"X-Amz-Date", "20150830T123600Z"}};
    sigv4_request req = {"GET", "/", NULL, no_host, 1, NULL, 0, NULL};
    sigv4_params p = params_at(T_2015);
    sigv4_signed s;
    CHECK_INT(sigv4_sign_headers(&req, &p, &s), -1);
    req.headers = has_date;
    req.header_count = 2;
    CHECK_INT(sigv4_sign_headers(&req, &p, &s), -1);
    req.header_count = 1;
    req.query = "a=%zz";
    CHECK_INT(sigv4_sign_headers(&req, &p, &s), -1);
    req.query = NULL;
    p.expires = 604801;
    CHECK_INT(sigv4_sign_query(&req, &p, &s), -1);
    p.expires = 0;
    CHECK_INT(sigv4_sign_query(&req, &p, &s), -1);
    p = params_at(T_2015);
    p.region = "us/east";
    CHECK_INT(sigv4_sign_headers(&req, &p, &s), -1);
    CHECK(s.authorization == NULL);
}

/* ---- Verification ---- */

static void test_verify_header_round_trip(void)
{
    sigv4_request req = athena_request();
    req.path = "/a/../b%20c";
    req.query = "z=1&a=%7E";
    sigv4_params p = params_at(T_2015);
    sigv4_signed s;
    REQUIRE(sigv4_sign_headers(&req, &p, &s) == 0);
    wire_request w;
    to_wire(&w, &req, &s, 0);
    sigv4_verified v;
    CHECK_INT(verify_at(&w.req, 0, T_2015 + 60, &v), SIGV4_OK);
    CHECK_STR(v.access_key_id, AKID);
    CHECK_STR(v.region, "us-east-1");
    CHECK_STR(v.service, "athena");
    CHECK_STR(v.session_token, "");
    CHECK_STR(v.message, "");
    sigv4_signed_free(&s);
}

static void test_verify_query_round_trip(void)
{
    static const sigv4_header h[] = {{"Host", "bucket.s3.amazonaws.com"}};
    sigv4_request req = {"GET", "/bucket/a%20key", "versionId=3", h, 1, NULL, 0, NULL};
    for (int s3 = 0; s3 <= 1; s3++) {
        sigv4_params p = params_at(T_2015);
        p.s3 = s3;
        p.service = s3 ? "s3" : "athena";
        sigv4_signed s;
        REQUIRE(sigv4_sign_query(&req, &p, &s) == 0);
        CHECK(strncmp(s.query, "versionId=3&X-Amz-Algorithm=", 28) == 0);
        wire_request w;
        to_wire(&w, &req, &s, 1);
        sigv4_verified v;
        CHECK_INT(verify_at(&w.req, s3, T_2015 + 3600, &v), SIGV4_OK);
        CHECK_INT(verify_at(&w.req, s3, T_2015 + 3601, &v), SIGV4_EXPIRED);
        CHECK_STR(v.message, "Request has expired");
        CHECK_INT(verify_at(&w.req, s3, T_2015 - 901, &v), SIGV4_SKEW);
        sigv4_signed_free(&s);
    }
}

/* Signs the Athena request, lets tamper change the wire copy, verifies. */
static sigv4_verdict verify_tampered(void (*tamper)(wire_request *), sigv4_verified *v)
{
    sigv4_request req = athena_request();
    sigv4_params p = params_at(T_2015);
    sigv4_signed s;
    if (sigv4_sign_headers(&req, &p, &s) != 0)
        return SIGV4_INTERNAL;
    wire_request w;
    to_wire(&w, &req, &s, 0);
    tamper(&w);
    sigv4_verdict r = verify_at(&w.req, 0, T_2015, v);
    CHECK(strstr(v->message, s.signature) == NULL); /* never leak the expected signature */
    sigv4_signed_free(&s);
    return r;
}

static void tamper_body(wire_request *w) { w->req.body = "{\"QueryString\":\"DROP   1\"}"; }
static void tamper_header(wire_request *w) { w->headers[2].value = "AmazonAthena.GetWorkGroup"; }
static void tamper_path(wire_request *w) { w->req.path = "/other"; }
static void tamper_query(wire_request *w) { w->req.query = "x=1"; }
static void tamper_method(wire_request *w) { w->req.method = "PUT"; }
static void tamper_signature(wire_request *w)
{
    static char auth[512];
    snprintf(auth, sizeof auth, "%s", w->headers[w->req.header_count - 1].value);
    char *sig = strstr(auth, "Signature=") + 10;
    *sig = *sig == '0' ? '1' : '0';
    w->headers[w->req.header_count - 1].value = auth;
}
static void tamper_unsigned_header(wire_request *w)
{
    /* Headers outside SignedHeaders may change freely (proxies add them). */
    w->headers[w->req.header_count++] = (sigv4_header){"User-Agent", "curl/8"};
}
static void tamper_nothing(wire_request *w) { (void)w; }

static void test_verify_tampering(void)
{
    sigv4_verified v;
    CHECK_INT(verify_tampered(tamper_nothing, &v), SIGV4_OK);
    CHECK_INT(verify_tampered(tamper_unsigned_header, &v), SIGV4_OK);
    CHECK_INT(verify_tampered(tamper_body, &v), SIGV4_MISMATCH);
    CHECK(strstr(v.message, "does not match the signature you provided") != NULL);
    CHECK_INT(verify_tampered(tamper_header, &v), SIGV4_MISMATCH);
    CHECK_INT(verify_tampered(tamper_path, &v), SIGV4_MISMATCH);
    CHECK_INT(verify_tampered(tamper_query, &v), SIGV4_MISMATCH);
    CHECK_INT(verify_tampered(tamper_method, &v), SIGV4_MISMATCH);
    CHECK_INT(verify_tampered(tamper_signature, &v), SIGV4_MISMATCH);
}

static void test_verify_tampered_presigned_url(void)
{
    sigv4_request req = athena_request();
    sigv4_params p = params_at(T_2015);
    sigv4_signed s;
    REQUIRE(sigv4_sign_query(&req, &p, &s) == 0);
    buf q = BUF_INIT;
    buf_printf(&q, "%s", s.query);
    char *expires = strstr(q.data, "X-Amz-Expires=3600");
    REQUIRE(expires != NULL);
    memcpy(expires, "X-Amz-Expires=7200", 18); /* stretch the lifetime */
    wire_request w;
    to_wire(&w, &req, &s, 1);
    w.req.query = q.data;
    sigv4_verified v;
    CHECK_INT(verify_at(&w.req, 0, T_2015, &v), SIGV4_MISMATCH);
    buf_free(&q);
    sigv4_signed_free(&s);
}

static void test_verify_unknown_key(void)
{
    sigv4_request req = athena_request();
    sigv4_params p = params_at(T_2015);
    p.access_key_id = "AKIDUNKNOWN";
    sigv4_signed s;
    REQUIRE(sigv4_sign_headers(&req, &p, &s) == 0);
    wire_request w;
    to_wire(&w, &req, &s, 0);
    sigv4_verified v;
    CHECK_INT(verify_at(&w.req, 0, T_2015, &v), SIGV4_UNKNOWN_KEY);
    CHECK_STR(v.access_key_id, "AKIDUNKNOWN");
    CHECK_STR(v.message, "The security token included in the request is invalid.");
    CHECK_INT(verify_at(&w.req, 1, T_2015, &v), SIGV4_UNKNOWN_KEY);
    CHECK_STR(v.message, "The AWS Access Key Id you provided does not exist in our records.");
    sigv4_signed_free(&s);
}

static void test_verify_skew(void)
{
    sigv4_request req = athena_request();
    sigv4_params p = params_at(T_2015);
    sigv4_signed s;
    REQUIRE(sigv4_sign_headers(&req, &p, &s) == 0);
    wire_request w;
    to_wire(&w, &req, &s, 0);
    sigv4_verified v;
    CHECK_INT(verify_at(&w.req, 0, T_2015 + 900, &v), SIGV4_OK);
    CHECK_INT(verify_at(&w.req, 0, T_2015 - 900, &v), SIGV4_OK);
    CHECK_INT(verify_at(&w.req, 0, T_2015 + 901, &v), SIGV4_SKEW);
    CHECK_STR(v.message, "Signature expired: 20150830T123600Z is now earlier than "
                         "20150830T123601Z (20150830T125101Z - 15 min.)");
    CHECK_INT(verify_at(&w.req, 0, T_2015 - 901, &v), SIGV4_SKEW);
    CHECK_STR(v.message, "Signature not yet current: 20150830T123600Z is still later than "
                         "20150830T123559Z (20150830T122059Z + 15 min.)");
    sigv4_signed_free(&s);
}

/* Verifies the Athena request with its Authorization header replaced. */
static sigv4_verdict verify_with_authorization(const char *auth, sigv4_verified *v)
{
    sigv4_header h[5] = {athena_headers[0], athena_headers[1], athena_headers[2],
                         {"X-Amz-Date", "20150830T123600Z"}, {"Authorization", auth}};
    sigv4_request req = athena_request();
    req.headers = h;
    req.header_count = auth ? 5 : 4;
    return verify_at(&req, 0, T_2015, v);
}

static void test_verify_malformed_authorization(void)
{
    static const char *const bad[] = {
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/athena/aws4_request, "
        "SignedHeaders=host;x-amz-date",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/athena/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=",
        "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/aws4_request, "
        "SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/athena/aws4_requestx, "
        "SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015083/us-east-1/athena/aws4_request, "
        "SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/athena/aws4_request, "
        "SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150831/us-east-1/athena/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/athena/aws4_request, "
        "SignedHeaders=x-amz-date, Signature=00",
        "AWS AKIDEXAMPLE:c2lnbmF0dXJl",
        "AWS4-HMAC-SHA256",
    };
    sigv4_verified v;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        sigv4_verdict r = verify_with_authorization(bad[i], &v);
        CHECK_INT(r, SIGV4_INCOMPLETE);
        if (r != SIGV4_INCOMPLETE)
            fprintf(stderr, "  ^ for Authorization: %s\n", bad[i]);
        CHECK(v.message[0] != '\0');
    }
    verify_with_authorization(bad[0], &v);
    CHECK_STR(v.message, "Authorization header requires 'Signature' parameter.");
    verify_with_authorization(bad[7], &v);
    CHECK(strstr(v.message, "'20150831' != '20150830'") != NULL);
    verify_with_authorization(bad[8], &v);
    CHECK_STR(v.message, "'Host' must be a 'SignedHeader' in the AWS Authorization.");
}

/* Verifies the Athena request dated amz_date (credential scope to match)
 * at now; the signature is wrong, so a date that parses ends in MISMATCH. */
static sigv4_verdict verify_dated(const char *amz_date, time_t now, sigv4_verified *v)
{
    char auth[256];
    snprintf(auth, sizeof auth,
             "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/%.8s/us-east-1/athena/aws4_request, "
             "SignedHeaders=host;x-amz-date, Signature=00",
             amz_date);
    sigv4_header h[5] = {athena_headers[0], athena_headers[1], athena_headers[2],
                         {"X-Amz-Date", amz_date}, {"Authorization", auth}};
    sigv4_request req = athena_request();
    req.headers = h;
    req.header_count = 5;
    return verify_at(&req, 0, now, v);
}

static void test_verify_amz_date_forms(void)
{
    static const char *const impossible[] = {
        "20150230T000000Z", "20150229T000000Z", "21000229T000000Z", "20151301T000000Z",
        "20150001T000000Z", "20150800T000000Z", "20150431T000000Z", "20150830T240000Z",
        "20150830T236000Z", "20150830T235960Z", "09990101T000000Z", "20150830T12360OZ",
    };
    sigv4_verified v;
    for (size_t i = 0; i < sizeof impossible / sizeof *impossible; i++) {
        CHECK_INT(verify_dated(impossible[i], T_2015, &v), SIGV4_INCOMPLETE);
        CHECK_STR(v.message, "X-Amz-Date must be in the ISO8601 Long Format "
                             "\"yyyyMMdd'T'HHmmss'Z'\".");
    }
    /* Leap days convert to the exact second: 900 s of skew pass, 901 do not. */
    const time_t leap_2016 = 1456704000, leap_2000_end = 951868799;
    CHECK_INT(verify_dated("20160229T000000Z", leap_2016 + 900, &v), SIGV4_MISMATCH);
    CHECK_INT(verify_dated("20160229T000000Z", leap_2016 + 901, &v), SIGV4_SKEW);
    CHECK_INT(verify_dated("20000229T235959Z", leap_2000_end - 900, &v), SIGV4_MISMATCH);
    CHECK_INT(verify_dated("20000229T235959Z", leap_2000_end - 901, &v), SIGV4_SKEW);
    CHECK_INT(verify_dated("20150830T123600Z", T_2015, &v), SIGV4_MISMATCH);
    CHECK_INT(verify_dated("20151231T235959Z", T_2015, &v), SIGV4_SKEW);
    CHECK_STR(v.message, "Signature not yet current: 20151231T235959Z is still later than "
                         "20150830T125100Z (20150830T123600Z + 15 min.)");
}

static void test_verify_missing_auth(void)
{
    sigv4_verified v;
    CHECK_INT(verify_with_authorization(NULL, &v), SIGV4_MISSING);
    CHECK_STR(v.message, "Missing Authentication Token");
    sigv4_request req = athena_request();
    req.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20150830T123600Z";
    CHECK_INT(verify_at(&req, 0, T_2015, &v), SIGV4_INCOMPLETE); /* partial presigned query */
    req.query = "X-Amz-Algorithm=AWS4-HMAC-SHA1&X-Amz-Credential=a&X-Amz-Date=b"
                "&X-Amz-Expires=1&X-Amz-SignedHeaders=host&X-Amz-Signature=c";
    CHECK_INT(verify_at(&req, 0, T_2015, &v), SIGV4_INCOMPLETE);
    req.query = "a=%G0";
    CHECK_INT(verify_at(&req, 0, T_2015, &v), SIGV4_INCOMPLETE);
}

static void test_verify_presigned_limits(void)
{
    sigv4_request req = athena_request();
    sigv4_params p = params_at(T_2015);
    p.expires = 604800;
    sigv4_signed s;
    REQUIRE(sigv4_sign_query(&req, &p, &s) == 0);
    wire_request w;
    to_wire(&w, &req, &s, 1);
    sigv4_verified v;
    CHECK_INT(verify_at(&w.req, 0, T_2015 + 604800, &v), SIGV4_OK);
    CHECK_INT(verify_at(&w.req, 0, T_2015 + 604801, &v), SIGV4_EXPIRED);
    sigv4_signed_free(&s);
    /* A forged X-Amz-Expires beyond a week is malformed whatever the signature. */
    req.query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2F"
                "us-east-1%2Fathena%2Faws4_request&X-Amz-Date=20150830T123600Z"
                "&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature=00";
    CHECK_INT(verify_at(&req, 0, T_2015, &v), SIGV4_INCOMPLETE);
}

static void test_verify_content_sha256(void)
{
    static const sigv4_header h[] = {{"Host", "bucket.s3.amazonaws.com"}};
    sigv4_request req = {"PUT", "/bucket/key", NULL, h, 1, "data", 4, NULL};
    sigv4_params p = params_at(T_2015);
    p.service = "s3";
    p.s3 = 1;
    sigv4_signed s;
    REQUIRE(sigv4_sign_headers(&req, &p, &s) == 0);
    wire_request w;
    to_wire(&w, &req, &s, 0);
    sigv4_verified v;
    CHECK_INT(verify_at(&w.req, 1, T_2015, &v), SIGV4_OK);
    w.req.body = "DATA"; /* the claimed hash no longer matches the body */
    CHECK_INT(verify_at(&w.req, 1, T_2015, &v), SIGV4_MISMATCH);
    CHECK(strstr(v.message, "x-amz-content-sha256") != NULL);
    char hash[SHA256_HEX_LEN + 1];
    sha256_hex("data", 4, hash);
    w.req.payload_hash = hash; /* a server that hashed the body while streaming it */
    CHECK_INT(verify_at(&w.req, 1, T_2015, &v), SIGV4_OK);
    w.req.payload_hash = NULL;
    w.headers[2].value = "not-a-hash";
    CHECK_INT(verify_at(&w.req, 1, T_2015, &v), SIGV4_INCOMPLETE);
    sigv4_signed_free(&s);
}

/* ---- Redaction ---- */

/* ---- The per-thread signing-key cache ---- */

#define DOC_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" /* AWS's S3 example */
#define OTHER_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEZ"
#define T_2013 ((time_t)1369353600) /* 2013-05-24T00:00:00Z, the S3 example's time */
#define DAY 86400
/* The example signed with OTHER_SECRET, and on the next day (2013-05-25),
 * computed independently with Python's hmac and hashlib. */
#define OTHER_SIG "cf2bc7f3e73c9a122680ff084638e99d9c222bc8da64b1724f41cff483553311"
#define NEXT_DAY_SIG "617b808c41bf86c08dca3fe393bda31a6228139c25611b4dd8149940e44c540e"

/* The signature of sts with a key derived from scratch as AWS documents it
 * (no cache involved), in hex. */
static void fresh_signature(const char *secret, const char *date, const char *region,
                            const char *service, const char *sts, char out[65])
{
    const char *steps[] = {region, service, "aws4_request"};
    char seed[128];
    unsigned char key[32], next[32];
    snprintf(seed, sizeof seed, "AWS4%s", secret);
    hmac_sha256(seed, strlen(seed), date, strlen(date), key);
    for (size_t i = 0; i < 3; i++) {
        hmac_sha256(key, 32, steps[i], strlen(steps[i]), next);
        memcpy(key, next, 32);
    }
    hmac_sha256(key, 32, sts, strlen(sts), next);
    hex_encode(next, 32, out);
}

/* Signs AWS's documented S3 GET with secret at t in region; checks the
 * signature against a fresh derivation and copies it to sig. */
static void sign_s3_example(const char *secret, time_t t, const char *region, char sig[65])
{
    static const sigv4_header h[] = {{"Host", "examplebucket.s3.amazonaws.com"},
                                     {"Range", "bytes=0-9"}};
    sigv4_request req = {"GET", "/test.txt", NULL, h, 2, NULL, 0, NULL};
    sigv4_params p = {"AKIAIOSFODNN7EXAMPLE", secret, NULL, region, "s3", t, 1, 0, 0, 0, 0};
    sigv4_signed s;
    sig[0] = '\0';
    REQUIRE(sigv4_sign_headers(&req, &p, &s) == 0);
    char date[9], expected[65];
    snprintf(date, sizeof date, "%.8s", s.amz_date);
    fresh_signature(secret, date, region, "s3", s.string_to_sign, expected);
    CHECK_STR(s.signature, expected);
    memcpy(sig, s.signature, 65);
    sigv4_signed_free(&s);
}

static void test_key_cache_two_secrets_same_scope(void)
{
    static const char doc[] = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
    char sig[65];
    sign_s3_example(DOC_SECRET, T_2013, "us-east-1", sig);
    CHECK_STR(sig, doc);
    sign_s3_example(OTHER_SECRET, T_2013, "us-east-1", sig); /* same date/region/service */
    CHECK_STR(sig, OTHER_SIG);
    sign_s3_example(DOC_SECRET, T_2013, "us-east-1", sig); /* both now cached */
    CHECK_STR(sig, doc);
    sign_s3_example(OTHER_SECRET, T_2013, "us-east-1", sig);
    CHECK_STR(sig, OTHER_SIG);
}

static void test_key_cache_same_secret_across_dates(void)
{
    char first[65], sig[65];
    sign_s3_example(DOC_SECRET, T_2013, "us-east-1", first);
    sign_s3_example(DOC_SECRET, T_2013 + DAY, "us-east-1", sig);
    CHECK_STR(sig, NEXT_DAY_SIG);
    /* More dates than the cache holds, then the first again. */
    for (int day = 2; day < 9; day++) {
        sign_s3_example(DOC_SECRET, T_2013 + day * DAY, "us-east-1", sig);
        CHECK(strcmp(sig, first) != 0);
    }
    sign_s3_example(DOC_SECRET, T_2013, "us-east-1", sig);
    CHECK_STR(sig, first);
    sign_s3_example(DOC_SECRET, T_2013 + DAY, "us-east-1", sig);
    CHECK_STR(sig, NEXT_DAY_SIG);
    /* Region names too long to cache are derived every time. */
    char region[100];
    memset(region, 'r', sizeof region - 1);
    region[sizeof region - 1] = '\0';
    sign_s3_example(DOC_SECRET, T_2013, region, sig);
    sign_s3_example(DOC_SECRET, T_2013, "eu-west-1", sig);
}

/* Two access keys with their own secrets. */
static int lookup_two_keys(void *user_data, const char *access_key_id, char *secret, size_t cap)
{
    (void)user_data;
    const char *s = strcmp(access_key_id, "AKIDFIRST") == 0    ? DOC_SECRET
                    : strcmp(access_key_id, "AKIDSECOND") == 0 ? OTHER_SECRET
                                                               : NULL;
    if (!s)
        return -1;
    snprintf(secret, cap, "%s", s);
    return 0;
}

/* Signs the Athena request as akid with secret and verifies it. */
static sigv4_verdict sign_and_verify(const char *akid, const char *secret)
{
    sigv4_request req = athena_request();
    sigv4_params p = params_at(T_2015);
    p.access_key_id = akid;
    p.secret_access_key = secret;
    sigv4_signed s;
    if (sigv4_sign_headers(&req, &p, &s) != 0)
        return SIGV4_INTERNAL;
    wire_request w;
    to_wire(&w, &req, &s, 0);
    sigv4_verified v;
    sigv4_verdict r = sigv4_verify(&w.req, 0, T_2015, lookup_two_keys, NULL, &v);
    sigv4_signed_free(&s);
    return r;
}

static void test_key_cache_verifies_each_secret(void)
{
    for (int round = 0; round < 2; round++) {
        CHECK_INT(sign_and_verify("AKIDFIRST", DOC_SECRET), SIGV4_OK);
        CHECK_INT(sign_and_verify("AKIDSECOND", OTHER_SECRET), SIGV4_OK);
        /* The other key's secret, with both keys cached for this scope. */
        CHECK_INT(sign_and_verify("AKIDFIRST", OTHER_SECRET), SIGV4_MISMATCH);
        CHECK_INT(sign_and_verify("AKIDSECOND", DOC_SECRET), SIGV4_MISMATCH);
    }
}

static void test_redact_authorization(void)
{
    char *r = sigv4_redact_authorization(
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0123abcd");
    CHECK_STR(r, "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, "
                 "SignedHeaders=host;x-amz-date, Signature=<redacted>");
    free(r);
    r = sigv4_redact_authorization("X-Amz-Date=1&X-Amz-Signature=abcd&x=1");
    CHECK_STR(r, "X-Amz-Date=1&X-Amz-Signature=<redacted>&x=1");
    free(r);
    r = sigv4_redact_authorization("no signature here");
    CHECK_STR(r, "no signature here");
    free(r);
    CHECK(sigv4_redact_authorization(NULL) == NULL);
}

int main(void)
{
    RUN(test_aws_suite);
    RUN(test_s3_documented_get_object);
    RUN(test_s3_documented_presigned_url);
    RUN(test_s3_path_not_reencoded);
    RUN(test_s3_unsigned_payload);
    RUN(test_content_sha256_for_other_services);
    RUN(test_session_token);
    RUN(test_sign_rejects_bad_input);
    RUN(test_verify_header_round_trip);
    RUN(test_verify_query_round_trip);
    RUN(test_verify_tampering);
    RUN(test_verify_tampered_presigned_url);
    RUN(test_verify_unknown_key);
    RUN(test_verify_skew);
    RUN(test_verify_malformed_authorization);
    RUN(test_verify_amz_date_forms);
    RUN(test_verify_missing_auth);
    RUN(test_verify_presigned_limits);
    RUN(test_verify_content_sha256);
    RUN(test_key_cache_two_secrets_same_scope);
    RUN(test_key_cache_same_secret_across_dates);
    RUN(test_key_cache_verifies_each_secret);
    RUN(test_redact_authorization);
    return test_summary();
}
