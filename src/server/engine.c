/*
 * engine.c: the embedded SQL engine (DuckDB) behind engine.h.
 *
 * One in-memory DuckDB database per server. Its configuration is the second
 * wall of the sandbox: file readers may open only files under the S3 root
 * (allowed_directories), everything else that touches the host is off
 * (enable_external_access=false, no extension loading), and the
 * configuration is then locked so SQL cannot undo it. Athena's semantics
 * that are settings (integer division, UTC, NULLS LAST) are fixed here too.
 *
 * A statement runs in four steps: the sandbox inspects it; the tables it
 * names are looked up in the catalog and their views (re)built from the
 * files present now (engine_views.c); it is prepared with its parameters
 * bound as values (engine_params.c); and it is executed as a streaming
 * query whose chunks are rendered row by row into the sink, so memory stays
 * flat however many rows come back.
 */
#include "engine_internal.h"

#include "objects.h"
#include "render.h"
#include "sandbox.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_THREADS 2
#define ENGINE_ROOT_MAX sizeof(((engine *)0)->s3_root)

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- opening ------------------------------------------------------------- */

/* Settings that are per connection in DuckDB must come from the open-time
 * config: after lock_configuration nobody can SET them. */
static int open_database(engine *e, int threads, char *err, size_t err_cap)
{
    duckdb_config config;
    if (duckdb_create_config(&config) != DuckDBSuccess) {
        snprintf(err, err_cap, "cannot create the engine configuration");
        return -1;
    }
    char threads_text[16];
    snprintf(threads_text, sizeof threads_text, "%d", threads > 0 ? threads : DEFAULT_THREADS);
    const char *const options[][2] = {
        {"threads", threads_text},
        {"integer_division", "true"},            /* Trino: 5 / 2 = 2 */
        {"default_null_order", "nulls_last"},     /* Trino sorts NULLs last both ways */
        {"preserve_insertion_order", "true"},
        {"autoinstall_known_extensions", "false"},
        {"autoload_known_extensions", "false"},
    };
    for (size_t i = 0; i < sizeof options / sizeof *options; i++) {
        if (duckdb_set_config(config, options[i][0], options[i][1]) != DuckDBSuccess) {
            snprintf(err, err_cap, "cannot set engine option %s", options[i][0]);
            duckdb_destroy_config(&config);
            return -1;
        }
    }
    char *open_error = NULL;
    int rc = duckdb_open_ext(NULL, &e->db, config, &open_error) == DuckDBSuccess ? 0 : -1;
    if (rc != 0)
        snprintf(err, err_cap, "cannot open the engine: %s",
                 open_error ? open_error : "unknown error");
    duckdb_free(open_error);
    duckdb_destroy_config(&config);
    return rc;
}

static int run_setup(engine *e, const char *sql, char *err, size_t err_cap)
{
    duckdb_result result;
    int rc = 0;
    if (duckdb_query(e->setup, sql, &result) != DuckDBSuccess) {
        snprintf(err, err_cap, "cannot configure the engine (%.60s): %s", sql,
                 duckdb_result_error(&result));
        rc = -1;
    }
    duckdb_destroy_result(&result);
    return rc;
}

/* Half the machine's memory, leaving room for the server and the OS. */
static void memory_limit_setting(buf *sql)
{
    long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page_size > 0) {
        long long mb = (long long)pages / 1024 * page_size / 1024 / 2;
        buf_printf(sql, "SET memory_limit='%lldMB'", mb < 256 ? 256 : mb);
    }
}

/* Spill space for large sorts and joins: DATA_DIR/tmp/duckdb beside the S3
 * root (DuckDB writes its temp files itself; they are not reachable from
 * SQL). Without it, big queries fail with an out-of-memory error instead. */
static void temp_directory_setting(const engine *e, buf *sql)
{
    char dir[sizeof e->s3_root + 16];
    snprintf(dir, sizeof dir, "%s", e->s3_root);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return;
    strcpy(slash, "/tmp/duckdb");
    if (make_dirs(dir) != 0)
        return;
    buf_puts(sql, "SET temp_directory=");
    sql_literal(sql, dir);
}

