/*
 * authz_iam.c: what each IAM and STS action needs (authz.h). IAM actions
 * are iam:<Action> on the entity they address, arn:aws:iam::ACCOUNT:
 * user/NAME, group/NAME, role/NAME or the policy's ARN; a creation uses the
 * requested Path (user/PATH/NAME); listings use the path prefix
 * (ListUsers: user/); operations whose UserName is optional address the
 * caller when it is absent. Existing entities are named without their
 * path. STS: GetCallerIdentity needs no permission at all, AssumeRole needs
 * sts:AssumeRole on the role (its trust policy is checked by STS itself),
 * the others have no resource type ("*").
 */
#include "authz.h"

#include <stdio.h>
#include <string.h>

/* Actions addressing the caller when UserName is absent. */
static const char *const CALLER_DEFAULT_ACTIONS[] = {
    "GetUser",           "CreateAccessKey",        "ListAccessKeys",
    "UpdateAccessKey",   "DeleteAccessKey",        "ChangePassword",
    "ListSigningCertificates", "ListSSHPublicKeys", "ListMFADevices",
    "ListServiceSpecificCredentials",
};

/* Actions on a group that also name a user. */
static const char *const GROUP_MEMBERSHIP_ACTIONS[] = {"AddUserToGroup", "RemoveUserFromGroup"};

/* Listings, by the kind of entity they list. */
typedef struct iam_listing {
    const char *action;
    const char *kind;
} iam_listing;

static const iam_listing LISTINGS[] = {
    {"ListUsers", "user"},
    {"ListGroups", "group"},
    {"ListRoles", "role"},
    {"ListPolicies", "policy"},
};

/* Creations, by kind and the member naming the new entity. */
typedef struct iam_creation {
    const char *action;
    const char *kind;
    const char *name_member;
} iam_creation;

static const iam_creation CREATIONS[] = {
    {"CreateUser", "user", "UserName"},
    {"CreateGroup", "group", "GroupName"},
    {"CreateRole", "role", "RoleName"},
    {"CreatePolicy", "policy", "PolicyName"},
};

static int in_list(const char *const *list, size_t n, const char *action)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], action) == 0)
            return 1;
    return 0;
}

/* arn:aws:iam::ACCOUNT:KIND + PATH + NAME, with PATH "/" when absent. */
static int iam_arn(char *out, size_t cap, const authz_scope *scope, const char *kind,
                   const char *path, const char *name)
{
    int n = snprintf(out, cap, "arn:aws:iam::%s:%s%s%s", scope->account, kind,
                     path && *path ? path : "/", name);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* The resource of an IAM action into out: 0, or -1 when unnamed. */
static int iam_resource(const authz_scope *scope, const srv_caller *caller, const char *action,
                        const uri_query *form, char *out, size_t cap)
{
    const char *path = uri_query_get(form, "Path");
    for (size_t i = 0; i < sizeof CREATIONS / sizeof *CREATIONS; i++) {
        if (strcmp(CREATIONS[i].action, action) != 0)
            continue;
        const char *name = uri_query_get(form, CREATIONS[i].name_member);
        return name && *name ? iam_arn(out, cap, scope, CREATIONS[i].kind, path, name) : -1;
    }
    for (size_t i = 0; i < sizeof LISTINGS / sizeof *LISTINGS; i++)
        if (strcmp(LISTINGS[i].action, action) == 0)
            return iam_arn(out, cap, scope, LISTINGS[i].kind,
                           uri_query_get(form, "PathPrefix"), "");
    const char *user = uri_query_get(form, "UserName");
    const char *group = uri_query_get(form, "GroupName");
    const char *role = uri_query_get(form, "RoleName");
    const char *policy = uri_query_get(form, "PolicyArn");
    if (group && in_list(GROUP_MEMBERSHIP_ACTIONS, 2, action))
        return iam_arn(out, cap, scope, "group", NULL, group);
    if (user && *user)
        return iam_arn(out, cap, scope, "user", NULL, user);
    if (group && *group)
        return iam_arn(out, cap, scope, "group", NULL, group);
    if (role && *role)
        return iam_arn(out, cap, scope, "role", NULL, role);
    if (policy && *policy)
        return snprintf(out, cap, "%s", policy) < (int)cap ? 0 : -1;
    if (in_list(CALLER_DEFAULT_ACTIONS,
                sizeof CALLER_DEFAULT_ACTIONS / sizeof *CALLER_DEFAULT_ACTIONS, action))
        return snprintf(out, cap, "%s", caller->arn) < (int)cap ? 0 : -1;
    return snprintf(out, cap, "*") < (int)cap ? 0 : -1;
}

static int sts_needs(const authz_scope *scope, const char *action, const uri_query *form,
                     int *always_allowed, authz_need_fn fn, void *ctx)
{
    char name[160], resource[AUTHZ_ARN_CAP];
    snprintf(name, sizeof name, "sts:%s", action);
    if (strcmp(action, "GetCallerIdentity") == 0) {
        *always_allowed = 1;
        return 0;
    }
    if (strcmp(action, "AssumeRole") == 0) {
        const char *role = uri_query_get(form, "RoleArn");
        if (!role || !*role || strlen(role) >= sizeof resource)
            return AUTHZ_NOT_MAPPED;
        memcpy(resource, role, strlen(role) + 1);
    } else if (strcmp(action, "GetFederationToken") == 0) {
        const char *who = uri_query_get(form, "Name");
        if (!who || !*who)
            return AUTHZ_NOT_MAPPED;
        snprintf(resource, sizeof resource, "arn:aws:sts::%s:federated-user/%s", scope->account,
                 who);
    } else {
        snprintf(resource, sizeof resource, "*");
    }
    authz_need n = {name, resource, NULL};
    return fn(ctx, &n);
}

int authz_iam_needs(const authz_scope *scope, const srv_caller *caller, const char *service,
                    const uri_query *form, int *always_allowed, authz_need_fn fn, void *ctx)
{
    const char *action = uri_query_get(form, "Action");
    *always_allowed = 0;
    if (!action || !*action || strlen(action) > 128)
        return AUTHZ_NOT_MAPPED;
    if (strcmp(service, "sts") == 0)
        return sts_needs(scope, action, form, always_allowed, fn, ctx);
    if (strcmp(service, "iam") != 0)
        return AUTHZ_NOT_MAPPED; /* no such endpoint: the router answers InvalidAction */
    char name[160], resource[AUTHZ_ARN_CAP];
    snprintf(name, sizeof name, "iam:%s", action);
    if (iam_resource(scope, caller, action, form, resource, sizeof resource) != 0)
        return AUTHZ_NOT_MAPPED;
    authz_need n = {name, resource, NULL};
    return fn(ctx, &n);
}
