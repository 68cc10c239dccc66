/*
 * engine_partitions.c: the data files of a partitioned table as Athena
 * sees them: those of its registered partitions (Glue partitions, added by
 * ALTER TABLE ADD PARTITION, MSCK REPAIR TABLE or Glue's API), each read
 * from its own StorageDescriptor.Location. A folder under the table that
 * no partition names is invisible until it is registered, as in Athena.
 *
 * The catalog lookup hands the partitions to the engine inside the table
 * entry (ENGINE_TABLE_PARTITIONS). Also here: the bytes a statement scans,
 * which count only the partitions its predicates can select
 * (engine_pruning.c).
 */
#include "engine_internal.h"

#include "objects.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *partition_location(const json_t *partition)
{
    return json_string_value(
        json_object_get(json_object_get(partition, "StorageDescriptor"), "Location"));
}

/* "year=2001/month=01" style text naming a partition in messages. */
static void partition_label(const json_t *table, const json_t *partition, char *out, size_t cap)
{
    const json_t *keys = json_object_get(table, "PartitionKeys");
    const json_t *values = json_object_get(partition, "Values");
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < json_array_size(values) && used < cap; i++) {
        const char *key = json_string_value(json_object_get(json_array_get(keys, i), "Name"));
        const char *v = json_string_value(json_array_get(values, i));
        used += (size_t)snprintf(out + used, cap - used, "%s%s=%s", i ? "/" : "",
                                 key ? key : "?", v ? v : "?");
    }
}

/* Checks that a partition document can be read: its values match the
 * table's keys and it has a location. */
static engine_failure check_partition(const char *db, const char *name, const json_t *table,
                                      const json_t *partition, engine_error *err)
{
    const json_t *values = json_object_get(partition, "Values");
    size_t keys = json_array_size(json_object_get(table, "PartitionKeys"));
    if (json_array_size(values) != keys)
        return engine_fail(err, ENGINE_USER_ERROR, "HIVE_INVALID_METADATA",
                           "A partition of table '%s.%s.%s' has %zu values for %zu partition "
                           "keys", ENGINE_CATALOG, db, name, json_array_size(values), keys);
    for (size_t i = 0; i < keys; i++)
        if (!json_is_string(json_array_get(values, i)))
            return engine_fail(err, ENGINE_USER_ERROR, "HIVE_INVALID_METADATA",
                               "A partition of table '%s.%s.%s' has a value that is not a "
                               "string", ENGINE_CATALOG, db, name);
    const char *location = partition_location(partition);
    if (!location || !*location) {
        char label[512];
        partition_label(table, partition, label, sizeof label);
        return engine_fail(err, ENGINE_USER_ERROR, "HIVE_INVALID_METADATA",
                           "Partition %s of table '%s.%s.%s' has no location", label,
                           ENGINE_CATALOG, db, name);
    }
    return ENGINE_OK;
}

engine_failure partition_files_load(engine *e, const char *db, const char *name,
                                    const json_t *table, partition_files *out,
                                    engine_error *err)
{
    memset(out, 0, sizeof *out);
    const json_t *partitions = json_object_get(table, ENGINE_TABLE_PARTITIONS);
    if (!json_is_array(partitions))
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "HIVE_METASTORE_ERROR",
                           "Cannot read the partitions of table '%s.%s.%s'", ENGINE_CATALOG,
                           db, name);
    size_t n = json_array_size(partitions);
    out->lists = calloc(n ? n : 1, sizeof *out->lists);
    if (!out->lists)
        return engine_fail(err, ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR", "out of memory");
    for (size_t i = 0; i < n; i++) {
        const json_t *partition = json_array_get(partitions, i);
        if (check_partition(db, name, table, partition, err) != ENGINE_OK)
            return err->failure;
        char path[4096], why[512], label[512];
        const char *location = partition_location(partition);
        partition_label(table, partition, label, sizeof label);
        if (s3_uri_path(e->s3_root, location, path, sizeof path) != 0)
            return engine_fail(err, ENGINE_USER_ERROR, "HIVE_INVALID_METADATA",
                               "Partition %s of table '%s.%s.%s' has an invalid location: %s",
                               label, ENGINE_CATALOG, db, name, location);
        if (table_files_list(path, NULL, 0, &out->lists[i], why, sizeof why) != 0)
            return engine_fail(err, ENGINE_SYSTEM_ERROR, "HIVE_FILESYSTEM_ERROR",
                               "Cannot list the files of partition %s of table '%s.%s.%s': %s",
                               label, ENGINE_CATALOG, db, name, why);
        out->count++;
    }
    return ENGINE_OK;
}

void partition_files_free(partition_files *pf)
{
    for (size_t i = 0; i < pf->count; i++)
        table_files_free(&pf->lists[i]);
    free(pf->lists);
    memset(pf, 0, sizeof *pf);
}

int partition_files_merge(const partition_files *pf, table_files *all)
{
    memset(all, 0, sizeof *all);
    for (size_t i = 0; i < pf->count; i++) {
        const table_files *list = &pf->lists[i];
        for (size_t j = 0; j < list->count; j++) {
            if (all->count == all->cap) {
                size_t cap = all->cap ? all->cap * 2 : 16;
                table_file *items = realloc(all->items, cap * sizeof *items);
                if (!items)
                    return -1;
                all->items = items;
                all->cap = cap;
            }
            table_file copy = list->items[j];
            if (!(copy.path = strdup(copy.path)))
                return -1;
            all->items[all->count++] = copy;
            all->total_bytes += copy.size;
        }
    }
    return 0;
}

int64_t partition_files_bytes(const partition_files *pf, duckdb_connection work,
                              const engine_bind *bind, const char *db, const char *name,
                              const json_t *table)
{
    const json_t *partitions = json_object_get(table, ENGINE_TABLE_PARTITIONS);
    unsigned char *keep = malloc(pf->count ? pf->count : 1);
    json_t *parsed = bind && !bind->tree && bind->sql ? engine_parse_tree(work, bind->sql) : NULL;
    const json_t *tree = bind && bind->tree ? bind->tree : parsed;
    if (keep && tree)
        engine_prune_partitions(tree, bind->default_db, db, name,
                                json_object_get(table, "PartitionKeys"), partitions, keep);
    else if (keep)
        memset(keep, 1, pf->count);
    int64_t bytes = 0;
    for (size_t i = 0; i < pf->count; i++)
        if (!keep || keep[i])
            bytes += pf->lists[i].total_bytes;
    json_decref(parsed);
    free(keep);
    return bytes;
}
