/*
 * athena.h: the public API of libathena, a C client for Amazon Athena.
 *
 * libathena resolves configuration and credentials the way the AWS SDKs do
 * (explicit values, environment, ~/.aws files, credential_process), signs
 * requests with SigV4, retries with the SDKs' "standard" mode, and exposes the
 * Athena query lifecycle: start, wait, stop, list, and a streaming cursor over
 * the typed results.
 *
 * Conventions (as in SQLite and the DuckDB C API):
 *   - Handles are opaque and come in create/destroy pairs.
 *   - Every fallible call returns an athena_status. Details of the last
 *     failure (AWS error code, message, HTTP status, request id) are kept on
 *     the handle and read with athena_client_error() / athena_results_error().
 *   - Strings returned by accessors belong to the handle and stay valid until
 *     the next call on that handle unless documented otherwise.
 *
 * Thread safety: call athena_global_init() once before starting threads. An
 * athena_config is immutable once loaded and may be shared by any number of
 * threads. An athena_client (and the cursors it opens) must be used by one
 * thread at a time; create one client per thread to run queries in parallel.
 *
 * Secrets: the library never logs or prints secret keys, session tokens or
 * request signatures, and zeroes them when freed.
 */
#ifndef ATHENA_ATHENA_H
#define ATHENA_ATHENA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(ATHENA_BUILDING_SHARED)
#define ATHENA_API __attribute__((visibility("default")))
#else
#define ATHENA_API
#endif

#define ATHENA_LIB_VERSION "0.1.0"

/* ------------------------------------------------------------------------ */
/* Status codes and errors                                                   */
/* ------------------------------------------------------------------------ */

typedef enum athena_status {
    ATHENA_OK = 0,
    ATHENA_DONE,              /* a cursor has no more rows (not an error) */
    ATHENA_E_ARG,             /* invalid argument from the caller */
    ATHENA_E_NOMEM,           /* out of memory */
    ATHENA_E_CONFIG,          /* missing or invalid configuration (region, profile, endpoint, workgroup...) */
    ATHENA_E_CREDENTIALS,     /* no credentials found, or a credential source failed */
    ATHENA_E_NETWORK,         /* DNS, connect, TLS or transfer failure, or a request timeout */
    ATHENA_E_AUTH,            /* the service rejected our identity or signature */
    ATHENA_E_ACCESS_DENIED,   /* the identity is not authorized for the action */
    ATHENA_E_SERVICE,         /* any other error returned by the service */
    ATHENA_E_PROTOCOL,        /* the service sent a response we cannot parse */
    ATHENA_E_QUERY_FAILED,    /* the query finished in state FAILED */
    ATHENA_E_QUERY_CANCELLED, /* the query finished in state CANCELLED */
    ATHENA_E_TIMEOUT,         /* athena_wait_query() exceeded its timeout (the query was stopped) */
    ATHENA_E_INTERRUPTED,     /* athena_wait_query() was stopped by the caller's callback */
    ATHENA_E_NULL,            /* the value is SQL NULL */
    ATHENA_E_TYPE,            /* the value cannot be read as the requested type */
    ATHENA_E_RANGE,           /* column index out of range, or no current row */
    ATHENA_E_IO               /* local I/O failure (files, processes) */
} athena_status;

/* A short, static English description of a status code. */
ATHENA_API const char *athena_strerror(athena_status status);

/* Details of a failure. Fields are empty strings / 0 when not applicable. */
typedef struct athena_error {
    athena_status status;
    int http_status;       /* HTTP status of the failing response, 0 if none */
    int retryable;         /* nonzero if retrying later may succeed */
    char code[128];        /* AWS error code, e.g. "InvalidRequestException" */
    char message[1024];    /* human-readable message (never contains secrets) */
    char request_id[128];  /* x-amzn-RequestId of the failing response */
} athena_error;

/* Initializes process-wide state (libcurl). Call once before any thread uses
 * the library; athena_global_cleanup() undoes it. Returns ATHENA_OK. */
ATHENA_API athena_status athena_global_init(void);
ATHENA_API void athena_global_cleanup(void);

/* ------------------------------------------------------------------------ */
/* Configuration                                                             */
/* ------------------------------------------------------------------------ */

/* Services the connector talks to; each may have its own endpoint. */
typedef enum athena_service {
    ATHENA_SERVICE_ATHENA = 0,
    ATHENA_SERVICE_GLUE,
    ATHENA_SERVICE_S3,
    ATHENA_SERVICE_STS,
    ATHENA_SERVICE_COUNT
} athena_service;

