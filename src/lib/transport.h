/*
 * transport.h: one signed AWS request, with retries.
 *
 * The layer between the services (Athena, later Glue, S3, STS) and HTTP. It
 * resolves the endpoint and region from the config, fetches credentials,
 * signs with SigV4, sends, retries in standard mode, turns error responses
 * into an athena_error, and traces to the debug log with secrets redacted.
 */
#ifndef ATHENA_LIB_TRANSPORT_H
#define ATHENA_LIB_TRANSPORT_H

#include "http.h"
#include "internal.h"
#include "retry.h"

#include <jansson.h>
#include <stdint.h>

/* Error codes the transport gives to failures that never reached AWS. */
#define TRANSPORT_CODE_CONNECT "EndpointConnectionError"
#define TRANSPORT_CODE_TIMEOUT "RequestTimeout"
#define TRANSPORT_CODE_TLS "SSLError"

typedef struct transport transport;

/* A request to one service. path and query are on-the-wire (encoded). */
typedef struct transport_request {
    athena_service service;
    const char *method;
    const char *path;           /* appended to the endpoint's path; NULL = "/" */
    const char *query;          /* without '?', or NULL */
    const http_header *headers; /* extra headers to send and sign */
    size_t header_count;
    const void *body;
    size_t body_len;
    int idempotent;             /* may be retried */
    const char *label;          /* for the debug log, e.g. "AmazonAthena.GetQueryExecution" */
    const char *host_prefix;    /* prepended to the endpoint's host, e.g. "bucket." for S3
                                   virtual-hosted requests; NULL: none */
} transport_request;

transport *transport_new(const athena_config *config, athena_error *err);
void transport_free(transport *t);
const athena_config *transport_config(const transport *t);

/* Sends the request. ATHENA_OK means a 2xx response is in resp; any other
 * outcome fills err (with the AWS code, message, status and request id). */
athena_status transport_send(transport *t, const transport_request *req, http_response *resp,
                             athena_error *err);

/* Like transport_send, but the body of a 2xx response goes to sink as it
 * arrives instead of into resp->body (resp still gets the status and
 * headers; the sink may read them). Error responses are buffered and parsed
 * as usual. Failed attempts are retried only while no byte has reached the
 * sink: after that a failure is returned at once, with *delivered telling
 * how many bytes went out, so the caller can resume where they stopped (a
 * ranged GET from the next offset). A sink that returns nonzero ends the
 * request with ATHENA_E_INTERRUPTED, not retried. */
athena_status transport_send_streaming(transport *t, const transport_request *req,
                                       http_body_sink sink, void *user_data, http_response *resp,
                                       uint64_t *delivered, athena_error *err);

/* An awsJson1.1 call: POST / with X-Amz-Target = target and a JSON body.
 * On success *response holds the parsed JSON object (caller decrefs). */
athena_status transport_json_call(transport *t, athena_service service, const char *target,
                                  json_t *request, int idempotent, json_t **response,
                                  athena_error *err);

/* Milliseconds of monotonic time, for timing and waits. */
long long transport_now_ms(void);
/* Sleeps ms milliseconds (returns early on a signal). */
void transport_sleep_ms(long ms);
/* Uniform random in [0, 1) from the client's generator. */
double transport_random(transport *t);

#endif
