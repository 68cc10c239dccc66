/*
 * test_uri.c: percent-encoding, decoding (malformed escapes, %00, '+') and
 * the SigV4 query canonicalization of uri.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "test.h"
#include "uri.h"

static char *encoded(const char *s, size_t len, unsigned flags)
{
    buf b = BUF_INIT;
    if (uri_encode(&b, s, len, flags) != 0)
        return NULL;
    return buf_detach(&b);
}

/* Decodes s; *rc gets the result code. */
static char *decoded(const char *s, unsigned flags, int *rc, size_t *len)
{
    buf b = BUF_INIT;
    *rc = uri_decode(&b, s, strlen(s), flags);
    if (len)
        *len = b.len;
    return buf_detach(&b);
}

static void test_encode(void)
{
    const char unreserved[] = "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    char *e = encoded(unreserved, strlen(unreserved), 0);
    CHECK_STR(e, unreserved);
    free(e);
    e = encoded("a b+c/d=e&f%", 12, 0);
    CHECK_STR(e, "a%20b%2Bc%2Fd%3De%26f%25");
    free(e);
    e = encoded("/a b/c", 6, URI_KEEP_SLASH);
    CHECK_STR(e, "/a%20b/c");
    free(e);
    e = encoded("\xe1\x88\xb4", 3, 0); /* UTF-8 bytes, upper-case hex */
    CHECK_STR(e, "%E1%88%B4");
    free(e);
    e = encoded("a\0b\xff", 4, 0);
    CHECK_STR(e, "a%00b%FF");
    free(e);
    e = encoded("", 0, 0);
    CHECK_STR(e, "");
    free(e);
}

static void test_decode(void)
{
    int rc;
    size_t len;
    char *d = decoded("a%20b%2fc%2F%7e+", 0, &rc, NULL);
    CHECK_INT(rc, URI_OK);
    CHECK_STR(d, "a b/c/~+");
    free(d);
    d = decoded("a+b%2B", URI_DECODE_PLUS, &rc, NULL);
    CHECK_STR(d, "a b+");
    free(d);
    d = decoded("\xe1\x88\xb4", 0, &rc, NULL); /* raw bytes pass through */
    CHECK_STR(d, "\xe1\x88\xb4");
    free(d);
    d = decoded("..%2F..%00x", 0, &rc, &len);
    CHECK_INT(rc, URI_HAS_NUL);
    CHECK_INT(len, 7);
    CHECK(memcmp(d, "../..\0x", 7) == 0);
    free(d);
}

static void test_decode_malformed(void)
{
    static const char *const bad[] = {"%", "%2", "a%", "%zz", "%2g", "%g2", "abc%4", "% 20"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        buf b = BUF_INIT;
        buf_puts(&b, "keep");
        CHECK_INT(uri_decode(&b, bad[i], strlen(bad[i]), 0), URI_MALFORMED);
        CHECK_STR(buf_str(&b), "keep"); /* left as it was */
        buf_free(&b);
    }
}

static char *canonical(const char *query, const char *skip)
{
    uri_query q = URI_QUERY_INIT;
    buf b = BUF_INIT;
    char *out = NULL;
    if (uri_query_parse(&q, query, strlen(query), 0) == URI_OK &&
        uri_query_canonical(&q, skip, &b) == 0)
        out = buf_detach(&b);
    buf_free(&b);
    uri_query_free(&q);
    return out;
}

static void test_query_canonical(void)
{
    static const char *const cases[][2] = {
        {"", ""},
        {"b=2&a=1", "a=1&b=2"},
        {"Param-3=Value3&Param=Value2&%E1%88%B4=Value1",
         "%E1%88%B4=Value1&Param=Value2&Param-3=Value3"}, /* sorted by key, not by "k=v" */
        {"a=2&a=1&a=10", "a=1&a=10&a=2"},
        {"flag&x=", "flag=&x="},
        {"&&a=1&&", "a=1"},
        {"k=%7e%2f%20+", "k=~%2F%20%2B"}, /* re-encoded canonically; '+' is a literal */
        {"a=b=c", "a=b%3Dc"},
        {"B=1&a=1", "B=1&a=1"}, /* byte order: upper case first */
        {"n=%00", "n=%00"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *c = canonical(cases[i][0], NULL);
        CHECK_STR(c, cases[i][1]);
        free(c);
    }
    char *c = canonical("X-Amz-Signature=abc&b=1", "X-Amz-Signature");
    CHECK_STR(c, "b=1");
    free(c);
    CHECK(canonical("a=%zz", NULL) == NULL);
}

static void test_query_get_and_add(void)
{
    uri_query q = URI_QUERY_INIT;
    const char *s = "a=1&b=%2F&a=2&n%00=x";
    CHECK_INT(uri_query_parse(&q, s, strlen(s), 0), URI_OK);
    CHECK_INT(q.count, 4);
    CHECK(q.has_nul);
    CHECK_STR(uri_query_get(&q, "a"), "1");
    CHECK_STR(uri_query_get(&q, "b"), "/");
    CHECK(uri_query_get(&q, "n") == NULL); /* "n\0" is not "n" */
    CHECK(uri_query_get(&q, "c") == NULL);
    CHECK_INT(uri_query_add(&q, "c", "a b"), 0);
    buf b = BUF_INIT;
    CHECK_INT(uri_query_canonical(&q, "a", &b), 0);
    CHECK_STR(buf_str(&b), "b=%2F&c=a%20b&n%00=x");
    buf_free(&b);
    uri_query_free(&q);
    CHECK_INT(q.count, 0);
    CHECK_INT(uri_query_parse(&q, "x=1&y=%", 7, 0), URI_MALFORMED);
    CHECK_INT(q.count, 1); /* what came before the error stays */
    uri_query_free(&q);
    CHECK_INT(uri_query_parse(&q, "a+b=c+d", 7, URI_DECODE_PLUS), URI_OK);
    CHECK_STR(uri_query_get(&q, "a b"), "c d");
    uri_query_free(&q);
}

int main(void)
{
    RUN(test_encode);
    RUN(test_decode);
    RUN(test_decode_malformed);
    RUN(test_query_canonical);
    RUN(test_query_get_and_add);
    return test_summary();
}
