/*
 * test_srv_results_file.c: results_file.h. Writes results as Athena lays them
 * out and pages through them like GetQueryResults: page sizes with the
 * header row on page 1, exact boundaries (no empty trailing page), NULL vs ""
 * through the file, forged tokens, TXT results, the metadata document, the
 * atomic commit and a writer buffer that stays bounded.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "objects.h"
#include "results_file.h"
#include "test.h"

static char dir[128];

/* ---- Helpers ---- */

static void path_for(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

static const engine_column test_cols[] = {
    {"id", "varchar", 2147483647, 0},
    {"val", "varchar", 2147483647, 0},
    {"n", "integer", 10, 0},
};

/* Row i: id "r<i>", val NULL / "" / a tricky value by i % 3, n "<i>". */
static void row_values(int i, char *id, char *val, char *n, const char **v, size_t *l)
{
    sprintf(id, "r%d", i);
    sprintf(val, "q\"%d,\nx\xc3\xa9", i);
    sprintf(n, "%d", i);
    v[0] = id;
    v[1] = i % 3 == 0 ? NULL : i % 3 == 1 ? "" : val;
    v[2] = n;
    for (int k = 0; k < 3; k++)
        l[k] = v[k] ? strlen(v[k]) : 0;
}

/* Writes rows 0..count-1 to name and commits. */
static int write_result(const char *name, int count)
{
    char path[256], err[256];
    path_for(path, sizeof path, name);
    results_writer *w = results_writer_open(path, RESULTS_CSV, "DML", err, sizeof err);
    if (!w)
        return -1;
    int rc = results_writer_columns(w, test_cols, 3);
    for (int i = 0; rc == 0 && i < count; i++) {
        char id[32], val[64], n[32];
        const char *v[3];
        size_t l[3];
        row_values(i, id, val, n, v, l);
        rc = results_writer_row(w, v, l);
    }
    if (rc == 0)
        rc = results_writer_commit(w, err, sizeof err);
    results_writer_free(w);
    return rc;
}

/* results_page's body, parsed (NULL on failure, with err filled). */
static json_t *page_at(const char *path, const char *token, int max, char *err, size_t cap)
{
    buf body = BUF_INIT;
    json_t *p = NULL;
    if (results_page(path, token, max, &body, err, cap) == 0) {
        json_error_t jerr;
        p = json_loadb(body.data, body.len, 0, &jerr);
        if (!p)
            snprintf(err, cap, "the page is not JSON: %s", jerr.text);
    }
    buf_free(&body);
    return p;
}

static json_t *page(const char *name, const char *token, int max, char *err, size_t cap)
{
    char path[256];
    path_for(path, sizeof path, name);
    return page_at(path, token, max, err, cap);
}

static json_t *rows_of(json_t *p)
{
    return json_object_get(json_object_get(p, "ResultSet"), "Rows");
}

static const char *token_of(json_t *p)
{
    return json_string_value(json_object_get(p, "NextToken"));
}

/* The datum's text, or "<NULL>" for {}. */
static const char *cell(json_t *row, size_t k)
{
    json_t *d = json_array_get(json_object_get(row, "Data"), k);
    if (!d)
        return "<MISSING>";
    json_t *v = json_object_get(d, "VarCharValue");
    if (!v)
        return json_object_size(d) == 0 ? "<NULL>" : "<BAD>";
    return json_string_value(v);
}

/* Checks that rows[from..] are data rows first..first+n-1; returns mismatches. */
static int check_data_rows(json_t *rows, size_t from, int first, int n)
{
    int bad = 0;
    for (int i = 0; i < n; i++) {
        json_t *row = json_array_get(rows, from + (size_t)i);
        char id[32], val[64], num[32];
        const char *v[3];
        size_t l[3];
        row_values(first + i, id, val, num, v, l);
        if (json_array_size(json_object_get(row, "Data")) != 3)
            bad++;
        for (size_t k = 0; k < 3; k++)
            if (strcmp(cell(row, k), v[k] ? v[k] : "<NULL>") != 0)
                bad++;
    }
    return bad;
}

/* ---- Paging ---- */

static void test_paging_2500_rows(void)
{
    REQUIRE(write_result("p2500.csv", 2500) == 0);
    char err[256] = "";
    json_t *p1 = page("p2500.csv", NULL, 1000, err, sizeof err);
    REQUIRE(p1 != NULL);
    json_t *rows = rows_of(p1);
    CHECK_INT(json_array_size(rows), 1000);
    CHECK_STR(cell(json_array_get(rows, 0), 0), "id"); /* the header row */
    CHECK_STR(cell(json_array_get(rows, 0), 1), "val");
    CHECK_STR(cell(json_array_get(rows, 0), 2), "n");
    CHECK_INT(check_data_rows(rows, 1, 0, 999), 0);
    CHECK_INT(json_integer_value(json_object_get(p1, "UpdateCount")), 0);
    json_t *info = json_object_get(json_object_get(json_object_get(p1, "ResultSet"),
                                                   "ResultSetMetadata"), "ColumnInfo");
    CHECK_INT(json_array_size(info), 3);
    CHECK_STR(json_string_value(json_object_get(json_array_get(info, 2), "Type")), "integer");
    REQUIRE(token_of(p1) != NULL);

    json_t *p2 = page("p2500.csv", token_of(p1), 1000, err, sizeof err);
    REQUIRE(p2 != NULL);
    CHECK_INT(json_array_size(rows_of(p2)), 1000);
    CHECK_INT(check_data_rows(rows_of(p2), 0, 999, 1000), 0);
    REQUIRE(token_of(p2) != NULL);

    json_t *p3 = page("p2500.csv", token_of(p2), 1000, err, sizeof err);
    REQUIRE(p3 != NULL);
    CHECK_INT(json_array_size(rows_of(p3)), 501);
    CHECK_INT(check_data_rows(rows_of(p3), 0, 1999, 501), 0);
    CHECK(token_of(p3) == NULL);
    CHECK(json_object_get(p3, "NextToken") == NULL);

    /* A token can be used again (a client retrying a page). */
    json_t *again = page("p2500.csv", token_of(p1), 1000, err, sizeof err);
    CHECK(again && json_equal(again, p2));
    json_decref(again);
    json_decref(p1);
    json_decref(p2);
    json_decref(p3);
}

static void test_exact_boundaries(void)
{
    char err[256];
    /* 1000 data rows at 1000 a page: header + 999, then 1, then nothing. */
    REQUIRE(write_result("b1000.csv", 1000) == 0);
    json_t *p1 = page("b1000.csv", NULL, 1000, err, sizeof err);
    REQUIRE(p1 != NULL);
    CHECK_INT(json_array_size(rows_of(p1)), 1000);
    REQUIRE(token_of(p1) != NULL);
    json_t *p2 = page("b1000.csv", token_of(p1), 1000, err, sizeof err);
    REQUIRE(p2 != NULL);
    CHECK_INT(json_array_size(rows_of(p2)), 1);
    CHECK_INT(check_data_rows(rows_of(p2), 0, 999, 1), 0);
    CHECK(token_of(p2) == NULL);
    json_decref(p1);
    json_decref(p2);

    /* 999 data rows: one full page, no token (no empty page after it). */
    REQUIRE(write_result("b999.csv", 999) == 0);
    p1 = page("b999.csv", NULL, 1000, err, sizeof err);
    REQUIRE(p1 != NULL);
    CHECK_INT(json_array_size(rows_of(p1)), 1000);
    CHECK(token_of(p1) == NULL);
    json_decref(p1);

    /* 20 rows in pages of 10: header + 9, 10, 1; and pages of 7 after it. */
    REQUIRE(write_result("b20.csv", 20) == 0);
    p1 = page("b20.csv", NULL, 10, err, sizeof err);
    REQUIRE(p1 && token_of(p1));
    p2 = page("b20.csv", token_of(p1), 7, err, sizeof err);
    REQUIRE(p2 && token_of(p2));
    CHECK_INT(check_data_rows(rows_of(p2), 0, 9, 7), 0);
    json_t *p3 = page("b20.csv", token_of(p2), 4, err, sizeof err);
    REQUIRE(p3 != NULL);
    CHECK_INT(json_array_size(rows_of(p3)), 4);
    CHECK_INT(check_data_rows(rows_of(p3), 0, 16, 4), 0);
    CHECK(token_of(p3) == NULL);
    json_decref(p1);
    json_decref(p2);
    json_decref(p3);
}

static void test_max_results_one(void)
{
    char err[256];
    REQUIRE(write_result("one.csv", 3) == 0);
    json_t *p = page("one.csv", NULL, 1, err, sizeof err);
    REQUIRE(p != NULL);
    CHECK_INT(json_array_size(rows_of(p)), 1);
    CHECK_STR(cell(json_array_get(rows_of(p), 0), 0), "id");
    int pages = 1;
    while (token_of(p)) {
        json_t *next = page("one.csv", token_of(p), 1, err, sizeof err);
        REQUIRE(next != NULL);
        CHECK_INT(json_array_size(rows_of(next)), 1);
        CHECK_INT(check_data_rows(rows_of(next), 0, pages - 1, 1), 0);
        json_decref(p);
        p = next;
        pages++;
    }
    CHECK_INT(pages, 4);
    json_decref(p);

    CHECK(page("one.csv", NULL, 0, err, sizeof err) == NULL);
    CHECK_STR(err, "MaxResults must be between 1 and 1000");
    CHECK(page("one.csv", NULL, 1001, err, sizeof err) == NULL);
}

static void test_empty_result(void)
{
    char err[256];
    REQUIRE(write_result("empty.csv", 0) == 0);
    json_t *p = page("empty.csv", NULL, 1000, err, sizeof err);
    REQUIRE(p != NULL);
    CHECK_INT(json_array_size(rows_of(p)), 1); /* only the header */
    CHECK(token_of(p) == NULL);
    json_decref(p);
}

/* ---- Values and files ---- */

static void test_file_bytes_and_metadata(void)
{
    REQUIRE(write_result("bytes.csv", 3) == 0);
    char path[256];
    path_for(path, sizeof path, "bytes.csv");
    char *data = slurp(path);
    CHECK_STR(data, "\"id\",\"val\",\"n\"\n"
                    "\"r0\",,\"0\"\n"
                    "\"r1\",\"\",\"1\"\n"
                    "\"r2\",\"q\"\"2,\nx\xc3\xa9\",\"2\"\n");
    free(data);
    path_for(path, sizeof path, "bytes.csv.metadata");
    char *meta = slurp(path);
    CHECK_STR(meta,
              "{\"ColumnInfo\":["
              "{\"CatalogName\":\"hive\",\"SchemaName\":\"\",\"TableName\":\"\",\"Name\":\"id\","
              "\"Label\":\"id\",\"Type\":\"varchar\",\"Precision\":2147483647,\"Scale\":0,"
              "\"Nullable\":\"UNKNOWN\",\"CaseSensitive\":true},"
              "{\"CatalogName\":\"hive\",\"SchemaName\":\"\",\"TableName\":\"\",\"Name\":\"val\","
              "\"Label\":\"val\",\"Type\":\"varchar\",\"Precision\":2147483647,\"Scale\":0,"
              "\"Nullable\":\"UNKNOWN\",\"CaseSensitive\":true},"
              "{\"CatalogName\":\"hive\",\"SchemaName\":\"\",\"TableName\":\"\",\"Name\":\"n\","
              "\"Label\":\"n\",\"Type\":\"integer\",\"Precision\":10,\"Scale\":0,"
              "\"Nullable\":\"UNKNOWN\",\"CaseSensitive\":false}],"
              "\"StatementType\":\"DML\",\"Rows\":3,\"Kind\":\"csv\"}");
    free(meta);

    /* NULL and "" survive the file distinctly. */
    char err[256];
    json_t *p = page("bytes.csv", NULL, 10, err, sizeof err);
    REQUIRE(p != NULL);
    json_t *rows = rows_of(p);
    CHECK_STR(cell(json_array_get(rows, 1), 1), "<NULL>");
    CHECK_STR(cell(json_array_get(rows, 2), 1), "");
    CHECK_STR(cell(json_array_get(rows, 3), 1), "q\"2,\nx\xc3\xa9");
    char *text = json_dumps(json_array_get(rows, 1), JSON_COMPACT);
    CHECK_STR(text, "{\"Data\":[{\"VarCharValue\":\"r0\"},{},{\"VarCharValue\":\"0\"}]}");
    free(text);
    json_decref(p);
}

static void test_invalid_utf8_becomes_replacement(void)
{
    char path[256], err[256];
    path_for(path, sizeof path, "utf8.csv");
    results_writer *w = results_writer_open(path, RESULTS_CSV, NULL, err, sizeof err);
    REQUIRE(w != NULL);
    engine_column c = {"b", "varbinary", 0, 0};
    CHECK_INT(results_writer_columns(w, &c, 1), 0);
    const char *v[] = {"a\xff" "b"};
    size_t l[] = {3};
    CHECK_INT(results_writer_row(w, v, l), 0);
    CHECK_INT(results_writer_commit(w, err, sizeof err), 0);
    results_writer_free(w);
    json_t *p = page_at(path, NULL, 10, err, sizeof err);
    REQUIRE(p != NULL);
    CHECK_STR(cell(json_array_get(rows_of(p), 1), 0), "a\xef\xbf\xbd" "b");
    json_decref(p);
}

static void test_bad_tokens_rejected(void)
{
    REQUIRE(write_result("tok.csv", 50) == 0);
    REQUIRE(write_result("tok2.csv", 50) == 0);
    char err[256];
    json_t *p1 = page("tok.csv", NULL, 10, err, sizeof err);
    REQUIRE(p1 && token_of(p1));
    char good[256];
    snprintf(good, sizeof good, "%s", token_of(p1));
    json_decref(p1);

    char flipped[256];
    snprintf(flipped, sizeof flipped, "%s", good);
    flipped[strlen(flipped) - 1] = flipped[strlen(flipped) - 1] == '0' ? '1' : '0';
    char upper[256];
    snprintf(upper, sizeof upper, "%s", good);
    for (char *c = upper; *c; c++)
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 32);
    /* A well-formed token whose offset was edited ("1:1:9:<check>"). */
    char forged[256];
    const char plain[] = "1:1:9:";
    size_t k = 0;
    for (size_t i = 0; plain[i]; i++)
        k += (size_t)sprintf(forged + k, "%02x", (unsigned char)plain[i]);
    snprintf(forged + k, sizeof forged - k, "%s", good + strlen(good) - 16);

    const char *bad[] = {"", "zz", "abc", "0", flipped, upper, forged,
                         "313a3939393939393a303a3030303030303030"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        json_t *p = page("tok.csv", bad[i], 10, err, sizeof err);
        CHECK(p == NULL);
        CHECK_STR(err, "Invalid NextToken");
        json_decref(p);
    }
    /* A token from one result is no good for another. */
    json_t *other = page("tok2.csv", good, 10, err, sizeof err);
    CHECK(other == NULL);
    CHECK_STR(err, "Invalid NextToken");
    /* And the genuine one still works. */
    json_t *p2 = page("tok.csv", good, 10, err, sizeof err);
    CHECK(p2 != NULL);
    CHECK_INT(check_data_rows(rows_of(p2), 0, 9, 10), 0);
    json_decref(p2);
}

