/*
 * test_srv_store_objects.c: the persisted S3 object metadata
 * (store_objects.h) and how s3_meta.c uses it: rows keyed by bucket and key,
 * valid only for the file version (device, inode, size, mtime) they were
 * recorded for; a computed MD5 overwrites what a write recorded only for a
 * later file; the
 * in-memory cache falls through to the store after a "restart" (cache
 * cleared, store reopened), and a file rewritten meanwhile gets its new MD5.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "s3_internal.h"
#include "store_objects.h"
#include "test.h"

#include "store_fixture.h"

#define ABC_MD5 "900150983cd24fb0d6963f7d28e17f72"     /* md5("abc") */
#define ABCD_MD5 "e2fc714c4727ee9395f324cd2e7f331f"    /* md5("abcd") */
#define MULTIPART_ETAG "0123456789abcdef0123456789abcdef-3"

static const store_object_fingerprint FILE_V1 = {64769, 1234567, 11, 1700000000, 123456789};

static store_status get(store *st, const char *key, const store_object_fingerprint *fp,
                        char etag[64], char **headers)
{
    return store_object_get(st, "bucket", key, fp, etag, 64, headers);
}

static void test_put_get_and_replace(void)
{
    char *dir = make_data_dir();
    store *st = open_store(dir);
    REQUIRE(st);
    char etag[64];
    char *headers = NULL;
    CHECK_INT(get(st, "a/b.csv", &FILE_V1, etag, &headers), STORE_NOT_FOUND);
    CHECK(headers == NULL);

    CHECK_INT(store_object_put(st, "bucket", "a/b.csv", &FILE_V1, MULTIPART_ETAG,
                               "{\"Headers\":[[\"content-type\",\"text/csv\"]]}"),
              STORE_OK);
    CHECK_INT(get(st, "a/b.csv", &FILE_V1, etag, &headers), STORE_OK);
    CHECK_STR(etag, MULTIPART_ETAG);
    CHECK_STR(headers, "{\"Headers\":[[\"content-type\",\"text/csv\"]]}");
    free(headers);

    /* Keys are exact: another bucket, or another case, is another object. */
    CHECK_INT(store_object_get(st, "other", "a/b.csv", &FILE_V1, etag, 64, &headers),
              STORE_NOT_FOUND);
    CHECK_INT(get(st, "A/b.csv", &FILE_V1, etag, &headers), STORE_NOT_FOUND);

    /* A put replaces the row; no headers is NULL. */
    CHECK_INT(store_object_put(st, "bucket", "a/b.csv", &FILE_V1, ABC_MD5, NULL), STORE_OK);
    CHECK_INT(get(st, "a/b.csv", &FILE_V1, etag, &headers), STORE_OK);
    CHECK_STR(etag, ABC_MD5);
    CHECK(headers == NULL);
    CHECK(raw_sql_is(dir, "SELECT count(*) FROM s3_objects", "1"));

    /* A record needs its parts. */
    CHECK_INT(store_object_put(st, "bucket", "", &FILE_V1, ABC_MD5, NULL), STORE_ERROR);
    CHECK_INT(store_object_put(st, "bucket", "k", &FILE_V1, "", NULL), STORE_ERROR);
    store_close(st);
    remove_data_dir(dir);
}

