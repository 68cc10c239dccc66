/*
 * authz_request.c: the entry points of authorization (authz.h) for the
 * three wire protocols. Each maps the call to its needs (authz_*.c),
 * evaluates them for the caller (authz.c) and, on the first refusal, writes
 * AWS's error: AccessDeniedException (400) for Athena and Glue, AccessDenied
 * (403) for S3 and for IAM/STS.
 *
 * Operations on a query name its workgroup only through its id, so the
 * workgroup of each query is remembered here (it never changes): a client
 * polling GetQueryExecution costs one lookup in memory, not a store read.
 */
#include "authz.h"

#include "auth.h"
#include "objects.h"
#include "s3_internal.h"
#include "store.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---- the workgroup of each query ---- */

#define WORKGROUP_CACHE_SLOTS 1024   /* direct-mapped; a collision just evicts */
#define QUERY_ID_CAP 64
#define WORKGROUP_NAME_CAP 129

typedef struct workgroup_slot {
    const server *s;
    char query_id[QUERY_ID_CAP];
    char workgroup[WORKGROUP_NAME_CAP];
} workgroup_slot;

static workgroup_slot workgroup_cache[WORKGROUP_CACHE_SLOTS];
static pthread_mutex_t workgroup_cache_mu = PTHREAD_MUTEX_INITIALIZER;

static size_t slot_of(const char *id)
{
    size_t h = 5381;
    for (; *id; id++)
        h = h * 33 + (unsigned char)*id;
    return h % WORKGROUP_CACHE_SLOTS;
}

static int cached_workgroup(const server *s, const char *id, char *out, size_t cap)
{
    workgroup_slot *slot = &workgroup_cache[slot_of(id)];
    pthread_mutex_lock(&workgroup_cache_mu);
    int hit = slot->s == s && strcmp(slot->query_id, id) == 0;
    if (hit)
        snprintf(out, cap, "%s", slot->workgroup);
    pthread_mutex_unlock(&workgroup_cache_mu);
    return hit;
}

static void remember_workgroup(const server *s, const char *id, const char *workgroup)
{
    if (strlen(id) >= QUERY_ID_CAP || strlen(workgroup) >= WORKGROUP_NAME_CAP)
        return;
    workgroup_slot *slot = &workgroup_cache[slot_of(id)];
    pthread_mutex_lock(&workgroup_cache_mu);
    slot->s = s;
    snprintf(slot->query_id, sizeof slot->query_id, "%s", id);
    snprintf(slot->workgroup, sizeof slot->workgroup, "%s", workgroup);
    pthread_mutex_unlock(&workgroup_cache_mu);
}

/* An authz_workgroup_fn over the store. */
static int query_workgroup(void *ctx, const char *id, char *out, size_t cap)
{
    server *s = ctx;
    if (cached_workgroup(s, id, out, cap))
        return 0;
    json_t *qe = store_query_get(s->store, id);
    const char *workgroup = json_string_value(json_object_get(qe, "WorkGroup"));
    int found = workgroup != NULL;
    if (found) {
        snprintf(out, cap, "%s", workgroup);
        remember_workgroup(s, id, workgroup);
    }
    json_decref(qe);
    return found ? 0 : -1;
}

/* ---- Athena and Glue ---- */

/* Root bypasses evaluation (http.h: only kind SRV_PRINCIPAL_ROOT; a caller
 * of no kind, SRV_PRINCIPAL_NONE, is refused: authorization fails closed). */
static int is_root(const srv_caller *caller)
{
    return caller->kind == SRV_PRINCIPAL_ROOT;
}

static int unidentified(const srv_caller *caller, auth_protocol protocol, const srv_request *req,
                        srv_response *resp)
{
    if (caller->kind != SRV_PRINCIPAL_NONE)
        return 0;
    auth_write_error(protocol, req, resp, protocol == AUTH_PROTOCOL_JSON ? 400 : 403,
                     protocol == AUTH_PROTOCOL_JSON ? "AccessDeniedException" : "AccessDenied",
                     "athena-local could not identify the caller.");
    return 1;
}

static authz_scope scope_of(const server *s)
{
    return (authz_scope){s->settings.region, s->settings.account_id};
}

static void write_denial(const authz_subject *sub, auth_protocol protocol, int status,
                         const char *code, const srv_request *req, srv_response *resp)
{
    char message[AUTHZ_MESSAGE_CAP];
    authz_subject_denial(sub, message, sizeof message);
    auth_write_error(protocol, req, resp, status, code, message);
}

static void write_unavailable(auth_protocol protocol, const srv_request *req, srv_response *resp)
{
    auth_write_error(protocol, req, resp, 500,
                     protocol == AUTH_PROTOCOL_JSON ? "InternalServerException" : "InternalError",
                     "athena-local could not read the caller's policies.");
}

/* GetQueryResults also reads the result object from S3, unless the
 * workgroup manages query results. Athena reads it on the caller's behalf,
 * so the check sees aws:CalledVia athena.amazonaws.com and no aws:SourceIp
 * (a policy may allow results only through Athena). */
static int result_object_need(server *s, authz_subject *sub, const json_t *in)
{
    const char *id = json_string_value(json_object_get(in, "QueryExecutionId"));
    json_t *qe = id ? store_query_get(s->store, id) : NULL;
    char bucket[256], key[1100], arn[AUTHZ_ARN_CAP];
    int rc = 0;
    if (qe && authz_result_object(qe, bucket, sizeof bucket, key, sizeof key) &&
        authz_s3_arn(bucket, key, arn, sizeof arn) == 0) {
        authz_need need = {"s3:GetObject", arn, NULL};
        rc = authz_subject_need(sub, &need);
    }
    json_decref(qe);
    return rc;
}