typedef enum athena_log_level {
    ATHENA_LOG_WARN = 1,  /* misconfiguration the user should fix (e.g. file permissions) */
    ATHENA_LOG_DEBUG = 2  /* request/response tracing; secrets are always redacted */
} athena_log_level;

typedef void (*athena_log_fn)(void *user_data, athena_log_level level, const char *message);

/*
 * Options for athena_config_load(). Zero-initialize, then set what you need.
 * Every field is optional; NULL / 0 means "resolve as the AWS SDKs do":
 *
 *   credentials  explicit values > AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/
 *                AWS_SESSION_TOKEN > the profile in AWS_SHARED_CREDENTIALS_FILE
 *                (~/.aws/credentials) and AWS_CONFIG_FILE (~/.aws/config),
 *                including credential_process.
 *   profile      explicit > AWS_PROFILE > "default".
 *   region       explicit > AWS_REGION > AWS_DEFAULT_REGION > profile region.
 *   endpoint     explicit (applies to every service) > AWS_ENDPOINT_URL_<SVC>
 *                > AWS_ENDPOINT_URL > profile `services` section > profile
 *                endpoint_url > https://<svc>.<region>.amazonaws.com[.cn].
 *   retries      explicit > AWS_MAX_ATTEMPTS / AWS_RETRY_MODE > profile
 *                max_attempts / retry_mode > 3 attempts, "standard".
 *   athena_*     explicit > profile athena_workgroup, athena_output_location,
 *                athena_database, athena_catalog.
 */
typedef struct athena_config_options {
    const char *profile;
    const char *region;
    const char *endpoint_url;
    const char *access_key_id;      /* explicit credentials: both or neither */
    const char *secret_access_key;
    const char *session_token;
    const char *workgroup;
    const char *output_location;    /* s3://bucket/prefix/ for query results */
    const char *database;
    const char *catalog;
    const char *ca_bundle;          /* PEM file; else AWS_CA_BUNDLE, profile ca_bundle, system store */
    int max_attempts;               /* total attempts per request, >= 1 */
    long connect_timeout_ms;        /* default 10000 */
    long request_timeout_ms;        /* default 70000 */
    athena_log_fn log;              /* NULL: warnings go to stderr, debug is dropped */
    void *log_user_data;
    int debug;                      /* nonzero: emit ATHENA_LOG_DEBUG messages to log */
} athena_config_options;

typedef struct athena_config athena_config;

/* Resolves a configuration. On failure returns a status and fills *err (if
 * given); *out is then NULL. Credentials are located here but fetched lazily
 * (and refreshed when they expire) by each client. */
ATHENA_API athena_status athena_config_load(const athena_config_options *options,
                                            athena_config **out, athena_error *err);
ATHENA_API void athena_config_free(athena_config *config);

/* Resolved values; NULL when not configured. */
ATHENA_API const char *athena_config_profile(const athena_config *config);
ATHENA_API const char *athena_config_region(const athena_config *config);
ATHENA_API const char *athena_config_endpoint(const athena_config *config, athena_service service);
ATHENA_API const char *athena_config_workgroup(const athena_config *config);
ATHENA_API const char *athena_config_output_location(const athena_config *config);
ATHENA_API const char *athena_config_database(const athena_config *config);
ATHENA_API const char *athena_config_catalog(const athena_config *config);
ATHENA_API int athena_config_max_attempts(const athena_config *config);
ATHENA_API const char *athena_config_retry_mode(const athena_config *config);
/* Where credentials come from: "explicit", "environment", "shared-credentials-file",
 * "config-file", "credential-process", or NULL if none was found. */
ATHENA_API const char *athena_config_credential_source(const athena_config *config);
/* Any other key of the active profile (e.g. "athena_tables"), or NULL. */
ATHENA_API const char *athena_config_profile_value(const athena_config *config, const char *key);

/* ------------------------------------------------------------------------ */
/* Client                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct athena_client athena_client;

/* Creates a client. The config must outlive the client. */
ATHENA_API athena_status athena_client_create(const athena_config *config, athena_client **out,
                                              athena_error *err);
ATHENA_API void athena_client_destroy(athena_client *client);

/* The error of the last failed call on this client. */
ATHENA_API const athena_error *athena_client_error(const athena_client *client);

/* ------------------------------------------------------------------------ */
/* Query lifecycle                                                           */
/* ------------------------------------------------------------------------ */

