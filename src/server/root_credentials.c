/*
 * root_credentials.c: resolves, generates and stores athena-local's root
 * access key (see root_credentials.h).
 *
 * The file is written to a temporary name, synced, then linked into place:
 * link() never replaces an existing file, so two first starts racing on one
 * data dir end up sharing whichever key landed first, and a crash never
 * leaves a half-written file behind. Every buffer that held the secret is
 * zeroed.
 */
#include "root_credentials.h"

#include "crypto.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_PREFIX "ALKI"
#define KEY_RANDOM_CHARS 16
#define SECRET_RANDOM_BYTES 30      /* 40 base64 characters */
#define FILE_MAX 4096

static const char FILE_HEADER[] =
    "# athena-local root credentials, generated on first start.\n"
    "# Keep this file private (mode 0600). Delete it to get a new key on the next start.\n";

void root_credentials_clear(root_credentials *c)
{
    secure_zero(c->secret, sizeof c->secret);
}

/* Access key ids are word characters, as IAM's AccessKeyIdType says. */
static int valid_key_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return 0;
    return 1;
}

static int valid_secret(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isgraph((unsigned char)s[i]))
            return 0;
    return 1;
}

static int from_environment(root_credentials *out, char *err, size_t cap)
{
    const char *id = getenv(ROOT_ENV_ACCESS_KEY_ID);
    const char *secret = getenv(ROOT_ENV_SECRET_ACCESS_KEY);
    if (!valid_key_id(id)) {
        snprintf(err, cap, "%s must be 1 to 128 letters, digits or '_'", ROOT_ENV_ACCESS_KEY_ID);
        return -1;
    }
    if (!valid_secret(secret)) {
        snprintf(err, cap, "%s must be 1 to 128 printable characters without spaces",
                 ROOT_ENV_SECRET_ACCESS_KEY);
        return -1;
    }
    strcpy(out->access_key_id, id);
    strcpy(out->secret, secret);
    out->from_environment = 1;
    return 0;
}

/* ---- reading the file ---- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* "key = value" lines; '#' starts a comment line. */
static int parse_file(char *text, root_credentials *out, const char *path, char *err, size_t cap)
{
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '=');
        line = trim(line);
        if (*line == '#' || *line == '\0' || !eq)
            continue;
        *eq = '\0';
        char *key = trim(line), *value = trim(eq + 1);
        if (strcmp(key, "aws_access_key_id") == 0 && valid_key_id(value))
            strcpy(out->access_key_id, value);
        else if (strcmp(key, "aws_secret_access_key") == 0 && valid_secret(value))
            strcpy(out->secret, value);
    }
    if (!out->access_key_id[0] || !out->secret[0]) {
        snprintf(err, cap,
                 "%s does not hold a valid aws_access_key_id and aws_secret_access_key; fix it "
                 "or delete it to generate a new key",
                 path);
        return -1;
    }
    return 0;
}

static void warn_if_shared(const char *path, const struct stat *st, root_credentials *out)
{
    if ((st->st_mode & 077) == 0)
        return;
    snprintf(out->warning, sizeof out->warning,
             "%.400s is accessible by other users (mode %04o); run: chmod 600 %.400s", path,
             (unsigned)(st->st_mode & 07777), path);
}

/* 0 loaded, 1 no file, -1 error. */
static int read_file(const char *path, root_credentials *out, char *err, size_t cap)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        snprintf(err, cap, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    char text[FILE_MAX + 1];
    ssize_t n = -1;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= FILE_MAX)
        n = read(fd, text, FILE_MAX);
    close(fd);
    if (n < 0) {
        snprintf(err, cap, "%s is not a readable regular file of at most %d bytes", path,
                 FILE_MAX);
        return -1;
    }
    text[n] = '\0';
    warn_if_shared(path, &st, out);
    int rc = parse_file(text, out, path, err, cap);
    secure_zero(text, sizeof text);
    return rc;
}

/* ---- generating and writing ---- */

