/*
 * iam_api_policies.c: IAM policies: inline policies of users, groups and
 * roles (Put/Get/List/Delete...Policy), customer managed policies
 * (CreatePolicy, GetPolicy, GetPolicyVersion, ListPolicies, DeletePolicy)
 * and attachments of managed policies, local or AWS managed
 * (Attach/Detach/ListAttached...Policies).
 *
 * Every document is validated with the shared policy parser before it is
 * stored, so a malformed one is refused with IAM's MalformedPolicyDocument
 * reason. Documents come back URL-encoded, as IAM returns them (botocore
 * and the CLI decode them). Customer managed policies have one version,
 * v1.
 */
#include "iam_api_internal.h"

#include "iam_managed_policies.h"
#include "s3_xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLICY_NAME_MAX 128
#define ARN_MIN 20
#define ARN_MAX 2048
#define LOCAL_VERSION "v1"

static const char *const INLINE_ELEMENT_OWNER[] = {"UserName", "GroupName", "RoleName"};

/* ---- inline policies ---- */

static const char *policy_name_param(const query_call *c)
{
    int bad;
    return query_name(c, "PolicyName", POLICY_NAME_MAX, 1, &bad);
}

static void no_such_inline(const query_call *c, store_iam_kind kind, const char *name)
{
    query_error(c, 404, "NoSuchEntity", "The %s policy with name %s cannot be found.",
                iam_kind(kind)->label, name);
}

void iam_put_inline_policy(query_call *c, store_iam_kind kind)
{
    const char *owner = iam_entity_name_param(c, kind);
    const char *name = owner ? policy_name_param(c) : NULL;
    const char *document =
        name ? iam_policy_document_param(c, "PolicyDocument", IAM_POLICY_IDENTITY) : NULL;
    if (!document)
        return;
    store_status status = store_iam_inline_put(c->s->store, kind, owner, name, document);
    if (status == STORE_NOT_FOUND)
        iam_no_such_entity(c, kind, owner);
    else if (status != STORE_OK)
        iam_store_failure(c, "store the policy");
    else
        query_empty(c);
}

void iam_get_inline_policy(query_call *c, store_iam_kind kind)
{
    const char *owner = iam_entity_name_param(c, kind);
    const char *name = owner ? policy_name_param(c) : NULL;
    if (!name)
        return;
    char *document = NULL;
    char stored_name[STORE_IAM_NAME_CAP];
    int owner_missing = 0;
    store_iam_entity e;
    store_status status = store_iam_inline_get(c->s->store, kind, owner, name, &document,
                                               stored_name, &owner_missing);
    if (status == STORE_OK)
        status = store_iam_get(c->s->store, kind, owner, &e);
    if (status == STORE_NOT_FOUND && owner_missing) {
        iam_no_such_entity(c, kind, owner);
    } else if (status == STORE_NOT_FOUND) {
        no_such_inline(c, kind, name);
    } else if (status != STORE_OK) {
        iam_store_failure(c, "read the policy");
    } else {
        buf *b = &c->resp->body;
        query_finish(c, 1,
                     query_begin(c, 1) || s3_xml_text(b, INLINE_ELEMENT_OWNER[kind], e.name) ||
                         s3_xml_text(b, "PolicyName", stored_name) ||
                         query_xml_document(b, "PolicyDocument", document));
        store_iam_entity_clear(&e);
    }
    free(document);
}

/* <element><member>name</member>...</element> and the paging elements. */
static int write_name_list(buf *b, const char *element, char **names, size_t count,
                           int truncated)
{
    int rc = s3_xml_open(b, element);
    for (size_t i = 0; !rc && i < count; i++)
        rc = s3_xml_text(b, "member", names[i]);
    return rc || s3_xml_close(b, element) ||
           query_xml_paging(b, truncated, count ? names[count - 1] : NULL);
}

