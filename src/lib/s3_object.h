/*
 * s3_object.h: reading one S3 object: HeadObject, and GetObject of a byte
 * range streamed into a callback. A ranged read survives a dropped
 * connection: it asks again from the first byte not yet delivered, so the
 * callback sees every byte exactly once and in order. The fast result path
 * (results_s3.c) is built on these.
 */
#ifndef ATHENA_LIB_S3_OBJECT_H
#define ATHENA_LIB_S3_OBJECT_H

#include "transport.h"

#include <stdint.h>

/* What HeadObject tells about an object. */
typedef struct s3_object_info {
    uint64_t size;
    char etag[256]; /* as sent, quotes included; "" if the server sent none */
} s3_object_info;

/* HeadObject. A missing object is ATHENA_E_SERVICE with http_status 404
 * (HEAD answers carry no error document: the code is then "NoSuchKey"); a
 * denied one ATHENA_E_ACCESS_DENIED. */
athena_status s3_head_object(transport *t, const char *bucket, const char *key,
                             s3_object_info *out, athena_error *err);

/* Default for s3_get_range's max_resumes. */
#define S3_RANGE_MAX_RESUMES 16

/* Where the bytes of a ranged read go. */
typedef struct s3_range_sink {
    /* Takes up to len bytes and returns how many it took. Taking fewer ends
     * the current request: the read then stops (ATHENA_E_INTERRUPTED) if
     * *stop was set, else it pauses: it calls ready() and goes on with a new
     * request from the first byte not taken. Pausing is how a slow reader
     * avoids holding a connection open with nowhere to put its bytes. */
    size_t (*write)(void *user_data, const char *data, size_t len, int *stop);
    /* Called before every request; may block until the sink can take bytes
     * again. Nonzero stops the read (ATHENA_E_INTERRUPTED). NULL: always ready. */
    int (*ready)(void *user_data);
    void *user_data;
} s3_range_sink;

/* GetObject of bytes first..last (inclusive), each passed to the sink
 * exactly once, in order. etag (NULL or "" for none) is sent as If-Match, so
 * every range of a multi-part read comes from the same version of the
 * object (a changed object fails with PreconditionFailed). When a response
 * breaks off after delivering some bytes, the rest is requested again, at
 * most max_resumes times (a pause does not count). A server that ignores
 * Range (200 with the whole object) still works: the bytes outside the
 * range are skipped. */
athena_status s3_get_range(transport *t, const char *bucket, const char *key, const char *etag,
                           uint64_t first, uint64_t last, int max_resumes,
                           const s3_range_sink *sink, athena_error *err);

#endif
