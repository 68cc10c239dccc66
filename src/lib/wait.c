/*
 * wait.c: athena_wait_query(), polling GetQueryExecution until the query
 * leaves QUEUED/RUNNING.
 *
 * The delay starts small (a short query on a warm engine finishes in tens of
 * milliseconds, and the first poll should catch it) and grows by about 1.4x
 * with jitter up to a cap. A gentle growth keeps the time between the
 * query finishing and the client noticing under ~40% of the query's own
 * time, while the cap keeps long queries at one request a second. QUEUED is
 * treated exactly like RUNNING: the query is alive and the overall timeout
 * keeps counting.
 */
#include "client.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_INITIAL_DELAY_MS 5
#define DEFAULT_MAX_DELAY_MS 1000

static int is_terminal(athena_query_state s)
{
    return s == ATHENA_STATE_SUCCEEDED || s == ATHENA_STATE_FAILED || s == ATHENA_STATE_CANCELLED;
}

/* Fills the client error from a finished, unsuccessful execution. */
static athena_status finished_error(athena_client *c, const athena_query_execution *q)
{
    athena_status st = q->state == ATHENA_STATE_FAILED ? ATHENA_E_QUERY_FAILED
                                                       : ATHENA_E_QUERY_CANCELLED;
    const char *reason = q->state_change_reason ? q->state_change_reason
                         : q->error_message      ? q->error_message
                                                 : athena_state_name(q->state);
    error_set(&c->error, st, "%s", reason);
    snprintf(c->error.code, sizeof c->error.code, "%s", athena_state_name(q->state));
    c->error.retryable = q->error_retryable;
    return st;
}

static athena_status stop_after_timeout(athena_client *c, const char *id, long timeout_ms)
{
    athena_error saved;
    athena_status st = athena_stop_query(c, id);
    error_copy(&saved, &c->error);
    error_set(&c->error, ATHENA_E_TIMEOUT,
              "the query did not finish within %ld ms; %s", timeout_ms,
              st == ATHENA_OK ? "it was cancelled" : "cancelling it failed too");
    if (st != ATHENA_OK) {
        size_t l = strlen(c->error.message);
        snprintf(c->error.message + l, sizeof c->error.message - l, " (%s: %s)", saved.code,
                 saved.message);
    }
    return ATHENA_E_TIMEOUT;
}

athena_status athena_wait_query(athena_client *c, const char *id, const athena_wait_options *o,
                                athena_query_execution **out)
{
    athena_wait_options opts = {0};
    if (o)
        opts = *o;
    long delay = opts.initial_delay_ms > 0 ? opts.initial_delay_ms : DEFAULT_INITIAL_DELAY_MS;
    long max_delay = opts.max_delay_ms > 0 ? opts.max_delay_ms : DEFAULT_MAX_DELAY_MS;
    if (delay > max_delay)
        delay = max_delay;
    long long deadline = opts.timeout_ms > 0 ? transport_now_ms() + opts.timeout_ms : 0;
    if (out)
        *out = NULL;

    for (;;) {
        athena_query_execution *q = NULL;
        athena_status st = athena_get_query(c, id, &q);
        if (st != ATHENA_OK)
            return st;
        int stop_waiting = opts.on_poll && opts.on_poll(q, opts.user_data);
        if (is_terminal(q->state)) {
            st = q->state == ATHENA_STATE_SUCCEEDED ? ATHENA_OK : finished_error(c, q);
        } else if (stop_waiting) {
            st = error_set(&c->error, ATHENA_E_INTERRUPTED, "stopped waiting for query %s", id);
        } else if (deadline && transport_now_ms() >= deadline) {
            st = stop_after_timeout(c, id, opts.timeout_ms);
        } else {
            athena_query_execution_free(q);
            long sleep_ms = delay;
            if (deadline && transport_now_ms() + sleep_ms > deadline)
                sleep_ms = (long)(deadline - transport_now_ms());
            transport_sleep_ms(sleep_ms);
            /* Grow by 1.3x-1.5x: the jitter keeps many waiters out of step. */
            long grown = (long)((double)delay * (1.3 + 0.2 * transport_random(c->transport)));
            delay = grown > delay ? grown : delay + 1;
            if (delay > max_delay)
                delay = max_delay;
            continue;
        }
        if (out)
            *out = q;
        else
            athena_query_execution_free(q);
        return st;
    }
}
