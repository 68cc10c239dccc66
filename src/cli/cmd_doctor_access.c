/*
 * cmd_doctor_access.c: the doctor's identity and Athena checks: who the
 * credentials are (sts:GetCallerIdentity), the workgroup's settings
 * (athena:GetWorkGroup, which the connector does not need), and a tiny
 * query "SELECT 1" through every Athena action the connector uses, which
 * also proves Athena can write to the query result location.
 */
#include "cmd_doctor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOCTOR_QUERY "SELECT 1"
#define DOCTOR_QUERY_TIMEOUT_MS 60000

static const char *workgroup_name(const doctor *d)
{
    const char *w = athena_config_workgroup(d->config);
    return w ? w : "primary";
}

static void workgroup_arn(const doctor *d, char *out, size_t cap)
{
    char resource[512];
    snprintf(resource, sizeof resource, "workgroup/%s", workgroup_name(d));
    doctor_arn(d, "athena", resource, out, cap);
}

/* ---- identity ---- */

void doctor_check_identity(doctor *d)
{
    athena_caller_identity id = {0};
    athena_status st = athena_sts_get_caller_identity(d->client, &id);
    const athena_error *err = athena_client_error(d->client);
    d->server_time = id.server_time;
    d->local_time = id.local_time;
    if (st == ATHENA_OK) {
        snprintf(d->arn, sizeof d->arn, "%s", id.arn);
        snprintf(d->account, sizeof d->account, "%s", id.account);
        doctor_add(d, CHECK_OK, "credentials", NULL, NULL,
                   "valid: sts:GetCallerIdentity says %s (account %s, user id %s)", id.arn,
                   id.account, id.user_id ? id.user_id : "?");
    } else if (st == ATHENA_E_ACCESS_DENIED) {
        /* The signature was accepted: only the identity is unknown. */
        doctor_learn_identity(d, err->message);
        doctor_add(d, CHECK_WARN, "credentials", NULL, NULL,
                   "accepted, but sts:GetCallerIdentity is denied (%s); identity %s%s", err->code,
                   d->arn[0] ? d->arn : "unknown",
                   d->arn[0] ? " (from the denial message)" : " until an Athena error names it");
    } else if (st == ATHENA_E_NETWORK || st == ATHENA_E_SERVICE || st == ATHENA_E_PROTOCOL) {
        doctor_add(d, CHECK_WARN, "credentials", NULL, NULL,
                   "not verified with STS (%s: %s); the Athena checks below use them",
                   err->code, err->message);
    } else {
        doctor_call_failed(d, "credentials", err, "sts:GetCallerIdentity", "*", 0);
    }
    athena_caller_identity_clear(&id);
}

/* ---- workgroup ---- */

static void describe_workgroup(doctor *d, const athena_workgroup *w)
{
    char results[1200], cutoff[64];
    if (w->managed_results)
        snprintf(results, sizeof results, "managed query results (Athena stores them)");
    else if (!w->output_location)
        snprintf(results, sizeof results, "no result location of its own (the client's "
                                          "athena_output_location is used)");
    else
        snprintf(results, sizeof results, "results to %s%s", w->output_location,
                 w->enforce_configuration ? " (enforced: overrides the client's)" : "");
    if (w->bytes_scanned_cutoff >= 0)
        snprintf(cutoff, sizeof cutoff, "%lld bytes", (long long)w->bytes_scanned_cutoff);
    else
        snprintf(cutoff, sizeof cutoff, "none");
    int enabled = !w->state || strcmp(w->state, "ENABLED") == 0;
    doctor_add(d, enabled ? CHECK_OK : CHECK_FAIL, "workgroup", NULL,
               enabled ? NULL : "enable it (aws athena update-work-group --state ENABLED) or "
                                "choose another with athena_workgroup / --workgroup",
               "%s: state %s; %s; settings %s; scan cutoff per query %s%s%s", w->name,
               w->state ? w->state : "?", results,
               w->enforce_configuration ? "enforced" : "not enforced", cutoff,
               w->engine_version ? "; engine " : "", w->engine_version ? w->engine_version : "");
}

void doctor_check_workgroup(doctor *d)
{
    athena_workgroup *w = NULL;
    if (athena_get_workgroup(d->client, NULL, &w) == ATHENA_OK) {
        d->workgroup_known = 1;
        d->managed_results = w->managed_results;
        d->workgroup_enforced = w->enforce_configuration;
        snprintf(d->workgroup_output, sizeof d->workgroup_output, "%s",
                 w->output_location ? w->output_location : "");
        describe_workgroup(d, w);
        athena_workgroup_free(w);
        return;
    }
    char arn[1024];
    workgroup_arn(d, arn, sizeof arn);
    doctor_call_failed(d, "workgroup", athena_client_error(d->client), "athena:GetWorkGroup",
                       arn, 1);
}

