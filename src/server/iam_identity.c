/*
 * iam_identity.c: who a signed request comes from, and which policies
 * apply to it (iam_identity.h), from the IAM store.
 *
 * Key lookups read SQLite: they are one indexed row. Policy sets are
 * parsed documents and would cost a parse per request, so they are cached
 * per principal ("u:alice", "r:reader"). The cache is valid for one IAM
 * generation (store_iam_generation, bumped by every IAM write): the first
 * lookup after a write drops it, so a change applies to the very next
 * request, and requests while nothing changes never touch SQLite.
 *
 * Sets are reference-counted: the cache holds one reference, each caller
 * another until it releases the set, so a set in use survives a flush.
 * The cache lives behind server->iam_cache, created on first use.
 */
#include "iam_identity.h"

#include "crypto.h"
#include "iam_managed_policies.h"
#include "store_iam.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_MAX_ENTRIES 1024
#define PRINCIPAL_KEY_CAP (STORE_IAM_NAME_CAP + 4)

typedef struct cached_set {
    iam_policy_set set;            /* first: what callers see */
    iam_policy **policies;
    unsigned long refs;            /* atomic */
    char key[PRINCIPAL_KEY_CAP];
    struct cached_set *next;
} cached_set;

struct iam_identity_cache {
    pthread_mutex_t lock;
    unsigned long generation;
    cached_set *entries;
    size_t count;
};

static pthread_mutex_t create_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- access keys ---- */

/* snprintf that says whether everything fitted: 1, or 0 when truncated
 * (a name too long for srv_caller is refused, never cut). */
