/*
 * sandbox.c: the first wall around user SQL (see sandbox.h).
 *
 * DuckDB parses the statement for us: json_serialize_sql() returns the parse
 * tree of SELECT statements and refuses everything else, so COPY, ATTACH,
 * INSTALL, SET, PRAGMA, CALL, DDL and DML never get further than this file.
 * The SQL text is bound as a parameter, never pasted into our query, and
 * json_serialize_sql only parses: nothing is bound or executed, so no file is
 * touched while we inspect.
 *
 * The tree is then walked in full, every object and array, and the statement
 * is refused when it reaches outside the catalog tables: table functions
 * (read_csv, glob, ...), functions that expose the host or the engine
 * (current_setting, duckdb_*, ...), qualified names that leave our schemas,
 * replacement scans of file paths (FROM 'x.csv') and DESCRIBE/SUMMARIZE.
 * Unknown table reference and query node kinds are refused too, so a future
 * DuckDB feature fails closed.
 */
#include "sandbox.h"

#include "buf.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* json_serialize_sql nests a few JSON levels per SQL level; DuckDB's own
 * expression depth limit (1000) stays well under this. */
#define WALK_MAX_DEPTH 2000
#define CTE_SCOPE_MAX 256
/* Far above any real query; bounds the bitmap that checks '?' numbering. */
#define PARAMETERS_MAX 4096

/* ---- what is allowed and denied ---------------------------------------- */

/* Table functions that only compute values: Athena has UNNEST and
 * sequence(); DuckDB's range()/generate_series() are the latter. Every other
 * table function is refused (file readers, engine catalog, query()). */
static const char *const allowed_table_functions[] = {"unnest", "range", "generate_series"};

typedef struct denied_function {
    const char *name;
    int is_prefix;
    const char *why;
} denied_function;

/* Functions refused wherever they appear (scalar, aggregate, window or table
 * position). Table functions are refused anyway; the file readers are named
 * here too so that the reason says what was wrong. */
static const denied_function denied_functions[] = {
    {"getenv", 0, "reads the host environment"},
    {"current_setting", 0, "exposes engine settings (e.g. allowed_directories)"},
    {"getvariable", 0, "reads engine session variables"},
    {"read_", 1, "reads host files"},            /* read_csv, read_text, read_blob, read_json, ... */
    {"parquet_", 1, "reads host files"},         /* parquet_scan, parquet_metadata, ... */
    {"sniff_csv", 0, "reads host files"},
    {"glob", 0, "lists host files"},
    {"arrow_scan", 1, "scans memory by address"},
    {"query", 0, "runs SQL text past this sandbox"},
    {"query_table", 0, "scans tables by name past this sandbox"},
    {"json_serialize_plan", 0, "binds SQL text past this sandbox"},
    {"json_execute_serialized_sql", 0, "runs SQL past this sandbox"},
    {"duckdb_", 1, "exposes the engine catalog, settings or secrets"},
    {"pragma_", 1, "exposes the engine catalog or settings"},
    {"which_secret", 0, "exposes engine secrets"},
    {"write_log", 0, "writes the engine log"},
    {"truncate_duckdb_logs", 0, "writes the engine log"},
    {"parse_duckdb_log_message", 0, "reads the engine log"},
    {"setseed", 0, "changes engine session state"},
    {"nextval", 0, "changes engine state"},
    {"currval", 0, "reads engine state"},
    {"checkpoint", 0, "changes engine storage"},
    {"force_checkpoint", 0, "changes engine storage"},
    {"enable_", 1, "changes engine settings"},   /* pragma functions */
    {"disable_", 1, "changes engine settings"},
    /* PostgreSQL compatibility macros: some expand to queries over
     * duckdb_views()/duckdb_constraints() (pg_get_viewdef would show our view
     * definitions, which hold host paths); none exist in Athena. */
    {"pg_", 1, "exposes the engine catalog"},
    {"format_type", 0, "exposes the engine catalog"},   /* macro over duckdb_types() */
    {"get_block_size", 0, "exposes engine storage"},    /* macro over pragma_database_size() */
};

