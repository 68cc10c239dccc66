/*
 * json_api.c: the awsJson1.1 plumbing shared by athena-local's JSON services
 * (see json_api.h): AWS-shaped error bodies and typed reads of request
 * members.
 *
 * Validation messages follow the wording of AWS's request validation
 * ("1 validation error detected: Value ... at 'member' failed to satisfy
 * constraint: ..."), which names members in lower camel case, so clients and
 * people see what they would see from AWS.
 */
#include "json_api.h"

#include "jsonw.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define JSON_CONTENT_TYPE "application/x-amz-json-1.1"
#define ECHO_MAX 128    /* bytes of a rejected value quoted back in a message */

void json_api_error(srv_response *resp, int status, const char *code, const char *fmt, ...)
{
    buf message = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vprintf(&message, fmt, ap);
    va_end(ap);
    resp->status = status;
    resp->content_type = JSON_CONTENT_TYPE;
    buf_reset(&resp->body);
    /* jsonw_string keeps the body valid JSON whatever bytes the message holds. */
    if (buf_puts(&resp->body, "{\"__type\":") || jsonw_string(&resp->body, code, strlen(code)) ||
        buf_puts(&resp->body, ",\"message\":") ||
        jsonw_string(&resp->body, rc ? "" : buf_str(&message), rc ? 0 : message.len) ||
        buf_putc(&resp->body, '}')) {
        /* Out of memory: an empty body still carries the status. */
        buf_reset(&resp->body);
    }
    buf_free(&message);
}

static int dump_into_buf(const char *text, size_t len, void *data)
{
    return buf_append(data, text, len);
}

void json_api_ok(srv_response *resp, const json_t *obj)
{
    buf_reset(&resp->body);
    resp->status = 200;
    resp->content_type = JSON_CONTENT_TYPE;
    if (!obj) {
        if (buf_puts(&resp->body, "{}") == 0)
            return;
    } else if (json_dump_callback(obj, dump_into_buf, &resp->body, JSON_COMPACT) == 0) {
        return;
    }
    json_api_error(resp, 500, "InternalServerException",
                   "The response could not be serialized; try again.");
}

void json_api_ok_member(srv_response *resp, const char *key, json_t *value)
{
    json_t *out = json_pack("{s:o}", key, value);
    json_api_ok(resp, out);
    json_decref(out);
}

void json_api_ok_text(srv_response *resp, const char *prefix, const char *json,
                      const char *suffix)
{
    buf_reset(&resp->body);
    resp->status = 200;
    resp->content_type = JSON_CONTENT_TYPE;
    if (buf_puts(&resp->body, prefix) == 0 && buf_puts(&resp->body, json) == 0 &&
        buf_puts(&resp->body, suffix) == 0)
        return;
    json_api_error(resp, 500, "InternalServerException",
                   "The response could not be serialized; try again.");
}

void json_api_ok_body(srv_response *resp)
{
    resp->status = 200;
    resp->content_type = JSON_CONTENT_TYPE;
}

/* AWS names members in lower camel case in validation messages. */
static void member_name(const char *key, char *out, size_t cap)
{
    snprintf(out, cap, "%s", key);
    out[0] = (char)tolower((unsigned char)out[0]);
}

/* "1 validation error detected: Value V at 'member' failed to satisfy
 * constraint: C"; value is already quoted, or "null". */
static int validation_error(srv_response *resp, const char *key, const char *value,
                            const char *constraint)
{
    char member[128];
    member_name(key, member, sizeof member);
    json_api_error(resp, 400, "InvalidRequestException",
                   "1 validation error detected: Value %s at '%s' failed to satisfy "
                   "constraint: %s",
                   value, member, constraint);
    return -1;
}

static int missing_member(srv_response *resp, const char *key)
{
    return validation_error(resp, key, "null", "Member must not be null");
}

static int wrong_type(srv_response *resp, const char *key, const char *expected)
{
    json_api_error(resp, 400, "SerializationException",
                   "Member '%s' must be %s in the JSON request body.", key, expected);
    return -1;
}

/* Looks up key: 0 present, 1 absent (JSON null counts as absent, as in AWS),
 * -1 absent but required (error written). */
