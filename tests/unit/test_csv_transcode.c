/*
 * test_csv_transcode.c: the Athena-CSV to CLI-CSV transcoder (csv.h).
 *
 * Edge cases with their exact output, then a property check: for every
 * input, the output is the same whether it is fed whole, split at every
 * byte position, or a byte at a time, and it equals what the row path
 * prints (records read with csv_reader, each field quoted by an independent
 * byte-by-byte version of the CLI's rule). Malformed inputs fail with the
 * reader's own message.
 */
#include "csv.h"
#include "test.h"

#include <stdint.h>

typedef struct result {
    int rc;          /* the last feed/finish result: 0, 1 or -1 */
    buf out;
    uint64_t records;
    char error[256];
} result;

/* Feeds input in pieces of at most piece bytes, the first cut at first_cut
 * (0: none), the rest whole. */
static void transcode(const char *in, size_t len, size_t first_cut, size_t piece,
                      size_t expect_fields, uint64_t max_records, result *r)
{
    memset(r, 0, sizeof *r);
    csv_transcoder *t = csv_transcoder_new(expect_fields, max_records);
    size_t at = 0;
    r->rc = 0;
    while (at < len && r->rc == 0) {
        size_t n = len - at;
        if (first_cut && at == 0 && first_cut < n)
            n = first_cut;
        else if (piece && piece < n)
            n = piece;
        r->rc = csv_transcoder_feed(t, in + at, n, &r->out);
        at += n;
    }
    if (r->rc == 0)
        r->rc = csv_transcoder_finish(t, &r->out);
    r->records = csv_transcoder_records(t);
    if (r->rc < 0 && r->out.data) { /* whole records only */
        r->out.len -= csv_transcoder_open_bytes(t);
        r->out.data[r->out.len] = '\0';
    }
    snprintf(r->error, sizeof r->error, "%s", csv_transcoder_error(t));
    csv_transcoder_free(t);
}

static int same_result(const result *a, const result *b)
{
    return a->rc == b->rc && a->records == b->records && a->out.len == b->out.len &&
           memcmp(buf_str(&a->out), buf_str(&b->out), a->out.len) == 0 &&
           strcmp(a->error, b->error) == 0;
}

/* ---- the row path, rebuilt independently ---- */

static void quote_field(buf *b, const char *s, size_t len)
{
    if (!s)
        return;
    int quote = len == 0 || s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' ||
                s[len - 1] == '\t';
    for (size_t i = 0; i < len; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            quote = 1;
    if (quote)
        buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' && quote)
            buf_putc(b, '"');
        buf_putc(b, s[i]);
    }
    if (quote)
        buf_putc(b, '"');
}

static int print_row(void *user_data, const char *const *fields, const size_t *lens,
                     size_t count, uint64_t offset)
{
    (void)offset;
    buf *b = user_data;
    for (size_t i = 0; i < count; i++) {
        if (i)
            buf_putc(b, ',');
        quote_field(b, fields[i], lens[i]);
    }
    buf_putc(b, '\n');
    return 0;
}

/* What the row path prints; rc -1 with the reader's error if malformed. */
static int row_path(const char *in, size_t len, buf *out, char *error, size_t error_size)
{
    csv_reader *r = csv_reader_new(print_row, out);
    int rc = csv_reader_feed(r, in, len);
    if (rc == 0)
        rc = csv_reader_finish(r);
    snprintf(error, error_size, "%s", csv_reader_error(r));
    csv_reader_free(r);
    return rc;
}

/* ---- cases ---- */

static void check_output(const char *in, const char *expected)
{
    result r;
    transcode(in, strlen(in), 0, 0, 0, 0, &r);
    CHECK_INT(r.rc, 0);
    CHECK_STR(buf_str(&r.out), expected);
    buf_free(&r.out);
}

static void test_edge_cases(void)
{
    check_output("\"a\",\"b\"\n", "a,b\n");
    check_output(",\"\"\n", ",\"\"\n");                  /* NULL, then "" */
    check_output("\"say \"\"hi\"\"\"\n", "\"say \"\"hi\"\"\"\n");
    check_output("\"\"\"\"\n", "\"\"\"\"\n");             /* a lone quote */
    check_output("\"a\nb\",\"c\r\nd\"\n", "\"a\nb\",\"c\r\nd\"\n");
    check_output("\" lead\",\"trail\t\",\"mid dle\"\n", "\" lead\",\"trail\t\",mid dle\n");
    check_output("\"x,y\",\"1\"\n", "\"x,y\",1\n");
    check_output("\"Z\xC3\xBCrich \xF0\x9F\x9A\x80\"\n", "Z\xC3\xBCrich \xF0\x9F\x9A\x80\n");
    check_output("\"h\"\n\n\"v\"\n\n", "h\n\nv\n\n");       /* one-column NULL rows */
    check_output("\"a\",\"b\"\r\n\"c\",\r\n", "a,b\nc,\n"); /* CRLF records */
    check_output("\"a\",\"b\"", "a,b\n");                   /* no final newline */
    check_output("\"a\",", "a,\n");                         /* ... ending in a NULL */
    check_output("plain,\"q\"\n", "plain,q\n");             /* lenient: unquoted text */
    check_output("", "");
}

