/*
 * s3_copy.c: CopyObject, and what it shares with UploadPartCopy and
 * CompleteMultipartUpload: reading x-amz-copy-source (percent-encoded,
 * "bucket/key" with an optional leading '/' and "?versionId=null") and
 * copying bytes from one file into an atomic writer while hashing them.
 */
#include "s3_internal.h"

#include "s3_xml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define COPY_BLOCK (1024 * 1024)

int s3_copy_bytes(int fd, uint64_t offset, uint64_t len, FILE *out, s3_hasher *h)
{
    char *block = malloc(COPY_BLOCK);
    if (!block)
        return -1;
    int rc = 0;
    while (rc == 0 && len > 0) {
        size_t want = len < COPY_BLOCK ? (size_t)len : COPY_BLOCK;
        ssize_t n = pread(fd, block, want, (off_t)offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO; /* the source shrank while we copied it */
            rc = -1;
            break;
        }
        if (fwrite(block, 1, (size_t)n, out) != (size_t)n ||
            (h && s3_hasher_update(h, block, (size_t)n) != 0))
            rc = -1;
        offset += (uint64_t)n;
        len -= (uint64_t)n;
    }
    free(block);
    return rc;
}

/* ---- the copy source ---- */

static int bad_copy_source(s3_request *r)
{
    s3_error(r, 400, "InvalidArgument",
             "Copy Source must mention the source bucket and key: sourcebucket/sourcekey");
    return -1;
}

/* Splits the percent-encoded "bucket/key" (without its "?..." suffix) into
 * its decoded parts. The whole value is decoded before it is split at its
 * first '/': clients encode either the key alone ("bucket/a%20b") or the
 * whole value (encodeURIComponent gives "bucket%2Fa%20b", which S3 accepts
 * too), and a bucket name never holds a '/'. A leading '/' is optional. */
static int split_copy_source(const char *raw, size_t len, char *bucket, size_t bucket_cap,
                             char *key, size_t key_cap, size_t *key_len)
{
    buf b = BUF_INIT;
    int ok = uri_decode(&b, raw, len, 0) == URI_OK;
    const char *s = ok ? buf_str(&b) : "";
    if (*s == '/')
        s++;
    const char *slash = strchr(s, '/');
    size_t bucket_len = slash ? (size_t)(slash - s) : 0;
    *key_len = slash ? strlen(slash + 1) : 0;
    ok = ok && bucket_len > 0 && bucket_len < bucket_cap && *key_len > 0 && *key_len < key_cap;
    if (ok) {
        memcpy(bucket, s, bucket_len);
        bucket[bucket_len] = '\0';
        memcpy(key, slash + 1, *key_len + 1);
    }
    buf_free(&b);
    return ok ? 0 : -1;
}

/* "?versionId=null" is the only version an unversioned bucket has. */
static int check_source_version(s3_request *r, const char *suffix)
{
    if (!suffix)
        return 0;
    uri_query q = URI_QUERY_INIT;
    int rc = uri_query_parse(&q, suffix + 1, strlen(suffix + 1), 0);
    const char *version = rc == URI_OK ? uri_query_get(&q, "versionId") : NULL;
    int ok = rc == URI_OK && (!version || strcmp(version, "null") == 0);
    uri_query_free(&q);
    if (!ok)
        s3_error(r, 400, "InvalidArgument", "Invalid version id specified");
    return ok ? 0 : -1;
}

int s3_copy_source_parse(s3_request *r, char *src_bucket, size_t bucket_cap, char *src_key,
                         size_t key_cap)
{
    const char *source = srv_header_get(r->req, "x-amz-copy-source");
    if (!source)
        return bad_copy_source(r);
    const char *question = strchr(source, '?');
    size_t len = question ? (size_t)(question - source) : strlen(source);
    size_t key_len;
    if (check_source_version(r, question) != 0)
        return -1;
    if (split_copy_source(source, len, src_bucket, bucket_cap, src_key, key_cap, &key_len) != 0)
        return bad_copy_source(r);
    if (!s3_bucket_valid(src_bucket)) {
        s3_error(r, 400, "InvalidBucketName", "The specified bucket is not valid.");
        return -1;
    }
    if (!s3_key_valid_len(src_key, key_len)) {
        s3_error(r, 400, "InvalidArgument", "athena-local cannot hold the copy source's key.");
        return -1;
    }
    return 0;
}

int s3_copy_source_open(s3_request *r, s3_object *src, char *src_bucket, size_t bucket_cap,
                        char *src_key, size_t key_cap)
{
    src->fd = -1;
    if (s3_copy_source_parse(r, src_bucket, bucket_cap, src_key, key_cap) != 0)
        return -1;
    return s3_object_open(r, src_bucket, src_key, src);
}

