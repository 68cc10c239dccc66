/*
 * csv.h: Athena's CSV dialect, written by athena-local for query results and
 * read by the client's fast S3 result path and by athena-local's
 * GetQueryResults.
 *
 * The dialect: fields separated by ',', records by '\n'; every non-NULL value
 * is quoted ("..." with '"' doubled), even the empty string ""; SQL NULL is
 * an empty unquoted field. Values may contain newlines inside quotes. The
 * reader is incremental: feed it bytes in chunks of any size (a record may
 * span chunks) and it calls back once per complete record.
 *
 * The reader is lenient where other writers differ and strict where input is
 * ambiguous. It accepts unquoted non-empty fields ("a,b"), CRLF record
 * endings outside quotes (the CR is dropped; CR and CRLF inside quotes are
 * data), and an empty line as a record of one NULL field (how a one-column
 * NULL row is written). It rejects a quote inside an unquoted field, text
 * after a closing quote, a CR outside quotes not followed by LF, and end of
 * input inside quotes, with the byte offset in the message. Bytes are passed
 * through untouched (UTF-8 is not validated here).
 */
#ifndef ATHENA_CORE_CSV_H
#define ATHENA_CORE_CSV_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

/* Appends one field (quoted; NULL value = empty unquoted). Call
 * csv_end_record after the last field of a record. */
int csv_write_field(buf *out, const char *value, size_t len, int first_in_record);
int csv_end_record(buf *out);

/* Called for each record: fields[i] is NULL for an empty unquoted field (SQL
 * NULL), else the unescaped text (NUL-terminated; lens[i] bytes). The arrays
 * are valid only during the call. Return nonzero to stop parsing. */
typedef int (*csv_record_fn)(void *user_data, const char *const *fields, const size_t *lens,
                             size_t count, uint64_t record_offset);

typedef struct csv_reader csv_reader;

csv_reader *csv_reader_new(csv_record_fn on_record, void *user_data);
void csv_reader_free(csv_reader *r);
/* Feeds bytes. Returns 0, 1 if the callback asked to stop (the rest of this
 * chunk is not consumed; csv_reader_offset tells where the next record
 * starts), or -1 on malformed input (see csv_reader_error). */
int csv_reader_feed(csv_reader *r, const char *data, size_t len);
/* Limits the unescaped size of one record (its fields plus one byte each), so
 * that a hostile stream cannot make the reader buffer without bound; a larger
 * record is an error. 0 restores the default. */
#define CSV_DEFAULT_MAX_RECORD ((size_t)256 << 20)
void csv_reader_set_max_record(csv_reader *r, size_t max_bytes);
/* Ends the input: flushes a final record without a trailing newline. Returns
 * 0, 1 if the callback asked to stop, or -1 (e.g. input ended inside
 * quotes). */
int csv_reader_finish(csv_reader *r);
/* Byte offset (from the first byte fed) where the next record starts: after
 * a stop, the first record not delivered, so a reader can resume there. */
uint64_t csv_reader_offset(const csv_reader *r);
/* The last error message, "" if none. */
const char *csv_reader_error(const csv_reader *r);

/* ---- The CLI's dialect and the transcoder (csv_transcode.c) ---- */

/* RFC 4180 as `athena --output csv` prints it: '\n' line ends, a field
 * quoted only when it must be (the empty string; a ',', '"', CR or LF
 * inside; a space or tab at either end), '"' doubled inside quotes; SQL NULL
 * (value NULL) is an empty unquoted field. */
int csv_needs_quotes(const char *s, size_t len);
int csv_write_rfc4180_field(buf *out, const char *value, size_t len);

/* Rewrites Athena's dialect (above) into the CLI's, record by record, as
 * bytes arrive in chunks of any size: the same output as reading every
 * record with csv_reader and writing its fields with
 * csv_write_rfc4180_field, ',' between them and '\n' after, but with no
 * per-record work beyond the bytes themselves. It accepts and rejects what
 * csv_reader does, with the same messages, and limits a record the same
 * way (CSV_DEFAULT_MAX_RECORD, on its output). */
typedef struct csv_transcoder csv_transcoder;

/* expect_fields: every record must have this many fields (0: any).
 * max_records: stop after this many records (0: no limit); the first record
 * (a header) counts. */
csv_transcoder *csv_transcoder_new(size_t expect_fields, uint64_t max_records);
void csv_transcoder_free(csv_transcoder *t);
/* Appends the output for data to out. Returns 0, 1 once max_records
 * records are out (the rest of the input is ignored), or -1 on malformed
 * input or when out of memory (see csv_transcoder_error). The last
 * csv_transcoder_open_bytes(t) bytes of out belong to a record not yet
 * complete: a caller that writes out in pieces keeps them in out until the
 * record ends, so that after an error what was written is whole records. */
int csv_transcoder_feed(csv_transcoder *t, const char *data, size_t len, buf *out);
/* Ends the input: completes a final record without a trailing newline.
 * Returns 0, 1 (max_records reached), or -1 (e.g. input ended inside
 * quotes). */
int csv_transcoder_finish(csv_transcoder *t, buf *out);
uint64_t csv_transcoder_records(const csv_transcoder *t);
size_t csv_transcoder_open_bytes(const csv_transcoder *t);
/* The last error message, "" if none. */
const char *csv_transcoder_error(const csv_transcoder *t);

#endif
