/*
 * store.c: the metadata store's connection (store.h): opening
 * DATA_DIR/metadata.db (0600, WAL), the versioned schema and its migrations,
 * the default workgroup and database, the small settings table, and the
 * statement and document helpers the other store files share
 * (store_internal.h). Catalog and workgroups live in store_catalog.c, the
 * query history in store_queries.c.
 */
#include "store_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

/* How long a statement waits for a lock held by another connection (for
 * example the sqlite3 shell on the same file) before failing. */
#define STORE_BUSY_TIMEOUT_MS 5000

/* Schema migrations: migrations[i] brings user_version from i to i + 1, in
 * one transaction. Append new steps (IAM users, keys, policies, partitions);
 * never edit a released one, since existing data dirs have already run it. */
static const char *const migrations[] = {
    /* 1: catalog, workgroups, query history, settings. */
    "CREATE TABLE databases ("
    "  name TEXT PRIMARY KEY NOT NULL,"
    "  doc  TEXT NOT NULL);"
    "CREATE TABLE tables ("
    "  \"database\" TEXT NOT NULL REFERENCES databases(name) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  doc  TEXT NOT NULL,"
    "  PRIMARY KEY (\"database\", name));"
    "CREATE TABLE workgroups ("
    "  name TEXT PRIMARY KEY NOT NULL,"
    "  doc  TEXT NOT NULL);"
    "CREATE TABLE queries ("
    "  id           TEXT PRIMARY KEY NOT NULL,"
    "  workgroup    TEXT NOT NULL,"
    "  client_token TEXT,"
    "  state        TEXT NOT NULL,"
    "  submitted    REAL NOT NULL,"
    "  doc          TEXT NOT NULL,"
    "  UNIQUE (workgroup, client_token));"
    "CREATE INDEX queries_by_workgroup ON queries(workgroup, submitted DESC, id DESC);"
    "CREATE INDEX queries_by_state ON queries(state);"
    "CREATE TABLE settings ("
    "  \"key\" TEXT PRIMARY KEY NOT NULL,"
    "  value TEXT NOT NULL);",
    /* 2: Glue partitions, going with their table. IF NOT EXISTS: a data dir
     * whose user_version was lowered by hand can run this step again. */
    "CREATE TABLE IF NOT EXISTS partitions ("
    "  \"database\" TEXT NOT NULL,"
    "  \"table\"    TEXT NOT NULL,"
    "  values_key TEXT NOT NULL,"
    "  doc        TEXT NOT NULL,"
    "  PRIMARY KEY (\"database\", \"table\", values_key),"
    "  FOREIGN KEY (\"database\", \"table\") REFERENCES tables(\"database\", name)"
    "    ON DELETE CASCADE);",
    /* 3: IAM (store_iam.h). Names compare case-insensitively, as IAM's do. */
    "CREATE TABLE IF NOT EXISTS iam_entities ("
    "  kind INTEGER NOT NULL,"          /* store_iam_kind */
    "  name TEXT NOT NULL COLLATE NOCASE,"
    "  id   TEXT NOT NULL UNIQUE,"
    "  path TEXT NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  trust_policy TEXT,"
    "  description TEXT,"
    "  max_session_duration INTEGER,"
    "  PRIMARY KEY (kind, name));"
    "CREATE TABLE IF NOT EXISTS iam_group_members ("
    "  group_name TEXT NOT NULL COLLATE NOCASE,"
    "  user_name  TEXT NOT NULL COLLATE NOCASE,"
    "  PRIMARY KEY (group_name, user_name));"
    "CREATE INDEX IF NOT EXISTS iam_group_members_by_user ON iam_group_members(user_name);"
    "CREATE TABLE IF NOT EXISTS iam_access_keys ("
    "  access_key_id TEXT PRIMARY KEY NOT NULL,"
    "  user_name TEXT NOT NULL COLLATE NOCASE,"
    "  secret TEXT NOT NULL,"
    "  status TEXT NOT NULL,"
    "  created INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS iam_access_keys_by_user ON iam_access_keys(user_name);"
    "CREATE TABLE IF NOT EXISTS iam_inline_policies ("
    "  kind  INTEGER NOT NULL,"
    "  owner TEXT NOT NULL COLLATE NOCASE,"
    "  name  TEXT NOT NULL COLLATE NOCASE,"
    "  document TEXT NOT NULL,"
    "  PRIMARY KEY (kind, owner, name));"
    "CREATE TABLE IF NOT EXISTS iam_managed_policies ("
    "  arn  TEXT PRIMARY KEY NOT NULL,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  id   TEXT NOT NULL UNIQUE,"
    "  path TEXT NOT NULL,"
    "  description TEXT,"
    "  document TEXT NOT NULL,"
    "  created INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS iam_attached_policies ("
    "  kind  INTEGER NOT NULL,"
    "  owner TEXT NOT NULL COLLATE NOCASE,"
    "  arn   TEXT NOT NULL,"
    "  PRIMARY KEY (kind, owner, arn));"
    "CREATE INDEX IF NOT EXISTS iam_attached_by_arn ON iam_attached_policies(arn);"
    "CREATE TABLE IF NOT EXISTS iam_sessions ("
    "  access_key_id TEXT PRIMARY KEY NOT NULL,"
    "  secret TEXT NOT NULL,"
    "  token  TEXT NOT NULL,"
    "  role_name TEXT NOT NULL COLLATE NOCASE,"
    "  session_name TEXT NOT NULL,"
    "  expires INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS iam_sessions_by_expiry ON iam_sessions(expires);",
    /* 4: S3 object metadata (store_objects.h): ETag and stored headers of the
     * file version given by the fingerprint (dev, ino, size, mtime). */
    "CREATE TABLE IF NOT EXISTS s3_objects ("
    "  bucket TEXT NOT NULL,"
    "  \"key\" TEXT NOT NULL,"
    "  dev  INTEGER NOT NULL,"
    "  ino  INTEGER NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  mtime_sec  INTEGER NOT NULL,"
    "  mtime_nsec INTEGER NOT NULL,"
    "  etag TEXT NOT NULL,"
    "  headers TEXT,"
    "  PRIMARY KEY (bucket, \"key\"));",
};
#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

