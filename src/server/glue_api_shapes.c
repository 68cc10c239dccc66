/*
 * glue_api_shapes.c: the input structures of Glue's catalog operations
 * (DatabaseInput, TableInput, PartitionInput and what they contain), as
 * tables of members with their types and limits from glue.service-2.json,
 * and the one routine that checks a request's structure against them and
 * copies it into the document the store keeps.
 *
 * Why copy rather than store the request as is: the catalog documents are
 * read back by the SQL engine, DDL and every Glue client, so what is stored
 * must have the types the model promises (a Location is a string, Columns a
 * list of objects with a Name). Members the model does not know are dropped,
 * as AWS's deserializers ignore them.
 */
#include "glue_api_internal.h"

#include <limits.h>
#include <string.h>

#define MAX_NESTING 16             /* structures within structures, for safety */
#define PARAMETER_KEY_MAX 255      /* KeyString */
#define PARAMETER_VALUE_MAX 512000 /* ParametersMapValue */

typedef enum field_kind {
    FIELD_NAME,          /* NameString: 1..255, one line */
    FIELD_STRING,        /* min..max characters */
    FIELD_INT,           /* min..max */
    FIELD_BOOL,
    FIELD_TIMESTAMP,     /* epoch seconds, as the JSON protocol sends them */
    FIELD_MAP,           /* string to string (ParametersMap, LocationMap) */
    FIELD_STRUCT,        /* a structure of `shape` */
    FIELD_STRUCT_LIST,   /* a list of `shape` */
    FIELD_STRING_LIST,   /* strings of at most max characters */
    FIELD_OBJECT,        /* a structure athena-local keeps but does not interpret */
    FIELD_OBJECT_LIST
} field_kind;

typedef struct glue_field {
    const char *name;
    field_kind kind;
    int required;
    long long min, max;
    const struct glue_shape *shape;
} glue_field;

struct glue_shape {
    const glue_field *fields;
    size_t count;
};

#define SHAPE(fields) {fields, sizeof fields / sizeof fields[0]}

static const glue_field COLUMN_FIELDS[] = {
    {"Name", FIELD_NAME, 1, 0, 0, NULL},
    {"Type", FIELD_STRING, 0, 0, 131072, NULL},
    {"Comment", FIELD_STRING, 0, 0, 255, NULL},
    {"Parameters", FIELD_MAP, 0, 0, 0, NULL},
};
static const glue_shape COLUMN = SHAPE(COLUMN_FIELDS);

static const glue_field ORDER_FIELDS[] = {
    {"Column", FIELD_NAME, 1, 0, 0, NULL},
    {"SortOrder", FIELD_INT, 1, 0, 1, NULL},
};
static const glue_shape ORDER = SHAPE(ORDER_FIELDS);

static const glue_field SERDE_FIELDS[] = {
    {"Name", FIELD_NAME, 0, 0, 0, NULL},
    {"SerializationLibrary", FIELD_NAME, 0, 0, 0, NULL},
    {"Parameters", FIELD_MAP, 0, 0, 0, NULL},
};
static const glue_shape SERDE_INFO = SHAPE(SERDE_FIELDS);

static const glue_field SKEWED_FIELDS[] = {
    {"SkewedColumnNames", FIELD_STRING_LIST, 0, 0, 255, NULL},
    {"SkewedColumnValues", FIELD_STRING_LIST, 0, 0, INT_MAX, NULL},
    {"SkewedColumnValueLocationMaps", FIELD_MAP, 0, 0, 0, NULL},
};
static const glue_shape SKEWED_INFO = SHAPE(SKEWED_FIELDS);

static const glue_field STORAGE_FIELDS[] = {
    {"Columns", FIELD_STRUCT_LIST, 0, 0, 0, &COLUMN},
    {"Location", FIELD_STRING, 0, 0, 2056, NULL},
    {"AdditionalLocations", FIELD_STRING_LIST, 0, 0, 2056, NULL},
    {"InputFormat", FIELD_STRING, 0, 0, 128, NULL},
    {"OutputFormat", FIELD_STRING, 0, 0, 128, NULL},
    {"Compressed", FIELD_BOOL, 0, 0, 0, NULL},
    {"NumberOfBuckets", FIELD_INT, 0, INT_MIN, INT_MAX, NULL},
    {"SerdeInfo", FIELD_STRUCT, 0, 0, 0, &SERDE_INFO},
    {"BucketColumns", FIELD_STRING_LIST, 0, 0, 255, NULL},
    {"SortColumns", FIELD_STRUCT_LIST, 0, 0, 0, &ORDER},
    {"Parameters", FIELD_MAP, 0, 0, 0, NULL},
    {"SkewedInfo", FIELD_STRUCT, 0, 0, 0, &SKEWED_INFO},
    {"StoredAsSubDirectories", FIELD_BOOL, 0, 0, 0, NULL},
    {"SchemaReference", FIELD_OBJECT, 0, 0, 0, NULL},
};
static const glue_shape STORAGE_DESCRIPTOR = SHAPE(STORAGE_FIELDS);

