/*
 * cli.h: shared declarations of the athena command-line tool: the parsed
 * command line, exit codes, error reporting, and the commands.
 */
#ifndef ATHENA_CLI_H
#define ATHENA_CLI_H

#include "athena/athena.h"
#include "output.h"

#include <signal.h>
#include <stddef.h>

/* Exit codes (documented in the README and in --help). */
enum {
    EXIT_OK = 0,
    EXIT_QUERY_FAILED = 1,   /* the query failed, was cancelled or timed out */
    EXIT_USAGE = 2,
    EXIT_CONFIG = 3,         /* configuration or credentials */
    EXIT_ACCESS = 4,         /* access denied, or the service rejected our signature/key */
    EXIT_SERVICE = 5,        /* network or service error */
    EXIT_INTERRUPTED = 130   /* Ctrl-C */
};

#define CLI_MAX_PARAMS 64
#define CLI_MAX_ARGS 16

typedef struct cli_options {
    /* global flags */
    const char *profile;
    const char *region;
    const char *endpoint_url;
    const char *workgroup;
    const char *database;
    const char *catalog;
    const char *output_location;
    const char *ca_bundle;
    const char *output;          /* format name, NULL: table on a TTY, else csv */
    const char *results_via;     /* auto, s3 or getqueryresults; NULL: auto */
    long max_rows;               /* -1: all */
    long timeout_s;              /* 0: none */
    const char *params[CLI_MAX_PARAMS];
    size_t param_count;
    int debug;
    int help;
    /* command-specific */
    const char *file;            /* query -f FILE */
    const char *like;            /* tables --like PATTERN */
    const char *where;           /* partitions --where EXPR */
    /* connect, policy */
    const char *access_key_id;   /* connect --access-key-id (the secret is never a flag) */
    int secret_stdin;            /* connect --secret-stdin */
    const char *account;         /* policy --account */
    const char *data_bucket;     /* policy --data-bucket */
    const char *data_prefix;     /* policy --data-prefix */
    const char *results;         /* policy --results s3://BUCKET/PREFIX/ */
    const char *tables;          /* policy --tables t1,t2 */
    int managed_results;         /* policy --managed-results */
    const char *command;
    const char *args[CLI_MAX_ARGS];
    size_t arg_count;
} cli_options;

/* Parses argv (flags may come before or after the command). Returns 0, or
 * prints a usage error and returns EXIT_USAGE. */
int cli_parse(int argc, char **argv, cli_options *o);

/* Help texts. */
void cli_print_usage(FILE *out);
int cli_print_command_help(const char *command, FILE *out);

/* The session shared by every command: config, client, output format. */
typedef struct cli_session {
    const cli_options *opts;
    athena_config *config;
    athena_client *client;
    output_format format;
} cli_session;

/* Loads the config and creates the client; on failure reports and returns
 * the exit code (else EXIT_OK). */
/* The library's config options from the command line (no log callback). */
athena_config_options cli_config_options(const cli_options *o);
int cli_session_open(cli_session *s, const cli_options *o);
void cli_session_close(cli_session *s);

/* Reports an error (one line, plus a hint line when one applies) and
 * returns the exit code for it. */
int cli_report(const athena_error *err);
int cli_exit_code(athena_status status);
/* The hint line cli_report() would print for e, or NULL. */
const char *cli_error_hint(const athena_error *e, char *scratch, size_t cap);
void cli_errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ctrl-C handling: install once; the flag is set by SIGINT. */
extern volatile sig_atomic_t cli_interrupted;
void cli_install_interrupt_handler(void);

/* Progress display on a TTY stderr. */
typedef struct cli_progress {
    int enabled;
    long long started_ms;
    int drawn;
} cli_progress;
void progress_start(cli_progress *p);
void progress_update(cli_progress *p, const athena_query_execution *qe);
void progress_finish(cli_progress *p);
/* Human-readable byte count ("1.2 GB") into out. */
void format_bytes(int64_t bytes, char *out, size_t cap);

/* Writes the cursor's rows in the session's format; returns an exit code. */
int cli_write_results(cli_session *s, athena_results *r);

/* Commands; each returns an exit code. */
int cmd_query(cli_session *s);
int cmd_results(cli_session *s);
int cmd_status(cli_session *s);
int cmd_cancel(cli_session *s);
int cmd_history(cli_session *s);
/* Schema discovery (cmd_catalog.c). */
int cmd_databases(cli_session *s);
int cmd_tables(cli_session *s);
int cmd_describe(cli_session *s);
int cmd_partitions(cli_session *s);
/* Setting up and checking access (cmd_connect.c, cmd_doctor.c, cmd_policy.c).
 * They open their own sessions, or none. */
int cmd_connect(const cli_options *o);
int cmd_doctor(const cli_options *o);
int cmd_policy(const cli_options *o);

/* A check mark for a report line: "✓"/"✗", or "ok"/"FAIL" when the locale
 * says the terminal cannot show UTF-8. */
const char *cli_mark(int ok);

#endif