static void test_missing_files(void)
{
    char err[256], path[256];
    CHECK(page("nope.csv", NULL, 10, err, sizeof err) == NULL);
    CHECK_STR(err, "result files not found");

    /* Data without metadata is an incomplete result. */
    path_for(path, sizeof path, "nometa.csv");
    FILE *f = fopen(path, "w");
    fputs("\"a\"\n", f);
    fclose(f);
    CHECK(page("nometa.csv", NULL, 10, err, sizeof err) == NULL);
    CHECK_STR(err, "result files not found");

    /* Metadata without data. */
    REQUIRE(write_result("gone.csv", 2) == 0);
    path_for(path, sizeof path, "gone.csv");
    unlink(path);
    CHECK(page("gone.csv", NULL, 10, err, sizeof err) == NULL);
    CHECK_STR(err, "result files not found");

    /* Unreadable metadata. */
    REQUIRE(write_result("badmeta.csv", 2) == 0);
    path_for(path, sizeof path, "badmeta.csv.metadata");
    f = fopen(path, "w");
    fputs("{not json", f);
    fclose(f);
    CHECK(page("badmeta.csv", NULL, 10, err, sizeof err) == NULL);
    CHECK_STR(err, "the result metadata is unreadable");

    /* A corrupt data file. */
    REQUIRE(write_result("corrupt.csv", 2) == 0);
    path_for(path, sizeof path, "corrupt.csv");
    f = fopen(path, "w");
    fputs("\"id\",\"val\",\"n\"\n\"r0\"x\n", f);
    fclose(f);
    CHECK(page("corrupt.csv", NULL, 10, err, sizeof err) == NULL);
    CHECK_STR(err, "the result file is corrupt: malformed CSV at byte 19: text after a closing "
                   "quote");
}

