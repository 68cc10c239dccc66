/*
 * aws_error.h: turning an AWS error response into an athena_error.
 *
 * Understands the JSON protocols' {"__type": ..., "message": ...} bodies, the
 * XML bodies of the query/REST-XML protocols (which some servers also send on
 * JSON APIs) and anything else (HTML from a proxy, an empty body), and
 * classifies the result: authentication, access denied, throttling, retryable.
 */
#ifndef ATHENA_LIB_AWS_ERROR_H
#define ATHENA_LIB_AWS_ERROR_H

#include "athena/athena.h"

#include <stddef.h>

/* Fills err from an HTTP error response (status >= 300). */
void aws_error_from_response(athena_error *err, long http_status, const char *content_type,
                             const char *body, size_t body_len, const char *request_id);

/* Trims an error code as botocore does: "ns#Code:extra" becomes "Code". */
void aws_error_trim_code(const char *raw, char *out, size_t cap);

/* Classification by AWS error code (and status, where it decides). */
int aws_error_is_throttling(const char *code, long http_status);
int aws_error_is_auth(const char *code);
int aws_error_is_access_denied(const char *code);
/* Throttling, 5xx, and the transient codes the SDKs retry. */
int aws_error_is_retryable(const char *code, long http_status);

#endif
