/*
 * ddl_show_create.c: SHOW CREATE TABLE, the table's DDL rebuilt from its
 * Glue document the way Athena (Hive's showCreateTable) writes it, one
 * output row per line in the column "createtab_stmt":
 *
 *   CREATE EXTERNAL TABLE `t`(
 *     `a` int,
 *     `b` string COMMENT 'text')
 *   PARTITIONED BY (
 *     `year` string)
 *   ROW FORMAT DELIMITED
 *     FIELDS TERMINATED BY ','
 *   STORED AS INPUTFORMAT
 *     'org.apache.hadoop.mapred.TextInputFormat'
 *   OUTPUTFORMAT
 *     'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
 *   LOCATION
 *     's3://bucket/t'
 *   TBLPROPERTIES (
 *     'transient_lastDdlTime'='1700000000')
 *
 * (Hive leaves a trailing space on several of these lines; so do we.)
 * LazySimpleSerDe tables with delimiters print ROW FORMAT DELIMITED, any
 * other SerDe ROW FORMAT SERDE with its properties, sorted by key. Strings
 * are escaped as Hive escapes them, so the text runs again as it is.
 */
#include "ddl_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAZY_SIMPLE_SERDE "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"

/* ROW FORMAT DELIMITED's clauses and the SerDe parameters they stand for. */
static const struct {
    const char *param;
    const char *clause;
} DELIMITERS[] = {
    {"field.delim", "FIELDS TERMINATED BY"},
    {"escape.delim", "ESCAPED BY"},
    {"collection.delim", "COLLECTION ITEMS TERMINATED BY"},
    {"mapkey.delim", "MAP KEYS TERMINATED BY"},
    {"line.delim", "LINES TERMINATED BY"},
    {"serialization.null.format", "NULL DEFINED AS"},
};

/* 'text' with Java's string escapes (StringEscapeUtils.escapeJava) and
 * then Hive's escapeHiveCommand (\' and \;). */
static int put_quoted(buf *b, const char *text)
{
    int rc = buf_putc(b, '\'');
    for (const unsigned char *c = (const unsigned char *)text; rc == 0 && *c; c++) {
        switch (*c) {
        case '\t': rc = buf_puts(b, "\\t"); break;
        case '\n': rc = buf_puts(b, "\\n"); break;
        case '\r': rc = buf_puts(b, "\\r"); break;
        case '\b': rc = buf_puts(b, "\\b"); break;
        case '\f': rc = buf_puts(b, "\\f"); break;
        case '\\': rc = buf_puts(b, "\\\\"); break;
        case '"': rc = buf_puts(b, "\\\""); break;
        case '\'': rc = buf_puts(b, "\\'"); break;
        case ';': rc = buf_puts(b, "\\;"); break;
        default:
            rc = *c < 0x20 || *c == 0x7f ? buf_printf(b, "\\u%04X", *c) : buf_putc(b, (char)*c);
        }
    }
    return rc ? rc : buf_putc(b, '\'');
}

/* "  `name` type[ COMMENT '...']" joined with ", \n". */
static int put_columns(buf *b, const json_t *columns)
{
    int rc = 0;
    size_t i;
    const json_t *col;
    json_array_foreach(columns, i, col) {
        const json_t *comment = json_object_get(col, "Comment");
        rc = rc ? rc : buf_printf(b, "%s  `%s` %s", i ? ", \n" : "",
                                  ddl_member_string(col, "Name"), ddl_member_string(col, "Type"));
        if (rc == 0 && json_is_string(comment)) {
            rc = buf_puts(b, " COMMENT ");
            rc = rc ? rc : put_quoted(b, json_string_value(comment));
        }
    }
    return rc;
}

static int is_delimiter_param(const char *key)
{
    for (size_t i = 0; i < sizeof DELIMITERS / sizeof DELIMITERS[0]; i++)
        if (strcmp(DELIMITERS[i].param, key) == 0)
            return 1;
    return 0;
}

static int compare_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "  'k'='v'" for the members of params not skipped, sorted by key and
 * joined with ", \n"; *count says how many. */
static int put_properties(buf *b, const json_t *params, int (*skip)(const char *, const json_t *),
                          size_t *count)
{
    size_t n = json_object_size(params), used = 0;
    const char **keys = calloc(n ? n : 1, sizeof *keys);
    if (!keys)
        return -1;
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)params, key, value)
        if (json_is_string(value) && !skip(key, params))
            keys[used++] = key;
    qsort(keys, used, sizeof *keys, compare_keys);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < used; i++) {
        rc = buf_puts(b, i ? ", \n  " : "  ");
        rc = rc ? rc : put_quoted(b, keys[i]);
        rc = rc ? rc : buf_putc(b, '=');
        rc = rc ? rc : put_quoted(b, ddl_member_string(params, keys[i]));
    }
    free(keys);
    *count = used;
    return rc;
}

/* serialization.format is left out when it says nothing: "1", Hive's
 * default, or a copy of the field delimiter. */
static int skip_in_serde(const char *key, const json_t *params)
{
    if (strcmp(key, "serialization.format") != 0)
        return 0;
    const char *value = ddl_member_string(params, key);
    return strcmp(value, "1") == 0 || strcmp(value, ddl_member_string(params, "field.delim")) == 0;
}

static int skip_in_delimited(const char *key, const json_t *params)
{
    return is_delimiter_param(key) || skip_in_serde(key, params);
}

static int has_delimiters(const json_t *params)
{
    for (size_t i = 0; i < sizeof DELIMITERS / sizeof DELIMITERS[0]; i++)
        if (json_is_string(json_object_get(params, DELIMITERS[i].param)))
            return 1;
    return 0;
}

