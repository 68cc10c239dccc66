/*
 * engine.h: the SQL engine behind athena-local, a small interface so that a
 * distributed engine could later replace the embedded one (DuckDB).
 *
 * The engine runs one SELECT-type statement at a time per session (one
 * session per worker thread) and streams its rows, rendered as Athena renders
 * them, into a sink. Catalog tables become engine views over the files under
 * their LOCATION (for partitioned tables: the registered partitions'
 * locations), created by the engine itself; user SQL can reference only
 * those tables (see sandbox.h). A running statement can be interrupted from
 * another thread.
 */
#ifndef ATHENA_SERVER_ENGINE_H
#define ATHENA_SERVER_ENGINE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct engine engine;
typedef struct engine_session engine_session;

/* A result column as Athena describes it (ColumnInfo). */
typedef struct engine_column {
    char name[256];
    char type[64];        /* "varchar", "bigint", "decimal", "array", "row", ... */
    int precision;        /* varchar 2147483647, integer 10, bigint 19, double 17, ... */
    int scale;
} engine_column;

typedef struct engine_sink {
    /* Called once, before the first row. Return nonzero to abort. */
    int (*columns)(void *user_data, const engine_column *cols, size_t count);
    /* One row of rendered values; values[i] == NULL is SQL NULL. */
    int (*row)(void *user_data, const char *const *values, const size_t *lengths);
    void *user_data;
} engine_sink;

typedef struct engine_stats {
    int64_t bytes_scanned;   /* total size of the table files the statement read */
    int64_t rows;
    int64_t planning_ms;
    int64_t execution_ms;
} engine_stats;

/* Athena's AthenaError categories/types for failures. */
typedef enum engine_failure {
    ENGINE_OK = 0,
    ENGINE_USER_ERROR,       /* syntax, unknown table/column, type error: category 2 */
    ENGINE_SANDBOX,          /* refused by the sandbox: category 2 */
    ENGINE_INTERRUPTED,      /* engine_interrupt() was called */
    ENGINE_SINK_ABORTED,     /* the sink returned nonzero */
    ENGINE_SYSTEM_ERROR      /* internal failure: category 1 */
} engine_failure;

typedef struct engine_error {
    engine_failure failure;
    char message[2048];      /* engine message, e.g. "line 1:8: ..." */
    char code[64];           /* Trino/Athena error name: "SYNTAX_ERROR", "TABLE_NOT_FOUND",
                              * "COLUMN_NOT_FOUND", ... ("" on success). Athena's
                              * StateChangeReason is code + ": " + message. */
} engine_error;

/* Resolves a table reference to its catalog entry (Glue Table shape, new
 * reference) or NULL if it does not exist. */
typedef json_t *(*engine_table_lookup)(void *user_data, const char *database, const char *table);

/* Opens the engine. s3_root is the only directory its file readers may touch
 * (DuckDB allowed_directories, external access otherwise off, configuration
 * locked). threads <= 0 means 2. Large sorts and joins spill to
 * <parent of s3_root>/tmp/duckdb. NULL on failure with a message. */
engine *engine_open(const char *s3_root, int threads, char *err, size_t err_cap);
/* Closes the engine; free its sessions first. */
void engine_close(engine *e);

engine_session *engine_session_new(engine *e);
void engine_session_free(engine_session *s);

/* Runs one statement: inspects it (sandbox), resolves the tables it names
 * through lookup (unqualified names use default_database), (re)creates their
 * views from the files present now, binds parameters as values (each is an
 * Athena literal: 'text', 123, 1.5, true, DATE '2024-01-01', TIMESTAMP '...',
 * NULL), executes, and streams rows to sink. stats and err may be NULL.
 * Column names follow Trino (_col0 for unaliased expressions). Objects named
 * in err->message appear as s3:// URIs, not as server paths. */
engine_failure engine_run(engine_session *s, const char *sql, const char *default_database,
                          const char *const *params, size_t param_count,
                          engine_table_lookup lookup, void *lookup_user_data,
                          const engine_sink *sink, engine_stats *stats, engine_error *err);

