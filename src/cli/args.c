/*
 * args.c: command-line parsing and help texts for the athena tool.
 *
 * As with the AWS CLI, global flags may appear before or after the command.
 * Every flag takes its value as the next argument or after '='.
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum flag_kind { FLAG_STRING, FLAG_LONG, FLAG_PARAM, FLAG_SWITCH } flag_kind;

typedef struct flag {
    const char *name;
    flag_kind kind;
    size_t offset;
} flag;

#define OPT(field) offsetof(cli_options, field)

static const flag flags[] = {
    {"--profile", FLAG_STRING, OPT(profile)},
    {"--region", FLAG_STRING, OPT(region)},
    {"--endpoint-url", FLAG_STRING, OPT(endpoint_url)},
    {"--workgroup", FLAG_STRING, OPT(workgroup)},
    {"--database", FLAG_STRING, OPT(database)},
    {"--catalog", FLAG_STRING, OPT(catalog)},
    {"--output-location", FLAG_STRING, OPT(output_location)},
    {"--ca-bundle", FLAG_STRING, OPT(ca_bundle)},
    {"--output", FLAG_STRING, OPT(output)},
    {"--results-via", FLAG_STRING, OPT(results_via)},
    {"--max-rows", FLAG_LONG, OPT(max_rows)},
    {"--timeout", FLAG_LONG, OPT(timeout_s)},
    {"--param", FLAG_PARAM, 0},
    {"--debug", FLAG_SWITCH, OPT(debug)},
    {"--help", FLAG_SWITCH, OPT(help)},
    {"-h", FLAG_SWITCH, OPT(help)},
    {"-f", FLAG_STRING, OPT(file)},
    {"--file", FLAG_STRING, OPT(file)},
    {"--like", FLAG_STRING, OPT(like)},
    {"--where", FLAG_STRING, OPT(where)},
    {"--access-key-id", FLAG_STRING, OPT(access_key_id)},
    {"--secret-stdin", FLAG_SWITCH, OPT(secret_stdin)},
    {"--account", FLAG_STRING, OPT(account)},
    {"--data-bucket", FLAG_STRING, OPT(data_bucket)},
    {"--data-prefix", FLAG_STRING, OPT(data_prefix)},
    {"--results", FLAG_STRING, OPT(results)},
    {"--tables", FLAG_STRING, OPT(tables)},
    {"--managed-results", FLAG_SWITCH, OPT(managed_results)},
};

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "athena: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nRun 'athena --help' for usage.\n");
    return EXIT_USAGE;
}

static const flag *find_flag(const char *arg, const char **inline_value)
{
    *inline_value = NULL;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        size_t n = strlen(flags[i].name);
        if (strncmp(arg, flags[i].name, n) != 0)
            continue;
        if (arg[n] == '\0')
            return &flags[i];
        if (arg[n] == '=' && flags[i].kind != FLAG_SWITCH) {
            *inline_value = arg + n + 1;
            return &flags[i];
        }
    }
    return NULL;
}

static int set_flag(cli_options *o, const flag *f, const char *value)
{
    char *base = (char *)o;
    switch (f->kind) {
    case FLAG_SWITCH:
        *(int *)(base + f->offset) = 1;
        return 0;
    case FLAG_STRING:
        *(const char **)(base + f->offset) = value;
        return 0;
    case FLAG_PARAM:
        if (o->param_count >= CLI_MAX_PARAMS)
            return usage_error("too many --param values (at most %s)", "64");
        o->params[o->param_count++] = value;
        return 0;
    case FLAG_LONG: {
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < 0)
            return usage_error("invalid number '%s'", value);
        *(long *)(base + f->offset) = v;
        return 0;
    }
    }
    return 0;
}

int cli_parse(int argc, char **argv, cli_options *o)
{
    memset(o, 0, sizeof *o);
    o->max_rows = -1;
    int only_positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!only_positional && strcmp(arg, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (!only_positional && arg[0] == '-' && arg[1] != '\0') {
            const char *value;
            const flag *f = find_flag(arg, &value);
            if (!f && strncmp(arg, "--secret", 8) == 0) {
                /* Quote the option's name only: what follows '=' is the secret. */
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="), arg);
                return usage_error("'%s': a secret is never taken from the command line "
                                   "(it would show in ps and the shell history); "
                                   "athena connect prompts for it, or reads it with "
                                   "--secret-stdin", name);
            }
            if (!f)
                return usage_error("unknown option '%s'", arg);
            if (f->kind != FLAG_SWITCH && !value) {
                if (i + 1 >= argc)
                    return usage_error("option '%s' needs a value", arg);
                value = argv[++i];
            }
            if (set_flag(o, f, value) != 0)
                return EXIT_USAGE;
            continue;
        }
        if (!o->command) {
            o->command = arg;
        } else {
            if (o->arg_count >= CLI_MAX_ARGS)
                return usage_error("too many arguments near '%s'", arg);
            o->args[o->arg_count++] = arg;
        }
    }
    if (o->results_via && strcmp(o->results_via, "auto") != 0 &&
        strcmp(o->results_via, "s3") != 0 && strcmp(o->results_via, "getqueryresults") != 0)
        return usage_error("unknown --results-via '%s' (use auto, s3 or getqueryresults)",
                           o->results_via);
    if (o->output) {
        output_format fmt;
        if (output_format_parse(o->output, &fmt) != 0)
            return usage_error("unknown output format '%s' (use table, csv, tsv, json or jsonl)",
                               o->output);
    }
    return 0;
}

