/*
 * ddl_parse.c: turns the tokens of a catalog statement into a ddl_stmt, one
 * parse function per statement kind (the kinds ddl.c dispatches on).
 *
 * The grammar is Hive's as Athena accepts it, clauses in Hive's order.
 * Syntax errors read like Athena's: "line L:C: mismatched input 'X'.
 * Expecting: ...", with the 1-based position of the offending token.
 * Names are lower-cased as Athena does; database and table names are
 * limited to letters, digits and '_' (Athena's rule), which also keeps them
 * safe to use as engine view names.
 */
#include "ddl_internal.h"
#include "objects.h"
#include "uri.h"
#include "hive_types.h"
#include "jsonw.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define ERROR_TOKEN_MAX 40

/* ---- token access ---- */

static const ddl_token *peek_at(const ddl_parser *p, size_t ahead)
{
    size_t i = p->pos + ahead;   /* the list always ends with EOF */
    return &p->tokens->items[i < p->tokens->count ? i : p->tokens->count - 1];
}

const ddl_token *ddl_peek(const ddl_parser *p)
{
    return peek_at(p, 0);
}

int ddl_accept_word(ddl_parser *p, const char *keyword)
{
    if (!ddl_token_is_word(ddl_peek(p), keyword))
        return 0;
    p->pos++;
    return 1;
}

int ddl_accept_punct(ddl_parser *p, char c)
{
    if (!ddl_token_is_punct(ddl_peek(p), c))
        return 0;
    p->pos++;
    return 1;
}

/* "line L:C: <what>" at token t. */
static int fail_at(ddl_parser *p, const ddl_token *t, const char *what, const char *detail)
{
    return ddl_fail(p->err, 1, "line %d:%d: %s%s", t->line, t->column, what, detail ? detail : "");
}

int ddl_syntax_error(ddl_parser *p, const char *expecting)
{
    const ddl_token *t = ddl_peek(p);
    if (t->type == DDL_TOK_EOF)
        return ddl_fail(p->err, 1, "line %d:%d: mismatched input '<EOF>'. Expecting: %s", t->line,
                        t->column, expecting);
    int shown = t->length > ERROR_TOKEN_MAX ? ERROR_TOKEN_MAX : (int)t->length;
    return ddl_fail(p->err, 1, "line %d:%d: mismatched input '%.*s%s'. Expecting: %s", t->line,
                    t->column, shown, t->start, t->length > ERROR_TOKEN_MAX ? "..." : "",
                    expecting);
}

int ddl_expect_word(ddl_parser *p, const char *keyword)
{
    if (ddl_accept_word(p, keyword))
        return 0;
    char expecting[64];
    snprintf(expecting, sizeof expecting, "'%s'", keyword);
    return ddl_syntax_error(p, expecting);
}

int ddl_expect_punct(ddl_parser *p, char c)
{
    if (ddl_accept_punct(p, c))
        return 0;
    char expecting[8];
    snprintf(expecting, sizeof expecting, "'%c'", c);
    return ddl_syntax_error(p, expecting);
}

/* The end of the statement, after an optional ';'. */
int ddl_expect_end(ddl_parser *p, const char *expecting)
{
    ddl_accept_punct(p, ';');
    if (ddl_peek(p)->type == DDL_TOK_EOF)
        return 0;
    return ddl_syntax_error(p, expecting);
}

int ddl_accept_if_exists(ddl_parser *p)
{
    if (!ddl_token_is_word(ddl_peek(p), "IF"))
        return 0;
    p->pos++;
    return ddl_expect_word(p, "EXISTS") == 0 ? 1 : -1;
}

int ddl_accept_if_not_exists(ddl_parser *p)
{
    if (!ddl_token_is_word(ddl_peek(p), "IF"))
        return 0;
    p->pos++;
    return ddl_expect_word(p, "NOT") == 0 && ddl_expect_word(p, "EXISTS") == 0 ? 1 : -1;
}

/* ---- names and literals ---- */

