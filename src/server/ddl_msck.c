/*
 * ddl_msck.c: MSCK REPAIR TABLE, Hive's metastore check as Athena runs it:
 * the folders under a partitioned table's LOCATION that name every
 * partition key in order (year=2001/month=01/) become partitions, located
 * at those folders. It reports like Hive:
 *
 *   Partitions not in metastore:<TAB>t:year=2001/month=01<TAB>...
 *   Partitions missing from filesystem:<TAB>t:year=2000/month=12<TAB>...
 *   Repair: Added partition to metastore t:year=2001/month=01
 *
 * Folder names are Hive-escaped (%XX) and decoded into values; keys match
 * case-insensitively; hidden folders ('.' and '_' prefixes) and anything
 * not shaped key=value are skipped, as Athena does. Partitions whose
 * folders are gone are reported, never dropped. Symlinks are not followed.
 */
#include "ddl_internal.h"

#include "objects.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_FOUND 100000   /* partitions one repair may find; beyond, the statement fails */

typedef struct found_partition {
    char *path;        /* relative to the table folder: "year=2001/month=01", as on disk */
    json_t *values;    /* decoded values, in key order */
} found_partition;

typedef struct msck_walk {
    const json_t *keys;
    size_t key_count;
    found_partition *found;
    size_t count, cap;
    ddl_error *err;
} msck_walk;

static void found_free(msck_walk *w)
{
    for (size_t i = 0; i < w->count; i++) {
        free(w->found[i].path);
        json_decref(w->found[i].values);
    }
    free(w->found);
}

static int add_found(msck_walk *w, const buf *rel, const json_t *values)
{
    if (w->count == MAX_FOUND)
        return ddl_fail(w->err, 1, "MSCK REPAIR TABLE found more than %d partition folders",
                        MAX_FOUND);
    if (w->count == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        found_partition *grown = realloc(w->found, cap * sizeof *grown);
        if (!grown)
            return ddl_fail(w->err, 0, "out of memory");
        w->found = grown;
        w->cap = cap;
    }
    found_partition *f = &w->found[w->count];
    f->path = strdup(buf_str(rel));
    f->values = json_deep_copy(values);
    if (!f->path || !f->values) {
        free(f->path);
        json_decref(f->values);
        return ddl_fail(w->err, 0, "out of memory");
    }
    w->count++;
    return 0;
}

/* The value of a "key=value" folder for partition key `depth`, or -1 when
 * the folder does not name that key. */
static int folder_value(const msck_walk *w, const char *folder, size_t depth, buf *value)
{
    const char *key = ddl_member_string(json_array_get(w->keys, depth), "Name");
    size_t key_len = strlen(key);
    if (strncasecmp(folder, key, key_len) != 0 || folder[key_len] != '=' || !folder[key_len + 1])
        return -1;
    const char *raw = folder + key_len + 1;
    if (ddl_unescape_path_value(raw, strlen(raw), value) != 0)
        return -1;
    /* Values are JSON strings in Glue. */
    json_t *probe = json_string(buf_str(value));
    json_decref(probe);
    return probe ? 0 : -1;
}

static int walk(msck_walk *w, buf *dir, buf *rel, json_t *values, size_t depth);

static int visit(msck_walk *w, buf *dir, buf *rel, json_t *values, size_t depth, int dir_fd,
                 const char *folder)
{
    struct stat st;
    buf value = BUF_INIT;
    if (folder[0] == '.' || folder[0] == '_' ||
        fstatat(dir_fd, folder, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
        folder_value(w, folder, depth, &value) != 0) {
        buf_free(&value);
        return 0;
    }
    size_t dir_len = dir->len, rel_len = rel->len;
    int rc = buf_printf(dir, "/%s", folder) | buf_printf(rel, "%s%s", rel_len ? "/" : "", folder) |
             json_array_append_new(values, json_string(buf_str(&value)));
    if (rc != 0)
        rc = ddl_fail(w->err, 0, "out of memory");
    else if (depth + 1 == w->key_count)
        rc = add_found(w, rel, values);
    else
        rc = walk(w, dir, rel, values, depth + 1);
    json_array_remove(values, depth);
    dir->len = dir_len, dir->data[dir_len] = '\0';
    rel->len = rel_len;
    if (rel->data)
        rel->data[rel_len] = '\0';
    buf_free(&value);
    return rc;
}

static int walk(msck_walk *w, buf *dir, buf *rel, json_t *values, size_t depth)
{
    DIR *d = opendir(buf_str(dir));
    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        return ddl_fail(w->err, 0, "cannot list the table location: %s", strerror(errno));
    }
    int rc = 0;
    struct dirent *entry;
    while (rc == 0 && (entry = readdir(d)) != NULL)
        rc = visit(w, dir, rel, values, depth, dirfd(d), entry->d_name);
    closedir(d);
    return rc;
}

