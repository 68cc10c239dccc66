/*
 * s3_list.c: the S3 listings of catalog.h: ListObjectsV2 (with
 * encoding-type=url, so any key survives XML 1.0) and ListBuckets, their
 * REST-XML decoding, path-style vs virtual-hosted addressing, and
 * s3:// URIs. Errors (NoSuchBucket, AccessDenied, ...) come from the XML
 * error bodies through the transport's aws_error handling.
 */
#include "client.h"
#include "s3.h"
#include "xml.h"

#include "uri.h"
#include "values.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define S3_MAX_KEYS 1000
#define S3_BUCKET_NAME_MAX 255 /* legacy names on custom endpoints may exceed 63 */

enum { PARSE_NOMEM = 1, PARSE_BAD = 2 };

/* ---- shared decoding helpers ---- */

double s3_time_epoch(const char *iso8601)
{
    athena_timestamp ts;
    if (!iso8601 || value_parse_timestamp(iso8601, strlen(iso8601), &ts) != 0)
        return 0;
    struct tm tm = {0};
    tm.tm_year = ts.year - 1900;
    tm.tm_mon = ts.month - 1;
    tm.tm_mday = ts.day;
    tm.tm_hour = ts.hour;
    tm.tm_min = ts.minute;
    tm.tm_sec = ts.second;
    time_t t = timegm(&tm);
    return t == (time_t)-1 ? 0 : (double)t + ts.nanosecond / 1e9;
}

/* Replaces *field with a copy of text. PARSE_NOMEM on failure. */
static int set_text(char **field, const char *text, size_t len)
{
    char *copy = strndup(text, len);
    if (!copy)
        return PARSE_NOMEM;
    free(*field);
    *field = copy;
    return 0;
}

/* items with room for one more `size`-byte element (count in use, *cap
 * allocated), the new room zeroed; NULL when out of memory (items intact). */
static void *with_room(void *items, size_t count, size_t *cap, size_t size)
{
    if (count < *cap)
        return items;
    size_t new_cap = *cap ? *cap * 2 : 16;
    char *p = realloc(items, new_cap * size);
    if (!p)
        return NULL;
    memset(p + count * size, 0, (new_cap - count) * size);
    *cap = new_cap;
    return p;
}

/* ---- ListObjectsV2 ---- */

typedef struct list_state {
    athena_s3_listing *l;
    size_t objects_cap, prefixes_cap;
    int url_encoded;
    char problem[160];
} list_state;

static int list_start(void *ud, const xml_path *path)
{
    list_state *s = ud;
    if (path->depth == 1 && strcmp(path->names[0], "ListBucketResult") != 0) {
        snprintf(s->problem, sizeof s->problem, "expected ListBucketResult, got %s",
                 path->names[0]);
        return PARSE_BAD;
    }
    if (!xml_path_is(path, "ListBucketResult", "Contents", NULL))
        return 0;
    athena_s3_listing *l = s->l;
    athena_s3_object *objects = with_room(l->objects, l->object_count, &s->objects_cap,
                                          sizeof *objects);
    if (!objects)
        return PARSE_NOMEM;
    l->objects = objects;
    l->objects[l->object_count++].size = -1;
    return 0;
}

static int object_field(list_state *s, const char *name, const char *text, size_t len)
{
    athena_s3_object *o = &s->l->objects[s->l->object_count - 1];
    if (strcmp(name, "Key") == 0)
        return set_text(&o->key, text, len);
    if (strcmp(name, "ETag") == 0)
        return set_text(&o->etag, text, len);
    if (strcmp(name, "StorageClass") == 0)
        return set_text(&o->storage_class, text, len);
    if (strcmp(name, "LastModified") == 0) {
        o->last_modified_epoch = s3_time_epoch(text);
        return set_text(&o->last_modified, text, len);
    }
    if (strcmp(name, "Size") == 0 && value_parse_int64(text, len, &o->size) != 0) {
        snprintf(s->problem, sizeof s->problem, "object Size '%.40s' is not a number", text);
        return PARSE_BAD;
    }
    return 0;
}

