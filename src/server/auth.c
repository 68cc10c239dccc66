/*
 * auth.c: SigV4 authentication of every athena-local request, and the AWS
 * error each protocol answers a rejection with (see auth.h).
 *
 * The signature itself is checked by the shared verifier (sigv4_verify), the
 * same canonicalizer the client signs with, so the two sides cannot drift.
 * This file adds what the server decides: which keys exist (through
 * server_lookup_credentials), that the credential scope names this server's
 * region and the service being called, that temporary credentials carry
 * their session token and have not expired, and how each verdict is named
 * on the wire for JSON, S3 and query clients.
 */
#include "auth.h"
#include "s3_xml.h"

#include "crypto.h"
#include "json_api.h"
#include "jsonw.h"
#include "sigv4.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How one kind of rejection is named for each protocol. */
typedef struct aws_error {
    int status;
    const char *code;
    const char *message;   /* NULL: use the verifier's message */
} aws_error;

typedef struct protocol_errors {
    aws_error by_protocol[3];   /* indexed by auth_protocol */
} protocol_errors;

#define MSG_TOKEN_INVALID "The security token included in the request is invalid."

/* Indexed by sigv4_verdict (SIGV4_OK unused). */
static const protocol_errors VERDICT_ERRORS[] = {
    [SIGV4_MISSING] = {{{403, "MissingAuthenticationTokenException",
                         "Missing Authentication Token"},
                        {403, "AccessDenied", "Access Denied"},
                        {403, "MissingAuthenticationToken",
                         "Request is missing Authentication Token"}}},
    [SIGV4_INCOMPLETE] = {{{400, "IncompleteSignatureException", NULL},
                           {400, "AuthorizationHeaderMalformed", NULL},
                           {400, "IncompleteSignature", NULL}}},
    [SIGV4_UNKNOWN_KEY] = {{{400, "UnrecognizedClientException", MSG_TOKEN_INVALID},
                            {403, "InvalidAccessKeyId",
                             "The AWS Access Key Id you provided does not exist in our records."},
                            {403, "InvalidClientTokenId", MSG_TOKEN_INVALID}}},
    [SIGV4_MISMATCH] = {{{403, "InvalidSignatureException", NULL},
                         {403, "SignatureDoesNotMatch", NULL},
                         {403, "SignatureDoesNotMatch", NULL}}},
    [SIGV4_SKEW] = {{{403, "InvalidSignatureException", NULL},
                     {403, "RequestTimeTooSkewed",
                      "The difference between the request time and the current time is too "
                      "large."},
                     {403, "SignatureDoesNotMatch", NULL}}},
    [SIGV4_EXPIRED] = {{{403, "InvalidSignatureException", NULL},
                        {403, "AccessDenied", NULL},
                        {403, "AccessDenied", NULL}}},
    [SIGV4_INTERNAL] = {{{500, "InternalFailure", NULL},
                         {500, "InternalError",
                          "We encountered an internal error. Please try again."},
                         {500, "InternalFailure", NULL}}},
};

/* A session token with a long-term key, a temporary key without its token,
 * or a token that is not the one issued with the key. */
static const protocol_errors TOKEN_ERRORS = {{
    {400, "UnrecognizedClientException", MSG_TOKEN_INVALID},
    {400, "InvalidToken", "The provided token is malformed or otherwise invalid."},
    {403, "InvalidClientTokenId", MSG_TOKEN_INVALID},
}};

/* Temporary credentials past their expiry, correctly signed. */
static const protocol_errors EXPIRED_ERRORS = {{
    {400, "ExpiredTokenException", "The security token included in the request is expired"},
    {400, "ExpiredToken", "The provided token has expired."},
    {403, "ExpiredToken", "The security token included in the request is expired"},
}};

/* A signature valid for another region or service (the client is
 * misconfigured; AWS refuses it the same way). */
static const protocol_errors SCOPE_ERRORS = {{
    {403, "InvalidSignatureException", NULL},
    {400, "AuthorizationHeaderMalformed", NULL},
    {403, "SignatureDoesNotMatch", NULL},
}};

static const char MISMATCH_PREFIX[] = "The request signature we calculated does not match";

/* ---- error bodies ---- */

static void write_s3_error(const srv_request *req, srv_response *resp, const char *code,
                           const char *message)
{
    buf *b = &resp->body;
    resp->content_type = "application/xml";
    if (buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>") ||
        s3_xml_text(b, "Code", code) || s3_xml_text(b, "Message", message) ||
        s3_xml_text(b, "RequestId", req->request_id) || buf_puts(b, "</Error>"))
        buf_reset(b);
}

static void write_query_error(const srv_request *req, srv_response *resp, const char *code,
                              const char *message)
{
    buf *b = &resp->body;
    resp->content_type = "text/xml";
    if (buf_puts(b, "<ErrorResponse><Error>") ||
        s3_xml_text(b, "Type", resp->status >= 500 ? "Receiver" : "Sender") ||
        s3_xml_text(b, "Code", code) || s3_xml_text(b, "Message", message) ||
        buf_puts(b, "</Error>") || s3_xml_text(b, "RequestId", req->request_id) ||
        buf_puts(b, "</ErrorResponse>"))
        buf_reset(b);
}

void auth_write_error(auth_protocol protocol, const srv_request *req, srv_response *resp,
                      int status, const char *code, const char *message)
{
    if (protocol == AUTH_PROTOCOL_JSON) {
        json_api_error(resp, status, code, "%s", message);
        return;
    }
    resp->status = status;
    buf_reset(&resp->body);
    if (protocol == AUTH_PROTOCOL_S3)
        write_s3_error(req, resp, code, message);
    else
        write_query_error(req, resp, code, message);
}

