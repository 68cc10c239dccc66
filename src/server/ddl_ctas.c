/*
 * ddl_ctas.c: CREATE TABLE [IF NOT EXISTS] [db.]t [WITH ( property = value,
 * ... )] AS <query> [WITH [NO] DATA], as Athena runs it.
 *
 * Properties (Athena's CTAS table properties): format ('PARQUET', the
 * default, 'TEXTFILE' or 'JSON'; ORC, AVRO and ION are refused: the engine
 * cannot write them), external_location (default: <the query's output
 * folder>/tables/<query id>/), partitioned_by ARRAY['col', ...] (the last
 * columns of the query, in order), field_delimiter (TEXTFILE; default
 * '\001'), write_compression / parquet_compression (default GZIP, as
 * Athena), table_type 'HIVE' and is_external true. Bucketing is refused.
 *
 * The location must hold no object. The files are written by the engine
 * into a staging folder (ddl_write.c) and moved into place only when
 * complete; then the table is registered exactly as Athena's CTAS
 * registers it (the Glue shape of ddl_glue.c: format classes, SerDe and
 * parameters, Hive column types from the query's result types, partition
 * keys), its partitions too, and a manifest of the files is written beside
 * the query's result. The result is one row: the number of rows written.
 */
#include "ddl_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const CTAS_PROPERTIES[] = {
    "table_type", "external_location", "is_external", "format", "write_compression",
    "parquet_compression", "orc_compression", "compression_level", "field_delimiter",
    "partitioned_by", "bucketed_by", "bucket_count", NULL,
};

int ddl_parse_ctas(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "CREATE") != 0 || ddl_expect_word(p, "TABLE") != 0 ||
        (stmt->if_exists = ddl_accept_if_not_exists(p)) < 0 ||
        ddl_parse_qualified_name(p, stmt) != 0)
        return -1;
    if (ddl_accept_word(p, "WITH") && ddl_parse_write_properties(p, stmt) != 0)
        return -1;
    const ddl_token *as = ddl_peek(p);
    if (ddl_expect_word(p, "AS") != 0)
        return -1;
    return ddl_take_query(p, stmt, as->offset + as->length, 1);
}

/* ---- the table's settings ----------------------------------------------------------- */

typedef struct ctas_settings {
    engine_write_format format;
    const char *stored_as;        /* ddl_glue.c's format name */
    const char *compression;      /* as written by the user (or GZIP) */
    const char *codec, *extension;
    char delimiter;
    const char **partitions;      /* lower case, owned */
    size_t partition_count;
} ctas_settings;

static void settings_free(ctas_settings *s)
{
    for (size_t i = 0; i < s->partition_count; i++)
        free((char *)s->partitions[i]);
    free(s->partitions);
}

static int refuse_unsupported(ddl_context *ctx, const ddl_stmt *stmt)
{
    const char *table_type = NULL;
    if (ddl_string_property(ctx, stmt, "table_type", &table_type) != 0)
        return -1;
    if (table_type && strcasecmp(table_type, "HIVE") != 0)
        return ddl_fail(ctx->err, 1, "NOT_SUPPORTED: %s tables are not supported by athena-local",
                        table_type);
    const json_t *external = json_object_get(stmt->write_properties, "is_external");
    if (external && !json_is_true(external))
        return ddl_fail(ctx->err, 1, "INVALID_TABLE_PROPERTY: is_external=false is only valid "
                        "for Iceberg tables");
    if (json_object_get(stmt->write_properties, "bucketed_by") ||
        json_object_get(stmt->write_properties, "bucket_count"))
        return ddl_fail(ctx->err, 1, "NOT_SUPPORTED: Bucketed tables (bucketed_by, "
                        "bucket_count) are not supported by athena-local");
    return 0;
}

