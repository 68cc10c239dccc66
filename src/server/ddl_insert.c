/*
 * ddl_insert.c: INSERT INTO [db.]t [(col, ...)] <query>, as Athena runs it
 * on Hive tables.
 *
 * The query's columns map to the table's by position (data columns, then
 * partition columns), or to the columns listed, the others NULL; each value
 * is cast to the column's declared type. New files are written in the
 * table's own format: Parquet (parquet.compression, default GZIP), TEXTFILE
 * (LazySimpleSerDe with the table's field delimiter; write.compression,
 * default GZIP as Athena) or JSON (the Hive and OpenX JSON SerDes). Other
 * SerDes, OpenCSVSerde among them, are refused.
 *
 * Files are named <query id>_<n>, so they never collide with what is
 * there; each is staged, then linked into the table's LOCATION (or its
 * partition's folder: the registered location of a partition that exists,
 * the Hive default for a new one, which is then registered) without ever
 * replacing an object. The result is one row: the number of rows inserted.
 */
#include "ddl_internal.h"

#include "hive_types.h"
#include "objects.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int ddl_parse_insert(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "INSERT") != 0 || ddl_expect_word(p, "INTO") != 0 ||
        ddl_parse_qualified_name(p, stmt) != 0)
        return -1;
    const ddl_token *next = &p->tokens->items[p->pos + 1 < p->tokens->count ? p->pos + 1
                                                                             : p->pos];
    int column_list = ddl_token_is_punct(ddl_peek(p), '(') && !ddl_token_is_word(next, "SELECT") &&
                      !ddl_token_is_word(next, "WITH") && !ddl_token_is_word(next, "VALUES") &&
                      !ddl_token_is_punct(next, '(');
    if (column_list) {
        p->pos++;
        do {
            char *name = NULL;
            if (ddl_parse_column_name(p, &name) != 0)
                return -1;
            char **grown = realloc(stmt->insert_columns,
                                   (stmt->insert_column_count + 1) * sizeof *grown);
            if (!grown) {
                free(name);
                return ddl_fail(p->err, 0, "out of memory");
            }
            stmt->insert_columns = grown;
            stmt->insert_columns[stmt->insert_column_count++] = name;
        } while (ddl_accept_punct(p, ','));
        if (ddl_expect_punct(p, ')') != 0)
            return -1;
    }
    const ddl_token *query = ddl_peek(p);
    if (query->type == DDL_TOK_EOF)
        return ddl_syntax_error(p, "'(', 'SELECT', 'TABLE', 'VALUES', 'WITH'");
    return ddl_take_query(p, stmt, query->offset, 0);
}

/* ---- the table's format ------------------------------------------------------------- */

typedef struct insert_format {
    engine_write_format format;
    char delimiter;
    const char *codec, *extension;
} insert_format;

static int contains(const char *text, const char *part)
{
    return text && strstr(text, part) != NULL;
}

/* Hive's LazySimpleSerDe.getByte: a number is a byte value ("1" is \001),
 * anything else its first character. */
static int hive_delimiter(const char *value, char *out)
{
    if (!value || !*value) {
        *out = '\001';
        return 0;
    }
    char *end;
    long n = strtol(value, &end, 10);
    int c = *end == '\0' ? (int)n : (unsigned char)value[0];
    if (c <= 0 || c >= 128 || c == '\n' || c == '\r')
        return -1;
    *out = (char)c;
    return 0;
}

static int table_format(ddl_context *ctx, const json_t *table, insert_format *f)
{
    const json_t *sd = json_object_get(table, "StorageDescriptor");
    const json_t *serde_info = json_object_get(sd, "SerdeInfo");
    const json_t *serde_params = json_object_get(serde_info, "Parameters");
    const json_t *params = json_object_get(table, "Parameters");
    const char *serde = json_string_value(json_object_get(serde_info, "SerializationLibrary"));
    const char *input = json_string_value(json_object_get(sd, "InputFormat"));
    const char *compression = json_string_value(json_object_get(params, "write.compression"));
    if (contains(serde, "ParquetHiveSerDe") || (!serde && contains(input, "Parquet"))) {
        f->format = ENGINE_WRITE_PARQUET;
        const char *pc = json_string_value(json_object_get(params, "parquet.compression"));
        compression = pc ? pc : compression;
    } else if (contains(serde, "JsonSerDe")) {
        f->format = ENGINE_WRITE_JSON;
    } else if (contains(serde, "LazySimpleSerDe") || (!serde && contains(input, "TextInput"))) {
        f->format = ENGINE_WRITE_TEXTFILE;
        const char *d = json_string_value(json_object_get(serde_params, "field.delim"));
        if (!d)
            d = json_string_value(json_object_get(serde_params, "serialization.format"));
        if (hive_delimiter(d, &f->delimiter) != 0)
            return ddl_fail(ctx->err, 1, "NOT_SUPPORTED: the table's field delimiter cannot be "
                            "written");
    } else {
        return ddl_fail(ctx->err, 1, "NOT_SUPPORTED: athena-local inserts into Parquet, "
                        "TEXTFILE (LazySimpleSerDe) and JSON tables, not into tables with SerDe "
                        "%s", serde ? serde : input ? input : "(none)");
    }
    return ddl_write_codec(ctx, f->format, compression, &f->codec, &f->extension);
}

