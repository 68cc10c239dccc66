/*
 * store_fixture.h: what the metadata-store tests share: a temporary data
 * dir, opening the store, and a second plain SQLite connection to look
 * behind the store's back (or damage what it stored).
 */
#ifndef ATHENA_TEST_STORE_FIXTURE_H
#define ATHENA_TEST_STORE_FIXTURE_H

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"

static char *make_data_dir(void)
{
    char tmpl[] = "/tmp/athena-store-XXXXXX";
    char *dir = mkdtemp(tmpl);
    return dir ? strdup(dir) : NULL;
}

static void remove_data_dir(char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4096];
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
    free(dir);
}

static store *open_store(const char *dir)
{
    char err[256] = "";
    store *st = store_open(dir, err, sizeof err);
    if (!st)
        fprintf(stderr, "store_open: %s\n", err);
    return st;
}

/* Runs sql on a second, plain SQLite connection: to look behind the store's
 * back or to damage what it stored. Returns column 0 of the first row
 * (malloc'd), "" when there is none, or NULL on error. */
static char *raw_sql(const char *dir, const char *sql)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/metadata.db", dir);
    sqlite3 *db = NULL;
    char *result = NULL;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_busy_timeout(db, 5000) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
        int rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW)
            result = strdup((const char *)sqlite3_column_text(stmt, 0));
        else if (rc == SQLITE_DONE)
            result = strdup("");
        else
            fprintf(stderr, "raw_sql: %s\n", sqlite3_errmsg(db));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return result;
}

static int raw_sql_is(const char *dir, const char *sql, const char *expected)
{
    char *got = raw_sql(dir, sql);
    int same = got && strcmp(got, expected) == 0;
    if (!same)
        fprintf(stderr, "  %s gave %s, expected %s\n", sql, got ? got : "(error)", expected);
    free(got);
    return same;
}

#endif
