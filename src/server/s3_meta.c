/*
 * s3_meta.c: the ETag and stored headers of each object, cached in memory.
 *
 * Objects are plain files (a table's LOCATION, query results), and nothing
 * may sit beside them that a listing or a query would pick up, so there is
 * no sidecar file. An entry is keyed by the file's identity (device, inode)
 * and is valid only while its size and modification time are unchanged:
 * a file rewritten by anyone (the engine, another PUT, a user copying files
 * into the data dir) misses the cache and gets the MD5 of its content.
 *
 * What only a write knows survives as long as the process: the ETag of a
 * multipart object ("<md5 of part md5s>-N"), Content-Type and x-amz-meta-*.
 * After a restart such an object reads back with the MD5 of its content as
 * ETag and application/octet-stream; its bytes are of course unchanged.
 *
 * The table is bounded: when full, entries that can be recomputed (plain
 * MD5s) are dropped first, then everything.
 */
#include "s3_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_BUCKETS 4096u
#define MAX_ENTRIES 200000u

typedef struct meta_entry {
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    int recomputable; /* only an MD5 of the content */
    s3_meta meta;
    struct meta_entry *next;
} meta_entry;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static meta_entry *table[TABLE_BUCKETS];
static size_t entry_count;

/* ---- stored headers ---- */

int s3_meta_add_header(s3_meta *m, const char *name, const char *value)
{
    size_t nlen = strlen(name), vlen = strlen(value);
    char *grown = realloc(m->headers, m->headers_len + nlen + vlen + 2);
    if (!grown)
        return -1;
    m->headers = grown;
    char *p = grown + m->headers_len;
    for (size_t i = 0; i < nlen; i++)
        p[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] - 'A' + 'a' : name[i]);
    p[nlen] = '\0';
    memcpy(p + nlen + 1, value, vlen + 1);
    m->headers_len += nlen + vlen + 2;
    return 0;
}

int s3_meta_next_header(const s3_meta *m, size_t *pos, const char **name, const char **value)
{
    if (!m->headers || *pos >= m->headers_len)
        return 0;
    *name = m->headers + *pos;
    *value = *name + strlen(*name) + 1;
    *pos += strlen(*name) + strlen(*value) + 2;
    return 1;
}

int s3_meta_copy_headers(s3_meta *dst, const s3_meta *src)
{
    free(dst->headers);
    dst->headers = NULL;
    dst->headers_len = 0;
    if (src->headers_len) {
        if (!(dst->headers = malloc(src->headers_len)))
            return -1;
        memcpy(dst->headers, src->headers, src->headers_len);
        dst->headers_len = src->headers_len;
    }
    memcpy(dst->checksum_alg, src->checksum_alg, sizeof dst->checksum_alg);
    memcpy(dst->checksum, src->checksum, sizeof dst->checksum);
    return 0;
}

void s3_meta_free(s3_meta *m)
{
    free(m->headers);
    m->headers = NULL;
    m->headers_len = 0;
}

static int copy_meta(s3_meta *dst, const s3_meta *src)
{
    memcpy(dst->etag, src->etag, sizeof dst->etag);
    dst->headers = NULL;
    dst->headers_len = 0;
    return s3_meta_copy_headers(dst, src);
}

/* ---- the table ---- */

static size_t bucket_of(dev_t dev, ino_t ino)
{
    uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15u ^ (uint64_t)dev;
    return (size_t)(h >> 40) % TABLE_BUCKETS;
}

static int same_version(const meta_entry *e, const struct stat *st)
{
    return e->size == st->st_size && e->mtime.tv_sec == st->st_mtim.tv_sec &&
           e->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* The entry of st's file (any version), and the link pointing at it. */
static meta_entry **find_slot(const struct stat *st)
{
    meta_entry **slot = &table[bucket_of(st->st_dev, st->st_ino)];
    while (*slot && ((*slot)->dev != st->st_dev || (*slot)->ino != st->st_ino))
        slot = &(*slot)->next;
    return slot;
}

static void free_entry(meta_entry *e)
{
    s3_meta_free(&e->meta);
    free(e);
}

/* Drops recomputable entries, or every entry when keep_written is 0. */
static void evict(int keep_written)
{
    for (size_t b = 0; b < TABLE_BUCKETS; b++) {
        meta_entry **slot = &table[b];
        while (*slot) {
            meta_entry *e = *slot;
            if (keep_written && !e->recomputable) {
                slot = &e->next;
                continue;
            }
            *slot = e->next;
            free_entry(e);
            entry_count--;
        }
    }
}

static void put_locked(const struct stat *st, const s3_meta *m, int recomputable)
{
    meta_entry **slot = find_slot(st);
    if (*slot) {
        meta_entry *old = *slot;
        *slot = old->next;
        free_entry(old);
        entry_count--;
    }
    if (entry_count >= MAX_ENTRIES) {
        evict(1);
        if (entry_count >= MAX_ENTRIES)
            evict(0);
        slot = find_slot(st);
    }
    meta_entry *e = calloc(1, sizeof *e);
    if (!e)
        return; /* a cache: the next read recomputes */
    if (copy_meta(&e->meta, m) != 0) {
        free(e);
        return;
    }
    e->dev = st->st_dev;
    e->ino = st->st_ino;
    e->size = st->st_size;
    e->mtime = st->st_mtim;
    e->recomputable = recomputable;
    e->next = *slot;
    *slot = e;
    entry_count++;
}

void s3_meta_put(const struct stat *st, const s3_meta *m)
{
    pthread_mutex_lock(&cache_lock);
    put_locked(st, m, 0);
    pthread_mutex_unlock(&cache_lock);
}

void s3_meta_forget(const struct stat *st)
{
    pthread_mutex_lock(&cache_lock);
    meta_entry **slot = find_slot(st);
    if (*slot) {
        meta_entry *e = *slot;
        *slot = e->next;
        free_entry(e);
        entry_count--;
    }
    pthread_mutex_unlock(&cache_lock);
}

void s3_meta_clear(void)
{
    pthread_mutex_lock(&cache_lock);
    evict(0);
    pthread_mutex_unlock(&cache_lock);
}

/* 1 if found (m filled), 0 if not, -1 out of memory. */
static int lookup(const struct stat *st, s3_meta *m)
{
    pthread_mutex_lock(&cache_lock);
    meta_entry **slot = find_slot(st);
    int rc = 0;
    if (*slot && same_version(*slot, st))
        rc = copy_meta(m, &(*slot)->meta) == 0 ? 1 : -1;
    pthread_mutex_unlock(&cache_lock);
    return rc;
}

int s3_meta_get(int fd, const struct stat *st, s3_meta *m)
{
    s3_meta fresh = S3_META_INIT;
    *m = fresh;
    if (fd < 0) { /* a folder placeholder: always empty */
        snprintf(m->etag, sizeof m->etag, "d41d8cd98f00b204e9800998ecf8427e");
        return 0;
    }
    int found = lookup(st, m);
    if (found != 0)
        return found > 0 ? 0 : -1;
    /* Not cached: hashing is done without the lock, so readers of other
     * objects are not held up by a large file. */
    s3_digests d;
    if (s3_digest_fd(fd, 0, (uint64_t)st->st_size, S3_HASH_MD5, &d) != 0)
        return -1;
    memcpy(m->etag, d.md5_hex, sizeof d.md5_hex);
    pthread_mutex_lock(&cache_lock);
    meta_entry **slot = find_slot(st);
    if (!*slot || !same_version(*slot, st))
        put_locked(st, m, 1);
    pthread_mutex_unlock(&cache_lock);
    return 0;
}
