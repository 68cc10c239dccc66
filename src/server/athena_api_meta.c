/*
 * athena_api_meta.c: Athena's metadata operations in athena-local: the
 * AwsDataCatalog (List/GetDataCatalog) and the catalog's databases and
 * tables as Athena presents them (the Glue documents of the store, reshaped
 * into Athena's Database and TableMetadata), plus the request helpers the
 * Athena operations share (paging, the named workgroup, the catalog name).
 * Workgroups themselves are in athena_api_workgroups.c.
 */
#define _GNU_SOURCE /* FNM_CASEFOLD */
#include "athena_api.h"

#include "store.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_LIST 50

int athena_parse_offset_token(const json_t *in, size_t *offset, srv_response *resp)
{
    const char *token = NULL;
    *offset = 0;
    int r = json_api_string(in, "NextToken", 0, 1, 1024, &token, resp);
    if (r < 0)
        return -1;
    if (r == 1)
        return 0;
    char *end;
    unsigned long long v = strncmp(token, "offset-", 7) == 0 ? strtoull(token + 7, &end, 10) : 0;
    if (strncmp(token, "offset-", 7) != 0 || *end || end == token + 7) {
        json_api_error(resp, 400, "InvalidRequestException", "Invalid NextToken");
        return -1;
    }
    *offset = (size_t)v;
    return 0;
}

void athena_set_offset_token(json_t *out, size_t next_offset, int more)
{
    if (!more)
        return;
    char token[48];
    snprintf(token, sizeof token, "offset-%zu", next_offset);
    json_object_set_new(out, "NextToken", json_string(token));
}

json_t *athena_require_workgroup(server *s, const json_t *in, srv_response *resp)
{
    const char *name = NULL;
    int r = json_api_string(in, "WorkGroup", 0, 1, 128, &name, resp);
    if (r < 0)
        return NULL;
    if (r == 1)
        name = "primary";
    json_t *wg = store_workgroup_get(s->store, name);
    if (!wg)
        json_api_error(resp, 400, "InvalidRequestException", "WorkGroup %s is not found.", name);
    return wg;
}

int athena_check_catalog(const json_t *in, int required, srv_response *resp)
{
    const char *name = NULL;
    int r = json_api_string(in, "CatalogName", required, 1, 256, &name, resp);
    if (r < 0)
        return -1;
    if (r == 0 && strcasecmp(name, ATHENA_CATALOG_NAME) != 0) {
        json_api_error(resp, 400, "InvalidRequestException", "Catalog %s is not found", name);
        return -1;
    }
    return 0;
}

void athena_answer_page(srv_response *resp, const char *key, const json_t *all, size_t offset,
                        size_t max)
{
    json_t *page = json_array();
    size_t n = json_array_size(all);
    for (size_t i = offset; i < n && i < offset + max; i++)
        json_array_append(page, json_array_get(all, i));
    json_t *out = json_pack("{s:o}", key, page);
    athena_set_offset_token(out, offset + max, offset + max < n);
    json_api_ok(resp, out);
    json_decref(out);
}

int athena_read_max(const json_t *in, long long limit, long long *max, srv_response *resp)
{
    *max = limit;
    int r = json_api_int(in, "MaxResults", 0, 1, limit, max, resp);
    if (r == 1)
        *max = limit;
    return r < 0 ? -1 : 0;
}

void athena_list_data_catalogs(server *s, const srv_request *req, const json_t *in,
                               srv_response *resp)
{
    json_t *out = json_pack("{s:[{s:s,s:s,s:s}]}", "DataCatalogsSummary", "CatalogName",
                            ATHENA_CATALOG_NAME, "Type", "GLUE", "Status", "CREATE_COMPLETE");
    json_api_ok(resp, out);
    json_decref(out);
}

void athena_get_data_catalog(server *s, const srv_request *req, const json_t *in,
                             srv_response *resp)
{
    const char *name;
    if (json_api_string(in, "Name", 1, 1, 256, &name, resp) < 0)
        return;
    if (strcasecmp(name, ATHENA_CATALOG_NAME) != 0) {
        json_api_error(resp, 400, "InvalidRequestException", "Catalog %s is not found", name);
        return;
    }
    json_t *out = json_pack("{s:{s:s,s:s,s:s,s:{s:s},s:s}}", "DataCatalog", "Name",
                            ATHENA_CATALOG_NAME, "Description", "AWS Glue Data Catalog (athena-local)",
                            "Type", "GLUE", "Parameters", "catalog-id", s->settings.account_id,
                            "Status", "CREATE_COMPLETE");
    json_api_ok(resp, out);
    json_decref(out);
}

static json_t *athena_database(const json_t *glue)
{
    json_t *db = json_pack("{s:O?,s:O?}", "Name", json_object_get(glue, "Name"), "Description",
                           json_object_get(glue, "Description"));
    const json_t *params = json_object_get(glue, "Parameters");
    json_object_set_new(db, "Parameters",
                        json_is_object(params) ? json_deep_copy(params) : json_object());
    return db;
}

