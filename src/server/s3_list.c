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

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct list_entry {
    char *key; /* for a rolled-up folder, its common prefix */
    size_t len;
    int rollup; /* a folder rolled up into the common prefix `key` */
    int folder; /* an empty folder: the placeholder object "dir/" */
    struct stat st;
} list_entry;

typedef struct list_query {
    int v2;
    int url; /* encoding-type=url */
    int fetch_owner;
    int max_keys;
    const char *prefix;
    size_t prefix_len;
    const char *delimiter;
    size_t delimiter_len;
    const char *start_after;     /* V2 StartAfter, or V1 Marker */
    const char *token;           /* V2 ContinuationToken as sent */
    char marker[S3_KEY_MAX + 1]; /* list entries strictly after this */
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
        else if (kind == 'd' &&
                 snprintf(child, sizeof child, "%s/%s", path, e->d_name) < (int)sizeof child)
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
    buf key; /* the key prefix of the folder being walked */
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

/* Collects the entries of the bucket folder dir that the query can list. */
static int collect(s3_request *r, const list_query *q, const char *dir, entry_list *out)
{
    const char *slash = NULL;
    for (size_t i = 0; i < q->prefix_len; i++)
        if (q->prefix[i] == '/')
            slash = q->prefix + i;
    size_t start_len = slash ? (size_t)(slash - q->prefix) + 1 : 0;
    walker w = {q, out, BUF_INIT, BUF_INIT};
    char start[S3_PATH_MAX], start_key[S3_KEY_MAX + 1];
    struct stat st;
    int rc = 0;
    snprintf(start, sizeof start, "%s", dir);
    if (start_len) {
        /* No stored key can lie under a prefix folder that is not a valid key path. */
        snprintf(start_key, sizeof start_key, "%.*s", (int)start_len, q->prefix);
        if (s3_object_path(r->s->s3_root, r->bucket, start_key, start, sizeof start) != 0)
            return 0;
        start[strlen(start) - 1] = '\0';
    }
    if (!s3_path_is_inside(r->s->s3_root, start) || lstat(start, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    if (start_len && s3_dir_is_empty(start))
        return start_len == q->prefix_len ? add_entry(out, q->prefix, start_len, 0, 1, &st) : 0;
    if (buf_append(&w.key, q->prefix, start_len) || buf_puts(&w.path, start))
        rc = -1;
    else
        rc = walk(&w);
    buf_free(&w.key);
    buf_free(&w.path);
    return rc;
}

static int compare_entries(const void *a, const void *b)
{
    const list_entry *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* ---- the query ---- */

static int parse_max_keys(const char *s, int *out)
{
    *out = S3_MAX_LIST_KEYS;
    if (!s)
        return 0;
    size_t n = strlen(s);
    if (n == 0 || n > 9 || strspn(s, "0123456789") != n)
        return -1;
    long v = strtol(s, NULL, 10);
    *out = v > S3_MAX_LIST_KEYS ? S3_MAX_LIST_KEYS : (int)v;
    return 0;
}

static int decode_token(const char *token, char *out, size_t cap)
{
    size_t n = strlen(token);
    if (n == 0 || n % 2 || n / 2 >= cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (!isxdigit((unsigned char)token[2 * i]) || !isxdigit((unsigned char)token[2 * i + 1]) ||
            sscanf(token + 2 * i, "%2x", &v) != 1 || v == 0)
            return -1;
        out[i] = (char)v;
    }
    out[n / 2] = '\0';
    return 0;
}

static int parse_query(s3_request *r, int v2, list_query *q)
{
    memset(q, 0, sizeof *q);
    q->v2 = v2;
    const char *encoding = s3_param(r, "encoding-type");
    const char *fetch_owner = s3_param(r, "fetch-owner");
    q->prefix = s3_param(r, "prefix") ? s3_param(r, "prefix") : "";
    q->delimiter = s3_param(r, "delimiter") ? s3_param(r, "delimiter") : "";
    q->prefix_len = strlen(q->prefix);
    q->delimiter_len = strlen(q->delimiter);
    q->fetch_owner = !v2 || (fetch_owner && strcmp(fetch_owner, "true") == 0);
    q->start_after = s3_param(r, v2 ? "start-after" : "marker");
    q->token = v2 ? s3_param(r, "continuation-token") : NULL;
    if (encoding && strcmp(encoding, "url") != 0) {
        s3_error(r, 400, "InvalidArgument", "Invalid Encoding Method specified in Request");
        return -1;
    }
    q->url = encoding != NULL;
    if (parse_max_keys(s3_param(r, "max-keys"), &q->max_keys) != 0) {
        s3_error(r, 400, "InvalidArgument",
                 "Provided max-keys not an integer or within integer range");
        return -1;
    }
    if (q->token && decode_token(q->token, q->marker, sizeof q->marker) != 0) {
        s3_error(r, 400, "InvalidArgument", "The continuation token provided is incorrect");
        return -1;
    }
    if (!q->token && q->start_after)
        snprintf(q->marker, sizeof q->marker, "%s", q->start_after);
    return 0;
}

/* ---- the answer ---- */

typedef struct page {
    buf contents;
    buf prefixes;
    size_t count;
    int truncated;
    char last[S3_KEY_MAX + 1]; /* the last key or common prefix written */
} page;

static int write_contents(s3_request *r, const list_query *q, const list_entry *e, buf *b)
{
    s3_meta m = S3_META_INIT;
    int fd = -1;
    if (!e->folder) {
        char path[S3_PATH_MAX];
        if (s3_object_path(r->s->s3_root, r->bucket, e->key, path, sizeof path) != 0 ||
            (fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)) < 0)
            return 1; /* deleted since the walk: not listed */
    }
    int rc = s3_meta_get(r->s->store, r->bucket, e->key, fd, &e->st, &m);
    if (fd >= 0)
        close(fd);
    if (rc != 0)
        return 1;
    char date[40], etag[S3_ETAG_MAX + 2], owner[65];
    s3_iso_date(&e->st.st_mtim, date);
    snprintf(etag, sizeof etag, "\"%s\"", m.etag);
    s3_meta_free(&m);
    rc = s3_xml_open(b, "Contents") || s3_xml_key(b, "Key", e->key, e->len, q->url) ||
         s3_xml_text(b, "LastModified", date) || s3_xml_text(b, "ETag", etag) ||
         s3_xml_int(b, "Size", e->folder ? 0 : (int64_t)e->st.st_size) ||
         s3_xml_text(b, "StorageClass", "STANDARD");
    if (rc == 0 && q->fetch_owner) {
        s3_owner_id(r->s, owner);
        rc = s3_xml_open(b, "Owner") || s3_xml_text(b, "ID", owner) ||
             s3_xml_text(b, "DisplayName", "athena-local") || s3_xml_close(b, "Owner");
    }
    return rc || s3_xml_close(b, "Contents") ? -1 : 0;
}

static int write_prefix(const list_query *q, const char *name, size_t len, buf *b)
{
    return s3_xml_open(b, "CommonPrefixes") || s3_xml_key(b, "Prefix", name, len, q->url) ||
                   s3_xml_close(b, "CommonPrefixes")
               ? -1
               : 0;
}

/* Applies the marker, the delimiter and max-keys to the sorted entries. */
static int fill_page(s3_request *r, const list_query *q, const entry_list *l, page *p)
{
    size_t marker_len = strlen(q->marker), last_len = 0;
    int have_last = 0;
    for (size_t i = 0; i < l->count; i++) {
        const list_entry *e = &l->items[i];
        size_t cp = e->rollup ? e->len : common_prefix_len(q, e->key, e->len);
        size_t name_len = cp ? cp : e->len;
        list_entry probe = {e->key, name_len, 0, 0, e->st};
        list_entry marker = {(char *)q->marker, marker_len, 0, 0, e->st};
        if (marker_len && compare_entries(&probe, &marker) <= 0)
            continue;
        if (have_last && last_len == name_len && memcmp(p->last, e->key, name_len) == 0)
            continue; /* the same common prefix again */
        if (p->count >= (size_t)q->max_keys) {
            p->truncated = 1;
            break;
        }
        int rc =
            cp ? write_prefix(q, e->key, cp, &p->prefixes) : write_contents(r, q, e, &p->contents);
        if (rc < 0)
            return -1;
        if (rc > 0)
            continue;
        memcpy(p->last, e->key, name_len);
        p->last[name_len] = '\0';
        last_len = name_len;
        have_last = 1;
        p->count++;
    }
    return 0;
}

static int write_header(s3_request *r, const list_query *q, const page *p, buf *b)
{
    int rc =
        s3_xml_text(b, "Name", r->bucket) ||
        s3_xml_key(b, "Prefix", q->prefix, q->prefix_len, q->url) ||
        (q->delimiter_len && s3_xml_key(b, "Delimiter", q->delimiter, q->delimiter_len, q->url)) ||
        s3_xml_int(b, "MaxKeys", q->max_keys) ||
        (q->url && s3_xml_text(b, "EncodingType", "url")) ||
        s3_xml_bool(b, "IsTruncated", p->truncated);
    if (rc)
        return -1;
    if (!q->v2) {
        return s3_xml_key(b, "Marker", q->marker, strlen(q->marker), q->url) ||
                       (p->truncated &&
                        s3_xml_key(b, "NextMarker", p->last, strlen(p->last), q->url))
                   ? -1
                   : 0;
    }
    rc = s3_xml_int(b, "KeyCount", (int64_t)p->count) ||
         (q->token && s3_xml_text(b, "ContinuationToken", q->token)) ||
         (q->start_after &&
          s3_xml_key(b, "StartAfter", q->start_after, strlen(q->start_after), q->url));
    if (rc == 0 && p->truncated) {
        size_t n = strlen(p->last);
        char *token = malloc(2 * n + 1);
        rc = !token;
        if (token) {
            hex_encode((const unsigned char *)p->last, n, token);
            rc = s3_xml_text(b, "NextContinuationToken", token);
            free(token);
        }
    }
    return rc ? -1 : 0;
}

void s3_list_objects(s3_request *r, int v2)
{
    char dir[S3_PATH_MAX];
    list_query q;
    entry_list l = {NULL, 0, 0};
    page p;
    memset(&p, 0, sizeof p);
    if (s3_bucket_dir(r, r->bucket, dir, sizeof dir) != 0 || parse_query(r, v2, &q) != 0)
        return;
    int rc = collect(r, &q, dir, &l);
    if (rc == 0) {
        if (l.count > 1)
            qsort(l.items, l.count, sizeof *l.items, compare_entries);
        rc = fill_page(r, &q, &l, &p);
    }
    if (rc == 0 && s3_xml_response(r, "ListBucketResult") == 0) {
        buf *b = &r->resp->body;
        if (write_header(r, &q, &p, b) || buf_append(b, buf_str(&p.contents), p.contents.len) ||
            buf_append(b, buf_str(&p.prefixes), p.prefixes.len) ||
            s3_xml_close(b, "ListBucketResult"))
            s3_error_oom(r);
    } else if (rc != 0) {
        s3_error(r, 500, "InternalError", "The bucket could not be listed.");
    }
    free_entries(&l);
    buf_free(&p.contents);
    buf_free(&p.prefixes);
}

/* ---- ListBuckets ---- */

static struct timespec creation_time(int dir_fd, const char *name, const struct stat *st)
{
    struct statx sx;
    if (statx(dir_fd, name, AT_SYMLINK_NOFOLLOW, STATX_BTIME, &sx) == 0 &&
        (sx.stx_mask & STATX_BTIME)) {
        struct timespec t = {sx.stx_btime.tv_sec, sx.stx_btime.tv_nsec};
        return t;
    }
    return st->st_mtim;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(((const list_entry *)a)->key, ((const list_entry *)b)->key);
}

void s3_list_buckets(s3_request *r)
{
    entry_list l = {NULL, 0, 0};
    DIR *d = opendir(r->s->s3_root);
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && d && (e = readdir(d))) {
        struct stat st;
        if (!s3_bucket_valid(e->d_name) ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode))
            continue;
        st.st_mtim = creation_time(dirfd(d), e->d_name, &st);
        rc = add_entry(&l, e->d_name, strlen(e->d_name), 0, 0, &st);
    }
    if (d)
        closedir(d);
    if (l.count > 1)
        qsort(l.items, l.count, sizeof *l.items, compare_names);
    char owner[65], date[40];
    s3_owner_id(r->s, owner);
    if (rc == 0 && s3_xml_response(r, "ListAllMyBucketsResult") == 0) {
        buf *b = &r->resp->body;
        rc = s3_xml_open(b, "Owner") || s3_xml_text(b, "ID", owner) ||
             s3_xml_text(b, "DisplayName", "athena-local") || s3_xml_close(b, "Owner") ||
             s3_xml_open(b, "Buckets");
        for (size_t i = 0; rc == 0 && i < l.count; i++) {
            s3_iso_date(&l.items[i].st.st_mtim, date);
            rc = s3_xml_open(b, "Bucket") || s3_xml_text(b, "Name", l.items[i].key) ||
                 s3_xml_text(b, "CreationDate", date) || s3_xml_close(b, "Bucket");
        }
        if (rc || s3_xml_close(b, "Buckets") || s3_xml_close(b, "ListAllMyBucketsResult"))
            s3_error_oom(r);
    } else if (rc != 0) {
        s3_error_oom(r);
    }
    free_entries(&l);
}
