/*
 * s3_multipart.c: multipart uploads: CreateMultipartUpload, UploadPart,
 * UploadPartCopy, CompleteMultipartUpload, AbortMultipartUpload and
 * ListParts.
 *
 * An upload lives in DATA_DIR/multipart/<upload id>/, outside S3_ROOT, so
 * its parts are never objects (nor seen by a query): upload.json holds the
 * bucket, key, start time and the headers the object will keep, and each
 * part is a file named "<part number, 5 digits>.<MD5 hex>". Naming a part by
 * its ETag means a re-uploaded part never mixes its bytes with the old
 * one's, and CompleteMultipartUpload finds exactly the version the client
 * lists. Completing assembles the parts into the object through an atomic
 * writer (nothing is visible until the whole object is), then removes the
 * upload. The object's ETag is S3's: the MD5 of the parts' MD5s, "-N".
 */
#include "s3_internal.h"

#include "crypto.h"
#include "s3_xml.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define UPLOAD_FILE "upload.json"
#define PART_NAME_LEN (5 + 1 + 32)
#define MAX_COMPLETE_NODES (8 * S3_MAX_PART_NUMBER + 16)

/* ---- uploads on disk ---- */

static int valid_upload_id(const char *id)
{
    return id && strlen(id) == S3_UPLOAD_ID_LEN &&
           strspn(id, "0123456789abcdef") == S3_UPLOAD_ID_LEN;
}

static int uploads_root(const server *s, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/multipart", s->settings.data_dir);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

static void no_such_upload(s3_request *r)
{
    s3_error(r, 404, "NoSuchUpload",
             "The specified upload does not exist. The upload ID may be invalid, or the upload "
             "may have been aborted or completed.");
}

/* The folder and record of the request's uploadId, which must be for its
 * bucket and key: 0, or -1 after writing NoSuchUpload. */
static int open_upload(s3_request *r, char *dir, size_t cap, json_t **doc)
{
    const char *id = s3_param(r, "uploadId");
    char root[S3_PATH_MAX - 64], file[S3_PATH_MAX + 64];
    *doc = NULL;
    if (!valid_upload_id(id) || uploads_root(r->s, root, sizeof root) != 0 ||
        snprintf(dir, cap, "%s/%s", root, id) >= (int)cap) {
        no_such_upload(r);
        return -1;
    }
    snprintf(file, sizeof file, "%s/" UPLOAD_FILE, dir);
    *doc = json_load_file(file, 0, NULL);
    const char *bucket = json_string_value(json_object_get(*doc, "Bucket"));
    const char *key = json_string_value(json_object_get(*doc, "Key"));
    if (!bucket || !key || strcmp(bucket, r->bucket) != 0 || strcmp(key, r->key) != 0) {
        json_decref(*doc);
        *doc = NULL;
        no_such_upload(r);
        return -1;
    }
    return 0;
}

/* "00007.<md5>": 1 with the number and ETag, or 0 for any other name. */
static int parse_part_name(const char *name, int *number, char etag[33])
{
    if (strlen(name) != PART_NAME_LEN || name[5] != '.' || strspn(name, "0123456789") != 5 ||
        strspn(name + 6, "0123456789abcdef") != 32)
        return 0;
    *number = atoi(name);
    memcpy(etag, name + 6, 33);
    return *number >= 1 && *number <= S3_MAX_PART_NUMBER;
}

static void remove_upload(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlinkat(dirfd(d), e->d_name, 0);
    if (d)
        closedir(d);
    rmdir(dir);
}

/* Deletes the other versions of part number in dir (keep: the current one). */
static void remove_other_versions(const char *dir, int number, const char *keep)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char etag[33];
    int n;
    while (d && (e = readdir(d)))
        if (parse_part_name(e->d_name, &n, etag) && n == number && strcmp(e->d_name, keep) != 0)
            unlinkat(dirfd(d), e->d_name, 0);
    if (d)
        closedir(d);
}

/* ---- CreateMultipartUpload ---- */

