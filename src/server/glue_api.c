/*
 * glue_api.c: athena-local's Glue Data Catalog service (awsJson1.1,
 * X-Amz-Target "AWSGlue.<Op>", signing name "glue"): the dispatch of every
 * operation, Glue's error bodies, request members checked with json_api.h
 * and answered with Glue's error names, paging tokens, and the database
 * operations (Create/Get/Update/DeleteDatabase, GetDatabases).
 *
 * It serves the same catalog as Athena's DDL: both read and write the
 * store's Glue documents (store.h), so a table created here is queryable by
 * SQL, and one created by DDL is visible here. Tables live in
 * glue_api_tables.c, partitions in glue_api_partitions.c.
 */
#include "glue_api_internal.h"

#include "crypto.h"
#include "jsonw.h"
#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define VALUE_STRING_MAX 1024     /* a partition value (ValueString) */
#define DATABASES_PAGE_MAX 100    /* CatalogGetterPageSize */

/* ---- errors ------------------------------------------------------------------- */

static void write_error(srv_response *resp, int status, const char *code, const char *message)
{
    json_t *body = json_pack("{s:s, s:s}", "__type", code, "Message", message);
    if (!body) {
        /* Not valid UTF-8, or out of memory: json_api escapes any bytes. */
        json_api_error(resp, status, code, "%s", message);
        return;
    }
    json_api_ok(resp, body);
    json_decref(body);
    if (resp->status == 200)
        resp->status = status;
}

static void write_errorv(srv_response *resp, int status, const char *code, const char *fmt,
                         va_list ap)
{
    buf message = BUF_INIT;
    if (buf_vprintf(&message, fmt, ap) != 0)
        buf_reset(&message);
    write_error(resp, status, code, buf_str(&message));
    buf_free(&message);
}

void glue_error(srv_response *resp, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    write_errorv(resp, 400, code, fmt, ap);
    va_end(ap);
}

void glue_store_error(server *s, srv_response *resp)
{
    write_error(resp, 500, "InternalServiceException", store_errmsg(s->store));
}

void glue_out_of_memory(srv_response *resp)
{
    write_error(resp, 500, "InternalServiceException", "Out of memory; try again.");
}

int glue_adopt_error(srv_response *resp)
{
    json_t *body = resp->body.len ? json_loadb(resp->body.data, resp->body.len, 0, NULL) : NULL;
    const char *code = json_string_value(json_object_get(body, "__type"));
    const char *message = json_string_value(json_object_get(body, "message"));
    if (code) {
        if (strcmp(code, "InvalidRequestException") == 0)
            code = "InvalidInputException";
        write_error(resp, resp->status ? resp->status : 400, code, message ? message : "");
    }
    json_decref(body);
    return -1;
}

/* ---- request members ---------------------------------------------------------- */

static int adopted(int rc, srv_response *resp)
{
    return rc < 0 ? glue_adopt_error(resp) : rc;
}

int glue_string(const json_t *in, const char *key, int required, size_t min_len, size_t max_len,
                const char **out, srv_response *resp)
{
    return adopted(json_api_string(in, key, required, min_len, max_len, out, resp), resp);
}

int glue_name(const json_t *in, const char *key, int required, const char **out,
              srv_response *resp)
{
    int rc = glue_string(in, key, required, 1, GLUE_NAME_MAX, out, resp);
    if (rc != 0)
        return rc;
    /* Glue's single-line string pattern: no control characters but tab. */
    for (const unsigned char *p = (const unsigned char *)*out; *p; p++) {
        if (*p < 0x20 && *p != '\t') {
            glue_error(resp, "InvalidInputException",
                       "1 validation error detected: Value at '%c%s' failed to satisfy "
                       "constraint: Member must satisfy the single-line string pattern",
                       (char)(key[0] | 0x20), key + 1);
            return -1;
        }
    }
    return 0;
}

int glue_int(const json_t *in, const char *key, int required, long long min, long long max,
             long long *out, srv_response *resp)
{
    return adopted(json_api_int(in, key, required, min, max, out, resp), resp);
}

int glue_bool(const json_t *in, const char *key, int required, int *out, srv_response *resp)
{
    return adopted(json_api_bool(in, key, required, out, resp), resp);
}

int glue_array(const json_t *in, const char *key, int required, size_t max_items,
               const json_t **out, srv_response *resp)
{
    return adopted(json_api_array(in, key, required, max_items, out, resp), resp);
}