/* ---- helpers shared by the store files ---- */

void store_lock(store *st)
{
    pthread_mutex_lock(&st->lock);
}

void store_unlock(store *st)
{
    pthread_mutex_unlock(&st->lock);
}

store_status store_fail(store *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pthread_mutex_lock(&st->error_lock);
    vsnprintf(st->errmsg, sizeof st->errmsg, fmt, ap);
    pthread_mutex_unlock(&st->error_lock);
    va_end(ap);
    return STORE_ERROR;
}

store_status store_fail_sqlite(store *st, const char *what)
{
    return store_fail(st, "%s: %s", what, sqlite3_errmsg(st->db));
}

/* The cached statement for sql, prepared on first use; NULL when the cache
 * is full or the cached one is busy (a caller then prepares its own). */
static sqlite3_stmt *cached_statement(store *st, const char *sql)
{
    store_cached_statement *free_slot = NULL;
    for (size_t i = 0; i < STORE_STATEMENT_CACHE; i++) {
        store_cached_statement *c = &st->cache[i];
        if (c->sql == sql) {
            if (c->in_use)
                return NULL;
            c->in_use = 1;
            return c->stmt;
        }
        if (!c->sql && !free_slot)
            free_slot = c;
    }
    sqlite3_stmt *stmt = NULL;
    if (!free_slot ||
        sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
        return NULL;
    *free_slot = (store_cached_statement){sql, stmt, 1};
    return stmt;
}

sqlite3_stmt *store_statement(store *st, const char *sql, int n, const char *const *params)
{
    sqlite3_stmt *stmt = cached_statement(st, sql);
    if (!stmt && sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        store_fail_sqlite(st, "prepare");
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        int rc = params[i] ? sqlite3_bind_text(stmt, i + 1, params[i], -1, SQLITE_TRANSIENT)
                           : sqlite3_bind_null(stmt, i + 1);
        if (rc != SQLITE_OK) {
            store_fail_sqlite(st, "bind");
            store_release(st, stmt);
            return NULL;
        }
    }
    return stmt;
}

void store_release(store *st, sqlite3_stmt *stmt)
{
    for (size_t i = 0; i < STORE_STATEMENT_CACHE; i++)
        if (st->cache[i].stmt == stmt && st->cache[i].in_use) {
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
            st->cache[i].in_use = 0;
            return;
        }
    sqlite3_finalize(stmt);
}

char *store_fetch_text(store *st, const char *sql, int n, const char *const *params)
{
    sqlite3_stmt *stmt = store_statement(st, sql, n, params);
    if (!stmt)
        return NULL;
    char *text = NULL;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(stmt, 0);
        if (t && !(text = strdup(t)))
            store_fail(st, "out of memory");
    } else if (rc != SQLITE_DONE) {
        store_fail_sqlite(st, "select");
    }
    store_release(st, stmt);
    return text;
}