static int utf8_valid(const char *s)
{
    size_t len = strlen(s);
    while (len) {
        int valid;
        size_t n = jsonw_utf8_step(s, len, &valid);
        if (!valid)
            return 0;
        s += n, len -= n;
    }
    return 1;
}

typedef enum name_rule { NAME_OBJECT, NAME_COLUMN } name_rule;

static int check_name(ddl_parser *p, const ddl_token *t, const char *name, name_rule rule)
{
    size_t len = strlen(name);
    if (len == 0)
        return fail_at(p, t, "zero-length delimited identifier", NULL);
    if (len > DDL_MAX_NAME)
        return fail_at(p, t, "name is too long (at most 255 characters)", NULL);
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        if (rule == NAME_OBJECT && !(islower(*c) || isdigit(*c) || *c == '_'))
            return fail_at(p, t, "invalid name: only letters, digits and '_' are allowed", NULL);
        if (*c < 0x20 || *c == 0x7f)
            return fail_at(p, t, "invalid name: control characters are not allowed", NULL);
    }
    if (!utf8_valid(name))
        return fail_at(p, t, "invalid name: not valid UTF-8", NULL);
    return 0;
}

/* An identifier: a word or number, `backquoted` or "double-quoted"; lower-
 * cased into a new string. */
static int parse_name(ddl_parser *p, name_rule rule, char **out)
{
    const ddl_token *t = ddl_peek(p);
    char *name;
    if (t->type == DDL_TOK_WORD || t->type == DDL_TOK_NUMBER)
        name = strndup(t->start, t->length);
    else if (t->type == DDL_TOK_BACKQUOTED || (t->type == DDL_TOK_STRING && t->start[0] == '"'))
        name = strdup(t->text);
    else
        return ddl_syntax_error(p, "<identifier>");
    if (!name)
        return ddl_fail(p->err, 0, "out of memory");
    for (char *c = name; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (check_name(p, t, name, rule) != 0) {
        free(name);
        return -1;
    }
    p->pos++;
    free(*out);
    *out = name;
    return 0;
}

int ddl_parse_column_name(ddl_parser *p, char **out)
{
    return parse_name(p, NAME_COLUMN, out);
}

/* [db.]name into stmt->database (only when qualified) and stmt->name. */
int ddl_parse_qualified_name(ddl_parser *p, ddl_stmt *stmt)
{
    if (parse_name(p, NAME_OBJECT, &stmt->name) != 0)
        return -1;
    if (!ddl_accept_punct(p, '.'))
        return 0;
    free(stmt->database);
    stmt->database = stmt->name;
    stmt->name = NULL;
    return parse_name(p, NAME_OBJECT, &stmt->name);
}

int ddl_parse_string(ddl_parser *p, char **out)
{
    const ddl_token *t = ddl_peek(p);
    if (t->type != DDL_TOK_STRING)
        return ddl_syntax_error(p, "<string>");
    if (!utf8_valid(t->text))
        return fail_at(p, t, "string is not valid UTF-8", NULL);
    char *s = strdup(t->text);
    if (!s)
        return ddl_fail(p->err, 0, "out of memory");
    p->pos++;
    free(*out);
    *out = s;
    return 0;
}

/* ('key'='value', ...) into a JSON object; later keys replace earlier ones. */
static int parse_properties(ddl_parser *p, json_t **out)
{
    if (!*out && !(*out = json_object()))
        return ddl_fail(p->err, 0, "out of memory");
    if (ddl_expect_punct(p, '(') != 0)
        return -1;
    do {
        char *key = NULL, *value = NULL;
        const ddl_token *key_token = ddl_peek(p);
        int rc = ddl_parse_string(p, &key);
        if (rc == 0 && (strlen(key) == 0 || strlen(key) > DDL_MAX_NAME))
            rc = fail_at(p, key_token, "property keys must have 1 to 255 characters", NULL);
        if (rc == 0)
            rc = ddl_expect_punct(p, '=');
        if (rc == 0)
            rc = ddl_parse_string(p, &value);
        if (rc == 0 && json_object_set_new(*out, key, json_string(value)) != 0)
            rc = ddl_fail(p->err, 0, "out of memory");
        free(key);
        free(value);
        if (rc != 0)
            return -1;
    } while (ddl_accept_punct(p, ','));
    return ddl_expect_punct(p, ')');
}

/* s3://bucket[/key...]: the only kind of location Athena accepts. The key
 * may not climb out of the bucket, so the data directory stays closed; and
 * since S3 clients percent-decode keys, the decoded key must be just as safe
 * ("%2e%2e" is "..", "%2f" a '/'). Control characters and backslashes are
 * refused as well. */
static int check_s3_location(ddl_parser *p, const ddl_token *t, const char *location)
{
    char bucket[256], key[1100], why[160];
    buf decoded = BUF_INIT;
    int ok = s3_uri_split(location, bucket, sizeof bucket, key, sizeof key, why, sizeof why) == 0;
    for (const char *c = key; ok && *c; c++)
        ok = (unsigned char)*c >= 0x20 && *c != 0x7f && *c != '\\';
    if (ok)
        ok = buf_printf(&decoded, "s3://%s/", bucket) == 0 &&
             uri_decode(&decoded, key, strlen(key), 0) == URI_OK &&
             s3_uri_split(buf_str(&decoded), bucket, sizeof bucket, key, sizeof key, why,
                          sizeof why) == 0;
    buf_free(&decoded);
    if (ok)
        return 0;
    return fail_at(p, t, "invalid LOCATION: expected 's3://bucket/prefix/'", NULL);
}

/* ---- clauses shared by several statements ---- */

typedef struct ddl_clause {
    const char *keyword;
    int (*parse)(ddl_parser *p, ddl_stmt *stmt);
} ddl_clause;

/* Parses optional clauses in their fixed order, then the end of the
 * statement; a stray token is reported with the clauses still allowed. */
static int parse_clauses(ddl_parser *p, ddl_stmt *stmt, const ddl_clause *clauses, size_t n)
{
    size_t next = 0;
    for (;;) {
        size_t i = next;
        while (i < n && !ddl_token_is_word(ddl_peek(p), clauses[i].keyword))
            i++;
        if (i == n)
            break;
        if (clauses[i].parse(p, stmt) != 0)
            return -1;
        next = i + 1;
    }
    char expecting[256] = "";
    size_t used = 0;
    for (size_t i = next; i < n; i++)
        used += (size_t)snprintf(expecting + used, sizeof expecting - used, "'%s', ",
                                 clauses[i].keyword);
    snprintf(expecting + used, sizeof expecting - used, "<EOF>");
    return ddl_expect_end(p, expecting);
}

static int parse_comment_clause(ddl_parser *p, ddl_stmt *stmt)
{
    p->pos++;
    return ddl_parse_string(p, &stmt->comment);
}

int ddl_parse_location(ddl_parser *p, char **out)
{
    const ddl_token *t = ddl_peek(p);
    if (ddl_parse_string(p, out) != 0)
        return -1;
    return check_s3_location(p, t, *out);
}

static int parse_location_clause(ddl_parser *p, ddl_stmt *stmt)
{
    p->pos++;
    return ddl_parse_location(p, &stmt->location);
}

/* ---- databases ---- */

static int parse_dbproperties_clause(ddl_parser *p, ddl_stmt *stmt)
{
    p->pos++;
    if (ddl_expect_word(p, "DBPROPERTIES") != 0)
        return -1;
    return parse_properties(p, &stmt->properties);
}

static int expect_database_word(ddl_parser *p)
{
    if (ddl_accept_word(p, "DATABASE") || ddl_accept_word(p, "SCHEMA"))
        return 0;
    return ddl_syntax_error(p, "'DATABASE', 'SCHEMA'");
}

int ddl_parse_create_database(ddl_parser *p, ddl_stmt *stmt)
{
    static const ddl_clause clauses[] = {
        {"COMMENT", parse_comment_clause},
        {"LOCATION", parse_location_clause},
        {"WITH", parse_dbproperties_clause},
    };
    if (ddl_expect_word(p, "CREATE") != 0 || expect_database_word(p) != 0 ||
        (stmt->if_exists = ddl_accept_if_not_exists(p)) < 0 ||
        parse_name(p, NAME_OBJECT, &stmt->name) != 0)
        return -1;
    return parse_clauses(p, stmt, clauses, sizeof clauses / sizeof clauses[0]);
}

int ddl_parse_drop_database(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "DROP") != 0 || expect_database_word(p) != 0 ||
        (stmt->if_exists = ddl_accept_if_exists(p)) < 0 ||
        parse_name(p, NAME_OBJECT, &stmt->name) != 0)
        return -1;
    if (ddl_accept_word(p, "CASCADE"))
        stmt->cascade = 1;
    else
        ddl_accept_word(p, "RESTRICT");
    return ddl_expect_end(p, stmt->cascade ? "<EOF>" : "'CASCADE', 'RESTRICT', <EOF>");
}

