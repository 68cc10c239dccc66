/*
 * sandbox.h: the first wall around user SQL. Before anything runs, the
 * statement is parsed by DuckDB itself (json_serialize_sql) and its tree is
 * walked: it must be exactly one SELECT-type statement (SELECT, WITH, VALUES,
 * set operations), use no table functions (read_csv, glob, ...), no
 * functions that expose the host or the engine (getenv, current_setting,
 * duckdb_*, ...), and reference only plain catalog tables. The tables it
 * references are collected so the engine can bind exactly those.
 *
 * The second wall is DuckDB's own configuration (engine.c).
 */
#ifndef ATHENA_SERVER_SANDBOX_H
#define ATHENA_SERVER_SANDBOX_H

#include <duckdb.h>
#include <jansson.h>
#include <stddef.h>

#define SANDBOX_MAX_TABLES 64

typedef struct sandbox_table {
    char schema[256];   /* "" when unqualified */
    char name[256];
} sandbox_table;

typedef struct sandbox_result {
    sandbox_table tables[SANDBOX_MAX_TABLES];   /* distinct, in order of appearance */
    size_t table_count;
    int parameter_count;                        /* number of '?' placeholders */
    char reason[1024];                          /* why it was refused */
} sandbox_result;

/* 0 if allowed; -1 if refused or unparsable (reason set; for a syntax error
 * the reason is DuckDB's message). conn is a connection of the engine. */
int sandbox_inspect(duckdb_connection conn, const char *sql, sandbox_result *out);

/* For a caller that inspects many statements: the parser sandbox_inspect
 * runs (a prepared json_serialize_sql) prepared once on conn (0, or -1),
 * and sandbox_inspect with it, which also hands over the statement's parse
 * tree when it is allowed (*tree_out if not NULL, the caller's to
 * json_decref; NULL when refused), so that nothing parses it again. */
int sandbox_parser_prepare(duckdb_connection conn, duckdb_prepared_statement *parser);
int sandbox_inspect_with(duckdb_prepared_statement parser, const char *sql,
                         sandbox_result *out, json_t **tree_out);

#endif
