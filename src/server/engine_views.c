/*
 * engine_views.c: a catalog table becomes a DuckDB view.
 *
 * For each table a statement names, the engine (re)creates
 * awsdatacatalog."db"."table" AS SELECT <declared columns, cast to their
 * declared types, in declared order> FROM <reader over the files under the
 * LOCATION now>. User SQL then reads the view and never names a file.
 *
 * Readers follow the table's SerDe the way Athena does:
 *   Parquet       read_parquet, columns matched by name, case-insensitively;
 *                 a declared column missing from the files is NULL.
 *   LazySimpleSerDe (TEXTFILE)  read_csv without quoting, Hive's field
 *                 delimiter and null marker ('\N'); unparsable numbers are
 *                 NULL (TRY_CAST), as Hive yields.
 *   OpenCSVSerde  read_csv with its separator/quote/escape; every field a
 *                 string, never NULL, cast to the declared type.
 *   JSON SerDes   read_json (newline-delimited) with the declared types;
 *                 keys matched case-insensitively (OpenX's default) against
 *                 the keys DuckDB detects, or mapped with "mapping.<col>".
 * Every name and path is quoted here (files come from the filesystem and
 * names from CreateTable), so nothing a user controls becomes SQL text.
 *
 * Partition columns come from the folders: with registered partitions (the
 * catalog lookup gives them, see engine_partitions.c) each partition is a
 * reader over its own location with its values as constants, the readers
 * joined by UNION ALL BY NAME, so a filter on a partition column lets
 * DuckDB drop whole readers; without them (a lookup that does not give
 * partitions), every key=value folder under the LOCATION, read with
 * DuckDB's hive partitioning.
 *
 * A view is re-created only when its fingerprint (the Glue entry plus every
 * file's path, size, mtime and inode) changed since the last time
 * (engine_view_cache.c). Athena views (VIRTUAL_VIEW) are built by
 * engine_catalog_views.c.
 */
#include "engine_internal.h"

#include "crypto.h"
#include "hive_types.h"
#include "objects.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef enum table_format { FORMAT_PARQUET, FORMAT_TEXT, FORMAT_OPENCSV, FORMAT_JSON } table_format;

typedef struct table_column {
    const char *name;
    buf duck_type;          /* DuckDB type from hive_type_to_duckdb */
    int is_partition;
    const char *source;     /* the reader's column for it; NULL: absent (NULL) */
    char alias[64];         /* a registered partition column's constant in the readers */
} table_column;

typedef struct table_def {
    const char *db, *name;
    const json_t *table, *serde_params, *table_params;
    table_format format;
    table_column *columns;
    size_t column_count;
    const char **partition_keys;
    size_t partition_count;
    char **detected;        /* source column names found in the files */
    size_t detected_count;
    const partition_files *registered;   /* NULL: partitions are the folders found */
} table_def;

/* ---- the declared columns ------------------------------------------------ */

/* hive_types only ever emits keywords, digits, punctuation and "word"
 * field names; checked anyway because the type is pasted into SQL. */
static int duck_type_is_safe(const char *type)
{
    for (const char *p = type; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_ ,()[]\"", *p))
            return 0;
    return 1;
}

/* ---- the Glue entry ------------------------------------------------------ */

static const char *json_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static const char *serde_param(const table_def *t, const char *key)
{
    return json_str(t->serde_params, key);
}

/* TBLPROPERTIES first (where Athena DDL puts them), then SERDEPROPERTIES. */
static const char *table_param(const table_def *t, const char *key)
{
    const char *v = json_str(t->table_params, key);
    return v ? v : serde_param(t, key);
}

static int contains(const char *text, const char *part)
{
    return text && strstr(text, part) != NULL;
}

