/*
 * ddl_lexer.h: the tokenizer of athena-local's catalog statements (Hive DDL
 * as Athena accepts it): words, numbers, `backquoted` identifiers,
 * 'single-' and "double-quoted" strings (Hive treats both as strings) with
 * Hive's backslash escapes and doubled quotes, punctuation, and -- and
 * slash-star comments, which are skipped.
 *
 * Every token remembers where it came from (offset, 1-based line and
 * column), so parse errors can say "line 1:8: ..." as Athena does.
 */
#ifndef ATHENA_SERVER_DDL_LEXER_H
#define ATHENA_SERVER_DDL_LEXER_H

#include "ddl.h"

#include <stddef.h>

typedef enum ddl_token_type {
    DDL_TOK_EOF = 0,
    DDL_TOK_WORD,        /* [A-Za-z0-9_]+ with a letter or '_': keyword or identifier */
    DDL_TOK_NUMBER,      /* [0-9]+ */
    DDL_TOK_BACKQUOTED,  /* `identifier`; text holds it without quotes */
    DDL_TOK_STRING,      /* 'text' or "text"; text holds the decoded value */
    DDL_TOK_PUNCT        /* one of ( ) , . ; < > : = [ ] */
} ddl_token_type;

typedef struct ddl_token {
    ddl_token_type type;
    const char *start;   /* the token in the statement */
    size_t offset;       /* where the token starts in the statement */
    size_t length;       /* its length in the statement, quotes included */
    int line;            /* 1-based */
    int column;          /* 1-based, in bytes */
    char punct;          /* for DDL_TOK_PUNCT */
    char *text;          /* decoded value of strings and backquoted names, else NULL */
} ddl_token;

typedef struct ddl_tokens {
    const char *source;
    ddl_token *items;    /* always ends with one DDL_TOK_EOF */
    size_t count;
    size_t cap;
} ddl_tokens;

/* Splits sql into tokens. With max_tokens > 0 it stops after that many
 * (prefix mode, for classifying): a lexical error past the prefix or in it
 * then just ends the list instead of failing. 0, or -1 with err (user error
 * "line L:C: ..."). Free with ddl_tokens_free in both cases. */
int ddl_lex(const char *sql, size_t max_tokens, ddl_tokens *out, ddl_error *err);
void ddl_tokens_free(ddl_tokens *tokens);

/* 1 if t is the word keyword (case-insensitive). */
int ddl_token_is_word(const ddl_token *t, const char *keyword);
/* 1 if t is the punctuation c. */
int ddl_token_is_punct(const ddl_token *t, char c);

/* Skips whitespace and comments at the start of sql. */
const char *ddl_skip_blank(const char *sql);

#endif