/* ---- Writer lifecycle ---- */

static void test_commit_and_abort(void)
{
    char path[256], meta[300], err[256];
    path_for(path, sizeof path, "sub/dir/life.csv");
    snprintf(meta, sizeof meta, "%s.metadata", path);
    results_writer *w = results_writer_open(path, RESULTS_CSV, "DML", err, sizeof err);
    REQUIRE(w != NULL);
    CHECK_INT(results_writer_columns(w, test_cols, 3), 0);
    const char *v[] = {"a", NULL, "1"};
    size_t l[] = {1, 0, 1};
    CHECK_INT(results_writer_row(w, v, l), 0);
    CHECK(!file_exists(path));
    CHECK(!file_exists(meta));
    CHECK_INT(results_writer_rows(w), 1);
    CHECK_INT(results_writer_commit(w, err, sizeof err), 0);
    CHECK(file_exists(path));
    CHECK(file_exists(meta));
    CHECK_INT(results_writer_commit(w, err, sizeof err), -1); /* only once */
    results_writer_free(w);

    /* Abort: nothing appears, and the folder holds no temp files. */
    char adir[256];
    path_for(adir, sizeof adir, "aborted");
    path_for(path, sizeof path, "aborted/x.csv");
    w = results_writer_open(path, RESULTS_CSV, "DML", err, sizeof err);
    REQUIRE(w != NULL);
    CHECK_INT(results_writer_columns(w, test_cols, 3), 0);
    CHECK_INT(results_writer_row(w, v, l), 0);
    results_writer_abort(w);
    CHECK_INT(results_writer_row(w, v, l), -1);
    CHECK_INT(results_writer_commit(w, err, sizeof err), -1);
    results_writer_free(w);
    DIR *d = opendir(adir);
    int entries = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        entries += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    CHECK_INT(entries, 0);

    /* Freeing an uncommitted writer also discards it. */
    path_for(path, sizeof path, "aborted/y.csv");
    w = results_writer_open(path, RESULTS_CSV, "DML", err, sizeof err);
    REQUIRE(w != NULL);
    results_writer_free(w);
    CHECK(!file_exists(path));

    /* Misuse. */
    path_for(path, sizeof path, "misuse.csv");
    w = results_writer_open(path, RESULTS_CSV, "DML", err, sizeof err);
    REQUIRE(w != NULL);
    CHECK_INT(results_writer_row(w, v, l), -1); /* before columns */
    CHECK_INT(results_writer_commit(w, err, sizeof err), -1);
    CHECK_STR(err, "a result row arrived without columns");
    results_writer_free(w);
    w = results_writer_open(path, RESULTS_CSV, "DML", err, sizeof err);
    REQUIRE(w != NULL);
    CHECK_INT(results_writer_columns(w, test_cols, 3), 0);
    CHECK_INT(results_writer_columns(w, test_cols, 3), -1);
    results_writer_free(w);
    CHECK(!file_exists(path));

    CHECK(results_writer_open("", RESULTS_CSV, "DML", err, sizeof err) == NULL);
    CHECK_STR(err, "invalid result path");
    path_for(path, sizeof path, "sub/dir/life.csv/x.csv"); /* a file where a folder must be */
    CHECK(results_writer_open(path, RESULTS_CSV, "DML", err, sizeof err) == NULL);
    CHECK_STR(err, "cannot create the result file: Not a directory");
}

