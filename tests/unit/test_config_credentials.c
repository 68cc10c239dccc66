/*
 * test_config_credentials.c: the credential chain of athena_config_load()
 * checked against the AWS SDKs' rules: explicit values > environment >
 * credentials file > config file > credential_process, partial credentials,
 * credential_process output and failures, and the thread-safe cache that
 * refreshes credentials within five minutes of expiry. No network.
 */
#include "config_fixture.h"

#include <pthread.h>
#include <time.h>

/* ---- credentials ---- */

static void test_no_credentials(void)
{
    fresh_home();
    athena_config *c = load_default();
    REQUIRE(c);
    CHECK(athena_config_credential_source(c) == NULL);
    CHECK_STR(athena_config_profile(c), "default");
    athena_credentials creds;
    athena_error err;
    CHECK_INT(config_get_credentials(c, &creds, &err), ATHENA_E_CREDENTIALS);
    CHECK(strstr(err.message, "Unable to locate credentials") != NULL);
    CHECK(strstr(err.message, "AWS_ACCESS_KEY_ID") != NULL);
    CHECK(strstr(err.message, "aws configure") != NULL);
    CHECK(strstr(err.message, "--profile") != NULL);
    CHECK(creds.access_key_id == NULL);
    athena_config_free(c);
}

static void test_unsupported_source_hint(void)
{
    fresh_home();
    write_config("[default]\nrole_arn = arn:aws:iam::123:role/x\nsource_profile = base\n");
    athena_config *c = load_default();
    REQUIRE(c);
    athena_credentials creds;
    athena_error err;
    CHECK_INT(config_get_credentials(c, &creds, &err), ATHENA_E_CREDENTIALS);
    CHECK(strstr(err.message, "role_arn") != NULL);
    athena_config_free(c);
}

