/*
 * results_location.c: where a query's result files are (results_location.h):
 * its OutputLocation under the S3 root, or the service-managed folder of its
 * workgroup for managed query results.
 */
#include "results_location.h"

#include "objects.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Query ids are UUIDs; anything else must not become a file name. */
static int plain_id(const char *id)
{
    if (!id || !*id || strlen(id) > 128)
        return 0;
    for (const char *p = id; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-')
            return 0;
    return 1;
}

/* Workgroup names are [a-zA-Z0-9._-]{1,128}: a path segment, except that
 * "." and ".." would name the folder itself or its parent, so their dots
 * are written as "%2E". Returns 0, or -1 for any other name. */
static int workgroup_segment(const char *workgroup, char *out, size_t cap)
{
    size_t n = workgroup ? strlen(workgroup) : 0;
    if (n == 0 || n > 128)
        return -1;
    for (const char *p = workgroup; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
            return -1;
    int dots_only = strspn(workgroup, ".") == n && n <= 2;
    int w = dots_only ? snprintf(out, cap, "%s", n == 1 ? "%2E" : "%2E%2E")
                      : snprintf(out, cap, "%s", workgroup);
    return w < 0 || (size_t)w >= cap ? -1 : 0;
}

static int managed_root(const char *data_dir, char *root, size_t cap)
{
    int n = snprintf(root, cap, "%s/%s", data_dir ? data_dir : "", RESULTS_MANAGED_DIR);
    if (!data_dir || !*data_dir || n < 0 || (size_t)n >= cap)
        return -1;
    return make_dirs(root);
}

int results_managed_path(const char *data_dir, const char *workgroup, const char *query_id,
                         results_kind kind, char *root, size_t root_cap, char *path,
                         size_t path_cap)
{
    char segment[400];
    if (!plain_id(query_id) || workgroup_segment(workgroup, segment, sizeof segment) != 0 ||
        managed_root(data_dir, root, root_cap) != 0)
        return -1;
    int n = snprintf(path, path_cap, "%s/%s/%s.%s", root, segment, query_id,
                     kind == RESULTS_CSV ? "csv" : "txt");
    return n < 0 || (size_t)n >= path_cap ? -1 : 0;
}

static const char *member_string(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

int results_query_path(const char *data_dir, const char *s3_root, const json_t *qe,
                       char *root, size_t root_cap, char *path, size_t path_cap)
{
    const json_t *managed = json_object_get(qe, "ManagedQueryResultsConfiguration");
    if (json_is_true(json_object_get(managed, "Enabled"))) {
        /* Select-type statements (DML) write CSV, the others TSV text. */
        const char *type = member_string(qe, "StatementType");
        results_kind kind = type && strcmp(type, "DML") == 0 ? RESULTS_CSV : RESULTS_TXT;
        return results_managed_path(data_dir, member_string(qe, "WorkGroup"),
                                    member_string(qe, "QueryExecutionId"), kind, root,
                                    root_cap, path, path_cap);
    }
    const char *uri = member_string(json_object_get(qe, "ResultConfiguration"), "OutputLocation");
    int n = snprintf(root, root_cap, "%s", s3_root ? s3_root : "");
    if (!uri || !s3_root || n < 0 || (size_t)n >= root_cap)
        return -1;
    return s3_uri_path(s3_root, uri, path, path_cap);
}

void results_managed_remove(const char *data_dir, const char *workgroup, const char *query_id)
{
    static const results_kind kinds[] = {RESULTS_CSV, RESULTS_TXT};
    char root[4096], path[4200], metadata[4300];
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (results_managed_path(data_dir, workgroup, query_id, kinds[i], root, sizeof root,
                                 path, sizeof path) != 0)
            return;
        snprintf(metadata, sizeof metadata, "%s.metadata", path);
        unlink(path);
        unlink(metadata);
    }
}

void results_managed_remove_folder(const char *data_dir, const char *workgroup)
{
    char root[4096], segment[400], folder[4500];
    if (workgroup_segment(workgroup, segment, sizeof segment) != 0 ||
        managed_root(data_dir, root, sizeof root) != 0)
        return;
    snprintf(folder, sizeof folder, "%s/%s", root, segment);
    rmdir(folder);   /* fails, harmlessly, while files remain */
}
