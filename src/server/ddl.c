/*
 * ddl.c: the entry points of ddl.h. Classifies statements by their leading
 * keyword, recognizes the statement kind from the leading tokens (which
 * also names Athena's SubstatementType), and dispatches by kind to a parse
 * and an exec function. Kinds recognized but not implemented yet answer
 * "<statement> is not supported yet": adding one is adding its two
 * functions to HANDLERS.
 */
#include "ddl_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Enough leading tokens to tell every kind apart (ALTER TABLE db.t
 * PARTITION (k='v', ...) RENAME is the longest to scan). */
#define RECOGNIZE_TOKENS 64

typedef struct ddl_handler {
    const char *substatement;  /* Athena's SubstatementType */
    const char *statement;     /* for "... is not supported yet" */
    ddl_parse_fn parse;
    ddl_exec_fn exec;
} ddl_handler;

static const ddl_handler HANDLERS[DDL_K_COUNT] = {
    [DDL_K_UNKNOWN] = {"UNKNOWN", NULL, NULL, NULL},
    [DDL_K_CREATE_DATABASE] = {"CREATE_DATABASE", "CREATE DATABASE", ddl_parse_create_database,
                               ddl_exec_create_database},
    [DDL_K_DROP_DATABASE] = {"DROP_DATABASE", "DROP DATABASE", ddl_parse_drop_database,
                             ddl_exec_drop_database},
    [DDL_K_SHOW_DATABASES] = {"SHOW_DATABASES", "SHOW DATABASES", ddl_parse_show_databases,
                              ddl_exec_show_databases},
    [DDL_K_ALTER_DATABASE] = {"ALTER_DATABASE", "ALTER DATABASE", NULL, NULL},
    [DDL_K_CREATE_TABLE] = {"CREATE_TABLE", "CREATE TABLE", ddl_parse_create_table,
                            ddl_exec_create_table},
    [DDL_K_CREATE_TABLE_AS_SELECT] = {"CREATE_TABLE_AS_SELECT", "CREATE TABLE AS SELECT",
                                      ddl_parse_ctas, ddl_exec_ctas},
    [DDL_K_DROP_TABLE] = {"DROP_TABLE", "DROP TABLE", ddl_parse_drop_table, ddl_exec_drop_table},
    [DDL_K_SHOW_TABLES] = {"SHOW_TABLES", "SHOW TABLES", ddl_parse_show_tables,
                           ddl_exec_show_tables},
    [DDL_K_DESCRIBE_TABLE] = {"DESCRIBE_TABLE", "DESCRIBE", ddl_parse_describe, ddl_exec_describe},
    [DDL_K_SHOW_COLUMNS] = {"SHOW_COLUMNS", "SHOW COLUMNS", ddl_parse_show_columns,
                            ddl_exec_show_columns},
    [DDL_K_SHOW_PARTITIONS] = {"SHOW_PARTITIONS", "SHOW PARTITIONS", ddl_parse_show_partitions,
                               ddl_exec_show_partitions},
    [DDL_K_SHOW_CREATE_TABLE] = {"SHOW_CREATE_TABLE", "SHOW CREATE TABLE",
                                 ddl_parse_show_create_table, ddl_exec_show_create_table},
    [DDL_K_SHOW_TBLPROPERTIES] = {"SHOW_TBLPROPERTIES", "SHOW TBLPROPERTIES", NULL, NULL},
    [DDL_K_CREATE_VIEW] = {"CREATE_VIEW", "CREATE VIEW", ddl_parse_create_view,
                           ddl_exec_create_view},
    [DDL_K_DROP_VIEW] = {"DROP_VIEW", "DROP VIEW", ddl_parse_drop_view, ddl_exec_drop_view},
    [DDL_K_SHOW_VIEWS] = {"SHOW_VIEWS", "SHOW VIEWS", ddl_parse_show_views, ddl_exec_show_views},
    [DDL_K_SHOW_CREATE_VIEW] = {"SHOW_CREATE_VIEW", "SHOW CREATE VIEW", NULL, NULL},
    [DDL_K_ALTER_TABLE_ADD_PARTITION] = {"ALTER_TABLE_ADD_PARTITION", "ALTER TABLE ADD PARTITION",
                                         ddl_parse_add_partition, ddl_exec_add_partition},
    [DDL_K_ALTER_TABLE_DROP_PARTITION] = {"ALTER_TABLE_DROP_PARTITION",
                                          "ALTER TABLE DROP PARTITION", ddl_parse_drop_partition,
                                          ddl_exec_drop_partition},
    [DDL_K_ALTER_TABLE_RENAME_PARTITION] = {"ALTER_TABLE_RENAME_PARTITION",
                                            "ALTER TABLE RENAME PARTITION", NULL, NULL},
    [DDL_K_ALTER_TABLE_ADD_COLUMNS] = {"ALTER_TABLE_ADD_COLUMNS", "ALTER TABLE ADD COLUMNS", NULL,
                                       NULL},
    [DDL_K_ALTER_TABLE_REPLACE_COLUMNS] = {"ALTER_TABLE_REPLACE_COLUMNS",
                                           "ALTER TABLE REPLACE COLUMNS", NULL, NULL},
    [DDL_K_ALTER_TABLE_SET_LOCATION] = {"ALTER_TABLE_SET_LOCATION", "ALTER TABLE SET LOCATION",
                                        NULL, NULL},
    [DDL_K_ALTER_TABLE_SET_TBLPROPERTIES] = {"ALTER_TABLE_SET_TBLPROPERTIES",
                                             "ALTER TABLE SET TBLPROPERTIES", NULL, NULL},
    [DDL_K_MSCK_REPAIR_TABLE] = {"MSCK_REPAIR_TABLE", "MSCK REPAIR TABLE", ddl_parse_msck,
                                 ddl_exec_msck},
    [DDL_K_INSERT_INTO] = {"INSERT", "INSERT INTO", ddl_parse_insert, ddl_exec_insert},
    [DDL_K_UNLOAD] = {"UNLOAD", "UNLOAD", ddl_parse_unload, ddl_exec_unload},
};

