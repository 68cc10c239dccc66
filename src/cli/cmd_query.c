/*
 * cmd_query.c: `athena query` (start, wait with progress, print rows, cancel
 * on Ctrl-C) and `athena results` (print a finished query's rows).
 */
#include "cli.h"

#include "csv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SQL_BYTES 262144

/* Reads all of f (at most MAX_SQL_BYTES) into a new string. */
static char *read_sql(FILE *f, const char *what)
{
    size_t cap = 4096, len = 0;
    char *s = malloc(cap);
    while (s) {
        if (len + 1 >= cap) {
            cap *= 2;
            char *t = realloc(s, cap);
            if (!t)
                break;
            s = t;
        }
        size_t n = fread(s + len, 1, cap - len - 1, f);
        len += n;
        if (len > MAX_SQL_BYTES) {
            cli_errorf("the query in %s is longer than %d bytes, Athena's limit", what,
                       MAX_SQL_BYTES);
            free(s);
            return NULL;
        }
        if (n == 0) {
            if (ferror(f)) {
                cli_errorf("cannot read %s: %s", what, strerror(errno));
                free(s);
                return NULL;
            }
            s[len] = '\0';
            return s;
        }
    }
    free(s);
    cli_errorf("out of memory");
    return NULL;
}

/* The SQL text from the argument, -f FILE, or stdin; NULL after reporting. */
static char *query_text(const cli_options *o, int *exit_code)
{
    *exit_code = EXIT_USAGE;
    if (o->file && o->arg_count) {
        cli_errorf("give the SQL either as an argument or with -f, not both");
        return NULL;
    }
    if (o->arg_count > 1) {
        cli_errorf("the SQL must be one argument (quote it)");
        return NULL;
    }
    if (o->file && strcmp(o->file, "-") != 0) {
        FILE *f = fopen(o->file, "r");
        if (!f) {
            cli_errorf("cannot open %s: %s", o->file, strerror(errno));
            return NULL;
        }
        char *sql = read_sql(f, o->file);
        fclose(f);
        return sql;
    }
    if (o->arg_count == 1 && strcmp(o->args[0], "-") != 0) {
        char *sql = strdup(o->args[0]);
        if (!sql)
            cli_errorf("out of memory");
        return sql;
    }
    if (!o->file && o->arg_count == 0 && isatty(STDIN_FILENO)) {
        cli_errorf("no SQL given: pass it as an argument, with -f FILE, or on stdin");
        return NULL;
    }
    return read_sql(stdin, "standard input");
}

static int on_poll(const athena_query_execution *qe, void *user_data)
{
    progress_update(user_data, qe);
    return cli_interrupted != 0;
}

#define RAW_WRITE_BYTES ((size_t)64 << 10)

/* Writes the whole records out holds (keeping the open one's bytes, so
 * that output cut short by an error ends with a whole row). */
static int write_records(buf *out, size_t open_bytes)
{
    size_t whole = out->len - open_bytes;
    if (whole && fwrite(out->data, 1, whole, stdout) != whole)
        return -1;
    if (open_bytes)
        memmove(out->data, out->data + whole, open_bytes);
    out->len = open_bytes;
    return 0;
}

/* The exit code for the end of a raw pump: a read error, bad CSV, or OK. */
static int raw_outcome(athena_results *r, athena_status st, const csv_transcoder *t, int tc)
{
    if (st != ATHENA_OK && st != ATHENA_DONE)
        return cli_report(athena_results_error(r));
    if (tc >= 0)
        return EXIT_OK;
    athena_error e;
    memset(&e, 0, sizeof e);
    e.status = ATHENA_E_PROTOCOL;
    snprintf(e.message, sizeof e.message, "the result file is not valid CSV: %s",
             csv_transcoder_error(t));
    return cli_report(&e);
}

/* --output csv from the result file's bytes (a raw cursor): transcoded
 * straight to the CLI's CSV, the same text the row path prints (the file's
 * header record is the column names), in far less time. st, data and len
 * are the first athena_results_read_raw answer. */
