/*
 * s3.h: libathena's private view of the S3 listings (s3_list.c): decoding
 * ListObjectsV2 and ListBuckets answers, and the addressing rules, kept
 * callable without a network so recorded answers can be unit-tested.
 */
#ifndef ATHENA_LIB_S3_H
#define ATHENA_LIB_S3_H

#include "internal.h"

#include <stddef.h>

/* Decodes a ListBucketResult document. When it says
 * <EncodingType>url</EncodingType>, keys, prefixes, the delimiter and
 * start-after are percent-decoded ('+' is a space). A malformed document,
 * a bad escape or a key decoding to a NUL byte is ATHENA_E_PROTOCOL. */
athena_status s3_parse_list_objects(const char *xml, size_t len, athena_s3_listing **out,
                                    athena_error *err);

/* Decodes a ListAllMyBucketsResult document. */
athena_status s3_parse_list_buckets(const char *xml, size_t len, athena_s3_bucket_list **out,
                                    athena_error *err);

/* Nonzero if the endpoint URL's host is an AWS one (*.amazonaws.com,
 * *.amazonaws.com.cn), where buckets are addressed as virtual hosts. */
int s3_endpoint_is_aws(const char *endpoint_url);

/* Nonzero if the bucket can be a DNS label under TLS: 3 to 63 of a-z 0-9 -,
 * starting and ending with a letter or digit (no dots: they would break
 * the wildcard certificate). Other buckets go path-style. */
int s3_bucket_is_virtual_host_compatible(const char *bucket);

/* "2024-05-01T12:00:00.000Z" to epoch seconds; 0 if it does not parse. */
double s3_time_epoch(const char *iso8601);

#endif
