/*
 * sts.h: libathena's AWS STS client: who the configured credentials belong
 * to. Included by athena.h; its conventions apply (status codes, details of
 * a failure in athena_client_error()).
 *
 * Requests use the STS query protocol (POST of a form, Version 2011-06-15,
 * signed for service "sts") on the STS endpoint of the configuration
 * (AWS_ENDPOINT_URL_STS, --endpoint-url, or https://sts.REGION.amazonaws.com).
 */
#ifndef ATHENA_STS_H
#define ATHENA_STS_H

#include "athena/athena.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What GetCallerIdentity tells. Strings are malloc'ed (NULL when absent);
 * release them with athena_caller_identity_clear(). */
typedef struct athena_caller_identity {
    char *account;       /* "123456789012" */
    char *arn;           /* "arn:aws:iam::123456789012:user/dot_athena_user" */
    char *user_id;       /* "AIDA..." (users), "AROA...:session" (assumed roles) */
    /* The clock of the service: the response's Date header in epoch
     * seconds, and the local clock when it arrived. Set whenever a response
     * arrived, also when the call failed with an AWS error (a signature
     * rejected for clock skew still says what time the service thinks it
     * is); 0 otherwise. */
    double server_time;
    double local_time;
} athena_caller_identity;

/* sts:GetCallerIdentity. out is filled (zero it first or clear it). No IAM
 * permission is needed for it on AWS, but a policy may deny it explicitly:
 * that is ATHENA_E_ACCESS_DENIED. */
ATHENA_API athena_status athena_sts_get_caller_identity(athena_client *client,
                                                        athena_caller_identity *out);
ATHENA_API void athena_caller_identity_clear(athena_caller_identity *identity);

/* Parses a GetCallerIdentityResponse document into out (strings only).
 * ATHENA_E_PROTOCOL when it is not one. For tests and recorded answers. */
ATHENA_API athena_status athena_sts_parse_caller_identity(const char *xml, size_t len,
                                                          athena_caller_identity *out,
                                                          athena_error *err);

#ifdef __cplusplus
}
#endif
#endif /* ATHENA_STS_H */
