/*
 * ddl.h: the catalog statements athena-local runs itself, in Athena's (Hive)
 * DDL dialect: CREATE/DROP DATABASE (SCHEMA), SHOW DATABASES/SCHEMAS,
 * CREATE EXTERNAL TABLE (columns, PARTITIONED BY, ROW FORMAT DELIMITED
 * FIELDS TERMINATED BY, ROW FORMAT SERDE ... WITH SERDEPROPERTIES, STORED AS
 * PARQUET|TEXTFILE|JSON|ORC, LOCATION, TBLPROPERTIES), DROP TABLE, SHOW
 * TABLES [IN db] [LIKE 'pattern'], DESCRIBE [db.]table, SHOW COLUMNS
 * {FROM|IN} table [{FROM|IN} db].
 *
 * Tables are stored in Glue's Table shape (store.h), exactly as Athena's DDL
 * produces them, so Glue clients see the same thing.
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
/* "CREATE_TABLE", "DROP_DATABASE", "SHOW_TABLES", ... for SubstatementType. */
const char *ddl_substatement(const char *sql);

typedef struct ddl_error {
    int user_error;        /* 1: the statement is wrong (category 2), 0: system failure */
    char message[1024];    /* e.g. "line 1:14: mismatched input 'FORM'" or "Database does not exist: x" */
} ddl_error;

/* Executes a catalog statement against the store. default_database is the
 * query's context database. Output rows (for SHOW/DESCRIBE) go to sink as
 * one varchar column per output field, as Athena returns them. region and
 * account_id fill ARNs/CatalogId. 0 on success, -1 with err. */
int ddl_execute(store *st, const char *sql, const char *default_database,
                const char *account_id, const engine_sink *sink, ddl_error *err);

#endif
