/*
 * query_api.c: the shared plumbing of athena-local's query-protocol
 * services, IAM and STS (see query_api.h): parameters, their validation
 * with AWS's ValidationError wording, and the XML envelope of responses.
 * Escaping goes through s3_xml.h and errors through auth.h, so every XML
 * answer of the server is written one way.
 */
#include "query_api.h"

#include "auth.h"
#include "iam_api.h"
#include "s3_xml.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NAME_PATTERN "[\\w+=,.@-]+"
#define PATH_PATTERN "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"
#define MAX_PATH 512
#define MAX_MARKER 320
#define SHOWN_VALUE_MAX 128

int query_parse_form(const srv_request *req, uri_query *form)
{
    return uri_query_parse(form, req->body ? req->body : "", req->body_len, URI_DECODE_PLUS);
}

const char *query_param(const query_call *c, const char *name)
{
    return uri_query_get(c->form, name);
}

void query_error(const query_call *c, int status, const char *code, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    srv_response *resp = c->resp;
    auth_write_error(AUTH_PROTOCOL_QUERY, c->req, resp, status, code, message);
}

/* "userName" from "UserName": the member name AWS's messages use. */
static void member_name(const char *param, char *out, size_t cap)
{
    snprintf(out, cap, "%s", param);
    if (out[0])
        out[0] = (char)tolower((unsigned char)out[0]);
}

void query_validation_error(const query_call *c, const char *value, const char *param,
                            const char *constraint)
{
    char member[64];
    member_name(param, member, sizeof member);
    if (!value)
        query_error(c, 400, "ValidationError",
                    "1 validation error detected: Value null at '%s' failed to satisfy "
                    "constraint: %s",
                    member, constraint);
    else
        query_error(c, 400, "ValidationError",
                    "1 validation error detected: Value '%.*s' at '%s' failed to satisfy "
                    "constraint: %s",
                    SHOWN_VALUE_MAX, value, member, constraint);
}

void query_internal_error(const query_call *c, const char *what)
{
    query_error(c, 500, "ServiceFailure", "athena-local could not %s; try again.", what);
}

const char *query_required(const query_call *c, const char *param)
{
    const char *value = query_param(c, param);
    if (!value)
        query_validation_error(c, NULL, param, "Member must not be null");
    return value;
}

static int is_name_char(unsigned char ch)
{
    return isalnum(ch) || ch == '_' || strchr("+=,.@-", ch) != NULL;
}

/* Checks a length range; writes the error and returns -1 when outside. */
static int check_length(const query_call *c, const char *value, const char *param, size_t min,
                        size_t max)
{
    char constraint[96];
    size_t n = strlen(value);
    if (n >= min && n <= max)
        return 0;
    snprintf(constraint, sizeof constraint, "Member must have length %s than or equal to %zu",
             n < min ? "greater" : "less", n < min ? min : max);
    query_validation_error(c, value, param, constraint);
    return -1;
}

const char *query_name(const query_call *c, const char *param, size_t max, int required,
                       int *bad)
{
    *bad = 0;
    const char *value = query_param(c, param);
    if (!value) {
        if (required) {
            query_validation_error(c, NULL, param, "Member must not be null");
            *bad = 1;
        }
        return NULL;
    }
    if (check_length(c, value, param, 1, max) != 0) {
        *bad = 1;
        return NULL;
    }
    for (const char *p = value; *p; p++)
        if (!is_name_char((unsigned char)*p)) {
            query_validation_error(c, value, param,
                                   "Member must satisfy regular expression pattern: "
                                   NAME_PATTERN);
            *bad = 1;
            return NULL;
        }
    return value;
}

const char *query_path(const query_call *c, const char *param)
{
    const char *value = query_param(c, param);
    if (!value)
        return "/";
    if (check_length(c, value, param, 1, MAX_PATH) != 0)
        return NULL;
    size_t n = strlen(value);
    int ok = value[0] == '/' && value[n - 1] == '/';
    for (size_t i = 0; ok && i < n; i++)
        ok = value[i] >= 0x21 && value[i] <= 0x7e;
    if (!ok) {
        query_validation_error(c, value, param,
                               "Member must satisfy regular expression pattern: " PATH_PATTERN);
        return NULL;
    }
    return value;
}

