/*
 * srv_http.c: the small helpers of http.h that every handler uses on the
 * library-independent request and response (header lookup, extra response
 * headers, freeing a response).
 */
#include "http.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *srv_header_get(const srv_request *req, const char *name)
{
    if (!req || !name)
        return NULL;
    for (size_t i = 0; i < req->header_count; i++)
        if (req->headers[i].name && strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

int srv_response_header(srv_response *resp, const char *name, const char *value)
{
    size_t cap = sizeof resp->extra / sizeof resp->extra[0];
    if (!name || !value || resp->extra_count >= cap)
        return -1;
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) {
        free(n);
        free(v);
        return -1;
    }
    resp->extra[resp->extra_count].name = n;
    resp->extra[resp->extra_count].value = v;
    resp->extra_count++;
    return 0;
}

void srv_response_free(srv_response *resp)
{
    if (!resp)
        return;
    if (resp->sensitive)
        buf_free_secure(&resp->body);
    else
        buf_free(&resp->body);
    for (size_t i = 0; i < resp->extra_count; i++) {
        free(resp->extra[i].name);
        free(resp->extra[i].value);
        resp->extra[i].name = resp->extra[i].value = NULL;
    }
    resp->extra_count = 0;
}
