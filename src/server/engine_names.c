/*
 * engine_names.c: result column names as Athena gives them.
 *
 * Trino names a select item by its alias, or by the column it references;
 * any other expression is "_col<position>" (SELECT count(*) -> _col0). Names
 * are lower case, as Athena's identifiers are (AS MyDelay -> mydelay).
 * DuckDB instead names expressions by their text ("count_star()"). The
 * parse tree (json_serialize_sql, the same parser the sandbox uses) says
 * which items are aliased or plain column references, so the others get
 * Trino's name. When the tree does not line up with the result (several
 * stars, COLUMNS(...)), DuckDB's names are kept.
 */
#include "engine_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

json_t *engine_parse_tree(duckdb_connection conn, const char *sql)
{
    duckdb_prepared_statement stmt = NULL;
    duckdb_result result;
    json_t *tree = NULL;
    if (duckdb_prepare(conn, "SELECT json_serialize_sql(?::VARCHAR)", &stmt) != DuckDBSuccess ||
        duckdb_bind_varchar(stmt, 1, sql) != DuckDBSuccess) {
        duckdb_destroy_prepare(&stmt);
        return NULL;
    }
    if (duckdb_execute_prepared(stmt, &result) == DuckDBSuccess) {
        char *text = duckdb_value_varchar(&result, 0, 0);
        /* Infinite constants are written as bare Infinity, which is not
         * JSON: such a tree is simply not used. */
        tree = text ? json_loads(text, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, NULL) : NULL;
        duckdb_free(text);
    }
    duckdb_destroy_result(&result);
    duckdb_destroy_prepare(&stmt);
    return tree;
}

/* The SELECT whose items name the result: the first branch of set operations. */
static const json_t *naming_select(const json_t *node)
{
    for (int depth = 0; node && depth < 1000; depth++) {
        const char *type = json_string_value(json_object_get(node, "type"));
        if (!type)
            return NULL;
        if (strcmp(type, "SELECT_NODE") == 0)
            return node;
        if (strcmp(type, "SET_OPERATION_NODE") != 0)
            return NULL;
        const json_t *left = json_object_get(node, "left");
        node = left ? left : json_array_get(json_object_get(node, "children"), 0);
    }
    return NULL;
}

static int keeps_its_name(const json_t *item)
{
    const char *alias = json_string_value(json_object_get(item, "alias"));
    const char *cls = json_string_value(json_object_get(item, "class"));
    return (alias && *alias) || (cls && strcmp(cls, "COLUMN_REF") == 0);
}

/* A bare VALUES list: DuckDB calls its columns col0, col1, ...; Trino
 * _col0, _col1, ... */
static int is_bare_values(const json_t *select)
{
    const json_t *from = json_object_get(select, "from_table");
    const char *from_type = json_string_value(json_object_get(from, "type"));
    const char *alias = json_string_value(json_object_get(from, "alias"));
    return from_type && strcmp(from_type, "EXPRESSION_LIST") == 0 && alias &&
           strcmp(alias, "valueslist") == 0;
}

static void rename_values_columns(engine_column *cols, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        char expected[32];
        snprintf(expected, sizeof expected, "col%zu", i);
        if (strcmp(cols[i].name, expected) == 0)
            snprintf(cols[i].name, sizeof cols[i].name, "_col%zu", i);
    }
}

static void lower_names(engine_column *cols, size_t count)
{
    for (size_t i = 0; i < count; i++)
        for (char *p = cols[i].name; *p; p++)
            *p = (char)tolower((unsigned char)*p);
}

void engine_athena_column_names(const json_t *tree, engine_column *cols, size_t count)
{
    lower_names(cols, count);
    const json_t *statement = json_array_get(json_object_get(tree, "statements"), 0);
    const json_t *select = naming_select(json_object_get(statement, "node"));
    const json_t *items = json_object_get(select, "select_list");
    if (select && is_bare_values(select)) {
        rename_values_columns(cols, count);
        return;
    }
    /* One SELECT * may stand among the items: it expands to the columns
     * the other items leave, which keep their names. */
    size_t n = json_array_size(items), star = n, stars = 0;
    for (size_t i = 0; i < n; i++) {
        const char *cls = json_string_value(json_object_get(json_array_get(items, i), "class"));
        if (!cls || strcmp(cls, "STAR") == 0)
            star = i, stars++;
    }
    int usable = n > 0 && (stars == 0 ? n == count : stars == 1 && count + 1 >= n);
    for (size_t i = 0; usable && i < n; i++) {
        if (i == star || keeps_its_name(json_array_get(items, i)))
            continue;
        /* The star took count - (n - 1) columns: later items move by count - n. */
        size_t column = i < star ? i : i + count - n;
        if (column < count)
            snprintf(cols[column].name, sizeof cols[column].name, "_col%zu", column);
    }
}
