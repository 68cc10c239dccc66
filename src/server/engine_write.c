/*
 * engine_write.c: a statement's rows written as table files, for CREATE
 * TABLE AS SELECT, INSERT INTO and UNLOAD (engine.h's engine_write).
 *
 * The user's SELECT goes through the same door as any query (sandbox,
 * catalog views, parameters: engine_prepare_user_statement). The engine
 * then materializes its rows once into a temporary table, wrapping the
 * statement as a subquery whose columns it renames and casts itself, and
 * writes that table with COPY ... TO statements it builds: user SQL never
 * names a file, and DuckDB's allowed_directories still confines every
 * write to the S3 root. The wrapped statement must prepare as exactly one
 * CREATE statement, so nothing in the user's text can turn it into
 * anything else.
 *
 * Partitioned writes give one file per distinct combination of partition
 * values, in the folder the caller names (Hive's key=value escaping lives
 * in the catalog code), with the partition columns left out of the files
 * as Hive does.
 */
#include "engine_internal.h"

#include "hive_types.h"
#include "objects.h"
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define WRITE_TABLE_NAME "athena_write"
#define WRITE_TABLE "temp.main." WRITE_TABLE_NAME

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static engine_failure out_of_memory(engine_error *err)
{
    return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
}

/* ---- Hive types of result columns ---------------------------------------------------- */

static int hive_type_of(duckdb_logical_type t, buf *out, char *bad, size_t bad_cap);

static int hive_child(duckdb_logical_type child, buf *out, char *bad, size_t bad_cap)
{
    int rc = child ? hive_type_of(child, out, bad, bad_cap) : -1;
    if (child)
        duckdb_destroy_logical_type(&child);
    return rc;
}

static int hive_struct(duckdb_logical_type t, buf *out, char *bad, size_t bad_cap)
{
    idx_t n = duckdb_struct_type_child_count(t);
    int rc = buf_puts(out, "struct<");
    for (idx_t i = 0; rc == 0 && i < n; i++) {
        char *name = duckdb_struct_type_child_name(t, i);
        rc = buf_printf(out, "%s%s:", i ? "," : "", name ? name : "");
        duckdb_free(name);
        rc = rc ? rc : hive_child(duckdb_struct_type_child_type(t, i), out, bad, bad_cap);
    }
    return rc ? rc : buf_putc(out, '>');
}

/* The Hive type a column of DuckDB type t is stored as; -1 with the
 * type's Athena name in bad when Hive has no such type. */
static int hive_type_of(duckdb_logical_type t, buf *out, char *bad, size_t bad_cap)
{
    switch (duckdb_get_type_id(t)) {
    case DUCKDB_TYPE_BOOLEAN: return buf_puts(out, "boolean");
    case DUCKDB_TYPE_TINYINT: return buf_puts(out, "tinyint");
    case DUCKDB_TYPE_SMALLINT: case DUCKDB_TYPE_UTINYINT: return buf_puts(out, "smallint");
    case DUCKDB_TYPE_INTEGER: case DUCKDB_TYPE_USMALLINT: return buf_puts(out, "int");
    case DUCKDB_TYPE_BIGINT: case DUCKDB_TYPE_UINTEGER: case DUCKDB_TYPE_UBIGINT:
    case DUCKDB_TYPE_HUGEINT: case DUCKDB_TYPE_UHUGEINT:
        return buf_puts(out, "bigint");   /* Trino's sum(bigint) is a bigint too */
    case DUCKDB_TYPE_FLOAT: return buf_puts(out, "float");
    case DUCKDB_TYPE_DOUBLE: return buf_puts(out, "double");
    case DUCKDB_TYPE_DECIMAL:
        return buf_printf(out, "decimal(%d,%d)", duckdb_decimal_width(t), duckdb_decimal_scale(t));
    case DUCKDB_TYPE_VARCHAR: case DUCKDB_TYPE_UUID: case DUCKDB_TYPE_ENUM:
        return buf_puts(out, "string");
    case DUCKDB_TYPE_BLOB: return buf_puts(out, "binary");
    case DUCKDB_TYPE_DATE: return buf_puts(out, "date");
    case DUCKDB_TYPE_TIMESTAMP: case DUCKDB_TYPE_TIMESTAMP_S: case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS: case DUCKDB_TYPE_TIMESTAMP_TZ:
        return buf_puts(out, "timestamp");
    case DUCKDB_TYPE_LIST:
        return buf_puts(out, "array<") || hive_child(duckdb_list_type_child_type(t), out, bad,
                                                     bad_cap) || buf_putc(out, '>');
    case DUCKDB_TYPE_ARRAY:
        return buf_puts(out, "array<") || hive_child(duckdb_array_type_child_type(t), out, bad,
                                                     bad_cap) || buf_putc(out, '>');
    case DUCKDB_TYPE_MAP:
        return buf_puts(out, "map<") ||
               hive_child(duckdb_map_type_key_type(t), out, bad, bad_cap) || buf_putc(out, ',') ||
               hive_child(duckdb_map_type_value_type(t), out, bad, bad_cap) || buf_putc(out, '>');
    case DUCKDB_TYPE_STRUCT: return hive_struct(t, out, bad, bad_cap);
    default: {
        engine_column col;
        memset(&col, 0, sizeof col);
        render_column_type(t, &col);
        snprintf(bad, bad_cap, "%s", col.type[0] ? col.type : "unknown");
        return -1;
    }
    }
}