/* ---- the tiny query ---- */

/* Where the query's results go: the workgroup's location when it enforces
 * its settings or the client sets none. */
static const char *result_location(const doctor *d)
{
    const char *client = athena_config_output_location(d->config);
    if (d->workgroup_output[0] && (d->workgroup_enforced || !client))
        return d->workgroup_output;
    return client;
}

/* The ARN of every object under the result location. */
static void results_arn(const doctor *d, const char *location, char *out, size_t cap)
{
    char resource[1200];
    const char *path = location && strncmp(location, "s3://", 5) == 0 ? location + 5 : "BUCKET/";
    size_t n = strlen(path);
    snprintf(resource, sizeof resource, "%s%s*", path, n && path[n - 1] == '/' ? "" : "/");
    doctor_arn(d, "s3", resource, out, cap);
}

static int is_write_denial(const char *reason)
{
    return reason && (strstr(reason, "Access denied when writing") ||
                      ((strstr(reason, "ccess denied") || strstr(reason, "AccessDenied")) &&
                       (strstr(reason, "output") || strstr(reason, "s3://"))));
}

static void report_write_denied(doctor *d, const char *reason, const char *location)
{
    char arn[1400], missing[1500], fix[2200];
    results_arn(d, location, arn, sizeof arn);
    snprintf(missing, sizeof missing, "s3:PutObject on %s", arn);
    snprintf(fix, sizeof fix,
             "add {\"Effect\": \"Allow\", \"Action\": [\"s3:PutObject\", \"s3:GetObject\", "
             "\"s3:AbortMultipartUpload\"], \"Resource\": \"%s\"} (plus s3:ListBucket and "
             "s3:GetBucketLocation on the bucket) to the IAM policy of %s, or use a workgroup "
             "with managed query results", arn, d->arn[0] ? d->arn : "this identity");
    doctor_add(d, CHECK_FAIL, "write query results", missing, fix,
               "the query failed writing its results to %s: %s",
               location ? location : "the result location", reason);
}

static void report_results_written(doctor *d, const athena_query_execution *qe)
{
    const char *out = qe->output_location;
    if (out && strncmp(out, "s3://", 5) == 0)
        doctor_add(d, CHECK_OK, "write query results", NULL, NULL,
                   "Athena wrote the result file %s", out);
    else
        doctor_add(d, CHECK_OK, "write query results", NULL, NULL,
                   "managed query results: Athena keeps them itself, no result bucket "
                   "permission is needed");
}

/* The folder of the denied result file ("s3://b/p/" of "s3://b/p/id.csv"),
 * from the execution or else from the message's URL; NULL if neither says. */
static const char *denied_folder(const athena_query_execution *qe, const char *reason,
                                 char *out, size_t cap)
{
    const char *file = qe && qe->output_location ? qe->output_location : NULL;
    const char *in_message = reason ? strstr(reason, "s3://") : NULL;
    if (!file && !in_message)
        return NULL;
    const char *start = file ? file : in_message;
    size_t n = file ? strlen(file) : strcspn(in_message, "' \"");
    const char *slash = NULL;
    for (size_t i = 5; i < n; i++)
        if (start[i] == '/')
            slash = start + i;
    if (!slash || (size_t)(slash - start) + 2 > cap)
        return NULL;
    snprintf(out, cap, "%.*s", (int)(slash - start + 1), start);
    return out;
}

/* The query finished but not SUCCEEDED: say why, and what to fix. */
static void report_query_failed(doctor *d, const athena_query_execution *qe,
                                const athena_error *err)
{
    const char *reason = qe && qe->state_change_reason ? qe->state_change_reason : err->message;
    if (is_write_denial(reason)) {
        char folder[1024];
        const char *where = denied_folder(qe, reason, folder, sizeof folder);
        report_write_denied(d, reason, where ? where : result_location(d));
        return;
    }
    char scratch[512];
    const char *hint = cli_error_hint(err, scratch, sizeof scratch);
    doctor_add(d, CHECK_FAIL, "query " DOCTOR_QUERY, NULL, hint, "%s: %s",
               qe ? athena_state_name(qe->state) : err->code, reason);
}

