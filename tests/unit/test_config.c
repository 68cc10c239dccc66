/*
 * test_config.c: athena_config_load() checked against the AWS SDKs' rules:
 * profile selection and files, precedence of region, endpoints, retries,
 * timeouts, CA bundle and Athena settings, file-permission warnings and
 * logging. Credentials are covered by test_config_credentials.c. No network.
 */
#include "config_fixture.h"

/* ---- profiles ---- */

static void test_profile_selection(void)
{
    fresh_home();
    write_credentials("[default]\nregion = r-default\n[envprof]\nregion = r-env\n");
    write_config("[profile optprof]\nregion = r-opt\n");
    athena_config *c = load_default();
    REQUIRE(c);
    CHECK_STR(athena_config_profile(c), "default");
    CHECK_STR(athena_config_region(c), "r-default");
    athena_config_free(c);

    setenv("AWS_PROFILE", "envprof", 1);
    c = load_default();
    REQUIRE(c);
    CHECK_STR(athena_config_profile(c), "envprof");
    CHECK_STR(athena_config_region(c), "r-env");
    athena_config_free(c);

    athena_config_options o = {.profile = "optprof"};
    c = load_ok(&o);
    REQUIRE(c);
    CHECK_STR(athena_config_profile(c), "optprof");
    CHECK_STR(athena_config_region(c), "r-opt");
    athena_config_free(c);
}

static void test_missing_profile(void)
{
    fresh_home();
    write_config("[nope]\nregion = us-east-1\n"); /* not a profile in the config file */
    athena_error err;
    athena_config_options o = {.profile = "nope"};
    load(&o, ATHENA_E_CONFIG, &err);
    CHECK_STR(err.message, "The config profile (nope) could not be found");

    setenv("AWS_PROFILE", "alsomissing", 1);
    athena_config_options none = {0};
    load(&none, ATHENA_E_CONFIG, &err);
    CHECK(strstr(err.message, "(alsomissing)") != NULL);

    /* An explicitly named default must exist too; an implicit one need not. */
    setenv("AWS_PROFILE", "default", 1);
    load(&none, ATHENA_E_CONFIG, &err);
    unsetenv("AWS_PROFILE");
    athena_config *c = load_default();
    CHECK(c != NULL);
    athena_config_free(c);
}

static void test_profile_in_either_file(void)
{
    fresh_home();
    write_credentials("[onlycreds]\naws_access_key_id = A\naws_secret_access_key = S\n");
    write_config("[profile onlyconfig]\nregion = eu-west-1\n");
    athena_config_options o = {.profile = "onlycreds"};
    athena_config *c = load_ok(&o);
    REQUIRE(c);
    CHECK_STR(athena_config_credential_source(c), "shared-credentials-file");
    athena_config_free(c);
    o.profile = "onlyconfig";
    c = load_ok(&o);
    REQUIRE(c);
    CHECK_STR(athena_config_region(c), "eu-west-1");
    athena_config_free(c);
}

static void test_file_locations_from_environment(void)
{
    fresh_home();
    write_file("elsewhere-creds", "[default]\naws_access_key_id = ALT\naws_secret_access_key = S\n",
               0600);
    write_file("elsewhere-config", "[default]\nregion = sa-east-1\n", 0600);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere-creds", 1);
    char path[512];
    snprintf(path, sizeof path, "%s/elsewhere-config", home);
    setenv("AWS_CONFIG_FILE", path, 1);
    athena_config *c = load_default();
    REQUIRE(c);
    check_credentials(c, "shared-credentials-file", "ALT", "S", NULL);
    CHECK_STR(athena_config_region(c), "sa-east-1");
    athena_config_free(c);
}

static void test_malformed_files_warn_but_load(void)
{
    fresh_home();
    write_config("garbage before sections\n[default\nregion = ignored\n[profile p]\n"
                 "this line has no equals\nregion = us-east-2\n");
    log_capture logs = {0};
    athena_config_options o = {.profile = "p", .log = capture, .log_user_data = &logs};
    athena_config *c = load_ok(&o);
    REQUIRE(c);
    CHECK_STR(athena_config_region(c), "us-east-2");
    CHECK_INT(logs.warnings, 3);
    CHECK(strstr(logs.text, "/.aws/config line 5") != NULL);
    athena_config_free(c);
}

/* ---- region ---- */