static int put_row_format(buf *b, const json_t *sd)
{
    const json_t *serde = json_object_get(sd, "SerdeInfo");
    const json_t *params = json_object_get(serde, "Parameters");
    const char *library = ddl_member_string(serde, "SerializationLibrary");
    int delimited = strcmp(library, LAZY_SIMPLE_SERDE) == 0 && has_delimiters(params);
    int rc = 0;
    if (delimited) {
        rc = buf_puts(b, "ROW FORMAT DELIMITED \n");
        for (size_t i = 0; rc == 0 && i < sizeof DELIMITERS / sizeof DELIMITERS[0]; i++) {
            const char *value = json_string_value(json_object_get(params, DELIMITERS[i].param));
            if (!value)
                continue;
            rc = buf_printf(b, "  %s ", DELIMITERS[i].clause);
            rc = rc ? rc : put_quoted(b, value);
            rc = rc ? rc : buf_puts(b, " \n");
        }
    } else {
        rc = buf_puts(b, "ROW FORMAT SERDE \n  ");
        rc = rc ? rc : put_quoted(b, library);
        rc = rc ? rc : buf_puts(b, " \n");
    }
    buf props = BUF_INIT;
    size_t count = 0;
    rc = rc ? rc : put_properties(&props, params, delimited ? skip_in_delimited : skip_in_serde,
                                  &count);
    if (rc == 0 && count)
        rc = buf_printf(b, "WITH SERDEPROPERTIES ( \n%s) \n", buf_str(&props));
    buf_free(&props);
    return rc;
}

static int skip_in_table(const char *key, const json_t *params)
{
    (void)params;
    return strcmp(key, "EXTERNAL") == 0 || strcmp(key, "comment") == 0;
}

static int build_statement(buf *b, const char *shown_name, const json_t *table)
{
    const json_t *sd = json_object_get(table, "StorageDescriptor");
    const json_t *params = json_object_get(table, "Parameters");
    const json_t *partition_keys = json_object_get(table, "PartitionKeys");
    const json_t *comment = json_object_get(params, "comment");
    int external = strcmp(ddl_member_string(table, "TableType"), "EXTERNAL_TABLE") == 0;
    int rc = buf_printf(b, "CREATE %sTABLE `%s`(\n", external ? "EXTERNAL " : "", shown_name);
    rc = rc ? rc : put_columns(b, json_object_get(sd, "Columns"));
    rc = rc ? rc : buf_puts(b, ")\n");
    if (rc == 0 && json_is_string(comment)) {
        rc = buf_puts(b, "COMMENT ");
        rc = rc ? rc : put_quoted(b, json_string_value(comment));
        rc = rc ? rc : buf_putc(b, '\n');
    }
    if (rc == 0 && json_array_size(partition_keys)) {
        rc = buf_puts(b, "PARTITIONED BY ( \n");
        rc = rc ? rc : put_columns(b, partition_keys);
        rc = rc ? rc : buf_puts(b, ")\n");
    }
    rc = rc ? rc : put_row_format(b, sd);
    rc = rc ? rc : buf_puts(b, "STORED AS INPUTFORMAT \n  ");
    rc = rc ? rc : put_quoted(b, ddl_member_string(sd, "InputFormat"));
    rc = rc ? rc : buf_puts(b, " \nOUTPUTFORMAT \n  ");
    rc = rc ? rc : put_quoted(b, ddl_member_string(sd, "OutputFormat"));
    rc = rc ? rc : buf_puts(b, "\nLOCATION\n  ");
    rc = rc ? rc : put_quoted(b, ddl_member_string(sd, "Location"));
    buf props = BUF_INIT;
    size_t count = 0;
    rc = rc ? rc : put_properties(&props, params, skip_in_table, &count);
    if (rc == 0 && count)
        rc = buf_printf(b, "\nTBLPROPERTIES (\n%s)", buf_str(&props));
    buf_free(&props);
    return rc;
}

int ddl_parse_show_create_table(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "SHOW") != 0 || ddl_expect_word(p, "CREATE") != 0 ||
        ddl_expect_word(p, "TABLE") != 0 || ddl_parse_qualified_name(p, stmt) != 0)
        return -1;
    return ddl_expect_end(p, "<EOF>");
}

/* One output row per line of text. */
static int output_lines(ddl_context *ctx, char *text)
{
    for (char *line = text;;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        if (ddl_output_row(ctx, (const char *const *)&line, 1) != 0)
            return -1;
        if (!end)
            return 0;
        line = end + 1;
    }
}

int ddl_exec_show_create_table(ddl_context *ctx, const ddl_stmt *stmt)
{
    static const char *const columns[] = {"createtab_stmt"};
    char db[DDL_MAX_NAME + 1], shown[2 * DDL_MAX_NAME + 2];
    json_t *table = ddl_load_table(ctx, ddl_target_database(ctx, stmt, db, sizeof db),
                                   stmt->name);
    if (!table)
        return -1;
    /* Hive names the table as the statement did. */
    snprintf(shown, sizeof shown, "%s%s%s", stmt->database ? stmt->database : "",
             stmt->database ? "." : "", stmt->name);
    buf text = BUF_INIT;
    int rc = 0;
    if (ddl_is_view(table))
        rc = ddl_fail(ctx->err, 1, "%s.%s is a view; SHOW CREATE TABLE shows tables only", db,
                      stmt->name);
    else if (build_statement(&text, shown, table) != 0)
        rc = ddl_fail(ctx->err, 0, "out of memory");
    else if ((rc = ddl_output_columns(ctx, columns, 1)) == 0)
        rc = output_lines(ctx, text.data);
    buf_free(&text);
    json_decref(table);
    return rc;
}
