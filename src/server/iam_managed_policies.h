/*
 * iam_managed_policies.h: the AWS managed policies athena-local knows
 * (arn:aws:iam::aws:policy/...): their names, ids, versions and documents,
 * as AWS publishes them, trimmed to the services athena-local serves.
 * They are part of the program, not of the store: every data dir sees the
 * same ones, and only their attachments are stored.
 */
#ifndef ATHENA_SERVER_IAM_MANAGED_POLICIES_H
#define ATHENA_SERVER_IAM_MANAGED_POLICIES_H

#include <stddef.h>

#define IAM_AWS_POLICY_ARN_PREFIX "arn:aws:iam::aws:policy"

typedef struct iam_managed_policy {
    const char *arn;
    const char *name;
    const char *id;            /* ANPA... as AWS lists it */
    const char *path;
    const char *version;       /* the default version, "v1".. */
    const char *description;
    const char *document;
    long long created;         /* epoch seconds */
    long long updated;
} iam_managed_policy;

/* The policy with this ARN, or NULL. */
const iam_managed_policy *iam_managed_policy_find(const char *arn);
/* All of them, sorted by name. */
const iam_managed_policy *iam_managed_policies(size_t *count);
/* 1 if arn is an AWS managed policy ARN (known or not). */
int iam_is_aws_policy_arn(const char *arn);

#endif
