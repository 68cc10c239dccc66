/*
 * hive_types.c: parses the column types of Athena DDL (Hive types) and
 * writes them back either as Glue stores them (normalized: lower case, no
 * spaces, defaults made explicit) or as the DuckDB type the engine declares.
 *
 * One recursive-descent parser serves both outputs: it emits as it parses,
 * and the emitter mode decides the spelling. Nesting is bounded so hostile
 * input ("array<array<array<...") cannot exhaust the stack.
 */
#include "hive_types.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define HIVE_MAX_DEPTH 32
#define HIVE_MAX_NAME 255
#define DECIMAL_MAX_PRECISION 38
#define VARCHAR_MAX_LENGTH 65535
#define CHAR_MAX_LENGTH 255

typedef enum emit_mode { EMIT_HIVE, EMIT_DUCKDB } emit_mode;

typedef struct type_parser {
    const char *text;
    size_t pos;
    emit_mode mode;
    buf *out;
    char *why;
    size_t why_cap;
    int failed;
} type_parser;

/* A primitive Hive type: its accepted spellings map to one Glue spelling
 * and one DuckDB type. Parameterized types are handled separately. */
typedef struct primitive_type {
    const char *name;
    const char *hive;
    const char *duckdb;
} primitive_type;

static const primitive_type PRIMITIVES[] = {
    {"tinyint", "tinyint", "TINYINT"},     {"smallint", "smallint", "SMALLINT"},
    {"int", "int", "INTEGER"},             {"integer", "int", "INTEGER"},
    {"bigint", "bigint", "BIGINT"},        {"boolean", "boolean", "BOOLEAN"},
    {"float", "float", "FLOAT"},           {"double", "double", "DOUBLE"},
    {"string", "string", "VARCHAR"},       {"binary", "binary", "BLOB"},
    {"date", "date", "DATE"},              {"timestamp", "timestamp", "TIMESTAMP"},
};

static int fail(type_parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(type_parser *p, const char *fmt, ...)
{
    if (!p->failed && p->why && p->why_cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->why, p->why_cap, fmt, ap);
        va_end(ap);
    }
    p->failed = 1;
    return -1;
}

static int emit(type_parser *p, const char *s)
{
    if (buf_puts(p->out, s) != 0)
        return fail(p, "out of memory");
    return 0;
}

static void skip_space(type_parser *p)
{
    while (isspace((unsigned char)p->text[p->pos]))
        p->pos++;
}

static int is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Reads a word ([A-Za-z0-9_]+, or `backquoted` when allowed) lower-cased
 * into word. 0, or -1 when there is none or it is too long. */
static int read_word(type_parser *p, char *word, size_t cap, int allow_backquote)
{
    skip_space(p);
    size_t n = 0;
    int quoted = allow_backquote && p->text[p->pos] == '`';
    if (quoted)
        p->pos++;
    while (is_word_char(p->text[p->pos])) {
        if (n + 1 >= cap)
            return fail(p, "name too long in type");
        word[n++] = (char)tolower((unsigned char)p->text[p->pos++]);
    }
    word[n] = '\0';
    if (quoted && p->text[p->pos++] != '`')
        return fail(p, "unterminated or invalid `name` in type");
    if (n == 0) {
        char c = p->text[p->pos];
        if (c == '\0')
            return fail(p, "type expected at end of input");
        return fail(p, "type expected at '%c'", c);
    }
    return 0;
}

static int expect_char(type_parser *p, char c, const char *context)
{
    skip_space(p);
    if (p->text[p->pos] == c) {
        p->pos++;
        return 0;
    }
    if (c == '>' && p->text[p->pos] == '\0')
        return fail(p, "unbalanced '<' in %s", context);
    if (p->text[p->pos] == '\0')
        return fail(p, "expected '%c' in %s at end of input", c, context);
    return fail(p, "expected '%c' in %s at '%c'", c, context, p->text[p->pos]);
}

static int peek_char(type_parser *p, char c)
{
    skip_space(p);
    return p->text[p->pos] == c;
}

