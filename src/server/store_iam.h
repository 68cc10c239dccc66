/*
 * store_iam.h: athena-local's IAM state in the metadata store (store.h):
 * users, groups and roles, group membership, users' access keys, inline
 * policies, customer managed policies and policy attachments, and the
 * temporary credentials sts:AssumeRole issued.
 *
 * The IAM API (iam_api*.c) and STS (sts_api.c) write it; authentication and
 * authorization read it through iam_identity.c. Names of users, groups,
 * roles and policies are case-insensitive and unique, as in IAM: "Alice"
 * and "alice" are the same user, who keeps the spelling it was created with.
 * Documents are kept as given (IAM returns them as they were sent).
 *
 * Every write bumps a process-wide generation counter
 * (store_iam_generation), so caches of parsed policies know when to reload.
 * Thread-safe, like the rest of the store. Secrets (access key secrets,
 * session tokens) are stored as the root secret is: readable by the owner of
 * the data dir only (metadata.db is 0600), never logged.
 */
#ifndef ATHENA_SERVER_STORE_IAM_H
#define ATHENA_SERVER_STORE_IAM_H

#include "store.h"

#include <stddef.h>

typedef enum store_iam_kind {
    STORE_IAM_USER = 0,
    STORE_IAM_GROUP,
    STORE_IAM_ROLE
} store_iam_kind;

#define STORE_IAM_NAME_CAP 129
#define STORE_IAM_PATH_CAP 513
#define STORE_IAM_ID_CAP 32
#define STORE_IAM_ARN_CAP 2048

/* A user, group or role. */
typedef struct store_iam_entity {
    char name[STORE_IAM_NAME_CAP];
    char id[STORE_IAM_ID_CAP];     /* AIDA..., AGPA..., AROA... */
    char path[STORE_IAM_PATH_CAP];
    long long created;             /* epoch seconds */
    /* roles only: malloc'd (NULL for users and groups, and when not given) */
    char *trust_policy;
    char *description;
    int max_session_duration;      /* seconds */
} store_iam_entity;

void store_iam_entity_clear(store_iam_entity *e);
void store_iam_entities_free(store_iam_entity *items, size_t count);

/* A counter bumped by every IAM write in this process. */
unsigned long store_iam_generation(void);

/* ---- users, groups, roles (store_iam.c) ---- */

/* Creates e (name, path; trust_policy, description and max_session_duration
 * for roles), generating its id and creation time into e. STORE_EXISTS when
 * the name is taken. */
store_status store_iam_create(store *st, store_iam_kind kind, store_iam_entity *e);
/* STORE_NOT_FOUND or STORE_OK with out filled (clear it afterwards). */
store_status store_iam_get(store *st, store_iam_kind kind, const char *name,
                           store_iam_entity *out);
/* Entities whose path starts with path_prefix (NULL: all), by name,
 * starting after the name `after` (NULL: from the first), at most limit;
 * *truncated says whether more follow. */
store_status store_iam_list(store *st, store_iam_kind kind, const char *path_prefix,
                            const char *after, size_t limit, store_iam_entity **items,
                            size_t *count, int *truncated);
/* STORE_NOT_FOUND; STORE_NOT_EMPTY with IAM's DeleteConflict message in
 * *conflict (a static string) while it still has access keys, inline or
 * attached policies, group memberships or members. */
store_status store_iam_delete(store *st, store_iam_kind kind, const char *name,
                              const char **conflict);

/* ---- group membership (store_iam.c) ---- */

/* STORE_NOT_FOUND (*missing = STORE_IAM_GROUP or STORE_IAM_USER says which
 * does not exist). Adding a member twice is fine, as in IAM. */
store_status store_iam_group_add(store *st, const char *group, const char *user,
                                 store_iam_kind *missing);
/* STORE_NOT_FOUND when the group or user is missing or not a member. */
store_status store_iam_group_remove(store *st, const char *group, const char *user,
                                    store_iam_kind *missing);
/* The groups of a user, or the users of a group (kind = what to list), by
 * name, paged like store_iam_list. STORE_NOT_FOUND when `of` is missing. */
store_status store_iam_members(store *st, store_iam_kind kind, const char *of,
                               const char *after, size_t limit, store_iam_entity **items,
                               size_t *count, int *truncated);

/* ---- access keys (store_iam.c) ---- */

typedef struct store_iam_key {
    char access_key_id[33];
    char secret[64];                /* only from create and find; zeroed by clear */
    char user_name[STORE_IAM_NAME_CAP];
    char status[16];                /* "Active" or "Inactive" */
    long long created;
} store_iam_key;

void store_iam_key_clear(store_iam_key *k);   /* zeroes the secret */

/* Creates an Active key for user (AKIA... and a 40-character secret).
 * STORE_NOT_FOUND for a missing user; STORE_NOT_EMPTY when the user already
 * has max_keys keys (IAM's LimitExceeded). */
store_status store_iam_key_create(store *st, const char *user, size_t max_keys,
                                  store_iam_key *out);
/* The user's keys (without secrets), oldest first. */
store_status store_iam_key_list(store *st, const char *user, store_iam_key **items,
                                size_t *count);
/* STORE_NOT_FOUND when the user or the key (of that user) is missing. */
store_status store_iam_key_set_status(store *st, const char *user, const char *key_id,
                                      const char *status);
store_status store_iam_key_delete(store *st, const char *user, const char *key_id);
/* A key by id, with its secret and its user (whose entity fills user,
 * without role fields). */