static void check_results(doctor *d, const char *id, const athena_query_execution *qe)
{
    athena_results_options ro = {0};
    ro.execution = qe;
    ro.use_s3 = ATHENA_RESULTS_S3_NEVER;
    athena_results *r = NULL;
    athena_status st = athena_results_open(d->client, id, &ro, &r);
    const char *value = NULL;
    size_t len = 0;
    if (st == ATHENA_OK && (st = athena_results_next(r)) == ATHENA_OK)
        st = athena_results_get_string(r, 0, &value, &len);
    char arn[1024];
    workgroup_arn(d, arn, sizeof arn);
    if (st == ATHENA_OK)
        doctor_add(d, CHECK_OK, "athena:GetQueryResults", NULL, NULL,
                   "read the result: %s = %s", athena_results_column(r, 0)->name, value);
    else if (st == ATHENA_DONE) /* allowed, though Athena always sends SELECT 1's row */
        doctor_add(d, CHECK_WARN, "athena:GetQueryResults", NULL, NULL,
                   "allowed, but the result of " DOCTOR_QUERY " has no row");
    else
        doctor_call_failed(d, "athena:GetQueryResults",
                           r ? athena_results_error(r) : athena_client_error(d->client),
                           "athena:GetQueryResults", arn, 0);
    athena_results_close(r);
}

/* The optional fast path: the result file straight from S3. */
static void check_fast_results(doctor *d, const athena_query_execution *qe)
{
    char *bucket = NULL, *key = NULL, *data = NULL;
    size_t len = 0;
    if (!qe->output_location || athena_s3_uri_parse(qe->output_location, &bucket, &key) != ATHENA_OK)
        return;
    if (athena_s3_read(d->client, bucket, key, 64, &data, &len) == ATHENA_OK) {
        doctor_add(d, CHECK_OK, "fast results via S3", NULL, NULL,
                   "s3:GetObject on the result file works: large results are read straight "
                   "from S3");
    } else {
        char arn[1300];
        results_arn(d, result_location(d), arn, sizeof arn);
        doctor_call_failed(d, "fast results via S3", athena_client_error(d->client),
                           "s3:GetObject", arn, 1);
    }
    free(data);
    free(bucket);
    free(key);
}

static void check_stop(doctor *d, const char *id)
{
    char arn[1024];
    workgroup_arn(d, arn, sizeof arn);
    if (athena_stop_query(d->client, id) == ATHENA_OK)
        doctor_add(d, CHECK_OK, "athena:StopQueryExecution", NULL, NULL,
                   "allowed (stopping the finished query %s is a no-op)", id);
    else
        doctor_call_failed(d, "athena:StopQueryExecution", athena_client_error(d->client),
                           "athena:StopQueryExecution", arn, 0);
}

static int start_query(doctor *d, char id[ATHENA_ID_MAX])
{
    athena_start_params p = {0};
    p.sql = DOCTOR_QUERY;
    char arn[1024];
    workgroup_arn(d, arn, sizeof arn);
    if (athena_start_query(d->client, &p, id) == ATHENA_OK) {
        doctor_add(d, CHECK_OK, "athena:StartQueryExecution", NULL, NULL,
                   "started " DOCTOR_QUERY " in workgroup %s as %s", workgroup_name(d), id);
        return 0;
    }
    const athena_error *err = athena_client_error(d->client);
    if (is_write_denial(err->message))
        report_write_denied(d, err->message, result_location(d));
    else
        doctor_call_failed(d, "athena:StartQueryExecution", err, "athena:StartQueryExecution",
                           arn, 0);
    doctor_add(d, CHECK_WARN, "query checks", NULL, NULL,
               "GetQueryExecution, GetQueryResults and StopQueryExecution were not checked: "
               "no query could be started");
    return -1;
}

void doctor_check_query(doctor *d)
{
    char id[ATHENA_ID_MAX];
    if (start_query(d, id) != 0)
        return;
    athena_wait_options wo = {0};
    wo.timeout_ms = DOCTOR_QUERY_TIMEOUT_MS;
    athena_query_execution *qe = NULL;
    athena_status st = athena_wait_query(d->client, id, &wo, &qe);
    const athena_error *err = athena_client_error(d->client);
    char arn[1024];
    workgroup_arn(d, arn, sizeof arn);
    if (st == ATHENA_OK || st == ATHENA_E_QUERY_FAILED || st == ATHENA_E_QUERY_CANCELLED)
        doctor_add(d, CHECK_OK, "athena:GetQueryExecution", NULL, NULL, "the query %s",
                   qe ? athena_state_name(qe->state) : "finished");
    if (st == ATHENA_OK) {
        report_results_written(d, qe);
        check_results(d, id, qe);
        check_fast_results(d, qe);
    } else if (st == ATHENA_E_QUERY_FAILED || st == ATHENA_E_QUERY_CANCELLED ||
               st == ATHENA_E_TIMEOUT) {
        report_query_failed(d, qe, err);
        doctor_add(d, CHECK_WARN, "athena:GetQueryResults", NULL, NULL,
                   "not checked: the query did not succeed, so it has no results");
    } else {
        doctor_call_failed(d, "athena:GetQueryExecution", err, "athena:GetQueryExecution", arn,
                           0);
    }
    check_stop(d, id);
    athena_query_execution_free(qe);
}