static void reject(auth_protocol protocol, const protocol_errors *table, const char *detail,
                   const srv_request *req, srv_response *resp)
{
    const aws_error *e = &table->by_protocol[protocol];
    auth_write_error(protocol, req, resp, e->status, e->code, e->message ? e->message : detail);
}

/* ---- verification ---- */

typedef struct key_lookup {
    server *s;
    srv_caller caller;
    int status;                                /* server_lookup_credentials' result */
    char token[SERVER_SESSION_TOKEN_CAP];      /* issued with a temporary key; zeroed */
} key_lookup;

/* Expired temporary keys still get their secret: the signature and token
 * are checked before the expiry is reported. */
static int lookup_secret(void *user_data, const char *access_key_id, char *secret, size_t cap)
{
    key_lookup *k = user_data;
    k->status = server_lookup_credentials(k->s, access_key_id, secret, cap, k->token,
                                          sizeof k->token, &k->caller);
    return k->status >= 0 ? 0 : -1;
}

/* Whether the request's session token fits its key: none for long-term
 * keys, exactly the issued one (compared in constant time) for temporary
 * keys. */
static int token_matches(const key_lookup *k, const char *request_token)
{
    size_t issued = k->status >= 0 ? strlen(k->token) : 0, given = strlen(request_token);
    if (issued == 0 || given == 0)
        return issued == 0 && given == 0;
    return issued == given && const_time_eq(k->token, request_token, given);
}

/* The verifier's message, with the advice AWS's JSON and query services add
 * to a plain signature mismatch. */
static void verdict_detail(sigv4_verdict verdict, const sigv4_verified *v,
                           auth_protocol protocol, char *out, size_t cap)
{
    int advise = verdict == SIGV4_MISMATCH && protocol != AUTH_PROTOCOL_S3 &&
                 strncmp(v->message, MISMATCH_PREFIX, sizeof MISMATCH_PREFIX - 1) == 0;
    snprintf(out, cap, "%s%s", v->message,
             advise ? " Consult the service documentation for details." : "");
}

/* The credential scope must be this server's region and the called service. */
static int check_scope(const server *s, const sigv4_verified *v, const char *service,
                       char *detail, size_t cap)
{
    if (strcmp(v->region, s->settings.region) != 0) {
        snprintf(detail, cap,
                 "Credential should be scoped to a valid region, not '%s'. athena-local "
                 "serves region '%s'.",
                 v->region, s->settings.region);
        return -1;
    }
    if (service && strcmp(v->service, service) != 0) {
        snprintf(detail, cap, "Credential should be scoped to correct service: '%s'.", service);
        return -1;
    }
    return 0;
}

static int to_sigv4_headers(const srv_request *req, sigv4_header **out)
{
    *out = calloc(req->header_count ? req->header_count : 1, sizeof **out);
    if (!*out)
        return -1;
    for (size_t i = 0; i < req->header_count; i++) {
        (*out)[i].name = req->headers[i].name;
        (*out)[i].value = req->headers[i].value;
    }
    return 0;
}

static sigv4_verdict verify_signature(server *s, const srv_request *req, int s3,
                                      key_lookup *keys, sigv4_verified *v)
{
    sigv4_header *headers;
    if (to_sigv4_headers(req, &headers) != 0) {
        memset(v, 0, sizeof *v);
        snprintf(v->message, sizeof v->message, "The server is out of memory; try again.");
        return SIGV4_INTERNAL;
    }
    sigv4_request sreq = {req->method, req->path, req->query, headers, req->header_count,
                          req->body ? req->body : "", req->body_len, NULL};
    keys->s = s;
    sigv4_verdict verdict = sigv4_verify(&sreq, s3, time(NULL), lookup_secret, keys, v);
    free(headers);
    return verdict;
}

int auth_verify(server *s, srv_request *req, auth_protocol protocol, const char *service,
                char signing_service[AUTH_SERVICE_CAP], srv_response *resp)
{
    key_lookup keys;
    sigv4_verified v;
    char detail[sizeof v.message + 64];
    memset(&keys, 0, sizeof keys);
    keys.status = -1;
    sigv4_verdict verdict =
        verify_signature(s, req, protocol == AUTH_PROTOCOL_S3, &keys, &v);
    int bad_token = (verdict == SIGV4_OK || verdict == SIGV4_MISMATCH ||
                     verdict == SIGV4_UNKNOWN_KEY) &&
                    !token_matches(&keys, v.session_token);
    secure_zero(v.session_token, sizeof v.session_token);
    secure_zero(keys.token, sizeof keys.token);
    if (bad_token) {
        reject(protocol, &TOKEN_ERRORS, MSG_TOKEN_INVALID, req, resp);
        return -1;
    }
    if (verdict == SIGV4_OK && keys.status == 1) {
        reject(protocol, &EXPIRED_ERRORS, NULL, req, resp);
        return -1;
    }
    if (verdict != SIGV4_OK) {
        verdict_detail(verdict, &v, protocol, detail, sizeof detail);
        reject(protocol, &VERDICT_ERRORS[verdict], detail, req, resp);
        return -1;
    }
    if (check_scope(s, &v, service, detail, sizeof detail) != 0) {
        reject(protocol, &SCOPE_ERRORS, detail, req, resp);
        return -1;
    }
    req->caller = keys.caller;
    if (signing_service)
        snprintf(signing_service, AUTH_SERVICE_CAP, "%s", v.service);
    return 0;
}
