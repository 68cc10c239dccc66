/*
 * metadata_cache.h: the client's in-memory TTL cache of Glue answers
 * (GetDatabase, GetTable, GetPartitions pages), keyed by a string that
 * names the operation and its inputs. Values are the parsed JSON responses,
 * shared by reference, so a hit costs a lookup and a decode but no request.
 *
 * Bounded by entry count and by an estimate of the memory the JSON holds;
 * the least recently used entry goes first. Not thread-safe: it belongs to
 * one athena_client, which is used by one thread at a time.
 */
#ifndef ATHENA_LIB_METADATA_CACHE_H
#define ATHENA_LIB_METADATA_CACHE_H

#include <jansson.h>
#include <stddef.h>

#define METADATA_CACHE_MAX_ENTRIES 4096
#define METADATA_CACHE_MAX_BYTES (32L * 1024 * 1024)

typedef struct metadata_cache metadata_cache;

/* Milliseconds of a monotonic clock; tests pass their own. */
typedef long long (*metadata_clock_fn)(void *user_data);

/* ttl_ms 0 means disabled (nothing is stored). clock NULL: the monotonic
 * clock. NULL when out of memory. */
metadata_cache *metadata_cache_new(long ttl_ms, size_t max_entries, size_t max_bytes,
                                   metadata_clock_fn clock, void *clock_user_data);
void metadata_cache_free(metadata_cache *cache);

/* Changes the TTL; 0 disables the cache and empties it. Entries already
 * stored keep the expiry they were given. */
void metadata_cache_set_ttl(metadata_cache *cache, long ttl_ms);
long metadata_cache_ttl(const metadata_cache *cache);

/* A new reference to the live value under key, or NULL (absent, expired,
 * or the cache is disabled). An expired entry is dropped on the way. */
json_t *metadata_cache_get(metadata_cache *cache, const char *key);

/* Stores a reference to value under key (replacing any), evicting the least
 * recently used entries to stay within bounds. A value larger than the
 * whole budget is not stored. 0, or -1 when out of memory (nothing stored). */
int metadata_cache_put(metadata_cache *cache, const char *key, json_t *value);

/* Drops every entry. */
void metadata_cache_clear(metadata_cache *cache);

/* Current number of entries and estimated bytes (for tests and debugging). */
size_t metadata_cache_count(const metadata_cache *cache);
size_t metadata_cache_bytes(const metadata_cache *cache);

/* A key from parts: each part is length-prefixed, so no part can be confused
 * with another whatever bytes the names hold. NULL parts are distinct from
 * "". Returns a malloc'ed string or NULL when out of memory. */
char *metadata_cache_key(const char *const *parts, size_t count);

#endif
