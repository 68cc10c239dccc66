/*
 * test_output.c: the CLI's output formats (src/cli/output.c), checked byte
 * for byte on an in-memory stream.
 *
 * output.c belongs to the CLI executable, not to a library the tests link,
 * so it is compiled into this test directly; that also lets the batching
 * test look at the writer's internals to prove memory stays bounded.
 */
#include "output.c"

#include "test.h"

/* A result to render: ncols columns and nrows rows of values (NULL = SQL NULL). */
typedef struct result {
    const athena_column *cols;
    size_t ncols;
    const char *const *values; /* nrows * ncols, row-major */
    size_t nrows;
} result;

/* Renders a result and returns the bytes written (free them), or NULL. */
static char *render(output_format fmt, const output_options *opts, const result *r)
{
    char *data = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&data, &size);
    if (!f)
        return NULL;
    output_writer *w = output_open(f, fmt, opts);
    int rc = w ? output_begin(w, r->cols, r->ncols) : -1;
    for (size_t i = 0; rc == 0 && i < r->nrows; i++)
        rc = output_row(w, r->values + i * r->ncols, NULL);
    if (rc == 0)
        rc = output_end(w);
    output_close(w);
    fclose(f);
    if (rc != 0) {
        free(data);
        return NULL;
    }
    return data;
}

#define CHECK_RENDER(fmt, opts, r, expected)                                           \
    do {                                                                               \
        char *got_ = render((fmt), (opts), (r));                                       \
        CHECK_STR(got_, (expected));                                                   \
        free(got_);                                                                    \
    } while (0)

static const athena_column text_cols[] = {
    {"id", "integer", 10, 0, ATHENA_NULLABLE},
    {"name", "varchar", 0, 0, ATHENA_NULLABLE},
};

static const char *const tricky_values[] = {
    "1", "plain",
    "2", NULL,
    "3", "",
    "4", "a,b",
    "5", "say \"hi\"",
    "6", "line1\nline2",
    "7", " padded ",
    "8", "back\\slash\ttab\rcr",
    "9", "caf\xC3\xA9 \xF0\x9F\x98\x80",
};

static const result tricky = {text_cols, 2, tricky_values, 9};

static void test_format_parse(void)
{
    output_format f = OUTPUT_JSON;
    CHECK(output_format_parse("table", &f) == 0 && f == OUTPUT_TABLE);
    CHECK(output_format_parse("csv", &f) == 0 && f == OUTPUT_CSV);
    CHECK(output_format_parse("tsv", &f) == 0 && f == OUTPUT_TSV);
    CHECK(output_format_parse("json", &f) == 0 && f == OUTPUT_JSON);
    CHECK(output_format_parse("jsonl", &f) == 0 && f == OUTPUT_JSONL);
    CHECK(output_format_parse("CSV", &f) == 0 && f == OUTPUT_CSV);
    f = OUTPUT_TSV;
    CHECK_INT(output_format_parse("xml", &f), -1);
    CHECK_INT(output_format_parse("", &f), -1);
    CHECK_INT(output_format_parse(NULL, &f), -1);
    CHECK_INT(f, OUTPUT_TSV);
    CHECK_STR(output_format_name(OUTPUT_JSONL), "jsonl");
}

static void test_csv(void)
{
    CHECK_RENDER(OUTPUT_CSV, NULL, &tricky,
                 "id,name\n"
                 "1,plain\n"
                 "2,\n"
                 "3,\"\"\n"
                 "4,\"a,b\"\n"
                 "5,\"say \"\"hi\"\"\"\n"
                 "6,\"line1\nline2\"\n"
                 "7,\" padded \"\n"
                 "8,\"back\\slash\ttab\rcr\"\n"
                 "9,caf\xC3\xA9 \xF0\x9F\x98\x80\n");
}

static void test_csv_header_quoting(void)
{
    static const athena_column cols[] = {{"a,b", "varchar", 0, 0, 0}, {"\"q\"", "varchar", 0, 0, 0}};
    static const char *const values[] = {"x", "y"};
    result r = {cols, 2, values, 1};
    CHECK_RENDER(OUTPUT_CSV, NULL, &r, "\"a,b\",\"\"\"q\"\"\"\nx,y\n");
}

static void test_tsv(void)
{
    CHECK_RENDER(OUTPUT_TSV, NULL, &tricky,
                 "id\tname\n"
                 "1\tplain\n"
                 "2\t\\N\n"
                 "3\t\n"
                 "4\ta,b\n"
                 "5\tsay \"hi\"\n"
                 "6\tline1\\nline2\n"
                 "7\t padded \n"
                 "8\tback\\\\slash\\ttab\\rcr\n"
                 "9\tcaf\xC3\xA9 \xF0\x9F\x98\x80\n");
}