/* Schemas of the engine itself. Our tables live in schemas named after the
 * Athena databases; "main" is DuckDB's default schema and holds nothing of
 * ours, "memory" its default catalog. information_schema is allowed through
 * as an ordinary reference: the engine resolves it like any database. */
static const char *const internal_schemas[] = {"main", "temp", "system", "pg_catalog", "memory"};

/* Unqualified names that DuckDB resolves to its own views through the
 * default search path (duckdb_tables, pragma_database_list, sqlite_master,
 * pg_settings, ...). Qualified with a database they are ordinary names. */
static const char *const internal_view_prefixes[] = {"duckdb_", "pragma_", "sqlite_", "pg_"};

/* The only catalog Athena queries may name: awsdatacatalog.db.table. */
#define ATHENA_CATALOG "awsdatacatalog"

/* ---- the walk ------------------------------------------------------------ */

typedef struct walk_ctx {
    sandbox_result *out;
    const char *cte_names[CTE_SCOPE_MAX];   /* names of the CTEs in scope */
    size_t cte_count;
    int parameters_seen;
    unsigned char parameter_bits[PARAMETERS_MAX / 8];
    int parameter_duplicate;
} walk_ctx;

static int refuse(sandbox_result *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(sandbox_result *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->reason, sizeof out->reason, fmt, ap);
    va_end(ap);
    return -1;
}

static const char *member_string(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* A string member with no embedded NUL ("" when absent). */
static const char *member_name(json_t *obj, const char *key, int *has_nul)
{
    json_t *v = json_object_get(obj, key);
    const char *s = json_string_value(v);
    if (!s)
        return "";
    if (strlen(s) != json_string_length(v))
        *has_nul = 1;
    return s;
}

static int in_list_ci(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(s, list[i]) == 0)
            return 1;
    return 0;
}

static int has_prefix_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const denied_function *find_denied_function(const char *name)
{
    for (size_t i = 0; i < COUNT(denied_functions); i++) {
        const denied_function *d = &denied_functions[i];
        if (d->is_prefix ? has_prefix_ci(name, d->name) : strcasecmp(name, d->name) == 0)
            return d;
    }
    return NULL;
}

/* Any object naming a function: FUNCTION and WINDOW expressions, and the
 * function inside a TABLE_FUNCTION reference. */
static int check_function(walk_ctx *c, json_t *obj)
{
    int nul = 0;
    const char *name = member_name(obj, "function_name", &nul);
    const char *schema = member_name(obj, "schema", &nul);
    const char *catalog = member_name(obj, "catalog", &nul);
    if (nul)
        return refuse(c->out, "function names may not contain NUL characters");
    const denied_function *d = find_denied_function(name);
    if (d)
        return refuse(c->out, "function %s is not allowed: it %s", name, d->why);
    /* DuckDB itself qualifies desugared calls (list_value, struct_pack) with
     * "main"; anything else reaches into another catalog or schema. */
    if (*catalog || (*schema && strcasecmp(schema, "main") != 0))
        return refuse(c->out, "qualified function names are not allowed: %s%s%s%s%s", catalog,
                      *catalog ? "." : "", schema, *schema ? "." : "", name);
    return 0;
}

/* '?' placeholders arrive numbered 1..N in order; $1/$name forms are not
 * Athena's and are refused unless they look exactly like that. */
static int check_parameter(walk_ctx *c, json_t *obj)
{
    const char *id = member_string(obj, "identifier");
    char *end = NULL;
    long n = id ? strtol(id, &end, 10) : 0;
    if (!id || !*id || *end || n < 1)
        return refuse(c->out, "named parameters are not supported: use '?' placeholders");
    if (n > PARAMETERS_MAX)
        return refuse(c->out, "too many parameters (the limit is %d)", PARAMETERS_MAX);
    unsigned char bit = (unsigned char)(1u << ((n - 1) % 8));
    if (c->parameter_bits[(n - 1) / 8] & bit)
        c->parameter_duplicate = 1;
    c->parameter_bits[(n - 1) / 8] |= bit;
    c->parameters_seen++;
    return 0;
}

static int is_cte_in_scope(const walk_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->cte_count; i++)
        if (strcasecmp(c->cte_names[i], name) == 0)
            return 1;
    return 0;
}

