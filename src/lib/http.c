/*
 * http.c: libcurl-backed implementation of http.h.
 *
 * One easy handle per http_client: libcurl keeps the connection cache on the
 * handle, so consecutive requests to the same endpoint reuse the connection
 * (keep-alive). Proxies come from libcurl's handling of the standard
 * http_proxy / https_proxy / no_proxy variables.
 */
#include "http.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct http_client {
    CURL *curl;
    http_options options;
    char *ca_bundle;
};

typedef struct transfer {
    CURL *curl;
    http_response *resp;
    http_body_sink sink;
    void *sink_user_data;
    int sink_aborted;
    int nomem;
} transfer;

http_client *http_client_new(const http_options *options)
{
    http_client *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->curl = curl_easy_init();
    if (!c->curl) {
        free(c);
        return NULL;
    }
    c->options = *options;
    if (options->ca_bundle) {
        c->ca_bundle = strdup(options->ca_bundle);
        if (!c->ca_bundle) {
            http_client_free(c);
            return NULL;
        }
    }
    return c;
}

void http_client_free(http_client *client)
{
    if (!client)
        return;
    if (client->curl)
        curl_easy_cleanup(client->curl);
    free(client->ca_bundle);
    free(client);
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    transfer *t = user;
    size_t len = size * n;
    if (t->sink) {
        /* The sink may need the status (an error body is not data). */
        if (t->resp->status == 0)
            curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->resp->status);
        if (t->sink(t->sink_user_data, data, len) != 0) {
            t->sink_aborted = 1;
            return 0;
        }
        return len;
    }
    if (buf_append(&t->resp->body, data, len) != 0) {
        t->nomem = 1;
        return 0;
    }
    return len;
}

/* Copies the value of a "Name: value\r\n" header line into dst if it matches. */
static void capture_header(const char *line, size_t len, const char *name, char *dst, size_t cap)
{
    size_t nlen = strlen(name);
    if (len <= nlen || line[nlen] != ':' || strncasecmp(line, name, nlen) != 0)
        return;
    const char *v = line + nlen + 1;
    const char *end = line + len;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
        end--;
    size_t vlen = (size_t)(end - v) < cap - 1 ? (size_t)(end - v) : cap - 1;
    memcpy(dst, v, vlen);
    dst[vlen] = '\0';
}

static size_t on_header(char *line, size_t size, size_t n, void *user)
{
    transfer *t = user;
    size_t len = size * n;
    http_response *r = t->resp;
    capture_header(line, len, "x-amzn-RequestId", r->request_id, sizeof r->request_id);
    capture_header(line, len, "x-amz-request-id", r->request_id, sizeof r->request_id);
    capture_header(line, len, "Content-Type", r->content_type, sizeof r->content_type);
    capture_header(line, len, "Date", r->date, sizeof r->date);
    capture_header(line, len, "ETag", r->etag, sizeof r->etag);
    capture_header(line, len, "Content-Range", r->content_range, sizeof r->content_range);
    capture_header(line, len, "Content-Length", r->content_length, sizeof r->content_length);
    return len;
}

static http_failure classify_curl_error(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return HTTP_E_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return HTTP_E_TIMEOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return HTTP_E_TLS;
    case CURLE_OUT_OF_MEMORY:
        return HTTP_E_NOMEM;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
        return HTTP_E_TRANSFER;
    default:
        return HTTP_E_OTHER;
    }
}

static struct curl_slist *build_headers(const http_request *req, int *nomem)
{
    struct curl_slist *list = NULL;
    buf line = BUF_INIT;
    for (size_t i = 0; i < req->header_count; i++) {
        buf_reset(&line);
        /* "Name;" is curl's spelling of a header with an empty value. */
        int rc = req->headers[i].value[0]
                     ? buf_printf(&line, "%s: %s", req->headers[i].name, req->headers[i].value)
                     : buf_printf(&line, "%s;", req->headers[i].name);
        struct curl_slist *next = rc == 0 ? curl_slist_append(list, line.data) : NULL;
        if (!next) {
            *nomem = 1;
            break;
        }
        list = next;
    }
    /* Suppress curl's defaults that would otherwise be sent unsigned. */
    struct curl_slist *next = curl_slist_append(list, "Expect:");
    if (next)
        list = next;
    next = list ? curl_slist_append(list, "Accept:") : NULL;
    if (next)
        list = next;
    buf_free_secure(&line);
    return list;
}

static void apply_options(http_client *c, const http_request *req, struct curl_slist *headers,
                          transfer *t, char *errbuf)
{
    CURL *h = c->curl;
    curl_easy_reset(h);
    curl_easy_setopt(h, CURLOPT_URL, req->url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->options.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->options.request_timeout_ms);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca_bundle)
        curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_bundle);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, t);
    if (strcmp(req->method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(req->method, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? (const char *)req->body : "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
}

http_failure http_perform(http_client *c, const http_request *req, http_response *resp,
                          http_body_sink sink, void *sink_user_data, char *message,
                          size_t message_cap)
{
    http_response_reset(resp);
    transfer t = {c->curl, resp, sink, sink_user_data, 0, 0};
    int nomem = 0;
    struct curl_slist *headers = build_headers(req, &nomem);
    if (nomem) {
        curl_slist_free_all(headers);
        snprintf(message, message_cap, "out of memory");
        return HTTP_E_NOMEM;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    apply_options(c, req, headers, &t, errbuf);
    CURLcode rc = curl_easy_perform(c->curl);
    /* The header list held the Authorization value; it is not a secret in
     * itself (the signature is bound to one request) but free it promptly. */
    curl_slist_free_all(headers);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
    if (t.sink_aborted) {
        snprintf(message, message_cap, "transfer aborted by the receiver");
        return HTTP_E_ABORTED;
    }
    if (t.nomem) {
        snprintf(message, message_cap, "out of memory");
        return HTTP_E_NOMEM;
    }
    if (rc != CURLE_OK) {
        snprintf(message, message_cap, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
        return classify_curl_error(rc);
    }
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &resp->status);
    return HTTP_OK;
}

void http_response_reset(http_response *resp)
{
    buf_reset(&resp->body);
    resp->status = 0;
    resp->request_id[0] = resp->content_type[0] = resp->date[0] = '\0';
    resp->etag[0] = resp->content_range[0] = resp->content_length[0] = '\0';
}

void http_response_free(http_response *resp)
{
    buf_free(&resp->body);
}
