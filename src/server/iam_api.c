/*
 * iam_api.c: athena-local's IAM service (query protocol, version
 * 2010-05-08): the action table, and users, groups and roles (create, get,
 * list, delete) with group membership. Access keys are in iam_api_keys.c,
 * policies in iam_api_policies.c; the state is in the IAM store
 * (store_iam.h).
 *
 * Users, groups and roles are handled by the same functions, told apart by
 * a store_iam_kind, so their parameters, errors and paging stay alike as
 * they are in IAM. Every write goes through the store, which bumps the IAM
 * generation so cached policy sets reload (iam_identity.c).
 */
#include "iam_api_internal.h"

#include "iam_managed_policies.h"
#include "s3_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROLE_DEFAULT_SESSION 3600
#define ROLE_MAX_SESSION 43200
#define ENTITY_MAX_NAME_REFERENCE 128

static const iam_kind_names KIND_NAMES[] = {
    [STORE_IAM_USER] = {"UserName", "User", "UserId", "user", 64, 128},
    [STORE_IAM_GROUP] = {"GroupName", "Group", "GroupId", "group", 128, 128},
    [STORE_IAM_ROLE] = {"RoleName", "Role", "RoleId", "role", 64, 64},
};

const iam_kind_names *iam_kind(store_iam_kind kind)
{
    return &KIND_NAMES[kind];
}

/* ---- shared helpers ---- */

void iam_entity_arn(const query_call *c, store_iam_kind kind, const store_iam_entity *e,
                    char *out, size_t cap)
{
    snprintf(out, cap, "arn:aws:iam::%s:%s%s%s", c->s->settings.account_id,
             KIND_NAMES[kind].label, e->path, e->name);
}

int iam_write_entity(const query_call *c, const char *element, store_iam_kind kind,
                     const store_iam_entity *e)
{
    const iam_kind_names *k = &KIND_NAMES[kind];
    char arn[STORE_IAM_ARN_CAP];
    iam_entity_arn(c, kind, e, arn, sizeof arn);
    buf *b = c->out;
    int rc = s3_xml_open(b, element ? element : k->element) || s3_xml_text(b, "Path", e->path) ||
             s3_xml_text(b, k->name_param, e->name) || s3_xml_text(b, k->id_element, e->id) ||
             s3_xml_text(b, "Arn", arn) || query_xml_date(b, "CreateDate", e->created);
    if (!rc && kind == STORE_IAM_ROLE)
        rc = (e->trust_policy &&
              query_xml_document(b, "AssumeRolePolicyDocument", e->trust_policy)) ||
             query_xml_text(b, "Description", e->description) ||
             s3_xml_int(b, "MaxSessionDuration", e->max_session_duration);
    return rc || s3_xml_close(b, element ? element : k->element);
}

const char *iam_entity_name_param(const query_call *c, store_iam_kind kind)
{
    int bad;
    return query_name(c, KIND_NAMES[kind].name_param, KIND_NAMES[kind].max_reference, 1, &bad);
}

void iam_no_such_entity(const query_call *c, store_iam_kind kind, const char *name)
{
    query_error(c, 404, "NoSuchEntity", "The %s with name %s cannot be found.",
                KIND_NAMES[kind].label, name);
}

void iam_store_failure(const query_call *c, const char *what)
{
    query_internal_error(c, what);
}

const char *iam_user_or_caller(const query_call *c)
{
    int bad;
    const char *name = query_name(c, "UserName", ENTITY_MAX_NAME_REFERENCE, 0, &bad);
    if (name || bad)
        return name;
    if (c->req->caller.kind == SRV_PRINCIPAL_USER)
        return c->req->caller.user_name;
    query_error(c, 400, "ValidationError",
                "Must specify userName when calling with non-User credentials");
    return NULL;
}

const char *iam_policy_document_param(const query_call *c, const char *param,
                                      iam_policy_kind kind)
{
    const char *document = query_required(c, param);
    if (!document)
        return NULL;
    size_t len = strlen(document);
    if (len == 0 || len > IAM_MAX_POLICY_DOCUMENT) {
        query_error(c, 400, "ValidationError",
                    "1 validation error detected: Value at '%c%s' failed to satisfy constraint: "
                    "Member must have length %s than or equal to %d",
                    param[0] + 'a' - 'A', param + 1, len ? "less" : "greater",
                    len ? IAM_MAX_POLICY_DOCUMENT : 1);
        return NULL;
    }
    char reason[512] = "";
    iam_policy *policy = iam_policy_parse(document, len, kind, reason, sizeof reason);
    if (!policy) {
        query_error(c, 400, "MalformedPolicyDocument", "%s",
                    reason[0] ? reason : "Syntax errors in policy.");
        return NULL;
    }
    iam_policy_free(policy);
    return document;
}