/* A failed step's status: which constraint broke says what the caller did
 * wrong, anything else is a storage failure. */
static store_status step_failure(store *st)
{
    int code = sqlite3_extended_errcode(st->db);
    if (code == SQLITE_CONSTRAINT_PRIMARYKEY || code == SQLITE_CONSTRAINT_UNIQUE) {
        store_fail_sqlite(st, "write");
        return STORE_EXISTS;
    }
    if (code == SQLITE_CONSTRAINT_FOREIGNKEY) {
        store_fail_sqlite(st, "write");
        return STORE_NOT_FOUND;
    }
    return store_fail_sqlite(st, "step");
}

store_status store_finish(store *st, sqlite3_stmt *stmt, int must_change)
{
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        ;
    store_status status = STORE_OK;
    if (rc != SQLITE_DONE)
        status = step_failure(st);
    else if (must_change && sqlite3_changes(st->db) == 0)
        status = STORE_NOT_FOUND;
    store_release(st, stmt);
    return status;
}

store_status store_execute(store *st, const char *sql, int n, const char *const *params,
                           int must_change)
{
    sqlite3_stmt *stmt = store_statement(st, sql, n, params);
    if (!stmt)
        return STORE_ERROR;
    return store_finish(st, stmt, must_change);
}

/* What a corrupt row is called in messages: its key, selected after doc. */
static const char *row_label(sqlite3_stmt *stmt)
{
    return sqlite3_column_count(stmt) > 1 ? (const char *)sqlite3_column_text(stmt, 1) : NULL;
}

json_t *store_fetch_doc(store *st, const char *sql, int n, const char *const *params)
{
    sqlite3_stmt *stmt = store_statement(st, sql, n, params);
    if (!stmt)
        return NULL;
    json_t *doc = NULL;
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        doc = store_doc_parse(st, (const char *)sqlite3_column_text(stmt, 0), row_label(stmt));
    else if (rc != SQLITE_DONE)
        store_fail_sqlite(st, "select");
    store_release(st, stmt);
    return doc;
}

json_t *store_fetch_docs(store *st, const char *sql, int n, const char *const *params)
{
    sqlite3_stmt *stmt = store_statement(st, sql, n, params);
    if (!stmt)
        return NULL;
    json_t *docs = json_array();
    int rc;
    while (docs && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        json_t *doc = store_doc_parse(st, (const char *)sqlite3_column_text(stmt, 0),
                                      row_label(stmt));
        if (doc && json_array_append_new(docs, doc) != 0) {
            json_decref(docs);
            docs = NULL;
        }
    }
    if (docs && rc != SQLITE_DONE) {
        store_fail_sqlite(st, "select");
        json_decref(docs);
        docs = NULL;
    }
    store_release(st, stmt);
    return docs;
}

int store_begin(store *st)
{
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        store_fail_sqlite(st, "begin");
        return -1;
    }
    return 0;
}

int store_commit(store *st)
{
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        store_fail_sqlite(st, "commit");
        store_rollback(st);
        return -1;
    }
    return 0;
}

void store_rollback(store *st)
{
    /* Fails harmlessly when SQLite already rolled back on its own. */
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

char *store_doc_text(store *st, json_t *doc)
{
    if (!json_is_object(doc)) {
        store_fail(st, "document is not a JSON object");
        return NULL;
    }
    char *text = json_dumps(doc, JSON_COMPACT);
    if (!text)
        store_fail(st, "cannot serialize document (out of memory)");
    return text;
}

json_t *store_doc_parse(store *st, const char *text, const char *what)
{
    json_error_t error;
    json_t *doc = text ? json_loads(text, 0, &error) : NULL;
    if (json_is_object(doc))
        return doc;
    json_decref(doc);
    store_fail(st, "stored document of '%s' is corrupt: %s", what ? what : "?",
               text ? error.text : "missing");
    return NULL;
}

const char *store_doc_string(const json_t *doc, const char *key)
{
    const json_t *value = json_object_get(doc, key);
    const char *s = json_string_value(value);
    if (!s || !*s || strlen(s) != json_string_length(value))
        return NULL;
    return s;
}

char *store_lower(const char *name)
{
    char *lower = strdup(name);
    for (char *p = lower; p && *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return lower;
}

double store_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* Milliseconds, as Athena's own timestamps carry. */
    return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) / 1000.0;
}

