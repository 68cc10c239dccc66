/*
 * results_s3.h: the fast result path. A SELECT's rows are read from its
 * result file on S3 (<OutputLocation>/<id>.csv) with parallel ranged GETs,
 * parsed with the core CSV reader and handed to the results cursor in order
 * (a row source, results.h).
 *
 * Pieces, so that each can be tested on its own:
 *   - results_s3_open: the decision (S3 or GetQueryResults) and the set-up,
 *     used by athena_results_open;
 *   - the byte pipeline (s3_pipe_*): fetch threads, each with its own
 *     transport, fill a bounded pool of buffers; the reader takes the bytes
 *     strictly in file order;
 *   - the row reader (s3_rows_*): CSV bytes in, typed-cursor rows out,
 *     checking every record's field count against the columns;
 *   - raw mode (s3_raw_*, athena_results_read_raw): the bytes themselves,
 *     after a check of the header record, for callers that re-encode the
 *     CSV without needing rows.
 */
#ifndef ATHENA_LIB_RESULTS_S3_H
#define ATHENA_LIB_RESULTS_S3_H

#include "client.h"
#include "results.h"

#include <jansson.h>
#include <stdint.h>

#define RESULTS_S3_DEFAULT_PARALLELISM 4
#define RESULTS_S3_MAX_PARALLELISM 64
#define RESULTS_S3_DEFAULT_CHUNK ((size_t)8 << 20)
#define RESULTS_S3_MIN_CHUNK ((size_t)64 << 10)
#define RESULTS_S3_DEFAULT_BUFFER ((size_t)12 << 20)
#define RESULTS_S3_MIN_BUFFER ((size_t)1 << 20)

/* Opens a cursor over the query's result file on S3 when it can (*out set).
 * Otherwise *out stays NULL and the caller uses GetQueryResults; *first_page
 * may then hold the first GetQueryResults page (fetched for the column
 * metadata), for the caller to reuse. Returns an error only
 * when that GetQueryResults call fails, or when o->use_s3 is
 * ATHENA_RESULTS_S3_ONLY and S3 cannot be used; errors land on the client. */
athena_status results_s3_open(athena_client *c, const char *query_id,
                              const athena_query_execution *qe, const athena_results_options *o,
                              athena_results **out, json_t **first_page);

/* ---- the byte pipeline ---- */

typedef struct s3_pipe s3_pipe;

typedef struct s3_pipe_params {
    const athena_config *config; /* each fetch thread makes its own transport */
    const char *bucket;
    const char *key;
    const char *etag;           /* sent as If-Match; NULL or "" for none */
    uint64_t size;              /* the object's size */
    size_t parallelism;
    size_t chunk_bytes;
    size_t buffer_bytes;
    long pause_after_ms;        /* how long a lane with no room waits inside a
                                   transfer before pausing it; 0: half the request
                                   timeout, at most 10 s */
} s3_pipe_params;

/* Starts the fetch threads. NULL with err filled on failure. */
s3_pipe *s3_pipe_start(const s3_pipe_params *p, athena_error *err);

/* The next bytes of the file, in order: *data and *len are valid until the
 * next call. Returns ATHENA_OK, ATHENA_DONE at the end of the file, or the
 * error of the fetch that failed (in err). */
athena_status s3_pipe_read(s3_pipe *p, const char **data, size_t *len, athena_error *err);

/* Makes a waiting or later s3_pipe_read return ATHENA_E_INTERRUPTED and
 * tells the fetch threads to stop. Safe from any thread. */
void s3_pipe_cancel(s3_pipe *p);

/* The most bytes the pipeline ever held in buffers at once (for tests). */
size_t s3_pipe_peak_bytes(const s3_pipe *p);

/* Stops the fetch threads (waiting for them) and frees everything. */
void s3_pipe_free(s3_pipe *p);

/* ---- the row reader ---- */

/* A batch of parsed rows: up to 16384 cells or about 128 KiB of text. */
typedef struct s3_batch s3_batch;

s3_batch *s3_batch_new(size_t ncols);
void s3_batch_free(s3_batch *b);
size_t s3_batch_rows(const s3_batch *b);
/* Row i's values (NULL = SQL NULL, else NUL-terminated) and lengths, valid
 * until the batch is filled again or freed. */
void s3_batch_row(const s3_batch *b, size_t row, const char *const **values,
                  const size_t **lengths);

typedef struct s3_rows s3_rows;

/* Where s3_rows gets its bytes: s3_pipe_read, or recorded bytes in tests. */
typedef athena_status (*s3_bytes_fn)(void *user_data, const char **data, size_t *len,
                                     athena_error *err);

/* A reader of Athena CSV with a header record and ncols columns. It owns
 * user_data and frees it with free_user_data (may be NULL). NULL when out
 * of memory (user_data is then freed too). */
s3_rows *s3_rows_new(size_t ncols, s3_bytes_fn read, void *user_data,
                     void (*free_user_data)(void *));
/* Reads and checks the header record (its field count must be ncols).
 * ATHENA_OK, or an error (ATHENA_E_PROTOCOL for a missing or wrong header). */
athena_status s3_rows_read_header(s3_rows *r, athena_error *err);
/* Empties b and fills it with the next rows (reading the header first if
 * needed): ATHENA_OK with at least one row, ATHENA_DONE at the end, or the
 * error met after the rows already delivered. */
athena_status s3_rows_fill(s3_rows *r, s3_batch *b, athena_error *err);
/* A results_row_fn over an s3_rows (user_data is the s3_rows), parsing in
 * the caller's thread. */
athena_status s3_rows_next(void *user_data, const char *const **values, const size_t **lengths,
                           athena_error *err);
void s3_rows_free(void *user_data);

/* ---- raw mode (athena_results_read_raw) ---- */

typedef struct s3_raw s3_raw;

/* Reads and checks the header record from read (s3_pipe_read, or recorded
 * bytes in tests; its fields must be the ncols names), keeping its bytes to
 * hand out first. Owns user_data as s3_rows_new does, also on failure.
 * NULL with err filled on failure. */
s3_raw *s3_raw_start(s3_bytes_fn read, void *user_data, void (*free_user_data)(void *),
                     const char *const *names, size_t ncols, athena_error *err);
/* A results_raw_fn: the file's bytes in order, header included. */
athena_status s3_raw_read(void *user_data, const char **data, size_t *len, athena_error *err);
/* Stops the fetch threads and frees everything. */
void s3_raw_free(void *user_data);

/* ---- the parser thread ---- */

typedef struct s3_parser s3_parser;

/* Moves the parsing of rows (ncols columns; the parser then owns rows,
 * also on failure) to a thread of its own that fills a few batches ahead of
 * the reader, so that parsing overlaps with whatever the application does
 * with the rows. cancel (may be NULL) is called when the parser is freed, to
 * wake the thread if it waits for bytes. NULL with err filled on failure. */
s3_parser *s3_parser_start(s3_rows *rows, size_t ncols, void (*cancel)(void *),
                           void *cancel_user_data, athena_error *err);
/* A results_row_fn over an s3_parser. */
athena_status s3_parser_next(void *user_data, const char *const **values,
                             const size_t **lengths, athena_error *err);
/* Stops the thread and frees the parser and its rows. */
void s3_parser_free(void *user_data);

#endif
