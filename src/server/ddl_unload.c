/*
 * ddl_unload.c: UNLOAD (<query>) TO 's3://bucket/prefix/' WITH (format =
 * 'PARQUET' | 'TEXTFILE' | 'JSON', compression = ..., field_delimiter = ...,
 * partitioned_by = ARRAY[...]), as Athena runs it.
 *
 * The query is SQL, not DDL: it is found by matching its parentheses in
 * the text (skipping strings, quoted names and comments) and the rest of
 * the statement is lexed with the query blanked out, so positions in
 * errors stay those of the statement. The prefix must hold no object, as
 * Athena requires; the files are staged and moved into place complete
 * (ddl_write.c), partitioned into key=value folders when asked, and a
 * manifest listing them is written beside the query's result
 * (<id>-manifest.csv, Statistics.DataManifestLocation). UNLOAD returns no
 * rows.
 */
#include "ddl_internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const UNLOAD_PROPERTIES[] = {
    "format", "compression", "compression_level", "field_delimiter", "partitioned_by", NULL,
};

/* The end of a quoted run starting at s[i] (the quote), doubled quotes
 * inside; the index of the closing quote or 0 when unterminated. */
static size_t skip_quoted(const char *s, size_t i)
{
    char q = s[i++];
    while (s[i]) {
        if (s[i] == q && s[i + 1] == q)
            i += 2;
        else if (s[i] == q)
            return i;
        else
            i++;
    }
    return 0;
}

/* The index of the ')' that closes the '(' at s[open], or 0 if none. */
size_t ddl_matching_paren(const char *s, size_t open)
{
    int depth = 0;
    for (size_t i = open; s[i]; i++) {
        char c = s[i];
        if (c == '\'' || c == '"') {
            if (!(i = skip_quoted(s, i)))
                return 0;
        } else if (c == '-' && s[i + 1] == '-') {
            while (s[i + 1] && s[i + 1] != '\n')
                i++;
        } else if (c == '/' && s[i + 1] == '*') {
            const char *end = strstr(s + i + 2, "*/");
            if (!end)
                return 0;
            i = (size_t)(end - s) + 1;
        } else if (c == '(') {
            depth++;
        } else if (c == ')' && --depth == 0) {
            return i;
        }
    }
    return 0;
}

/* TO 's3://...' WITH (...) after the blanked query. */
static int parse_tail(ddl_parser *p, ddl_stmt *stmt, const char *blanked)
{
    ddl_tokens tokens;
    if (ddl_lex(blanked, 0, &tokens, p->err) != 0) {
        ddl_tokens_free(&tokens);
        return -1;
    }
    ddl_parser tail = {&tokens, 0, p->err};
    int rc = ddl_expect_word(&tail, "UNLOAD") != 0 || ddl_expect_punct(&tail, '(') != 0 ||
                     ddl_expect_punct(&tail, ')') != 0 || ddl_expect_word(&tail, "TO") != 0 ||
                     ddl_parse_location(&tail, &stmt->location) != 0 ||
                     ddl_expect_word(&tail, "WITH") != 0 ||
                     ddl_parse_write_properties(&tail, stmt) != 0 ||
                     ddl_expect_end(&tail, "<EOF>") != 0
                 ? -1
                 : 0;
    ddl_tokens_free(&tokens);
    return rc;
}

int ddl_parse_unload(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "UNLOAD") != 0)
        return -1;
    const ddl_token *open = ddl_peek(p);
    if (!ddl_token_is_punct(open, '('))
        return ddl_syntax_error(p, "'('");
    const char *source = p->tokens->source;
    size_t close = ddl_matching_paren(source, open->offset);
    if (!close)
        return ddl_fail(p->err, 1, "line %d:%d: mismatched input '<EOF>'. Expecting: ')'",
                        open->line, open->column);
    const char *query = ddl_skip_blank(source + open->offset + 1);
    size_t len = query < source + close ? (size_t)(source + close - query) : 0;
    while (len && strchr(" \t\r\n\f\v", query[len - 1]))
        len--;
    if (len == 0) {
        p->pos++;
        return ddl_syntax_error(p, "<query>");
    }
    if (!(stmt->query = strndup(query, len)))
        return ddl_fail(p->err, 0, "out of memory");
    ddl_position_of(source, (size_t)(query - source), &stmt->query_line, &stmt->query_column);
    char *blanked = strdup(source);
    if (!blanked)
        return ddl_fail(p->err, 0, "out of memory");
    for (size_t i = open->offset + 1; i < close; i++)
        if (blanked[i] != '\n')
            blanked[i] = ' ';
    int rc = parse_tail(p, stmt, blanked);
    free(blanked);
    return rc;
}