static void set_all_lower_sources(void)
{
    setenv("AWS_ACCESS_KEY_ID", "ENVID", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    setenv("AWS_SESSION_TOKEN", "envtoken", 1);
    write_credentials("[default]\naws_access_key_id = FILEID\naws_secret_access_key = filesecret\n");
    write_config("[default]\naws_access_key_id = CFGID\naws_secret_access_key = cfgsecret\n"
                 "credential_process = /bin/false\n");
}

static void test_explicit_credentials_win(void)
{
    fresh_home();
    set_all_lower_sources();
    athena_config_options o = {.access_key_id = "EXPID", .secret_access_key = "expsecret",
                               .session_token = "exptoken"};
    athena_config *c = load_ok(&o);
    REQUIRE(c);
    check_credentials(c, "explicit", "EXPID", "expsecret", "exptoken");
    athena_config_free(c);
}

static void test_explicit_pair_incomplete(void)
{
    fresh_home();
    athena_error err;
    athena_config_options only_id = {.access_key_id = "EXPID"};
    load(&only_id, ATHENA_E_ARG, &err);
    CHECK(strstr(err.message, "secret access key") != NULL);
    athena_config_options only_secret = {.secret_access_key = "expsecret"};
    load(&only_secret, ATHENA_E_ARG, &err);
    CHECK(strstr(err.message, "expsecret") == NULL);
    athena_config_options only_token = {.session_token = "exptoken"};
    load(&only_token, ATHENA_E_ARG, &err);
}

static void test_environment_credentials(void)
{
    fresh_home();
    set_all_lower_sources();
    athena_config *c = load_default();
    REQUIRE(c);
    check_credentials(c, "environment", "ENVID", "envsecret", "envtoken");
    athena_config_free(c);

    /* A key id without its secret is an error, naming what is missing. */
    unsetenv("AWS_SECRET_ACCESS_KEY");
    athena_error err;
    athena_config_options o = {0};
    load(&o, ATHENA_E_CREDENTIALS, &err);
    CHECK(strstr(err.message, "AWS_SECRET_ACCESS_KEY") != NULL);

    /* A secret without a key id is ignored, as in botocore. */
    unsetenv("AWS_ACCESS_KEY_ID");
    setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
    c = load_default();
    REQUIRE(c);
    CHECK_STR(athena_config_credential_source(c), "shared-credentials-file");
    athena_config_free(c);
}

static void test_credentials_file_beats_config_file(void)
{
    fresh_home();
    set_all_lower_sources();
    unsetenv("AWS_ACCESS_KEY_ID");
    unsetenv("AWS_SECRET_ACCESS_KEY");
    unsetenv("AWS_SESSION_TOKEN");
    athena_config *c = load_default();
    REQUIRE(c);
    check_credentials(c, "shared-credentials-file", "FILEID", "filesecret", NULL);
    athena_config_free(c);
}

static void test_config_file_beats_process(void)
{
    fresh_home();
    write_config("[default]\naws_access_key_id = CFGID\naws_secret_access_key = cfgsecret\n"
                 "aws_session_token = cfgtoken\ncredential_process = /bin/false\n");
    athena_config *c = load_default();
    REQUIRE(c);
    check_credentials(c, "config-file", "CFGID", "cfgsecret", "cfgtoken");
    athena_config_free(c);

    /* Partial keys in a file are an error too. */
    write_config("[default]\naws_access_key_id = CFGID\n");
    athena_error err;
    athena_config_options o = {0};
    load(&o, ATHENA_E_CREDENTIALS, &err);
    CHECK(strstr(err.message, "aws_secret_access_key") != NULL);
}

/* ---- credential_process ---- */

/* Writes ~/proc.sh, which counts its runs in ~/runs and then runs body, and
 * points the config file's default profile at it. */
static void write_process(const char *body)
{
    char script[4096];
    snprintf(script, sizeof script, "#!/bin/sh\necho run >> '%s/runs'\n%s\n", home, body);
    write_file("proc.sh", script, 0700);
    char config[600];
    snprintf(config, sizeof config, "[default]\nregion = us-east-1\n"
                                    "credential_process = /bin/sh %s/proc.sh --flag\n",
             home);
    write_config(config);
}

static int process_runs(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/runs", home);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int lines = 0, ch;
    while ((ch = fgetc(f)) != EOF)
        lines += ch == '\n';
    fclose(f);
    return lines;
}

/* A JSON document printed by the script, expiring `seconds` from now. */
static void write_process_expiring_in(long seconds)
{
    char when[64], body[1024];
    time_t t = time(NULL) + seconds;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    snprintf(body, sizeof body,
             "cat <<'EOF'\n{\"Version\": 1, \"AccessKeyId\": \"PROCID\", \"SecretAccessKey\": "
             "\"procsecret\", \"SessionToken\": \"proctoken\", \"Expiration\": \"%s\"}\nEOF",
             when);
    write_process(body);
}

static void test_process_success_and_cache(void)
{
    fresh_home();
    write_process_expiring_in(3600);
    athena_config *c = load_default();
    REQUIRE(c);
    CHECK_INT(process_runs(), 0); /* fetched lazily */
    check_credentials(c, "credential-process", "PROCID", "procsecret", "proctoken");
    check_credentials(c, "credential-process", "PROCID", "procsecret", "proctoken");
    CHECK_INT(process_runs(), 1); /* cached: an hour is far from expiry */

    athena_credentials creds;
    CHECK_INT(config_get_credentials(c, &creds, NULL), ATHENA_OK);
    long left = (long)(creds.expiration - time(NULL));
    CHECK(left > 3500 && left <= 3600);
    credentials_clear(&creds);
    athena_config_free(c);
}

static void test_process_refreshes_near_expiry(void)
{
    fresh_home();
    write_process_expiring_in(120); /* inside the 5-minute window */
    athena_config *c = load_default();
    REQUIRE(c);
    check_credentials(c, "credential-process", "PROCID", "procsecret", "proctoken");
    check_credentials(c, "credential-process", "PROCID", "procsecret", "proctoken");
    CHECK_INT(process_runs(), 2);
    athena_config_free(c);
}

static void test_process_without_expiration_runs_once(void)
{
    fresh_home();
    write_process("echo '{\"Version\": 1, \"AccessKeyId\": \"PROCID\", \"SecretAccessKey\": "
                  "\"procsecret\"}'");
    athena_config *c = load_default();
    REQUIRE(c);
    check_credentials(c, "credential-process", "PROCID", "procsecret", NULL);
    check_credentials(c, "credential-process", "PROCID", "procsecret", NULL);
    CHECK_INT(process_runs(), 1);
    athena_config_free(c);
}

/* Runs the process once and expects it to fail with a message containing
 * `expected` and none of the output. */
static void check_process_failure(const char *body, const char *expected)
{
    fresh_home();
    write_process(body);
    athena_config *c = load_default();
    REQUIRE(c);
    athena_credentials creds;
    athena_error err;
    CHECK_INT(config_get_credentials(c, &creds, &err), ATHENA_E_CREDENTIALS);
    CHECK(strstr(err.message, expected) != NULL);
    CHECK(strstr(err.message, "procsecret") == NULL);
    CHECK(strstr(err.message, "--flag") == NULL); /* nor the command */
    if (!strstr(err.message, expected))
        fprintf(stderr, "  message: %s\n", err.message);
    CHECK(creds.access_key_id == NULL);
    athena_config_free(c);
}

static void test_process_failures(void)
{
    check_process_failure("echo '{\"Version\": 1, \"AccessKeyId\": \"PROCID\", "
                          "\"SecretAccessKey\": \"procsecret\"}'\nexit 3",
                          "exited with status 3");
    check_process_failure("echo '{\"Version\": 1, \"SecretAccessKey\": \"procsecret\" oops'",
                          "did not print a JSON object");
    check_process_failure("echo '{\"Version\": 2, \"AccessKeyId\": \"PROCID\", "
                          "\"SecretAccessKey\": \"procsecret\"}'",
                          "Version");
    check_process_failure("echo '{\"AccessKeyId\": \"PROCID\", \"SecretAccessKey\": "
                          "\"procsecret\"}'",
                          "Version");
    check_process_failure("echo '{\"Version\": 1, \"AccessKeyId\": \"PROCID\"}'",
                          "SecretAccessKey");
    check_process_failure("echo '{\"Version\": 1, \"AccessKeyId\": \"PROCID\", "
                          "\"SecretAccessKey\": \"procsecret\", \"Expiration\": \"soon\"}'",
                          "Expiration");
    check_process_failure("echo 'this script writes to stderr' >&2; exit 1", "profile 'default'");
}

/* A failed refresh keeps credentials that have not expired yet. */
static void test_process_refresh_failure_keeps_valid_credentials(void)
{
    fresh_home();
    char when[64], body[1024];
    time_t t = time(NULL) + 120;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    snprintf(body, sizeof body,
             "[ \"$(wc -l < '%s/runs')\" -gt 1 ] && exit 1\n"
             "echo '{\"Version\": 1, \"AccessKeyId\": \"PROCID\", \"SecretAccessKey\": "
             "\"procsecret\", \"Expiration\": \"%s\"}'",
             home, when);
    write_process(body);
    log_capture logs = {0};
    athena_config_options o = {.log = capture, .log_user_data = &logs};
    athena_config *c = load_ok(&o);
    REQUIRE(c);
    check_credentials(c, "credential-process", "PROCID", "procsecret", NULL);
    check_credentials(c, "credential-process", "PROCID", "procsecret", NULL);
    CHECK_INT(process_runs(), 2);
    CHECK_INT(logs.warnings, 1);
    CHECK(strstr(logs.text, "procsecret") == NULL);
    athena_config_free(c);
}

static void *fetch_in_thread(void *arg)
{
    athena_credentials creds;
    for (int i = 0; i < 20; i++) {
        if (config_get_credentials(arg, &creds, NULL) != ATHENA_OK)
            return (void *)1;
        credentials_clear(&creds);
    }
    return NULL;
}

static void test_shared_config_across_threads(void)
{
    fresh_home();
    write_process_expiring_in(3600);
    athena_config *c = load_default();
    REQUIRE(c);
    pthread_t threads[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&threads[i], NULL, fetch_in_thread, c);
    for (int i = 0; i < 4; i++) {
        void *failed;
        pthread_join(threads[i], &failed);
        CHECK(failed == NULL);
    }
    CHECK_INT(process_runs(), 1);
    athena_config_free(c);
}

int main(void)
{
    RUN(test_no_credentials);
    RUN(test_unsupported_source_hint);
    RUN(test_explicit_credentials_win);
    RUN(test_explicit_pair_incomplete);
    RUN(test_environment_credentials);
    RUN(test_credentials_file_beats_config_file);
    RUN(test_config_file_beats_process);
    RUN(test_process_success_and_cache);
    RUN(test_process_refreshes_near_expiry);
    RUN(test_process_without_expiration_runs_once);
    RUN(test_process_failures);
    RUN(test_process_refresh_failure_keeps_valid_credentials);
    RUN(test_shared_config_across_threads);
    remove_tree(home);
    return test_summary();
}