static json_t *headers_json(const s3_meta *m)
{
    json_t *list = json_array();
    size_t pos = 0;
    const char *name, *value;
    while (list && s3_meta_next_header(m, &pos, &name, &value))
        json_array_append_new(list, json_pack("[ss]", name, value));
    return list;
}

static int write_upload_record(const char *dir, json_t *doc)
{
    char file[S3_PATH_MAX + 64];
    atomic_file af;
    snprintf(file, sizeof file, "%s/" UPLOAD_FILE, dir);
    char *text = json_dumps(doc, JSON_COMPACT);
    if (!text || atomic_file_open(&af, file) != 0) {
        free(text);
        return -1;
    }
    int rc = fputs(text, af.f) < 0 ? -1 : 0;
    free(text);
    if (rc != 0) {
        atomic_file_abort(&af);
        return -1;
    }
    return atomic_file_commit(&af);
}

static int checksum_algorithm(s3_request *r, const char **name)
{
    *name = srv_header_get(r->req, "x-amz-checksum-algorithm");
    if (*name && s3_checksum_by_name(*name) < 0) {
        s3_error(r, 400, "InvalidRequest", "Checksum algorithm '%.32s' is not supported.", *name);
        return -1;
    }
    return 0;
}

static void initiate_result(s3_request *r, const char *id, const char *algorithm)
{
    if (algorithm && s3_header(r, "x-amz-checksum-algorithm", algorithm) != 0)
        return;
    if (s3_xml_response(r, "InitiateMultipartUploadResult") != 0)
        return;
    buf *b = &r->resp->body;
    if (s3_xml_text(b, "Bucket", r->bucket) || s3_xml_text_len(b, "Key", r->key, r->key_len) ||
        s3_xml_text(b, "UploadId", id) || s3_xml_close(b, "InitiateMultipartUploadResult"))
        s3_error_oom(r);
}

void s3_create_multipart_upload(s3_request *r)
{
    char bucket_dir[S3_PATH_MAX], path[S3_PATH_MAX], root[S3_PATH_MAX - 64], dir[S3_PATH_MAX];
    unsigned char rnd[S3_UPLOAD_ID_LEN / 2];
    char id[S3_UPLOAD_ID_LEN + 1];
    const char *algorithm;
    s3_meta m = S3_META_INIT;
    if (s3_bucket_dir(r, r->bucket, bucket_dir, sizeof bucket_dir) != 0 ||
        s3_key_file(r, r->bucket, r->key, path, sizeof path) != 0 ||
        checksum_algorithm(r, &algorithm) != 0 || s3_meta_from_request(r, &m) != 0) {
        s3_meta_free(&m);
        return;
    }
    if (r->key[r->key_len - 1] == '/') {
        s3_error(r, 400, "InvalidRequest",
                 "athena-local stores a key ending in '/' as a folder, which cannot hold data.");
        s3_meta_free(&m);
        return;
    }
    json_t *doc = json_pack("{ss ss sI so}", "Bucket", r->bucket, "Key", r->key, "Initiated",
                            (json_int_t)time(NULL), "Headers", headers_json(&m));
    if (doc && algorithm)
        json_object_set_new(doc, "ChecksumAlgorithm", json_string(algorithm));
    int rc =
        !doc || random_bytes(rnd, sizeof rnd) != 0 || uploads_root(r->s, root, sizeof root) != 0;
    if (rc == 0) {
        hex_encode(rnd, sizeof rnd, id);
        snprintf(dir, sizeof dir, "%s/%s", root, id);
        rc = make_dirs(root) != 0 || mkdir(dir, 0700) != 0 || write_upload_record(dir, doc) != 0;
        if (rc)
            remove_upload(dir);
    }
    if (rc)
        s3_error(r, 500, "InternalError", "The upload could not be started.");
    else
        initiate_result(r, id, algorithm);
    json_decref(doc);
    s3_meta_free(&m);
}

/* ---- UploadPart / UploadPartCopy ---- */

