/*
 * config.c: athena_config_load() and the accessors of the resolved
 * configuration, plus config_log(), the one logging sink of the library.
 *
 * Loading reads the two AWS profile files once, resolves every setting in
 * the SDKs' order of precedence (explicit option > environment > profile >
 * default), hands the profile to the endpoint resolver (endpoint.c) and the
 * credential chain (credentials.c), and then drops the files: the loaded
 * configuration keeps only the active profile's non-secret settings. After
 * loading it never changes (only the credential cache inside the chain
 * does, under its own lock), so any number of clients on any number of
 * threads may share it.
 */
#include "internal.h"

#include "credentials_provider.h"
#include "endpoint.h"
#include "ini.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_MAX_ATTEMPTS 3
#define DEFAULT_RETRY_MODE "standard"
#define DEFAULT_CONNECT_TIMEOUT_MS 10000L
#define DEFAULT_REQUEST_TIMEOUT_MS 70000L

struct athena_config {
    char *profile;
    int profile_explicit; /* named by the caller or AWS_PROFILE, so it must exist */
    char *region;
    char *endpoints[ATHENA_SERVICE_COUNT];
    char *workgroup;
    char *output_location;
    char *database;
    char *catalog;
    char *ca_bundle;
    int max_attempts;
    char *retry_mode;
    long connect_timeout_ms;
    long request_timeout_ms;
    athena_log_fn log;
    void *log_user_data;
    int debug;
    ini_section *profile_values; /* the active profile without its secrets */
    credentials_chain *credentials;
};

/* The two profile files, only while loading. */
typedef struct profile_files {
    ini_file *credentials;
    ini_file *config;
} profile_files;

/* ---- logging ---- */

void config_log(const athena_config *config, athena_log_level level, const char *fmt, ...)
{
    int debug = config && config->debug;
    athena_log_fn log = config ? config->log : NULL;
    if ((level == ATHENA_LOG_DEBUG && !debug) || (!log && level != ATHENA_LOG_WARN))
        return;
    char stack[1024];
    char *message = stack;
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(stack, sizeof stack, fmt, ap);
    if (n >= (int)sizeof stack && (message = malloc((size_t)n + 1)) != NULL)
        vsnprintf(message, (size_t)n + 1, fmt, again);
    va_end(again);
    va_end(ap);
    if (!message)
        message = stack; /* truncated is better than nothing */
    if (log)
        log(config->log_user_data, level, message);
    else
        fprintf(stderr, "athena: warning: %s\n", message);
    if (message != stack)
        free(message);
}

static void ini_warning(void *user_data, const char *message)
{
    config_log(user_data, ATHENA_LOG_WARN, "%s", message);
}

/* ---- small helpers ---- */

static const char *nonempty(const char *s)
{
    return s && s[0] ? s : NULL;
}

static const char *first_set(const char *a, const char *b)
{
    return nonempty(a) ? a : nonempty(b);
}

static const char *profile_setting(const ini_profile *profile, const char *key)
{
    return nonempty(ini_profile_get(profile, key));
}

/* *dst = a copy of value, or NULL when value is unset. */
static athena_status set_string(char **dst, const char *value, athena_error *err)
{
    *dst = NULL;
    if (!nonempty(value))
        return ATHENA_OK;
    *dst = strdup(value);
    return *dst ? ATHENA_OK : error_set(err, ATHENA_E_NOMEM, "out of memory");
}

/* ---- the profile files ---- */

/* The path in env_var, else default_path; a leading "~/" means $HOME. NULL
 * in *out (and ATHENA_OK) when it needs a HOME that is not set. */
static athena_status profile_file_path(const char *env_var, const char *default_path,
                                       char **out, athena_error *err)
{
    const char *path = first_set(getenv(env_var), default_path);
    const char *home = nonempty(getenv("HOME"));
    *out = NULL;
    if (path[0] != '~' || (path[1] != '/' && path[1] != '\0'))
        return set_string(out, path, err);
    if (!home)
        return ATHENA_OK;
    size_t n = strlen(home) + strlen(path);
    *out = malloc(n);
    if (!*out)
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    snprintf(*out, n, "%s%s", home, path + 1);
    return ATHENA_OK;
}