/* The SerDe decides; without one, the input format (as Hive does). */
static engine_failure detect_format(table_def *t, engine_error *err)
{
    const json_t *sd = json_object_get(t->table, "StorageDescriptor");
    const char *serde = json_str(json_object_get(sd, "SerdeInfo"), "SerializationLibrary");
    const char *input = serde ? NULL : json_str(sd, "InputFormat");
    if (contains(serde, "ParquetHiveSerDe") || contains(input, "MapredParquetInputFormat"))
        t->format = FORMAT_PARQUET;
    else if (contains(serde, "OpenCSVSerde"))
        t->format = FORMAT_OPENCSV;
    else if (contains(serde, "JsonSerDe"))
        t->format = FORMAT_JSON;
    else if (contains(serde, "LazySimpleSerDe") || contains(input, "TextInputFormat"))
        t->format = FORMAT_TEXT;
    else
        return engine_fail(err, ENGINE_USER_ERROR, "NOT_SUPPORTED",
                           "Table '%s.%s.%s' uses a storage format athena-local cannot read "
                           "(%s); supported are Parquet, TEXTFILE, OpenCSVSerde and JSON",
                           ENGINE_CATALOG, t->db, t->name,
                           serde ? serde : input ? input : "none declared");
    return ENGINE_OK;
}

static engine_failure add_column(table_def *t, const json_t *col, int is_partition,
                                 engine_error *err)
{
    const char *name = json_str(col, "Name");
    const char *type = json_str(col, "Type");
    if (!name || !*name || !type)
        return engine_fail(err, ENGINE_USER_ERROR, "HIVE_INVALID_METADATA",
                           "Table '%s.%s.%s' has a column without a name or type",
                           ENGINE_CATALOG, t->db, t->name);
    for (size_t i = 0; i < t->column_count; i++)
        if (strcasecmp(t->columns[i].name, name) == 0)
            return engine_fail(err, ENGINE_USER_ERROR, "HIVE_INVALID_METADATA",
                               "Table '%s.%s.%s' declares column '%s' twice", ENGINE_CATALOG,
                               t->db, t->name, name);
    table_column *c = &t->columns[t->column_count];
    *c = (table_column){name, BUF_INIT, is_partition, NULL, ""};
    t->column_count++;   /* counted now so that its buffer is freed */
    char why[256] = "";
    if (hive_type_to_duckdb(type, &c->duck_type, why, sizeof why) != 0 ||
        !duck_type_is_safe(buf_str(&c->duck_type)))
        return engine_fail(err, ENGINE_USER_ERROR, "HIVE_INVALID_METADATA",
                           "Column '%s' of table '%s.%s.%s' has an unsupported type '%.200s'%s%s",
                           name, ENGINE_CATALOG, t->db, t->name, type, *why ? ": " : "", why);
    if (is_partition)
        t->partition_keys[t->partition_count++] = name;
    return ENGINE_OK;
}

static engine_failure load_columns(table_def *t, engine_error *err)
{
    const json_t *cols = json_object_get(json_object_get(t->table, "StorageDescriptor"),
                                         "Columns");
    const json_t *keys = json_object_get(t->table, "PartitionKeys");
    size_t total = json_array_size(cols) + json_array_size(keys);
    if (json_array_size(cols) == 0)
        return engine_fail(err, ENGINE_USER_ERROR, "HIVE_INVALID_METADATA",
                           "Table '%s.%s.%s' has no columns", ENGINE_CATALOG, t->db, t->name);
    t->columns = calloc(total, sizeof *t->columns);
    t->partition_keys = calloc(total, sizeof *t->partition_keys);
    if (!t->columns || !t->partition_keys)
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    for (size_t i = 0; i < json_array_size(cols); i++)
        if (add_column(t, json_array_get(cols, i), 0, err) != ENGINE_OK)
            return err->failure;
    for (size_t i = 0; i < json_array_size(keys); i++)
        if (add_column(t, json_array_get(keys, i), 1, err) != ENGINE_OK)
            return err->failure;
    return ENGINE_OK;
}

static void table_def_free(table_def *t)
{
    for (size_t i = 0; i < t->column_count; i++)
        buf_free(&t->columns[i].duck_type);
    free(t->columns);
    free(t->partition_keys);
    for (size_t i = 0; i < t->detected_count; i++)
        free(t->detected[i]);
    free(t->detected);
}

/* ---- reader SQL --------------------------------------------------------- */

/* Hive's LazySimpleSerDe.getByte: a number is a byte value ("1" is \001),
 * anything else its first character. -1 when unusable. */
static int hive_delimiter_byte(const char *value, int fallback)
{
    if (!value || !*value)
        return fallback;
    char *end;
    long n = strtol(value, &end, 10);
    if (*end == '\0' && n >= -128 && n <= 127)
        return (int)(n & 0xff) < 128 ? (int)(n & 0xff) : -1;
    return (unsigned char)value[0] < 128 ? (unsigned char)value[0] : -1;
}

