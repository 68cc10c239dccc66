/*
 * ddl_internal.h: what the files of the catalog-statement runner share.
 *
 *   ddl.c        classify, recognize the statement kind, dispatch by kind
 *   ddl_lexer.c  tokens (ddl_lexer.h)
 *   ddl_parse.c  tokens -> ddl_stmt, one parse function per kind
 *   ddl_glue.c   ddl_stmt -> Glue Database / Table documents, as Athena writes them
 *   ddl_exec.c   ddl_stmt -> store changes and output rows, one exec function per kind
 *   ddl_partitions.c  ALTER TABLE ADD/DROP PARTITION, SHOW PARTITIONS (parse and
 *                exec), Glue Partition documents, the engine's catalog lookup
 *   ddl_msck.c   MSCK REPAIR TABLE: partition folders -> partitions
 *   ddl_show_create.c  SHOW CREATE TABLE: the DDL rebuilt from the Glue table
 *   ddl_views.c  CREATE/DROP VIEW, SHOW VIEWS: Athena (Presto) views
 *   ddl_ctas.c   CREATE TABLE AS SELECT: files written, table registered
 *   ddl_insert.c INSERT INTO: files added to a table, partitions registered
 *   ddl_unload.c UNLOAD: files written under a prefix, with a manifest
 *   ddl_write.c  what those three share: WITH properties, the target
 *                location, the hidden staging folder, publishing, manifests
 *   ddl_authz.c  the caller's permissions each statement needs, checked
 *                between parse and exec (ddl_query_info.access)
 *
 * A statement kind without parse/exec functions is recognized (for
 * SubstatementType) but answered "... is not supported yet".
 */
#ifndef ATHENA_SERVER_DDL_INTERNAL_H
#define ATHENA_SERVER_DDL_INTERNAL_H

#include "buf.h"
#include "ddl.h"
#include "ddl_lexer.h"

#include <jansson.h>

#define DDL_MAX_NAME 255   /* Glue's limit for database, table and column names */

typedef enum ddl_stmt_kind {
    DDL_K_UNKNOWN = 0,
    DDL_K_CREATE_DATABASE,
    DDL_K_DROP_DATABASE,
    DDL_K_SHOW_DATABASES,
    DDL_K_ALTER_DATABASE,
    DDL_K_CREATE_TABLE,
    DDL_K_CREATE_TABLE_AS_SELECT,
    DDL_K_DROP_TABLE,
    DDL_K_SHOW_TABLES,
    DDL_K_DESCRIBE_TABLE,
    DDL_K_SHOW_COLUMNS,
    DDL_K_SHOW_PARTITIONS,
    DDL_K_SHOW_CREATE_TABLE,
    DDL_K_SHOW_TBLPROPERTIES,
    DDL_K_CREATE_VIEW,
    DDL_K_DROP_VIEW,
    DDL_K_SHOW_VIEWS,
    DDL_K_SHOW_CREATE_VIEW,
    DDL_K_ALTER_TABLE_ADD_PARTITION,
    DDL_K_ALTER_TABLE_DROP_PARTITION,
    DDL_K_ALTER_TABLE_RENAME_PARTITION,
    DDL_K_ALTER_TABLE_ADD_COLUMNS,
    DDL_K_ALTER_TABLE_REPLACE_COLUMNS,
    DDL_K_ALTER_TABLE_SET_LOCATION,
    DDL_K_ALTER_TABLE_SET_TBLPROPERTIES,
    DDL_K_MSCK_REPAIR_TABLE,
    DDL_K_INSERT_INTO,
    DDL_K_UNLOAD,
    DDL_K_COUNT
} ddl_stmt_kind;

/* The kind read from a statement's leading tokens; for DDL_K_UNKNOWN, the
 * token where recognition stopped and what would have been accepted. */
typedef struct ddl_recognized {
    ddl_stmt_kind kind;
    size_t bad_token;
    const char *expecting;
} ddl_recognized;

void ddl_recognize(const ddl_tokens *tokens, ddl_recognized *out);

/* ---- parsed statements ---- */

