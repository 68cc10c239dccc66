/*
 * cmd_doctor_data.c: the doctor's catalog and data checks: Glue
 * GetDatabase on the configured database, GetTable and GetPartitions on
 * each table the profile names (athena_tables), and S3 ListBucket and
 * GetObject on each table's location, as the connector's reads need.
 */
#include "cmd_doctor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DOCTOR_TABLES 16

static void glue_arn(const doctor *d, const char *db, const char *table, char *out, size_t cap)
{
    char resource[600];
    if (table)
        snprintf(resource, sizeof resource, "table/%s/%s", db, table);
    else
        snprintf(resource, sizeof resource, "database/%s", db);
    doctor_arn(d, "glue", resource, out, cap);
}

static int glue_failed(doctor *d, const char *name, const char *action, const char *db,
                       const char *table)
{
    const athena_error *err = athena_client_error(d->client);
    char arn[1024];
    glue_arn(d, db, table, arn, sizeof arn);
    if (strcmp(err->code, "EntityNotFoundException") == 0) {
        doctor_add(d, CHECK_FAIL, name, NULL,
                   table ? "check athena_tables in the profile (names are db.table or "
                           "tables of athena_database)"
                         : "check athena_database in the profile (or --database)",
                   "%s: %s", err->code, err->message);
        d->checks[d->count - 1].exit_code = EXIT_CONFIG;
        return -1;
    }
    doctor_call_failed(d, name, err, action, arn, 0);
    return -1;
}

/* The first object's key under prefix that is a file (not a folder marker). */
static const char *first_file(const athena_s3_listing *l)
{
    for (size_t i = 0; i < l->object_count; i++) {
        size_t n = strlen(l->objects[i].key);
        if (n && l->objects[i].key[n - 1] != '/')
            return l->objects[i].key;
    }
    return NULL;
}

static void check_object(doctor *d, const char *bucket, const char *prefix, const char *key)
{
    char name[1200], resource[1200], arn[1300], *data = NULL;
    size_t len;
    snprintf(name, sizeof name, "s3:GetObject s3://%s/%s", bucket, key);
    if (athena_s3_read(d->client, bucket, key, 16, &data, &len) == ATHENA_OK) {
        doctor_add(d, CHECK_OK, name, NULL, NULL, "read the first %zu bytes", len);
        free(data);
        return;
    }
    snprintf(resource, sizeof resource, "%s/%s*", bucket, prefix);
    doctor_arn(d, "s3", resource, arn, sizeof arn);
    doctor_call_failed(d, name, athena_client_error(d->client), "s3:GetObject", arn, 0);
}

/* ListBucket on the table's location, then GetObject on a file there. */
static void check_location(doctor *d, const char *location)
{
    char *bucket = NULL, *key = NULL, prefix[1024], name[1200];
    if (athena_s3_uri_parse(location, &bucket, &key) != ATHENA_OK)
        return;
    size_t n = strlen(key);
    snprintf(prefix, sizeof prefix, "%s%s", key, n && key[n - 1] != '/' ? "/" : "");
    snprintf(name, sizeof name, "s3:ListBucket s3://%s/%s", bucket, prefix);
    athena_s3_list_params lp = {0};
    lp.bucket = bucket;
    lp.prefix = prefix;
    lp.max_keys = 20;
    athena_s3_listing *l = NULL;
    if (athena_s3_list(d->client, &lp, &l) != ATHENA_OK) {
        char arn[600];
        doctor_arn(d, "s3", bucket, arn, sizeof arn);
        doctor_call_failed(d, name, athena_client_error(d->client), "s3:ListBucket", arn, 0);
    } else {
        const char *file = first_file(l);
        doctor_add(d, CHECK_OK, name, NULL, NULL, "%zu object%s listed%s", l->object_count,
                   l->object_count == 1 ? "" : "s", l->is_truncated ? " (first page)" : "");
        if (file)
            check_object(d, bucket, prefix, file);
        else
            doctor_add(d, CHECK_WARN, "s3:GetObject", NULL, NULL,
                       "not checked: no data file under s3://%s/%s", bucket, prefix);
    }
    athena_s3_listing_free(l);
    free(bucket);
    free(key);
}

static void check_partitions(doctor *d, const char *db, const athena_table *t)
{
    char name[600];
    snprintf(name, sizeof name, "glue:GetPartitions %s.%s", db, t->name);
    athena_glue_page_options po = {NULL, 1, 1};
    athena_partition_list *parts = NULL;
    if (athena_glue_get_partitions(d->client, db, t->name, NULL, &po, &parts) == ATHENA_OK)
        doctor_add(d, CHECK_OK, name, NULL, NULL, "%s",
                   t->partition_key_count == 0 ? "allowed (the table is not partitioned)"
                   : parts->count              ? "read its partitions"
                                               : "allowed (no partitions yet)");
    else
        glue_failed(d, name, "glue:GetPartitions", db, t->name);
    athena_partition_list_free(parts);
}

static void check_table(doctor *d, const char *db, const char *table)
{
    char name[600];
    snprintf(name, sizeof name, "glue:GetTable %s.%s", db, table);
    athena_table *t = NULL;
    if (athena_glue_get_table(d->client, db, table, &t) != ATHENA_OK) {
        glue_failed(d, name, "glue:GetTable", db, table);
        return;
    }
    doctor_add(d, CHECK_OK, name, NULL, NULL, "%zu column%s, %zu partition key%s, location %s",
               t->column_count, t->column_count == 1 ? "" : "s", t->partition_key_count,
               t->partition_key_count == 1 ? "" : "s", t->location ? t->location : "(none)");
    check_partitions(d, db, t);
    if (t->location && strncmp(t->location, "s3://", 5) == 0)
        check_location(d, t->location);
    athena_table_free(t);
}

/* athena_tables: "orders, sales.items": bare names belong to the database. */
static void check_tables(doctor *d, const char *database)
{
    const char *list = athena_config_profile_value(d->config, "athena_tables");
    if (!list || !list[0]) {
        doctor_add(d, CHECK_WARN, "tables", NULL,
                   "name the tables the connector reads in the profile, e.g. "
                   "'athena_tables = orders, sales.items'",
                   "no athena_tables in the profile: GetTable, GetPartitions and the data "
                   "files were not checked");
        return;
    }
    char *copy = strdup(list);
    int checked = 0;
    for (char *save = NULL, *t = copy ? strtok_r(copy, ", ", &save) : NULL;
         t && checked < MAX_DOCTOR_TABLES; t = strtok_r(NULL, ", ", &save), checked++) {
        char *dot = strchr(t, '.');
        if (dot)
            *dot = '\0';
        check_table(d, dot ? t : database, dot ? dot + 1 : t);
    }
    free(copy);
}

void doctor_check_catalog(doctor *d)
{
    const char *db = athena_config_database(d->config);
    if (!db) {
        doctor_add(d, CHECK_WARN, "glue:GetDatabase", NULL,
                   "set athena_database in the profile (or pass --database)",
                   "no database configured: Glue and S3 access were not checked");
        return;
    }
    char name[600];
    snprintf(name, sizeof name, "glue:GetDatabase %s", db);
    athena_database *info = NULL;
    if (athena_glue_get_database(d->client, db, &info) == ATHENA_OK) {
        doctor_add(d, CHECK_OK, name, NULL, NULL, "found%s%s", info->location_uri ? ", location " : "",
                   info->location_uri ? info->location_uri : "");
        athena_database_free(info);
    } else {
        glue_failed(d, name, "glue:GetDatabase", db, NULL);
    }
    check_tables(d, db);
}
