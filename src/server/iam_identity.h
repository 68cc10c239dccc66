/*
 * iam_identity.h: who a signed request comes from, and which identity
 * policies apply to it, as athena-local's IAM store knows them.
 *
 * Authentication asks for the secret of an access key: IAM users' active
 * long-term keys (AKIA...) and the temporary keys AssumeRole issued (ASIA...,
 * with a session token and an expiry). Authorization then asks for the
 * caller's identity policies: for a user, the union of its inline policies,
 * its attached managed policies, and those of its groups; for an assumed-role
 * session, its role's inline and attached policies.
 */
#ifndef ATHENA_SERVER_IAM_IDENTITY_H
#define ATHENA_SERVER_IAM_IDENTITY_H

#include "iam_policy.h"
#include "server.h"

#include <stddef.h>

typedef enum iam_key_status {
    IAM_KEY_FOUND = 0,
    IAM_KEY_UNKNOWN,     /* no such key, or an Inactive one */
    IAM_KEY_EXPIRED      /* temporary credentials past their expiry */
} iam_key_status;

/* Looks up a non-root access key. On IAM_KEY_FOUND fills secret (cap bytes),
 * caller (kind, arn, user_name, user_id, role/session names, expires) and,
 * for temporary credentials, session_token (token_cap bytes; "" for
 * long-term keys) so that authentication can compare it with the one the
 * request carries. */
iam_key_status iam_identity_lookup_key(server *s, const char *access_key_id, char *secret,
                                       size_t cap, char *session_token, size_t token_cap,
                                       srv_caller *caller);
/* (IAM_KEY_EXPIRED fills the same, so that authentication can still check
 * the signature and token before answering ExpiredToken.) */

/* The parsed identity policies that apply to caller. Never NULL for a
 * non-root caller unless out of memory (an empty set when it has none).
 * The set is shared and cached; it stays valid until released, even if IAM
 * changes meanwhile. */
typedef struct iam_policy_set {
    const iam_policy *const *items;
    size_t count;
} iam_policy_set;

const iam_policy_set *iam_identity_policies(server *s, const srv_caller *caller);
void iam_policy_set_release(const iam_policy_set *set);

/* Frees the policy cache of s (at shutdown; s->iam_cache is created on
 * first use). */
void iam_identity_close(server *s);

#endif