static void warn_if_exposed(const athena_config *c, const char *path, const ini_file *file,
                            unsigned mode)
{
    if (ini_holds_secret(file) && (mode & (S_IRGRP | S_IROTH)))
        config_log(c, ATHENA_LOG_WARN,
                   "%s is readable by group or others; run: chmod 600 %s", path, path);
}

static athena_status load_file(athena_config *c, const char *env_var, const char *default_path,
                               ini_file_kind kind, ini_file **out, athena_error *err)
{
    char *path;
    athena_status st = profile_file_path(env_var, default_path, &path, err);
    if (st != ATHENA_OK || !path)
        return st;
    unsigned mode = 0;
    if (ini_load_file(path, kind, ini_warning, c, out, &mode) != 0)
        st = error_set(err, ATHENA_E_NOMEM, "out of memory reading %s", path);
    else if (*out)
        warn_if_exposed(c, path, *out, mode);
    config_log(c, ATHENA_LOG_DEBUG, "%s %s", *out ? "read" : "no file", path);
    free(path);
    return st;
}

static athena_status load_profile_files(athena_config *c, profile_files *files,
                                        athena_error *err)
{
    athena_status st = load_file(c, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials",
                                 INI_CREDENTIALS_FILE, &files->credentials, err);
    if (st == ATHENA_OK)
        st = load_file(c, "AWS_CONFIG_FILE", "~/.aws/config", INI_CONFIG_FILE, &files->config,
                       err);
    return st;
}

static athena_status select_profile(athena_config *c, const athena_config_options *o,
                                    const profile_files *files, ini_profile *profile,
                                    athena_error *err)
{
    const char *name = first_set(o->profile, getenv("AWS_PROFILE"));
    c->profile_explicit = name != NULL;
    athena_status st = set_string(&c->profile, name ? name : "default", err);
    if (st != ATHENA_OK)
        return st;
    profile->name = c->profile;
    profile->config_file = files->config;
    profile->config = ini_find_profile(files->config, c->profile);
    profile->credentials = ini_find_profile(files->credentials, c->profile);
    if (c->profile_explicit && !profile->config && !profile->credentials)
        return error_set(err, ATHENA_E_CONFIG, "The config profile (%s) could not be found",
                         c->profile);
    return ATHENA_OK;
}

/* ---- settings ---- */

/* Regions become part of host names, so they must be one DNS label. */
static int valid_region(const char *region)
{
    size_t n = strlen(region);
    if (n == 0 || n > 63 || region[0] == '-' || region[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)region[i]) && region[i] != '-')
            return 0;
    return 1;
}

static athena_status resolve_region(athena_config *c, const athena_config_options *o,
                                    const ini_profile *profile, athena_error *err)
{
    const char *from_env = first_set(getenv("AWS_REGION"), getenv("AWS_DEFAULT_REGION"));
    const char *region =
        first_set(o->region, first_set(from_env, profile_setting(profile, "region")));
    if (region && !valid_region(region))
        return error_set(err, ATHENA_E_CONFIG,
                         "Provided region name '%s' doesn't match a supported format", region);
    return set_string(&c->region, region, err);
}

static athena_status resolve_athena_settings(athena_config *c, const athena_config_options *o,
                                             const ini_profile *p, athena_error *err)
{
    struct {
        char **dst;
        const char *option;
        const char *profile_key;
    } settings[] = {
        {&c->workgroup, o->workgroup, "athena_workgroup"},
        {&c->output_location, o->output_location, "athena_output_location"},
        {&c->database, o->database, "athena_database"},
        {&c->catalog, o->catalog, "athena_catalog"},
    };
    athena_status st = ATHENA_OK;
    for (size_t i = 0; st == ATHENA_OK && i < sizeof settings / sizeof settings[0]; i++)
        st = set_string(settings[i].dst,
                        first_set(settings[i].option, profile_setting(p, settings[i].profile_key)),
                        err);
    return st;
}