/* [LIKE] 'pattern' at the end of SHOW statements. */
int ddl_parse_show_pattern(ddl_parser *p, ddl_stmt *stmt, int like_optional)
{
    int like = ddl_accept_word(p, "LIKE");
    if (like || (like_optional && ddl_peek(p)->type == DDL_TOK_STRING))
        return ddl_parse_string(p, &stmt->pattern);
    return 0;
}

int ddl_parse_show_databases(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "SHOW") != 0)
        return -1;
    if (!ddl_accept_word(p, "DATABASES") && !ddl_accept_word(p, "SCHEMAS"))
        return ddl_syntax_error(p, "'DATABASES', 'SCHEMAS'");
    if (ddl_parse_show_pattern(p, stmt, 0) != 0)
        return -1;
    return ddl_expect_end(p, stmt->pattern ? "<EOF>" : "'LIKE', <EOF>");
}

/* ---- tables ---- */

/* The tokens of a column type up to ',' ')' or COMMENT at nesting level 0,
 * joined with spaces (comments between them are gone) and normalized. */
static int parse_column_type(ddl_parser *p, char **out)
{
    const ddl_token *first = ddl_peek(p);
    buf text = BUF_INIT, normalized = BUF_INIT;
    int depth = 0, oom = 0;
    for (const ddl_token *t = ddl_peek(p); t->type != DDL_TOK_EOF; t = ddl_peek(p)) {
        if (depth == 0 && (ddl_token_is_punct(t, ',') || ddl_token_is_punct(t, ')') ||
                           ddl_token_is_word(t, "COMMENT")))
            break;
        if (ddl_token_is_punct(t, '<') || ddl_token_is_punct(t, '('))
            depth++;
        else if (ddl_token_is_punct(t, '>') || ddl_token_is_punct(t, ')'))
            depth--;
        oom |= buf_append(&text, t->start, t->length) | buf_putc(&text, ' ');
        p->pos++;
    }
    if (text.len == 0)
        return ddl_syntax_error(p, "<type>");
    char why[200];
    int rc = 0;
    if (oom)
        rc = ddl_fail(p->err, 0, "out of memory");
    else if (hive_type_normalize(text.data, &normalized, why, sizeof why) != 0)
        rc = fail_at(p, first, why, NULL);
    else if (!(*out = buf_detach(&normalized)))
        rc = ddl_fail(p->err, 0, "out of memory");
    buf_free(&text);
    buf_free(&normalized);
    return rc;
}