static int part_number(s3_request *r)
{
    const char *s = s3_param(r, "partNumber");
    size_t n = s ? strlen(s) : 0;
    int v = n > 0 && n <= 5 && strspn(s, "0123456789") == n ? atoi(s) : 0;
    if (v < 1 || v > S3_MAX_PART_NUMBER) {
        s3_error(r, 400, "InvalidArgument",
                 "Part number must be an integer between 1 and 10000, inclusive");
        return -1;
    }
    return v;
}

/* Writes a part from a buffer (data) or from a file range (fd >= 0). */
static int store_part(s3_request *r, const char *dir, int number, const char *md5_hex,
                      const char *data, size_t len, int fd, uint64_t offset)
{
    char name[PART_NAME_LEN + 1], file[S3_PATH_MAX + 64];
    atomic_file af;
    snprintf(name, sizeof name, "%05d.%s", number, md5_hex);
    snprintf(file, sizeof file, "%s/%s", dir, name);
    if (atomic_file_open(&af, file) != 0) {
        s3_error(r, 500, "InternalError", "The part could not be stored: %s.", strerror(errno));
        return -1;
    }
    int rc = fd >= 0 ? s3_copy_bytes(fd, offset, len, af.f, NULL)
                     : (len && fwrite(data, 1, len, af.f) != len ? -1 : 0);
    if (rc != 0) {
        int err = errno;
        atomic_file_abort(&af);
        s3_error(r, 500, "InternalError", "The part could not be stored: %s.", strerror(err));
        return -1;
    }
    if (atomic_file_commit(&af) != 0 && access(file, F_OK) != 0) {
        s3_error(r, 500, "InternalError", "The part could not be stored: %s.", strerror(errno));
        return -1;
    }
    remove_other_versions(dir, number, name);
    return 0;
}

void s3_upload_part(s3_request *r)
{
    char dir[S3_PATH_MAX];
    json_t *doc;
    int number = part_number(r);
    s3_payload p;
    if (number < 0 || open_upload(r, dir, sizeof dir, &doc) != 0)
        return;
    json_decref(doc);
    if (s3_payload_read(r, &p) != 0)
        return;
    char etag[S3_ETAG_MAX + 2];
    snprintf(etag, sizeof etag, "\"%s\"", p.digests.md5_hex);
    if (store_part(r, dir, number, p.digests.md5_hex, p.data, p.len, -1, 0) == 0 &&
        s3_header(r, "ETag", etag) == 0 && s3_claims_echo(r, &p.claims) == 0)
        r->resp->status = 200;
    s3_payload_free(&p);
}

/* x-amz-copy-source-range: "bytes=first-last", within the source. */
static int copy_range(s3_request *r, const s3_object *src, uint64_t *first, uint64_t *len)
{
    const char *range = srv_header_get(r->req, "x-amz-copy-source-range");
    uint64_t size = (uint64_t)src->st.st_size, last;
    *first = 0;
    *len = size;
    if (!range)
        return 0;
    unsigned long long a, b;
    int consumed = 0;
    if (sscanf(range, "bytes=%llu-%llu%n", &a, &b, &consumed) != 2 || range[consumed] != '\0' ||
        b < a || b >= size) {
        s3_error(r, 400, "InvalidArgument",
                 "Range specified is not valid for source object of size: %llu",
                 (unsigned long long)size);
        return -1;
    }
    last = b;
    *first = a;
    *len = last - a + 1;
    return 0;
}

static void copy_part_result(s3_request *r, const char *md5_hex)
{
    char date[40], etag[S3_ETAG_MAX + 2];
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    s3_iso_date(&now, date);
    snprintf(etag, sizeof etag, "\"%s\"", md5_hex);
    if (s3_xml_response(r, "CopyPartResult") != 0)
        return;
    buf *b = &r->resp->body;
    if (s3_xml_text(b, "LastModified", date) || s3_xml_text(b, "ETag", etag) ||
        s3_xml_close(b, "CopyPartResult"))
        s3_error_oom(r);
}

