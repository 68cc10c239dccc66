/*
 * server.h: the athena-local server context shared by every service
 * handler: settings, the metadata store, the object root, the SQL engine and
 * the query executor.
 */
#ifndef ATHENA_SERVER_SERVER_H
#define ATHENA_SERVER_SERVER_H

#include "http.h"

typedef struct store store;
typedef struct engine engine;
typedef struct executor executor;

typedef struct server_settings {
    const char *data_dir;      /* absolute */
    const char *bind;          /* default 127.0.0.1 */
    int port;                  /* 0: any free port */
    const char *region;        /* default us-east-1 */
    const char *account_id;    /* default 123456789012 */
    int workers;               /* query worker threads, default 4 */
} server_settings;

typedef struct server {
    server_settings settings;
    char s3_root[4096];        /* DATA_DIR/s3: bucket folders live here */
    char root_access_key_id[129];
    char root_secret[129];     /* zeroed at shutdown */
    store *store;
    engine *engine;
    executor *executor;
    struct iam_identity_cache *iam_cache;   /* iam_identity.c; created on first use */
} server;

/* The router: authenticates, then dispatches to a service. Called by the
 * HTTP front for every request; always fills resp. */
void server_handle(server *s, srv_request *req, srv_response *resp);

/* Looks up the secret of an access key: root, an IAM user's active key, or
 * unexpired temporary credentials. Returns 0 and fills secret, or -1 if
 * unknown. Fills caller on success. */
int server_lookup_key(server *s, const char *access_key_id, char *secret, size_t cap,
                      srv_caller *caller);

#define SERVER_SESSION_TOKEN_CAP 2048

/* The same for authentication, which also needs the session token the key
 * was issued with ("" for long-term keys) and to tell expired temporary
 * credentials apart: 0 found, 1 expired (secret, token and caller filled
 * all the same), -1 unknown. */
int server_lookup_credentials(server *s, const char *access_key_id, char *secret, size_t cap,
                              char *session_token, size_t token_cap, srv_caller *caller);

/* Athena's awsJson1.1 service: X-Amz-Target "AmazonAthena.<operation>". */
void athena_api_handle(server *s, const char *operation, const srv_request *req,
                       srv_response *resp);

/* S3's REST-XML API (s3_api.c), for an authenticated request. */
void s3_api_handle(server *s, srv_request *req, srv_response *resp);
void glue_api_handle(server *s, const char *operation, const srv_request *req, srv_response *resp);

#endif
