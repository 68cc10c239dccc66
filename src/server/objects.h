/*
 * objects.h: S3 objects as files. The object s3://BUCKET/KEY is the file
 * S3_ROOT/BUCKET/KEY. This module is the only place that turns bucket names
 * and keys into paths, and it refuses anything that could escape S3_ROOT:
 * "." or ".." segments, absolute keys, NUL, empty segments, and invalid
 * bucket names. Keys arrive here already percent-decoded (the S3 layer
 * decodes them, refusing %00), so "%2e%2e" is taken as a literal name. Writes
 * are atomic (temp file, fsync, rename), so a reader never sees a partial
 * object.
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
/* The same for a key of len bytes that may hold NUL (which is refused). Also
 * refused: empty segments ("a//b", which S3 allows but a filesystem would
 * alias to "a/b"), segments over 255 bytes (a file name's limit) and segments
 * shaped like atomic_file temp names. A trailing '/' (an S3 folder
 * placeholder) is accepted; its path is a folder. */
int s3_key_valid_len(const char *key, size_t len);

/* 1 if path, once symlinks are resolved, is S3_ROOT or lies beneath it. For
 * a path that does not exist yet, its deepest existing ancestor is checked;
 * paths with "." or ".." segments are refused outright. */
int s3_path_is_inside(const char *s3_root, const char *path);

/* S3_ROOT/bucket/key into out; -1 if invalid or too long. key may also be a
 * prefix: "" (the bucket folder) or ending in '/'. */
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

/* The temp file is ".<name>.tmp-<16 hex>" in the target's folder. open
 * returns 0, or -1 with errno (EISDIR for a path ending in '/'). commit
 * returns 0 once the file is in place and its folder synced; on -1 the temp
 * file is gone (if only the folder sync failed, the file is in place). */
int atomic_file_open(atomic_file *af, const char *final_path);
/* atomic_file_open, refusing (EACCES) when the target folder is or would be
 * outside s3_root once symlinks are resolved: checked before its folders are
 * created and again after. Use this for anything derived from a request. */
int atomic_file_open_under(atomic_file *af, const char *s3_root, const char *final_path);
int atomic_file_commit(atomic_file *af);
/* Commits count files of one folder together: each synced, then each put
 * in place in order, then the folder synced once. On -1 none of them is in
 * place and their temp files are gone. */
int atomic_file_commit_all(atomic_file *const *files, size_t count);
void atomic_file_abort(atomic_file *af);
/* 1 if a file name (len bytes) is an atomic_file temp name: listings skip
 * these, and keys may not use them. */
int atomic_file_is_temp_name(const char *name, size_t len);

/* mkdir -p with mode 0755. 0 or -1. */
int make_dirs(const char *path);

#endif