int ddl_fail(ddl_error *err, int user_error, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->user_error = user_error;
    }
    return -1;
}

/* ---- classification ---- */

static int leading_word_is(const char *s, const char *word)
{
    size_t n = strlen(word);
    return strncasecmp(s, word, n) == 0 && !isalnum((unsigned char)s[n]) && s[n] != '_';
}

ddl_kind ddl_classify(const char *sql)
{
    static const char *const statements[] = {"CREATE", "DROP", "ALTER", "MSCK"};
    static const char *const utilities[] = {"SHOW", "DESCRIBE", "DESC"};
    const char *s = ddl_skip_blank(sql ? sql : "");
    for (size_t i = 0; i < sizeof statements / sizeof statements[0]; i++)
        if (leading_word_is(s, statements[i]))
            return DDL_STATEMENT;
    for (size_t i = 0; i < sizeof utilities / sizeof utilities[0]; i++)
        if (leading_word_is(s, utilities[i]))
            return DDL_UTILITY;
    return DDL_NOT_DDL;
}

int ddl_writes_data(const char *sql)
{
    const char *s = ddl_skip_blank(sql ? sql : "");
    return leading_word_is(s, "INSERT") || leading_word_is(s, "UNLOAD");
}

/* ---- recognition ---- */

typedef struct recognizer {
    const ddl_tokens *tokens;
    ddl_recognized *out;
} recognizer;

static const ddl_token *token_at(const recognizer *r, size_t i)
{
    static const ddl_token none = {DDL_TOK_EOF, "", 0, 0, 1, 1, 0, NULL};
    if (r->tokens->count == 0)
        return &none;
    return &r->tokens->items[i < r->tokens->count ? i : r->tokens->count - 1];
}

static int word_at(const recognizer *r, size_t i, const char *keyword)
{
    return ddl_token_is_word(token_at(r, i), keyword);
}

static int is_name_token(const ddl_token *t)
{
    return t->type == DDL_TOK_WORD || t->type == DDL_TOK_NUMBER ||
           t->type == DDL_TOK_BACKQUOTED || (t->type == DDL_TOK_STRING && t->start[0] == '"');
}

/* The index after a [db.]name starting at i. */
static size_t skip_name(const recognizer *r, size_t i)
{
    if (!is_name_token(token_at(r, i)))
        return i;
    if (ddl_token_is_punct(token_at(r, i + 1), '.') && is_name_token(token_at(r, i + 2)))
        return i + 3;
    return i + 1;
}

/* These two return 0 so that the recognize_* functions can end with them. */
static int recognized(recognizer *r, ddl_stmt_kind kind)
{
    r->out->kind = kind;
    return 0;
}