void iam_list_inline_policies(query_call *c, store_iam_kind kind)
{
    const char *owner = iam_entity_name_param(c, kind);
    const char *marker;
    size_t max_items;
    if (!owner || query_paging(c, &marker, &max_items) != 0)
        return;
    char **names;
    size_t count;
    int truncated;
    store_status status = store_iam_inline_list(c->s->store, kind, owner, marker, max_items,
                                                &names, &count, &truncated);
    if (status == STORE_NOT_FOUND)
        iam_no_such_entity(c, kind, owner);
    else if (status != STORE_OK)
        iam_store_failure(c, "list the policies");
    else
        query_finish(c, 1, query_begin(c, 1) || write_name_list(c->out, "PolicyNames", names,
                                                                count, truncated));
    store_iam_strings_free(names, count);
}

void iam_delete_inline_policy(query_call *c, store_iam_kind kind)
{
    const char *owner = iam_entity_name_param(c, kind);
    const char *name = owner ? policy_name_param(c) : NULL;
    if (!name)
        return;
    int owner_missing = 0;
    store_status status = store_iam_inline_delete(c->s->store, kind, owner, name, &owner_missing);
    if (status == STORE_NOT_FOUND && owner_missing)
        iam_no_such_entity(c, kind, owner);
    else if (status == STORE_NOT_FOUND)
        no_such_inline(c, kind, name);
    else if (status != STORE_OK)
        iam_store_failure(c, "delete the policy");
    else
        query_empty(c);
}

/* ---- managed policies: what both kinds show ---- */

typedef struct policy_view {
    const char *arn, *name, *id, *path, *version, *description;
    long long attachments, created, updated;
} policy_view;

static policy_view view_of_aws(const query_call *c, const iam_managed_policy *p)
{
    long long attached = store_iam_attachment_count(c->s->store, p->arn);
    return (policy_view){p->arn, p->name, p->id, p->path, p->version, p->description,
                         attached < 0 ? 0 : attached, p->created, p->updated};
}

static policy_view view_of_local(const store_iam_policy *p)
{
    return (policy_view){p->arn, p->name, p->id, p->path, LOCAL_VERSION, p->description,
                         p->attachments, p->created, p->created};
}

static int write_policy(buf *b, const char *element, const policy_view *p)
{
    return s3_xml_open(b, element) || s3_xml_text(b, "PolicyName", p->name) ||
           s3_xml_text(b, "PolicyId", p->id) || s3_xml_text(b, "Arn", p->arn) ||
           s3_xml_text(b, "Path", p->path) || s3_xml_text(b, "DefaultVersionId", p->version) ||
           s3_xml_int(b, "AttachmentCount", p->attachments) ||
           s3_xml_int(b, "PermissionsBoundaryUsageCount", 0) ||
           s3_xml_bool(b, "IsAttachable", 1) ||
           query_xml_text(b, "Description", p->description) ||
           query_xml_date(b, "CreateDate", p->created) ||
           query_xml_date(b, "UpdateDate", p->updated) || s3_xml_close(b, element);
}

static void local_arn_prefix(const query_call *c, char *out, size_t cap)
{
    snprintf(out, cap, "arn:aws:iam::%s:policy", c->s->settings.account_id);
}

static int is_local_arn(const query_call *c, const char *arn)
{
    char prefix[64];
    local_arn_prefix(c, prefix, sizeof prefix);
    size_t n = strlen(prefix);
    return strncmp(arn, prefix, n) == 0 && arn[n] == '/';
}

/* The PolicyArn parameter; NULL after an error (InvalidInput when it is
 * not an IAM policy ARN at all). */
static const char *policy_arn_param(const query_call *c)
{
    const char *arn = query_required(c, "PolicyArn");
    if (!arn)
        return NULL;
    size_t n = strlen(arn);
    if (n < ARN_MIN || n > ARN_MAX || strncmp(arn, "arn:", 4) != 0 ||
        !strstr(arn, ":policy/")) {
        query_error(c, 400, "InvalidInput", "ARN %.*s is not valid.", ARN_MAX, arn);
        return NULL;
    }
    return arn;
}

static void no_such_policy(const query_call *c, const char *arn)
{
    query_error(c, 404, "NoSuchEntity", "Policy %s was not found.", arn);
}

/* ---- managed policies ---- */