int glue_object(const json_t *in, const char *key, int required, const json_t **out,
                srv_response *resp)
{
    return adopted(json_api_object(in, key, required, out, resp), resp);
}

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    int valid;
    for (size_t i = 0; i < len; i += jsonw_utf8_step(s + i, len - i, &valid))
        n++;
    return n;
}

int glue_values(const json_t *in, const char *key, int required, const json_t **out,
                srv_response *resp)
{
    int rc = glue_array(in, key, required, (size_t)-1, out, resp);
    if (rc != 0)
        return rc;
    size_t i;
    const json_t *v;
    json_array_foreach(*out, i, v) {
        if (!json_is_string(v)) {
            glue_error(resp, "SerializationException",
                       "Member '%s' must be a list of strings in the JSON request body.", key);
            return -1;
        }
        size_t len = json_string_length(v);
        if (strlen(json_string_value(v)) != len ||
            utf8_chars(json_string_value(v), len) > VALUE_STRING_MAX) {
            glue_error(resp, "InvalidInputException",
                       "1 validation error detected: Value at '%c%s' failed to satisfy "
                       "constraint: Member must satisfy constraint: [Member must have length "
                       "less than or equal to %d, Member must not contain NUL]",
                       (char)(key[0] | 0x20), key + 1, VALUE_STRING_MAX);
            return -1;
        }
    }
    return 0;
}

int glue_check_catalog(server *s, const json_t *in, srv_response *resp)
{
    const char *catalog;
    int rc = glue_string(in, "CatalogId", 0, 1, 255, &catalog, resp);
    if (rc < 0)
        return -1;
    if (rc == 0 && strcmp(catalog, s->settings.account_id) != 0) {
        glue_error(resp, "EntityNotFoundException", "Catalog %s not found.", catalog);
        return -1;
    }
    return 0;
}

/* ---- lookups ------------------------------------------------------------------ */

json_t *glue_require_database(server *s, const char *name, srv_response *resp)
{
    json_t *db = store_database_get(s->store, name);
    if (!db)
        glue_error(resp, "EntityNotFoundException", "Database %s not found.", name);
    return db;
}

json_t *glue_require_table(server *s, const char *database, const char *name,
                           srv_response *resp)
{
    json_t *db = glue_require_database(s, database, resp);
    json_t *table = db ? store_table_get(s->store, database, name) : NULL;
    if (db && !table)
        glue_error(resp, "EntityNotFoundException", "Table %s not found.", name);
    json_decref(db);
    return table;
}

/* ---- paging ------------------------------------------------------------------- */

/* The key a token stands for (malloc'd), or NULL when it is not one of ours. */
static char *token_key(const char *token)
{
    size_t len = strlen(token);
    if (len == 0)
        return NULL;
    char *key = malloc(len / 2 + 1);
    if (!key || hex_decode_lower(token, len, (unsigned char *)key) != 0 ||
        memchr(key, '\0', len / 2)) {
        free(key);
        return NULL;
    }
    key[len / 2] = '\0';
    return key;
}

int glue_read_page(const json_t *in, long long max_limit, long long *max, char **after,
                   srv_response *resp)
{
    const char *token;
    *after = NULL;
    int rc = glue_int(in, "MaxResults", 0, 1, max_limit, max, resp);
    if (rc < 0)
        return -1;
    if (rc == 1)
        *max = max_limit;
    rc = glue_string(in, "NextToken", 0, 0, 1 << 20, &token, resp);
    if (rc < 0)
        return -1;
    if (rc == 0 && *token && !(*after = token_key(token))) {
        glue_error(resp, "InvalidInputException", "Invalid NextToken: it was not returned by "
                                                  "this operation.");
        return -1;
    }
    return 0;
}

int glue_set_next_token(json_t *out, const char *last_key)
{
    size_t len = strlen(last_key);
    char *token = malloc(2 * len + 1);
    if (!token)
        return -1;
    hex_encode((const unsigned char *)last_key, len, token);
    token[2 * len] = '\0';
    int rc = json_object_set_new(out, "NextToken", json_string(token));
    free(token);
    return rc;
}

/* ---- documents ---------------------------------------------------------------- */

/* Milliseconds since the epoch, the precision AWS's timestamps carry. */
double glue_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) / 1000.0;
}

int glue_set_string(json_t *doc, const char *key, const char *value)
{
    if (!value)
        return 0;
    json_t *s = json_string(value);
    return s ? json_object_set_new(doc, key, s) : -1;
}

void glue_add_catalog_id(server *s, json_t *doc)
{
    if (!json_object_get(doc, "CatalogId"))
        glue_set_string(doc, "CatalogId", s->settings.account_id);
}

