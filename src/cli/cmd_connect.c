/*
 * cmd_connect.c: `athena connect NAME`, the "Add Integration" step. It asks
 * for the keys and settings (on the terminal, the secret without echo; or,
 * for scripts, the secret from stdin and the rest from flags), saves them
 * as the standard AWS profile NAME (profile_file.c does the writing), and
 * then runs the doctor on that profile: its verdict is the exit status.
 */
#include "cli.h"
#include "profile_file.h"

#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define ANSWER_MAX 2048

/* The answers; secret is zeroed before it is freed. */
typedef struct connect_answers {
    char access_key_id[ANSWER_MAX];
    char secret[ANSWER_MAX];
    char region[ANSWER_MAX];
    char workgroup[ANSWER_MAX];
    char output_location[ANSWER_MAX];
    char database[ANSWER_MAX];
    char endpoint_url[ANSWER_MAX];
} connect_answers;

static volatile sig_atomic_t prompt_interrupted;

static void on_prompt_signal(int sig)
{
    (void)sig;
    prompt_interrupted = 1;
}

/* Reads one line from fd into out (without the newline). 0, 1 at end of
 * input with nothing read, -1 on error, interruption or a line too long. */
static int read_line(int fd, char *out, size_t cap)
{
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR && !prompt_interrupted)
            continue;
        if (r < 0)
            return -1;
        if (r == 0 || c == '\n')
            break;
        if (n + 1 >= cap)
            return -1;
        out[n++] = c;
    }
    if (n && out[n - 1] == '\r')
        n--;
    out[n] = '\0';
    return 0;
}

/* Asks on the terminal; an empty answer keeps the default (may be NULL). */
static int ask(int tty, const char *question, const char *fallback, char *out, size_t cap)
{
    dprintf(tty, "%s%s%s%s: ", question, fallback ? " [" : "", fallback ? fallback : "",
            fallback ? "]" : "");
    if (read_line(tty, out, cap) != 0)
        return -1;
    if (!out[0] && fallback)
        snprintf(out, cap, "%s", fallback);
    return 0;
}

/* Asks with echo off; the terminal's settings are restored whatever happens.
 * Echo goes off before the prompt appears, so an answer typed the moment the
 * prompt shows is neither echoed nor discarded (no TCSAFLUSH either way). */
static int ask_secret(int tty, const char *question, char *out, size_t cap)
{
    struct termios saved, quiet;
    if (tcgetattr(tty, &saved) != 0)
        return -1;
    quiet = saved;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
    quiet.c_lflag |= ICANON;
    if (tcsetattr(tty, TCSANOW, &quiet) != 0)
        return -1;
    dprintf(tty, "%s: ", question);
    int rc = read_line(tty, out, cap);
    tcsetattr(tty, TCSANOW, &saved);
    dprintf(tty, "\n");
    return rc;
}

static void prefill(connect_answers *a, const cli_options *o)
{
    struct {
        char *dst;
        const char *flag;
    } from_flags[] = {{a->access_key_id, o->access_key_id}, {a->region, o->region},
                      {a->workgroup, o->workgroup},         {a->output_location, o->output_location},
                      {a->database, o->database},           {a->endpoint_url, o->endpoint_url}};
    for (size_t i = 0; i < sizeof from_flags / sizeof from_flags[0]; i++)
        snprintf(from_flags[i].dst, ANSWER_MAX, "%s", from_flags[i].flag ? from_flags[i].flag : "");
}

static void quiet_log(void *user_data, athena_log_level level, const char *message)
{
    (void)user_data, (void)level, (void)message;
}

/* Re-connecting: the profile's current settings are the default answers
 * (flags still win). Only the profile's own keys count, not the
 * environment. */
