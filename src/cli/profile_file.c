/*
 * profile_file.c: the line-based writer of one profile of the AWS shared
 * config and credentials files (see profile_file.h).
 */
#include "profile_file.h"

#include "buf.h"
#include "crypto.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_PROFILE_FILE_BYTES (16u << 20)

int profile_name_valid(const char *name)
{
    if (!name || !name[0] || strlen(name) > 128)
        return 0;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("-_.@+", *p))
            return 0;
    return 1;
}

int profile_value_valid(const char *value)
{
    size_t n = strlen(value);
    if (n && (isspace((unsigned char)value[0]) || isspace((unsigned char)value[n - 1])))
        return 0;
    for (const char *p = value; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return 0;
    return 1;
}

/* ---- the text ---- */

static size_t trimmed(const char **s, size_t len)
{
    while (len && isspace((unsigned char)**s))
        (*s)++, len--;
    while (len && isspace((unsigned char)(*s)[len - 1]))
        len--;
    return len;
}

static int same(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(s, word, len) == 0;
}

/* Whether a section header line ("[...]") opens the profile. bare_default:
 * "[default]" counts as the default profile (in the config file, only when
 * there is no "[profile default]", which wins over it as ini.c reads it). */
static int header_matches(const char *line, size_t len, profile_file_kind kind,
                          const char *profile, int bare_default)
{
    const char *close = memchr(line, ']', len);
    const char *name = line + 1;
    size_t n = trimmed(&name, (size_t)(close - line) - 1);
    if (kind == PROFILE_CREDENTIALS_FILE)
        return same(name, n, profile);
    if (bare_default && strcmp(profile, "default") == 0 && same(name, n, "default"))
        return 1;
    if (n < 8 || memcmp(name, "profile", 7) != 0 || !isspace((unsigned char)name[7]))
        return 0;
    name += 8, n -= 8;
    n = trimmed(&name, n);
    return same(name, n, profile);
}

static int is_header(const char *line, size_t len)
{
    return len && line[0] == '[' && memchr(line, ']', len);
}

static int is_blank_or_comment(const char *line, size_t len)
{
    const char *p = line;
    size_t n = trimmed(&p, len);
    return n == 0 || p[0] == '#' || p[0] == ';';
}

/* The key a property line sets ("key = value" at column 0), if it is one
 * of the settings' keys. */
static int sets_managed_key(const char *line, size_t len, const profile_setting *settings,
                            size_t count)
{
    if (isspace((unsigned char)line[0]) || is_blank_or_comment(line, len))
        return 0;
    const char *eq = memchr(line, '=', len);
    if (!eq)
        return 0;
    const char *key = line;
    size_t n = trimmed(&key, (size_t)(eq - line));
    for (size_t i = 0; i < count; i++)
        if (same(key, n, settings[i].key))
            return 1;
    return 0;
}

static int append_settings(buf *out, const profile_setting *settings, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (settings[i].value && settings[i].value[0] &&
            buf_printf(out, "%s = %s\n", settings[i].key, settings[i].value) != 0)
            return -1;
    return 0;
}

static int append_new_section(buf *out, profile_file_kind kind, const char *profile,
                              const profile_setting *settings, size_t count)
{
    if (out->len && out->data[out->len - 1] != '\n' && buf_putc(out, '\n') != 0)
        return -1;
    if (out->len && buf_putc(out, '\n') != 0)
        return -1;
    int rc = kind == PROFILE_CREDENTIALS_FILE || strcmp(profile, "default") == 0
                 ? buf_printf(out, "[%s]\n", profile)
                 : buf_printf(out, "[profile %s]\n", profile);
    return rc != 0 ? -1 : append_settings(out, settings, count);
}

/* Inserts the settings at offset at of out. */
static int insert_settings(buf *out, size_t at, const profile_setting *settings, size_t count)
{
    buf lines = BUF_INIT;
    int rc = append_settings(&lines, settings, count);
    if (rc == 0 && lines.len) {
        if (at > 0 && out->data[at - 1] != '\n' && buf_putc(&lines, '\0') == 0) {
            /* The block's last line had no newline: start ours on a new line. */
            memmove(lines.data + 1, lines.data, lines.len - 1);
            lines.data[0] = '\n';
        }
        size_t tail = out->len - at;
        rc = buf_reserve(out, lines.len);
        if (rc == 0) {
            memmove(out->data + at + lines.len, out->data + at, tail);
            memcpy(out->data + at, lines.data, lines.len);
            out->len += lines.len;
            out->data[out->len] = '\0';
        }
    }
    buf_free_secure(&lines);
    return rc;
}

/* Whether the text has a "[profile default]" header. */
static int has_profile_default(const char *text, size_t len)
{
    for (size_t pos = 0; pos < len;) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) + 1 : len - pos;
        pos += n;
        if (is_header(line, n) && header_matches(line, n, PROFILE_CONFIG_FILE, "default", 0))
            return 1;
    }
    return 0;
}