static int unrecognized(recognizer *r, size_t bad_token, const char *expecting)
{
    r->out->kind = DDL_K_UNKNOWN;
    r->out->bad_token = bad_token;
    r->out->expecting = expecting;
    return 0;
}

static int recognize_create(recognizer *r)
{
    if (word_at(r, 1, "DATABASE") || word_at(r, 1, "SCHEMA"))
        return recognized(r, DDL_K_CREATE_DATABASE);
    if (word_at(r, 1, "EXTERNAL"))
        return recognized(r, DDL_K_CREATE_TABLE);
    if (word_at(r, 1, "VIEW"))
        return recognized(r, DDL_K_CREATE_VIEW);
    if (word_at(r, 1, "OR") && !word_at(r, 2, "REPLACE"))
        return unrecognized(r, 2, "'REPLACE'");
    if (word_at(r, 1, "OR"))
        return word_at(r, 3, "VIEW") ? recognized(r, DDL_K_CREATE_VIEW)
                                     : unrecognized(r, 3, "'VIEW'");
    if (!word_at(r, 1, "TABLE"))
        return unrecognized(r, 1, "'DATABASE', 'EXTERNAL', 'OR', 'SCHEMA', 'TABLE', 'VIEW'");
    size_t i = word_at(r, 2, "IF") ? 5 : 2;
    i = skip_name(r, i);
    if (word_at(r, i, "AS") || word_at(r, i, "WITH"))
        return recognized(r, DDL_K_CREATE_TABLE_AS_SELECT);
    return recognized(r, DDL_K_CREATE_TABLE);
}

static int recognize_drop(recognizer *r)
{
    if (word_at(r, 1, "DATABASE") || word_at(r, 1, "SCHEMA"))
        return recognized(r, DDL_K_DROP_DATABASE);
    if (word_at(r, 1, "TABLE"))
        return recognized(r, DDL_K_DROP_TABLE);
    if (word_at(r, 1, "VIEW"))
        return recognized(r, DDL_K_DROP_VIEW);
    return unrecognized(r, 1, "'DATABASE', 'SCHEMA', 'TABLE', 'VIEW'");
}

/* ALTER TABLE name PARTITION (...) RENAME TO / SET LOCATION: the action
 * comes after the partition spec. */
static int recognize_alter_partition(recognizer *r, size_t i)
{
    for (; token_at(r, i)->type != DDL_TOK_EOF; i++) {
        if (word_at(r, i, "RENAME"))
            return recognized(r, DDL_K_ALTER_TABLE_RENAME_PARTITION);
        if (word_at(r, i, "SET") && word_at(r, i + 1, "LOCATION"))
            return recognized(r, DDL_K_ALTER_TABLE_SET_LOCATION);
    }
    return unrecognized(r, i, "'RENAME', 'SET'");
}

static int recognize_alter(recognizer *r)
{
    if (word_at(r, 1, "DATABASE") || word_at(r, 1, "SCHEMA"))
        return recognized(r, DDL_K_ALTER_DATABASE);
    if (!word_at(r, 1, "TABLE"))
        return unrecognized(r, 1, "'DATABASE', 'SCHEMA', 'TABLE'");
    size_t i = skip_name(r, 2);
    if (word_at(r, i, "ADD"))
        return recognized(r, word_at(r, i + 1, "COLUMNS") ? DDL_K_ALTER_TABLE_ADD_COLUMNS
                                                          : DDL_K_ALTER_TABLE_ADD_PARTITION);
    if (word_at(r, i, "DROP"))
        return recognized(r, DDL_K_ALTER_TABLE_DROP_PARTITION);
    if (word_at(r, i, "REPLACE"))
        return recognized(r, DDL_K_ALTER_TABLE_REPLACE_COLUMNS);
    if (word_at(r, i, "PARTITION"))
        return recognize_alter_partition(r, i + 1);
    if (word_at(r, i, "SET") && word_at(r, i + 1, "LOCATION"))
        return recognized(r, DDL_K_ALTER_TABLE_SET_LOCATION);
    if (word_at(r, i, "SET") && word_at(r, i + 1, "TBLPROPERTIES"))
        return recognized(r, DDL_K_ALTER_TABLE_SET_TBLPROPERTIES);
    if (i == 2)
        return unrecognized(r, i, "<identifier>");
    return unrecognized(r, i, "'ADD', 'DROP', 'PARTITION', 'REPLACE', 'SET'");
}

