/*
 * ddl_glue.c: the Glue documents that CREATE DATABASE and CREATE EXTERNAL
 * TABLE produce, shaped field for field as Athena's Hive DDL writes them
 * into the Glue Data Catalog, so Glue clients (and our engine) read the same
 * thing they would read on AWS.
 *
 * Notable Athena/Hive behaviour kept here: the SerDe parameters always hold
 * "serialization.format" ("1" unless FIELDS TERMINATED BY sets it to the
 * field delimiter, Hive's Table.getEmptyTable); "classification" is not
 * added (Athena's DDL does not; only crawlers and the console do); table
 * Parameters carry EXTERNAL=TRUE and transient_lastDdlTime; Owner is
 * "hadoop" and NumberOfBuckets -1, as for any Athena-created table.
 */
#include "ddl_internal.h"

#include <stdio.h>
#include <string.h>

#define TEXT_INPUT "org.apache.hadoop.mapred.TextInputFormat"
#define TEXT_OUTPUT "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
#define LAZY_SIMPLE_SERDE "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"

typedef struct storage_format {
    const char *name;         /* STORED AS name */
    const char *input_format;
    const char *output_format;
    const char *serde;        /* used unless ROW FORMAT SERDE names another */
} storage_format;

static const storage_format FORMATS[] = {
    {"textfile", TEXT_INPUT, TEXT_OUTPUT, LAZY_SIMPLE_SERDE},
    {"parquet", "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
     "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
     "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"},
    {"orc", "org.apache.hadoop.hive.ql.io.orc.OrcInputFormat",
     "org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat", "org.apache.hadoop.hive.ql.io.orc.OrcSerde"},
    {"avro", "org.apache.hadoop.hive.ql.io.avro.AvroContainerInputFormat",
     "org.apache.hadoop.hive.ql.io.avro.AvroContainerOutputFormat",
     "org.apache.hadoop.hive.serde2.avro.AvroSerDe"},
    /* Athena documents the HCatalog JSON SerDe as its Hive JSON SerDe. */
    {"jsonfile", TEXT_INPUT, TEXT_OUTPUT, "org.apache.hive.hcatalog.data.JsonSerDe"},
    {"sequencefile", "org.apache.hadoop.mapred.SequenceFileInputFormat",
     "org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat", LAZY_SIMPLE_SERDE},
    {"rcfile", "org.apache.hadoop.hive.ql.io.RCFileInputFormat",
     "org.apache.hadoop.hive.ql.io.RCFileOutputFormat",
     "org.apache.hadoop.hive.serde2.columnar.LazyBinaryColumnarSerDe"},
};

static const storage_format *find_format(const char *name)
{
    for (size_t i = 0; i < sizeof FORMATS / sizeof FORMATS[0]; i++)
        if (strcmp(FORMATS[i].name, name) == 0)
            return &FORMATS[i];
    return NULL;
}

int ddl_storage_format_known(const char *name)
{
    return find_format(name) != NULL;
}

/* Sets key to a new string value; a NULL value sets nothing. Returns 0 or
 * -1 when out of memory. */
static int set_string(json_t *obj, const char *key, const char *value)
{
    if (!value)
        return 0;
    json_t *s = json_string(value);
    return s ? json_object_set_new(obj, key, s) : -1;
}

/* Copies every member of from (which may be NULL) into to. */
static int merge(json_t *to, json_t *from)
{
    return from ? json_object_update(to, from) : 0;
}

