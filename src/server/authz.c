/*
 * authz.c: the core of athena-local's authorization (authz.h): the request
 * context every evaluation sees, the evaluation of one need against the
 * caller's cached identity policies, and AWS's wording of a refusal.
 *
 * Evaluation allocates nothing: the context lives in the subject (on the
 * caller's stack) and points at the caller and at fixed buffers, and the
 * policy set is the shared, cached one from iam_identity.h.
 */
#include "authz.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

void authz_source_ip(const char *remote_addr, char *out, size_t cap)
{
    static const char mapped[] = "::ffff:";
    const char *ip = remote_addr ? remote_addr : "";
    if (strncasecmp(ip, mapped, sizeof mapped - 1) == 0 && strchr(ip + sizeof mapped - 1, '.'))
        ip += sizeof mapped - 1;
    snprintf(out, cap, "%s", ip);
}

static void add_context(authz_subject *sub, const char *key, const char *value)
{
    if (value && sub->context_count < AUTHZ_CONTEXT_MAX)
        sub->context[sub->context_count++] = (iam_context_value){key, value};
}

static const char *principal_type(const srv_caller *caller)
{
    switch (caller->kind) {
    case SRV_PRINCIPAL_USER: return "User";
    case SRV_PRINCIPAL_ASSUMED_ROLE: return "AssumedRole";
    case SRV_PRINCIPAL_ROOT:
    case SRV_PRINCIPAL_NONE: break;
    }
    return "Account";
}

/* aws:CurrentTime and aws:EpochTime, formatted once a second per thread:
 * formatting dates dominated the cost of a whole evaluation. */
static void fill_times(authz_subject *sub)
{
    static _Thread_local time_t formatted_at = -1;
    static _Thread_local char current[sizeof sub->current_time], epoch[sizeof sub->epoch_time];
    time_t now = time(NULL);
    if (now != formatted_at) {
        struct tm tm;
        if (!gmtime_r(&now, &tm) ||
            strftime(current, sizeof current, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
            snprintf(current, sizeof current, "1970-01-01T00:00:00Z");
        snprintf(epoch, sizeof epoch, "%lld", (long long)now);
        formatted_at = now;
    }
    memcpy(sub->current_time, current, sizeof current);
    memcpy(sub->epoch_time, epoch, sizeof epoch);
}

/* The global condition keys of every request, as AWS sets them. */
static void fill_context(authz_subject *sub, const char *remote_addr)
{
    const srv_caller *caller = sub->caller;
    fill_times(sub);
    sub->context_count = 0;
    if (remote_addr) {
        authz_source_ip(remote_addr, sub->source_ip, sizeof sub->source_ip);
        add_context(sub, "aws:SourceIp", sub->source_ip);
    } else {
        /* Athena calling Glue and S3 for a query: a forward access session. */
        add_context(sub, "aws:CalledVia", "athena.amazonaws.com");
        add_context(sub, "aws:CalledViaFirst", "athena.amazonaws.com");
        add_context(sub, "aws:CalledViaLast", "athena.amazonaws.com");
        add_context(sub, "aws:ViaAWSService", "true");
    }
    add_context(sub, "aws:SecureTransport", "false");
    add_context(sub, "aws:CurrentTime", sub->current_time);
    add_context(sub, "aws:EpochTime", sub->epoch_time);
    if (caller->kind == SRV_PRINCIPAL_USER)
        add_context(sub, "aws:username", caller->user_name);
    add_context(sub, "aws:userid", caller->user_id);
    add_context(sub, "aws:PrincipalArn", caller->arn);
    add_context(sub, "aws:PrincipalAccount", sub->account);
    add_context(sub, "aws:PrincipalType", principal_type(caller));
    add_context(sub, "aws:RequestedRegion", sub->region);
}

int authz_subject_begin(authz_subject *sub, server *s, const srv_caller *caller,
                        const char *remote_addr)
{
    memset(sub, 0, sizeof *sub);
    sub->caller = caller;
    sub->region = s->settings.region;
    sub->account = s->settings.account_id;
    fill_context(sub, remote_addr);
    sub->policies = iam_identity_policies(s, caller);
    return sub->policies ? 0 : -1;
}

void authz_subject_end(authz_subject *sub)
{
    if (sub->policies)
        iam_policy_set_release(sub->policies);
    sub->policies = NULL;
}

iam_decision authz_subject_decide(const authz_subject *sub, const authz_need *need)
{
    if (!sub->policies)
        return IAM_IMPLICIT_DENY;
    /* s3:prefix joins the global keys for this one evaluation. */
    iam_context_value context[AUTHZ_CONTEXT_MAX + 1];
    size_t n = sub->context_count;
    memcpy(context, sub->context, n * sizeof *context);
    if (need->s3_prefix)
        context[n++] = (iam_context_value){"s3:prefix", need->s3_prefix};
    iam_request request = {need->action, need->resource, sub->caller->arn, sub->account,
                           context, n};
    return iam_evaluate(sub->policies->items, sub->policies->count, &request, NULL, 0);
}

int authz_subject_need(void *subject, const authz_need *need)
{
    authz_subject *sub = subject;
    iam_decision d = authz_subject_decide(sub, need);
    if (d == IAM_ALLOW)
        return 0;
    sub->decision = d;
    snprintf(sub->denied_action, sizeof sub->denied_action, "%s", need->action);
    snprintf(sub->denied_resource, sizeof sub->denied_resource, "%s", need->resource);
    return 1;
}

void authz_subject_denial(const authz_subject *sub, char *out, size_t cap)
{
    authz_denial_message(out, cap, sub->caller->arn, sub->denied_action, sub->denied_resource,
                         sub->decision, strncmp(sub->denied_action, "s3:", 3) == 0);
}

void authz_denial_message(char *out, size_t cap, const char *principal_arn, const char *action,
                          const char *resource, iam_decision decision, int quote_resource)
{
    char on[AUTHZ_ARN_CAP + 32] = "";
    /* Actions without a resource type name none. */
    if (resource && strcmp(resource, "*") != 0)
        snprintf(on, sizeof on, " on resource: %s%s%s", quote_resource ? "\"" : "", resource,
                 quote_resource ? "\"" : "");
    if (decision == IAM_EXPLICIT_DENY)
        snprintf(out, cap,
                 "User: %s is not authorized to perform: %s%s with an explicit deny in an "
                 "identity-based policy",
                 principal_arn, action, on);
    else
        snprintf(out, cap,
                 "User: %s is not authorized to perform: %s%s because no identity-based policy "
                 "allows the %s action",
                 principal_arn, action, on, action);
}