static int list_end(void *ud, const xml_path *path, const char *text, size_t len)
{
    list_state *s = ud;
    athena_s3_listing *l = s->l;
    if (path->depth == 3 && xml_path_is(path, "ListBucketResult", "Contents", path->names[2], NULL))
        return object_field(s, path->names[2], text, len);
    if (xml_path_is(path, "ListBucketResult", "CommonPrefixes", "Prefix", NULL)) {
        char **prefixes = with_room(l->common_prefixes, l->common_prefix_count,
                                    &s->prefixes_cap, sizeof *prefixes);
        if (!prefixes)
            return PARSE_NOMEM;
        l->common_prefixes = prefixes;
        return set_text(&l->common_prefixes[l->common_prefix_count++], text, len);
    }
    if (path->depth != 2)
        return 0;
    const char *name = path->names[1];
    if (strcmp(name, "Name") == 0)
        return set_text(&l->bucket, text, len);
    if (strcmp(name, "Prefix") == 0)
        return set_text(&l->prefix, text, len);
    if (strcmp(name, "IsTruncated") == 0)
        l->is_truncated = len == 4 && strncasecmp(text, "true", 4) == 0;
    else if (strcmp(name, "NextContinuationToken") == 0 && len > 0)
        return set_text(&l->next_continuation_token, text, len);
    else if (strcmp(name, "EncodingType") == 0)
        s->url_encoded = len == 3 && strncasecmp(text, "url", 3) == 0;
    return 0;
}

/* Percent-decodes *field in place ('+' is a space, as S3 encodes it). */
static athena_status url_decode_field(char **field, const char *what, athena_error *err)
{
    if (!*field)
        return ATHENA_OK;
    buf out = BUF_INIT;
    int rc = uri_decode(&out, *field, strlen(*field), URI_DECODE_PLUS);
    if (rc == URI_NOMEM || (rc == URI_OK && !out.data && !(out.data = strdup("")))) {
        buf_free(&out);
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    }
    if (rc != URI_OK) {
        buf_free(&out);
        return error_set(err, ATHENA_E_PROTOCOL, "ListObjectsV2: %s '%.200s' %s", what, *field,
                         rc == URI_HAS_NUL ? "decodes to a NUL byte" : "is not URL-encoded");
    }
    free(*field);
    *field = out.data;
    return ATHENA_OK;
}

static athena_status url_decode_listing(athena_s3_listing *l, athena_error *err)
{
    athena_status st = url_decode_field(&l->prefix, "Prefix", err);
    for (size_t i = 0; st == ATHENA_OK && i < l->object_count; i++)
        st = url_decode_field(&l->objects[i].key, "Key", err);
    for (size_t i = 0; st == ATHENA_OK && i < l->common_prefix_count; i++)
        st = url_decode_field(&l->common_prefixes[i], "CommonPrefixes.Prefix", err);
    return st;
}

/* A parse that stopped: the athena_status for it, with the reason. */
static athena_status parse_failure(int rc, const char *what, const char *problem,
                                   const char *xml_message, athena_error *err)
{
    if (rc == PARSE_NOMEM)
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    return error_set(err, ATHENA_E_PROTOCOL, "%s: unreadable response: %s", what,
                     rc == PARSE_BAD ? problem : xml_message);
}

athena_status s3_parse_list_objects(const char *xml, size_t len, athena_s3_listing **out,
                                    athena_error *err)
{
    *out = NULL;
    list_state s;
    memset(&s, 0, sizeof s);
    if (!(s.l = calloc(1, sizeof *s.l)))
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    xml_handlers h = {list_start, list_end};
    char message[200];
    int rc = xml_parse(xml, len, &h, &s, message, sizeof message);
    athena_status st = rc ? parse_failure(rc, "ListObjectsV2", s.problem, message, err)
                          : ATHENA_OK;
    for (size_t i = 0; st == ATHENA_OK && i < s.l->object_count; i++)
        if (!s.l->objects[i].key)
            st = error_set(err, ATHENA_E_PROTOCOL, "ListObjectsV2: object %zu has no Key", i);
    if (st == ATHENA_OK && s.url_encoded)
        st = url_decode_listing(s.l, err);
    if (st != ATHENA_OK) {
        athena_s3_listing_free(s.l);
        return st;
    }
    *out = s.l;
    return ATHENA_OK;
}

void athena_s3_listing_free(athena_s3_listing *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->object_count; i++) {
        free(l->objects[i].key);
        free(l->objects[i].etag);
        free(l->objects[i].last_modified);
        free(l->objects[i].storage_class);
    }
    for (size_t i = 0; i < l->common_prefix_count; i++)
        free(l->common_prefixes[i]);
    free(l->objects);
    free(l->common_prefixes);
    free(l->bucket);
    free(l->prefix);
    free(l->next_continuation_token);
    free(l);
}

