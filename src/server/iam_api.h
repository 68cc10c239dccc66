/*
 * iam_api.h: athena-local's AWS query-protocol services: IAM (iam_api*.c)
 * and STS (sts_api.c). The router authenticates the call, parses its form
 * and hands over the Action; each service answers every action it knows
 * and InvalidAction for the others.
 */
#ifndef ATHENA_SERVER_IAM_API_H
#define ATHENA_SERVER_IAM_API_H

#include "server.h"
#include "uri.h"

void iam_api_handle(server *s, const char *action, const uri_query *form,
                    const srv_request *req, srv_response *resp);
void sts_api_handle(server *s, const char *action, const uri_query *form,
                    const srv_request *req, srv_response *resp);

/* The InvalidAction error of an action a service does not know. */
void query_api_invalid_action(const char *action, const uri_query *form,
                              const srv_request *req, srv_response *resp);

#endif