/* The first character of a SERDEPROPERTIES char setting (OpenCSV), ASCII. */
static int serde_char(const char *value, int fallback)
{
    if (!value || !*value)
        return fallback;
    return (unsigned char)value[0] < 128 ? (unsigned char)value[0] : -1;
}

static int put_file_list(buf *b, const table_files *files)
{
    int rc = buf_putc(b, '[');
    for (size_t i = 0; rc == 0 && i < files->count; i++) {
        if (i)
            rc = buf_puts(b, ", ");
        if (rc == 0)
            rc = sql_literal(b, files->items[i].path);
    }
    return rc ? rc : buf_putc(b, ']');
}

static int put_hive_options(buf *b, const table_def *t)
{
    int from_folders = t->partition_count && !t->registered;
    return buf_printf(b, ", hive_partitioning=%s%s", from_folders ? "true" : "false",
                      from_folders ? ", hive_types_autocast=false" : "");
}

/* skip.header.line.count as a non-negative number (0 when absent). */
static engine_failure header_lines(const table_def *t, long *lines, engine_error *err)
{
    const char *v = table_param(t, "skip.header.line.count");
    char *end = NULL;
    *lines = v ? strtol(v, &end, 10) : 0;
    if (v && (*v == '\0' || *end != '\0' || *lines < 0 || *lines > INT_MAX))
        return engine_fail(err, ENGINE_USER_ERROR, "HIVE_INVALID_METADATA",
                           "Invalid value for skip.header.line.count property: %s", v);
    return ENGINE_OK;
}

/* read_csv with every data column as VARCHAR c1..cN; the outer SELECT casts. */
static engine_failure put_csv_reader(buf *b, const table_def *t, const table_files *files,
                                     engine_error *err)
{
    long skip;
    if (header_lines(t, &skip, err) != ENGINE_OK)
        return err->failure;
    int delim, quote = 0, escape = 0;
    if (t->format == FORMAT_TEXT) {
        const char *d = serde_param(t, "field.delim");
        delim = hive_delimiter_byte(d ? d : serde_param(t, "serialization.format"), 1);
    } else {
        delim = serde_char(serde_param(t, "separatorChar"), ',');
        quote = serde_char(serde_param(t, "quoteChar"), '"');
        /* OpenCSV's default escape '\\' also accepts "" inside quotes;
         * DuckDB takes one escape, and doubled quotes are what CSV files
         * (like the sample airports.csv) use. */
        escape = serde_char(serde_param(t, "escapeChar"), quote);
    }
    if (delim <= 0 || delim == '\n' || delim == '\r' || quote < 0 || escape < 0)
        return engine_fail(err, ENGINE_USER_ERROR, "HIVE_INVALID_METADATA",
                           "Table '%s.%s.%s' has an unsupported delimiter, quote or escape "
                           "character", ENGINE_CATALOG, t->db, t->name);
    int rc = buf_puts(b, "read_csv(");
    rc = rc ? rc : put_file_list(b, files);
    rc = rc ? rc : buf_printf(b, ", delim=chr(%d), header=false, skip=%ld, auto_detect=false, "
                              "null_padding=true, strict_mode=false, columns={", delim, skip);
    size_t data_columns = 0;
    for (size_t i = 0; rc == 0 && i < t->column_count; i++) {
        if (t->columns[i].is_partition)
            continue;
        data_columns++;
        rc = buf_printf(b, "%s'c%zu': 'VARCHAR'", data_columns > 1 ? ", " : "", data_columns);
    }
    rc = rc ? rc : buf_putc(b, '}');
    if (t->format == FORMAT_TEXT) {
        const char *null_format = serde_param(t, "serialization.null.format");
        rc = rc ? rc : buf_puts(b, ", quote='', escape='', nullstr=");
        rc = rc ? rc : sql_literal(b, null_format ? null_format : "\\N");
    } else {
        /* OpenCSV has no NULL: an unquoted field can never be a newline. */
        rc = rc ? rc : buf_printf(b, ", quote=chr(%d), escape=chr(%d), "
                                  "allow_quoted_nulls=false, nullstr=chr(10)", quote, escape);
    }
    rc = rc ? rc : put_hive_options(b, t);
    rc = rc ? rc : buf_putc(b, ')');
    return rc ? engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory")
              : ENGINE_OK;
}

