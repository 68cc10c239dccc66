/*
 * glue_api_partitions.c: Glue's partition operations in athena-local:
 * CreatePartition, BatchCreatePartition, GetPartition, GetPartitions
 * (Expression, Segment, ExcludeColumnSchema, paging), BatchGetPartition,
 * DeletePartition, BatchDeletePartition and UpdatePartition.
 *
 * A partition's document is the PartitionInput as given plus what Glue
 * records: DatabaseName, TableName, CreationTime and CatalogId. Its Values
 * must be as many as the table's partition keys; they identify it and, as
 * Glue documents, UpdatePartition cannot change them.
 */
#include "glue_api_internal.h"

#include "glue_expression.h"
#include "store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PARTITIONS_PAGE_MAX 1000   /* PageSize */
#define BATCH_CREATE_MAX 100       /* PartitionInputList */
#define BATCH_GET_MAX 1000         /* BatchGetPartitionValueList */
#define BATCH_DELETE_MAX 25        /* BatchDeletePartitionValueList */
#define UPDATE_VALUES_MAX 100      /* BoundedPartitionValueList */
#define SEGMENTS_MAX 10            /* TotalSegmentsInteger */
#define SCAN_CHUNK 500             /* partitions read from the store at a time */

static const char NOT_FOUND_MESSAGE[] = "Cannot find partition.";

/* Reads CatalogId, DatabaseName and TableName; the table, or NULL after an
 * error. */
static json_t *request_table(server *s, const json_t *in, const char **db, const char **table,
                             srv_response *resp)
{
    if (glue_check_catalog(s, in, resp) != 0 || glue_name(in, "DatabaseName", 1, db, resp) != 0 ||
        glue_name(in, "TableName", 1, table, resp) != 0)
        return NULL;
    return glue_require_table(s, *db, *table, resp);
}

static json_t *error_detail(const char *code, const char *message)
{
    return json_pack("{s:s, s:s}", "ErrorCode", code, "ErrorMessage", message);
}

static void answer_detail(srv_response *resp, json_t *detail)
{
    const char *code = json_string_value(json_object_get(detail, "ErrorCode"));
    const char *message = json_string_value(json_object_get(detail, "ErrorMessage"));
    if (!code) {
        glue_out_of_memory(resp);
        return;
    }
    glue_error(resp, code, "%s", message);
    if (strcmp(code, "InternalServiceException") == 0)
        resp->status = 500;
}

/* A partition for a response: CatalogId added, column schema dropped when
 * asked (ExcludeColumnSchema). */
static json_t *partition_out(server *s, json_t *partition, int exclude_columns)
{
    glue_add_catalog_id(s, partition);
    json_t *sd = json_object_get(partition, "StorageDescriptor");
    if (exclude_columns && json_object_get(sd, "Columns")) {
        json_t *copy = json_copy(partition), *sd_copy = json_copy(sd);
        json_object_del(sd_copy, "Columns");
        json_object_set_new(copy, "StorageDescriptor", sd_copy);
        return copy;
    }
    return json_incref(partition);
}

/* A list of PartitionValueList structures: objects holding Values. */
static int check_value_lists(const json_t *list, const char *key, srv_response *resp)
{
    size_t i;
    const json_t *item, *values;
    json_array_foreach(list, i, item) {
        if (!json_is_object(item)) {
            glue_error(resp, "SerializationException",
                       "Member '%s' must be a list of objects in the JSON request body.", key);
            return -1;
        }
        if (glue_values(item, "Values", 1, &values, resp) != 0)
            return -1;
    }
    return 0;
}

/* ---- creating ----------------------------------------------------------------- */

/* Creates one partition: NULL, or the reason it was not created as a Glue
 * ErrorDetail. */
static json_t *create_one(server *s, const char *db, const char *table_name,
                          const json_t *table, json_t *partition)
{
    const json_t *values = json_object_get(partition, "Values");
    size_t keys = json_array_size(json_object_get(table, "PartitionKeys"));
    if (keys == 0) {
        char message[300];
        snprintf(message, sizeof message, "Table %s has no partition keys.", table_name);
        return error_detail("InvalidInputException", message);
    }
    if (!values)
        return error_detail("InvalidInputException", "The partition input must have Values.");
    if (json_array_size(values) != keys)
        return error_detail("InvalidInputException",
                            "The number of partition keys do not match the number of partition "
                            "values");
    json_object_set_new(partition, "CreationTime", json_real(glue_now()));
    glue_set_string(partition, "CatalogId", s->settings.account_id);
    store_status status = store_partition_create(s->store, db, table_name, partition);
    switch (status) {
    case STORE_OK:
        return NULL;
    case STORE_EXISTS:
        return error_detail("AlreadyExistsException", "Partition already exists.");
    case STORE_NOT_FOUND: {
        char message[300];
        snprintf(message, sizeof message, "Table %s not found.", table_name);
        return error_detail("EntityNotFoundException", message);
    }
    default:
        return error_detail("InternalServiceException", store_errmsg(s->store));
    }
}