/* ---- the plan: the columns written and the SELECT list that makes them ------------ */

typedef struct write_plan {
    engine_written_column *columns;
    size_t count;
    buf select_list;       /* CAST(q."c0" AS T) AS "name", ... */
    size_t query_columns;  /* columns the user's statement gives */
} write_plan;

static void plan_free(write_plan *p)
{
    free(p->columns);
    buf_free(&p->select_list);
}

static int put_cast(buf *b, long source, const char *duck_type, const char *name, size_t i)
{
    int rc = buf_puts(b, i ? ", CAST(" : "CAST(");
    rc = rc ? rc : source >= 0 ? buf_printf(b, "q.\"c%ld\"", source) : buf_puts(b, "NULL");
    rc = rc ? rc : buf_printf(b, " AS %s) AS ", duck_type);
    return rc ? rc : sql_ident(b, name);
}

/* CTAS/UNLOAD: the query's columns, with Athena's names and Hive types. */
static engine_failure plan_from_query(duckdb_prepared_statement user, const json_t *tree,
                                      write_plan *p, engine_error *err)
{
    engine_column *names = calloc(p->query_columns ? p->query_columns : 1, sizeof *names);
    p->columns = calloc(p->query_columns ? p->query_columns : 1, sizeof *p->columns);
    if (!names || !p->columns) {
        free(names);
        return out_of_memory(err);
    }
    for (size_t i = 0; i < p->query_columns; i++) {
        const char *n = duckdb_prepared_statement_column_name(user, (idx_t)i);
        snprintf(names[i].name, sizeof names[i].name, "%s", n ? n : "");
        duckdb_free((void *)n);   /* the API hands over a copy */
    }
    engine_athena_column_names(tree, names, p->query_columns);
    engine_failure f = ENGINE_OK;
    buf hive = BUF_INIT, duck = BUF_INIT;
    for (size_t i = 0; f == ENGINE_OK && i < p->query_columns; i++) {
        char bad[64] = "", why[256];
        buf_reset(&hive);
        buf_reset(&duck);
        duckdb_logical_type t = duckdb_prepared_statement_column_logical_type(user, (idx_t)i);
        int rc = t ? hive_type_of(t, &hive, bad, sizeof bad) : -1;
        duckdb_destroy_logical_type(&t);
        if (rc == 0 && hive_type_to_duckdb(buf_str(&hive), &duck, why, sizeof why) != 0)
            rc = -1, snprintf(bad, sizeof bad, "%.60s", buf_str(&hive));
        if (rc != 0) {
            f = engine_fail(err, ENGINE_USER_ERROR, "NOT_SUPPORTED", "Unsupported Hive type: %s",
                            bad[0] ? bad : "unknown");
            break;
        }
        snprintf(p->columns[i].name, sizeof p->columns[i].name, "%s", names[i].name);
        snprintf(p->columns[i].hive_type, sizeof p->columns[i].hive_type, "%s", buf_str(&hive));
        if (put_cast(&p->select_list, (long)i, buf_str(&duck), names[i].name, i) != 0)
            f = out_of_memory(err);
    }
    p->count = p->query_columns;
    buf_free(&hive);
    buf_free(&duck);
    free(names);
    return f;
}

