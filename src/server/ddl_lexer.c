/*
 * ddl_lexer.c: splits a catalog statement into tokens (see ddl_lexer.h).
 *
 * String literals are decoded the way Hive's unescapeSQLString does, since
 * Athena's DDL is Hive's: \n \t \r \b \Z, \000-\177 octal, \uXXXX, \' \" \\, and
 * any other escaped character stands for itself ("\%" and "\_" keep their
 * backslash, for LIKE). A doubled quote also stands for one quote, as in
 * Athena's SQL. NUL bytes cannot be represented and are rejected.
 */
#include "ddl_internal.h"
#include "buf.h"
#include "crypto.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Enough for any statement Athena accepts (QueryString is at most 262144
 * bytes); beyond it the statement is refused rather than eating memory. */
#define DDL_MAX_TOKENS 300000

typedef struct lexer {
    const char *sql;
    size_t pos;
    int line;
    size_t line_start;
    ddl_tokens *out;
    ddl_error *err;
} lexer;

static int lex_column(const lexer *lx, size_t offset)
{
    return (int)(offset - lx->line_start) + 1;
}

/* Advances over one byte, keeping line numbers. */
static void lex_advance(lexer *lx)
{
    if (lx->sql[lx->pos] == '\n') {
        lx->line++;
        lx->line_start = lx->pos + 1;
    }
    lx->pos++;
}

static int lex_error(lexer *lx, int line, int column, const char *what)
{
    ddl_fail(lx->err, 1, "line %d:%d: %s", line, column, what);
    return -1;
}

/* Skips whitespace and comments; -1 on an unterminated comment. */
static int lex_skip_blank(lexer *lx)
{
    for (;;) {
        const char *s = lx->sql + lx->pos;
        if (isspace((unsigned char)*s)) {
            lex_advance(lx);
        } else if (s[0] == '-' && s[1] == '-') {
            while (lx->sql[lx->pos] && lx->sql[lx->pos] != '\n')
                lex_advance(lx);
        } else if (s[0] == '/' && s[1] == '*') {
            int line = lx->line, column = lex_column(lx, lx->pos);
            lex_advance(lx);
            lex_advance(lx);
            while (lx->sql[lx->pos] && !(lx->sql[lx->pos] == '*' && lx->sql[lx->pos + 1] == '/'))
                lex_advance(lx);
            if (!lx->sql[lx->pos])
                return lex_error(lx, line, column, "unterminated comment");
            lex_advance(lx);
            lex_advance(lx);
        } else {
            return 0;
        }
    }
}

const char *ddl_skip_blank(const char *sql)
{
    lexer lx = {sql, 0, 1, 0, NULL, NULL};
    ddl_error ignored;
    lx.err = &ignored;
    lex_skip_blank(&lx);
    return sql + lx.pos;
}

static int is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static int put_utf8(buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp, n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6)), u[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    } else {
        u[0] = (char)(0xE0 | (cp >> 12)), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    }
    return buf_append(b, u, n);
}

/* Decodes the escape at s (just after a backslash) into b; returns how many
 * bytes of s it used, or 0 when it decodes to NUL. */
static size_t decode_escape(const char *s, buf *b, int *oom)
{
    static const char simple[] = "n\nt\tr\rb\bZ\x1a";
    if (s[0] >= '0' && s[0] <= '1' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
        int v = (s[0] - '0') * 64 + (s[1] - '0') * 8 + (s[2] - '0');
        if (v == 0)
            return 0;
        *oom |= buf_putc(b, (char)v);
        return 3;
    }
    if (s[0] == 'u' && hex_digit_value(s[1]) >= 0 && hex_digit_value(s[2]) >= 0 && hex_digit_value(s[3]) >= 0 &&
        hex_digit_value(s[4]) >= 0) {
        unsigned cp = (unsigned)(hex_digit_value(s[1]) << 12 | hex_digit_value(s[2]) << 8 |
                                 hex_digit_value(s[3]) << 4 | hex_digit_value(s[4]));
        if (cp == 0)
            return 0;
        *oom |= put_utf8(b, cp);
        return 5;
    }
    if (s[0] == '0')
        return 0;
    for (const char *p = simple; *p; p += 2) {
        if (*p == s[0]) {
            *oom |= buf_putc(b, p[1]);
            return 1;
        }
    }
    if (s[0] == '%' || s[0] == '_')
        *oom |= buf_putc(b, '\\');
    *oom |= buf_putc(b, s[0]);
    return 1;
}

/* Reads a quoted token starting at the opening quote. Backquoted names take
 * no escapes except a doubled backquote. */
