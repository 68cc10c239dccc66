/*
 * test_srv_objects.c: objects.h. A table of hostile bucket names and keys
 * that must all be refused (and legitimate ones that must pass), exact paths,
 * symlinks that lead out of S3_ROOT, and atomic files: invisible until
 * commit, nothing left behind by abort.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "objects.h"
#include "test.h"

static char root[256];    /* the S3 root of this run */
static char outside[256]; /* a sibling folder that must never be written */

/* ---- Helpers ---- */

static void make_temp_dirs(void)
{
    char base[] = "/tmp/test_srv_objects.XXXXXX";
    if (!mkdtemp(base))
        abort();
    snprintf(root, sizeof root, "%s/s3", base);
    snprintf(outside, sizeof outside, "%s/s3-outside", base);
    mkdir(root, 0755);
    mkdir(outside, 0755);
}

static int remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return 0;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char child[PATH_MAX];
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            remove_tree(child);
        }
        if (d)
            closedir(d);
        return rmdir(path);
    }
    return unlink(path);
}

/* Number of entries in a folder; the first name found into first. */
static int count_entries(const char *dir, char *first, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n++ == 0 && first)
            snprintf(first, cap, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char data[4096];
    size_t n = fread(data, 1, sizeof data - 1, f);
    data[n] = '\0';
    fclose(f);
    return data;
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* ---- Names ---- */

static void test_hostile_buckets_refused(void)
{
    char too_long[70];
    memset(too_long, 'a', 64);
    too_long[64] = '\0';
    const char *bad[] = {
        "",           "ab",          too_long,      "UPPER",       "Mixed-case", "a..b",
        "-abc",       "abc-",        ".abc",        "abc.",        "192.168.1.1", "a_b",
        "a/b",        "..",          "bucket/../x", "xn--abc",     "sthree-abc",  "abc-s3alias",
        "abc--ol-s3", "amzn-s3-demo-x", "abc.mrap", "abc--x-s3",  "abc--table-s3", "a b c",
        "caf\xc3\xa9",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (s3_bucket_valid(bad[i]))
            fprintf(stderr, "  accepted bucket: \"%s\"\n", bad[i]);
        CHECK(!s3_bucket_valid(bad[i]));
    }
    CHECK(!s3_bucket_valid(NULL));

    char longest[64];
    memset(longest, 'z', 63);
    longest[63] = '\0';
    const char *good[] = {"abc", "my-bucket", "data.lake.2024", "0bucket9", "a-b.c-d", longest,
                          "192.168.1.1a", "1.2.3"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (!s3_bucket_valid(good[i]))
            fprintf(stderr, "  refused bucket: \"%s\"\n", good[i]);
        CHECK(s3_bucket_valid(good[i]));
    }
}

static void test_hostile_keys_refused(void)
{
    char long_key[1100], long_segment[300];
    memset(long_key, 'k', 1025);
    long_key[1025] = '\0';
    memset(long_segment, 's', 256);
    long_segment[256] = '\0';
    const char *bad[] = {
        "",
        "..",
        ".",
        "../etc/passwd",
        "a/../../b",
        "a/b/../c",
        "a/..",
        "a/.",
        "./a",
        "a/./b",
        "/abs",
        "/",
        "//",
        "a//b",
        "a///",
        "../",
        "./",
        "a/../",
        long_key,
        long_segment,
        ".x.tmp-0123456789abcdef",
        "dir/.data.csv.tmp-00ff00ff00ff00ff",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (s3_key_valid(bad[i]))
            fprintf(stderr, "  accepted key: \"%s\"\n", bad[i]);
        CHECK(!s3_key_valid(bad[i]));
    }
    CHECK(!s3_key_valid(NULL));
    CHECK(!s3_key_valid_len("a\0/../../etc", 12)); /* NUL hides the rest from C strings */
    CHECK(!s3_key_valid_len("ok\0", 3));
    CHECK(s3_key_valid_len("ok\0", 2));

    char max_key[1100], max_segment[300];
    memset(max_key, 'k', 1024);
    for (int i = 200; i < 1024; i += 200)
        max_key[i] = '/';
    max_key[1024] = '\0';
    memset(max_segment, 's', 255);
    max_segment[255] = '\0';
    const char *good[] = {
        "file",        "a/b/c.csv",       "dir/",         "%2e%2e",       "%2e%2e/x",
        "...",         "a/.../b",         ".hidden",      "a..b/c..",     "caf\xc3\xa9 \xf0\x9f\x98\x80",
        "sp ace/x y",  "back\\slash",     "tab\there",    max_key,        max_segment,
        ".x.tmp-short", "x.tmp-0123456789abcdef",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (!s3_key_valid(good[i]))
            fprintf(stderr, "  refused key: \"%s\"\n", good[i]);
        CHECK(s3_key_valid(good[i]));
    }
}

static void test_temp_names(void)
{
    CHECK(atomic_file_is_temp_name(".a.tmp-0123456789abcdef", 23));
    CHECK(atomic_file_is_temp_name(".a.b.csv.tmp-ffffffffffffffff", 29));
    CHECK(!atomic_file_is_temp_name("a.tmp-0123456789abcdef", 22));
    CHECK(!atomic_file_is_temp_name(".a.tmp-0123456789ABCDEF", 23));
    CHECK(!atomic_file_is_temp_name(".a.tmp-0123456789abcde", 22));
    CHECK(!atomic_file_is_temp_name(".a-0123456789abcdef", 19));
}

/* ---- Paths ---- */

static void test_uri_split(void)
{
    char bucket[64], key[1100], why[128];
    CHECK_INT(s3_uri_split("s3://my-bucket/results/q1.csv", bucket, sizeof bucket, key,
                           sizeof key, why, sizeof why), 0);
    CHECK_STR(bucket, "my-bucket");
    CHECK_STR(key, "results/q1.csv");
    CHECK_INT(s3_uri_split("s3://my-bucket/results/", bucket, sizeof bucket, key, sizeof key,
                           why, sizeof why), 0);
    CHECK_STR(key, "results/");
    CHECK_INT(s3_uri_split("s3://my-bucket", bucket, sizeof bucket, key, sizeof key, why,
                           sizeof why), 0);
    CHECK_STR(bucket, "my-bucket");
    CHECK_STR(key, "");
    CHECK_INT(s3_uri_split("s3://my-bucket/", bucket, sizeof bucket, key, sizeof key, why,
                           sizeof why), 0);
    CHECK_STR(key, "");

    struct {
        const char *uri, *why;
    } bad[] = {
        {"http://my-bucket/x", "not an s3:// URI"},
        {"S3://my-bucket/x", "not an s3:// URI"},
        {"/local/path", "not an s3:// URI"},
        {"s3://", "invalid bucket name in S3 URI"},
        {"s3:///key", "invalid bucket name in S3 URI"},
        {"s3://My_Bucket/key", "invalid bucket name in S3 URI"},
        {"s3://..//etc", "invalid bucket name in S3 URI"},
        {"s3://my-bucket/../other/x", "invalid key in S3 URI"},
        {"s3://my-bucket//abs", "invalid key in S3 URI"},
        {"s3://my-bucket/a//b", "invalid key in S3 URI"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        CHECK_INT(s3_uri_split(bad[i].uri, bucket, sizeof bucket, key, sizeof key, why,
                               sizeof why), -1);
        CHECK_STR(why, bad[i].why);
    }
    char small[4];
    CHECK_INT(s3_uri_split("s3://my-bucket/k", small, sizeof small, key, sizeof key, why,
                           sizeof why), -1);
    CHECK_STR(why, "S3 URI is too long");
}

static void test_object_paths(void)
{
    char out[4096];
    CHECK_INT(s3_object_path("/data/s3", "bkt", "a/b.csv", out, sizeof out), 0);
    CHECK_STR(out, "/data/s3/bkt/a/b.csv");
    CHECK_INT(s3_object_path("/data/s3//", "bkt", "dir/", out, sizeof out), 0);
    CHECK_STR(out, "/data/s3/bkt/dir/");
    CHECK_INT(s3_object_path("/data/s3", "bkt", "", out, sizeof out), 0);
    CHECK_STR(out, "/data/s3/bkt");
    CHECK_INT(s3_object_path("/data/s3", "bkt", "%2e%2e", out, sizeof out), 0);
    CHECK_STR(out, "/data/s3/bkt/%2e%2e");
    CHECK_INT(s3_uri_path("/data/s3", "s3://bkt/t/part-0.parquet", out, sizeof out), 0);
    CHECK_STR(out, "/data/s3/bkt/t/part-0.parquet");

    CHECK_INT(s3_object_path("/data/s3", "bkt", "../x", out, sizeof out), -1);
    CHECK_INT(s3_object_path("/data/s3", "BKT", "x", out, sizeof out), -1);
    CHECK_INT(s3_object_path("/data/s3", "bkt", "/x", out, sizeof out), -1);
    CHECK_INT(s3_object_path("", "bkt", "x", out, sizeof out), -1);
    CHECK_INT(s3_object_path("/data/s3", "bkt", "abcdef", out, 19), -1); /* one byte short */
    CHECK_INT(s3_uri_path("/data/s3", "s3://bkt/a/./b", out, sizeof out), -1);
}

static void test_path_is_inside(void)
{
    char p[PATH_MAX], link[PATH_MAX];
    snprintf(p, sizeof p, "%s/bkt", root);
    make_dirs(p);
    CHECK(s3_path_is_inside(root, root));
    CHECK(s3_path_is_inside(root, p));
    snprintf(p, sizeof p, "%s/bkt/not/yet/there.csv", root);
    CHECK(s3_path_is_inside(root, p));
    CHECK(!s3_path_is_inside(root, outside));
    snprintf(p, sizeof p, "%s-outside/x", root); /* shares the root's prefix */
    CHECK(!s3_path_is_inside(root, p));
    snprintf(p, sizeof p, "%s/bkt/../../s3-outside/x", root);
    CHECK(!s3_path_is_inside(root, p));
    snprintf(p, sizeof p, "%s/bkt/./x", root);
    CHECK(!s3_path_is_inside(root, p));

    /* A symlink inside the root that points outside it. */
    snprintf(link, sizeof link, "%s/bkt/escape", root);
    REQUIRE(symlink(outside, link) == 0);
    snprintf(p, sizeof p, "%s/bkt/escape/new/file.csv", root);
    CHECK(!s3_path_is_inside(root, p));
    /* A symlink that stays inside is fine. */
    snprintf(link, sizeof link, "%s/bkt/alias", root);
    snprintf(p, sizeof p, "%s/bkt", root);
    REQUIRE(symlink(p, link) == 0);
    snprintf(p, sizeof p, "%s/bkt/alias/file.csv", root);
    CHECK(s3_path_is_inside(root, p));
}

/* ---- Atomic files ---- */

static void test_atomic_visible_only_after_commit(void)
{
    char dir[512], path[PATH_MAX], name[256];
    snprintf(dir, sizeof dir, "%s/bkt/deep/er", root);
    snprintf(path, sizeof path, "%s/result.csv", dir);
    atomic_file af;
    REQUIRE(atomic_file_open_under(&af, root, path) == 0);
    CHECK(!exists(path));
    CHECK_INT(count_entries(dir, name, sizeof name), 1); /* only the temp file */
    CHECK(strncmp(name, ".result.csv.tmp-", 16) == 0);
    CHECK(atomic_file_is_temp_name(name, strlen(name)));
    fputs("hello", af.f);
    CHECK(!exists(path));
    CHECK_INT(atomic_file_commit(&af), 0);
    CHECK_STR(read_file(path), "hello");
    CHECK_INT(count_entries(dir, name, sizeof name), 1);
    CHECK_STR(name, "result.csv");
    CHECK_INT(atomic_file_commit(&af), -1); /* already committed */
    atomic_file_abort(&af);                 /* harmless after commit */
    CHECK_STR(read_file(path), "hello");

    /* Replacing: readers see the old content until the new one commits. */
    REQUIRE(atomic_file_open(&af, path) == 0);
    fputs("second version", af.f);
    fflush(af.f);
    CHECK_STR(read_file(path), "hello");
    CHECK_INT(atomic_file_commit(&af), 0);
    CHECK_STR(read_file(path), "second version");
    CHECK_INT(count_entries(dir, NULL, 0), 1);
}

static void test_atomic_abort_leaves_nothing(void)
{
    char dir[512], path[PATH_MAX];
    snprintf(dir, sizeof dir, "%s/abort-bkt", root);
    snprintf(path, sizeof path, "%s/x.csv", dir);
    atomic_file af;
    REQUIRE(atomic_file_open(&af, path) == 0);
    fputs("partial", af.f);
    atomic_file_abort(&af);
    CHECK_INT(count_entries(dir, NULL, 0), 0);
    CHECK(af.f == NULL);
    atomic_file_abort(&af); /* twice is fine */

    /* Abort of a replacement keeps the old file. */
    REQUIRE(atomic_file_open(&af, path) == 0);
    fputs("old", af.f);
    REQUIRE(atomic_file_commit(&af) == 0);
    REQUIRE(atomic_file_open(&af, path) == 0);
    fputs("new", af.f);
    atomic_file_abort(&af);
    CHECK_STR(read_file(path), "old");
    CHECK_INT(count_entries(dir, NULL, 0), 1);
}

/* Files committed together appear together, or not at all. */
static void test_atomic_commit_all_is_all_or_none(void)
{
    char dir[512], first[PATH_MAX], second[PATH_MAX], blocker[PATH_MAX + 8];
    snprintf(dir, sizeof dir, "%s/pair-bkt", root);
    snprintf(first, sizeof first, "%s/q.csv", dir);
    snprintf(second, sizeof second, "%s/q.csv.metadata", dir);
    atomic_file a, b;
    REQUIRE(atomic_file_open(&a, first) == 0);
    REQUIRE(atomic_file_open(&b, second) == 0);
    fputs("data", a.f);
    fputs("meta", b.f);
    atomic_file *const both[] = {&a, &b};
    CHECK_INT(atomic_file_commit_all(both, 2), 0);
    CHECK_STR(read_file(first), "data");
    CHECK_STR(read_file(second), "meta");
    CHECK_INT(count_entries(dir, NULL, 0), 2);

    /* The second cannot be put in place (a folder with a file is in the
     * way): the first is not left behind, nor is any temp file. */
    snprintf(first, sizeof first, "%s/r.csv", dir);
    snprintf(second, sizeof second, "%s/r.csv.metadata", dir);
    snprintf(blocker, sizeof blocker, "%s/file", second);
    REQUIRE(make_dirs(second) == 0);
    FILE *f = fopen(blocker, "w");
    REQUIRE(f != NULL);
    fclose(f);
    REQUIRE(atomic_file_open(&a, first) == 0);
    REQUIRE(atomic_file_open(&b, second) == 0);
    CHECK_INT(atomic_file_commit_all(both, 2), -1);
    CHECK(!exists(first));
    CHECK_INT(count_entries(dir, NULL, 0), 3);   /* q.csv, q.csv.metadata, the folder */
}

static void test_atomic_refusals(void)
{
    char path[PATH_MAX];
    atomic_file af;
    snprintf(path, sizeof path, "%s/bkt/folder/", root);
    CHECK_INT(atomic_file_open(&af, path), -1);
    CHECK_INT(errno, EISDIR);
    snprintf(path, sizeof path, "%s/bkt/..", root);
    CHECK_INT(atomic_file_open(&af, path), -1);
    CHECK_INT(atomic_file_open(&af, ""), -1);

    /* Through the symlink that leads outside: refused, and no folder is
     * created outside the root. */
    snprintf(path, sizeof path, "%s/bkt/escape/sub/file.csv", root);
    CHECK_INT(atomic_file_open_under(&af, root, path), -1);
    CHECK_INT(errno, EACCES);
    CHECK_INT(count_entries(outside, NULL, 0), 0);
    snprintf(path, sizeof path, "%s/bkt/escape/file.csv", root);
    CHECK_INT(atomic_file_open_under(&af, root, path), -1);
    CHECK_INT(count_entries(outside, NULL, 0), 0);
    snprintf(path, sizeof path, "%s/bkt/../../s3-outside/file.csv", root);
    CHECK_INT(atomic_file_open_under(&af, root, path), -1);
    CHECK_INT(count_entries(outside, NULL, 0), 0);

    /* A file where a folder must go. */
    snprintf(path, sizeof path, "%s/bkt/deep/er/result.csv/child", root);
    CHECK_INT(atomic_file_open(&af, path), -1);
    CHECK_INT(errno, ENOTDIR);
}

static void test_long_names_keep_temp_within_limit(void)
{
    char name[256], path[PATH_MAX];
    memset(name, 'n', 255);
    name[255] = '\0';
    snprintf(path, sizeof path, "%s/long-bkt/%s", root, name);
    atomic_file af;
    REQUIRE(atomic_file_open_under(&af, root, path) == 0);
    fputs("x", af.f);
    CHECK_INT(atomic_file_commit(&af), 0);
    CHECK_STR(read_file(path), "x");
}

static void test_make_dirs(void)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/m/a/b/c", root);
    CHECK_INT(make_dirs(p), 0);
    CHECK_INT(make_dirs(p), 0); /* idempotent */
    struct stat st;
    CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
    snprintf(p, sizeof p, "%s/m/a/b/c/", root);
    CHECK_INT(make_dirs(p), 0);
    CHECK_INT(make_dirs(""), -1);
}

int main(void)
{
    make_temp_dirs();
    RUN(test_hostile_buckets_refused);
    RUN(test_hostile_keys_refused);
    RUN(test_temp_names);
    RUN(test_uri_split);
    RUN(test_object_paths);
    RUN(test_path_is_inside);
    RUN(test_atomic_visible_only_after_commit);
    RUN(test_atomic_abort_leaves_nothing);
    RUN(test_atomic_commit_all_is_all_or_none);
    RUN(test_atomic_refusals);
    RUN(test_long_names_keep_temp_within_limit);
    RUN(test_make_dirs);
    char base[256];
    snprintf(base, sizeof base, "%.*s", (int)(strlen(root) - 3), root);
    remove_tree(base);
    return test_summary();
}