static int put_parquet_reader(buf *b, const table_def *t, const table_files *files,
                              int with_hive)
{
    int rc = buf_puts(b, "read_parquet(");
    rc = rc ? rc : put_file_list(b, files);
    /* Athena reads un-annotated BYTE_ARRAY columns declared string as text. */
    rc = rc ? rc : buf_puts(b, ", union_by_name=true, binary_as_string=true");
    rc = rc ? rc : (with_hive ? put_hive_options(b, t) : buf_puts(b, ", hive_partitioning=false"));
    return rc ? rc : buf_putc(b, ')');
}

static const char *json_ignore_errors(const table_def *t)
{
    const char *v = serde_param(t, "ignore.malformed.json");
    return v && strcasecmp(v, "true") == 0 ? "true" : "false";
}

/* read_json with the declared types under the keys the files use. */
static int put_json_reader(buf *b, const table_def *t, const table_files *files)
{
    int rc = buf_puts(b, "read_json(");
    rc = rc ? rc : put_file_list(b, files);
    rc = rc ? rc : buf_printf(b, ", format='newline_delimited', ignore_errors=%s, columns={",
                              json_ignore_errors(t));
    for (size_t i = 0, n = 0; rc == 0 && i < t->column_count; i++) {
        const table_column *c = &t->columns[i];
        if (c->is_partition)
            continue;
        rc = buf_puts(b, n++ ? ", " : "");
        rc = rc ? rc : sql_literal(b, c->source);
        rc = rc ? rc : buf_puts(b, ": ");
        rc = rc ? rc : sql_literal(b, buf_str(&c->duck_type));
    }
    rc = rc ? rc : buf_putc(b, '}');
    rc = rc ? rc : put_hive_options(b, t);
    return rc ? rc : buf_putc(b, ')');
}

/* ---- matching declared columns to what the files hold --------------------- */

/* The column names a reader produces, found by preparing SELECT * over it
 * (DuckDB reads Parquet footers / samples JSON; nothing else runs). */
static engine_failure detect_source_columns(table_def *t, duckdb_connection work,
                                            const table_files *files, engine_error *err)
{
    buf sql = BUF_INIT;
    int rc = buf_puts(&sql, "SELECT * FROM ");
    if (t->format == FORMAT_PARQUET) {
        rc = rc ? rc : put_parquet_reader(&sql, t, files, 0);
    } else {
        rc = rc ? rc : buf_puts(&sql, "read_json(");
        rc = rc ? rc : put_file_list(&sql, files);
        rc = rc ? rc : buf_printf(&sql, ", format='newline_delimited', ignore_errors=%s, "
                                  "hive_partitioning=false)", json_ignore_errors(t));
    }
    if (rc != 0) {
        buf_free(&sql);
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    }
    duckdb_prepared_statement stmt = NULL;
    engine_failure f = ENGINE_OK;
    if (duckdb_prepare(work, sql.data, &stmt) != DuckDBSuccess) {
        engine_error cause;
        engine_fail_duckdb(&cause, DUCKDB_ERROR_INVALID, duckdb_prepare_error(stmt), NULL);
        f = engine_fail(err, ENGINE_USER_ERROR, "HIVE_BAD_DATA",
                        "Cannot read the files of table '%s.%s.%s': %.1800s", ENGINE_CATALOG,
                        t->db, t->name, cause.message);
    } else {
        idx_t n = duckdb_prepared_statement_column_count(stmt);
        t->detected = calloc(n ? n : 1, sizeof *t->detected);
        for (idx_t i = 0; t->detected && i < n; i++) {
            char *name = (char *)duckdb_prepared_statement_column_name(stmt, i);
            t->detected[i] = strdup(name ? name : "");
            duckdb_free(name);   /* the C API allocates it */
            if (t->detected[i])
                t->detected_count++;
        }
        if (!t->detected || t->detected_count != n)
            f = engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    }
    duckdb_destroy_prepare(&stmt);
    buf_free(&sql);
    return f;
}

static const char *find_detected(const table_def *t, const char *name)
{
    for (size_t i = 0; i < t->detected_count; i++)
        if (strcmp(t->detected[i], name) == 0)
            return t->detected[i];
    for (size_t i = 0; i < t->detected_count; i++)
        if (strcasecmp(t->detected[i], name) == 0)
            return t->detected[i];
    return NULL;
}