static void test_sink(void)
{
    char path[256], err[256];
    path_for(path, sizeof path, "sink.csv");
    results_writer *w = results_writer_open(path, RESULTS_CSV, "DML", err, sizeof err);
    REQUIRE(w != NULL);
    engine_sink sink = results_writer_sink(w);
    CHECK(sink.user_data == w);
    CHECK_INT(sink.columns(sink.user_data, test_cols, 1), 0);
    const char *v[] = {"via sink"};
    size_t l[] = {8};
    CHECK_INT(sink.row(sink.user_data, v, l), 0);
    CHECK(sink.columns(sink.user_data, test_cols, 1) != 0); /* nonzero aborts the engine */
    results_writer_free(w);
}

static void test_open_under_root(void)
{
    char root[256], outside[256], link[300], path[400], err[256];
    path_for(root, sizeof root, "s3");
    path_for(outside, sizeof outside, "outside");
    REQUIRE(make_dirs(outside) == 0);
    snprintf(path, sizeof path, "%s/bkt", root);
    REQUIRE(make_dirs(path) == 0);
    snprintf(link, sizeof link, "%s/bkt/escape", root);
    REQUIRE(symlink(outside, link) == 0);

    snprintf(path, sizeof path, "%s/bkt/results/q.csv", root);
    results_writer *w = results_writer_open_under(root, path, RESULTS_CSV, "DML", err, sizeof err);
    REQUIRE(w != NULL);
    CHECK_INT(results_writer_columns(w, test_cols, 1), 0);
    CHECK_INT(results_writer_commit(w, err, sizeof err), 0);
    results_writer_free(w);
    json_t *p = page_at(path, NULL, 10, err, sizeof err);
    CHECK(p != NULL);
    json_decref(p);

    snprintf(path, sizeof path, "%s/bkt/escape/q.csv", root);
    CHECK(results_writer_open_under(root, path, RESULTS_CSV, "DML", err, sizeof err) == NULL);
    CHECK_STR(err, "cannot create the result file: Permission denied");
    CHECK(results_writer_open_under("", path, RESULTS_CSV, "DML", err, sizeof err) == NULL);
    DIR *d = opendir(outside);
    int entries = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        entries += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    CHECK_INT(entries, 0);
}

