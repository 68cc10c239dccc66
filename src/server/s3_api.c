/*
 * s3_api.c: athena-local's S3 API (REST-XML), after authentication: finds
 * the bucket and key of a request, path-style (/bucket/key) or virtual-host
 * style (Host: bucket.localhost:PORT, bucket.<bind address> or
 * bucket.<bind address>.nip.io), then dispatches on the method and the
 * sub-resource in the query string. Also the helpers every S3 operation
 * uses: errors in S3's <Error> shape, response headers, dates.
 *
 * Keys arrive percent-encoded in the path and are decoded exactly once
 * here; a malformed escape is InvalidURI, a NUL byte InvalidArgument, and a
 * key objects.h cannot store as a file ("..", "a//b", ...) InvalidArgument,
 * for every operation, before any path is built.
 */
#include "s3_internal.h"

#include "authz.h"
#include "crypto.h"
#include "s3_xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* Sub-resources of S3 that athena-local does not implement: a request for
 * one gets NotImplemented rather than being mistaken for a plain GET/PUT. */
static const char *const UNSUPPORTED_SUBRESOURCES[] = {
    "accelerate",
    "acl",
    "analytics",
    "attributes",
    "cors",
    "encryption",
    "intelligent-tiering",
    "inventory",
    "legal-hold",
    "lifecycle",
    "logging",
    "metadataTable",
    "metrics",
    "notification",
    "object-lock",
    "ownershipControls",
    "policy",
    "policyStatus",
    "publicAccessBlock",
    "replication",
    "requestPayment",
    "restore",
    "retention",
    "select",
    "session",
    "torrent",
    "uploads",
    "versions",
    "website",
};

/* ---- errors and response helpers ---- */

static void write_error(s3_request *r, int status, const char *code, const char *extra_xml,
                        const char *fmt, va_list ap)
{
    srv_response *resp = r->resp;
    char message[1024];
    vsnprintf(message, sizeof message, fmt, ap);
    resp->status = status;
    resp->content_type = "application/xml";
    buf *b = &resp->body;
    buf_reset(b);
    int rc = buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>") ||
             s3_xml_text(b, "Code", code) || s3_xml_text(b, "Message", message);
    if (rc == 0 && r->has_key)
        rc = s3_xml_text_len(b, "Key", r->key, r->key_len);
    else if (rc == 0 && r->bucket[0])
        rc = s3_xml_text(b, "BucketName", r->bucket);
    rc = rc || (extra_xml && buf_puts(b, extra_xml)) ||
         s3_xml_text(b, "RequestId", r->req->request_id) || buf_puts(b, "</Error>");
    if (rc)
        buf_reset(b);
}

void s3_error_extra(s3_request *r, int status, const char *code, const char *extra_xml,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    write_error(r, status, code, extra_xml, fmt, ap);
    va_end(ap);
}

void s3_error(s3_request *r, int status, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    write_error(r, status, code, NULL, fmt, ap);
    va_end(ap);
}

void s3_error_oom(s3_request *r)
{
    s3_error(r, 500, "InternalError", "We encountered an internal error. Please try again.");
}

int s3_header(s3_request *r, const char *name, const char *value)
{
    if (srv_response_header(r->resp, name, value) == 0)
        return 0;
    if (r->resp->has_file) { /* the error replaces the body: let go of the file */
        close(r->resp->file.fd);
        r->resp->has_file = 0;
    }
    s3_error(r, 500, "InternalError", "The response has too many headers.");
    return -1;
}

int s3_xml_response(s3_request *r, const char *root)
{
    r->resp->status = 200;
    r->resp->content_type = "application/xml";
    buf_reset(&r->resp->body);
    if (s3_xml_begin(&r->resp->body, root) != 0) {
        s3_error_oom(r);
        return -1;
    }
    return 0;
}

const char *s3_param(const s3_request *r, const char *name)
{
    return uri_query_get(&r->query, name);
}

