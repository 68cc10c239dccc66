/*
 * glue_api_internal.h: what the files of athena-local's Glue Data Catalog
 * API share: glue_api.c (dispatch, errors, request members, paging,
 * databases), glue_api_shapes.c (input structures checked and copied into
 * stored documents), glue_api_tables.c and glue_api_partitions.c.
 *
 * Glue errors are {"__type": code, "Message": text} with HTTP 400
 * (InternalServiceException 500). Request checks reuse json_api.h and
 * answer with Glue's names: a missing or out-of-range member is an
 * InvalidInputException, a member of the wrong JSON type a
 * SerializationException.
 */
#ifndef ATHENA_SERVER_GLUE_API_INTERNAL_H
#define ATHENA_SERVER_GLUE_API_INTERNAL_H

#include "json_api.h"
#include "server.h"

#include <jansson.h>

#define GLUE_NAME_MAX 255

typedef void (*glue_op_fn)(server *s, const srv_request *req, const json_t *in,
                           srv_response *resp);

/* ---- errors (glue_api.c) ---- */
void glue_error(srv_response *resp, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* InternalServiceException (500) naming the store's last error. */
void glue_store_error(server *s, srv_response *resp);
/* InternalServiceException (500): memory ran out. */
void glue_out_of_memory(srv_response *resp);
/* Rewrites the error a json_api.h helper wrote into Glue's form; returns -1. */
int glue_adopt_error(srv_response *resp);

/* ---- request members: 0 present, 1 absent, -1 error written ---- */
int glue_string(const json_t *in, const char *key, int required, size_t min_len, size_t max_len,
                const char **out, srv_response *resp);
/* A NameString: 1 to 255 characters on one line. */
int glue_name(const json_t *in, const char *key, int required, const char **out,
              srv_response *resp);
int glue_int(const json_t *in, const char *key, int required, long long min, long long max,
             long long *out, srv_response *resp);
int glue_bool(const json_t *in, const char *key, int required, int *out, srv_response *resp);
int glue_array(const json_t *in, const char *key, int required, size_t max_items,
               const json_t **out, srv_response *resp);
int glue_object(const json_t *in, const char *key, int required, const json_t **out,
                srv_response *resp);
/* A list of strings (partition values: at most 1024 characters each). */
int glue_values(const json_t *in, const char *key, int required, const json_t **out,
                srv_response *resp);
/* CatalogId must be absent or the server's account: 0, or -1 after
 * EntityNotFoundException. */
int glue_check_catalog(server *s, const json_t *in, srv_response *resp);

/* ---- lookups that answer EntityNotFoundException (new references) ---- */
json_t *glue_require_database(server *s, const char *name, srv_response *resp);
json_t *glue_require_table(server *s, const char *database, const char *name,
                           srv_response *resp);

/* ---- paging: NextToken is the hex of the last key a page returned ---- */
/* Reads MaxResults (default and limit max_limit) and NextToken. *after is
 * the malloc'd key to continue after, or NULL for the first page. */
int glue_read_page(const json_t *in, long long max_limit, long long *max, char **after,
                   srv_response *resp);
/* Sets out.NextToken from the last key a page returned. */
int glue_set_next_token(json_t *out, const char *last_key);

/* ---- input structures (glue_api_shapes.c) ---- */
typedef struct glue_shape glue_shape;
extern const glue_shape GLUE_DATABASE_INPUT;
extern const glue_shape GLUE_TABLE_INPUT;
extern const glue_shape GLUE_PARTITION_INPUT;
/* A checked copy of obj: the members shape knows (others are dropped, as
 * AWS ignores unknown members), each of its type and within its limits.
 * NULL after writing the error. */
json_t *glue_copy_shape(const json_t *obj, const glue_shape *shape, srv_response *resp);
/* The required structure in[key], checked and copied. */
json_t *glue_input(const json_t *in, const char *key, const glue_shape *shape,
                   srv_response *resp);
/* A string-to-string map (Parameters, Tags): 0, 1 absent, -1 error. */
int glue_check_map(const json_t *in, const char *key, srv_response *resp);

/* ---- documents ---- */
double glue_now(void);
/* Sets doc[key] to a new string (not if value is NULL); 0 or -1. */
int glue_set_string(json_t *doc, const char *key, const char *value);
/* Adds CatalogId (the server's account) when a stored document lacks it. */
void glue_add_catalog_id(server *s, json_t *doc);

/* ---- operations ---- */
void glue_create_table(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void glue_get_table(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void glue_get_tables(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void glue_update_table(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void glue_delete_table(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void glue_batch_delete_table(server *s, const srv_request *req, const json_t *in,
                             srv_response *resp);

void glue_create_partition(server *s, const srv_request *req, const json_t *in,
                           srv_response *resp);
void glue_batch_create_partition(server *s, const srv_request *req, const json_t *in,
                                 srv_response *resp);
void glue_get_partition(server *s, const srv_request *req, const json_t *in,
                        srv_response *resp);
void glue_get_partitions(server *s, const srv_request *req, const json_t *in,
                         srv_response *resp);
void glue_batch_get_partition(server *s, const srv_request *req, const json_t *in,
                              srv_response *resp);
void glue_delete_partition(server *s, const srv_request *req, const json_t *in,
                           srv_response *resp);
void glue_batch_delete_partition(server *s, const srv_request *req, const json_t *in,
                                 srv_response *resp);
void glue_update_partition(server *s, const srv_request *req, const json_t *in,
                           srv_response *resp);

#endif