/* Names that DuckDB would read as a file (replacement scan): FROM 'x.csv',
 * FROM '/etc/passwd', FROM 's3://b/k'. Athena table names never hold these. */
static int looks_like_path(const char *name)
{
    return strpbrk(name, "./\\:*?~") != NULL;
}

static void lower_copy(char *dst, const char *src, size_t cap)
{
    size_t i = 0;
    for (; src[i] && i + 1 < cap; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

static int add_table(walk_ctx *c, const char *schema, const char *name)
{
    sandbox_result *out = c->out;
    sandbox_table t;
    if (strlen(schema) >= sizeof t.schema || strlen(name) >= sizeof t.name)
        return refuse(out, "table name is too long: %.64s...", name);
    lower_copy(t.schema, schema, sizeof t.schema);
    lower_copy(t.name, name, sizeof t.name);
    for (size_t i = 0; i < out->table_count; i++)
        if (!strcmp(out->tables[i].schema, t.schema) && !strcmp(out->tables[i].name, t.name))
            return 0;
    if (out->table_count == SANDBOX_MAX_TABLES)
        return refuse(out, "too many tables in one query (the limit is %d)", SANDBOX_MAX_TABLES);
    out->tables[out->table_count++] = t;
    return 0;
}

static int check_base_table(walk_ctx *c, json_t *ref)
{
    int nul = 0;
    const char *catalog = member_name(ref, "catalog_name", &nul);
    const char *schema = member_name(ref, "schema_name", &nul);
    const char *name = member_name(ref, "table_name", &nul);
    if (nul)
        return refuse(c->out, "table names may not contain NUL characters");
    if (!*name)
        return refuse(c->out, "a table reference has no name");
    if (*catalog && strcasecmp(catalog, ATHENA_CATALOG) != 0)
        return refuse(c->out, "catalog %s is not available: only %s can be queried", catalog,
                      ATHENA_CATALOG);
    if (*schema && in_list_ci(schema, internal_schemas, COUNT(internal_schemas)))
        return refuse(c->out, "schema %s belongs to the engine and cannot be queried", schema);
    if (looks_like_path(name) || looks_like_path(schema))
        return refuse(c->out, "file paths are not tables: %s", name);
    json_t *at = json_object_get(ref, "at_clause");
    if (at && !json_is_null(at))
        return refuse(c->out, "AT (time travel) clauses are not supported");
    if (!*schema) {
        if (is_cte_in_scope(c, name))
            return 0;   /* a WITH name, not a catalog table */
        for (size_t i = 0; i < COUNT(internal_view_prefixes); i++)
            if (has_prefix_ci(name, internal_view_prefixes[i]))
                return refuse(c->out, "%s is an engine table and cannot be queried "
                              "(qualify your table with its database)", name);
    }
    return add_table(c, schema, name);
}

static int check_table_function(walk_ctx *c, json_t *ref)
{
    json_t *fn = json_object_get(ref, "function");
    const char *name = member_string(fn, "function_name");
    if (!json_is_object(fn) || !name)
        return refuse(c->out, "table functions are not allowed");
    if (!in_list_ci(name, allowed_table_functions, COUNT(allowed_table_functions)))
        return refuse(c->out, "table functions are not allowed: %s", name);
    return 0;   /* the function object itself is checked by the walk */
}

static int check_show_ref(walk_ctx *c, json_t *ref)
{
    const char *kind = member_string(ref, "show_type");
    if (kind && strcmp(kind, "SUMMARY") == 0)
        return refuse(c->out, "SUMMARIZE is not allowed");
    return refuse(c->out, "DESCRIBE and SHOW are not allowed in a query");
}

/* FROM-clause objects: type, alias and sample, and neither an expression
 * ("class") nor a query node ("modifiers"). */
static int is_table_ref(json_t *obj)
{
    return json_object_get(obj, "sample") && json_object_get(obj, "alias") &&
           !json_object_get(obj, "class") && !json_object_get(obj, "modifiers");
}

static int check_table_ref(walk_ctx *c, json_t *ref, const char *type)
{
    if (!strcmp(type, "BASE_TABLE"))
        return check_base_table(c, ref);
    if (!strcmp(type, "TABLE_FUNCTION"))
        return check_table_function(c, ref);
    if (!strcmp(type, "SHOW_REF"))
        return check_show_ref(c, ref);
    static const char *const harmless[] = {"JOIN", "SUBQUERY", "EXPRESSION_LIST", "EMPTY", "PIVOT"};
    if (in_list_ci(type, harmless, COUNT(harmless)))
        return 0;
    return refuse(c->out, "table reference of kind %s is not allowed", type);
}

static int is_query_node(json_t *obj)
{
    return json_object_get(obj, "modifiers") && json_object_get(obj, "cte_map") &&
           !json_object_get(obj, "class");
}

static int walk(walk_ctx *c, json_t *node, int depth);

static int walk_members(walk_ctx *c, json_t *obj, int depth)
{
    const char *key;
    json_t *value;
    json_object_foreach(obj, key, value) {
        if (walk(c, value, depth + 1) != 0)
            return -1;
    }
    return 0;
}

/* A query node's WITH names are in scope for everything below it (their
 * own bodies included, which recursive CTEs need). A name shadowed this way
 * is never collected as a table: at worst a real table is not bound and the
 * statement fails, never the other way round. */
static int walk_query_node(walk_ctx *c, json_t *node, const char *type, int depth)
{
    static const char *const kinds[] = {"SELECT_NODE", "SET_OPERATION_NODE",
                                        "RECURSIVE_CTE_NODE", "CTE_NODE"};
    if (!in_list_ci(type, kinds, COUNT(kinds)))
        return refuse(c->out, "query of kind %s is not allowed", type);
    size_t saved = c->cte_count;
    json_t *entries = json_object_get(json_object_get(node, "cte_map"), "map");
    size_t i;
    json_t *entry;
    json_array_foreach(entries, i, entry) {
        const char *name = member_string(entry, "key");
        if (!name)
            continue;
        if (c->cte_count == CTE_SCOPE_MAX)
            return refuse(c->out, "too many WITH queries");
        c->cte_names[c->cte_count++] = name;
    }
    const char *own = member_string(node, "cte_name");   /* recursive CTE */
    if (own && *own) {
        if (c->cte_count == CTE_SCOPE_MAX)
            return refuse(c->out, "too many WITH queries");
        c->cte_names[c->cte_count++] = own;
    }
    int rc = walk_members(c, node, depth);
    c->cte_count = saved;
    return rc;
}

static int walk_object(walk_ctx *c, json_t *obj, int depth)
{
    const char *type = member_string(obj, "type");
    if (type && !strcmp(type, "SHOW_REF"))
        return check_show_ref(c, obj);
    if (type && is_query_node(obj))
        return walk_query_node(c, obj, type, depth);
    if (type && is_table_ref(obj) && check_table_ref(c, obj, type) != 0)
        return -1;
    if (json_object_get(obj, "function_name") && check_function(c, obj) != 0)
        return -1;
    const char *cls = member_string(obj, "class");
    if (cls && !strcmp(cls, "PARAMETER") && check_parameter(c, obj) != 0)
        return -1;
    return walk_members(c, obj, depth);
}

static int walk(walk_ctx *c, json_t *node, int depth)
{
    if (depth > WALK_MAX_DEPTH)
        return refuse(c->out, "the query is nested too deeply");
    if (json_is_object(node))
        return walk_object(c, node, depth);
    if (json_is_array(node)) {
        size_t i;
        json_t *item;
        json_array_foreach(node, i, item) {
            if (walk(c, item, depth + 1) != 0)
                return -1;
        }
    }
    return 0;
}

/* ---- the reason for a statement json_serialize_sql will not take --------- */

/* Skips whitespace, comments and opening parentheses. */
static const char *skip_noise(const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p) || *p == '(')
            p++;
        if (p[0] == '-' && p[1] == '-') {
            p += strcspn(p, "\n");
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
        } else {
            return p;
        }
    }
}