static int fill(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fill(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < cap;
}

static iam_key_status lookup_session(server *s, const char *access_key_id, char *secret,
                                     size_t cap, char *token, size_t token_cap,
                                     srv_caller *caller)
{
    store_iam_session session;
    if (store_iam_session_find(s->store, access_key_id, &session) != STORE_OK)
        return IAM_KEY_UNKNOWN;
    iam_key_status status = IAM_KEY_UNKNOWN;
    if (strlen(session.secret) < cap && strlen(session.token) < token_cap) {
        memcpy(secret, session.secret, strlen(session.secret) + 1);
        memcpy(token, session.token, strlen(session.token) + 1);
        memset(caller, 0, sizeof *caller);
        int fits =
            fill(caller->access_key_id, sizeof caller->access_key_id, "%s", access_key_id) &&
            fill(caller->arn, sizeof caller->arn, "arn:aws:sts::%s:assumed-role/%s/%s",
                 s->settings.account_id, session.role_name, session.session_name) &&
            fill(caller->user_id, sizeof caller->user_id, "%s:%s", session.role_id,
                 session.session_name) &&
            fill(caller->role_name, sizeof caller->role_name, "%s", session.role_name) &&
            fill(caller->session_name, sizeof caller->session_name, "%s",
                 session.session_name);
        caller->expires = session.expires;
        caller->kind = SRV_PRINCIPAL_ASSUMED_ROLE;
        if (fits)
            status = session.expires > (long long)time(NULL) ? IAM_KEY_FOUND : IAM_KEY_EXPIRED;
    }
    store_iam_session_clear(&session);
    return status;
}

static iam_key_status lookup_user_key(server *s, const char *access_key_id, char *secret,
                                      size_t cap, srv_caller *caller)
{
    store_iam_key key;
    store_iam_entity user;
    if (store_iam_key_find(s->store, access_key_id, &key, &user) != STORE_OK)
        return IAM_KEY_UNKNOWN;
    iam_key_status status = IAM_KEY_UNKNOWN;
    memset(caller, 0, sizeof *caller);
    if (strcmp(key.status, "Active") == 0 && strlen(key.secret) < cap &&
        fill(caller->access_key_id, sizeof caller->access_key_id, "%s", access_key_id) &&
        fill(caller->arn, sizeof caller->arn, "arn:aws:iam::%s:user%s%s", s->settings.account_id,
             user.path, user.name) &&
        fill(caller->user_name, sizeof caller->user_name, "%s", user.name) &&
        fill(caller->user_id, sizeof caller->user_id, "%s", user.id)) {
        memcpy(secret, key.secret, strlen(key.secret) + 1);
        caller->kind = SRV_PRINCIPAL_USER;
        status = IAM_KEY_FOUND;
    }
    store_iam_key_clear(&key);
    store_iam_entity_clear(&user);
    return status;
}

iam_key_status iam_identity_lookup_key(server *s, const char *access_key_id, char *secret,
                                       size_t cap, char *session_token, size_t token_cap,
                                       srv_caller *caller)
{
    srv_caller scratch;
    if (!caller)
        caller = &scratch;
    if (!s || !s->store || !access_key_id || !secret || cap == 0)
        return IAM_KEY_UNKNOWN;
    if (session_token && token_cap)
        session_token[0] = '\0';
    if (strncmp(access_key_id, "ASIA", 4) == 0) {
        char token[256];
        iam_key_status status = lookup_session(s, access_key_id, secret, cap, token,
                                               sizeof token, caller);
        if (status != IAM_KEY_UNKNOWN && session_token &&
            (size_t)snprintf(session_token, token_cap, "%s", token) >= token_cap)
            status = IAM_KEY_UNKNOWN;
        secure_zero(token, sizeof token);
        if (status == IAM_KEY_UNKNOWN)
            secure_zero(secret, cap);
        return status;
    }
    return lookup_user_key(s, access_key_id, secret, cap, caller);
}

/* ---- the cache ---- */

static struct iam_identity_cache *cache_of(server *s)
{
    struct iam_identity_cache *cache = __atomic_load_n(&s->iam_cache, __ATOMIC_ACQUIRE);
    if (cache)
        return cache;
    pthread_mutex_lock(&create_lock);
    cache = s->iam_cache;
    if (!cache && (cache = calloc(1, sizeof *cache)) != NULL) {
        pthread_mutex_init(&cache->lock, NULL);
        __atomic_store_n(&s->iam_cache, cache, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&create_lock);
    return cache;
}

static void set_unref(cached_set *c)
{
    if (__atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    for (size_t i = 0; i < c->set.count; i++)
        iam_policy_free(c->policies[i]);
    free(c->policies);
    free(c);
}

void iam_policy_set_release(const iam_policy_set *set)
{
    if (set)
        set_unref((cached_set *)set);
}

/* Lock held. */
static void flush(struct iam_identity_cache *cache)
{
    cached_set *c = cache->entries;
    while (c) {
        cached_set *next = c->next;
        set_unref(c);
        c = next;
    }
    cache->entries = NULL;
    cache->count = 0;
}

void iam_identity_close(server *s)
{
    struct iam_identity_cache *cache = s ? s->iam_cache : NULL;
    if (!cache)
        return;
    flush(cache);
    pthread_mutex_destroy(&cache->lock);
    free(cache);
    s->iam_cache = NULL;
}

/* ---- building a set ---- */

static int add_policy(cached_set *c, size_t *cap, const char *document)
{
    char reason[256];
    iam_policy *policy = iam_policy_parse(document, strlen(document), IAM_POLICY_IDENTITY,
                                          reason, sizeof reason);
    if (!policy)
        return 0;   /* stored documents were valid; one that no longer parses grants nothing */
    if (c->set.count == *cap) {
        size_t new_cap = *cap ? *cap * 2 : 8;
        iam_policy **grown = realloc(c->policies, new_cap * sizeof *grown);
        if (!grown) {
            iam_policy_free(policy);
            return -1;
        }
        c->policies = grown;
        *cap = new_cap;
    }
    c->policies[c->set.count++] = policy;
    return 0;
}

/* A new set (one reference) with the principal's policies; an empty one
 * when it has none or no longer exists. NULL when out of memory. */
static cached_set *build_set(server *s, store_iam_kind kind, const char *name, const char *key)
{
    cached_set *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->refs = 1;
    snprintf(c->key, sizeof c->key, "%s", key);
    char **docs = NULL, **arns = NULL;
    size_t ndocs = 0, narns = 0, cap = 0;
    int rc = 0;
    if (store_iam_effective_policies(s->store, kind, name, &docs, &ndocs, &arns, &narns) ==
        STORE_OK) {
        for (size_t i = 0; rc == 0 && i < ndocs; i++)
            rc = add_policy(c, &cap, docs[i]);
        for (size_t i = 0; rc == 0 && i < narns; i++) {
            const iam_managed_policy *p = iam_managed_policy_find(arns[i]);
            if (p)
                rc = add_policy(c, &cap, p->document);
        }
    }
    store_iam_strings_free(docs, ndocs);
    store_iam_strings_free(arns, narns);
    c->set.items = (const iam_policy *const *)c->policies;
    if (rc != 0) {
        set_unref(c);
        return NULL;
    }
    return c;
}

/* "u:alice" or "r:reader" (lower-case: IAM names are case-insensitive). */
static int principal_key(const srv_caller *caller, store_iam_kind *kind, char *key, size_t cap)
{
    const char *name;
    if (caller->kind == SRV_PRINCIPAL_USER) {
        *kind = STORE_IAM_USER;
        name = caller->user_name;
    } else if (caller->kind == SRV_PRINCIPAL_ASSUMED_ROLE) {
        *kind = STORE_IAM_ROLE;
        name = caller->role_name;
    } else {
        return -1;
    }
    int n = snprintf(key, cap, "%c:%s", *kind == STORE_IAM_USER ? 'u' : 'r', name);
    for (char *p = key; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* Lock held: the cached set for key with a new reference, or NULL. */
static cached_set *find_locked(struct iam_identity_cache *cache, const char *key)
{
    unsigned long now = store_iam_generation();
    if (cache->generation != now) {
        flush(cache);
        cache->generation = now;
    }
    for (cached_set *c = cache->entries; c; c = c->next)
        if (strcmp(c->key, key) == 0) {
            __atomic_add_fetch(&c->refs, 1, __ATOMIC_ACQ_REL);
            return c;
        }
    return NULL;
}

const iam_policy_set *iam_identity_policies(server *s, const srv_caller *caller)
{
    store_iam_kind kind;
    char key[PRINCIPAL_KEY_CAP];
    struct iam_identity_cache *cache = s && caller ? cache_of(s) : NULL;
    if (!cache || principal_key(caller, &kind, key, sizeof key) != 0)
        return NULL;
    pthread_mutex_lock(&cache->lock);
    cached_set *found = find_locked(cache, key);
    pthread_mutex_unlock(&cache->lock);
    if (found)
        return &found->set;
    /* Read before the store, so a write racing with the build is noticed. */
    unsigned long generation = store_iam_generation();
    cached_set *built = build_set(s, kind, key + 2, key);
    if (!built)
        return NULL;
    pthread_mutex_lock(&cache->lock);
    found = find_locked(cache, key);
    if (!found && cache->generation == generation) {
        if (cache->count >= CACHE_MAX_ENTRIES)
            flush(cache);
        __atomic_add_fetch(&built->refs, 1, __ATOMIC_ACQ_REL);
        built->next = cache->entries;
        cache->entries = built;
        cache->count++;
    }
    pthread_mutex_unlock(&cache->lock);
    if (found) {
        set_unref(built);
        return &found->set;
    }
    return &built->set;
}
