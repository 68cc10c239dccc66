/*
 * test_csv.c: Athena's CSV dialect (csv.h). The writer's exact bytes, round
 * trips of hostile values, the reader across every chunk boundary (one byte
 * at a time and random chunk sizes must give the same records and offsets as
 * one big chunk), malformed input with its offset, stop-and-resume offsets,
 * lenient forms (unquoted fields, CRLF) and the record size limit.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "test.h"

/* ---- Helpers ---- */

/* Records as one canonical string: "@offset N|S3:abc|...\n" per record. */
typedef struct collector {
    buf canon;
    size_t records;
    size_t stop_after; /* 0 = never stop */
} collector;

static int collect(void *user_data, const char *const *fields, const size_t *lens, size_t count,
                   uint64_t record_offset)
{
    collector *c = user_data;
    buf_printf(&c->canon, "@%" PRIu64, record_offset);
    for (size_t i = 0; i < count; i++) {
        if (!fields[i]) {
            buf_puts(&c->canon, " N");
            continue;
        }
        if (fields[i][lens[i]] != '\0') /* fields must be NUL-terminated */
            buf_puts(&c->canon, " UNTERMINATED");
        buf_printf(&c->canon, " S%zu:", lens[i]);
        buf_append(&c->canon, fields[i], lens[i]);
    }
    buf_putc(&c->canon, '\n');
    c->records++;
    return c->stop_after && c->records >= c->stop_after;
}

/* Parses input fed in chunks of the given sizes (cycled; 0 = all at once).
 * Returns the canonical records (caller frees), with *rc the result of the
 * last feed/finish and err copied from the reader. */
static char *parse_chunked(const char *in, size_t len, const size_t *sizes, size_t nsizes,
                           int *rc, char *err, size_t err_cap)
{
    collector c = {BUF_INIT, 0, 0};
    csv_reader *r = csv_reader_new(collect, &c);
    size_t pos = 0, k = 0;
    *rc = 0;
    while (pos < len && *rc == 0) {
        size_t n = nsizes && sizes[k % nsizes] ? sizes[k % nsizes] : len - pos;
        if (n > len - pos)
            n = len - pos;
        *rc = csv_reader_feed(r, in + pos, n);
        pos += n;
        k++;
    }
    if (*rc == 0)
        *rc = csv_reader_finish(r);
    if (err)
        snprintf(err, err_cap, "%s", csv_reader_error(r));
    csv_reader_free(r);
    return buf_detach(&c.canon);
}

static char *parse_all(const char *in, int *rc, char *err, size_t err_cap)
{
    return parse_chunked(in, strlen(in), NULL, 0, rc, err, err_cap);
}

/* Deterministic pseudo-random numbers (xorshift), so failures reproduce. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* ---- Writer ---- */

static char *write_record(const char *const *values, const size_t *lens, size_t n)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        csv_write_field(&b, values[i], lens[i], i == 0);
    csv_end_record(&b);
    return buf_detach(&b);
}

static void test_writer_exact_bytes(void)
{
    const char *v[] = {"plain", NULL, "", "say \"hi\"", "a,b", "two\nlines", "\"\""};
    size_t l[] = {5, 0, 0, 8, 3, 9, 2};
    char *s = write_record(v, l, 7);
    CHECK_STR(s, "\"plain\",,\"\",\"say \"\"hi\"\"\",\"a,b\",\"two\nlines\",\"\"\"\"\"\"\n");
    free(s);

    const char *only_null[] = {NULL};
    size_t zero[] = {0};
    s = write_record(only_null, zero, 1);
    CHECK_STR(s, "\n");
    free(s);

    const char *two_null[] = {NULL, NULL};
    size_t zeros[] = {0, 0};
    s = write_record(two_null, zeros, 2);
    CHECK_STR(s, ",\n");
    free(s);

    /* Bytes are written as given, including NUL and invalid UTF-8. */
    const char *bin[] = {"a\0b\xff"};
    size_t bl[] = {4};
    s = write_record(bin, bl, 1);
    CHECK(memcmp(s, "\"a\0b\xff\"\n", 7) == 0);
    free(s);
}

/* ---- Round trips ---- */

