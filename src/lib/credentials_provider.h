/*
 * credentials_provider.h: the interface every credential source implements,
 * and the chain that composes them (as aws-c-auth does: one provider per
 * file).
 *
 * At load time the chain asks each source, in the SDKs' order, whether it is
 * configured; the first that is becomes the configuration's provider. Its
 * fetch() runs lazily, when a client needs credentials, and the chain caches
 * the result until it comes within five minutes of expiring.
 *
 * Sources, highest priority first:
 *   cred_static.c   explicit values from athena_config_options
 *   cred_env.c      AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN
 *   cred_profile.c  static keys in the credentials file, then the config file
 *   cred_process.c  credential_process in the config file profile
 */
#ifndef ATHENA_LIB_CREDENTIALS_PROVIDER_H
#define ATHENA_LIB_CREDENTIALS_PROVIDER_H

#include "internal.h"
#include "ini.h"

typedef struct credentials_provider credentials_provider;

struct credentials_provider {
    /* What athena_config_credential_source() reports: a static string. */
    const char *source;
    /* Produces fresh credentials into out (deep copies the caller clears).
     * config is for logging only. */
    athena_status (*fetch)(credentials_provider *self, const athena_config *config,
                           athena_credentials *out, athena_error *err);
    /* Zeroes whatever secret the provider holds and frees it. */
    void (*destroy)(credentials_provider *self);
};

/*
 * Each create function returns ATHENA_OK with *out = NULL when its source is
 * not configured, so the chain moves on; an error when it is configured but
 * unusable (e.g. an access key id without its secret).
 */

/* A provider that always returns the given values. access_key_id NULL or
 * empty: not configured. A key id without a secret is an ATHENA_E_CREDENTIALS
 * error naming missing_name, the setting the user should add. */
athena_status cred_static_create(const char *source, const char *access_key_id,
                                 const char *secret_access_key, const char *session_token,
                                 const char *missing_name, credentials_provider **out,
                                 athena_error *err);
/* The explicit values of the options. Only one of the pair is ATHENA_E_ARG. */
athena_status cred_explicit_create(const athena_config_options *options,
                                   credentials_provider **out, athena_error *err);
athena_status cred_env_create(credentials_provider **out, athena_error *err);
athena_status cred_profile_create(const ini_profile *profile, credentials_provider **out,
                                  athena_error *err);
athena_status cred_process_create(const ini_profile *profile, credentials_provider **out,
                                  athena_error *err);

/* ---- the chain (credentials.c) ---- */

typedef struct credentials_chain credentials_chain;

/* Picks the first configured source. Finding none is not an error: the chain
 * then reports "Unable to locate credentials" when asked for them. */
athena_status credentials_chain_create(const athena_config_options *options,
                                       const ini_profile *profile, credentials_chain **out,
                                       athena_error *err);
/* The chosen source's name, or NULL if there is none. */
const char *credentials_chain_source(const credentials_chain *chain);
void credentials_chain_free(credentials_chain *chain);

/* The chain of a loaded configuration (config.c). */
credentials_chain *config_credentials_chain(const athena_config *config);

#endif
