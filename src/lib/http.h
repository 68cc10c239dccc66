/*
 * http.h: the HTTP layer of libathena, a thin wrapper over one libcurl easy
 * handle per client so connections are kept alive and reused.
 *
 * It knows nothing about AWS: the caller passes a fully built request
 * (already signed) and gets back the status, the headers it asked for and the
 * body. TLS verification is always on for https; a CA bundle may be given.
 */
#ifndef ATHENA_LIB_HTTP_H
#define ATHENA_LIB_HTTP_H

#include "buf.h"

#include <stddef.h>

typedef struct http_client http_client;

typedef struct http_options {
    const char *ca_bundle;      /* NULL: the system store */
    long connect_timeout_ms;
    long request_timeout_ms;
} http_options;

typedef struct http_header {
    const char *name;
    const char *value;
} http_header;

typedef struct http_request {
    const char *method;
    const char *url;
    const http_header *headers;
    size_t header_count;
    const void *body;
    size_t body_len;
} http_request;

/* Called with body bytes as they arrive; return nonzero to abort the transfer.
 * By the first call, the response's status and headers are already filled in. */
typedef int (*http_body_sink)(void *user_data, const char *data, size_t len);

typedef struct http_response {
    long status;                /* known before the first body byte reaches a sink */
    buf body;                   /* unless a sink was given */
    char request_id[128];       /* x-amzn-RequestId / x-amz-request-id */
    char content_type[128];
    char date[64];              /* Date header, for clock-skew reports */
    char etag[256];             /* ETag (S3 objects), "" if absent */
    char content_range[128];    /* Content-Range of a ranged answer, "" if absent */
    char content_length[32];    /* Content-Length as sent, "" if absent */
} http_response;

typedef enum http_failure {
    HTTP_OK = 0,
    HTTP_E_CONNECT,     /* DNS, refused, unreachable */
    HTTP_E_TIMEOUT,
    HTTP_E_TLS,
    HTTP_E_TRANSFER,    /* connection dropped mid-way, bad response */
    HTTP_E_ABORTED,     /* the sink asked to stop */
    HTTP_E_NOMEM,
    HTTP_E_OTHER
} http_failure;

http_client *http_client_new(const http_options *options);
void http_client_free(http_client *client);

/* Performs one request. On HTTP_OK the response (any status) is filled; on
 * failure message describes the error. sink may be NULL (body is buffered). */
http_failure http_perform(http_client *client, const http_request *req, http_response *resp,
                          http_body_sink sink, void *sink_user_data, char *message,
                          size_t message_cap);

void http_response_reset(http_response *resp);
void http_response_free(http_response *resp);

#endif
