/*
 * objects.h: S3 objects as files. The object s3://BUCKET/KEY is the file
 * S3_ROOT/BUCKET/KEY. This module is the only place that turns bucket names
 * and keys into paths, and it refuses anything that could escape S3_ROOT:
 * "." or ".." segments (also percent-encoded), absolute keys, NUL, empty
 * segments, and invalid bucket names. Writes are atomic (temp file, fsync,
 * rename), so a reader never sees a partial object.
 */
#ifndef ATHENA_SERVER_OBJECTS_H
#define ATHENA_SERVER_OBJECTS_H

#include <stddef.h>
#include <stdio.h>

/* Splits "s3://bucket/key" into bucket and key (key may be "" or end in '/').
 * 0, or -1 with a reason in why. */
int s3_uri_split(const char *uri, char *bucket, size_t bucket_cap, char *key, size_t key_cap,
                 char *why, size_t why_cap);

/* Validates an S3 bucket name (3-63 chars, lower-case letters, digits, '.', '-'). */
int s3_bucket_valid(const char *bucket);
/* Validates a key: no NUL, no "." / ".." segments, not absolute, at most 1024 bytes. */
int s3_key_valid(const char *key);

/* S3_ROOT/bucket/key into out; -1 if invalid or too long. */
int s3_object_path(const char *s3_root, const char *bucket, const char *key, char *out,
                   size_t cap);
/* The same from an s3:// URI. */
int s3_uri_path(const char *s3_root, const char *uri, char *out, size_t cap);

/* Atomic writer: data goes to a hidden temp file beside the target, and
 * commit fsyncs and renames it into place (creating parent folders);
 * abort removes it. */
typedef struct atomic_file {
    FILE *f;
    char tmp_path[4200];
    char final_path[4096];
} atomic_file;

int atomic_file_open(atomic_file *af, const char *final_path);
int atomic_file_commit(atomic_file *af);
void atomic_file_abort(atomic_file *af);

/* mkdir -p with mode 0755. 0 or -1. */
int make_dirs(const char *path);

#endif
