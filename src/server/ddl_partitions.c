/*
 * ddl_partitions.c: a partitioned table's partitions through DDL, as Athena
 * (Hive) manages them: ALTER TABLE ADD PARTITION, ALTER TABLE DROP
 * PARTITION and SHOW PARTITIONS, plus what MSCK REPAIR TABLE (ddl_msck.c)
 * and the engine share: Hive's partition names ("year=2001/month=01", with
 * Hive's path escaping), the Glue Partition document, and the catalog
 * lookup that hands a table's partitions to the engine.
 *
 * A partition is identified by its Values, one per partition key in the
 * table's order; a spec may name the keys in any order. Its default
 * location is the table's LOCATION followed by its name, as in Hive. DROP
 * takes partial specs, dropping every partition that matches (Hive).
 * Statements check every spec before changing anything.
 */
#include "ddl_internal.h"

#include "crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Hive partition names -------------------------------------------------------- */

/* FileUtils.escapePathName's set: control characters and these. */
static int hive_escapes(unsigned char c)
{
    return c < 0x20 || c == 0x7f || strchr("\"#%'*/:=?\\{[]^", c) != NULL;
}

static int put_escaped(buf *out, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    int rc = 0;
    for (const unsigned char *c = (const unsigned char *)text; rc == 0 && *c; c++) {
        if (hive_escapes(*c)) {
            char esc[3] = {'%', hex[*c >> 4], hex[*c & 15]};
            rc = buf_append(out, esc, 3);
        } else {
            rc = buf_putc(out, (char)*c);
        }
    }
    return rc;
}

int ddl_partition_name(const json_t *keys, const json_t *values, buf *out)
{
    buf_reset(out);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < json_array_size(values); i++) {
        const char *value = json_string_value(json_array_get(values, i));
        rc = i ? buf_putc(out, '/') : 0;
        rc = rc ? rc : put_escaped(out, ddl_member_string(json_array_get(keys, i), "Name"));
        rc = rc ? rc : buf_putc(out, '=');
        /* Hive writes an empty value as its default partition. */
        rc = rc ? rc : put_escaped(out, value && *value ? value : "__HIVE_DEFAULT_PARTITION__");
    }
    return rc;
}

int ddl_unescape_path_value(const char *text, size_t len, buf *out)
{
    buf_reset(out);
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == '%' && i + 2 < len && hex_digit_value(text[i + 1]) >= 0 &&
            hex_digit_value(text[i + 2]) >= 0) {
            c = (char)(hex_digit_value(text[i + 1]) * 16 + hex_digit_value(text[i + 2]));
            i += 2;
            if (c == '\0')
                return -1;
        }
        if (buf_putc(out, c) != 0)
            return -1;
    }
    return 0;
}

/* ---- Glue documents ------------------------------------------------------------------- */

json_t *ddl_glue_partition(const json_t *table, const json_t *values, const char *location,
                           const char *account_id, double now)
{
    json_t *sd = json_deep_copy(json_object_get(table, "StorageDescriptor"));
    if (!sd)
        sd = json_object();
    json_t *partition = json_pack("{s:O, s:s, s:s, s:f, s:{}}", "Values", values, "DatabaseName",
                                  ddl_member_string(table, "DatabaseName"), "TableName",
                                  ddl_member_string(table, "Name"), "CreationTime", now,
                                  "Parameters");
    if (!sd || !partition || json_object_set_new(sd, "Location", json_string(location)) != 0 ||
        json_object_set(partition, "StorageDescriptor", sd) != 0 ||
        (account_id && json_object_set_new(partition, "CatalogId", json_string(account_id)) != 0)) {
        json_decref(sd);
        json_decref(partition);
        return NULL;
    }
    json_decref(sd);
    return partition;
}

int ddl_is_view(const json_t *table)
{
    return table && strcmp(ddl_member_string(table, "TableType"), "VIRTUAL_VIEW") == 0;
}

json_t *ddl_catalog_lookup(void *store_user_data, const char *database, const char *table)
{
    store *st = store_user_data;
    json_t *doc = store_table_get(st, database, table);
    if (!doc || ddl_is_view(doc) || json_array_size(json_object_get(doc, "PartitionKeys")) == 0)
        return doc;
    json_t *partitions = store_partition_list(st, database, table, NULL, 0);
    /* null (not absent) tells the engine they could not be read */
    json_object_set_new(doc, "Partitions", partitions ? partitions : json_null());
    return doc;
}