/* ---- create, get, list, delete ---- */

/* Reads a role's own parameters into e. 0, or -1 after an error. */
static int read_role_params(query_call *c, store_iam_entity *e)
{
    int bad;
    const char *trust = iam_policy_document_param(c, "AssumeRolePolicyDocument",
                                                  IAM_POLICY_RESOURCE);
    const char *description = trust ? query_text(c, "Description", IAM_MAX_DESCRIPTION, &bad)
                                    : NULL;
    long long max_session = ROLE_DEFAULT_SESSION;
    if (!trust || bad ||
        query_int(c, "MaxSessionDuration", ROLE_DEFAULT_SESSION, ROLE_MAX_SESSION,
                  &max_session) != 0)
        return -1;
    e->trust_policy = strdup(trust);
    e->description = description ? strdup(description) : NULL;
    e->max_session_duration = (int)max_session;
    if (!e->trust_policy || (description && !e->description)) {
        iam_store_failure(c, "create the role (out of memory)");
        return -1;
    }
    return 0;
}

static void create_entity(query_call *c, store_iam_kind kind)
{
    const iam_kind_names *k = &KIND_NAMES[kind];
    int bad;
    const char *name = query_name(c, k->name_param, k->max_name, 1, &bad);
    const char *path = name ? query_path(c, "Path") : NULL;
    if (!name || !path)
        return;
    store_iam_entity e;
    memset(&e, 0, sizeof e);
    snprintf(e.name, sizeof e.name, "%s", name);
    snprintf(e.path, sizeof e.path, "%s", path);
    if (kind == STORE_IAM_ROLE && read_role_params(c, &e) != 0) {
        store_iam_entity_clear(&e);
        return;
    }
    store_status status = store_iam_create(c->s->store, kind, &e);
    if (status == STORE_EXISTS)
        query_error(c, 409, "EntityAlreadyExists", "%s with name %s already exists.", k->element,
                    name);
    else if (status != STORE_OK)
        iam_store_failure(c, "store the new entity");
    else
        query_finish(c, 1, query_begin(c, 1) || iam_write_entity(c, NULL, kind, &e));
    store_iam_entity_clear(&e);
}

/* GetUser for the root caller: IAM describes the account's root user. */
static void get_root_user(query_call *c)
{
    buf *b = &c->resp->body;
    int rc = query_begin(c, 1) || s3_xml_open(b, "User") ||
             s3_xml_text(b, "UserId", c->s->settings.account_id) ||
             s3_xml_text(b, "Arn", c->req->caller.arn) || query_xml_date(b, "CreateDate", 0) ||
             s3_xml_close(b, "User");
    query_finish(c, 1, rc);
}

static void get_entity(query_call *c, store_iam_kind kind)
{
    const char *name;
    if (kind == STORE_IAM_USER) {
        if (!query_param(c, "UserName") && c->req->caller.kind == SRV_PRINCIPAL_ROOT) {
            get_root_user(c);
            return;
        }
        name = iam_user_or_caller(c);
    } else {
        name = iam_entity_name_param(c, kind);
    }
    if (!name)
        return;
    store_iam_entity e;
    store_status status = store_iam_get(c->s->store, kind, name, &e);
    if (status == STORE_NOT_FOUND)
        iam_no_such_entity(c, kind, name);
    else if (status != STORE_OK)
        iam_store_failure(c, "read the entity");
    else
        query_finish(c, 1, query_begin(c, 1) || iam_write_entity(c, NULL, kind, &e));
    store_iam_entity_clear(&e);
}

/* <Users>|<Groups>|<Roles> members, then the paging elements. */
static int write_entity_list(query_call *c, const char *list_element, store_iam_kind kind,
                             const store_iam_entity *items, size_t count, int truncated)
{
    buf *b = c->out;
    int rc = s3_xml_open(b, list_element);
    for (size_t i = 0; !rc && i < count; i++)
        rc = iam_write_entity(c, "member", kind, &items[i]);
    return rc || s3_xml_close(b, list_element) ||
           query_xml_paging(b, truncated, count ? items[count - 1].name : NULL);
}

static const char *const LIST_ELEMENT[] = {"Users", "Groups", "Roles"};

