/*
 * s3_buckets.c: bucket operations (CreateBucket, HeadBucket, DeleteBucket,
 * GetBucketLocation) and DeleteObjects. A bucket is the folder
 * S3_ROOT/<bucket>; it exists in the single region the server serves.
 */
#include "s3_internal.h"

#include "authz.h"
#include "s3_xml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DELETE_OBJECTS 1000
#define MAX_DELETE_NODES (4 * MAX_DELETE_OBJECTS + 16)

/* ---- buckets ---- */

/* A CreateBucketConfiguration body may name this server's region only. */
static int check_location(s3_request *r)
{
    if (r->req->body_len == 0)
        return 0;
    char err[160], location[64] = "";
    s3_xml_node *root = s3_xml_parse(r->req->body, r->req->body_len, 64, err, sizeof err);
    int rc = 0;
    if (!root || strcmp(root->name, "CreateBucketConfiguration") != 0) {
        s3_error(r, 400, "MalformedXML",
                 "The XML you provided was not well-formed or did not validate against our "
                 "published schema.");
        rc = -1;
    } else if (s3_xml_child_text(root, "LocationConstraint", location, sizeof location) < 0 ||
               (location[0] && strcmp(location, r->s->settings.region) != 0)) {
        s3_error(r, 400, "IllegalLocationConstraintException",
                 "The %.63s location constraint is incompatible for the region specific endpoint "
                 "this request was sent to (athena-local serves %s).",
                 location, r->s->settings.region);
        rc = -1;
    }
    s3_xml_free(root);
    return rc;
}

void s3_create_bucket(s3_request *r)
{
    char path[S3_PATH_MAX], location[300];
    if (!s3_bucket_valid(r->bucket) ||
        s3_object_path(r->s->s3_root, r->bucket, "", path, sizeof path) != 0) {
        s3_error(r, 400, "InvalidBucketName", "The specified bucket is not valid.");
        return;
    }
    if (check_location(r) != 0)
        return;
    if (make_dirs(r->s->s3_root) != 0 || mkdir(path, 0755) != 0) {
        if (errno == EEXIST)
            s3_error(r, 409, "BucketAlreadyOwnedByYou",
                     "Your previous request to create the named bucket succeeded and you already "
                     "own it.");
        else
            s3_error(r, 500, "InternalError", "The bucket could not be created: %s.",
                     strerror(errno));
        return;
    }
    snprintf(location, sizeof location, "/%s", r->bucket);
    if (s3_header(r, "Location", location) == 0)
        r->resp->status = 200;
}

void s3_head_bucket(s3_request *r)
{
    char dir[S3_PATH_MAX];
    if (s3_bucket_dir(r, r->bucket, dir, sizeof dir) != 0)
        return;
    if (s3_header(r, "x-amz-bucket-region", r->s->settings.region) == 0)
        r->resp->status = 200;
}

void s3_delete_bucket(s3_request *r)
{
    char dir[S3_PATH_MAX];
    if (s3_bucket_dir(r, r->bucket, dir, sizeof dir) != 0)
        return;
    if (rmdir(dir) == 0) {
        s3_meta_drop_bucket(r->s->store, r->bucket); /* rows of files removed outside S3 */
        r->resp->status = 204;
    } else if (errno == ENOTEMPTY || errno == EEXIST) {
        s3_error(r, 409, "BucketNotEmpty", "The bucket you tried to delete is not empty");
    } else {
        s3_error(r, 500, "InternalError", "The bucket could not be deleted: %s.", strerror(errno));
    }
}

void s3_get_bucket_location(s3_request *r)
{
    char dir[S3_PATH_MAX];
    if (s3_bucket_dir(r, r->bucket, dir, sizeof dir) != 0 ||
        s3_xml_response(r, "LocationConstraint") != 0)
        return;
    /* us-east-1 is the empty constraint, as S3 answers it. */
    const char *region = r->s->settings.region;
    buf *b = &r->resp->body;
    if ((strcmp(region, "us-east-1") != 0 && s3_xml_escape(b, region, strlen(region))) ||
        s3_xml_close(b, "LocationConstraint"))
        s3_error_oom(r);
}

