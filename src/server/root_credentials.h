/*
 * root_credentials.h: the root access key of an athena-local data dir.
 *
 * The root key is the one identity that exists before any IAM user: taken
 * from ATHENA_LOCAL_ACCESS_KEY_ID / ATHENA_LOCAL_SECRET_ACCESS_KEY when both
 * are set, otherwise generated on first start and kept in
 * DATA_DIR/root-credentials (mode 0600, written atomically), so the same key
 * works across restarts.
 */
#ifndef ATHENA_SERVER_ROOT_CREDENTIALS_H
#define ATHENA_SERVER_ROOT_CREDENTIALS_H

#include <stddef.h>

#define ROOT_CREDENTIALS_FILE "root-credentials"
#define ROOT_ENV_ACCESS_KEY_ID "ATHENA_LOCAL_ACCESS_KEY_ID"
#define ROOT_ENV_SECRET_ACCESS_KEY "ATHENA_LOCAL_SECRET_ACCESS_KEY"

typedef struct root_credentials {
    char access_key_id[129];
    char secret[129];
    int generated;          /* created by this start: the only time they are shown */
    int from_environment;
    char warning[1024];      /* "" or a warning for the operator (never holds the secret) */
} root_credentials;

/* Resolves the root credentials for data_dir (which must exist). Returns 0,
 * or -1 with a message in err. */
int root_credentials_load(const char *data_dir, root_credentials *out, char *err, size_t cap);

/* Zeroes the secret. */
void root_credentials_clear(root_credentials *c);

#endif