static int write_raw_csv(cli_session *s, athena_results *r, athena_status st, const char *data,
                         size_t len)
{
    long long max_rows = s->opts->max_rows;
    /* The header is record 0, so --max-rows N is N + 1 records. */
    csv_transcoder *t = csv_transcoder_new(athena_results_column_count(r),
                                           max_rows < 0 ? 0 : (uint64_t)max_rows + 1);
    if (!t) {
        cli_errorf("out of memory");
        return EXIT_SERVICE;
    }
    buf out = BUF_INIT;
    int rc = EXIT_OK, tc = 0, write_failed = 0;
    while (st == ATHENA_OK && tc == 0 && !write_failed) {
        if (cli_interrupted) {
            rc = EXIT_INTERRUPTED;
            break;
        }
        tc = csv_transcoder_feed(t, data, len, &out);
        if (out.len >= RAW_WRITE_BYTES)
            write_failed = write_records(&out, csv_transcoder_open_bytes(t)) != 0;
        if (tc == 0)
            st = athena_results_read_raw(r, &data, &len);
    }
    if (!write_failed) { /* rows before an interruption or an error still go out */
        if (rc == EXIT_OK && st == ATHENA_DONE && tc == 0)
            tc = csv_transcoder_finish(t, &out);
        if (rc == EXIT_OK)
            rc = raw_outcome(r, st, t, tc);
        write_failed = write_records(&out, csv_transcoder_open_bytes(t)) != 0 ||
                       fflush(stdout) != 0 || ferror(stdout);
    }
    csv_transcoder_free(t);
    buf_free(&out);
    if (write_failed && cli_interrupted)
        return EXIT_INTERRUPTED;
    if (write_failed && errno != EPIPE) {
        cli_errorf("cannot write the results: %s", strerror(errno));
        return EXIT_SERVICE;
    }
    return rc;
}

int cli_write_results(cli_session *s, athena_results *r)
{
    size_t n = athena_results_column_count(r);
    if (n == 0)
        return EXIT_OK; /* DDL such as CREATE TABLE: nothing to print */
    if (s->format == OUTPUT_CSV) {
        const char *data = NULL;
        size_t len = 0;
        athena_status st = athena_results_read_raw(r, &data, &len);
        if (st != ATHENA_E_TYPE) /* else: a cursor over rows */
            return write_raw_csv(s, r, st, data, len);
    }
    output_options oo = {0, s->format == OUTPUT_TABLE && isatty(STDOUT_FILENO)};
    output_writer *w = output_open(stdout, s->format, &oo);
    const char **values = calloc(n ? n : 1, sizeof *values);
    size_t *lengths = calloc(n ? n : 1, sizeof *lengths);
    athena_column *cols = calloc(n ? n : 1, sizeof *cols);
    if (!w || !values || !lengths || !cols) {
        output_close(w);
        free(values), free(lengths), free(cols);
        cli_errorf("out of memory");
        return EXIT_SERVICE;
    }
    for (size_t i = 0; i < n; i++)
        cols[i] = *athena_results_column(r, i);
    int rc = EXIT_OK, write_failed = output_begin(w, cols, n) != 0;
    long long printed = 0;
    while (!write_failed && (s->opts->max_rows < 0 || printed < s->opts->max_rows)) {
        if (cli_interrupted) {
            rc = EXIT_INTERRUPTED;
            break;
        }
        athena_status st = athena_results_next(r);
        if (st == ATHENA_DONE)
            break;
        if (st != ATHENA_OK) {
            rc = cli_report(athena_results_error(r));
            break;
        }
        for (size_t i = 0; i < n; i++)
            if (athena_results_get_string(r, i, &values[i], &lengths[i]) != ATHENA_OK)
                values[i] = NULL, lengths[i] = 0;
        write_failed = output_row(w, values, lengths) != 0;
        printed++;
    }
    if (!write_failed)
        write_failed = output_end(w) != 0;
    /* A closed pipe (e.g. `| head`) is not an error worth a message, and a
     * write cut short by Ctrl-C is the interruption, not a failure. */
    if (write_failed && cli_interrupted) {
        rc = EXIT_INTERRUPTED;
    } else if (write_failed && errno != EPIPE) {
        cli_errorf("cannot write the results: %s", strerror(errno));
        rc = EXIT_SERVICE;
    }
    output_close(w);
    free(values), free(lengths), free(cols);
    return rc;
}