static int push_column(ddl_parser *p, ddl_column_list *list, ddl_column_def **col)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 8;
        ddl_column_def *items = realloc(list->items, cap * sizeof *items);
        if (!items)
            return ddl_fail(p->err, 0, "out of memory");
        list->items = items;
        list->cap = cap;
    }
    *col = &list->items[list->count++];
    memset(*col, 0, sizeof **col);
    return 0;
}

/* (name type [COMMENT 'text'], ...) */
static int parse_column_list(ddl_parser *p, ddl_column_list *list)
{
    if (ddl_expect_punct(p, '(') != 0)
        return -1;
    do {
        ddl_column_def *col = NULL;
        if (push_column(p, list, &col) != 0 || parse_name(p, NAME_COLUMN, &col->name) != 0 ||
            parse_column_type(p, &col->type) != 0)
            return -1;
        if (ddl_accept_word(p, "COMMENT") && ddl_parse_string(p, &col->comment) != 0)
            return -1;
    } while (ddl_accept_punct(p, ','));
    return ddl_expect_punct(p, ')');
}

static int parse_partitioned_clause(ddl_parser *p, ddl_stmt *stmt)
{
    p->pos++;
    if (ddl_expect_word(p, "BY") != 0)
        return -1;
    return parse_column_list(p, &stmt->partition_keys);
}