static int find_member(const json_t *obj, const char *key, int required, json_t **out,
                       srv_response *resp)
{
    json_t *value = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (!value || json_is_null(value)) {
        *out = NULL;
        return required ? missing_member(resp, key) : 1;
    }
    *out = value;
    return 0;
}

/* Length in Unicode code points, which is how AWS measures string limits. */
static size_t utf8_length(const char *s, size_t bytes)
{
    size_t n = 0;
    for (size_t i = 0; i < bytes; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* 'value' quoted for a message, cut to ECHO_MAX bytes on a character boundary. */
static void quote_value(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = len;
    if (n > ECHO_MAX) {
        n = ECHO_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    snprintf(out, cap, "'%.*s%s'", (int)n, s, n < len ? "..." : "");
}

int json_api_string(const json_t *obj, const char *key, int required, size_t min_len,
                    size_t max_len, const char **out, srv_response *resp)
{
    json_t *value;
    int rc = find_member(obj, key, required, &value, resp);
    *out = NULL;
    if (rc != 0)
        return rc;
    if (!json_is_string(value))
        return wrong_type(resp, key, "a string");
    const char *s = json_string_value(value);
    size_t bytes = json_string_length(value);
    char quoted[ECHO_MAX + 8], constraint[96];
    quote_value(s, bytes, quoted, sizeof quoted);
    if (strlen(s) != bytes)
        return validation_error(resp, key, quoted, "Member must not contain the NUL character");
    size_t chars = utf8_length(s, bytes);
    if (chars < min_len) {
        snprintf(constraint, sizeof constraint,
                 "Member must have length greater than or equal to %zu", min_len);
        return validation_error(resp, key, quoted, constraint);
    }
    if (chars > max_len) {
        snprintf(constraint, sizeof constraint,
                 "Member must have length less than or equal to %zu", max_len);
        return validation_error(resp, key, quoted, constraint);
    }
    *out = s;
    return 0;
}

int json_api_int(const json_t *obj, const char *key, int required, long long min, long long max,
                 long long *out, srv_response *resp)
{
    json_t *value;
    int rc = find_member(obj, key, required, &value, resp);
    if (rc != 0)
        return rc;
    if (!json_is_integer(value))
        return wrong_type(resp, key, "an integer");
    long long v = (long long)json_integer_value(value);
    char quoted[32], constraint[96];
    snprintf(quoted, sizeof quoted, "'%lld'", v);
    if (v < min) {
        snprintf(constraint, sizeof constraint,
                 "Member must have value greater than or equal to %lld", min);
        return validation_error(resp, key, quoted, constraint);
    }
    if (v > max) {
        snprintf(constraint, sizeof constraint,
                 "Member must have value less than or equal to %lld", max);
        return validation_error(resp, key, quoted, constraint);
    }
    *out = v;
    return 0;
}

int json_api_bool(const json_t *obj, const char *key, int required, int *out,
                  srv_response *resp)
{
    json_t *value;
    int rc = find_member(obj, key, required, &value, resp);
    if (rc != 0)
        return rc;
    if (!json_is_boolean(value))
        return wrong_type(resp, key, "a boolean");
    *out = json_is_true(value);
    return 0;
}

int json_api_object(const json_t *obj, const char *key, int required, const json_t **out,
                    srv_response *resp)
{
    json_t *value;
    int rc = find_member(obj, key, required, &value, resp);
    *out = NULL;
    if (rc != 0)
        return rc;
    if (!json_is_object(value))
        return wrong_type(resp, key, "an object");
    *out = value;
    return 0;
}

int json_api_array(const json_t *obj, const char *key, int required, size_t max_items,
                   const json_t **out, srv_response *resp)
{
    json_t *value;
    int rc = find_member(obj, key, required, &value, resp);
    *out = NULL;
    if (rc != 0)
        return rc;
    if (!json_is_array(value))
        return wrong_type(resp, key, "a list");
    if (json_array_size(value) > max_items) {
        char constraint[96];
        snprintf(constraint, sizeof constraint,
                 "Member must have length less than or equal to %zu", max_items);
        return validation_error(resp, key, "(a list)", constraint);
    }
    *out = value;
    return 0;
}