/* ---- execution ------------------------------------------------------------------------ */

typedef struct unload_settings {
    engine_write_format format;
    const char *codec, *extension;
    char delimiter;
    const char **partitions;
    size_t partition_count;
} unload_settings;

static int read_settings(ddl_context *ctx, const ddl_stmt *stmt, unload_settings *s)
{
    const char *format = NULL, *compression = NULL, *delimiter = NULL;
    if (ddl_check_property_names(ctx, stmt, UNLOAD_PROPERTIES) != 0 ||
        ddl_string_property(ctx, stmt, "format", &format) != 0 ||
        ddl_string_property(ctx, stmt, "compression", &compression) != 0 ||
        ddl_string_property(ctx, stmt, "field_delimiter", &delimiter) != 0)
        return -1;
    if (!format)
        return ddl_fail(ctx->err, 1, "INVALID_TABLE_PROPERTY: UNLOAD requires the format "
                        "property");
    if (ddl_write_format(ctx, format, &s->format, NULL) != 0 ||
        ddl_write_codec(ctx, s->format, compression, &s->codec, &s->extension) != 0 ||
        ddl_write_delimiter(ctx, delimiter, &s->delimiter) != 0)
        return -1;
    return ddl_write_partitions(ctx, stmt, &s->partitions, &s->partition_count);
}

static int write_files(ddl_context *ctx, const ddl_stmt *stmt, const unload_settings *s,
                       ddl_write_target *target, engine_write_result *written)
{
    const ddl_query_info *env = ctx->query;
    engine_write_spec spec = {
        .sql = stmt->query, .default_database = ctx->default_database,
        .params = env ? env->params : NULL, .param_count = env ? env->param_count : 0,
        .partition_columns = s->partitions, .partition_count = s->partition_count,
        .format = s->format, .compression = s->codec, .file_extension = s->extension,
        .field_delimiter = s->delimiter, .directory = target->staging,
        .file_prefix = env && env->query_id ? env->query_id : "unload",
        .max_partitions = DDL_MAX_WRITE_PARTITIONS, .partition_folder = ddl_partition_folder,
    };
    return ddl_write_run(ctx, stmt, &spec, written);
}

int ddl_exec_unload(ddl_context *ctx, const ddl_stmt *stmt)
{
    unload_settings s;
    memset(&s, 0, sizeof s);
    ddl_write_target target;
    memset(&target, 0, sizeof target);
    engine_write_result written;
    memset(&written, 0, sizeof written);
    int rc = read_settings(ctx, stmt, &s);
    rc = rc ? rc : ddl_target_resolve(ctx, stmt->location, &target);
    if (rc == 0 && !ddl_target_is_empty(&target))
        rc = ddl_fail(ctx->err, 1, "HIVE_PATH_ALREADY_EXISTS: Target directory for UNLOAD "
                      "already exists: %s", target.uri);
    rc = rc ? rc : ddl_staging_create(ctx, &target);
    rc = rc ? rc : write_files(ctx, stmt, &s, &target, &written);
    rc = rc ? rc : ddl_staging_publish_folder(ctx, &target, "UNLOAD", written.files,
                                              written.file_count);
    rc = rc ? rc : ddl_write_manifest(ctx, &target, written.files, written.file_count);
    rc = rc ? rc : ddl_output_nothing(ctx);
    ddl_staging_remove(&target);
    engine_write_result_free(&written);
    for (size_t i = 0; i < s.partition_count; i++)
        free((char *)s.partitions[i]);
    free(s.partitions);
    return rc;
}
