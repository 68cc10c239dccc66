/*
 * auth.h: authentication of every athena-local request (SigV4, through the
 * shared verifier in src/core/sigv4.h), and the AWS error shapes of the
 * three wire protocols the server speaks, so that each rejection reads as
 * the caller's SDK expects: awsJson (Athena, Glue), REST-XML (S3) and the
 * query protocol (IAM, STS).
 */
#ifndef ATHENA_SERVER_AUTH_H
#define ATHENA_SERVER_AUTH_H

#include "server.h"

#include <stddef.h>

typedef enum auth_protocol {
    AUTH_PROTOCOL_JSON,    /* awsJson1.x: {"__type", "message"} */
    AUTH_PROTOCOL_S3,      /* S3: <Error><Code>... */
    AUTH_PROTOCOL_QUERY    /* IAM/STS: <ErrorResponse><Error><Type>... */
} auth_protocol;

#define AUTH_SERVICE_CAP 64

/* Verifies the SigV4 signature of req (S3 rules for AUTH_PROTOCOL_S3). The
 * credential scope must name the server's region and, unless service is
 * NULL, that signing service. On success fills req->caller, copies the
 * signing service into signing_service (if not NULL) and returns 0;
 * otherwise writes the protocol's AWS error into resp and returns -1. */
int auth_verify(server *s, srv_request *req, auth_protocol protocol, const char *service,
                char signing_service[AUTH_SERVICE_CAP], srv_response *resp);

/* Writes an AWS error in the protocol's shape: status, code and message
 * (and the request id where the shape carries one). */
void auth_write_error(auth_protocol protocol, const srv_request *req, srv_response *resp,
                      int status, const char *code, const char *message);

#endif