void iam_create_policy(query_call *c, store_iam_kind kind)
{
    (void)kind;
    int bad;
    const char *name = policy_name_param(c);
    const char *path = name ? query_path(c, "Path") : NULL;
    const char *description = path ? query_text(c, "Description", IAM_MAX_DESCRIPTION, &bad)
                                   : NULL;
    const char *document =
        path && !bad ? iam_policy_document_param(c, "PolicyDocument", IAM_POLICY_IDENTITY) : NULL;
    if (!document)
        return;
    store_iam_policy p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s", name);
    snprintf(p.path, sizeof p.path, "%s", path);
    p.description = description ? strdup(description) : NULL;
    p.document = strdup(document);
    char prefix[64];
    local_arn_prefix(c, prefix, sizeof prefix);
    store_status status = p.document ? store_iam_policy_create(c->s->store, prefix, &p)
                                     : STORE_ERROR;
    if (status == STORE_EXISTS) {
        query_error(c, 409, "EntityAlreadyExists",
                    "A policy called %s already exists. Duplicate names are not allowed.", name);
    } else if (status != STORE_OK) {
        iam_store_failure(c, "store the policy");
    } else {
        policy_view view = view_of_local(&p);
        query_finish(c, 1, query_begin(c, 1) || write_policy(c->out, "Policy", &view));
    }
    store_iam_policy_clear(&p);
}

void iam_get_policy(query_call *c, store_iam_kind kind)
{
    (void)kind;
    const char *arn = policy_arn_param(c);
    if (!arn)
        return;
    const iam_managed_policy *aws = iam_managed_policy_find(arn);
    store_iam_policy local;
    memset(&local, 0, sizeof local);
    store_status status = aws ? STORE_OK : store_iam_policy_get(c->s->store, arn, &local);
    if (status == STORE_NOT_FOUND) {
        no_such_policy(c, arn);
    } else if (status != STORE_OK) {
        iam_store_failure(c, "read the policy");
    } else {
        policy_view view = aws ? view_of_aws(c, aws) : view_of_local(&local);
        query_finish(c, 1, query_begin(c, 1) || write_policy(c->out, "Policy", &view));
    }
    store_iam_policy_clear(&local);
}

void iam_get_policy_version(query_call *c, store_iam_kind kind)
{
    (void)kind;
    const char *arn = policy_arn_param(c);
    const char *version = arn ? query_required(c, "VersionId") : NULL;
    if (!version)
        return;
    const iam_managed_policy *aws = iam_managed_policy_find(arn);
    store_iam_policy local;
    memset(&local, 0, sizeof local);
    store_status status = aws ? STORE_OK : store_iam_policy_get(c->s->store, arn, &local);
    const char *current = aws ? aws->version : LOCAL_VERSION;
    if (status == STORE_OK && strcmp(version, current) != 0)
        status = STORE_NOT_FOUND;
    if (status == STORE_NOT_FOUND) {
        query_error(c, 404, "NoSuchEntity", "Policy %s version %.32s does not exist or is not "
                                            "attachable.", arn, version);
    } else if (status != STORE_OK) {
        iam_store_failure(c, "read the policy");
    } else {
        buf *b = &c->resp->body;
        int rc = query_begin(c, 1) || s3_xml_open(b, "PolicyVersion") ||
                 query_xml_document(b, "Document", aws ? aws->document : local.document) ||
                 s3_xml_text(b, "VersionId", current) || s3_xml_bool(b, "IsDefaultVersion", 1) ||
                 query_xml_date(b, "CreateDate", aws ? aws->updated : local.created) ||
                 s3_xml_close(b, "PolicyVersion");
        query_finish(c, 1, rc);
    }
    store_iam_policy_clear(&local);
}

void iam_delete_policy(query_call *c, store_iam_kind kind)
{
    (void)kind;
    const char *arn = policy_arn_param(c);
    if (!arn)
        return;
    if (iam_is_aws_policy_arn(arn)) {
        query_error(c, 400, "InvalidInput", "ARN %s is not valid: AWS managed policies cannot "
                                            "be deleted.", arn);
        return;
    }
    store_status status = store_iam_policy_delete(c->s->store, arn);
    if (status == STORE_NOT_FOUND)
        no_such_policy(c, arn);
    else if (status == STORE_NOT_EMPTY)
        query_error(c, 409, "DeleteConflict", "Cannot delete a policy attached to entities.");
    else if (status != STORE_OK)
        iam_store_failure(c, "delete the policy");
    else
        query_empty(c);
}

