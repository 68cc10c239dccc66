/*
 * client.h: the athena_client handle's private layout, shared by the files
 * that implement the Athena operations, the waiter and the results cursor.
 */
#ifndef ATHENA_LIB_CLIENT_H
#define ATHENA_LIB_CLIENT_H

#include "internal.h"
#include "transport.h"

#include <jansson.h>

struct metadata_cache;

struct athena_client {
    const athena_config *config;
    transport *transport;
    athena_error error;
    struct metadata_cache *metadata_cache; /* Glue answers; glue.c creates it on first use */
};

/* Calls AmazonAthena.<operation>, consuming request (NULL means out of
 * memory while building it). Errors land on the client. */
athena_status client_athena_call(athena_client *c, const char *operation, json_t *request,
                                 int idempotent, json_t **response);

/* athena_wait_query's sleep before the next poll, in ms (wait.c explains
 * the schedule), given how long it has waited, the last poll's round trip
 * and a uniform random in [0, 1) for the jitter. */
long wait_poll_delay_ms(long floor_delay, long max_delay, long long waited_ms,
                        long long round_trip_ms, double random01);

/* Parses a QueryExecution JSON object. NULL if out of memory. */
athena_query_execution *query_execution_from_json(const json_t *qe);

#endif
