/*
 * cmd_catalog.c: the schema-discovery commands over the Glue Data Catalog:
 * `athena databases`, `athena tables`, `athena describe` and
 * `athena partitions`. Rows go through the output writers, so every
 * --output format works, and nothing reaches stdout before the first
 * answer is in (a denied call prints only the error).
 *
 * The data-access policy this tool is built for grants only glue:GetDatabase,
 * GetTable and GetPartitions. Without GetDatabases or GetTables the listing
 * commands fall back to what the profile names (athena_database, and
 * athena_tables = t1, db.t2, ...), verify each with the allowed single-object
 * call, and say on stderr which permission would let them list.
 */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define VARCHAR(name) {name, "varchar", 2147483647, 0, ATHENA_NULLABLE_UNKNOWN}
#define NAME_MAX_LEN 256
#define CATALOG_MAX_COL_WIDTH 100 /* table output, code points */

/* ---- writing rows ---- */

/* Rows of one result set, opened with the first row so that a failure
 * before it leaves stdout empty. */
typedef struct row_sink {
    cli_session *s;
    const athena_column *cols;
    size_t ncols;
    output_writer *w;
    long long written;
    int failed;
} row_sink;

static int sink_full(const row_sink *k)
{
    return k->failed || (k->s->opts->max_rows >= 0 && k->written >= k->s->opts->max_rows);
}

static int sink_open(row_sink *k)
{
    if (k->w || k->failed)
        return k->failed ? -1 : 0;
    /* Wider cells than query results: S3 locations and SerDe class names
     * are what these listings are read for. */
    output_options oo = {CATALOG_MAX_COL_WIDTH,
                         k->s->format == OUTPUT_TABLE && isatty(STDOUT_FILENO)};
    k->w = output_open(stdout, k->s->format, &oo);
    if (!k->w || output_begin(k->w, k->cols, k->ncols) != 0)
        k->failed = 1;
    return k->failed ? -1 : 0;
}

/* Writes one row unless --max-rows is reached; NULL values are SQL NULL. */
static void sink_row(row_sink *k, const char *const *values)
{
    if (sink_full(k) || sink_open(k) != 0)
        return;
    if (output_row(k->w, values, NULL) != 0)
        k->failed = 1;
    k->written++;
}

/* Ends the output (the header alone when there were no rows) if rc is
 * EXIT_OK, and turns a write failure into an exit code. */
static int sink_finish(row_sink *k, int rc)
{
    if (rc == EXIT_OK && sink_open(k) == 0 && output_end(k->w) != 0)
        k->failed = 1;
    if (rc == EXIT_OK && k->failed) {
        /* A closed pipe (e.g. `| head`) is not worth a message. */
        if (errno != EPIPE)
            cli_errorf("cannot write the output: %s", strerror(errno));
        rc = errno == EPIPE ? EXIT_OK : EXIT_SERVICE;
    }
    output_close(k->w);
    k->w = NULL;
    return rc;
}

/* ---- names ---- */

/* Copies a name part, without one pair of surrounding double quotes or
 * backticks. -1 if it is empty, too long, or holds a '.' (Athena names
 * cannot, so "a..b" is a typo, not a table). */
static int copy_name_part(const char *s, size_t len, char *out)
{
    if (len >= 2 && (s[0] == '"' || s[0] == '`') && s[len - 1] == s[0])
        s++, len -= 2;
    if (len == 0 || len >= NAME_MAX_LEN || memchr(s, '.', len))
        return -1;
    memcpy(out, s, len);
    out[len] = '\0';
    return 0;
}

/* Splits "[DB.]TABLE" (database defaults to the configured one). Returns
 * 0, or reports and returns EXIT_USAGE. */
static int split_table_name(const cli_session *s, const char *arg, char db[NAME_MAX_LEN],
                            char table[NAME_MAX_LEN])
{
    const char *dot = strchr(arg, '.');
    const char *configured = athena_config_database(s->config);
    if (dot ? copy_name_part(arg, (size_t)(dot - arg), db) != 0 ||
                  copy_name_part(dot + 1, strlen(dot + 1), table) != 0
            : copy_name_part(arg, strlen(arg), table) != 0) {
        cli_errorf("'%s' is not a table name: use TABLE or DATABASE.TABLE", arg);
        return EXIT_USAGE;
    }
    if (!dot) {
        if (!configured) {
            cli_errorf("no database for table '%s': use DATABASE.TABLE, --database, or "
                       "athena_database in the profile", arg);
            return EXIT_USAGE;
        }
        snprintf(db, NAME_MAX_LEN, "%s", configured);
    }
    return 0;
}

