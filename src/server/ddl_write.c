/*
 * ddl_write.c: what CREATE TABLE AS SELECT, INSERT INTO and UNLOAD share
 * (ddl_internal.h): their WITH ( name = value ) properties and the format,
 * compression, delimiter and partitioning read from them, the query text at
 * the end of the statement, the s3:// location they write to, the way files
 * reach it, the partitions registered and the manifest written.
 *
 * Files never appear half-written: the engine writes them into a hidden
 * staging folder in the target's bucket (".<query id>.tmp-<hex>", a name
 * S3 listings skip and keys cannot take, and table readers ignore), and
 * only a complete write is moved into place: the whole folder at once for
 * CTAS and UNLOAD (whose target must hold no object, as Athena requires),
 * file by file for INSERT INTO, never replacing an existing object. A
 * failure removes the staging folder, leaving nothing behind.
 */
#define _XOPEN_SOURCE 700
#include "ddl_internal.h"

#include "crypto.h"
#include "objects.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- parsing ------------------------------------------------------------------------ */

static json_t *parse_string_array(ddl_parser *p)
{
    json_t *arr = json_array();
    if (!arr || ddl_expect_punct(p, '[') != 0) {
        json_decref(arr);
        return NULL;
    }
    if (ddl_accept_punct(p, ']'))
        return arr;
    do {
        const ddl_token *t = ddl_peek(p);
        if (t->type != DDL_TOK_STRING || t->start[0] != '\'') {
            ddl_syntax_error(p, "<string>");
            json_decref(arr);
            return NULL;
        }
        json_array_append_new(arr, json_string(t->text));
        p->pos++;
    } while (ddl_accept_punct(p, ','));
    if (ddl_expect_punct(p, ']') != 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* 'string' | integer | TRUE | FALSE | ARRAY['a', ...] */
static json_t *parse_property_value(ddl_parser *p)
{
    const ddl_token *t = ddl_peek(p);
    if (t->type == DDL_TOK_STRING && t->start[0] == '\'') {
        p->pos++;
        return json_string(t->text);
    }
    if (t->type == DDL_TOK_NUMBER) {
        p->pos++;
        return json_integer(strtoll(t->start, NULL, 10));
    }
    if (ddl_accept_word(p, "TRUE"))
        return json_true();
    if (ddl_accept_word(p, "FALSE"))
        return json_false();
    if (ddl_accept_word(p, "ARRAY"))
        return parse_string_array(p);
    ddl_syntax_error(p, "'ARRAY', 'FALSE', 'TRUE', <integer>, <string>");
    return NULL;
}

int ddl_parse_write_properties(ddl_parser *p, ddl_stmt *stmt)
{
    if (!stmt->write_properties && !(stmt->write_properties = json_object()))
        return ddl_fail(p->err, 0, "out of memory");
    if (ddl_expect_punct(p, '(') != 0)
        return -1;
    do {
        const ddl_token *name_token = ddl_peek(p);
        char *name = NULL;
        if (ddl_parse_column_name(p, &name) != 0)
            return -1;
        if (json_object_get(stmt->write_properties, name)) {
            ddl_fail(p->err, 1, "line %d:%d: Duplicate property: %s", name_token->line,
                     name_token->column, name);
            free(name);
            return -1;
        }
        json_t *value = ddl_expect_punct(p, '=') == 0 ? parse_property_value(p) : NULL;
        int rc = value ? json_object_set_new(stmt->write_properties, name, value) : -1;
        free(name);
        if (rc != 0)
            return -1;
    } while (ddl_accept_punct(p, ','));
    return ddl_expect_punct(p, ')');
}

static int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static size_t trim_end(const char *text, size_t len, const char *blanks)
{
    while (len && strchr(blanks, text[len - 1]))
        len--;
    return len;
}

/* If text[0, len) ends in the word, its start; else len. */
static size_t before_word(const char *text, size_t len, const char *word)
{
    size_t n = strlen(word);
    len = trim_end(text, len, " \t\r\n\f\v");
    if (len < n || strncasecmp(text + len - n, word, n) != 0 ||
        (len > n && is_word_char(text[len - n - 1])))
        return (size_t)-1;
    return len - n;
}

/* Drops a final WITH [NO] DATA from the query text. */
static size_t strip_with_data(const char *text, size_t len, int *no_data)
{
    size_t at = before_word(text, len, "DATA");
    if (at == (size_t)-1)
        return len;
    size_t no = before_word(text, at, "NO");
    size_t with = before_word(text, no != (size_t)-1 ? no : at, "WITH");
    if (with == (size_t)-1)
        return len;
    *no_data = no != (size_t)-1;
    return with;
}

int ddl_take_query(ddl_parser *p, ddl_stmt *stmt, size_t offset, int with_data_clause)
{
    const char *source = p->tokens->source;
    const char *query = ddl_skip_blank(source + offset);
    size_t len = trim_end(query, strlen(query), " \t\r\n\f\v;");
    if (with_data_clause)
        len = trim_end(query, strip_with_data(query, len, &stmt->with_no_data), " \t\r\n\f\v");
    if (len == 0)
        return ddl_syntax_error(p, "<query>");
    if (!(stmt->query = strndup(query, len)))
        return ddl_fail(p->err, 0, "out of memory");
    ddl_position_of(source, (size_t)(query - source), &stmt->query_line, &stmt->query_column);
    return 0;
}

/* ---- properties ------------------------------------------------------------------------ */

int ddl_check_property_names(ddl_context *ctx, const ddl_stmt *stmt, const char *const *names)
{
    const char *key;
    json_t *value;
    json_object_foreach(stmt->write_properties, key, value) {
        size_t i = 0;
        while (names[i] && strcmp(names[i], key) != 0)
            i++;
        if (!names[i])
            return ddl_fail(ctx->err, 1,
                            "INVALID_TABLE_PROPERTY: Catalog 'awsdatacatalog' table property "
                            "'%s' does not exist", key);
    }
    return 0;
}

int ddl_string_property(ddl_context *ctx, const ddl_stmt *stmt, const char *name,
                        const char **out)
{
    const json_t *v = json_object_get(stmt->write_properties, name);
    *out = json_string_value(v);
    if (v && !*out)
        return ddl_fail(ctx->err, 1,
                        "INVALID_TABLE_PROPERTY: Invalid value for table property '%s': "
                        "a string is expected", name);
    return 0;
}

int ddl_write_codec(ddl_context *ctx, engine_write_format format, const char *athena_name,
                    const char **codec, const char **extension)
{
    static const struct {
        const char *athena, *duckdb, *text_extension;
        int parquet_only;
    } codecs[] = {
        {"GZIP", "gzip", ".gz", 0},           {"ZSTD", "zstd", ".zst", 0},
        {"NONE", "uncompressed", "", 0},      {"UNCOMPRESSED", "uncompressed", "", 0},
        {"SNAPPY", "snappy", NULL, 1},
    };
    const char *name = athena_name ? athena_name : "GZIP";   /* Athena's default for Hive */
    for (size_t i = 0; i < sizeof codecs / sizeof codecs[0]; i++) {
        if (strcasecmp(name, codecs[i].athena) != 0)
            continue;
        if (codecs[i].parquet_only && format != ENGINE_WRITE_PARQUET)
            break;
        *codec = codecs[i].duckdb;
        *extension = format == ENGINE_WRITE_PARQUET ? "" : codecs[i].text_extension;
        return 0;
    }
    return ddl_fail(ctx->err, 1,
                    "NOT_SUPPORTED: Unsupported compression '%s' for %s files; athena-local "
                    "writes GZIP, ZSTD%s or NONE", name,
                    format == ENGINE_WRITE_PARQUET ? "Parquet"
                    : format == ENGINE_WRITE_JSON  ? "JSON"
                                                   : "text",
                    format == ENGINE_WRITE_PARQUET ? ", SNAPPY" : "");
}

/* ---- format, delimiter, partitions ---------------------------------------------------- */

/* format: PARQUET (default), TEXTFILE, JSON. */
int ddl_write_format(ddl_context *ctx, const char *name, engine_write_format *format,
                     const char **stored_as)
{
    static const struct {
        const char *name, *stored_as;
        engine_write_format format;
    } formats[] = {
        {"PARQUET", "parquet", ENGINE_WRITE_PARQUET},
        {"TEXTFILE", "textfile", ENGINE_WRITE_TEXTFILE},
        {"JSON", "jsonfile", ENGINE_WRITE_JSON},
    };
    const char *wanted = name ? name : "PARQUET";
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcasecmp(wanted, formats[i].name) == 0) {
            *format = formats[i].format;
            if (stored_as)
                *stored_as = formats[i].stored_as;
            return 0;
        }
    if (!strcasecmp(wanted, "ORC") || !strcasecmp(wanted, "AVRO") || !strcasecmp(wanted, "ION"))
        return ddl_fail(ctx->err, 1, "NOT_SUPPORTED: athena-local writes PARQUET, TEXTFILE and "
                        "JSON; format '%s' is not supported", wanted);
    return ddl_fail(ctx->err, 1, "INVALID_TABLE_PROPERTY: Unknown format: %s; expected one of "
                    "PARQUET, ORC, AVRO, JSON, ION, TEXTFILE", wanted);
}

/* field_delimiter: one ASCII character other than a line break ('\001'
 * when absent, Hive's default). */
int ddl_write_delimiter(ddl_context *ctx, const char *value, char *out)
{
    if (!value) {
        *out = '\001';
        return 0;
    }
    if (strlen(value) != 1 || (unsigned char)value[0] >= 128 || value[0] == '\n' ||
        value[0] == '\r')
        return ddl_fail(ctx->err, 1, "INVALID_TABLE_PROPERTY: field_delimiter must be a single "
                        "ASCII character other than a line break");
    *out = value[0];
    return 0;
}

/* partitioned_by / UNLOAD's partitioned_by: ARRAY['col', ...], lower case. */
int ddl_write_partitions(ddl_context *ctx, const ddl_stmt *stmt, const char ***out,
                         size_t *count)
{
    const json_t *list = json_object_get(stmt->write_properties, "partitioned_by");
    *out = NULL;
    *count = 0;
    if (!list)
        return 0;
    if (!json_is_array(list))
        return ddl_fail(ctx->err, 1, "INVALID_TABLE_PROPERTY: partitioned_by must be an ARRAY "
                        "of column names");
    size_t n = json_array_size(list);
    *out = calloc(n ? n : 1, sizeof **out);
    if (!*out)
        return ddl_fail(ctx->err, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char *name = strdup(json_string_value(json_array_get(list, i)));
        if (!name)
            return ddl_fail(ctx->err, 0, "out of memory");
        for (char *c = name; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        (*out)[(*count)++] = name;
    }
    return 0;
}

/* ---- the target ------------------------------------------------------------------------ */

int ddl_target_resolve(ddl_context *ctx, const char *uri, ddl_write_target *t)
{
    char key[1100], why[256];
    memset(t, 0, sizeof *t);
    if (!ctx->s3_root)
        return ddl_fail(ctx->err, 0, "no object store to write to");
    if (s3_uri_split(uri, t->bucket, sizeof t->bucket, key, sizeof key, why, sizeof why) != 0)
        return ddl_fail(ctx->err, 1, "INVALID_TABLE_PROPERTY: Invalid location %s: %s", uri, why);
    size_t klen = strlen(key);
    if (klen && key[klen - 1] != '/' && klen + 1 < sizeof key)
        strcpy(key + klen, "/");
    char bucket_dir[4096];
    struct stat st;
    if (!s3_bucket_valid(t->bucket) || !s3_key_valid(key) ||
        s3_object_path(ctx->s3_root, t->bucket, key, t->path, sizeof t->path) != 0 ||
        s3_object_path(ctx->s3_root, t->bucket, "", bucket_dir, sizeof bucket_dir) != 0)
        return ddl_fail(ctx->err, 1, "INVALID_TABLE_PROPERTY: Invalid location %s: not a valid "
                        "bucket and prefix", uri);
    if (stat(bucket_dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return ddl_fail(ctx->err, 1, "NoSuchBucket: The specified bucket does not exist: %s",
                        t->bucket);
    size_t plen = strlen(t->path);
    while (plen > 1 && t->path[plen - 1] == '/')
        t->path[--plen] = '\0';
    if (!s3_path_is_inside(ctx->s3_root, t->path))
        return ddl_fail(ctx->err, 1, "Access Denied: location %s is outside the object store", uri);
    snprintf(t->uri, sizeof t->uri, "s3://%s/%s", t->bucket, key);
    return 0;
}

/* 1 if the folder (which may not exist) holds any object. */
static int holds_objects(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return errno != ENOENT && errno != ENOTDIR;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
            atomic_file_is_temp_name(e->d_name, strlen(e->d_name)))
            continue;
        char child[4400];
        struct stat st;
        if (snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= (int)sizeof child ||
            lstat(child, &st) != 0 || !S_ISDIR(st.st_mode))
            found = 1;
        else
            found = holds_objects(child);
    }
    closedir(d);
    return found;
}

int ddl_target_is_empty(const ddl_write_target *t)
{
    return !holds_objects(t->path);
}

int ddl_staging_create(ddl_context *ctx, ddl_write_target *t)
{
    unsigned char random[8];
    char hex[17], bucket_dir[4096];
    if (random_bytes(random, sizeof random) != 0 ||
        s3_object_path(ctx->s3_root, t->bucket, "", bucket_dir, sizeof bucket_dir) != 0)
        return ddl_fail(ctx->err, 0, "cannot create a staging folder");
    hex_encode(random, sizeof random, hex);
    const char *id = ctx->query && ctx->query->query_id ? ctx->query->query_id : "write";
    size_t blen = strlen(bucket_dir);
    while (blen && bucket_dir[blen - 1] == '/')
        bucket_dir[--blen] = '\0';
    if (snprintf(t->staging, sizeof t->staging, "%s/.%.64s.tmp-%s", bucket_dir, id, hex) >=
            (int)sizeof t->staging ||
        mkdir(t->staging, 0755) != 0) {
        t->staging[0] = '\0';
        return ddl_fail(ctx->err, 0, "cannot create a staging folder: %s", strerror(errno));
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

void ddl_staging_remove(ddl_write_target *t)
{
    if (!t->staging[0])
        return;
    nftw(t->staging, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    t->staging[0] = '\0';
}

/* Flushes a written file to disk before it is published. */
static int sync_file(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static int sync_files(const char *dir, char *const *files, size_t count)
{
    char path[8400];
    for (size_t i = 0; i < count; i++)
        if (snprintf(path, sizeof path, "%s/%s", dir, files[i]) >= (int)sizeof path ||
            sync_file(path) != 0)
            return -1;
    return 0;
}

/* Removes a folder tree that holds no file; -1 if one is there. */
static int remove_empty_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char child[4400];
        struct stat st;
        if (snprintf(child, sizeof child, "%s/%s", path, e->d_name) >= (int)sizeof child ||
            lstat(child, &st) != 0 || !S_ISDIR(st.st_mode))
            rc = -1;
        else
            rc = remove_empty_tree(child);
    }
    closedir(d);
    return rc == 0 ? rmdir(path) : -1;
}

static int fail_not_empty(ddl_context *ctx, const char *what, const ddl_write_target *t)
{
    return ddl_fail(ctx->err, 1, "HIVE_PATH_ALREADY_EXISTS: Target directory for %s already "
                    "exists: %s", what, t->uri);
}

int ddl_staging_publish_folder(ddl_context *ctx, ddl_write_target *t, const char *what,
                               char *const *files, size_t count)
{
    if (count == 0)   /* nothing written: no folder appears (S3 would list it) */
        return 0;
    char parent[4096];
    snprintf(parent, sizeof parent, "%s", t->path);
    char *slash = strrchr(parent, '/');
    if (slash)
        *slash = '\0';
    if (sync_files(t->staging, files, count) != 0)
        return ddl_fail(ctx->err, 0, "cannot flush the files written: %s", strerror(errno));
    if (remove_empty_tree(t->path) != 0)
        return fail_not_empty(ctx, what, t);
    if (make_dirs(parent) != 0 || !s3_path_is_inside(ctx->s3_root, parent))
        return ddl_fail(ctx->err, 0, "cannot create the folder of %s", t->uri);
    if (rename(t->staging, t->path) != 0)
        return errno == EEXIST || errno == ENOTEMPTY
                   ? fail_not_empty(ctx, what, t)
                   : ddl_fail(ctx->err, 0, "cannot move the files into place: %s",
                              strerror(errno));
    t->staging[0] = '\0';
    return 0;
}

int ddl_publish_file(ddl_context *ctx, const char *src, const char *dst)
{
    if (sync_file(src) != 0)
        return ddl_fail(ctx->err, 0, "cannot flush a file written: %s", strerror(errno));
    char dir[8400];
    snprintf(dir, sizeof dir, "%s", dst);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    if (make_dirs(dir) != 0 || !s3_path_is_inside(ctx->s3_root, dir))
        return ddl_fail(ctx->err, 0, "cannot create the folder for a new file");
    if (link(src, dst) != 0)
        return errno == EEXIST
                   ? ddl_fail(ctx->err, 1, "HIVE_PATH_ALREADY_EXISTS: Target file already "
                              "exists")
                   : ddl_fail(ctx->err, 0, "cannot move a file into place: %s", strerror(errno));
    unlink(src);
    return 0;
}

int ddl_staging_publish_files(ddl_context *ctx, ddl_write_target *t, char *const *files,
                              size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char src[8400], dst[8400];
        if (snprintf(src, sizeof src, "%s/%s", t->staging, files[i]) >= (int)sizeof src ||
            snprintf(dst, sizeof dst, "%s/%s", t->path, files[i]) >= (int)sizeof dst)
            return ddl_fail(ctx->err, 1, "HIVE_PATH_TOO_LONG: The file path is too long");
        if (ddl_publish_file(ctx, src, dst) != 0)
            return -1;
    }
    return 0;
}

/* ---- outputs ------------------------------------------------------------------------- */

int ddl_output_folder(const ddl_context *ctx, char *out, size_t cap)
{
    const char *result = ctx->query ? ctx->query->output_location : NULL;
    const char *slash = result ? strrchr(result, '/') : NULL;
    if (!slash || strncmp(result, "s3://", 5) != 0 || slash < result + 5)
        return -1;
    int n = snprintf(out, cap, "%.*s", (int)(slash - result + 1), result);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int ddl_write_manifest(ddl_context *ctx, const ddl_write_target *t, char *const *files,
                       size_t count)
{
    char folder[2048], uri[2048], path[4096];
    const char *id = ctx->query ? ctx->query->query_id : NULL;
    if (!id || ddl_output_folder(ctx, folder, sizeof folder) != 0)
        return 0;
    if (snprintf(uri, sizeof uri, "%s%s-manifest.csv", folder, id) >= (int)sizeof uri ||
        s3_uri_path(ctx->s3_root, uri, path, sizeof path) != 0)
        return ddl_fail(ctx->err, 0, "cannot name the manifest file");
    atomic_file af;
    if (atomic_file_open_under(&af, ctx->s3_root, path) != 0)
        return ddl_fail(ctx->err, 0, "cannot write the manifest %s: %s", uri, strerror(errno));
    for (size_t i = 0; i < count; i++)
        fprintf(af.f, "%s%s\n", t->uri, files[i]);
    if (ferror(af.f)) {
        atomic_file_abort(&af);
        return ddl_fail(ctx->err, 0, "cannot write the manifest %s", uri);
    }
    if (atomic_file_commit(&af) != 0)
        return ddl_fail(ctx->err, 0, "cannot write the manifest %s: %s", uri, strerror(errno));
    if (ctx->query->outcome)
        snprintf(ctx->query->outcome->manifest_location,
                 sizeof ctx->query->outcome->manifest_location, "%s", uri);
    return 0;
}

/* Registers each partition written, at its Hive default location. */
int ddl_register_partitions(ddl_context *ctx, const char *db, const char *name,
                            const json_t *table, const engine_write_result *written)
{
    double now = ddl_now();
    for (size_t i = 0; i < written->partition_count; i++) {
        const engine_written_partition *part = &written->partitions[i];
        json_t *values = json_array();
        for (size_t k = 0; values && k < part->count; k++)
            json_array_append_new(values, json_string(part->values[k] && part->values[k][0]
                                                          ? part->values[k]
                                                          : "__HIVE_DEFAULT_PARTITION__"));
        char *location = values ? ddl_partition_location(table, values, NULL) : NULL;
        json_t *partition = location ? ddl_glue_partition(table, values, location,
                                                          ctx->account_id, now)
                                     : NULL;
        store_status st = partition ? store_partition_create(ctx->st, db, name, partition)
                                    : STORE_ERROR;
        json_decref(partition);
        json_decref(values);
        free(location);
        if (st != STORE_OK && st != STORE_EXISTS)
            return ddl_store_failure(ctx, "registering a partition");
    }
    return 0;
}

int ddl_partition_folder(void *user_data, const char *const *names, const char *const *values,
                         size_t count, char *out, size_t cap)
{
    (void)user_data;
    json_t *keys = json_array(), *vals = json_array();
    for (size_t i = 0; keys && vals && i < count; i++) {
        json_array_append_new(keys, json_pack("{s:s}", "Name", names[i]));
        json_array_append_new(vals, json_string(values[i] ? values[i] : ""));
    }
    buf name = BUF_INIT;
    int rc = keys && vals ? ddl_partition_name(keys, vals, &name) : -1;
    if (rc == 0 && (name.len == 0 || name.len >= cap))
        rc = -1;
    if (rc == 0)
        memcpy(out, name.data, name.len + 1);
    buf_free(&name);
    json_decref(keys);
    json_decref(vals);
    return rc;
}

int ddl_output_row_count(ddl_context *ctx, int64_t count)
{
    engine_column col;
    memset(&col, 0, sizeof col);
    snprintf(col.name, sizeof col.name, "rows");
    snprintf(col.type, sizeof col.type, "bigint");
    col.precision = 19;
    char text[32];
    int n = snprintf(text, sizeof text, "%lld", (long long)count);
    const char *values[] = {text};
    size_t lengths[] = {(size_t)n};
    if (!ctx->sink)
        return 0;
    if ((ctx->sink->columns && ctx->sink->columns(ctx->sink->user_data, &col, 1) != 0) ||
        (ctx->sink->row && ctx->sink->row(ctx->sink->user_data, values, lengths) != 0))
        return ddl_fail(ctx->err, 0, "the result writer stopped the statement");
    return 0;
}

/* Records what the write read, for Statistics.DataScannedInBytes: 0, or
 * -1 (err->over_cutoff) when it is more than the workgroup allows. */
static int note_bytes_scanned(ddl_context *ctx, int64_t bytes)
{
    if (ctx->query && ctx->query->outcome)
        ctx->query->outcome->bytes_scanned = bytes;
    int64_t cutoff = ctx->query ? ctx->query->bytes_scanned_cutoff : 0;
    if (cutoff <= 0 || bytes <= cutoff)
        return 0;
    ctx->err->over_cutoff = 1;
    return ddl_fail(ctx->err, 1, "Bytes scanned limit was exceeded");
}

int ddl_write_run(ddl_context *ctx, const ddl_stmt *stmt, engine_write_spec *spec,
                  engine_write_result *written)
{
    int given = ctx->query && ctx->query->lookup;
    spec->lookup = given ? ctx->query->lookup : ddl_catalog_lookup;
    spec->lookup_user_data = given ? ctx->query->lookup_user_data : (void *)ctx->st;
    engine_stats stats;
    engine_error eerr;
    engine_failure f = engine_write(ctx->session, spec, written, &stats, &eerr);
    /* Over the workgroup's cutoff, the staged files are dropped, never published. */
    int within_cutoff = note_bytes_scanned(ctx, stats.bytes_scanned);
    if (f != ENGINE_OK)
        return ddl_refused_by_lookup(ctx) ? -1 : ddl_engine_failure(ctx, stmt, f, &eerr);
    return within_cutoff;
}
