/*
 * s3_internal.h: what the files of athena-local's S3 API share.
 *
 *   s3_api.c        request parsing (path- and virtual-host style), dispatch,
 *                   errors, response helpers
 *   s3_objects.c    Get/Head/Put/Copy/Delete/DeleteObjects, buckets
 *   s3_list.c       ListBuckets, ListObjectsV2 and V1
 *   s3_multipart.c  multipart uploads (parts under DATA_DIR/multipart)
 *   s3_chunked.c    aws-chunked bodies, chunk and trailer signatures
 *   s3_checksum.c   MD5, CRC32/CRC32C/CRC64NVME, SHA-1/SHA-256; request claims
 *   s3_meta.c       ETags and stored headers, cached in memory and persisted
 *   s3_xml.c        XML writing and reading (s3_xml.h)
 *
 * Objects are files (objects.h builds every path). Keys that objects.h
 * refuses ("..", empty segments, temp-file shapes, NUL) are answered with
 * 400 InvalidArgument on every operation, so nothing outside S3_ROOT is ever
 * touched.
 */
#ifndef ATHENA_SERVER_S3_INTERNAL_H
#define ATHENA_SERVER_S3_INTERNAL_H

#include "buf.h"
#include "http.h"
#include "objects.h"
#include "server.h"
#include "uri.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#define S3_KEY_MAX 1024
#define S3_PATH_MAX 4096
#define S3_MIN_PART_SIZE (5u * 1024 * 1024)
#define S3_MAX_PART_NUMBER 10000
#define S3_MAX_LIST_KEYS 1000
#define S3_UPLOAD_ID_LEN 32

/* ==== one request (s3_api.c) ==== */

typedef struct s3_request {
    server *s;
    srv_request *req;
    srv_response *resp;
    char bucket[256];           /* as requested (may be invalid); "" for the service */
    char key[S3_KEY_MAX + 1];   /* percent-decoded */
    size_t key_len;
    int has_key;
    uri_query query;            /* decoded parameters */
} s3_request;

/* Writes <Error> with Code, Message, the Key (or BucketName) of the request
 * and RequestId, plus extra_xml (already escaped elements) when not NULL. */