/* ---- opening: file, pragmas, schema, defaults ---- */

/* Creates the database file 0600 before SQLite sees it (SQLite would use the
 * process umask), and tightens an existing one: it holds credentials. SQLite
 * gives its -wal and -shm files the same mode as the database file. */
static int prepare_file(const char *path, char *err, size_t err_cap)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        snprintf(err, err_cap, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat sb;
    int rc = 0;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(err, err_cap, "%s is not a regular file", path);
        rc = -1;
    } else if ((sb.st_mode & 077) != 0 && fchmod(fd, 0600) != 0) {
        snprintf(err, err_cap, "cannot restrict %s to mode 0600: %s", path, strerror(errno));
        rc = -1;
    }
    close(fd);
    return rc;
}

/* Runs a pragma that answers with one text row and checks the answer. */
static int pragma_expect(store *st, const char *sql, const char *expected)
{
    sqlite3_stmt *stmt = store_statement(st, sql, 0, NULL);
    if (!stmt)
        return -1;
    int ok = sqlite3_step(stmt) == SQLITE_ROW &&
             strcmp((const char *)sqlite3_column_text(stmt, 0), expected) == 0;
    if (!ok)
        store_fail(st, "'%s' did not give '%s'", sql, expected);
    store_release(st, stmt);
    return ok ? 0 : -1;
}

static int configure_connection(store *st)
{
    sqlite3_extended_result_codes(st->db, 1);
    if (sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS) != SQLITE_OK)
        return store_fail_sqlite(st, "busy_timeout"), -1;
    /* WAL: readers never block the writer, and a crash loses nothing
     * committed; NORMAL sync is durable enough in WAL mode and much faster. */
    if (pragma_expect(st, "PRAGMA journal_mode=WAL", "wal") != 0)
        return -1;
    if (sqlite3_exec(st->db, "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON", NULL, NULL,
                     NULL) != SQLITE_OK)
        return store_fail_sqlite(st, "pragma"), -1;
    return pragma_expect(st, "PRAGMA foreign_keys", "1");
}

static int schema_version(store *st)
{
    sqlite3_stmt *stmt = store_statement(st, "PRAGMA user_version", 0, NULL);
    if (!stmt)
        return -1;
    int version = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
    if (version < 0)
        store_fail_sqlite(st, "user_version");
    store_release(st, stmt);
    return version;
}

/* Brings the schema up to SCHEMA_VERSION, one transaction per step so a
 * crash mid-way leaves a consistent, resumable version. */