static int configure(engine *e, char *err, size_t err_cap)
{
    buf allowed = BUF_INIT, memory = BUF_INIT, temp = BUF_INIT;
    char root_dir[sizeof e->s3_root + 1];
    snprintf(root_dir, sizeof root_dir, "%s/", e->s3_root);
    int rc = buf_puts(&allowed, "SET allowed_directories=[");
    rc = rc ? rc : sql_literal(&allowed, root_dir);
    rc = rc ? rc : buf_putc(&allowed, ']');
    memory_limit_setting(&memory);
    temp_directory_setting(e, &temp);
    /* Order matters: the directory is allowed before external access goes
     * off, and the lock comes last. */
    const char *const steps[] = {
        rc == 0 ? allowed.data : NULL,
        memory.data ? memory.data : "SELECT 1",
        temp.data ? temp.data : "SET temp_directory=''",
        "SET GLOBAL TimeZone='UTC'",
        "SET enable_progress_bar=false",
        "ATTACH ':memory:' AS " ENGINE_CATALOG,
        "SET enable_external_access=false",
        "SET lock_configuration=true",
    };
    if (rc != 0)
        snprintf(err, err_cap, "out of memory");
    for (size_t i = 0; rc == 0 && i < sizeof steps / sizeof *steps; i++)
        rc = run_setup(e, steps[i], err, err_cap);
    buf_free(&allowed);
    buf_free(&memory);
    buf_free(&temp);
    return rc;
}

engine *engine_open(const char *s3_root, int threads, char *err, size_t err_cap)
{
    char resolved[PATH_MAX];
    if (!s3_root || !realpath(s3_root, resolved) || strlen(resolved) >= ENGINE_ROOT_MAX) {
        snprintf(err, err_cap, "the S3 root %s does not exist", s3_root ? s3_root : "(null)");
        return NULL;
    }
    engine *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, err_cap, "out of memory");
        return NULL;
    }
    snprintf(e->s3_root, sizeof e->s3_root, "%s", resolved);
    pthread_mutex_init(&e->view_lock, NULL);
    if (open_database(e, threads, err, err_cap) != 0) {
        pthread_mutex_destroy(&e->view_lock);
        free(e);
        return NULL;
    }
    if (duckdb_connect(e->db, &e->setup) != DuckDBSuccess) {
        snprintf(err, err_cap, "cannot connect to the engine");
        engine_close(e);
        return NULL;
    }
    if (configure(e, err, err_cap) != 0) {
        engine_close(e);
        return NULL;
    }
    return e;
}

void engine_close(engine *e)
{
    if (!e)
        return;
    if (e->setup)
        duckdb_disconnect(&e->setup);
    duckdb_close(&e->db);
    engine_view_cache_free(e);
    pthread_mutex_destroy(&e->view_lock);
    free(e);
}

/* ---- sessions -------------------------------------------------------------- */

