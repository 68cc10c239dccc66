/*
 * config_fixture.h: the shared fixture of the configuration tests
 * (test_config.c, test_config_credentials.c). Each test starts with
 * fresh_home(): a new temporary HOME with an empty ~/.aws and an environment
 * without any AWS_* variable, then writes the profile files it needs. Also
 * helpers to load a configuration, capture its log and check credentials.
 */
#ifndef ATHENA_TEST_CONFIG_FIXTURE_H
#define ATHENA_TEST_CONFIG_FIXTURE_H

#include "credentials_provider.h"
#include "test.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static char home[256];

static inline void remove_tree(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *entry;
    while (dir && (entry = readdir(dir)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char child[1024];
        if (snprintf(child, sizeof child, "%s/%s", path, entry->d_name) < (int)sizeof child)
            remove_tree(child);
    }
    if (dir)
        closedir(dir);
    remove(path);
}

static inline void clear_aws_environment(void)
{
    for (;;) {
        char **e = environ;
        while (*e && strncmp(*e, "AWS_", 4) != 0)
            e++;
        if (!*e)
            return;
        char name[256];
        size_t n = strcspn(*e, "=");
        snprintf(name, sizeof name, "%.*s", (int)n, *e);
        unsetenv(name);
    }
}

/* A fresh HOME with an empty ~/.aws and no AWS_* variables. */
static inline void fresh_home(void)
{
    if (home[0])
        remove_tree(home);
    snprintf(home, sizeof home, "/tmp/test_config_XXXXXX");
    if (!mkdtemp(home))
        abort();
    char aws[300];
    snprintf(aws, sizeof aws, "%s/.aws", home);
    mkdir(aws, 0700);
    clear_aws_environment();
    setenv("HOME", home, 1);
}

static inline void write_file(const char *relative, const char *text, mode_t mode)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", home, relative);
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    chmod(path, mode);
}

static inline void write_credentials(const char *text)
{
    write_file(".aws/credentials", text, 0600);
}

static inline void write_config(const char *text)
{
    write_file(".aws/config", text, 0600);
}

/* Collects log messages as "W:message\n" / "D:message\n". */
typedef struct log_capture {
    char text[16384];
    int warnings;
    int debugs;
} log_capture;

static inline void capture(void *user_data, athena_log_level level, const char *message)
{
    log_capture *c = user_data;
    size_t used = strlen(c->text);
    snprintf(c->text + used, sizeof c->text - used, "%s:%s\n",
             level == ATHENA_LOG_WARN ? "W" : "D", message);
    if (level == ATHENA_LOG_WARN)
        c->warnings++;
    else
        c->debugs++;
}

/* Loads with options o, expecting status expect; err gets the details. */
static inline athena_config *load(const athena_config_options *o, athena_status expect,
                                  athena_error *err)
{
    athena_config *c = NULL;
    athena_status st = athena_config_load(o, &c, err);
    CHECK_INT(st, expect);
    if (st != ATHENA_OK)
        CHECK(c == NULL);
    return c;
}

static inline athena_config *load_ok(const athena_config_options *o)
{
    athena_error err;
    athena_config *c = load(o, ATHENA_OK, &err);
    if (!c)
        fprintf(stderr, "  load failed: %s\n", err.message);
    return c;
}

static inline athena_config *load_default(void)
{
    athena_config_options o = {0};
    return load_ok(&o);
}

/* Checks the chosen source and the credentials it yields (token NULL: none). */
static inline void check_credentials(athena_config *c, const char *source, const char *id,
                                     const char *secret, const char *token)
{
    CHECK_STR(athena_config_credential_source(c), source);
    athena_credentials creds;
    athena_error err;
    athena_status st = config_get_credentials(c, &creds, &err);
    CHECK_INT(st, ATHENA_OK);
    if (st != ATHENA_OK) {
        fprintf(stderr, "  %s\n", err.message);
        return;
    }
    CHECK_STR(creds.access_key_id, id);
    CHECK_STR(creds.secret_access_key, secret);
    if (token)
        CHECK_STR(creds.session_token, token);
    else
        CHECK(creds.session_token == NULL);
    credentials_clear(&creds);
    CHECK(creds.access_key_id == NULL && creds.secret_access_key == NULL);
}

#endif
