/*
 * query_execution.c: the QueryExecution shape (GetQueryExecution and
 * BatchGetQueryExecution responses) decoded into athena_query_execution.
 */
#include "client.h"

#include <stdlib.h>
#include <string.h>

const char *athena_state_name(athena_query_state state)
{
    switch (state) {
    case ATHENA_STATE_QUEUED: return "QUEUED";
    case ATHENA_STATE_RUNNING: return "RUNNING";
    case ATHENA_STATE_SUCCEEDED: return "SUCCEEDED";
    case ATHENA_STATE_FAILED: return "FAILED";
    case ATHENA_STATE_CANCELLED: return "CANCELLED";
    case ATHENA_STATE_UNKNOWN: break;
    }
    return "UNKNOWN";
}

static athena_query_state parse_state(const char *s)
{
    static const athena_query_state states[] = {ATHENA_STATE_QUEUED, ATHENA_STATE_RUNNING,
                                                ATHENA_STATE_SUCCEEDED, ATHENA_STATE_FAILED,
                                                ATHENA_STATE_CANCELLED};
    for (size_t i = 0; s && i < sizeof states / sizeof states[0]; i++)
        if (strcmp(s, athena_state_name(states[i])) == 0)
            return states[i];
    return ATHENA_STATE_UNKNOWN;
}

/* Duplicates a string member at path a[.b]; NULL when absent. Sets *oom. */
static char *dup_member(const json_t *obj, const char *a, const char *b, int *oom)
{
    const json_t *v = json_object_get(obj, a);
    if (b)
        v = json_object_get(v, b);
    const char *s = json_string_value(v);
    if (!s)
        return NULL;
    char *copy = strdup(s);
    if (!copy)
        *oom = 1;
    return copy;
}

static int64_t int_member(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_integer(v))
        return (int64_t)json_integer_value(v);
    if (json_is_real(v))
        return (int64_t)json_real_value(v);
    return -1;
}

static double time_member(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : 0;
}

static void parse_status(athena_query_execution *q, const json_t *status, int *oom)
{
    q->state = parse_state(json_string_value(json_object_get(status, "State")));
    q->state_change_reason = dup_member(status, "StateChangeReason", NULL, oom);
    q->submitted_at = time_member(status, "SubmissionDateTime");
    q->completed_at = time_member(status, "CompletionDateTime");
    const json_t *ae = json_object_get(status, "AthenaError");
    q->error_category = -1;
    q->error_type = -1;
    if (json_is_object(ae)) {
        q->error_category = (int)int_member(ae, "ErrorCategory");
        q->error_type = (int)int_member(ae, "ErrorType");
        q->error_retryable = json_is_true(json_object_get(ae, "Retryable"));
        q->error_message = dup_member(ae, "ErrorMessage", NULL, oom);
    }
}

static void parse_statistics(athena_query_execution *q, const json_t *stats)
{
    q->data_scanned_bytes = int_member(stats, "DataScannedInBytes");
    q->engine_execution_ms = int_member(stats, "EngineExecutionTimeInMillis");
    q->queue_ms = int_member(stats, "QueryQueueTimeInMillis");
    q->planning_ms = int_member(stats, "QueryPlanningTimeInMillis");
    q->processing_ms = int_member(stats, "ServiceProcessingTimeInMillis");
    q->total_execution_ms = int_member(stats, "TotalExecutionTimeInMillis");
    const json_t *reuse = json_object_get(stats, "ResultReuseInformation");
    q->reused_previous_result = json_is_true(json_object_get(reuse, "ReusedPreviousResult"));
}

athena_query_execution *query_execution_from_json(const json_t *qe)
{
    athena_query_execution *q = calloc(1, sizeof *q);
    if (!q)
        return NULL;
    int oom = 0;
    q->id = dup_member(qe, "QueryExecutionId", NULL, &oom);
    q->query = dup_member(qe, "Query", NULL, &oom);
    q->statement_type = dup_member(qe, "StatementType", NULL, &oom);
    q->substatement_type = dup_member(qe, "SubstatementType", NULL, &oom);
    q->workgroup = dup_member(qe, "WorkGroup", NULL, &oom);
    q->database = dup_member(qe, "QueryExecutionContext", "Database", &oom);
    q->catalog = dup_member(qe, "QueryExecutionContext", "Catalog", &oom);
    q->output_location = dup_member(qe, "ResultConfiguration", "OutputLocation", &oom);
    parse_status(q, json_object_get(qe, "Status"), &oom);
    parse_statistics(q, json_object_get(qe, "Statistics"));
    if (oom) {
        athena_query_execution_free(q);
        return NULL;
    }
    return q;
}

void athena_query_execution_free(athena_query_execution *q)
{
    if (!q)
        return;
    free(q->id);
    free(q->query);
    free(q->statement_type);
    free(q->substatement_type);
    free(q->workgroup);
    free(q->database);
    free(q->catalog);
    free(q->output_location);
    free(q->state_change_reason);
    free(q->error_message);
    free(q);
}
