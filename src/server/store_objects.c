/*
 * store_objects.c: the S3 object metadata table of the metadata store
 * (store_objects.h): one row per (bucket, key) with the fingerprint of the
 * file it was recorded for, its ETag and its stored headers as JSON text.
 *
 * Integers are bound as text (store_statement's convention) into INTEGER
 * columns, which SQLite stores as integers; device and inode numbers are
 * unsigned, so they go through their int64 bit pattern to round-trip.
 */
#include "store_internal.h"
#include "store_objects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INT_TEXT 24

static void int_text(char out[INT_TEXT], int64_t v)
{
    snprintf(out, INT_TEXT, "%lld", (long long)v);
}

#define UPSERT_SQL(condition)                                                                \
    "INSERT INTO s3_objects(bucket, \"key\", dev, ino, size, mtime_sec, mtime_nsec, etag, "  \
    "headers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "                                   \
    "ON CONFLICT(bucket, \"key\") DO UPDATE SET dev = excluded.dev, ino = excluded.ino, "    \
    "size = excluded.size, mtime_sec = excluded.mtime_sec, "                                  \
    "mtime_nsec = excluded.mtime_nsec, etag = excluded.etag, headers = excluded.headers" condition

static store_status upsert(store *st, const char *sql, const char *bucket, const char *key,
                           const store_object_fingerprint *fp, const char *etag,
                           const char *headers_json)
{
    if (!bucket || !*bucket || !key || !*key || !etag || !*etag)
        return store_fail(st, "an object record needs a bucket, a key and an ETag");
    char dev[INT_TEXT], ino[INT_TEXT], size[INT_TEXT], sec[INT_TEXT], nsec[INT_TEXT];
    int_text(dev, (int64_t)fp->dev);
    int_text(ino, (int64_t)fp->ino);
    int_text(size, fp->size);
    int_text(sec, fp->mtime_sec);
    int_text(nsec, fp->mtime_nsec);
    store_lock(st);
    store_status status =
        store_execute(st, sql, 9,
                      (const char *[]){bucket, key, dev, ino, size, sec, nsec, etag, headers_json},
                      0);
    store_unlock(st);
    return status;
}

store_status store_object_put(store *st, const char *bucket, const char *key,
                              const store_object_fingerprint *fp, const char *etag,
                              const char *headers_json)
{
    return upsert(st, UPSERT_SQL(""), bucket, key, fp, etag, headers_json);
}

store_status store_object_put_computed(store *st, const char *bucket, const char *key,
                                       const store_object_fingerprint *fp, const char *md5_hex)
{
    /* A row that is itself a bare content MD5 may be replaced; a written
     * one only by a later version of the file (rewritten outside S3), not
     * by the older file a slow reader hashed while a PUT replaced it. */
    return upsert(st,
                  UPSERT_SQL(" WHERE (s3_objects.headers IS NULL AND "
                             "instr(s3_objects.etag, '-') = 0) OR "
                             "(excluded.mtime_sec, excluded.mtime_nsec) > "
                             "(s3_objects.mtime_sec, s3_objects.mtime_nsec)"),
                  bucket, key, fp, md5_hex, NULL);
}

static int same_file(sqlite3_stmt *stmt, const store_object_fingerprint *fp)
{
    return (uint64_t)sqlite3_column_int64(stmt, 0) == fp->dev &&
           (uint64_t)sqlite3_column_int64(stmt, 1) == fp->ino &&
           sqlite3_column_int64(stmt, 2) == fp->size &&
           sqlite3_column_int64(stmt, 3) == fp->mtime_sec &&
           sqlite3_column_int64(stmt, 4) == fp->mtime_nsec;
}

/* Copies the matching row's ETag and headers out. */
static store_status read_row(store *st, sqlite3_stmt *stmt, char *etag, size_t etag_cap,
                             char **headers_json)
{
    const char *stored_etag = (const char *)sqlite3_column_text(stmt, 5);
    const char *headers = (const char *)sqlite3_column_text(stmt, 6);
    if (!stored_etag || strlen(stored_etag) >= etag_cap)
        return store_fail(st, "a stored object record has an invalid ETag");
    if (headers && !(*headers_json = strdup(headers)))
        return store_fail(st, "out of memory");
    snprintf(etag, etag_cap, "%s", stored_etag);
    return STORE_OK;
}

store_status store_object_get(store *st, const char *bucket, const char *key,
                              const store_object_fingerprint *fp, char *etag, size_t etag_cap,
                              char **headers_json)
{
    *headers_json = NULL;
    if (etag_cap)
        etag[0] = '\0';
    store_lock(st);
    sqlite3_stmt *stmt = store_statement(
        st,
        "SELECT dev, ino, size, mtime_sec, mtime_nsec, etag, headers FROM s3_objects "
        "WHERE bucket = ?1 AND \"key\" = ?2",
        2, (const char *[]){bucket, key});
    int rc = stmt ? sqlite3_step(stmt) : SQLITE_ERROR;
    store_status status = STORE_NOT_FOUND;
    if (rc == SQLITE_ROW) {
        if (same_file(stmt, fp))
            status = read_row(st, stmt, etag, etag_cap, headers_json);
    } else if (rc != SQLITE_DONE) {
        status = stmt ? store_fail_sqlite(st, "find object") : STORE_ERROR;
    }
    if (stmt)
        store_release(st, stmt);
    store_unlock(st);
    return status;
}

store_status store_object_delete(store *st, const char *bucket, const char *key)
{
    store_lock(st);
    store_status status =
        store_execute(st, "DELETE FROM s3_objects WHERE bucket = ?1 AND \"key\" = ?2", 2,
                      (const char *[]){bucket, key}, 0);
    store_unlock(st);
    return status;
}

store_status store_object_delete_bucket(store *st, const char *bucket)
{
    store_lock(st);
    store_status status =
        store_execute(st, "DELETE FROM s3_objects WHERE bucket = ?1", 1, &bucket, 0);
    store_unlock(st);
    return status;
}