store_status store_iam_key_find(store *st, const char *key_id, store_iam_key *out,
                                store_iam_entity *user);

/* ---- inline policies (store_iam_policies.c) ---- */

/* Creates or replaces. STORE_NOT_FOUND when the owner is missing. */
store_status store_iam_inline_put(store *st, store_iam_kind kind, const char *owner,
                                  const char *name, const char *document);
/* The document (malloc'd) in *document, and the stored spelling of the name
 * in name_out (STORE_IAM_NAME_CAP). STORE_NOT_FOUND: *owner_missing says
 * whether it was the owner. */
store_status store_iam_inline_get(store *st, store_iam_kind kind, const char *owner,
                                  const char *name, char **document, char *name_out,
                                  int *owner_missing);
/* Policy names, paged like store_iam_list; names is a malloc'd array of
 * malloc'd strings (free with store_iam_strings_free). */
store_status store_iam_inline_list(store *st, store_iam_kind kind, const char *owner,
                                   const char *after, size_t limit, char ***names,
                                   size_t *count, int *truncated);
store_status store_iam_inline_delete(store *st, store_iam_kind kind, const char *owner,
                                     const char *name, int *owner_missing);
void store_iam_strings_free(char **items, size_t count);

/* ---- customer managed policies (store_iam_policies.c) ---- */

typedef struct store_iam_policy {
    char arn[STORE_IAM_ARN_CAP];
    char name[STORE_IAM_NAME_CAP];
    char id[STORE_IAM_ID_CAP];      /* ANPA... */
    char path[STORE_IAM_PATH_CAP];
    char *description;              /* malloc'd or NULL */
    char *document;                 /* malloc'd; only from get */
    long long created;
    long long attachments;          /* how many users, groups and roles it is attached to */
} store_iam_policy;

void store_iam_policy_clear(store_iam_policy *p);
void store_iam_policies_free(store_iam_policy *items, size_t count);

/* Creates p (name, path, description, document); arn_prefix is
 * "arn:aws:iam::ACCOUNT:policy" and the ARN becomes prefix + path + name.
 * Fills id, arn, created. STORE_EXISTS when the name is taken. */
store_status store_iam_policy_create(store *st, const char *arn_prefix, store_iam_policy *p);
store_status store_iam_policy_get(store *st, const char *arn, store_iam_policy *out);
/* Policies under path_prefix (NULL: all), by name after `after`, at most
 * limit; only_attached keeps those attached to something. Without
 * documents. */
store_status store_iam_policy_list(store *st, const char *path_prefix, int only_attached,
                                   const char *after, size_t limit, store_iam_policy **items,
                                   size_t *count, int *truncated);
/* STORE_NOT_EMPTY (DeleteConflict) while it is attached. */
store_status store_iam_policy_delete(store *st, const char *arn);
/* How many entities arn (local or AWS managed) is attached to. */
long long store_iam_attachment_count(store *st, const char *arn);

/* ---- attachments (store_iam_policies.c) ---- */

/* Attaches a managed policy. For a local ARN (policy_is_local) the policy
 * must exist. STORE_NOT_FOUND: *owner_missing says whether the owner was
 * missing (else the policy). Attaching twice is fine. */
store_status store_iam_attach(store *st, store_iam_kind kind, const char *owner,
                              const char *arn, int policy_is_local, int *owner_missing);
/* STORE_NOT_FOUND when the owner is missing or the policy not attached. */
store_status store_iam_detach(store *st, store_iam_kind kind, const char *owner,
                              const char *arn, int *owner_missing);
/* Attached policy ARNs, sorted, paged like store_iam_list. */
store_status store_iam_attached_list(store *st, store_iam_kind kind, const char *owner,
                                     const char *after, size_t limit, char ***arns,
                                     size_t *count, int *truncated);

/* ---- what authorization needs (store_iam_policies.c) ---- */

/* Every identity policy document that applies to a user (its inline and
 * attached local policies and those of its groups) or a role (kind), as
 * malloc'd strings in *documents; and the ARNs of attached AWS managed
 * policies (not in the store) in *aws_arns. STORE_NOT_FOUND when the
 * principal does not exist. */
store_status store_iam_effective_policies(store *st, store_iam_kind kind, const char *name,
                                          char ***documents, size_t *document_count,
                                          char ***aws_arns, size_t *aws_arn_count);

/* ---- temporary credentials (store_iam_sessions.c) ---- */

typedef struct store_iam_session {
    char access_key_id[33];         /* ASIA... */
    char secret[64];
    char token[256];
    char role_name[STORE_IAM_NAME_CAP];
    char role_id[STORE_IAM_ID_CAP];
    char role_path[STORE_IAM_PATH_CAP];
    char session_name[STORE_IAM_NAME_CAP];
    long long expires;              /* epoch seconds */
} store_iam_session;

void store_iam_session_clear(store_iam_session *s);   /* zeroes secrets */

/* Issues credentials for role (which must exist: STORE_NOT_FOUND) lasting
 * duration seconds: fills out. Sessions that expired a day ago are
 * forgotten. */
store_status store_iam_session_create(store *st, const char *role, const char *session_name,
                                      long long duration, store_iam_session *out);
/* A session by its access key id (expired ones too: the caller checks
 * expires), with its role's current id and path. STORE_NOT_FOUND when the
 * key or its role is gone. */
store_status store_iam_session_find(store *st, const char *key_id, store_iam_session *out);

#endif
