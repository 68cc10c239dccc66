/*
 * glue_parse.c: Glue's awsJson shapes (Database, Table, Partition, and the
 * pages of GetDatabases, GetTables and GetPartitions) decoded into the
 * public structs of catalog.h, and their free functions.
 *
 * Decoding is lenient about what it does not need (unknown members, a
 * missing StorageDescriptor, members of the wrong JSON type read as absent)
 * and strict only where a result would be meaningless: an item without a
 * Name, or a list member that is not an object.
 */
#include "glue.h"

#include <stdlib.h>
#include <string.h>

/* Duplicates obj[key] if it is a string; NULL when absent. Sets *oom. */
static char *dup_string(const json_t *obj, const char *key, int *oom)
{
    const char *s = json_string_value(json_object_get(obj, key));
    if (!s)
        return NULL;
    char *copy = strdup(s);
    if (!copy)
        *oom = 1;
    return copy;
}

/* awsJson timestamps are epoch seconds, possibly fractional. */
static double epoch_member(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : 0;
}

static void free_parameters(athena_parameter *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].key);
        free(p[i].value);
    }
    free(p);
}

/* A Parameters map (string values only; others are skipped). */
static athena_parameter *parse_parameters(const json_t *map, size_t *count, int *oom)
{
    *count = 0;
    if (!json_is_object(map) || json_object_size(map) == 0)
        return NULL;
    athena_parameter *p = calloc(json_object_size(map), sizeof *p);
    if (!p) {
        *oom = 1;
        return NULL;
    }
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)map, key, value) {
        if (!json_is_string(value))
            continue;
        athena_parameter *kv = &p[*count];
        kv->key = strdup(key);
        kv->value = strdup(json_string_value(value));
        (*count)++;
        if (!kv->key || !kv->value) {
            *oom = 1;
            break;
        }
    }
    return p;
}

static void free_columns(athena_table_column *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].name);
        free(c[i].type);
        free(c[i].comment);
    }
    free(c);
}

/* A list of Column objects; entries without a Name are skipped. */
static athena_table_column *parse_columns(const json_t *arr, size_t *count, int *oom)
{
    *count = 0;
    size_t n = json_array_size(arr);
    if (n == 0)
        return NULL;
    athena_table_column *c = calloc(n, sizeof *c);
    if (!c) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < n && !*oom; i++) {
        const json_t *col = json_array_get(arr, i);
        if (!json_is_string(json_object_get(col, "Name")))
            continue;
        athena_table_column *out = &c[(*count)++];
        out->name = dup_string(col, "Name", oom);
        out->type = dup_string(col, "Type", oom);
        out->comment = dup_string(col, "Comment", oom);
    }
    return c;
}

static char **parse_string_array(const json_t *arr, size_t *count, int *oom)
{
    *count = 0;
    size_t n = json_array_size(arr);
    if (n == 0)
        return NULL;
    char **items = calloc(n, sizeof *items);
    if (!items) {
        *oom = 1;
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(arr, i));
        /* A partition value is positional: keep the slot even if malformed. */
        items[(*count)++] = strdup(s ? s : "");
        if (!items[*count - 1]) {
            *oom = 1;
            break;
        }
    }
    return items;
}

athena_database *glue_parse_database(const json_t *obj)
{
    if (!json_is_string(json_object_get(obj, "Name")))
        return NULL;
    athena_database *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    int oom = 0;
    d->name = dup_string(obj, "Name", &oom);
    d->description = dup_string(obj, "Description", &oom);
    d->location_uri = dup_string(obj, "LocationUri", &oom);
    d->catalog_id = dup_string(obj, "CatalogId", &oom);
    d->create_time = epoch_member(obj, "CreateTime");
    d->parameters = parse_parameters(json_object_get(obj, "Parameters"), &d->parameter_count,
                                     &oom);
    if (oom) {
        athena_database_free(d);
        return NULL;
    }
    return d;
}

static void parse_storage(athena_table *t, const json_t *sd, int *oom)
{
    t->location = dup_string(sd, "Location", oom);
    t->input_format = dup_string(sd, "InputFormat", oom);
    t->output_format = dup_string(sd, "OutputFormat", oom);
    t->compressed = json_is_true(json_object_get(sd, "Compressed"));
    t->columns = parse_columns(json_object_get(sd, "Columns"), &t->column_count, oom);
    const json_t *serde = json_object_get(sd, "SerdeInfo");
    t->serde_name = dup_string(serde, "Name", oom);
    t->serde_library = dup_string(serde, "SerializationLibrary", oom);
    t->serde_parameters = parse_parameters(json_object_get(serde, "Parameters"),
                                           &t->serde_parameter_count, oom);
}