static json_t *columns_json(const ddl_column_list *list)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < list->count; i++) {
        const ddl_column_def *c = &list->items[i];
        json_t *col = json_object();
        if (!col || set_string(col, "Name", c->name) != 0 || set_string(col, "Type", c->type) != 0 ||
            set_string(col, "Comment", c->comment) != 0 || json_array_append_new(arr, col) != 0) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

json_t *ddl_glue_database(const ddl_stmt *stmt, const char *account_id, double now)
{
    json_t *params = json_object();
    if (!params || merge(params, stmt->properties) != 0) {
        json_decref(params);
        return NULL;
    }
    json_t *db = json_pack("{s:s, s:o, s:f, s:[{s:{s:s}, s:[s]}]}", "Name", stmt->name,
                           "Parameters", params, "CreateTime", now,
                           "CreateTableDefaultPermissions", "Principal",
                           "DataLakePrincipalIdentifier", "IAM_ALLOWED_PRINCIPALS",
                           "Permissions", "ALL");
    if (!db || set_string(db, "Description", stmt->comment) != 0 ||
        set_string(db, "LocationUri", stmt->location) != 0 ||
        set_string(db, "CatalogId", account_id) != 0) {
        json_decref(db);
        return NULL;
    }
    return db;
}

/* SerdeInfo: the library from ROW FORMAT SERDE or the file format, and its
 * parameters as Hive sets them. */
static json_t *serde_info(const ddl_stmt *stmt, const storage_format *format)
{
    json_t *params = json_pack("{s:s}", "serialization.format", "1");
    const char *library = stmt->row_format == DDL_ROW_FORMAT_SERDE ? stmt->serde
                          : format                                  ? format->serde
                                                                    : LAZY_SIMPLE_SERDE;
    if (!params)
        return NULL;
    const char *field_delim =
        stmt->delimiters ? json_string_value(json_object_get(stmt->delimiters, "field.delim")) : NULL;
    if (merge(params, stmt->delimiters) != 0 ||
        set_string(params, "serialization.format", field_delim) != 0 ||
        merge(params, stmt->serde_properties) != 0) {
        json_decref(params);
        return NULL;
    }
    return json_pack("{s:s, s:o}", "SerializationLibrary", library, "Parameters", params);
}

static json_t *storage_descriptor(const ddl_stmt *stmt)
{
    /* No STORED AS means TEXTFILE, Hive's default. */
    const storage_format *format = stmt->input_format ? NULL
                                   : find_format(stmt->stored_as ? stmt->stored_as : "textfile");
    json_t *columns = columns_json(&stmt->columns);
    json_t *serde = serde_info(stmt, format);
    if (!columns || !serde) {
        json_decref(columns);
        json_decref(serde);
        return NULL;
    }
    return json_pack("{s:o, s:s, s:s, s:s, s:b, s:i, s:o, s:[], s:[], s:{}, "
                     "s:{s:[], s:[], s:{}}, s:b}",
                     "Columns", columns, "Location", stmt->location,
                     "InputFormat", format ? format->input_format : stmt->input_format,
                     "OutputFormat", format ? format->output_format : stmt->output_format,
                     "Compressed", 0, "NumberOfBuckets", -1, "SerdeInfo", serde,
                     "BucketColumns", "SortColumns", "Parameters", "SkewedInfo",
                     "SkewedColumnNames", "SkewedColumnValues", "SkewedColumnValueLocationMaps",
                     "StoredAsSubDirectories", 0);
}

static json_t *table_parameters(const ddl_stmt *stmt, double now)
{
    char ddl_time[32];
    snprintf(ddl_time, sizeof ddl_time, "%lld", (long long)now);
    json_t *params = json_pack("{s:s}", "EXTERNAL", "TRUE");
    if (!params || merge(params, stmt->properties) != 0 ||
        set_string(params, "comment", stmt->comment) != 0 ||
        set_string(params, "transient_lastDdlTime", ddl_time) != 0) {
        json_decref(params);
        return NULL;
    }
    /* A TBLPROPERTIES 'EXTERNAL'='FALSE' cannot make an external table managed. */
    if (set_string(params, "EXTERNAL", "TRUE") != 0) {
        json_decref(params);
        return NULL;
    }
    return params;
}

json_t *ddl_glue_table(const ddl_stmt *stmt, const char *database, const char *account_id,
                       double now)
{
    json_t *sd = storage_descriptor(stmt);
    json_t *partition_keys = columns_json(&stmt->partition_keys);
    json_t *params = table_parameters(stmt, now);
    if (!sd || !partition_keys || !params) {
        json_decref(sd);
        json_decref(partition_keys);
        json_decref(params);
        return NULL;
    }
    json_t *table = json_pack("{s:s, s:s, s:s, s:f, s:f, s:i, s:o, s:o, s:s, s:o, s:b}",
                              "Name", stmt->name, "DatabaseName", database, "Owner", "hadoop",
                              "CreateTime", now, "UpdateTime", now, "Retention", 0,
                              "StorageDescriptor", sd, "PartitionKeys", partition_keys,
                              "TableType", "EXTERNAL_TABLE", "Parameters", params,
                              "IsRegisteredWithLakeFormation", 0);
    if (!table || set_string(table, "Description", stmt->comment) != 0 ||
        set_string(table, "CatalogId", account_id) != 0) {
        json_decref(table);
        return NULL;
    }
    return table;
}
