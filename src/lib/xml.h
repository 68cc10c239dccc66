/*
 * xml.h: a small event reader over expat for the REST-XML answers of S3.
 *
 * The caller sees each element open and close with the path of element
 * names from the root, and at close the element's text, so a decoder is a
 * pair of functions that match paths. Documents with a DOCTYPE are refused
 * (S3 never sends one, and refusing it rules out entity-expansion attacks);
 * nesting and text are bounded.
 */
#ifndef ATHENA_LIB_XML_H
#define ATHENA_LIB_XML_H

#include <stddef.h>

#define XML_MAX_DEPTH 32
#define XML_MAX_TEXT (1 << 20) /* bytes of text in one element */

typedef struct xml_path {
    const char *names[XML_MAX_DEPTH]; /* names[0] is the root element */
    size_t depth;
} xml_path;

typedef struct xml_handlers {
    /* An element opened; path ends with it. May be NULL. */
    int (*start)(void *user_data, const xml_path *path);
    /* An element closed; path still ends with it. text is its character
     * data (NUL-terminated; for an element with children, only what follows
     * the last child). May be NULL. */
    int (*end)(void *user_data, const xml_path *path, const char *text, size_t len);
} xml_handlers;

/* Parses a whole document. A handler returning nonzero stops the parse.
 * Returns 0; -1 for malformed or refused XML (message says why); or the
 * handler's nonzero value. */
int xml_parse(const char *doc, size_t len, const xml_handlers *handlers, void *user_data,
              char *message, size_t message_cap);

/* Nonzero if path is exactly the given names (a NULL-terminated list),
 * e.g. xml_path_is(p, "ListBucketResult", "Contents", "Key", NULL). */
int xml_path_is(const xml_path *path, ...);

#endif
