/*
 * glue_expression_internal.h: the typed values glue_expression.c compares
 * partition values with, implemented in glue_expression_values.c.
 *
 * Glue compares a partition's values by the declared type of their key, so
 * '10' > '9' is false on a string key and true on an int key. A literal is
 * converted once for its key's type when the expression is parsed; each
 * partition's value is converted when it is compared.
 */
#ifndef ATHENA_SERVER_GLUE_EXPRESSION_INTERNAL_H
#define ATHENA_SERVER_GLUE_EXPRESSION_INTERNAL_H

typedef enum glue_key_class {
    GLUE_KEY_STRING,       /* string, varchar(n), char(n), or no type */
    GLUE_KEY_INTEGER,      /* int, integer, bigint, long, smallint, tinyint */
    GLUE_KEY_DECIMAL,      /* decimal, decimal(p,s) */
    GLUE_KEY_DATE,
    GLUE_KEY_TIMESTAMP,
    GLUE_KEY_UNSUPPORTED   /* any other type: expressions cannot use the key */
} glue_key_class;

/* A literal converted for its key: integer for integer keys, canonical
 * text (malloc'd) for the others. */
typedef struct glue_literal {
    char *text;
    long long integer;
} glue_literal;

/* The class of a Glue column type. */
glue_key_class glue_key_class_of(const char *type);
/* Converts text for cls: 0, or -1 when it cannot be a value of that type. */
int glue_literal_convert(glue_key_class cls, const char *text, glue_literal *out);
/* Orders a partition's value against a literal: 0 with *cmp (-1, 0, 1)
 * set, or -1 when the value is not of the key's type. */
int glue_compare_value(glue_key_class cls, const char *value, const glue_literal *lit,
                       int *cmp);
/* SQL LIKE: '%' any run of characters, '_' one (UTF-8) character. */
int glue_like_matches(const char *s, const char *pattern);

#endif