/* ---- writing a statement's result as files (CTAS, INSERT INTO, UNLOAD) ---- */

typedef enum engine_write_format {
    ENGINE_WRITE_PARQUET = 0,
    ENGINE_WRITE_TEXTFILE,      /* Hive LazySimpleSerDe text: no quoting, NULL as \N */
    ENGINE_WRITE_JSON           /* newline-delimited JSON objects */
} engine_write_format;

/* A column of the table written into: its name and its DuckDB type (the
 * query's value is cast to it). */
typedef struct engine_target_column {
    const char *name;
    const char *duck_type;
} engine_target_column;

typedef struct engine_write_spec {
    const char *sql;                    /* the SELECT / VALUES that gives the rows */
    const char *default_database;
    const char *const *params;          /* execution parameters, as for engine_run */
    size_t param_count;
    engine_table_lookup lookup;
    void *lookup_user_data;
    /* The table written into (INSERT INTO): every column, partition columns
     * last; source[i] is the query column for target column i, or -1 for
     * NULL. NULL targets (CTAS, UNLOAD): the query's own columns, named as
     * Athena names them and typed by their Hive types. */
    const engine_target_column *targets;
    const int *source;
    size_t target_count;
    size_t source_count;                /* the query columns source expects */
    const char *const *partition_columns;   /* the trailing columns that become folders */
    size_t partition_count;
    engine_write_format format;
    const char *compression;            /* DuckDB codec: "gzip", "snappy", "zstd",
                                         * "uncompressed" */
    const char *file_extension;         /* added to each file name ("" or ".gz"...) */
    char field_delimiter;               /* TEXTFILE */
    const char *directory;              /* where the files go (exists, inside the S3 root) */
    const char *file_prefix;            /* files are <prefix>_<n><extension> */
    int columns_only;                   /* WITH NO DATA: nothing runs, nothing is written */
    size_t max_partitions;              /* more distinct partitions fail (0: no limit) */
    /* Names the folder of one partition ("k=v/k2=v2", Hive-escaped) from
     * the partition columns' values as text (NULL for SQL NULL) into out.
     * 0, or -1 when it cannot. Required when partition_count > 0. */
    int (*partition_folder)(void *user_data, const char *const *names,
                            const char *const *values, size_t count, char *out, size_t cap);
    void *partition_folder_user_data;
} engine_write_spec;

/* A result column as the catalog records it. */
typedef struct engine_written_column {
    char name[256];
    char hive_type[512];     /* "string", "bigint", "array<int>", "decimal(10,2)", ... */
} engine_written_column;

/* One partition written: its values as text (NULL entries for SQL NULL)
 * and its folder relative to the write directory. */
typedef struct engine_written_partition {
    char **values;
    size_t count;
    char *folder;
} engine_written_partition;

typedef struct engine_write_result {
    int64_t rows;
    engine_written_column *columns;      /* every column, partition columns last */
    size_t column_count;
    engine_written_partition *partitions;
    size_t partition_count;
    char **files;                        /* paths relative to the write directory */
    size_t file_count;
} engine_write_result;

/* Runs spec->sql like engine_run (sandbox, tables, parameters), then
 * writes its rows under spec->directory in the format asked: one file per
 * partition (or one file), none when there are no rows. The engine issues
 * the COPY itself; user SQL never reaches a file. stats as for engine_run.
 * out is filled on success (free it with engine_write_result_free in every
 * case). Errors are engine errors (codes as Athena's: "HIVE_COLUMN_ORDER_MISMATCH",
 * "HIVE_TOO_MANY_OPEN_PARTITIONS", "NOT_SUPPORTED", ...). */
engine_failure engine_write(engine_session *s, const engine_write_spec *spec,
                            engine_write_result *out, engine_stats *stats, engine_error *err);
void engine_write_result_free(engine_write_result *r);

/* Interrupts the statement running in s, if any. Safe from any thread. An
 * interrupt that arrives while no statement runs is forgotten when the next
 * engine_run starts, so callers keep their own cancel flag for that gap. */
void engine_interrupt(engine_session *s);

#endif