/* ---- TXT ---- */

static void test_txt_results(void)
{
    char path[256], err[256];
    path_for(path, sizeof path, "ddl.txt");
    results_writer *w = results_writer_open(path, RESULTS_TXT, "UTILITY", err, sizeof err);
    REQUIRE(w != NULL);
    engine_column cols[] = {{"col_name", "varchar", 0, 0}, {"data_type", "varchar", 0, 0},
                            {"comment", "varchar", 0, 0}};
    CHECK_INT(results_writer_columns(w, cols, 3), 0);
    const char *r1[] = {"id", "bigint", NULL};
    size_t l1[] = {2, 6, 0};
    const char *r2[] = {"name", "string", "the \"name\", quoted"};
    size_t l2[] = {4, 6, 18};
    const char *r3[] = {"CREATE TABLE t (\n  a int)", "", "x"};
    size_t l3[] = {25, 0, 1};
    CHECK_INT(results_writer_row(w, r1, l1), 0);
    CHECK_INT(results_writer_row(w, r2, l2), 0);
    CHECK_INT(results_writer_row(w, r3, l3), 0);
    CHECK_INT(results_writer_rows(w), 4); /* r3 spans two lines */
    CHECK_INT(results_writer_commit(w, err, sizeof err), 0);
    results_writer_free(w);

    char *data = slurp(path);
    CHECK_STR(data, "id\tbigint\t\nname\tstring\tthe \"name\", quoted\nCREATE TABLE t (\n  a int)\t\tx\n");
    free(data);

    json_t *p1 = page_at(path, NULL, 3, err, sizeof err);
    REQUIRE(p1 != NULL);
    json_t *rows = rows_of(p1);
    CHECK_INT(json_array_size(rows), 3); /* no header row in TXT */
    char *text = json_dumps(rows, JSON_COMPACT);
    CHECK_STR(text, "[{\"Data\":[{\"VarCharValue\":\"id\"},{\"VarCharValue\":\"bigint\"},"
                    "{\"VarCharValue\":\"\"}]},"
                    "{\"Data\":[{\"VarCharValue\":\"name\"},{\"VarCharValue\":\"string\"},"
                    "{\"VarCharValue\":\"the \\\"name\\\", quoted\"}]},"
                    "{\"Data\":[{\"VarCharValue\":\"CREATE TABLE t (\"}]}]");
    free(text);
    REQUIRE(token_of(p1) != NULL);
    json_t *p2 = page_at(path, token_of(p1), 3, err, sizeof err);
    REQUIRE(p2 != NULL);
    CHECK_INT(json_array_size(rows_of(p2)), 1);
    CHECK_STR(cell(json_array_get(rows_of(p2), 0), 0), "  a int)");
    CHECK_STR(cell(json_array_get(rows_of(p2), 0), 1), "");
    CHECK_STR(cell(json_array_get(rows_of(p2), 0), 2), "x");
    CHECK(token_of(p2) == NULL);
    json_decref(p1);
    json_decref(p2);

    /* Exactly one page of lines: no token. */
    p1 = page_at(path, NULL, 4, err, sizeof err);
    REQUIRE(p1 != NULL);
    CHECK_INT(json_array_size(rows_of(p1)), 4);
    CHECK(token_of(p1) == NULL);
    json_decref(p1);

    /* A DDL statement with no output: an empty file, an empty page. */
    path_for(path, sizeof path, "create.txt");
    w = results_writer_open(path, RESULTS_TXT, "DDL", err, sizeof err);
    REQUIRE(w != NULL);
    CHECK_INT(results_writer_commit(w, err, sizeof err), 0);
    results_writer_free(w);
    p1 = page_at(path, NULL, 1000, err, sizeof err);
    REQUIRE(p1 != NULL);
    CHECK_INT(json_array_size(rows_of(p1)), 0);
    CHECK(token_of(p1) == NULL);
    json_decref(p1);
    char meta[300];
    snprintf(meta, sizeof meta, "%s.metadata", path);
    data = slurp(meta);
    CHECK_STR(data, "{\"ColumnInfo\":[],\"StatementType\":\"DDL\",\"Rows\":0,\"Kind\":\"txt\"}");
    free(data);
}