/* Skips one quoted token starting at p ('..', E'..', "..", $tag$..$tag$). */
static const char *skip_quoted(const char *p)
{
    if (*p == '$') {
        const char *tag_end = p + 1;
        while (isalnum((unsigned char)*tag_end) || *tag_end == '_')
            tag_end++;
        if (*tag_end != '$')
            return p + 1;
        size_t tag_len = (size_t)(tag_end - p) + 1;
        for (const char *q = tag_end + 1; *q; q++)
            if (strncmp(q, p, tag_len) == 0)
                return q + tag_len;
        return p + strlen(p);
    }
    int escapes = (*p == 'E' || *p == 'e');
    if (escapes)
        p++;
    char quote = *p++;
    while (*p) {
        if (escapes && *p == '\\' && p[1]) {
            p += 2;
        } else if (*p == quote) {
            if (p[1] != quote)
                return p + 1;
            p += 2;
        } else {
            p++;
        }
    }
    return p;
}

/* Whether anything but noise follows a ';' outside quotes and comments. The
 * decision to refuse never depends on this scanner, only the reason does. */
static int has_second_statement(const char *sql)
{
    const char *p = sql;
    while (*p) {
        if (*p == '\'' || *p == '"' || *p == '$' ||
            ((*p == 'E' || *p == 'e') && p[1] == '\'')) {
            p = skip_quoted(p);
        } else if ((p[0] == '-' && p[1] == '-') || (p[0] == '/' && p[1] == '*')) {
            p = skip_noise(p);
        } else if (*p == ';') {
            const char *next = skip_noise(p + 1);
            while (*next == ';')
                next = skip_noise(next + 1);
            if (*next)
                return 1;
            p = next;
        } else {
            p++;
        }
    }
    return 0;
}