static void test_region_precedence(void)
{
    fresh_home();
    write_config("[default]\nregion = from-profile\n");
    athena_config *c = load_default();
    CHECK_STR(athena_config_region(c), "from-profile");
    athena_config_free(c);

    setenv("AWS_DEFAULT_REGION", "from-default-region", 1);
    c = load_default();
    CHECK_STR(athena_config_region(c), "from-default-region");
    athena_config_free(c);

    setenv("AWS_REGION", "from-region", 1);
    c = load_default();
    CHECK_STR(athena_config_region(c), "from-region");
    athena_config_free(c);

    athena_config_options o = {.region = "explicit-1"};
    c = load_ok(&o);
    CHECK_STR(athena_config_region(c), "explicit-1");
    athena_config_free(c);
}

static void test_region_missing_or_invalid(void)
{
    fresh_home();
    athena_config *c = load_default();
    REQUIRE(c);
    CHECK(athena_config_region(c) == NULL);
    for (int i = 0; i < ATHENA_SERVICE_COUNT; i++)
        CHECK(athena_config_endpoint(c, (athena_service)i) == NULL);
    athena_config_free(c);

    athena_error err;
    athena_config_options o = {.region = "evil.com/x"};
    load(&o, ATHENA_E_CONFIG, &err);
    CHECK(strstr(err.message, "region") != NULL);
}

/* ---- endpoints ---- */

static void check_endpoints(const char *athena, const char *glue, const char *s3,
                            const char *sts)
{
    athena_config_options o = {0};
    athena_config *c = load_ok(&o);
    REQUIRE(c);
    CHECK_STR(athena_config_endpoint(c, ATHENA_SERVICE_ATHENA), athena);
    CHECK_STR(athena_config_endpoint(c, ATHENA_SERVICE_GLUE), glue);
    CHECK_STR(athena_config_endpoint(c, ATHENA_SERVICE_S3), s3);
    CHECK_STR(athena_config_endpoint(c, ATHENA_SERVICE_STS), sts);
    CHECK(athena_config_endpoint(c, ATHENA_SERVICE_COUNT) == NULL);
    athena_config_free(c);
}

static void test_default_endpoints(void)
{
    fresh_home();
    setenv("AWS_REGION", "eu-central-1", 1);
    check_endpoints("https://athena.eu-central-1.amazonaws.com",
                    "https://glue.eu-central-1.amazonaws.com",
                    "https://s3.eu-central-1.amazonaws.com",
                    "https://sts.eu-central-1.amazonaws.com");
    setenv("AWS_REGION", "cn-north-1", 1);
    check_endpoints("https://athena.cn-north-1.amazonaws.com.cn",
                    "https://glue.cn-north-1.amazonaws.com.cn",
                    "https://s3.cn-north-1.amazonaws.com.cn",
                    "https://sts.cn-north-1.amazonaws.com.cn");
}

static void test_endpoint_precedence(void)
{
    fresh_home();
    setenv("AWS_REGION", "us-east-1", 1);
    const char *dflt = "https://glue.us-east-1.amazonaws.com";

    /* 5: the profile's endpoint_url, for every service */
    write_config("[default]\nendpoint_url = http://profile:1/\nservices = local\n"
                 "[services local]\nathena =\n  endpoint_url = http://services-athena:2\n");
    check_endpoints("http://services-athena:2", "http://profile:1", "http://profile:1",
                    "http://profile:1");

    /* 4 beats 5 for the service it names; 3 beats both */
    setenv("AWS_ENDPOINT_URL", "http://global:3", 1);
    check_endpoints("http://global:3", "http://global:3", "http://global:3", "http://global:3");

    /* 2 beats 3 */
    setenv("AWS_ENDPOINT_URL_GLUE", "https://glue-env:4", 1);
    setenv("AWS_ENDPOINT_URL_S3", "https://s3-env:5", 1);
    check_endpoints("http://global:3", "https://glue-env:4", "https://s3-env:5", "http://global:3");
    setenv("AWS_ENDPOINT_URL_ATHENA", "http://athena-env:6", 1);
    setenv("AWS_ENDPOINT_URL_STS", "http://sts-env:7", 1);
    check_endpoints("http://athena-env:6", "https://glue-env:4", "https://s3-env:5",
                    "http://sts-env:7");

    /* 1 beats everything, for every service */
    athena_config_options o = {.endpoint_url = "http://127.0.0.1:9000"};
    athena_config *c = load_ok(&o);
    REQUIRE(c);
    for (int i = 0; i < ATHENA_SERVICE_COUNT; i++)
        CHECK_STR(athena_config_endpoint(c, (athena_service)i), "http://127.0.0.1:9000");
    athena_config_free(c);

    /* The ignore flag drops 2 to 5 but not the explicit option. */
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    check_endpoints("https://athena.us-east-1.amazonaws.com", dflt,
                    "https://s3.us-east-1.amazonaws.com", "https://sts.us-east-1.amazonaws.com");
    c = load_ok(&o);
    CHECK_STR(athena_config_endpoint(c, ATHENA_SERVICE_GLUE), "http://127.0.0.1:9000");
    athena_config_free(c);
}