typedef struct ddl_column_def {
    char *name;          /* lower case */
    char *type;          /* normalized Hive type (hive_type_normalize) */
    char *comment;       /* NULL when none */
} ddl_column_def;

typedef struct ddl_column_list {
    ddl_column_def *items;
    size_t count;
    size_t cap;
} ddl_column_list;

typedef enum ddl_row_format {
    DDL_ROW_FORMAT_NONE = 0,
    DDL_ROW_FORMAT_DELIMITED,
    DDL_ROW_FORMAT_SERDE
} ddl_row_format;

/* PARTITION (key = 'value', ...) [LOCATION 's3://...'] */
typedef struct ddl_partition_spec {
    char **keys;               /* lower case, in the order written */
    char **values;
    size_t count;
    char *location;            /* ADD PARTITION ... LOCATION; NULL: the Hive default */
    int line, column;          /* where the spec starts, for messages */
} ddl_partition_spec;

typedef struct ddl_stmt {
    ddl_stmt_kind kind;
    int if_exists;             /* IF EXISTS, or IF NOT EXISTS for CREATE */
    int cascade;               /* DROP DATABASE ... CASCADE */
    int external;              /* CREATE EXTERNAL TABLE */
    char *database;            /* qualifier or IN/FROM db; NULL: the default database */
    char *name;                /* the database or table named */
    char *column;              /* DESCRIBE table column */
    char *pattern;             /* SHOW ... [LIKE] 'pattern', NULL: all */
    char *comment;
    char *location;
    ddl_column_list columns;
    ddl_column_list partition_keys;
    ddl_row_format row_format;
    json_t *delimiters;        /* ROW FORMAT DELIMITED, as SerDe parameters */
    char *serde;               /* ROW FORMAT SERDE 'class' */
    json_t *serde_properties;  /* WITH SERDEPROPERTIES */
    char *stored_as;           /* STORED AS name, lower case */
    char *input_format;        /* STORED AS INPUTFORMAT '..' OUTPUTFORMAT '..' */
    char *output_format;
    json_t *properties;        /* DBPROPERTIES or TBLPROPERTIES */
    int or_replace;            /* CREATE OR REPLACE VIEW */
    ddl_partition_spec *specs; /* ALTER TABLE ADD/DROP PARTITION */
    size_t spec_count, spec_cap;
    char *query;               /* CREATE VIEW, CTAS, INSERT, UNLOAD: the query as written */
    int query_line, query_column;   /* where it starts in the statement */
    json_t *write_properties;  /* CTAS / UNLOAD WITH (name = value): strings, integers,
                                * booleans, arrays of strings; names lower case */
    int with_no_data;          /* CTAS ... WITH NO DATA */
    char **insert_columns;     /* INSERT INTO t (a, b): lower case; NULL: all */
    size_t insert_column_count;
} ddl_stmt;

void ddl_stmt_free(ddl_stmt *stmt);

typedef struct ddl_parser {
    const ddl_tokens *tokens;
    size_t pos;
    ddl_error *err;
} ddl_parser;

typedef int (*ddl_parse_fn)(ddl_parser *p, ddl_stmt *stmt);

/* "line L:C: mismatched input 'X'. Expecting: <expecting>" at the current
 * token; returns -1. */
int ddl_syntax_error(ddl_parser *p, const char *expecting);