/* ---- the columns -------------------------------------------------------------------- */

typedef struct insert_columns {
    engine_target_column *targets;
    int *source;
    size_t count, partition_count, source_count;
    const char **partition_names;   /* pointers into the table */
    buf *types;
} insert_columns;

static void columns_free(insert_columns *c)
{
    for (size_t i = 0; c->types && i < c->count; i++)
        buf_free(&c->types[i]);
    free(c->types);
    free(c->targets);
    free(c->source);
    free(c->partition_names);
}

/* Every column of the table, partition columns last, with DuckDB types. */
static int load_targets(ddl_context *ctx, const json_t *table, insert_columns *c)
{
    const json_t *lists[] = {
        json_object_get(json_object_get(table, "StorageDescriptor"), "Columns"),
        json_object_get(table, "PartitionKeys"),
    };
    size_t total = json_array_size(lists[0]) + json_array_size(lists[1]);
    c->partition_count = json_array_size(lists[1]);
    c->targets = calloc(total ? total : 1, sizeof *c->targets);
    c->types = calloc(total ? total : 1, sizeof *c->types);
    c->source = calloc(total ? total : 1, sizeof *c->source);
    c->partition_names = calloc(c->partition_count ? c->partition_count : 1, sizeof(char *));
    if (!c->targets || !c->types || !c->source || !c->partition_names)
        return ddl_fail(ctx->err, 0, "out of memory");
    for (size_t l = 0; l < 2; l++) {
        size_t i;
        const json_t *col;
        json_array_foreach(lists[l], i, col) {
            char why[256];
            const char *name = ddl_member_string(col, "Name");
            if (hive_type_to_duckdb(ddl_member_string(col, "Type"), &c->types[c->count], why,
                                    sizeof why) != 0)
                return ddl_fail(ctx->err, 1, "HIVE_INVALID_METADATA: column %s: %s", name, why);
            c->targets[c->count].name = name;
            c->targets[c->count].duck_type = buf_str(&c->types[c->count]);
            if (l == 1)
                c->partition_names[i] = name;
            c->count++;
        }
    }
    return 0;
}