static void first_keyword(const char *sql, char *word, size_t cap)
{
    const char *p = skip_noise(sql);
    size_t n = 0;
    while (isalpha((unsigned char)p[n]) || p[n] == '_')
        n++;
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++)
        word[i] = (char)toupper((unsigned char)p[i]);
    word[n] = '\0';
}

static int refuse_non_select(sandbox_result *out, const char *sql)
{
    if (has_second_statement(sql))
        return refuse(out, "Multiple statements are not allowed");
    char word[32];
    first_keyword(sql, word, sizeof word);
    static const char *const query_starts[] = {"SELECT", "WITH", "FROM", "VALUES",
                                               "TABLE", "PIVOT", "UNPIVOT", ""};
    if (in_list_ci(word, query_starts, COUNT(query_starts)))
        return refuse(out, "Only SELECT statements are allowed: this query needs "
                      "statements other than SELECT (e.g. PIVOT without an IN list or "
                      "a data-modifying WITH)");
    return refuse(out, "Only SELECT statements are allowed: %s is not allowed", word);
}

/* ---- parsing through DuckDB ----------------------------------------------- */

/* json_serialize_sql writes infinite DOUBLE constants (SELECT 1e999) as bare
 * Infinity/-Infinity/NaN, which is not JSON. Constants are never inspected,
 * so they become null. */
static int replace_non_finite(const char *json, buf *out)
{
    static const char *const tokens[] = {"-Infinity", "Infinity", "NaN"};
    int in_string = 0;
    for (const char *p = json; *p;) {
        if (in_string) {
            if (*p == '\\' && p[1]) {
                if (buf_append(out, p, 2) != 0)
                    return -1;
                p += 2;
                continue;
            }
            in_string = *p != '"';
        } else if (*p == '"') {
            in_string = 1;
        } else {
            size_t i = 0;
            while (i < COUNT(tokens) && strncmp(p, tokens[i], strlen(tokens[i])) != 0)
                i++;
            if (i < COUNT(tokens)) {
                if (buf_puts(out, "null") != 0)
                    return -1;
                p += strlen(tokens[i]);
                continue;
            }
        }
        if (buf_putc(out, *p++) != 0)
            return -1;
    }
    return 0;
}

int sandbox_parser_prepare(duckdb_connection conn, duckdb_prepared_statement *parser)
{
    if (duckdb_prepare(conn, "SELECT json_serialize_sql(?::VARCHAR)", parser) == DuckDBSuccess)
        return 0;
    duckdb_destroy_prepare(parser);
    return -1;
}

