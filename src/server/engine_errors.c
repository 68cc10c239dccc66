/*
 * engine_errors.c: DuckDB's failures in Athena's words.
 *
 * Athena (Trino) reports a failed statement as ERROR_CODE plus a message
 * that starts with the position of the offending text, e.g.
 * "COLUMN_NOT_FOUND" and "line 1:8: Column 'x' cannot be resolved". DuckDB
 * reports "Binder Error: Referenced column "x" not found in FROM clause!"
 * followed by a "LINE 1: <excerpt>" line and a caret under the position.
 * Here the error type picks the engine_failure and the code, the caret
 * becomes "line L:C: " (only when the excerpt is really the user's text, not
 * a view's), and the most common messages are reworded as Trino words them.
 */
#include "engine_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

engine_failure engine_fail(engine_error *err, engine_failure failure, const char *code,
                           const char *fmt, ...)
{
    err->failure = failure;
    snprintf(err->code, sizeof err->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return failure;
}

/* ---- positions ---------------------------------------------------------- */

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* "line L:C: " for byte offset pos of sql (columns count characters). */
static void format_position(const char *sql, size_t pos, char *out, size_t cap)
{
    size_t line = 1, line_start = 0;
    for (size_t i = 0; i < pos && sql[i]; i++)
        if (sql[i] == '\n')
            line++, line_start = i + 1;
    snprintf(out, cap, "line %zu:%zu: ", line, utf8_chars(sql + line_start, pos - line_start) + 1);
}

/* Byte offset of the start of line `line` (1-based) of sql, or -1. */
static long line_offset(const char *sql, long line)
{
    const char *p = sql;
    for (long l = 1; l < line; l++) {
        p = strchr(p, '\n');
        if (!p)
            return -1;
        p++;
    }
    return (long)(p - sql);
}

/* Byte offset in s of the character at render width `width` (one column per
 * character, as DuckDB renders plain text). */
static size_t offset_of_width(const char *s, size_t len, size_t width)
{
    size_t i = 0;
    for (size_t w = 0; i < len && w < width; w++) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}

/* Finds the caret block "\nLINE n: excerpt\n   ^" at the end of message,
 * locates the excerpt in sql and returns the byte offset it points at, or
 * -1. *block_start is where the block begins in message (or its length). */
static long caret_offset(const char *message, const char *sql, size_t *block_start)
{
    const char *block = strstr(message, "\nLINE ");
    while (block && strstr(block + 1, "\nLINE "))
        block = strstr(block + 1, "\nLINE ");
    *block_start = block ? (size_t)(block - message) : strlen(message);
    if (!block || !sql)
        return -1;
    char *end;
    long line = strtol(block + 6, &end, 10);
    if (end == block + 6 || strncmp(end, ": ", 2) != 0)
        return -1;
    const char *excerpt = end + 2;
    const char *excerpt_end = strchr(excerpt, '\n');
    if (!excerpt_end)
        return -1;
    const char *caret = strchr(excerpt_end + 1, '^');
    if (!caret)
        return -1;
    long width = (long)(caret - excerpt_end - 1) - (long)(excerpt - block - 1);
    size_t len = (size_t)(excerpt_end - excerpt);
    if (len >= 3 && strncmp(excerpt, "...", 3) == 0)
        excerpt += 3, len -= 3, width -= 3;
    if (len >= 3 && strncmp(excerpt + len - 3, "...", 3) == 0)
        len -= 3;
    long start = line_offset(sql, line);
    if (start < 0 || width < 0 || len == 0)
        return -1;
    const char *line_text = sql + start;
    size_t line_len = strcspn(line_text, "\n");
    for (size_t i = 0; i + len <= line_len; i++)
        if (memcmp(line_text + i, excerpt, len) == 0)
            return start + (long)i + (long)offset_of_width(excerpt, len, (size_t)width);
    return -1;
}

/* ---- finding a table reference in the user's text ------------------------- */

typedef struct sql_token {
    const char *start;
    size_t len;
    int quoted;
} sql_token;

/* Skips quotes and comments; reads identifiers and single characters. */
static const char *next_token(const char *p, sql_token *t)
{
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (p[0] == '-' && p[1] == '-') {
            p += strcspn(p, "\n");
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
        } else if (*p == '\'') {
            for (p++; *p && !(*p == '\'' && p[1] != '\''); p += (*p == '\'') ? 2 : 1)
                ;
            if (*p)
                p++;
        } else {
            break;
        }
    }
    t->start = p;
    t->quoted = *p == '"';
    if (t->quoted) {
        const char *q = p + 1;
        while (*q && !(*q == '"' && q[1] != '"'))
            q += (*q == '"') ? 2 : 1;
        t->len = (size_t)(q - p) + (*q ? 1 : 0);
    } else if (isalnum((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) {
        size_t n = 0;
        while (isalnum((unsigned char)p[n]) || p[n] == '_' || (unsigned char)p[n] >= 0x80)
            n++;
        t->len = n;
    } else {
        t->len = *p ? 1 : 0;
    }
    return p + t->len;
}

static int token_is(const sql_token *t, const char *name)
{
    if (!t->quoted)
        return t->len == strlen(name) && strncasecmp(t->start, name, t->len) == 0;
    size_t n = strlen(name);
    return t->len == n + 2 && strncasecmp(t->start + 1, name, n) == 0;
}

/* Offset of the first FROM/JOIN-introduced reference to [schema.]table,
 * pointing at its first qualifier, or -1. */
static long table_reference_offset(const char *sql, const char *schema, const char *table)
{
    sql_token prev = {"", 0, 0}, tok;
    const char *p = sql;
    while (*p) {
        p = next_token(p, &tok);
        if (tok.len == 0)
            break;
        if (!(token_is(&prev, "from") || token_is(&prev, "join") || prev.len == 0 ||
              (prev.len == 1 && prev.start[0] == ','))) {
            prev = tok;
            continue;
        }
        /* A possibly qualified name: ident (. ident){0,2}; its last part must be table. */
        const char *ref_start = tok.start;
        sql_token last = tok, dot;
        const char *q = p;
        for (int parts = 1; parts < 3; parts++) {
            const char *after = next_token(q, &dot);
            if (!(dot.len == 1 && dot.start[0] == '.'))
                break;
            q = next_token(after, &last);
        }
        if (token_is(&last, table) && (last.start == ref_start || *schema))
            return (long)(ref_start - sql);
        prev = tok;
    }
    return -1;
}

void engine_table_position(const char *sql, const char *schema, const char *table, char *out,
                           size_t cap)
{
    long at = table_reference_offset(sql, schema, table);
    if (at < 0)
        snprintf(out, cap, "%s", "");
    else
        format_position(sql, (size_t)at, out, cap);
}

/* ---- classification ------------------------------------------------------ */

typedef struct error_kind {
    duckdb_error_type type;
    const char *prefix;          /* "Binder Error: " as DuckDB prints it */
    engine_failure failure;
    const char *code;
} error_kind;

static const error_kind KINDS[] = {
    {DUCKDB_ERROR_PARSER, "Parser Error: ", ENGINE_USER_ERROR, "SYNTAX_ERROR"},
    {DUCKDB_ERROR_SYNTAX, "Syntax Error: ", ENGINE_USER_ERROR, "SYNTAX_ERROR"},
    {DUCKDB_ERROR_BINDER, "Binder Error: ", ENGINE_USER_ERROR, "GENERIC_USER_ERROR"},
    {DUCKDB_ERROR_CATALOG, "Catalog Error: ", ENGINE_USER_ERROR, "GENERIC_USER_ERROR"},
    {DUCKDB_ERROR_CONVERSION, "Conversion Error: ", ENGINE_USER_ERROR, "INVALID_CAST_ARGUMENT"},
    {DUCKDB_ERROR_MISMATCH_TYPE, "Mismatch Type Error: ", ENGINE_USER_ERROR, "TYPE_MISMATCH"},
    {DUCKDB_ERROR_INVALID_TYPE, "Invalid Type Error: ", ENGINE_USER_ERROR, "TYPE_MISMATCH"},
    {DUCKDB_ERROR_DIVIDE_BY_ZERO, "Divide by Zero Error: ", ENGINE_USER_ERROR,
     "DIVISION_BY_ZERO"},
    {DUCKDB_ERROR_OUT_OF_RANGE, "Out of Range Error: ", ENGINE_USER_ERROR,
     "NUMERIC_VALUE_OUT_OF_RANGE"},
    {DUCKDB_ERROR_DECIMAL, "Decimal Error: ", ENGINE_USER_ERROR, "NUMERIC_VALUE_OUT_OF_RANGE"},
    {DUCKDB_ERROR_INVALID_INPUT, "Invalid Input Error: ", ENGINE_USER_ERROR,
     "INVALID_FUNCTION_ARGUMENT"},
    {DUCKDB_ERROR_NOT_IMPLEMENTED, "Not implemented Error: ", ENGINE_USER_ERROR,
     "NOT_SUPPORTED"},
    {DUCKDB_ERROR_PARAMETER_NOT_RESOLVED, "Parameter Not Resolved Error: ", ENGINE_USER_ERROR,
     "INVALID_PARAMETER_USAGE"},
    {DUCKDB_ERROR_PARAMETER_NOT_ALLOWED, "Parameter Not Allowed Error: ", ENGINE_USER_ERROR,
     "INVALID_PARAMETER_USAGE"},
    {DUCKDB_ERROR_OUT_OF_MEMORY, "Out of Memory Error: ", ENGINE_USER_ERROR,
     "EXCEEDED_LOCAL_MEMORY_LIMIT"},
    {DUCKDB_ERROR_INTERRUPT, "INTERRUPT Error: ", ENGINE_INTERRUPTED, "USER_CANCELED"},
    {DUCKDB_ERROR_PERMISSION, "Permission Error: ", ENGINE_SANDBOX, "PERMISSION_DENIED"},
    {DUCKDB_ERROR_IO, "IO Error: ", ENGINE_SYSTEM_ERROR, "HIVE_CANNOT_OPEN_SPLIT"},
    {DUCKDB_ERROR_INTERNAL, "INTERNAL Error: ", ENGINE_SYSTEM_ERROR, "GENERIC_INTERNAL_ERROR"},
};

#define KIND_COUNT (sizeof KINDS / sizeof *KINDS)

static const error_kind *kind_of(duckdb_error_type type, const char *message)
{
    for (size_t i = 0; i < KIND_COUNT; i++)
        if (type != DUCKDB_ERROR_INVALID ? KINDS[i].type == type
                                         : strncmp(message, KINDS[i].prefix,
                                                   strlen(KINDS[i].prefix)) == 0)
            return &KINDS[i];
    return NULL;
}

/* The message without DuckDB's "<Type> Error: " prefix. */
static const char *strip_prefix(const char *message)
{
    const char *colon = strstr(message, " Error: ");
    if (colon && colon - message < 40 && !memchr(message, '\n', (size_t)(colon - message)))
        return colon + 8;
    return message;
}

/* Copies the text between the first pair of '"' after marker into out. */
static int quoted_after(const char *text, const char *marker, char *out, size_t cap)
{
    const char *m = strstr(text, marker);
    if (!m)
        return 0;
    const char *open = strchr(m + strlen(marker), '"');
    const char *close = open ? strchr(open + 1, '"') : NULL;
    if (!close || (size_t)(close - open - 1) >= cap)
        return 0;
    memcpy(out, open + 1, (size_t)(close - open - 1));
    out[close - open - 1] = '\0';
    return 1;
}

/* Trino's words for the common DuckDB messages; 0 when none applies. */
static int reword(const char *text, char *code, size_t code_cap, char *out, size_t cap)
{
    char name[512];
    if (strncmp(text, "Referenced column ", 18) == 0 &&
        quoted_after(text, "Referenced column", name, sizeof name)) {
        snprintf(code, code_cap, "COLUMN_NOT_FOUND");
        snprintf(out, cap, "Column '%s' cannot be resolved", name);
        return 1;
    }
    char relation[256];
    const char *no_column = strstr(text, " does not have a column named ");
    if (no_column && quoted_after(text, "", relation, sizeof relation) &&
        quoted_after(no_column, "column named", name, sizeof name)) {
        snprintf(code, code_cap, "COLUMN_NOT_FOUND");
        snprintf(out, cap, "Column '%s.%s' cannot be resolved", relation, name);
        return 1;
    }
    const char *fn = strstr(text, "Function with name ");
    if (fn && strstr(fn, " does not exist")) {
        const char *start = fn + 19;
        size_t n = strcspn(start, " \n");
        snprintf(code, code_cap, "FUNCTION_NOT_FOUND");
        snprintf(out, cap, "Function '%.*s' not registered", (int)(n < 256 ? n : 256), start);
        return 1;
    }
    return 0;
}

/* Errors in the table files rather than in the statement. */
static int is_bad_data(const char *text)
{
    return strstr(text, "CSV Error") || strstr(text, "Malformed JSON") ||
           strstr(text, "Invalid unicode") || strstr(text, "Invalid Parquet") ||
           strstr(text, "No magic bytes");
}

engine_failure engine_fail_duckdb(engine_error *err, duckdb_error_type type, const char *message,
                                  const char *sql)
{
    if (!message)
        message = "unknown engine error";
    const error_kind *kind = kind_of(type, message);
    err->failure = kind ? kind->failure : ENGINE_SYSTEM_ERROR;
    snprintf(err->code, sizeof err->code, "%s", kind ? kind->code : "GENERIC_INTERNAL_ERROR");
    if (err->failure == ENGINE_INTERRUPTED) {
        snprintf(err->message, sizeof err->message, "Query was cancelled by user");
        return err->failure;
    }
    const char *text = strip_prefix(message);
    size_t block_start;
    long at = caret_offset(text, sql, &block_start);
    char position[64] = "";
    if (at >= 0)
        format_position(sql, (size_t)at, position, sizeof position);
    char reworded[1024];
    if (reword(text, err->code, sizeof err->code, reworded, sizeof reworded)) {
        snprintf(err->message, sizeof err->message, "%s%s", position, reworded);
        return err->failure;
    }
    /* The first paragraph: later ones are DuckDB's advice about its own
     * reader options and the caret block. */
    const char *blank = strstr(text, "\n\n");
    size_t len = blank && (size_t)(blank - text) < block_start ? (size_t)(blank - text)
                                                               : block_start;
    while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
        len--;
    char file[1100] = "";
    if (is_bad_data(text)) {
        err->failure = ENGINE_USER_ERROR;
        snprintf(err->code, sizeof err->code, "HIVE_BAD_DATA");
        const char *f = strstr(text, "\n  file = ");
        if (f)
            snprintf(file, sizeof file, " (file %.*s)", (int)strcspn(f + 10, "\n"), f + 10);
    }
    snprintf(err->message, sizeof err->message, "%s%.*s%s", position, (int)len, text, file);
    return err->failure;
}

void engine_syntax_position(duckdb_connection conn, const char *sql, char *out, size_t cap)
{
    snprintf(out, cap, "%s", "");
    json_t *tree = engine_parse_tree(conn, sql);
    const char *position = json_string_value(json_object_get(tree, "position"));
    char *end = NULL;
    long at = position ? strtol(position, &end, 10) : -1;
    if (position && *end == '\0' && at >= 0 && (size_t)at <= strlen(sql))
        format_position(sql, (size_t)at, out, cap);
    json_decref(tree);
}

void engine_paths_to_uris(const char *s3_root, char *message)
{
    char root[4200];
    snprintf(root, sizeof root, "%s/", s3_root);
    size_t root_len = strlen(root);
    char *at;
    while ((at = strstr(message, root)) != NULL) {
        /* "ROOT/bucket/key" -> "s3://bucket/key": never longer. */
        size_t tail = strlen(at + root_len);
        memcpy(at, "s3://", 5);
        memmove(at + 5, at + root_len, tail + 1);
    }
}