static void test_fingerprint_invalidates(void)
{
    char *dir = make_data_dir();
    store *st = open_store(dir);
    REQUIRE(st);
    CHECK_INT(store_object_put(st, "bucket", "k", &FILE_V1, MULTIPART_ETAG, NULL), STORE_OK);
    char etag[64];
    char *headers = NULL;
    store_object_fingerprint other = FILE_V1;
    other.size = 12;
    CHECK_INT(get(st, "k", &other, etag, &headers), STORE_NOT_FOUND);
    other = FILE_V1;
    other.mtime_nsec++;
    CHECK_INT(get(st, "k", &other, etag, &headers), STORE_NOT_FOUND);
    other = FILE_V1;
    other.mtime_sec--;
    CHECK_INT(get(st, "k", &other, etag, &headers), STORE_NOT_FOUND);
    other = FILE_V1;
    other.ino++;
    CHECK_INT(get(st, "k", &other, etag, &headers), STORE_NOT_FOUND);
    other = FILE_V1;
    other.dev++;
    CHECK_INT(get(st, "k", &other, etag, &headers), STORE_NOT_FOUND);
    CHECK_INT(get(st, "k", &FILE_V1, etag, &headers), STORE_OK);

    /* Unsigned device and inode numbers beyond INT64_MAX round-trip. */
    store_object_fingerprint big = {UINT64_MAX - 1, (uint64_t)1 << 63, 0, 0, 0};
    CHECK_INT(store_object_put(st, "bucket", "big", &big, ABC_MD5, NULL), STORE_OK);
    CHECK_INT(get(st, "big", &big, etag, &headers), STORE_OK);
    big.ino--;
    CHECK_INT(get(st, "big", &big, etag, &headers), STORE_NOT_FOUND);
    store_close(st);
    remove_data_dir(dir);
}

static void test_computed_never_replaces_written(void)
{
    char *dir = make_data_dir();
    store *st = open_store(dir);
    REQUIRE(st);
    char etag[64];
    char *headers = NULL;
    store_object_fingerprint old = FILE_V1;
    old.ino--;
    /* Absent, or a computed row: recorded. */
    CHECK_INT(store_object_put_computed(st, "bucket", "k", &old, ABCD_MD5), STORE_OK);
    CHECK_INT(get(st, "k", &old, etag, &headers), STORE_OK);
    CHECK_STR(etag, ABCD_MD5);
    CHECK_INT(store_object_put_computed(st, "bucket", "k", &FILE_V1, ABC_MD5), STORE_OK);
    CHECK_INT(get(st, "k", &FILE_V1, etag, &headers), STORE_OK);
    CHECK_STR(etag, ABC_MD5);

    /* Headers or a multipart ETag: only a write replaces them. */
    CHECK_INT(store_object_put(st, "bucket", "k", &FILE_V1, ABC_MD5, "{\"Headers\":[]}"),
              STORE_OK);
    CHECK_INT(store_object_put_computed(st, "bucket", "k", &old, ABCD_MD5), STORE_OK);
    CHECK_INT(get(st, "k", &old, etag, &headers), STORE_NOT_FOUND);
    CHECK_INT(get(st, "k", &FILE_V1, etag, &headers), STORE_OK);
    CHECK_STR(headers, "{\"Headers\":[]}");
    free(headers);
    CHECK_INT(store_object_put(st, "bucket", "k", &FILE_V1, MULTIPART_ETAG, NULL), STORE_OK);
    CHECK_INT(store_object_put_computed(st, "bucket", "k", &old, ABCD_MD5), STORE_OK);
    CHECK_INT(get(st, "k", &FILE_V1, etag, &headers), STORE_OK);
    CHECK_STR(etag, MULTIPART_ETAG);

    /* A later file (rewritten outside S3) does replace it. */
    store_object_fingerprint later = FILE_V1;
    later.mtime_nsec++;
    CHECK_INT(store_object_put_computed(st, "bucket", "k", &later, ABCD_MD5), STORE_OK);
    CHECK_INT(get(st, "k", &later, etag, &headers), STORE_OK);
    CHECK_STR(etag, ABCD_MD5);
    CHECK(headers == NULL);
    store_close(st);
    remove_data_dir(dir);
}

