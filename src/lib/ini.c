/*
 * ini.c: parses the AWS shared config and credentials files into sections
 * of properties (see ini.h for the format) and answers lookups on them.
 *
 * The parser works line by line with a little state: the current section and
 * the last property, which indented lines continue or extend as a
 * sub-section. All stored strings are zeroed when freed, and warnings name
 * the line but never quote it, because a malformed line may be a secret.
 */
#include "ini.h"

#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Far more than any real profile file; guards against reading a device or a
 * huge file by mistake. */
#define INI_MAX_FILE_SIZE (16u * 1024u * 1024u)

typedef struct parser {
    ini_file *file;
    ini_file_kind kind;
    const char *name;
    ini_warn_fn warn;
    void *user_data;
    size_t line_no;
    long section;      /* index of the current section, -1 if none */
    long property;     /* index of the last property in it, -1 if none */
    int skip_silently; /* after a malformed header, drop its lines without more warnings */
    int out_of_memory;
} parser;

/* ---- small string helpers ---- */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n)
{
    while (*n && (is_blank(**s) || **s == '\r'))
        (*s)++, (*n)--;
    while (*n && (is_blank((*s)[*n - 1]) || (*s)[*n - 1] == '\r'))
        (*n)--;
}

/* A value ends at '#' or ';' preceded by whitespace, so "a#b" stays whole. */
static void strip_inline_comment(const char *s, size_t *n)
{
    for (size_t i = 1; i < *n; i++) {
        if ((s[i] == '#' || s[i] == ';') && is_blank(s[i - 1])) {
            *n = i;
            break;
        }
    }
    while (*n && is_blank(s[*n - 1]))
        (*n)--;
}

static char *copy_range(parser *p, const char *s, size_t n)
{
    char *out = malloc(n + 1);
    if (!out) {
        p->out_of_memory = 1;
        return NULL;
    }
    memcpy(out, s, n);
    out[n] = '\0';
    return out;
}