void s3_http_date(const struct timespec *t, char out[40])
{
    struct tm tm;
    time_t sec = t->tv_sec;
    if (!gmtime_r(&sec, &tm) || strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
        snprintf(out, 40, "Thu, 01 Jan 1970 00:00:00 GMT");
}

void s3_iso_date(const struct timespec *t, char out[40])
{
    struct tm tm;
    time_t sec = t->tv_sec;
    char base[32];
    if (!gmtime_r(&sec, &tm) || strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
        snprintf(base, sizeof base, "1970-01-01T00:00:00");
    snprintf(out, 40, "%.19s.%03dZ", base, (int)(t->tv_nsec / 1000000 % 1000));
}

void s3_owner_id(const server *s, char out[65])
{
    char seed[64];
    snprintf(seed, sizeof seed, "athena-local:%s", s->settings.account_id);
    sha256_hex(seed, strlen(seed), out);
}

/* ---- where the request points ---- */

/* 1 if host[0..len) ends with "." suffix (any case); sets *prefix_len. */
static int host_has_suffix(const char *host, size_t len, const char *suffix, size_t *prefix_len)
{
    size_t n = strlen(suffix);
    if (n == 0 || len <= n + 1 || host[len - n - 1] != '.' ||
        strncasecmp(host + len - n, suffix, n) != 0)
        return 0;
    *prefix_len = len - n - 1;
    return 1;
}

/* The bucket named by a virtual-host style Host header into bucket: 1, or 0
 * when the request is path-style. */
static int virtual_host_bucket(const server *s, const char *host, char *bucket, size_t cap)
{
    if (!host || host[0] == '[')
        return 0; /* absent, or an IPv6 literal: path-style */
    const char *colon = strrchr(host, ':');
    size_t len = colon ? (size_t)(colon - host) : strlen(host);
    const char *bind = s->settings.bind ? s->settings.bind : "127.0.0.1";
    char bind_nip[300];
    snprintf(bind_nip, sizeof bind_nip, "%s.nip.io", bind);
    const char *suffixes[] = {"localhost", bind, bind_nip};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t prefix_len;
        if (!host_has_suffix(host, len, suffixes[i], &prefix_len))
            continue;
        snprintf(bucket, cap, "%.*s", (int)prefix_len, host);
        return 1;
    }
    return 0;
}

static int decode_bucket(s3_request *r, const char *raw, size_t len)
{
    buf out = BUF_INIT;
    int rc = uri_decode(&out, raw, len, 0);
    if (rc == URI_OK && out.len < sizeof r->bucket)
        memcpy(r->bucket, buf_str(&out), out.len + 1);
    else
        snprintf(r->bucket, sizeof r->bucket, "%.*s", (int)(len > 200 ? 200 : len), raw);
    buf_free(&out);
    if (rc == URI_NOMEM) {
        s3_error_oom(r);
        return -1;
    }
    if (rc != URI_OK || !s3_bucket_valid(r->bucket)) {
        s3_error(r, 400, "InvalidBucketName", "The specified bucket is not valid.");
        return -1;
    }
    return 0;
}

static int decode_key(s3_request *r, const char *raw)
{
    buf out = BUF_INIT;
    int rc = uri_decode(&out, raw, strlen(raw), 0);
    if (rc == URI_NOMEM || rc == URI_MALFORMED) {
        buf_free(&out);
        if (rc == URI_NOMEM)
            s3_error_oom(r);
        else
            s3_error(r, 400, "InvalidURI", "Couldn't parse the specified URI.");
        return -1;
    }
    size_t len = out.len;
    if (rc == URI_OK && len <= S3_KEY_MAX) {
        memcpy(r->key, buf_str(&out), len + 1);
        r->key_len = len;
        r->has_key = len > 0;
    }
    buf_free(&out);
    if (rc == URI_HAS_NUL) {
        s3_error(r, 400, "InvalidArgument", "Object keys may not contain a NUL byte.");
        return -1;
    }
    if (len > S3_KEY_MAX) {
        s3_error(r, 400, "KeyTooLongError", "Your key is too long");
        return -1;
    }
    if (r->has_key && !s3_key_valid_len(r->key, r->key_len)) {
        s3_error(r, 400, "InvalidArgument",
                 "athena-local stores objects as files and cannot accept this key: keys may not "
                 "start with '/', have '.', '..' or empty segments, or segments over 255 bytes.");
        return -1;
    }
    return 0;
}

static int parse_target(s3_request *r)
{
    const char *path = r->req->path;
    if (path[0] != '/') {
        s3_error(r, 400, "InvalidURI", "Couldn't parse the specified URI.");
        return -1;
    }
    char host_bucket[256];
    if (virtual_host_bucket(r->s, srv_header_get(r->req, "Host"), host_bucket,
                            sizeof host_bucket)) {
        if (decode_bucket(r, host_bucket, strlen(host_bucket)) != 0)
            return -1;
        return decode_key(r, path + 1);
    }
    const char *bucket = path + 1;
    const char *slash = strchr(bucket, '/');
    size_t bucket_len = slash ? (size_t)(slash - bucket) : strlen(bucket);
    if (bucket_len == 0)
        return 0; /* the service: ListBuckets */
    if (decode_bucket(r, bucket, bucket_len) != 0)
        return -1;
    return slash ? decode_key(r, slash + 1) : 0;
}

/* ---- dispatch ---- */

static const char *unsupported_subresource(const s3_request *r)
{
    for (size_t i = 0; i < sizeof UNSUPPORTED_SUBRESOURCES / sizeof *UNSUPPORTED_SUBRESOURCES; i++)
        if (s3_param(r, UNSUPPORTED_SUBRESOURCES[i]))
            return UNSUPPORTED_SUBRESOURCES[i];
    return NULL;
}

static int is_method(const s3_request *r, const char *method)
{
    return strcmp(r->req->method, method) == 0;
}

static void method_not_allowed(s3_request *r)
{
    s3_error(r, 405, "MethodNotAllowed",
             "The specified method is not allowed against this resource.");
}

static void get_bucket_versioning(s3_request *r)
{
    char dir[S3_PATH_MAX];
    if (s3_bucket_dir(r, r->bucket, dir, sizeof dir) != 0 ||
        s3_xml_response(r, "VersioningConfiguration") != 0)
        return;
    if (buf_puts(&r->resp->body, "</VersioningConfiguration>") != 0)
        s3_error_oom(r);
}

static void dispatch_bucket(s3_request *r)
{
    if (is_method(r, "GET")) {
        const char *list_type = s3_param(r, "list-type");
        if (s3_param(r, "location"))
            s3_get_bucket_location(r);
        else if (s3_param(r, "versioning"))
            get_bucket_versioning(r);
        else if (list_type && strcmp(list_type, "2") != 0)
            s3_error(r, 400, "InvalidArgument", "Invalid list-type: only 2 is supported.");
        else
            s3_list_objects(r, list_type != NULL);
    } else if (is_method(r, "PUT")) {
        s3_create_bucket(r);
    } else if (is_method(r, "HEAD")) {
        s3_head_bucket(r);
    } else if (is_method(r, "DELETE")) {
        s3_delete_bucket(r);
    } else if (is_method(r, "POST") && s3_param(r, "delete")) {
        s3_delete_objects(r);
    } else {
        method_not_allowed(r);
    }
}

static void get_object_tagging(s3_request *r)
{
    s3_object o;
    if (s3_object_open(r, r->bucket, r->key, &o) != 0)
        return;
    s3_object_close(&o);
    if (s3_xml_response(r, "Tagging") == 0 &&
        buf_puts(&r->resp->body, "<TagSet></TagSet></Tagging>") != 0)
        s3_error_oom(r);
}

static void dispatch_object(s3_request *r)
{
    int upload = s3_param(r, "uploadId") != NULL;
    if (is_method(r, "GET")) {
        if (upload)
            s3_list_parts(r);
        else if (s3_param(r, "tagging"))
            get_object_tagging(r);
        else
            s3_get_object(r, 0);
    } else if (is_method(r, "HEAD")) {
        s3_get_object(r, 1);
    } else if (is_method(r, "PUT")) {
        int copy = srv_header_get(r->req, "x-amz-copy-source") != NULL;
        if (s3_param(r, "tagging"))
            s3_error(r, 501, "NotImplemented", "athena-local does not implement object tagging.");
        else if (upload || s3_param(r, "partNumber"))
            copy ? s3_upload_part_copy(r) : s3_upload_part(r);
        else
            copy ? s3_copy_object(r) : s3_put_object(r);
    } else if (is_method(r, "POST")) {
        if (s3_param(r, "uploads"))
            s3_create_multipart_upload(r);
        else if (upload)
            s3_complete_multipart_upload(r);
        else
            method_not_allowed(r);
    } else if (is_method(r, "DELETE")) {
        upload ? s3_abort_multipart_upload(r) : s3_delete_object(r);
    } else {
        method_not_allowed(r);
    }
}

static void dispatch(s3_request *r)
{
    const char *unsupported = unsupported_subresource(r);
    /* ?uploads on an object is CreateMultipartUpload; on a bucket, the
     * (unimplemented) ListMultipartUploads. */
    if (unsupported && !(r->has_key && strcmp(unsupported, "uploads") == 0)) {
        s3_error(r, 501, "NotImplemented",
                 "athena-local does not implement the S3 sub-resource '%s'.", unsupported);
        return;
    }
    /* Buckets are never versioned: the only version is "null". */
    const char *version = s3_param(r, "versionId");
    if (version && strcmp(version, "null") != 0) {
        s3_error(r, 400, "InvalidArgument", "Invalid version id specified");
        return;
    }
    if (!r->bucket[0]) {
        if (is_method(r, "GET"))
            s3_list_buckets(r);
        else
            method_not_allowed(r);
        return;
    }
    if (r->has_key)
        dispatch_object(r);
    else
        dispatch_bucket(r);
}

void s3_api_handle(server *s, srv_request *req, srv_response *resp)
{
    s3_request *r = calloc(1, sizeof *r);
    if (!r) {
        resp->status = 500;
        return;
    }
    r->s = s;
    r->req = req;
    r->resp = resp;
    r->query = (uri_query)URI_QUERY_INIT;
    int rc = uri_query_parse(&r->query, req->query, strlen(req->query), 0);
    if (rc == URI_NOMEM)
        s3_error_oom(r);
    else if (rc != URI_OK)
        s3_error(r, 400, "InvalidURI", "Couldn't parse the specified URI.");
    else if (parse_target(r) == 0 && authz_s3_request(r) == 0)
        dispatch(r);
    if (resp->status == 0)
        s3_error(r, 500, "InternalError", "The operation produced no response.");
    srv_response_header(resp, "x-amz-request-id", req->request_id);
    uri_query_free(&r->query);
    free(r);
}