#define ATHENA_ID_MAX 128 /* buffer size for a QueryExecutionId */

typedef struct athena_start_params {
    const char *sql;                  /* required; at most 262144 bytes */
    const char *database;             /* QueryExecutionContext.Database; NULL: config */
    const char *catalog;              /* QueryExecutionContext.Catalog; NULL: config */
    const char *workgroup;            /* NULL: config (else the service default, "primary") */
    const char *output_location;      /* ResultConfiguration.OutputLocation; NULL: config */
    const char *const *parameters;    /* ExecutionParameters, one per '?' placeholder */
    size_t parameter_count;
    int result_reuse_max_age_minutes; /* > 0 enables ResultReuseConfiguration */
    const char *client_request_token; /* NULL: a fresh random UUID (retries stay idempotent) */
} athena_start_params;

/* StartQueryExecution. Writes the QueryExecutionId into id (ATHENA_ID_MAX bytes). */
ATHENA_API athena_status athena_start_query(athena_client *client, const athena_start_params *params,
                                            char id[ATHENA_ID_MAX]);

typedef enum athena_query_state {
    ATHENA_STATE_UNKNOWN = 0,
    ATHENA_STATE_QUEUED,
    ATHENA_STATE_RUNNING,
    ATHENA_STATE_SUCCEEDED,
    ATHENA_STATE_FAILED,
    ATHENA_STATE_CANCELLED
} athena_query_state;

/* "QUEUED", "RUNNING", ... */
ATHENA_API const char *athena_state_name(athena_query_state state);

/* A QueryExecution as returned by GetQueryExecution. Strings are NULL when
 * absent; numbers are -1 when absent. Free with athena_query_execution_free. */
typedef struct athena_query_execution {
    char *id;
    char *query;
    char *statement_type;         /* "DML", "DDL" or "UTILITY" */
    char *substatement_type;      /* e.g. "SELECT" (when the service reports it) */
    char *workgroup;
    char *database;
    char *catalog;
    char *output_location;        /* ResultConfiguration.OutputLocation (the result file) */
    athena_query_state state;
    char *state_change_reason;
    double submitted_at;          /* epoch seconds, 0 if absent */
    double completed_at;
    int64_t data_scanned_bytes;
    int64_t engine_execution_ms;
    int64_t queue_ms;
    int64_t planning_ms;
    int64_t processing_ms;
    int64_t total_execution_ms;
    int reused_previous_result;   /* Statistics.ResultReuseInformation */
    /* AthenaError, present when error_category >= 0 */
    int error_category;           /* 1 system, 2 user, 3 other; -1 when absent */
    int error_type;               /* -1 when absent */
    int error_retryable;
    char *error_message;
} athena_query_execution;

ATHENA_API void athena_query_execution_free(athena_query_execution *qe);

/* GetQueryExecution. */
ATHENA_API athena_status athena_get_query(athena_client *client, const char *id,
                                          athena_query_execution **out);

/*
 * Polling behaviour of athena_wait_query(). Zero-initialize for defaults:
 * the sleep between polls is the largest of initial_delay_ms, a twentieth of
 * the time waited so far, a fifth of the time waited beyond the first 250 ms,
 * and the last poll's round trip (with +-10% jitter), up to max_delay_ms. A
 * query of up to a few hundred milliseconds is thus noticed at most ~5%
 * after it ends, a longer one at most ~20%, and a distant endpoint is never
 * polled faster than it answers.
 */
typedef struct athena_wait_options {
    long initial_delay_ms;   /* the shortest sleep; default 1 */
    long max_delay_ms;       /* default 1000 */
    long timeout_ms;         /* 0: wait forever. On expiry the query is stopped
                                and ATHENA_E_TIMEOUT is returned. */
    /* Called after every poll; return nonzero to stop waiting
     * (ATHENA_E_INTERRUPTED; the query is left running). */
    int (*on_poll)(const athena_query_execution *qe, void *user_data);
    void *user_data;
} athena_wait_options;

/* Waits until the query leaves QUEUED/RUNNING. Returns ATHENA_OK when it
 * SUCCEEDED, ATHENA_E_QUERY_FAILED / ATHENA_E_QUERY_CANCELLED otherwise (the
 * reason is in the client error), or a transport/timeout status. If out is
 * given it receives the last execution seen (also on failure, when known). */
ATHENA_API athena_status athena_wait_query(athena_client *client, const char *id,
                                           const athena_wait_options *options,
                                           athena_query_execution **out);

