/*
 * ddl.h: the catalog statements athena-local runs itself, in Athena's (Hive)
 * DDL dialect: CREATE/DROP DATABASE (SCHEMA), SHOW DATABASES/SCHEMAS,
 * CREATE EXTERNAL TABLE (columns, PARTITIONED BY, ROW FORMAT DELIMITED
 * FIELDS TERMINATED BY, ROW FORMAT SERDE ... WITH SERDEPROPERTIES, STORED AS
 * PARQUET|TEXTFILE|JSON|ORC, LOCATION, TBLPROPERTIES), DROP TABLE, SHOW
 * TABLES [IN db] [LIKE 'pattern'], DESCRIBE [db.]table, SHOW COLUMNS
 * {FROM|IN} table [{FROM|IN} db]; partitions: ALTER TABLE t ADD [IF NOT
 * EXISTS] PARTITION (k='v', ...) [LOCATION 's3://...'] ..., ALTER TABLE t
 * DROP [IF EXISTS] PARTITION (k='v', ...), ..., MSCK REPAIR TABLE t, SHOW
 * PARTITIONS t; SHOW CREATE TABLE t; views: CREATE [OR REPLACE] VIEW v AS
 * SELECT ..., DROP VIEW [IF EXISTS] v, SHOW VIEWS [IN db] [LIKE 'pattern'];
 * and the statements that write files: CREATE TABLE t WITH (...) AS SELECT
 * ... [WITH NO DATA], INSERT INTO t [(cols)] SELECT ..., UNLOAD (SELECT ...)
 * TO 's3://...' WITH (...).
 *
 * Tables, partitions and views are stored in Glue's shapes (store.h),
 * exactly as Athena's DDL produces them, so Glue clients see the same thing.
 */
#ifndef ATHENA_SERVER_DDL_H
#define ATHENA_SERVER_DDL_H

#include "engine.h"
#include "store.h"

#include <stddef.h>

typedef enum ddl_kind {
    DDL_NOT_DDL = 0,       /* not a catalog statement: give it to the engine */
    DDL_STATEMENT,         /* StatementType DDL (CREATE/DROP/ALTER) */
    DDL_UTILITY            /* StatementType UTILITY (SHOW/DESCRIBE) */
} ddl_kind;

/* Classifies sql by its leading keywords; cheap, no parsing of the rest. */
ddl_kind ddl_classify(const char *sql);
/* 1 for the data-writing statements Athena counts as DML that ddl_run also
 * executes: INSERT INTO and UNLOAD (SubstatementType INSERT / UNLOAD). */
int ddl_writes_data(const char *sql);
/* "CREATE_TABLE", "DROP_DATABASE", "SHOW_TABLES", ... for SubstatementType. */
const char *ddl_substatement(const char *sql);

typedef struct ddl_error {
    int user_error;        /* 1: the statement is wrong (category 2), 0: system failure */
    char message[1024];    /* e.g. "line 1:14: mismatched input 'FORM'" or "Database does not exist: x" */
    int denied;            /* refused by the caller's permissions (message: Athena's reason) */
    int over_cutoff;       /* stopped: it read more than bytes_scanned_cutoff */
} ddl_error;

/* What a statement that writes files reports beyond its rows. */
typedef struct ddl_outcome {
    int64_t bytes_scanned;          /* Statistics.DataScannedInBytes */
    char manifest_location[2048];   /* Statistics.DataManifestLocation; "" when none */
} ddl_outcome;

/* What catalog statements run against. */
typedef struct ddl_environment {
    store *st;
    const char *s3_root;        /* objects as files (objects.h): MSCK REPAIR TABLE lists
                                 * partition folders there. NULL: MSCK is refused */
    engine_session *session;    /* CREATE VIEW runs its SELECT here (LIMIT 0) to check it
                                 * and learn its columns. NULL: CREATE VIEW is refused */
    const char *account_id;     /* fills CatalogId */
} ddl_environment;

struct authz_query_access;

/* The query a statement runs as, for CREATE TABLE AS SELECT, INSERT INTO
 * and UNLOAD. */
typedef struct ddl_query_info {
    const char *query_id;       /* names the files written and CTAS's default location */
    const char *output_location;  /* the query's result file (s3://.../<id>.txt|.csv): its
                                   * folder takes CTAS tables and manifests; NULL: none */
    const char *const *params;  /* execution parameters of the query part */
    size_t param_count;
    ddl_outcome *outcome;       /* may be NULL */
    /* How the query part finds tables (engine_run's lookup); NULL: the
     * store's catalog (ddl_catalog_lookup), with no access check. */
    engine_table_lookup lookup;
    void *lookup_user_data;
    /* The caller's permissions (authz.h): each statement is checked for the
     * Glue and S3 operations it performs before it changes anything. NULL:
     * no checks (the server's own use, tests). */
    struct authz_query_access *access;
    /* The workgroup's BytesScannedCutoffPerQuery (0: none): a statement
     * that writes files and read more is stopped before it publishes them
     * (ddl_error.over_cutoff). */
    int64_t bytes_scanned_cutoff;
} ddl_query_info;

/* Executes a catalog statement. default_database is the query's context
 * database. Output rows (for SHOW/DESCRIBE/MSCK) go to sink as one varchar
 * column per output field, as Athena returns them. 0 on success, -1 with
 * err. */
int ddl_run(const ddl_environment *env, const char *sql, const char *default_database,
            const engine_sink *sink, ddl_error *err);

/* ddl_run for a query with an id, an output location and parameters
 * (query may be NULL): what the statements that write files need. */
int ddl_run_query(const ddl_environment *env, const ddl_query_info *query, const char *sql,
                  const char *default_database, const engine_sink *sink, ddl_error *err);

/* ddl_run without the engine and the objects (no CREATE VIEW, no MSCK). */
int ddl_execute(store *st, const char *sql, const char *default_database,
                const char *account_id, const engine_sink *sink, ddl_error *err);

/* The engine's table lookup (engine_table_lookup, user_data the store): the
 * Glue table or view, with the registered partitions of a partitioned table
 * attached as the member "Partitions" (engine_internal.h's
 * ENGINE_TABLE_PARTITIONS), which the engine reads instead of discovering
 * folders. NULL when it does not exist. */
json_t *ddl_catalog_lookup(void *store_user_data, const char *database, const char *table);

#endif
