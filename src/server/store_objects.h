/*
 * store_objects.h: what athena-local knows about each S3 object beyond its
 * bytes (its ETag and the headers a write stored with it), persisted in the
 * metadata store (store.h) so that it survives a restart.
 *
 * A row is keyed by (bucket, key) and carries the fingerprint of the file it
 * describes (device, inode, size, modification time). The file may be
 * rewritten behind S3's back (the engine, CTAS, a user copying files into
 * the data dir), so a row counts only while the fingerprint still matches
 * the file: store_object_get answers STORE_NOT_FOUND otherwise.
 *
 * s3_meta.c keeps its in-memory cache in front of this table; these
 * functions are only reached on a cache miss and on writes and deletes.
 */
#ifndef ATHENA_SERVER_STORE_OBJECTS_H
#define ATHENA_SERVER_STORE_OBJECTS_H

#include "store.h"

#include <stdint.h>

/* The identity and version of an object's file, from stat(2). */
typedef struct store_object_fingerprint {
    uint64_t dev;
    uint64_t ino;
    int64_t size;
    int64_t mtime_sec;
    int64_t mtime_nsec;
} store_object_fingerprint;

/* Records (replacing any previous row) the ETag and the stored headers
 * (JSON text, may be NULL for none) of bucket/key as the file fp. */
store_status store_object_put(store *st, const char *bucket, const char *key,
                              const store_object_fingerprint *fp, const char *etag,
                              const char *headers_json);
/* Records the MD5 computed from the content of bucket/key (file fp) so a
 * restart need not hash it again. Unlike store_object_put it replaces a row
 * a write recorded (stored headers or a multipart ETag) only when fp is a
 * later file (mtime): a reader that hashed the old version must not
 * overwrite what a concurrent PUT recorded for the new one. */
store_status store_object_put_computed(store *st, const char *bucket, const char *key,
                                       const store_object_fingerprint *fp, const char *md5_hex);
/* The ETag (into etag, etag_cap bytes) and stored headers (*headers_json,
 * malloc'd, NULL when none) of bucket/key, when its row describes the file
 * fp. STORE_NOT_FOUND when there is no row or it is for another version. */
store_status store_object_get(store *st, const char *bucket, const char *key,
                              const store_object_fingerprint *fp, char *etag, size_t etag_cap,
                              char **headers_json);
/* Forgets bucket/key (absent is fine). */
store_status store_object_delete(store *st, const char *bucket, const char *key);
/* Forgets every object of bucket (the bucket was deleted). */
store_status store_object_delete_bucket(store *st, const char *bucket);

#endif
