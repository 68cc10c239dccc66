/*
 * sigv4_internal.h: what signing (sigv4.c) shares with verification
 * (sigv4_verify.c): the credential scope, the inputs of a canonical request
 * and the one function that canonicalizes and signs them. Keeping a single
 * canonicalizer is what guarantees that the client and athena-local agree.
 * Private to the core; callers use sigv4.h.
 */
#ifndef ATHENA_CORE_SIGV4_INTERNAL_H
#define ATHENA_CORE_SIGV4_INTERNAL_H

#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "sigv4.h"
#include "uri.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define SIGV4_MAX_EXPIRES 604800L /* presigned URLs live at most a week */

/* The credential scope: DATE/REGION/SERVICE/aws4_request, and the full time. */
typedef struct sigv4_scope {
    char amz_date[17]; /* YYYYMMDDTHHMMSSZ */
    char date[9];      /* YYYYMMDD */
    const char *region;
    const char *service;
} sigv4_scope;

/* Everything a canonical request is made of. */
typedef struct sigv4_canon {
    const char *method;
    const char *path;              /* wire path */
    int s3;                        /* S3: the wire path as is */
    int normalize;                 /* others: drop . .. and empty segments first */
    const uri_query *query;        /* decoded parameters */
    const char *skip_param;        /* X-Amz-Signature when verifying a presigned URL */
    const sigv4_header *headers;
    size_t header_count;
    const char *signed_list;       /* verification: "a;b"; NULL: all but Authorization */
    const char *payload_hash;
} sigv4_canon;

/* YYYYMMDDTHHMMSSZ of a UTC time. 0 or -1. */
int sigv4_format_date(time_t t, char out[17]);

/* Builds the canonical request and string to sign of in, and signs them with
 * the key derived from secret and sc. Fills out->canonical_request,
 * string_to_sign and signature; names gets the SignedHeaders list. 0 or -1. */
int sigv4_sign_canonical(const sigv4_canon *in, const sigv4_scope *sc, const char *secret,
                         sigv4_signed *out, buf *names);

/* The value of the first header named name (any case), or NULL. */
const char *sigv4_find_header(const sigv4_request *req, const char *name);

/* 1 if name (lower-case) is one of the ';'-separated names in list. */
int sigv4_name_listed(const char *list, const char *name);

#endif