void s3_error_extra(s3_request *r, int status, const char *code, const char *extra_xml,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void s3_error(s3_request *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void s3_error_oom(s3_request *r);
/* A response header; an error 500 when it cannot be added. 0 or -1. */
int s3_header(s3_request *r, const char *name, const char *value);
/* Starts a 200 XML document with root; -1 (error written) when out of memory. */
int s3_xml_response(s3_request *r, const char *root);
/* The query parameter, or NULL. */
const char *s3_param(const s3_request *r, const char *name);

/* "Wed, 12 Oct 2009 17:50:00 GMT" and "2009-10-12T17:50:00.000Z". */
void s3_http_date(const struct timespec *t, char out[40]);
void s3_iso_date(const struct timespec *t, char out[40]);
/* The canonical user id of the account (64 hex). */
void s3_owner_id(const server *s, char out[65]);

/* ==== paths and objects (s3_objects.c) ==== */

/* The folder of the request's bucket into out: 0, or -1 after writing
 * InvalidBucketName / NoSuchBucket. */
int s3_bucket_dir(s3_request *r, const char *bucket, char *out, size_t cap);
/* The file of bucket/key into out (bucket already checked): 0, or -1 after
 * writing InvalidArgument. */
int s3_key_file(s3_request *r, const char *bucket, const char *key, char *out, size_t cap);

typedef struct s3_meta s3_meta;
typedef struct s3_hasher s3_hasher;

/* An object opened for reading. A folder placeholder ("dir/", an empty
 * folder) has fd -1 and size 0. */
typedef struct s3_object {
    int fd;
    struct stat st;
    int is_folder;
    char path[S3_PATH_MAX];
} s3_object;

/* Opens bucket/key: 0, or -1 after writing NoSuchBucket / NoSuchKey /
 * InvalidArgument. */
int s3_object_open(s3_request *r, const char *bucket, const char *key, s3_object *o);
void s3_object_close(s3_object *o);

/* Request headers kept with an object (Content-Type, Content-Disposition,
 * Content-Encoding, Content-Language, Cache-Control, Expires, x-amz-meta-*):
 * into m. 0, or -1 after writing MetadataTooLarge / an error. */
int s3_meta_from_request(s3_request *r, s3_meta *m);
/* Answers a copy of src onto bucket/key (CopyObject, s3_objects.c) or into a
 * part (UploadPartCopy, s3_multipart.c): parses x-amz-copy-source and its
 * conditions and opens the source. 0, or -1 with the error written. */
int s3_copy_source_open(s3_request *r, s3_object *src, char *src_bucket, size_t bucket_cap,
                        char *src_key, size_t key_cap);
/* Only reads x-amz-copy-source into src_bucket and src_key (authorization
 * needs them before the copy). 0, or -1 with the error written. */
int s3_copy_source_parse(s3_request *r, char *src_bucket, size_t bucket_cap, char *src_key,
                         size_t key_cap);
/* Opens an atomic writer for the object file path (inside S3_ROOT): 0, or
 * -1 with the error written (a key that collides with a folder or file). */
int s3_write_open(s3_request *r, const char *path, atomic_file *af);
/* Commits af as the object at its path and records m (etag set) for it,
 * persisted before the rename (a store failure fails the write with
 * InternalError) and cached; fills st. 0, or -1 with the error written and
 * af aborted. */
int s3_write_commit(s3_request *r, atomic_file *af, const s3_meta *m, struct stat *st);
/* Creates a folder placeholder ("dir/"). 0, or -1 with the error written. */
int s3_write_folder(s3_request *r, const char *path);
/* Deletes the object file path of bucket/key (a "dir/" key: the folder, if
 * empty), what is persisted about it, and the folders it leaves empty.
 * Absent is fine. 0, or -1 with errno. */
int s3_remove_object(server *s, const char *bucket, const char *key, const char *bucket_dir,
                     const char *path);
/* A Range header against an object of size bytes: 1 a satisfiable single
 * range (first..last inclusive), 0 none (absent, several ranges or
 * malformed: S3 then sends the whole object), -1 unsatisfiable. */
int s3_parse_range(const char *header, uint64_t size, uint64_t *first, uint64_t *last);
/* The x-amz-copy-source-if-* conditions against the source: 0, or -1
 * after writing PreconditionFailed. */
int s3_copy_preconditions(s3_request *r, const s3_object *src, const char *etag);
/* Copies len bytes of fd from offset to out, feeding h (may be NULL).
 * 0, or -1 with errno (EIO when the source is shorter). */
int s3_copy_bytes(int fd, uint64_t offset, uint64_t len, FILE *out, s3_hasher *h);
/* 1 if path is a folder with no entries at all. */
int s3_dir_is_empty(const char *path);
/* Removes folders left empty by a delete, from the one holding path up to
 * (not including) the bucket folder. */
void s3_prune_empty_dirs(const char *bucket_dir, const char *path);

/* ==== ETags and stored headers (s3_meta.c) ==== */

#define S3_ETAG_MAX 48          /* 32 hex, '-', up to 5 digits */
#define S3_META_MAX_BYTES 2048  /* user metadata, as S3 limits it */
#define S3_META_MAX_HEADERS 16  /* stored headers per object */

struct s3_meta {
    char etag[S3_ETAG_MAX];     /* unquoted */
    char *headers;              /* "name\0value\0" pairs, names lower-case */
    size_t headers_len;
    char checksum_alg[16];      /* a full-object checksum, when known: "CRC32" */
    char checksum[96];          /* base64 */
};

#define S3_META_INIT {"", NULL, 0, "", ""}

/* Appends a stored header; 0 or -1 (out of memory). */
int s3_meta_add_header(s3_meta *m, const char *name, const char *value);
/* Iterates headers: *pos starts at 0; 1 with name/value, or 0 at the end. */
int s3_meta_next_header(const s3_meta *m, size_t *pos, const char **name, const char **value);
/* Fills m for the open file with stat st of bucket/key: the cached ETag and
 * headers, else those persisted in db for this version of the file, else
 * the MD5 of the content (computed now, cached and persisted). db may be
 * NULL (memory only). fd -1 is a folder placeholder. 0, or -1 on a read
 * error or out of memory; a store failure only means computing the MD5. */
int s3_meta_get(store *db, const char *bucket, const char *key, int fd, const struct stat *st,
                s3_meta *m);
/* Records what a write produced for the file with stat st (copied), in
 * memory. */
void s3_meta_put(const struct stat *st, const s3_meta *m);
void s3_meta_forget(const struct stat *st);
/* Persists m (etag set) for bucket/key as the file with stat st, replacing
 * what was recorded for the key. 0, or -1 (store failure, out of memory). */
int s3_meta_persist(store *db, const char *bucket, const char *key, const struct stat *st,
                    const s3_meta *m);
/* Forgets what is persisted for bucket/key, or for all of bucket. */
void s3_meta_drop(store *db, const char *bucket, const char *key);
void s3_meta_drop_bucket(store *db, const char *bucket);
/* Copies src's headers and checksum into dst (not the ETag). 0 or -1. */
int s3_meta_copy_headers(s3_meta *dst, const s3_meta *src);
void s3_meta_free(s3_meta *m);
/* Empties the cache (tests, shutdown). */
void s3_meta_clear(void);

/* ==== checksums (s3_checksum.c) ==== */

typedef enum s3_checksum_alg {
    S3_CK_CRC32 = 0,
    S3_CK_CRC32C,
    S3_CK_CRC64NVME,
    S3_CK_SHA1,
    S3_CK_SHA256,
    S3_CK_COUNT
} s3_checksum_alg;

#define S3_HASH_MD5 (1u << S3_CK_COUNT)   /* with the (1u << alg) bits */
#define S3_CK_VALUE_MAX 48                 /* base64 of the longest (SHA-256) */

/* "CRC32", "x-amz-checksum-crc32", "ChecksumCRC32". */
const char *s3_checksum_name(s3_checksum_alg alg);
const char *s3_checksum_header(s3_checksum_alg alg);
const char *s3_checksum_member(s3_checksum_alg alg);
/* The algorithm named (any case) "CRC32" etc., or -1. */
int s3_checksum_by_name(const char *name);

typedef struct s3_digests {
    unsigned algs;
    unsigned char md5[16];
    char md5_hex[33];
    char value[S3_CK_COUNT][S3_CK_VALUE_MAX];   /* base64 */
} s3_digests;

/* algs: S3_HASH_MD5 and (1u << alg) bits. NULL when out of memory. */
s3_hasher *s3_hasher_new(unsigned algs);
int s3_hasher_update(s3_hasher *h, const void *data, size_t len);
/* Finishes and frees h. 0 or -1. */
int s3_hasher_finish(s3_hasher *h, s3_digests *out);
void s3_hasher_free(s3_hasher *h);
/* The digests of a whole buffer. 0 or -1. */
int s3_digest_buffer(const void *data, size_t len, unsigned algs, s3_digests *out);
/* The digests of len bytes of fd from offset. 0 or -1 (errno). */
int s3_digest_fd(int fd, uint64_t offset, uint64_t len, unsigned algs, s3_digests *out);

/* The integrity values a request claims for its payload. */
typedef struct s3_claims {
    int has_md5;
    unsigned char md5[16];
    unsigned algs;                               /* (1u << alg) bits */
    char value[S3_CK_COUNT][S3_CK_VALUE_MAX];
} s3_claims;

/* Reads Content-MD5 and x-amz-checksum-<alg> headers into c. 0, or -1
 * after writing InvalidDigest / InvalidRequest. */
int s3_claims_from_headers(s3_request *r, s3_claims *c);
/* Adds a claim from a trailer: 0, or -1 after writing InvalidRequest. */
int s3_claims_add(s3_request *r, s3_claims *c, const char *name, const char *value);
/* The hash bits needed to check c (always with MD5, for the ETag). */
unsigned s3_claims_algs(const s3_claims *c);
/* 0 if every claim matches d, or -1 after writing BadDigest. */
int s3_claims_check(s3_request *r, const s3_claims *c, const s3_digests *d);
/* Adds x-amz-checksum-<alg> response headers for the claims. 0 or -1. */
int s3_claims_echo(s3_request *r, const s3_claims *c);

/* Standard base64 of n bytes into out (4*ceil(n/3)+1 bytes). */
void s3_base64(const unsigned char *in, size_t n, char *out);
/* Decodes standard base64 (with padding) of exactly want bytes: 0 or -1. */
int s3_base64_decode_exact(const char *in, unsigned char *out, size_t want);

/* ==== aws-chunked bodies (s3_chunked.c) ==== */

typedef enum s3_chunked_mode {
    S3_CHUNKED_NONE = 0,            /* a plain body */
    S3_CHUNKED_UNSIGNED_TRAILER,    /* STREAMING-UNSIGNED-PAYLOAD-TRAILER */
    S3_CHUNKED_SIGNED,              /* STREAMING-AWS4-HMAC-SHA256-PAYLOAD */
    S3_CHUNKED_SIGNED_TRAILER,      /* STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER */
    S3_CHUNKED_UNSUPPORTED          /* another STREAMING-* (SigV4a) */
} s3_chunked_mode;

/* From x-amz-content-sha256 (NULL: none). */
s3_chunked_mode s3_chunked_mode_of(const char *content_sha256);

/* What chunk signatures chain from: the request's own signature (the
 * seed), its time and scope, and the signing key derived from the secret. */
typedef struct s3_chunk_signing {
    unsigned char key[32];
    char amz_date[17];
    char scope[192];            /* DATE/REGION/SERVICE/aws4_request */
    char seed[65];
} s3_chunk_signing;

#define S3_MAX_TRAILERS 8

typedef struct s3_trailer {
    char *name;                 /* lower-case */
    char *value;
} s3_trailer;

typedef struct s3_dechunked {
    buf data;
    s3_trailer trailers[S3_MAX_TRAILERS];
    size_t trailer_count;
} s3_dechunked;

typedef struct s3_chunked_error {
    int status;
    const char *code;
    char message[256];
} s3_chunked_error;

/* Derives the signing key and reads the seed signature, date and scope of an
 * already authenticated, header-signed request. 0, or -1 with err set. */
int s3_chunk_signing_from_request(server *s, const srv_request *req, s3_chunk_signing *out,
                                  s3_chunked_error *err);
/* Decodes an aws-chunked body. signing is required for the signed modes;
 * for them every chunk signature (and the trailer signature) is verified.
 * Trailers are collected in out. 0, or -1 with err set (out freed). */
int s3_chunked_decode(const char *body, size_t len, s3_chunked_mode mode,
                      const s3_chunk_signing *signing, s3_dechunked *out, s3_chunked_error *err);
void s3_dechunked_free(s3_dechunked *d);

/* The payload of a PUT: the body as sent, or de-chunked, with its integrity
 * claims (headers and trailers) checked. */
typedef struct s3_payload {
    const char *data;
    size_t len;
    s3_claims claims;
    s3_digests digests;         /* MD5 and every claimed checksum */
    s3_dechunked decoded;       /* owns data when de-chunked */
} s3_payload;

/* Reads and verifies the request's payload (s3_chunked.c). 0, or -1 with
 * the error written. */
int s3_payload_read(s3_request *r, s3_payload *p);
void s3_payload_free(s3_payload *p);

/* ==== operations ==== */

/* s3_objects.c */
void s3_get_object(s3_request *r, int head);
void s3_put_object(s3_request *r);
void s3_copy_object(s3_request *r);
void s3_delete_object(s3_request *r);
void s3_delete_objects(s3_request *r);
void s3_create_bucket(s3_request *r);
void s3_head_bucket(s3_request *r);
void s3_delete_bucket(s3_request *r);
void s3_get_bucket_location(s3_request *r);

/* s3_list.c */
void s3_list_buckets(s3_request *r);
void s3_list_objects(s3_request *r, int v2);

/* s3_multipart.c */
void s3_create_multipart_upload(s3_request *r);
void s3_upload_part(s3_request *r);
void s3_upload_part_copy(s3_request *r);
void s3_complete_multipart_upload(s3_request *r);
void s3_abort_multipart_upload(s3_request *r);
void s3_list_parts(s3_request *r);

#endif
