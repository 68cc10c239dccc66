/*
 * test_srv_s3_chunked.c: unit tests of athena-local's S3 payload handling:
 * aws-chunked decoding with chunk and trailer signatures (against AWS's own
 * documented examples), unsigned trailers, malformed framing, the checksums
 * (standard check values) and a whole request's payload verification.
 */
#include "test.h"

#include "s3_internal.h"
#include "s3_xml.h"
#include "server.h"

#include <stdlib.h>
#include <string.h>

/* AWS's example key and the examples of "Signature Calculations for the
 * Authorization Header: Transferring Payload in Multiple Chunks" and its
 * variant with trailing headers: 65536 then 1024 bytes of 'a'. */
#define EXAMPLE_KEY_ID "AKIAIOSFODNN7EXAMPLE"
#define EXAMPLE_SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define EXAMPLE_DATE "20130524T000000Z"
#define SEED "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
#define SIG1 "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
#define SIG2 "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
#define SIG_FINAL "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
#define TRAILER_SEED "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
#define TRAILER_SIG1 "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2"
#define TRAILER_SIG2 "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7"
#define TRAILER_SIG_FINAL "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"
#define TRAILER_SIGNATURE "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
#define EXAMPLE_CRC32C "sOO8/Q=="
#define EXAMPLE_LEN (65536 + 1024)

static server test_server(void)
{
    server s;
    memset(&s, 0, sizeof s);
    s.settings.region = "us-east-1";
    s.settings.account_id = "123456789012";
    snprintf(s.root_access_key_id, sizeof s.root_access_key_id, "%s", EXAMPLE_KEY_ID);
    snprintf(s.root_secret, sizeof s.root_secret, "%s", EXAMPLE_SECRET);
    return s;
}

/* A request carrying AWS's example Authorization header with seed. */
typedef struct fake_request {
    srv_header headers[8];
    char authorization[512];
    srv_request req;
    srv_response resp;
    s3_request r;
} fake_request;

static void fake_init(fake_request *f, server *s, const char *seed, const char *content_sha256,
                      const char *decoded_length, const char *trailer, const buf *body)
{
    memset(f, 0, sizeof *f);
    snprintf(f->authorization, sizeof f->authorization,
             "AWS4-HMAC-SHA256 Credential=" EXAMPLE_KEY_ID "/20130524/us-east-1/s3/aws4_request,"
             "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
             "x-amz-decoded-content-length;x-amz-storage-class,Signature=%s",
             seed);
    size_t n = 0;
    f->headers[n++] = (srv_header){"Authorization", f->authorization};
    f->headers[n++] = (srv_header){"X-Amz-Date", EXAMPLE_DATE};
    f->headers[n++] = (srv_header){"x-amz-content-sha256", (char *)content_sha256};
    f->headers[n++] = (srv_header){"Content-Encoding", "aws-chunked"};
    if (decoded_length)
        f->headers[n++] = (srv_header){"x-amz-decoded-content-length", (char *)decoded_length};
    if (trailer)
        f->headers[n++] = (srv_header){"x-amz-trailer", (char *)trailer};
    f->req.method = "PUT";
    f->req.path = "/examplebucket/chunkObject.txt";
    f->req.query = "";
    f->req.headers = f->headers;
    f->req.header_count = n;
    f->req.body = buf_str(body);
    f->req.body_len = body->len;
    snprintf(f->req.request_id, sizeof f->req.request_id, "test-request");
    f->r.s = s;
    f->r.req = &f->req;
    f->r.resp = &f->resp;
}

static void append_a(buf *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf_putc(b, 'a');
}

/* AWS's example body: 64 KiB and 1 KiB of 'a' in signed chunks. */
static void signed_example_body(buf *b, const char *sig1, const char *sig2, const char *sig_final,
                                const char *trailers)
{
    buf_printf(b, "10000;chunk-signature=%s\r\n", sig1);
    append_a(b, 65536);
    buf_printf(b, "\r\n400;chunk-signature=%s\r\n", sig2);
    append_a(b, 1024);
    buf_printf(b, "\r\n0;chunk-signature=%s\r\n%s\r\n", sig_final, trailers);
}

