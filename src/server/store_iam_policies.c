/*
 * store_iam_policies.c: IAM policies in the metadata store (store_iam.h):
 * inline policies of users, groups and roles, customer managed policies,
 * the attachments of managed policies (local or AWS managed, by ARN), and
 * the union of documents that authorization evaluates for a principal.
 *
 * AWS managed policies are not stored: they are part of athena-local
 * (iam_managed_policies.c); only their attachments are.
 */
#include "store_iam_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POLICY_ID_RANDOM_CHARS 17   /* ANPA + 17 */

/* ---- string lists ---- */

typedef struct string_list {
    char **items;
    size_t count, cap;
} string_list;

static int string_list_add(string_list *l, const char *s)
{
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **grown = realloc(l->items, cap * sizeof *grown);
        if (!grown)
            return -1;
        l->items = grown;
        l->cap = cap;
    }
    char *copy = strdup(s ? s : "");
    if (!copy)
        return -1;
    l->items[l->count++] = copy;
    return 0;
}

/* Appends column 0 of every row of stmt (at most limit when limit > 0,
 * noting in *truncated whether more follow); releases stmt. */
static store_status collect_strings(store *st, sqlite3_stmt *stmt, size_t limit,
                                    string_list *out, int *truncated)
{
    int rc;
    store_status status = STORE_OK;
    if (truncated)
        *truncated = 0;
    size_t start = out->count;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (limit && out->count - start == limit) {
            if (truncated)
                *truncated = 1;
            break;
        }
        if (string_list_add(out, (const char *)sqlite3_column_text(stmt, 0)) != 0) {
            status = store_fail(st, "out of memory");
            break;
        }
    }
    if (status == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        status = store_fail_sqlite(st, "select");
    store_release(st, stmt);
    return status;
}

/* Runs a string query into a fresh list handed to the caller. */
static store_status fetch_strings(store *st, const char *sql, int n, const char *const *params,
                                  size_t limit, char ***items, size_t *count, int *truncated)
{
    string_list list = {NULL, 0, 0};
    sqlite3_stmt *stmt = store_statement(st, sql, n, params);
    store_status status = stmt ? collect_strings(st, stmt, limit, &list, truncated)
                               : STORE_ERROR;
    if (status != STORE_OK) {
        store_iam_strings_free(list.items, list.count);
        list.items = NULL;
        list.count = 0;
    }
    *items = list.items;
    *count = list.count;
    return status;
}

/* ---- inline policies ---- */

store_status store_iam_inline_put(store *st, store_iam_kind kind, const char *owner,
                                  const char *name, const char *document)
{
    if (!name || !*name || !document)
        return store_fail(st, "an inline policy needs a name and a document");
    store_lock(st);
    char stored_owner[STORE_IAM_NAME_CAP];
    store_status status = STORE_NOT_FOUND;
    if (store_iam_stored_name(st, kind, owner, stored_owner, sizeof stored_owner) == 0)
        /* Replacing keeps the name's first spelling, as IAM does. */
        status = store_execute(st,
                               "INSERT INTO iam_inline_policies(kind, owner, name, document) "
                               "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(kind, owner, name) "
                               "DO UPDATE SET document = excluded.document",
                               4,
                               (const char *[]){STORE_IAM_KIND_TEXT[kind], stored_owner, name,
                                                document},
                               0);
    store_unlock(st);
    return store_iam_changed(status);
}

store_status store_iam_inline_get(store *st, store_iam_kind kind, const char *owner,
                                  const char *name, char **document, char *name_out,
                                  int *owner_missing)
{
    *document = NULL;
    *owner_missing = 0;
    store_lock(st);
    store_status status = STORE_NOT_FOUND;
    if (!store_iam_exists(st, kind, owner)) {
        *owner_missing = 1;
    } else {
        sqlite3_stmt *stmt = store_statement(
            st,
            "SELECT document, name FROM iam_inline_policies "
            "WHERE kind = ?1 AND owner = ?2 AND name = ?3",
            3, (const char *[]){STORE_IAM_KIND_TEXT[kind], owner, name});
        int rc = stmt ? sqlite3_step(stmt) : SQLITE_ERROR;
        if (rc == SQLITE_ROW) {
            *document = store_iam_dup_column(stmt, 0);
            store_iam_copy(name_out, STORE_IAM_NAME_CAP, sqlite3_column_text(stmt, 1));
            status = *document ? STORE_OK : store_fail(st, "out of memory");
        } else if (rc != SQLITE_DONE) {
            status = store_fail_sqlite(st, "get inline policy");
        }
        if (stmt)
            store_release(st, stmt);
    }
    store_unlock(st);
    return status;
}

