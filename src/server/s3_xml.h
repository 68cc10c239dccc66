/*
 * s3_xml.h: the XML of athena-local's S3 API (REST-XML): writing response
 * documents with correct escaping, and reading the few small request
 * documents S3 clients send (CreateBucketConfiguration, Delete,
 * CompleteMultipartUpload) into a tiny element tree, with expat.
 *
 * Writers append to a buf and return 0, or -1 when memory runs out.
 */
#ifndef ATHENA_SERVER_S3_XML_H
#define ATHENA_SERVER_S3_XML_H

#include "buf.h"

#include <stddef.h>
#include <stdint.h>

#define S3_XML_NAMESPACE "http://s3.amazonaws.com/doc/2006-03-01/"

/* ---- writing ---- */

/* Appends len bytes of s as XML character data: & < > " escaped, control
 * characters as numeric references (as S3 does; clients that cannot read
 * them ask for encoding-type=url), bytes that are not UTF-8 as '?'. */
int s3_xml_escape(buf *out, const char *s, size_t len);
/* <?xml ...?> and the root element's start tag, with S3's namespace. */
int s3_xml_begin(buf *out, const char *root);
int s3_xml_open(buf *out, const char *name);
int s3_xml_close(buf *out, const char *name);
/* <name>text</name>, text escaped. */
int s3_xml_text(buf *out, const char *name, const char *text);
int s3_xml_text_len(buf *out, const char *name, const char *text, size_t len);
int s3_xml_int(buf *out, const char *name, int64_t value);
int s3_xml_bool(buf *out, const char *name, int value);
/* <name>...</name> holding text URL-encoded as S3's encoding-type=url does
 * (every byte but unreserved characters and '/' as %XX) when url_encode is
 * set, else escaped. */
int s3_xml_key(buf *out, const char *name, const char *text, size_t len, int url_encode);

/* ---- reading ---- */

typedef struct s3_xml_node {
    char *name;                   /* local name: any "prefix:" is dropped */
    buf text;                     /* character data directly inside */
    struct s3_xml_node *first_child;
    struct s3_xml_node *last_child;
    struct s3_xml_node *next;     /* next sibling */
    struct s3_xml_node *parent;
} s3_xml_node;

/* Parses a request document. DOCTYPEs (and so entities) are refused, and
 * documents deeper than 16 levels or with more than max_nodes elements.
 * Returns the root element, or NULL with a reason in err. */
s3_xml_node *s3_xml_parse(const char *data, size_t len, size_t max_nodes, char *err,
                          size_t err_cap);
void s3_xml_free(s3_xml_node *root);
/* The first child element named name, or NULL. */
const s3_xml_node *s3_xml_child(const s3_xml_node *node, const char *name);
/* The text of the first child named name with surrounding blanks trimmed
 * into out (cap bytes): 1 found, 0 absent, -1 too long for out. */
int s3_xml_child_text(const s3_xml_node *node, const char *name, char *out, size_t cap);

#endif