static const athena_column typed_cols[] = {
    {"n", "bigint", 19, 0, 0},      {"d", "double", 17, 0, 0}, {"m", "decimal(10,2)", 10, 2, 0},
    {"b", "boolean", 0, 0, 0},      {"s", "varchar", 0, 0, 0}, {"t", "date", 0, 0, 0},
};

static const char *const typed_values[] = {
    "42",  "1.5E10",   "12.30", "true",  "123", "2024-02-29",
    "-7",  "NaN",      "0.00",  "false", "",    NULL,
    NULL,  "-Infinity", NULL,   NULL,    NULL,  "1970-01-01",
};

static const result typed = {typed_cols, 6, typed_values, 3};

static void test_jsonl_typed(void)
{
    CHECK_RENDER(OUTPUT_JSONL, NULL, &typed,
                 "{\"n\":42,\"d\":1.5E10,\"m\":\"12.30\",\"b\":true,\"s\":\"123\",\"t\":\"2024-02-29\"}\n"
                 "{\"n\":-7,\"d\":\"NaN\",\"m\":\"0.00\",\"b\":false,\"s\":\"\",\"t\":null}\n"
                 "{\"n\":null,\"d\":\"-Infinity\",\"m\":null,\"b\":null,\"s\":null,\"t\":\"1970-01-01\"}\n");
}

static void test_json_array(void)
{
    CHECK_RENDER(OUTPUT_JSON, NULL, &typed,
                 "[\n"
                 "{\"n\":42,\"d\":1.5E10,\"m\":\"12.30\",\"b\":true,\"s\":\"123\",\"t\":\"2024-02-29\"},\n"
                 "{\"n\":-7,\"d\":\"NaN\",\"m\":\"0.00\",\"b\":false,\"s\":\"\",\"t\":null},\n"
                 "{\"n\":null,\"d\":\"-Infinity\",\"m\":null,\"b\":null,\"s\":null,\"t\":\"1970-01-01\"}\n"
                 "]\n");
}

static void test_json_strings_escaped(void)
{
    CHECK_RENDER(OUTPUT_JSONL, NULL, &tricky,
                 "{\"id\":1,\"name\":\"plain\"}\n"
                 "{\"id\":2,\"name\":null}\n"
                 "{\"id\":3,\"name\":\"\"}\n"
                 "{\"id\":4,\"name\":\"a,b\"}\n"
                 "{\"id\":5,\"name\":\"say \\\"hi\\\"\"}\n"
                 "{\"id\":6,\"name\":\"line1\\nline2\"}\n"
                 "{\"id\":7,\"name\":\" padded \"}\n"
                 "{\"id\":8,\"name\":\"back\\\\slash\\ttab\\rcr\"}\n"
                 "{\"id\":9,\"name\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\"}\n");
}

/* Text a column's type cannot vouch for stays a string. */
static void test_json_mistyped_text_stays_string(void)
{
    static const athena_column cols[] = {
        {"i", "integer", 0, 0, 0}, {"f", "real", 0, 0, 0}, {"b", "boolean", 0, 0, 0}};
    static const char *const values[] = {"007", "1.", "TRUE"};
    result r = {cols, 3, values, 1};
    CHECK_RENDER(OUTPUT_JSONL, NULL, &r, "{\"i\":\"007\",\"f\":\"1.\",\"b\":\"TRUE\"}\n");
}

static void test_embedded_nul_via_lengths(void)
{
    char *data = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&data, &size);
    REQUIRE(f != NULL);
    output_writer *w = output_open(f, OUTPUT_JSONL, NULL);
    const char *values[] = {"a\0b"};
    size_t lengths[] = {3};
    CHECK_INT(output_begin(w, &text_cols[1], 1), 0);
    CHECK_INT(output_row(w, values, lengths), 0);
    CHECK_INT(output_end(w), 0);
    output_close(w);
    fclose(f);
    CHECK_STR(data, "{\"name\":\"a\\u0000b\"}\n");
    free(data);
}