void glue_create_partition(server *s, const srv_request *req, const json_t *in,
                           srv_response *resp)
{
    const char *db, *table_name;
    json_t *table = request_table(s, in, &db, &table_name, resp);
    json_t *partition = table ? glue_input(in, "PartitionInput", &GLUE_PARTITION_INPUT, resp)
                              : NULL;
    json_t *detail = partition ? create_one(s, db, table_name, table, partition) : NULL;
    if (detail)
        answer_detail(resp, detail);
    else if (partition)
        json_api_ok(resp, NULL);
    json_decref(detail);
    json_decref(partition);
    json_decref(table);
}

/* The whole request is checked before any partition is created, as AWS
 * validates a request before acting on it. */
static json_t *copy_inputs(const json_t *list, srv_response *resp)
{
    json_t *inputs = json_array();
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item) {
        json_t *copy = json_is_object(item) ? glue_copy_shape(item, &GLUE_PARTITION_INPUT, resp)
                                            : NULL;
        if (!json_is_object(item))
            glue_error(resp, "SerializationException", "Member 'PartitionInputList' must be a "
                                                       "list of objects in the JSON request body.");
        if (!copy || json_array_append_new(inputs, copy) != 0) {
            json_decref(inputs);
            return NULL;
        }
    }
    return inputs;
}

void glue_batch_create_partition(server *s, const srv_request *req, const json_t *in,
                                 srv_response *resp)
{
    const char *db, *table_name;
    const json_t *list;
    json_t *table = request_table(s, in, &db, &table_name, resp);
    json_t *inputs = table && glue_array(in, "PartitionInputList", 1, BATCH_CREATE_MAX, &list,
                                         resp) == 0
                         ? copy_inputs(list, resp)
                         : NULL;
    if (inputs) {
        json_t *errors = json_array();
        size_t i;
        json_t *partition;
        json_array_foreach(inputs, i, partition) {
            json_t *detail = create_one(s, db, table_name, table, partition);
            if (detail)
                json_array_append_new(errors, json_pack("{s:O*, s:o}", "PartitionValues",
                                                        json_object_get(partition, "Values"),
                                                        "ErrorDetail", detail));
        }
        json_api_ok_member(resp, "Errors", errors);
    }
    json_decref(inputs);
    json_decref(table);
}

/* ---- reading ------------------------------------------------------------------ */

void glue_get_partition(server *s, const srv_request *req, const json_t *in,
                        srv_response *resp)
{
    const char *db, *table_name;
    const json_t *values;
    json_t *table = request_table(s, in, &db, &table_name, resp);
    if (table && glue_values(in, "PartitionValues", 1, &values, resp) == 0) {
        json_t *partition = store_partition_get(s->store, db, table_name, values);
        if (!partition) {
            glue_error(resp, "EntityNotFoundException", "%s", NOT_FOUND_MESSAGE);
        } else {
            json_api_ok_member(resp, "Partition", partition_out(s, partition, 0));
        }
        json_decref(partition);
    }
    json_decref(table);
}

/* Segment: which of TotalSegments non-overlapping parts of the partitions
 * to list. A partition's part is a hash of its values, so the parts do not
 * change as others are added. */
typedef struct segment {
    long long number, total;
} segment;

static int read_segment(const json_t *in, segment *seg, srv_response *resp)
{
    const json_t *obj;
    seg->number = 0;
    seg->total = 1;
    int rc = glue_object(in, "Segment", 0, &obj, resp);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (glue_int(obj, "SegmentNumber", 1, 0, SEGMENTS_MAX - 1, &seg->number, resp) != 0 ||
        glue_int(obj, "TotalSegments", 1, 1, SEGMENTS_MAX, &seg->total, resp) != 0)
        return -1;
    if (seg->number >= seg->total) {
        glue_error(resp, "InvalidInputException",
                   "SegmentNumber (%lld) must be less than TotalSegments (%lld).", seg->number,
                   seg->total);
        return -1;
    }
    return 0;
}