static void warn(parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(parser *p, const char *fmt, ...)
{
    if (!p->warn)
        return;
    char what[256], message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(message, sizeof message, "%s line %zu: %s", p->name ? p->name : "(config)",
             p->line_no, what);
    p->warn(p->user_data, message);
}

/* The array with room for one more zeroed element at index count, or NULL
 * (the array unchanged) when memory runs out. */
static void *append_slot(void *items, size_t count, size_t elem)
{
    char *bigger = realloc(items, (count + 1) * elem);
    if (bigger)
        memset(bigger + count * elem, 0, elem);
    return bigger;
}

/* Adds key = value to the section, taking ownership of both (freed on
 * failure; NULL inputs count as failure). */
static ini_property *add_property(ini_section *section, char *key, char *value)
{
    ini_property *props = key && value ? append_slot(section->props, section->count,
                                                     sizeof *props)
                                       : NULL;
    if (!props) {
        secure_free_str(key);
        secure_free_str(value);
        return NULL;
    }
    section->props = props;
    ini_property *prop = &props[section->count++];
    prop->key = key;
    prop->value = value;
    return prop;
}

/* Adds k = v to the property's sub-section, with add_property's ownership rules. */
static ini_pair *add_pair(ini_property *prop, char *key, char *value)
{
    ini_pair *subs = key && value ? append_slot(prop->subs, prop->sub_count, sizeof *subs) : NULL;
    if (!subs) {
        secure_free_str(key);
        secure_free_str(value);
        return NULL;
    }
    prop->subs = subs;
    ini_pair *pair = &subs[prop->sub_count++];
    pair->key = key;
    pair->value = value;
    return pair;
}

/* ---- sections ---- */

static long find_section_index(const ini_file *f, ini_section_kind kind, const char *name)
{
    for (size_t i = 0; i < f->count; i++)
        if (f->sections[i].kind == kind && strcmp(f->sections[i].name, name) == 0)
            return (long)i;
    return -1;
}

static long open_section(parser *p, ini_section_kind kind, const char *name, size_t n)
{
    char *copy = copy_range(p, name, n);
    if (!copy)
        return -1;
    long existing = find_section_index(p->file, kind, copy);
    if (existing >= 0) {
        secure_free_str(copy);
        return existing;
    }
    ini_section *sections = append_slot(p->file->sections, p->file->count, sizeof *sections);
    if (!sections) {
        p->out_of_memory = 1;
        secure_free_str(copy);
        return -1;
    }
    p->file->sections = sections;
    sections[p->file->count] = (ini_section){.kind = kind, .name = copy};
    return (long)p->file->count++;
}

/* If s starts with word followed by whitespace, points rest at what follows. */
static int has_prefix_word(const char *s, size_t n, const char *word, const char **rest,
                           size_t *rest_n)
{
    size_t w = strlen(word);
    if (n <= w || memcmp(s, word, w) != 0 || !is_blank(s[w]))
        return 0;
    *rest = s + w;
    *rest_n = n - w;
    trim(rest, rest_n);
    return *rest_n > 0;
}

static ini_section_kind classify_config_section(const char **name, size_t *n)
{
    const char *rest;
    size_t rest_n;
    if (*n == 7 && memcmp(*name, "default", 7) == 0)
        return INI_SECTION_BARE_DEFAULT;
    if (has_prefix_word(*name, *n, "profile", &rest, &rest_n)) {
        *name = rest, *n = rest_n;
        return INI_SECTION_PROFILE;
    }
    if (has_prefix_word(*name, *n, "services", &rest, &rest_n)) {
        *name = rest, *n = rest_n;
        return INI_SECTION_SERVICES;
    }
    return INI_SECTION_IGNORED;
}

static void parse_section_header(parser *p, const char *s, size_t n)
{
    const char *close = memchr(s, ']', n);
    const char *after = close ? close + 1 : NULL;
    size_t after_n = close ? n - (size_t)(after - s) : 0;
    trim(&after, &after_n);
    int trailing_ok = after_n == 0 || after[0] == '#' || after[0] == ';';
    const char *name = s + 1;
    size_t name_n = close ? (size_t)(close - name) : 0;
    trim(&name, &name_n);
    p->property = -1;
    if (!close || !trailing_ok || name_n == 0) {
        warn(p, "malformed section header, section ignored");
        p->section = -1;
        p->skip_silently = 1;
        return;
    }
    ini_section_kind kind = INI_SECTION_PROFILE;
    if (p->kind == INI_CONFIG_FILE)
        kind = classify_config_section(&name, &name_n);
    p->section = open_section(p, kind, name, name_n);
    p->skip_silently = 0;
}

/* ---- properties ---- */

/* Splits "key = value" into trimmed parts; 0 when there is no '=' or key. */
static int split_key_value(const char *s, size_t n, const char **key, size_t *key_n,
                           const char **value, size_t *value_n)
{
    const char *eq = memchr(s, '=', n);
    if (!eq)
        return 0;
    *key = s, *key_n = (size_t)(eq - s);
    *value = eq + 1, *value_n = n - (size_t)(eq - s) - 1;
    trim(key, key_n);
    trim(value, value_n);
    strip_inline_comment(*value, value_n);
    return *key_n > 0;
}

static void parse_property(parser *p, const char *s, size_t n)
{
    p->property = -1;
    if (p->section < 0) {
        if (!p->skip_silently)
            warn(p, "property outside of any section, ignored");
        return;
    }
    const char *key, *value;
    size_t key_n, value_n;
    if (!split_key_value(s, n, &key, &key_n, &value, &value_n)) {
        warn(p, "expected 'key = value', line ignored");
        return;
    }
    ini_section *sec = &p->file->sections[p->section];
    if (!add_property(sec, copy_range(p, key, key_n), copy_range(p, value, value_n))) {
        p->out_of_memory = 1;
        return;
    }
    p->property = (long)sec->count - 1;
}

static void add_sub_property(parser *p, ini_property *prop, const char *s, size_t n)
{
    const char *key, *value;
    size_t key_n, value_n;
    if (!split_key_value(s, n, &key, &key_n, &value, &value_n)) {
        warn(p, "expected 'key = value' in a sub-section, line ignored");
        return;
    }
    if (!add_pair(prop, copy_range(p, key, key_n), copy_range(p, value, value_n)))
        p->out_of_memory = 1;
}

/* Appends "\n" + line to the value; the old copy is zeroed, not just freed. */
static void continue_value(parser *p, ini_property *prop, const char *s, size_t n)
{
    size_t old = strlen(prop->value);
    char *joined = malloc(old + 1 + n + 1);
    if (!joined) {
        p->out_of_memory = 1;
        return;
    }
    memcpy(joined, prop->value, old);
    joined[old] = '\n';
    memcpy(joined + old + 1, s, n);
    joined[old + 1 + n] = '\0';
    secure_free_str(prop->value);
    prop->value = joined;
}

/* An indented line after "key =" is a sub-property; after "key = v" it
 * continues the value. */
static void parse_indented(parser *p, const char *s, size_t n)
{
    ini_property *prop = &p->file->sections[p->section].props[p->property];
    if (prop->value[0] == '\0' || prop->sub_count > 0)
        add_sub_property(p, prop, s, n);
    else
        continue_value(p, prop, s, n);
}

static void parse_line(parser *p, const char *line, size_t len)
{
    int indented = len > 0 && is_blank(line[0]);
    const char *s = line;
    size_t n = len;
    trim(&s, &n);
    if (n == 0 || s[0] == '#' || s[0] == ';')
        return;
    if (indented && p->section >= 0 && p->property >= 0)
        parse_indented(p, s, n);
    else if (s[0] == '[')
        parse_section_header(p, s, n);
    else
        parse_property(p, s, n);
}

ini_file *ini_parse(const char *text, size_t len, ini_file_kind kind, const char *name,
                    ini_warn_fn warn_fn, void *user_data)
{
    parser p = {0};
    p.file = calloc(1, sizeof *p.file);
    if (!p.file)
        return NULL;
    p.kind = kind, p.name = name, p.warn = warn_fn, p.user_data = user_data;
    p.section = -1, p.property = -1;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3, len -= 3; /* UTF-8 byte order mark */
    const char *end = text + len;
    while (text < end && !p.out_of_memory) {
        const char *nl = memchr(text, '\n', (size_t)(end - text));
        const char *line_end = nl ? nl : end;
        p.line_no++;
        parse_line(&p, text, (size_t)(line_end - text));
        text = nl ? nl + 1 : end;
    }
    if (p.out_of_memory) {
        ini_free(p.file);
        return NULL;
    }
    return p.file;
}

/* ---- files ---- */

/* Reads the whole file into a fresh buffer the caller zeroes and frees. */
static char *read_all(int fd, size_t size, size_t *len)
{
    char *data = malloc(size + 1);
    if (!data)
        return NULL;
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, data + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    data[got] = '\0';
    *len = got;
    return data;
}

static void warn_file(ini_warn_fn warn_fn, void *user_data, const char *path, const char *why)
{
    if (!warn_fn)
        return;
    char message[1024];
    snprintf(message, sizeof message, "cannot read %s: %s; ignoring it", path, why);
    warn_fn(user_data, message);
}

int ini_load_file(const char *path, ini_file_kind kind, ini_warn_fn warn_fn, void *user_data,
                  ini_file **out, unsigned *mode)
{
    *out = NULL;
    *mode = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT && errno != ENOTDIR)
            warn_file(warn_fn, user_data, path, strerror(errno));
        return 0;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > INI_MAX_FILE_SIZE) {
        warn_file(warn_fn, user_data, path, "not a regular file of a sensible size");
        close(fd);
        return 0;
    }
    size_t len = 0;
    char *text = read_all(fd, (size_t)st.st_size, &len);
    close(fd);
    if (!text)
        return -1;
    *out = ini_parse(text, len, kind, path, warn_fn, user_data);
    secure_zero(text, len);
    free(text);
    if (!*out)
        return -1;
    *mode = (unsigned)(st.st_mode & 07777);
    return 0;
}