/* ---- Memory ---- */

static void test_writer_memory_stays_flat(void)
{
    char path[256], err[256];
    path_for(path, sizeof path, "big.csv");
    results_writer *w = results_writer_open(path, RESULTS_CSV, "DML", err, sizeof err);
    REQUIRE(w != NULL);
    CHECK_INT(results_writer_columns(w, test_cols, 3), 0);
    char filler[120];
    memset(filler, 'f', sizeof filler - 1);
    filler[sizeof filler - 1] = '\0';
    const char *v[] = {filler, "\"quoted\"", "12345"};
    size_t l[] = {sizeof filler - 1, 8, 5};
    size_t max_cap = 0;
    const int rows = 250000; /* about 35 MB of CSV */
    for (int i = 0; i < rows; i++) {
        if (results_writer_row(w, v, l) != 0)
            break;
        size_t cap = results_writer_buffer_capacity(w);
        if (cap > max_cap)
            max_cap = cap;
    }
    CHECK_INT(results_writer_rows(w), rows);
    CHECK(max_cap <= ((size_t)2 << 20));
    CHECK_INT(results_writer_commit(w, err, sizeof err), 0);
    results_writer_free(w);
    struct stat st;
    REQUIRE(stat(path, &st) == 0);
    CHECK(st.st_size > 30 * 1000 * 1000);

    /* The last page is reached by seeking, not by re-reading the file. */
    json_t *p = page_at(path, NULL, 1000, err, sizeof err);
    int pages = 1;
    while (p && token_of(p)) {
        json_t *next = page_at(path, token_of(p), 1000, err, sizeof err);
        json_decref(p);
        p = next;
        pages++;
    }
    REQUIRE(p != NULL);
    CHECK_INT(pages, 251); /* 999 + 249 * 1000 + 1 */
    CHECK_INT(json_array_size(rows_of(p)), 1);
    json_decref(p);
}

static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char child[PATH_MAX];
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            remove_tree(child);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/test_srv_results_file.XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    RUN(test_paging_2500_rows);
    RUN(test_exact_boundaries);
    RUN(test_max_results_one);
    RUN(test_empty_result);
    RUN(test_file_bytes_and_metadata);
    RUN(test_invalid_utf8_becomes_replacement);
    RUN(test_bad_tokens_rejected);
    RUN(test_missing_files);
    RUN(test_commit_and_abort);
    RUN(test_sink);
    RUN(test_open_under_root);
    RUN(test_txt_results);
    RUN(test_writer_memory_stays_flat);
    remove_tree(dir);
    return test_summary();
}