static int in_segment(const segment *seg, const char *key)
{
    uint64_t hash = 14695981039346656037ULL;   /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        hash = (hash ^ *p) * 1099511628211ULL;
    return (long long)(hash % (uint64_t)seg->total) == seg->number;
}

/* The parsed Expression of GetPartitions; NULL after InvalidInputException. */
static glue_expression *read_expression(const json_t *in, const json_t *table,
                                        srv_response *resp)
{
    const char *text = NULL;
    if (glue_string(in, "Expression", 0, 0, GLUE_EXPRESSION_MAX, &text, resp) < 0)
        return NULL;
    char err[512];
    glue_expression *e =
        glue_expression_parse(text, json_object_get(table, "PartitionKeys"), err, sizeof err);
    if (!e)
        glue_error(resp, "InvalidInputException", "Invalid Expression '%s': %s", text, err);
    return e;
}

typedef struct listing {
    glue_expression *expression;
    segment seg;
    size_t max;
    int exclude_columns;
    json_t *page;       /* the partitions listed */
    char *last_key;     /* of the last one listed */
    int more;           /* another matching partition follows */
} listing;

/* Adds the chunk's matching partitions to the page; *cursor becomes the key
 * of the last one examined. 0, or -1 when out of memory. */
static int scan_chunk(server *s, listing *l, const json_t *chunk, char **cursor)
{
    size_t i;
    json_t *partition;
    json_array_foreach(chunk, i, partition) {
        const json_t *values = json_object_get(partition, "Values");
        char *key = store_partition_values_key(values);
        if (!key)
            continue;   /* the store never returns such a document */
        free(*cursor);
        *cursor = key;
        if (!in_segment(&l->seg, key) || !glue_expression_matches(l->expression, values))
            continue;
        if (json_array_size(l->page) == l->max) {
            l->more = 1;
            return 0;
        }
        free(l->last_key);
        l->last_key = strdup(key);
        if (!l->last_key ||
            json_array_append_new(l->page, partition_out(s, partition, l->exclude_columns)))
            return -1;
    }
    return 0;
}

/* Reads the table's partitions a chunk at a time until the page is full. */
static int list_partitions(server *s, const char *db, const char *table, const char *after,
                           listing *l)
{
    char *cursor = after ? strdup(after) : NULL;
    int rc = after && !cursor ? -1 : 0;
    while (rc == 0) {
        json_t *chunk = store_partition_list(s->store, db, table, cursor, SCAN_CHUNK);
        rc = chunk ? scan_chunk(s, l, chunk, &cursor) : -1;
        size_t n = json_array_size(chunk);
        json_decref(chunk);
        if (l->more || n < SCAN_CHUNK)
            break;
    }
    free(cursor);
    return rc;
}

void glue_get_partitions(server *s, const srv_request *req, const json_t *in,
                         srv_response *resp)
{
    const char *db, *table_name;
    long long max;
    char *after = NULL;
    int exclude = 0;
    listing l = {0};
    json_t *table = request_table(s, in, &db, &table_name, resp);
    if (table && glue_read_page(in, PARTITIONS_PAGE_MAX, &max, &after, resp) == 0 &&
        read_segment(in, &l.seg, resp) == 0 &&
        glue_bool(in, "ExcludeColumnSchema", 0, &exclude, resp) >= 0 &&
        (l.expression = read_expression(in, table, resp)) != NULL) {
        l.max = (size_t)max;
        l.exclude_columns = exclude;
        l.page = json_array();
        if (list_partitions(s, db, table_name, after, &l) != 0) {
            glue_store_error(s, resp);
        } else {
            json_t *out = json_pack("{s:O}", "Partitions", l.page);
            if (l.more)
                glue_set_next_token(out, l.last_key);
            json_api_ok(resp, out);
            json_decref(out);
        }
    }
    glue_expression_free(l.expression);
    json_decref(l.page);
    free(l.last_key);
    free(after);
    json_decref(table);
}

void glue_batch_get_partition(server *s, const srv_request *req, const json_t *in,
                              srv_response *resp)
{
    const char *db, *table_name;
    const json_t *wanted;
    json_t *table = request_table(s, in, &db, &table_name, resp);
    if (!table || glue_array(in, "PartitionsToGet", 1, BATCH_GET_MAX, &wanted, resp) != 0 ||
        check_value_lists(wanted, "PartitionsToGet", resp) != 0) {
        json_decref(table);
        return;
    }
    json_t *found = json_array(), *unprocessed = json_array();
    size_t i;
    const json_t *item;
    json_array_foreach(wanted, i, item) {
        const json_t *values = json_object_get(item, "Values");
        json_t *partition = store_partition_get(s->store, db, table_name, values);
        if (partition)
            json_array_append_new(found, partition_out(s, partition, 0));
        else
            json_array_append_new(unprocessed, json_pack("{s:O}", "Values", values));
        json_decref(partition);
    }
    json_t *out = json_pack("{s:o, s:o}", "Partitions", found, "UnprocessedKeys", unprocessed);
    json_api_ok(resp, out);
    json_decref(out);
    json_decref(table);
}