static void test_max_records_and_field_count(void)
{
    const char *in = "\"h1\",\"h2\"\n\"a\",\n,\"b\"\n\"c\",\"d\"\n";
    result r;
    transcode(in, strlen(in), 0, 0, 2, 2, &r);
    CHECK_INT(r.rc, 1);
    CHECK_INT(r.records, 2);
    CHECK_STR(buf_str(&r.out), "h1,h2\na,\n");
    buf_free(&r.out);
    /* A limit the input never reaches. */
    transcode(in, strlen(in), 0, 3, 2, 10, &r);
    CHECK_INT(r.rc, 0);
    CHECK_INT(r.records, 4);
    buf_free(&r.out);
    /* The wrong field count is an error after the records before it. */
    const char *bad = "\"h1\",\"h2\"\n\"a\",\"b\"\n\"x\"\n\"c\",\"d\"\n";
    transcode(bad, strlen(bad), 0, 0, 2, 0, &r);
    CHECK_INT(r.rc, -1);
    CHECK_STR(buf_str(&r.out), "h1,h2\na,b\n");
    CHECK_STR(r.error, "the CSV record at byte 18 has 1 fields, expected 2");
    buf_free(&r.out);
}

static const char *const malformed[] = {
    "\"a\"x,\"b\"\n",         /* text after a closing quote */
    "ab\"c\n",                /* quote inside an unquoted field */
    "\"a\"\r\"b\"\n",         /* CR not followed by LF */
    "\"a\",\"b\n",            /* end of input inside quotes */
    "\"ok\"\n\"un\"\"closed\n",
};

static void test_malformed_inputs_fail_like_the_reader(void)
{
    for (size_t i = 0; i < sizeof malformed / sizeof *malformed; i++) {
        const char *in = malformed[i];
        buf expected = BUF_INIT;
        char reader_error[256];
        CHECK_INT(row_path(in, strlen(in), &expected, reader_error, sizeof reader_error), -1);
        result r;
        transcode(in, strlen(in), 0, 0, 0, 0, &r);
        CHECK_INT(r.rc, -1);
        CHECK_STR(r.error, reader_error);
        CHECK_STR(buf_str(&r.out), buf_str(&expected)); /* the records before it */
        buf_free(&r.out);
        buf_free(&expected);
    }
}

static const char *const inputs[] = {
    "\"id\",\"name\",\"note\"\n\"1\",\"a\",\"\"\n\"2\",,\"say \"\"hi\"\", then\nleave\"\n",
    "\"c\"\n\n\"\"\n\"\"\"\"\n\" \"\n\"\t\"\n",
    "\"a\",\"b\"\r\n\"x\r\ny\",\"z\"\r\n,\r\n",
    "\"k\",\"v\"\n\"comma,only\",\" padded \"\n\"na\xC3\xAFve\",\"\xE2\x9C\x93\"",
    "\"a\",\"b\",\"c\"\n,,\n\"\"\"\"\"\",\"\"\"x\"\"\",\"y\"\"\"\n",
    "h\nplain\nalso plain\n\"q\"\n",
    "\"x\"\n\"\r\"\n\"\n\"\n\"ends\"",
    "\"a\",\"b\"\n\"1\",",
};

/* Whole, split at every position, and a byte at a time: all the same, and
 * all what the row path prints. */
static void check_property(const char *in, size_t len)
{
    buf expected = BUF_INIT;
    char reader_error[256];
    int reader_rc = row_path(in, len, &expected, reader_error, sizeof reader_error);
    result whole;
    transcode(in, len, 0, 0, 0, 0, &whole);
    CHECK_INT(whole.rc, reader_rc);
    CHECK_STR(buf_str(&whole.out), buf_str(&expected));
    CHECK_STR(whole.error, reader_error);
    for (size_t cut = 1; cut < len; cut++) {
        result split;
        transcode(in, len, cut, 0, 0, 0, &split);
        if (!same_result(&split, &whole))
            fprintf(stderr, "differs when split at %zu: %s\n", cut, in);
        CHECK(same_result(&split, &whole));
        buf_free(&split.out);
    }
    result bytes;
    transcode(in, len, 0, 1, 0, 0, &bytes);
    CHECK(same_result(&bytes, &whole));
    buf_free(&bytes.out);
    buf_free(&whole.out);
    buf_free(&expected);
}

