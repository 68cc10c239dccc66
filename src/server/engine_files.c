/*
 * engine_files.c: the data files of a table, as Hive and Athena see them.
 *
 * A table is every object under its LOCATION prefix. Like Hive's input
 * formats we skip "hidden" names (starting with '.' or '_': _SUCCESS,
 * _temporary/, our own atomic-write temp files) at every depth, and empty
 * files, which readers would reject and which hold no rows. Symlinks are
 * never followed: the data directory holds only what our S3 API wrote, and a
 * link could point outside it. The list is sorted so that a view and its
 * fingerprint do not depend on readdir order.
 */
#include "engine_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Deeper than any real partition layout; stops runaway recursion. */
#define WALK_MAX_DEPTH 64

typedef struct walk_ctx {
    const char *const *partition_keys;
    size_t key_count;
    size_t root_len;             /* length of the root dir prefix in paths */
    table_files *out;
    char *why;
    size_t why_cap;
} walk_ctx;

static int is_hidden(const char *name)
{
    return name[0] == '.' || name[0] == '_';
}

static int add_file(table_files *out, const char *path, const struct stat *st)
{
    if (out->count == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 16;
        table_file *items = realloc(out->items, cap * sizeof *items);
        if (!items)
            return -1;
        out->items = items;
        out->cap = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return -1;
    out->items[out->count++] = (table_file){
        copy, (int64_t)st->st_size,
        (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec, (uint64_t)st->st_ino};
    out->total_bytes += (int64_t)st->st_size;
    return 0;
}

/* Whether the folders between the root and path name every partition key
 * as key=value (Hive's layout, which Athena's partition discovery reads). */
static int in_partition_folders(const walk_ctx *c, const char *path)
{
    const char *rel = path + c->root_len;
    const char *last_slash = strrchr(rel, '/');
    for (size_t k = 0; k < c->key_count; k++) {
        const char *key = c->partition_keys[k];
        size_t key_len = strlen(key);
        int found = 0;
        for (const char *seg = rel; seg && seg < last_slash && !found;) {
            while (*seg == '/')
                seg++;
            if (strncasecmp(seg, key, key_len) == 0 && seg[key_len] == '=')
                found = 1;
            seg = strchr(seg, '/');
        }
        if (!found)
            return 0;
    }
    return 1;
}

static int walk_dir(walk_ctx *c, buf *path, int depth);

static int visit_entry(walk_ctx *c, buf *path, int dir_fd, const char *name, int depth)
{
    struct stat st;
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;   /* removed meanwhile: not part of the table any more */
    size_t saved = path->len;
    if (buf_putc(path, '/') != 0 || buf_puts(path, name) != 0) {
        snprintf(c->why, c->why_cap, "out of memory");
        return -1;
    }
    int rc = 0;
    if (S_ISDIR(st.st_mode)) {
        rc = walk_dir(c, path, depth + 1);
    } else if (S_ISREG(st.st_mode) && st.st_size > 0 && in_partition_folders(c, path->data)) {
        rc = add_file(c->out, path->data, &st);
        if (rc != 0)
            snprintf(c->why, c->why_cap, "out of memory");
    }
    path->len = saved;
    path->data[saved] = '\0';
    return rc;
}

static int walk_dir(walk_ctx *c, buf *path, int depth)
{
    if (depth > WALK_MAX_DEPTH) {
        snprintf(c->why, c->why_cap, "the table location is nested deeper than %d folders",
                 WALK_MAX_DEPTH);
        return -1;
    }
    DIR *dir = opendir(path->data);
    if (!dir) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        snprintf(c->why, c->why_cap, "cannot list the table location: %s", strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *entry;
    while (rc == 0 && (entry = readdir(dir)) != NULL) {
        if (!is_hidden(entry->d_name))
            rc = visit_entry(c, path, dirfd(dir), entry->d_name, depth);
    }
    closedir(dir);
    return rc;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(((const table_file *)a)->path, ((const table_file *)b)->path);
}

int table_files_list(const char *dir, const char *const *partition_keys, size_t key_count,
                     table_files *out, char *why, size_t why_cap)
{
    memset(out, 0, sizeof *out);
    buf path = BUF_INIT;
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;   /* so that joined paths have single slashes */
    if (buf_append(&path, dir, len) != 0) {
        snprintf(why, why_cap, "out of memory");
        return -1;
    }
    walk_ctx c = {partition_keys, key_count, len, out, why, why_cap};
    int rc = walk_dir(&c, &path, 0);
    buf_free(&path);
    if (rc != 0) {
        table_files_free(out);
        return -1;
    }
    if (out->count > 1)
        qsort(out->items, out->count, sizeof *out->items, compare_paths);
    return 0;
}

void table_files_free(table_files *files)
{
    for (size_t i = 0; i < files->count; i++)
        free(files->items[i].path);
    free(files->items);
    memset(files, 0, sizeof *files);
}