static int recognize_show(recognizer *r)
{
    static const struct {
        const char *word;
        ddl_stmt_kind kind;
    } simple[] = {
        {"DATABASES", DDL_K_SHOW_DATABASES}, {"SCHEMAS", DDL_K_SHOW_DATABASES},
        {"TABLES", DDL_K_SHOW_TABLES},       {"COLUMNS", DDL_K_SHOW_COLUMNS},
        {"PARTITIONS", DDL_K_SHOW_PARTITIONS}, {"TBLPROPERTIES", DDL_K_SHOW_TBLPROPERTIES},
        {"VIEWS", DDL_K_SHOW_VIEWS},
    };
    for (size_t k = 0; k < sizeof simple / sizeof simple[0]; k++)
        if (word_at(r, 1, simple[k].word))
            return recognized(r, simple[k].kind);
    if (word_at(r, 1, "CREATE") && word_at(r, 2, "TABLE"))
        return recognized(r, DDL_K_SHOW_CREATE_TABLE);
    if (word_at(r, 1, "CREATE") && word_at(r, 2, "VIEW"))
        return recognized(r, DDL_K_SHOW_CREATE_VIEW);
    if (word_at(r, 1, "CREATE"))
        return unrecognized(r, 2, "'TABLE', 'VIEW'");
    return unrecognized(r, 1, "'COLUMNS', 'CREATE', 'DATABASES', 'PARTITIONS', 'SCHEMAS', 'TABLES', "
                       "'TBLPROPERTIES', 'VIEWS'");
}

void ddl_recognize(const ddl_tokens *tokens, ddl_recognized *out)
{
    recognizer r = {tokens, out};
    memset(out, 0, sizeof *out);
    if (word_at(&r, 0, "CREATE"))
        recognize_create(&r);
    else if (word_at(&r, 0, "DROP"))
        recognize_drop(&r);
    else if (word_at(&r, 0, "ALTER"))
        recognize_alter(&r);
    else if (word_at(&r, 0, "MSCK") && word_at(&r, 1, "REPAIR") && word_at(&r, 2, "TABLE"))
        recognized(&r, DDL_K_MSCK_REPAIR_TABLE);
    else if (word_at(&r, 0, "MSCK"))
        unrecognized(&r, word_at(&r, 1, "REPAIR") ? 2 : 1,
                     word_at(&r, 1, "REPAIR") ? "'TABLE'" : "'REPAIR'");
    else if (word_at(&r, 0, "SHOW"))
        recognize_show(&r);
    else if (word_at(&r, 0, "DESCRIBE") || word_at(&r, 0, "DESC"))
        recognized(&r, DDL_K_DESCRIBE_TABLE);
    else if (word_at(&r, 0, "INSERT"))
        word_at(&r, 1, "INTO") ? recognized(&r, DDL_K_INSERT_INTO) : unrecognized(&r, 1, "'INTO'");
    else if (word_at(&r, 0, "UNLOAD"))
        recognized(&r, DDL_K_UNLOAD);
    else
        unrecognized(&r, 0, "'ALTER', 'CREATE', 'DESCRIBE', 'DROP', 'MSCK', 'SHOW'");
}

const char *ddl_substatement(const char *sql)
{
    ddl_recognized r = {DDL_K_UNKNOWN, 0, NULL};
    if (ddl_classify(sql) != DDL_NOT_DDL || ddl_writes_data(sql)) {
        ddl_tokens tokens;
        ddl_error ignored;
        if (ddl_lex(sql, RECOGNIZE_TOKENS, &tokens, &ignored) == 0)
            ddl_recognize(&tokens, &r);
        ddl_tokens_free(&tokens);
    }
    return HANDLERS[r.kind].substatement;
}

/* ---- execution ---- */

static void free_columns(ddl_column_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].name);
        free(list->items[i].type);
        free(list->items[i].comment);
    }
    free(list->items);
}

void ddl_stmt_free(ddl_stmt *stmt)
{
    free(stmt->database);
    free(stmt->name);
    free(stmt->column);
    free(stmt->pattern);
    free(stmt->comment);
    free(stmt->location);
    free_columns(&stmt->columns);
    free_columns(&stmt->partition_keys);
    json_decref(stmt->delimiters);
    free(stmt->serde);
    json_decref(stmt->serde_properties);
    free(stmt->stored_as);
    free(stmt->input_format);
    free(stmt->output_format);
    json_decref(stmt->properties);
    for (size_t i = 0; i < stmt->spec_count; i++) {
        ddl_partition_spec *spec = &stmt->specs[i];
        for (size_t k = 0; k < spec->count; k++) {
            free(spec->keys[k]);
            free(spec->values[k]);
        }
        free(spec->keys);
        free(spec->values);
        free(spec->location);
    }
    free(stmt->specs);
    free(stmt->query);
    json_decref(stmt->write_properties);
    for (size_t i = 0; i < stmt->insert_column_count; i++)
        free(stmt->insert_columns[i]);
    free(stmt->insert_columns);
    memset(stmt, 0, sizeof *stmt);
}