static int compare_found(const void *a, const void *b)
{
    return strcmp(((const found_partition *)a)->path, ((const found_partition *)b)->path);
}

/* ---- comparing with the catalog ----------------------------------------------------------- */

/* The registered partitions by values key. NULL after an error. */
static json_t *registered_by_key(ddl_context *ctx, const char *db, const char *name)
{
    json_t *list = store_partition_list(ctx->st, db, name, NULL, 0);
    json_t *by_key = json_object();
    size_t i;
    json_t *partition;
    json_array_foreach(list, i, partition) {
        char *key = store_partition_values_key(json_object_get(partition, "Values"));
        if (key)
            json_object_set(by_key, key, partition);
        free(key);
    }
    json_decref(list);
    if (!list || !by_key) {
        json_decref(by_key);
        ddl_store_failure(ctx, "listing the partitions");
        return NULL;
    }
    return by_key;
}

static int is_registered(const json_t *by_key, const json_t *values)
{
    char *key = store_partition_values_key(values);
    int found = key && json_object_get(by_key, key) != NULL;
    free(key);
    return found;
}

/* Appends "\t<table>:<name>" for each registered partition whose folder is
 * gone. */
static int missing_from_filesystem(ddl_context *ctx, const char *table_name,
                                   const json_t *keys, const json_t *by_key, buf *line)
{
    const char *key;
    json_t *partition;
    buf name = BUF_INIT;
    int rc = 0;
    json_object_foreach((json_t *)by_key, key, partition) {
        const char *location =
            ddl_member_string(json_object_get(partition, "StorageDescriptor"), "Location");
        char path[4096];
        struct stat st;
        if (s3_uri_path(ctx->s3_root, location, path, sizeof path) != 0 || stat(path, &st) == 0)
            continue;
        rc |= ddl_partition_name(keys, json_object_get(partition, "Values"), &name);
        rc |= buf_printf(line, "\t%s:%s", table_name, buf_str(&name));
    }
    buf_free(&name);
    return rc;
}

/* ---- the statement ------------------------------------------------------------------------- */

int ddl_parse_msck(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "MSCK") != 0 || ddl_expect_word(p, "REPAIR") != 0 ||
        ddl_expect_word(p, "TABLE") != 0 || ddl_parse_qualified_name(p, stmt) != 0)
        return -1;
    return ddl_expect_end(p, "<EOF>");
}

static int find_folders(ddl_context *ctx, const json_t *table, const char *db, msck_walk *w)
{
    const char *location =
        ddl_member_string(json_object_get(table, "StorageDescriptor"), "Location");
    char path[4096];
    if (s3_uri_path(ctx->s3_root, location, path, sizeof path) != 0)
        return ddl_fail(ctx->err, 1, "Table %s.%s has an invalid location: %s", db,
                        ddl_member_string(table, "Name"), location);
    buf dir = BUF_INIT, rel = BUF_INIT;
    json_t *values = json_array();
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    int rc = values && buf_append(&dir, path, len) == 0
                 ? walk(w, &dir, &rel, values, 0)
                 : ddl_fail(ctx->err, 0, "out of memory");
    json_decref(values);
    buf_free(&dir);
    buf_free(&rel);
    if (rc == 0 && w->count > 1)
        qsort(w->found, w->count, sizeof *w->found, compare_found);
    return rc;
}