/* ---- parsing ---------------------------------------------------------------------------- */

static ddl_partition_spec *push_spec(ddl_parser *p, ddl_stmt *stmt)
{
    if (stmt->spec_count == stmt->spec_cap) {
        size_t cap = stmt->spec_cap ? stmt->spec_cap * 2 : 4;
        ddl_partition_spec *specs = realloc(stmt->specs, cap * sizeof *specs);
        if (!specs) {
            ddl_fail(p->err, 0, "out of memory");
            return NULL;
        }
        stmt->specs = specs;
        stmt->spec_cap = cap;
    }
    ddl_partition_spec *spec = &stmt->specs[stmt->spec_count++];
    memset(spec, 0, sizeof *spec);
    spec->line = ddl_peek(p)->line;
    spec->column = ddl_peek(p)->column;
    return spec;
}

/* A partition value: a string, or a number as written. */
static int parse_value(ddl_parser *p, char **out)
{
    const ddl_token *t = ddl_peek(p);
    if (t->type == DDL_TOK_STRING)
        return ddl_parse_string(p, out);
    if (t->type != DDL_TOK_NUMBER)
        return ddl_syntax_error(p, "<string>, <integer>");
    if (!(*out = strndup(t->start, t->length)))
        return ddl_fail(p->err, 0, "out of memory");
    p->pos++;
    return 0;
}

static int add_pair(ddl_parser *p, ddl_partition_spec *spec, char *key, char *value)
{
    for (size_t i = 0; i < spec->count; i++)
        if (strcmp(spec->keys[i], key) == 0)
            return ddl_fail(p->err, 1, "line %d:%d: partition key %s is given twice", spec->line,
                            spec->column, key);
    char **keys = realloc(spec->keys, (spec->count + 1) * sizeof *keys);
    if (keys)
        spec->keys = keys;
    char **values = keys ? realloc(spec->values, (spec->count + 1) * sizeof *values) : NULL;
    if (!values)
        return ddl_fail(p->err, 0, "out of memory");
    spec->values = values;
    spec->keys[spec->count] = key;
    spec->values[spec->count++] = value;
    return 0;
}

/* PARTITION (key = value, ...) */
static int parse_spec(ddl_parser *p, ddl_stmt *stmt, ddl_partition_spec **out)
{
    ddl_partition_spec *spec = push_spec(p, stmt);
    if (!spec || ddl_expect_word(p, "PARTITION") != 0 || ddl_expect_punct(p, '(') != 0)
        return -1;
    do {
        char *key = NULL, *value = NULL;
        int rc = ddl_parse_column_name(p, &key);
        rc = rc ? rc : ddl_expect_punct(p, '=');
        rc = rc ? rc : parse_value(p, &value);
        rc = rc ? rc : add_pair(p, spec, key, value);
        if (rc != 0) {
            free(key);
            free(value);
            return -1;
        }
    } while (ddl_accept_punct(p, ','));
    *out = spec;
    return ddl_expect_punct(p, ')');
}

/* ALTER TABLE [db.]name <action> */
static int parse_alter_table(ddl_parser *p, ddl_stmt *stmt, const char *action)
{
    if (ddl_expect_word(p, "ALTER") != 0 || ddl_expect_word(p, "TABLE") != 0 ||
        ddl_parse_qualified_name(p, stmt) != 0)
        return -1;
    return ddl_expect_word(p, action);
}

int ddl_parse_add_partition(ddl_parser *p, ddl_stmt *stmt)
{
    if (parse_alter_table(p, stmt, "ADD") != 0 ||
        (stmt->if_exists = ddl_accept_if_not_exists(p)) < 0)
        return -1;
    int located;
    do {
        ddl_partition_spec *spec;
        if (parse_spec(p, stmt, &spec) != 0)
            return -1;
        located = ddl_accept_word(p, "LOCATION");
        if (located && ddl_parse_location(p, &spec->location) != 0)
            return -1;
    } while (ddl_token_is_word(ddl_peek(p), "PARTITION"));
    return ddl_expect_end(p, located ? "'PARTITION', <EOF>" : "'LOCATION', 'PARTITION', <EOF>");
}