/* ---- databases ---------------------------------------------------------------- */

/* Glue grants IAM_ALLOWED_PRINCIPALS all permissions on new tables unless
 * the database says otherwise, as Athena's CREATE DATABASE records too. */
static json_t *default_table_permissions(void)
{
    return json_pack("[{s:{s:s}, s:[s]}]", "Principal", "DataLakePrincipalIdentifier",
                     "IAM_ALLOWED_PRINCIPALS", "Permissions", "ALL");
}

static void create_database(server *s, const srv_request *req, const json_t *in,
                            srv_response *resp)
{
    if (glue_check_catalog(s, in, resp) != 0 || glue_check_map(in, "Tags", resp) < 0)
        return;
    json_t *db = glue_input(in, "DatabaseInput", &GLUE_DATABASE_INPUT, resp);
    if (!db)
        return;
    if (!json_object_get(db, "CreateTableDefaultPermissions"))
        json_object_set_new(db, "CreateTableDefaultPermissions", default_table_permissions());
    json_object_set_new(db, "CreateTime", json_real(glue_now()));
    glue_set_string(db, "CatalogId", s->settings.account_id);
    store_status status = store_database_create(s->store, db);
    if (status == STORE_EXISTS)
        glue_error(resp, "AlreadyExistsException", "Database already exists.");
    else if (status != STORE_OK)
        glue_store_error(s, resp);
    else
        json_api_ok(resp, NULL);
    json_decref(db);
}

static void get_database(server *s, const srv_request *req, const json_t *in,
                         srv_response *resp)
{
    const char *name;
    if (glue_check_catalog(s, in, resp) != 0 || glue_name(in, "Name", 1, &name, resp) != 0)
        return;
    json_t *db = glue_require_database(s, name, resp);
    if (!db)
        return;
    glue_add_catalog_id(s, db);
    json_api_ok_member(resp, "Database", db);
}

/* AttributesToGet of GetDatabases: which members to return (NULL: all).
 * -1 after an error. */
static int database_attributes(const json_t *in, int *all, int *target, srv_response *resp)
{
    const json_t *attributes;
    int rc = glue_array(in, "AttributesToGet", 0, 10, &attributes, resp);
    *all = rc == 1;
    *target = 0;
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int name = 0;
    size_t i;
    const json_t *a;
    json_array_foreach(attributes, i, a) {
        const char *v = json_string_value(a);
        if (v && strcmp(v, "NAME") == 0)
            name = 1;
        else if (v && strcmp(v, "TARGET_DATABASE") == 0)
            *target = 1;
        else
            return glue_error(resp, "InvalidInputException",
                              "AttributesToGet may hold only NAME and TARGET_DATABASE."), -1;
    }
    if (!name)
        return glue_error(resp, "InvalidInputException", "AttributesToGet must include NAME."),
               -1;
    return 0;
}

static int shared_only(const json_t *in, srv_response *resp)
{
    const char *share;
    int rc = glue_string(in, "ResourceShareType", 0, 1, 16, &share, resp);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (strcmp(share, "FOREIGN") != 0 && strcmp(share, "ALL") != 0 &&
        strcmp(share, "FEDERATED") != 0)
        return glue_error(resp, "InvalidInputException",
                          "ResourceShareType must be one of FOREIGN, ALL, FEDERATED."), -1;
    /* Nothing is shared with a local catalog from elsewhere. */
    return strcmp(share, "ALL") != 0;
}

static void get_databases(server *s, const srv_request *req, const json_t *in,
                          srv_response *resp)
{
    long long max;
    char *after = NULL;
    int all, target, foreign_only;
    if (glue_check_catalog(s, in, resp) != 0 ||
        glue_read_page(in, DATABASES_PAGE_MAX, &max, &after, resp) != 0)
        return;
    if ((foreign_only = shared_only(in, resp)) < 0 ||
        database_attributes(in, &all, &target, resp) != 0) {
        free(after);
        return;
    }
    json_t *dbs = foreign_only ? json_array() : store_database_list(s->store);
    json_t *page = json_array(), *out = json_pack("{s:o}", "DatabaseList", page);
    const char *last = NULL;
    size_t i;
    json_t *db;
    json_array_foreach(dbs, i, db) {
        const char *name = json_string_value(json_object_get(db, "Name"));
        if (!name || (after && strcmp(name, after) <= 0))
            continue;
        if (json_array_size(page) == (size_t)max) {
            glue_set_next_token(out, last);
            break;
        }
        glue_add_catalog_id(s, db);
        json_array_append_new(page, all ? json_incref(db)
                                        : json_pack("{s:s, s:O*}", "Name", name,
                                                    "TargetDatabase",
                                                    target ? json_object_get(db, "TargetDatabase")
                                                           : NULL));
        last = name;
    }
    if (dbs)
        json_api_ok(resp, out);
    else
        glue_store_error(s, resp);
    json_decref(out);
    json_decref(dbs);
    free(after);
}

