/*
 * s3_objects.c: S3 objects as files: GetObject and HeadObject (ranges,
 * conditional requests, the body streamed from the file), PutObject
 * (verified, then written atomically) and DeleteObject, plus the helpers
 * the other operations share to open, write and remove objects.
 *
 * The object bucket/key is the file objects.h names; a key ending in '/'
 * (a "folder" placeholder) is an empty folder. Reads are refused when the
 * file, once symlinks are resolved, lies outside S3_ROOT; writes go through
 * atomic_file_open_under, so a reader (or a query) sees the old object or
 * the new one, never part of one, and a failed upload leaves nothing.
 */
#include "s3_internal.h"

#include "s3_xml.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define EMPTY_MD5 "d41d8cd98f00b204e9800998ecf8427e"
#define DEFAULT_CONTENT_TYPE "application/octet-stream"

/* Request headers an object keeps, besides x-amz-meta-*. */
static const char *const STORED_HEADERS[] = {
    "Content-Type",     "Content-Disposition", "Content-Encoding",
    "Content-Language", "Cache-Control",       "Expires",
};

/* GET parameters that override a stored header in the response. */
static const char *const RESPONSE_OVERRIDES[][2] = {
    {"response-content-type", "content-type"},
    {"response-content-disposition", "content-disposition"},
    {"response-content-encoding", "content-encoding"},
    {"response-content-language", "content-language"},
    {"response-cache-control", "cache-control"},
    {"response-expires", "expires"},
};

/* ---- paths ---- */

int s3_bucket_dir(s3_request *r, const char *bucket, char *out, size_t cap)
{
    if (!s3_bucket_valid(bucket)) {
        s3_error(r, 400, "InvalidBucketName", "The specified bucket is not valid.");
        return -1;
    }
    struct stat st;
    /* A symlinked bucket folder is not a bucket: ListBuckets skips it, and
     * nothing could be written through it (atomic_file_open_under). */
    if (s3_object_path(r->s->s3_root, bucket, "", out, cap) != 0 || lstat(out, &st) != 0 ||
        !S_ISDIR(st.st_mode)) {
        s3_error(r, 404, "NoSuchBucket", "The specified bucket does not exist");
        return -1;
    }
    return 0;
}

int s3_key_file(s3_request *r, const char *bucket, const char *key, char *out, size_t cap)
{
    if (s3_object_path(r->s->s3_root, bucket, key, out, cap) != 0) {
        s3_error(r, 400, "InvalidArgument", "athena-local cannot store an object under this key.");
        return -1;
    }
    return 0;
}

static int key_is_folder(const char *key)
{
    size_t n = strlen(key);
    return n > 0 && key[n - 1] == '/';
}

int s3_dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return 0;
    struct dirent *e;
    int empty = 1;
    while (empty && (e = readdir(d)))
        empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
    closedir(d);
    return empty;
}

static int no_such_key(s3_request *r)
{
    s3_error(r, 404, "NoSuchKey", "The specified key does not exist.");
    return -1;
}

int s3_object_open(s3_request *r, const char *bucket, const char *key, s3_object *o)
{
    char dir[S3_PATH_MAX];
    memset(o, 0, sizeof *o);
    o->fd = -1;
    if (s3_bucket_dir(r, bucket, dir, sizeof dir) != 0 ||
        s3_key_file(r, bucket, key, o->path, sizeof o->path) != 0)
        return -1;
    if (!s3_path_is_inside(r->s->s3_root, o->path))
        return no_such_key(r);
    if (key_is_folder(key)) {
        if (lstat(o->path, &o->st) != 0 || !S_ISDIR(o->st.st_mode) || !s3_dir_is_empty(o->path))
            return no_such_key(r);
        o->is_folder = 1;
        o->st.st_size = 0;
        return 0;
    }
    o->fd = open(o->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (o->fd < 0 || fstat(o->fd, &o->st) != 0 || !S_ISREG(o->st.st_mode)) {
        int missing = o->fd < 0 && errno != ENOENT && errno != ENOTDIR && errno != ELOOP;
        s3_object_close(o);
        if (missing) {
            s3_error(r, 500, "InternalError", "The object could not be opened.");
            return -1;
        }
        return no_such_key(r);
    }
    return 0;
}

void s3_object_close(s3_object *o)
{
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
}

/* ---- conditional requests ---- */

/* 1 if the If-Match / If-None-Match list names etag ("*" names any). */
static int etag_listed(const char *list, const char *etag)
{
    size_t n = strlen(etag);
    for (const char *p = list; *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        const char *v = p;
        size_t vlen = len;
        while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
            vlen--;
        if (vlen >= 2 && strncmp(v, "W/", 2) == 0) {
            v += 2;
            vlen -= 2;
        }
        if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
            v++;
            vlen -= 2;
        }
        if ((vlen == 1 && v[0] == '*') || (vlen == n && memcmp(v, etag, n) == 0))
            return 1;
        p += len;
    }
    return 0;
}

