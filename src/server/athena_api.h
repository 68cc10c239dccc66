/*
 * athena_api.h: private declarations shared by the files implementing
 * Athena's API in athena-local: the query operations (athena_api.c) and the
 * metadata operations (athena_api_meta.c).
 */
#ifndef ATHENA_SERVER_ATHENA_API_H
#define ATHENA_SERVER_ATHENA_API_H

#include "json_api.h"
#include "server.h"

#include <jansson.h>

#define ATHENA_CATALOG_NAME "AwsDataCatalog"

typedef void (*athena_op_fn)(server *s, const srv_request *req, const json_t *in,
                             srv_response *resp);

/* Metadata operations (athena_api_meta.c). */
void athena_get_work_group(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_list_work_groups(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_create_work_group(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_list_data_catalogs(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_get_data_catalog(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_list_databases(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_get_database(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_list_table_metadata(server *s, const srv_request *req, const json_t *in, srv_response *resp);
void athena_get_table_metadata(server *s, const srv_request *req, const json_t *in, srv_response *resp);

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