static void test_delete_and_delete_bucket(void)
{
    char *dir = make_data_dir();
    store *st = open_store(dir);
    REQUIRE(st);
    CHECK_INT(store_object_put(st, "bucket", "a", &FILE_V1, ABC_MD5, NULL), STORE_OK);
    CHECK_INT(store_object_put(st, "bucket", "b", &FILE_V1, ABC_MD5, NULL), STORE_OK);
    CHECK_INT(store_object_put(st, "other", "a", &FILE_V1, ABC_MD5, NULL), STORE_OK);
    CHECK_INT(store_object_delete(st, "bucket", "a"), STORE_OK);
    CHECK_INT(store_object_delete(st, "bucket", "a"), STORE_OK); /* absent is fine */
    CHECK(raw_sql_is(dir, "SELECT group_concat(bucket || '/' || \"key\") FROM "
                          "(SELECT * FROM s3_objects ORDER BY 1, 2)",
                     "bucket/b,other/a"));
    CHECK_INT(store_object_delete_bucket(st, "bucket"), STORE_OK);
    CHECK(raw_sql_is(dir, "SELECT group_concat(bucket || '/' || \"key\") FROM s3_objects",
                     "other/a"));
    store_close(st);
    remove_data_dir(dir);
}

static void test_migration_from_version_3(void)
{
    char *dir = make_data_dir();
    store *st = open_store(dir);
    REQUIRE(st);
    store_close(st);
    free(raw_sql(dir, "DROP TABLE s3_objects"));
    free(raw_sql(dir, "PRAGMA user_version=3"));
    st = open_store(dir);
    REQUIRE(st);
    CHECK(raw_sql_is(dir, "PRAGMA user_version", "4"));
    CHECK_INT(store_object_put(st, "bucket", "k", &FILE_V1, ABC_MD5, NULL), STORE_OK);
    store_close(st);
    /* Running the step again keeps the rows. */
    free(raw_sql(dir, "PRAGMA user_version=3"));
    st = open_store(dir);
    REQUIRE(st);
    CHECK(raw_sql_is(dir, "SELECT count(*) FROM s3_objects", "1"));
    store_close(st);
    remove_data_dir(dir);
}

/* ---- s3_meta.c over the store ---- */

static int write_file(const char *path, const char *content)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int rc = fputs(content, f) < 0;
    return fclose(f) != 0 || rc ? -1 : 0;
}

/* DIR/object holding "abc": its path and stat. 0 or -1. */
static int object_file(const char *dir, char *path, size_t cap, struct stat *sb)
{
    snprintf(path, cap, "%s/object", dir);
    return write_file(path, "abc") == 0 && stat(path, sb) == 0 ? 0 : -1;
}

/* s3_meta_get on path as bucket/key: 0 with m filled, or -1. */
static int meta_of(store *st, const char *path, const char *key, s3_meta *m)
{
    int fd = open(path, O_RDONLY);
    struct stat sb;
    int rc = fd >= 0 && fstat(fd, &sb) == 0 ? s3_meta_get(st, "bucket", key, fd, &sb, m) : -1;
    if (fd >= 0)
        close(fd);
    return rc;
}

static const char *header_of(const s3_meta *m, const char *wanted)
{
    size_t pos = 0;
    const char *name, *value;
    while (s3_meta_next_header(m, &pos, &name, &value))
        if (strcmp(name, wanted) == 0)
            return value;
    return NULL;
}

