/*
 * cred_process.c: credentials from the profile's credential_process, an
 * external command that prints them as JSON on stdout:
 *
 *   {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
 *    "SessionToken": "...", "Expiration": "2026-01-01T00:00:00Z"}
 *
 * The command runs through /bin/sh -c like the SDKs do. Its stderr passes
 * through to ours (that is where such tools explain failures); its stdout
 * holds secrets, so it is zeroed after parsing and never quoted in errors,
 * not even on a parse failure. The command itself is never logged either: it
 * may embed a token.
 */
#include "credentials_provider.h"

#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Real outputs are a few KiB (mostly the session token). */
#define PROCESS_MAX_OUTPUT (64 * 1024)

typedef struct process_provider {
    credentials_provider base; /* first, so the provider pointer is the struct pointer */
    char *command;
    char *profile;
} process_provider;

/* ---- running the command ---- */

static void set_cloexec(int fd)
{
    fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
}

static pid_t spawn_shell(const char *command, int stdout_fd)
{
    posix_spawn_file_actions_t actions;
    if (posix_spawn_file_actions_init(&actions) != 0)
        return -1;
    pid_t pid = -1;
    char *argv[] = {"sh", "-c", (char *)command, NULL};
    if (posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO) != 0 ||
        posix_spawn(&pid, "/bin/sh", &actions, NULL, argv, environ) != 0)
        pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    return pid;
}

/* Reads up to PROCESS_MAX_OUTPUT + 1 bytes, so an oversized output shows;
 * out has room for that plus a NUL. */