/* The rest of one part of ROW FORMAT DELIMITED, e.g. ITEMS TERMINATED BY
 * 'x' after COLLECTION: the keywords in words, then the string, which
 * becomes the SerDe parameter param. */
static int parse_delimiter(ddl_parser *p, ddl_stmt *stmt, const char *param,
                           const char *const *words)
{
    for (; *words; words++)
        if (ddl_expect_word(p, *words) != 0)
            return -1;
    const ddl_token *t = ddl_peek(p);
    char *value = NULL;
    if (ddl_parse_string(p, &value) != 0)
        return -1;
    int rc = 0;
    if (strcmp(param, "line.delim") == 0 && strcmp(value, "\n") != 0)
        rc = fail_at(p, t, "LINES TERMINATED BY only supports newline '\\n' right now", NULL);
    else if (json_object_set_new(stmt->delimiters, param, json_string(value)) != 0)
        rc = ddl_fail(p->err, 0, "out of memory");
    free(value);
    return rc;
}

static int parse_delimited(ddl_parser *p, ddl_stmt *stmt)
{
    static const char *const terminated_by[] = {"TERMINATED", "BY", NULL};
    static const char *const by[] = {"BY", NULL};
    static const char *const items_terminated_by[] = {"ITEMS", "TERMINATED", "BY", NULL};
    static const char *const keys_terminated_by[] = {"KEYS", "TERMINATED", "BY", NULL};
    static const char *const defined_as[] = {"DEFINED", "AS", NULL};
    stmt->row_format = DDL_ROW_FORMAT_DELIMITED;
    if (!stmt->delimiters && !(stmt->delimiters = json_object()))
        return ddl_fail(p->err, 0, "out of memory");
    if (ddl_accept_word(p, "FIELDS")) {
        if (parse_delimiter(p, stmt, "field.delim", terminated_by) != 0)
            return -1;
        if (ddl_accept_word(p, "ESCAPED") && parse_delimiter(p, stmt, "escape.delim", by) != 0)
            return -1;
    }
    if (ddl_accept_word(p, "COLLECTION") &&
        parse_delimiter(p, stmt, "collection.delim", items_terminated_by) != 0)
        return -1;
    if (ddl_accept_word(p, "MAP") &&
        parse_delimiter(p, stmt, "mapkey.delim", keys_terminated_by) != 0)
        return -1;
    if (ddl_accept_word(p, "LINES") && parse_delimiter(p, stmt, "line.delim", terminated_by) != 0)
        return -1;
    if (ddl_accept_word(p, "NULL") &&
        parse_delimiter(p, stmt, "serialization.null.format", defined_as) != 0)
        return -1;
    return 0;
}

static int parse_row_format_clause(ddl_parser *p, ddl_stmt *stmt)
{
    p->pos++;
    if (ddl_expect_word(p, "FORMAT") != 0)
        return -1;
    if (ddl_accept_word(p, "DELIMITED"))
        return parse_delimited(p, stmt);
    if (!ddl_accept_word(p, "SERDE"))
        return ddl_syntax_error(p, "'DELIMITED', 'SERDE'");
    stmt->row_format = DDL_ROW_FORMAT_SERDE;
    if (ddl_parse_string(p, &stmt->serde) != 0)
        return -1;
    if (!ddl_accept_word(p, "WITH"))
        return 0;
    if (ddl_expect_word(p, "SERDEPROPERTIES") != 0)
        return -1;
    return parse_properties(p, &stmt->serde_properties);
}

