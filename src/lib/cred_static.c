/*
 * cred_static.c: the provider of fixed credentials, and the "explicit" source
 * built on it (values passed in athena_config_options).
 *
 * The environment and profile-file sources are static credentials too; they
 * only differ in where the values are read, so they reuse this provider.
 */
#include "credentials_provider.h"

#include <stdlib.h>

typedef struct static_provider {
    credentials_provider base; /* first, so the provider pointer is the struct pointer */
    athena_credentials creds;
} static_provider;

static athena_status static_fetch(credentials_provider *self, const athena_config *config,
                                  athena_credentials *out, athena_error *err)
{
    static_provider *p = (static_provider *)self;
    if (credentials_copy(out, &p->creds) != 0)
        return error_set(err, ATHENA_E_NOMEM, "out of memory copying credentials");
    return ATHENA_OK;
}

static void static_destroy(credentials_provider *self)
{
    static_provider *p = (static_provider *)self;
    credentials_clear(&p->creds);
    free(p);
}

static int is_set(const char *s)
{
    return s && s[0];
}

athena_status cred_static_create(const char *source, const char *access_key_id,
                                 const char *secret_access_key, const char *session_token,
                                 const char *missing_name, credentials_provider **out,
                                 athena_error *err)
{
    *out = NULL;
    if (!is_set(access_key_id))
        return ATHENA_OK;
    if (!is_set(secret_access_key))
        return error_set(err, ATHENA_E_CREDENTIALS,
                         "Partial credentials found in %s, missing: %s", source, missing_name);
    static_provider *p = calloc(1, sizeof *p);
    if (!p)
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    p->base = (credentials_provider){source, static_fetch, static_destroy};
    athena_credentials given = {(char *)access_key_id, (char *)secret_access_key,
                                is_set(session_token) ? (char *)session_token : NULL, 0};
    if (credentials_copy(&p->creds, &given) != 0) {
        static_destroy(&p->base);
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    }
    *out = &p->base;
    return ATHENA_OK;
}

athena_status cred_explicit_create(const athena_config_options *options,
                                   credentials_provider **out, athena_error *err)
{
    *out = NULL;
    int has_id = is_set(options->access_key_id);
    int has_secret = is_set(options->secret_access_key);
    if (has_id != has_secret)
        return error_set(err, ATHENA_E_ARG,
                         "Explicit credentials need both an access key id and a secret access "
                         "key; only the %s was given",
                         has_id ? "access key id" : "secret access key");
    if (!has_id && is_set(options->session_token))
        return error_set(err, ATHENA_E_ARG,
                         "An explicit session token needs an access key id and a secret "
                         "access key");
    return cred_static_create("explicit", options->access_key_id, options->secret_access_key,
                              options->session_token, "secret access key", out, err);
}