static int is_access_denied(const athena_error *e)
{
    return e->status == ATHENA_E_ACCESS_DENIED;
}

/* ---- permission hints ---- */

/* The partition and account of the first ARN in a message that has both,
 * e.g. from "User: arn:aws:iam::123456789012:user/app is not authorized". */
static int arn_in_message(const char *message, char *partition, size_t pcap, char *account,
                          size_t acap)
{
    for (const char *p = strstr(message, "arn:"); p; p = strstr(p + 4, "arn:")) {
        const char *fields[5];
        size_t lens[5], n = 0;
        const char *f = p;
        while (n < 5) {
            size_t len = strcspn(f, ": \t\n\"',");
            fields[n] = f;
            lens[n++] = len;
            if (f[len] != ':')
                break;
            f += len + 1;
        }
        if (n < 5 || lens[4] != 12 || lens[1] == 0 || lens[1] >= pcap || lens[4] >= acap)
            continue;
        int digits = 1;
        for (size_t i = 0; i < 12; i++)
            digits &= isdigit((unsigned char)fields[4][i]) != 0;
        if (!digits)
            continue;
        snprintf(partition, pcap, "%.*s", (int)lens[1], fields[1]);
        snprintf(account, acap, "%.*s", (int)lens[4], fields[4]);
        return 0;
    }
    return -1;
}

/* "arn:PARTITION:glue:REGION:ACCOUNT" for resources named in hints. The
 * account comes from the denial's message when it names one, else '*'. */
static void glue_arn_base(const cli_session *s, const athena_error *e, char *out, size_t cap)
{
    const char *region = athena_config_region(s->config);
    char partition[32], account[16];
    if (arn_in_message(e->message, partition, sizeof partition, account, sizeof account) != 0) {
        snprintf(partition, sizeof partition, "%s",
                 region && strncmp(region, "cn-", 3) == 0       ? "aws-cn"
                 : region && strncmp(region, "us-gov-", 7) == 0 ? "aws-us-gov"
                                                                : "aws");
        snprintf(account, sizeof account, "*");
    }
    snprintf(out, cap, "arn:%s:glue:%s:%s", partition, region ? region : "*", account);
}

/* The error line of a denial, without the generic hint cli_report adds:
 * the caller prints a more precise one. */
static void print_denial(const athena_error *e)
{
    cli_errorf("%s: %s", e->code[0] ? e->code : "AccessDenied",
               e->message[0] ? e->message : athena_strerror(e->status));
}

/* ---- paging through a Glue listing ---- */

/* One listing command: page() fetches the page after token, writes its rows
 * and hands back the next token (NULL at the end); fallback (may be NULL)
 * answers when the very first page is denied. */
typedef struct listing {
    cli_session *s;
    row_sink *k;
    const char *db, *table;
    const char **values;  /* partitions: one row's values */
    athena_status (*page)(struct listing *l, const char *token, char **next);
    int (*fallback)(struct listing *l, const athena_error *denial);
} listing;

/* Every page in turn, until the end, --max-rows or Ctrl-C. */
static int walk_pages(listing *l)
{
    char *token = NULL;
    int rc = EXIT_OK, first = 1;
    do {
        char *next = NULL;
        if (l->page(l, token, &next) != ATHENA_OK) {
            const athena_error *e = athena_client_error(l->s->client);
            if (first && l->fallback && is_access_denied(e)) {
                athena_error denial = *e;
                rc = l->fallback(l, &denial);
            } else {
                rc = cli_report(e);
            }
            break;
        }
        first = 0;
        free(token);
        token = next;
    } while (token && !sink_full(l->k) && !cli_interrupted);
    free(token);
    return rc == EXIT_OK && cli_interrupted ? EXIT_INTERRUPTED : rc;
}

/* ---- athena databases ---- */

static const athena_column database_columns[] = {
    VARCHAR("database_name"), VARCHAR("description"), VARCHAR("location_uri")};

static void write_database(row_sink *k, const athena_database *d)
{
    const char *values[] = {d->name, d->description, d->location_uri};
    sink_row(k, values);
}

/* GetDatabases is denied: show the configured database, checked with
 * GetDatabase, and say what would allow listing. */