/* ---- ListPolicies: AWS managed ones first, then local ones, by name ---- */

typedef struct policy_filter {
    const char *scope;          /* "All", "AWS", "Local" */
    const char *path_prefix;
    int only_attached;
    size_t max_items;
} policy_filter;

static int has_prefix(const char *s, const char *prefix)
{
    return !prefix || strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Writes AWS managed policies after marker; counts them in *written and
 * leaves the last one's ARN in *last. */
static int write_aws_policies(query_call *c, const policy_filter *f, const char *marker,
                              size_t *written, const char **last, int *truncated)
{
    size_t count;
    const iam_managed_policy *all = iam_managed_policies(&count);
    int rc = 0;
    for (size_t i = 0; !rc && i < count; i++) {
        policy_view v = view_of_aws(c, &all[i]);
        if ((marker && strcmp(v.name, marker) <= 0) || !has_prefix(v.path, f->path_prefix) ||
            (f->only_attached && v.attachments == 0))
            continue;
        if (*written == f->max_items) {
            *truncated = 1;
            break;
        }
        rc = write_policy(c->out, "member", &v);
        (*written)++;
        *last = all[i].arn;
    }
    return rc;
}

static int write_local_policies(query_call *c, const policy_filter *f, const char *marker,
                                size_t *written, char *last, size_t last_cap, int *truncated)
{
    store_iam_policy *items;
    size_t count;
    int more;
    if (*written == f->max_items) {
        /* Only whether any local policy follows matters now. */
        if (store_iam_policy_list(c->s->store, f->path_prefix, f->only_attached, marker, 1,
                                  &items, &count, &more) != STORE_OK)
            return -1;
        *truncated = *truncated || count > 0;
        store_iam_policies_free(items, count);
        return 0;
    }
    if (store_iam_policy_list(c->s->store, f->path_prefix, f->only_attached, marker,
                              f->max_items - *written, &items, &count, &more) != STORE_OK)
        return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < count; i++) {
        policy_view v = view_of_local(&items[i]);
        rc = write_policy(c->out, "member", &v);
        snprintf(last, last_cap, "%s", items[i].arn);
    }
    *written += count;
    *truncated = *truncated || more;
    store_iam_policies_free(items, count);
    return rc;
}

/* A marker is the last ARN of the previous page: it says which part
 * (AWS or local) to continue, and after which name. */
static int write_policy_pages(query_call *c, const policy_filter *f, const char *marker)
{
    int aws_marker = marker && iam_is_aws_policy_arn(marker);
    const char *after = marker ? strrchr(marker, '/') + 1 : NULL;
    int want_aws = strcmp(f->scope, "Local") != 0 && (!marker || aws_marker);
    int want_local = strcmp(f->scope, "AWS") != 0;
    size_t written = 0;
    int truncated = 0;
    const char *last_aws = NULL;
    char last[STORE_IAM_ARN_CAP] = "";
    int rc = s3_xml_open(c->out, "Policies");
    if (!rc && want_aws)
        rc = write_aws_policies(c, f, aws_marker ? after : NULL, &written, &last_aws,
                                &truncated);
    if (last_aws)
        snprintf(last, sizeof last, "%s", last_aws);
    if (!rc && want_local && !truncated)
        rc = write_local_policies(c, f, aws_marker ? NULL : after, &written, last, sizeof last,
                                  &truncated);
    return rc || s3_xml_close(c->out, "Policies") ||
           query_xml_paging(c->out, truncated, last[0] ? last : NULL);
}

