/*
 * ini.h: the parser of the AWS shared config and credentials files
 * (~/.aws/config and ~/.aws/credentials) and the lookups the rest of the
 * configuration code needs on them.
 *
 * The format follows the AWS SDKs: '#' and ';' comments (inline only after
 * whitespace), "key = value" properties, a value continued on indented lines,
 * and "key =" followed by indented "k = v" lines as a sub-section (used by
 * [services x] sections). In the config file profiles are [profile name] or
 * [default]; in the credentials file they are [name]. Malformed lines are
 * reported through a callback and skipped, never fatal.
 *
 * Every string the parser stores is zeroed when freed: these files hold
 * secret keys. The structures are read-only for callers.
 */
#ifndef ATHENA_LIB_INI_H
#define ATHENA_LIB_INI_H

#include <stddef.h>

typedef enum ini_file_kind {
    INI_CREDENTIALS_FILE, /* [name] is a profile */
    INI_CONFIG_FILE       /* [profile name] / [default] are profiles */
} ini_file_kind;

typedef enum ini_section_kind {
    INI_SECTION_PROFILE,
    INI_SECTION_BARE_DEFAULT, /* [default] in the config file: [profile default] wins over it */
    INI_SECTION_SERVICES,     /* [services name] in the config file */
    INI_SECTION_IGNORED       /* [sso-session x] and anything else we do not use */
} ini_section_kind;

typedef struct ini_pair {
    char *key;
    char *value;
} ini_pair;

typedef struct ini_property {
    char *key;
    char *value;    /* "" when the property opens a sub-section */
    ini_pair *subs; /* the sub-section's "k = v" lines */
    size_t sub_count;
} ini_property;

typedef struct ini_section {
    ini_section_kind kind;
    char *name;
    ini_property *props; /* in file order; a repeated key's last value wins */
    size_t count;
} ini_section;

typedef struct ini_file {
    ini_section *sections; /* a repeated section header continues the same section */
    size_t count;
} ini_file;

/* Receives "FILE line N: what is wrong". Messages never quote file content. */
typedef void (*ini_warn_fn)(void *user_data, const char *message);

/* Parses len bytes of text; name is the file name used in warnings.
 * Returns NULL only when memory runs out. */
ini_file *ini_parse(const char *text, size_t len, ini_file_kind kind, const char *name,
                    ini_warn_fn warn, void *user_data);

/* Reads and parses the file at path. A missing file gives *out = NULL; an
 * unreadable one is reported through warn and treated as missing. *mode gets
 * the file's permission bits (0 when there is no file). Returns -1 only when
 * memory runs out. */
int ini_load_file(const char *path, ini_file_kind kind, ini_warn_fn warn, void *user_data,
                  ini_file **out, unsigned *mode);

void ini_free(ini_file *file);

/* The profile of that name, or NULL. For "default" in the config file,
 * [profile default] is preferred over [default]. */
const ini_section *ini_find_profile(const ini_file *file, const char *name);
/* The [services name] section, or NULL. */
const ini_section *ini_find_services(const ini_file *file, const char *name);

/* The value of key in section (NULL section is fine), or NULL. */
const char *ini_get(const ini_section *section, const char *key);
/* The value of sub in the sub-section opened by key, or NULL. */
const char *ini_get_sub(const ini_section *section, const char *key, const char *sub);

/* 1 if any section holds aws_secret_access_key or aws_session_token. */
int ini_holds_secret(const ini_file *file);
/* 1 if key names a secret (aws_secret_access_key, aws_session_token). */
int ini_is_secret_key(const char *key);

/* A new section holding the properties of low then high (so high wins on
 * lookup), without secret keys. Either may be NULL. NULL when out of memory. */
ini_section *ini_section_merge_public(const ini_section *low, const ini_section *high);
void ini_section_free(ini_section *section);

/* The active profile of a configuration: its section in each file. */
typedef struct ini_profile {
    const char *name;
    const ini_file *config_file;   /* for [services x] lookups; may be NULL */
    const ini_section *config;      /* may be NULL */
    const ini_section *credentials; /* may be NULL */
} ini_profile;

/* A setting of the profile: the config file first, then the credentials file. */
const char *ini_profile_get(const ini_profile *profile, const char *key);

#endif
