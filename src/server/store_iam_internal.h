/*
 * store_iam_internal.h: what the IAM store files share (store_iam.c,
 * store_iam_policies.c, store_iam_sessions.c): random ids and secrets, the
 * generation counter, and small row helpers. The store lock must be held
 * where a function takes `store *` and says so.
 */
#ifndef ATHENA_SERVER_STORE_IAM_INTERNAL_H
#define ATHENA_SERVER_STORE_IAM_INTERNAL_H

#include "store_iam.h"
#include "store_internal.h"

/* store_iam_kind as the text bound to SQL (?N = "0", "1", "2"). */
extern const char STORE_IAM_KIND_TEXT[3][2];

/* Bumps the IAM generation when status is STORE_OK; returns status. */
store_status store_iam_changed(store_status status);

/* prefix followed by n random characters of [A-Z0-9] into out (cap bytes).
 * 0, or -1 without a random source. */
int store_iam_random_id(const char *prefix, size_t n, char *out, size_t cap);
/* The base64 text of raw_bytes random bytes into out. 0 or -1. */
int store_iam_random_secret(size_t raw_bytes, char *out, size_t cap);
long long store_iam_now(void);

/* Copies a column's text (NULL as ""), truncating to cap. */
void store_iam_copy(char *dst, size_t cap, const unsigned char *src);
/* A column's text as a malloc'd string, or NULL. */
char *store_iam_dup_column(sqlite3_stmt *stmt, int col);

/* Lock held: */
int store_iam_exists(store *st, store_iam_kind kind, const char *name);
/* The stored spelling of an entity's name into out; 0, or -1 if missing. */
int store_iam_stored_name(store *st, store_iam_kind kind, const char *name, char *out,
                          size_t cap);
store_status store_iam_get_locked(store *st, store_iam_kind kind, const char *name,
                                  store_iam_entity *out);
/* The count a "SELECT count(*) ..." returns, or -1 with errmsg. */
long long store_iam_count(store *st, const char *sql, int n, const char *const *params);

#endif
