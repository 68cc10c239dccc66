/*
 * hive_types.h: the column types of Athena DDL (Hive types) and their
 * engine equivalents: string -> VARCHAR, int -> INTEGER, bigint -> BIGINT,
 * double -> DOUBLE, float -> FLOAT, boolean -> BOOLEAN, date -> DATE,
 * timestamp -> TIMESTAMP, decimal(p,s) -> DECIMAL(p,s), tinyint, smallint,
 * varchar(n)/char(n) -> VARCHAR, binary -> BLOB, array<T> -> T[],
 * map<K,V> -> MAP(K, V), struct<a:T,...> -> STRUCT("a" T, ...).
 * Names are case-insensitive and whitespace-tolerant.
 */
#ifndef ATHENA_SERVER_HIVE_TYPES_H
#define ATHENA_SERVER_HIVE_TYPES_H

#include "buf.h"

#include <stddef.h>

/* Appends the DuckDB type for hive_type to out. 0, or -1 with a reason
 * ("unsupported type 'foo'", "unbalanced '<'"). */
int hive_type_to_duckdb(const char *hive_type, buf *out, char *why, size_t why_cap);

/* Normalizes a Hive type as Glue stores it: lower case, no spaces
 * ("ARRAY< STRING >" -> "array<string>"). 0 or -1 with a reason. */
int hive_type_normalize(const char *hive_type, buf *out, char *why, size_t why_cap);

#endif