/* Runs the parser on sql and parses its answer. NULL with a reason. */
static json_t *serialize_sql(duckdb_prepared_statement parser, const char *sql,
                             sandbox_result *out)
{
    duckdb_result result;
    json_t *tree = NULL;
    if (duckdb_clear_bindings(parser) != DuckDBSuccess ||
        duckdb_bind_varchar(parser, 1, sql) != DuckDBSuccess) {
        refuse(out, "cannot inspect the statement: it is not valid UTF-8");
        return NULL;
    }
    if (duckdb_execute_prepared(parser, &result) != DuckDBSuccess) {
        refuse(out, "cannot inspect the statement: %s", duckdb_result_error(&result));
        duckdb_destroy_result(&result);
        return NULL;
    }
    char *text = duckdb_value_varchar(&result, 0, 0);
    buf fixed = BUF_INIT;
    if (!text || replace_non_finite(text, &fixed) != 0) {
        refuse(out, "cannot inspect the statement: out of memory");
    } else {
        json_error_t jerr;
        tree = json_loadb(fixed.data, fixed.len, JSON_DECODE_INT_AS_REAL | JSON_ALLOW_NUL, &jerr);
        if (!tree)
            refuse(out, "cannot inspect the statement: %s", jerr.text);
    }
    buf_free(&fixed);
    duckdb_free(text);
    duckdb_destroy_result(&result);
    return tree;
}

static int refuse_parse_error(sandbox_result *out, json_t *tree, const char *sql)
{
    const char *type = member_string(tree, "error_type");
    const char *message = member_string(tree, "error_message");
    if (type && !strcmp(type, "parser"))
        return refuse(out, "Parser Error: %s", message ? message : "syntax error");
    if (type && !strcmp(type, "not implemented"))
        return refuse_non_select(out, sql);
    return refuse(out, "%s%s%s", type ? type : "", type ? ": " : "",
                  message ? message : "the statement cannot be parsed");
}

static int inspect_tree(json_t *tree, const char *sql, sandbox_result *out)
{
    if (json_is_true(json_object_get(tree, "error")))
        return refuse_parse_error(out, tree, sql);
    json_t *statements = json_object_get(tree, "statements");
    if (!json_is_array(statements))
        return refuse(out, "cannot inspect the statement: unexpected parse tree");
    if (json_array_size(statements) == 0)
        return refuse(out, "The query is empty");
    if (json_array_size(statements) > 1)
        return refuse(out, "Multiple statements are not allowed");

    walk_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return refuse(out, "cannot inspect the statement: out of memory");
    c->out = out;
    int rc = walk(c, json_array_get(statements, 0), 0);
    if (rc == 0) {
        for (int i = 0; i < c->parameters_seen && !c->parameter_duplicate; i++)
            if (!(c->parameter_bits[i / 8] & (1u << (i % 8))))
                c->parameter_duplicate = 1;   /* a gap: $2 without $1 */
        if (c->parameter_duplicate)
            rc = refuse(out, "parameters must be '?' placeholders");
        else
            out->parameter_count = c->parameters_seen;
    }
    free(c);
    return rc;
}

int sandbox_inspect_with(duckdb_prepared_statement parser, const char *sql,
                         sandbox_result *out, json_t **tree_out)
{
    memset(out, 0, sizeof *out);
    if (tree_out)
        *tree_out = NULL;
    if (!parser || !sql)
        return refuse(out, "no statement to inspect");
    json_t *tree = serialize_sql(parser, sql, out);
    if (!tree)
        return -1;
    int rc = inspect_tree(tree, sql, out);
    if (rc != 0)
        out->table_count = 0;
    if (rc == 0 && tree_out)
        *tree_out = tree;
    else
        json_decref(tree);
    return rc;
}

int sandbox_inspect(duckdb_connection conn, const char *sql, sandbox_result *out)
{
    duckdb_prepared_statement parser = NULL;
    if (!conn || sandbox_parser_prepare(conn, &parser) != 0) {
        memset(out, 0, sizeof *out);
        return refuse(out, "cannot inspect the statement: the parser is not available");
    }
    int rc = sandbox_inspect_with(parser, sql, out, NULL);
    duckdb_destroy_prepare(&parser);
    return rc;
}
