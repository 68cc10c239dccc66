/*
 * s3_list.c: ListBuckets, ListObjectsV2 and ListObjects (V1).
 *
 * A listing walks the bucket's folder tree from the deepest folder the
 * prefix names, collects the keys that match, sorts them by their bytes (as
 * S3 orders keys) and then applies the marker, the delimiter and max-keys.
 * Two shortcuts keep this cheap on big trees: a folder whose keys would all
 * roll up into one common prefix is not descended into (only checked for
 * something visible), and a folder whose keys all sort before the marker is
 * skipped. Temp files of atomic writes and symlinks are never listed; an
 * empty folder is the "dir/" placeholder object. The continuation token is
 * the hex of the last key or common prefix returned: the next page starts
 * after it.
 */
#define _GNU_SOURCE /* statx: a bucket's creation (birth) time */
#include "s3_internal.h"

#include "crypto.h"
#include "s3_xml.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct list_entry {
    char *key;          /* for a rolled-up folder, its common prefix */
    size_t len;
    int rollup;         /* a folder rolled up into the common prefix `key` */
    int folder;         /* an empty folder: the placeholder object "dir/" */
    struct stat st;
} list_entry;

typedef struct list_query {
    int v2;
    int url;                        /* encoding-type=url */
    int fetch_owner;
    int max_keys;
    const char *prefix;
    size_t prefix_len;
    const char *delimiter;
    size_t delimiter_len;
    const char *start_after;        /* V2 StartAfter, or V1 Marker */
    const char *token;              /* V2 ContinuationToken as sent */
    char marker[S3_KEY_MAX + 1];    /* list entries strictly after this */
} list_query;

typedef struct entry_list {
    list_entry *items;
    size_t count, cap;
} entry_list;

/* ---- collecting ---- */

static int add_entry(entry_list *l, const char *key, size_t len, int rollup, int folder,
                     const struct stat *st)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        list_entry *items = realloc(l->items, cap * sizeof *items);
        if (!items)
            return -1;
        l->items = items;
        l->cap = cap;
    }
    list_entry *e = &l->items[l->count];
    if (!(e->key = strndup(key, len)))
        return -1;
    e->len = len;
    e->rollup = rollup;
    e->folder = folder;
    e->st = *st;
    l->count++;
    return 0;
}

static void free_entries(entry_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        free(l->items[i].key);
    free(l->items);
}

static int starts_with(const char *s, size_t len, const char *prefix, size_t prefix_len)
{
    return len >= prefix_len && memcmp(s, prefix, prefix_len) == 0;
}

/* The common prefix key[0..len) rolls up into (its length), or 0. */
static size_t common_prefix_len(const list_query *q, const char *key, size_t len)
{
    if (!q->delimiter_len || !starts_with(key, len, q->prefix, q->prefix_len))
        return 0;
    const char *rest = key + q->prefix_len;
    size_t rest_len = len - q->prefix_len;
    for (size_t i = 0; i + q->delimiter_len <= rest_len; i++)
        if (memcmp(rest + i, q->delimiter, q->delimiter_len) == 0)
            return q->prefix_len + i + q->delimiter_len;
    return 0;
}

/* The kind of a directory entry, without following symlinks: 'f' a
 * regular file, 'd' a folder, 0 anything else (or a temp file). */
static int entry_kind(int dir_fd, const char *name, struct stat *st)
{
    if (atomic_file_is_temp_name(name, strlen(name)) ||
        fstatat(dir_fd, name, st, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;
    return S_ISREG(st->st_mode) ? 'f' : S_ISDIR(st->st_mode) ? 'd' : 0;
}

static int is_dot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* 1 if the folder is empty (a placeholder) or holds something listable. */
static int has_visible(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    struct dirent *e;
    int visible = 0, empty = 1;
    char child[S3_PATH_MAX];
    while (!visible && (e = readdir(d))) {
        if (is_dot(e->d_name))
            continue;
        empty = 0;
        struct stat st;
        int kind = entry_kind(dirfd(d), e->d_name, &st);
        if (kind == 'f')
            visible = 1;
        else if (kind == 'd' && snprintf(child, sizeof child, "%s/%s", path, e->d_name) <
                                    (int)sizeof child)
            visible = has_visible(child);
    }
    closedir(d);
    return visible || empty;
}

/* 1 if every key under the folder key dkey sorts at or before the marker. */
static int all_before_marker(const list_query *q, const char *dkey, size_t len)
{
    size_t mlen = strlen(q->marker);
    if (!mlen || starts_with(q->marker, mlen, dkey, len))
        return 0;
    int c = memcmp(dkey, q->marker, len < mlen ? len : mlen);
    return c < 0 || (c == 0 && len < mlen);
}

typedef struct walker {
    const list_query *q;
    entry_list *out;
    buf key;            /* the key prefix of the folder being walked */
    buf path;
} walker;

static int walk(walker *w);

static int visit_folder(walker *w, const struct stat *st)
{
    const list_query *q = w->q;
    const char *key = buf_str(&w->key);
    size_t len = w->key.len;
    if (!starts_with(key, len, q->prefix, q->prefix_len) &&
        !starts_with(q->prefix, q->prefix_len, key, len))
        return 0;
    if (all_before_marker(q, key, len))
        return 0;
    size_t cp = common_prefix_len(q, key, len);
    if (cp)
        return has_visible(buf_str(&w->path)) ? add_entry(w->out, key, cp, 1, 0, st) : 0;
    if (!s3_dir_is_empty(buf_str(&w->path)))
        return walk(w);
    return starts_with(key, len, q->prefix, q->prefix_len) ? add_entry(w->out, key, len, 0, 1, st)
                                                          : 0;
}

static int visit(walker *w, int dir_fd, const char *name)
{
    struct stat st;
    int kind = entry_kind(dir_fd, name, &st);
    if (!kind)
        return 0;
    size_t key_len = w->key.len, path_len = w->path.len;
    int rc = buf_puts(&w->key, name) || buf_putc(&w->path, '/') || buf_puts(&w->path, name);
    if (rc == 0 && kind == 'f') {
        if (starts_with(buf_str(&w->key), w->key.len, w->q->prefix, w->q->prefix_len))
            rc = add_entry(w->out, buf_str(&w->key), w->key.len, 0, 0, &st);
    } else if (rc == 0) {
        rc = buf_putc(&w->key, '/') || visit_folder(w, &st);
    }
    w->key.len = key_len;
    w->path.len = path_len;
    w->key.data[key_len] = '\0';
    w->path.data[path_len] = '\0';
    return rc ? -1 : 0;
}

static int walk(walker *w)
{
    DIR *d = opendir(buf_str(&w->path));
    if (!d)
        return errno == ENOENT || errno == ENOTDIR || errno == EACCES ? 0 : -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)))
        if (!is_dot(e->d_name))
            rc = visit(w, dirfd(d), e->d_name);
    closedir(d);
    return rc;
}