static int read_settings(ddl_context *ctx, const ddl_stmt *stmt, ctas_settings *s)
{
    const char *format = NULL, *compression = NULL, *delimiter = NULL;
    if (ddl_check_property_names(ctx, stmt, CTAS_PROPERTIES) != 0 ||
        refuse_unsupported(ctx, stmt) != 0 ||
        ddl_string_property(ctx, stmt, "format", &format) != 0 ||
        ddl_string_property(ctx, stmt, "write_compression", &compression) != 0 ||
        ddl_string_property(ctx, stmt, "field_delimiter", &delimiter) != 0 ||
        ddl_write_format(ctx, format, &s->format, &s->stored_as) != 0)
        return -1;
    if (!compression && s->format == ENGINE_WRITE_PARQUET &&
        ddl_string_property(ctx, stmt, "parquet_compression", &compression) != 0)
        return -1;
    s->compression = compression ? compression : "GZIP";
    if (ddl_write_codec(ctx, s->format, s->compression, &s->codec, &s->extension) != 0 ||
        ddl_write_delimiter(ctx, delimiter, &s->delimiter) != 0)
        return -1;
    return ddl_write_partitions(ctx, stmt, &s->partitions, &s->partition_count);
}

/* external_location, or <output folder>/tables/<query id>/. */
static int table_location(ddl_context *ctx, const ddl_stmt *stmt, char *out, size_t cap)
{
    const char *external = NULL;
    if (ddl_string_property(ctx, stmt, "external_location", &external) != 0)
        return -1;
    if (external) {
        snprintf(out, cap, "%s", external);
        return 0;
    }
    char folder[2048];
    const char *id = ctx->query ? ctx->query->query_id : NULL;
    if (!id || ddl_output_folder(ctx, folder, sizeof folder) != 0)
        return ddl_fail(ctx->err, 1, "INVALID_TABLE_PROPERTY: external_location is required "
                        "when the query has no output location");
    int n = snprintf(out, cap, "%stables/%s/", folder, id);
    return n < 0 || (size_t)n >= cap ? ddl_fail(ctx->err, 1, "the output location is too long")
                                     : 0;
}

/* ---- the catalog entries -------------------------------------------------------------- */

static int add_column(ddl_column_list *list, const engine_written_column *c)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        ddl_column_def *items = realloc(list->items, cap * sizeof *items);
        if (!items)
            return -1;
        list->items = items;
        list->cap = cap;
    }
    ddl_column_def *d = &list->items[list->count];
    d->name = strdup(c->name);
    d->type = strdup(c->hive_type);
    d->comment = NULL;
    list->count++;
    return d->name && d->type ? 0 : -1;
}

/* The Glue table Athena's CTAS registers for what was written. */
static json_t *ctas_glue_table(ddl_context *ctx, const ddl_stmt *stmt, const char *db,
                               const ctas_settings *s, const engine_write_result *written,
                               const char *location)
{
    ddl_stmt def;
    memset(&def, 0, sizeof def);
    def.name = strdup(stmt->name);
    def.location = strdup(location);
    def.stored_as = strdup(s->stored_as);
    def.external = 1;
    int rc = def.name && def.location && def.stored_as ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < written->column_count; i++)
        rc = add_column(i + s->partition_count < written->column_count ? &def.columns
                                                                        : &def.partition_keys,
                        &written->columns[i]);
    char delimiter[2] = {s->delimiter, '\0'};
    if (rc == 0 && s->format == ENGINE_WRITE_TEXTFILE) {
        def.row_format = DDL_ROW_FORMAT_DELIMITED;
        def.delimiters = json_pack("{s:s}", "field.delim", delimiter);
    }
    char codec[32];
    size_t n = 0;
    for (; s->compression[n] && n + 1 < sizeof codec; n++)
        codec[n] = (char)toupper((unsigned char)s->compression[n]);
    codec[n] = '\0';
    def.properties = json_pack("{s:s, s:s}", "has_encrypted_data", "false",
                               s->format == ENGINE_WRITE_PARQUET ? "parquet.compression"
                                                                 : "write.compression",
                               codec);
    json_t *table = rc == 0 && def.properties ? ddl_glue_table(&def, db, ctx->account_id,
                                                               ddl_now())
                                              : NULL;
    ddl_stmt_free(&def);
    return table;
}

/* ---- execution ------------------------------------------------------------------------ */