static void test_meta_survives_restart(void)
{
    char *dir = make_data_dir();
    store *st = open_store(dir);
    REQUIRE(st);
    char path[4096];
    struct stat sb;
    REQUIRE(object_file(dir, path, sizeof path, &sb) == 0);

    /* What a multipart write recorded. */
    s3_meta written = S3_META_INIT, m = S3_META_INIT;
    snprintf(written.etag, sizeof written.etag, "%s", MULTIPART_ETAG);
    REQUIRE(s3_meta_add_header(&written, "Content-Type", "text/csv") == 0);
    REQUIRE(s3_meta_add_header(&written, "x-amz-meta-owner", "ana \"quoted\"") == 0);
    snprintf(written.checksum_alg, sizeof written.checksum_alg, "CRC32");
    snprintf(written.checksum, sizeof written.checksum, "NSRBwg==");
    CHECK(s3_meta_persist(st, "bucket", "object", &sb, &written) == 0);
    s3_meta_put(&sb, &written);
    s3_meta_free(&written);

    /* A restart: the cache is empty and the store reopened. */
    store_close(st);
    s3_meta_clear();
    st = open_store(dir);
    REQUIRE(st);
    CHECK(meta_of(st, path, "object", &m) == 0);
    CHECK_STR(m.etag, MULTIPART_ETAG);
    CHECK_STR(header_of(&m, "content-type"), "text/csv");
    CHECK_STR(header_of(&m, "x-amz-meta-owner"), "ana \"quoted\"");
    CHECK_STR(m.checksum_alg, "CRC32");
    CHECK_STR(m.checksum, "NSRBwg==");
    s3_meta_free(&m);

    /* Without the store (memory only), the cache still has it. */
    CHECK(meta_of(NULL, path, "object", &m) == 0);
    CHECK_STR(m.etag, MULTIPART_ETAG);
    s3_meta_free(&m);

    /* Rewritten outside S3 while down: the new content's MD5, no headers;
     * and that MD5 is recorded so the next restart need not hash. */
    s3_meta_clear();
    REQUIRE(write_file(path, "abcd") == 0);
    struct timespec later[2] = {{0, UTIME_OMIT}, {sb.st_mtim.tv_sec + 5, 0}};
    REQUIRE(utimensat(AT_FDCWD, path, later, 0) == 0);
    CHECK(meta_of(st, path, "object", &m) == 0);
    CHECK_STR(m.etag, ABCD_MD5);
    CHECK(header_of(&m, "content-type") == NULL);
    CHECK_STR(m.checksum_alg, "");
    s3_meta_free(&m);
    CHECK(raw_sql_is(dir, "SELECT etag FROM s3_objects WHERE \"key\" = 'object'", ABCD_MD5));
    CHECK(raw_sql_is(dir, "SELECT headers IS NULL FROM s3_objects", "1"));

    s3_meta_drop(st, "bucket", "object");
    CHECK(raw_sql_is(dir, "SELECT count(*) FROM s3_objects", "0"));
    s3_meta_clear();
    store_close(st);
    unlink(path);
    remove_data_dir(dir);
}

static void test_meta_store_trouble_falls_back(void)
{
    char *dir = make_data_dir();
    store *st = open_store(dir);
    REQUIRE(st);
    char path[4096];
    struct stat sb;
    REQUIRE(object_file(dir, path, sizeof path, &sb) == 0);
    s3_meta m = S3_META_INIT;

    /* A corrupt row reads as absent: the content's MD5. */
    store_object_fingerprint fp = {(uint64_t)sb.st_dev, (uint64_t)sb.st_ino, sb.st_size,
                                   sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec};
    CHECK_INT(store_object_put(st, "bucket", "object", &fp, MULTIPART_ETAG, "{not json"),
              STORE_OK);
    CHECK(meta_of(st, path, "object", &m) == 0);
    CHECK_STR(m.etag, ABC_MD5);
    s3_meta_free(&m);

    /* The table gone: reads still answer. */
    s3_meta_clear();
    free(raw_sql(dir, "DROP TABLE s3_objects"));
    CHECK(meta_of(st, path, "object", &m) == 0);
    CHECK_STR(m.etag, ABC_MD5);
    s3_meta_free(&m);
    CHECK(s3_meta_persist(st, "bucket", "object", &sb, &m) != 0);
    s3_meta_clear();
    store_close(st);
    unlink(path);
    remove_data_dir(dir);
}

int main(void)
{
    RUN(test_put_get_and_replace);
    RUN(test_fingerprint_invalidates);
    RUN(test_computed_never_replaces_written);
    RUN(test_delete_and_delete_bucket);
    RUN(test_migration_from_version_3);
    RUN(test_meta_survives_restart);
    RUN(test_meta_store_trouble_falls_back);
    return test_summary();
}
