/*
 * session.c: turning the global flags into a libathena config and client,
 * and the debug/warning log sink of the tool.
 */
#include "cli.h"

#include <stdio.h>
#include <unistd.h>

static void log_to_stderr(void *user_data, athena_log_level level, const char *message)
{
    fprintf(stderr, "athena: %s: %s\n", level == ATHENA_LOG_WARN ? "warning" : "debug", message);
}

athena_config_options cli_config_options(const cli_options *o)
{
    athena_config_options co = {0};
    co.profile = o->profile;
    co.region = o->region;
    co.endpoint_url = o->endpoint_url;
    co.workgroup = o->workgroup;
    co.database = o->database;
    co.catalog = o->catalog;
    co.output_location = o->output_location;
    co.ca_bundle = o->ca_bundle;
    co.debug = o->debug;
    return co;
}

int cli_session_open(cli_session *s, const cli_options *o)
{
    s->opts = o;
    s->config = NULL;
    s->client = NULL;
    if (o->output)
        output_format_parse(o->output, &s->format);
    else
        s->format = isatty(STDOUT_FILENO) ? OUTPUT_TABLE : OUTPUT_CSV;

    athena_config_options co = cli_config_options(o);
    co.log = log_to_stderr;
    athena_error err;
    if (athena_config_load(&co, &s->config, &err) != ATHENA_OK)
        return cli_report(&err);
    if (athena_client_create(s->config, &s->client, &err) != ATHENA_OK) {
        athena_config_free(s->config);
        s->config = NULL;
        return cli_report(&err);
    }
    return EXIT_OK;
}

void cli_session_close(cli_session *s)
{
    athena_client_destroy(s->client);
    athena_config_free(s->config);
    s->client = NULL;
    s->config = NULL;
}
