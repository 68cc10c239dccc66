/*
 * test_jsonw.c: JSON string writing (src/core/jsonw.c): escapes, UTF-8
 * passthrough, and replacement of ill-formed UTF-8 so output stays valid.
 */
#include "jsonw.h"
#include "test.h"

#define S(lit) lit, sizeof(lit) - 1

/* Writes s[0..len) as a JSON string and compares with the expected text. */
static int written_as(const char *s, size_t len, const char *expected)
{
    buf b = BUF_INIT;
    int ok = jsonw_string(&b, s, len) == 0 && strcmp(buf_str(&b), expected) == 0;
    if (!ok)
        fprintf(stderr, "  got: %s\n  expected: %s\n", buf_str(&b), expected);
    buf_free(&b);
    return ok;
}

static void test_plain_and_empty(void)
{
    CHECK(written_as(S(""), "\"\""));
    CHECK(written_as(S("hello"), "\"hello\""));
    CHECK(written_as(S("a/b ~ {}[]:,"), "\"a/b ~ {}[]:,\""));
}

static void test_escapes(void)
{
    CHECK(written_as(S("say \"hi\""), "\"say \\\"hi\\\"\""));
    CHECK(written_as(S("C:\\dir"), "\"C:\\\\dir\""));
    CHECK(written_as(S("a\nb\tc\rd\be\ff"), "\"a\\nb\\tc\\rd\\be\\ff\""));
    CHECK(written_as(S("\x01\x1f\x7f"), "\"\\u0001\\u001f\x7f\""));
    CHECK(written_as(S("\x1b[31m"), "\"\\u001b[31m\""));
}

static void test_embedded_nul(void)
{
    CHECK(written_as("a\0b", 3, "\"a\\u0000b\""));
    CHECK(written_as("abc", 1, "\"a\""));
}

static void test_utf8_passthrough(void)
{
    CHECK(written_as(S("caf\xC3\xA9"), "\"caf\xC3\xA9\""));             /* 2 bytes */
    CHECK(written_as(S("\xE2\x82\xAC 5"), "\"\xE2\x82\xAC 5\""));       /* 3 bytes */
    CHECK(written_as(S("\xF0\x9F\x98\x80"), "\"\xF0\x9F\x98\x80\""));   /* 4 bytes */
    CHECK(written_as(S("\xF4\x8F\xBF\xBF"), "\"\xF4\x8F\xBF\xBF\""));   /* U+10FFFF */
    CHECK(written_as(S("\xEF\xBF\xBD"), "\"\xEF\xBF\xBD\""));           /* U+FFFD */
}

#define FFFD "\xEF\xBF\xBD"

static void test_invalid_utf8_replaced(void)
{
    CHECK(written_as(S("a\xFF" "b"), "\"a" FFFD "b\""));          /* never valid */
    CHECK(written_as(S("\x80"), "\"" FFFD "\""));                 /* lone continuation */
    CHECK(written_as(S("\xC0\xAF"), "\"" FFFD FFFD "\""));        /* overlong '/' */
    CHECK(written_as(S("\xE0\x80\xAF"), "\"" FFFD FFFD FFFD "\"")); /* overlong 3-byte */
    CHECK(written_as(S("\xED\xA0\x80"), "\"" FFFD FFFD FFFD "\"")); /* surrogate D800 */
    CHECK(written_as(S("\xF4\x90\x80\x80"), "\"" FFFD FFFD FFFD FFFD "\"")); /* > U+10FFFF */
    CHECK(written_as(S("\xE2\x82"), "\"" FFFD "\""));             /* truncated at end */
    CHECK(written_as(S("\xE2\x82x"), "\"" FFFD "x\""));           /* truncated mid-text */
    CHECK(written_as(S("\xF0\x9F\x98\""), "\"" FFFD "\\\"\""));   /* truncated before '"' */
    CHECK(written_as(S("\xC3"), "\"" FFFD "\""));
}

static void test_utf8_step(void)
{
    int valid = -1;
    CHECK_INT(jsonw_utf8_step("A", 1, &valid), 1);
    CHECK_INT(valid, 1);
    CHECK_INT(jsonw_utf8_step(S("\xF0\x9F\x98\x80"), &valid), 4);
    CHECK_INT(valid, 1);
    CHECK_INT(jsonw_utf8_step(S("\xF0\x9F\x98"), &valid), 3);
    CHECK_INT(valid, 0);
    CHECK_INT(jsonw_utf8_step(S("\xFE"), &valid), 1);
    CHECK_INT(valid, 0);
}

static void test_appends_to_existing(void)
{
    buf b = BUF_INIT;
    REQUIRE(buf_puts(&b, "{\"k\":") == 0);
    REQUIRE(jsonw_string(&b, S("v")) == 0);
    CHECK_STR(buf_str(&b), "{\"k\":\"v\"");
    buf_free(&b);
}

int main(void)
{
    RUN(test_plain_and_empty);
    RUN(test_escapes);
    RUN(test_embedded_nul);
    RUN(test_utf8_passthrough);
    RUN(test_invalid_utf8_replaced);
    RUN(test_utf8_step);
    RUN(test_appends_to_existing);
    return test_summary();
}
