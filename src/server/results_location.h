/*
 * results_location.h: where athena-local keeps a query's result files.
 *
 * A query of an ordinary workgroup writes to its OutputLocation in S3
 * (DATA_DIR/s3/<bucket>/<key>). A query of a workgroup with managed query
 * results (WorkGroupConfiguration.ManagedQueryResultsConfiguration.Enabled)
 * has no OutputLocation: the service keeps its result in its own storage,
 * DATA_DIR/managed-results/<workgroup>/<id>.csv (or .txt), outside the S3
 * root so that no S3 request can reach it; GetQueryResults reads it there.
 * The executor (writing) and the Athena API (reading, deleting) both find
 * the files through these functions.
 */
#ifndef ATHENA_SERVER_RESULTS_LOCATION_H
#define ATHENA_SERVER_RESULTS_LOCATION_H

#include "results_file.h"

#include <jansson.h>
#include <stddef.h>

#define RESULTS_MANAGED_DIR "managed-results"

/* The data file of a query (QueryExecution shape) into path, and into root
 * the folder it must stay inside (for results_writer_open_under): s3_root
 * for an OutputLocation, DATA_DIR/managed-results (created if missing) for
 * managed results. 0, or -1 when the query has neither or they are invalid. */
int results_query_path(const char *data_dir, const char *s3_root, const json_t *query_execution,
                       char *root, size_t root_cap, char *path, size_t path_cap);

/* The managed data file of a query of this workgroup and kind; root as
 * above. -1 for an id or workgroup name that is not a plain path segment. */
int results_managed_path(const char *data_dir, const char *workgroup, const char *query_id,
                         results_kind kind, char *root, size_t root_cap, char *path,
                         size_t path_cap);

/* Removes the managed result files (both kinds, with their metadata) of a
 * query of this workgroup, if any. */
void results_managed_remove(const char *data_dir, const char *workgroup, const char *query_id);
/* Removes a workgroup's (then empty) managed results folder, if any. */
void results_managed_remove_folder(const char *data_dir, const char *workgroup);

#endif