static void test_zero_rows(void)
{
    result r = {text_cols, 2, NULL, 0};
    CHECK_RENDER(OUTPUT_JSON, NULL, &r, "[]\n");
    CHECK_RENDER(OUTPUT_JSONL, NULL, &r, "");
    CHECK_RENDER(OUTPUT_CSV, NULL, &r, "id,name\n");
    CHECK_RENDER(OUTPUT_TSV, NULL, &r, "id\tname\n");
    CHECK_RENDER(OUTPUT_TABLE, NULL, &r,
                 "+----+------+\n"
                 "| id | name |\n"
                 "+----+------+\n"
                 "(0 rows)\n");
}

static void test_zero_columns(void)
{
    result r = {NULL, 0, NULL, 0};
    CHECK_RENDER(OUTPUT_TABLE, NULL, &r, "(0 rows)\n");
    CHECK_RENDER(OUTPUT_CSV, NULL, &r, "");
    CHECK_RENDER(OUTPUT_JSON, NULL, &r, "[]\n");
}

static void test_table(void)
{
    static const athena_column cols[] = {
        {"id", "bigint", 0, 0, 0}, {"name", "varchar", 0, 0, 0}, {"note", "varchar", 0, 0, 0}};
    static const char *const values[] = {"1", "alice", NULL, "22", "", "a\tb"};
    result r = {cols, 3, values, 2};
    CHECK_RENDER(OUTPUT_TABLE, NULL, &r,
                 "+----+-------+------+\n"
                 "| id | name  | note |\n"
                 "+----+-------+------+\n"
                 "|  1 | alice | NULL |\n"
                 "| 22 |       | a\\tb |\n"
                 "+----+-------+------+\n"
                 "(2 rows)\n");
}

static void test_table_one_row_and_escapes(void)
{
    static const athena_column cols[] = {{"v", "varchar", 0, 0, 0}};
    static const char *const values[] = {"x\ny\x1b[2J\xC2\x9B\xFFz"};
    result r = {cols, 1, values, 1};
    CHECK_RENDER(OUTPUT_TABLE, NULL, &r,
                 "+---------------------+\n"
                 "| v                   |\n"
                 "+---------------------+\n"
                 "| x\\ny\\x1b[2J\\u009b\xEF\xBF\xBDz |\n"
                 "+---------------------+\n"
                 "(1 row)\n");
}

static void test_table_truncates_utf8(void)
{
    static const athena_column cols[] = {{"s", "varchar", 0, 0, 0}, {"e", "varchar", 0, 0, 0}};
    static const char *const values[] = {
        "h\xC3\xA9llo w\xC3\xB6rld",
        "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80",
        "abcde", "ab"};
    result r = {cols, 2, values, 2};
    output_options opts = {5, 0};
    CHECK_RENDER(OUTPUT_TABLE, &opts, &r,
                 "+-------+-------+\n"
                 "| s     | e     |\n"
                 "+-------+-------+\n"
                 "| h\xC3\xA9ll\xE2\x80\xA6 | \xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80"
                 "\xF0\x9F\x98\x80\xF0\x9F\x98\x80 |\n"
                 "| abcde | ab    |\n"
                 "+-------+-------+\n"
                 "(2 rows)\n");
    opts.max_col_width = 3;
    CHECK_RENDER(OUTPUT_TABLE, &opts, &r,
                 "+-----+-----+\n"
                 "| s   | e   |\n"
                 "+-----+-----+\n"
                 "| h\xC3\xA9\xE2\x80\xA6 | \xF0\x9F\x98\x80\xF0\x9F\x98\x80\xE2\x80\xA6 |\n"
                 "| ab\xE2\x80\xA6 | ab  |\n"
                 "+-----+-----+\n"
                 "(2 rows)\n");
}

static void test_table_long_header_truncated(void)
{
    static const athena_column cols[] = {{"a_very_long_column_name", "double", 0, 0, 0}};
    static const char *const values[] = {"1.5", "NaN"};
    result r = {cols, 1, values, 2};
    output_options opts = {6, 0};
    CHECK_RENDER(OUTPUT_TABLE, &opts, &r,
                 "+--------+\n"
                 "| a_ver\xE2\x80\xA6 |\n"
                 "+--------+\n"
                 "|    1.5 |\n"
                 "|    NaN |\n"
                 "+--------+\n"
                 "(2 rows)\n");
}

static void test_table_color_dims_null(void)
{
    static const char *const values[] = {"1", NULL};
    result r = {text_cols, 2, values, 1};
    output_options opts = {0, 1};
    CHECK_RENDER(OUTPUT_TABLE, &opts, &r,
                 "+----+------+\n"
                 "| id | name |\n"
                 "+----+------+\n"
                 "|  1 | \x1b[2mNULL\x1b[0m |\n"
                 "+----+------+\n"
                 "(1 row)\n");
}

