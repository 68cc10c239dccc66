/*
 * render.h: DuckDB values and types as Athena shows them.
 *
 * Types: ColumnInfo names with the precision/scale real Athena reports
 * (varchar 2147483647, integer 10, bigint 19, double 17, timestamp 3,
 * decimal p/s, bare "array", "map", "row").
 * Values: the text Athena puts in GetQueryResults and result CSVs:
 * timestamps "YYYY-MM-DD HH:MM:SS.fff", arrays "[1, 2]", maps "{a=1}", rows
 * "{x=1, y=2}", doubles like Java ("1.5", "1.0E10", "NaN", "Infinity"),
 * booleans "true"/"false".
 */
#ifndef ATHENA_SERVER_RENDER_H
#define ATHENA_SERVER_RENDER_H

#include "buf.h"
#include "engine.h"

#include <duckdb.h>

/* Fills col->type/precision/scale from a DuckDB type. */
void render_column_type(duckdb_logical_type type, engine_column *col);

/* Appends the Athena text of row `row` of vector v (of logical type `type`)
 * to out. Returns 1 if the value is NULL (nothing appended), 0 if appended,
 * -1 on error. Nested NULLs inside arrays/maps/rows render as "null". */
int render_value(duckdb_vector v, duckdb_logical_type type, idx_t row, buf *out);

#endif