/* ---- CopyObject ---- */

/* The metadata of the copy: the source's (COPY) or the request's (REPLACE). */
static int copy_meta(s3_request *r, const s3_meta *source, int replace, s3_meta *out)
{
    if (replace)
        return s3_meta_from_request(r, out);
    if (s3_meta_copy_headers(out, source) != 0) {
        s3_error_oom(r);
        return -1;
    }
    return 0;
}

static int parse_directive(s3_request *r, int *replace)
{
    const char *directive = srv_header_get(r->req, "x-amz-metadata-directive");
    *replace = directive && strcasecmp(directive, "REPLACE") == 0;
    if (directive && !*replace && strcasecmp(directive, "COPY") != 0) {
        s3_error(r, 400, "InvalidArgument", "Unknown metadata directive.");
        return -1;
    }
    return 0;
}

/* Copies src into path (a file, or a folder placeholder for an empty
 * source and a "dir/" key); sets meta->etag and st. */
static int write_copy(s3_request *r, const char *path, s3_object *src, s3_meta *meta,
                      struct stat *st)
{
    size_t n = strlen(r->key);
    if (r->key[n - 1] == '/') {
        if (src->st.st_size != 0) {
            s3_error(
                r, 400, "InvalidRequest",
                "athena-local stores a key ending in '/' as a folder, which cannot hold data.");
            return -1;
        }
        snprintf(meta->etag, sizeof meta->etag, "d41d8cd98f00b204e9800998ecf8427e");
        if (s3_write_folder(r, path) != 0)
            return -1;
        *st = src->st;
        clock_gettime(CLOCK_REALTIME, &st->st_mtim);
        return 0;
    }
    atomic_file af;
    s3_hasher *h = s3_hasher_new(S3_HASH_MD5);
    s3_digests d;
    if (!h) {
        s3_error_oom(r);
        return -1;
    }
    if (s3_write_open(r, path, &af) != 0) {
        s3_hasher_free(h);
        return -1;
    }
    int copied = src->fd < 0 || s3_copy_bytes(src->fd, 0, (uint64_t)src->st.st_size, af.f, h) == 0;
    if (!copied)
        s3_hasher_free(h);
    if (!copied || s3_hasher_finish(h, &d) != 0) {
        atomic_file_abort(&af);
        s3_error(r, 500, "InternalError", "The object could not be copied: %s.", strerror(errno));
        return -1;
    }
    memcpy(meta->etag, d.md5_hex, sizeof d.md5_hex);
    return s3_write_commit(r, &af, meta, st);
}

static void copy_result(s3_request *r, const struct stat *st, const char *etag)
{
    char date[40], quoted[S3_ETAG_MAX + 2];
    s3_iso_date(&st->st_mtim, date);
    snprintf(quoted, sizeof quoted, "\"%s\"", etag);
    if (s3_xml_response(r, "CopyObjectResult") != 0)
        return;
    buf *b = &r->resp->body;
    if (s3_xml_text(b, "LastModified", date) || s3_xml_text(b, "ETag", quoted) ||
        s3_xml_close(b, "CopyObjectResult"))
        s3_error_oom(r);
}

void s3_copy_object(s3_request *r)
{
    char dir[S3_PATH_MAX], path[S3_PATH_MAX], src_bucket[256], src_key[S3_KEY_MAX + 1];
    s3_object src;
    s3_meta source_meta = S3_META_INIT, meta = S3_META_INIT;
    int replace;
    if (parse_directive(r, &replace) != 0 || s3_bucket_dir(r, r->bucket, dir, sizeof dir) != 0 ||
        s3_key_file(r, r->bucket, r->key, path, sizeof path) != 0 ||
        s3_copy_source_open(r, &src, src_bucket, sizeof src_bucket, src_key, sizeof src_key) != 0)
        return;
    struct stat st;
    if (s3_meta_get(r->s->store, src_bucket, src_key, src.fd, &src.st, &source_meta) != 0) {
        s3_error(r, 500, "InternalError", "The copy source could not be read.");
    } else if (!replace && strcmp(src.path, path) == 0) {
        s3_error(r, 400, "InvalidRequest",
                 "This copy request is illegal because it is trying to copy an object to itself "
                 "without changing the object's metadata, storage class, website redirect "
                 "location or encryption attributes.");
    } else if (s3_copy_preconditions(r, &src, source_meta.etag) == 0 &&
               copy_meta(r, &source_meta, replace, &meta) == 0 &&
               write_copy(r, path, &src, &meta, &st) == 0) {
        copy_result(r, &st, meta.etag);
    }
    s3_meta_free(&source_meta);
    s3_meta_free(&meta);
    s3_object_close(&src);
}