void s3_upload_part_copy(s3_request *r)
{
    char dir[S3_PATH_MAX], src_bucket[256], src_key[S3_KEY_MAX + 1];
    json_t *doc;
    s3_object src;
    s3_meta source_meta = S3_META_INIT;
    s3_digests d;
    uint64_t first, len;
    int number = part_number(r);
    if (number < 0 || open_upload(r, dir, sizeof dir, &doc) != 0)
        return;
    json_decref(doc);
    if (s3_copy_source_open(r, &src, src_bucket, sizeof src_bucket, src_key, sizeof src_key) != 0)
        return;
    if (s3_meta_get(r->s->store, src_bucket, src_key, src.fd, &src.st, &source_meta) != 0) {
        s3_error(r, 500, "InternalError", "The copy source could not be read.");
    } else if (s3_copy_preconditions(r, &src, source_meta.etag) == 0 &&
               copy_range(r, &src, &first, &len) == 0) {
        /* The part's name is its MD5, so the range is hashed before it is copied. */
        int rc = src.fd < 0 ? s3_digest_buffer("", 0, S3_HASH_MD5, &d)
                            : s3_digest_fd(src.fd, first, len, S3_HASH_MD5, &d);
        if (rc != 0)
            s3_error(r, 500, "InternalError", "The copy source could not be read.");
        else if (store_part(r, dir, number, d.md5_hex, "", src.fd < 0 ? 0 : len, src.fd, first) ==
                 0)
            copy_part_result(r, d.md5_hex);
    }
    s3_meta_free(&source_meta);
    s3_object_close(&src);
}

/* ---- CompleteMultipartUpload ---- */

typedef struct completed_part {
    int number;
    char etag[33];
    uint64_t size;
    s3_claims claims; /* per-part checksums the client listed */
} completed_part;

static void malformed_xml(s3_request *r)
{
    s3_error(r, 400, "MalformedXML",
             "The XML you provided was not well-formed or did not validate against our published "
             "schema.");
}

static void invalid_part(s3_request *r)
{
    s3_error(r, 400, "InvalidPart",
             "One or more of the specified parts could not be found. The part may not have been "
             "uploaded, or the specified entity tag may not match the part's entity tag.");
}

/* One <Part>: its number, ETag (quotes optional) and checksums. */
static int read_part(s3_request *r, const s3_xml_node *n, completed_part *p)
{
    char number[8], etag[48];
    memset(p, 0, sizeof *p);
    if (s3_xml_child_text(n, "PartNumber", number, sizeof number) <= 0 ||
        strspn(number, "0123456789") != strlen(number) ||
        s3_xml_child_text(n, "ETag", etag, sizeof etag) <= 0) {
        malformed_xml(r);
        return -1;
    }
    p->number = atoi(number);
    const char *e = etag;
    size_t len = strlen(e);
    if (len >= 2 && e[0] == '"' && e[len - 1] == '"') {
        e++;
        len -= 2;
    }
    if (len != 32 || strspn(e, "0123456789abcdef") != 32 || p->number < 1 ||
        p->number > S3_MAX_PART_NUMBER) {
        invalid_part(r);
        return -1;
    }
    memcpy(p->etag, e, 32);
    for (int alg = 0; alg < S3_CK_COUNT; alg++) {
        char value[S3_CK_VALUE_MAX];
        int found =
            s3_xml_child_text(n, s3_checksum_member((s3_checksum_alg)alg), value, sizeof value);
        if (found < 0 ||
            (found > 0 &&
             s3_claims_add(r, &p->claims, s3_checksum_header((s3_checksum_alg)alg), value) != 0)) {
            if (found < 0)
                invalid_part(r);
            return -1;
        }
    }
    return 0;
}

/* The parts listed in the request body, in ascending order, each present
 * with its ETag and (all but the last) at least 5 MiB. */