/* The engine's part: runs the query and writes its files into staging. */
static int write_files(ddl_context *ctx, const ddl_stmt *stmt, const ctas_settings *s,
                       ddl_write_target *target, engine_write_result *written)
{
    const ddl_query_info *env = ctx->query;
    engine_write_spec spec = {
        .sql = stmt->query, .default_database = ctx->default_database,
        .params = env ? env->params : NULL, .param_count = env ? env->param_count : 0,
        .partition_columns = s->partitions, .partition_count = s->partition_count,
        .format = s->format, .compression = s->codec, .file_extension = s->extension,
        .field_delimiter = s->delimiter, .directory = target->staging,
        .file_prefix = env && env->query_id ? env->query_id : "ctas",
        .columns_only = stmt->with_no_data, .max_partitions = DDL_MAX_WRITE_PARTITIONS,
        .partition_folder = ddl_partition_folder,
    };
    return ddl_write_run(ctx, stmt, &spec, written);
}

/* Registers the table and its partitions, then writes the manifest. */
static int register_table(ddl_context *ctx, const ddl_stmt *stmt, const char *db,
                          const ctas_settings *s, const ddl_write_target *target,
                          const engine_write_result *written, const char *location)
{
    json_t *table = ctas_glue_table(ctx, stmt, db, s, written, location);
    if (!table)
        return ddl_fail(ctx->err, 0, "out of memory");
    store_status st = store_table_create(ctx->st, db, table);
    int rc = 0;
    if (st == STORE_EXISTS)
        rc = ddl_fail(ctx->err, 1, "TABLE_ALREADY_EXISTS: Destination table "
                      "'awsdatacatalog.%s.%s' already exists", db, stmt->name);
    else if (st == STORE_NOT_FOUND)
        rc = ddl_fail_no_database(ctx, db);
    else if (st != STORE_OK)
        rc = ddl_store_failure(ctx, "creating the table");
    if (rc == 0)
        rc = ddl_register_partitions(ctx, db, stmt->name, table, written);
    json_decref(table);
    if (rc == 0)
        rc = ddl_write_manifest(ctx, target, written->files, written->file_count);
    return rc;
}

static int check_new_table(ddl_context *ctx, const ddl_stmt *stmt, const char *db, int *skip)
{
    *skip = 0;
    if (!ddl_database_exists(ctx, db))
        return ddl_fail(ctx->err, 1, "SCHEMA_NOT_FOUND: Schema '%s' does not exist", db);
    json_t *existing = store_table_get(ctx->st, db, stmt->name);
    json_decref(existing);
    if (existing && stmt->if_exists)
        *skip = 1;
    else if (existing)
        return ddl_fail(ctx->err, 1, "TABLE_ALREADY_EXISTS: Destination table "
                        "'awsdatacatalog.%s.%s' already exists", db, stmt->name);
    return 0;
}

int ddl_exec_ctas(ddl_context *ctx, const ddl_stmt *stmt)
{
    char db[DDL_MAX_NAME + 1], location[2048], what[2 * DDL_MAX_NAME + 16];
    ddl_target_database(ctx, stmt, db, sizeof db);
    ctas_settings s;
    memset(&s, 0, sizeof s);
    ddl_write_target target;
    memset(&target, 0, sizeof target);
    engine_write_result written;
    memset(&written, 0, sizeof written);
    int skip = 0;
    int rc = check_new_table(ctx, stmt, db, &skip);
    if (rc == 0 && skip) {
        rc = ddl_output_row_count(ctx, 0);
        goto done;
    }
    rc = rc ? rc : read_settings(ctx, stmt, &s);
    rc = rc ? rc : table_location(ctx, stmt, location, sizeof location);
    rc = rc ? rc : ddl_authorize_write(ctx, location);
    rc = rc ? rc : ddl_target_resolve(ctx, location, &target);
    snprintf(what, sizeof what, "table '%s.%s'", db, stmt->name);
    if (rc == 0 && !ddl_target_is_empty(&target))
        rc = ddl_fail(ctx->err, 1, "HIVE_PATH_ALREADY_EXISTS: Target directory for %s already "
                      "exists: %s", what, target.uri);
    rc = rc ? rc : ddl_staging_create(ctx, &target);
    rc = rc ? rc : write_files(ctx, stmt, &s, &target, &written);
    rc = rc ? rc : ddl_staging_publish_folder(ctx, &target, what, written.files,
                                              written.file_count);
    rc = rc ? rc : register_table(ctx, stmt, db, &s, &target, &written, location);
    rc = rc ? rc : ddl_output_row_count(ctx, written.rows);
done:
    ddl_staging_remove(&target);
    engine_write_result_free(&written);
    settings_free(&s);
    return rc;
}