/* After Ctrl-C: stop the query, say so, and exit 130. */
static int cancel_after_interrupt(cli_session *s, const char *id)
{
    if (athena_stop_query(s->client, id) == ATHENA_OK) {
        fprintf(stderr, "athena: query %s cancelled\n", id);
        return EXIT_INTERRUPTED;
    }
    fprintf(stderr, "athena: interrupted, but cancelling query %s failed:\n", id);
    cli_report(athena_client_error(s->client));
    return EXIT_INTERRUPTED;
}

/* How rows are fetched (--results-via). A few rows are one GetQueryResults
 * call: cheaper than starting parallel reads of the result file. */
static int results_mode(const cli_options *o)
{
    const char *via = o->results_via;
    if (via && strcmp(via, "s3") == 0)
        return ATHENA_RESULTS_S3_ONLY;
    if (via && strcmp(via, "getqueryresults") == 0)
        return ATHENA_RESULTS_S3_NEVER;
    if (o->max_rows >= 0 && o->max_rows < 1000)
        return ATHENA_RESULTS_S3_NEVER;
    return ATHENA_RESULTS_S3_AUTO;
}

static int print_results(cli_session *s, const char *id, const athena_query_execution *qe)
{
    athena_results_options ro = {0};
    ro.execution = qe;
    ro.use_s3 = results_mode(s->opts);
    ro.raw_csv = s->format == OUTPUT_CSV; /* cli_write_results reads it raw */
    athena_results *r = NULL;
    if (athena_results_open(s->client, id, &ro, &r) != ATHENA_OK)
        return cli_report(athena_client_error(s->client));
    int rc = cli_write_results(s, r);
    athena_results_close(r);
    return rc;
}

int cmd_query(cli_session *s)
{
    const cli_options *o = s->opts;
    int rc;
    char *sql = query_text(o, &rc);
    if (!sql)
        return rc;
    athena_start_params sp = {0};
    sp.sql = sql;
    sp.parameters = o->params;
    sp.parameter_count = o->param_count;
    char id[ATHENA_ID_MAX];
    athena_status st = athena_start_query(s->client, &sp, id);
    free(sql);
    if (st != ATHENA_OK)
        return cli_report(athena_client_error(s->client));

    cli_progress progress;
    progress_start(&progress);
    athena_wait_options wo = {0};
    wo.timeout_ms = o->timeout_s * 1000;
    wo.on_poll = on_poll;
    wo.user_data = &progress;
    athena_query_execution *qe = NULL;
    st = athena_wait_query(s->client, id, &wo, &qe);
    progress_finish(&progress);
    if (st == ATHENA_E_INTERRUPTED)
        rc = cancel_after_interrupt(s, id);
    else if (st != ATHENA_OK)
        rc = cli_report(athena_client_error(s->client));
    else
        rc = print_results(s, id, qe);
    if (rc == EXIT_INTERRUPTED && st == ATHENA_OK)
        fprintf(stderr, "athena: interrupted\n");
    athena_query_execution_free(qe);
    return rc;
}

int cmd_results(cli_session *s)
{
    if (s->opts->arg_count != 1) {
        cli_errorf("usage: athena results ID");
        return EXIT_USAGE;
    }
    athena_query_execution *qe = NULL;
    const char *id = s->opts->args[0];
    if (athena_get_query(s->client, id, &qe) != ATHENA_OK)
        return cli_report(athena_client_error(s->client));
    int rc;
    if (qe->state != ATHENA_STATE_SUCCEEDED) {
        cli_errorf("query %s is %s%s%s", id, athena_state_name(qe->state),
                   qe->state_change_reason ? ": " : "",
                   qe->state_change_reason ? qe->state_change_reason : "");
        rc = EXIT_QUERY_FAILED;
    } else {
        rc = print_results(s, id, qe);
    }
    athena_query_execution_free(qe);
    return rc;
}