static int run_statement(const ddl_tokens *tokens, const ddl_recognized *r, ddl_context *ctx)
{
    const ddl_handler *h = &HANDLERS[r->kind];
    ddl_parser parser = {tokens, 0, ctx->err};
    if (r->kind == DDL_K_UNKNOWN) {
        parser.pos = r->bad_token;
        return ddl_syntax_error(&parser, r->expecting);
    }
    /* Without the engine (ddl_execute) nothing can write files. */
    int writes = r->kind == DDL_K_CREATE_TABLE_AS_SELECT || r->kind == DDL_K_INSERT_INTO ||
                 r->kind == DDL_K_UNLOAD;
    if (!h->parse || !h->exec || (writes && !ctx->session))
        return ddl_fail(ctx->err, 1, "%s is not supported yet", h->statement);
    ddl_stmt stmt;
    memset(&stmt, 0, sizeof stmt);
    stmt.kind = r->kind;
    int rc = h->parse(&parser, &stmt);
    if (rc == 0)
        rc = ddl_authorize(ctx, &stmt);   /* before anything is read or changed */
    if (rc == 0)
        rc = h->exec(ctx, &stmt);
    ddl_stmt_free(&stmt);
    return rc;
}

/* Enough tokens for the clauses before the query of CTAS and INSERT
 * INTO (a long WITH list or column list); the query itself is read as text. */
#define WRITE_HEADER_TOKENS 4096

/* Lexes sql and recognizes its kind. The query of CREATE VIEW, CTAS,
 * INSERT INTO and UNLOAD is SQL, not DDL, and may hold what the DDL lexer
 * refuses: for those kinds the leading tokens are read in prefix mode (the
 * parsers take the query as text). */
static int lex_statement(const char *sql, ddl_tokens *tokens, ddl_recognized *r, ddl_error *err)
{
    ddl_error ignored;
    if (ddl_lex(sql, RECOGNIZE_TOKENS, tokens, &ignored) == 0) {
        ddl_recognize(tokens, r);
        if (r->kind == DDL_K_CREATE_VIEW)
            return 0;
        if (r->kind == DDL_K_CREATE_TABLE_AS_SELECT || r->kind == DDL_K_INSERT_INTO ||
            r->kind == DDL_K_UNLOAD) {
            ddl_tokens_free(tokens);
            ddl_lex(sql, WRITE_HEADER_TOKENS, tokens, &ignored);
            return 0;
        }
    }
    ddl_tokens_free(tokens);
    if (ddl_lex(sql, 0, tokens, err) != 0)
        return -1;
    ddl_recognize(tokens, r);
    return 0;
}

int ddl_run(const ddl_environment *env, const char *sql, const char *default_database,
            const engine_sink *sink, ddl_error *err)
{
    return ddl_run_query(env, NULL, sql, default_database, sink, err);
}

int ddl_run_query(const ddl_environment *env, const ddl_query_info *query, const char *sql,
                  const char *default_database, const engine_sink *sink, ddl_error *err)
{
    ddl_error scratch;
    if (!err)
        err = &scratch;
    memset(err, 0, sizeof *err);
    if (!env || !env->st)
        return ddl_fail(err, 0, "no catalog store");
    ddl_tokens tokens;
    ddl_recognized r;
    if (lex_statement(sql, &tokens, &r, err) != 0) {
        ddl_tokens_free(&tokens);
        return -1;
    }
    ddl_context ctx = {env->st, default_database, env->account_id, sink, err, env->s3_root,
                       env->session, query};
    int rc = run_statement(&tokens, &r, &ctx);
    ddl_tokens_free(&tokens);
    return rc;
}

int ddl_execute(store *st, const char *sql, const char *default_database,
                const char *account_id, const engine_sink *sink, ddl_error *err)
{
    ddl_environment env = {st, NULL, NULL, account_id};
    return ddl_run(&env, sql, default_database, sink, err);
}