static void update_database(server *s, const srv_request *req, const json_t *in,
                            srv_response *resp)
{
    const char *name;
    if (glue_check_catalog(s, in, resp) != 0 || glue_name(in, "Name", 1, &name, resp) != 0)
        return;
    json_t *update = glue_input(in, "DatabaseInput", &GLUE_DATABASE_INPUT, resp);
    json_t *db = update ? glue_require_database(s, name, resp) : NULL;
    if (db && strcasecmp(json_string_value(json_object_get(update, "Name")), name) != 0) {
        glue_error(resp, "InvalidInputException",
                   "DatabaseInput.Name must be the database's name, %s: athena-local does not "
                   "rename databases.", name);
    } else if (db) {
        /* What the input does not define stays as it was created. */
        static const char *const kept[] = {"CreateTime", "CatalogId",
                                           "CreateTableDefaultPermissions"};
        for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
            if (!json_object_get(update, kept[i]) && json_object_get(db, kept[i]))
                json_object_set(update, kept[i], json_object_get(db, kept[i]));
        glue_add_catalog_id(s, update);
        store_status status = store_database_update(s->store, name, update);
        if (status == STORE_NOT_FOUND)
            glue_error(resp, "EntityNotFoundException", "Database %s not found.", name);
        else if (status != STORE_OK)
            glue_store_error(s, resp);
        else
            json_api_ok(resp, NULL);
    }
    json_decref(db);
    json_decref(update);
}

/* Like Glue, deleting a database deletes its tables and their partitions. */
static void delete_database(server *s, const srv_request *req, const json_t *in,
                            srv_response *resp)
{
    const char *name;
    if (glue_check_catalog(s, in, resp) != 0 || glue_name(in, "Name", 1, &name, resp) != 0)
        return;
    store_status status = store_database_delete(s->store, name, 1);
    if (status == STORE_NOT_FOUND)
        glue_error(resp, "EntityNotFoundException", "Database %s not found.", name);
    else if (status != STORE_OK)
        glue_store_error(s, resp);
    else
        json_api_ok(resp, NULL);
}

/* ---- dispatch ----------------------------------------------------------------- */

typedef struct glue_op {
    const char *name;
    glue_op_fn fn;
} glue_op;

static const glue_op OPERATIONS[] = {
    {"CreateDatabase", create_database},
    {"GetDatabase", get_database},
    {"GetDatabases", get_databases},
    {"UpdateDatabase", update_database},
    {"DeleteDatabase", delete_database},
    {"CreateTable", glue_create_table},
    {"GetTable", glue_get_table},
    {"GetTables", glue_get_tables},
    {"UpdateTable", glue_update_table},
    {"DeleteTable", glue_delete_table},
    {"BatchDeleteTable", glue_batch_delete_table},
    {"CreatePartition", glue_create_partition},
    {"BatchCreatePartition", glue_batch_create_partition},
    {"GetPartition", glue_get_partition},
    {"GetPartitions", glue_get_partitions},
    {"BatchGetPartition", glue_batch_get_partition},
    {"DeletePartition", glue_delete_partition},
    {"BatchDeletePartition", glue_batch_delete_partition},
    {"UpdatePartition", glue_update_partition},
};

void glue_api_handle(server *s, const char *operation, const srv_request *req,
                     srv_response *resp)
{
    const glue_op *op = NULL;
    for (size_t i = 0; i < sizeof OPERATIONS / sizeof OPERATIONS[0]; i++)
        if (strcmp(OPERATIONS[i].name, operation) == 0)
            op = &OPERATIONS[i];
    if (!op) {
        glue_error(resp, "UnknownOperationException",
                   "athena-local's Glue does not support the operation %s.", operation);
        return;
    }
    json_error_t jerr;
    json_t *in = req->body_len ? json_loadb(req->body, req->body_len, 0, &jerr) : json_object();
    if (!in) {
        glue_error(resp, "SerializationException", "Malformed JSON request body: %s",
                   jerr.text);
        return;
    }
    if (!json_is_object(in))
        glue_error(resp, "SerializationException", "The request body must be a JSON object.");
    else
        op->fn(s, req, in, resp);
    json_decref(in);
}
