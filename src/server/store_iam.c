/*
 * store_iam.c: IAM users, groups and roles, group membership and users'
 * access keys in the metadata store (store_iam.h). Inline and managed
 * policies and attachments live in store_iam_policies.c, temporary
 * credentials in store_iam_sessions.c.
 *
 * Users, groups and roles share one table (iam_entities, keyed by kind and
 * name), so the three are created, read, listed and deleted by the same
 * statements. Every successful write bumps the IAM generation counter.
 */
#include "store_iam_internal.h"

#include "crypto.h"

#include <openssl/evp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ID_RANDOM_CHARS 17          /* AIDA + 17 = 21 characters, as IAM's ids */
#define KEY_RANDOM_CHARS 16         /* AKIA + 16 = 20 characters */
#define SECRET_RANDOM_BYTES 30      /* 40 base64 characters */

static const char *const ID_PREFIX[] = {"AIDA", "AGPA", "AROA"};

static atomic_ulong generation = 1;

unsigned long store_iam_generation(void)
{
    return atomic_load(&generation);
}

store_status store_iam_changed(store_status status)
{
    if (status == STORE_OK)
        atomic_fetch_add(&generation, 1);
    return status;
}

/* ---- random ids and secrets ---- */

int store_iam_random_id(const char *prefix, size_t n, char *out, size_t cap)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t len = strlen(prefix), want = len + n;
    if (want >= cap)
        return -1;
    memcpy(out, prefix, len);
    while (len < want) {
        unsigned char b[32];
        if (random_bytes(b, sizeof b) != 0)
            return -1;
        for (size_t i = 0; i < sizeof b && len < want; i++)
            if (b[i] < 252)   /* 252 = 7 * 36: no modulo bias */
                out[len++] = alphabet[b[i] % 36];
    }
    out[len] = '\0';
    return 0;
}

int store_iam_random_secret(size_t raw_bytes, char *out, size_t cap)
{
    unsigned char raw[96];
    if (raw_bytes > sizeof raw || 4 * ((raw_bytes + 2) / 3) >= cap ||
        random_bytes(raw, raw_bytes) != 0)
        return -1;
    EVP_EncodeBlock((unsigned char *)out, raw, (int)raw_bytes);
    secure_zero(raw, sizeof raw);
    return 0;
}

long long store_iam_now(void)
{
    return (long long)time(NULL);
}