engine_session *engine_session_new(engine *e)
{
    if (!e)
        return NULL;
    engine_session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->e = e;
    if (duckdb_connect(e->db, &s->conn) != DuckDBSuccess) {
        free(s);
        return NULL;
    }
    if (sandbox_parser_prepare(s->conn, &s->parser) != 0) {
        duckdb_disconnect(&s->conn);
        free(s);
        return NULL;
    }
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

void engine_session_free(engine_session *s)
{
    if (!s)
        return;
    duckdb_destroy_prepare(&s->parser);
    duckdb_disconnect(&s->conn);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

void engine_interrupt(engine_session *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->lock);
    s->interrupt_requested = 1;
    if (s->executing)
        duckdb_interrupt(s->conn);
    pthread_mutex_unlock(&s->lock);
}

void engine_forget_interrupt(engine_session *s)
{
    pthread_mutex_lock(&s->lock);
    s->interrupt_requested = 0;   /* an interrupt of the previous statement */
    pthread_mutex_unlock(&s->lock);
}

int engine_interrupt_requested(engine_session *s)
{
    pthread_mutex_lock(&s->lock);
    int requested = s->interrupt_requested;
    pthread_mutex_unlock(&s->lock);
    return requested;
}

engine_failure engine_fail_interrupted(engine_error *err)
{
    return engine_fail(err, ENGINE_INTERRUPTED, "USER_CANCELED", "Query was cancelled by user");
}

/* ---- binding the statement's tables ---------------------------------------------- */

void engine_lower_copy(char *dst, size_t cap, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < cap; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

/* DuckDB's own schemas: a database by one of these names cannot become a
 * schema of ours. */
static int is_engine_schema(const char *db)
{
    return strcmp(db, "information_schema") == 0 || strcmp(db, "pg_catalog") == 0;
}

int engine_table_repeats(const sandbox_result *sb, size_t i, const char *default_db)
{
    const sandbox_table *t = &sb->tables[i];
    const char *db = *t->schema ? t->schema : default_db;
    for (size_t j = 0; j < i; j++) {
        const sandbox_table *u = &sb->tables[j];
        if (strcasecmp(u->name, t->name) == 0 &&
            strcasecmp(*u->schema ? u->schema : default_db, db) == 0)
            return 1;
    }
    return 0;
}

static engine_failure bind_table(engine_session *s, const char *sql, const json_t *tree,
                                 const sandbox_table *ref, const char *default_db,
                                 engine_table_lookup lookup, void *ud, engine_stats *stats,
                                 engine_error *err)
{
    char position[64];
    engine_table_position(sql, ref->schema, ref->name, position, sizeof position);
    char db[256], name[256];
    engine_lower_copy(db, sizeof db, *ref->schema ? ref->schema : default_db);
    engine_lower_copy(name, sizeof name, ref->name);
    if (!*db)
        return engine_fail(err, ENGINE_USER_ERROR, "MISSING_SCHEMA_NAME",
                           "%sSchema must be specified when session schema is not set",
                           position);
    json_t *table = is_engine_schema(db) ? NULL : lookup(ud, db, name);
    if (!table)
        return engine_fail(err, ENGINE_USER_ERROR, "TABLE_NOT_FOUND",
                           "%sTable '%s.%s.%s' does not exist", position, ENGINE_CATALOG, db,
                           name);
    engine_bind bind = {.sql = sql, .tree = tree, .default_db = default_db, .lookup = lookup,
                        .lookup_user_data = ud};
    engine_failure f = engine_view_refresh(s->e, s->conn, &bind, db, name, table,
                                           &stats->bytes_scanned, err);
    json_decref(table);
    return f;
}

/* Makes unqualified names resolve in the query's database, as in Athena.
 * The connection keeps it, so a worker's next query in the same database
 * does not USE it again. */
static engine_failure use_database(engine_session *s, const char *db, engine_error *err)
{
    char lowered[256];
    engine_lower_copy(lowered, sizeof lowered, db && *db && !is_engine_schema(db) ? db : "main");
    if (strcmp(s->database, lowered) == 0)
        return ENGINE_OK;
    s->database[0] = '\0';
    buf sql = BUF_INIT;
    int rc = buf_puts(&sql, "USE " ENGINE_CATALOG ".");
    rc = rc ? rc : sql_ident(&sql, lowered);
    if (rc != 0) {
        buf_free(&sql);
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    }
    duckdb_result result;
    duckdb_state st = duckdb_query(s->conn, sql.data, &result);
    duckdb_destroy_result(&result);
    if (st != DuckDBSuccess && engine_schema_ensure(s->e, lowered, err) == 0) {
        st = duckdb_query(s->conn, sql.data, &result);
        if (st != DuckDBSuccess)
            engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR",
                        "cannot use database %s: %s", lowered, duckdb_result_error(&result));
        duckdb_destroy_result(&result);
    }
    buf_free(&sql);
    if (st == DuckDBSuccess)
        snprintf(s->database, sizeof s->database, "%s", lowered);
    return st == DuckDBSuccess ? ENGINE_OK : err->failure;
}

static engine_failure refused(engine_session *s, const char *sql, const sandbox_result *sb,
                              engine_error *err)
{
    static const char parser_prefix[] = "Parser Error: ";
    if (strncmp(sb->reason, parser_prefix, sizeof parser_prefix - 1) == 0) {
        char position[64];
        engine_syntax_position(s->conn, sql, position, sizeof position);
        return engine_fail(err, ENGINE_USER_ERROR, "SYNTAX_ERROR", "%s%s", position,
                           sb->reason + sizeof parser_prefix - 1);
    }
    return engine_fail(err, ENGINE_SANDBOX, "NOT_SUPPORTED", "%s", sb->reason);
}

/* Inspects sql, binds its tables and prepares it with params bound. */
engine_failure engine_prepare_user_statement(engine_session *s, const char *sql,
                                             const char *default_db, const char *const *params,
                                             size_t param_count, engine_table_lookup lookup,
                                             void *ud, engine_stats *stats,
                                             duckdb_prepared_statement *stmt, json_t **tree,
                                             engine_error *err)
{
    *tree = NULL;
    sandbox_result *sb = calloc(1, sizeof *sb);
    if (!sb)
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    engine_failure f = ENGINE_OK;
    if (sandbox_inspect_with(s->parser, sql, sb, tree) != 0)
        f = refused(s, sql, sb, err);
    else if ((size_t)sb->parameter_count != param_count)
        f = engine_fail(err, ENGINE_USER_ERROR, "INVALID_PARAMETER_USAGE",
                        "Incorrect number of parameters: expected %d but found %zu",
                        sb->parameter_count, param_count);
    const char *db = default_db ? default_db : "";
    for (size_t i = 0; f == ENGINE_OK && i < sb->table_count; i++) {
        if (engine_table_repeats(sb, i, db))
            continue;
        f = bind_table(s, sql, *tree, &sb->tables[i], db, lookup, ud, stats, err);
        if (f == ENGINE_OK && engine_interrupt_requested(s))
            f = engine_fail_interrupted(err);
    }
    free(sb);
    f = f ? f : use_database(s, default_db, err);
    if (f != ENGINE_OK)
        return f;
    if (duckdb_prepare(s->conn, sql, stmt) != DuckDBSuccess)
        return engine_fail_duckdb(err, DUCKDB_ERROR_INVALID, duckdb_prepare_error(*stmt), sql);
    if (duckdb_nparams(*stmt) != param_count)
        return engine_fail(err, ENGINE_USER_ERROR, "INVALID_PARAMETER_USAGE",
                           "Incorrect number of parameters: expected %llu but found %zu",
                           (unsigned long long)duckdb_nparams(*stmt), param_count);
    return engine_bind_params(*stmt, params, param_count, err);
}

/* ---- streaming the result ---------------------------------------------------- */

typedef struct row_renderer {
    size_t count;
    engine_column *columns;
    duckdb_logical_type *types;
    buf *values;
    const char **texts;
    size_t *lengths;
} row_renderer;

static void renderer_free(row_renderer *r)
{
    for (size_t i = 0; r->types && i < r->count; i++)
        if (r->types[i])
            duckdb_destroy_logical_type(&r->types[i]);
    for (size_t i = 0; r->values && i < r->count; i++)
        buf_free(&r->values[i]);
    free(r->columns);
    free(r->types);
    free(r->values);
    free(r->texts);
    free(r->lengths);
}

/* DuckDB sums integers into HUGEINT; Trino's sum(bigint) is a bigint, and
 * Athena SQL has no 128-bit integers, so such columns are bigint to clients. */
static void athena_column_type(duckdb_logical_type type, engine_column *col)
{
    render_column_type(type, col);
    if (duckdb_get_type_id(type) == DUCKDB_TYPE_HUGEINT) {
        snprintf(col->type, sizeof col->type, "bigint");
        col->precision = 19;
        col->scale = 0;
    }
}

/* tree: the statement's parse tree for Athena's column names, or NULL. */
static int renderer_init(row_renderer *r, duckdb_result *result, const json_t *tree)
{
    memset(r, 0, sizeof *r);
    r->count = (size_t)duckdb_column_count(result);
    size_t n = r->count ? r->count : 1;
    r->columns = calloc(n, sizeof *r->columns);
    r->types = calloc(n, sizeof *r->types);
    r->values = calloc(n, sizeof *r->values);
    r->texts = calloc(n, sizeof *r->texts);
    r->lengths = calloc(n, sizeof *r->lengths);
    if (!r->columns || !r->types || !r->values || !r->texts || !r->lengths)
        return -1;
    for (size_t i = 0; i < r->count; i++) {
        const char *name = duckdb_column_name(result, (idx_t)i);
        snprintf(r->columns[i].name, sizeof r->columns[i].name, "%s", name ? name : "");
        r->types[i] = duckdb_column_logical_type(result, (idx_t)i);
        if (!r->types[i])
            return -1;
        athena_column_type(r->types[i], &r->columns[i]);
    }
    engine_athena_column_names(tree, r->columns, r->count);
    return 0;
}

/* Renders and delivers the rows of one chunk. */
static engine_failure deliver_chunk(row_renderer *r, duckdb_data_chunk chunk,
                                    const engine_sink *sink, engine_stats *stats,
                                    engine_error *err)
{
    idx_t size = duckdb_data_chunk_get_size(chunk);
    for (idx_t row = 0; row < size; row++) {
        for (size_t c = 0; c < r->count; c++) {
            buf_reset(&r->values[c]);
            duckdb_vector v = duckdb_data_chunk_get_vector(chunk, (idx_t)c);
            int rc = render_value(v, r->types[c], row, &r->values[c]);
            if (rc < 0)
                return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR",
                                   "cannot render a value of column '%s'", r->columns[c].name);
            r->texts[c] = rc == 1 ? NULL : buf_str(&r->values[c]);
            r->lengths[c] = rc == 1 ? 0 : r->values[c].len;
        }
        if (sink->row && sink->row(sink->user_data, r->texts, r->lengths) != 0)
            return engine_fail(err, ENGINE_SINK_ABORTED, "GENERIC_INTERNAL_ERROR",
                               "the result consumer stopped the query");
        stats->rows++;
    }
    return ENGINE_OK;
}