/* INSERT INTO: the table's columns, each from its query column or NULL. */
static engine_failure plan_from_targets(const engine_write_spec *spec, write_plan *p,
                                        engine_error *err)
{
    if (spec->source_count != p->query_columns)
        return engine_fail(err, ENGINE_USER_ERROR, "TYPE_MISMATCH",
                           "Insert query has mismatched column count: Table: %zu, Query: %zu",
                           spec->source_count, p->query_columns);
    p->columns = calloc(spec->target_count ? spec->target_count : 1, sizeof *p->columns);
    if (!p->columns)
        return out_of_memory(err);
    p->count = spec->target_count;
    for (size_t i = 0; i < spec->target_count; i++) {
        const engine_target_column *t = &spec->targets[i];
        snprintf(p->columns[i].name, sizeof p->columns[i].name, "%s", t->name);
        long source = spec->source ? spec->source[i] : (long)i;
        if (source >= (long)p->query_columns ||
            put_cast(&p->select_list, source, t->duck_type, t->name, i) != 0)
            return out_of_memory(err);
    }
    return ENGINE_OK;
}

/* "[a, b]" of the partition columns, for messages. */
static void partition_list(const engine_write_spec *spec, char *out, size_t cap)
{
    size_t used = (size_t)snprintf(out, cap, "[");
    for (size_t i = 0; i < spec->partition_count && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? ", " : "",
                                 spec->partition_columns[i]);
    if (used < cap)
        snprintf(out + used, cap - used, "]");
}

static int has_column(const write_plan *p, const char *name)
{
    for (size_t i = 0; i < p->count; i++)
        if (strcasecmp(p->columns[i].name, name) == 0)
            return 1;
    return 0;
}

/* Names must be distinct, and the partition columns the last ones, in
 * order, with at least one column left for the files (Athena's rules). */
static engine_failure check_columns(const engine_write_spec *spec, const write_plan *p,
                                    engine_error *err)
{
    for (size_t i = 0; i < p->count; i++)
        for (size_t j = i + 1; j < p->count; j++)
            if (strcasecmp(p->columns[i].name, p->columns[j].name) == 0)
                return engine_fail(err, ENGINE_USER_ERROR, "DUPLICATE_COLUMN_NAME",
                                   "Column name '%s' specified more than once",
                                   p->columns[i].name);
    size_t k = spec->partition_count;
    if (k == 0)
        return ENGINE_OK;
    char list[512];
    partition_list(spec, list, sizeof list);
    for (size_t i = 0; i < k; i++)
        if (!has_column(p, spec->partition_columns[i]))
            return engine_fail(err, ENGINE_USER_ERROR, "INVALID_TABLE_PROPERTY",
                               "Partition columns %s not present in schema", list);
    if (k >= p->count)
        return engine_fail(err, ENGINE_USER_ERROR, "INVALID_TABLE_PROPERTY",
                           "Table contains only partition columns");
    for (size_t i = 0; i < k; i++)
        if (strcasecmp(p->columns[p->count - k + i].name, spec->partition_columns[i]) != 0)
            return engine_fail(err, ENGINE_USER_ERROR, "HIVE_COLUMN_ORDER_MISMATCH",
                               "Partition keys must be the last columns in the table and in "
                               "the same order as the table properties: %s", list);
    return ENGINE_OK;
}

/* ---- running the engine's own statements ----------------------------------------------- */