static void test_endpoint_ignore_flag_in_profile(void)
{
    fresh_home();
    setenv("AWS_REGION", "us-west-2", 1);
    setenv("AWS_ENDPOINT_URL", "http://env:1", 1);
    write_config("[default]\nignore_configured_endpoint_urls = TRUE\n");
    athena_config *c = load_default();
    CHECK_STR(athena_config_endpoint(c, ATHENA_SERVICE_ATHENA),
              "https://athena.us-west-2.amazonaws.com");
    athena_config_free(c);

    /* The environment's "false" overrides the profile's "true". */
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", 1);
    c = load_default();
    CHECK_STR(athena_config_endpoint(c, ATHENA_SERVICE_ATHENA), "http://env:1");
    athena_config_free(c);
}

static void test_endpoint_without_region(void)
{
    fresh_home();
    setenv("AWS_ENDPOINT_URL_ATHENA", "http://localhost:4566", 1);
    athena_config *c = load_default();
    REQUIRE(c);
    CHECK_STR(athena_config_endpoint(c, ATHENA_SERVICE_ATHENA), "http://localhost:4566");
    CHECK(athena_config_endpoint(c, ATHENA_SERVICE_GLUE) == NULL);
    athena_config_free(c);
}

static void test_invalid_endpoint_names_source(void)
{
    fresh_home();
    athena_error err;
    athena_config_options o = {0};
    setenv("AWS_ENDPOINT_URL_STS", "ftp://example.com", 1);
    load(&o, ATHENA_E_CONFIG, &err);
    CHECK(strstr(err.message, "AWS_ENDPOINT_URL_STS") != NULL);
    unsetenv("AWS_ENDPOINT_URL_STS");

    write_config("[default]\nservices = s\n[services s]\nglue =\n  endpoint_url = localhost\n");
    load(&o, ATHENA_E_CONFIG, &err);
    CHECK(strstr(err.message, "[services s]") != NULL);

    write_config("[default]\nendpoint_url = http://\n");
    load(&o, ATHENA_E_CONFIG, &err);
    CHECK(strstr(err.message, "endpoint_url of profile 'default'") != NULL);

    athena_config_options bad = {.endpoint_url = "http://has space"};
    load(&bad, ATHENA_E_CONFIG, &err);
    CHECK(strstr(err.message, "option") != NULL);
}

/* ---- retries, timeouts, athena settings ---- */

static void test_retry_settings(void)
{
    fresh_home();
    athena_config *c = load_default();
    CHECK_INT(athena_config_max_attempts(c), 3);
    CHECK_STR(athena_config_retry_mode(c), "standard");
    athena_config_free(c);

    write_config("[default]\nmax_attempts = 7\nretry_mode = legacy\n");
    c = load_default();
    CHECK_INT(athena_config_max_attempts(c), 7);
    CHECK_STR(athena_config_retry_mode(c), "legacy");
    athena_config_free(c);

    setenv("AWS_MAX_ATTEMPTS", "5", 1);
    setenv("AWS_RETRY_MODE", "adaptive", 1);
    c = load_default();
    CHECK_INT(athena_config_max_attempts(c), 5);
    CHECK_STR(athena_config_retry_mode(c), "adaptive");
    athena_config_free(c);

    athena_config_options o = {.max_attempts = 1};
    c = load_ok(&o);
    CHECK_INT(athena_config_max_attempts(c), 1);
    athena_config_free(c);
}