static void list_entities(query_call *c, store_iam_kind kind)
{
    const char *marker;
    size_t max_items;
    const char *prefix = query_param(c, "PathPrefix");
    if (query_paging(c, &marker, &max_items) != 0)
        return;
    store_iam_entity *items;
    size_t count;
    int truncated;
    if (store_iam_list(c->s->store, kind, prefix, marker, max_items, &items, &count,
                       &truncated) != STORE_OK) {
        iam_store_failure(c, "list the entities");
        return;
    }
    query_finish(c, 1,
                 query_begin(c, 1) ||
                     write_entity_list(c, LIST_ELEMENT[kind], kind, items, count, truncated));
    store_iam_entities_free(items, count);
}

static void delete_entity(query_call *c, store_iam_kind kind)
{
    const char *name = iam_entity_name_param(c, kind);
    if (!name)
        return;
    const char *conflict = NULL;
    store_status status = store_iam_delete(c->s->store, kind, name, &conflict);
    if (status == STORE_NOT_FOUND)
        iam_no_such_entity(c, kind, name);
    else if (status == STORE_NOT_EMPTY)
        query_error(c, 409, "DeleteConflict", "%s", conflict);
    else if (status != STORE_OK)
        iam_store_failure(c, "delete the entity");
    else
        query_empty(c);
}

/* ---- groups ---- */

/* GetGroup: the group and its users. */
static void get_group(query_call *c, store_iam_kind kind)
{
    const char *name = iam_entity_name_param(c, kind);
    const char *marker;
    size_t max_items;
    if (!name || query_paging(c, &marker, &max_items) != 0)
        return;
    store_iam_entity group, *users = NULL;
    size_t count = 0;
    int truncated = 0;
    store_status status = store_iam_get(c->s->store, STORE_IAM_GROUP, name, &group);
    if (status == STORE_OK)
        status = store_iam_members(c->s->store, STORE_IAM_USER, name, marker, max_items, &users,
                                   &count, &truncated);
    if (status == STORE_NOT_FOUND)
        iam_no_such_entity(c, STORE_IAM_GROUP, name);
    else if (status != STORE_OK)
        iam_store_failure(c, "read the group");
    else
        query_finish(c, 1,
                     query_begin(c, 1) || iam_write_entity(c, NULL, STORE_IAM_GROUP, &group) ||
                         write_entity_list(c, "Users", STORE_IAM_USER, users, count, truncated));
    store_iam_entity_clear(&group);
    store_iam_entities_free(users, count);
}

static void change_membership(query_call *c, int add)
{
    const char *group = iam_entity_name_param(c, STORE_IAM_GROUP);
    const char *user = group ? iam_entity_name_param(c, STORE_IAM_USER) : NULL;
    if (!user)
        return;
    store_iam_kind missing = STORE_IAM_USER;
    store_status status = add ? store_iam_group_add(c->s->store, group, user, &missing)
                              : store_iam_group_remove(c->s->store, group, user, &missing);
    /* A user who is not a member is "not found" too, as IAM says. */
    if (status == STORE_NOT_FOUND)
        iam_no_such_entity(c, missing, missing == STORE_IAM_GROUP ? group : user);
    else if (status != STORE_OK)
        iam_store_failure(c, "change the group's members");
    else
        query_empty(c);
}

static void add_user_to_group(query_call *c, store_iam_kind kind)
{
    (void)kind;
    change_membership(c, 1);
}

static void remove_user_from_group(query_call *c, store_iam_kind kind)
{
    (void)kind;
    change_membership(c, 0);
}

static void list_groups_for_user(query_call *c, store_iam_kind kind)
{
    (void)kind;
    const char *user = iam_entity_name_param(c, STORE_IAM_USER);
    const char *marker;
    size_t max_items;
    if (!user || query_paging(c, &marker, &max_items) != 0)
        return;
    store_iam_entity *groups;
    size_t count;
    int truncated;
    store_status status = store_iam_members(c->s->store, STORE_IAM_GROUP, user, marker,
                                            max_items, &groups, &count, &truncated);
    if (status == STORE_NOT_FOUND)
        iam_no_such_entity(c, STORE_IAM_USER, user);
    else if (status != STORE_OK)
        iam_store_failure(c, "list the user's groups");
    else
        query_finish(c, 1,
                     query_begin(c, 1) || write_entity_list(c, "Groups", STORE_IAM_GROUP, groups,
                                                            count, truncated));
    if (status == STORE_OK)
        store_iam_entities_free(groups, count);
}

/* ---- dispatch ---- */