/* Sets each data column's source: the file column (Parquet) or JSON key. */
static void match_source_columns(table_def *t)
{
    for (size_t i = 0; i < t->column_count; i++) {
        table_column *c = &t->columns[i];
        if (c->is_partition)
            continue;
        if (t->format == FORMAT_JSON) {
            char key[300];
            snprintf(key, sizeof key, "mapping.%s", c->name);
            const char *mapped = serde_param(t, key);
            const char *found = find_detected(t, c->name);
            c->source = mapped ? mapped : found ? found : c->name;
        } else {
            c->source = find_detected(t, c->name);
        }
    }
}

/* ---- the view's SELECT ------------------------------------------------------ */

static int put_cast(buf *b, const char *fn, const char *source, const table_column *c)
{
    int rc = buf_printf(b, "%s(", fn);
    rc = rc ? rc : (source ? sql_ident(b, source) : buf_puts(b, "NULL"));
    return rc ? rc : buf_printf(b, " AS %s)", buf_str(&c->duck_type));
}

static int put_column(buf *b, const table_def *t, const table_column *c, size_t text_index)
{
    int rc = 0;
    if (c->is_partition) {
        rc = buf_puts(b, "TRY_CAST(NULLIF(");
        rc = rc ? rc : sql_ident(b, c->source);
        rc = rc ? rc : buf_printf(b, ", '__HIVE_DEFAULT_PARTITION__') AS %s)",
                                  buf_str(&c->duck_type));
    } else if (t->format == FORMAT_TEXT || t->format == FORMAT_OPENCSV) {
        char source[32];
        snprintf(source, sizeof source, "c%zu", text_index);
        rc = strcmp(buf_str(&c->duck_type), "VARCHAR") == 0 ? sql_ident(b, source)
                                                            : put_cast(b, "TRY_CAST", source, c);
    } else {
        rc = put_cast(b, "CAST", c->source, c);
    }
    rc = rc ? rc : buf_puts(b, " AS ");
    return rc ? rc : sql_ident(b, c->name);
}

static int put_select_list(buf *b, const table_def *t, int no_files)
{
    int rc = buf_puts(b, "SELECT ");
    for (size_t i = 0, text_index = 0; rc == 0 && i < t->column_count; i++) {
        const table_column *c = &t->columns[i];
        if (!c->is_partition)
            text_index++;
        if (i)
            rc = buf_puts(b, ", ");
        if (rc == 0 && no_files) {
            rc = put_cast(b, "CAST", NULL, c);
            rc = rc ? rc : buf_puts(b, " AS ");
            rc = rc ? rc : sql_ident(b, c->name);
        } else if (rc == 0) {
            rc = put_column(b, t, c, text_index);
        }
    }
    return rc;
}

static engine_failure put_reader(buf *b, const table_def *t, const table_files *files,
                                 engine_error *err)
{
    if (t->format == FORMAT_TEXT || t->format == FORMAT_OPENCSV)
        return put_csv_reader(b, t, files, err);
    int rc = t->format == FORMAT_PARQUET ? put_parquet_reader(b, t, files, 1)
                                         : put_json_reader(b, t, files);
    return rc ? engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory")
              : ENGINE_OK;
}

/* Whether a reader column could be called name (case-insensitively, as
 * DuckDB resolves names). */
static int reader_has_column(const table_def *t, const char *name)
{
    for (size_t i = 0; i < t->detected_count; i++)
        if (strcasecmp(t->detected[i], name) == 0)
            return 1;
    for (size_t i = 0; i < t->column_count; i++)
        if (t->columns[i].source && !t->columns[i].is_partition &&
            strcasecmp(t->columns[i].source, name) == 0)
            return 1;
    return 0;
}

/* The partition columns' sources: the folder columns of hive partitioning,
 * or for registered partitions constants named so that no file column
 * can be taken for them. */
static void name_partition_sources(table_def *t)
{
    for (size_t i = 0, k = 0; i < t->column_count; i++) {
        table_column *c = &t->columns[i];
        if (!c->is_partition)
            continue;
        if (!t->registered) {
            c->source = c->name;
            continue;
        }
        int underscores = 2;
        do
            snprintf(c->alias, sizeof c->alias, "%.*s_partition_%zu", underscores, "________",
                     k);
        while (reader_has_column(t, c->alias) && ++underscores < 8);
        c->source = c->alias;
        k++;
    }
}