static void test_any_split_gives_the_row_path_output(void)
{
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++)
        check_property(inputs[i], strlen(inputs[i]));
    for (size_t i = 0; i < sizeof malformed / sizeof *malformed; i++)
        check_property(malformed[i], strlen(malformed[i]));
}

/* With a record limit and a field count, too, where the record ends take
 * the careful path: any split gives the same, and a limit gives a prefix
 * of the unlimited output. */
static void test_any_split_with_limits(void)
{
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        const char *in = inputs[i];
        size_t len = strlen(in);
        result unlimited;
        transcode(in, len, 0, 0, 0, 0, &unlimited);
        for (uint64_t max = 1; max <= 4; max++) {
            for (size_t fields = 0; fields <= 3; fields++) {
                result whole;
                transcode(in, len, 0, 0, fields, max, &whole);
                if (fields == 0) {
                    CHECK_INT(whole.records, max < unlimited.records ? max : unlimited.records);
                    CHECK(whole.out.len <= unlimited.out.len &&
                          memcmp(buf_str(&whole.out), buf_str(&unlimited.out), whole.out.len) == 0);
                }
                for (size_t cut = 1; cut < len; cut++) {
                    result split;
                    transcode(in, len, cut, 0, fields, max, &split);
                    if (!same_result(&split, &whole))
                        fprintf(stderr, "differs (max %d, fields %zu) split at %zu: %s\n",
                                (int)max, fields, cut, in);
                    CHECK(same_result(&split, &whole));
                    buf_free(&split.out);
                }
                buf_free(&whole.out);
            }
        }
        buf_free(&unlimited.out);
    }
}

/* Output written in pieces, keeping the open record's bytes, is the whole
 * output, as the CLI writes it. */
static void test_open_bytes_keep_records_whole(void)
{
    const char *in = "\"id\",\"name\",\"note\"\n\"1\",\"a\",\"\"\n"
                     "\"2\",,\"say \"\"hi\"\", then\nleave\""; /* no final newline */
    csv_transcoder *t = csv_transcoder_new(3, 0);
    buf out = BUF_INIT, written = BUF_INIT;
    for (size_t i = 0; in[i]; i++) {
        REQUIRE(csv_transcoder_feed(t, in + i, 1, &out) == 0);
        size_t whole = out.len - csv_transcoder_open_bytes(t);
        if (!whole)
            continue;
        buf_append(&written, out.data, whole);
        memmove(out.data, out.data + whole, out.len - whole);
        out.len -= whole;
        /* Only ever whole records have been written. */
        CHECK(written.len == 0 || written.data[written.len - 1] == '\n');
    }
    CHECK_INT(csv_transcoder_finish(t, &out), 0);
    CHECK_INT(csv_transcoder_open_bytes(t), 0); /* the last record, completed */
    buf_append(&written, out.data, out.len);
    CHECK_STR(buf_str(&written), "id,name,note\n1,a,\"\"\n2,,\"say \"\"hi\"\", then\nleave\"\n");
    csv_transcoder_free(t);
    buf_free(&out);
    buf_free(&written);
}

static void test_record_size_limit(void)
{
    /* An unterminated quote must not buffer the stream without bound. */
    csv_transcoder *t = csv_transcoder_new(0, 0);
    buf out = BUF_INIT;
    static char block[1 << 16];
    memset(block, 'x', sizeof block);
    int rc = csv_transcoder_feed(t, "\"", 1, &out);
    size_t fed = 0;
    while (rc == 0 && fed <= CSV_DEFAULT_MAX_RECORD) {
        rc = csv_transcoder_feed(t, block, sizeof block, &out);
        fed += sizeof block;
    }
    CHECK_INT(rc, -1);
    CHECK(strstr(csv_transcoder_error(t), "is larger than") != NULL);
    csv_transcoder_free(t);
    buf_free(&out);
}

int main(void)
{
    RUN(test_edge_cases);
    RUN(test_max_records_and_field_count);
    RUN(test_malformed_inputs_fail_like_the_reader);
    RUN(test_any_split_gives_the_row_path_output);
    RUN(test_any_split_with_limits);
    RUN(test_open_bytes_keep_records_whole);
    RUN(test_record_size_limit);
    return test_summary();
}