/* ---- DeleteObjects ---- */

static void malformed_xml(s3_request *r)
{
    s3_error(r, 400, "MalformedXML",
             "The XML you provided was not well-formed or did not validate against our published "
             "schema.");
}

/* Deletes one key; on failure fills code and message. */
static int delete_one(s3_request *r, const char *dir, const char *key, size_t key_len,
                      const char **code, const char **message)
{
    char path[S3_PATH_MAX];
    if (key_len == 0 || key_len > S3_KEY_MAX || !s3_key_valid_len(key, key_len) ||
        s3_object_path(r->s->s3_root, r->bucket, key, path, sizeof path) != 0) {
        *code = "InvalidArgument";
        *message = "athena-local cannot hold an object under this key.";
        return -1;
    }
    if (s3_remove_object(r->s, r->bucket, key, dir, path) != 0) {
        *code = errno == EACCES ? "AccessDenied" : "InternalError";
        *message = errno == EACCES ? "Access Denied" : "The object could not be deleted.";
        return -1;
    }
    return 0;
}

static int write_outcome(buf *b, const s3_xml_node *key, int ok, int quiet, const char *code,
                         const char *message)
{
    if (ok && quiet)
        return 0;
    const char *element = ok ? "Deleted" : "Error";
    int rc =
        s3_xml_open(b, element) || s3_xml_text_len(b, "Key", buf_str(&key->text), key->text.len);
    if (!ok)
        rc = rc || s3_xml_text(b, "Code", code) || s3_xml_text(b, "Message", message);
    return rc || s3_xml_close(b, element) ? -1 : 0;
}

/* The Object elements of a Delete document: each with exactly one Key. */
static int check_delete_document(const s3_xml_node *root, size_t *count)
{
    *count = 0;
    if (strcmp(root->name, "Delete") != 0)
        return -1;
    for (const s3_xml_node *n = root->first_child; n; n = n->next) {
        if (strcmp(n->name, "Object") != 0)
            continue;
        if (!s3_xml_child(n, "Key") || ++*count > MAX_DELETE_OBJECTS)
            return -1;
    }
    return *count ? 0 : -1;
}

static void delete_listed(s3_request *r, const char *dir, const s3_xml_node *root)
{
    char quiet_text[8] = "";
    int quiet = s3_xml_child_text(root, "Quiet", quiet_text, sizeof quiet_text) > 0 &&
                strcmp(quiet_text, "true") == 0;
    if (s3_xml_response(r, "DeleteResult") != 0)
        return;
    buf *b = &r->resp->body;
    int rc = 0;
    for (const s3_xml_node *n = root->first_child; rc == 0 && n; n = n->next) {
        if (strcmp(n->name, "Object") != 0)
            continue;
        const s3_xml_node *key = s3_xml_child(n, "Key");
        const char *code = "AccessDenied", *message = "Access Denied";
        /* S3 authorizes each key on its own (s3:DeleteObject). */
        int ok = authz_s3_allowed(r, "s3:DeleteObject", buf_str(&key->text)) &&
                 delete_one(r, dir, buf_str(&key->text), key->text.len, &code, &message) == 0;
        rc = write_outcome(b, key, ok, quiet, code, message);
    }
    if (rc || s3_xml_close(b, "DeleteResult"))
        s3_error_oom(r);
}

void s3_delete_objects(s3_request *r)
{
    char dir[S3_PATH_MAX], err[160];
    s3_payload p;
    if (s3_bucket_dir(r, r->bucket, dir, sizeof dir) != 0 || s3_payload_read(r, &p) != 0)
        return;
    if (!p.claims.has_md5 && !p.claims.algs) {
        s3_error(r, 400, "InvalidRequest",
                 "Missing required header for this request: Content-MD5 or x-amz-checksum-*");
        s3_payload_free(&p);
        return;
    }
    s3_xml_node *root = s3_xml_parse(p.data, p.len, MAX_DELETE_NODES, err, sizeof err);
    size_t count;
    if (!root || check_delete_document(root, &count) != 0)
        malformed_xml(r);
    else
        delete_listed(r, dir, root);
    s3_xml_free(root);
    s3_payload_free(&p);
}