/* SELECT *, 'v1' AS "__partition_0", ... FROM <reader over its files> */
static engine_failure put_partition_branch(buf *b, const table_def *t, const json_t *values,
                                           const table_files *files, engine_error *err)
{
    int rc = buf_puts(b, "SELECT *");
    for (size_t i = 0, k = 0; rc == 0 && i < t->column_count; i++) {
        const table_column *c = &t->columns[i];
        if (!c->is_partition)
            continue;
        rc = buf_puts(b, ", ");
        rc = rc ? rc : sql_literal(b, json_string_value(json_array_get(values, k++)));
        rc = rc ? rc : buf_puts(b, " AS ");
        rc = rc ? rc : sql_ident(b, c->source);
    }
    rc = rc ? rc : buf_puts(b, " FROM ");
    if (rc != 0)
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    return put_reader(b, t, files, err);
}

/* (branch UNION ALL BY NAME branch ...): BY NAME, since Parquet files of
 * different partitions may hold different columns. */
static engine_failure put_registered_readers(buf *b, const table_def *t, engine_error *err)
{
    const json_t *partitions = json_object_get(t->table, ENGINE_TABLE_PARTITIONS);
    int first = 1;
    if (buf_putc(b, '(') != 0)
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    for (size_t i = 0; i < t->registered->count; i++) {
        const table_files *files = &t->registered->lists[i];
        if (files->count == 0)
            continue;
        if (!first && buf_puts(b, " UNION ALL BY NAME ") != 0)
            return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR",
                               "out of memory");
        first = 0;
        const json_t *values = json_object_get(json_array_get(partitions, i), "Values");
        if (put_partition_branch(b, t, values, files, err) != ENGINE_OK)
            return err->failure;
    }
    if (buf_putc(b, ')') != 0)
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    return ENGINE_OK;
}

/* files: every file the view reads (of all partitions when registered). */
static engine_failure build_select(table_def *t, duckdb_connection work,
                                   const table_files *files, buf *out, engine_error *err)
{
    if (files->count == 0) {
        if (put_select_list(out, t, 1) != 0 || buf_puts(out, " WHERE false") != 0)
            return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR",
                               "out of memory");
        return ENGINE_OK;
    }
    if ((t->format == FORMAT_PARQUET || t->format == FORMAT_JSON) &&
        detect_source_columns(t, work, files, err) != ENGINE_OK)
        return err->failure;
    match_source_columns(t);
    name_partition_sources(t);
    if (put_select_list(out, t, 0) != 0 || buf_puts(out, " FROM ") != 0)
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    return t->registered ? put_registered_readers(out, t, err) : put_reader(out, t, files, err);
}

/* ---- fingerprints and DDL ------------------------------------------------------ */

static int fingerprint(const table_def *t, const table_files *files, char out[65])
{
    buf text = BUF_INIT;
    char *glue = json_dumps(t->table, JSON_COMPACT | JSON_SORT_KEYS);
    int rc = glue ? buf_printf(&text, "%s.%s\n%s\n", t->db, t->name, glue) : -1;
    for (size_t i = 0; rc == 0 && i < files->count; i++)
        rc = buf_printf(&text, "%s\t%lld\t%lld\t%llu\n", files->items[i].path,
                        (long long)files->items[i].size, (long long)files->items[i].mtime_ns,
                        (unsigned long long)files->items[i].inode);
    if (rc == 0)
        sha256_hex(text.data, text.len, out);
    free(glue);
    buf_free(&text);
    return rc;
}

static engine_failure create_table_view(engine *e, const table_def *t, const char *select,
                                        const char *fp, engine_error *err)
{
    buf sql = BUF_INIT;
    int rc = buf_puts(&sql, "CREATE OR REPLACE VIEW ");
    rc = rc ? rc : engine_put_view_name(&sql, t->db, t->name);
    rc = rc ? rc : buf_printf(&sql, " AS %s", select);
    engine_failure f = rc ? engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR",
                                        "out of memory")
                          : engine_view_create(e, t->db, t->name, sql.data, fp, err);
    buf_free(&sql);
    return f;
}

/* ---- entry point -------------------------------------------------------------- */