static long find_target(const insert_columns *c, const char *name)
{
    for (size_t i = 0; i < c->count; i++)
        if (strcasecmp(c->targets[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* Which query column feeds each table column (-1: NULL). */
static int map_sources(ddl_context *ctx, const ddl_stmt *stmt, insert_columns *c)
{
    if (!stmt->insert_columns) {
        for (size_t i = 0; i < c->count; i++)
            c->source[i] = (int)i;
        c->source_count = c->count;
        return 0;
    }
    for (size_t i = 0; i < c->count; i++)
        c->source[i] = -1;
    for (size_t k = 0; k < stmt->insert_column_count; k++) {
        long t = find_target(c, stmt->insert_columns[k]);
        if (t < 0)
            return ddl_fail(ctx->err, 1, "COLUMN_NOT_FOUND: Insert column name does not exist "
                            "in target table: %s", stmt->insert_columns[k]);
        if (c->source[t] >= 0)
            return ddl_fail(ctx->err, 1, "DUPLICATE_COLUMN_NAME: Insert column name is "
                            "specified more than once: %s", stmt->insert_columns[k]);
        c->source[t] = (int)k;
    }
    c->source_count = stmt->insert_column_count;
    return 0;
}

/* ---- publishing ----------------------------------------------------------------------- */

/* The location (s3:// URI, malloc'd) a partition's files go to: its
 * registered location when it exists, else its Hive default under the
 * table's. NULL when out of memory. */
static char *partition_uri(ddl_context *ctx, const char *db, const char *name,
                           const json_t *table, const engine_written_partition *part)
{
    json_t *values = json_array();
    for (size_t k = 0; values && k < part->count; k++)
        json_array_append_new(values, json_string(part->values[k] && part->values[k][0]
                                                      ? part->values[k]
                                                      : "__HIVE_DEFAULT_PARTITION__"));
    json_t *existing = values ? store_partition_get(ctx->st, db, name, values) : NULL;
    const char *registered = ddl_member_string(json_object_get(existing, "StorageDescriptor"),
                                               "Location");
    char *location = values ? ddl_partition_location(table, values, *registered ? registered
                                                                                : NULL)
                            : NULL;
    json_decref(existing);
    json_decref(values);
    return location;
}

/* The folder (path) of partition_uri. */
static int partition_dir(ddl_context *ctx, const char *db, const char *name,
                         const json_t *table, const engine_written_partition *part, char *out,
                         size_t cap)
{
    char *location = partition_uri(ctx, db, name, table, part);
    int rc = location && s3_uri_path(ctx->s3_root, location, out, cap) == 0 &&
                     s3_path_is_inside(ctx->s3_root, out)
                 ? 0
                 : ddl_fail(ctx->err, 1, "HIVE_INVALID_METADATA: invalid partition location %s",
                            location ? location : "");
    free(location);
    return rc;
}

/* s3:PutObject on every partition folder written to, before the first file
 * moves (a partition may be registered outside the table's location, which
 * ddl_authorize checked). */
static int authorize_partitions(ddl_context *ctx, const char *db, const ddl_stmt *stmt,
                                const json_t *table, const engine_written_partition *parts,
                                size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char *location = partition_uri(ctx, db, stmt->name, table, &parts[i]);
        int rc = location ? ddl_authorize_write(ctx, location)
                          : ddl_fail(ctx->err, 0, "out of memory");
        free(location);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Moves every written file to its table or partition folder. */
static int publish(ddl_context *ctx, const char *db, const ddl_stmt *stmt, const json_t *table,
                   ddl_write_target *target, const engine_write_result *written)
{
    if (written->partition_count == 0)
        return ddl_staging_publish_files(ctx, target, written->files, written->file_count);
    /* One file per partition, in the same order (engine_write). */
    for (size_t i = 0; i < written->file_count && i < written->partition_count; i++) {
        char dir[4096], src[8400], dst[8400];
        if (partition_dir(ctx, db, stmt->name, table, &written->partitions[i], dir,
                          sizeof dir) != 0)
            return -1;
        size_t dlen = strlen(dir);
        while (dlen > 1 && dir[dlen - 1] == '/')
            dir[--dlen] = '\0';
        if (snprintf(src, sizeof src, "%s/%s", target->staging, written->files[i]) >=
                (int)sizeof src ||
            snprintf(dst, sizeof dst, "%s/%s", dir, base_name(written->files[i])) >=
                (int)sizeof dst)
            return ddl_fail(ctx->err, 1, "HIVE_PATH_TOO_LONG: The file path is too long");
        if (ddl_publish_file(ctx, src, dst) != 0)
            return -1;
    }
    return 0;
}

/* ---- execution ------------------------------------------------------------------------ */

static json_t *load_insert_table(ddl_context *ctx, const ddl_stmt *stmt, const char *db)
{
    json_t *table = store_table_get(ctx->st, db, stmt->name);
    if (!table) {
        ddl_fail(ctx->err, 1, "TABLE_NOT_FOUND: line 1:13: Table 'awsdatacatalog.%s.%s' does "
                 "not exist", db, stmt->name);
    } else if (ddl_is_view(table)) {
        ddl_fail(ctx->err, 1, "NOT_SUPPORTED: Inserting into views is not supported");
        json_decref(table);
        table = NULL;
    }
    return table;
}

static int write_files(ddl_context *ctx, const ddl_stmt *stmt, const insert_format *f,
                       const insert_columns *c, ddl_write_target *target,
                       engine_write_result *written)
{
    const ddl_query_info *env = ctx->query;
    engine_write_spec spec = {
        .sql = stmt->query, .default_database = ctx->default_database,
        .params = env ? env->params : NULL, .param_count = env ? env->param_count : 0,
        .targets = c->targets, .source = c->source, .target_count = c->count,
        .source_count = c->source_count, .partition_columns = c->partition_names,
        .partition_count = c->partition_count, .format = f->format, .compression = f->codec,
        .file_extension = f->extension, .field_delimiter = f->delimiter,
        .directory = target->staging,
        .file_prefix = env && env->query_id ? env->query_id : "insert",
        .max_partitions = DDL_MAX_WRITE_PARTITIONS, .partition_folder = ddl_partition_folder,
    };
    return ddl_write_run(ctx, stmt, &spec, written);
}

int ddl_exec_insert(ddl_context *ctx, const ddl_stmt *stmt)
{
    char db[DDL_MAX_NAME + 1];
    ddl_target_database(ctx, stmt, db, sizeof db);
    json_t *table = load_insert_table(ctx, stmt, db);
    if (!table)
        return -1;
    insert_format f;
    memset(&f, 0, sizeof f);
    insert_columns c;
    memset(&c, 0, sizeof c);
    ddl_write_target target;
    memset(&target, 0, sizeof target);
    engine_write_result written;
    memset(&written, 0, sizeof written);
    const char *location =
        ddl_member_string(json_object_get(table, "StorageDescriptor"), "Location");
    int rc = table_format(ctx, table, &f);
    rc = rc ? rc : load_targets(ctx, table, &c);
    rc = rc ? rc : map_sources(ctx, stmt, &c);
    rc = rc ? rc : ddl_target_resolve(ctx, location, &target);
    rc = rc ? rc : ddl_staging_create(ctx, &target);
    rc = rc ? rc : write_files(ctx, stmt, &f, &c, &target, &written);
    rc = rc ? rc : authorize_partitions(ctx, db, stmt, table, written.partitions,
                                        written.partition_count);
    rc = rc ? rc : publish(ctx, db, stmt, table, &target, &written);
    rc = rc ? rc : ddl_register_partitions(ctx, db, stmt->name, table, &written);
    rc = rc ? rc : ddl_write_manifest(ctx, &target, written.files, written.file_count);
    rc = rc ? rc : ddl_output_row_count(ctx, written.rows);
    ddl_staging_remove(&target);
    engine_write_result_free(&written);
    columns_free(&c);
    json_decref(table);
    return rc;
}
