/*
 * profile_file.h: rewriting one profile of the AWS shared config and
 * credentials files (~/.aws/config, ~/.aws/credentials) for `athena
 * connect`, leaving every other profile, comment and line as it was.
 *
 * The reader side is libathena's ini.c; this is the writer. It works on
 * the text line by line, so nothing it does not change is reformatted.
 */
#ifndef ATHENA_CLI_PROFILE_FILE_H
#define ATHENA_CLI_PROFILE_FILE_H

#include <stddef.h>

typedef enum profile_file_kind {
    PROFILE_CREDENTIALS_FILE,  /* [NAME] */
    PROFILE_CONFIG_FILE        /* [profile NAME], or [default] */
} profile_file_kind;

/* One key of the profile: set to value, or removed when value is NULL/"". */
typedef struct profile_setting {
    const char *key;
    const char *value;
} profile_setting;

/* The text with profile's settings applied: in every block of the profile
 * (a header may repeat), lines setting one of the keys (and their indented
 * continuation lines) are dropped; the non-empty values are then written
 * at the end of the profile's last block, or in a new section at the end of
 * the file. Returns malloc'ed text (the caller zeroes and frees it: it may
 * hold secrets), or NULL when out of memory. */
char *profile_text_update(const char *text, size_t len, profile_file_kind kind,
                          const char *profile, const profile_setting *settings, size_t count);

/* Nonzero if name can be a profile name: letters, digits and - _ . @ + only. */
int profile_name_valid(const char *name);

/* Nonzero if value can be written on one line: no control characters, no
 * leading or trailing spaces. */
int profile_value_valid(const char *value);

/* The path of the file: AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE, else
 * $HOME/.aws/credentials / config. 0, or -1 (no HOME) with a message. */
int profile_file_path(profile_file_kind kind, char *out, size_t cap);

/* Applies the settings to the file at path: reads it (missing is empty),
 * writes the result to a temporary file in the same directory with mode
 * 0600, fsyncs it and renames it over the original (through a symlink, the
 * link's target is replaced). A missing directory is created (0700).
 * 0, or -1 with a message. */
int profile_file_update(const char *path, profile_file_kind kind, const char *profile,
                        const profile_setting *settings, size_t count, char *message,
                        size_t cap);

#endif