static engine_failure table_location(engine *e, const table_def *t, char *path, size_t cap,
                                     engine_error *err)
{
    const char *location = json_str(json_object_get(t->table, "StorageDescriptor"), "Location");
    if (!location || !*location)
        return engine_fail(err, ENGINE_USER_ERROR, "HIVE_INVALID_METADATA",
                           "Table '%s.%s.%s' has no location", ENGINE_CATALOG, t->db, t->name);
    if (s3_uri_path(e->s3_root, location, path, cap) != 0)
        return engine_fail(err, ENGINE_USER_ERROR, "HIVE_INVALID_METADATA",
                           "Table '%s.%s.%s' has an invalid location: %s", ENGINE_CATALOG,
                           t->db, t->name, location);
    return ENGINE_OK;
}

static engine_failure refresh_with_files(engine *e, duckdb_connection work, table_def *t,
                                         const table_files *files, char fp[65],
                                         engine_error *err)
{
    if (fingerprint(t, files, fp) != 0)
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    if (engine_view_is_current(e, t->db, t->name, fp))
        return ENGINE_OK;
    buf select = BUF_INIT;
    engine_failure f = build_select(t, work, files, &select, err);
    if (f == ENGINE_OK)
        f = create_table_view(e, t, select.data, fp, err);
    buf_free(&select);
    return f;
}

/* The files of a table whose partitions are registered: all of them for
 * the view, and the bytes of those the statement selects. */
static engine_failure registered_files(engine *e, duckdb_connection work, const engine_bind *bind,
                                       table_def *t, partition_files *parts, table_files *files,
                                       int64_t *bytes, engine_error *err)
{
    if (partition_files_load(e, t->db, t->name, t->table, parts, err) != ENGINE_OK)
        return err->failure;
    if (partition_files_merge(parts, files) != 0)
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    t->registered = parts;
    *bytes += partition_files_bytes(parts, work, bind, t->db, t->name, t->table);
    return ENGINE_OK;
}

/* The files under the LOCATION (in key=value folders for a partitioned
 * table), all of which the statement reads. */
static engine_failure location_files(engine *e, table_def *t, table_files *files, int64_t *bytes,
                                     engine_error *err)
{
    char path[4096], why[512];
    if (table_location(e, t, path, sizeof path, err) != ENGINE_OK)
        return err->failure;
    if (table_files_list(path, t->partition_keys, t->partition_count, files, why, sizeof why) != 0)
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "HIVE_FILESYSTEM_ERROR",
                           "Cannot list the files of table '%s.%s.%s': %s", ENGINE_CATALOG,
                           t->db, t->name, why);
    *bytes += files->total_bytes;
    return ENGINE_OK;
}

engine_failure engine_entry_refresh(engine *e, duckdb_connection work, const engine_bind *bind,
                                    const char *db, const char *name, const json_t *table,
                                    int64_t *bytes, char fingerprint_out[65], engine_error *err)
{
    const char *type = json_str(table, "TableType");
    if (type && strcmp(type, "VIRTUAL_VIEW") == 0)
        return engine_catalog_view_refresh(e, work, bind, db, name, table, bytes,
                                           fingerprint_out, err);
    table_def t = {.db = db, .name = name, .table = table};
    const json_t *sd = json_object_get(table, "StorageDescriptor");
    t.serde_params = json_object_get(json_object_get(sd, "SerdeInfo"), "Parameters");
    t.table_params = json_object_get(table, "Parameters");
    table_files files = {0};
    partition_files parts = {0};
    engine_failure f = detect_format(&t, err);
    f = f ? f : load_columns(&t, err);
    if (f == ENGINE_OK && t.partition_count && json_object_get(table, ENGINE_TABLE_PARTITIONS))
        f = registered_files(e, work, bind, &t, &parts, &files, bytes, err);
    else if (f == ENGINE_OK)
        f = location_files(e, &t, &files, bytes, err);
    if (f == ENGINE_OK)
        f = refresh_with_files(e, work, &t, &files, fingerprint_out, err);
    table_files_free(&files);
    partition_files_free(&parts);
    table_def_free(&t);
    return f;
}

engine_failure engine_view_refresh(engine *e, duckdb_connection work, const engine_bind *bind,
                                   const char *db, const char *name, const json_t *table,
                                   int64_t *bytes, engine_error *err)
{
    char fp[65];
    return engine_entry_refresh(e, work, bind, db, name, table, bytes, fp, err);
}
