/*
 * credentials.c: the credential chain and its cache, plus the helpers for
 * athena_credentials values.
 *
 * athena_config_load() builds the chain once: it picks the first configured
 * source (see credentials_provider.h for the order). Clients then call
 * config_get_credentials() for every request; the chain answers from its
 * cache and fetches again (e.g. reruns credential_process) only when the
 * cached credentials come within five minutes of expiring, as the SDKs do.
 * The cache is the only mutable part of a loaded configuration, so it alone
 * is behind a mutex.
 */
#include "credentials_provider.h"

#include "crypto.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Refresh this long before expiry, so a request signed now is still valid
 * when the service checks it. */
#define REFRESH_BEFORE_EXPIRY_S 300

struct credentials_chain {
    credentials_provider *provider; /* NULL when no source is configured */
    const char *hint;               /* why none was found, when we can tell; static */
    pthread_mutex_t lock;           /* guards cached */
    athena_credentials cached;      /* empty until the first fetch */
};

/* ---- athena_credentials helpers ---- */

void credentials_clear(athena_credentials *creds)
{
    if (!creds)
        return;
    secure_free_str(creds->access_key_id);
    secure_free_str(creds->secret_access_key);
    secure_free_str(creds->session_token);
    memset(creds, 0, sizeof *creds);
}

int credentials_copy(athena_credentials *dst, const athena_credentials *src)
{
    memset(dst, 0, sizeof *dst);
    dst->expiration = src->expiration;
    dst->access_key_id = src->access_key_id ? strdup(src->access_key_id) : NULL;
    dst->secret_access_key = src->secret_access_key ? strdup(src->secret_access_key) : NULL;
    dst->session_token = src->session_token ? strdup(src->session_token) : NULL;
    if ((src->access_key_id && !dst->access_key_id) ||
        (src->secret_access_key && !dst->secret_access_key) ||
        (src->session_token && !dst->session_token)) {
        credentials_clear(dst);
        return -1;
    }
    return 0;
}

/* ---- building the chain ---- */

static athena_status find_provider(const athena_config_options *options,
                                   const ini_profile *profile, credentials_provider **out,
                                   athena_error *err)
{
    athena_status st = cred_explicit_create(options, out, err);
    if (st == ATHENA_OK && !*out)
        st = cred_env_create(out, err);
    if (st == ATHENA_OK && !*out)
        st = cred_profile_create(profile, out, err);
    if (st == ATHENA_OK && !*out)
        st = cred_process_create(profile, out, err);
    return st;
}

/* Profiles configured for sources we do not implement would otherwise fail
 * with a puzzling "Unable to locate credentials". */
static const char *unsupported_source_hint(const ini_profile *profile)
{
    if (ini_profile_get(profile, "role_arn"))
        return " The profile uses role_arn (assume role), which libathena does not support;"
               " use a profile with static keys or credential_process.";
    if (ini_profile_get(profile, "sso_session") || ini_profile_get(profile, "sso_start_url"))
        return " The profile uses IAM Identity Center (SSO), which libathena does not support"
               " directly; export the credentials (aws configure export-credentials) or use"
               " credential_process.";
    if (ini_profile_get(profile, "web_identity_token_file"))
        return " The profile uses web_identity_token_file, which libathena does not support.";
    return NULL;
}

athena_status credentials_chain_create(const athena_config_options *options,
                                       const ini_profile *profile, credentials_chain **out,
                                       athena_error *err)
{
    *out = NULL;
    credentials_chain *chain = calloc(1, sizeof *chain);
    if (!chain)
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    if (pthread_mutex_init(&chain->lock, NULL) != 0) {
        free(chain);
        return error_set(err, ATHENA_E_NOMEM, "cannot create a mutex");
    }
    athena_status st = find_provider(options, profile, &chain->provider, err);
    if (st != ATHENA_OK) {
        credentials_chain_free(chain);
        return st;
    }
    if (!chain->provider)
        chain->hint = unsupported_source_hint(profile);
    *out = chain;
    return ATHENA_OK;
}

const char *credentials_chain_source(const credentials_chain *chain)
{
    return chain && chain->provider ? chain->provider->source : NULL;
}

void credentials_chain_free(credentials_chain *chain)
{
    if (!chain)
        return;
    if (chain->provider)
        chain->provider->destroy(chain->provider);
    credentials_clear(&chain->cached);
    pthread_mutex_destroy(&chain->lock);
    free(chain);
}

/* ---- fetching ---- */

static int usable_until(const athena_credentials *creds, time_t deadline)
{
    return creds->access_key_id && (creds->expiration == 0 || deadline < creds->expiration);
}

/* Fetches into the cache. If that fails while the old credentials have not
 * expired yet, they are still good enough to use. Called with the lock held. */
static athena_status refresh_locked(credentials_chain *chain, const athena_config *config,
                                    time_t now, athena_error *err)
{
    athena_credentials fresh = {0};
    athena_status st = chain->provider->fetch(chain->provider, config, &fresh, err);
    if (st == ATHENA_OK) {
        credentials_clear(&chain->cached);
        chain->cached = fresh;
        return ATHENA_OK;
    }
    if (!usable_until(&chain->cached, now))
        return st;
    config_log(config, ATHENA_LOG_WARN,
               "refreshing credentials failed (%s); using the current ones until they expire",
               err ? err->message : athena_strerror(st));
    error_clear(err);
    return ATHENA_OK;
}

static athena_status no_credentials(const credentials_chain *chain, athena_error *err)
{
    return error_set(err, ATHENA_E_CREDENTIALS,
                     "Unable to locate credentials. Set AWS_ACCESS_KEY_ID and "
                     "AWS_SECRET_ACCESS_KEY, run `aws configure`, or select a profile that has "
                     "credentials with --profile or AWS_PROFILE.%s",
                     chain && chain->hint ? chain->hint : "");
}

athena_status config_get_credentials(const athena_config *config, athena_credentials *out,
                                     athena_error *err)
{
    memset(out, 0, sizeof *out);
    credentials_chain *chain = config ? config_credentials_chain(config) : NULL;
    if (!chain || !chain->provider)
        return no_credentials(chain, err);
    pthread_mutex_lock(&chain->lock);
    time_t now = time(NULL);
    athena_status st = ATHENA_OK;
    if (!usable_until(&chain->cached, now + REFRESH_BEFORE_EXPIRY_S))
        st = refresh_locked(chain, config, now, err);
    if (st == ATHENA_OK && credentials_copy(out, &chain->cached) != 0)
        st = error_set(err, ATHENA_E_NOMEM, "out of memory copying credentials");
    pthread_mutex_unlock(&chain->lock);
    return st;
}