/* KEY_PREFIX + 16 of [A-Z0-9], without modulo bias. */
static int generate_key_id(char *out)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t n = strlen(KEY_PREFIX);
    memcpy(out, KEY_PREFIX, n);
    while (n < strlen(KEY_PREFIX) + KEY_RANDOM_CHARS) {
        unsigned char b[32];
        if (random_bytes(b, sizeof b) != 0)
            return -1;
        for (size_t i = 0; i < sizeof b && n < strlen(KEY_PREFIX) + KEY_RANDOM_CHARS; i++)
            if (b[i] < 252)  /* 252 = 7 * 36 */
                out[n++] = alphabet[b[i] % 36];
    }
    out[n] = '\0';
    return 0;
}

static int generate_secret(char *out)
{
    unsigned char raw[SECRET_RANDOM_BYTES];
    if (random_bytes(raw, sizeof raw) != 0)
        return -1;
    EVP_EncodeBlock((unsigned char *)out, raw, sizeof raw);
    secure_zero(raw, sizeof raw);
    return 0;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

/* Writes the temporary file; returns its fd result (0/-1). */
static int write_temp(int fd, const root_credentials *c)
{
    char text[sizeof FILE_HEADER + 512];
    int n = snprintf(text, sizeof text, "%saws_access_key_id = %s\naws_secret_access_key = %s\n",
                     FILE_HEADER, c->access_key_id, c->secret);
    int rc = (n > 0 && (size_t)n < sizeof text && fchmod(fd, 0600) == 0 &&
              write_all(fd, text, (size_t)n) == 0 && fsync(fd) == 0)
                 ? 0
                 : -1;
    secure_zero(text, sizeof text);
    return rc;
}

/* 0 stored, 1 someone else stored a file first, -1 error. */
static int store_file(const char *data_dir, const char *path, const root_credentials *c,
                      char *err, size_t cap)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", data_dir, ROOT_CREDENTIALS_FILE);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, cap, "cannot create a file in %s: %s", data_dir, strerror(errno));
        return -1;
    }
    int rc = write_temp(fd, c);
    if (close(fd) != 0)
        rc = -1;
    int linked = rc == 0 ? link(tmp, path) : -1;
    int link_errno = errno;
    unlink(tmp);
    if (rc != 0 || (linked != 0 && link_errno != EEXIST)) {
        snprintf(err, cap, "cannot write %s: %s", path,
                 strerror(rc != 0 ? EIO : link_errno));
        return -1;
    }
    if (linked != 0)
        return 1;
    fsync_dir(data_dir);
    return 0;
}

static int generate(const char *data_dir, const char *path, root_credentials *out, char *err,
                    size_t cap)
{
    if (generate_key_id(out->access_key_id) != 0 || generate_secret(out->secret) != 0) {
        snprintf(err, cap, "cannot generate root credentials: no secure random source");
        return -1;
    }
    int rc = store_file(data_dir, path, out, err, cap);
    if (rc == 0) {
        out->generated = 1;
        return 0;
    }
    root_credentials_clear(out);
    out->access_key_id[0] = '\0';
    if (rc != 1)
        return -1;
    /* Another start created the file meanwhile: use its key. */
    rc = read_file(path, out, err, cap);
    if (rc == 1)
        snprintf(err, cap, "%s vanished while athena-local was starting", path);
    return rc == 0 ? 0 : -1;
}

int root_credentials_load(const char *data_dir, root_credentials *out, char *err, size_t cap)
{
    memset(out, 0, sizeof *out);
    const char *id = getenv(ROOT_ENV_ACCESS_KEY_ID);
    const char *secret = getenv(ROOT_ENV_SECRET_ACCESS_KEY);
    if (id && secret)
        return from_environment(out, err, cap);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", data_dir, ROOT_CREDENTIALS_FILE);
    int rc = read_file(path, out, err, cap);
    if (rc == 1)
        rc = generate(data_dir, path, out, err, cap);
    if (rc == 0 && (id || secret) && !out->warning[0])
        snprintf(out->warning, sizeof out->warning,
                 "only one of %s and %s is set; both are needed, so the key in %.400s is used",
                 ROOT_ENV_ACCESS_KEY_ID, ROOT_ENV_SECRET_ACCESS_KEY, path);
    return rc;
}
