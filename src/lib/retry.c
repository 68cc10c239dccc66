/*
 * retry.c: standard-mode retry policy (see retry.h).
 */
#include "retry.h"

#include "transport.h"

#include <math.h>
#include <string.h>

void retry_quota_init(retry_quota *q)
{
    q->available = RETRY_QUOTA_INITIAL;
}

int retry_is_retryable(const athena_error *err)
{
    if (err->status == ATHENA_E_NETWORK)
        return 1;
    return err->retryable;
}

static int is_timeout(const athena_error *err)
{
    return err->status == ATHENA_E_NETWORK && strcmp(err->code, TRANSPORT_CODE_TIMEOUT) == 0;
}

int retry_decide(retry_quota *q, const athena_error *err, int idempotent, int attempt,
                 int max_attempts)
{
    if (!idempotent || attempt >= max_attempts || !retry_is_retryable(err))
        return 0;
    int cost = is_timeout(err) ? RETRY_TIMEOUT_COST : RETRY_COST;
    if (q->available < cost)
        return 0;
    q->available -= cost;
    return cost;
}

void retry_quota_refund(retry_quota *q, int cost)
{
    q->available += cost;
    if (q->available > RETRY_QUOTA_INITIAL)
        q->available = RETRY_QUOTA_INITIAL;
}

void retry_quota_success(retry_quota *q)
{
    retry_quota_refund(q, 1);
}

long retry_backoff_ms(int attempt, double random01)
{
    if (attempt < 1)
        attempt = 1;
    if (random01 < 0)
        random01 = 0;
    if (random01 >= 1)
        random01 = 0.999999;
    double ceiling = attempt > 16 ? (double)RETRY_MAX_BACKOFF_MS : 1000.0 * ldexp(1.0, attempt - 1);
    if (ceiling > RETRY_MAX_BACKOFF_MS)
        ceiling = RETRY_MAX_BACKOFF_MS;
    return (long)(random01 * ceiling);
}
