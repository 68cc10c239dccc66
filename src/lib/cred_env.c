/*
 * cred_env.c: credentials from the environment variables AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
 *
 * As in botocore, a key id without its secret is an error, while a secret
 * without a key id is ignored. The values are copied at load time, so later
 * changes to the environment do not affect a loaded configuration.
 */
#include "credentials_provider.h"

#include <stdlib.h>

athena_status cred_env_create(credentials_provider **out, athena_error *err)
{
    return cred_static_create("environment", getenv("AWS_ACCESS_KEY_ID"),
                              getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN"),
                              "AWS_SECRET_ACCESS_KEY", out, err);
}
