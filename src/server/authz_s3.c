/*
 * authz_s3.c: what each S3 request needs (authz.h), by method and
 * sub-resource, on the ARNs S3 uses: arn:aws:s3:::BUCKET for bucket
 * operations and arn:aws:s3:::BUCKET/KEY for objects (S3 ARNs carry no
 * region or account). ListObjects(V2) is s3:ListBucket with the s3:prefix
 * context key; HeadObject is s3:GetObject and HeadBucket s3:ListBucket;
 * every write of an object (PutObject, multipart parts and completion,
 * CopyObject's destination) is s3:PutObject, and a copy also needs
 * s3:GetObject on its source. DeleteObjects is checked per key when it runs
 * (authz_s3_allowed), as S3 answers each key on its own.
 */
#include "authz.h"

#include <stdio.h>
#include <string.h>

int authz_s3_arn(const char *bucket, const char *key, char *out, size_t cap)
{
    int n = key ? snprintf(out, cap, "arn:aws:s3:::%s/%s", bucket, key)
                : snprintf(out, cap, "arn:aws:s3:::%s", bucket);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static int has_param(const authz_s3_target *t, const char *name)
{
    return t->query && uri_query_get(t->query, name) != NULL;
}

static int is_method(const authz_s3_target *t, const char *method)
{
    return strcmp(t->method, method) == 0;
}

static int need(authz_need_fn fn, void *ctx, const char *action, const char *bucket,
                const char *key, const char *prefix)
{
    char arn[AUTHZ_ARN_CAP];
    if (authz_s3_arn(bucket, key, arn, sizeof arn) != 0)
        return AUTHZ_NOT_MAPPED;
    authz_need n = {action, arn, prefix};
    return fn(ctx, &n);
}

/* The action of a request on a bucket; NULL when there is none (an
 * unsupported method: S3 answers MethodNotAllowed). *per_key is set for
 * DeleteObjects. */
static const char *bucket_action(const authz_s3_target *t, int *per_key)
{
    if (is_method(t, "GET")) {
        if (has_param(t, "location"))
            return "s3:GetBucketLocation";
        if (has_param(t, "versioning"))
            return "s3:GetBucketVersioning";
        if (has_param(t, "uploads"))
            return "s3:ListBucketMultipartUploads";
        return "s3:ListBucket";
    }
    if (is_method(t, "HEAD"))
        return "s3:ListBucket";
    if (is_method(t, "PUT"))
        return "s3:CreateBucket";
    if (is_method(t, "DELETE"))
        return "s3:DeleteBucket";
    if (is_method(t, "POST") && has_param(t, "delete"))
        *per_key = 1;
    return NULL;
}

static const char *object_action(const authz_s3_target *t)
{
    int upload = has_param(t, "uploadId");
    if (is_method(t, "GET")) {
        if (upload)
            return "s3:ListMultipartUploadParts";
        return has_param(t, "tagging") ? "s3:GetObjectTagging" : "s3:GetObject";
    }
    if (is_method(t, "HEAD"))
        return "s3:GetObject";
    if (is_method(t, "PUT"))
        return has_param(t, "tagging") ? "s3:PutObjectTagging" : "s3:PutObject";
    if (is_method(t, "POST"))
        return upload || has_param(t, "uploads") ? "s3:PutObject" : NULL;
    if (is_method(t, "DELETE"))
        return upload ? "s3:AbortMultipartUpload" : "s3:DeleteObject";
    return NULL;
}

static int object_needs(const authz_s3_target *t, authz_need_fn fn, void *ctx)
{
    const char *action = object_action(t);
    if (!action)
        return AUTHZ_NOT_MAPPED;
    int rc = need(fn, ctx, action, t->bucket, t->key, NULL);
    /* CopyObject and UploadPartCopy read their source. */
    if (rc == 0 && is_method(t, "PUT") && t->copy_bucket && t->copy_key)
        rc = need(fn, ctx, "s3:GetObject", t->copy_bucket, t->copy_key, NULL);
    return rc;
}

int authz_s3_needs(const authz_s3_target *t, authz_need_fn fn, void *ctx)
{
    if (!t->bucket[0]) {
        if (!is_method(t, "GET"))
            return AUTHZ_NOT_MAPPED;
        authz_need n = {"s3:ListAllMyBuckets", "*", NULL};
        return fn(ctx, &n);
    }
    if (t->has_key)
        return object_needs(t, fn, ctx);
    int per_key = 0;
    const char *action = bucket_action(t, &per_key);
    if (per_key)
        return 0;
    if (!action)
        return AUTHZ_NOT_MAPPED;
    const char *prefix = NULL;
    if (strcmp(action, "s3:ListBucket") == 0 && is_method(t, "GET"))
        prefix = t->query ? uri_query_get(t->query, "prefix") : NULL;
    return need(fn, ctx, action, t->bucket, NULL, prefix);
}