static int lex_quoted(lexer *lx, ddl_token *tok)
{
    char quote = lx->sql[lx->pos];
    int escapes = quote != '`';
    buf text = BUF_INIT;
    int oom = 0;
    lex_advance(lx);
    for (;;) {
        char c = lx->sql[lx->pos];
        if (c == '\0') {
            buf_free(&text);
            return lex_error(lx, tok->line, tok->column,
                             quote == '`' ? "unterminated quoted identifier"
                                          : "unterminated string literal");
        }
        if (c == quote && lx->sql[lx->pos + 1] == quote) {
            oom |= buf_putc(&text, quote);
            lex_advance(lx);
            lex_advance(lx);
        } else if (c == quote) {
            lex_advance(lx);
            break;
        } else if (escapes && c == '\\' && lx->sql[lx->pos + 1] != '\0') {
            int line = lx->line, column = lex_column(lx, lx->pos);
            size_t used = decode_escape(lx->sql + lx->pos + 1, &text, &oom);
            if (used == 0) {
                buf_free(&text);
                return lex_error(lx, line, column, "NUL characters are not allowed in strings");
            }
            for (size_t i = 0; i <= used; i++)
                lex_advance(lx);
        } else {
            oom |= buf_putc(&text, c);
            lex_advance(lx);
        }
    }
    tok->text = oom ? NULL : buf_detach(&text);
    buf_free(&text);
    if (!tok->text)
        return ddl_fail(lx->err, 0, "out of memory");
    tok->type = quote == '`' ? DDL_TOK_BACKQUOTED : DDL_TOK_STRING;
    return 0;
}

static int lex_token(lexer *lx, ddl_token *tok)
{
    const char *s = lx->sql + lx->pos;
    memset(tok, 0, sizeof *tok);
    tok->offset = lx->pos;
    tok->start = s;
    tok->line = lx->line;
    tok->column = lex_column(lx, lx->pos);
    if (*s == '\0') {
        tok->type = DDL_TOK_EOF;
    } else if (*s == '\'' || *s == '"' || *s == '`') {
        if (lex_quoted(lx, tok) != 0)
            return -1;
    } else if (is_word_char(*s)) {
        int letters = 0;
        while (is_word_char(lx->sql[lx->pos])) {
            letters |= !isdigit((unsigned char)lx->sql[lx->pos]);
            lex_advance(lx);
        }
        tok->type = letters ? DDL_TOK_WORD : DDL_TOK_NUMBER;
    } else if (strchr("(),.;<>:=[]", *s)) {
        tok->type = DDL_TOK_PUNCT;
        tok->punct = *s;
        lex_advance(lx);
    } else {
        char what[64];
        if (isprint((unsigned char)*s))
            snprintf(what, sizeof what, "unexpected character '%c'", *s);
        else
            snprintf(what, sizeof what, "unexpected character 0x%02x", (unsigned char)*s);
        return lex_error(lx, tok->line, tok->column, what);
    }
    tok->length = lx->pos - tok->offset;
    return 0;
}

static int push_token(ddl_tokens *out, const ddl_token *tok)
{
    if (out->count == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 32;
        ddl_token *items = realloc(out->items, cap * sizeof *items);
        if (!items)
            return -1;
        out->items = items;
        out->cap = cap;
    }
    out->items[out->count++] = *tok;
    return 0;
}

/* Ends the list with an EOF token at the current position. */
static int push_eof(lexer *lx)
{
    ddl_token eof = {DDL_TOK_EOF, lx->sql + lx->pos, lx->pos, 0, lx->line,
                     lex_column(lx, lx->pos), 0, NULL};
    if (push_token(lx->out, &eof) != 0)
        return ddl_fail(lx->err, 0, "out of memory");
    return 0;
}

int ddl_lex(const char *sql, size_t max_tokens, ddl_tokens *out, ddl_error *err)
{
    lexer lx = {sql ? sql : "", 0, 1, 0, out, err};
    memset(out, 0, sizeof *out);
    out->source = lx.sql;
    for (;;) {
        if (max_tokens && out->count == max_tokens)
            return push_eof(&lx);
        ddl_token tok;
        if (lex_skip_blank(&lx) != 0 || lex_token(&lx, &tok) != 0)
            return max_tokens ? push_eof(&lx) : -1;
        if (tok.type == DDL_TOK_EOF)
            return push_eof(&lx);
        if (out->count >= DDL_MAX_TOKENS) {
            free(tok.text);
            return ddl_fail(err, 1, "statement is too long");
        }
        if (push_token(out, &tok) != 0) {
            free(tok.text);
            return ddl_fail(err, 0, "out of memory");
        }
    }
}

void ddl_tokens_free(ddl_tokens *tokens)
{
    for (size_t i = 0; i < tokens->count; i++)
        free(tokens->items[i].text);
    free(tokens->items);
    memset(tokens, 0, sizeof *tokens);
}

int ddl_token_is_word(const ddl_token *t, const char *keyword)
{
    return t->type == DDL_TOK_WORD && t->length == strlen(keyword) &&
           strncasecmp(t->start, keyword, t->length) == 0;
}

int ddl_token_is_punct(const ddl_token *t, char c)
{
    return t->type == DDL_TOK_PUNCT && t->punct == c;
}