static athena_status resolve_ca_bundle(athena_config *c, const athena_config_options *o,
                                       const ini_profile *p, athena_error *err)
{
    const char *from_env_or_profile =
        first_set(getenv("AWS_CA_BUNDLE"), profile_setting(p, "ca_bundle"));
    return set_string(&c->ca_bundle, first_set(o->ca_bundle, from_env_or_profile), err);
}

static athena_status resolve_timeouts(athena_config *c, const athena_config_options *o,
                                      athena_error *err)
{
    if (o->connect_timeout_ms < 0 || o->request_timeout_ms < 0)
        return error_set(err, ATHENA_E_ARG, "timeouts must not be negative");
    c->connect_timeout_ms = o->connect_timeout_ms ? o->connect_timeout_ms
                                                  : DEFAULT_CONNECT_TIMEOUT_MS;
    c->request_timeout_ms = o->request_timeout_ms ? o->request_timeout_ms
                                                  : DEFAULT_REQUEST_TIMEOUT_MS;
    return ATHENA_OK;
}

static int parse_attempts(const char *text, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end != '\0' || v < 1 || v > INT_MAX)
        return -1;
    *out = (int)v;
    return 0;
}

static athena_status resolve_max_attempts(athena_config *c, const athena_config_options *o,
                                          const ini_profile *profile, athena_error *err)
{
    if (o->max_attempts < 0)
        return error_set(err, ATHENA_E_ARG, "max_attempts must be at least 1");
    c->max_attempts = o->max_attempts ? o->max_attempts : DEFAULT_MAX_ATTEMPTS;
    if (o->max_attempts)
        return ATHENA_OK;
    const char *source = "AWS_MAX_ATTEMPTS";
    const char *text = nonempty(getenv(source));
    if (!text) {
        source = "max_attempts in the profile";
        text = profile_setting(profile, "max_attempts");
    }
    if (text && parse_attempts(text, &c->max_attempts) != 0)
        return error_set(err, ATHENA_E_CONFIG,
                         "Invalid value '%s' for %s: it must be an integer of at least 1", text,
                         source);
    return ATHENA_OK;
}

static athena_status resolve_retry_mode(athena_config *c, const ini_profile *profile,
                                        athena_error *err)
{
    const char *env = nonempty(getenv("AWS_RETRY_MODE"));
    const char *mode = env ? env : profile_setting(profile, "retry_mode");
    if (!mode)
        mode = DEFAULT_RETRY_MODE;
    if (strcmp(mode, "legacy") != 0 && strcmp(mode, "standard") != 0 &&
        strcmp(mode, "adaptive") != 0)
        return error_set(err, ATHENA_E_CONFIG,
                         "Invalid value '%s' for %s: use legacy, standard or adaptive", mode,
                         env ? "AWS_RETRY_MODE" : "retry_mode in the profile");
    return set_string(&c->retry_mode, mode, err);
}

/* ---- loading ---- */

static void log_summary(const athena_config *c)
{
    const char *source = credentials_chain_source(c->credentials);
    config_log(c, ATHENA_LOG_DEBUG, "profile '%s'%s, region %s, credentials from %s", c->profile,
               c->profile_explicit ? "" : " (default)", c->region ? c->region : "(none)",
               source ? source : "(none found)");
    for (int i = 0; i < ATHENA_SERVICE_COUNT; i++)
        config_log(c, ATHENA_LOG_DEBUG, "%s endpoint: %s", service_signing_name(i),
                   c->endpoints[i] ? c->endpoints[i] : "(none: no region)");
}

static athena_status resolve_all(athena_config *c, const athena_config_options *o,
                                 const ini_profile *profile, athena_error *err)
{
    athena_status st = resolve_region(c, o, profile, err);
    if (st == ATHENA_OK)
        st = resolve_athena_settings(c, o, profile, err);
    if (st == ATHENA_OK)
        st = resolve_ca_bundle(c, o, profile, err);
    if (st == ATHENA_OK)
        st = resolve_timeouts(c, o, err);
    if (st == ATHENA_OK)
        st = resolve_max_attempts(c, o, profile, err);
    if (st == ATHENA_OK)
        st = resolve_retry_mode(c, profile, err);
    if (st == ATHENA_OK)
        st = endpoint_resolve(o->endpoint_url, profile, c->region, c->endpoints, err);
    if (st == ATHENA_OK)
        st = credentials_chain_create(o, profile, &c->credentials, err);
    if (st == ATHENA_OK) {
        c->profile_values = ini_section_merge_public(profile->credentials, profile->config);
        if (!c->profile_values)
            st = error_set(err, ATHENA_E_NOMEM, "out of memory");
    }
    return st;
}

