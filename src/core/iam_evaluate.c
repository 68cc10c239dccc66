/*
 * iam_evaluate.c: deciding a request against parsed policies with AWS's
 * evaluation logic (see iam_policy.h): a statement applies when its action,
 * resource, principal and every condition match; an applying Deny anywhere
 * wins, otherwise an applying Allow allows, otherwise the request is
 * implicitly denied.
 *
 * Runs on every request of athena-local: it walks the read-only parsed form
 * and allocates nothing (patterns resolve into stack arrays).
 */
#include "iam_internal.h"

#include <stdio.h>
#include <string.h>

/* ---- elements ------------------------------------------------------------------- */

static bool action_applies(const iam_statement *st, const char *action)
{
    bool any = false;
    for (size_t i = 0; i < st->action_count && !any; i++)
        any = iam_wildcard_match(st->actions[i].source, action, 1);
    return st->action_mode == IAM_ELEMENT_NOT ? !any : any;
}

/* Resource or NotResource. A variable that cannot be resolved makes the
 * whole statement not apply, whichever element it is in (as IAM does). */
static bool resource_applies(const iam_statement *st, const iam_request *req)
{
    if (st->resource_mode == IAM_ELEMENT_ABSENT)
        return true;
    const char *resource = req->resource ? req->resource : "*";
    size_t len = strlen(resource);
    bool any = false;
    for (size_t i = 0; i < st->resource_count; i++) {
        const iam_pattern *p = &st->resources[i];
        if (!p->parts) {
            any = any || iam_wildcard_match(p->source, resource, 0);
            continue;
        }
        iam_resolved r;
        if (iam_pattern_resolve(p, req, &r) != IAM_RESOLVED)
            return false;
        any = any || iam_pieces_match(r.pieces, r.count, resource, len, false);
        iam_resolved_release(&r);
    }
    return st->resource_mode == IAM_ELEMENT_NOT ? !any : any;
}

/* The account id field of an ARN ("arn:aws:iam::123456789012:user/x"). */
static bool arn_account_is(const char *arn, const char *account)
{
    const char *p = arn;
    for (int colons = 0; colons < 4; colons++) {
        p = strchr(p, ':');
        if (!p)
            return false;
        p++;
    }
    size_t n = strlen(account);
    return strncmp(p, account, n) == 0 && p[n] == ':';
}

/* Splits an ARN at its first five colons: part[k] starts there, len[k] long. */
static bool split_arn(const char *arn, const char *part[6], size_t len[6])
{
    part[0] = arn;
    for (int k = 0; k < 5; k++) {
        const char *colon = strchr(part[k], ':');
        if (!colon)
            return false;
        len[k] = (size_t)(colon - part[k]);
        part[k + 1] = colon + 1;
    }
    len[5] = strlen(part[5]);
    return true;
}

static bool part_is(const char *part, size_t len, const char *text)
{
    return strlen(text) == len && strncmp(part, text, len) == 0;
}

/* A role named as principal ("arn:aws:iam::ACCT:role/path/NAME") stands for
 * its sessions too ("arn:aws:sts::ACCT:assumed-role/NAME/SESSION"). */
static bool is_session_of_role(const char *role_arn, const char *session_arn)
{
    const char *r[6], *s[6];
    size_t rl[6], sl[6];
    if (!split_arn(role_arn, r, rl) || !split_arn(session_arn, s, sl))
        return false;
    if (rl[1] != sl[1] || strncmp(r[1], s[1], rl[1]) != 0 || !part_is(r[2], rl[2], "iam") ||
        !part_is(s[2], sl[2], "sts") || rl[4] != sl[4] || strncmp(r[4], s[4], rl[4]) != 0)
        return false;
    if (strncmp(r[5], "role/", 5) != 0 || strncmp(s[5], "assumed-role/", 13) != 0)
        return false;
    const char *name = strrchr(r[5], '/') + 1;
    size_t name_len = strlen(name);
    const char *session_role = s[5] + 13;
    return name_len > 0 && strncmp(session_role, name, name_len) == 0 &&
           session_role[name_len] == '/';
}

static bool principal_matches(const iam_principal *pr, const iam_request *req)
{
    switch (pr->kind) {
    case IAM_PRINCIPAL_ANY:
        return true;
    case IAM_PRINCIPAL_ACCOUNT:
        if (req->principal_account && strcmp(req->principal_account, pr->value) == 0)
            return true;
        return req->principal_arn && arn_account_is(req->principal_arn, pr->value);
    case IAM_PRINCIPAL_ARN:
        return req->principal_arn && (strcmp(req->principal_arn, pr->value) == 0 ||
                                      is_session_of_role(pr->value, req->principal_arn));
    default:
        return false;   /* a service or federated principal is never an IAM caller */
    }
}

static bool principal_applies(const iam_statement *st, const iam_request *req)
{
    if (st->principal_mode == IAM_ELEMENT_ABSENT)
        return true;
    bool any = false;
    for (size_t i = 0; i < st->principal_count && !any; i++)
        any = principal_matches(&st->principals[i], req);
    return st->principal_mode == IAM_ELEMENT_NOT ? !any : any;
}

static bool conditions_hold(const iam_statement *st, const iam_request *req)
{
    for (size_t i = 0; i < st->condition_count; i++)
        if (iam_condition_evaluate(&st->conditions[i], req) != IAM_COND_TRUE)
            return false;
    return true;
}

static bool statement_applies(const iam_statement *st, const iam_request *req)
{
    return action_applies(st, req->action) && resource_applies(st, req) &&
           principal_applies(st, req) && conditions_hold(st, req);
}

/* ---- deciding ---------------------------------------------------------------------- */

static void copy_sid(char *out, size_t cap, const char *sid)
{
    if (out && cap)
        snprintf(out, cap, "%s", sid ? sid : "");
}

iam_decision iam_evaluate(const iam_policy *const *policies, size_t count,
                          const iam_request *request, char *matched_sid, size_t sid_cap)
{
    const iam_statement *allowing = NULL;
    copy_sid(matched_sid, sid_cap, "");
    if (!request || !request->action)
        return IAM_IMPLICIT_DENY;
    for (size_t p = 0; p < count; p++) {
        const iam_policy *policy = policies ? policies[p] : NULL;
        if (!policy)
            continue;
        for (size_t i = 0; i < policy->statement_count; i++) {
            const iam_statement *st = &policy->statements[i];
            if (!st->deny && allowing)
                continue;   /* one Allow is enough: only a Deny can change it */
            if (!statement_applies(st, request))
                continue;
            if (st->deny) {
                copy_sid(matched_sid, sid_cap, st->sid);
                return IAM_EXPLICIT_DENY;
            }
            allowing = st;
        }
    }
    if (!allowing)
        return IAM_IMPLICIT_DENY;
    copy_sid(matched_sid, sid_cap, allowing->sid);
    return IAM_ALLOW;
}

const char *iam_decision_name(iam_decision d)
{
    switch (d) {
    case IAM_ALLOW: return "allowed";
    case IAM_EXPLICIT_DENY: return "explicitDeny";
    default: return "implicitDeny";
    }
}