athena_table *glue_parse_table(const json_t *obj)
{
    if (!json_is_string(json_object_get(obj, "Name")))
        return NULL;
    athena_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    int oom = 0;
    t->name = dup_string(obj, "Name", &oom);
    t->database = dup_string(obj, "DatabaseName", &oom);
    t->catalog_id = dup_string(obj, "CatalogId", &oom);
    t->description = dup_string(obj, "Description", &oom);
    t->owner = dup_string(obj, "Owner", &oom);
    t->table_type = dup_string(obj, "TableType", &oom);
    t->create_time = epoch_member(obj, "CreateTime");
    t->update_time = epoch_member(obj, "UpdateTime");
    parse_storage(t, json_object_get(obj, "StorageDescriptor"), &oom);
    t->partition_keys = parse_columns(json_object_get(obj, "PartitionKeys"),
                                      &t->partition_key_count, &oom);
    t->parameters = parse_parameters(json_object_get(obj, "Parameters"), &t->parameter_count,
                                     &oom);
    t->view_original_text = dup_string(obj, "ViewOriginalText", &oom);
    t->view_expanded_text = dup_string(obj, "ViewExpandedText", &oom);
    if (oom) {
        athena_table_free(t);
        return NULL;
    }
    return t;
}

athena_partition *glue_parse_partition(const json_t *obj)
{
    if (!json_is_array(json_object_get(obj, "Values")))
        return NULL;
    athena_partition *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    int oom = 0;
    p->values = parse_string_array(json_object_get(obj, "Values"), &p->value_count, &oom);
    p->database = dup_string(obj, "DatabaseName", &oom);
    p->table = dup_string(obj, "TableName", &oom);
    const json_t *sd = json_object_get(obj, "StorageDescriptor");
    p->location = dup_string(sd, "Location", &oom);
    p->input_format = dup_string(sd, "InputFormat", &oom);
    p->output_format = dup_string(sd, "OutputFormat", &oom);
    p->serde_library = dup_string(json_object_get(sd, "SerdeInfo"), "SerializationLibrary", &oom);
    p->create_time = epoch_member(obj, "CreationTime");
    p->last_access_time = epoch_member(obj, "LastAccessTime");
    p->parameters = parse_parameters(json_object_get(obj, "Parameters"), &p->parameter_count,
                                     &oom);
    if (oom) {
        athena_partition_free(p);
        return NULL;
    }
    return p;
}

/* ---- pages ---- */

/* What differs between the three list shapes. */
typedef struct page_shape {
    const char *member;                  /* "DatabaseList", "TableList", "Partitions" */
    const char *item;                    /* "Database", ... for error messages */
    const char *required;                /* the member an item cannot do without */
    int required_is_list;                /* it is a list (else a string) */
    void *(*parse)(const json_t *obj);
    void (*free_item)(void *item);
} page_shape;

/* One decoded page, before it is appended to the caller's typed list. */
typedef struct parsed_page {
    void **items;
    size_t count;
    char *next_token;
} parsed_page;

static void parsed_page_free(const page_shape *shape, parsed_page *pg)
{
    for (size_t i = 0; i < pg->count; i++)
        shape->free_item(pg->items[i]);
    free(pg->items);
    free(pg->next_token);
}

/* The parsers return NULL both for an unusable item and for lack of memory;
 * only a usable item can have run out of memory. */
static athena_status item_failure(const page_shape *shape, const json_t *obj, size_t index,
                                  athena_error *err)
{
    const json_t *req = json_object_get(obj, shape->required);
    if (shape->required_is_list ? json_is_array(req) : json_is_string(req))
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    return error_set(err, ATHENA_E_PROTOCOL, "%s: item %zu is not a %s with %s", shape->member,
                     index, shape->item, shape->required);
}

static athena_status parse_items(const page_shape *shape, const json_t *resp, parsed_page *pg,
                                 athena_error *err)
{
    const json_t *arr = json_object_get(resp, shape->member);
    if (arr && !json_is_array(arr))
        return error_set(err, ATHENA_E_PROTOCOL, "%s is not a list", shape->member);
    size_t n = json_array_size(arr);
    if (!(pg->items = calloc(n + 1, sizeof *pg->items)))
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const json_t *obj = json_array_get(arr, i);
        void *item = shape->parse(obj);
        if (!item)
            return item_failure(shape, obj, i, err);
        pg->items[pg->count++] = item;
    }
    const json_t *token = json_object_get(resp, "NextToken");
    /* An empty token means the end, as the SDKs' paginators treat it. */
    if (json_is_string(token) && json_string_length(token) > 0 &&
        !(pg->next_token = strdup(json_string_value(token))))
        return error_set(err, ATHENA_E_NOMEM, "out of memory");
    return ATHENA_OK;
}

static athena_status parse_page(const page_shape *shape, const json_t *resp, parsed_page *pg,
                                athena_error *err)
{
    memset(pg, 0, sizeof *pg);
    athena_status st = parse_items(shape, resp, pg, err);
    if (st != ATHENA_OK)
        parsed_page_free(shape, pg);
    return st;
}