static const glue_field DATABASE_FIELDS[] = {
    {"Name", FIELD_NAME, 1, 0, 0, NULL},
    {"Description", FIELD_STRING, 0, 0, 2048, NULL},
    {"LocationUri", FIELD_STRING, 0, 1, 1024, NULL},
    {"Parameters", FIELD_MAP, 0, 0, 0, NULL},
    {"CreateTableDefaultPermissions", FIELD_OBJECT_LIST, 0, 0, 0, NULL},
    {"TargetDatabase", FIELD_OBJECT, 0, 0, 0, NULL},
    {"FederatedDatabase", FIELD_OBJECT, 0, 0, 0, NULL},
};
const glue_shape GLUE_DATABASE_INPUT = SHAPE(DATABASE_FIELDS);

static const glue_field TABLE_FIELDS[] = {
    {"Name", FIELD_NAME, 1, 0, 0, NULL},
    {"Description", FIELD_STRING, 0, 0, 2048, NULL},
    {"Owner", FIELD_NAME, 0, 0, 0, NULL},
    {"LastAccessTime", FIELD_TIMESTAMP, 0, 0, 0, NULL},
    {"LastAnalyzedTime", FIELD_TIMESTAMP, 0, 0, 0, NULL},
    {"Retention", FIELD_INT, 0, 0, INT_MAX, NULL},
    {"StorageDescriptor", FIELD_STRUCT, 0, 0, 0, &STORAGE_DESCRIPTOR},
    {"PartitionKeys", FIELD_STRUCT_LIST, 0, 0, 0, &COLUMN},
    {"ViewOriginalText", FIELD_STRING, 0, 0, 409600, NULL},
    {"ViewExpandedText", FIELD_STRING, 0, 0, 409600, NULL},
    {"TableType", FIELD_STRING, 0, 0, 255, NULL},
    {"Parameters", FIELD_MAP, 0, 0, 0, NULL},
    {"TargetTable", FIELD_OBJECT, 0, 0, 0, NULL},
    {"ViewDefinition", FIELD_OBJECT, 0, 0, 0, NULL},
};
const glue_shape GLUE_TABLE_INPUT = SHAPE(TABLE_FIELDS);

static const glue_field PARTITION_FIELDS[] = {
    {"Values", FIELD_STRING_LIST, 0, 0, 1024, NULL},
    {"LastAccessTime", FIELD_TIMESTAMP, 0, 0, 0, NULL},
    {"StorageDescriptor", FIELD_STRUCT, 0, 0, 0, &STORAGE_DESCRIPTOR},
    {"Parameters", FIELD_MAP, 0, 0, 0, NULL},
    {"LastAnalyzedTime", FIELD_TIMESTAMP, 0, 0, 0, NULL},
};
const glue_shape GLUE_PARTITION_INPUT = SHAPE(PARTITION_FIELDS);

/* ---- checking and copying ----------------------------------------------------- */

static int wrong_type(srv_response *resp, const char *key, const char *expected)
{
    glue_error(resp, "SerializationException", "Member '%s' must be %s in the JSON request body.",
               key, expected);
    return -1;
}

static int too_long(srv_response *resp, const char *key, long long max)
{
    glue_error(resp, "InvalidInputException",
               "1 validation error detected: Value at '%c%s' failed to satisfy constraint: "
               "Member must have length less than or equal to %lld",
               (char)(key[0] | 0x20), key + 1, max);
    return -1;
}

int glue_check_map(const json_t *in, const char *key, srv_response *resp)
{
    const json_t *map;
    int rc = glue_object(in, key, 0, &map, resp);
    if (rc != 0)
        return rc;
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)map, k, v) {
        if (!json_is_string(v))
            return wrong_type(resp, key, "a map of strings to strings");
        size_t klen = strlen(k);
        if (klen < 1 || klen > PARAMETER_KEY_MAX)
            return glue_error(resp, "InvalidInputException",
                              "The keys of '%s' must have 1 to %d characters.", key,
                              PARAMETER_KEY_MAX), -1;
        if (json_string_length(v) > PARAMETER_VALUE_MAX)
            return too_long(resp, key, PARAMETER_VALUE_MAX);
    }
    return 0;
}

static int check_string_list(const json_t *list, const char *key, long long max,
                             srv_response *resp)
{
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v) {
        if (!json_is_string(v))
            return wrong_type(resp, key, "a list of strings");
        if (strlen(json_string_value(v)) != json_string_length(v))
            return glue_error(resp, "InvalidInputException",
                              "The strings of '%s' must not contain NUL characters.", key), -1;
        if ((long long)json_string_length(v) > max)
            return too_long(resp, key, max);
    }
    return 0;
}