static int parse_stored_clause(ddl_parser *p, ddl_stmt *stmt)
{
    p->pos++;
    if (ddl_expect_word(p, "AS") != 0)
        return -1;
    if (ddl_accept_word(p, "INPUTFORMAT")) {
        if (ddl_parse_string(p, &stmt->input_format) != 0 ||
            ddl_expect_word(p, "OUTPUTFORMAT") != 0)
            return -1;
        return ddl_parse_string(p, &stmt->output_format);
    }
    const ddl_token *t = ddl_peek(p);
    if (t->type != DDL_TOK_WORD)
        return ddl_syntax_error(p, "<file format>, 'INPUTFORMAT'");
    char *format = strndup(t->start, t->length);
    if (!format)
        return ddl_fail(p->err, 0, "out of memory");
    for (char *c = format; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    free(stmt->stored_as);
    stmt->stored_as = format;
    if (!ddl_storage_format_known(format))
        return fail_at(p, t, "unsupported file format: ", format);
    p->pos++;
    return 0;
}

static int parse_tblproperties_clause(ddl_parser *p, ddl_stmt *stmt)
{
    p->pos++;
    return parse_properties(p, &stmt->properties);
}

static int check_columns(ddl_parser *p, const ddl_stmt *stmt)
{
    const ddl_column_list *cols = &stmt->columns, *parts = &stmt->partition_keys;
    for (size_t i = 0; i < cols->count; i++)
        for (size_t j = i + 1; j < cols->count; j++)
            if (strcmp(cols->items[i].name, cols->items[j].name) == 0)
                return ddl_fail(p->err, 1, "Duplicate column name: %s", cols->items[i].name);
    for (size_t i = 0; i < parts->count; i++) {
        const char *type = parts->items[i].type;
        if (strncmp(type, "array<", 6) == 0 || strncmp(type, "map<", 4) == 0 ||
            strncmp(type, "struct<", 7) == 0)
            return ddl_fail(p->err, 1, "Partition column %s must be of a primitive type, not %s",
                            parts->items[i].name, type);
        for (size_t j = 0; j < cols->count; j++)
            if (strcmp(parts->items[i].name, cols->items[j].name) == 0)
                return ddl_fail(p->err, 1, "Column repeated in partitioning columns: %s",
                                parts->items[i].name);
        for (size_t j = i + 1; j < parts->count; j++)
            if (strcmp(parts->items[i].name, parts->items[j].name) == 0)
                return ddl_fail(p->err, 1, "Duplicate partition column name: %s",
                                parts->items[i].name);
    }
    return 0;
}

/* What Athena requires of a Hive table beyond the grammar. */
static int check_create_table(ddl_parser *p, const ddl_stmt *stmt)
{
    const char *table_type =
        stmt->properties ? json_string_value(json_object_get(stmt->properties, "table_type")) : NULL;
    if (table_type && strcasecmp(table_type, "ICEBERG") == 0)
        return ddl_fail(p->err, 1, "Iceberg tables are not supported yet");
    if (!stmt->external)
        return ddl_fail(p->err, 1, "Only external table creation is supported. "
                                   "Use CREATE EXTERNAL TABLE ... LOCATION 's3://...'");
    if (!stmt->location)
        return ddl_fail(p->err, 1, "CREATE EXTERNAL TABLE requires LOCATION 's3://bucket/prefix/'");
    return check_columns(p, stmt);
}

int ddl_parse_create_table(ddl_parser *p, ddl_stmt *stmt)
{
    static const ddl_clause clauses[] = {
        {"COMMENT", parse_comment_clause},
        {"PARTITIONED", parse_partitioned_clause},
        {"ROW", parse_row_format_clause},
        {"STORED", parse_stored_clause},
        {"LOCATION", parse_location_clause},
        {"TBLPROPERTIES", parse_tblproperties_clause},
    };
    if (ddl_expect_word(p, "CREATE") != 0)
        return -1;
    stmt->external = ddl_accept_word(p, "EXTERNAL");
    if (ddl_expect_word(p, "TABLE") != 0 || (stmt->if_exists = ddl_accept_if_not_exists(p)) < 0 ||
        ddl_parse_qualified_name(p, stmt) != 0 || parse_column_list(p, &stmt->columns) != 0 ||
        parse_clauses(p, stmt, clauses, sizeof clauses / sizeof clauses[0]) != 0)
        return -1;
    return check_create_table(p, stmt);
}

int ddl_parse_drop_table(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "DROP") != 0 || ddl_expect_word(p, "TABLE") != 0 ||
        (stmt->if_exists = ddl_accept_if_exists(p)) < 0 || ddl_parse_qualified_name(p, stmt) != 0)
        return -1;
    ddl_accept_word(p, "PURGE");  /* Hive's; an external table's data stays either way */
    return ddl_expect_end(p, "<EOF>");
}