static engine_failure run_internal(engine_session *s, const char *sql, const char *user_sql,
                                   duckdb_result *result, engine_error *err)
{
    memset(result, 0, sizeof *result);   /* destroyable even when nothing ran */
    if (engine_interrupt_requested(s))
        return engine_fail_interrupted(err);
    engine_set_executing(s, 1);
    duckdb_state st = duckdb_query(s->conn, sql, result);
    engine_set_executing(s, 0);
    if (st == DuckDBSuccess)
        return ENGINE_OK;
    if (engine_interrupt_requested(s))
        return engine_fail_interrupted(err);
    return engine_fail_duckdb(err, duckdb_result_error_type(result), duckdb_result_error(result),
                              user_sql);
}

static engine_failure run_simple(engine_session *s, const char *sql, const char *user_sql,
                                 engine_error *err)
{
    duckdb_result result;
    engine_failure f = run_internal(s, sql, user_sql, &result, err);
    duckdb_destroy_result(&result);
    return f;
}

/* The user's statement, less the trailing blanks and semicolons a
 * subquery cannot hold. */
static size_t statement_length(const char *sql)
{
    size_t len = strlen(sql);
    while (len && strchr(" \t\r\n\f\v;", sql[len - 1]))
        len--;
    return len;
}

/* CREATE TEMP TABLE ... AS SELECT <casts> FROM (<user sql>) q(c0, ...),
 * prepared with the parameters bound and run. */
static engine_failure materialize(engine_session *s, const engine_write_spec *spec,
                                  const write_plan *p, engine_error *err)
{
    buf sql = BUF_INIT;
    int rc = buf_printf(&sql, "CREATE OR REPLACE TEMP TABLE " WRITE_TABLE_NAME
                              " AS SELECT %s FROM (\n", buf_str(&p->select_list));
    rc = rc ? rc : buf_append(&sql, spec->sql, statement_length(spec->sql));
    rc = rc ? rc : buf_puts(&sql, "\n) AS q(");
    for (size_t i = 0; rc == 0 && i < p->query_columns; i++)
        rc = buf_printf(&sql, "%s\"c%zu\"", i ? ", " : "", i);
    rc = rc ? rc : buf_putc(&sql, ')');
    if (rc != 0) {
        buf_free(&sql);
        return out_of_memory(err);
    }
    duckdb_prepared_statement stmt = NULL;
    engine_failure f = ENGINE_OK;
    if (duckdb_prepare(s->conn, sql.data, &stmt) != DuckDBSuccess)
        f = engine_fail_duckdb(err, DUCKDB_ERROR_INVALID, duckdb_prepare_error(stmt), spec->sql);
    else if (duckdb_prepared_statement_type(stmt) != DUCKDB_STATEMENT_TYPE_CREATE)
        f = engine_fail(err, ENGINE_SANDBOX, "NOT_SUPPORTED", "the query cannot be written");
    else
        f = engine_bind_params(stmt, spec->params, spec->param_count, err);
    if (f == ENGINE_OK && engine_interrupt_requested(s))
        f = engine_fail_interrupted(err);
    if (f == ENGINE_OK) {
        duckdb_result result;
        engine_set_executing(s, 1);
        duckdb_state st = duckdb_execute_prepared(stmt, &result);
        engine_set_executing(s, 0);
        if (st != DuckDBSuccess)
            f = engine_interrupt_requested(s)
                    ? engine_fail_interrupted(err)
                    : engine_fail_duckdb(err, duckdb_result_error_type(&result),
                                         duckdb_result_error(&result), spec->sql);
        duckdb_destroy_result(&result);
    }
    duckdb_destroy_prepare(&stmt);
    buf_free(&sql);
    return f;
}

static engine_failure count_rows(engine_session *s, const char *user_sql, int64_t *rows,
                                 engine_error *err)
{
    duckdb_result result;
    engine_failure f =
        run_internal(s, "SELECT count(*) FROM " WRITE_TABLE, user_sql, &result, err);
    if (f == ENGINE_OK)
        *rows = duckdb_value_int64(&result, 0, 0);
    duckdb_destroy_result(&result);
    return f;
}

/* ---- the files ------------------------------------------------------------------------ */

