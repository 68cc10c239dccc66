/*
 * query_protocol.c: form-encoded query-protocol calls (query_protocol.h),
 * the wire format of STS (and IAM). Only the encoding lives here: signing,
 * retries and error documents are the transport's.
 */
#include "query_protocol.h"

#include "uri.h"

#include <stdio.h>
#include <string.h>

static int append_pair(buf *out, const char *key, const char *value)
{
    if (out->len && buf_putc(out, '&') != 0)
        return -1;
    if (uri_encode(out, key, strlen(key), 0) != 0 || buf_putc(out, '=') != 0)
        return -1;
    return uri_encode(out, value, strlen(value), 0);
}

int query_protocol_form(buf *out, const char *action, const char *version,
                        const char *const *params)
{
    if (append_pair(out, "Action", action) != 0 || append_pair(out, "Version", version) != 0)
        return -1;
    for (size_t i = 0; params && params[i] && params[i + 1]; i += 2)
        if (append_pair(out, params[i], params[i + 1]) != 0)
            return -1;
    return 0;
}

athena_status query_protocol_call(transport *t, athena_service service, const char *action,
                                  const char *version, const char *const *params,
                                  query_protocol_response *resp, athena_error *err)
{
    memset(resp, 0, sizeof *resp);
    buf body = {0};
    if (query_protocol_form(&body, action, version, params) != 0) {
        buf_free(&body);
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    }
    http_header headers[] = {
        {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    char label[128];
    snprintf(label, sizeof label, "%s.%s", service_signing_name(service), action);
    /* Every query-protocol call we make is a read, so retrying is safe. */
    transport_request req = {service, "POST", "/", NULL, headers, 1, body.data, body.len,
                             1, label, NULL};
    http_response hresp = {0};
    athena_status st = transport_send(t, &req, &hresp, err);
    buf_free(&body);
    snprintf(resp->date, sizeof resp->date, "%s", hresp.date);
    if (st == ATHENA_OK) {
        resp->xml = hresp.body;
        memset(&hresp.body, 0, sizeof hresp.body);
    }
    http_response_free(&hresp);
    return st;
}

void query_protocol_response_free(query_protocol_response *resp)
{
    if (resp)
        buf_free(&resp->xml);
}
