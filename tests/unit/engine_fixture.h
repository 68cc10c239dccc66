/*
 * engine_fixture.h: the shared fixture of the engine tests (test_srv_engine.c,
 * test_srv_engine_tables.c). setup() makes a temporary S3 root holding the
 * sample data (3M flights as Parquet, the airports CSV), registers their
 * hand-written Glue entries with a lookup callback, and opens an engine and
 * a session on it; tables add more files and entries as they need. A sink
 * keeps the rows it receives as "a|b|NULL" lines so that checks compare
 * exact text.
 */
#ifndef ATHENA_TEST_ENGINE_FIXTURE_H
#define ATHENA_TEST_ENGINE_FIXTURE_H

#include "buf.h"
#include "engine.h"
#include "test.h"

#include <duckdb.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FLIGHTS_BYTES 13493022
#define AIRPORTS_BYTES 210365

static char tmp_dir[256];
static char s3_root[512];
static engine *eng;
static engine_session *sess;
static json_t *catalog;   /* "db.table" -> Glue Table */

/* ---- fixtures ----------------------------------------------------------- */

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int mkdirs(const char *path)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    }
    return mkdir(tmp, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

/* Writes data to S3_ROOT/rel (creating folders). */
static inline int put_file(const char *rel, const char *data, size_t len)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", s3_root, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    if (mkdirs(path) != 0)
        return -1;
    *slash = '/';
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    return fclose(f) == 0 && n == len ? 0 : -1;
}

static inline int put_text(const char *rel, const char *text)
{
    return put_file(rel, text, strlen(text));
}

static inline int copy_in(const char *src, const char *rel)
{
    FILE *in = fopen(src, "rb");
    if (!in)
        return -1;
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    char *data = malloc((size_t)size);
    int rc = data && fread(data, 1, (size_t)size, in) == (size_t)size
                 ? put_file(rel, data, (size_t)size)
                 : -1;
    free(data);
    fclose(in);
    return rc;
}

static inline void source_dir(char *out, size_t cap)
{
    const char *env = getenv("ATHENA_SOURCE_DIR");
    if (env && *env) {
        snprintf(out, cap, "%s", env);
        return;
    }
    snprintf(out, cap, "%s", __FILE__);   /* <repo>/tests/unit/test_srv_engine.c */
    for (int i = 0; i < 3; i++) {
        char *slash = strrchr(out, '/');
        if (slash)
            *slash = '\0';
    }
}

/* "name:type;name:type" -> Glue Columns. */
static inline json_t *columns(const char *spec)
{
    json_t *arr = json_array();
    char copy[1024];
    snprintf(copy, sizeof copy, "%s", spec);
    char *save = NULL;
    for (char *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
        char *colon = strchr(item, ':');
        *colon = '\0';
        json_array_append_new(arr, json_pack("{s:s, s:s}", "Name", item, "Type", colon + 1));
    }
    return arr;
}

/* Registers a Glue table; cols and partition_cols are "name:type;...". */
static inline void add_table(const char *db, const char *name, const char *location,
                             const char *serde, const char *cols, json_t *serde_params,
                             json_t *table_params, const char *partition_cols)
{
    json_t *t = json_pack(
        "{s:s, s:s, s:s, s:{s:o, s:s, s:{s:s, s:o}}, s:o, s:o}", "Name", name, "DatabaseName",
        db, "TableType", "EXTERNAL_TABLE", "StorageDescriptor", "Columns", columns(cols),
        "Location", location, "SerdeInfo", "SerializationLibrary", serde, "Parameters",
        serde_params ? serde_params : json_object(), "PartitionKeys",
        partition_cols ? columns(partition_cols) : json_array(), "Parameters",
        table_params ? table_params : json_object());
    char key[256];
    snprintf(key, sizeof key, "%s.%s", db, name);
    json_object_set_new(catalog, key, t);
}

static inline json_t *lookup(void *user_data, const char *db, const char *table)
{
    char key[600];
    snprintf(key, sizeof key, "%s.%s", db, table);
    json_t *t = json_object_get(user_data, key);
    return t ? json_incref(t) : NULL;
}

#define PARQUET "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
#define LAZY "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
#define OPENCSV "org.apache.hadoop.hive.serde2.OpenCSVSerde"
#define OPENX "org.openx.data.jsonserde.JsonSerDe"

