/*
 * glue_api_tables.c: Glue's table operations in athena-local: CreateTable,
 * GetTable, GetTables (name pattern, paging, AttributesToGet), UpdateTable
 * (with VersionId's optimistic check), DeleteTable and BatchDeleteTable.
 *
 * A table's document is the TableInput as given (checked and copied by
 * glue_api_shapes.c) plus what Glue itself records: the lower-case Name and
 * DatabaseName, CreateTime and UpdateTime, Retention, CreatedBy (the
 * caller), IsRegisteredWithLakeFormation, CatalogId and VersionId. It is the
 * same document Athena's DDL writes and the SQL engine reads.
 */
#include "glue_api_internal.h"

#include "glue_expression.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TABLES_PAGE_MAX 100    /* CatalogGetterPageSize */
#define BATCH_DELETE_MAX 100   /* BatchDeleteTableNameList */

static void ok_empty(srv_response *resp)
{
    json_api_ok(resp, NULL);
}

/* Error detail of a batch entry, as Glue's ErrorDetail. */
static json_t *error_detail(const char *code, const char *message)
{
    return json_pack("{s:s, s:s}", "ErrorCode", code, "ErrorMessage", message);
}

/* Reads CatalogId and DatabaseName; the database, or NULL after an error. */
static json_t *request_database(server *s, const json_t *in, const char **name,
                                srv_response *resp)
{
    if (glue_check_catalog(s, in, resp) != 0 ||
        glue_name(in, "DatabaseName", 1, name, resp) != 0)
        return NULL;
    return glue_require_database(s, *name, resp);
}

/* The request's Name must agree with TableInput.Name when both are given. */
static int same_name(const char *name, const json_t *table, srv_response *resp)
{
    const char *input_name = json_string_value(json_object_get(table, "Name"));
    if (name && input_name && strcasecmp(name, input_name) != 0) {
        glue_error(resp, "InvalidInputException",
                   "Name (%s) and TableInput.Name (%s) differ: athena-local does not rename "
                   "tables.", name, input_name);
        return -1;
    }
    return 0;
}

static int refuse_open_table_format(const json_t *in, const char *key, srv_response *resp)
{
    const json_t *format;
    int rc = glue_object(in, key, 0, &format, resp);
    if (rc == 0)
        glue_error(resp, "InvalidInputException",
                   "athena-local does not manage open table formats (%s); describe the "
                   "table with TableInput.", key);
    return rc == 1 ? 0 : -1;
}

/* What Glue records about a new table beyond its input. */
static void set_created_fields(server *s, const srv_request *req, json_t *table)
{
    double now = glue_now();
    json_object_set_new(table, "CreateTime", json_real(now));
    json_object_set_new(table, "UpdateTime", json_real(now));
    if (!json_object_get(table, "Retention"))
        json_object_set_new(table, "Retention", json_integer(0));
    glue_set_string(table, "CreatedBy", req->caller.arn[0] ? req->caller.arn : NULL);
    json_object_set_new(table, "IsRegisteredWithLakeFormation", json_false());
    glue_set_string(table, "CatalogId", s->settings.account_id);
    glue_set_string(table, "VersionId", "0");
}

void glue_create_table(server *s, const srv_request *req, const json_t *in, srv_response *resp)
{
    const char *db_name, *name = NULL;
    if (glue_check_catalog(s, in, resp) != 0 ||
        glue_name(in, "DatabaseName", 1, &db_name, resp) != 0 ||
        glue_name(in, "Name", 0, &name, resp) < 0 ||
        refuse_open_table_format(in, "OpenTableFormatInput", resp) != 0)
        return;
    json_t *table = glue_input(in, "TableInput", &GLUE_TABLE_INPUT, resp);
    if (!table || same_name(name, table, resp) != 0) {
        json_decref(table);
        return;
    }
    json_t *db = glue_require_database(s, db_name, resp);
    if (db) {
        set_created_fields(s, req, table);
        store_status status = store_table_create(s->store, db_name, table);
        if (status == STORE_EXISTS)
            glue_error(resp, "AlreadyExistsException", "Table already exists.");
        else if (status == STORE_NOT_FOUND)
            glue_error(resp, "EntityNotFoundException", "Database %s not found.", db_name);
        else if (status != STORE_OK)
            glue_store_error(s, resp);
        else
            ok_empty(resp);
    }
    json_decref(db);
    json_decref(table);
}

void glue_get_table(server *s, const srv_request *req, const json_t *in, srv_response *resp)
{
    const char *db_name, *name;
    if (glue_check_catalog(s, in, resp) != 0 ||
        glue_name(in, "DatabaseName", 1, &db_name, resp) != 0 ||
        glue_name(in, "Name", 1, &name, resp) != 0)
        return;
    json_t *table = glue_require_table(s, db_name, name, resp);
    if (!table)
        return;
    glue_add_catalog_id(s, table);
    json_api_ok_member(resp, "Table", table);
}

