/*
 * main.c: entry point of the athena command-line tool: parse the command
 * line, open a session (config + client), dispatch to the command.
 */
#include "cli.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#ifndef ATHENA_VERSION_STRING
#define ATHENA_VERSION_STRING ATHENA_LIB_VERSION
#endif

typedef struct command {
    const char *name;
    int (*run)(cli_session *s);
} command;

static const command commands[] = {
    {"query", cmd_query},     {"results", cmd_results}, {"status", cmd_status},
    {"cancel", cmd_cancel},   {"history", cmd_history},
    {"databases", cmd_databases}, {"tables", cmd_tables}, {"describe", cmd_describe},
    {"partitions", cmd_partitions},
};

/* Commands that open their own sessions (or need none). */
typedef struct setup_command {
    const char *name;
    int (*run)(const cli_options *o);
} setup_command;

static const setup_command setup_commands[] = {
    {"connect", cmd_connect}, {"doctor", cmd_doctor}, {"policy", cmd_policy},
};

static int run_setup_command(const setup_command *cmd, const cli_options *o)
{
    signal(SIGPIPE, SIG_IGN);
    if (athena_global_init() != ATHENA_OK) {
        cli_errorf("cannot initialize libcurl");
        return EXIT_SERVICE;
    }
    int rc = cmd->run(o);
    athena_global_cleanup();
    return rc;
}

static int print_version(void)
{
    printf("athena %s (libathena %s, %s)\n", ATHENA_VERSION_STRING, ATHENA_LIB_VERSION,
           curl_version());
    return EXIT_OK;
}

static int run_command(const command *cmd, const cli_options *o)
{
    cli_session s;
    int rc = cli_session_open(&s, o);
    if (rc != EXIT_OK)
        return rc;
    rc = cmd->run(&s);
    cli_session_close(&s);
    return rc;
}

int main(int argc, char **argv)
{
    cli_options o;
    int rc = cli_parse(argc, argv, &o);
    if (rc != 0)
        return rc;
    if (!o.command) {
        cli_print_usage(o.help ? stdout : stderr);
        return o.help ? EXIT_OK : EXIT_USAGE;
    }
    if (o.help) {
        if (cli_print_command_help(o.command, stdout) != 0) {
            cli_errorf("unknown command '%s'", o.command);
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
    if (strcmp(o.command, "version") == 0)
        return print_version();
    if (strcmp(o.command, "help") == 0) {
        if (o.arg_count == 1 && cli_print_command_help(o.args[0], stdout) == 0)
            return EXIT_OK;
        cli_print_usage(stdout);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(o.command, commands[i].name) != 0)
            continue;
        signal(SIGPIPE, SIG_IGN);
        cli_install_interrupt_handler();
        if (athena_global_init() != ATHENA_OK) {
            cli_errorf("cannot initialize libcurl");
            return EXIT_SERVICE;
        }
        rc = run_command(&commands[i], &o);
        athena_global_cleanup();
        return rc;
    }
    for (size_t i = 0; i < sizeof setup_commands / sizeof setup_commands[0]; i++)
        if (strcmp(o.command, setup_commands[i].name) == 0)
            return run_setup_command(&setup_commands[i], &o);
    cli_errorf("unknown command '%s'", o.command);
    cli_print_usage(stderr);
    return EXIT_USAGE;
}
