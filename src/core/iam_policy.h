/*
 * iam_policy.h: the IAM policy language, parsed and evaluated, shared by
 * athena-local (which authorizes every call with it) and the client (whose
 * `athena policy check` evaluates a policy offline). Pure logic: no I/O.
 *
 * A document is parsed once (iam_policy_parse), which also validates it the
 * way IAM does at PutUserPolicy/CreatePolicy time, so a malformed document is
 * refused with a reason (MalformedPolicyDocument). A request is then
 * evaluated against a set of policies (iam_evaluate) with AWS's logic:
 * an explicit Deny in any policy wins, otherwise any Allow allows,
 * otherwise the request is implicitly denied.
 *
 * Supported: Version 2012-10-17 and 2008-10-17; Statement as object or
 * array; Sid; Effect; Action/NotAction and Resource/NotResource as string or
 * array with '*' and '?' wildcards (actions case-insensitive, resources
 * case-sensitive); Principal/NotPrincipal in resource policies (role trust
 * policies); policy variables (${aws:username}, ${aws:userid}, ${*}, ${?},
 * ${$}, any context key) in Resource and condition values; Condition with
 * String*, Numeric*, Date*, Bool, IpAddress/NotIpAddress, Null, Arn*, the
 * ...IfExists forms, and the ForAnyValue:/ForAllValues: set qualifiers.
 */
#ifndef ATHENA_CORE_IAM_POLICY_H
#define ATHENA_CORE_IAM_POLICY_H

#include <stddef.h>

typedef struct iam_policy iam_policy;

typedef enum iam_policy_kind {
    IAM_POLICY_IDENTITY,   /* attached to a user, group or role: Principal is refused */
    IAM_POLICY_RESOURCE    /* a role's trust policy: Principal is required */
} iam_policy_kind;

/* Parses and validates a policy document (JSON text of len bytes). Returns
 * the policy, or NULL with IAM's reason in `reason` (e.g. "Syntax errors in
 * policy.", "Policy document should not specify a principal.",
 * "Missing required field Effect"), suitable for a MalformedPolicyDocument
 * error. */
iam_policy *iam_policy_parse(const char *json_text, size_t len, iam_policy_kind kind,
                             char *reason, size_t reason_cap);
void iam_policy_free(iam_policy *policy);

/* One request context value. A key may appear several times: that makes it
 * multi-valued (for ForAnyValue/ForAllValues). Keys are matched
 * case-insensitively, as IAM does. */
typedef struct iam_context_value {
    const char *key;      /* "aws:SourceIp", "aws:username", "s3:prefix", ... */
    const char *value;    /* its text: "true", "203.0.113.7", "2026-01-01T00:00:00Z" */
} iam_context_value;

/* What is being asked. */
typedef struct iam_request {
    const char *action;         /* "athena:StartQueryExecution" */
    const char *resource;       /* the resource ARN, or "*" */
    const char *principal_arn;  /* for Principal in resource policies; may be NULL */
    const char *principal_account; /* the caller's account id, for Principal "123456789012"
                                    * or "arn:aws:iam::123456789012:root"; may be NULL */
    const iam_context_value *context;  /* aws:SourceIp, aws:CurrentTime, aws:username, ... */
    size_t context_count;
} iam_request;

typedef enum iam_decision {
    IAM_IMPLICIT_DENY = 0,   /* no statement allowed it */
    IAM_ALLOW,
    IAM_EXPLICIT_DENY        /* a Deny statement matched */
} iam_decision;

/* Evaluates request against the union of count policies (NULL entries are
 * skipped). When matched_sid is not NULL it receives the Sid (or "" when the
 * statement has none) of the deciding statement: the denying one for
 * IAM_EXPLICIT_DENY, the first allowing one for IAM_ALLOW; "" otherwise. */
iam_decision iam_evaluate(const iam_policy *const *policies, size_t count,
                          const iam_request *request, char *matched_sid, size_t sid_cap);

/* IAM's wildcard match: '*' any run (also empty), '?' one character.
 * Case-insensitive when nocase (actions), otherwise exact (resources). */
int iam_wildcard_match(const char *pattern, const char *text, int nocase);

const char *iam_decision_name(iam_decision d);   /* "allowed", "implicitDeny", "explicitDeny" */

#endif