/* Appends a parsed page to a typed list (items, count, next_token), creating
 * the list when *listp is NULL. Written once for the three list types. */
#define APPEND_PAGE(shape, pg, listp, err)                                                     \
    do {                                                                                       \
        if (!*(listp) && !(*(listp) = calloc(1, sizeof **(listp)))) {                          \
            parsed_page_free(shape, pg);                                                       \
            return error_set(err, ATHENA_E_NOMEM, "out of memory");                            \
        }                                                                                      \
        size_t need_ = (*(listp))->count + (pg)->count + 1;                                    \
        void *grown_ = realloc((*(listp))->items, need_ * sizeof *(*(listp))->items);          \
        if (!grown_) {                                                                         \
            parsed_page_free(shape, pg);                                                       \
            return error_set(err, ATHENA_E_NOMEM, "out of memory");                            \
        }                                                                                      \
        (*(listp))->items = grown_;                                                            \
        for (size_t i_ = 0; i_ < (pg)->count; i_++)                                            \
            (*(listp))->items[(*(listp))->count++] = (pg)->items[i_];                          \
        free((*(listp))->next_token);                                                          \
        (*(listp))->next_token = (pg)->next_token;                                             \
        free((pg)->items);                                                                     \
    } while (0)

static void *parse_database_item(const json_t *o) { return glue_parse_database(o); }
static void *parse_table_item(const json_t *o) { return glue_parse_table(o); }
static void *parse_partition_item(const json_t *o) { return glue_parse_partition(o); }
static void free_database_item(void *p) { athena_database_free(p); }
static void free_table_item(void *p) { athena_table_free(p); }
static void free_partition_item(void *p) { athena_partition_free(p); }

athena_status glue_parse_database_page(const json_t *resp, athena_database_list **list,
                                       athena_error *err)
{
    static const page_shape shape = {"DatabaseList", "Database", "Name", 0, parse_database_item,
                                     free_database_item};
    parsed_page pg;
    athena_status st = parse_page(&shape, resp, &pg, err);
    if (st != ATHENA_OK)
        return st;
    APPEND_PAGE(&shape, &pg, list, err);
    return ATHENA_OK;
}

athena_status glue_parse_table_page(const json_t *resp, athena_table_list **list,
                                    athena_error *err)
{
    static const page_shape shape = {"TableList", "Table", "Name", 0, parse_table_item,
                                     free_table_item};
    parsed_page pg;
    athena_status st = parse_page(&shape, resp, &pg, err);
    if (st != ATHENA_OK)
        return st;
    APPEND_PAGE(&shape, &pg, list, err);
    return ATHENA_OK;
}

athena_status glue_parse_partition_page(const json_t *resp, athena_partition_list **list,
                                        athena_error *err)
{
    static const page_shape shape = {"Partitions", "Partition", "Values", 1, parse_partition_item,
                                     free_partition_item};
    parsed_page pg;
    athena_status st = parse_page(&shape, resp, &pg, err);
    if (st != ATHENA_OK)
        return st;
    APPEND_PAGE(&shape, &pg, list, err);
    return ATHENA_OK;
}

/* ---- free functions ---- */

void athena_database_free(athena_database *d)
{
    if (!d)
        return;
    free(d->name);
    free(d->description);
    free(d->location_uri);
    free(d->catalog_id);
    free_parameters(d->parameters, d->parameter_count);
    free(d);
}

void athena_table_free(athena_table *t)
{
    if (!t)
        return;
    free(t->name);
    free(t->database);
    free(t->catalog_id);
    free(t->description);
    free(t->owner);
    free(t->table_type);
    free(t->location);
    free(t->input_format);
    free(t->output_format);
    free(t->serde_name);
    free(t->serde_library);
    free_parameters(t->serde_parameters, t->serde_parameter_count);
    free_columns(t->columns, t->column_count);
    free_columns(t->partition_keys, t->partition_key_count);
    free_parameters(t->parameters, t->parameter_count);
    free(t->view_original_text);
    free(t->view_expanded_text);
    free(t);
}

void athena_partition_free(athena_partition *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->value_count; i++)
        free(p->values[i]);
    free(p->values);
    free(p->database);
    free(p->table);
    free(p->location);
    free(p->input_format);
    free(p->output_format);
    free(p->serde_library);
    free_parameters(p->parameters, p->parameter_count);
    free(p);
}

void athena_database_list_free(athena_database_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        athena_database_free(list->items[i]);
    free(list->items);
    free(list->next_token);
    free(list);
}

void athena_table_list_free(athena_table_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        athena_table_free(list->items[i]);
    free(list->items);
    free(list->next_token);
    free(list);
}

void athena_partition_list_free(athena_partition_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        athena_partition_free(list->items[i]);
    free(list->items);
    free(list->next_token);
    free(list);
}