const char *query_text(const query_call *c, const char *param, size_t max, int *bad)
{
    const char *value = query_param(c, param);
    *bad = value && check_length(c, value, param, 0, max) != 0;
    return *bad ? NULL : value;
}

int query_int(const query_call *c, const char *param, long long min, long long max,
              long long *value)
{
    const char *text = query_param(c, param);
    if (!text)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    char constraint[96];
    if (errno || end == text || *end) {
        query_error(c, 400, "ValidationError", "Value '%.*s' for parameter %s is not a number.",
                    SHOWN_VALUE_MAX, text, param);
        return -1;
    }
    if (v < min || v > max) {
        snprintf(constraint, sizeof constraint, "Member must have value %s than or equal to %lld",
                 v < min ? "greater" : "less", v < min ? min : max);
        query_validation_error(c, text, param, constraint);
        return -1;
    }
    *value = v;
    return 0;
}

int query_bool(const query_call *c, const char *param, int *value)
{
    const char *text = query_param(c, param);
    if (!text)
        return 0;
    if (strcmp(text, "true") == 0 || strcmp(text, "false") == 0) {
        *value = text[0] == 't';
        return 0;
    }
    query_error(c, 400, "ValidationError", "Value '%.*s' for parameter %s is not a boolean.",
                SHOWN_VALUE_MAX, text, param);
    return -1;
}

int query_paging(const query_call *c, const char **marker, size_t *max_items)
{
    long long max = QUERY_DEFAULT_MAX_ITEMS;
    if (query_int(c, "MaxItems", 1, QUERY_MAX_MAX_ITEMS, &max) != 0)
        return -1;
    *max_items = (size_t)max;
    *marker = query_param(c, "Marker");
    if (*marker && check_length(c, *marker, "Marker", 1, MAX_MARKER) != 0)
        return -1;
    return 0;
}

/* ---- the envelope ---- */

int query_begin(query_call *c, int has_result)
{
    c->out = &c->resp->body;
    buf_reset(c->out);
    c->resp->status = 200;
    c->resp->content_type = "text/xml";
    return buf_printf(c->out, "<%sResponse xmlns=\"%s\">", c->action, c->xmlns) ||
           (has_result && buf_printf(c->out, "<%sResult>", c->action));
}

void query_finish(query_call *c, int has_result, int write_failed)
{
    buf *b = &c->resp->body;
    if (!write_failed)
        write_failed = (has_result && buf_printf(b, "</%sResult>", c->action)) ||
                       buf_puts(b, "<ResponseMetadata>") ||
                       s3_xml_text(b, "RequestId", c->req->request_id) ||
                       buf_printf(b, "</ResponseMetadata></%sResponse>", c->action);
    if (write_failed)
        query_error(c, 500, "ServiceFailure", "athena-local ran out of memory; try again.");
}

void query_empty(query_call *c)
{
    query_finish(c, 0, query_begin(c, 0));
}

/* ---- element writers ---- */

int query_xml_text(buf *b, const char *name, const char *text)
{
    return text ? s3_xml_text(b, name, text) : 0;
}

int query_xml_date(buf *b, const char *name, long long epoch_seconds)
{
    time_t t = (time_t)epoch_seconds;
    struct tm tm;
    char text[32];
    if (!gmtime_r(&t, &tm) || strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return -1;
    return s3_xml_text(b, name, text);
}

int query_xml_document(buf *b, const char *name, const char *document)
{
    buf encoded = BUF_INIT;
    int rc = uri_encode(&encoded, document, strlen(document), 0) ||
             s3_xml_text_len(b, name, encoded.data ? encoded.data : "", encoded.len);
    buf_free(&encoded);
    return rc ? -1 : 0;
}

int query_xml_paging(buf *b, int truncated, const char *marker)
{
    return s3_xml_bool(b, "IsTruncated", truncated) ||
           (truncated && marker && s3_xml_text(b, "Marker", marker));
}

void query_api_invalid_action(const char *action, const uri_query *form,
                              const srv_request *req, srv_response *resp)
{
    const char *version = uri_query_get(form, "Version");
    char message[256];
    snprintf(message, sizeof message, "Could not find operation %.128s for version %.32s",
             action, version ? version : "NO_VERSION_SPECIFIED");
    auth_write_error(AUTH_PROTOCOL_QUERY, req, resp, 400, "InvalidAction", message);
}