/* Registers the folders not in the catalog and writes the report. */
static int repair(ddl_context *ctx, const json_t *table, const char *db, const msck_walk *w,
                  const json_t *by_key)
{
    static const char *const columns[] = {"result"};
    const char *name = ddl_member_string(table, "Name");
    const char *base = ddl_member_string(json_object_get(table, "StorageDescriptor"),
                                         "Location");
    size_t base_len = strlen(base);
    buf not_in = BUF_INIT, missing = BUF_INIT, line = BUF_INIT;
    int rc = ddl_output_columns(ctx, columns, 1);
    rc = rc ? rc : buf_puts(&not_in, "Partitions not in metastore:");
    rc = rc ? rc : buf_puts(&missing, "Partitions missing from filesystem:");
    size_t not_in_len = not_in.len, missing_len = missing.len;
    for (size_t i = 0; rc == 0 && i < w->count; i++)
        if (!is_registered(by_key, w->found[i].values))
            rc = buf_printf(&not_in, "\t%s:%s", name, w->found[i].path);
    rc = rc ? rc : missing_from_filesystem(ctx, name, w->keys, by_key, &missing);
    if (rc == 0 && not_in.len > not_in_len)
        rc = ddl_output_row(ctx, (const char *const[]){buf_str(&not_in)}, 1);
    if (rc == 0 && missing.len > missing_len)
        rc = ddl_output_row(ctx, (const char *const[]){buf_str(&missing)}, 1);
    double now = ddl_now();
    for (size_t i = 0; rc == 0 && i < w->count; i++) {
        if (is_registered(by_key, w->found[i].values))
            continue;
        buf_reset(&line);
        rc = buf_printf(&line, "%s%s%s", base, base_len && base[base_len - 1] == '/' ? "" : "/",
                        w->found[i].path);
        json_t *partition = rc ? NULL : ddl_glue_partition(table, w->found[i].values,
                                                           buf_str(&line), ctx->account_id, now);
        store_status status = partition ? store_partition_create(ctx->st, db, name, partition)
                                        : STORE_ERROR;
        json_decref(partition);
        if (status != STORE_OK && status != STORE_EXISTS) {   /* added meanwhile: fine */
            rc = ddl_store_failure(ctx, "adding the partition");
            break;
        }
        buf_reset(&line);
        rc = buf_printf(&line, "Repair: Added partition to metastore %s:%s", name,
                        w->found[i].path);
        rc = rc ? rc : ddl_output_row(ctx, (const char *const[]){buf_str(&line)}, 1);
    }
    if (rc != 0 && !ctx->err->message[0])   /* a buffer could not grow */
        ddl_fail(ctx->err, 0, "out of memory");
    buf_free(&not_in);
    buf_free(&missing);
    buf_free(&line);
    return rc == 0 ? 0 : -1;
}

int ddl_exec_msck(ddl_context *ctx, const ddl_stmt *stmt)
{
    char db[DDL_MAX_NAME + 1];
    if (!ctx->s3_root)
        return ddl_fail(ctx->err, 0, "MSCK REPAIR TABLE needs the object store");
    json_t *table = ddl_load_table(ctx, ddl_target_database(ctx, stmt, db, sizeof db),
                                   stmt->name);
    if (!table)
        return -1;
    msck_walk w = {json_object_get(table, "PartitionKeys"), 0, NULL, 0, 0, ctx->err};
    w.key_count = json_array_size(w.keys);
    int rc = 0;
    json_t *by_key = NULL;
    if (ddl_is_view(table))
        rc = ddl_fail(ctx->err, 1, "%s.%s is a view, not a table", db, stmt->name);
    else if (w.key_count == 0)   /* nothing to repair: Hive only checks the folder */
        rc = ddl_output_nothing(ctx);
    else if ((rc = find_folders(ctx, table, db, &w)) == 0 &&
             (by_key = registered_by_key(ctx, db, stmt->name)) != NULL)
        rc = repair(ctx, table, db, &w, by_key);
    else
        rc = -1;
    json_decref(by_key);
    found_free(&w);
    json_decref(table);
    return rc;
}