static int codec_known(const char *codec)
{
    static const char *const known[] = {"gzip", "snappy", "zstd", "uncompressed"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (codec && strcmp(codec, known[i]) == 0)
            return 1;
    return 0;
}

/* COPY's options for the format; the codec was checked against a list. */
static int put_copy_options(buf *b, const engine_write_spec *spec)
{
    int compressed = strcmp(spec->compression, "uncompressed") != 0;
    if (spec->format == ENGINE_WRITE_PARQUET)
        return buf_printf(b, " (FORMAT parquet, COMPRESSION %s)", spec->compression);
    int rc;
    if (spec->format == ENGINE_WRITE_TEXTFILE) {
        char delimiter[2] = {spec->field_delimiter, '\0'};
        /* Hive's LazySimpleSerDe: no quoting, no escaping, NULL as \N. */
        rc = buf_puts(b, " (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', NULLSTR '\\N', "
                         "DELIMITER ");
        rc = rc ? rc : sql_literal(b, delimiter);
    } else {
        rc = buf_puts(b, " (FORMAT json");
    }
    if (rc == 0 && compressed)
        rc = buf_printf(b, ", COMPRESSION %s", spec->compression);
    return rc ? rc : buf_putc(b, ')');
}

static int push_file(engine_write_result *out, const char *relative)
{
    char **grown = realloc(out->files, (out->file_count + 1) * sizeof *grown);
    if (!grown)
        return -1;
    out->files = grown;
    if (!(out->files[out->file_count] = strdup(relative)))
        return -1;
    out->file_count++;
    return 0;
}

/* COPY (SELECT <data columns> FROM the rows [where]) TO <folder>/<prefix>_<n>. */
static engine_failure copy_file(engine_session *s, const engine_write_spec *spec,
                                const write_plan *p, const char *folder, const char *where,
                                engine_write_result *out, engine_error *err)
{
    char relative[2048], path[6144];
    int n = snprintf(relative, sizeof relative, "%s%s%s_%zu%s", folder ? folder : "",
                     folder ? "/" : "", spec->file_prefix, out->file_count,
                     spec->file_extension ? spec->file_extension : "");
    if (n < 0 || (size_t)n >= sizeof relative ||
        snprintf(path, sizeof path, "%s/%s", spec->directory, relative) >= (int)sizeof path)
        return engine_fail(err, ENGINE_USER_ERROR, "HIVE_PATH_TOO_LONG",
                           "The partition path is too long");
    if (folder) {
        char dir[sizeof path];
        snprintf(dir, sizeof dir, "%s/%s", spec->directory, folder);
        if (!s3_path_is_inside(s->e->s3_root, dir) || make_dirs(dir) != 0)
            return engine_fail(err, ENGINE_SYSTEM_ERROR, "HIVE_WRITER_OPEN_ERROR",
                               "Cannot create the partition folder %s", folder);
    }
    buf sql = BUF_INIT;
    int rc = buf_puts(&sql, "COPY (SELECT ");
    for (size_t i = 0; rc == 0 && i + spec->partition_count < p->count; i++) {
        rc = i ? buf_puts(&sql, ", ") : 0;
        rc = rc ? rc : sql_ident(&sql, p->columns[i].name);
    }
    rc = rc ? rc : buf_printf(&sql, " FROM " WRITE_TABLE "%s) TO ", where ? where : "");
    rc = rc ? rc : sql_literal(&sql, path);
    rc = rc ? rc : put_copy_options(&sql, spec);
    engine_failure f = rc ? out_of_memory(err) : run_simple(s, sql.data, spec->sql, err);
    buf_free(&sql);
    if (f == ENGINE_OK && push_file(out, relative) != 0)
        f = out_of_memory(err);
    return f;
}

/* WHERE CAST("k" AS VARCHAR) IS NOT DISTINCT FROM 'v' AND ... */
static int put_partition_filter(buf *b, const engine_write_spec *spec, char *const *values)
{
    int rc = buf_puts(b, " WHERE ");
    for (size_t k = 0; rc == 0 && k < spec->partition_count; k++) {
        rc = buf_puts(b, k ? " AND CAST(" : "CAST(");
        rc = rc ? rc : sql_ident(b, spec->partition_columns[k]);
        rc = rc ? rc : buf_puts(b, " AS VARCHAR) IS NOT DISTINCT FROM ");
        rc = rc ? rc : values[k] ? sql_literal(b, values[k]) : buf_puts(b, "NULL");
    }
    return rc;
}

/* Reads row r of the distinct partition values into a new partition. */
static int take_partition(duckdb_result *result, idx_t r, size_t k, engine_written_partition *part)
{
    part->values = calloc(k ? k : 1, sizeof *part->values);
    if (!part->values)
        return -1;
    part->count = k;
    for (size_t c = 0; c < k; c++) {
        if (duckdb_value_is_null(result, (idx_t)c, r))
            continue;
        char *v = duckdb_value_varchar(result, (idx_t)c, r);
        part->values[c] = v ? strdup(v) : NULL;
        duckdb_free(v);
        if (!part->values[c])
            return -1;
    }
    return 0;
}

static engine_failure write_partition(engine_session *s, const engine_write_spec *spec,
                                      const write_plan *p, engine_written_partition *part,
                                      engine_write_result *out, engine_error *err)
{
    char folder[2048];
    if (spec->partition_folder(spec->partition_folder_user_data, spec->partition_columns,
                               (const char *const *)part->values, spec->partition_count, folder,
                               sizeof folder) != 0 ||
        !(part->folder = strdup(folder)))
        return engine_fail(err, ENGINE_USER_ERROR, "HIVE_PATH_TOO_LONG",
                           "Cannot name the folder of a partition");
    buf where = BUF_INIT;
    engine_failure f = put_partition_filter(&where, spec, part->values) != 0
                           ? out_of_memory(err)
                           : copy_file(s, spec, p, folder, where.data, out, err);
    buf_free(&where);
    return f;
}

static engine_failure write_partitions(engine_session *s, const engine_write_spec *spec,
                                       const write_plan *p, engine_write_result *out,
                                       engine_error *err)
{
    buf sql = BUF_INIT;
    int rc = buf_puts(&sql, "SELECT DISTINCT ");
    for (size_t k = 0; rc == 0 && k < spec->partition_count; k++) {
        rc = buf_puts(&sql, k ? ", CAST(" : "CAST(");
        rc = rc ? rc : sql_ident(&sql, spec->partition_columns[k]);
        rc = rc ? rc : buf_puts(&sql, " AS VARCHAR)");
    }
    rc = rc ? rc : buf_puts(&sql, " FROM " WRITE_TABLE " ORDER BY ALL");
    duckdb_result result;
    engine_failure f = rc ? out_of_memory(err) : run_internal(s, sql.data, spec->sql, &result, err);
    buf_free(&sql);
    if (rc)
        return f;
    idx_t n = f == ENGINE_OK ? duckdb_row_count(&result) : 0;
    if (f == ENGINE_OK && spec->max_partitions && n > spec->max_partitions)
        f = engine_fail(err, ENGINE_USER_ERROR, "HIVE_TOO_MANY_OPEN_PARTITIONS",
                        "Exceeded limit of %zu open writers for partitions/buckets",
                        spec->max_partitions);
    if (f == ENGINE_OK && !(out->partitions = calloc(n ? n : 1, sizeof *out->partitions)))
        f = out_of_memory(err);
    for (idx_t r = 0; f == ENGINE_OK && r < n; r++) {
        engine_written_partition *part = &out->partitions[out->partition_count++];
        if (take_partition(&result, r, spec->partition_count, part) != 0)
            f = out_of_memory(err);
        else
            f = write_partition(s, spec, p, part, out, err);
    }
    duckdb_destroy_result(&result);
    return f;
}

/* ---- the entry point ------------------------------------------------------------------ */

static engine_failure check_spec(const engine_write_spec *spec, engine_error *err)
{
    if (!spec || !spec->sql || !spec->lookup || !spec->directory || !spec->file_prefix ||
        (spec->param_count && !spec->params) || (spec->target_count && !spec->targets) ||
        (spec->partition_count && (!spec->partition_columns || !spec->partition_folder)))
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR",
                           "engine_write: invalid arguments");
    if (!codec_known(spec->compression) ||
        (spec->format == ENGINE_WRITE_TEXTFILE &&
         (spec->field_delimiter == '\0' || spec->field_delimiter == '\n' ||
          spec->field_delimiter == '\r')))
        return engine_fail(err, ENGINE_USER_ERROR, "NOT_SUPPORTED",
                           "Unsupported compression or field delimiter");
    return ENGINE_OK;
}

