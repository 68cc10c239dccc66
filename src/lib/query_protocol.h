/*
 * query_protocol.h: the AWS "query" protocol (STS, IAM): a POST of an
 * application/x-www-form-urlencoded body, Action=...&Version=...&params,
 * answered with an XML document. Errors come back as <ErrorResponse> XML,
 * which the transport already turns into an athena_error (aws_error.c).
 */
#ifndef ATHENA_LIB_QUERY_PROTOCOL_H
#define ATHENA_LIB_QUERY_PROTOCOL_H

#include "transport.h"

/* Appends the form body: Action and Version first, then params, a
 * NULL-terminated list of key, value, key, value... (NULL for none). Keys
 * and values are percent-encoded as botocore does (RFC 3986 unreserved
 * characters stay). 0, or -1 when out of memory. */
int query_protocol_form(buf *out, const char *action, const char *version,
                        const char *const *params);

/* The answer of a query-protocol call. */
typedef struct query_protocol_response {
    buf xml;           /* the 2xx body */
    char date[64];     /* the response's Date header ("" if none), also on errors */
} query_protocol_response;

/* Calls action on service. ATHENA_OK: resp->xml holds the document; any
 * other outcome fills err. resp->date is set whenever a response arrived.
 * Free resp with query_protocol_response_free. */
athena_status query_protocol_call(transport *t, athena_service service, const char *action,
                                  const char *version, const char *const *params,
                                  query_protocol_response *resp, athena_error *err);
void query_protocol_response_free(query_protocol_response *resp);

#endif
