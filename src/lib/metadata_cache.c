/*
 * metadata_cache.c: a TTL + LRU cache of JSON values by string key (see
 * metadata_cache.h). A chained hash table finds entries; a doubly linked
 * list in recency order (most recent at the head) decides evictions.
 */
#include "metadata_cache.h"

#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BUCKETS 1024 /* power of two; chains stay short up to the entry bound */
#define ENTRY_OVERHEAD 96

typedef struct entry {
    char *key;
    json_t *value;
    size_t bytes;
    long long expires_ms;
    struct entry *chain;          /* next in the bucket */
    struct entry *newer, *older;  /* recency list */
} entry;

struct metadata_cache {
    long ttl_ms;
    size_t max_entries;
    size_t max_bytes;
    metadata_clock_fn clock;
    void *clock_user_data;
    entry *buckets[BUCKETS];
    entry *newest, *oldest;
    size_t count;
    size_t bytes;
};

static long long monotonic_ms(void *unused)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

metadata_cache *metadata_cache_new(long ttl_ms, size_t max_entries, size_t max_bytes,
                                   metadata_clock_fn clock, void *clock_user_data)
{
    metadata_cache *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->ttl_ms = ttl_ms > 0 ? ttl_ms : 0;
    c->max_entries = max_entries ? max_entries : METADATA_CACHE_MAX_ENTRIES;
    c->max_bytes = max_bytes ? max_bytes : (size_t)METADATA_CACHE_MAX_BYTES;
    c->clock = clock ? clock : monotonic_ms;
    c->clock_user_data = clock_user_data;
    return c;
}

/* FNV-1a: fast, and keys are ours, not an attacker's. */
static size_t bucket_of(const char *key)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (size_t)(h & (BUCKETS - 1));
}

/* A rough size of what a JSON value keeps in memory, so a few huge
 * GetPartitions pages cannot pin unbounded memory. */
static size_t json_footprint(const json_t *v)
{
    size_t n = 48;
    if (json_is_string(v))
        return n + json_string_length(v);
    if (json_is_array(v)) {
        for (size_t i = 0; i < json_array_size(v); i++)
            n += 8 + json_footprint(json_array_get(v, i));
    } else if (json_is_object(v)) {
        const char *key;
        json_t *member;
        json_object_foreach((json_t *)v, key, member)
            n += 32 + strlen(key) + json_footprint(member);
    }
    return n;
}

static void unlink_recency(metadata_cache *c, entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void push_newest(metadata_cache *c, entry *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (!c->oldest)
        c->oldest = e;
}

/* Unlinks e from its bucket and the recency list, and frees it. */
static void remove_entry(metadata_cache *c, entry *e)
{
    entry **slot = &c->buckets[bucket_of(e->key)];
    while (*slot != e)
        slot = &(*slot)->chain;
    *slot = e->chain;
    unlink_recency(c, e);
    c->count--;
    c->bytes -= e->bytes;
    json_decref(e->value);
    free(e->key);
    free(e);
}

static entry *find(const metadata_cache *c, const char *key)
{
    for (entry *e = c->buckets[bucket_of(key)]; e; e = e->chain)
        if (strcmp(e->key, key) == 0)
            return e;
    return NULL;
}

json_t *metadata_cache_get(metadata_cache *c, const char *key)
{
    if (!c || c->ttl_ms <= 0 || !key)
        return NULL;
    entry *e = find(c, key);
    if (!e)
        return NULL;
    if (c->clock(c->clock_user_data) >= e->expires_ms) {
        remove_entry(c, e);
        return NULL;
    }
    unlink_recency(c, e);
    push_newest(c, e);
    return json_incref(e->value);
}

/* Makes room for one more entry of `bytes`: expired entries are not
 * special-cased, the least recently used simply go first. */
static void evict_for(metadata_cache *c, size_t bytes)
{
    while (c->oldest && (c->count + 1 > c->max_entries || c->bytes + bytes > c->max_bytes))
        remove_entry(c, c->oldest);
}

int metadata_cache_put(metadata_cache *c, const char *key, json_t *value)
{
    if (!c || c->ttl_ms <= 0 || !key || !value)
        return 0;
    entry *old = find(c, key);
    if (old)
        remove_entry(c, old);
    size_t bytes = ENTRY_OVERHEAD + strlen(key) + json_footprint(value);
    if (bytes > c->max_bytes)
        return 0;
    entry *e = calloc(1, sizeof *e);
    if (!e || !(e->key = strdup(key))) {
        free(e);
        return -1;
    }
    evict_for(c, bytes);
    e->value = json_incref(value);
    e->bytes = bytes;
    e->expires_ms = c->clock(c->clock_user_data) + c->ttl_ms;
    size_t b = bucket_of(key);
    e->chain = c->buckets[b];
    c->buckets[b] = e;
    push_newest(c, e);
    c->count++;
    c->bytes += bytes;
    return 0;
}

void metadata_cache_clear(metadata_cache *c)
{
    while (c && c->oldest)
        remove_entry(c, c->oldest);
}

void metadata_cache_set_ttl(metadata_cache *c, long ttl_ms)
{
    if (!c)
        return;
    c->ttl_ms = ttl_ms > 0 ? ttl_ms : 0;
    if (c->ttl_ms == 0)
        metadata_cache_clear(c);
}

long metadata_cache_ttl(const metadata_cache *c)
{
    return c ? c->ttl_ms : 0;
}

void metadata_cache_free(metadata_cache *c)
{
    metadata_cache_clear(c);
    free(c);
}

size_t metadata_cache_count(const metadata_cache *c)
{
    return c ? c->count : 0;
}

size_t metadata_cache_bytes(const metadata_cache *c)
{
    return c ? c->bytes : 0;
}

char *metadata_cache_key(const char *const *parts, size_t count)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < count; i++) {
        int rc = parts[i] ? buf_printf(&b, "%zu:%s|", strlen(parts[i]), parts[i])
                          : buf_puts(&b, "-|");
        if (rc != 0) {
            buf_free(&b);
            return NULL;
        }
    }
    return buf_detach(&b);
}