static engine_failure plan_write(engine_session *s, const engine_write_spec *spec,
                                 write_plan *plan, engine_stats *stats, engine_error *err)
{
    duckdb_prepared_statement user = NULL;
    json_t *tree = NULL;
    engine_failure f = engine_prepare_user_statement(
        s, spec->sql, spec->default_database, spec->params, spec->param_count, spec->lookup,
        spec->lookup_user_data, stats, &user, &tree, err);
    if (f == ENGINE_OK) {
        plan->query_columns = (size_t)duckdb_prepared_statement_column_count(user);
        f = spec->targets ? plan_from_targets(spec, plan, err) : plan_from_query(user, tree, plan, err);
    }
    json_decref(tree);
    duckdb_destroy_prepare(&user);
    return f == ENGINE_OK ? check_columns(spec, plan, err) : f;
}

static engine_failure write_rows(engine_session *s, const engine_write_spec *spec,
                                 const write_plan *plan, engine_write_result *out,
                                 engine_error *err)
{
    engine_failure f = materialize(s, spec, plan, err);
    f = f ? f : count_rows(s, spec->sql, &out->rows, err);
    if (f == ENGINE_OK && out->rows > 0)
        f = spec->partition_count ? write_partitions(s, spec, plan, out, err)
                                  : copy_file(s, spec, plan, NULL, NULL, out, err);
    duckdb_result result;   /* dropped even after an interrupt */
    duckdb_query(s->conn, "DROP TABLE IF EXISTS " WRITE_TABLE, &result);
    duckdb_destroy_result(&result);
    return f;
}

