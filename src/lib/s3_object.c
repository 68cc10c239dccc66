/*
 * s3_object.c: HeadObject and resumable ranged GetObject (s3_object.h).
 *
 * A ranged read keeps one number, the offset of the next byte the caller
 * has not yet received. Every request asks for "bytes=<next>-<last>", and
 * every response is checked against it (Content-Range must start at or
 * before next; a 200 means the server sent the whole object), so bytes
 * before next are skipped and none is ever delivered twice, whatever a
 * retry or a misbehaving server does.
 */
#include "s3_object.h"

#include "s3.h"
#include "uri.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The request target of an object: virtual-hosted on AWS when the bucket
 * allows it (bucket.s3.REGION.amazonaws.com/key), else path-style. */
typedef struct object_target {
    buf host_prefix;
    buf path;
} object_target;

static athena_status target_init(transport *t, const char *bucket, const char *key,
                                 object_target *o, athena_error *err)
{
    memset(o, 0, sizeof *o);
    if (!bucket || !bucket[0] || strchr(bucket, '/') || !key || !key[0])
        return error_set(err, ATHENA_E_ARG, "invalid S3 object s3://%s/%s", bucket ? bucket : "",
                         key ? key : "");
    const char *endpoint = athena_config_endpoint(transport_config(t), ATHENA_SERVICE_S3);
    int virtual_host = s3_endpoint_is_aws(endpoint) && s3_bucket_is_virtual_host_compatible(bucket);
    int bad = buf_putc(&o->path, '/');
    if (virtual_host)
        bad |= buf_printf(&o->host_prefix, "%s.", bucket);
    else
        bad |= uri_encode(&o->path, bucket, strlen(bucket), 0) | buf_putc(&o->path, '/');
    bad |= uri_encode(&o->path, key, strlen(key), URI_KEEP_SLASH);
    if (bad) {
        buf_free(&o->host_prefix);
        buf_free(&o->path);
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    }
    return ATHENA_OK;
}

static void target_free(object_target *o)
{
    buf_free(&o->host_prefix);
    buf_free(&o->path);
}

static transport_request object_request(const object_target *o, const char *method,
                                        const http_header *headers, size_t count,
                                        const char *label)
{
    transport_request req = {ATHENA_SERVICE_S3, method, buf_str(&o->path), NULL, headers, count,
                             NULL, 0, 1, label, o->host_prefix.len ? buf_str(&o->host_prefix) : NULL};
    return req;
}

/* A HEAD error has no body: name the usual S3 codes from the status. */
static void name_bodiless_error(athena_error *err)
{
    const char *code = err->http_status == 404   ? "NoSuchKey"
                       : err->http_status == 403 ? "AccessDenied"
                       : err->http_status == 412 ? "PreconditionFailed"
                                                 : NULL;
    if (code && strncmp(err->code, "HTTP", 4) == 0)
        snprintf(err->code, sizeof err->code, "%s", code);
}

athena_status s3_head_object(transport *t, const char *bucket, const char *key,
                             s3_object_info *out, athena_error *err)
{
    memset(out, 0, sizeof *out);
    object_target o;
    athena_status st = target_init(t, bucket, key, &o, err);
    if (st != ATHENA_OK)
        return st;
    transport_request req = object_request(&o, "HEAD", NULL, 0, "S3.HeadObject");
    http_response resp = {0};
    st = transport_send(t, &req, &resp, err);
    if (st != ATHENA_OK) {
        name_bodiless_error(err);
    } else {
        char *end = NULL;
        unsigned long long size = strtoull(resp.content_length, &end, 10);
        if (!resp.content_length[0] || !end || *end || resp.content_length[0] == '-')
            st = error_set(err, ATHENA_E_PROTOCOL,
                           "HeadObject s3://%s/%s: no valid Content-Length in the answer", bucket,
                           key);
        out->size = size;
        snprintf(out->etag, sizeof out->etag, "%s", resp.etag);
    }
    http_response_free(&resp);
    target_free(&o);
    return st;
}

/* ---- ranged GET ---- */

typedef struct range_read {
    const s3_range_sink *sink;
    http_response *resp;
    uint64_t next;      /* absolute offset of the next byte the caller wants */
    uint64_t last;      /* last byte wanted (inclusive) */
    uint64_t pos;       /* absolute offset of the next byte of this response */
    int positioned;     /* pos is known for this response */
    int complete;       /* got everything: the rest of the response was cut off */
    int caller_stopped; /* the caller's sink asked to stop */
    int paused;         /* the caller's sink asked for a pause */
    char problem[160];  /* a response that cannot be used */
} range_read;