void iam_list_policies(query_call *c, store_iam_kind kind)
{
    (void)kind;
    policy_filter f = {query_param(c, "Scope"), query_param(c, "PathPrefix"), 0, 0};
    const char *marker;
    if (!f.scope)
        f.scope = "All";
    if (strcmp(f.scope, "All") != 0 && strcmp(f.scope, "AWS") != 0 &&
        strcmp(f.scope, "Local") != 0) {
        query_validation_error(c, f.scope, "Scope",
                               "Member must satisfy enum value set: [All, AWS, Local]");
        return;
    }
    if (query_bool(c, "OnlyAttached", &f.only_attached) != 0 ||
        query_paging(c, &marker, &f.max_items) != 0)
        return;
    if (marker && !strrchr(marker, '/')) {
        query_error(c, 400, "ValidationError", "Invalid Marker.");
        return;
    }
    int rc = query_begin(c, 1) || write_policy_pages(c, &f, marker);
    query_finish(c, 1, rc);
}

/* ---- attachments ---- */

void iam_attach_policy(query_call *c, store_iam_kind kind)
{
    const char *owner = iam_entity_name_param(c, kind);
    const char *arn = owner ? policy_arn_param(c) : NULL;
    if (!arn)
        return;
    int local = is_local_arn(c, arn);
    if (!local && !iam_managed_policy_find(arn)) {
        query_error(c, 404, "NoSuchEntity", "Policy %s does not exist or is not attachable.",
                    arn);
        return;
    }
    int owner_missing = 0;
    store_status status = store_iam_attach(c->s->store, kind, owner, arn, local, &owner_missing);
    if (status == STORE_NOT_FOUND && owner_missing)
        iam_no_such_entity(c, kind, owner);
    else if (status == STORE_NOT_FOUND)
        query_error(c, 404, "NoSuchEntity", "Policy %s does not exist or is not attachable.",
                    arn);
    else if (status != STORE_OK)
        iam_store_failure(c, "attach the policy");
    else
        query_empty(c);
}

void iam_detach_policy(query_call *c, store_iam_kind kind)
{
    const char *owner = iam_entity_name_param(c, kind);
    const char *arn = owner ? policy_arn_param(c) : NULL;
    if (!arn)
        return;
    int owner_missing = 0;
    store_status status = store_iam_detach(c->s->store, kind, owner, arn, &owner_missing);
    if (status == STORE_NOT_FOUND && owner_missing)
        iam_no_such_entity(c, kind, owner);
    else if (status == STORE_NOT_FOUND)
        no_such_policy(c, arn);
    else if (status != STORE_OK)
        iam_store_failure(c, "detach the policy");
    else
        query_empty(c);
}

/* The path of a policy ARN: what lies between "policy" and the name. */
static int arn_path_has_prefix(const char *arn, const char *prefix)
{
    const char *path = strstr(arn, ":policy/");
    return !prefix || (path && has_prefix(path + strlen(":policy"), prefix));
}

static int write_attached(buf *b, char **arns, size_t count, const char *path_prefix,
                          int truncated)
{
    int rc = s3_xml_open(b, "AttachedPolicies");
    for (size_t i = 0; !rc && i < count; i++) {
        if (!arn_path_has_prefix(arns[i], path_prefix))
            continue;
        rc = s3_xml_open(b, "member") || s3_xml_text(b, "PolicyName", strrchr(arns[i], '/') + 1) ||
             s3_xml_text(b, "PolicyArn", arns[i]) || s3_xml_close(b, "member");
    }
    return rc || s3_xml_close(b, "AttachedPolicies") ||
           query_xml_paging(b, truncated, count ? arns[count - 1] : NULL);
}

void iam_list_attached_policies(query_call *c, store_iam_kind kind)
{
    const char *owner = iam_entity_name_param(c, kind);
    const char *marker;
    size_t max_items;
    if (!owner || query_paging(c, &marker, &max_items) != 0)
        return;
    char **arns;
    size_t count;
    int truncated;
    store_status status = store_iam_attached_list(c->s->store, kind, owner, marker, max_items,
                                                  &arns, &count, &truncated);
    if (status == STORE_NOT_FOUND)
        iam_no_such_entity(c, kind, owner);
    else if (status != STORE_OK)
        iam_store_failure(c, "list the attached policies");
    else
        query_finish(c, 1, query_begin(c, 1) || write_attached(c->out, arns, count,
                                                               query_param(c, "PathPrefix"),
                                                               truncated));
    store_iam_strings_free(arns, count);
}