/* StopQueryExecution. Idempotent: stopping a finished query is not an error. */
ATHENA_API athena_status athena_stop_query(athena_client *client, const char *id);

/* One page of ListQueryExecutions. */
typedef struct athena_id_page {
    char **ids;
    size_t count;
    char *next_token;  /* NULL on the last page */
} athena_id_page;

/* ListQueryExecutions for a workgroup (NULL: config, else the service default).
 * max_results 0 means the service default (50). */
ATHENA_API athena_status athena_list_queries(athena_client *client, const char *workgroup,
                                             int max_results, const char *next_token,
                                             athena_id_page **out);
ATHENA_API void athena_id_page_free(athena_id_page *page);

/* BatchGetQueryExecution for up to 50 ids. */
typedef struct athena_query_batch {
    athena_query_execution **items;
    size_t count;
    char **unprocessed_ids;     /* ids the service could not return */
    char **unprocessed_errors;  /* "Code: message" for each */
    size_t unprocessed_count;
} athena_query_batch;

ATHENA_API athena_status athena_batch_get_queries(athena_client *client, const char *const *ids,
                                                  size_t count, athena_query_batch **out);
ATHENA_API void athena_query_batch_free(athena_query_batch *batch);

/* ------------------------------------------------------------------------ */
/* Results cursor                                                            */
/* ------------------------------------------------------------------------ */

typedef struct athena_results athena_results;

typedef enum athena_nullable {
    ATHENA_NULLABLE_UNKNOWN = 0,
    ATHENA_NOT_NULL,
    ATHENA_NULLABLE
} athena_nullable;

/* Column metadata (ResultSetMetadata.ColumnInfo). */
typedef struct athena_column {
    const char *name;
    const char *type;      /* Athena type name: "varchar", "bigint", "decimal", "array", ... */
    int precision;
    int scale;
    athena_nullable nullable;
} athena_column;

/* Values of athena_results_options.use_s3. */
#define ATHENA_RESULTS_S3_AUTO 0   /* the result file on S3 when possible, else GetQueryResults */
#define ATHENA_RESULTS_S3_NEVER (-1) /* always GetQueryResults */
#define ATHENA_RESULTS_S3_ONLY 1   /* the result file on S3, or an error saying why not */

/*
 * Options for athena_results_open(). Zero-initialize for defaults.
 *
 * The fast path: a SELECT that SUCCEEDED leaves its rows in a CSV file,
 * <OutputLocation>/<id>.csv. Reading that file straight from S3, with
 * several ranged GETs in flight, is far faster than paging through
 * GetQueryResults (1000 rows per call). The cursor asks GetQueryResults for
 * the first page as usual (column metadata; for a small result that page is
 * all there is, and nothing more is fetched), then HeadObject for the file's
 * size and GetObject for its byte ranges; the rows are parsed from the CSV
 * and delivered in order, with the same types and accessors. It needs
 * s3:GetObject on the result file. With use_s3 = ATHENA_RESULTS_S3_AUTO the
 * cursor quietly uses GetQueryResults instead (the reason goes to the debug
 * log) when the statement is not a SELECT (DDL and utility results are .txt
 * files), the workgroup keeps results itself (no s3:// OutputLocation), the
 * result fits in the first page, or S3 refuses or lacks the file. With
 * ATHENA_RESULTS_S3_ONLY the first request asks for one row only. Once rows
 * have been delivered, an S3 failure is an error of athena_results_next();
 * a transfer that breaks off is resumed from the last byte received.
 *
 * Memory stays bounded by s3_buffer_bytes plus one row, whatever the result
 * size. The fetch threads (one per parallel GET, each with its own
 * connection) live as long as the cursor; the log callback may be called
 * from them.
 */
typedef struct athena_results_options {
    int page_size;  /* rows per GetQueryResults call, 1..1000 (default 1000) */
    /* The execution, if the caller already has it (saves one request). */
    const athena_query_execution *execution;
    int use_s3;            /* ATHENA_RESULTS_S3_AUTO (default), _NEVER or _ONLY */
    int s3_parallelism;    /* ranged GETs in flight, 1..64 (default 4) */
    size_t s3_chunk_bytes; /* bytes per ranged GET, at least 64 KiB (default 8 MiB) */
    size_t s3_buffer_bytes; /* most bytes of the file held in memory at once, at
                               least 1 MiB (default 12 MiB) */
    /* Nonzero: when the cursor reads the result file from S3, it hands out
     * the file's bytes unparsed (athena_results_read_raw) instead of rows;
     * see there. A cursor on GetQueryResults is unaffected. */
    int raw_csv;
} athena_results_options;