engine_failure engine_write(engine_session *s, const engine_write_spec *spec,
                            engine_write_result *out, engine_stats *stats, engine_error *err)
{
    engine_stats local_stats;
    engine_error local_err;
    stats = stats ? stats : &local_stats;
    err = err ? err : &local_err;
    memset(stats, 0, sizeof *stats);
    memset(err, 0, sizeof *err);
    memset(out, 0, sizeof *out);
    engine_failure f = s ? check_spec(spec, err)
                         : engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR",
                                       "engine_write: no session");
    if (f != ENGINE_OK)
        return f;
    engine_forget_interrupt(s);
    int64_t started = now_ms();
    write_plan plan;
    memset(&plan, 0, sizeof plan);
    f = plan_write(s, spec, &plan, stats, err);
    int64_t planned = now_ms();
    stats->planning_ms = planned - started;
    if (f == ENGINE_OK && !spec->columns_only)
        f = write_rows(s, spec, &plan, out, err);
    else if (f != ENGINE_OK || spec->columns_only)
        stats->bytes_scanned = 0;   /* nothing was read */
    stats->execution_ms = now_ms() - planned;
    stats->rows = out->rows;
    if (f == ENGINE_OK) {
        out->columns = plan.columns;
        out->column_count = plan.count;
        plan.columns = NULL;
    } else {
        engine_paths_to_uris(s->e->s3_root, err->message);
    }
    plan_free(&plan);
    return f;
}

void engine_write_result_free(engine_write_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->partition_count; i++) {
        engine_written_partition *part = &r->partitions[i];
        for (size_t k = 0; part->values && k < part->count; k++)
            free(part->values[k]);
        free(part->values);
        free(part->folder);
    }
    free(r->partitions);
    free(r->columns);
    for (size_t i = 0; i < r->file_count; i++)
        free(r->files[i]);
    free(r->files);
    memset(r, 0, sizeof *r);
}
