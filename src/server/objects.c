/*
 * objects.c: S3 buckets and keys as paths under S3_ROOT, and atomic writes
 * (objects.h).
 *
 * Every path the server builds from a bucket or key comes through here, so
 * the rules that keep keys inside S3_ROOT live in one place:
 * - a key is taken literally: the S3 layer percent-decodes the request path
 *   before calling us, so "%2e%2e" here is a harmless file name made of those
 *   six characters, never "..";
 * - "." and ".." segments, a leading '/', NUL and empty segments ("a//b") are
 *   refused. S3 itself allows "a//b", but a filesystem collapses it, so two
 *   distinct keys would share one file: we refuse rather than alias;
 * - a segment longer than a file name may be (255 bytes) is refused, as is a
 *   segment shaped like our own temp files, so a listing can skip those;
 * - symlinks are not followed out of S3_ROOT when writing
 *   (atomic_file_open_under).
 */
#include "objects.h"

#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_MAX_BYTES 1024
#define SEGMENT_MAX_BYTES 255
#define TEMP_MARK ".tmp-"
#define TEMP_RANDOM_HEX 16

static void set_why(char *why, size_t cap, const char *text)
{
    if (why && cap)
        snprintf(why, cap, "%s", text);
}

/* ---- Names ---- */

static int is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends_with(const char *s, size_t len, const char *suffix)
{
    size_t n = strlen(suffix);
    return len >= n && memcmp(s + len - n, suffix, n) == 0;
}

/* "192.168.5.4": four dot-separated runs of digits. */
static int looks_like_ipv4(const char *s)
{
    int dots = 0, digits = 0;
    for (; *s; s++) {
        if (*s == '.') {
            if (!digits)
                return 0;
            dots++;
            digits = 0;
        } else if (*s >= '0' && *s <= '9') {
            digits++;
        } else {
            return 0;
        }
    }
    return dots == 3 && digits > 0;
}

/* The general-purpose bucket naming rules of S3. */
int s3_bucket_valid(const char *bucket)
{
    if (!bucket)
        return 0;
    size_t len = strlen(bucket);
    if (len < 3 || len > 63)
        return 0;
    if (!is_lower_alnum(bucket[0]) || !is_lower_alnum(bucket[len - 1]))
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = bucket[i];
        if (!is_lower_alnum(c) && c != '.' && c != '-')
            return 0;
        if (c == '.' && bucket[i + 1] == '.')
            return 0;
    }
    if (looks_like_ipv4(bucket))
        return 0;
    static const char *const reserved_prefixes[] = {"xn--", "sthree-", "amzn-s3-demo-"};
    static const char *const reserved_suffixes[] = {"-s3alias", "--ol-s3", ".mrap", "--x-s3",
                                                    "--table-s3"};
    for (size_t i = 0; i < sizeof reserved_prefixes / sizeof *reserved_prefixes; i++)
        if (starts_with(bucket, reserved_prefixes[i]))
            return 0;
    for (size_t i = 0; i < sizeof reserved_suffixes / sizeof *reserved_suffixes; i++)
        if (ends_with(bucket, len, reserved_suffixes[i]))
            return 0;
    return 1;
}

int atomic_file_is_temp_name(const char *name, size_t len)
{
    size_t mark = strlen(TEMP_MARK);
    if (len < 1 + mark + TEMP_RANDOM_HEX || name[0] != '.')
        return 0;
    const char *tail = name + len - TEMP_RANDOM_HEX;
    if (memcmp(tail - mark, TEMP_MARK, mark) != 0)
        return 0;
    for (size_t i = 0; i < TEMP_RANDOM_HEX; i++)
        if (!((tail[i] >= '0' && tail[i] <= '9') || (tail[i] >= 'a' && tail[i] <= 'f')))
            return 0;
    return 1;
}