void cli_print_usage(FILE *out)
{
    fputs("Usage: athena [options] COMMAND [args]\n"
          "\n"
          "Run SQL on Amazon Athena (or athena-local) and fetch the results.\n"
          "\n"
          "Commands:\n"
          "  query [SQL | -f FILE | -]   run a query and print its results\n"
          "  results ID                  print the results of a finished query\n"
          "  status ID                   show a query's state and statistics\n"
          "  cancel ID                   stop a running query\n"
          "  history                     list recent queries of the workgroup\n"
          "  databases                   list the Glue databases\n"
          "  tables [DB] [--like PAT]    list a database's tables\n"
          "  describe [DB.]TABLE         show a table's columns, partition keys and storage\n"
          "  partitions [DB.]TABLE       list a table's partitions (--where EXPR filters)\n"
          "  connect NAME                add an integration: ask for keys and settings,\n"
          "                              save them as AWS profile NAME, run the doctor\n"
          "  doctor                      check every permission and setting the\n"
          "                              connector needs, and say how to fix each gap\n"
          "  policy generate             print the least-privilege IAM policy\n"
          "  policy check FILE           say what a policy allows and what it lacks\n"
          "  version                     print version information\n"
          "\n"
          "Options (before or after the command):\n"
          "  --profile NAME          profile from ~/.aws/config and ~/.aws/credentials\n"
          "  --region REGION         AWS region (else AWS_REGION, AWS_DEFAULT_REGION, profile)\n"
          "  --endpoint-url URL      endpoint for every service (e.g. athena-local)\n"
          "  --workgroup NAME        workgroup (else profile athena_workgroup)\n"
          "  --database NAME         database context (else profile athena_database)\n"
          "  --catalog NAME          data catalog (else profile athena_catalog)\n"
          "  --output-location S3URI query result location (else profile athena_output_location)\n"
          "  --output FORMAT         table, csv, tsv, json or jsonl (default: table on a\n"
          "                          terminal, csv otherwise)\n"
          "  --results-via HOW       how rows are fetched: auto (default: a SELECT's result\n"
          "                          file straight from S3 when allowed, else\n"
          "                          GetQueryResults), s3 (fail rather than fall back) or\n"
          "                          getqueryresults\n"
          "  --max-rows N            print at most N rows\n"
          "  --timeout SECONDS       cancel the query if it runs longer\n"
          "  --param VALUE           value for the next '?' placeholder (repeatable)\n"
          "  --ca-bundle FILE        PEM bundle to verify TLS (else AWS_CA_BUNDLE)\n"
          "  --debug                 trace requests on stderr (secrets are redacted)\n"
          "  --help                  show help (also: athena COMMAND --help)\n"
          "\n"
          "connect takes --access-key-id and --secret-stdin; policy takes --account,\n"
          "--data-bucket, --data-prefix, --results, --tables and --managed-results\n"
          "(see athena connect --help, athena policy --help).\n"
          "\n"
          "Exit codes: 0 ok, 1 query failed or cancelled, 2 usage, 3 configuration or\n"
          "credentials, 4 access denied or authentication, 5 network or service,\n"
          "130 interrupted (the query is cancelled first).\n",
          out);
}

typedef struct command_help {
    const char *name;
    const char *text;
} command_help;

