/*
 * aws_error.c: parsing and classifying AWS error responses (see aws_error.h).
 */
#include "aws_error.h"

#include "internal.h"

#include <ctype.h>
#include <expat.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int code_in(const char *code, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(code, *list) == 0)
            return 1;
    return 0;
}

int aws_error_is_throttling(const char *code, long http_status)
{
    static const char *const codes[] = {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException", NULL};
    return http_status == 429 || code_in(code, codes);
}

int aws_error_is_auth(const char *code)
{
    static const char *const codes[] = {
        "SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature",
        "IncompleteSignatureException", "UnrecognizedClientException", "InvalidClientTokenId",
        "InvalidAccessKeyId", "MissingAuthenticationToken", "MissingAuthenticationTokenException",
        "ExpiredToken", "ExpiredTokenException", "RequestExpired", "AuthFailure",
        "RequestTimeTooSkewed", "InvalidToken", "NotAuthorized", NULL};
    return code_in(code, codes);
}

int aws_error_is_access_denied(const char *code)
{
    static const char *const codes[] = {"AccessDenied", "AccessDeniedException",
                                        "UnauthorizedOperation", "Forbidden", NULL};
    return code_in(code, codes);
}

int aws_error_is_retryable(const char *code, long http_status)
{
    static const char *const transient[] = {"RequestTimeout", "RequestTimeoutException",
                                            "InternalError", "InternalFailure",
                                            "InternalServerException", "ServiceUnavailable",
                                            "IDPCommunicationError", NULL};
    if (aws_error_is_throttling(code, http_status))
        return 1;
    if (http_status >= 500 && http_status != 501)
        return 1;
    return code_in(code, transient);
}

void aws_error_trim_code(const char *raw, char *out, size_t cap)
{
    const char *start = strrchr(raw, '#');
    start = start ? start + 1 : raw;
    size_t len = strcspn(start, ":");
    while (len && isspace((unsigned char)start[len - 1]))
        len--;
    if (len >= cap)
        len = cap - 1;
    memcpy(out, start, len);
    out[len] = '\0';
}

static void copy_text(char *dst, size_t cap, const char *src, size_t len)
{
    if (len >= cap)
        len = cap - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static int parse_json_error(athena_error *err, const char *body, size_t len)
{
    json_t *root = json_loadb(body, len, 0, NULL);
    if (!json_is_object(root)) {
        json_decref(root);
        return -1;
    }
    const char *type = json_string_value(json_object_get(root, "__type"));
    if (!type)
        type = json_string_value(json_object_get(root, "code"));
    if (!type)
        type = json_string_value(json_object_get(root, "Code"));
    const char *msg = json_string_value(json_object_get(root, "message"));
    if (!msg)
        msg = json_string_value(json_object_get(root, "Message"));
    if (!msg)
        msg = json_string_value(json_object_get(root, "errorMessage"));
    if (type)
        aws_error_trim_code(type, err->code, sizeof err->code);
    if (msg)
        snprintf(err->message, sizeof err->message, "%s", msg);
    json_decref(root);
    return type || msg ? 0 : -1;
}

/* XML: collect the first <Code>, <Message> and <RequestId> at any depth. */
typedef struct xml_error_state {
    athena_error *err;
    char *target;       /* field being collected, or NULL */
    size_t target_cap;
    size_t target_len;
    int seen_code, seen_message, seen_request_id;
} xml_error_state;

static void XMLCALL xml_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    xml_error_state *s = ud;
    athena_error *e = s->err;
    s->target = NULL;
    if (strcmp(name, "Code") == 0 && !s->seen_code) {
        s->seen_code = 1;
        s->target = e->code, s->target_cap = sizeof e->code;
    } else if (strcmp(name, "Message") == 0 && !s->seen_message) {
        s->seen_message = 1;
        s->target = e->message, s->target_cap = sizeof e->message;
    } else if ((strcmp(name, "RequestId") == 0 || strcmp(name, "RequestID") == 0) &&
               !s->seen_request_id && !e->request_id[0]) {
        s->seen_request_id = 1;
        s->target = e->request_id, s->target_cap = sizeof e->request_id;
    }
    if (s->target) {
        s->target[0] = '\0';
        s->target_len = 0;
    }
}

static void XMLCALL xml_end(void *ud, const XML_Char *name)
{
    ((xml_error_state *)ud)->target = NULL;
}

static void XMLCALL xml_text(void *ud, const XML_Char *text, int len)
{
    xml_error_state *s = ud;
    if (!s->target || len <= 0)
        return;
    size_t room = s->target_cap - 1 - s->target_len;
    size_t n = (size_t)len < room ? (size_t)len : room;
    memcpy(s->target + s->target_len, text, n);
    s->target_len += n;
    s->target[s->target_len] = '\0';
}

static int parse_xml_error(athena_error *err, const char *body, size_t len)
{
    XML_Parser p = XML_ParserCreate(NULL);
    if (!p)
        return -1;
    xml_error_state s = {err, NULL, 0, 0, 0, 0, 0};
    XML_SetUserData(p, &s);
    XML_SetElementHandler(p, xml_start, xml_end);
    XML_SetCharacterDataHandler(p, xml_text);
    int ok = XML_Parse(p, body, (int)(len > 1 << 20 ? 1 << 20 : len), 1) == XML_STATUS_OK;
    XML_ParserFree(p);
    if (s.seen_code) {
        char trimmed[sizeof err->code];
        aws_error_trim_code(err->code, trimmed, sizeof trimmed);
        memcpy(err->code, trimmed, sizeof trimmed);
    }
    return ok && (s.seen_code || s.seen_message) ? 0 : -1;
}

/* A printable one-line excerpt of an unexpected body (HTML, text). */
static void body_excerpt(char *dst, size_t cap, const char *body, size_t len)
{
    const char *title = len ? strstr(body, "<title>") : NULL;
    if (title) {
        const char *end = strstr(title, "</title>");
        if (end) {
            copy_text(dst, cap, title + 7, (size_t)(end - title - 7));
            return;
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < len && n + 1 < cap && n < 200; i++) {
        unsigned char c = (unsigned char)body[i];
        dst[n++] = (c < 0x20 || c == 0x7f) ? ' ' : (char)c;
    }
    dst[n] = '\0';
}

/* has_code: the body named an AWS error code (else only the status is known). */
static athena_status status_for(const char *code, int has_code, long http_status)
{
    if (aws_error_is_auth(code))
        return ATHENA_E_AUTH;
    if (aws_error_is_access_denied(code) || (!has_code && http_status == 403))
        return ATHENA_E_ACCESS_DENIED;
    return ATHENA_E_SERVICE;
}

void aws_error_from_response(athena_error *err, long http_status, const char *content_type,
                             const char *body, size_t body_len, const char *request_id)
{
    error_clear(err);
    err->http_status = (int)http_status;
    if (request_id)
        snprintf(err->request_id, sizeof err->request_id, "%s", request_id);
    const char *p = body ? body : "";
    size_t skip = 0;
    while (skip < body_len && isspace((unsigned char)p[skip]))
        skip++;
    int parsed = -1;
    if (skip < body_len && p[skip] == '{')
        parsed = parse_json_error(err, p + skip, body_len - skip);
    else if (skip < body_len && p[skip] == '<')
        parsed = parse_xml_error(err, p + skip, body_len - skip);
    if (parsed != 0) {
        /* Not an AWS error document: keep the status and a readable excerpt. */
        char excerpt[256] = "";
        body_excerpt(excerpt, sizeof excerpt, p + skip, body_len - skip);
        snprintf(err->code, sizeof err->code, "HTTP%ld", http_status);
        int has_type = content_type && content_type[0];
        snprintf(err->message, sizeof err->message, "unexpected HTTP %ld response%s%s%s%s%s",
                 http_status, has_type ? " (" : "", has_type ? content_type : "",
                 has_type ? ")" : "", excerpt[0] ? ": " : "", excerpt);
    }
    if (!err->message[0])
        snprintf(err->message, sizeof err->message, "HTTP %ld", http_status);
    err->status = status_for(err->code, parsed == 0 && err->code[0], http_status);
    err->retryable = aws_error_is_retryable(err->code, http_status);
}