/* One segment of a key (between slashes). */
static int segment_valid(const char *s, size_t len)
{
    if (len == 0 || len > SEGMENT_MAX_BYTES)
        return 0;
    if ((len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
        return 0;
    return !atomic_file_is_temp_name(s, len);
}

/* A key, or with allow_prefix a prefix: then "" and a trailing '/' are fine. */
static int key_check(const char *key, size_t len, int allow_prefix)
{
    if (len > KEY_MAX_BYTES || memchr(key, '\0', len))
        return 0;
    if (len == 0)
        return allow_prefix;
    if (key[0] == '/')
        return 0;
    size_t body = len;
    if (key[len - 1] == '/')
        body--; /* "dir/": S3 folder placeholder or prefix */
    const char *p = key, *end = key + body;
    while (p <= end) {
        const char *slash = memchr(p, '/', (size_t)(end - p));
        const char *seg_end = slash ? slash : end;
        if (!segment_valid(p, (size_t)(seg_end - p)))
            return 0;
        if (!slash)
            break;
        p = slash + 1;
    }
    return 1;
}

int s3_key_valid_len(const char *key, size_t len)
{
    return key && key_check(key, len, 0);
}

int s3_key_valid(const char *key)
{
    return key && key_check(key, strlen(key), 0);
}

/* ---- Paths ---- */

int s3_uri_split(const char *uri, char *bucket, size_t bucket_cap, char *key, size_t key_cap,
                 char *why, size_t why_cap)
{
    if (!uri || strncmp(uri, "s3://", 5) != 0) {
        set_why(why, why_cap, "not an s3:// URI");
        return -1;
    }
    const char *b = uri + 5;
    const char *slash = strchr(b, '/');
    size_t blen = slash ? (size_t)(slash - b) : strlen(b);
    const char *k = slash ? slash + 1 : "";
    size_t klen = strlen(k);
    if (blen >= bucket_cap || klen >= key_cap) {
        set_why(why, why_cap, "S3 URI is too long");
        return -1;
    }
    memcpy(bucket, b, blen);
    bucket[blen] = '\0';
    if (!s3_bucket_valid(bucket)) {
        set_why(why, why_cap, "invalid bucket name in S3 URI");
        return -1;
    }
    if (!key_check(k, klen, 1)) {
        set_why(why, why_cap, "invalid key in S3 URI");
        return -1;
    }
    memcpy(key, k, klen + 1);
    return 0;
}

int s3_object_path(const char *s3_root, const char *bucket, const char *key, char *out,
                   size_t cap)
{
    if (!s3_root || !*s3_root || !s3_bucket_valid(bucket) || !key ||
        !key_check(key, strlen(key), 1))
        return -1;
    size_t root_len = strlen(s3_root);
    while (root_len > 1 && s3_root[root_len - 1] == '/')
        root_len--;
    int n = snprintf(out, cap, "%.*s/%s/%s", (int)root_len, s3_root, bucket, key);
    if (n < 0 || (size_t)n >= cap)
        return -1;
    if (!*key)
        out[n - 1] = '\0'; /* the bucket folder itself, without a trailing '/' */
    return 0;
}

int s3_uri_path(const char *s3_root, const char *uri, char *out, size_t cap)
{
    char bucket[64], key[KEY_MAX_BYTES + 1];
    if (s3_uri_split(uri, bucket, sizeof bucket, key, sizeof key, NULL, 0) != 0)
        return -1;
    return s3_object_path(s3_root, bucket, key, out, cap);
}

/* realpath() of the deepest part of path that exists now, into out. */
static int resolve_existing_ancestor(const char *path, char *out)
{
    char probe[PATH_MAX];
    if (strlen(path) >= sizeof probe)
        return -1;
    strcpy(probe, path);
    for (;;) {
        if (realpath(probe, out))
            return 0;
        if (errno != ENOENT && errno != ENOTDIR)
            return -1;
        char *slash = strrchr(probe, '/');
        if (!slash) {
            strcpy(probe, "."); /* a relative path starts in the working folder */
            continue;
        }
        if (slash == probe) {
            probe[1] = '\0'; /* "/" exists */
            continue;
        }
        *slash = '\0';
    }
}

/* 1 if path has a "." or ".." segment, which would make the deepest existing
 * ancestor a poor stand-in for where the path finally lands. */
static int has_dot_segment(const char *path)
{
    for (const char *p = path; *p;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 1;
        p += n + (slash ? 1 : 0);
    }
    return 0;
}

int s3_path_is_inside(const char *s3_root, const char *path)
{
    char root[PATH_MAX], real[PATH_MAX];
    if (!s3_root || !path || has_dot_segment(path))
        return 0;
    if (!realpath(s3_root, root) || resolve_existing_ancestor(path, real) != 0)
        return 0;
    size_t n = strlen(root);
    if (strncmp(real, root, n) != 0)
        return 0;
    return real[n] == '\0' || real[n] == '/' || (n == 1 && root[0] == '/');
}

/* ---- Directories ---- */

static int ensure_dir(const char *path)
{
    if (mkdir(path, 0755) == 0)
        return 0;
    if (errno != EEXIST)
        return -1;
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

int make_dirs(const char *path)
{
    char p[PATH_MAX];
    size_t len = path ? strlen(path) : 0;
    if (len == 0 || len >= sizeof p) {
        errno = len ? ENAMETOOLONG : EINVAL;
        return -1;
    }
    memcpy(p, path, len + 1);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        int rc = ensure_dir(p);
        *s = '/';
        if (rc != 0)
            return -1;
    }
    return ensure_dir(p);
}

/* ---- Atomic files ---- */

/* Splits final_path into its folder (into dir) and its last segment. */
static const char *split_parent(const char *final_path, char *dir, size_t cap)
{
    const char *slash = strrchr(final_path, '/');
    const char *base = slash ? slash + 1 : final_path;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return NULL;
    size_t dlen = !slash ? 1 : slash == final_path ? 1 : (size_t)(slash - final_path);
    if (dlen >= cap)
        return NULL;
    memcpy(dir, slash ? final_path : ".", dlen);
    dir[dlen] = '\0';
    return base;
}

static int open_temp(atomic_file *af, const char *dir, const char *base)
{
    unsigned char rnd[TEMP_RANDOM_HEX / 2];
    char hex[TEMP_RANDOM_HEX + 1];
    /* Keep the temp name within NAME_MAX however long the final name is. */
    int keep = (int)(SEGMENT_MAX_BYTES - 1 - strlen(TEMP_MARK) - TEMP_RANDOM_HEX);
    for (int attempt = 0; attempt < 8; attempt++) {
        if (random_bytes(rnd, sizeof rnd) != 0)
            return -1;
        hex_encode(rnd, sizeof rnd, hex);
        int n = snprintf(af->tmp_path, sizeof af->tmp_path, "%s/.%.*s%s%s", dir, keep, base,
                         TEMP_MARK, hex);
        if (n < 0 || (size_t)n >= sizeof af->tmp_path) {
            errno = ENAMETOOLONG;
            return -1;
        }
        int fd = open(af->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd >= 0) {
            af->f = fdopen(fd, "wb");
            if (af->f)
                return 0;
            int saved = errno;
            close(fd);
            unlink(af->tmp_path);
            errno = saved;
            return -1;
        }
        if (errno != EEXIST)
            return -1;
    }
    return -1;
}

static int open_checked(atomic_file *af, const char *s3_root, const char *final_path)
{
    memset(af, 0, sizeof *af);
    char dir[sizeof af->final_path];
    size_t len = final_path ? strlen(final_path) : 0;
    if (len == 0 || len >= sizeof af->final_path) {
        errno = len ? ENAMETOOLONG : EINVAL;
        return -1;
    }
    const char *base = split_parent(final_path, dir, sizeof dir);
    if (!base) {
        errno = EISDIR;
        return -1;
    }
    /* Check before creating folders (so none appear outside the root) and
     * after (the folders now exist and may be symlinks). */
    if (s3_root && !s3_path_is_inside(s3_root, dir)) {
        errno = EACCES;
        return -1;
    }
    if (make_dirs(dir) != 0)
        return -1;
    if (s3_root && !s3_path_is_inside(s3_root, dir)) {
        errno = EACCES;
        return -1;
    }
    memcpy(af->final_path, final_path, len + 1);
    if (open_temp(af, dir, base) != 0) {
        int saved = errno;
        memset(af, 0, sizeof *af);
        errno = saved;
        return -1;
    }
    return 0;
}

int atomic_file_open(atomic_file *af, const char *final_path)
{
    return open_checked(af, NULL, final_path);
}

int atomic_file_open_under(atomic_file *af, const char *s3_root, const char *final_path)
{
    if (!s3_root) {
        memset(af, 0, sizeof *af);
        errno = EINVAL;
        return -1;
    }
    return open_checked(af, s3_root, final_path);
}

static int fsync_parent_dir(const char *final_path)
{
    char dir[4096];
    if (!split_parent(final_path, dir, sizeof dir))
        return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Flushes, syncs and closes the temp file. 0, or -1 with errno. */
static int sync_temp(atomic_file *af)
{
    if (!af->f) {
        errno = EINVAL;
        return -1;
    }
    FILE *f = af->f;
    af->f = NULL;
    int rc = fflush(f) == 0 && !ferror(f) && fsync(fileno(f)) == 0 ? 0 : -1;
    int saved = errno;
    if (fclose(f) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    errno = saved;
    return rc;
}

int atomic_file_commit_all(atomic_file *const *files, size_t count)
{
    int rc = 0, saved = 0;
    size_t renamed = 0;
    for (size_t i = 0; i < count; i++)
        if (sync_temp(files[i]) != 0 && rc == 0) {
            rc = -1;
            saved = errno;
        }
    for (; rc == 0 && renamed < count; renamed++)
        if (rename(files[renamed]->tmp_path, files[renamed]->final_path) != 0) {
            rc = -1;
            saved = errno;
            break;
        }
    for (size_t i = 0; i < count; i++) {
        if (rc != 0 && i < renamed)
            unlink(files[i]->final_path);   /* all or none */
        else if (rc != 0)
            unlink(files[i]->tmp_path);
        files[i]->tmp_path[0] = '\0';
    }
    if (rc != 0) {
        errno = saved;
        return -1;
    }
    /* The renames are durable only once the folder itself is synced. */
    return count ? fsync_parent_dir(files[0]->final_path) : 0;
}

int atomic_file_commit(atomic_file *af)
{
    return atomic_file_commit_all(&af, 1);
}

void atomic_file_abort(atomic_file *af)
{
    if (af->f) {
        fclose(af->f);
        af->f = NULL;
    }
    if (af->tmp_path[0]) {
        unlink(af->tmp_path);
        af->tmp_path[0] = '\0';
    }
}