static completed_part *read_parts(s3_request *r, const char *dir, size_t *count)
{
    char err[160];
    s3_xml_node *root =
        s3_xml_parse(r->req->body, r->req->body_len, MAX_COMPLETE_NODES, err, sizeof err);
    completed_part *parts = NULL;
    size_t n = 0;
    int rc = !root || strcmp(root->name, "CompleteMultipartUpload") != 0 ? -1 : 0;
    if (rc)
        malformed_xml(r);
    for (const s3_xml_node *c = root ? root->first_child : NULL; rc == 0 && c; c = c->next) {
        if (strcmp(c->name, "Part") != 0)
            continue;
        completed_part *grown = n % 64 ? parts : realloc(parts, (n + 64) * sizeof *parts);
        if (!grown) {
            s3_error_oom(r);
            rc = -1;
            break;
        }
        parts = grown;
        rc = n >= S3_MAX_PART_NUMBER ? (malformed_xml(r), -1) : read_part(r, c, &parts[n]);
        if (rc == 0 && n > 0 && parts[n].number <= parts[n - 1].number) {
            s3_error(r, 400, "InvalidPartOrder",
                     "The list of parts was not in ascending order. Parts must be ordered by part "
                     "number.");
            rc = -1;
        }
        n++;
    }
    s3_xml_free(root);
    if (rc == 0 && n == 0) {
        malformed_xml(r);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char file[S3_PATH_MAX + 64];
        struct stat st;
        snprintf(file, sizeof file, "%s/%05d.%s", dir, parts[i].number, parts[i].etag);
        if (stat(file, &st) != 0) {
            invalid_part(r);
            rc = -1;
        } else if ((parts[i].size = (uint64_t)st.st_size) < S3_MIN_PART_SIZE && i + 1 < n) {
            s3_error(r, 400, "EntityTooSmall",
                     "Your proposed upload is smaller than the minimum allowed object size.");
            rc = -1;
        }
    }
    if (rc != 0) {
        free(parts);
        return NULL;
    }
    *count = n;
    return parts;
}

/* Appends one part to the object, checking any checksums listed for it. */
static int append_part(s3_request *r, const char *dir, const completed_part *p, FILE *out)
{
    char file[S3_PATH_MAX + 64];
    snprintf(file, sizeof file, "%s/%05d.%s", dir, p->number, p->etag);
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    s3_hasher *h = p->claims.algs ? s3_hasher_new(p->claims.algs) : NULL;
    s3_digests d;
    int rc = fd < 0 || (p->claims.algs && !h) ? -1 : s3_copy_bytes(fd, 0, p->size, out, h);
    if (fd >= 0)
        close(fd);
    if (rc != 0) {
        s3_hasher_free(h);
        if (fd < 0)
            invalid_part(r);
        else
            s3_error(r, 500, "InternalError", "The object could not be assembled: %s.",
                     strerror(errno));
        return -1;
    }
    if (h && (s3_hasher_finish(h, &d) != 0 || s3_claims_check(r, &p->claims, &d) != 0)) {
        if (r->resp->status == 0)
            s3_error_oom(r);
        return -1;
    }
    return 0;
}

/* The multipart ETag: MD5 of the concatenated binary part MD5s, "-N". */
static int multipart_etag(const completed_part *parts, size_t n, char out[S3_ETAG_MAX])
{
    s3_hasher *h = s3_hasher_new(S3_HASH_MD5);
    int rc = h ? 0 : -1;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        unsigned char raw[16];
        for (int j = 0; j < 16; j++) {
            unsigned v;
            sscanf(parts[i].etag + 2 * j, "%2x", &v);
            raw[j] = (unsigned char)v;
        }
        rc = s3_hasher_update(h, raw, sizeof raw);
    }
    s3_digests d;
    if (rc != 0) {
        s3_hasher_free(h);
        return -1;
    }
    if (s3_hasher_finish(h, &d) != 0)
        return -1;
    snprintf(out, S3_ETAG_MAX, "%s-%zu", d.md5_hex, n);
    return 0;
}

