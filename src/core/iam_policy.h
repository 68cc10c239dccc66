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
 *
 * AWS's edge rules, followed here: several values of one condition key are
 * ORed (NORed for negated operators) and keys and operators are ANDed; a key
 * missing from the request makes a condition false, but true for negated
 * operators (StringNotEquals, NotIpAddress, ...), ...IfExists and
 * ForAllValues; a policy variable whose key is missing (and has no default
 * ${key, 'default'}) or is multi-valued makes its statement not apply, be it
 * an Allow or a Deny. Variables are plain text: a '*' in a user name is no
 * wildcard. Documents without Version, or with 2008-10-17, have no
 * variables: "${aws:username}" is then literal text.
 *
 * A parsed policy is read-only: evaluating it is thread-safe and does not
 * allocate (short of patterns with more than 32 variables).
 */
#ifndef ATHENA_CORE_IAM_POLICY_H
#define ATHENA_CORE_IAM_POLICY_H

#include <stddef.h>

typedef struct iam_policy iam_policy;

typedef enum iam_policy_kind {
    IAM_POLICY_IDENTITY,   /* attached to a user, group or role: Principal is refused,
                            * Resource or NotResource required */
    IAM_POLICY_RESOURCE    /* a role's trust policy: Principal or NotPrincipal required,
                            * Resource refused ("Has prohibited field Resource.");
                            * its statements apply to any request resource */
} iam_policy_kind;

/* Parses and validates a policy document (JSON text of len bytes). Returns
 * the policy, or NULL with IAM's reason in `reason` (truncated to
 * reason_cap; reason may be NULL), suitable for a MalformedPolicyDocument
 * error. The reasons, checked in this order:
 *   "Syntax errors in policy."  (bad JSON, unknown or mistyped elements,
 *       Version not 2012-10-17/2008-10-17, no Statement, Action with
 *       NotAction, Resource with NotResource, unknown condition operators,
 *       condition values other than strings, numbers, booleans or arrays
 *       of them, an Effect other than Allow/Deny)
 *   "Missing required field Effect"
 *   "Policy document should not specify a principal."  (identity)
 *   "Missing required field Principal"  (trust)
 *   "The policy failed legacy parsing"  (Effect "allow"; a bad Date value)
 *   "Statement IDs (SID) in a single policy must be unique."
 *   "Policy statement must contain actions."
 *   "Has prohibited field Resource."  (trust)
 *   "Policy statement must contain resources."  (identity)
 *   "Resource X must be in ARN format or \"*\"."
 *   "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
 *   "Actions/Condition can contain only one colon."
 *   "Vendor X is not valid"
 *   "Invalid principal in policy: \"AWS\":\"X\""
 * Size limits are the caller's (IAM's differ per policy type). */
iam_policy *iam_policy_parse(const char *json_text, size_t len, iam_policy_kind kind,
                             char *reason, size_t reason_cap);
void iam_policy_free(iam_policy *policy);

/* One request context value. A key may appear several times: that makes it
 * multi-valued (for ForAnyValue/ForAllValues). Keys are matched
 * case-insensitively, as IAM does. aws:PrincipalArn and aws:PrincipalAccount,
 * when not given here, come from the request's principal fields. */
typedef struct iam_context_value {
    const char *key;      /* "aws:SourceIp", "aws:username", "s3:prefix", ... */
    const char *value;    /* its text: "true", "203.0.113.7", "2026-01-01T00:00:00Z" */
} iam_context_value;

/* What is being asked. */
typedef struct iam_request {
    const char *action;         /* "athena:StartQueryExecution" */
    const char *resource;       /* the resource ARN, or "*" */
    const char *principal_arn;  /* for Principal in resource policies; may be NULL. A
                                 * role ARN in a policy also matches its sessions
                                 * (arn:aws:sts::ACCT:assumed-role/NAME/SESSION) */
    const char *principal_account; /* the caller's account id, for Principal "123456789012"
                                    * or "arn:aws:iam::123456789012:root"; may be NULL
                                    * (then taken from principal_arn) */
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
