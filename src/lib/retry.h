/*
 * retry.h: the AWS SDKs' "standard" retry mode.
 *
 * What is retried: throttling, 5xx, transient error codes and connection or
 * timeout failures, and only for idempotent calls (or calls made idempotent by
 * a ClientRequestToken). How long to wait: exponential backoff with full
 * jitter, random(0..1) * 2^(attempt-1) seconds, capped at 20 s. How often: a
 * per-client retry quota (token bucket) so a failing service is not hammered.
 */
#ifndef ATHENA_LIB_RETRY_H
#define ATHENA_LIB_RETRY_H

#include "athena/athena.h"

#define RETRY_MAX_BACKOFF_MS 20000L
#define RETRY_QUOTA_INITIAL 500
#define RETRY_COST 5
#define RETRY_TIMEOUT_COST 10

typedef struct retry_quota {
    int available;
} retry_quota;

void retry_quota_init(retry_quota *q);

/* Whether an error may be retried at all (classification only). */
int retry_is_retryable(const athena_error *err);

/* Decides whether attempt number `attempt` (1-based, just failed with err)
 * is followed by another. On yes, takes the cost from the quota and returns
 * it (> 0); the caller gives it back with retry_quota_refund() if a later
 * attempt succeeds. Returns 0 for no. */
int retry_decide(retry_quota *q, const athena_error *err, int idempotent, int attempt,
                 int max_attempts);
void retry_quota_refund(retry_quota *q, int cost);
/* A request that succeeded on its first attempt refills one token. */
void retry_quota_success(retry_quota *q);

/* The delay before attempt `attempt + 1`, given a uniform random in [0, 1). */
long retry_backoff_ms(int attempt, double random01);

#endif
