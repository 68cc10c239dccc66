/*
 * test_results.c: the results cursor against recorded GetQueryResults pages:
 * paging by NextToken with one page in memory, the header row skipped only
 * where Athena sends it, NULL distinct from "", and the typed accessors.
 */
#include "results.h"
#include "test.h"

#include <jansson.h>
#include <math.h>

typedef struct recorded {
    const char *files[4];
    size_t count;
    size_t served;
    char tokens_seen[4][64];
    int max_results_seen;
} recorded;

static const char *fixtures_dir(void)
{
    static char path[1024];
    const char *f = getenv("ATHENA_FIXTURES");
    if (f)
        return f;
    const char *src = getenv("ATHENA_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/fixtures", src ? src : ".");
    return path;
}

static athena_status fetch_recorded(void *user_data, const char *next_token, int max_results,
                                    json_t **page, athena_error *err)
{
    recorded *rec = user_data;
    if (rec->served >= rec->count)
        return ATHENA_E_PROTOCOL;
    snprintf(rec->tokens_seen[rec->served], sizeof rec->tokens_seen[0], "%s",
             next_token ? next_token : "(first)");
    rec->max_results_seen = max_results;
    char path[1200];
    snprintf(path, sizeof path, "%s/results/%s", fixtures_dir(), rec->files[rec->served++]);
    *page = json_load_file(path, 0, NULL);
    return *page ? ATHENA_OK : ATHENA_E_IO;
}

static athena_results *open_pages(recorded *rec, const char *statement_type)
{
    athena_results *r = NULL;
    athena_error err;
    athena_status st = results_open_source(fetch_recorded, rec, NULL, statement_type, 0, &r, &err);
    return st == ATHENA_OK ? r : NULL;
}

static void test_paging_and_header(void)
{
    recorded rec = {{"page1.json", "page2.json", "page3.json"}, 3, 0, {{0}}, 0};
    athena_results *r = open_pages(&rec, "DML");
    REQUIRE(r != NULL);
    CHECK_INT(athena_results_column_count(r), 7);
    CHECK_STR(athena_results_column(r, 0)->name, "id");
    CHECK_STR(athena_results_column(r, 0)->type, "bigint");
    CHECK_INT(athena_results_column(r, 0)->precision, 19);
    CHECK_INT(athena_results_column(r, 6)->scale, 2);
    CHECK(athena_results_column(r, 7) == NULL);
    CHECK_INT(rec.served, 1); /* only the first page so far */
    CHECK_INT(rec.max_results_seen, 1000);

    const char *expected_ids[] = {"1", "2", "3", "-9223372036854775808", "id", "6", "7"};
    size_t rows = 0;
    athena_status st;
    while ((st = athena_results_next(r)) == ATHENA_OK) {
        const char *s;
        size_t len;
        REQUIRE(rows < 7);
        CHECK(athena_results_get_string(r, 0, &s, &len) == ATHENA_OK);
        CHECK_STR(s, expected_ids[rows]);
        rows++;
        /* Pages are fetched lazily: never more than one ahead. */
        CHECK(rec.served <= (rows <= 3 ? 1u : rows <= 6 ? 2u : 3u));
    }
    CHECK_INT(st, ATHENA_DONE);
    CHECK_INT(rows, 7);
    CHECK_INT(athena_results_row_number(r), 7);
    CHECK_STR(rec.tokens_seen[0], "(first)");
    CHECK_STR(rec.tokens_seen[1], "token-page-2");
    CHECK_STR(rec.tokens_seen[2], "token-page-3");
    CHECK_INT(athena_results_next(r), ATHENA_DONE); /* stays done, no more fetches */
    CHECK_INT(rec.served, 3);
    athena_results_close(r);
}

static void test_null_vs_empty(void)
{
    recorded rec = {{"page1.json", "page2.json", "page3.json"}, 3, 0, {{0}}, 0};
    athena_results *r = open_pages(&rec, "DML");
    REQUIRE(r != NULL);
    const char *s;
    size_t len;
    REQUIRE(athena_results_next(r) == ATHENA_OK); /* row 1 */
    REQUIRE(athena_results_next(r) == ATHENA_OK); /* row 2: name is "" */
    CHECK(!athena_results_is_null(r, 1));
    CHECK(athena_results_get_string(r, 1, &s, &len) == ATHENA_OK);
    CHECK_STR(s, "");
    CHECK_INT(len, 0);
    REQUIRE(athena_results_next(r) == ATHENA_OK); /* row 3: name is NULL */
    CHECK(athena_results_is_null(r, 1));
    CHECK_INT(athena_results_get_string(r, 1, &s, &len), ATHENA_E_NULL);
    int64_t i64;
    CHECK_INT(athena_results_get_int64(r, 3, &i64), ATHENA_E_NULL);
    CHECK_INT(athena_results_get_string(r, 9, &s, &len), ATHENA_E_RANGE);
    REQUIRE(athena_results_next(r) == ATHENA_OK); /* row 4: embedded quote and newline */
    CHECK(athena_results_get_string(r, 1, &s, &len) == ATHENA_OK);
    CHECK_STR(s, "comma, \"quote\"\nnewline");
    athena_results_close(r);
}