static int databases_fallback(listing *l, const athena_error *denial)
{
    cli_session *s = l->s;
    char arn[160];
    glue_arn_base(s, denial, arn, sizeof arn);
    const char *db = athena_config_database(s->config);
    if (!db) {
        print_denial(denial);
        fprintf(stderr,
                "hint: allow glue:GetDatabases on %s:catalog and %s:database/* to list "
                "databases, or name the database to use with --database or athena_database "
                "in the profile\n",
                arn, arn);
        return EXIT_ACCESS;
    }
    athena_database *d = NULL;
    if (athena_glue_get_database(s->client, db, &d) != ATHENA_OK)
        return cli_report(athena_client_error(s->client));
    write_database(l->k, d);
    athena_database_free(d);
    fprintf(stderr,
            "athena: note: listing databases is not allowed (%s); showing the configured "
            "database. Allowing glue:GetDatabases on %s:catalog and %s:database/* would list "
            "them all.\n",
            denial->code, arn, arn);
    return EXIT_OK;
}

static athena_status database_page(listing *l, const char *token, char **next)
{
    athena_glue_page_options page = {token, 0, 1};
    athena_database_list *list = NULL;
    athena_status st = athena_glue_get_databases(l->s->client, &page, &list);
    if (st != ATHENA_OK)
        return st;
    for (size_t i = 0; i < list->count; i++)
        write_database(l->k, list->items[i]);
    *next = list->next_token;
    list->next_token = NULL;
    athena_database_list_free(list);
    return ATHENA_OK;
}

int cmd_databases(cli_session *s)
{
    if (s->opts->arg_count != 0) {
        cli_errorf("usage: athena databases");
        return EXIT_USAGE;
    }
    row_sink k = {s, database_columns, 3, NULL, 0, 0};
    listing l = {s, &k, NULL, NULL, NULL, database_page, databases_fallback};
    return sink_finish(&k, walk_pages(&l));
}

/* ---- athena tables ---- */

static const athena_column table_columns[] = {VARCHAR("table_name"), VARCHAR("table_type"),
                                              VARCHAR("location"), VARCHAR("partition_keys")};

static void write_table(row_sink *k, const athena_table *t)
{
    char keys[1024] = "";
    size_t used = 0;
    for (size_t i = 0; i < t->partition_key_count && used < sizeof keys; i++)
        used += (size_t)snprintf(keys + used, sizeof keys - used, "%s%s", i ? ", " : "",
                                 t->partition_keys[i].name);
    const char *values[] = {t->name, t->table_type, t->location,
                            t->partition_key_count ? keys : NULL};
    sink_row(k, values);
}

/* Verifies one configured table with GetTable and writes it. A table that
 * does not exist or may not be read is skipped with a warning; any other
 * failure stops the listing. */
static int write_configured_table(cli_session *s, row_sink *k, const char *db, const char *name)
{
    athena_table *t = NULL;
    if (athena_glue_get_table(s->client, db, name, &t) == ATHENA_OK) {
        write_table(k, t);
        athena_table_free(t);
        return EXIT_OK;
    }
    const athena_error *e = athena_client_error(s->client);
    if (strcmp(e->code, "EntityNotFoundException") == 0 || is_access_denied(e)) {
        fprintf(stderr, "athena: warning: configured table %s.%s skipped: %s: %s\n", db, name,
                e->code, e->message);
        return EXIT_OK;
    }
    return cli_report(e);
}

/* Walks the profile's athena_tables list ("t1, db.t2 ..."), calling
 * write_configured_table for the entries of db that match the pattern.
 * Bare names belong to the configured database, else to db. *matched
 * counts the entries of db. */
static int configured_tables(cli_session *s, row_sink *k, const char *list, const char *db,
                             const char *pattern, int *matched)
{
    const char *configured = athena_config_database(s->config);
    const char *home = configured ? configured : db;
    int rc = EXIT_OK;
    *matched = 0;
    for (const char *p = list; *p && rc == EXIT_OK && !sink_full(k);) {
        p += strspn(p, ", \t");
        size_t len = strcspn(p, ", \t");
        if (len == 0)
            break;
        char entry_db[NAME_MAX_LEN], name[NAME_MAX_LEN];
        const char *dot = memchr(p, '.', len);
        int bad = dot ? copy_name_part(p, (size_t)(dot - p), entry_db) != 0 ||
                            copy_name_part(dot + 1, len - (size_t)(dot - p) - 1, name) != 0
                      : copy_name_part(p, len, name) != 0;
        if (!dot)
            snprintf(entry_db, sizeof entry_db, "%s", home);
        if (bad) {
            fprintf(stderr, "athena: warning: athena_tables entry '%.*s' is not a table name\n",
                    (int)len, p);
        } else if (strcasecmp(entry_db, db) == 0) {
            (*matched)++;
            if (!pattern || athena_glue_name_matches(pattern, name))
                rc = write_configured_table(s, k, entry_db, name);
        }
        p += len;
    }
    return rc;
}

