/*
 * cred_profile.c: static keys (aws_access_key_id, aws_secret_access_key,
 * aws_session_token) of the active profile: the credentials file first, then
 * the config file, each reported as its own source.
 */
#include "credentials_provider.h"

static athena_status from_section(const ini_section *section, const char *source,
                                  credentials_provider **out, athena_error *err)
{
    return cred_static_create(source, ini_get(section, "aws_access_key_id"),
                              ini_get(section, "aws_secret_access_key"),
                              ini_get(section, "aws_session_token"), "aws_secret_access_key",
                              out, err);
}

athena_status cred_profile_create(const ini_profile *profile, credentials_provider **out,
                                  athena_error *err)
{
    athena_status st = from_section(profile->credentials, "shared-credentials-file", out, err);
    if (st != ATHENA_OK || *out)
        return st;
    return from_section(profile->config, "config-file", out, err);
}