static int migrate(store *st)
{
    int version = schema_version(st);
    if (version < 0)
        return -1;
    if (version > SCHEMA_VERSION) {
        store_fail(st, "metadata.db has schema version %d; this athena-local knows only %d "
                       "(was it written by a newer version?)", version, SCHEMA_VERSION);
        return -1;
    }
    for (; version < SCHEMA_VERSION; version++) {
        char set_version[64];
        snprintf(set_version, sizeof set_version, "PRAGMA user_version=%d", version + 1);
        if (store_begin(st) != 0)
            return -1;
        if (sqlite3_exec(st->db, migrations[version], NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(st->db, set_version, NULL, NULL, NULL) != SQLITE_OK) {
            store_fail(st, "schema migration to version %d failed: %s", version + 1,
                       sqlite3_errmsg(st->db));
            store_rollback(st);
            return -1;
        }
        if (store_commit(st) != 0)
            return -1;
    }
    return 0;
}

/* Inserts doc under key unless the key is taken, so defaults never
 * overwrite what the user changed. */
static int insert_default(store *st, const char *sql, const char *key, json_t *doc)
{
    char *text = doc ? store_doc_text(st, doc) : NULL;
    json_decref(doc);
    if (!text)
        return -1;
    store_status status = store_execute(st, sql, 2, (const char *[]){key, text}, 0);
    free(text);
    return status == STORE_OK ? 0 : -1;
}

/* Athena always has the "primary" workgroup, and Glue a "default" database;
 * they are restored on open if they were removed. */
static int create_defaults(store *st)
{
    double now = store_now();
    json_t *workgroup = json_pack(
        "{s:s, s:s, s:{s:{}, s:b, s:b, s:b, s:{s:s, s:s}}, s:s, s:f}", "Name", "primary",
        "State", "ENABLED", "Configuration", "ResultConfiguration",
        "EnforceWorkGroupConfiguration", 0, "PublishCloudWatchMetricsEnabled", 0,
        "RequesterPaysEnabled", 0, "EngineVersion", "SelectedEngineVersion", "AUTO",
        "EffectiveEngineVersion", "Athena engine version 3", "Description", "",
        "CreationTime", now);
    json_t *database = json_pack("{s:s, s:s, s:f, s:{}}", "Name", "default", "Description",
                                 "Default database", "CreateTime", now, "Parameters");
    if (store_begin(st) != 0) {
        json_decref(workgroup);
        json_decref(database);
        return -1;
    }
    if (insert_default(st, "INSERT OR IGNORE INTO workgroups(name, doc) VALUES (?, ?)",
                       "primary", workgroup) != 0 ||
        insert_default(st, "INSERT OR IGNORE INTO databases(name, doc) VALUES (?, ?)",
                       "default", database) != 0) {
        store_rollback(st);
        return -1;
    }
    return store_commit(st);
}

store *store_open(const char *data_dir, char *err, size_t err_cap)
{
    buf path = BUF_INIT;
    if (!data_dir || !*data_dir || buf_printf(&path, "%s/metadata.db", data_dir) != 0) {
        snprintf(err, err_cap, "no data directory given");
        buf_free(&path);
        return NULL;
    }
    store *st = calloc(1, sizeof *st);
    if (!st || prepare_file(buf_str(&path), err, err_cap) != 0) {
        if (!st)
            snprintf(err, err_cap, "out of memory");
        free(st);
        buf_free(&path);
        return NULL;
    }
    pthread_mutex_init(&st->lock, NULL);
    pthread_mutex_init(&st->error_lock, NULL);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW;
    int rc = sqlite3_open_v2(buf_str(&path), &st->db, flags, NULL);
    buf_free(&path);
    if (rc != SQLITE_OK) {
        snprintf(err, err_cap, "cannot open metadata.db: %s",
                 st->db ? sqlite3_errmsg(st->db) : "out of memory");
    } else if (configure_connection(st) != 0 || migrate(st) != 0 || create_defaults(st) != 0) {
        snprintf(err, err_cap, "metadata.db: %s", st->errmsg);
        rc = SQLITE_ERROR;
    }
    if (rc != SQLITE_OK) {
        store_close(st);
        return NULL;
    }
    return st;
}

void store_close(store *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < STORE_STATEMENT_CACHE; i++)
        sqlite3_finalize(st->cache[i].stmt);   /* NULL-safe */
    sqlite3_close(st->db);   /* NULL-safe; no other statement outlives a call */
    pthread_mutex_destroy(&st->lock);
    pthread_mutex_destroy(&st->error_lock);
    free(st);
}

/* A copy per thread, so the text cannot change under a caller that is
 * reading it while another thread records a newer error. */
const char *store_errmsg(store *st)
{
    static _Thread_local char copy[sizeof st->errmsg];
    if (!st)
        return "no store";
    pthread_mutex_lock(&st->error_lock);
    memcpy(copy, st->errmsg, sizeof copy);
    pthread_mutex_unlock(&st->error_lock);
    return copy;
}

/* ---- settings ---- */

char *store_setting_get(store *st, const char *key)
{
    if (!st || !key)
        return NULL;
    store_lock(st);
    char *value = NULL;
    sqlite3_stmt *stmt =
        store_statement(st, "SELECT value FROM settings WHERE \"key\" = ?", 1, &key);
    if (stmt) {
        int rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            value = strdup((const char *)sqlite3_column_text(stmt, 0));
            if (!value)
                store_fail(st, "out of memory");
        } else if (rc != SQLITE_DONE) {
            store_fail_sqlite(st, "select setting");
        }
        store_release(st, stmt);
    }
    store_unlock(st);
    return value;
}

store_status store_setting_put(store *st, const char *key, const char *value)
{
    if (!st)
        return STORE_ERROR;
    if (!key || !*key || !value)
        return store_fail(st, "setting key and value are required");
    store_lock(st);
    store_status status = store_execute(
        st,
        "INSERT INTO settings(\"key\", value) VALUES (?, ?) "
        "ON CONFLICT(\"key\") DO UPDATE SET value = excluded.value",
        2, (const char *[]){key, value}, 0);
    store_unlock(st);
    return status;
}