static int meta_from_record(json_t *doc, s3_meta *m)
{
    size_t i;
    json_t *pair;
    json_array_foreach(json_object_get(doc, "Headers"), i, pair)
    {
        const char *name = json_string_value(json_array_get(pair, 0));
        const char *value = json_string_value(json_array_get(pair, 1));
        if (name && value && s3_meta_add_header(m, name, value) != 0)
            return -1;
    }
    return 0;
}

static int assemble(s3_request *r, const char *dir, const completed_part *parts, size_t n,
                    json_t *doc, s3_meta *m)
{
    char path[S3_PATH_MAX];
    atomic_file af;
    struct stat st;
    if (multipart_etag(parts, n, m->etag) != 0 || meta_from_record(doc, m) != 0) {
        s3_error_oom(r);
        return -1;
    }
    if (s3_key_file(r, r->bucket, r->key, path, sizeof path) != 0 ||
        s3_write_open(r, path, &af) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (append_part(r, dir, &parts[i], af.f) != 0) {
            atomic_file_abort(&af);
            return -1;
        }
    }
    return s3_write_commit(r, &af, m, &st);
}

static void complete_result(s3_request *r, const char *etag)
{
    const char *host = srv_header_get(r->req, "Host");
    buf location = BUF_INIT, quoted = BUF_INIT;
    int rc = buf_printf(&location, "http://%s/%s/", host ? host : "localhost", r->bucket) ||
             uri_encode(&location, r->key, r->key_len, URI_KEEP_SLASH) ||
             buf_printf(&quoted, "\"%s\"", etag);
    if (rc == 0 && s3_xml_response(r, "CompleteMultipartUploadResult") == 0) {
        buf *b = &r->resp->body;
        if (s3_xml_text(b, "Location", buf_str(&location)) || s3_xml_text(b, "Bucket", r->bucket) ||
            s3_xml_text_len(b, "Key", r->key, r->key_len) ||
            s3_xml_text(b, "ETag", buf_str(&quoted)) ||
            s3_xml_close(b, "CompleteMultipartUploadResult"))
            s3_error_oom(r);
    } else if (rc) {
        s3_error_oom(r);
    }
    buf_free(&location);
    buf_free(&quoted);
}

void s3_complete_multipart_upload(s3_request *r)
{
    char bucket_dir[S3_PATH_MAX], dir[S3_PATH_MAX];
    json_t *doc;
    size_t n = 0;
    s3_meta m = S3_META_INIT;
    if (s3_bucket_dir(r, r->bucket, bucket_dir, sizeof bucket_dir) != 0 ||
        open_upload(r, dir, sizeof dir, &doc) != 0)
        return;
    completed_part *parts = read_parts(r, dir, &n);
    if (parts && assemble(r, dir, parts, n, doc, &m) == 0) {
        remove_upload(dir);
        complete_result(r, m.etag);
    }
    free(parts);
    s3_meta_free(&m);
    json_decref(doc);
}

/* ---- AbortMultipartUpload ---- */

void s3_abort_multipart_upload(s3_request *r)
{
    char dir[S3_PATH_MAX];
    json_t *doc;
    if (open_upload(r, dir, sizeof dir, &doc) != 0)
        return;
    json_decref(doc);
    remove_upload(dir);
    r->resp->status = 204;
}

/* ---- ListParts ---- */

typedef struct listed_part {
    int number;
    char etag[33];
    struct stat st;
} listed_part;

static int compare_parts(const void *a, const void *b)
{
    return ((const listed_part *)a)->number - ((const listed_part *)b)->number;
}

/* The newest version of every part, sorted by number. */
static listed_part *scan_parts(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    listed_part *parts = NULL;
    size_t n = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        listed_part p;
        if (!parse_part_name(e->d_name, &p.number, p.etag) ||
            fstatat(dirfd(d), e->d_name, &p.st, 0) != 0)
            continue;
        listed_part *grown = n % 64 ? parts : realloc(parts, (n + 64) * sizeof *parts);
        if (!grown)
            break;
        parts = grown;
        parts[n++] = p;
    }
    if (d)
        closedir(d);
    if (n > 1)
        qsort(parts, n, sizeof *parts, compare_parts);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (kept && parts[kept - 1].number == parts[i].number) {
            if (parts[i].st.st_mtim.tv_sec > parts[kept - 1].st.st_mtim.tv_sec)
                parts[kept - 1] = parts[i];
            continue;
        }
        parts[kept++] = parts[i];
    }
    *count = kept;
    return parts;
}