/* Opens a cursor over a finished query's results. Memory stays bounded: one
 * GetQueryResults page at a time, or the S3 buffers above. The header row
 * Athena sends for SELECT-type statements is skipped. options may be NULL. */
ATHENA_API athena_status athena_results_open(athena_client *client, const char *query_id,
                                             const athena_results_options *options,
                                             athena_results **out);
ATHENA_API void athena_results_close(athena_results *results);

/* Advances to the next row: ATHENA_OK (a row is current), ATHENA_DONE, or an
 * error. ATHENA_E_ARG on a raw cursor (raw_csv on the S3 path). */
ATHENA_API athena_status athena_results_next(athena_results *results);

/*
 * Raw mode: for a cursor opened with options->raw_csv that reads the result
 * file from S3, the next bytes of that file, in order and unparsed, with
 * no row parsing at all: ATHENA_OK with *len > 0, then ATHENA_DONE with
 * *len 0 at the end, or an error (details in athena_results_error()). The
 * bytes are Athena's CSV (see the options above): a header record whose
 * fields equal the column names (checked before the cursor is handed out),
 * then one record per row, every non-NULL value quoted with '"' doubled,
 * NULL an empty unquoted field, values possibly spanning lines. *data stays
 * valid until the next call. Such a cursor is read with this function
 * only: athena_results_next() refuses it.
 *
 * On any other cursor (GetQueryResults: the fallback, a small result, a
 * non-SELECT, use_s3 = ATHENA_RESULTS_S3_NEVER; or raw_csv not asked for) it
 * returns ATHENA_E_TYPE and the caller reads rows with athena_results_next()
 * as usual. So: open with raw_csv and call this; on ATHENA_E_TYPE, read
 * rows instead.
 */
ATHENA_API athena_status athena_results_read_raw(athena_results *results, const char **data,
                                                 size_t *len);

ATHENA_API size_t athena_results_column_count(const athena_results *results);
/* NULL if i is out of range. */
ATHENA_API const athena_column *athena_results_column(const athena_results *results, size_t i);
/* Number of rows returned so far by athena_results_next(). */
ATHENA_API uint64_t athena_results_row_number(const athena_results *results);
/* The error of the last failed call on this cursor. */
ATHENA_API const athena_error *athena_results_error(const athena_results *results);

/* Nonzero if column i of the current row is SQL NULL (absent VarCharValue). */
ATHENA_API int athena_results_is_null(const athena_results *results, size_t i);

/* Raw text of column i exactly as Athena rendered it. NULL values return
 * ATHENA_E_NULL; the empty string is a value. The text is NUL-terminated and
 * valid until the next athena_results_next(). */
ATHENA_API athena_status athena_results_get_string(const athena_results *results, size_t i,
                                                   const char **value, size_t *length);

/* Typed accessors. They return ATHENA_E_NULL for NULL, and ATHENA_E_TYPE (with
 * a message naming the column and types) when the column's type or the text
 * does not fit the requested type. */
ATHENA_API athena_status athena_results_get_int64(const athena_results *results, size_t i,
                                                  int64_t *value);
ATHENA_API athena_status athena_results_get_double(const athena_results *results, size_t i,
                                                   double *value);
ATHENA_API athena_status athena_results_get_bool(const athena_results *results, size_t i,
                                                 int *value);

typedef struct athena_date {
    int year, month, day;
} athena_date;

typedef struct athena_timestamp {
    int year, month, day;
    int hour, minute, second;
    int nanosecond;
} athena_timestamp;

ATHENA_API athena_status athena_results_get_date(const athena_results *results, size_t i,
                                                 athena_date *value);
/* Parses Athena's "YYYY-MM-DD HH:MM:SS[.fffffffff]" (timestamp columns). */
ATHENA_API athena_status athena_results_get_timestamp(const athena_results *results, size_t i,
                                                      athena_timestamp *value);

#ifdef __cplusplus
}
#endif

/* The catalog API (Glue, S3 listings, metadata cache). */
#include "athena/catalog.h"
/* Identity, workgroup settings and object reads (STS GetCallerIdentity,
 * Athena GetWorkGroup, S3 GetObject). */
#include "athena/sts.h"
#include "athena/workgroup.h"
#include "athena/s3_read.h"

#endif /* ATHENA_ATHENA_H */