static engine_failure stream_result(engine_session *s, duckdb_result *result, const char *sql,
                                    const json_t *tree, const engine_sink *sink,
                                    engine_stats *stats, engine_error *err)
{
    row_renderer r;
    engine_failure f = ENGINE_OK;
    if (renderer_init(&r, result, tree) != 0)
        f = engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    else if (sink->columns && sink->columns(sink->user_data, r.columns, r.count) != 0)
        f = engine_fail(err, ENGINE_SINK_ABORTED, "GENERIC_INTERNAL_ERROR",
                        "the result consumer stopped the query");
    while (f == ENGINE_OK) {
        if (engine_interrupt_requested(s)) {
            f = engine_fail_interrupted(err);
            break;
        }
        duckdb_data_chunk chunk = duckdb_fetch_chunk(*result);
        if (!chunk) {
            const char *message = duckdb_result_error(result);
            if (message)
                f = engine_fail_duckdb(err, duckdb_result_error_type(result), message, sql);
            break;
        }
        f = deliver_chunk(&r, chunk, sink, stats, err);
        duckdb_destroy_data_chunk(&chunk);
    }
    renderer_free(&r);
    return f;
}

void engine_set_executing(engine_session *s, int executing)
{
    pthread_mutex_lock(&s->lock);
    s->executing = executing;
    /* An interrupt that came before DuckDB started the query reached no
     * query; deliver it now that one is live. */
    if (executing && s->interrupt_requested)
        duckdb_interrupt(s->conn);
    pthread_mutex_unlock(&s->lock);
}