void athena_list_databases(server *s, const srv_request *req, const json_t *in, srv_response *resp)
{
    long long max;
    size_t offset;
    if (athena_check_catalog(in, 1, resp) != 0 ||
        athena_read_max(in, MAX_LIST, &max, resp) != 0 ||
        athena_parse_offset_token(in, &offset, resp) != 0)
        return;
    json_t *all = store_database_list(s->store);
    json_t *list = json_array();
    size_t i;
    json_t *db;
    json_array_foreach(all, i, db)
        json_array_append_new(list, athena_database(db));
    athena_answer_page(resp, "DatabaseList", list, offset, (size_t)max);
    json_decref(list);
    json_decref(all);
}

static json_t *require_database(server *s, const json_t *in, srv_response *resp)
{
    const char *name;
    if (athena_check_catalog(in, 1, resp) != 0 ||
        json_api_string(in, "DatabaseName", 1, 1, 128, &name, resp) < 0)
        return NULL;
    json_t *db = store_database_get(s->store, name);
    if (!db)
        json_api_error(resp, 400, "MetadataException", "Database %s not found.", name);
    return db;
}

void athena_get_database(server *s, const srv_request *req, const json_t *in, srv_response *resp)
{
    json_t *db = require_database(s, in, resp);
    if (!db)
        return;
    json_api_ok_member(resp, "Database", athena_database(db));
    json_decref(db);
}

/* Athena folds the storage descriptor into TableMetadata.Parameters. */
static void storage_parameters(json_t *params, const json_t *sd)
{
    const char *loc = json_string_value(json_object_get(sd, "Location"));
    const char *in = json_string_value(json_object_get(sd, "InputFormat"));
    const char *out = json_string_value(json_object_get(sd, "OutputFormat"));
    const json_t *serde = json_object_get(sd, "SerdeInfo");
    const char *lib = json_string_value(json_object_get(serde, "SerializationLibrary"));
    if (loc)
        json_object_set_new(params, "location", json_string(loc));
    if (in)
        json_object_set_new(params, "inputformat", json_string(in));
    if (out)
        json_object_set_new(params, "outputformat", json_string(out));
    if (lib)
        json_object_set_new(params, "serde.serialization.lib", json_string(lib));
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)json_object_get(serde, "Parameters"), key, v) {
        char name[300];
        snprintf(name, sizeof name, "serde.param.%s", key);
        json_object_set(params, name, v);
    }
}

static json_t *table_metadata(const json_t *glue)
{
    const json_t *sd = json_object_get(glue, "StorageDescriptor");
    const json_t *cols = json_object_get(sd, "Columns");
    const json_t *keys = json_object_get(glue, "PartitionKeys");
    json_t *params = json_object();
    const json_t *tbl_params = json_object_get(glue, "Parameters");
    if (json_is_object(tbl_params))
        json_object_update(params, (json_t *)tbl_params);
    storage_parameters(params, sd);
    return json_pack("{s:O?,s:O?,s:O?,s:O,s:O,s:o}", "Name", json_object_get(glue, "Name"),
                     "CreateTime", json_object_get(glue, "CreateTime"), "TableType",
                     json_object_get(glue, "TableType"), "Columns",
                     json_is_array(cols) ? (json_t *)cols : json_array(), "PartitionKeys",
                     json_is_array(keys) ? (json_t *)keys : json_array(), "Parameters", params);
}

void athena_list_table_metadata(server *s, const srv_request *req, const json_t *in,
                                srv_response *resp)
{
    long long max;
    size_t offset;
    const char *expression = NULL;
    json_t *db = require_database(s, in, resp);
    if (!db)
        return;
    if (athena_read_max(in, MAX_LIST, &max, resp) != 0 ||
        athena_parse_offset_token(in, &offset, resp) != 0 ||
        json_api_string(in, "Expression", 0, 0, 256, &expression, resp) < 0) {
        json_decref(db);
        return;
    }
    json_t *all = store_table_list(s->store, json_string_value(json_object_get(db, "Name")));
    json_t *list = json_array();
    size_t i;
    json_t *t;
    json_array_foreach(all, i, t) {
        const char *name = json_string_value(json_object_get(t, "Name"));
        /* Expression is a table-name pattern: '*' matches any characters. */
        if (expression && expression[0] && name && fnmatch(expression, name, FNM_CASEFOLD) != 0)
            continue;
        json_array_append_new(list, table_metadata(t));
    }
    athena_answer_page(resp, "TableMetadataList", list, offset, (size_t)max);
    json_decref(list);
    json_decref(all);
    json_decref(db);
}

void athena_get_table_metadata(server *s, const srv_request *req, const json_t *in,
                               srv_response *resp)
{
    const char *table;
    json_t *db = require_database(s, in, resp);
    if (!db)
        return;
    if (json_api_string(in, "TableName", 1, 1, 128, &table, resp) < 0) {
        json_decref(db);
        return;
    }
    json_t *t = store_table_get(s->store, json_string_value(json_object_get(db, "Name")), table);
    if (!t) {
        json_api_error(resp, 400, "MetadataException", "Table %s not found.", table);
    } else {
        json_api_ok_member(resp, "TableMetadata", table_metadata(t));
    }
    json_decref(t);
    json_decref(db);
}