static void test_invalid_retry_settings(void)
{
    fresh_home();
    athena_error err;
    athena_config_options o = {0};
    const char *bad_attempts[] = {"0", "-2", "three", "4x", "99999999999"};
    for (size_t i = 0; i < sizeof bad_attempts / sizeof bad_attempts[0]; i++) {
        setenv("AWS_MAX_ATTEMPTS", bad_attempts[i], 1);
        load(&o, ATHENA_E_CONFIG, &err);
        CHECK(strstr(err.message, "AWS_MAX_ATTEMPTS") != NULL);
    }
    unsetenv("AWS_MAX_ATTEMPTS");
    write_config("[default]\nmax_attempts = 0\n");
    load(&o, ATHENA_E_CONFIG, &err);
    CHECK(strstr(err.message, "max_attempts") != NULL);

    write_config("[default]\nretry_mode = turbo\n");
    load(&o, ATHENA_E_CONFIG, &err);
    CHECK(strstr(err.message, "retry_mode") != NULL);
    setenv("AWS_RETRY_MODE", "Standard", 1);
    load(&o, ATHENA_E_CONFIG, &err);
    CHECK(strstr(err.message, "AWS_RETRY_MODE") != NULL);

    unsetenv("AWS_RETRY_MODE");
    write_config("");
    athena_config_options negative = {.max_attempts = -1};
    load(&negative, ATHENA_E_ARG, &err);
}

static void test_timeouts_and_ca_bundle(void)
{
    fresh_home();
    athena_config *c = load_default();
    CHECK_INT(config_connect_timeout_ms(c), 10000);
    CHECK_INT(config_request_timeout_ms(c), 70000);
    CHECK(config_ca_bundle(c) == NULL);
    CHECK_INT(config_debug(c), 0);
    athena_config_free(c);

    write_config("[default]\nca_bundle = /profile.pem\n");
    c = load_default();
    CHECK_STR(config_ca_bundle(c), "/profile.pem");
    athena_config_free(c);
    setenv("AWS_CA_BUNDLE", "/env.pem", 1);
    c = load_default();
    CHECK_STR(config_ca_bundle(c), "/env.pem");
    athena_config_free(c);

    athena_config_options o = {.ca_bundle = "/explicit.pem", .connect_timeout_ms = 1500,
                               .request_timeout_ms = 2500};
    c = load_ok(&o);
    CHECK_STR(config_ca_bundle(c), "/explicit.pem");
    CHECK_INT(config_connect_timeout_ms(c), 1500);
    CHECK_INT(config_request_timeout_ms(c), 2500);
    athena_config_free(c);
}

static void test_athena_settings_and_profile_values(void)
{
    fresh_home();
    write_credentials("[default]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\n"
                      "athena_tables = creds-tables\nonly_in_creds = 1\n");
    write_config("[default]\nathena_workgroup = wg\nathena_output_location = s3://b/p/\n"
                 "athena_database = db\nathena_catalog = cat\nathena_tables = config-tables\n");
    athena_config *c = load_default();
    REQUIRE(c);
    CHECK_STR(athena_config_workgroup(c), "wg");
    CHECK_STR(athena_config_output_location(c), "s3://b/p/");
    CHECK_STR(athena_config_database(c), "db");
    CHECK_STR(athena_config_catalog(c), "cat");
    CHECK_STR(athena_config_profile_value(c, "athena_tables"), "config-tables");
    CHECK_STR(athena_config_profile_value(c, "only_in_creds"), "1");
    CHECK_STR(athena_config_profile_value(c, "aws_access_key_id"), "AKID");
    CHECK(athena_config_profile_value(c, "aws_secret_access_key") == NULL);
    CHECK(athena_config_profile_value(c, "missing") == NULL);
    CHECK(athena_config_profile_value(c, NULL) == NULL);
    athena_config_free(c);

    athena_config_options o = {.workgroup = "w2", .output_location = "s3://o/",
                               .database = "d2", .catalog = "c2"};
    c = load_ok(&o);
    REQUIRE(c);
    CHECK_STR(athena_config_workgroup(c), "w2");
    CHECK_STR(athena_config_output_location(c), "s3://o/");
    CHECK_STR(athena_config_database(c), "d2");
    CHECK_STR(athena_config_catalog(c), "c2");
    athena_config_free(c);
}

static void test_null_arguments(void)
{
    fresh_home();
    athena_error err;
    CHECK_INT(athena_config_load(NULL, NULL, &err), ATHENA_E_ARG);
    athena_config *c = NULL;
    CHECK_INT(athena_config_load(NULL, &c, NULL), ATHENA_OK);
    CHECK(c != NULL);
    athena_config_free(c);
    athena_config_free(NULL);
    CHECK(athena_config_region(NULL) == NULL);
    CHECK(athena_config_endpoint(NULL, ATHENA_SERVICE_ATHENA) == NULL);
    CHECK(athena_config_credential_source(NULL) == NULL);
    CHECK_STR(service_signing_name(ATHENA_SERVICE_STS), "sts");
    CHECK_STR(service_signing_name(ATHENA_SERVICE_ATHENA), "athena");
}