static void prefill_from_profile(connect_answers *a, const char *name)
{
    athena_config_options co = {0};
    co.profile = name;
    co.log = quiet_log;
    athena_config *config = NULL;
    if (athena_config_load(&co, &config, NULL) != ATHENA_OK)
        return; /* a new profile */
    struct {
        char *dst;
        const char *key;
    } keys[] = {{a->access_key_id, "aws_access_key_id"}, {a->region, "region"},
                {a->workgroup, "athena_workgroup"},    {a->output_location, "athena_output_location"},
                {a->database, "athena_database"},      {a->endpoint_url, "endpoint_url"}};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *value = athena_config_profile_value(config, keys[i].key);
        if (!keys[i].dst[0] && value)
            snprintf(keys[i].dst, ANSWER_MAX, "%s", value);
    }
    athena_config_free(config);
}

static const char *or_null(const char *s)
{
    return s[0] ? s : NULL;
}

/* The interactive questions, on /dev/tty so stdout stays for the verdict. */
static int ask_all(connect_answers *a, const char *name)
{
    int tty = open("/dev/tty", O_RDWR | O_CLOEXEC);
    if (tty < 0) {
        cli_errorf("no terminal to ask on: for scripts, pass the secret on standard input "
                   "with --secret-stdin and the rest as flags (--access-key-id, --region, ...)");
        return EXIT_USAGE;
    }
    char fallback[ANSWER_MAX];
    prefill_from_profile(a, name);
    dprintf(tty, "Add Integration: AWS profile '%s'\n", name);
    struct {
        const char *question;
        char *answer;
        const char *default_value;
    } questions[] = {
        {"Access Key ID", a->access_key_id, NULL},
        {"Region", a->region, "us-east-1"},
        {"Workgroup", a->workgroup, "primary"},
        {"Query result location (s3://BUCKET/PREFIX/, empty if the workgroup has one)",
         a->output_location, NULL},
        {"Database", a->database, NULL},
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof questions / sizeof questions[0]; i++) {
        const char *d = questions[i].answer[0] ? questions[i].answer : questions[i].default_value;
        snprintf(fallback, sizeof fallback, "%s", d ? d : "");
        rc = ask(tty, questions[i].question, or_null(fallback), questions[i].answer, ANSWER_MAX);
        if (rc == 0 && i == 0)
            rc = ask_secret(tty, "Secret Access Key (not shown)", a->secret, sizeof a->secret);
    }
    close(tty);
    if (rc != 0) {
        cli_errorf(prompt_interrupted ? "interrupted: nothing was saved"
                                      : "cannot read the answers: nothing was saved");
        return prompt_interrupted ? EXIT_INTERRUPTED : EXIT_USAGE;
    }
    return EXIT_OK;
}

static int read_secret_stdin(connect_answers *a)
{
    /* Typed on a terminal after all: do not echo it. */
    int rc = isatty(STDIN_FILENO)
                 ? ask_secret(STDIN_FILENO, "Secret Access Key (not shown)", a->secret,
                              sizeof a->secret)
                 : read_line(STDIN_FILENO, a->secret, sizeof a->secret);
    if (rc != 0) {
        cli_errorf("cannot read the secret access key from standard input");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int valid_key_id(const char *id)
{
    size_t n = strlen(id);
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9') ||
              (id[i] >= 'a' && id[i] <= 'z')))
            return 0;
    return n >= 16 && n <= 128;
}