char *profile_text_update(const char *text, size_t len, profile_file_kind kind,
                          const char *profile, const profile_setting *settings, size_t count)
{
    buf out = BUF_INIT;
    int bare_default = kind == PROFILE_CONFIG_FILE && !has_profile_default(text, len);
    int in_profile = 0, skipping = 0, found = 0, failed = 0;
    size_t insert_at = 0;
    for (size_t pos = 0; pos < len && !failed;) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) + 1 : len - pos;
        pos += n;
        if (is_header(line, n)) {
            in_profile = header_matches(line, n, kind, profile, bare_default);
            skipping = 0;
        } else if (in_profile && skipping && isspace((unsigned char)line[0]) &&
                   !is_blank_or_comment(line, n)) {
            continue; /* continuation of a replaced value */
        } else if (in_profile && sets_managed_key(line, n, settings, count)) {
            skipping = 1;
            continue;
        } else {
            skipping = 0;
        }
        failed = buf_append(&out, line, n) != 0;
        if (in_profile && !is_blank_or_comment(line, n)) {
            found = 1;
            insert_at = out.len; /* after the block's last header or property line */
        }
    }
    if (!failed)
        failed = found ? insert_settings(&out, insert_at, settings, count)
                       : append_new_section(&out, kind, profile, settings, count);
    if (failed) {
        buf_free_secure(&out);
        return NULL;
    }
    return buf_detach(&out);
}

/* ---- the file ---- */

int profile_file_path(profile_file_kind kind, char *out, size_t cap)
{
    const char *env = getenv(kind == PROFILE_CONFIG_FILE ? "AWS_CONFIG_FILE"
                                                         : "AWS_SHARED_CREDENTIALS_FILE");
    const char *home = getenv("HOME");
    const char *leaf = kind == PROFILE_CONFIG_FILE ? "config" : "credentials";
    if (env && env[0] == '~' && env[1] == '/' && home && home[0])
        return snprintf(out, cap, "%s%s", home, env + 1) < (int)cap ? 0 : -1;
    if (env && env[0])
        return snprintf(out, cap, "%s", env) < (int)cap ? 0 : -1;
    if (!home || !home[0]) {
        snprintf(out, cap, "HOME is not set: set it, or set %s",
                 kind == PROFILE_CONFIG_FILE ? "AWS_CONFIG_FILE" : "AWS_SHARED_CREDENTIALS_FILE");
        return -1;
    }
    return snprintf(out, cap, "%s/.aws/%s", home, leaf) < (int)cap ? 0 : -1;
}

/* Reads the whole file into out; a missing file is empty. */
static int read_existing(const char *path, buf *out, char *message, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(message, cap, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char chunk[4096];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = out->len + n > MAX_PROFILE_FILE_BYTES ? -1 : buf_append(out, chunk, n);
    if (rc == 0 && ferror(f))
        rc = -1;
    secure_zero(chunk, sizeof chunk);
    fclose(f);
    if (rc != 0)
        snprintf(message, cap, "cannot read %s: %s", path,
                 out->len > MAX_PROFILE_FILE_BYTES ? "too large" : "read error");
    return rc;
}

/* The directory part of path, created (0700) when missing. */
static int ensure_directory(const char *path, char *message, size_t cap)
{
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path)
        return 0;
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (mkdir(dir, 0700) == 0 || errno == EEXIST)
        return 0;
    snprintf(message, cap, "cannot create %s: %s", dir, strerror(errno));
    return -1;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len) {
        ssize_t w = write(fd, data, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        data += w, len -= (size_t)w;
    }
    return 0;
}

/* Writes text to a 0600 temporary file beside target and renames it over. */
static int replace_atomically(const char *target, const char *text, char *message, size_t cap)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", target) >= (int)sizeof tmp) {
        snprintf(message, cap, "path too long: %s", target);
        return -1;
    }
    int fd = mkstemp(tmp); /* mode 0600 */
    if (fd < 0) {
        snprintf(message, cap, "cannot create a file beside %s: %s", target, strerror(errno));
        return -1;
    }
    int rc = fchmod(fd, 0600) == 0 && write_all(fd, text, strlen(text)) == 0 && fsync(fd) == 0
                 ? 0 : -1;
    int saved = errno;
    if (close(fd) != 0 && rc == 0)
        rc = -1, saved = errno;
    if (rc == 0 && rename(tmp, target) != 0)
        rc = -1, saved = errno;
    if (rc != 0) {
        unlink(tmp);
        snprintf(message, cap, "cannot write %s: %s", target, strerror(saved));
    }
    return rc;
}

int profile_file_update(const char *path, profile_file_kind kind, const char *profile,
                        const profile_setting *settings, size_t count, char *message,
                        size_t cap)
{
    char resolved[PATH_MAX];
    /* Through a symlink (dotfile managers), replace the file it points to. */
    const char *target = realpath(path, resolved) ? resolved : path;
    buf old = BUF_INIT;
    if (ensure_directory(target, message, cap) != 0 ||
        read_existing(target, &old, message, cap) != 0) {
        buf_free_secure(&old);
        return -1;
    }
    char *text = profile_text_update(buf_str(&old), old.len, kind, profile, settings, count);
    buf_free_secure(&old);
    if (!text) {
        snprintf(message, cap, "out of memory");
        return -1;
    }
    int rc = replace_atomically(target, text, message, cap);
    secure_free_str(text);
    return rc;
}
