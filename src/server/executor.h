/*
 * executor.h: the query executor of athena-local: a pool of worker threads
 * fed by a bounded queue, so QUEUED is a real state. Each query moves
 * QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED, and every transition is
 * persisted in the store. A worker runs catalog statements itself (ddl.h)
 * and everything else through its engine session, writing the results files.
 */
#ifndef ATHENA_SERVER_EXECUTOR_H
#define ATHENA_SERVER_EXECUTOR_H

#include "server.h"

#include <jansson.h>

executor *executor_start(server *s, int workers, size_t queue_capacity);
/* Stops accepting work, interrupts running queries, joins the workers. */
void executor_stop(executor *x);

/* Enqueues a query already stored as QUEUED, started by caller (whose
 * permissions it runs with: authz.h). 0, or -1 if the queue is full (the
 * caller answers TooManyRequestsException). */
int executor_submit(executor *x, const char *query_id, const srv_caller *caller);

/* Cancels a query: a queued one is dropped, a running one interrupted. The
 * stored state becomes CANCELLED. Finished queries are left alone. */
void executor_cancel(executor *x, const char *query_id);

#endif
