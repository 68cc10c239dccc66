/*
 * iam_api_internal.h: what the files of athena-local's IAM API share
 * (iam_api.c: dispatch, users, groups, roles and membership; iam_api_keys.c:
 * access keys; iam_api_policies.c: inline and managed policies and
 * attachments): entity names and ARNs, the response elements, and how store
 * results become IAM's errors.
 */
#ifndef ATHENA_SERVER_IAM_API_INTERNAL_H
#define ATHENA_SERVER_IAM_API_INTERNAL_H

#include "iam_api.h"
#include "iam_policy.h"
#include "query_api.h"
#include "store_iam.h"

#define IAM_MAX_POLICY_DOCUMENT 131072
#define IAM_MAX_DESCRIPTION 1000
#define IAM_MAX_KEYS_PER_USER 2

/* How a kind is named in parameters, elements and messages. */
typedef struct iam_kind_names {
    const char *name_param;     /* "UserName" */
    const char *element;        /* "User" */
    const char *id_element;     /* "UserId" */
    const char *label;          /* "user": in messages and ARNs */
    size_t max_name;            /* for new entities */
    size_t max_reference;       /* for names of existing ones */
} iam_kind_names;

const iam_kind_names *iam_kind(store_iam_kind kind);

/* arn:aws:iam::ACCOUNT:<label><path><name> */
void iam_entity_arn(const query_call *c, store_iam_kind kind, const store_iam_entity *e,
                    char *out, size_t cap);
/* <User>|<Group>|<Role> with its members; element overrides the name. */
int iam_write_entity(const query_call *c, const char *element, store_iam_kind kind,
                     const store_iam_entity *e);

/* The name parameter of kind (required); NULL after an error. */
const char *iam_entity_name_param(const query_call *c, store_iam_kind kind);
/* NoSuchEntity "The <label> with name <name> cannot be found." */
void iam_no_such_entity(const query_call *c, store_iam_kind kind, const char *name);
/* Writes the error for a failed store call (STORE_ERROR: ServiceFailure). */
void iam_store_failure(const query_call *c, const char *what);

/* The UserName parameter, or for a user calling without one, the caller's
 * own name. NULL after an error (non-user callers must name a user). */
const char *iam_user_or_caller(const query_call *c);

/* Validates a policy document parameter (required, size, IAM's grammar for
 * kind). NULL after an error (MalformedPolicyDocument with the reason). */
const char *iam_policy_document_param(const query_call *c, const char *param,
                                      iam_policy_kind kind);

/* Handlers, by file. */
void iam_create_access_key(query_call *c, store_iam_kind kind);
void iam_list_access_keys(query_call *c, store_iam_kind kind);
void iam_update_access_key(query_call *c, store_iam_kind kind);
void iam_delete_access_key(query_call *c, store_iam_kind kind);

void iam_put_inline_policy(query_call *c, store_iam_kind kind);
void iam_get_inline_policy(query_call *c, store_iam_kind kind);
void iam_list_inline_policies(query_call *c, store_iam_kind kind);
void iam_delete_inline_policy(query_call *c, store_iam_kind kind);
void iam_attach_policy(query_call *c, store_iam_kind kind);
void iam_detach_policy(query_call *c, store_iam_kind kind);
void iam_list_attached_policies(query_call *c, store_iam_kind kind);
void iam_create_policy(query_call *c, store_iam_kind kind);
void iam_get_policy(query_call *c, store_iam_kind kind);
void iam_get_policy_version(query_call *c, store_iam_kind kind);
void iam_list_policies(query_call *c, store_iam_kind kind);
void iam_delete_policy(query_call *c, store_iam_kind kind);

#endif