static athena_status load(athena_config *c, const athena_config_options *o, athena_error *err)
{
    profile_files files = {0};
    ini_profile profile = {0};
    athena_status st = load_profile_files(c, &files, err);
    if (st == ATHENA_OK)
        st = select_profile(c, o, &files, &profile, err);
    if (st == ATHENA_OK)
        st = resolve_all(c, o, &profile, err);
    ini_free(files.credentials);
    ini_free(files.config);
    return st;
}

athena_status athena_config_load(const athena_config_options *options, athena_config **out,
                                 athena_error *err)
{
    static const athena_config_options no_options;
    error_clear(err);
    if (!out)
        return error_set(err, ATHENA_E_ARG, "out must not be NULL");
    *out = NULL;
    const athena_config_options *o = options ? options : &no_options;
    athena_config *c = calloc(1, sizeof *c);
    if (!c)
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    c->log = o->log;
    c->log_user_data = o->log_user_data;
    c->debug = o->debug;
    athena_status st = load(c, o, err);
    if (st != ATHENA_OK) {
        athena_config_free(c);
        return st;
    }
    log_summary(c);
    *out = c;
    return ATHENA_OK;
}

void athena_config_free(athena_config *config)
{
    if (!config)
        return;
    char **strings[] = {&config->profile,   &config->region,          &config->workgroup,
                        &config->database,  &config->output_location, &config->catalog,
                        &config->ca_bundle, &config->retry_mode};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free(*strings[i]);
    for (int i = 0; i < ATHENA_SERVICE_COUNT; i++)
        free(config->endpoints[i]);
    ini_section_free(config->profile_values);
    credentials_chain_free(config->credentials);
    free(config);
}

/* ---- accessors ---- */

const char *athena_config_profile(const athena_config *c) { return c ? c->profile : NULL; }
const char *athena_config_region(const athena_config *c) { return c ? c->region : NULL; }
const char *athena_config_workgroup(const athena_config *c) { return c ? c->workgroup : NULL; }
const char *athena_config_database(const athena_config *c) { return c ? c->database : NULL; }
const char *athena_config_catalog(const athena_config *c) { return c ? c->catalog : NULL; }
const char *athena_config_retry_mode(const athena_config *c) { return c ? c->retry_mode : NULL; }
int athena_config_max_attempts(const athena_config *c) { return c ? c->max_attempts : DEFAULT_MAX_ATTEMPTS; }
const char *config_ca_bundle(const athena_config *c) { return c ? c->ca_bundle : NULL; }
int config_debug(const athena_config *c) { return c ? c->debug : 0; }

const char *athena_config_output_location(const athena_config *c)
{
    return c ? c->output_location : NULL;
}

const char *athena_config_endpoint(const athena_config *c, athena_service service)
{
    return c && (unsigned)service < ATHENA_SERVICE_COUNT ? c->endpoints[service] : NULL;
}

const char *athena_config_credential_source(const athena_config *c)
{
    return c ? credentials_chain_source(c->credentials) : NULL;
}

const char *athena_config_profile_value(const athena_config *c, const char *key)
{
    return c && key ? ini_get(c->profile_values, key) : NULL;
}

long config_connect_timeout_ms(const athena_config *c)
{
    return c ? c->connect_timeout_ms : DEFAULT_CONNECT_TIMEOUT_MS;
}

long config_request_timeout_ms(const athena_config *c)
{
    return c ? c->request_timeout_ms : DEFAULT_REQUEST_TIMEOUT_MS;
}

credentials_chain *config_credentials_chain(const athena_config *c)
{
    return c->credentials;
}
