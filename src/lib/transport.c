/*
 * transport.c: signed AWS requests with standard-mode retries (transport.h).
 */
#include "transport.h"

#include "aws_error.h"
#include "crypto.h"
#include "sigv4.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USER_AGENT "athena-c/" ATHENA_LIB_VERSION
#define ERROR_BODY_MAX ((size_t)64 << 10) /* what a streamed error response may buffer */

struct transport {
    const athena_config *config;
    http_client *http;
    retry_quota quota;
    uint64_t rng;
};

long long transport_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void transport_sleep_ms(long ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

double transport_random(transport *t)
{
    /* xorshift64*: jitter needs spread, not secrecy. */
    t->rng ^= t->rng >> 12;
    t->rng ^= t->rng << 25;
    t->rng ^= t->rng >> 27;
    return (double)((t->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

transport *transport_new(const athena_config *config, athena_error *err)
{
    transport *t = calloc(1, sizeof *t);
    if (!t) {
        error_set(err, ATHENA_E_NOMEM, "out of memory");
        return NULL;
    }
    http_options o = {config_ca_bundle(config), config_connect_timeout_ms(config),
                      config_request_timeout_ms(config)};
    t->http = http_client_new(&o);
    if (!t->http) {
        free(t);
        error_set(err, ATHENA_E_NOMEM, "cannot create an HTTP client");
        return NULL;
    }
    t->config = config;
    retry_quota_init(&t->quota);
    if (random_bytes(&t->rng, sizeof t->rng) != 0 || t->rng == 0)
        t->rng = (uint64_t)time(NULL) | 1;
    return t;
}

void transport_free(transport *t)
{
    if (!t)
        return;
    http_client_free(t->http);
    free(t);
}

const athena_config *transport_config(const transport *t)
{
    return t->config;
}

/* Splits "scheme://authority/path" into the Host header value (default port
 * dropped, as clients send it) and the base path (without trailing '/'). */
static int split_endpoint(const char *url, char *host, size_t host_cap, char *base, size_t base_cap)
{
    const char *p = strstr(url, "://");
    if (!p)
        return -1;
    int https = strncmp(url, "https", 5) == 0;
    p += 3;
    const char *at = p + strcspn(p, "@/");
    if (*at == '@')
        p = at + 1;
    size_t alen = strcspn(p, "/?#");
    if (alen == 0 || alen >= host_cap)
        return -1;
    memcpy(host, p, alen);
    host[alen] = '\0';
    const char *default_port = https ? ":443" : ":80";
    size_t hl = strlen(host), dl = strlen(default_port);
    if (hl > dl && strcmp(host + hl - dl, default_port) == 0)
        host[hl - dl] = '\0';
    const char *path = p + alen;
    size_t plen = strcspn(path, "?#");
    while (plen && path[plen - 1] == '/')
        plen--;
    if (plen >= base_cap)
        return -1;
    memcpy(base, path, plen);
    base[plen] = '\0';
    return 0;
}

static void trace_request(const transport *t, const transport_request *req, const char *url,
                          const sigv4_signed *sig, int attempt)
{
    if (!config_debug(t->config))
        return;
    char *redacted = sigv4_redact_authorization(sig->authorization);
    config_log(t->config, ATHENA_LOG_DEBUG, "%s %s %s (attempt %d)", req->method, url,
               req->label ? req->label : "", attempt);
    config_log(t->config, ATHENA_LOG_DEBUG, "  Authorization: %s", redacted ? redacted : "?");
    free(redacted);
    if (req->body_len) {
        int n = req->body_len > 2000 ? 2000 : (int)req->body_len;
        config_log(t->config, ATHENA_LOG_DEBUG, "  body: %.*s%s", n, (const char *)req->body,
                   req->body_len > 2000 ? "..." : "");
    }
}

static void network_error(athena_error *err, http_failure f, const char *url, const char *msg)
{
    const char *code = f == HTTP_E_TIMEOUT ? TRANSPORT_CODE_TIMEOUT
                       : f == HTTP_E_TLS   ? TRANSPORT_CODE_TLS
                                           : TRANSPORT_CODE_CONNECT;
    athena_status st = f == HTTP_E_NOMEM ? ATHENA_E_NOMEM : ATHENA_E_NETWORK;
    error_set(err, st, "%s: %s", url, msg);
    snprintf(err->code, sizeof err->code, "%s", code);
    err->retryable = f != HTTP_E_TLS && f != HTTP_E_NOMEM && f != HTTP_E_ABORTED;
}

typedef struct prepared {
    char url[4096];
    char host[512];
    char path[2048];
    http_header headers[16];
    size_t count;
    sigv4_signed sig;
} prepared;

/* Resolves where the request goes and signs it with fresh credentials. */
static athena_status prepare(transport *t, const transport_request *req, prepared *p,
                             athena_error *err)
{
    const char *endpoint = athena_config_endpoint(t->config, req->service);
    const char *region = athena_config_region(t->config);
    if (!region)
        return error_set(err, ATHENA_E_CONFIG,
                         "You must specify a region: --region, AWS_REGION, or region in the profile");
    if (!endpoint)
        return error_set(err, ATHENA_E_CONFIG, "no endpoint for %s",
                         service_signing_name(req->service));
    char base[1024];
    const char *prefix = req->host_prefix ? req->host_prefix : "";
    size_t plen = strlen(prefix);
    if (plen >= sizeof p->host ||
        split_endpoint(endpoint, p->host + plen, sizeof p->host - plen, base, sizeof base) != 0)
        return error_set(err, ATHENA_E_CONFIG, "invalid endpoint URL: %s", endpoint);
    memcpy(p->host, prefix, plen);
    snprintf(p->path, sizeof p->path, "%s%s", base, req->path ? req->path : "/");
    size_t scheme_len = (size_t)(strstr(endpoint, "://") - endpoint) + 3;
    snprintf(p->url, sizeof p->url, "%.*s%s%s%s%s", (int)scheme_len, endpoint, p->host, p->path,
             req->query && req->query[0] ? "?" : "", req->query ? req->query : "");

    athena_credentials creds = {0};
    athena_status st = config_get_credentials(t->config, &creds, err);
    if (st != ATHENA_OK)
        return st;

    if (req->header_count + 6 > sizeof p->headers / sizeof p->headers[0]) {
        credentials_clear(&creds);
        return error_set(err, ATHENA_E_ARG, "too many headers");
    }
    p->count = 0;
    p->headers[p->count++] = (http_header){"Host", p->host};
    for (size_t i = 0; i < req->header_count; i++)
        p->headers[p->count++] = req->headers[i];

    int s3 = req->service == ATHENA_SERVICE_S3;
    sigv4_request sreq = {req->method, p->path, req->query, (const sigv4_header *)p->headers,
                          p->count, req->body, req->body_len, NULL};
    sigv4_params params = {.access_key_id = creds.access_key_id,
                           .secret_access_key = creds.secret_access_key,
                           .session_token = creds.session_token,
                           .region = region,
                           .service = service_signing_name(req->service),
                           .time = time(NULL),
                           .s3 = s3,
                           .content_sha256_header = s3};
    int rc = sigv4_sign_headers(&sreq, &params, &p->sig);
    credentials_clear(&creds);
    if (rc != 0)
        return error_set(err, ATHENA_E_NOMEM, "cannot sign the request");
    for (size_t i = 0; i < p->sig.added_count; i++)
        p->headers[p->count++] = (http_header){p->sig.added[i].name, p->sig.added[i].value};
    p->headers[p->count++] = (http_header){"Authorization", p->sig.authorization};
    p->headers[p->count++] = (http_header){"User-Agent", USER_AGENT};
    return ATHENA_OK;
}

/* Where a streamed response's body goes: a 2xx body to the caller's sink,
 * anything else into resp->body to be parsed as an AWS error. */
typedef struct stream_tap {
    http_body_sink sink;
    void *user_data;
    http_response *resp;
    uint64_t delivered; /* bytes handed to sink, over all attempts */
} stream_tap;

static int tap_body(void *user_data, const char *data, size_t len)
{
    stream_tap *tap = user_data;
    http_response *resp = tap->resp;
    if (resp->status < 200 || resp->status >= 300) {
        /* An error document is small; keep enough of anything else to quote it. */
        size_t room = resp->body.len < ERROR_BODY_MAX ? ERROR_BODY_MAX - resp->body.len : 0;
        return buf_append(&resp->body, data, len < room ? len : room) != 0;
    }
    if (tap->sink(tap->user_data, data, len) != 0)
        return 1;
    tap->delivered += len;
    return 0;
}

/* One attempt: ATHENA_OK on 2xx, otherwise err describes what went wrong.
 * tap is NULL for a buffered response. */
static athena_status attempt_once(transport *t, const transport_request *req, http_response *resp,
                                  stream_tap *tap, int attempt, athena_error *err)
{
    prepared p;
    memset(&p, 0, sizeof p);
    athena_status st = prepare(t, req, &p, err);
    if (st != ATHENA_OK) {
        sigv4_signed_free(&p.sig);
        return st;
    }
    trace_request(t, req, p.url, &p.sig, attempt);
    http_request hreq = {req->method, p.url, p.headers, p.count, req->body, req->body_len};
    char msg[512] = "";
    long long start = transport_now_ms();
    uint64_t delivered_before = tap ? tap->delivered : 0;
    http_failure f = http_perform(t->http, &hreq, resp, tap ? tap_body : NULL, tap, msg,
                                  sizeof msg);
    sigv4_signed_free(&p.sig);
    long long elapsed = transport_now_ms() - start;
    size_t received = tap ? (size_t)(tap->delivered - delivered_before) : 0;
    received += resp->body.len;
    if (f != HTTP_OK) {
        network_error(err, f, p.url, msg);
        if (f == HTTP_E_ABORTED)
            err->status = ATHENA_E_INTERRUPTED;
        config_log(t->config, ATHENA_LOG_DEBUG, "  failed after %lld ms, %zu bytes: %s",
                   elapsed, received, msg);
        return err->status;
    }
    config_log(t->config, ATHENA_LOG_DEBUG, "  HTTP %ld in %lld ms, %zu bytes, request id %s",
               resp->status, elapsed, received, resp->request_id[0] ? resp->request_id : "-");
    if (resp->status >= 200 && resp->status < 300)
        return ATHENA_OK;
    aws_error_from_response(err, resp->status, resp->content_type, buf_str(&resp->body),
                            resp->body.len, resp->request_id);
    config_log(t->config, ATHENA_LOG_DEBUG, "  error %s: %s", err->code, err->message);
    return err->status;
}

static athena_status send_with_retries(transport *t, const transport_request *req,
                                       http_response *resp, stream_tap *tap, athena_error *err)
{
    int max_attempts = athena_config_max_attempts(t->config);
    if (max_attempts < 1)
        max_attempts = 1;
    int spent = 0;
    for (int attempt = 1;; attempt++) {
        athena_status st = attempt_once(t, req, resp, tap, attempt, err);
        if (st == ATHENA_OK) {
            if (spent)
                retry_quota_refund(&t->quota, spent);
            else
                retry_quota_success(&t->quota);
            return ATHENA_OK;
        }
        if (st == ATHENA_E_CONFIG || st == ATHENA_E_CREDENTIALS || st == ATHENA_E_NOMEM ||
            st == ATHENA_E_INTERRUPTED)
            return st;
        /* Bytes already handed over cannot be taken back: the caller resumes. */
        if (tap && tap->delivered > 0)
            return st;
        int cost = retry_decide(&t->quota, err, req->idempotent, attempt, max_attempts);
        if (!cost)
            return st;
        spent += cost;
        long delay = retry_backoff_ms(attempt, transport_random(t));
        config_log(t->config, ATHENA_LOG_DEBUG, "  retrying in %ld ms (%s)", delay, err->code);
        transport_sleep_ms(delay);
    }
}

athena_status transport_send(transport *t, const transport_request *req, http_response *resp,
                             athena_error *err)
{
    return send_with_retries(t, req, resp, NULL, err);
}

athena_status transport_send_streaming(transport *t, const transport_request *req,
                                       http_body_sink sink, void *user_data, http_response *resp,
                                       uint64_t *delivered, athena_error *err)
{
    stream_tap tap = {sink, user_data, resp, 0};
    athena_status st = send_with_retries(t, req, resp, &tap, err);
    *delivered = tap.delivered;
    return st;
}

athena_status transport_json_call(transport *t, athena_service service, const char *target,
                                  json_t *request, int idempotent, json_t **response,
                                  athena_error *err)
{
    *response = NULL;
    char *body = json_dumps(request, JSON_COMPACT);
    if (!body)
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    http_header headers[] = {{"Content-Type", "application/x-amz-json-1.1"},
                             {"X-Amz-Target", target}};
    transport_request req = {service, "POST", "/", NULL, headers, 2, body, strlen(body),
                             idempotent, target, NULL};
    http_response resp = {0};
    athena_status st = transport_send(t, &req, &resp, err);
    free(body);
    if (st == ATHENA_OK) {
        json_error_t jerr;
        *response = json_loadb(buf_str(&resp.body), resp.body.len, 0, &jerr);
        if (!json_is_object(*response)) {
            json_decref(*response);
            *response = NULL;
            st = error_set(err, ATHENA_E_PROTOCOL, "%s: response is not a JSON object: %s",
                           target, jerr.text);
            snprintf(err->request_id, sizeof err->request_id, "%s", resp.request_id);
        }
    }
    http_response_free(&resp);
    return st;
}
