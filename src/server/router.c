/*
 * router.c: athena-local's router (server_handle in server.h). Every request
 * is first authenticated, then dispatched by protocol:
 *
 *   X-Amz-Target "AmazonAthena.<Op>"      -> athena_api_handle (awsJson1.1)
 *   form-encoded POST (Action=...)        -> iam_api_handle / sts_api_handle,
 *                                            by the SigV4 signing service
 *   anything else                          -> S3 (REST paths)
 *
 * Athena and Glue are served as JSON services, S3 by s3_api.c, IAM and STS
 * (query protocol) by iam_api*.c and sts_api.c.
 */
#include "auth.h"
#include "authz.h"
#include "crypto.h"
#include "http_front.h"
#include "iam_api.h"
#include "iam_identity.h"
#include "json_api.h"
#include "query_api.h"
#include "server.h"
#include "uri.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef void (*json_service_handler)(server *s, const char *operation, const srv_request *req,
                                     srv_response *resp);

/* A JSON service: its X-Amz-Target prefix and SigV4 signing name. */
typedef struct json_service {
    const char *target_prefix;
    const char *signing_name;
    json_service_handler handle;
} json_service;

static const json_service JSON_SERVICES[] = {
    {"AmazonAthena", "athena", athena_api_handle},
    {"AWSGlue", "glue", glue_api_handle},
};

#define MAX_OPERATION_NAME 64

/* ---- credentials ---- */

int server_lookup_credentials(server *s, const char *access_key_id, char *secret, size_t cap,
                              char *session_token, size_t token_cap, srv_caller *caller)
{
    size_t secret_len = strlen(s->root_secret);
    if (session_token && token_cap)
        session_token[0] = '\0';
    if (!access_key_id)
        return -1;
    if (!s->root_access_key_id[0] || strcmp(access_key_id, s->root_access_key_id) != 0) {
        /* Not root: an IAM user's key or temporary credentials. */
        iam_key_status status = iam_identity_lookup_key(s, access_key_id, secret, cap,
                                                        session_token, token_cap, caller);
        return status == IAM_KEY_FOUND ? 0 : status == IAM_KEY_EXPIRED ? 1 : -1;
    }
    if (secret_len >= cap)
        return -1;
    memcpy(secret, s->root_secret, secret_len + 1);
    if (caller) {
        memset(caller, 0, sizeof *caller);
        snprintf(caller->access_key_id, sizeof caller->access_key_id, "%s", access_key_id);
        snprintf(caller->arn, sizeof caller->arn, "arn:aws:iam::%s:root",
                 s->settings.account_id);
        snprintf(caller->user_id, sizeof caller->user_id, "%s", s->settings.account_id);
        caller->kind = SRV_PRINCIPAL_ROOT;
        caller->is_root = 1;
    }
    return 0;
}

int server_lookup_key(server *s, const char *access_key_id, char *secret, size_t cap,
                      srv_caller *caller)
{
    char token[SERVER_SESSION_TOKEN_CAP];
    int rc = server_lookup_credentials(s, access_key_id, secret, cap, token, sizeof token,
                                       caller);
    secure_zero(token, sizeof token);
    if (rc != 0)
        secure_zero(secret, cap);
    return rc == 0 ? 0 : -1;
}

/* ---- protocol detection ---- */

static int has_media_type(const char *content_type, const char *media_type)
{
    size_t n = strlen(media_type);
    return content_type && strncasecmp(content_type, media_type, n) == 0 &&
           (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

static int is_json_content_type(const char *content_type)
{
    return has_media_type(content_type, "application/x-amz-json-1.1") ||
           has_media_type(content_type, "application/x-amz-json-1.0");
}

static auth_protocol protocol_of(const srv_request *req)
{
    const char *content_type = srv_header_get(req, "Content-Type");
    if (srv_header_get(req, "X-Amz-Target") || is_json_content_type(content_type))
        return AUTH_PROTOCOL_JSON;
    if (strcmp(req->method, "POST") == 0 &&
        has_media_type(content_type, "application/x-www-form-urlencoded"))
        return AUTH_PROTOCOL_QUERY;
    return AUTH_PROTOCOL_S3;
}

/* ---- awsJson services ---- */

/* Splits "Prefix.Operation"; returns the service or NULL, and the operation. */
static const json_service *find_json_service(const char *target, const char **operation)
{
    const char *dot = target ? strchr(target, '.') : NULL;
    *operation = dot ? dot + 1 : "";
    if (!dot)
        return NULL;
    for (size_t i = 0; i < sizeof JSON_SERVICES / sizeof JSON_SERVICES[0]; i++) {
        const char *prefix = JSON_SERVICES[i].target_prefix;
        if (strlen(prefix) == (size_t)(dot - target) && strncmp(target, prefix, dot - target) == 0)
            return &JSON_SERVICES[i];
    }
    return NULL;
}

static int valid_operation_name(const char *op)
{
    size_t n = strlen(op);
    if (n == 0 || n > MAX_OPERATION_NAME || !isupper((unsigned char)op[0]))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)op[i]))
            return 0;
    return 1;
}