int ddl_parse_drop_partition(ddl_parser *p, ddl_stmt *stmt)
{
    if (parse_alter_table(p, stmt, "DROP") != 0 ||
        (stmt->if_exists = ddl_accept_if_exists(p)) < 0)
        return -1;
    do {
        ddl_partition_spec *spec;
        if (parse_spec(p, stmt, &spec) != 0)
            return -1;
    } while (ddl_accept_punct(p, ','));
    ddl_accept_word(p, "PURGE");   /* an external table's files stay either way */
    return ddl_expect_end(p, "',', 'PURGE', <EOF>");
}

int ddl_parse_show_partitions(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "SHOW") != 0 || ddl_expect_word(p, "PARTITIONS") != 0 ||
        ddl_parse_qualified_name(p, stmt) != 0)
        return -1;
    return ddl_expect_end(p, "<EOF>");
}

/* ---- checking specs against the table ---------------------------------------------------- */

/* The table, which must be partitioned; NULL after an error. */
static json_t *load_partitioned(ddl_context *ctx, const ddl_stmt *stmt, char *db, size_t cap)
{
    json_t *table = ddl_load_table(ctx, ddl_target_database(ctx, stmt, db, cap), stmt->name);
    if (table && json_array_size(json_object_get(table, "PartitionKeys")) == 0) {
        ddl_fail(ctx->err, 1, "Table %s.%s is not partitioned", db, stmt->name);
        json_decref(table);
        return NULL;
    }
    return table;
}

/* "(year='2001', month='01')" for messages. */
static void spec_text(const ddl_partition_spec *spec, char *out, size_t cap)
{
    size_t used = (size_t)snprintf(out, cap, "(");
    for (size_t i = 0; i < spec->count && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s='%s'", i ? ", " : "",
                                 spec->keys[i], spec->values[i]);
    if (used < cap)
        snprintf(out + used, cap - used, ")");
}

/* The spec's values in the table's key order, NULL for keys it leaves out
 * (allowed only when partial); NULL after an error. */
static json_t *spec_values(ddl_context *ctx, const json_t *keys, const ddl_partition_spec *spec,
                           int partial)
{
    char text[512];
    spec_text(spec, text, sizeof text);
    for (size_t i = 0; i < spec->count; i++) {
        size_t k;
        const json_t *key;
        int found = 0;
        json_array_foreach(keys, k, key)
            found |= strcmp(ddl_member_string(key, "Name"), spec->keys[i]) == 0;
        if (!found) {
            ddl_fail(ctx->err, 1, "line %d:%d: %s is not a partition key of the table: %s",
                     spec->line, spec->column, spec->keys[i], text);
            return NULL;
        }
    }
    json_t *values = json_array();
    if (!values) {
        ddl_fail(ctx->err, 0, "out of memory");
        return NULL;
    }
    size_t k;
    const json_t *key;
    json_array_foreach(keys, k, key) {
        const char *value = NULL;
        for (size_t i = 0; i < spec->count; i++)
            if (strcmp(ddl_member_string(key, "Name"), spec->keys[i]) == 0)
                value = spec->values[i];
        if ((!value && !partial) || (value && !*value)) {
            ddl_fail(ctx->err, 1, "line %d:%d: partition spec is invalid; field %s does not "
                     "exist or is empty: %s", spec->line, spec->column,
                     ddl_member_string(key, "Name"), text);
            json_decref(values);
            return NULL;
        }
        if (json_array_append_new(values, value ? json_string(value) : json_null()) != 0) {
            ddl_fail(ctx->err, 0, "out of memory");
            json_decref(values);
            return NULL;
        }
    }
    return values;
}

/* ---- ALTER TABLE ADD PARTITION ------------------------------------------------------------ */