static json_t *copy_struct(const json_t *obj, const glue_shape *shape, int depth,
                           srv_response *resp);

/* A list of structures, each checked and copied; NULL after an error. */
static json_t *copy_struct_list(const json_t *list, const char *key, const glue_shape *shape,
                                int depth, srv_response *resp)
{
    json_t *copy = json_array();
    if (!copy) {
        glue_out_of_memory(resp);
        return NULL;
    }
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item) {
        json_t *c = NULL;
        if (!json_is_object(item)) {
            wrong_type(resp, key, "a list of objects");
        } else {
            c = shape ? copy_struct(item, shape, depth + 1, resp) : json_deep_copy(item);
            if (!shape && !c)
                glue_out_of_memory(resp);
        }
        if (!c || json_array_append_new(copy, c) != 0) {
            if (c)
                glue_out_of_memory(resp);
            json_decref(copy);
            return NULL;
        }
    }
    return copy;
}

/* Checks obj[f->name]; returns its copy, or NULL with *rc = 1 when absent
 * or -1 after an error. */
static json_t *copy_field(const json_t *obj, const glue_field *f, int depth, int *rc,
                          srv_response *resp)
{
    const char *s;
    long long n;
    int b;
    const json_t *v = NULL;
    json_t *copy;
    switch (f->kind) {
    case FIELD_NAME:
        *rc = glue_name(obj, f->name, f->required, &s, resp);
        return *rc == 0 ? json_string(s) : NULL;
    case FIELD_STRING:
        *rc = glue_string(obj, f->name, f->required, (size_t)f->min, (size_t)f->max, &s, resp);
        return *rc == 0 ? json_string(s) : NULL;
    case FIELD_INT:
        *rc = glue_int(obj, f->name, f->required, f->min, f->max, &n, resp);
        return *rc == 0 ? json_integer(n) : NULL;
    case FIELD_BOOL:
        *rc = glue_bool(obj, f->name, f->required, &b, resp);
        return *rc == 0 ? json_boolean(b) : NULL;
    case FIELD_TIMESTAMP:
        v = json_object_get(obj, f->name);
        *rc = !v || json_is_null(v) ? 1 : json_is_number(v) ? 0 : wrong_type(resp, f->name,
                                                                              "a timestamp");
        return *rc == 0 ? json_real(json_number_value(v)) : NULL;
    case FIELD_MAP:
        *rc = glue_check_map(obj, f->name, resp);
        return *rc == 0 ? json_deep_copy(json_object_get(obj, f->name)) : NULL;
    case FIELD_STRUCT:
    case FIELD_OBJECT:
        *rc = glue_object(obj, f->name, f->required, &v, resp);
        if (*rc != 0 || f->kind == FIELD_OBJECT)
            return *rc == 0 ? json_deep_copy(v) : NULL;
        copy = copy_struct(v, f->shape, depth + 1, resp);
        *rc = copy ? 0 : -1;   /* copy_struct wrote the error */
        return copy;
    case FIELD_STRUCT_LIST:
    case FIELD_OBJECT_LIST:
        *rc = glue_array(obj, f->name, f->required, (size_t)-1, &v, resp);
        if (*rc != 0)
            return NULL;
        copy = copy_struct_list(v, f->name, f->shape, depth, resp);
        *rc = copy ? 0 : -1;
        return copy;
    case FIELD_STRING_LIST:
        *rc = glue_array(obj, f->name, f->required, (size_t)-1, &v, resp);
        if (*rc == 0 && check_string_list(v, f->name, f->max, resp) != 0)
            *rc = -1;
        return *rc == 0 ? json_deep_copy(v) : NULL;
    }
    *rc = 1;
    return NULL;
}

static json_t *copy_struct(const json_t *obj, const glue_shape *shape, int depth,
                           srv_response *resp)
{
    if (depth > MAX_NESTING) {
        glue_error(resp, "InvalidInputException", "The request nests structures too deeply.");
        return NULL;
    }
    json_t *copy = json_object();
    for (size_t i = 0; copy && i < shape->count; i++) {
        int rc;
        json_t *value = copy_field(obj, &shape->fields[i], depth, &rc, resp);
        if (rc < 0 || (rc == 0 && !value)) {
            if (rc == 0)
                glue_out_of_memory(resp);
            json_decref(value);
            json_decref(copy);
            return NULL;
        }
        if (value)
            json_object_set_new(copy, shape->fields[i].name, value);
    }
    if (!copy)
        glue_out_of_memory(resp);
    return copy;
}

json_t *glue_copy_shape(const json_t *obj, const glue_shape *shape, srv_response *resp)
{
    return copy_struct(obj, shape, 0, resp);
}

json_t *glue_input(const json_t *in, const char *key, const glue_shape *shape,
                   srv_response *resp)
{
    const json_t *obj;
    if (glue_object(in, key, 1, &obj, resp) != 0)
        return NULL;
    return copy_struct(obj, shape, 0, resp);
}
