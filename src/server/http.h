/*
 * http.h (server): the request and response every athena-local handler
 * sees, independent of the HTTP library underneath (libmicrohttpd).
 *
 * A request arrives complete: method, raw path and query exactly as on the
 * wire (needed to verify SigV4), all headers in order, and the body (bounded
 * in size). After authentication, `caller` says who is calling.
 */
#ifndef ATHENA_SERVER_HTTP_H
#define ATHENA_SERVER_HTTP_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

#define SRV_MAX_BODY (16u * 1024 * 1024)  /* larger bodies get 413 / an AWS error */

typedef struct srv_header {
    char *name;
    char *value;
} srv_header;

/* Who is calling, filled by authentication. */
typedef enum srv_principal_kind {
    SRV_PRINCIPAL_NONE = 0,      /* not authenticated (a zeroed caller): every call is refused */
    SRV_PRINCIPAL_ROOT,          /* athena-local's root keys: bypass IAM evaluation */
    SRV_PRINCIPAL_USER,          /* an IAM user's long-term access key (AKIA...) */
    SRV_PRINCIPAL_ASSUMED_ROLE   /* temporary credentials from sts:AssumeRole (ASIA...) */
} srv_principal_kind;

typedef struct srv_caller {
    char access_key_id[129];
    char arn[512];          /* arn:aws:iam::ACCOUNT:root, arn:aws:iam::ACCOUNT:user/PATHNAME,
                             * or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION */
    char user_name[128];    /* IAM user name; "" for root and roles */
    char user_id[160];      /* aws:userid: AIDA... for users, AROA...:SESSION for roles,
                             * the account id for root */
    char role_name[128];    /* assumed-role sessions only */
    char session_name[128]; /* assumed-role sessions only */
    long long expires;      /* epoch seconds when temporary credentials expire; 0 if none */
    srv_principal_kind kind;
    int is_root;            /* kind == SRV_PRINCIPAL_ROOT (informational: authorization
                             * reads only kind) */
} srv_caller;

typedef struct srv_request {
    const char *method;
    const char *path;         /* raw, percent-encoded, no query */
    const char *query;        /* raw query string without '?', "" if none */
    const srv_header *headers;
    size_t header_count;
    const char *body;         /* NUL-terminated for convenience; may contain NULs */
    size_t body_len;
    const char *remote_addr;  /* "127.0.0.1", "::1" */
    char request_id[40];      /* generated per request, echoed in x-amzn-RequestId */
    srv_caller caller;
} srv_request;

/* A response body read from a file rather than memory (S3 GetObject of a
 * large object): length bytes of fd from offset. */
typedef struct srv_file_body {
    int fd;
    uint64_t offset;
    uint64_t length;
} srv_file_body;

typedef struct srv_response {
    int status;
    const char *content_type;     /* static string */
    buf body;
    srv_header extra[32];         /* additional headers (owned strings); S3 objects carry
                                   * their stored headers and x-amz-meta-* */
    size_t extra_count;
    /* When has_file is set, file is the body instead of `body`, and the
     * response owns file.fd: the front sends it without reading it into
     * memory and closes it (a HEAD response gets its Content-Length). */
    int has_file;
    srv_file_body file;
    /* The body holds secrets (a new access key, session credentials): its
     * memory is zeroed when freed, here or after it was sent. */
    int sensitive;
} srv_response;

/* Case-insensitive header lookup; NULL if absent. */
const char *srv_header_get(const srv_request *req, const char *name);
/* Adds a response header (copied). 0 or -1. */
int srv_response_header(srv_response *resp, const char *name, const char *value);
void srv_response_free(srv_response *resp);

#endif