static void free_property(ini_property *prop)
{
    secure_free_str(prop->key);
    secure_free_str(prop->value);
    for (size_t i = 0; i < prop->sub_count; i++) {
        secure_free_str(prop->subs[i].key);
        secure_free_str(prop->subs[i].value);
    }
    free(prop->subs);
}

static void clear_section(ini_section *s)
{
    secure_free_str(s->name);
    for (size_t i = 0; i < s->count; i++)
        free_property(&s->props[i]);
    free(s->props);
}

void ini_free(ini_file *file)
{
    if (!file)
        return;
    for (size_t i = 0; i < file->count; i++)
        clear_section(&file->sections[i]);
    free(file->sections);
    free(file);
}

void ini_section_free(ini_section *section)
{
    if (!section)
        return;
    clear_section(section);
    free(section);
}

/* ---- lookups ---- */

const ini_section *ini_find_profile(const ini_file *file, const char *name)
{
    if (!file || !name)
        return NULL;
    long i = find_section_index(file, INI_SECTION_PROFILE, name);
    if (i < 0 && strcmp(name, "default") == 0)
        i = find_section_index(file, INI_SECTION_BARE_DEFAULT, name);
    return i < 0 ? NULL : &file->sections[i];
}

const ini_section *ini_find_services(const ini_file *file, const char *name)
{
    if (!file || !name)
        return NULL;
    long i = find_section_index(file, INI_SECTION_SERVICES, name);
    return i < 0 ? NULL : &file->sections[i];
}