/* tree: the statement's parse tree (for Athena's column names), or NULL. */
static engine_failure execute_statement(engine_session *s, duckdb_prepared_statement stmt,
                                        const char *sql, const json_t *tree,
                                        const engine_sink *sink, engine_stats *stats,
                                        engine_error *err)
{
    if (engine_interrupt_requested(s))
        return engine_fail_interrupted(err);
    duckdb_pending_result pending = NULL;
    duckdb_result result;
    engine_failure f = ENGINE_OK;
    if (duckdb_pending_prepared_streaming(stmt, &pending) != DuckDBSuccess) {
        f = engine_fail_duckdb(err, DUCKDB_ERROR_INVALID, duckdb_pending_error(pending), sql);
        duckdb_destroy_pending(&pending);
        return f;
    }
    engine_set_executing(s, 1);
    if (duckdb_execute_pending(pending, &result) != DuckDBSuccess) {
        f = engine_fail_duckdb(err, duckdb_result_error_type(&result),
                               duckdb_result_error(&result), sql);
    } else {
        f = stream_result(s, &result, sql, tree, sink, stats, err);
        if (f == ENGINE_SINK_ABORTED)
            duckdb_interrupt(s->conn);   /* stop the workers before the result goes */
    }
    duckdb_destroy_result(&result);
    duckdb_destroy_pending(&pending);
    engine_set_executing(s, 0);
    if (f != ENGINE_OK && f != ENGINE_SINK_ABORTED && engine_interrupt_requested(s))
        f = engine_fail_interrupted(err);
    return f;
}

engine_failure engine_run(engine_session *s, const char *sql, const char *default_database,
                          const char *const *params, size_t param_count,
                          engine_table_lookup lookup, void *lookup_user_data,
                          const engine_sink *sink, engine_stats *stats, engine_error *err)
{
    engine_stats local_stats;
    engine_error local_err;
    if (!stats)
        stats = &local_stats;
    if (!err)
        err = &local_err;
    memset(stats, 0, sizeof *stats);
    memset(err, 0, sizeof *err);
    if (!s || !sql || !sink || !lookup || (param_count && !params))
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR",
                           "engine_run: invalid arguments");
    engine_forget_interrupt(s);

    int64_t started = now_ms();
    duckdb_prepared_statement stmt = NULL;
    json_t *tree = NULL;
    engine_failure f = engine_prepare_user_statement(s, sql, default_database, params,
                                                     param_count, lookup, lookup_user_data, stats,
                                                     &stmt, &tree, err);
    int64_t prepared = now_ms();
    stats->planning_ms = prepared - started;
    if (f == ENGINE_OK)
        f = execute_statement(s, stmt, sql, tree, sink, stats, err);
    else
        stats->bytes_scanned = 0;   /* nothing was read: Athena reports 0 */
    stats->execution_ms = now_ms() - prepared;
    json_decref(tree);
    duckdb_destroy_prepare(&stmt);
    if (f != ENGINE_OK)
        engine_paths_to_uris(s->e->s3_root, err->message);
    return f;
}