static void test_round_trip_tricky_values(void)
{
    const char *values[] = {
        "",        "\"",      "\"\"",        ",",          "\n",        "\r\n",
        "a\r\nb",  "\r",      "  spaced  ",  "caf\xc3\xa9", "\xf0\x9f\x98\x80 emoji",
        "a\"b\"c", "\"start", "end\"",       "x,\"y\"\n,z", NULL,        "\t tab",
    };
    size_t n = sizeof values / sizeof values[0];
    size_t lens[sizeof values / sizeof values[0]];
    for (size_t i = 0; i < n; i++)
        lens[i] = values[i] ? strlen(values[i]) : 0;

    /* Each value alone, and all of them in one record, and a second record. */
    buf in = BUF_INIT, expect = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        uint64_t at = in.len;
        csv_write_field(&in, values[i], lens[i], 1);
        csv_end_record(&in);
        buf_printf(&expect, "@%" PRIu64, at);
        if (values[i])
            buf_printf(&expect, " S%zu:%s\n", lens[i], values[i]);
        else
            buf_puts(&expect, " N\n");
    }
    buf_printf(&expect, "@%zu", in.len);
    for (size_t i = 0; i < n; i++) {
        csv_write_field(&in, values[i], lens[i], i == 0);
        if (values[i])
            buf_printf(&expect, " S%zu:%s", lens[i], values[i]);
        else
            buf_puts(&expect, " N");
    }
    csv_end_record(&in);
    buf_putc(&expect, '\n');

    int rc;
    char err[256];
    char *got = parse_all(in.data, &rc, err, sizeof err);
    CHECK_INT(rc, 0);
    CHECK_STR(got, expect.data);
    free(got);
    buf_free(&in);
    buf_free(&expect);
}

static void test_round_trip_large_field(void)
{
    size_t big = 1u << 20;
    char *value = malloc(big);
    for (size_t i = 0; i < big; i++)
        value[i] = "ab\"c,\n\r\xc3"[i % 9];
    buf in = BUF_INIT;
    csv_write_field(&in, "before", 6, 1);
    csv_write_field(&in, value, big, 0);
    csv_write_field(&in, NULL, 0, 0);
    csv_end_record(&in);
    csv_write_field(&in, "", 0, 1);
    csv_end_record(&in);

    collector c = {BUF_INIT, 0, 0};
    csv_reader *r = csv_reader_new(collect, &c);
    /* 64 KiB chunks, as the server reads files. */
    int rc = 0;
    for (size_t pos = 0; pos < in.len && rc == 0; pos += 65536)
        rc = csv_reader_feed(r, in.data + pos, in.len - pos < 65536 ? in.len - pos : 65536);
    CHECK_INT(rc, 0);
    CHECK_INT(csv_reader_finish(r), 0);
    CHECK_INT(c.records, 2);

    buf expect = BUF_INIT;
    buf_printf(&expect, "@0 S6:before S%zu:", big);
    buf_append(&expect, value, big);
    buf_printf(&expect, " N\n@%zu S0:\n", in.len - 3);
    CHECK(c.canon.len == expect.len && memcmp(c.canon.data, expect.data, expect.len) == 0);
    csv_reader_free(r);
    buf_free(&c.canon);
    buf_free(&expect);
    buf_free(&in);
    free(value);
}

/* ---- Chunk boundaries ---- */

static const char chunk_input[] =
    "\"id\",\"name\",\"note\"\n"
    "\"1\",\"O\"\"Brien\",\"line1\nline2\"\n"
    "\"2\",,\"\"\r\n"
    "3,plain,\"a\r\nb\"\n"
    "\n"
    "\"\"\"\"\"\",\"\xe2\x82\xac\",x\r\n"
    ",,\n"
    "\"last\",no_newline";

static const char chunk_expect[] =
    "@0 S2:id S4:name S4:note\n"
    "@19 S1:1 S7:O\"Brien S11:line1\nline2\n"
    "@48 S1:2 N S0:\n"
    "@57 S1:3 S5:plain S4:a\r\nb\n"
    "@72 N\n"
    "@73 S2:\"\" S3:\xe2\x82\xac S1:x\n"
    "@89 N N N\n"
    "@92 S4:last S10:no_newline\n";

