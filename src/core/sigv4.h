/*
 * sigv4.h: AWS Signature Version 4, signing and verification.
 *
 * Shared by the client (which signs) and athena-local (which verifies). The
 * API follows the split of aws-c-auth: what is signed (sigv4_request), how it
 * is signed (sigv4_params), and the result (sigv4_signed).
 *
 * Two flavours: header signing (an Authorization header) and query signing
 * (presigned URLs with X-Amz-* parameters). S3 mode applies S3's rules: the
 * path is encoded once and never normalized, and x-amz-content-sha256 is sent.
 */
#ifndef ATHENA_CORE_SIGV4_H
#define ATHENA_CORE_SIGV4_H

#include <stddef.h>
#include <time.h>

#define SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"
#define SIGV4_MAX_SKEW_SECONDS (15 * 60)

typedef struct sigv4_header {
    const char *name;
    const char *value;
} sigv4_header;

/* What is signed: an HTTP request as it will appear on the wire. */
typedef struct sigv4_request {
    const char *method;             /* "GET", "POST", ... */
    const char *path;               /* wire path, percent-encoded, without the query */
    const char *query;              /* wire query without '?', or NULL */
    const sigv4_header *headers;    /* must include Host */
    size_t header_count;
    const void *body;               /* hashed unless payload_hash is set */
    size_t body_len;
    const char *payload_hash;       /* hex hash, UNSIGNED-PAYLOAD or STREAMING-*, or NULL */
} sigv4_request;

/* How it is signed. */
typedef struct sigv4_params {
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;      /* NULL if none */
    const char *region;
    const char *service;            /* signing name: "athena", "glue", "s3", "sts", "iam" */
    time_t time;                    /* signing time, UTC */
    int s3;                         /* S3 rules (implies content_sha256_header) */
    int content_sha256_header;      /* add and sign x-amz-content-sha256 */
    long expires;                   /* query signing: X-Amz-Expires, 1..604800 seconds */
    int no_path_normalization;      /* keep . .. and empty path segments (S3 implies it) */
    int session_token_unsigned;     /* send the session token but leave it out of the
                                     * signature (AWS suite's omit_session_token; IoT) */
} sigv4_params;

/* The result. Heap strings are freed (and zeroed) by sigv4_signed_free. */
typedef struct sigv4_signed {
    char amz_date[17];              /* YYYYMMDDTHHMMSSZ: send as X-Amz-Date (header signing) */
    char payload_hash[65];          /* or UNSIGNED-PAYLOAD: send as x-amz-content-sha256 when asked */
    char signature[65];
    char *canonical_request;
    char *string_to_sign;
    char *authorization;            /* header signing: the Authorization header value */
    char *query;                    /* query signing: the full query string to send */
    /* Headers the caller must add to the request (header signing), in the
     * order AWS's SDKs send them: X-Amz-Security-Token (when a token is set),
     * X-Amz-Date, x-amz-content-sha256 (when asked). Values point into this
     * struct, so the credentials may be wiped right after signing. */
    sigv4_header added[3];
    size_t added_count;
    char *session_token;            /* the signer's copy behind added[]'s token */
} sigv4_signed;

/* Both return 0 on success, -1 on invalid input or out of memory. Invalid
 * input includes a missing Host header, a malformed %-escape in the query and
 * (header signing) request headers that the signer adds itself: X-Amz-Date,
 * X-Amz-Security-Token, x-amz-content-sha256. An Authorization header in the
 * request is ignored. Query signing uses UNSIGNED-PAYLOAD in S3 mode unless
 * payload_hash says otherwise, as S3 presigned URLs do. */
int sigv4_sign_headers(const sigv4_request *req, const sigv4_params *params, sigv4_signed *out);
int sigv4_sign_query(const sigv4_request *req, const sigv4_params *params, sigv4_signed *out);
void sigv4_signed_free(sigv4_signed *s);

/* SigV4's signing key, HMAC-chained from the secret over date (YYYYMMDD),
 * region, service and "aws4_request" (cached per thread, like signing's).
 * For verifiers of chunk signatures. 0, or -1 on bad input. */
int sigv4_derive_signing_key(const char *secret, const char *date, const char *region,
                             const char *service, unsigned char key[32]);

/* Copies an Authorization header value with the signature replaced by
 * "<redacted>", for debug logs. Also redacts X-Amz-Signature in a presigned
 * URL or query string. Returns a heap string or NULL. */
char *sigv4_redact_authorization(const char *authorization);

/* ---- Verification (server side) ---- */

typedef enum sigv4_verdict {
    SIGV4_OK = 0,
    SIGV4_MISSING,          /* no Authorization header nor X-Amz-Signature: MissingAuthenticationToken */
    SIGV4_INCOMPLETE,       /* malformed/missing parts: IncompleteSignature */
    SIGV4_UNKNOWN_KEY,      /* lookup found no such key: UnrecognizedClient / InvalidAccessKeyId */
    SIGV4_MISMATCH,         /* recomputed signature differs: InvalidSignature / SignatureDoesNotMatch */
    SIGV4_SKEW,             /* X-Amz-Date more than 15 min away: InvalidSignatureException / RequestTimeTooSkewed */
    SIGV4_EXPIRED,          /* presigned URL past X-Amz-Expires: AccessDenied "Request has expired" */
    SIGV4_INTERNAL          /* out of memory or a crypto failure: InternalFailure, retryable */
} sigv4_verdict;

/* Looks up the secret (and, optionally, whether a session token is required)
 * for an access key id. Writes a NUL-terminated secret into secret (cap bytes)
 * and returns 0, or returns -1 if the key is unknown. */
typedef int (*sigv4_secret_lookup)(void *user_data, const char *access_key_id,
                                   char *secret, size_t cap);

typedef struct sigv4_verified {
    char access_key_id[129];
    char region[64];
    char service[64];
    char session_token[2048];       /* X-Amz-Security-Token, "" if none */
    char message[512];              /* reason on failure, AWS-like wording, no secrets */
} sigv4_verified;

/* Verifies a request signed with header or query signing. req->headers must
 * hold every request header as received (including Authorization); req->path
 * and req->query are the raw path and query string as received. If the
 * server already hashed the body (e.g. while streaming it to disk) it may pass
 * that hex hash as req->payload_hash instead of the body. s3 selects S3's
 * rules. now is the server time. The secret is zeroed after use. */
sigv4_verdict sigv4_verify(const sigv4_request *req, int s3, time_t now,
                           sigv4_secret_lookup lookup, void *user_data, sigv4_verified *out);

#endif
