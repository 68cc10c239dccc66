/*
 * ddl_exec.c: runs parsed catalog statements against the store and writes
 * their output rows, one exec function per statement kind (ddl.c
 * dispatches). Output columns are typed "string" (precision 0), as real
 * Athena types the columns of DDL and utility results.
 *
 * DESCRIBE lays out its rows as Hive does: name and type padded to 20
 * characters, and for partitioned tables a "# Partition Information"
 * section after the columns.
 */
#include "ddl_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define DESCRIBE_ALIGNMENT 20   /* Hive's MetaDataFormatUtils.ALIGNMENT */
#define MAX_OUTPUT_COLUMNS 3

/* ---- output ---- */

static int sink_aborted(ddl_context *ctx)
{
    return ddl_fail(ctx->err, 0, "the result writer stopped the statement");
}

int ddl_output_columns(ddl_context *ctx, const char *const *names, size_t count)
{
    engine_column cols[MAX_OUTPUT_COLUMNS];
    memset(cols, 0, sizeof cols);
    for (size_t i = 0; i < count && i < MAX_OUTPUT_COLUMNS; i++) {
        snprintf(cols[i].name, sizeof cols[i].name, "%s", names[i]);
        snprintf(cols[i].type, sizeof cols[i].type, "string");
        cols[i].precision = 0;
    }
    if (!ctx->sink || !ctx->sink->columns)
        return 0;
    if (ctx->sink->columns(ctx->sink->user_data, cols, count) != 0)
        return sink_aborted(ctx);
    return 0;
}

int ddl_output_row(ddl_context *ctx, const char *const *values, size_t count)
{
    size_t lengths[MAX_OUTPUT_COLUMNS];
    for (size_t i = 0; i < count && i < MAX_OUTPUT_COLUMNS; i++)
        lengths[i] = values[i] ? strlen(values[i]) : 0;
    if (!ctx->sink || !ctx->sink->row)
        return 0;
    if (ctx->sink->row(ctx->sink->user_data, values, lengths) != 0)
        return sink_aborted(ctx);
    return 0;
}

/* DDL statements return an empty result: no columns, no rows. */
int ddl_output_nothing(ddl_context *ctx)
{
    return ddl_output_columns(ctx, NULL, 0);
}

/* ---- shared helpers ---- */

double ddl_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)(ts.tv_nsec / 1000000) / 1000.0;
}

int ddl_store_failure(ddl_context *ctx, const char *what)
{
    return ddl_fail(ctx->err, 0, "%s: %s", what, store_errmsg(ctx->st));
}

/* The database a statement works in, lower case: the one it names, else the
 * query's context database, else "default". */
const char *ddl_target_database(const ddl_context *ctx, const ddl_stmt *stmt, char *out,
                                   size_t cap)
{
    const char *db = stmt->database ? stmt->database : ctx->default_database;
    if (!db || !*db)
        db = "default";
    size_t i = 0;
    for (; db[i] && i + 1 < cap; i++)
        out[i] = (char)tolower((unsigned char)db[i]);
    out[i] = '\0';
    return out;
}

int ddl_database_exists(ddl_context *ctx, const char *name)
{
    json_t *db = store_database_get(ctx->st, name);
    json_decref(db);
    return db != NULL;
}

int ddl_fail_no_database(ddl_context *ctx, const char *name)
{
    return ddl_fail(ctx->err, 1, "Database does not exist: %s", name);
}

/* The table's Glue document, or NULL with err: Athena's messages for a
 * missing database or table. */
json_t *ddl_load_table(ddl_context *ctx, const char *db, const char *name)
{
    json_t *table = store_table_get(ctx->st, db, name);
    if (table)
        return table;
    if (!ddl_database_exists(ctx, db))
        ddl_fail_no_database(ctx, db);
    else
        ddl_fail(ctx->err, 1, "Table not found: %s.%s", db, name);
    return NULL;
}

