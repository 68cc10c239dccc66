/*
 * wait.c: athena_wait_query(), polling GetQueryExecution until the query
 * leaves QUEUED/RUNNING.
 *
 * How long to sleep before the next poll is a trade between noticing the
 * end late and asking too often. The sleep is the largest of:
 *   - a floor (1 ms by default): a short query on a warm local engine
 *     finishes in tens of milliseconds, and a poll should catch it soon;
 *   - a twentieth of the time waited so far, and a fifth of the time waited
 *     beyond the first 250 ms: a young query is noticed at most ~5% after
 *     its own time (a 30 ms GROUP BY ~1.5 ms late, not ~6 ms as with a
 *     fifth throughout), while a query running for seconds costs no more
 *     requests than before (a fifth from about a third of a second on);
 *   - the last poll's own round trip: against a distant endpoint (real
 *     Athena, ~10-50 ms away) at most half the time goes into requests, so a
 *     slow link is not hammered;
 * with +-10% jitter to keep many waiters out of step, and capped (1 s by
 * default) so that a long query costs one request a second. QUEUED is
 * treated exactly like RUNNING: the query is alive and the overall timeout
 * keeps counting.
 */
#include "client.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_INITIAL_DELAY_MS 1
#define DEFAULT_MAX_DELAY_MS 1000
#define YOUNG_FRACTION 0.05    /* the sleep grows with the time waited so far... */
#define OLD_FRACTION 0.2       /* ...and faster once the query is no longer young */
#define YOUNG_MS 250.0

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

long wait_poll_delay_ms(long floor_delay, long max_delay, long long waited_ms,
                        long long round_trip_ms, double random01)
{
    double waited = (double)waited_ms;
    double delay = (double)floor_delay;
    if (YOUNG_FRACTION * waited > delay)
        delay = YOUNG_FRACTION * waited;
    if (OLD_FRACTION * (waited - YOUNG_MS) > delay)
        delay = OLD_FRACTION * (waited - YOUNG_MS);
    if ((double)round_trip_ms > delay)
        delay = (double)round_trip_ms;
    delay *= 0.9 + 0.2 * random01;
    if (delay > (double)max_delay)
        delay = (double)max_delay;
    return delay < 1.0 ? 1 : (long)delay;
}

athena_status athena_wait_query(athena_client *c, const char *id, const athena_wait_options *o,
                                athena_query_execution **out)
{
    athena_wait_options opts = {0};
    if (o)
        opts = *o;
    long floor_delay = opts.initial_delay_ms > 0 ? opts.initial_delay_ms : DEFAULT_INITIAL_DELAY_MS;
    long max_delay = opts.max_delay_ms > 0 ? opts.max_delay_ms : DEFAULT_MAX_DELAY_MS;
    if (floor_delay > max_delay)
        floor_delay = max_delay;
    long long started = transport_now_ms();
    long long deadline = opts.timeout_ms > 0 ? started + opts.timeout_ms : 0;
    if (out)
        *out = NULL;

    for (;;) {
        athena_query_execution *q = NULL;
        long long poll_started = transport_now_ms();
        athena_status st = athena_get_query(c, id, &q);
        if (st != ATHENA_OK)
            return st;
        long long now = transport_now_ms();
        int stop_waiting = opts.on_poll && opts.on_poll(q, opts.user_data);
        if (is_terminal(q->state)) {
            st = q->state == ATHENA_STATE_SUCCEEDED ? ATHENA_OK : finished_error(c, q);
        } else if (stop_waiting) {
            st = error_set(&c->error, ATHENA_E_INTERRUPTED, "stopped waiting for query %s", id);
        } else if (deadline && now >= deadline) {
            st = stop_after_timeout(c, id, opts.timeout_ms);
        } else {
            athena_query_execution_free(q);
            long sleep_ms = wait_poll_delay_ms(floor_delay, max_delay, now - started,
                                               now - poll_started, transport_random(c->transport));
            if (deadline && now + sleep_ms > deadline)
                sleep_ms = (long)(deadline - now);
            transport_sleep_ms(sleep_ms);
            continue;
        }
        if (out)
            *out = q;
        else
            athena_query_execution_free(q);
        return st;
    }
}
