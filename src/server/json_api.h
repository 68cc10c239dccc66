/*
 * json_api.h: helpers for the awsJson1.1 services of athena-local (Athena,
 * Glue): AWS-shaped error bodies, and reading request members with the
 * errors AWS gives for missing or mistyped fields.
 */
#ifndef ATHENA_SERVER_JSON_API_H
#define ATHENA_SERVER_JSON_API_H

#include "http.h"

#include <jansson.h>

/* Writes {"__type": code, "message": ...} with the given status (400 for
 * client errors) and content type application/x-amz-json-1.1. */
void json_api_error(srv_response *resp, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Serializes obj (not consumed) as the 200 response body. */
void json_api_ok(srv_response *resp, const json_t *obj);
/* A 200 response {"key": value}; takes the reference to value. */
void json_api_ok_member(srv_response *resp, const char *key, json_t *value);
/* A 200 response of `prefix` + `json` + `suffix`, for bodies assembled from
 * stored JSON text without parsing it. */
void json_api_ok_text(srv_response *resp, const char *prefix, const char *json,
                      const char *suffix);
/* A 200 response whose body the caller has already written into resp->body
 * as JSON text (large bodies written with jsonw.h, no tree in between). */
void json_api_ok_body(srv_response *resp);

/* Reads a member. Each returns 0 when present and well-typed, 1 when absent
 * (and not required), or -1 after writing the AWS error into resp
 * (InvalidRequestException for a missing required member or a value out of
 * range, SerializationException for a wrong JSON type). */
int json_api_string(const json_t *obj, const char *key, int required, size_t min_len,
                    size_t max_len, const char **out, srv_response *resp);
int json_api_int(const json_t *obj, const char *key, int required, long long min, long long max,
                 long long *out, srv_response *resp);
int json_api_bool(const json_t *obj, const char *key, int required, int *out,
                  srv_response *resp);
int json_api_object(const json_t *obj, const char *key, int required, const json_t **out,
                    srv_response *resp);
int json_api_array(const json_t *obj, const char *key, int required, size_t max_items,
                   const json_t **out, srv_response *resp);

#endif