/* ---- ListBuckets ---- */

typedef struct buckets_state {
    athena_s3_bucket_list *l;
    size_t cap;
    char problem[160];
} buckets_state;

static int buckets_start(void *ud, const xml_path *path)
{
    buckets_state *s = ud;
    if (path->depth == 1 && strcmp(path->names[0], "ListAllMyBucketsResult") != 0) {
        snprintf(s->problem, sizeof s->problem, "expected ListAllMyBucketsResult, got %s",
                 path->names[0]);
        return PARSE_BAD;
    }
    if (!xml_path_is(path, "ListAllMyBucketsResult", "Buckets", "Bucket", NULL))
        return 0;
    athena_s3_bucket_list *l = s->l;
    athena_s3_bucket *buckets = with_room(l->buckets, l->count, &s->cap, sizeof *buckets);
    if (!buckets)
        return PARSE_NOMEM;
    l->buckets = buckets;
    l->count++;
    return 0;
}

static int buckets_end(void *ud, const xml_path *path, const char *text, size_t len)
{
    buckets_state *s = ud;
    athena_s3_bucket_list *l = s->l;
    if (xml_path_is(path, "ListAllMyBucketsResult", "Buckets", "Bucket", "Name", NULL))
        return set_text(&l->buckets[l->count - 1].name, text, len);
    if (xml_path_is(path, "ListAllMyBucketsResult", "Buckets", "Bucket", "CreationDate", NULL)) {
        l->buckets[l->count - 1].creation_epoch = s3_time_epoch(text);
        return set_text(&l->buckets[l->count - 1].creation_date, text, len);
    }
    if (xml_path_is(path, "ListAllMyBucketsResult", "Owner", "ID", NULL))
        return set_text(&l->owner_id, text, len);
    if (xml_path_is(path, "ListAllMyBucketsResult", "Owner", "DisplayName", NULL))
        return set_text(&l->owner_display_name, text, len);
    return 0;
}

athena_status s3_parse_list_buckets(const char *xml, size_t len, athena_s3_bucket_list **out,
                                    athena_error *err)
{
    *out = NULL;
    buckets_state s;
    memset(&s, 0, sizeof s);
    if (!(s.l = calloc(1, sizeof *s.l)))
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    xml_handlers h = {buckets_start, buckets_end};
    char message[200];
    int rc = xml_parse(xml, len, &h, &s, message, sizeof message);
    athena_status st = rc ? parse_failure(rc, "ListBuckets", s.problem, message, err) : ATHENA_OK;
    for (size_t i = 0; st == ATHENA_OK && i < s.l->count; i++)
        if (!s.l->buckets[i].name)
            st = error_set(err, ATHENA_E_PROTOCOL, "ListBuckets: bucket %zu has no Name", i);
    if (st != ATHENA_OK) {
        athena_s3_bucket_list_free(s.l);
        return st;
    }
    *out = s.l;
    return ATHENA_OK;
}

void athena_s3_bucket_list_free(athena_s3_bucket_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++) {
        free(l->buckets[i].name);
        free(l->buckets[i].creation_date);
    }
    free(l->buckets);
    free(l->owner_id);
    free(l->owner_display_name);
    free(l);
}

/* ---- addressing ---- */

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && strncasecmp(s + len - n, suffix, n) == 0;
}

int s3_endpoint_is_aws(const char *url)
{
    const char *p = url ? strstr(url, "://") : NULL;
    if (!p)
        return 0;
    p += 3;
    size_t len = strcspn(p, ":/?#");
    return ends_with(p, len, ".amazonaws.com") || ends_with(p, len, ".amazonaws.com.cn");
}

int s3_bucket_is_virtual_host_compatible(const char *b)
{
    size_t n = strlen(b);
    if (n < 3 || n > 63 || !isalnum((unsigned char)b[0]) || !isalnum((unsigned char)b[n - 1]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)b[i]) || isdigit((unsigned char)b[i]) || b[i] == '-'))
            return 0;
    return 1;
}

static athena_status check_bucket(athena_client *c, const char *bucket)
{
    if (!bucket || !bucket[0])
        return error_set(&c->error, ATHENA_E_ARG, "the bucket name is empty");
    if (strlen(bucket) > S3_BUCKET_NAME_MAX)
        return error_set(&c->error, ATHENA_E_ARG, "the bucket name is longer than %d bytes",
                         S3_BUCKET_NAME_MAX);
    for (const unsigned char *p = (const unsigned char *)bucket; *p; p++)
        if (*p == '/' || *p <= ' ' || *p == 0x7f)
            return error_set(&c->error, ATHENA_E_ARG,
                             "the bucket name '%s' contains '/', a space or a control character",
                             bucket);
    return ATHENA_OK;
}