static void test_one_big_chunk(void)
{
    int rc;
    char *got = parse_all(chunk_input, &rc, NULL, 0);
    CHECK_INT(rc, 0);
    CHECK_STR(got, chunk_expect);
    free(got);
}

static void test_one_byte_at_a_time(void)
{
    size_t one = 1;
    int rc;
    char *got = parse_chunked(chunk_input, strlen(chunk_input), &one, 1, &rc, NULL, 0);
    CHECK_INT(rc, 0);
    CHECK_STR(got, chunk_expect);
    free(got);
}

static void test_empty_feeds(void)
{
    collector c = {BUF_INIT, 0, 0};
    csv_reader *r = csv_reader_new(collect, &c);
    CHECK_INT(csv_reader_feed(r, NULL, 0), 0);
    CHECK_INT(csv_reader_feed(r, "\"a", 2), 0);
    CHECK_INT(csv_reader_feed(r, "", 0), 0);
    CHECK_INT(csv_reader_feed(r, "\"\n", 2), 0);
    CHECK_INT(csv_reader_finish(r), 0);
    CHECK_INT(csv_reader_finish(r), 0); /* nothing pending: no record */
    CHECK_STR(c.canon.data, "@0 S1:a\n");
    csv_reader_free(r);
    buf_free(&c.canon);
    csv_reader_free(NULL);
}

static void test_every_split_point(void)
{
    /* Two chunks, split at every position: covers a split before/after each
     * quote, doubled quote, CR and LF. */
    size_t len = strlen(chunk_input);
    int mismatches = 0;
    for (size_t cut = 0; cut <= len; cut++) {
        size_t sizes[2] = {cut ? cut : len, len};
        int rc;
        char *got = parse_chunked(chunk_input, len, sizes, 2, &rc, NULL, 0);
        if (rc != 0 || strcmp(got, chunk_expect) != 0)
            mismatches++;
        free(got);
    }
    CHECK_INT(mismatches, 0);
}

static void test_random_chunk_sizes(void)
{
    /* A generated stream of hostile values, parsed whole and in random
     * chunks (1..40 bytes), must agree. */
    const char *pieces[] = {"\"", "\"\"", ",", "\n", "\r\n", "\r", "x", "\xc3\xa9", ""};
    buf in = BUF_INIT;
    for (int rec = 0; rec < 300; rec++) {
        int fields = 1 + (int)(rng() % 5);
        for (int f = 0; f < fields; f++) {
            if (rng() % 7 == 0) {
                csv_write_field(&in, NULL, 0, f == 0);
                continue;
            }
            char value[64];
            size_t vlen = 0;
            int parts = (int)(rng() % 6);
            for (int k = 0; k < parts; k++) {
                const char *piece = pieces[rng() % 9];
                memcpy(value + vlen, piece, strlen(piece));
                vlen += strlen(piece);
            }
            csv_write_field(&in, value, vlen, f == 0);
        }
        csv_end_record(&in);
    }
    int rc;
    char *whole = parse_all(in.data, &rc, NULL, 0);
    CHECK_INT(rc, 0);
    int mismatches = 0;
    for (int trial = 0; trial < 50; trial++) {
        size_t sizes[32];
        for (int i = 0; i < 32; i++)
            sizes[i] = 1 + (size_t)(rng() % 40);
        char *got = parse_chunked(in.data, in.len, sizes, 32, &rc, NULL, 0);
        if (rc != 0 || strcmp(got, whole) != 0)
            mismatches++;
        free(got);
    }
    CHECK_INT(mismatches, 0);
    free(whole);
    buf_free(&in);
}

/* ---- Lenient forms ---- */

