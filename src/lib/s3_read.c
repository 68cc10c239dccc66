/*
 * s3_read.c: athena_s3_read (athena/s3_read.h): HeadObject for the size,
 * then one ranged GetObject of the first bytes, on top of s3_object.c.
 */
#include "client.h"

#include "athena/s3_read.h"
#include "s3_object.h"

#include <stdlib.h>
#include <string.h>

typedef struct read_buffer {
    buf data;
    size_t max;
} read_buffer;

static size_t take_bytes(void *user_data, const char *data, size_t len, int *stop)
{
    read_buffer *b = user_data;
    size_t room = b->max - b->data.len;
    size_t n = len < room ? len : room;
    if (buf_append(&b->data, data, n) != 0) {
        *stop = 1;
        return 0;
    }
    return n;
}

athena_status athena_s3_read(athena_client *c, const char *bucket, const char *key,
                             size_t max_bytes, char **data, size_t *len)
{
    error_clear(&c->error);
    *data = NULL;
    *len = 0;
    if (!bucket || !bucket[0] || !key || !key[0] || max_bytes == 0)
        return error_set(&c->error, ATHENA_E_ARG, "bucket, key and max_bytes are required");
    s3_object_info info;
    athena_status st = s3_head_object(c->transport, bucket, key, &info, &c->error);
    if (st != ATHENA_OK)
        return st;
    read_buffer b = {BUF_INIT, max_bytes};
    if (info.size > 0) {
        uint64_t last = (info.size < max_bytes ? info.size : max_bytes) - 1;
        s3_range_sink sink = {take_bytes, NULL, &b};
        st = s3_get_range(c->transport, bucket, key, info.etag, 0, last, S3_RANGE_MAX_RESUMES,
                          &sink, &c->error);
    }
    size_t got = b.data.len;
    if (st == ATHENA_OK && !(*data = buf_detach(&b.data)))
        st = error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    if (st == ATHENA_OK)
        *len = got;
    buf_free(&b.data);
    return st;
}
