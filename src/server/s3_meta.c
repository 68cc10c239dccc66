/*
 * s3_meta.c: the ETag and stored headers of each object, cached in memory
 * in front of the metadata store (store_objects.h).
 *
 * Objects are plain files (a table's LOCATION, query results), and nothing
 * may sit beside them that a listing or a query would pick up, so there is
 * no sidecar file. An entry is keyed by the file's identity (device, inode)
 * and is valid only while its size and modification time are unchanged:
 * a file rewritten by anyone (the engine, another PUT, a user copying files
 * into the data dir) misses the cache and gets the MD5 of its content.
 *
 * What only a write knows (the ETag of a multipart object, "<md5 of part
 * md5s>-N", Content-Type, x-amz-meta-*, a full-object checksum) is also
 * persisted per (bucket, key) with the same fingerprint, so it survives a
 * restart. A cache miss reads that row (a row for another version of the
 * file does not count); with none, the MD5 is computed and recorded too, so
 * the next restart need not hash the file again. The hot path (a cached
 * entry) never touches SQLite, and a store failure on a read only means
 * computing the MD5 as if nothing were stored.
 *
 * The table is bounded: when full, entries that can be recomputed (plain
 * MD5s, and rows reloadable from the store) are dropped first, then
 * everything.
 */
#include "s3_internal.h"
#include "store_objects.h"

#include <jansson.h>
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

/* ---- the persisted rows ---- */

static store_object_fingerprint fingerprint_of(const struct stat *st)
{
    store_object_fingerprint fp = {(uint64_t)st->st_dev, (uint64_t)st->st_ino,
                                   (int64_t)st->st_size, (int64_t)st->st_mtim.tv_sec,
                                   (int64_t)st->st_mtim.tv_nsec};
    return fp;
}

/* What m holds besides its ETag, as JSON text: {"Headers": [[name, value],
 * ...], "ChecksumAlgorithm": ..., "Checksum": ...}. *out NULL when there is
 * nothing. 0, or -1 out of memory. */
static int extras_json(const s3_meta *m, char **out)
{
    *out = NULL;
    if (!m->headers_len && !m->checksum_alg[0])
        return 0;
    json_t *doc = json_object(), *headers = json_array();
    int rc = doc && headers && json_object_set(doc, "Headers", headers) == 0 ? 0 : -1;
    size_t pos = 0;
    const char *name, *value;
    while (rc == 0 && s3_meta_next_header(m, &pos, &name, &value))
        rc = json_array_append_new(headers, json_pack("[ss]", name, value));
    if (rc == 0 && m->checksum_alg[0])
        rc = json_object_set_new(doc, "ChecksumAlgorithm", json_string(m->checksum_alg)) ||
             json_object_set_new(doc, "Checksum", json_string(m->checksum));
    if (rc == 0 && !(*out = json_dumps(doc, JSON_COMPACT)))
        rc = -1;
    json_decref(headers);
    json_decref(doc);
    return rc;
}

static int copy_string(char *dst, size_t cap, const json_t *v)
{
    const char *s = json_string_value(v);
    if (!s || strlen(s) >= cap)
        return -1;
    memcpy(dst, s, strlen(s) + 1);
    return 0;
}

/* Fills m's headers and checksum from extras_json's text. 0, or -1 when
 * it is not what extras_json writes. */
static int parse_extras(const char *text, s3_meta *m)
{
    json_t *doc = json_loads(text, 0, NULL);
    json_t *headers = json_object_get(doc, "Headers");
    int rc = json_is_array(headers) ? 0 : -1;
    size_t i;
    json_t *pair;
    json_array_foreach(headers, i, pair) {
        const char *name = json_string_value(json_array_get(pair, 0));
        const char *value = json_string_value(json_array_get(pair, 1));
        if (rc == 0 && (!name || !value || s3_meta_add_header(m, name, value) != 0))
            rc = -1;
    }
    json_t *alg = json_object_get(doc, "ChecksumAlgorithm");
    if (rc == 0 && alg &&
        (copy_string(m->checksum_alg, sizeof m->checksum_alg, alg) != 0 ||
         copy_string(m->checksum, sizeof m->checksum, json_object_get(doc, "Checksum")) != 0))
        rc = -1;
    json_decref(doc);
    return rc;
}

/* The stored row of bucket/key into m, if it describes the file st: 1 if
 * found, 0 if not (or unusable). */
static int load_row(store *db, const char *bucket, const char *key, const struct stat *st,
                    s3_meta *m)
{
    if (!db || !bucket || !key)
        return 0;
    store_object_fingerprint fp = fingerprint_of(st);
    char *extras = NULL;
    if (store_object_get(db, bucket, key, &fp, m->etag, sizeof m->etag, &extras) != STORE_OK)
        return 0;
    int ok = !extras || parse_extras(extras, m) == 0;
    free(extras);
    if (!ok) { /* corrupt: as if absent */
        s3_meta_free(m);
        m->etag[0] = m->checksum_alg[0] = m->checksum[0] = '\0';
    }
    return ok;
}

int s3_meta_persist(store *db, const char *bucket, const char *key, const struct stat *st,
                    const s3_meta *m)
{
    if (!db)
        return 0;
    char *extras;
    if (extras_json(m, &extras) != 0)
        return -1;
    store_object_fingerprint fp = fingerprint_of(st);
    store_status status = store_object_put(db, bucket, key, &fp, m->etag, extras);
    free(extras);
    return status == STORE_OK ? 0 : -1;
}

void s3_meta_drop(store *db, const char *bucket, const char *key)
{
    if (db)
        (void)store_object_delete(db, bucket, key); /* a stale row never matches a file */
}

void s3_meta_drop_bucket(store *db, const char *bucket)
{
    if (db)
        (void)store_object_delete_bucket(db, bucket);
}

/* ---- reading ---- */

/* Caches m for st unless a newer entry for the file arrived meanwhile. */
static void cache_if_absent(const struct stat *st, const s3_meta *m)
{
    pthread_mutex_lock(&cache_lock);
    meta_entry **slot = find_slot(st);
    if (!*slot || !same_version(*slot, st))
        put_locked(st, m, 1);
    pthread_mutex_unlock(&cache_lock);
}

int s3_meta_get(store *db, const char *bucket, const char *key, int fd, const struct stat *st,
                s3_meta *m)
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
    if (load_row(db, bucket, key, st, m)) {
        cache_if_absent(st, m);
        return 0;
    }
    /* Not known: hashing is done without the lock, so readers of other
     * objects are not held up by a large file. */
    s3_digests d;
    if (s3_digest_fd(fd, 0, (uint64_t)st->st_size, S3_HASH_MD5, &d) != 0)
        return -1;
    memcpy(m->etag, d.md5_hex, sizeof d.md5_hex);
    cache_if_absent(st, m);
    if (db && bucket && key) { /* best effort: only saves hashing after a restart */
        store_object_fingerprint fp = fingerprint_of(st);
        (void)store_object_put_computed(db, bucket, key, &fp, m->etag);
    }
    return 0;
}