static void test_typed_accessors(void)
{
    recorded rec = {{"page1.json", "page2.json", "page3.json"}, 3, 0, {{0}}, 0};
    athena_results *r = open_pages(&rec, "DML");
    REQUIRE(r != NULL);
    REQUIRE(athena_results_next(r) == ATHENA_OK);
    int64_t i64 = 0;
    double d = 0;
    int b = -1;
    athena_date day;
    athena_timestamp ts;
    CHECK_INT(athena_results_get_int64(r, 0, &i64), ATHENA_OK);
    CHECK_INT(i64, 1);
    CHECK_INT(athena_results_get_double(r, 2, &d), ATHENA_OK);
    CHECK(d == 1.5);
    CHECK_INT(athena_results_get_bool(r, 3, &b), ATHENA_OK);
    CHECK_INT(b, 1);
    CHECK_INT(athena_results_get_date(r, 4, &day), ATHENA_OK);
    CHECK(day.year == 2024 && day.month == 2 && day.day == 29);
    CHECK_INT(athena_results_get_timestamp(r, 5, &ts), ATHENA_OK);
    CHECK(ts.hour == 12 && ts.minute == 34 && ts.second == 56 && ts.nanosecond == 789000000);
    CHECK_INT(athena_results_get_double(r, 6, &d), ATHENA_OK); /* decimal as double */
    CHECK(d == 12.5);
    CHECK_INT(athena_results_get_double(r, 0, &d), ATHENA_OK); /* bigint widens to double */
    /* Type mismatches are errors with a message naming the column. */
    CHECK_INT(athena_results_get_int64(r, 1, &i64), ATHENA_E_TYPE);
    CHECK(strstr(athena_results_error(r)->message, "name") != NULL);
    CHECK_INT(athena_results_get_bool(r, 0, &b), ATHENA_E_TYPE);
    CHECK_INT(athena_results_get_date(r, 5, &day), ATHENA_E_TYPE);
    CHECK_INT(athena_results_get_int64(r, 2, &i64), ATHENA_E_TYPE);
    /* A date column reads as a timestamp at midnight. */
    CHECK_INT(athena_results_get_timestamp(r, 4, &ts), ATHENA_OK);
    CHECK(ts.hour == 0 && ts.day == 29);

    REQUIRE(athena_results_next(r) == ATHENA_OK);
    CHECK_INT(athena_results_get_double(r, 2, &d), ATHENA_OK);
    CHECK(d == -0.002);
    REQUIRE(athena_results_next(r) == ATHENA_OK);
    CHECK_INT(athena_results_get_double(r, 2, &d), ATHENA_OK);
    CHECK(isnan(d));
    REQUIRE(athena_results_next(r) == ATHENA_OK);
    CHECK_INT(athena_results_get_int64(r, 0, &i64), ATHENA_OK);
    CHECK(i64 == INT64_MIN);
    CHECK_INT(athena_results_get_double(r, 2, &d), ATHENA_OK);
    CHECK(isinf(d) && d > 0);
    athena_results_close(r);
}

static void test_no_header_for_ddl(void)
{
    recorded rec = {{"ddl_page.json"}, 1, 0, {{0}}, 0};
    athena_results *r = open_pages(&rec, "DDL");
    REQUIRE(r != NULL);
    const char *s;
    REQUIRE(athena_results_next(r) == ATHENA_OK);
    CHECK(athena_results_get_string(r, 0, &s, NULL) == ATHENA_OK);
    CHECK_STR(s, "tab_name"); /* not a header: DDL output has none */
    REQUIRE(athena_results_next(r) == ATHENA_OK);
    CHECK(athena_results_get_string(r, 0, &s, NULL) == ATHENA_OK);
    CHECK_STR(s, "flights");
    CHECK_INT(athena_results_next(r), ATHENA_DONE);
    athena_results_close(r);
}

static void test_before_first_row(void)
{
    recorded rec = {{"page1.json", "page2.json", "page3.json"}, 3, 0, {{0}}, 0};
    athena_results *r = open_pages(&rec, NULL);
    REQUIRE(r != NULL);
    const char *s;
    CHECK_INT(athena_results_get_string(r, 0, &s, NULL), ATHENA_E_RANGE);
    CHECK(!athena_results_is_null(r, 0));
    /* Unknown statement type: the label row is still recognised. */
    REQUIRE(athena_results_next(r) == ATHENA_OK);
    CHECK(athena_results_get_string(r, 0, &s, NULL) == ATHENA_OK);
    CHECK_STR(s, "1");
    athena_results_close(r);
}

static void test_fetch_error_surfaces(void)
{
    recorded rec = {{"page1.json"}, 1, 0, {{0}}, 0}; /* page 2 is missing */
    athena_results *r = open_pages(&rec, "DML");
    REQUIRE(r != NULL);
    int rows = 0;
    athena_status st;
    while ((st = athena_results_next(r)) == ATHENA_OK)
        rows++;
    CHECK_INT(rows, 3);
    CHECK_INT(st, ATHENA_E_PROTOCOL);
    athena_results_close(r);
}

int main(void)
{
    RUN(test_paging_and_header);
    RUN(test_null_vs_empty);
    RUN(test_typed_accessors);
    RUN(test_no_header_for_ddl);
    RUN(test_before_first_row);
    RUN(test_fetch_error_surfaces);
    return test_summary();
}