/* An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"): 0 or -1. */
static int parse_http_date(const char *s, time_t *out)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    char weekday[4], month[4];
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!s || sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d GMT", weekday, &tm.tm_mday, month,
                     &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 7)
        return -1;
    const char *m = strstr(months, month);
    if (!m || strlen(month) != 3 || (m - months) % 3 != 0)
        return -1;
    tm.tm_mon = (int)(m - months) / 3;
    tm.tm_year -= 1900;
    *out = timegm(&tm);
    return *out == (time_t)-1 ? -1 : 0;
}

typedef enum precondition { PRECONDITION_OK, PRECONDITION_FAILED, NOT_MODIFIED } precondition;

/* RFC 7232's order, as S3 applies it: If-Match wins over
 * If-Unmodified-Since, If-None-Match over If-Modified-Since. prefix is ""
 * for GET/HEAD and "x-amz-copy-source-" for a copy's source. */
static precondition check_preconditions(const srv_request *req, const char *prefix,
                                        const char *etag, time_t modified)
{
    char name[64];
    time_t t;
    snprintf(name, sizeof name, "%sIf-Match", prefix);
    const char *if_match = srv_header_get(req, name);
    snprintf(name, sizeof name, "%sIf-Unmodified-Since", prefix);
    const char *if_unmodified = srv_header_get(req, name);
    snprintf(name, sizeof name, "%sIf-None-Match", prefix);
    const char *if_none_match = srv_header_get(req, name);
    snprintf(name, sizeof name, "%sIf-Modified-Since", prefix);
    const char *if_modified = srv_header_get(req, name);
    if (if_match ? !etag_listed(if_match, etag)
                 : parse_http_date(if_unmodified, &t) == 0 && modified > t)
        return PRECONDITION_FAILED;
    if (if_none_match ? etag_listed(if_none_match, etag)
                      : parse_http_date(if_modified, &t) == 0 && modified <= t)
        return NOT_MODIFIED;
    return PRECONDITION_OK;
}

int s3_copy_preconditions(s3_request *r, const s3_object *src, const char *etag)
{
    precondition p =
        check_preconditions(r->req, "x-amz-copy-source-", etag, src->st.st_mtim.tv_sec);
    if (p == PRECONDITION_OK)
        return 0;
    s3_error(r, 412, "PreconditionFailed",
             "At least one of the pre-conditions you specified did not hold");
    return -1;
}

/* ---- GetObject / HeadObject ---- */

typedef struct byte_range {
    uint64_t first, last;
} byte_range;