/* Where this response's body starts: Content-Range of a 206, 0 for a 200. */
static int position_response(range_read *r)
{
    r->positioned = 1;
    if (r->resp->status != 206) {
        r->pos = 0;
        return 0;
    }
    unsigned long long a, b;
    if (sscanf(r->resp->content_range, "bytes %llu-%llu/", &a, &b) != 2 || a > b) {
        snprintf(r->problem, sizeof r->problem, "unreadable Content-Range '%.60s'",
                 r->resp->content_range);
        return -1;
    }
    if (a > r->next) {
        snprintf(r->problem, sizeof r->problem,
                 "asked for bytes from %" PRIu64 ", the server sent from %llu", r->next, a);
        return -1;
    }
    r->pos = a;
    return 0;
}

static int range_body(void *user_data, const char *data, size_t len)
{
    range_read *r = user_data;
    if (!r->positioned && position_response(r) != 0)
        return 1;
    uint64_t end = r->pos + len; /* one past the last byte of data */
    if (end > r->next && r->next <= r->last) {
        uint64_t from = r->next > r->pos ? r->next : r->pos;
        uint64_t to = end <= r->last + 1 ? end : r->last + 1;
        size_t n = (size_t)(to - from);
        int stop = 0;
        size_t took = r->sink->write(r->sink->user_data, data + (from - r->pos), n, &stop);
        r->next = from + took;
        if (took < n) {
            r->caller_stopped = stop;
            r->paused = !stop;
            return 1;
        }
    }
    r->pos = end;
    if (r->next > r->last) {
        r->complete = 1;
        return r->pos > r->last + 1; /* more than wanted: stop reading */
    }
    return 0;
}

/* One request for bytes next..last. */
static athena_status request_rest(transport *t, const object_target *o, const char *etag,
                                  range_read *r, athena_error *err)
{
    char range[64];
    snprintf(range, sizeof range, "bytes=%" PRIu64 "-%" PRIu64, r->next, r->last);
    http_header headers[2] = {{"Range", range}, {"If-Match", etag}};
    size_t count = etag && etag[0] ? 2 : 1;
    transport_request req = object_request(o, "GET", headers, count, "S3.GetObject");
    http_response resp = {0};
    r->resp = &resp;
    r->positioned = 0;
    uint64_t delivered = 0;
    athena_status st = transport_send_streaming(t, &req, range_body, r, &resp, &delivered, err);
    if (st != ATHENA_OK)
        name_bodiless_error(err);
    r->resp = NULL;
    http_response_free(&resp);
    return st;
}

athena_status s3_get_range(transport *t, const char *bucket, const char *key, const char *etag,
                           uint64_t first, uint64_t last, int max_resumes,
                           const s3_range_sink *sink, athena_error *err)
{
    if (last < first)
        return error_set(err, ATHENA_E_ARG, "empty byte range %" PRIu64 "-%" PRIu64, first, last);
    object_target o;
    athena_status st = target_init(t, bucket, key, &o, err);
    if (st != ATHENA_OK)
        return st;
    const athena_config *config = transport_config(t);
    range_read r = {sink, NULL, first, last, 0, 0, 0, 0, 0, ""};
    for (int resumes = 0;;) {
        if (sink->ready && sink->ready(sink->user_data) != 0) {
            st = error_set(err, ATHENA_E_INTERRUPTED, "the reader stopped");
            break;
        }
        uint64_t before = r.next;
        r.complete = r.paused = 0;
        st = request_rest(t, &o, etag, &r, err);
        if (r.complete) {
            st = ATHENA_OK;
            break;
        }
        if (r.caller_stopped) {
            st = error_set(err, ATHENA_E_INTERRUPTED, "the reader stopped");
            break;
        }
        if (r.problem[0]) {
            st = error_set(err, ATHENA_E_PROTOCOL, "GetObject s3://%s/%s: %s", bucket, key,
                           r.problem);
            break;
        }
        if (r.paused)
            continue;
        if (st == ATHENA_OK) /* a 2xx that ended early: resume like a dropped one */
            st = error_set(err, ATHENA_E_NETWORK, "the response ended at byte %" PRIu64
                           " of %" PRIu64 "-%" PRIu64, r.next, first, last);
        /* Only a transfer that broke off after some bytes is resumed: one
         * that delivered nothing has had the transport's retries already. */
        if (r.next == before || resumes >= max_resumes)
            break;
        resumes++;
        config_log(config, ATHENA_LOG_DEBUG,
                   "  s3://%s/%s: resuming at byte %" PRIu64 " (%s)", bucket, key, r.next,
                   err->code[0] ? err->code : err->message);
    }
    target_free(&o);
    return st;
}