static void handle_json(server *s, srv_request *req, srv_response *resp)
{
    const char *target = srv_header_get(req, "X-Amz-Target");
    const char *operation;
    const json_service *service = find_json_service(target, &operation);
    if (auth_verify(s, req, AUTH_PROTOCOL_JSON, service ? service->signing_name : NULL, NULL,
                    resp) != 0)
        return;
    if (!target) {
        json_api_error(resp, 400, "UnknownOperationException",
                       "The request has no X-Amz-Target header naming an operation.");
        return;
    }
    if (!service || !valid_operation_name(operation)) {
        json_api_error(resp, 400, "UnknownOperationException",
                       "athena-local does not know the operation '%.128s'.", target);
        return;
    }
    const char *content_type = srv_header_get(req, "Content-Type");
    if (content_type && !is_json_content_type(content_type)) {
        json_api_error(resp, 400, "SerializationException",
                       "Content-Type must be application/x-amz-json-1.1, not '%.128s'.",
                       content_type);
        return;
    }
    if (authz_json_request(s, req, service->signing_name, operation, resp) != 0)
        return;
    service->handle(s, operation, req, resp);
    if (resp->status == 0)
        json_api_error(resp, 500, "InternalServerException",
                       "The operation %s produced no response.", operation);
}

/* ---- query protocol (IAM, STS) ---- */

static void handle_query(server *s, srv_request *req, srv_response *resp)
{
    char signing_service[AUTH_SERVICE_CAP] = "";
    if (auth_verify(s, req, AUTH_PROTOCOL_QUERY, NULL, signing_service, resp) != 0)
        return;
    uri_query form = URI_QUERY_INIT;
    int rc = query_parse_form(req, &form);
    const char *action = rc == URI_OK ? uri_query_get(&form, "Action") : NULL;
    /* The signing service says which endpoint the client meant: IAM and
     * STS share this one. */
    if (!action)
        auth_write_error(AUTH_PROTOCOL_QUERY, req, resp, 400, "MissingAction",
                         "The request must contain the parameter Action.");
    else if (authz_query_request(s, req, signing_service, &form, resp) != 0)
        ; /* denied: the error is written */
    else if (strcmp(signing_service, "iam") == 0)
        iam_api_handle(s, action, &form, req, resp);
    else if (strcmp(signing_service, "sts") == 0)
        sts_api_handle(s, action, &form, req, resp);
    else
        query_api_invalid_action(action, &form, req, resp);
    uri_query_free(&form);
}

/* ---- S3 ---- */

static void handle_s3(server *s, srv_request *req, srv_response *resp)
{
    if (auth_verify(s, req, AUTH_PROTOCOL_S3, "s3", NULL, resp) != 0)
        return;
    s3_api_handle(s, req, resp);
}

void server_handle(server *s, srv_request *req, srv_response *resp)
{
    memset(&req->caller, 0, sizeof req->caller);
    switch (protocol_of(req)) {
    case AUTH_PROTOCOL_JSON:
        handle_json(s, req, resp);
        break;
    case AUTH_PROTOCOL_QUERY:
        handle_query(s, req, resp);
        break;
    case AUTH_PROTOCOL_S3:
        handle_s3(s, req, resp);
        break;
    }
}

void server_handle_oversized(server *s, srv_request *req, srv_response *resp)
{
    char message[160];
    snprintf(message, sizeof message,
             "The request body is larger than the %u bytes athena-local accepts.",
             (unsigned)SRV_MAX_BODY);
    switch (protocol_of(req)) {
    case AUTH_PROTOCOL_JSON:
        auth_write_error(AUTH_PROTOCOL_JSON, req, resp, 413, "RequestEntityTooLargeException",
                         message);
        break;
    case AUTH_PROTOCOL_QUERY:
        auth_write_error(AUTH_PROTOCOL_QUERY, req, resp, 413, "RequestEntityTooLarge", message);
        break;
    case AUTH_PROTOCOL_S3:
        auth_write_error(AUTH_PROTOCOL_S3, req, resp, 400, "EntityTooLarge",
                         "Your proposed upload exceeds the maximum allowed size");
        break;
    }
}
