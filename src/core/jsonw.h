/*
 * jsonw.h: fast JSON text writing into a buf.
 *
 * The reading side of JSON is jansson; writing large results (the CLI's json
 * and jsonl output, athena-local's GetQueryResults pages) goes through here
 * instead, because building a jansson tree per row only to serialize it again
 * is slow. The output is always valid JSON, whatever bytes come in.
 */
#ifndef ATHENA_CORE_JSONW_H
#define ATHENA_CORE_JSONW_H

#include <stddef.h>

#include "buf.h"

/* Appends s[0..len) as a quoted JSON string. '"', '\\' and control characters
 * are escaped (\n \t \r \b \f, else \u00XX); valid UTF-8 passes through
 * unchanged; each maximal ill-formed subsequence (as Unicode recommends) is
 * replaced by U+FFFD. Embedded NULs become \u0000. Returns 0, or -1 when out
 * of memory (the buffer may then hold a partial string). */
int jsonw_string(buf *b, const char *s, size_t len);

/* Measures the UTF-8 sequence at the start of s (len > 0). Returns how many
 * bytes it spans (at least 1) and sets *valid to 1 if they encode one code
 * point, or to 0 if they are an ill-formed subsequence that a reader should
 * show as one U+FFFD. Shared with other writers that must emit valid UTF-8. */
size_t jsonw_utf8_step(const char *s, size_t len, int *valid);

#endif