static int parse_digits(const char *s, size_t n, uint64_t *out)
{
    if (n == 0 || n > 19)
        return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

/* A Range header: 1 a satisfiable range (in out), 0 none (absent, several
 * ranges or malformed: S3 then sends the whole object), -1 unsatisfiable. */
int s3_parse_range(const char *header, uint64_t size, uint64_t *first, uint64_t *last)
{
    if (!header || strncmp(header, "bytes=", 6) != 0 || strchr(header, ','))
        return 0;
    const char *spec = header + 6;
    const char *dash = strchr(spec, '-');
    if (!dash)
        return 0;
    uint64_t a, b;
    if (dash == spec) { /* bytes=-N: the last N bytes */
        if (parse_digits(dash + 1, strlen(dash + 1), &b) != 0)
            return 0;
        if (b == 0 || size == 0)
            return -1;
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return 1;
    }
    if (parse_digits(spec, (size_t)(dash - spec), &a) != 0)
        return 0;
    if (dash[1] == '\0')
        b = UINT64_MAX;
    else if (parse_digits(dash + 1, strlen(dash + 1), &b) != 0 || b < a)
        return 0;
    if (a >= size)
        return -1;
    *first = a;
    *last = b >= size ? size - 1 : b;
    return 1;
}

/* Stored headers, with response-* parameters taking precedence, and a
 * default Content-Type. */
static int add_object_headers(s3_request *r, const s3_meta *m)
{
    int has_type = 0;
    size_t pos = 0;
    const char *name, *value;
    while (s3_meta_next_header(m, &pos, &name, &value)) {
        int overridden = 0;
        for (size_t i = 0; i < sizeof RESPONSE_OVERRIDES / sizeof *RESPONSE_OVERRIDES; i++)
            overridden |= strcmp(name, RESPONSE_OVERRIDES[i][1]) == 0 &&
                          s3_param(r, RESPONSE_OVERRIDES[i][0]) != NULL;
        has_type |= strcmp(name, "content-type") == 0 && !overridden;
        if (!overridden && s3_header(r, name, value) != 0)
            return -1;
    }
    for (size_t i = 0; i < sizeof RESPONSE_OVERRIDES / sizeof *RESPONSE_OVERRIDES; i++) {
        const char *v = s3_param(r, RESPONSE_OVERRIDES[i][0]);
        if (!v)
            continue;
        has_type |= i == 0;
        if (s3_header(r, RESPONSE_OVERRIDES[i][1], v) != 0)
            return -1;
    }
    return has_type ? 0 : s3_header(r, "Content-Type", DEFAULT_CONTENT_TYPE);
}

static int add_validators(s3_request *r, const s3_object *o, const s3_meta *m)
{
    char date[40], etag[S3_ETAG_MAX + 2];
    s3_http_date(&o->st.st_mtim, date);
    snprintf(etag, sizeof etag, "\"%s\"", m->etag);
    return s3_header(r, "Last-Modified", date) || s3_header(r, "ETag", etag) ? -1 : 0;
}

static void unsatisfiable_range(s3_request *r, const char *range, uint64_t size)
{
    buf extra = BUF_INIT;
    if (s3_xml_text(&extra, "RangeRequested", range) ||
        buf_printf(&extra, "<ActualObjectSize>%llu</ActualObjectSize>", (unsigned long long)size))
        buf_reset(&extra);
    s3_error_extra(r, 416, "InvalidRange", buf_str(&extra),
                   "The requested range is not satisfiable");
    buf_free(&extra);
}

static int add_checksum_header(s3_request *r, const s3_meta *m, int ranged)
{
    const char *mode = srv_header_get(r->req, "x-amz-checksum-mode");
    int alg = s3_checksum_by_name(m->checksum_alg);
    if (ranged || alg < 0 || !mode || strcasecmp(mode, "ENABLED") != 0)
        return 0;
    return s3_header(r, s3_checksum_header((s3_checksum_alg)alg), m->checksum) ||
                   s3_header(r, "x-amz-checksum-type", "FULL_OBJECT")
               ? -1
               : 0;
}

/* Headers and body of a 200 or 206 answer; hands the file to the response. */
static void send_object(s3_request *r, s3_object *o, const s3_meta *m, const char *range_header)
{
    uint64_t size = (uint64_t)o->st.st_size, first = 0, last = size ? size - 1 : 0;
    int ranged = s3_parse_range(range_header, size, &first, &last);
    if (ranged < 0) {
        unsatisfiable_range(r, range_header, size);
        return;
    }
    if (add_validators(r, o, m) || s3_header(r, "Accept-Ranges", "bytes") ||
        add_object_headers(r, m) || add_checksum_header(r, m, ranged))
        return;
    if (ranged) {
        char content_range[96];
        snprintf(content_range, sizeof content_range, "bytes %llu-%llu/%llu",
                 (unsigned long long)first, (unsigned long long)last, (unsigned long long)size);
        if (s3_header(r, "Content-Range", content_range) != 0)
            return;
    }
    r->resp->status = ranged ? 206 : 200;
    if (o->fd >= 0) {
        r->resp->has_file = 1;
        r->resp->file.fd = o->fd;
        r->resp->file.offset = first;
        r->resp->file.length = size ? last - first + 1 : 0;
        o->fd = -1; /* the response owns it now */
    }
}

void s3_get_object(s3_request *r, int head)
{
    s3_object o;
    s3_meta m = S3_META_INIT;
    if (s3_object_open(r, r->bucket, r->key, &o) != 0)
        return;
    if (s3_meta_get(r->s->store, r->bucket, r->key, o.fd, &o.st, &m) != 0) {
        s3_error(r, 500, "InternalError", "The object could not be read.");
    } else {
        precondition p = check_preconditions(r->req, "", m.etag, o.st.st_mtim.tv_sec);
        if (p == PRECONDITION_FAILED) {
            s3_error(r, 412, "PreconditionFailed",
                     "At least one of the pre-conditions you specified did not hold");
        } else if (p == NOT_MODIFIED) {
            if (add_validators(r, &o, &m) == 0)
                r->resp->status = 304;
        } else {
            send_object(r, &o, &m, srv_header_get(r->req, "Range"));
        }
    }
    (void)head; /* HEAD differs only in that the front sends no body */
    s3_meta_free(&m);
    s3_object_close(&o);
}

/* ---- writing ---- */

static void write_failed(s3_request *r, int err)
{
    if (err == EACCES)
        s3_error(r, 403, "AccessDenied", "Access Denied");
    else if (err == ENOTDIR || err == EISDIR || err == EEXIST || err == ENOTEMPTY)
        s3_error(r, 409, "OperationAborted",
                 "athena-local stores objects as files, so this key cannot exist beside an "
                 "existing object: a key may not be both an object and a prefix of other keys "
                 "(as 'a' and 'a/b').");
    else if (err == ENAMETOOLONG)
        s3_error(r, 400, "KeyTooLongError", "Your key is too long");
    else if (err == ENOSPC || err == EDQUOT)
        s3_error(r, 507, "InsufficientStorage", "The data directory is out of space.");
    else
        s3_error(r, 500, "InternalError", "The object could not be written: %s.", strerror(err));
}

int s3_write_open(s3_request *r, const char *path, atomic_file *af)
{
    /* A concurrent delete may remove a folder between its creation and the
     * temp file's: one retry covers that. */
    for (int attempt = 0; attempt < 2; attempt++) {
        if (atomic_file_open_under(af, r->s->s3_root, path) == 0)
            return 0;
        if (errno != ENOENT)
            break;
    }
    write_failed(r, errno);
    return -1;
}

int s3_write_commit(s3_request *r, atomic_file *af, const s3_meta *m, struct stat *st)
{
    struct stat old;
    int had_old = lstat(af->final_path, &old) == 0 && S_ISREG(old.st_mode);
    /* The identity and times of the temp file are those of the final one
     * (rename keeps them), and stat-ing it here cannot race with another
     * writer of the same key. */
    if (fflush(af->f) != 0 || fstat(fileno(af->f), st) != 0) {
        int err = errno;
        atomic_file_abort(af);
        write_failed(r, err);
        return -1;
    }
    /* Persisted before the rename: an object that is in place always has
     * its metadata recorded, and a failure leaves the old object as it was
     * (a row for a temp file that never lands matches no file). */
    if (s3_meta_persist(r->s->store, r->bucket, r->key, st, m) != 0) {
        atomic_file_abort(af);
        s3_error(r, 500, "InternalError", "The object metadata could not be saved.");
        return -1;
    }
    if (atomic_file_commit(af) != 0) {
        int err = errno;
        struct stat now;
        /* -1 after the rename means only the folder sync failed: the object is in place. */
        if (lstat(af->final_path, &now) != 0 || now.st_ino != st->st_ino ||
            now.st_dev != st->st_dev) {
            write_failed(r, err);
            return -1;
        }
    }
    if (had_old)
        s3_meta_forget(&old);
    s3_meta_put(st, m);
    return 0;
}

int s3_write_folder(s3_request *r, const char *path)
{
    if (!s3_path_is_inside(r->s->s3_root, path)) {
        write_failed(r, EACCES);
        return -1;
    }
    if (make_dirs(path) != 0 || !s3_path_is_inside(r->s->s3_root, path)) {
        write_failed(r, errno ? errno : EACCES);
        return -1;
    }
    return 0;
}

static int write_buffer(s3_request *r, const char *path, const char *data, size_t len,
                        const s3_meta *m)
{
    atomic_file af;
    struct stat st;
    if (s3_write_open(r, path, &af) != 0)
        return -1;
    if (len && fwrite(data, 1, len, af.f) != len) {
        int err = errno;
        atomic_file_abort(&af);
        write_failed(r, err);
        return -1;
    }
    return s3_write_commit(r, &af, m, &st);
}

static int is_stored_header(const char *name)
{
    if (strncasecmp(name, "x-amz-meta-", 11) == 0)
        return 1;
    for (size_t i = 0; i < sizeof STORED_HEADERS / sizeof *STORED_HEADERS; i++)
        if (strcasecmp(name, STORED_HEADERS[i]) == 0)
            return 1;
    return 0;
}

/* Content-Encoding without the aws-chunked transfer coding (appended to out). */
static int strip_aws_chunked(const char *value, buf *out)
{
    for (const char *p = value; *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        size_t trimmed = len;
        while (trimmed && (p[trimmed - 1] == ' ' || p[trimmed - 1] == '\t'))
            trimmed--;
        if (trimmed && !(trimmed == 11 && strncasecmp(p, "aws-chunked", 11) == 0) &&
            ((out->len && buf_putc(out, ',')) || buf_append(out, p, trimmed)))
            return -1;
        p += len;
    }
    return 0;
}

static int metadata_too_large(s3_request *r)
{
    s3_error(r, 400, "MetadataTooLarge",
             "Your metadata headers exceed the maximum allowed metadata size (athena-local keeps "
             "at most %d headers).",
             S3_META_MAX_HEADERS);
    return -1;
}

/* Adds one stored header (Content-Encoding without aws-chunked). 0 or -1. */
static int keep_header(s3_request *r, s3_meta *m, const srv_header *h)
{
    buf encoding = BUF_INIT;
    const char *value = h->value;
    int rc = 0;
    if (strcasecmp(h->name, "Content-Encoding") == 0) {
        rc = strip_aws_chunked(h->value, &encoding);
        value = buf_str(&encoding);
    }
    if (rc == 0 && value[0])
        rc = s3_meta_add_header(m, h->name, value);
    buf_free(&encoding);
    if (rc != 0)
        s3_error_oom(r);
    return rc;
}

int s3_meta_from_request(s3_request *r, s3_meta *m)
{
    size_t user_bytes = 0, count = 0;
    for (size_t i = 0; i < r->req->header_count; i++) {
        const srv_header *h = &r->req->headers[i];
        if (!is_stored_header(h->name))
            continue;
        if (strncasecmp(h->name, "x-amz-meta-", 11) == 0)
            user_bytes += strlen(h->name) - 11 + strlen(h->value);
        if (++count > S3_META_MAX_HEADERS || user_bytes > S3_META_MAX_BYTES)
            return metadata_too_large(r);
        if (keep_header(r, m, h) != 0)
            return -1;
    }
    return 0;
}

/* Keeps the first claimed checksum as the object's full-object checksum. */
static void remember_checksum(s3_meta *m, const s3_claims *c)
{
    for (int alg = 0; alg < S3_CK_COUNT; alg++) {
        if (!(c->algs & (1u << alg)))
            continue;
        snprintf(m->checksum_alg, sizeof m->checksum_alg, "%s",
                 s3_checksum_name((s3_checksum_alg)alg));
        snprintf(m->checksum, sizeof m->checksum, "%s", c->value[alg]);
        return;
    }
}

/* If-None-Match: * on a PUT: write only if the key is free (checked, not
 * locked: good enough for one local writer at a time). */
static int put_precondition(s3_request *r, const char *path)
{
    const char *if_none_match = srv_header_get(r->req, "If-None-Match");
    struct stat st;
    if (!if_none_match || strcmp(if_none_match, "*") != 0 || lstat(path, &st) != 0 ||
        (S_ISDIR(st.st_mode) && !key_is_folder(r->key)))
        return 0;
    s3_error(r, 412, "PreconditionFailed",
             "At least one of the pre-conditions you specified did not hold");
    return -1;
}

void s3_put_object(s3_request *r)
{
    char dir[S3_PATH_MAX], path[S3_PATH_MAX];
    s3_payload p;
    if (s3_bucket_dir(r, r->bucket, dir, sizeof dir) != 0 ||
        s3_key_file(r, r->bucket, r->key, path, sizeof path) != 0 || s3_payload_read(r, &p) != 0)
        return;
    s3_meta m = S3_META_INIT;
    int rc = s3_meta_from_request(r, &m) != 0 || put_precondition(r, path) != 0 ? -1 : 0;
    if (rc == 0) {
        memcpy(m.etag, p.digests.md5_hex, sizeof p.digests.md5_hex);
        remember_checksum(&m, &p.claims);
        if (key_is_folder(r->key) && p.len) {
            s3_error(
                r, 400, "InvalidRequest",
                "athena-local stores a key ending in '/' as a folder, which cannot hold data.");
            rc = -1;
        } else {
            rc = key_is_folder(r->key) ? s3_write_folder(r, path)
                                       : write_buffer(r, path, p.data, p.len, &m);
        }
    }
    char etag[S3_ETAG_MAX + 2];
    snprintf(etag, sizeof etag, "\"%s\"", m.etag);
    if (rc == 0 && s3_header(r, "ETag", etag) == 0 && s3_claims_echo(r, &p.claims) == 0)
        r->resp->status = 200;
    s3_meta_free(&m);
    s3_payload_free(&p);
}

/* ---- deleting ---- */

void s3_prune_empty_dirs(const char *bucket_dir, const char *path)
{
    char dir[S3_PATH_MAX];
    size_t root = strlen(bucket_dir);
    snprintf(dir, sizeof dir, "%s", path);
    for (;;) {
        size_t len = strlen(dir);
        while (len > root && dir[len - 1] == '/')
            dir[--len] = '\0';
        char *slash = strrchr(dir, '/');
        if (!slash || (size_t)(slash - dir) <= root)
            return;
        *slash = '\0';
        if (rmdir(dir) != 0)
            return;
    }
}

int s3_remove_object(server *s, const char *bucket, const char *key, const char *bucket_dir,
                     const char *path)
{
    if (!s3_path_is_inside(s->s3_root, path)) {
        errno = EACCES;
        return -1;
    }
    size_t len = strlen(path);
    struct stat st;
    if (len && path[len - 1] == '/') {
        if (rmdir(path) != 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EEXIST &&
            errno != ENOTDIR)
            return -1;
    } else if (lstat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
        s3_meta_forget(&st);
        if (unlink(path) != 0 && errno != ENOENT)
            return -1;
        s3_meta_drop(s->store, bucket, key);
    }
    s3_prune_empty_dirs(bucket_dir, path);
    return 0;
}

void s3_delete_object(s3_request *r)
{
    char dir[S3_PATH_MAX], path[S3_PATH_MAX];
    if (s3_bucket_dir(r, r->bucket, dir, sizeof dir) != 0 ||
        s3_key_file(r, r->bucket, r->key, path, sizeof path) != 0)
        return;
    if (s3_remove_object(r->s, r->bucket, r->key, dir, path) != 0) {
        if (errno == EACCES)
            s3_error(r, 403, "AccessDenied", "Access Denied");
        else
            s3_error(r, 500, "InternalError", "The object could not be deleted: %s.",
                     strerror(errno));
        return;
    }
    r->resp->status = 204;
}
