/*
 * s3_read.h: reading the start of an S3 object (GetObject with a Range),
 * e.g. to check that a data file or a query result file is readable
 * without downloading it. Included by athena.h; its conventions apply.
 */
#ifndef ATHENA_S3_READ_H
#define ATHENA_S3_READ_H

#include "athena/athena.h"

#ifdef __cplusplus
extern "C" {
#endif

/* GetObject of the first max_bytes bytes (at least 1) of s3://bucket/key.
 * *data (malloc'ed, NUL-terminated, free() it) receives them and *len their
 * count (less than max_bytes for a shorter object; an empty object gives
 * 0 bytes, not an error). Needs s3:GetObject. A missing object is
 * ATHENA_E_SERVICE with the client error code "NoSuchKey". */
ATHENA_API athena_status athena_s3_read(athena_client *client, const char *bucket,
                                        const char *key, size_t max_bytes, char **data,
                                        size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* ATHENA_S3_READ_H */