/* The names (or ARNs) one query lists for an owner that must exist, in
 * order, after `after`, at most limit of them. */
static store_status list_for_owner(store *st, store_iam_kind kind, const char *owner,
                                   const char *sql, const char *after, size_t limit,
                                   char ***items, size_t *count, int *truncated)
{
    *items = NULL;
    *count = 0;
    *truncated = 0;
    store_lock(st);
    store_status status =
        store_iam_exists(st, kind, owner)
            ? fetch_strings(st, sql, 3,
                            (const char *[]){STORE_IAM_KIND_TEXT[kind], owner, after}, limit,
                            items, count, truncated)
            : STORE_NOT_FOUND;
    store_unlock(st);
    return status;
}

store_status store_iam_inline_list(store *st, store_iam_kind kind, const char *owner,
                                   const char *after, size_t limit, char ***names,
                                   size_t *count, int *truncated)
{
    return list_for_owner(st, kind, owner,
                          "SELECT name FROM iam_inline_policies WHERE kind = ?1 AND owner = ?2 "
                          "AND (?3 IS NULL OR name > ?3) ORDER BY name",
                          after, limit, names, count, truncated);
}

store_status store_iam_inline_delete(store *st, store_iam_kind kind, const char *owner,
                                     const char *name, int *owner_missing)
{
    store_lock(st);
    *owner_missing = !store_iam_exists(st, kind, owner);
    store_status status =
        *owner_missing ? STORE_NOT_FOUND
                       : store_execute(st,
                                       "DELETE FROM iam_inline_policies "
                                       "WHERE kind = ?1 AND owner = ?2 AND name = ?3",
                                       3,
                                       (const char *[]){STORE_IAM_KIND_TEXT[kind], owner, name},
                                       1);
    store_unlock(st);
    return store_iam_changed(status);
}

/* ---- customer managed policies ---- */

void store_iam_policy_clear(store_iam_policy *p)
{
    if (!p)
        return;
    free(p->description);
    free(p->document);
    p->description = p->document = NULL;
}

void store_iam_policies_free(store_iam_policy *items, size_t count)
{
    for (size_t i = 0; items && i < count; i++)
        store_iam_policy_clear(&items[i]);
    free(items);
}

#define POLICY_COLUMNS                                                                    \
    "p.arn, p.name, p.id, p.path, p.description, p.created, "                             \
    "(SELECT count(*) FROM iam_attached_policies a WHERE a.arn = p.arn)"

static void read_policy(sqlite3_stmt *stmt, store_iam_policy *p)
{
    memset(p, 0, sizeof *p);
    store_iam_copy(p->arn, sizeof p->arn, sqlite3_column_text(stmt, 0));
    store_iam_copy(p->name, sizeof p->name, sqlite3_column_text(stmt, 1));
    store_iam_copy(p->id, sizeof p->id, sqlite3_column_text(stmt, 2));
    store_iam_copy(p->path, sizeof p->path, sqlite3_column_text(stmt, 3));
    p->description = store_iam_dup_column(stmt, 4);
    p->created = sqlite3_column_int64(stmt, 5);
    p->attachments = sqlite3_column_int64(stmt, 6);
}

store_status store_iam_policy_create(store *st, const char *arn_prefix, store_iam_policy *p)
{
    if (!p->name[0] || !p->path[0] || !p->document)
        return store_fail(st, "a managed policy needs a name, a path and a document");
    if ((size_t)snprintf(p->arn, sizeof p->arn, "%s%s%s", arn_prefix, p->path, p->name) >=
        sizeof p->arn)
        return store_fail(st, "the policy ARN is too long");
    if (store_iam_random_id("ANPA", POLICY_ID_RANDOM_CHARS, p->id, sizeof p->id) != 0)
        return store_fail(st, "no secure random source");
    p->created = store_iam_now();
    char created[32];
    snprintf(created, sizeof created, "%lld", p->created);
    store_lock(st);
    char *taken = store_fetch_text(st, "SELECT 1 FROM iam_managed_policies WHERE name = ?1", 1,
                                   (const char *[]){p->name});
    store_status status =
        taken ? STORE_EXISTS
              : store_execute(st,
                              "INSERT INTO iam_managed_policies(arn, name, id, path, description, "
                              "document, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                              7,
                              (const char *[]){p->arn, p->name, p->id, p->path, p->description,
                                               p->document, created},
                              0);
    free(taken);
    store_unlock(st);
    return store_iam_changed(status);
}