/* Reads an unsigned decimal number of at most 9 digits. */
static int read_number(type_parser *p, const char *what, long *value)
{
    skip_space(p);
    size_t start = p->pos;
    long v = 0;
    while (isdigit((unsigned char)p->text[p->pos]) && p->pos - start < 10)
        v = v * 10 + (p->text[p->pos++] - '0');
    if (p->pos == start || isdigit((unsigned char)p->text[p->pos]) || p->pos - start > 9)
        return fail(p, "invalid %s", what);
    *value = v;
    return 0;
}

static int parse_type(type_parser *p, int depth, int *is_primitive);

static int parse_decimal(type_parser *p)
{
    long precision = 10, scale = 0;
    if (peek_char(p, '(')) {
        p->pos++;
        if (read_number(p, "decimal precision", &precision) != 0)
            return -1;
        if (peek_char(p, ',')) {
            p->pos++;
            if (read_number(p, "decimal scale", &scale) != 0)
                return -1;
        }
        if (expect_char(p, ')', "decimal") != 0)
            return -1;
    }
    if (precision < 1 || precision > DECIMAL_MAX_PRECISION)
        return fail(p, "decimal precision must be between 1 and %d, got %ld",
                    DECIMAL_MAX_PRECISION, precision);
    if (scale > precision)
        return fail(p, "decimal scale %ld is greater than precision %ld", scale, precision);
    char text[64];
    snprintf(text, sizeof text, p->mode == EMIT_HIVE ? "decimal(%ld,%ld)" : "DECIMAL(%ld,%ld)",
             precision, scale);
    return emit(p, text);
}

/* varchar(n) and char(n): the length is required, as in Hive. */
static int parse_sized_string(type_parser *p, const char *name, long max_length)
{
    long length;
    if (!peek_char(p, '('))
        return fail(p, "%s requires a length, e.g. %s(10)", name, name);
    p->pos++;
    if (read_number(p, "length", &length) != 0 || expect_char(p, ')', name) != 0)
        return -1;
    if (length < 1 || length > max_length)
        return fail(p, "%s length must be between 1 and %ld, got %ld", name, max_length, length);
    if (p->mode == EMIT_DUCKDB)
        return emit(p, "VARCHAR");
    char text[64];
    snprintf(text, sizeof text, "%s(%ld)", name, length);
    return emit(p, text);
}

static int parse_array(type_parser *p, int depth)
{
    int primitive;
    if (p->mode == EMIT_HIVE && emit(p, "array<") != 0)
        return -1;
    if (expect_char(p, '<', "array") != 0 || parse_type(p, depth + 1, &primitive) != 0 ||
        expect_char(p, '>', "array") != 0)
        return -1;
    return emit(p, p->mode == EMIT_HIVE ? ">" : "[]");
}

static int parse_map(type_parser *p, int depth)
{
    int primitive;
    if (emit(p, p->mode == EMIT_HIVE ? "map<" : "MAP(") != 0 || expect_char(p, '<', "map") != 0)
        return -1;
    if (parse_type(p, depth + 1, &primitive) != 0)
        return -1;
    if (!primitive)
        return fail(p, "map keys must be of a primitive type");
    if (expect_char(p, ',', "map") != 0 || emit(p, p->mode == EMIT_HIVE ? "," : ", ") != 0 ||
        parse_type(p, depth + 1, &primitive) != 0 || expect_char(p, '>', "map") != 0)
        return -1;
    return emit(p, p->mode == EMIT_HIVE ? ">" : ")");
}

/* Skips a field's optional COMMENT 'text' (Hive allows it inside structs;
 * Glue's type string does not keep it). */
static int skip_field_comment(type_parser *p)
{
    skip_space(p);
    if (strncasecmp(p->text + p->pos, "comment", 7) != 0 || is_word_char(p->text[p->pos + 7]))
        return 0;
    p->pos += 7;
    skip_space(p);
    char quote = p->text[p->pos];
    if (quote != '\'' && quote != '"')
        return fail(p, "expected a quoted string after COMMENT");
    for (p->pos++; p->text[p->pos] != quote; p->pos++) {
        if (p->text[p->pos] == '\\' && p->text[p->pos + 1] != '\0')
            p->pos++;
        if (p->text[p->pos] == '\0')
            return fail(p, "unterminated comment string in struct");
    }
    p->pos++;
    return 0;
}