/* ---- security and logging ---- */

static void test_permission_warning(void)
{
    fresh_home();
    write_file(".aws/credentials",
               "[default]\naws_access_key_id = AKID\naws_secret_access_key = TOPSECRET\n", 0644);
    log_capture logs = {0};
    athena_config_options o = {.log = capture, .log_user_data = &logs};
    athena_config *c = load_ok(&o);
    CHECK_INT(logs.warnings, 1);
    CHECK(strstr(logs.text, "readable by group or others; run: chmod 600") != NULL);
    CHECK(strstr(logs.text, "/.aws/credentials") != NULL);
    CHECK(strstr(logs.text, "TOPSECRET") == NULL);
    athena_config_free(c);

    /* 0600, or a world-readable file without secrets: no warning. */
    write_credentials("[default]\naws_access_key_id = AKID\naws_secret_access_key = TOPSECRET\n");
    write_file(".aws/config", "[default]\nregion = us-east-1\n", 0644);
    memset(&logs, 0, sizeof logs);
    c = load_ok(&o);
    CHECK_INT(logs.warnings, 0);
    athena_config_free(c);

    /* A session token in a group-readable config file counts as a secret. */
    write_file(".aws/config", "[default]\naws_session_token = TOKEN\n", 0640);
    memset(&logs, 0, sizeof logs);
    c = load_ok(&o);
    CHECK_INT(logs.warnings, 1);
    CHECK(strstr(logs.text, "/.aws/config is readable") != NULL);
    athena_config_free(c);
}

static void test_debug_log(void)
{
    fresh_home();
    write_credentials("[default]\naws_access_key_id = AKID\naws_secret_access_key = TOPSECRET\n"
                      "aws_session_token = TOPTOKEN\n");
    setenv("AWS_REGION", "us-east-2", 1);
    log_capture logs = {0};
    athena_config_options o = {.log = capture, .log_user_data = &logs};
    athena_config *c = load_ok(&o);
    CHECK_INT(logs.debugs, 0);
    config_log(c, ATHENA_LOG_DEBUG, "dropped %d", 1);
    CHECK_INT(logs.debugs, 0);
    config_log(c, ATHENA_LOG_WARN, "kept %d", 2);
    CHECK(strstr(logs.text, "W:kept 2") != NULL);
    athena_config_free(c);

    memset(&logs, 0, sizeof logs);
    o.debug = 1;
    c = load_ok(&o);
    CHECK_INT(config_debug(c), 1);
    CHECK(logs.debugs > 0);
    CHECK(strstr(logs.text, "profile 'default'") != NULL);
    CHECK(strstr(logs.text, "us-east-2") != NULL);
    CHECK(strstr(logs.text, "shared-credentials-file") != NULL);
    CHECK(strstr(logs.text, "https://athena.us-east-2.amazonaws.com") != NULL);
    CHECK(strstr(logs.text, "TOPSECRET") == NULL);
    CHECK(strstr(logs.text, "TOPTOKEN") == NULL);

    /* Long messages are not truncated. */
    char long_text[3000];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    memset(&logs, 0, sizeof logs);
    config_log(c, ATHENA_LOG_DEBUG, "%s!", long_text);
    CHECK(strstr(logs.text, "x!") != NULL);
    athena_config_free(c);
}

int main(void)
{
    RUN(test_profile_selection);
    RUN(test_missing_profile);
    RUN(test_profile_in_either_file);
    RUN(test_file_locations_from_environment);
    RUN(test_malformed_files_warn_but_load);
    RUN(test_region_precedence);
    RUN(test_region_missing_or_invalid);
    RUN(test_default_endpoints);
    RUN(test_endpoint_precedence);
    RUN(test_endpoint_ignore_flag_in_profile);
    RUN(test_endpoint_without_region);
    RUN(test_invalid_endpoint_names_source);
    RUN(test_retry_settings);
    RUN(test_invalid_retry_settings);
    RUN(test_timeouts_and_ca_bundle);
    RUN(test_athena_settings_and_profile_values);
    RUN(test_null_arguments);
    RUN(test_permission_warning);
    RUN(test_debug_log);
    remove_tree(home);
    return test_summary();
}