static void test_lenient_forms(void)
{
    struct {
        const char *in, *expect;
    } cases[] = {
        {"a,b\n", "@0 S1:a S1:b\n"},
        {"a,b\r\nc\r\n", "@0 S1:a S1:b\n@5 S1:c\n"},
        {"a,b", "@0 S1:a S1:b\n"},
        {"a,", "@0 S1:a N\n"},
        {"\"a\",\r\n", "@0 S1:a N\n"},
        {"\r\n", "@0 N\n"},
        {"\n\n", "@0 N\n@1 N\n"},
        {"\"\"", "@0 S0:\n"},
        {"\"a\"\r", "@0 S1:a\n"},
        {"", ""},
        {"\"multi\nline\",\"\r\"\n", "@0 S10:multi\nline S1:\r\n"},
        {"caf\xc3\xa9,\xff\xfe\n", "@0 S5:caf\xc3\xa9 S2:\xff\xfe\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc;
        char *got = parse_all(cases[i].in, &rc, NULL, 0);
        CHECK_INT(rc, 0);
        CHECK_STR(got, cases[i].expect);
        free(got);
    }
}

/* ---- Malformed input ---- */

static void test_malformed(void)
{
    struct {
        const char *in, *error, *records_before;
    } cases[] = {
        {"ab\"c\n", "malformed CSV at byte 2: quote inside an unquoted field", ""},
        {"\"ok\"\nx,a\"\n", "malformed CSV at byte 8: quote inside an unquoted field",
         "@0 S2:ok\n"},
        {"\"abc\"d,e\n", "malformed CSV at byte 5: text after a closing quote", ""},
        {"\"abc\" \n", "malformed CSV at byte 5: text after a closing quote", ""},
        {"\"a\"\n\"unterminated,\n", "malformed CSV at byte 4: end of input inside a quoted field",
         "@0 S1:a\n"},
        {"a\rb\n", "malformed CSV at byte 2: carriage return outside quotes not followed by a "
                   "newline", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (size_t one = 0; one <= 1; one++) { /* whole, then byte by byte */
            int rc;
            char err[256];
            char *got = parse_chunked(cases[i].in, strlen(cases[i].in), &one, 1, &rc, err,
                                      sizeof err);
            CHECK_INT(rc, -1);
            CHECK_STR(err, cases[i].error);
            CHECK_STR(got, cases[i].records_before);
            free(got);
        }
    }
}

static void test_error_is_sticky(void)
{
    collector c = {BUF_INIT, 0, 0};
    csv_reader *r = csv_reader_new(collect, &c);
    CHECK_STR(csv_reader_error(r), "");
    CHECK_INT(csv_reader_feed(r, "\"x\"y", 4), -1);
    CHECK_INT(csv_reader_feed(r, "\n\"ok\"\n", 6), -1);
    CHECK_INT(csv_reader_finish(r), -1);
    CHECK_INT(c.records, 0);
    CHECK_STR(csv_reader_error(r), "malformed CSV at byte 3: text after a closing quote");
    csv_reader_free(r);
    buf_free(&c.canon);
}

static void test_record_size_limit(void)
{
    collector c = {BUF_INIT, 0, 0};
    csv_reader *r = csv_reader_new(collect, &c);
    csv_reader_set_max_record(r, 16);
    /* 3+1 and 4+1 bytes with terminators: fits. */
    CHECK_INT(csv_reader_feed(r, "\"abc\",\"defg\"\n", 13), 0);
    /* 20 bytes of text: too large, even when it arrives in small pieces. */
    CHECK_INT(csv_reader_feed(r, "\"0123456789", 11), 0);
    CHECK_INT(csv_reader_feed(r, "0123456789\"\n", 12), -1);
    CHECK_STR(csv_reader_error(r), "CSV record at byte 13 is larger than 16 bytes");
    CHECK_STR(c.canon.data, "@0 S3:abc S4:defg\n");
    csv_reader_free(r);
    buf_free(&c.canon);
}

/* ---- Stop and resume ---- */

static void test_stop_and_resume(void)
{
    /* Stop after 2 records: the offset is where record 3 starts, and feeding
     * from there yields the rest, with offsets relative to the new start. */
    const char *in = "\"a\"\n\"b\nb\"\r\n\"c\"\n,\n\"e\"";
    collector c = {BUF_INIT, 0, 2};
    csv_reader *r = csv_reader_new(collect, &c);
    CHECK_INT(csv_reader_feed(r, in, strlen(in)), 1);
    CHECK_INT(csv_reader_offset(r), 11);
    CHECK_STR(c.canon.data, "@0 S1:a\n@4 S3:b\nb\n");
    csv_reader_free(r);

    buf_reset(&c.canon);
    c.records = 0;
    c.stop_after = 0;
    r = csv_reader_new(collect, &c);
    CHECK_INT(csv_reader_feed(r, in + 11, strlen(in) - 11), 0);
    CHECK_INT(csv_reader_offset(r), 6); /* the unfinished "e" record */
    CHECK_INT(csv_reader_finish(r), 0);
    CHECK_INT(csv_reader_offset(r), 9);
    CHECK_STR(c.canon.data, "@0 S1:c\n@4 N N\n@6 S1:e\n");
    csv_reader_free(r);

    /* A stop on the final record without newline, from finish. */
    buf_reset(&c.canon);
    c.records = 0;
    c.stop_after = 1;
    r = csv_reader_new(collect, &c);
    CHECK_INT(csv_reader_feed(r, "\"z\"", 3), 0);
    CHECK_INT(csv_reader_finish(r), 1);
    CHECK_STR(c.canon.data, "@0 S1:z\n");
    csv_reader_free(r);
    buf_free(&c.canon);
}

static void test_stop_mid_chunk_then_continue_same_reader(void)
{
    /* After a stop the caller feeds the unconsumed rest to the same reader. */
    const char *in = "1\n2\n3\n4\n";
    collector c = {BUF_INIT, 0, 1};
    csv_reader *r = csv_reader_new(collect, &c);
    size_t pos = 0;
    int stops = 0;
    while (pos < strlen(in)) {
        int rc = csv_reader_feed(r, in + pos, strlen(in) - pos);
        CHECK(rc >= 0);
        pos = (size_t)csv_reader_offset(r);
        if (rc == 1) {
            stops++;
            c.stop_after = c.records + 1;
        }
    }
    CHECK_INT(stops, 4);
    CHECK_INT(csv_reader_finish(r), 0);
    CHECK_STR(c.canon.data, "@0 S1:1\n@2 S1:2\n@4 S1:3\n@6 S1:4\n");
    csv_reader_free(r);
    buf_free(&c.canon);
}

/* ---- Throughput (not asserted: shows the reader streams in bounded memory) ---- */

static int count_only(void *user_data, const char *const *fields, const size_t *lens,
                      size_t count, uint64_t record_offset)
{
    (void)fields;
    (void)lens;
    (void)record_offset;
    *(size_t *)user_data += count;
    return 0;
}

static void test_large_stream_in_chunks(void)
{
    /* 64 MiB through a 64 KiB window: the reader never sees more than one
     * chunk and one record. */
    buf chunk = BUF_INIT;
    size_t rows_per_chunk = 0;
    while (chunk.len < 60000) {
        csv_write_field(&chunk, "2024-01-01 00:00:00.000", 23, 1);
        csv_write_field(&chunk, NULL, 0, 0);
        csv_write_field(&chunk, "some \"quoted\" text, with commas", 31, 0);
        csv_end_record(&chunk);
        rows_per_chunk++;
    }
    size_t fields = 0;
    csv_reader *r = csv_reader_new(count_only, &fields);
    size_t reps = (64u << 20) / chunk.len;
    int rc = 0;
    for (size_t i = 0; i < reps && rc == 0; i++)
        rc = csv_reader_feed(r, chunk.data, chunk.len);
    CHECK_INT(rc, 0);
    CHECK_INT(csv_reader_finish(r), 0);
    CHECK_INT(fields, reps * rows_per_chunk * 3);
    CHECK_INT(csv_reader_offset(r), reps * chunk.len);
    csv_reader_free(r);
    buf_free(&chunk);
}

int main(void)
{
    RUN(test_writer_exact_bytes);
    RUN(test_round_trip_tricky_values);
    RUN(test_round_trip_large_field);
    RUN(test_one_big_chunk);
    RUN(test_one_byte_at_a_time);
    RUN(test_empty_feeds);
    RUN(test_every_split_point);
    RUN(test_random_chunk_sizes);
    RUN(test_lenient_forms);
    RUN(test_malformed);
    RUN(test_error_is_sticky);
    RUN(test_record_size_limit);
    RUN(test_stop_and_resume);
    RUN(test_stop_mid_chunk_then_continue_same_reader);
    RUN(test_large_stream_in_chunks);
    return test_summary();
}
