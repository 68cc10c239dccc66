/*
 * athena_api.h: private declarations shared by the files implementing
 * Athena's API in athena-local: the query operations (athena_api.c), the
 * workgroup operations (athena_api_workgroups.c) and the metadata
 * operations (athena_api_meta.c).
 */
#ifndef ATHENA_SERVER_ATHENA_API_H
#define ATHENA_SERVER_ATHENA_API_H

#include "json_api.h"
#include "server.h"

#include <jansson.h>

#define ATHENA_CATALOG_NAME "AwsDataCatalog"

typedef void (*athena_op_fn)(server *s, const srv_request *req, const json_t *in,
                             srv_response *resp);

/* Workgroup operations (athena_api_workgroups.c). */
void athena_get_work_group(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_list_work_groups(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_create_work_group(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_update_work_group(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_delete_work_group(server *s, const srv_request *req, const json_t *in, srv_response *resp);

/* Whether a stored workgroup keeps its queries' results itself
 * (ManagedQueryResultsConfiguration.Enabled; see results_location.h). */
int athena_manages_results(const json_t *workgroup);
/* Athena's answer to an output location where results are managed. */
#define ATHENA_MANAGED_CONFLICT \
    "ManagedQueryResultsConfiguration and ResultConfiguration cannot be set together."

/* Metadata operations (athena_api_meta.c). */
void athena_list_data_catalogs(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_get_data_catalog(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_list_databases(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_get_database(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_list_table_metadata(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_get_table_metadata(server *s, const srv_request *req, const json_t *in, srv_response *resp);

/* MaxResults of a list operation: 1..limit, limit when absent. 0 or -1. */
int athena_read_max(const json_t *in, long long limit, long long *max, srv_response *resp);
/* Answers a list operation with the page of all from offset, at most max
 * items, under key, and a NextToken when items follow. */
void athena_answer_page(srv_response *resp, const char *key, const json_t *all, size_t offset,
                        size_t max);

/* Pagination tokens for list operations: an offset, opaque to clients.
 * Returns 0 and the offset, or -1 (InvalidRequestException written). */
int athena_parse_offset_token(const json_t *in, size_t *offset, srv_response *resp);
/* Sets "NextToken" on out when more items follow offset + count. */
void athena_set_offset_token(json_t *out, size_t next_offset, int more);

/* The workgroup a request names (default "primary"); NULL after writing
 * InvalidRequestException when it does not exist. New reference. */
json_t *athena_require_workgroup(server *s, const json_t *in, srv_response *resp);

/* Checks an optional CatalogName: must be AwsDataCatalog (case-insensitive). */
int athena_check_catalog(const json_t *in, int required, srv_response *resp);

#endif