/* GetTables is denied: list the profile's configured tables instead. */
static int tables_fallback(listing *l, const athena_error *denial)
{
    cli_session *s = l->s;
    const char *db = l->db;
    char arn[160];
    glue_arn_base(s, denial, arn, sizeof arn);
    const char *list = athena_config_profile_value(s->config, "athena_tables");
    int matched = 0;
    int rc = list ? configured_tables(s, l->k, list, db, s->opts->like, &matched) : EXIT_OK;
    if (rc != EXIT_OK)
        return rc;
    if (!matched) {
        print_denial(denial);
        fprintf(stderr,
                "hint: allow glue:GetTables on %s:database/%s (with its catalog and "
                "table/%s/*) to list tables, or name the tables to use in the profile: "
                "athena_tables = table1, table2\n",
                arn, db, db);
        return EXIT_ACCESS;
    }
    fprintf(stderr,
            "athena: note: listing tables is not allowed (%s); showing the tables configured "
            "in athena_tables. Allowing glue:GetTables on %s:database/%s would list them all.\n",
            denial->code, arn, db);
    return EXIT_OK;
}

static athena_status table_page(listing *l, const char *token, char **next)
{
    athena_glue_page_options page = {token, 0, 1};
    athena_table_list *list = NULL;
    athena_status st = athena_glue_get_tables(l->s->client, l->db, l->s->opts->like, &page, &list);
    if (st != ATHENA_OK)
        return st;
    for (size_t i = 0; i < list->count; i++)
        write_table(l->k, list->items[i]);
    *next = list->next_token;
    list->next_token = NULL;
    athena_table_list_free(list);
    return ATHENA_OK;
}

int cmd_tables(cli_session *s)
{
    if (s->opts->arg_count > 1) {
        cli_errorf("usage: athena tables [DATABASE] [--like PATTERN]");
        return EXIT_USAGE;
    }
    char db[NAME_MAX_LEN];
    const char *given = s->opts->arg_count ? s->opts->args[0] : athena_config_database(s->config);
    if (!given) {
        cli_errorf("no database: pass one (athena tables DATABASE), use --database, or set "
                   "athena_database in the profile");
        return EXIT_USAGE;
    }
    if (copy_name_part(given, strlen(given), db) != 0) {
        cli_errorf("'%s' is not a database name", given);
        return EXIT_USAGE;
    }
    row_sink k = {s, table_columns, 4, NULL, 0, 0};
    listing l = {s, &k, db, NULL, NULL, table_page, tables_fallback};
    return sink_finish(&k, walk_pages(&l));
}

/* ---- athena describe ---- */

static const athena_column describe_columns[] = {VARCHAR("section"), VARCHAR("name"),
                                                 VARCHAR("value"), VARCHAR("comment")};

static void describe_row(row_sink *k, const char *section, const char *name, const char *value,
                         const char *comment)
{
    const char *values[] = {section, name, value, comment};
    sink_row(k, values);
}

static void describe_columns_of(row_sink *k, const char *section, const athena_table_column *c,
                                size_t n)
{
    for (size_t i = 0; i < n; i++)
        describe_row(k, section, c[i].name, c[i].type, c[i].comment);
}

static void describe_parameters(row_sink *k, const char *section, const athena_parameter *p,
                                size_t n)
{
    for (size_t i = 0; i < n; i++)
        describe_row(k, section, p[i].key, p[i].value, NULL);
}