store_status store_iam_policy_get(store *st, const char *arn, store_iam_policy *out)
{
    memset(out, 0, sizeof *out);
    store_lock(st);
    sqlite3_stmt *stmt =
        store_statement(st, "SELECT " POLICY_COLUMNS ", p.document FROM iam_managed_policies p "
                            "WHERE p.arn = ?1",
                        1, &arn);
    int rc = stmt ? sqlite3_step(stmt) : SQLITE_ERROR;
    store_status status = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        read_policy(stmt, out);
        out->document = store_iam_dup_column(stmt, 7);
        status = out->document ? STORE_OK : store_fail(st, "out of memory");
    } else if (rc != SQLITE_DONE) {
        status = stmt ? store_fail_sqlite(st, "get managed policy") : STORE_ERROR;
    }
    if (stmt)
        store_release(st, stmt);
    store_unlock(st);
    if (status != STORE_OK)
        store_iam_policy_clear(out);
    return status;
}

store_status store_iam_policy_list(store *st, const char *path_prefix, int only_attached,
                                   const char *after, size_t limit, store_iam_policy **items,
                                   size_t *count, int *truncated)
{
    *items = NULL;
    *count = 0;
    *truncated = 0;
    store_lock(st);
    sqlite3_stmt *stmt = store_statement(
        st,
        "SELECT " POLICY_COLUMNS " FROM iam_managed_policies p "
        "WHERE (?1 IS NULL OR substr(p.path, 1, length(?1)) = ?1) "
        "AND (?2 = '0' OR p.arn IN (SELECT arn FROM iam_attached_policies)) "
        "AND (?3 IS NULL OR p.name > ?3) ORDER BY p.name",
        3, (const char *[]){path_prefix, only_attached ? "1" : "0", after});
    store_status status = stmt ? STORE_OK : STORE_ERROR;
    size_t cap = 0;
    int rc = SQLITE_DONE;
    while (stmt && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (limit && *count == limit) {
            *truncated = 1;
            break;
        }
        if (*count == cap) {
            store_iam_policy *grown = realloc(*items, (cap = cap ? cap * 2 : 8) * sizeof **items);
            if (!grown) {
                status = store_fail(st, "out of memory");
                break;
            }
            *items = grown;
        }
        read_policy(stmt, &(*items)[(*count)++]);
    }
    if (stmt && status == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        status = store_fail_sqlite(st, "list managed policies");
    if (stmt)
        store_release(st, stmt);
    store_unlock(st);
    if (status != STORE_OK) {
        store_iam_policies_free(*items, *count);
        *items = NULL;
        *count = 0;
    }
    return status;
}

store_status store_iam_policy_delete(store *st, const char *arn)
{
    store_lock(st);
    long long attached = store_iam_count(
        st, "SELECT count(*) FROM iam_attached_policies WHERE arn = ?1", 1, &arn);
    store_status status =
        attached < 0   ? STORE_ERROR
        : attached > 0 ? STORE_NOT_EMPTY
                       : store_execute(st, "DELETE FROM iam_managed_policies WHERE arn = ?1", 1,
                                       &arn, 1);
    store_unlock(st);
    return store_iam_changed(status);
}

long long store_iam_attachment_count(store *st, const char *arn)
{
    store_lock(st);
    long long n = store_iam_count(
        st, "SELECT count(*) FROM iam_attached_policies WHERE arn = ?1", 1, &arn);
    store_unlock(st);
    return n;
}

/* ---- attachments ---- */

store_status store_iam_attach(store *st, store_iam_kind kind, const char *owner,
                              const char *arn, int policy_is_local, int *owner_missing)
{
    store_lock(st);
    char stored_owner[STORE_IAM_NAME_CAP];
    *owner_missing = store_iam_stored_name(st, kind, owner, stored_owner,
                                           sizeof stored_owner) != 0;
    char *local = !*owner_missing && policy_is_local
                      ? store_fetch_text(st, "SELECT 1 FROM iam_managed_policies WHERE arn = ?1",
                                         1, &arn)
                      : NULL;
    store_status status = STORE_NOT_FOUND;
    if (!*owner_missing && (!policy_is_local || local))
        status = store_execute(st,
                               "INSERT OR IGNORE INTO iam_attached_policies(kind, owner, arn) "
                               "VALUES (?1, ?2, ?3)",
                               3, (const char *[]){STORE_IAM_KIND_TEXT[kind], stored_owner, arn},
                               0);
    free(local);
    store_unlock(st);
    return store_iam_changed(status);
}

store_status store_iam_detach(store *st, store_iam_kind kind, const char *owner,
                              const char *arn, int *owner_missing)
{
    store_lock(st);
    *owner_missing = !store_iam_exists(st, kind, owner);
    store_status status =
        *owner_missing
            ? STORE_NOT_FOUND
            : store_execute(st,
                            "DELETE FROM iam_attached_policies "
                            "WHERE kind = ?1 AND owner = ?2 AND arn = ?3",
                            3, (const char *[]){STORE_IAM_KIND_TEXT[kind], owner, arn}, 1);
    store_unlock(st);
    return store_iam_changed(status);
}

store_status store_iam_attached_list(store *st, store_iam_kind kind, const char *owner,
                                     const char *after, size_t limit, char ***arns,
                                     size_t *count, int *truncated)
{
    return list_for_owner(st, kind, owner,
                          "SELECT arn FROM iam_attached_policies WHERE kind = ?1 AND owner = ?2 "
                          "AND (?3 IS NULL OR arn > ?3) ORDER BY arn",
                          after, limit, arns, count, truncated);
}

/* ---- what authorization evaluates ---- */

/* The owners whose policies apply: the principal itself and, for a user,
 * its groups. (kind, owner) pairs bound as ?1 and ?2 of OWNER_SET. */
#define OWNER_SET                                                                         \
    "(SELECT ?1 AS kind, ?2 AS owner UNION ALL "                                          \
    " SELECT 1, group_name FROM iam_group_members WHERE ?1 = '0' AND user_name = ?2)"

static const char DOCUMENTS_SQL[] =
    "SELECT i.document FROM iam_inline_policies i JOIN " OWNER_SET " o "
    "ON i.kind = o.kind AND i.owner = o.owner "
    "UNION ALL "
    "SELECT m.document FROM iam_attached_policies a JOIN " OWNER_SET " o "
    "ON a.kind = o.kind AND a.owner = o.owner JOIN iam_managed_policies m ON m.arn = a.arn";

static const char AWS_ARNS_SQL[] =
    "SELECT DISTINCT a.arn FROM iam_attached_policies a JOIN " OWNER_SET " o "
    "ON a.kind = o.kind AND a.owner = o.owner "
    "WHERE a.arn NOT IN (SELECT arn FROM iam_managed_policies) ORDER BY a.arn";

store_status store_iam_effective_policies(store *st, store_iam_kind kind, const char *name,
                                          char ***documents, size_t *document_count,
                                          char ***aws_arns, size_t *aws_arn_count)
{
    *documents = *aws_arns = NULL;
    *document_count = *aws_arn_count = 0;
    const char *params[] = {STORE_IAM_KIND_TEXT[kind], name};
    store_lock(st);
    store_status status = store_iam_exists(st, kind, name) ? STORE_OK : STORE_NOT_FOUND;
    if (status == STORE_OK)
        status = fetch_strings(st, DOCUMENTS_SQL, 2, params, 0, documents, document_count, NULL);
    if (status == STORE_OK)
        status = fetch_strings(st, AWS_ARNS_SQL, 2, params, 0, aws_arns, aws_arn_count, NULL);
    store_unlock(st);
    if (status != STORE_OK) {
        store_iam_strings_free(*documents, *document_count);
        *documents = NULL;
        *document_count = 0;
    }
    return status;
}
