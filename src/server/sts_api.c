/*
 * sts_api.c: athena-local's STS service (query protocol, version
 * 2011-06-15): GetCallerIdentity, which every authenticated caller may
 * call, and AssumeRole, which evaluates the role's trust policy with the
 * caller as principal (STS's own check; the caller's identity policies are
 * authorization's business) and issues temporary credentials (ASIA...,
 * secret, session token, expiry) kept in the IAM store.
 *
 * DurationSeconds is 900..43200 as in AWS, at most the role's
 * MaxSessionDuration, and at most an hour for role chaining. Tests may
 * lower the minimum with ATHENA_LOCAL_STS_MIN_DURATION_SECONDS (read once,
 * 1..900) to watch sessions expire within seconds.
 */
#include "iam_api.h"

#include "iam_policy.h"
#include "query_api.h"
#include "s3_xml.h"
#include "store_iam.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIN_DURATION_ENV "ATHENA_LOCAL_STS_MIN_DURATION_SECONDS"
#define AWS_MIN_DURATION 900
#define MAX_DURATION 43200
#define DEFAULT_DURATION 3600
#define CHAINED_MAX_DURATION 3600
#define SESSION_NAME_MIN 2
#define SESSION_NAME_MAX 64
#define ROLE_ARN_MIN 20
#define ROLE_ARN_MAX 2048

static long long min_duration = AWS_MIN_DURATION;
static pthread_once_t min_duration_once = PTHREAD_ONCE_INIT;

static void read_min_duration(void)
{
    const char *text = getenv(MIN_DURATION_ENV);
    if (!text)
        return;
    char *end;
    long v = strtol(text, &end, 10);
    if (end != text && !*end && v >= 1 && v <= AWS_MIN_DURATION)
        min_duration = v;
    else
        fprintf(stderr, "athena-local: warning: ignoring %s (it must be 1 to %d seconds)\n",
                MIN_DURATION_ENV, AWS_MIN_DURATION);
}

/* ---- GetCallerIdentity ---- */

static void get_caller_identity(query_call *c)
{
    const srv_caller *caller = &c->req->caller;
    const char *user_id = caller->kind == SRV_PRINCIPAL_ROOT ? c->s->settings.account_id
                                                             : caller->user_id;
    buf *b = &c->resp->body;
    int rc = query_begin(c, 1) || s3_xml_text(b, "Arn", caller->arn) ||
             s3_xml_text(b, "UserId", user_id) ||
             s3_xml_text(b, "Account", c->s->settings.account_id);
    query_finish(c, 1, rc);
}

/* ---- AssumeRole ---- */

/* The role named by arn:aws:iam::ACCOUNT:role[/path]/NAME of this account:
 * its name into name (cap bytes) and its path into path. 0, or -1. */
static int parse_role_arn(const query_call *c, const char *arn, char *name, size_t name_cap,
                          char *path, size_t path_cap)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "arn:aws:iam::%s:role/", c->s->settings.account_id);
    size_t n = strlen(prefix);
    if (strncmp(arn, prefix, n) != 0)
        return -1;
    const char *slash = strrchr(arn, '/');
    size_t path_len = (size_t)(slash - (arn + n - 1)) + 1;   /* "/" ... "/" */
    if (!slash[1] || strlen(slash + 1) >= name_cap || path_len >= path_cap)
        return -1;
    snprintf(name, name_cap, "%s", slash + 1);
    memcpy(path, arn + n - 1, path_len);
    path[path_len] = '\0';
    return 0;
}

static int valid_session_name(const query_call *c, const char *name)
{
    int bad;
    if (strlen(name) < SESSION_NAME_MIN) {
        query_validation_error(c, name, "RoleSessionName",
                               "Member must have length greater than or equal to 2");
        return 0;
    }
    return query_name(c, "RoleSessionName", SESSION_NAME_MAX, 1, &bad) != NULL;
}

/* The DurationSeconds to grant; -1 after an error. */
static long long requested_duration(const query_call *c, const store_iam_entity *role)
{
    long long duration = DEFAULT_DURATION;
    if (query_int(c, "DurationSeconds", min_duration, MAX_DURATION, &duration) != 0)
        return -1;
    if (duration > role->max_session_duration) {
        query_error(c, 400, "ValidationError",
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this "
                    "role.");
        return -1;
    }
    if (c->req->caller.kind == SRV_PRINCIPAL_ASSUMED_ROLE && duration > CHAINED_MAX_DURATION) {
        query_error(c, 400, "ValidationError",
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles "
                    "assumed by role chaining.");
        return -1;
    }
    return duration;
}