static void describe_table(row_sink *k, const athena_table *t)
{
    describe_columns_of(k, "column", t->columns, t->column_count);
    describe_columns_of(k, "partition_key", t->partition_keys, t->partition_key_count);
    const struct {
        const char *name, *value;
    } props[] = {
        {"database", t->database},           {"table", t->name},
        {"table_type", t->table_type},       {"owner", t->owner},
        {"description", t->description},     {"location", t->location},
        {"input_format", t->input_format},   {"output_format", t->output_format},
        {"serde_name", t->serde_name},       {"serde_library", t->serde_library},
        {"compressed", t->compressed ? "true" : NULL},
        {"view_original_text", t->view_original_text},
    };
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++)
        if (props[i].value)
            describe_row(k, "table", props[i].name, props[i].value, NULL);
    describe_parameters(k, "serde_parameter", t->serde_parameters, t->serde_parameter_count);
    describe_parameters(k, "table_parameter", t->parameters, t->parameter_count);
}

int cmd_describe(cli_session *s)
{
    if (s->opts->arg_count != 1) {
        cli_errorf("usage: athena describe [DATABASE.]TABLE");
        return EXIT_USAGE;
    }
    char db[NAME_MAX_LEN], name[NAME_MAX_LEN];
    int rc = split_table_name(s, s->opts->args[0], db, name);
    if (rc)
        return rc;
    athena_table *t = NULL;
    if (athena_glue_get_table(s->client, db, name, &t) != ATHENA_OK)
        return cli_report(athena_client_error(s->client));
    row_sink k = {s, describe_columns, 4, NULL, 0, 0};
    describe_table(&k, t);
    athena_table_free(t);
    return sink_finish(&k, EXIT_OK);
}

/* ---- athena partitions ---- */

/* Columns: one per partition key, then the partition's location. */
static athena_column *partition_columns(const athena_table *t)
{
    athena_column *cols = calloc(t->partition_key_count + 1, sizeof *cols);
    if (!cols)
        return NULL;
    for (size_t i = 0; i < t->partition_key_count; i++)
        cols[i] = (athena_column)VARCHAR(t->partition_keys[i].name);
    cols[t->partition_key_count] = (athena_column)VARCHAR("location");
    return cols;
}

static void write_partition(row_sink *k, const athena_partition *p, const char **values)
{
    size_t nkeys = k->ncols - 1;
    for (size_t i = 0; i < nkeys; i++)
        values[i] = i < p->value_count ? p->values[i] : NULL;
    values[nkeys] = p->location;
    sink_row(k, values);
}

static athena_status partition_page(listing *l, const char *token, char **next)
{
    athena_glue_page_options page = {token, 0, 1};
    athena_partition_list *list = NULL;
    athena_status st = athena_glue_get_partitions(l->s->client, l->db, l->table,
                                                  l->s->opts->where, &page, &list);
    if (st != ATHENA_OK)
        return st;
    for (size_t i = 0; i < list->count; i++)
        write_partition(l->k, list->items[i], l->values);
    *next = list->next_token;
    list->next_token = NULL;
    athena_partition_list_free(list);
    return ATHENA_OK;
}

static int list_partitions(cli_session *s, row_sink *k, const char *db, const char *table)
{
    const char **values = calloc(k->ncols, sizeof *values);
    if (!values) {
        cli_errorf("out of memory");
        return EXIT_SERVICE;
    }
    listing l = {s, k, db, table, values, partition_page, NULL};
    int rc = walk_pages(&l);
    free(values);
    return rc;
}

int cmd_partitions(cli_session *s)
{
    if (s->opts->arg_count != 1) {
        cli_errorf("usage: athena partitions [DATABASE.]TABLE [--where EXPR]");
        return EXIT_USAGE;
    }
    char db[NAME_MAX_LEN], name[NAME_MAX_LEN];
    int rc = split_table_name(s, s->opts->args[0], db, name);
    if (rc)
        return rc;
    athena_table *t = NULL;
    if (athena_glue_get_table(s->client, db, name, &t) != ATHENA_OK)
        return cli_report(athena_client_error(s->client));
    if (t->partition_key_count == 0) {
        cli_errorf("table %s.%s is not partitioned", db, name);
        athena_table_free(t);
        return EXIT_USAGE;
    }
    athena_column *cols = partition_columns(t);
    if (!cols) {
        athena_table_free(t);
        cli_errorf("out of memory");
        return EXIT_SERVICE;
    }
    row_sink k = {s, cols, t->partition_key_count + 1, NULL, 0, 0};
    rc = sink_finish(&k, list_partitions(s, &k, db, name));
    free(cols);
    athena_table_free(t);
    return rc;
}