static int parse_struct_field(type_parser *p, int depth)
{
    char name[HIVE_MAX_NAME + 1];
    int primitive;
    if (read_word(p, name, sizeof name, 1) != 0)
        return -1;
    if (p->mode == EMIT_HIVE) {
        if (emit(p, name) != 0 || emit(p, ":") != 0)
            return -1;
    } else if (emit(p, "\"") != 0 || emit(p, name) != 0 || emit(p, "\" ") != 0) {
        return -1;
    }
    skip_space(p);
    if (p->text[p->pos] != ':')
        return fail(p, "expected ':' after struct field '%s'", name);
    p->pos++;
    if (parse_type(p, depth + 1, &primitive) != 0)
        return -1;
    return skip_field_comment(p);
}

static int parse_struct(type_parser *p, int depth)
{
    if (emit(p, p->mode == EMIT_HIVE ? "struct<" : "STRUCT(") != 0 ||
        expect_char(p, '<', "struct") != 0)
        return -1;
    for (int first = 1;; first = 0) {
        if (!first && emit(p, p->mode == EMIT_HIVE ? "," : ", ") != 0)
            return -1;
        if (parse_struct_field(p, depth) != 0)
            return -1;
        if (!peek_char(p, ','))
            break;
        p->pos++;
    }
    if (expect_char(p, '>', "struct") != 0)
        return -1;
    return emit(p, p->mode == EMIT_HIVE ? ">" : ")");
}

static int parse_primitive(type_parser *p, const char *word)
{
    for (size_t i = 0; i < sizeof PRIMITIVES / sizeof PRIMITIVES[0]; i++) {
        if (strcmp(word, PRIMITIVES[i].name) != 0)
            continue;
        if (strcmp(word, "double") == 0) {
            /* "double precision" is Hive's synonym of double. */
            size_t save = p->pos;
            skip_space(p);
            if (strncasecmp(p->text + p->pos, "precision", 9) == 0 &&
                !is_word_char(p->text[p->pos + 9]))
                p->pos += 9;
            else
                p->pos = save;
        }
        return emit(p, p->mode == EMIT_HIVE ? PRIMITIVES[i].hive : PRIMITIVES[i].duckdb);
    }
    return fail(p, "unsupported type '%s'", word);
}

static int parse_type(type_parser *p, int depth, int *is_primitive)
{
    char word[HIVE_MAX_NAME + 1];
    if (depth > HIVE_MAX_DEPTH)
        return fail(p, "type nested deeper than %d levels", HIVE_MAX_DEPTH);
    if (read_word(p, word, sizeof word, 0) != 0)
        return -1;
    *is_primitive = 0;
    if (strcmp(word, "array") == 0)
        return parse_array(p, depth);
    if (strcmp(word, "map") == 0)
        return parse_map(p, depth);
    if (strcmp(word, "struct") == 0)
        return parse_struct(p, depth);
    *is_primitive = 1;
    if (strcmp(word, "decimal") == 0 || strcmp(word, "numeric") == 0)
        return parse_decimal(p);
    if (strcmp(word, "varchar") == 0)
        return parse_sized_string(p, "varchar", VARCHAR_MAX_LENGTH);
    if (strcmp(word, "char") == 0)
        return parse_sized_string(p, "char", CHAR_MAX_LENGTH);
    return parse_primitive(p, word);
}

static int convert(const char *hive_type, emit_mode mode, buf *out, char *why, size_t why_cap)
{
    type_parser p = {hive_type ? hive_type : "", 0, mode, out, why, why_cap, 0};
    size_t start_len = out->len;
    int primitive;
    if (parse_type(&p, 1, &primitive) == 0) {
        skip_space(&p);
        if (p.text[p.pos] == '\0')
            return 0;
        if (p.text[p.pos] == '>')
            fail(&p, "unbalanced '>' in type");
        else
            fail(&p, "unexpected '%c' after type", p.text[p.pos]);
    }
    /* Leave out as it was: a half-written type must not reach a caller. */
    out->len = start_len;
    if (out->data)
        out->data[start_len] = '\0';
    return -1;
}

int hive_type_to_duckdb(const char *hive_type, buf *out, char *why, size_t why_cap)
{
    return convert(hive_type, EMIT_DUCKDB, out, why, why_cap);
}

int hive_type_normalize(const char *hive_type, buf *out, char *why, size_t why_cap)
{
    return convert(hive_type, EMIT_HIVE, out, why, why_cap);
}
