/*
 * endpoint.h: resolution of each service's endpoint URL (endpoint.c), used
 * by athena_config_load().
 */
#ifndef ATHENA_LIB_ENDPOINT_H
#define ATHENA_LIB_ENDPOINT_H

#include "internal.h"
#include "ini.h"

/* Resolves the endpoint of every service into endpoints[] (malloc'ed; NULL
 * when there is neither a configured URL nor a region). explicit_url applies
 * to every service. A configured URL that is not http(s) is ATHENA_E_CONFIG.
 * On failure endpoints[] holds nothing to free. */
athena_status endpoint_resolve(const char *explicit_url, const ini_profile *profile,
                               const char *region, char *endpoints[ATHENA_SERVICE_COUNT],
                               athena_error *err);

#endif
