/*
 * internal.h: declarations shared between libathena's own files and not part
 * of the public API: error helpers, the resolved configuration's private
 * accessors, credentials, and logging.
 */
#ifndef ATHENA_LIB_INTERNAL_H
#define ATHENA_LIB_INTERNAL_H

#include "athena/athena.h"

#include <stdarg.h>
#include <time.h>

/* ---- errors (error.c) ---- */

/* Resets err to "no error". NULL is fine. */
void error_clear(athena_error *err);
/* Fills err with a status and a formatted message; code/http left empty. */
athena_status error_set(athena_error *err, athena_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Copies src into dst (either may be NULL). */
void error_copy(athena_error *dst, const athena_error *src);

/* ---- credentials (cred_*.c) ---- */

typedef struct athena_credentials {
    char *access_key_id;
    char *secret_access_key;
    char *session_token;    /* NULL if none */
    time_t expiration;      /* 0: does not expire */
} athena_credentials;

/* Zeroes and frees the strings; the struct is left empty. */
void credentials_clear(athena_credentials *creds);
/* Deep copy; 0 on success. */
int credentials_copy(athena_credentials *dst, const athena_credentials *src);

/* Fetches credentials from the source athena_config_load() selected (running
 * credential_process if that is the source). Thread-safe. */
athena_status config_get_credentials(const athena_config *config, athena_credentials *out,
                                     athena_error *err);

/* ---- resolved configuration (config.c) ---- */

const char *config_ca_bundle(const athena_config *config);
long config_connect_timeout_ms(const athena_config *config);
long config_request_timeout_ms(const athena_config *config);
int config_debug(const athena_config *config);

/* Logs through the configured sink. DEBUG messages are dropped unless debug
 * is on. Callers must never pass secrets. */
void config_log(const athena_config *config, athena_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The SigV4 signing name of a service: "athena", "glue", "s3", "sts". */
const char *service_signing_name(athena_service service);

#endif