/* Appends "&name=value" (value encoded) when value is given. */
static int add_param(buf *q, const char *name, const char *value)
{
    if (!value)
        return 0;
    if (buf_printf(q, "&%s=", name) != 0)
        return -1;
    return uri_encode(q, value, strlen(value), 0);
}

static int build_list_query(buf *q, const athena_s3_list_params *p)
{
    int bad = buf_puts(q, "list-type=2&encoding-type=url");
    bad |= add_param(q, "prefix", p->prefix);
    bad |= add_param(q, "delimiter", p->delimiter);
    bad |= add_param(q, "continuation-token", p->continuation_token);
    bad |= add_param(q, "start-after", p->start_after);
    if (p->max_keys > 0)
        bad |= buf_printf(q, "&max-keys=%d", p->max_keys);
    return bad ? -1 : 0;
}

/* GET on the S3 endpoint; the body of a 2xx answer is left in resp. */
static athena_status s3_get(athena_client *c, const char *host_prefix, const char *path,
                            const char *query, const char *label, http_response *resp)
{
    transport_request req = {ATHENA_SERVICE_S3, "GET", path, query, NULL, 0, NULL, 0, 1, label,
                             host_prefix};
    return transport_send(c->transport, &req, resp, &c->error);
}

athena_status athena_s3_list(athena_client *c, const athena_s3_list_params *p,
                             athena_s3_listing **out)
{
    *out = NULL;
    error_clear(&c->error);
    if (!p)
        return error_set(&c->error, ATHENA_E_ARG, "no listing parameters");
    athena_status st = check_bucket(c, p->bucket);
    if (st != ATHENA_OK)
        return st;
    if (p->max_keys < 0 || p->max_keys > S3_MAX_KEYS)
        return error_set(&c->error, ATHENA_E_ARG, "max_keys must be 1 to %d (0: default)",
                         S3_MAX_KEYS);
    int virtual_host = s3_endpoint_is_aws(athena_config_endpoint(c->config, ATHENA_SERVICE_S3)) &&
                       s3_bucket_is_virtual_host_compatible(p->bucket);
    buf query = BUF_INIT, path = BUF_INIT, prefix = BUF_INIT;
    int bad = build_list_query(&query, p);
    if (virtual_host)
        bad |= buf_printf(&prefix, "%s.", p->bucket) | buf_puts(&path, "/");
    else
        bad |= buf_puts(&path, "/") | uri_encode(&path, p->bucket, strlen(p->bucket), 0);
    http_response resp = {0};
    if (bad)
        st = error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    else
        st = s3_get(c, virtual_host ? buf_str(&prefix) : NULL, buf_str(&path), buf_str(&query),
                    "S3.ListObjectsV2", &resp);
    if (st == ATHENA_OK)
        st = s3_parse_list_objects(buf_str(&resp.body), resp.body.len, out, &c->error);
    http_response_free(&resp);
    buf_free(&query);
    buf_free(&path);
    buf_free(&prefix);
    return st;
}

athena_status athena_s3_list_buckets(athena_client *c, athena_s3_bucket_list **out)
{
    *out = NULL;
    error_clear(&c->error);
    http_response resp = {0};
    athena_status st = s3_get(c, NULL, "/", NULL, "S3.ListBuckets", &resp);
    if (st == ATHENA_OK)
        st = s3_parse_list_buckets(buf_str(&resp.body), resp.body.len, out, &c->error);
    http_response_free(&resp);
    return st;
}

athena_status athena_s3_uri_parse(const char *uri, char **bucket, char **key)
{
    *bucket = *key = NULL;
    if (!uri || strncasecmp(uri, "s3://", 5) != 0)
        return ATHENA_E_ARG;
    const char *b = uri + 5;
    size_t blen = strcspn(b, "/");
    if (blen == 0)
        return ATHENA_E_ARG;
    const char *k = b[blen] == '/' ? b + blen + 1 : b + blen;
    *bucket = strndup(b, blen);
    *key = strdup(k);
    if (!*bucket || !*key) {
        free(*bucket);
        free(*key);
        *bucket = *key = NULL;
        return ATHENA_E_NOMEM;
    }
    return ATHENA_OK;
}