static const ini_property *find_property(const ini_section *section, const char *key)
{
    if (!section || !key)
        return NULL;
    for (size_t i = section->count; i > 0; i--)
        if (strcmp(section->props[i - 1].key, key) == 0)
            return &section->props[i - 1];
    return NULL;
}

const char *ini_get(const ini_section *section, const char *key)
{
    const ini_property *prop = find_property(section, key);
    return prop ? prop->value : NULL;
}

const char *ini_get_sub(const ini_section *section, const char *key, const char *sub)
{
    const ini_property *prop = find_property(section, key);
    if (!prop || !sub)
        return NULL;
    for (size_t i = prop->sub_count; i > 0; i--)
        if (strcmp(prop->subs[i - 1].key, sub) == 0)
            return prop->subs[i - 1].value;
    return NULL;
}

int ini_is_secret_key(const char *key)
{
    return strcmp(key, "aws_secret_access_key") == 0 || strcmp(key, "aws_session_token") == 0;
}

int ini_holds_secret(const ini_file *file)
{
    if (!file)
        return 0;
    for (size_t i = 0; i < file->count; i++)
        for (size_t j = 0; j < file->sections[i].count; j++)
            if (ini_is_secret_key(file->sections[i].props[j].key))
                return 1;
    return 0;
}

const char *ini_profile_get(const ini_profile *profile, const char *key)
{
    const char *value = ini_get(profile->config, key);
    return value ? value : ini_get(profile->credentials, key);
}

/* ---- merged copy ---- */

static int copy_property(ini_section *dst, const ini_property *src)
{
    ini_property *prop = add_property(dst, strdup(src->key), strdup(src->value));
    if (!prop)
        return -1;
    for (size_t i = 0; i < src->sub_count; i++)
        if (!add_pair(prop, strdup(src->subs[i].key), strdup(src->subs[i].value)))
            return -1;
    return 0;
}

static int copy_public_properties(ini_section *dst, const ini_section *src)
{
    for (size_t i = 0; src && i < src->count; i++)
        if (!ini_is_secret_key(src->props[i].key) && copy_property(dst, &src->props[i]) != 0)
            return -1;
    return 0;
}

ini_section *ini_section_merge_public(const ini_section *low, const ini_section *high)
{
    ini_section *merged = calloc(1, sizeof *merged);
    if (!merged)
        return NULL;
    merged->kind = INI_SECTION_PROFILE;
    merged->name = strdup(high ? high->name : low ? low->name : "");
    if (!merged->name || copy_public_properties(merged, low) != 0 ||
        copy_public_properties(merged, high) != 0) {
        ini_section_free(merged);
        return NULL;
    }
    return merged;
}