void store_iam_copy(char *dst, size_t cap, const unsigned char *src)
{
    snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

char *store_iam_dup_column(sqlite3_stmt *stmt, int col)
{
    const unsigned char *t = sqlite3_column_text(stmt, col);
    return t ? strdup((const char *)t) : NULL;
}

void store_iam_strings_free(char **items, size_t count)
{
    for (size_t i = 0; items && i < count; i++)
        free(items[i]);
    free(items);
}

/* ---- entities ---- */

void store_iam_entity_clear(store_iam_entity *e)
{
    if (!e)
        return;
    free(e->trust_policy);
    free(e->description);
    e->trust_policy = e->description = NULL;
}

void store_iam_entities_free(store_iam_entity *items, size_t count)
{
    for (size_t i = 0; items && i < count; i++)
        store_iam_entity_clear(&items[i]);
    free(items);
}

#define ENTITY_COLUMNS "name, id, path, created, trust_policy, description, max_session_duration"

/* Reads ENTITY_COLUMNS from the current row. */
static void read_entity(sqlite3_stmt *stmt, store_iam_entity *e)
{
    memset(e, 0, sizeof *e);
    store_iam_copy(e->name, sizeof e->name, sqlite3_column_text(stmt, 0));
    store_iam_copy(e->id, sizeof e->id, sqlite3_column_text(stmt, 1));
    store_iam_copy(e->path, sizeof e->path, sqlite3_column_text(stmt, 2));
    e->created = sqlite3_column_int64(stmt, 3);
    e->trust_policy = store_iam_dup_column(stmt, 4);
    e->description = store_iam_dup_column(stmt, 5);
    e->max_session_duration = sqlite3_column_int(stmt, 6);
}

const char STORE_IAM_KIND_TEXT[3][2] = {"0", "1", "2"};

int store_iam_stored_name(store *st, store_iam_kind kind, const char *name, char *out,
                          size_t cap)
{
    if (!name || !*name)
        return -1;
    const char *params[] = {STORE_IAM_KIND_TEXT[kind], name};
    char *found = store_fetch_text(
        st, "SELECT name FROM iam_entities WHERE kind = ?1 AND name = ?2", 2, params);
    if (!found)
        return -1;
    snprintf(out, cap, "%s", found);
    free(found);
    return 0;
}

int store_iam_exists(store *st, store_iam_kind kind, const char *name)
{
    char *found = store_fetch_text(st, "SELECT 1 FROM iam_entities WHERE kind = ?1 AND name = ?2",
                                   2, (const char *[]){STORE_IAM_KIND_TEXT[kind], name});
    int exists = found != NULL;
    free(found);
    return exists;
}

store_status store_iam_create(store *st, store_iam_kind kind, store_iam_entity *e)
{
    if (!e->name[0] || !e->path[0])
        return store_fail(st, "an IAM entity needs a name and a path");
    char created[32], max_session[16];
    e->created = store_iam_now();
    snprintf(created, sizeof created, "%lld", e->created);
    snprintf(max_session, sizeof max_session, "%d", e->max_session_duration);
    store_status status = STORE_ERROR;
    store_lock(st);
    for (int attempt = 0; attempt < 3 && status == STORE_ERROR; attempt++) {
        if (store_iam_random_id(ID_PREFIX[kind], ID_RANDOM_CHARS, e->id, sizeof e->id) != 0) {
            store_fail(st, "no secure random source");
            break;
        }
        if (store_iam_exists(st, kind, e->name)) {
            status = STORE_EXISTS;
            break;
        }
        const char *params[] = {STORE_IAM_KIND_TEXT[kind], e->name, e->id, e->path, created,
                                e->trust_policy, e->description,
                                kind == STORE_IAM_ROLE ? max_session : NULL};
        status = store_execute(st,
                               "INSERT INTO iam_entities(kind, name, id, path, created, "
                               "trust_policy, description, max_session_duration) "
                               "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                               8, params, 0);
        /* A unique-id clash (astronomically unlikely) gets a new id. */
        if (status == STORE_EXISTS && !store_iam_exists(st, kind, e->name))
            status = STORE_ERROR;
    }
    store_unlock(st);
    return store_iam_changed(status);
}

store_status store_iam_get_locked(store *st, store_iam_kind kind, const char *name,
                                  store_iam_entity *out)
{
    sqlite3_stmt *stmt =
        store_statement(st, "SELECT " ENTITY_COLUMNS " FROM iam_entities "
                            "WHERE kind = ?1 AND name = ?2",
                        2, (const char *[]){STORE_IAM_KIND_TEXT[kind], name});
    if (!stmt)
        return STORE_ERROR;
    int rc = sqlite3_step(stmt);
    store_status status = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        read_entity(stmt, out);
        status = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        status = store_fail_sqlite(st, "select IAM entity");
    }
    store_release(st, stmt);
    return status;
}

store_status store_iam_get(store *st, store_iam_kind kind, const char *name,
                           store_iam_entity *out)
{
    memset(out, 0, sizeof *out);
    if (!name || !*name)
        return STORE_NOT_FOUND;
    store_lock(st);
    store_status status = store_iam_get_locked(st, kind, name, out);
    store_unlock(st);
    return status;
}

/* Steps stmt, reading up to limit entities (and noting whether more
 * follow); releases stmt. */
static store_status collect_entities(store *st, sqlite3_stmt *stmt, size_t limit,
                                     store_iam_entity **items, size_t *count, int *truncated)
{
    *items = NULL;
    *count = 0;
    *truncated = 0;
    size_t cap = 0;
    int rc;
    store_status status = STORE_OK;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (limit && *count == limit) {
            *truncated = 1;
            break;
        }
        if (*count == cap) {
            size_t new_cap = cap ? cap * 2 : 16;
            store_iam_entity *grown = realloc(*items, new_cap * sizeof **items);
            if (!grown) {
                status = store_fail(st, "out of memory");
                break;
            }
            *items = grown;
            cap = new_cap;
        }
        read_entity(stmt, &(*items)[(*count)++]);
    }
    if (status == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        status = store_fail_sqlite(st, "list IAM entities");
    store_release(st, stmt);
    if (status != STORE_OK) {
        store_iam_entities_free(*items, *count);
        *items = NULL;
        *count = 0;
    }
    return status;
}

store_status store_iam_list(store *st, store_iam_kind kind, const char *path_prefix,
                            const char *after, size_t limit, store_iam_entity **items,
                            size_t *count, int *truncated)
{
    store_lock(st);
    sqlite3_stmt *stmt = store_statement(
        st,
        "SELECT " ENTITY_COLUMNS " FROM iam_entities WHERE kind = ?1 "
        "AND (?2 IS NULL OR name > ?2) "
        "AND (?3 IS NULL OR substr(path, 1, length(?3)) = ?3) ORDER BY name",
        3, (const char *[]){STORE_IAM_KIND_TEXT[kind], after, path_prefix});
    store_status status = stmt ? collect_entities(st, stmt, limit, items, count, truncated)
                               : STORE_ERROR;
    store_unlock(st);
    return status;
}

/* How many rows a "SELECT count(*) ..." counts; -1 on failure. */
long long store_iam_count(store *st, const char *sql, int n, const char *const *params)
{
    char *text = store_fetch_text(st, sql, n, params);
    long long count = text ? atoll(text) : -1;
    free(text);
    return count;
}

/* A reason the entity cannot be deleted yet, as IAM words it, or NULL. */
typedef struct delete_check {
    int kind;                  /* a store_iam_kind, or -1: every kind */
    const char *count_sql;     /* ?1 kind, ?2 name */
    const char *conflict;
} delete_check;

static const delete_check DELETE_CHECKS[] = {
    {STORE_IAM_USER, "SELECT count(*) FROM iam_access_keys WHERE ?1 = ?1 AND user_name = ?2",
     "Cannot delete entity, must delete access keys first."},
    {STORE_IAM_USER, "SELECT count(*) FROM iam_group_members WHERE ?1 = ?1 AND user_name = ?2",
     "Cannot delete entity, must remove users from group first."},
    {STORE_IAM_GROUP, "SELECT count(*) FROM iam_group_members WHERE ?1 = ?1 AND group_name = ?2",
     "Cannot delete entity, must remove users from group first."},
    {-1, "SELECT count(*) FROM iam_inline_policies WHERE kind = ?1 AND owner = ?2",
     "Cannot delete entity, must delete policies first."},
    {-1, "SELECT count(*) FROM iam_attached_policies WHERE kind = ?1 AND owner = ?2",
     "Cannot delete entity, must detach all policies first."},
};

static store_status check_deletable(store *st, store_iam_kind kind, const char *name,
                                    const char **conflict)
{
    for (size_t i = 0; i < sizeof DELETE_CHECKS / sizeof DELETE_CHECKS[0]; i++) {
        const delete_check *c = &DELETE_CHECKS[i];
        if (c->kind != -1 && c->kind != (int)kind)
            continue;
        const char *params[] = {STORE_IAM_KIND_TEXT[kind], name};
        long long n = store_iam_count(st, c->count_sql, 2, params);
        if (n < 0)
            return STORE_ERROR;
        if (n > 0) {
            *conflict = c->conflict;
            return STORE_NOT_EMPTY;
        }
    }
    return STORE_OK;
}

store_status store_iam_delete(store *st, store_iam_kind kind, const char *name,
                              const char **conflict)
{
    *conflict = NULL;
    if (!name || !*name)
        return STORE_NOT_FOUND;
    store_lock(st);
    store_status status = STORE_ERROR;
    if (store_begin(st) == 0) {
        status = store_iam_exists(st, kind, name) ? check_deletable(st, kind, name, conflict)
                                                  : STORE_NOT_FOUND;
        if (status == STORE_OK)
            status = store_execute(st, "DELETE FROM iam_entities WHERE kind = ?1 AND name = ?2",
                                   2, (const char *[]){STORE_IAM_KIND_TEXT[kind], name}, 1);
        /* A recreated role must not revive the old role's sessions. */
        if (status == STORE_OK && kind == STORE_IAM_ROLE)
            status = store_execute(st, "DELETE FROM iam_sessions WHERE role_name = ?1", 1,
                                   &name, 0);
        if (status == STORE_OK && store_commit(st) != 0)
            status = STORE_ERROR;
        else if (status != STORE_OK)
            store_rollback(st);
    }
    store_unlock(st);
    return store_iam_changed(status);
}

/* ---- group membership ---- */

/* STORE_OK when both exist, else STORE_NOT_FOUND with *missing set. */
static store_status check_pair(store *st, const char *group, const char *user,
                               store_iam_kind *missing)
{
    if (!group || !*group || !store_iam_exists(st, STORE_IAM_GROUP, group)) {
        *missing = STORE_IAM_GROUP;
        return STORE_NOT_FOUND;
    }
    if (!user || !*user || !store_iam_exists(st, STORE_IAM_USER, user)) {
        *missing = STORE_IAM_USER;
        return STORE_NOT_FOUND;
    }
    return STORE_OK;
}

store_status store_iam_group_add(store *st, const char *group, const char *user,
                                 store_iam_kind *missing)
{
    store_lock(st);
    store_status status = check_pair(st, group, user, missing);
    if (status == STORE_OK)
        status = store_execute(st,
                               "INSERT OR IGNORE INTO iam_group_members(group_name, user_name) "
                               "SELECT g.name, u.name FROM iam_entities g, iam_entities u "
                               "WHERE g.kind = 1 AND g.name = ?1 AND u.kind = 0 AND u.name = ?2",
                               2, (const char *[]){group, user}, 0);
    store_unlock(st);
    return store_iam_changed(status);
}

store_status store_iam_group_remove(store *st, const char *group, const char *user,
                                    store_iam_kind *missing)
{
    store_lock(st);
    store_status status = check_pair(st, group, user, missing);
    if (status == STORE_OK)
        status = store_execute(
            st, "DELETE FROM iam_group_members WHERE group_name = ?1 AND user_name = ?2", 2,
            (const char *[]){group, user}, 1);
    store_unlock(st);
    return store_iam_changed(status);
}

store_status store_iam_members(store *st, store_iam_kind kind, const char *of,
                               const char *after, size_t limit, store_iam_entity **items,
                               size_t *count, int *truncated)
{
    *items = NULL;
    *count = 0;
    *truncated = 0;
    store_iam_kind owner_kind = kind == STORE_IAM_GROUP ? STORE_IAM_USER : STORE_IAM_GROUP;
    store_lock(st);
    store_status status = of && *of && store_iam_exists(st, owner_kind, of) ? STORE_OK
                                                                         : STORE_NOT_FOUND;
    if (status == STORE_OK) {
        const char *sql =
            kind == STORE_IAM_GROUP
                ? "SELECT " ENTITY_COLUMNS " FROM iam_entities WHERE kind = 1 "
                  "AND name IN (SELECT group_name FROM iam_group_members WHERE user_name = ?1) "
                  "AND (?2 IS NULL OR name > ?2) ORDER BY name"
                : "SELECT " ENTITY_COLUMNS " FROM iam_entities WHERE kind = 0 "
                  "AND name IN (SELECT user_name FROM iam_group_members WHERE group_name = ?1) "
                  "AND (?2 IS NULL OR name > ?2) ORDER BY name";
        sqlite3_stmt *stmt = store_statement(st, sql, 2, (const char *[]){of, after});
        status = stmt ? collect_entities(st, stmt, limit, items, count, truncated) : STORE_ERROR;
    }
    store_unlock(st);
    return status;
}

/* ---- access keys ---- */

void store_iam_key_clear(store_iam_key *k)
{
    if (k)
        secure_zero(k->secret, sizeof k->secret);
}

static void read_key(sqlite3_stmt *stmt, store_iam_key *k)
{
    memset(k, 0, sizeof *k);
    store_iam_copy(k->access_key_id, sizeof k->access_key_id, sqlite3_column_text(stmt, 0));
    store_iam_copy(k->user_name, sizeof k->user_name, sqlite3_column_text(stmt, 1));
    store_iam_copy(k->status, sizeof k->status, sqlite3_column_text(stmt, 2));
    k->created = sqlite3_column_int64(stmt, 3);
}

static store_status insert_key(store *st, const char *user, store_iam_key *out)
{
    char created[32];
    snprintf(created, sizeof created, "%lld", out->created);
    const char *params[] = {out->access_key_id, user, out->secret, created};
    store_status status = store_execute(st,
                                        "INSERT INTO iam_access_keys(access_key_id, user_name, "
                                        "secret, status, created) "
                                        "SELECT ?1, name, ?3, 'Active', ?4 FROM iam_entities "
                                        "WHERE kind = 0 AND name = ?2",
                                        4, params, 1);
    return status;
}

store_status store_iam_key_create(store *st, const char *user, size_t max_keys,
                                  store_iam_key *out)
{
    memset(out, 0, sizeof *out);
    store_lock(st);
    store_status status = STORE_ERROR;
    if (store_begin(st) == 0) {
        long long have = store_iam_count(
            st, "SELECT count(*) FROM iam_access_keys WHERE user_name = ?1", 1, &user);
        if (store_iam_stored_name(st, STORE_IAM_USER, user, out->user_name,
                                  sizeof out->user_name) != 0)
            status = STORE_NOT_FOUND;
        else if (have < 0)
            status = STORE_ERROR;
        else if ((size_t)have >= max_keys)
            status = STORE_NOT_EMPTY;
        else if (store_iam_random_id("AKIA", KEY_RANDOM_CHARS, out->access_key_id,
                                     sizeof out->access_key_id) != 0 ||
                 store_iam_random_secret(SECRET_RANDOM_BYTES, out->secret, sizeof out->secret) != 0)
            status = store_fail(st, "no secure random source");
        else {
            out->created = store_iam_now();
            snprintf(out->status, sizeof out->status, "Active");
            status = insert_key(st, user, out);
        }
        if (status == STORE_OK && store_commit(st) != 0)
            status = STORE_ERROR;
        else if (status != STORE_OK)
            store_rollback(st);
    }
    store_unlock(st);
    if (status != STORE_OK)
        store_iam_key_clear(out);
    return store_iam_changed(status);
}

store_status store_iam_key_list(store *st, const char *user, store_iam_key **items,
                                size_t *count)
{
    *items = NULL;
    *count = 0;
    store_lock(st);
    store_status status = user && *user && store_iam_exists(st, STORE_IAM_USER, user)
                              ? STORE_OK
                              : STORE_NOT_FOUND;
    sqlite3_stmt *stmt = status == STORE_OK
                             ? store_statement(st,
                                               "SELECT access_key_id, user_name, status, created "
                                               "FROM iam_access_keys WHERE user_name = ?1 "
                                               "ORDER BY created, access_key_id",
                                               1, &user)
                             : NULL;
    if (status == STORE_OK && !stmt)
        status = STORE_ERROR;
    int rc = SQLITE_DONE;
    size_t cap = 0;
    while (stmt && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (*count == cap) {
            store_iam_key *grown = realloc(*items, (cap = cap ? cap * 2 : 4) * sizeof **items);
            if (!grown) {
                status = store_fail(st, "out of memory");
                break;
            }
            *items = grown;
        }
        read_key(stmt, &(*items)[(*count)++]);
    }
    if (stmt && status == STORE_OK && rc != SQLITE_DONE)
        status = store_fail_sqlite(st, "list access keys");
    if (stmt)
        store_release(st, stmt);
    store_unlock(st);
    if (status != STORE_OK) {
        free(*items);
        *items = NULL;
        *count = 0;
    }
    return status;
}

store_status store_iam_key_set_status(store *st, const char *user, const char *key_id,
                                      const char *status_text)
{
    if (!status_text || (strcmp(status_text, "Active") != 0 &&
                         strcmp(status_text, "Inactive") != 0))
        return store_fail(st, "an access key's status is Active or Inactive");
    store_lock(st);
    store_status status = store_execute(
        st, "UPDATE iam_access_keys SET status = ?3 WHERE user_name = ?1 AND access_key_id = ?2",
        3, (const char *[]){user, key_id, status_text}, 1);
    store_unlock(st);
    return store_iam_changed(status);
}

store_status store_iam_key_delete(store *st, const char *user, const char *key_id)
{
    store_lock(st);
    store_status status = store_execute(
        st, "DELETE FROM iam_access_keys WHERE user_name = ?1 AND access_key_id = ?2", 2,
        (const char *[]){user, key_id}, 1);
    store_unlock(st);
    return store_iam_changed(status);
}

store_status store_iam_key_find(store *st, const char *key_id, store_iam_key *out,
                                store_iam_entity *user)
{
    memset(out, 0, sizeof *out);
    memset(user, 0, sizeof *user);
    store_lock(st);
    sqlite3_stmt *stmt = store_statement(
        st,
        "SELECT k.access_key_id, u.name, k.status, k.created, k.secret, u.id, u.path, u.created "
        "FROM iam_access_keys k JOIN iam_entities u ON u.kind = 0 AND u.name = k.user_name "
        "WHERE k.access_key_id = ?1",
        1, &key_id);
    store_status status = stmt ? STORE_NOT_FOUND : STORE_ERROR;
    int rc = stmt ? sqlite3_step(stmt) : SQLITE_DONE;
    if (rc == SQLITE_ROW) {
        read_key(stmt, out);
        store_iam_copy(out->secret, sizeof out->secret, sqlite3_column_text(stmt, 4));
        store_iam_copy(user->name, sizeof user->name, sqlite3_column_text(stmt, 1));
        store_iam_copy(user->id, sizeof user->id, sqlite3_column_text(stmt, 5));
        store_iam_copy(user->path, sizeof user->path, sqlite3_column_text(stmt, 6));
        user->created = sqlite3_column_int64(stmt, 7);
        status = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        status = store_fail_sqlite(st, "find access key");
    }
    if (stmt)
        store_release(st, stmt);
    store_unlock(st);
    return status;
}