/* LOCATION, or the table's followed by the partition's name. */
char *ddl_partition_location(const json_t *table, const json_t *values, const char *given)
{
    if (given)
        return strdup(given);
    const char *base = ddl_member_string(json_object_get(table, "StorageDescriptor"), "Location");
    buf name = BUF_INIT, location = BUF_INIT;
    size_t len = strlen(base);
    int rc = ddl_partition_name(json_object_get(table, "PartitionKeys"), values, &name);
    rc = rc ? rc : buf_printf(&location, "%s%s%s", base, len && base[len - 1] == '/' ? "" : "/",
                              buf_str(&name));
    buf_free(&name);
    if (rc != 0) {
        buf_free(&location);
        return NULL;
    }
    return buf_detach(&location);
}

/* Whether a partition with these values exists; -1 on a store failure. */
static int partition_exists(ddl_context *ctx, const char *db, const char *name,
                            const json_t *values)
{
    json_t *found = store_partition_get(ctx->st, db, name, values);
    json_decref(found);
    return found ? 1 : 0;
}

/* Checks every spec; fills values_list with the Values of each. */
static int check_new_partitions(ddl_context *ctx, const ddl_stmt *stmt, const char *db,
                                const json_t *table, json_t *values_list)
{
    const json_t *keys = json_object_get(table, "PartitionKeys");
    for (size_t i = 0; i < stmt->spec_count; i++) {
        json_t *values = spec_values(ctx, keys, &stmt->specs[i], 0);
        if (!values)
            return -1;
        json_array_append_new(values_list, values);
        char text[512];
        spec_text(&stmt->specs[i], text, sizeof text);
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_array_get(values_list, j), values))
                return ddl_fail(ctx->err, 1, "Partition %s is given twice", text);
        if (!stmt->if_exists && partition_exists(ctx, db, stmt->name, values))
            return ddl_fail(ctx->err, 1, "Partition already exists: %s.%s %s", db, stmt->name,
                            text);
    }
    return 0;
}

int ddl_exec_add_partition(ddl_context *ctx, const ddl_stmt *stmt)
{
    char db[DDL_MAX_NAME + 1];
    json_t *table = load_partitioned(ctx, stmt, db, sizeof db);
    if (!table)
        return -1;
    json_t *values_list = json_array();
    int rc = values_list ? check_new_partitions(ctx, stmt, db, table, values_list)
                         : ddl_fail(ctx->err, 0, "out of memory");
    double now = ddl_now();
    for (size_t i = 0; rc == 0 && i < stmt->spec_count; i++) {
        const json_t *values = json_array_get(values_list, i);
        char *location = ddl_partition_location(table, values, stmt->specs[i].location);
        json_t *partition = location ? ddl_glue_partition(table, values, location,
                                                          ctx->account_id, now)
                                     : NULL;
        store_status status = partition ? store_partition_create(ctx->st, db, stmt->name,
                                                                 partition)
                                        : STORE_ERROR;
        if (!partition)
            rc = ddl_fail(ctx->err, 0, "out of memory");
        else if (status == STORE_EXISTS && !stmt->if_exists)
            rc = ddl_fail(ctx->err, 1, "Partition already exists: %s.%s", db, stmt->name);
        else if (status == STORE_NOT_FOUND)
            rc = ddl_fail(ctx->err, 1, "Table not found: %s.%s", db, stmt->name);
        else if (status != STORE_OK && status != STORE_EXISTS)
            rc = ddl_store_failure(ctx, "adding the partition");
        json_decref(partition);
        free(location);
    }
    json_decref(values_list);
    json_decref(table);
    return rc == 0 ? ddl_output_nothing(ctx) : -1;
}

/* ---- ALTER TABLE DROP PARTITION ------------------------------------------------------------ */

/* Whether a partition's Values match a (partial) spec's values. */
static int spec_matches(const json_t *spec_values_, const json_t *values)
{
    for (size_t i = 0; i < json_array_size(spec_values_); i++) {
        const json_t *want = json_array_get(spec_values_, i);
        if (!json_is_null(want) && !json_equal(want, json_array_get(values, i)))
            return 0;
    }
    return 1;
}

