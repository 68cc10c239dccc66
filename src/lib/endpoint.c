/*
 * endpoint.c: where each service's requests go, resolved as the AWS SDKs do
 * ("service-specific endpoints"):
 *
 *   1. the explicit endpoint_url option (every service)
 *   2. AWS_ENDPOINT_URL_<SERVICE> (ATHENA, GLUE, S3, STS)
 *   3. AWS_ENDPOINT_URL
 *   4. the profile's `services = NAME`, then in [services NAME] the
 *      sub-section "<service> =" with "endpoint_url = ..."
 *   5. the profile's endpoint_url
 *   6. https://<service>.<region>.amazonaws.com (.com.cn for cn- regions)
 *
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true, or the profile's
 * ignore_configured_endpoint_urls = true, skips 2 to 5. Also the table of
 * service names, which the signer shares.
 */
#include "endpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct service_info {
    const char *id;      /* signing name, host prefix and [services x] sub-section key */
    const char *env_var; /* AWS_ENDPOINT_URL_ + the service id in upper case */
} service_info;

static const service_info SERVICES[ATHENA_SERVICE_COUNT] = {
    [ATHENA_SERVICE_ATHENA] = {"athena", "AWS_ENDPOINT_URL_ATHENA"},
    [ATHENA_SERVICE_GLUE] = {"glue", "AWS_ENDPOINT_URL_GLUE"},
    [ATHENA_SERVICE_S3] = {"s3", "AWS_ENDPOINT_URL_S3"},
    [ATHENA_SERVICE_STS] = {"sts", "AWS_ENDPOINT_URL_STS"},
};

const char *service_signing_name(athena_service service)
{
    return (unsigned)service < ATHENA_SERVICE_COUNT ? SERVICES[service].id : "unknown";
}

static const char *nonempty(const char *s)
{
    return s && s[0] ? s : NULL;
}

static int ignore_configured_urls(const ini_profile *profile)
{
    const char *env = nonempty(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
    const char *flag = env ? env : ini_profile_get(profile, "ignore_configured_endpoint_urls");
    return flag && strcasecmp(flag, "true") == 0;
}

/* The URL configured for a service in the profile's [services x] section. */
static const char *services_section_url(const ini_profile *profile, const char *service_id,
                                        char *source, size_t source_size)
{
    const char *name = ini_profile_get(profile, "services");
    const ini_section *section = name ? ini_find_services(profile->config_file, name) : NULL;
    const char *url = nonempty(ini_get_sub(section, service_id, "endpoint_url"));
    if (url)
        snprintf(source, source_size, "the [services %s] section, %s endpoint_url", name,
                 service_id);
    return url;
}

/* Steps 1 to 5, or NULL; source receives a description for error messages. */
static const char *configured_url(const service_info *svc, const char *explicit_url,
                                  const ini_profile *profile, int ignore, char *source,
                                  size_t source_size)
{
    const char *url;
    if ((url = nonempty(explicit_url))) {
        snprintf(source, source_size, "the endpoint_url option");
        return url;
    }
    if (ignore)
        return NULL;
    if ((url = nonempty(getenv(svc->env_var)))) {
        snprintf(source, source_size, "%s", svc->env_var);
        return url;
    }
    if ((url = nonempty(getenv("AWS_ENDPOINT_URL")))) {
        snprintf(source, source_size, "AWS_ENDPOINT_URL");
        return url;
    }
    if ((url = services_section_url(profile, svc->id, source, source_size)))
        return url;
    if ((url = nonempty(ini_profile_get(profile, "endpoint_url"))))
        snprintf(source, source_size, "endpoint_url of profile '%s'", profile->name);
    return url;
}

/* http(s)://host..., with no whitespace or control characters. */
static int valid_url(const char *url)
{
    size_t scheme = strncasecmp(url, "https://", 8) == 0  ? 8
                    : strncasecmp(url, "http://", 7) == 0 ? 7
                                                           : 0;
    if (!scheme || url[scheme] == '\0' || url[scheme] == '/')
        return 0;
    for (const unsigned char *c = (const unsigned char *)url; *c; c++)
        if (*c <= ' ' || *c == 0x7f)
            return 0;
    return 1;
}

/* A copy without trailing slashes: the transport appends "/path". */
static char *copy_without_trailing_slash(const char *url)
{
    size_t n = strlen(url);
    while (n > 0 && url[n - 1] == '/')
        n--;
    return strndup(url, n);
}

static char *default_url(const service_info *svc, const char *region)
{
    const char *suffix = strncmp(region, "cn-", 3) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
    size_t n = strlen(svc->id) + strlen(region) + strlen(suffix) + sizeof "https://..";
    char *url = malloc(n);
    if (url)
        snprintf(url, n, "https://%s.%s.%s", svc->id, region, suffix);
    return url;
}

static athena_status resolve_one(const service_info *svc, const char *explicit_url,
                                 const ini_profile *profile, int ignore, const char *region,
                                 char **out, athena_error *err)
{
    char source[256];
    const char *url = configured_url(svc, explicit_url, profile, ignore, source, sizeof source);
    if (url && !valid_url(url))
        return error_set(err, ATHENA_E_CONFIG,
                         "The endpoint URL from %s must start with http:// or https:// and "
                         "name a host",
                         source);
    *out = NULL;
    if (!url && !region)
        return ATHENA_OK; /* unknown until a region is given; the client reports it */
    *out = url ? copy_without_trailing_slash(url) : default_url(svc, region);
    if (!*out)
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    return ATHENA_OK;
}

athena_status endpoint_resolve(const char *explicit_url, const ini_profile *profile,
                               const char *region, char *endpoints[ATHENA_SERVICE_COUNT],
                               athena_error *err)
{
    int ignore = ignore_configured_urls(profile);
    for (int i = 0; i < ATHENA_SERVICE_COUNT; i++) {
        athena_status st = resolve_one(&SERVICES[i], explicit_url, profile, ignore, region,
                                       &endpoints[i], err);
        if (st != ATHENA_OK) {
            for (int j = 0; j < i; j++) {
                free(endpoints[j]);
                endpoints[j] = NULL;
            }
            return st;
        }
    }
    return ATHENA_OK;
}