typedef struct iam_action {
    const char *name;
    void (*handle)(query_call *c, store_iam_kind kind);
    store_iam_kind kind;
} iam_action;

static const iam_action ACTIONS[] = {
    {"CreateUser", create_entity, STORE_IAM_USER},
    {"GetUser", get_entity, STORE_IAM_USER},
    {"ListUsers", list_entities, STORE_IAM_USER},
    {"DeleteUser", delete_entity, STORE_IAM_USER},
    {"CreateGroup", create_entity, STORE_IAM_GROUP},
    {"GetGroup", get_group, STORE_IAM_GROUP},
    {"ListGroups", list_entities, STORE_IAM_GROUP},
    {"DeleteGroup", delete_entity, STORE_IAM_GROUP},
    {"CreateRole", create_entity, STORE_IAM_ROLE},
    {"GetRole", get_entity, STORE_IAM_ROLE},
    {"ListRoles", list_entities, STORE_IAM_ROLE},
    {"DeleteRole", delete_entity, STORE_IAM_ROLE},
    {"AddUserToGroup", add_user_to_group, STORE_IAM_GROUP},
    {"RemoveUserFromGroup", remove_user_from_group, STORE_IAM_GROUP},
    {"ListGroupsForUser", list_groups_for_user, STORE_IAM_USER},
    {"CreateAccessKey", iam_create_access_key, STORE_IAM_USER},
    {"ListAccessKeys", iam_list_access_keys, STORE_IAM_USER},
    {"UpdateAccessKey", iam_update_access_key, STORE_IAM_USER},
    {"DeleteAccessKey", iam_delete_access_key, STORE_IAM_USER},
    {"PutUserPolicy", iam_put_inline_policy, STORE_IAM_USER},
    {"GetUserPolicy", iam_get_inline_policy, STORE_IAM_USER},
    {"ListUserPolicies", iam_list_inline_policies, STORE_IAM_USER},
    {"DeleteUserPolicy", iam_delete_inline_policy, STORE_IAM_USER},
    {"PutGroupPolicy", iam_put_inline_policy, STORE_IAM_GROUP},
    {"GetGroupPolicy", iam_get_inline_policy, STORE_IAM_GROUP},
    {"ListGroupPolicies", iam_list_inline_policies, STORE_IAM_GROUP},
    {"DeleteGroupPolicy", iam_delete_inline_policy, STORE_IAM_GROUP},
    {"PutRolePolicy", iam_put_inline_policy, STORE_IAM_ROLE},
    {"GetRolePolicy", iam_get_inline_policy, STORE_IAM_ROLE},
    {"ListRolePolicies", iam_list_inline_policies, STORE_IAM_ROLE},
    {"DeleteRolePolicy", iam_delete_inline_policy, STORE_IAM_ROLE},
    {"AttachUserPolicy", iam_attach_policy, STORE_IAM_USER},
    {"DetachUserPolicy", iam_detach_policy, STORE_IAM_USER},
    {"ListAttachedUserPolicies", iam_list_attached_policies, STORE_IAM_USER},
    {"AttachGroupPolicy", iam_attach_policy, STORE_IAM_GROUP},
    {"DetachGroupPolicy", iam_detach_policy, STORE_IAM_GROUP},
    {"ListAttachedGroupPolicies", iam_list_attached_policies, STORE_IAM_GROUP},
    {"AttachRolePolicy", iam_attach_policy, STORE_IAM_ROLE},
    {"DetachRolePolicy", iam_detach_policy, STORE_IAM_ROLE},
    {"ListAttachedRolePolicies", iam_list_attached_policies, STORE_IAM_ROLE},
    {"CreatePolicy", iam_create_policy, STORE_IAM_USER},
    {"GetPolicy", iam_get_policy, STORE_IAM_USER},
    {"GetPolicyVersion", iam_get_policy_version, STORE_IAM_USER},
    {"ListPolicies", iam_list_policies, STORE_IAM_USER},
    {"DeletePolicy", iam_delete_policy, STORE_IAM_USER},
};

void iam_api_handle(server *s, const char *action, const uri_query *form,
                    const srv_request *req, srv_response *resp)
{
    for (size_t i = 0; i < sizeof ACTIONS / sizeof ACTIONS[0]; i++)
        if (strcmp(ACTIONS[i].name, action) == 0) {
            query_call c = {s, req, resp, form, action, QUERY_IAM_XMLNS, &resp->body};
            ACTIONS[i].handle(&c, ACTIONS[i].kind);
            return;
        }
    query_api_invalid_action(action, form, req, resp);
}