/* Widths come from the first batch; later rows are cut to fit, and the
 * writer never holds more than one batch or more than max_col_width code
 * points per cell, however long the values are. */
static void test_table_batches_bounded(void)
{
    static const athena_column cols[] = {{"v", "varchar", 0, 0, 0}};
    size_t huge_len = 1 << 20;
    char *huge = malloc(huge_len);
    REQUIRE(huge != NULL);
    memset(huge, 'h', huge_len);
    FILE *f = tmpfile();
    REQUIRE(f != NULL);
    output_writer *w = output_open(f, OUTPUT_TABLE, NULL);
    REQUIRE(w != NULL);
    CHECK_INT(output_begin(w, cols, 1), 0);
    size_t max_batch_text = 0;
    for (size_t i = 0; i < 2500; i++) {
        const char *value = i < OUTPUT_TABLE_BATCH ? "x" : i == 1500 ? "longer" : huge;
        size_t len = value == huge ? huge_len : strlen(value);
        CHECK_INT(output_row(w, &value, &len), 0);
        if (w->batch_text.cap > max_batch_text)
            max_batch_text = w->batch_text.cap;
    }
    CHECK(w->batch_cap <= OUTPUT_TABLE_BATCH);
    CHECK(max_batch_text <= 64 * 1024); /* 1000 cells of at most 40 code points */
    CHECK_INT(w->cols[0].width, 1);
    CHECK_INT(output_end(w), 0);
    output_close(w);
    free(huge);

    long size = ftell(f);
    REQUIRE(size > 0);
    char *text = calloc(1, (size_t)size + 1);
    REQUIRE(text != NULL);
    rewind(f);
    CHECK_INT(fread(text, 1, (size_t)size, f), size);
    fclose(f);
    CHECK(strncmp(text, "+---+\n| v |\n+---+\n| x |\n", 24) == 0);
    CHECK(strstr(text, "| \xE2\x80\xA6 |\n") != NULL); /* "longer" and huge cut to 1 */
    CHECK(strstr(text, "longer") == NULL);
    const char *tail = "+---+\n(2500 rows)\n";
    CHECK_STR(text + strlen(text) - strlen(tail), tail);
    free(text);
}

static void test_write_error_reported(void)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f) {
        printf("note: /dev/full unavailable, skipped\n");
        return;
    }
    output_writer *w = output_open(f, OUTPUT_CSV, NULL);
    static const char *const values[] = {"1", "x"};
    int rc = output_begin(w, text_cols, 2);
    for (int i = 0; rc == 0 && i < 10; i++)
        rc = output_row(w, values, NULL);
    if (rc == 0)
        rc = output_end(w);
    CHECK_INT(rc, -1);
    CHECK_INT(output_row(w, values, NULL), -1); /* failures are sticky */
    output_close(w);
    fclose(f);
}

static void test_misuse(void)
{
    FILE *f = tmpfile();
    REQUIRE(f != NULL);
    CHECK(output_open(NULL, OUTPUT_CSV, NULL) == NULL);
    CHECK(output_open(f, (output_format)42, NULL) == NULL);
    output_writer *w = output_open(f, OUTPUT_CSV, NULL);
    static const char *const values[] = {"1", "x"};
    CHECK_INT(output_row(w, values, NULL), -1);   /* before begin */
    CHECK_INT(output_end(w), -1);
    CHECK_INT(output_begin(w, text_cols, 2), 0);
    CHECK_INT(output_begin(w, text_cols, 2), -1); /* twice */
    CHECK_INT(output_end(w), 0);
    CHECK_INT(output_row(w, values, NULL), -1);   /* after end */
    output_close(w);
    output_close(NULL);
    fclose(f);
}

int main(void)
{
    RUN(test_format_parse);
    RUN(test_csv);
    RUN(test_csv_header_quoting);
    RUN(test_tsv);
    RUN(test_jsonl_typed);
    RUN(test_json_array);
    RUN(test_json_strings_escaped);
    RUN(test_json_mistyped_text_stays_string);
    RUN(test_embedded_nul_via_lengths);
    RUN(test_zero_rows);
    RUN(test_zero_columns);
    RUN(test_table);
    RUN(test_table_one_row_and_escapes);
    RUN(test_table_truncates_utf8);
    RUN(test_table_long_header_truncated);
    RUN(test_table_color_dims_null);
    RUN(test_table_batches_bounded);
    RUN(test_write_error_reported);
    RUN(test_misuse);
    return test_summary();
}
