/*
 * test_results_raw.c: the results cursor's raw mode (athena_results_read_raw)
 * over recorded bytes: spans handed out in order then DONE, errors passed
 * on, a raw cursor refusing athena_results_next(), and a row cursor
 * refusing read_raw with ATHENA_E_TYPE (the caller's cue to read rows);
 * and the S3 raw source checking the header before handing out every byte
 * of the file, also when the header spans several reads.
 */
#include "results.h"
#include "results_s3.h"
#include "test.h"

#include <jansson.h>

typedef struct spans {
    const char *const *parts;
    size_t count, next;
    athena_status fail_with; /* after the parts, instead of DONE */
    int freed;
} spans;

static athena_status read_spans(void *user_data, const char **data, size_t *len,
                                athena_error *err)
{
    spans *s = user_data;
    if (s->next < s->count) {
        *data = s->parts[s->next++];
        *len = strlen(*data);
        return ATHENA_OK;
    }
    *data = "";
    *len = 0;
    if (s->fail_with != ATHENA_OK)
        return error_set(err, s->fail_with, "the fetch failed");
    return ATHENA_DONE;
}

static void free_spans(void *user_data)
{
    ((spans *)user_data)->freed = 1;
}

static json_t *two_columns(void)
{
    return json_pack("[{s:s,s:s},{s:s,s:s}]", "Name", "a", "Type", "varchar", "Name", "b",
                     "Type", "bigint");
}

static void test_raw_cursor_hands_out_bytes_in_order(void)
{
    const char *parts[] = {"\"a\",\"b\"\n\"x", "\",\"1\"\n"};
    spans s = {parts, 2, 0, ATHENA_OK, 0};
    json_t *cols = two_columns();
    athena_results *r = NULL;
    athena_error err;
    REQUIRE(results_open_raw(read_spans, &s, free_spans, cols, &r, &err) == ATHENA_OK);
    CHECK_INT(athena_results_column_count(r), 2);
    CHECK_STR(athena_results_column(r, 1)->name, "b");
    const char *data = NULL;
    size_t len = 0;
    CHECK_INT(athena_results_read_raw(r, &data, &len), ATHENA_OK);
    CHECK_INT(len, strlen(parts[0]));
    CHECK(memcmp(data, parts[0], len) == 0);
    /* Rows cannot be mixed in. */
    CHECK_INT(athena_results_next(r), ATHENA_E_ARG);
    CHECK(strstr(athena_results_error(r)->message, "athena_results_read_raw") != NULL);
    CHECK_INT(athena_results_read_raw(r, &data, &len), ATHENA_OK);
    CHECK_STR(data, parts[1]);
    CHECK_INT(athena_results_read_raw(r, &data, &len), ATHENA_DONE);
    CHECK_INT(len, 0);
    CHECK_INT(athena_results_row_number(r), 0);
    CHECK_INT(athena_results_read_raw(r, NULL, &len), ATHENA_E_ARG);
    athena_results_close(r);
    CHECK(s.freed);
    json_decref(cols);
}

static void test_raw_cursor_reports_errors(void)
{
    const char *parts[] = {"\"a\",\"b\"\n"};
    spans s = {parts, 1, 0, ATHENA_E_NETWORK, 0};
    json_t *cols = two_columns();
    athena_results *r = NULL;
    athena_error err;
    REQUIRE(results_open_raw(read_spans, &s, free_spans, cols, &r, &err) == ATHENA_OK);
    const char *data = NULL;
    size_t len = 0;
    CHECK_INT(athena_results_read_raw(r, &data, &len), ATHENA_OK);
    CHECK_INT(athena_results_read_raw(r, &data, &len), ATHENA_E_NETWORK);
    CHECK_INT(len, 0);
    CHECK_STR(athena_results_error(r)->message, "the fetch failed");
    athena_results_close(r);
    json_decref(cols);
}

static athena_status one_row(void *user_data, const char *const **values,
                             const size_t **lengths, athena_error *err)
{
    (void)err;
    static const char *const row[] = {"x", NULL};
    static const size_t lens[] = {1, 0};
    int *given = user_data;
    if ((*given)++)
        return ATHENA_DONE;
    *values = row;
    *lengths = lens;
    return ATHENA_OK;
}