static int validate(const connect_answers *a)
{
    if (!valid_key_id(a->access_key_id)) {
        cli_errorf(a->access_key_id[0] ? "the Access Key ID must be 16 to 128 letters and digits"
                                       : "the Access Key ID is required (--access-key-id)");
        return EXIT_USAGE;
    }
    if (!a->secret[0] || strpbrk(a->secret, " \t") || !profile_value_valid(a->secret)) {
        cli_errorf(a->secret[0] ? "the Secret Access Key must not contain spaces or control "
                                  "characters"
                                : "the Secret Access Key is empty");
        return EXIT_USAGE;
    }
    if (!a->region[0]) {
        cli_errorf("the region is required (--region)");
        return EXIT_USAGE;
    }
    const char *values[] = {a->region, a->workgroup, a->output_location, a->database,
                            a->endpoint_url};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        if (!profile_value_valid(values[i])) {
            cli_errorf("'%s': settings must be one line without leading or trailing spaces",
                       values[i]);
            return EXIT_USAGE;
        }
    if (a->output_location[0] && strncmp(a->output_location, "s3://", 5) != 0) {
        cli_errorf("the query result location must be an s3:// URI, not '%s'",
                   a->output_location);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int save(const char *name, const connect_answers *a, int quiet_stdout)
{
    profile_setting keys[] = {{"aws_access_key_id", a->access_key_id},
                              {"aws_secret_access_key", a->secret},
                              {"aws_session_token", NULL}};
    /* Keys athena_config_load() reads (config.c, endpoint.c). Empty answers
     * remove a stale value from an earlier connect. */
    profile_setting settings[] = {{"region", a->region},
                                  {"athena_workgroup", a->workgroup},
                                  {"athena_output_location", a->output_location},
                                  {"athena_database", a->database},
                                  {"endpoint_url", a->endpoint_url}};
    char cred_path[4096], config_path[4096], message[4608];
    if (profile_file_path(PROFILE_CREDENTIALS_FILE, cred_path, sizeof cred_path) != 0) {
        cli_errorf("%s", cred_path);
        return EXIT_CONFIG;
    }
    if (profile_file_path(PROFILE_CONFIG_FILE, config_path, sizeof config_path) != 0) {
        cli_errorf("%s", config_path);
        return EXIT_CONFIG;
    }
    if (profile_file_update(cred_path, PROFILE_CREDENTIALS_FILE, name, keys, 3, message,
                            sizeof message) != 0 ||
        profile_file_update(config_path, PROFILE_CONFIG_FILE, name, settings,
                            sizeof settings / sizeof settings[0], message, sizeof message) != 0) {
        cli_errorf("%s", message);
        return EXIT_CONFIG;
    }
    /* stdout stays pure JSON for --output json. */
    FILE *out = quiet_stdout ? stderr : stdout;
    fprintf(out, "Saved profile '%s': keys in %s, settings in %s (both mode 0600).\n", name,
            cred_path, config_path);
    return EXIT_OK;
}

static int gather(connect_answers *a, const cli_options *o, const char *name)
{
    prefill(a, o);
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_prompt_signal; /* no SA_RESTART: a read returns so echo is restored */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    int rc = o->secret_stdin ? read_secret_stdin(a) : ask_all(a, name);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    return rc == EXIT_OK ? validate(a) : rc;
}

int cmd_connect(const cli_options *o)
{
    if (o->arg_count != 1) {
        cli_errorf("usage: athena connect NAME (the profile to create or update)");
        return EXIT_USAGE;
    }
    if (!profile_name_valid(o->args[0])) {
        cli_errorf("invalid profile name '%s' (letters, digits, - _ . @ +)", o->args[0]);
        return EXIT_USAGE;
    }
    const char *name = o->args[0];
    connect_answers *a = calloc(1, sizeof *a);
    if (!a) {
        cli_errorf("out of memory");
        return EXIT_SERVICE;
    }
    int rc = gather(a, o, name);
    if (rc == EXIT_OK)
        rc = save(name, a, o->output && strcmp(o->output, "json") == 0);
    secure_zero(a, sizeof *a);
    free(a);
    if (rc != EXIT_OK)
        return rc;
    if (getenv("AWS_ACCESS_KEY_ID"))
        fprintf(stderr, "athena: warning: AWS_ACCESS_KEY_ID is set in the environment and "
                        "takes precedence over the profile's keys; unset it to use profile "
                        "'%s'\n", name);
    /* The doctor checks what was saved, so no flag overrides the profile. */
    cli_options doctor = {0};
    doctor.profile = name;
    doctor.output = o->output;
    doctor.ca_bundle = o->ca_bundle;
    doctor.debug = o->debug;
    doctor.max_rows = -1;
    fflush(stdout);
    return cmd_doctor(&doctor);
}