/* IN db / FROM db */
int ddl_accept_in_database(ddl_parser *p, char **database)
{
    if (!ddl_accept_word(p, "IN") && !ddl_accept_word(p, "FROM"))
        return 0;
    return parse_name(p, NAME_OBJECT, database) == 0 ? 1 : -1;
}

int ddl_parse_show_tables(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "SHOW") != 0 || ddl_expect_word(p, "TABLES") != 0 ||
        ddl_accept_in_database(p, &stmt->database) < 0 || ddl_parse_show_pattern(p, stmt, 1) != 0)
        return -1;
    return ddl_expect_end(p, stmt->pattern ? "<EOF>" : "'IN', 'LIKE', <string>, <EOF>");
}

int ddl_parse_describe(ddl_parser *p, ddl_stmt *stmt)
{
    if (!ddl_accept_word(p, "DESCRIBE") && ddl_expect_word(p, "DESC") != 0)
        return -1;
    const ddl_token *t = ddl_peek(p);
    if (ddl_token_is_word(t, "EXTENDED") || ddl_token_is_word(t, "FORMATTED"))
        return fail_at(p, t, "DESCRIBE EXTENDED and DESCRIBE FORMATTED are not supported yet",
                       NULL);
    if (ddl_parse_qualified_name(p, stmt) != 0)
        return -1;
    if (ddl_peek(p)->type != DDL_TOK_EOF && !ddl_token_is_punct(ddl_peek(p), ';') &&
        parse_name(p, NAME_COLUMN, &stmt->column) != 0)
        return -1;
    return ddl_expect_end(p, "<EOF>");
}

int ddl_parse_show_columns(ddl_parser *p, ddl_stmt *stmt)
{
    if (ddl_expect_word(p, "SHOW") != 0 || ddl_expect_word(p, "COLUMNS") != 0)
        return -1;
    if (!ddl_accept_word(p, "FROM") && !ddl_accept_word(p, "IN"))
        return ddl_syntax_error(p, "'FROM', 'IN'");
    if (ddl_parse_qualified_name(p, stmt) != 0)
        return -1;
    char *qualifier = stmt->database;
    stmt->database = NULL;
    const ddl_token *t = peek_at(p, 1);
    int in = ddl_accept_in_database(p, &stmt->database);
    int rc = in < 0 ? -1 : 0;
    if (in > 0 && qualifier && strcmp(qualifier, stmt->database) != 0)
        rc = fail_at(p, t, "the table is qualified with another database: ", qualifier);
    if (!stmt->database) {
        stmt->database = qualifier;
        qualifier = NULL;
    }
    free(qualifier);
    return rc != 0 ? -1 : ddl_expect_end(p, in ? "<EOF>" : "'FROM', 'IN', <EOF>");
}