int ddl_parse_create_database(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_drop_database(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_show_databases(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_create_table(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_drop_table(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_show_tables(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_describe(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_show_columns(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_add_partition(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_drop_partition(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_show_partitions(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_msck(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_show_create_table(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_create_view(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_drop_view(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_show_views(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_ctas(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_insert(ddl_parser *p, ddl_stmt *stmt);
int ddl_parse_unload(ddl_parser *p, ddl_stmt *stmt);

/* Parsing pieces the parse functions share (ddl_parse.c). The accept_*
 * functions consume a match and return 1 (0 otherwise; -1 after an error
 * for the IF forms); the others return 0, or -1 with a syntax error. */
const ddl_token *ddl_peek(const ddl_parser *p);
int ddl_accept_word(ddl_parser *p, const char *keyword);
int ddl_accept_punct(ddl_parser *p, char c);
int ddl_expect_word(ddl_parser *p, const char *keyword);
int ddl_expect_punct(ddl_parser *p, char c);
int ddl_expect_end(ddl_parser *p, const char *expecting);   /* after an optional ';' */
int ddl_accept_if_exists(ddl_parser *p);
int ddl_accept_if_not_exists(ddl_parser *p);
int ddl_accept_in_database(ddl_parser *p, char **database);  /* IN db / FROM db */
int ddl_parse_qualified_name(ddl_parser *p, ddl_stmt *stmt); /* [db.]name */
int ddl_parse_column_name(ddl_parser *p, char **out);
int ddl_parse_string(ddl_parser *p, char **out);
int ddl_parse_location(ddl_parser *p, char **out);           /* 's3://bucket/prefix' */
int ddl_parse_show_pattern(ddl_parser *p, ddl_stmt *stmt, int like_optional);

/* ---- execution ---- */

typedef struct ddl_context {
    store *st;
    const char *default_database;
    const char *account_id;
    const engine_sink *sink;   /* may be NULL: output is dropped */
    ddl_error *err;
    const char *s3_root;       /* NULL: MSCK REPAIR TABLE cannot run */
    engine_session *session;   /* NULL: CREATE VIEW, CTAS, INSERT, UNLOAD cannot run */
    const ddl_query_info *query;  /* NULL, or the query's id, output location, parameters */
} ddl_context;

typedef int (*ddl_exec_fn)(ddl_context *ctx, const ddl_stmt *stmt);

int ddl_exec_create_database(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_drop_database(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_show_databases(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_create_table(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_drop_table(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_show_tables(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_describe(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_show_columns(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_add_partition(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_drop_partition(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_show_partitions(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_msck(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_show_create_table(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_create_view(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_drop_view(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_show_views(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_ctas(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_insert(ddl_context *ctx, const ddl_stmt *stmt);
int ddl_exec_unload(ddl_context *ctx, const ddl_stmt *stmt);

/* Execution pieces the exec functions share (ddl_exec.c). */
int ddl_output_columns(ddl_context *ctx, const char *const *names, size_t count);
int ddl_output_row(ddl_context *ctx, const char *const *values, size_t count);
int ddl_output_nothing(ddl_context *ctx);   /* DDL: no columns, no rows */
/* One row per "Name" of the documents in list that match pattern (NULL: all). */
int ddl_output_names(ddl_context *ctx, json_t *list, const char *pattern);
double ddl_now(void);
int ddl_store_failure(ddl_context *ctx, const char *what);
/* The statement's database, lower case: the one it names, else the query's
 * context database, else "default". */
const char *ddl_target_database(const ddl_context *ctx, const ddl_stmt *stmt, char *out,
                                size_t cap);
int ddl_database_exists(ddl_context *ctx, const char *name);
int ddl_fail_no_database(ddl_context *ctx, const char *name);
/* The table's Glue document, or NULL with Athena's error for a missing
 * database or table. */
json_t *ddl_load_table(ddl_context *ctx, const char *db, const char *name);
const char *ddl_member_string(const json_t *obj, const char *key);   /* "" when absent */

/* 1 if table (may be NULL) is a view: TableType VIRTUAL_VIEW. */
int ddl_is_view(const json_t *table);

/* Hive's partition name "key=value/key2=value2", keys and values escaped
 * as Hive escapes path names (FileUtils.escapePathName). out is reset. */
int ddl_partition_name(const json_t *keys, const json_t *values, buf *out);
/* Decodes one escaped path segment value (%XX) into out; -1 if malformed. */
int ddl_unescape_path_value(const char *text, size_t len, buf *out);
/* The Hive default location of a partition: the table's Location plus
 * ddl_partition_name (given, when not NULL, instead). malloc'd; NULL when
 * out of memory. */
char *ddl_partition_location(const json_t *table, const json_t *values, const char *given);
/* A new Glue Partition document for table with these values at location. */
json_t *ddl_glue_partition(const json_t *table, const json_t *values, const char *location,
                           const char *account_id, double now);

/* Glue documents for CREATE DATABASE / CREATE TABLE (ddl_glue.c). now is
 * seconds since the epoch. NULL only when out of memory. */
json_t *ddl_glue_database(const ddl_stmt *stmt, const char *account_id, double now);
json_t *ddl_glue_table(const ddl_stmt *stmt, const char *database, const char *account_id,
                       double now);

/* 1 if name (lower case) is a STORED AS format ddl_glue_table knows. */
int ddl_storage_format_known(const char *name);

/* 1 if name matches a SHOW pattern: Hive's '*' (any run of characters) and
 * '|' (alternatives), '.' any one character, everything else literal, case-
 * insensitive and anchored at both ends. */
int ddl_pattern_match(const char *pattern, const char *name);

/* 1-based line and column of text + offset in text. */
void ddl_position_of(const char *text, size_t offset, int *line, int *column);
/* An engine failure of stmt's query as a DDL error: "CODE: line L:C: ..."
 * with positions counted in the whole statement. Returns -1. */
int ddl_engine_failure(ddl_context *ctx, const ddl_stmt *stmt, engine_failure f,
                       const engine_error *eerr);

/* ---- writing files (ddl_write.c) ---- */

/* Athena's limit of partitions one CTAS, INSERT INTO or UNLOAD writes. */
#define DDL_MAX_WRITE_PARTITIONS 100

/* WITH ( name = value [, ...] ) into stmt->write_properties: values are
 * 'strings', integers, TRUE/FALSE or ARRAY['a', ...]. 0 or -1. */
int ddl_parse_write_properties(ddl_parser *p, ddl_stmt *stmt);
/* The query text from offset to the end of the statement, less trailing
 * blanks and semicolons (and, with strip_with_data, a final WITH [NO]
 * DATA, noted in stmt). 0, or -1 with a syntax error when empty. */
int ddl_take_query(ddl_parser *p, ddl_stmt *stmt, size_t offset, int strip_with_data);
/* The index of the ')' closing the '(' at sql[open], skipping SQL strings,
 * quoted names and comments; 0 when there is none. */
size_t ddl_matching_paren(const char *sql, size_t open);
/* Checks that every property is one of names (NULL-terminated): Athena's
 * error otherwise. 0 or -1. */
int ddl_check_property_names(ddl_context *ctx, const ddl_stmt *stmt, const char *const *names);
/* The string property name in *out (NULL when absent). 0, or -1 with
 * Athena's error when it is not a string. */
int ddl_string_property(ddl_context *ctx, const ddl_stmt *stmt, const char *name,
                        const char **out);

/* Where a statement writes: an s3:// prefix resolved to a folder of the
 * objects tree, and a hidden staging folder beside it in the same bucket
 * (invisible to S3 listings and keys, skipped by table readers). */
typedef struct ddl_write_target {
    char uri[2048];          /* s3://bucket/prefix/ (always ends in '/') */
    char bucket[64];
    char path[4096];         /* S3_ROOT/bucket/prefix (no trailing '/') */
    char staging[4200];      /* S3_ROOT/bucket/.<query id>.tmp-<hex>; "" until created */
} ddl_write_target;

/* Validates uri (s3://bucket/prefix, no traversal, inside the S3 root) and
 * checks the bucket exists: Athena's errors otherwise. 0 or -1. */
int ddl_target_resolve(ddl_context *ctx, const char *uri, ddl_write_target *t);
/* 1 if no object lies under the target's prefix. */
int ddl_target_is_empty(const ddl_write_target *t);
/* Creates the staging folder. 0 or -1 (err set). */
int ddl_staging_create(ddl_context *ctx, ddl_write_target *t);
/* Removes the staging folder and everything in it (safe to call twice). */
void ddl_staging_remove(ddl_write_target *t);
/* Flushes the files (relative paths) and moves the whole staging folder
 * (unless it holds no file) to the target's folder, which must not hold
 * objects (empty folders there are replaced): otherwise
 * HIVE_PATH_ALREADY_EXISTS "Target directory for <what> already exists".
 * 0 or -1. */
int ddl_staging_publish_folder(ddl_context *ctx, ddl_write_target *t, const char *what,
                               char *const *files, size_t count);
/* Moves each file (relative paths) from staging to the same place under
 * the target folder, never replacing an existing object. 0 or -1. */
int ddl_staging_publish_files(ddl_context *ctx, ddl_write_target *t, char *const *files,
                              size_t count);
/* Flushes the staged file src and links it at dst (folders created, inside
 * the S3 root), never replacing an object there; then drops src. 0 or -1. */
int ddl_publish_file(ddl_context *ctx, const char *src, const char *dst);
/* Writes <output folder>/<query id>-manifest.csv listing the target's
 * files (one s3:// URI per line) and records it in the outcome; nothing
 * when the query has no output location (managed results). 0 or -1. */
int ddl_write_manifest(ddl_context *ctx, const ddl_write_target *t, char *const *files,
                       size_t count);
/* The query's output folder as s3://bucket/prefix/ (from the result URI). */
int ddl_output_folder(const ddl_context *ctx, char *out, size_t cap);
/* Maps an Athena compression name (any case; NULL: GZIP) for the format to
 * DuckDB's codec and the file extension Hive gives it. 0, or -1 with
 * Athena's error. */
int ddl_write_codec(ddl_context *ctx, engine_write_format format, const char *athena_name,
                    const char **codec, const char **extension);
/* format (NULL: PARQUET): PARQUET, TEXTFILE or JSON, and its STORED AS
 * name for ddl_glue_table (may be NULL). 0, or -1 with Athena's error
 * (ORC, AVRO and ION cannot be written here). */
int ddl_write_format(ddl_context *ctx, const char *name, engine_write_format *format,
                     const char **stored_as);
/* field_delimiter (NULL: '\001'): one ASCII character. 0 or -1. */
int ddl_write_delimiter(ddl_context *ctx, const char *value, char *out);
/* The partitioned_by property as lower-case names (owned, free each and
 * the array). 0 or -1. */
int ddl_write_partitions(ddl_context *ctx, const ddl_stmt *stmt, const char ***out,
                         size_t *count);
/* Registers the partitions written into table (already registered ones
 * are kept as they are). 0 or -1. */
int ddl_register_partitions(ddl_context *ctx, const char *db, const char *name,
                            const json_t *table, const engine_write_result *written);
/* engine_write's partition_folder: ddl_partition_name over plain names. */
int ddl_partition_folder(void *user_data, const char *const *names, const char *const *values,
                         size_t count, char *out, size_t cap);
/* One "rows" (bigint) column and one row holding count, as Athena answers
 * CTAS and INSERT INTO. */
int ddl_output_row_count(ddl_context *ctx, int64_t count);
/* Runs spec (its lookup filled from the query info, or the catalog itself)
 * through the engine into its staging folder, and records the bytes it read
 * for Statistics.DataScannedInBytes. 0, or -1 with ctx->err set: a failure,
 * a refused table, or more bytes than the workgroup's cutoff
 * (err->over_cutoff), in which case the staged files must be dropped. */
int ddl_write_run(ddl_context *ctx, const ddl_stmt *stmt, engine_write_spec *spec,
                  engine_write_result *written);

/* ---- the caller's permissions (ddl_authz.c) ---- */

/* Checks the Glue operations stmt performs (and the S3 access of those
 * whose target is known from the catalog: MSCK's listing, INSERT's and
 * UNLOAD's destination) before anything is read or changed. 0, or -1 with
 * Athena's reason (err->denied set). Nothing is checked without
 * ctx->query->access. */
int ddl_authorize(ddl_context *ctx, const ddl_stmt *stmt);
/* s3:PutObject under location ("s3://bucket/prefix"), checked before the
 * first file is staged. 0 or -1 (as ddl_authorize). */
int ddl_authorize_write(ddl_context *ctx, const char *location);
/* CREATE VIEW's table lookup (user_data the ddl_context): glue:GetDatabase
 * and glue:GetTable on each table its query names, then the catalog. */
json_t *ddl_view_lookup(void *context, const char *database, const char *table);
/* -1 with Athena's reason when a lookup of the statement's query was
 * refused (the engine then only saw a missing table); else 0. */
int ddl_refused_by_lookup(ddl_context *ctx);

/* Fills err (message formatted) and returns -1. */
int ddl_fail(ddl_error *err, int user_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