/* AttributesToGet of GetTables: *all unless it is given without DEFAULT;
 * then NAME is required and TABLE_TYPE optional. */
static int table_attributes(const json_t *in, int *all, int *table_type, srv_response *resp)
{
    const json_t *attributes;
    int rc = glue_array(in, "AttributesToGet", 0, 10, &attributes, resp);
    int name = 0, everything = 0;
    *all = 1;
    *table_type = 0;
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    size_t i;
    const json_t *a;
    json_array_foreach(attributes, i, a) {
        const char *v = json_string_value(a);
        if (v && strcmp(v, "NAME") == 0)
            name = 1;
        else if (v && strcmp(v, "TABLE_TYPE") == 0)
            *table_type = 1;
        else if (v && (strcmp(v, "DEFAULT") == 0 || strcmp(v, "LATEST_ICEBERG_METADATA") == 0))
            everything = 1;
        else
            return glue_error(resp, "InvalidInputException",
                              "AttributesToGet may hold only NAME, TABLE_TYPE, DEFAULT and "
                              "LATEST_ICEBERG_METADATA."), -1;
    }
    if (!name && !everything)
        return glue_error(resp, "InvalidInputException", "AttributesToGet must include NAME."),
               -1;
    *all = everything;
    return 0;
}

/* The compiled Expression of GetTables: 0 (NULL when absent or empty), or
 * -1 after InvalidInputException. */
static int name_pattern(const json_t *in, glue_name_pattern **pattern, srv_response *resp)
{
    const char *expression;
    *pattern = NULL;
    int rc = glue_string(in, "Expression", 0, 0, GLUE_EXPRESSION_MAX, &expression, resp);
    if (rc != 0 || !*expression)
        return rc < 0 ? -1 : 0;
    char err[300];
    *pattern = glue_name_pattern_compile(expression, err, sizeof err);
    if (!*pattern) {
        glue_error(resp, "InvalidInputException", "Invalid Expression: %s", err);
        return -1;
    }
    return 0;
}

static json_t *listed_table(server *s, json_t *table, int all, int table_type)
{
    if (all) {
        glue_add_catalog_id(s, table);
        return json_incref(table);
    }
    return json_pack("{s:O, s:O*}", "Name", json_object_get(table, "Name"), "TableType",
                     table_type ? json_object_get(table, "TableType") : NULL);
}

void glue_get_tables(server *s, const srv_request *req, const json_t *in, srv_response *resp)
{
    const char *db_name;
    long long max;
    char *after = NULL;
    int all, table_type;
    glue_name_pattern *pattern = NULL;
    json_t *db = request_database(s, in, &db_name, resp);
    if (!db || glue_read_page(in, TABLES_PAGE_MAX, &max, &after, resp) != 0 ||
        table_attributes(in, &all, &table_type, resp) != 0 ||
        name_pattern(in, &pattern, resp) != 0) {
        json_decref(db);
        free(after);
        return;
    }
    json_t *tables = store_table_list(s->store, db_name);
    json_t *page = json_array(), *out = json_pack("{s:o}", "TableList", page);
    const char *last = NULL;
    size_t i;
    json_t *table;
    json_array_foreach(tables, i, table) {
        const char *name = json_string_value(json_object_get(table, "Name"));
        if (!name || (after && strcmp(name, after) <= 0) ||
            (pattern && !glue_name_pattern_matches(pattern, name)))
            continue;
        if (json_array_size(page) == (size_t)max) {
            glue_set_next_token(out, last);
            break;
        }
        json_array_append_new(page, listed_table(s, table, all, table_type));
        last = name;
    }
    if (tables)
        json_api_ok(resp, out);
    else
        glue_store_error(s, resp);
    json_decref(out);
    json_decref(tables);
    json_decref(db);
    glue_name_pattern_free(pattern);
    free(after);
}

/* The version after current ("0" for a table without one, as DDL makes). */
static void next_version(const json_t *current, char *out, size_t cap)
{
    const char *v = json_string_value(json_object_get(current, "VersionId"));
    long long n = v ? strtoll(v, NULL, 10) : 0;
    snprintf(out, cap, "%lld", n < 0 ? 1 : n + 1);
}