const char *ddl_member_string(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* ---- databases ---- */

int ddl_exec_create_database(ddl_context *ctx, const ddl_stmt *stmt)
{
    json_t *db = ddl_glue_database(stmt, ctx->account_id, ddl_now());
    if (!db)
        return ddl_fail(ctx->err, 0, "out of memory");
    store_status status = store_database_create(ctx->st, db);
    json_decref(db);
    if (status == STORE_EXISTS && !stmt->if_exists)
        return ddl_fail(ctx->err, 1, "Database %s already exists", stmt->name);
    if (status != STORE_OK && status != STORE_EXISTS)
        return ddl_store_failure(ctx, "creating the database");
    return ddl_output_nothing(ctx);
}

int ddl_exec_drop_database(ddl_context *ctx, const ddl_stmt *stmt)
{
    if (strcmp(stmt->name, "default") == 0)
        return ddl_fail(ctx->err, 1, "Can not drop default database");
    store_status status = store_database_delete(ctx->st, stmt->name, stmt->cascade);
    if (status == STORE_NOT_FOUND && !stmt->if_exists)
        return ddl_fail_no_database(ctx, stmt->name);
    if (status == STORE_NOT_EMPTY)
        return ddl_fail(ctx->err, 1,
                        "Database %s is not empty. One or more tables exist. "
                        "Use DROP DATABASE %s CASCADE to drop it with its tables",
                        stmt->name, stmt->name);
    if (status != STORE_OK && status != STORE_NOT_FOUND)
        return ddl_store_failure(ctx, "dropping the database");
    return ddl_output_nothing(ctx);
}

/* One row per "Name" of the documents in list that match pattern. */
int ddl_output_names(ddl_context *ctx, json_t *list, const char *pattern)
{
    size_t i;
    json_t *doc;
    json_array_foreach(list, i, doc) {
        const char *name = ddl_member_string(doc, "Name");
        if (pattern && !ddl_pattern_match(pattern, name))
            continue;
        if (ddl_output_row(ctx, &name, 1) != 0)
            return -1;
    }
    return 0;
}

int ddl_exec_show_databases(ddl_context *ctx, const ddl_stmt *stmt)
{
    static const char *const columns[] = {"database_name"};
    json_t *list = store_database_list(ctx->st);
    if (!list)
        return ddl_store_failure(ctx, "listing databases");
    int rc = ddl_output_columns(ctx, columns, 1) == 0 &&
                     ddl_output_names(ctx, list, stmt->pattern) == 0
                 ? 0
                 : -1;
    json_decref(list);
    return rc;
}

/* ---- tables ---- */

int ddl_exec_create_table(ddl_context *ctx, const ddl_stmt *stmt)
{
    char db[DDL_MAX_NAME + 1];
    ddl_target_database(ctx, stmt, db, sizeof db);
    if (!ddl_database_exists(ctx, db))
        return ddl_fail_no_database(ctx, db);
    json_t *table = ddl_glue_table(stmt, db, ctx->account_id, ddl_now());
    if (!table)
        return ddl_fail(ctx->err, 0, "out of memory");
    store_status status = store_table_create(ctx->st, db, table);
    json_decref(table);
    if (status == STORE_EXISTS && !stmt->if_exists)
        return ddl_fail(ctx->err, 1, "Table %s.%s already exists", db, stmt->name);
    if (status == STORE_NOT_FOUND)   /* dropped meanwhile */
        return ddl_fail_no_database(ctx, db);
    if (status != STORE_OK && status != STORE_EXISTS)
        return ddl_store_failure(ctx, "creating the table");
    return ddl_output_nothing(ctx);
}

int ddl_exec_drop_table(ddl_context *ctx, const ddl_stmt *stmt)
{
    char db[DDL_MAX_NAME + 1];
    ddl_target_database(ctx, stmt, db, sizeof db);
    json_t *existing = store_table_get(ctx->st, db, stmt->name);
    int is_view = ddl_is_view(existing);
    json_decref(existing);
    if (is_view)   /* Hive's rule: each kind has its own DROP */
        return ddl_fail(ctx->err, 1, "Cannot drop a view with DROP TABLE: %s.%s", db,
                        stmt->name);
    store_status status = store_table_delete(ctx->st, db, stmt->name);
    if (status == STORE_NOT_FOUND && !stmt->if_exists) {
        if (!ddl_database_exists(ctx, db))
            return ddl_fail_no_database(ctx, db);
        return ddl_fail(ctx->err, 1, "Table not found: %s.%s", db, stmt->name);
    }
    if (status != STORE_OK && status != STORE_NOT_FOUND)
        return ddl_store_failure(ctx, "dropping the table");
    return ddl_output_nothing(ctx);
}

int ddl_exec_show_tables(ddl_context *ctx, const ddl_stmt *stmt)
{
    static const char *const columns[] = {"tab_name"};
    char db[DDL_MAX_NAME + 1];
    ddl_target_database(ctx, stmt, db, sizeof db);
    if (!ddl_database_exists(ctx, db))
        return ddl_fail_no_database(ctx, db);
    json_t *list = store_table_list(ctx->st, db);
    if (!list)
        return ddl_store_failure(ctx, "listing tables");
    int rc = ddl_output_columns(ctx, columns, 1) == 0 &&
                     ddl_output_names(ctx, list, stmt->pattern) == 0
                 ? 0
                 : -1;
    json_decref(list);
    return rc;
}

/* One DESCRIBE row: name and type padded as Hive pads them. */
static int describe_row(ddl_context *ctx, const char *name, const char *type, const char *comment)
{
    char padded_name[DDL_MAX_NAME + 2], padded_type[DESCRIBE_ALIGNMENT + 1];
    const char *type_text = padded_type;
    snprintf(padded_name, sizeof padded_name, "%-*s", DESCRIBE_ALIGNMENT, name);
    if (strlen(type) < DESCRIBE_ALIGNMENT)
        snprintf(padded_type, sizeof padded_type, "%-*s", DESCRIBE_ALIGNMENT, type);
    else
        type_text = type;   /* long nested types are never cut */
    const char *values[] = {padded_name, type_text, comment};
    return ddl_output_row(ctx, values, 3);
}

static int describe_columns(ddl_context *ctx, const json_t *columns, const char *only)
{
    size_t i;
    json_t *col;
    json_array_foreach(columns, i, col) {
        const char *name = ddl_member_string(col, "Name");
        if (only && strcmp(only, name) != 0)
            continue;
        if (describe_row(ctx, name, ddl_member_string(col, "Type"),
                         ddl_member_string(col, "Comment")) != 0)
            return -1;
    }
    return 0;
}

static int find_column(const json_t *columns, const char *name)
{
    size_t i;
    json_t *col;
    json_array_foreach(columns, i, col)
        if (strcmp(ddl_member_string(col, "Name"), name) == 0)
            return 1;
    return 0;
}

static int describe_table(ddl_context *ctx, const ddl_stmt *stmt, json_t *table)
{
    static const char *const blank[] = {"", "", ""};
    static const char *const section[] = {"# Partition Information", "", ""};
    json_t *columns = json_object_get(json_object_get(table, "StorageDescriptor"), "Columns");
    json_t *partitions = json_object_get(table, "PartitionKeys");
    if (stmt->column && !find_column(columns, stmt->column) &&
        !find_column(partitions, stmt->column))
        return ddl_fail(ctx->err, 1, "Column %s does not exist in table %s", stmt->column,
                        stmt->name);
    if (describe_columns(ctx, columns, stmt->column) != 0 ||
        describe_columns(ctx, partitions, stmt->column) != 0)
        return -1;
    if (stmt->column || json_array_size(partitions) == 0)
        return 0;
    if (ddl_output_row(ctx, blank, 3) != 0 || ddl_output_row(ctx, section, 3) != 0 ||
        describe_row(ctx, "# col_name", "data_type", "comment") != 0 ||
        ddl_output_row(ctx, blank, 3) != 0)
        return -1;
    return describe_columns(ctx, partitions, NULL);
}

int ddl_exec_describe(ddl_context *ctx, const ddl_stmt *stmt)
{
    static const char *const columns[] = {"col_name", "data_type", "comment"};
    char db[DDL_MAX_NAME + 1];
    json_t *table = ddl_load_table(ctx, ddl_target_database(ctx, stmt, db, sizeof db), stmt->name);
    if (!table)
        return -1;
    int rc = ddl_output_columns(ctx, columns, 3) == 0 ? describe_table(ctx, stmt, table) : -1;
    json_decref(table);
    return rc;
}

int ddl_exec_show_columns(ddl_context *ctx, const ddl_stmt *stmt)
{
    static const char *const columns[] = {"field"};
    char db[DDL_MAX_NAME + 1];
    json_t *table = ddl_load_table(ctx, ddl_target_database(ctx, stmt, db, sizeof db), stmt->name);
    if (!table)
        return -1;
    int rc = ddl_output_columns(ctx, columns, 1);
    json_t *lists[] = {
        json_object_get(json_object_get(table, "StorageDescriptor"), "Columns"),
        json_object_get(table, "PartitionKeys"),
    };
    for (size_t l = 0; rc == 0 && l < 2; l++) {
        size_t i;
        json_t *col;
        json_array_foreach(lists[l], i, col) {
            const char *name = ddl_member_string(col, "Name");
            if ((rc = ddl_output_row(ctx, &name, 1)) != 0)
                break;
        }
    }
    json_decref(table);
    return rc;
}

/* ---- SHOW patterns ---- */

/* Glob match of one alternative: '*' any run, '.' any one character.
 * Iterative, remembering the last '*' to retry from, so it is linear in
 * practice and can never recurse deeply. */
static int glob_match(const char *p, size_t plen, const char *s)
{
    size_t pi = 0, si = 0, star = (size_t)-1, resume = 0;
    size_t slen = strlen(s);
    while (si < slen) {
        if (pi < plen && p[pi] == '*') {
            star = pi++;
            resume = si;
        } else if (pi < plen && (p[pi] == '.' || tolower((unsigned char)p[pi]) ==
                                                     tolower((unsigned char)s[si]))) {
            pi++, si++;
        } else if (star != (size_t)-1) {
            pi = star + 1;
            si = ++resume;
        } else {
            return 0;
        }
    }
    while (pi < plen && p[pi] == '*')
        pi++;
    return pi == plen;
}

int ddl_pattern_match(const char *pattern, const char *name)
{
    for (const char *alt = pattern;;) {
        size_t len = strcspn(alt, "|");
        const char *next = alt + len;
        /* Each alternative is trimmed, so 'a* | b*' reads as meant. */
        while (len && isspace((unsigned char)*alt))
            alt++, len--;
        while (len && isspace((unsigned char)alt[len - 1]))
            len--;
        if (glob_match(alt, len, name))
            return 1;
        if (*next == '\0')
            return 0;
        alt = next + 1;
    }
}