/* Whether the role's trust policy lets the caller assume it. */
static int trust_allows(const query_call *c, const store_iam_entity *role, const char *role_arn,
                        const char *session_name)
{
    const srv_caller *caller = &c->req->caller;
    char reason[256], now[32];
    const char *trust = role->trust_policy ? role->trust_policy : "";
    iam_policy *policy = iam_policy_parse(trust, strlen(trust), IAM_POLICY_RESOURCE, reason,
                                          sizeof reason);
    if (!policy)
        return 0;
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *external_id = query_param(c, "ExternalId");
    iam_context_value context[8];
    size_t count = 0;
    context[count++] = (iam_context_value){"aws:PrincipalArn", caller->arn};
    context[count++] = (iam_context_value){"aws:PrincipalAccount", c->s->settings.account_id};
    context[count++] = (iam_context_value){
        "aws:userid",
        caller->kind == SRV_PRINCIPAL_ROOT ? c->s->settings.account_id : caller->user_id};
    context[count++] = (iam_context_value){"aws:CurrentTime", now};
    context[count++] = (iam_context_value){"sts:RoleSessionName", session_name};
    /* Keys that do not apply are absent, not empty. */
    if (c->req->remote_addr)
        context[count++] = (iam_context_value){"aws:SourceIp", c->req->remote_addr};
    if (caller->user_name[0])
        context[count++] = (iam_context_value){"aws:username", caller->user_name};
    if (external_id)
        context[count++] = (iam_context_value){"sts:ExternalId", external_id};
    iam_request request = {"sts:AssumeRole", role_arn, caller->arn, c->s->settings.account_id,
                           context, count};
    const iam_policy *const policies[] = {policy};
    iam_decision decision = iam_evaluate(policies, 1, &request, NULL, 0);
    iam_policy_free(policy);
    return decision == IAM_ALLOW;
}

static int write_credentials(query_call *c, const store_iam_session *session)
{
    buf *b = &c->resp->body;
    c->resp->sensitive = 1;
    char assumed_id[STORE_IAM_ID_CAP + STORE_IAM_NAME_CAP + 2];
    char arn[STORE_IAM_ARN_CAP];
    snprintf(assumed_id, sizeof assumed_id, "%s:%s", session->role_id, session->session_name);
    snprintf(arn, sizeof arn, "arn:aws:sts::%s:assumed-role/%s/%s", c->s->settings.account_id,
             session->role_name, session->session_name);
    return s3_xml_open(b, "Credentials") ||
           s3_xml_text(b, "AccessKeyId", session->access_key_id) ||
           s3_xml_text(b, "SecretAccessKey", session->secret) ||
           s3_xml_text(b, "SessionToken", session->token) ||
           query_xml_date(b, "Expiration", session->expires) ||
           s3_xml_close(b, "Credentials") || s3_xml_open(b, "AssumedRoleUser") ||
           s3_xml_text(b, "AssumedRoleId", assumed_id) || s3_xml_text(b, "Arn", arn) ||
           s3_xml_close(b, "AssumedRoleUser");
}

static void deny_assume(const query_call *c, const char *role_arn)
{
    query_error(c, 403, "AccessDenied",
                "User: %s is not authorized to perform: sts:AssumeRole on resource: %s",
                c->req->caller.arn, role_arn);
}

static void assume_role(query_call *c)
{
    const char *role_arn = query_required(c, "RoleArn");
    const char *session_name = role_arn ? query_required(c, "RoleSessionName") : NULL;
    if (!session_name || !valid_session_name(c, session_name))
        return;
    if (strlen(role_arn) < ROLE_ARN_MIN || strlen(role_arn) > ROLE_ARN_MAX) {
        query_validation_error(c, role_arn, "RoleArn",
                               "Member must have length greater than or equal to 20");
        return;
    }
    if (query_param(c, "Policy") || query_param(c, "PolicyArns.member.1")) {
        query_error(c, 400, "ValidationError",
                    "athena-local does not support session policies (Policy, PolicyArns).");
        return;
    }
    char name[STORE_IAM_NAME_CAP], path[STORE_IAM_PATH_CAP];
    store_iam_entity role;
    memset(&role, 0, sizeof role);
    /* A role that does not exist (or whose path differs) is refused like
     * one whose trust policy says no: AWS tells nothing more. */
    if (parse_role_arn(c, role_arn, name, sizeof name, path, sizeof path) != 0 ||
        store_iam_get(c->s->store, STORE_IAM_ROLE, name, &role) != STORE_OK ||
        strcmp(role.path, path) != 0 || !trust_allows(c, &role, role_arn, session_name)) {
        deny_assume(c, role_arn);
        store_iam_entity_clear(&role);
        return;
    }
    long long duration = requested_duration(c, &role);
    store_iam_session session;
    store_status status = duration < 0 ? STORE_ERROR
                                       : store_iam_session_create(c->s->store, role.name,
                                                                  session_name, duration,
                                                                  &session);
    if (duration >= 0 && status == STORE_NOT_FOUND)
        deny_assume(c, role_arn);
    else if (duration >= 0 && status != STORE_OK)
        query_internal_error(c, "issue the credentials");
    else if (duration >= 0)
        query_finish(c, 1, query_begin(c, 1) || write_credentials(c, &session));
    if (duration >= 0)
        store_iam_session_clear(&session);
    store_iam_entity_clear(&role);
}

/* ---- dispatch ---- */

void sts_api_handle(server *s, const char *action, const uri_query *form,
                    const srv_request *req, srv_response *resp)
{
    pthread_once(&min_duration_once, read_min_duration);
    query_call c = {s, req, resp, form, action, QUERY_STS_XMLNS, &resp->body};
    if (strcmp(action, "GetCallerIdentity") == 0)
        get_caller_identity(&c);
    else if (strcmp(action, "AssumeRole") == 0)
        assume_role(&c);
    else
        query_api_invalid_action(action, form, req, resp);
}