static const command_help helps[] = {
    {"query", "Usage: athena query [options] [SQL | -f FILE | -]\n\n"
              "Starts the query, waits for it (with a progress line on a terminal), and prints\n"
              "its rows. SQL comes from the argument, from FILE with -f, or from standard\n"
              "input with '-' or when no SQL is given and stdin is not a terminal.\n"
              "'?' placeholders take --param values in order. Ctrl-C cancels the query.\n"},
    {"results", "Usage: athena results [options] ID\n\n"
                "Prints the results of the finished query ID in the chosen --output format.\n"},
    {"status", "Usage: athena status [options] ID\n\n"
               "Shows the query's state, reason, statement type and statistics.\n"
               "--output json prints the same as a JSON object.\n"},
    {"cancel", "Usage: athena cancel [options] ID\n\n"
               "Stops the query ID (StopQueryExecution).\n"},
    {"history", "Usage: athena history [options]\n\n"
                "Lists the workgroup's recent queries, newest first (ListQueryExecutions and\n"
                "BatchGetQueryExecution). --max-rows limits how many (default 50).\n"},
    {"databases", "Usage: athena databases [options]\n\n"
                  "Lists the Glue Data Catalog's databases (GetDatabases): database_name,\n"
                  "description, location_uri. --max-rows limits how many.\n"
                  "Without glue:GetDatabases, shows the configured database (--database or\n"
                  "athena_database) after checking it with glue:GetDatabase, and says which\n"
                  "permission would allow listing; with none configured, exits 4.\n"},
    {"tables", "Usage: athena tables [options] [DATABASE] [--like PATTERN]\n\n"
               "Lists a database's tables (GetTables): table_name, table_type, location,\n"
               "partition_keys. DATABASE defaults to --database / athena_database.\n"
               "--like PATTERN keeps names matching Glue's pattern, case-insensitively:\n"
               "'*' any characters, '.' one character, '|' alternatives ('sales_*|orders').\n"
               "Without glue:GetTables, lists the tables named in the profile's\n"
               "athena_tables (e.g. 'athena_tables = orders, sales.items'; bare names\n"
               "belong to athena_database) after checking each with glue:GetTable, and\n"
               "says which permission would allow listing; with none configured, exits 4.\n"},
    {"describe", "Usage: athena describe [options] [DATABASE.]TABLE\n\n"
                 "Shows a table (GetTable) as rows of section, name, value, comment:\n"
                 "  column / partition_key   name, type, comment\n"
                 "  table                    location, input_format, output_format,\n"
                 "                           serde_library, table_type, ...\n"
                 "  serde_parameter          the SerDe's parameters\n"
                 "  table_parameter          the table's parameters\n"
                 "DATABASE defaults to --database / athena_database.\n"},
    {"partitions", "Usage: athena partitions [options] [DATABASE.]TABLE [--where EXPR]\n\n"
                   "Lists a table's partitions (GetPartitions): one column per partition\n"
                   "key, then location. --where EXPR is Glue's partition filter, e.g.\n"
                   "\"year = '2024' AND month >= '06'\". --max-rows limits how many.\n"},
    {"connect",
     "Usage: athena connect [options] NAME\n\n"
     "Adds an integration: asks on the terminal for the Access Key ID, the Secret\n"
     "Access Key (not echoed), the region, workgroup, query result location and\n"
     "database, and saves them as the standard AWS profile NAME ('default' for the\n"
     "default profile): the keys in ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE),\n"
     "the settings (region, athena_workgroup, athena_output_location,\n"
     "athena_database, endpoint_url) in ~/.aws/config (AWS_CONFIG_FILE). Both files\n"
     "are written atomically with mode 0600; other profiles and comments are kept.\n"
     "Then it runs 'athena doctor --profile NAME' and exits with its status.\n\n"
     "For scripts: --secret-stdin reads the secret from standard input (never from\n"
     "a flag), and the other answers come from --access-key-id, --region,\n"
     "--workgroup, --output-location, --database and --endpoint-url.\n"},
    {"doctor",
     "Usage: athena doctor [options] [--output json]\n\n"
     "Checks, step by step, everything the connector needs: the configuration, the\n"
     "endpoint (addresses, proxy, TLS verification), the credentials\n"
     "(sts:GetCallerIdentity), the workgroup (athena:GetWorkGroup; a denial is only a\n"
     "warning), a tiny query 'SELECT 1' through StartQueryExecution,\n"
     "GetQueryExecution, GetQueryResults and StopQueryExecution, writing to the\n"
     "query result location, Glue GetDatabase, GetTable and GetPartitions on the\n"
     "database and the profile's athena_tables, S3 ListBucket and GetObject on the\n"
     "tables' locations, and the clock skew. Each failed step names the missing\n"
     "permission or setting and the fix. --output json prints\n"
     "{\"ok\": bool, \"checks\": [{\"name\", \"ok\", \"detail\", \"fix\",\n"
     "\"missing_permission\"}, ...]}. Exits 0 only when everything needed works.\n"},
    {"policy",
     "Usage: athena policy generate --workgroup W --data-bucket B [--data-prefix P]\n"
     "                              (--results s3://R/PREFIX/ | --managed-results)\n"
     "                              --region R --account A [--database D]\n"
     "                              [--tables t1,t2]\n"
     "       athena policy check FILE [the same options] [--output json]\n\n"
     "generate prints the least-privilege IAM policy for everything the connector\n"
     "does: Athena Start/Stop/GetQueryExecution and GetQueryResults on workgroup W;\n"
     "Glue GetDatabase, GetTable and GetPartitions on the catalog, database D and its\n"
     "tables (all of them without --tables); S3 ListBucket on B (only under P with\n"
     "--data-prefix) and GetObject under P; and PutObject, GetObject, ListBucket,\n"
     "GetBucketLocation and AbortMultipartUpload on the query result location\n"
     "(none with --managed-results, when the workgroup keeps the results).\n\n"
     "check evaluates the policy document FILE ('-': standard input) for each\n"
     "capability of the connector and prints allowed/denied, with the statement\n"
     "to add for each denial. Exits 0 when everything needed is allowed, 4 when\n"
     "something needed is denied, 3 when the document is malformed.\n"},
    {"version", "Usage: athena version\n\nPrints the tool, library and libcurl versions.\n"},
};

int cli_print_command_help(const char *command, FILE *out)
{
    for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
        if (strcmp(helps[i].name, command) == 0) {
            fputs(helps[i].text, out);
            fputs("\nRun 'athena --help' for the global options.\n", out);
            return 0;
        }
    return -1;
}