static void test_row_cursor_refuses_raw_reads(void)
{
    int given = 0;
    json_t *cols = two_columns();
    athena_results *r = NULL;
    athena_error err;
    REQUIRE(results_open_rows(one_row, &given, NULL, cols, &r, &err) == ATHENA_OK);
    const char *data = "unchanged";
    size_t len = 99;
    CHECK_INT(athena_results_read_raw(r, &data, &len), ATHENA_E_TYPE);
    CHECK_INT(len, 0);
    CHECK(strstr(athena_results_error(r)->message, "athena_results_next") != NULL);
    /* ... and still reads its rows. */
    CHECK_INT(athena_results_next(r), ATHENA_OK);
    CHECK(athena_results_is_null(r, 1));
    CHECK_INT(athena_results_next(r), ATHENA_DONE);
    athena_results_close(r);
    json_decref(cols);
}

/* All the bytes an s3_raw hands out, concatenated. */
static athena_status drain(s3_raw *raw, buf *all)
{
    athena_error err;
    error_clear(&err);
    const char *data;
    size_t len;
    athena_status st;
    while ((st = s3_raw_read(raw, &data, &len, &err)) == ATHENA_OK) {
        if (len == 0)
            return ATHENA_E_PROTOCOL; /* OK must come with bytes */
        buf_append(all, data, len);
    }
    return st;
}

static const char *const names[] = {"a", "b"};

static void test_s3_raw_header_across_reads(void)
{
    const char *parts[] = {"\"a\",", "\"b", "\"\n\"x\",\"1\"\n", "\"y\",\"2\"\n"};
    for (size_t first = 0; first < 4; first++) {
        /* The header completes in the third read; also start later on. */
        spans s = {parts + first, 4 - first, 0, ATHENA_OK, 0};
        athena_error err;
        error_clear(&err);
        s3_raw *raw = s3_raw_start(read_spans, &s, free_spans, names, 2, &err);
        if (first > 0) { /* the file then does not start with the header */
            CHECK(raw == NULL);
            CHECK(s.freed);
            continue;
        }
        REQUIRE(raw != NULL);
        buf all = BUF_INIT;
        CHECK_INT(drain(raw, &all), ATHENA_DONE);
        CHECK_STR(buf_str(&all), "\"a\",\"b\"\n\"x\",\"1\"\n\"y\",\"2\"\n");
        s3_raw_free(raw);
        CHECK(s.freed);
        buf_free(&all);
    }
}

static void check_refused(const char *const *parts, size_t count, const char *message)
{
    spans s = {parts, count, 0, ATHENA_OK, 0};
    athena_error err;
    error_clear(&err);
    s3_raw *raw = s3_raw_start(read_spans, &s, free_spans, names, 2, &err);
    CHECK(raw == NULL);
    CHECK_INT(err.status, ATHENA_E_PROTOCOL);
    if (!strstr(err.message, message))
        fprintf(stderr, "message: %s\n", err.message);
    CHECK(strstr(err.message, message) != NULL);
    CHECK(s.freed);
}

static void test_s3_raw_refuses_bad_headers(void)
{
    const char *renamed[] = {"\"a\",\"B\"\n\"x\",\"1\"\n"};
    check_refused(renamed, 1, "does not match the column names (column 2)");
    const char *null_name[] = {"\"a\",\n"};
    check_refused(null_name, 1, "does not match the column names");
    const char *three[] = {"\"a\",\"b\",\"c\"\n"};
    check_refused(three, 1, "has 3 fields, the result has 2 columns");
    check_refused(NULL, 0, "the result file is empty: no header row");
    const char *unclosed[] = {"\"a\",\"b"};
    check_refused(unclosed, 1, "end of input inside a quoted field");
    /* A header alone, without a newline, is a whole (empty) result. */
    const char *alone[] = {"\"a\",", "\"b\""};
    spans s = {alone, 2, 0, ATHENA_OK, 0};
    athena_error err;
    error_clear(&err);
    s3_raw *raw = s3_raw_start(read_spans, &s, free_spans, names, 2, &err);
    REQUIRE(raw != NULL);
    buf all = BUF_INIT;
    CHECK_INT(drain(raw, &all), ATHENA_DONE);
    CHECK_STR(buf_str(&all), "\"a\",\"b\"");
    s3_raw_free(raw);
    buf_free(&all);
}

int main(void)
{
    RUN(test_s3_raw_header_across_reads);
    RUN(test_s3_raw_refuses_bad_headers);
    RUN(test_raw_cursor_hands_out_bytes_in_order);
    RUN(test_raw_cursor_reports_errors);
    RUN(test_row_cursor_refuses_raw_reads);
    return test_summary();
}