/* The Values of the partitions to drop, each once; NULL after an error. */
static json_t *partitions_to_drop(ddl_context *ctx, const ddl_stmt *stmt, const char *db,
                                  const json_t *table)
{
    json_t *all = store_partition_list(ctx->st, db, stmt->name, NULL, 0);
    json_t *drop = json_array();
    if (!all || !drop) {
        json_decref(all);
        json_decref(drop);
        ddl_store_failure(ctx, "listing the partitions");
        return NULL;
    }
    for (size_t s = 0; s < stmt->spec_count; s++) {
        json_t *want = spec_values(ctx, json_object_get(table, "PartitionKeys"), &stmt->specs[s],
                                   1);
        size_t matched = 0, i;
        json_t *partition;
        json_array_foreach(all, i, partition) {
            json_t *values = json_object_get(partition, "Values");
            if (!want || !spec_matches(want, values))
                continue;
            matched++;
            int seen = 0;
            for (size_t j = 0; j < json_array_size(drop); j++)
                seen |= json_equal(json_array_get(drop, j), values);
            if (!seen)
                json_array_append(drop, values);
        }
        json_decref(want);
        char text[512];
        spec_text(&stmt->specs[s], text, sizeof text);
        if (want && matched == 0 && !stmt->if_exists)
            ddl_fail(ctx->err, 1, "Partition not found %s", text);
        if (!want || (matched == 0 && !stmt->if_exists)) {
            json_decref(all);
            json_decref(drop);
            return NULL;
        }
    }
    json_decref(all);
    return drop;
}

int ddl_exec_drop_partition(ddl_context *ctx, const ddl_stmt *stmt)
{
    char db[DDL_MAX_NAME + 1];
    json_t *table = load_partitioned(ctx, stmt, db, sizeof db);
    json_t *drop = table ? partitions_to_drop(ctx, stmt, db, table) : NULL;
    int rc = drop ? 0 : -1;
    size_t i;
    json_t *values;
    json_array_foreach(drop, i, values) {
        store_status status = store_partition_delete(ctx->st, db, stmt->name, values);
        if (status != STORE_OK && status != STORE_NOT_FOUND) {   /* gone meanwhile: fine */
            rc = ddl_store_failure(ctx, "dropping the partition");
            break;
        }
    }
    json_decref(drop);
    json_decref(table);
    return rc == 0 ? ddl_output_nothing(ctx) : -1;
}

/* ---- SHOW PARTITIONS ------------------------------------------------------------------------ */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The partition names of list, sorted (malloc'd array of malloc'd strings). */
static char **sorted_names(const json_t *keys, const json_t *list)
{
    size_t n = json_array_size(list);
    char **names = calloc(n ? n : 1, sizeof *names);
    buf name = BUF_INIT;
    for (size_t i = 0; names && i < n; i++) {
        if (ddl_partition_name(keys, json_object_get(json_array_get(list, i), "Values"),
                               &name) != 0 ||
            !(names[i] = strdup(buf_str(&name)))) {
            for (size_t j = 0; j < i; j++)
                free(names[j]);
            free(names);
            names = NULL;
        }
    }
    buf_free(&name);
    if (names && n > 1)
        qsort(names, n, sizeof *names, compare_strings);
    return names;
}

int ddl_exec_show_partitions(ddl_context *ctx, const ddl_stmt *stmt)
{
    static const char *const columns[] = {"partition"};
    char db[DDL_MAX_NAME + 1];
    json_t *table = ddl_load_table(ctx, ddl_target_database(ctx, stmt, db, sizeof db),
                                   stmt->name);
    if (!table)
        return -1;
    int rc = 0;
    json_t *list = NULL;
    char **names = NULL;
    if (json_array_size(json_object_get(table, "PartitionKeys")) == 0)
        rc = ddl_fail(ctx->err, 1, "Table %s is not a partitioned table", stmt->name);
    else if (!(list = store_partition_list(ctx->st, db, stmt->name, NULL, 0)))
        rc = ddl_store_failure(ctx, "listing the partitions");
    else if (!(names = sorted_names(json_object_get(table, "PartitionKeys"), list)))
        rc = ddl_fail(ctx->err, 0, "out of memory");
    size_t n = json_array_size(list);
    if (rc == 0)
        rc = ddl_output_columns(ctx, columns, 1);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = ddl_output_row(ctx, (const char *const *)&names[i], 1);
    for (size_t i = 0; names && i < n; i++)
        free(names[i]);
    free(names);
    json_decref(list);
    json_decref(table);
    return rc;
}