static inline int setup(void)
{
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/test_srv_engine.XXXXXX");
    if (!mkdtemp(tmp_dir))
        return -1;
    snprintf(s3_root, sizeof s3_root, "%s/s3", tmp_dir);
    char src[512], path[700];
    source_dir(src, sizeof src);
    snprintf(path, sizeof path, "%s/.deps/data/flights-3m.parquet", src);
    if (copy_in(path, "demo/flights/flights-3m.parquet") != 0)
        return -1;
    snprintf(path, sizeof path, "%s/.deps/data/airports.csv", src);
    if (copy_in(path, "demo/airports/airports.csv") != 0)
        return -1;
    /* Hidden files and folders are not data, wherever they are. */
    put_text("demo/flights/_SUCCESS", "not parquet");
    put_text("demo/flights/.part-0001.tmp", "not parquet");
    put_text("demo/empty/_temporary/0/part-0", "not parquet");
    put_text("demo/empty/.keep", "x");

    catalog = json_object();
    add_table("demo", "flights", "s3://demo/flights/", PARQUET,
              "date:timestamp;delay:bigint;distance:bigint;origin:string;destination:string",
              NULL, NULL, NULL);
    add_table("demo", "airports", "s3://demo/airports", OPENCSV,
              "iata:string;name:string;city:string;state:string;country:string;"
              "latitude:double;longitude:double",
              json_pack("{s:s, s:s}", "separatorChar", ",", "quoteChar", "\""),
              json_pack("{s:s}", "skip.header.line.count", "1"), NULL);
    add_table("demo", "empty", "s3://demo/empty/", PARQUET,
              "id:int;label:string;amount:decimal(10,2)", NULL, NULL, NULL);
    char err[512];
    eng = engine_open(s3_root, 2, err, sizeof err);
    if (!eng) {
        fprintf(stderr, "engine_open: %s\n", err);
        return -1;
    }
    sess = engine_session_new(eng);
    return sess ? 0 : -1;
}

static inline void teardown(void)
{
    engine_session_free(sess);
    engine_close(eng);
    json_decref(catalog);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", tmp_dir);
}

/* ---- a sink that keeps what it is given -------------------------------------- */

typedef struct collected {
    engine_column cols[16];
    size_t ncols;
    int columns_calls;
    int64_t rows;
    int64_t abort_after;   /* stop when asked for row abort_after + 1; -1: never */
    int keep;              /* rows kept as text */
    buf text;              /* "a|b|NULL\n" per kept row */
} collected;

static inline int on_columns(void *ud, const engine_column *cols, size_t count)
{
    collected *c = ud;
    c->columns_calls++;
    c->ncols = count;
    memcpy(c->cols, cols, (count < 16 ? count : 16) * sizeof *cols);
    return 0;
}

static inline int on_row(void *ud, const char *const *values, const size_t *lengths)
{
    collected *c = ud;
    if (c->abort_after >= 0 && c->rows >= c->abort_after)
        return 1;
    if (c->rows < c->keep) {
        for (size_t i = 0; i < c->ncols; i++) {
            if (i)
                buf_putc(&c->text, '|');
            if (values[i])
                buf_append(&c->text, values[i], lengths[i]);
            else
                buf_puts(&c->text, "NULL");
        }
        buf_putc(&c->text, '\n');
    }
    c->rows++;
    return 0;
}

static inline void collected_init(collected *c)
{
    memset(c, 0, sizeof *c);
    c->abort_after = -1;
    c->keep = 100;
}

typedef struct run_out {
    engine_failure f;
    engine_stats stats;
    engine_error err;
} run_out;

static inline run_out run_params(collected *c, const char *sql, const char *db,
                                 const char *const *params, size_t n)
{
    run_out o;
    engine_sink sink = {on_columns, on_row, c};
    o.f = engine_run(sess, sql, db, params, n, lookup, catalog, &sink, &o.stats, &o.err);
    return o;
}

static inline run_out run(collected *c, const char *sql)
{
    return run_params(c, sql, "demo", NULL, 0);
}

/* Runs sql and returns its rows as text (caller frees); NULL on failure. */
static inline char *rows_of(const char *sql)
{
    collected c;
    collected_init(&c);
    run_out o = run(&c, sql);
    if (o.f != ENGINE_OK) {
        fprintf(stderr, "  %s\n  failed: [%s] %s\n", sql, o.err.code, o.err.message);
        buf_free(&c.text);
        return NULL;
    }
    return buf_detach(&c.text);
}

#define CHECK_ROWS(sql, expected)                                                       \
    do {                                                                                \
        char *got_ = rows_of(sql);                                                      \
        CHECK_STR(got_, expected);                                                      \
        free(got_);                                                                     \
    } while (0)

static inline long max_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Writes Parquet files with a private, unrestricted DuckDB. */
static inline int write_parquet(const char *select, const char *rel)
{
    char dir[1024], sql[2048];
    snprintf(dir, sizeof dir, "%s/%s", s3_root, rel);
    *strrchr(dir, '/') = '\0';
    if (mkdirs(dir) != 0)
        return -1;
    snprintf(sql, sizeof sql, "COPY (%s) TO '%s/%s' (FORMAT parquet)", select, s3_root, rel);
    duckdb_database db;
    duckdb_connection conn;
    duckdb_result result;
    if (duckdb_open(NULL, &db) != DuckDBSuccess)
        return -1;
    int rc = -1;
    if (duckdb_connect(db, &conn) == DuckDBSuccess) {
        rc = duckdb_query(conn, sql, &result) == DuckDBSuccess ? 0 : -1;
        duckdb_destroy_result(&result);
        duckdb_disconnect(&conn);
    }
    duckdb_close(&db);
    return rc;
}

#endif