/* UpdateTable replaces the definition; what Glue itself recorded stays. */
static void carry_over(server *s, const json_t *current, json_t *update)
{
    static const char *const kept[] = {"CreateTime", "CreatedBy", "CatalogId",
                                       "IsRegisteredWithLakeFormation"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        if (json_object_get(current, kept[i]))
            json_object_set(update, kept[i], json_object_get(current, kept[i]));
    if (!json_object_get(update, "Retention"))
        json_object_set_new(update, "Retention", json_integer(0));
    json_object_set_new(update, "UpdateTime", json_real(glue_now()));
    char version[32];
    next_version(current, version, sizeof version);
    glue_set_string(update, "VersionId", version);
    glue_add_catalog_id(s, update);
}

/* An optional VersionId must name the current version. */
static int check_version(const json_t *in, const json_t *current, srv_response *resp)
{
    const char *wanted;
    int rc = glue_string(in, "VersionId", 0, 1, 255, &wanted, resp);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    const char *v = json_string_value(json_object_get(current, "VersionId"));
    if (strcmp(wanted, v ? v : "0") != 0) {
        glue_error(resp, "ConcurrentModificationException",
                   "VersionId %s is not the table's current version (%s).", wanted, v ? v : "0");
        return -1;
    }
    return 0;
}

void glue_update_table(server *s, const srv_request *req, const json_t *in, srv_response *resp)
{
    const char *db_name, *name = NULL;
    int flag;
    if (glue_check_catalog(s, in, resp) != 0 ||
        glue_name(in, "DatabaseName", 1, &db_name, resp) != 0 ||
        glue_name(in, "Name", 0, &name, resp) < 0 ||
        glue_bool(in, "SkipArchive", 0, &flag, resp) < 0 ||
        glue_bool(in, "Force", 0, &flag, resp) < 0 ||
        refuse_open_table_format(in, "UpdateOpenTableFormatInput", resp) != 0)
        return;
    json_t *update = glue_input(in, "TableInput", &GLUE_TABLE_INPUT, resp);
    json_t *current = NULL;
    if (update && same_name(name, update, resp) == 0) {
        const char *target = name ? name : json_string_value(json_object_get(update, "Name"));
        current = glue_require_table(s, db_name, target, resp);
        if (current && check_version(in, current, resp) == 0) {
            carry_over(s, current, update);
            store_status status = store_table_update(s->store, db_name, target, update);
            if (status == STORE_NOT_FOUND)
                glue_error(resp, "EntityNotFoundException", "Table %s not found.", target);
            else if (status != STORE_OK)
                glue_store_error(s, resp);
            else
                ok_empty(resp);
        }
    }
    json_decref(current);
    json_decref(update);
}

/* Deleting a table deletes its partitions (the store's cascade). */
void glue_delete_table(server *s, const srv_request *req, const json_t *in, srv_response *resp)
{
    const char *db_name, *name;
    json_t *db = request_database(s, in, &db_name, resp);
    if (!db)
        return;
    if (glue_name(in, "Name", 1, &name, resp) == 0) {
        store_status status = store_table_delete(s->store, db_name, name);
        if (status == STORE_NOT_FOUND)
            glue_error(resp, "EntityNotFoundException", "Table %s not found.", name);
        else if (status != STORE_OK)
            glue_store_error(s, resp);
        else
            ok_empty(resp);
    }
    json_decref(db);
}

/* TablesToDelete: names of 1 to 255 characters. */
static int check_table_names(const json_t *names, srv_response *resp)
{
    size_t i;
    const json_t *v;
    json_array_foreach(names, i, v) {
        if (!json_is_string(v))
            return glue_error(resp, "SerializationException",
                              "Member 'TablesToDelete' must be a list of strings in the JSON "
                              "request body."), -1;
        size_t len = json_string_length(v);
        if (len < 1 || len > GLUE_NAME_MAX || strlen(json_string_value(v)) != len)
            return glue_error(resp, "InvalidInputException",
                              "1 validation error detected: Value at 'tablesToDelete' failed "
                              "to satisfy constraint: Member must have length between 1 and "
                              "%d", GLUE_NAME_MAX), -1;
    }
    return 0;
}

void glue_batch_delete_table(server *s, const srv_request *req, const json_t *in,
                             srv_response *resp)
{
    const char *db_name;
    const json_t *names;
    json_t *db = request_database(s, in, &db_name, resp);
    if (!db || glue_array(in, "TablesToDelete", 1, BATCH_DELETE_MAX, &names, resp) != 0 ||
        check_table_names(names, resp) != 0) {
        json_decref(db);
        return;
    }
    json_t *errors = json_array();
    size_t i;
    const json_t *v;
    json_array_foreach(names, i, v) {
        const char *name = json_string_value(v);
        store_status status = store_table_delete(s->store, db_name, name);
        if (status == STORE_OK)
            continue;
        char message[600];
        int missing = status == STORE_NOT_FOUND;
        if (missing)
            snprintf(message, sizeof message, "Table %s not found.", name);
        else
            snprintf(message, sizeof message, "%s", store_errmsg(s->store));
        json_array_append_new(errors, json_pack("{s:s, s:o}", "TableName", name, "ErrorDetail",
                                                error_detail(missing ? "EntityNotFoundException"
                                                                     : "InternalServiceException",
                                                             message)));
    }
    json_api_ok_member(resp, "Errors", errors);
    json_decref(db);
}