static int json_needs(server *s, authz_subject *sub, const char *service, const char *operation,
                      const json_t *in)
{
    authz_scope scope = scope_of(s);
    if (strcmp(service, "glue") == 0)
        return authz_glue_needs(&scope, operation, in, authz_subject_need, sub);
    if (strcmp(operation, "BatchGetQueryExecution") == 0)
        return 0; /* athena_api.c checks each query: a refused one is listed as unprocessed */
    int rc = authz_athena_needs(&scope, operation, in, query_workgroup, s, authz_subject_need,
                                sub);
    if (rc == 0)
        rc = authz_athena_glue_needs(&scope, operation, in, authz_subject_need, sub);
    return rc;
}

int authz_json_request(server *s, const srv_request *req, const char *service,
                       const char *operation, srv_response *resp)
{
    if (is_root(&req->caller))
        return 0;
    if (unidentified(&req->caller, AUTH_PROTOCOL_JSON, req, resp))
        return -1;
    json_t *in = req->body_len ? json_loadb(req->body, req->body_len, 0, NULL) : json_object();
    if (!json_is_object(in)) {
        json_decref(in); /* the service answers SerializationException */
        return 0;
    }
    authz_subject sub;
    int rc = authz_subject_begin(&sub, s, &req->caller, req->remote_addr);
    if (rc == 0)
        rc = json_needs(s, &sub, service, operation, in);
    else
        write_unavailable(AUTH_PROTOCOL_JSON, req, resp);
    if (rc > 0)
        write_denial(&sub, AUTH_PROTOCOL_JSON, 400, "AccessDeniedException", req, resp);
    authz_subject_end(&sub);
    if (rc == 0 && strcmp(operation, "GetQueryResults") == 0) {
        rc = authz_subject_begin(&sub, s, &req->caller, NULL);
        if (rc == 0)
            rc = result_object_need(s, &sub, in);
        else
            write_unavailable(AUTH_PROTOCOL_JSON, req, resp);
        if (rc > 0)
            write_denial(&sub, AUTH_PROTOCOL_JSON, 400, "AccessDeniedException", req, resp);
        authz_subject_end(&sub);
    }
    json_decref(in);
    return rc == 0 || rc == AUTHZ_NOT_MAPPED ? 0 : -1;
}

/* ---- IAM and STS ---- */

int authz_query_request(server *s, const srv_request *req, const char *service,
                        const uri_query *form, srv_response *resp)
{
    if (is_root(&req->caller))
        return 0;
    if (unidentified(&req->caller, AUTH_PROTOCOL_QUERY, req, resp))
        return -1;
    authz_subject sub;
    authz_scope scope = scope_of(s);
    int always = 0;
    int rc = authz_subject_begin(&sub, s, &req->caller, req->remote_addr);
    if (rc == 0)
        rc = authz_iam_needs(&scope, &req->caller, service, form, &always, authz_subject_need,
                             &sub);
    else
        write_unavailable(AUTH_PROTOCOL_QUERY, req, resp);
    if (rc > 0)
        write_denial(&sub, AUTH_PROTOCOL_QUERY, 403, "AccessDenied", req, resp);
    authz_subject_end(&sub);
    return rc == 0 || rc == AUTHZ_NOT_MAPPED ? 0 : -1;
}

/* ---- S3 ---- */

int authz_s3_request(struct s3_request *r)
{
    if (is_root(&r->req->caller))
        return 0;
    if (unidentified(&r->req->caller, AUTH_PROTOCOL_S3, r->req, r->resp))
        return -1;
    char copy_bucket[256], copy_key[S3_KEY_MAX + 1];
    authz_s3_target t = {r->req->method, r->bucket, r->key, r->has_key, &r->query, NULL, NULL};
    if (r->has_key && strcmp(r->req->method, "PUT") == 0 &&
        srv_header_get(r->req, "x-amz-copy-source")) {
        if (s3_copy_source_parse(r, copy_bucket, sizeof copy_bucket, copy_key,
                                 sizeof copy_key) != 0)
            return -1; /* its error is written */
        t.copy_bucket = copy_bucket;
        t.copy_key = copy_key;
    }
    authz_subject sub;
    int rc = authz_subject_begin(&sub, r->s, &r->req->caller, r->req->remote_addr);
    if (rc == 0)
        rc = authz_s3_needs(&t, authz_subject_need, &sub);
    else
        write_unavailable(AUTH_PROTOCOL_S3, r->req, r->resp);
    if (rc > 0)
        write_denial(&sub, AUTH_PROTOCOL_S3, 403, "AccessDenied", r->req, r->resp);
    authz_subject_end(&sub);
    return rc == 0 || rc == AUTHZ_NOT_MAPPED ? 0 : -1;
}

int authz_s3_allowed(struct s3_request *r, const char *action, const char *key)
{
    if (is_root(&r->req->caller))
        return 1;
    char arn[AUTHZ_ARN_CAP];
    if (authz_s3_arn(r->bucket, key, arn, sizeof arn) != 0)
        return 0;
    authz_subject sub;
    int allowed = 0;
    if (authz_subject_begin(&sub, r->s, &r->req->caller, r->req->remote_addr) == 0) {
        authz_need need = {action, arn, NULL};
        allowed = authz_subject_decide(&sub, &need) == IAM_ALLOW;
    }
    authz_subject_end(&sub);
    return allowed;
}