static int parse_small_int(const char *s, int fallback, int max, int *out)
{
    *out = fallback;
    if (!s)
        return 0;
    size_t n = strlen(s);
    if (n == 0 || n > 6 || strspn(s, "0123456789") != n)
        return -1;
    *out = atoi(s) > max ? max : atoi(s);
    return 0;
}

static int write_part(buf *b, const listed_part *p)
{
    char date[40], etag[40];
    s3_iso_date(&p->st.st_mtim, date);
    snprintf(etag, sizeof etag, "\"%s\"", p->etag);
    return s3_xml_open(b, "Part") || s3_xml_int(b, "PartNumber", p->number) ||
                   s3_xml_text(b, "LastModified", date) || s3_xml_text(b, "ETag", etag) ||
                   s3_xml_int(b, "Size", (int64_t)p->st.st_size) || s3_xml_close(b, "Part")
               ? -1
               : 0;
}

static int write_parts_page(s3_request *r, const listed_part *parts, size_t n, int marker, int max,
                            const char *algorithm)
{
    buf *b = &r->resp->body;
    size_t first = 0, shown = 0;
    while (first < n && parts[first].number <= marker)
        first++;
    shown = n - first < (size_t)max ? n - first : (size_t)max;
    int truncated = first + shown < n;
    int next = shown ? parts[first + shown - 1].number : marker;
    char owner[65];
    s3_owner_id(r->s, owner);
    int rc = s3_xml_text(b, "Bucket", r->bucket) || s3_xml_text_len(b, "Key", r->key, r->key_len) ||
             s3_xml_text(b, "UploadId", s3_param(r, "uploadId")) ||
             s3_xml_int(b, "PartNumberMarker", marker) ||
             s3_xml_int(b, "NextPartNumberMarker", next) || s3_xml_int(b, "MaxParts", max) ||
             s3_xml_bool(b, "IsTruncated", truncated);
    for (size_t i = first; rc == 0 && i < first + shown; i++)
        rc = write_part(b, &parts[i]);
    for (int who = 0; rc == 0 && who < 2; who++) {
        const char *element = who ? "Owner" : "Initiator";
        rc = s3_xml_open(b, element) || s3_xml_text(b, "ID", owner) ||
             s3_xml_text(b, "DisplayName", "athena-local") || s3_xml_close(b, element);
    }
    return rc || s3_xml_text(b, "StorageClass", "STANDARD") ||
                   (algorithm && s3_xml_text(b, "ChecksumAlgorithm", algorithm)) ||
                   s3_xml_close(b, "ListPartsResult")
               ? -1
               : 0;
}

void s3_list_parts(s3_request *r)
{
    char dir[S3_PATH_MAX];
    json_t *doc;
    int marker, max;
    if (parse_small_int(s3_param(r, "part-number-marker"), 0, S3_MAX_PART_NUMBER, &marker) != 0 ||
        parse_small_int(s3_param(r, "max-parts"), 1000, 1000, &max) != 0) {
        s3_error(r, 400, "InvalidArgument",
                 "part-number-marker and max-parts must be whole numbers.");
        return;
    }
    if (open_upload(r, dir, sizeof dir, &doc) != 0)
        return;
    size_t n = 0;
    listed_part *parts = scan_parts(dir, &n);
    const char *algorithm = json_string_value(json_object_get(doc, "ChecksumAlgorithm"));
    if (s3_xml_response(r, "ListPartsResult") == 0 &&
        write_parts_page(r, parts, n, marker, max, algorithm) != 0)
        s3_error_oom(r);
    free(parts);
    json_decref(doc);
}