/* ---- changing ----------------------------------------------------------------- */

static json_t *delete_one(server *s, const char *db, const char *table_name,
                          const json_t *values)
{
    store_status status = store_partition_delete(s->store, db, table_name, values);
    if (status == STORE_OK)
        return NULL;
    if (status == STORE_NOT_FOUND)
        return error_detail("EntityNotFoundException", NOT_FOUND_MESSAGE);
    return error_detail("InternalServiceException", store_errmsg(s->store));
}

void glue_delete_partition(server *s, const srv_request *req, const json_t *in,
                           srv_response *resp)
{
    const char *db, *table_name;
    const json_t *values;
    json_t *table = request_table(s, in, &db, &table_name, resp);
    if (table && glue_values(in, "PartitionValues", 1, &values, resp) == 0) {
        json_t *detail = delete_one(s, db, table_name, values);
        if (detail)
            answer_detail(resp, detail);
        else
            json_api_ok(resp, NULL);
        json_decref(detail);
    }
    json_decref(table);
}

void glue_batch_delete_partition(server *s, const srv_request *req, const json_t *in,
                                 srv_response *resp)
{
    const char *db, *table_name;
    const json_t *list;
    json_t *table = request_table(s, in, &db, &table_name, resp);
    if (!table || glue_array(in, "PartitionsToDelete", 1, BATCH_DELETE_MAX, &list, resp) != 0 ||
        check_value_lists(list, "PartitionsToDelete", resp) != 0) {
        json_decref(table);
        return;
    }
    json_t *errors = json_array();
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item) {
        const json_t *values = json_object_get(item, "Values");
        json_t *detail = delete_one(s, db, table_name, values);
        if (detail)
            json_array_append_new(errors, json_pack("{s:O, s:o}", "PartitionValues", values,
                                                    "ErrorDetail", detail));
    }
    json_api_ok_member(resp, "Errors", errors);
    json_decref(table);
}

/* UpdatePartition replaces the definition; Values and what Glue recorded
 * stay. */
static int prepare_update(server *s, const json_t *current, const json_t *values,
                          json_t *update, srv_response *resp)
{
    const json_t *new_values = json_object_get(update, "Values");
    if (new_values && !json_equal(new_values, values)) {
        glue_error(resp, "InvalidInputException",
                   "The Values of a partition cannot be changed; delete the partition and "
                   "create it again.");
        return -1;
    }
    json_object_set(update, "Values", (json_t *)values);
    static const char *const kept[] = {"CreationTime", "CatalogId"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        if (json_object_get(current, kept[i]))
            json_object_set(update, kept[i], json_object_get(current, kept[i]));
    glue_add_catalog_id(s, update);
    return 0;
}

void glue_update_partition(server *s, const srv_request *req, const json_t *in,
                           srv_response *resp)
{
    const char *db, *table_name;
    const json_t *values, *ignored;
    json_t *table = request_table(s, in, &db, &table_name, resp);
    if (!table || glue_values(in, "PartitionValueList", 1, &values, resp) != 0 ||
        glue_array(in, "PartitionValueList", 1, UPDATE_VALUES_MAX, &ignored, resp) != 0) {
        json_decref(table);
        return;
    }
    json_t *update = glue_input(in, "PartitionInput", &GLUE_PARTITION_INPUT, resp);
    json_t *current = update ? store_partition_get(s->store, db, table_name, values) : NULL;
    if (update && !current) {
        glue_error(resp, "EntityNotFoundException", "%s", NOT_FOUND_MESSAGE);
    } else if (current && prepare_update(s, current, values, update, resp) == 0) {
        store_status status = store_partition_update(s->store, db, table_name, values, update);
        if (status == STORE_NOT_FOUND)
            glue_error(resp, "EntityNotFoundException", "%s", NOT_FOUND_MESSAGE);
        else if (status != STORE_OK)
            glue_store_error(s, resp);
        else
            json_api_ok(resp, NULL);
    }
    json_decref(current);
    json_decref(update);
    json_decref(table);
}