static size_t read_output(int fd, char *out)
{
    size_t got = 0;
    while (got < PROCESS_MAX_OUTPUT + 1) {
        ssize_t r = read(fd, out + got, PROCESS_MAX_OUTPUT + 1 - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    out[got] = '\0';
    return got;
}

static int wait_child(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return status;
}

static athena_status exit_error(const process_provider *p, int status, athena_error *err)
{
    if (status < 0)
        return error_set(err, ATHENA_E_CREDENTIALS,
                         "credential_process for profile '%s': cannot wait for the process",
                         p->profile);
    if (WIFSIGNALED(status))
        return error_set(err, ATHENA_E_CREDENTIALS,
                         "credential_process for profile '%s' was killed by signal %d",
                         p->profile, WTERMSIG(status));
    return error_set(err, ATHENA_E_CREDENTIALS,
                     "credential_process for profile '%s' exited with status %d "
                     "(see its messages above)",
                     p->profile, WEXITSTATUS(status));
}

/* Runs the command and fills out (PROCESS_MAX_OUTPUT + 2 bytes) with its
 * stdout; *len is its length. */
static athena_status run_command(const process_provider *p, char *out, size_t *len,
                                 athena_error *err)
{
    int fds[2];
    if (pipe(fds) != 0)
        return error_set(err, ATHENA_E_CREDENTIALS, "credential_process: cannot create a pipe: %s",
                         strerror(errno));
    set_cloexec(fds[0]);
    set_cloexec(fds[1]);
    pid_t pid = spawn_shell(p->command, fds[1]);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return error_set(err, ATHENA_E_CREDENTIALS,
                         "credential_process for profile '%s': cannot start /bin/sh", p->profile);
    }
    *len = read_output(fds[0], out);
    close(fds[0]);
    int status = wait_child(pid);
    /* First: closing the pipe on a too-long output kills the writer with SIGPIPE. */
    if (*len > PROCESS_MAX_OUTPUT)
        return error_set(err, ATHENA_E_CREDENTIALS,
                         "credential_process for profile '%s' printed more than %d bytes",
                         p->profile, PROCESS_MAX_OUTPUT);
    if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return exit_error(p, status, err);
    return ATHENA_OK;
}

/* ---- parsing its output ---- */

/* Parses RFC 3339 "2026-01-01T00:00:00[.fff](Z|+hh:mm|-hh:mm)"; -1 if invalid. */
static time_t parse_rfc3339(const char *s)
{
    struct tm tm = {0};
    int consumed = 0;
    if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6 || consumed == 0)
        return -1;
    s += consumed;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            ;
    long offset = 0;
    int oh, om, n = 0;
    if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
        offset = 0;
    else if ((*s == '+' || *s == '-') && sscanf(s + 1, "%2d:%2d%n", &oh, &om, &n) == 2 &&
             s[1 + n] == '\0')
        offset = (*s == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    else
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    return t == (time_t)-1 ? -1 : t - offset;
}

static const char *string_field(json_t *root, const char *name)
{
    json_t *v = json_object_get(root, name);
    return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* Checks the document and copies the credentials out of it. */
static athena_status extract_credentials(const process_provider *p, json_t *root,
                                         athena_credentials *out, athena_error *err)
{
    json_t *version = json_object_get(root, "Version");
    if (!json_is_integer(version) || json_integer_value(version) != 1)
        return error_set(err, ATHENA_E_CREDENTIALS,
                         "credential_process for profile '%s' must print \"Version\": 1 "
                         "(the only version the AWS SDKs support)",
                         p->profile);
    const char *expiration = string_field(root, "Expiration");
    time_t expires = expiration ? parse_rfc3339(expiration) : 0;
    athena_credentials found = {(char *)string_field(root, "AccessKeyId"),
                                (char *)string_field(root, "SecretAccessKey"),
                                (char *)string_field(root, "SessionToken"), expires};
    if (!found.access_key_id || !found.secret_access_key)
        return error_set(err, ATHENA_E_CREDENTIALS,
                         "credential_process for profile '%s' printed no AccessKeyId or "
                         "SecretAccessKey",
                         p->profile);
    if (expires < 0)
        return error_set(err, ATHENA_E_CREDENTIALS,
                         "credential_process for profile '%s' printed an Expiration that is "
                         "not an RFC 3339 time",
                         p->profile);
    if (credentials_copy(out, &found) != 0)
        return error_set(err, ATHENA_E_NOMEM, "out of memory copying credentials");
    return ATHENA_OK;
}

/* jansson keeps its own copies of the strings; zero them before freeing. */
static void scrub_and_free(json_t *root)
{
    const char *key;
    json_t *value;
    json_object_foreach(root, key, value) {
        if (json_is_string(value))
            secure_zero((char *)json_string_value(value), json_string_length(value));
    }
    json_decref(root);
}

static athena_status parse_output(const process_provider *p, const char *text, size_t len,
                                  athena_credentials *out, athena_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    secure_zero(&jerr, sizeof jerr); /* its text quotes the input */
    if (!json_is_object(root)) {
        json_decref(root);
        return error_set(err, ATHENA_E_CREDENTIALS,
                         "credential_process for profile '%s' did not print a JSON object "
                         "(output not shown: it may hold secrets)",
                         p->profile);
    }
    athena_status st = extract_credentials(p, root, out, err);
    scrub_and_free(root);
    return st;
}

/* ---- the provider ---- */

static athena_status process_fetch(credentials_provider *self, const athena_config *config,
                                   athena_credentials *out, athena_error *err)
{
    process_provider *p = (process_provider *)self;
    char *output = malloc(PROCESS_MAX_OUTPUT + 2);
    if (!output)
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    config_log(config, ATHENA_LOG_DEBUG, "running credential_process of profile '%s'",
               p->profile);
    size_t len = 0;
    athena_status st = run_command(p, output, &len, err);
    if (st == ATHENA_OK)
        st = parse_output(p, output, len, out, err);
    secure_zero(output, len);
    free(output);
    return st;
}

static void process_destroy(credentials_provider *self)
{
    process_provider *p = (process_provider *)self;
    secure_free_str(p->command);
    free(p->profile);
    free(p);
}

athena_status cred_process_create(const ini_profile *profile, credentials_provider **out,
                                  athena_error *err)
{
    *out = NULL;
    const char *command = ini_profile_get(profile, "credential_process");
    if (!command || !command[0])
        return ATHENA_OK;
    process_provider *p = calloc(1, sizeof *p);
    if (!p)
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    p->base = (credentials_provider){"credential-process", process_fetch, process_destroy};
    p->command = strdup(command);
    p->profile = strdup(profile->name);
    if (!p->command || !p->profile) {
        process_destroy(&p->base);
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    }
    *out = &p->base;
    return ATHENA_OK;
}
