/*
 * store_iam_sessions.c: the temporary credentials sts:AssumeRole issues, in
 * the metadata store (store_iam.h): an ASIA... access key, its secret and
 * session token, the role and session name, and the expiry.
 *
 * Expired sessions are kept for a day so that their use is answered with
 * ExpiredToken rather than an unknown key, then forgotten.
 */
#include "store_iam_internal.h"

#include "crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SESSION_KEY_RANDOM_CHARS 16   /* ASIA + 16 */
#define SESSION_SECRET_BYTES 30       /* 40 base64 characters */
#define SESSION_TOKEN_BYTES 96        /* 128 base64 characters */
#define FORGET_AFTER_SECONDS (24 * 3600)

void store_iam_session_clear(store_iam_session *s)
{
    if (!s)
        return;
    secure_zero(s->secret, sizeof s->secret);
    secure_zero(s->token, sizeof s->token);
}

static store_status insert_session(store *st, const char *role, store_iam_session *out)
{
    char expires[32], forget_before[32];
    snprintf(expires, sizeof expires, "%lld", out->expires);
    snprintf(forget_before, sizeof forget_before, "%lld", store_iam_now() - FORGET_AFTER_SECONDS);
    store_status status =
        store_execute(st, "DELETE FROM iam_sessions WHERE expires < ?1", 1,
                      (const char *[]){forget_before}, 0);
    if (status != STORE_OK)
        return status;
    return store_execute(st,
                         "INSERT INTO iam_sessions(access_key_id, secret, token, role_name, "
                         "session_name, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         6,
                         (const char *[]){out->access_key_id, out->secret, out->token, role,
                                          out->session_name, expires},
                         0);
}

store_status store_iam_session_create(store *st, const char *role, const char *session_name,
                                      long long duration, store_iam_session *out)
{
    memset(out, 0, sizeof *out);
    if (!session_name || !*session_name || duration <= 0)
        return store_fail(st, "a session needs a name and a positive duration");
    snprintf(out->session_name, sizeof out->session_name, "%s", session_name);
    if (store_iam_random_id("ASIA", SESSION_KEY_RANDOM_CHARS, out->access_key_id,
                            sizeof out->access_key_id) != 0 ||
        store_iam_random_secret(SESSION_SECRET_BYTES, out->secret, sizeof out->secret) != 0 ||
        store_iam_random_secret(SESSION_TOKEN_BYTES, out->token, sizeof out->token) != 0) {
        store_iam_session_clear(out);
        return store_fail(st, "no secure random source");
    }
    out->expires = store_iam_now() + duration;
    store_iam_entity role_entity;
    store_lock(st);
    store_status status = STORE_ERROR;
    if (store_begin(st) == 0) {
        status = store_iam_get_locked(st, STORE_IAM_ROLE, role, &role_entity);
        if (status == STORE_OK) {
            snprintf(out->role_name, sizeof out->role_name, "%s", role_entity.name);
            snprintf(out->role_id, sizeof out->role_id, "%s", role_entity.id);
            snprintf(out->role_path, sizeof out->role_path, "%s", role_entity.path);
            store_iam_entity_clear(&role_entity);
            status = insert_session(st, out->role_name, out);
        }
        if (status == STORE_OK && store_commit(st) != 0)
            status = STORE_ERROR;
        else if (status != STORE_OK)
            store_rollback(st);
    }
    store_unlock(st);
    if (status != STORE_OK)
        store_iam_session_clear(out);
    /* A new session changes no policy: no generation bump. */
    return status;
}

store_status store_iam_session_find(store *st, const char *key_id, store_iam_session *out)
{
    memset(out, 0, sizeof *out);
    store_lock(st);
    sqlite3_stmt *stmt = store_statement(
        st,
        "SELECT s.access_key_id, s.secret, s.token, r.name, r.id, r.path, s.session_name, "
        "s.expires FROM iam_sessions s "
        "JOIN iam_entities r ON r.kind = 2 AND r.name = s.role_name "
        "WHERE s.access_key_id = ?1",
        1, &key_id);
    int rc = stmt ? sqlite3_step(stmt) : SQLITE_ERROR;
    store_status status = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        store_iam_copy(out->access_key_id, sizeof out->access_key_id,
                       sqlite3_column_text(stmt, 0));
        store_iam_copy(out->secret, sizeof out->secret, sqlite3_column_text(stmt, 1));
        store_iam_copy(out->token, sizeof out->token, sqlite3_column_text(stmt, 2));
        store_iam_copy(out->role_name, sizeof out->role_name, sqlite3_column_text(stmt, 3));
        store_iam_copy(out->role_id, sizeof out->role_id, sqlite3_column_text(stmt, 4));
        store_iam_copy(out->role_path, sizeof out->role_path, sqlite3_column_text(stmt, 5));
        store_iam_copy(out->session_name, sizeof out->session_name,
                       sqlite3_column_text(stmt, 6));
        out->expires = sqlite3_column_int64(stmt, 7);
        status = STORE_OK;
    } else if (rc != SQLITE_DONE) {
        status = stmt ? store_fail_sqlite(st, "find session") : STORE_ERROR;
    }
    if (stmt)
        store_release(st, stmt);
    store_unlock(st);
    return status;
}
