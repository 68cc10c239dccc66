/*
 * glue_expression.h: the two filters of Glue's catalog listings.
 *
 *  - GetPartitions' Expression: a SQL WHERE-like predicate over the
 *    table's partition keys (=, <>, !=, <, <=, >, >=, [NOT] BETWEEN,
 *    [NOT] IN, [NOT] LIKE, IS [NOT] NULL, AND, OR, NOT, parentheses).
 *    Values compare by the key's declared type, as Glue does: as strings
 *    for string/varchar/char keys, as integers for int/bigint/long/
 *    smallint/tinyint keys, as exact decimals for decimal keys, and as
 *    canonical text for date and timestamp keys. Literals are checked
 *    against the key's type when the expression is parsed, so a bad
 *    expression fails before any partition is read.
 *  - GetTables' Expression: a table-name pattern, a regular expression in
 *    which a bare '*' means "any characters" (Hive's metastore patterns),
 *    matched case-insensitively against the whole name.
 *
 * Both are pure (no I/O) and thread-safe once built.
 */
#ifndef ATHENA_SERVER_GLUE_EXPRESSION_H
#define ATHENA_SERVER_GLUE_EXPRESSION_H

#include <jansson.h>
#include <stddef.h>

/* Longest expression Glue accepts (PredicateString, FilterString). */
#define GLUE_EXPRESSION_MAX 2048

typedef struct glue_expression glue_expression;

/* Parses text against partition_keys (a Glue ColumnList: objects with Name
 * and Type). NULL on a malformed expression, an unknown key, a literal that
 * does not fit its key's type, or a key type Glue cannot filter on, with
 * the reason in err. An empty (or blank) text gives an expression that
 * matches every partition. */
glue_expression *glue_expression_parse(const char *text, const json_t *partition_keys,
                                       char *err, size_t err_cap);
/* 1 when a partition with these values (a JSON array of strings, in key
 * order) satisfies the expression, else 0. A missing value, or Hive's
 * __HIVE_DEFAULT_PARTITION__, is NULL: it satisfies only IS NULL. */
int glue_expression_matches(const glue_expression *e, const json_t *values);
void glue_expression_free(glue_expression *e);

typedef struct glue_name_pattern glue_name_pattern;

/* Compiles a table-name pattern. NULL with err when it is not a valid
 * regular expression (or uses back-references, which could make matching
 * take exponential time). */
glue_name_pattern *glue_name_pattern_compile(const char *pattern, char *err, size_t err_cap);
int glue_name_pattern_matches(const glue_name_pattern *p, const char *name);
void glue_name_pattern_free(glue_name_pattern *p);

#endif
