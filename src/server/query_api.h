/*
 * query_api.h: what athena-local's AWS query-protocol services (IAM in
 * iam_api*.c, STS in sts_api.c) share: reading the form-encoded parameters
 * of a call, validating the common parameter kinds (names, paths, paging),
 * and writing the XML response envelope
 *
 *   <ActionResponse xmlns="..."><ActionResult>...</ActionResult>
 *   <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata></ActionResponse>
 *
 * or an <ErrorResponse> (through auth.h's writer), as botocore and the AWS
 * CLI parse them.
 */
#ifndef ATHENA_SERVER_QUERY_API_H
#define ATHENA_SERVER_QUERY_API_H

#include "buf.h"
#include "server.h"
#include "uri.h"

#include <stddef.h>
#include <stdint.h>

#define QUERY_IAM_XMLNS "https://iam.amazonaws.com/doc/2010-05-08/"
#define QUERY_STS_XMLNS "https://sts.amazonaws.com/doc/2011-06-15/"

#define QUERY_DEFAULT_MAX_ITEMS 100
#define QUERY_MAX_MAX_ITEMS 1000

/* One call of a query-protocol action. */
typedef struct query_call {
    server *s;
    const srv_request *req;
    srv_response *resp;
    const uri_query *form;
    const char *action;
    const char *xmlns;
    buf *out;            /* = &resp->body while the result is written */
} query_call;

/* Parses the form-encoded body of req into form (URI_DECODE_PLUS).
 * URI_OK, or what uri_query_parse returned. */
int query_parse_form(const srv_request *req, uri_query *form);

/* A parameter's value, or NULL when absent. */
const char *query_param(const query_call *c, const char *name);

/* Writes an AWS error; the message is printf-formatted. */
void query_error(const query_call *c, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The standard "1 validation error detected: Value ... at 'member' failed to
 * satisfy constraint: ..." ValidationError (400). value NULL means null. */
void query_validation_error(const query_call *c, const char *value, const char *param,
                            const char *constraint);
/* InternalFailure (500) for a failure that is not the caller's fault. */
void query_internal_error(const query_call *c, const char *what);

/* A required parameter: its value, or NULL after writing the ValidationError
 * "Member must not be null". */
const char *query_required(const query_call *c, const char *param);
/* An IAM name parameter ([\w+=,.@-]+, 1..max). Returns the value; NULL when
 * absent (after a ValidationError if required) or invalid (*bad set, error
 * written). */
const char *query_name(const query_call *c, const char *param, size_t max, int required,
                       int *bad);
/* A path parameter (IAM's pathType; "/" when absent). NULL after an error. */
const char *query_path(const query_call *c, const char *param);
/* A free-text parameter of at most max characters, optional. */
const char *query_text(const query_call *c, const char *param, size_t max, int *bad);
/* An integer parameter in [min, max]; *value untouched when absent.
 * 0, or -1 after a ValidationError. */
int query_int(const query_call *c, const char *param, long long min, long long max,
              long long *value);
/* "true"/"false" parameter; *value untouched when absent. 0 or -1. */
int query_bool(const query_call *c, const char *param, int *value);
/* Marker and MaxItems: *marker NULL when absent. 0, or -1 after an error. */
int query_paging(const query_call *c, const char **marker, size_t *max_items);

/* Starts the response (status 200): <ActionResponse xmlns><ActionResult>,
 * or only the response element when has_result is 0. 0, or -1. */
int query_begin(query_call *c, int has_result);
/* Closes what query_begin opened and adds the ResponseMetadata. On a
 * write failure (out of memory) the response becomes an InternalFailure. */
void query_finish(query_call *c, int has_result, int write_failed);
/* An action with no result elements (DeleteUser, PutUserPolicy, ...). */
void query_empty(query_call *c);

/* ---- element writers (0, or -1 out of memory) ---- */
int query_xml_text(buf *b, const char *name, const char *text);  /* skipped when text NULL */
int query_xml_date(buf *b, const char *name, long long epoch_seconds);  /* ISO 8601, UTC */
/* A policy document, URL-encoded as IAM returns it. */
int query_xml_document(buf *b, const char *name, const char *document);
/* <IsTruncated> and, when truncated, <Marker>. */
int query_xml_paging(buf *b, int truncated, const char *marker);

#endif
