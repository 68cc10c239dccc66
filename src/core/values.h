/*
 * values.h: Athena's typed values, as text.
 *
 * Athena returns every value as text (GetQueryResults VarCharValue, or the
 * CSV result file), together with a type name per column. This module maps a
 * type name to a broad class and parses the text of scalar types. The results
 * cursor uses it for its typed accessors, the CLI to type JSON output, and
 * athena-local to check what it renders. Nothing here allocates or does I/O.
 *
 * Every parser takes (text, length), need not be NUL-terminated, accepts the
 * whole text or nothing (no surrounding spaces), returns 0 on success and -1
 * otherwise, and leaves *out untouched on failure.
 */
#ifndef ATHENA_CORE_VALUES_H
#define ATHENA_CORE_VALUES_H

#include <stddef.h>
#include <stdint.h>

#include "athena/athena.h"

typedef enum value_class {
    VALUE_STRING,    /* varchar, char, string, ipaddress, uuid */
    VALUE_INTEGER,   /* tinyint, smallint, integer, int, bigint */
    VALUE_FLOAT,     /* real, float, double */
    VALUE_DECIMAL,   /* decimal(p,s): exact, may exceed a double's precision */
    VALUE_BOOLEAN,
    VALUE_DATE,
    VALUE_TIMESTAMP, /* with or without time zone */
    VALUE_TIME,      /* with or without time zone */
    VALUE_BINARY,    /* varbinary, binary */
    VALUE_ARRAY,
    VALUE_MAP,
    VALUE_ROW,       /* row(...), struct<...> */
    VALUE_JSON,
    VALUE_INTERVAL,  /* interval year to month, interval day to second */
    VALUE_UNKNOWN
} value_class;

/* Classifies an Athena/Trino/Hive type name as found in ColumnInfo.Type or a
 * Glue column: case-insensitive, parameters and qualifiers ignored
 * ("decimal(10,2)", "varchar(20)", "timestamp(3) with time zone",
 * "array<int>"). NULL, empty or unrecognised names give VALUE_UNKNOWN. */
value_class value_classify(const char *athena_type);

/* A value class's name in lower case ("integer", "timestamp", ...). */
const char *value_class_name(value_class cls);

/* Optional sign then decimal digits; -1 on anything else or on overflow. */
int value_parse_int64(const char *s, size_t len, int64_t *out);

/* What Athena renders for real/double/decimal: "1.5", "-2.0E-3", "1.0E10",
 * "42", also ".5" and "5."; plus exactly "NaN", "Infinity", "-Infinity".
 * Independent of the C locale. Hex floats, "inf", "nan" and finite texts that
 * overflow a double are rejected. */
int value_parse_double(const char *s, size_t len, double *out);

/* Exactly "true" or "false" (Athena renders booleans in lower case). */
int value_parse_bool(const char *s, size_t len, int *out);

/* [+-]YYYY-MM-DD in the proleptic Gregorian calendar: 4 to 9 year digits
 * (ISO 8601 expanded years, as Trino renders them), month 1-12, day valid for
 * the month including leap years. */
int value_parse_date(const char *s, size_t len, athena_date *out);

/* A date as above, then ' ' or 'T', then HH:MM:SS (00:00:00-23:59:59), then
 * optionally '.' and 1 to 9 fraction digits, then optionally a UTC zone
 * suffix: " UTC", " Z" or "Z" (how timestamp with time zone renders UTC).
 * Other zones are rejected: athena_timestamp cannot carry an offset. */
int value_parse_timestamp(const char *s, size_t len, athena_timestamp *out);

/* Nonzero when the text is a valid JSON number (RFC 8259 grammar:
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?), so it can be written
 * unquoted. NaN, Infinity, "+1", "01", ".5" and "" are not. */
int value_is_numeric_json(const char *s, size_t len);

#endif