static int all_a(const buf *b, size_t n)
{
    if (b->len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (b->data[i] != 'a')
            return 0;
    return 1;
}

static int signing_for(server *s, const char *seed, s3_chunk_signing *sg)
{
    buf empty = BUF_INIT;
    fake_request f;
    s3_chunked_error err;
    fake_init(&f, s, seed, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", NULL, NULL, &empty);
    return s3_chunk_signing_from_request(s, &f.req, sg, &err);
}

/* ---- signed chunks ---- */

static void test_signed_chunks_aws_example(void)
{
    server s = test_server();
    s3_chunk_signing sg;
    REQUIRE(signing_for(&s, SEED, &sg) == 0);
    CHECK_STR(sg.amz_date, EXAMPLE_DATE);
    CHECK_STR(sg.scope, "20130524/us-east-1/s3/aws4_request");
    CHECK_STR(sg.seed, SEED);
    buf body = BUF_INIT;
    signed_example_body(&body, SIG1, SIG2, SIG_FINAL, "");
    s3_dechunked out;
    s3_chunked_error err;
    int rc = s3_chunked_decode(body.data, body.len, S3_CHUNKED_SIGNED, &sg, &out, &err);
    if (rc != 0)
        fprintf(stderr, "  %s: %s\n", err.code, err.message);
    REQUIRE(rc == 0);
    CHECK(all_a(&out.data, EXAMPLE_LEN));
    CHECK_INT(out.trailer_count, 0);
    s3_dechunked_free(&out);
    buf_free(&body);
}

static void expect_failure(const char *body, size_t len, s3_chunked_mode mode,
                           const s3_chunk_signing *sg, const char *code)
{
    s3_dechunked out;
    s3_chunked_error err;
    CHECK_INT(s3_chunked_decode(body, len, mode, sg, &out, &err), -1);
    CHECK_STR(err.code, code);
    CHECK_INT(out.data.len, 0);
}

static void test_signed_chunks_tampering(void)
{
    server s = test_server();
    s3_chunk_signing sg;
    REQUIRE(signing_for(&s, SEED, &sg) == 0);
    buf body = BUF_INIT;
    signed_example_body(&body, SIG1, SIG2, SIG_FINAL, "");
    body.data[100] = 'b'; /* one byte of the first chunk */
    expect_failure(body.data, body.len, S3_CHUNKED_SIGNED, &sg, "SignatureDoesNotMatch");
    buf_reset(&body);
    /* Chunks in the right order but a signature of another chain. */
    signed_example_body(&body, SIG1, SIG1, SIG_FINAL, "");
    expect_failure(body.data, body.len, S3_CHUNKED_SIGNED, &sg, "SignatureDoesNotMatch");
    buf_reset(&body);
    /* A chunk without its signature. */
    buf_puts(&body, "3\r\nabc\r\n0;chunk-signature=" SIG_FINAL "\r\n\r\n");
    expect_failure(body.data, body.len, S3_CHUNKED_SIGNED, &sg, "IncompleteSignature");
    buf_reset(&body);
    /* The final chunk dropped (a truncated upload). */
    signed_example_body(&body, SIG1, SIG2, SIG_FINAL, "");
    body.len -= strlen("0;chunk-signature=" SIG_FINAL "\r\n\r\n");
    expect_failure(body.data, body.len, S3_CHUNKED_SIGNED, &sg, "IncompleteBody");
    buf_free(&body);
    /* Another secret gives another key: the seed chain no longer verifies. */
    snprintf(s.root_secret, sizeof s.root_secret, "another-secret");
    REQUIRE(signing_for(&s, SEED, &sg) == 0);
    buf other = BUF_INIT;
    signed_example_body(&other, SIG1, SIG2, SIG_FINAL, "");
    expect_failure(other.data, other.len, S3_CHUNKED_SIGNED, &sg, "SignatureDoesNotMatch");
    buf_free(&other);
}

static void test_signing_unknown_key(void)
{
    server s = test_server();
    snprintf(s.root_access_key_id, sizeof s.root_access_key_id, "SOMEONEELSE");
    s3_chunk_signing sg;
    CHECK_INT(signing_for(&s, SEED, &sg), -1);
}

static void test_signed_trailer_aws_example(void)
{
    server s = test_server();
    s3_chunk_signing sg;
    REQUIRE(signing_for(&s, TRAILER_SEED, &sg) == 0);
    buf body = BUF_INIT;
    signed_example_body(&body, TRAILER_SIG1, TRAILER_SIG2, TRAILER_SIG_FINAL,
                        "x-amz-checksum-crc32c:" EXAMPLE_CRC32C "\r\n"
                        "x-amz-trailer-signature:" TRAILER_SIGNATURE "\r\n");
    s3_dechunked out;
    s3_chunked_error err;
    int rc = s3_chunked_decode(body.data, body.len, S3_CHUNKED_SIGNED_TRAILER, &sg, &out, &err);
    if (rc != 0)
        fprintf(stderr, "  %s: %s\n", err.code, err.message);
    REQUIRE(rc == 0);
    CHECK(all_a(&out.data, EXAMPLE_LEN));
    REQUIRE(out.trailer_count == 1);
    CHECK_STR(out.trailers[0].name, "x-amz-checksum-crc32c");
    CHECK_STR(out.trailers[0].value, EXAMPLE_CRC32C);
    s3_dechunked_free(&out);
    /* A changed trailer value breaks the trailer signature. */
    char *v = strstr(body.data, EXAMPLE_CRC32C);
    v[0] = 'X';
    expect_failure(body.data, body.len, S3_CHUNKED_SIGNED_TRAILER, &sg, "SignatureDoesNotMatch");
    v[0] = 's';
    /* So does a missing trailer signature. */
    char *sig = strstr(body.data, "x-amz-trailer-signature");
    size_t tail = strlen("x-amz-trailer-signature:" TRAILER_SIGNATURE "\r\n");
    memmove(sig, sig + tail, body.len - (size_t)(sig - body.data) - tail);
    body.len -= tail;
    expect_failure(body.data, body.len, S3_CHUNKED_SIGNED_TRAILER, &sg, "IncompleteSignature");
    buf_free(&body);
}

/* ---- unsigned trailers and framing ---- */

static void test_unsigned_trailer(void)
{
    const char body[] = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
    s3_dechunked out;
    s3_chunked_error err;
    REQUIRE(s3_chunked_decode(body, sizeof body - 1, S3_CHUNKED_UNSIGNED_TRAILER, NULL, &out,
                              &err) == 0);
    CHECK_STR(buf_str(&out.data), "hello world");
    REQUIRE(out.trailer_count == 1);
    CHECK_STR(out.trailers[0].name, "x-amz-checksum-crc32");
    CHECK_STR(out.trailers[0].value, "DUoRhQ==");
    s3_dechunked_free(&out);
    /* An empty object: only the final chunk. */
    const char empty[] = "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";
    REQUIRE(s3_chunked_decode(empty, sizeof empty - 1, S3_CHUNKED_UNSIGNED_TRAILER, NULL, &out,
                              &err) == 0);
    CHECK_INT(out.data.len, 0);
    CHECK_INT(out.trailer_count, 1);
    s3_dechunked_free(&out);
}

static void test_malformed_framing(void)
{
    static const struct {
        const char *body;
        const char *why;
    } cases[] = {
        {"5\r\nhell", "chunk longer than the data"},
        {"zz\r\nhello\r\n0\r\n\r\n", "size not hex"},
        {"5\r\nhelloXX0\r\n\r\n", "no CRLF after data"},
        {"5\r\nhello\r\n0\r\n", "no final empty line"},
        {"5\r\nhello\r\n0\r\n\r\njunk", "data after the end"},
        {"", "empty body"},
        {"fffffffffffffffffff\r\n", "size overflow"},
        {"5\r\nhello\r\n0\r\nno-colon\r\n\r\n", "trailer without colon"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        s3_dechunked out;
        s3_chunked_error err;
        int rc = s3_chunked_decode(cases[i].body, strlen(cases[i].body),
                                   S3_CHUNKED_UNSIGNED_TRAILER, NULL, &out, &err);
        if (rc != -1)
            fprintf(stderr, "  accepted: %s\n", cases[i].why);
        CHECK_INT(rc, -1);
        CHECK_STR(err.code, "IncompleteBody");
    }
    /* Trailers are refused without a -TRAILER payload type. */
    server s = test_server();
    s3_chunk_signing sg;
    REQUIRE(signing_for(&s, SEED, &sg) == 0);
    buf body = BUF_INIT;
    signed_example_body(&body, SIG1, SIG2, SIG_FINAL,
                        "x-amz-checksum-crc32c:" EXAMPLE_CRC32C "\r\n");
    expect_failure(body.data, body.len, S3_CHUNKED_SIGNED, &sg, "IncompleteBody");
    buf_free(&body);
}

static void test_modes(void)
{
    CHECK_INT(s3_chunked_mode_of(NULL), S3_CHUNKED_NONE);
    CHECK_INT(s3_chunked_mode_of("UNSIGNED-PAYLOAD"), S3_CHUNKED_NONE);
    CHECK_INT(s3_chunked_mode_of("STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
              S3_CHUNKED_UNSIGNED_TRAILER);
    CHECK_INT(s3_chunked_mode_of("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"), S3_CHUNKED_SIGNED);
    CHECK_INT(s3_chunked_mode_of("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
              S3_CHUNKED_SIGNED_TRAILER);
    CHECK_INT(s3_chunked_mode_of("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"),
              S3_CHUNKED_UNSUPPORTED);
}

/* ---- checksums ---- */

static void test_checksum_check_values(void)
{
    s3_digests d;
    unsigned all = S3_HASH_MD5 | (1u << S3_CK_CRC32) | (1u << S3_CK_CRC32C) |
                   (1u << S3_CK_CRC64NVME) | (1u << S3_CK_SHA1) | (1u << S3_CK_SHA256);
    REQUIRE(s3_digest_buffer("123456789", 9, all, &d) == 0);
    CHECK_STR(d.value[S3_CK_CRC32], "y/Q5Jg==");
    CHECK_STR(d.value[S3_CK_CRC32C], "4waSgw==");
    CHECK_STR(d.value[S3_CK_CRC64NVME], "rosUhgp5mIg=");
    CHECK_STR(d.value[S3_CK_SHA1], "98O8HYCOBHMq32eZZczDTKeuNEE=");
    CHECK_STR(d.value[S3_CK_SHA256], "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=");
    CHECK_STR(d.md5_hex, "25f9e794323b453885f5181f1b624d0b");
    /* Fed in pieces, the same values. */
    s3_hasher *h = s3_hasher_new(all);
    REQUIRE(h != NULL);
    s3_hasher_update(h, "1234", 4);
    s3_hasher_update(h, "", 0);
    s3_hasher_update(h, "56789", 5);
    s3_digests pieces;
    REQUIRE(s3_hasher_finish(h, &pieces) == 0);
    CHECK_STR(pieces.value[S3_CK_CRC64NVME], "rosUhgp5mIg=");
    CHECK_STR(pieces.md5_hex, d.md5_hex);
    unsigned char raw[4];
    CHECK_INT(s3_base64_decode_exact("y/Q5Jg==", raw, 4), 0);
    CHECK_INT(raw[0], 0xCB);
    CHECK_INT(s3_base64_decode_exact("y/Q5Jg=", raw, 4), -1);
    CHECK_INT(s3_base64_decode_exact("y/Q5J===", raw, 4), -1);
    CHECK_INT(s3_base64_decode_exact("y/Q5Jg==", raw, 8), -1);
}

/* ---- a whole request ---- */

static void test_payload_signed_trailer_request(void)
{
    server s = test_server();
    buf body = BUF_INIT;
    signed_example_body(&body, TRAILER_SIG1, TRAILER_SIG2, TRAILER_SIG_FINAL,
                        "x-amz-checksum-crc32c:" EXAMPLE_CRC32C "\r\n"
                        "x-amz-trailer-signature:" TRAILER_SIGNATURE "\r\n");
    fake_request f;
    fake_init(&f, &s, TRAILER_SEED, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "66560",
              "x-amz-checksum-crc32c", &body);
    s3_payload p;
    int rc = s3_payload_read(&f.r, &p);
    if (rc != 0)
        fprintf(stderr, "  %d %s\n", f.resp.status, buf_str(&f.resp.body));
    REQUIRE(rc == 0);
    CHECK_INT(p.len, EXAMPLE_LEN);
    CHECK_INT(p.claims.algs, 1u << S3_CK_CRC32C);
    CHECK_STR(p.digests.value[S3_CK_CRC32C], EXAMPLE_CRC32C);
    s3_payload_free(&p);
    srv_response_free(&f.resp);

    /* The declared length must match what the chunks hold. */
    fake_init(&f, &s, TRAILER_SEED, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "66561",
              "x-amz-checksum-crc32c", &body);
    CHECK_INT(s3_payload_read(&f.r, &p), -1);
    CHECK_INT(f.resp.status, 400);
    CHECK(strstr(buf_str(&f.resp.body), "<Code>IncompleteBody</Code>") != NULL);
    srv_response_free(&f.resp);

    /* A trailer that was not declared is refused. */
    fake_init(&f, &s, TRAILER_SEED, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "66560",
              "x-amz-checksum-sha256", &body);
    CHECK_INT(s3_payload_read(&f.r, &p), -1);
    CHECK(strstr(buf_str(&f.resp.body), "<Code>InvalidRequest</Code>") != NULL);
    srv_response_free(&f.resp);

    /* No decoded length at all. */
    fake_init(&f, &s, TRAILER_SEED, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", NULL,
              "x-amz-checksum-crc32c", &body);
    CHECK_INT(s3_payload_read(&f.r, &p), -1);
    CHECK_INT(f.resp.status, 411);
    srv_response_free(&f.resp);
    buf_free(&body);
}

static void test_payload_checksum_mismatch(void)
{
    server s = test_server();
    buf body = BUF_INIT;
    buf_puts(&body, "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n");
    fake_request f;
    fake_init(&f, &s, SEED, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "5", "x-amz-checksum-crc32",
              &body);
    s3_payload p;
    CHECK_INT(s3_payload_read(&f.r, &p), -1);
    CHECK_INT(f.resp.status, 400);
    CHECK(strstr(buf_str(&f.resp.body), "<Code>BadDigest</Code>") != NULL);
    CHECK(strstr(buf_str(&f.resp.body), "<RequestId>test-request</RequestId>") != NULL);
    srv_response_free(&f.resp);
    /* A declared trailer that never came. */
    buf_reset(&body);
    buf_puts(&body, "5\r\nhello\r\n0\r\n\r\n");
    fake_init(&f, &s, SEED, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "5", "x-amz-checksum-crc32",
              &body);
    CHECK_INT(s3_payload_read(&f.r, &p), -1);
    CHECK(strstr(buf_str(&f.resp.body), "<Code>MalformedTrailerError</Code>") != NULL);
    srv_response_free(&f.resp);
    buf_free(&body);
}

/* ---- XML ---- */

static void test_xml_reading_and_escaping(void)
{
    const char doc[] =
        "<?xml version=\"1.0\"?><Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<Object><Key> a&amp;b </Key></Object><Quiet> true </Quiet></Delete>";
    char err[128], quiet[8];
    s3_xml_node *root = s3_xml_parse(doc, sizeof doc - 1, 16, err, sizeof err);
    REQUIRE(root != NULL);
    CHECK_STR(root->name, "Delete");
    const s3_xml_node *key = s3_xml_child(s3_xml_child(root, "Object"), "Key");
    REQUIRE(key != NULL);
    CHECK_STR(buf_str(&key->text), " a&b "); /* keys keep their blanks */
    CHECK_INT(s3_xml_child_text(root, "Quiet", quiet, sizeof quiet), 1);
    CHECK_STR(quiet, "true");
    s3_xml_free(root);
    const char doctype[] = "<!DOCTYPE x [<!ENTITY e \"boom\">]><Delete>&e;</Delete>";
    CHECK(s3_xml_parse(doctype, sizeof doctype - 1, 16, err, sizeof err) == NULL);
    CHECK(s3_xml_parse("<a><b/><c/></a>", 15, 2, err, sizeof err) == NULL); /* too many nodes */
    CHECK(s3_xml_parse("<a>", 3, 16, err, sizeof err) == NULL);
    buf out = BUF_INIT;
    CHECK_INT(s3_xml_escape(&out, "<a&\"\x01\xff>", 7), 0);
    CHECK_STR(buf_str(&out), "&lt;a&amp;&quot;??&gt;");
    /* Whatever we escape must read back as well-formed XML. */
    buf escaped = BUF_INIT;
    CHECK_INT(buf_puts(&escaped, "<a>"), 0);
    CHECK_INT(s3_xml_escape(&escaped, "x\x01\ty\x1f", 5), 0);
    CHECK_INT(buf_puts(&escaped, "</a>"), 0);
    s3_xml_node *parsed = s3_xml_parse(escaped.data, escaped.len, 4, err, sizeof err);
    CHECK(parsed != NULL);
    s3_xml_free(parsed);
    buf_free(&escaped);
    buf_reset(&out);
    CHECK_INT(s3_xml_key(&out, "Key", "a b+c/é", 8, 1), 0);
    CHECK_STR(buf_str(&out), "<Key>a%20b%2Bc/%C3%A9</Key>");
    buf_free(&out);
}

int main(void)
{
    RUN(test_signed_chunks_aws_example);
    RUN(test_signed_chunks_tampering);
    RUN(test_signing_unknown_key);
    RUN(test_signed_trailer_aws_example);
    RUN(test_unsigned_trailer);
    RUN(test_malformed_framing);
    RUN(test_modes);
    RUN(test_checksum_check_values);
    RUN(test_payload_signed_trailer_request);
    RUN(test_payload_checksum_mismatch);
    RUN(test_xml_reading_and_escaping);
    RUN(test_xml_reading_and_escaping);
    return test_summary();
}
