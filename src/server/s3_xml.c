/*
 * s3_xml.c: writing S3's XML responses and reading its small request
 * documents (see s3_xml.h).
 *
 * Request documents are turned into a tree because the handlers look
 * things up by name in any order (a Part's ETag may come before or after
 * its PartNumber). The tree is bounded (depth, element count, and the body
 * itself is at most SRV_MAX_BODY), and a DOCTYPE is refused, which rules
 * out entity expansion.
 */
#include "s3_xml.h"

#include "jsonw.h"
#include "uri.h"

#include <expat.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 16

/* ---- writing ---- */

static int escape_ascii(buf *out, unsigned char c)
{
    switch (c) {
    case '&':
        return buf_puts(out, "&amp;");
    case '<':
        return buf_puts(out, "&lt;");
    case '>':
        return buf_puts(out, "&gt;");
    case '"':
        return buf_puts(out, "&quot;");
    case '\t':
    case '\n':
    case '\r':
        return buf_printf(out, "&#x%X;", c);
    default:
        /* XML 1.0 cannot carry other control characters, not even as
         * character references: an expat-based reader would reject them. */
        if (c < 0x20)
            return buf_putc(out, '?');
        return buf_putc(out, (char)c);
    }
}

int s3_xml_escape(buf *out, const char *s, size_t len)
{
    while (len > 0) {
        unsigned char c = (unsigned char)s[0];
        if (c < 0x80) {
            if (escape_ascii(out, c) != 0)
                return -1;
            s++;
            len--;
            continue;
        }
        int valid;
        size_t step = jsonw_utf8_step(s, len, &valid);
        if ((valid ? buf_append(out, s, step) : buf_putc(out, '?')) != 0)
            return -1;
        s += step;
        len -= step;
    }
    return 0;
}

int s3_xml_begin(buf *out, const char *root)
{
    return buf_printf(
        out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<%s xmlns=\"" S3_XML_NAMESPACE "\">",
        root);
}

int s3_xml_open(buf *out, const char *name)
{
    return buf_putc(out, '<') || buf_puts(out, name) || buf_putc(out, '>') ? -1 : 0;
}

int s3_xml_close(buf *out, const char *name)
{
    return buf_puts(out, "</") || buf_puts(out, name) || buf_putc(out, '>') ? -1 : 0;
}

int s3_xml_text_len(buf *out, const char *name, const char *text, size_t len)
{
    return s3_xml_open(out, name) || s3_xml_escape(out, text, len) || s3_xml_close(out, name) ? -1
                                                                                              : 0;
}

int s3_xml_text(buf *out, const char *name, const char *text)
{
    return s3_xml_text_len(out, name, text ? text : "", text ? strlen(text) : 0);
}

int s3_xml_int(buf *out, const char *name, int64_t value)
{
    return buf_printf(out, "<%s>%" PRId64 "</%s>", name, value, name);
}

int s3_xml_bool(buf *out, const char *name, int value)
{
    return s3_xml_text(out, name, value ? "true" : "false");
}

int s3_xml_key(buf *out, const char *name, const char *text, size_t len, int url_encode)
{
    if (!url_encode)
        return s3_xml_text_len(out, name, text, len);
    return s3_xml_open(out, name) || uri_encode(out, text, len, URI_KEEP_SLASH) ||
                   s3_xml_close(out, name)
               ? -1
               : 0;
}

/* ---- reading ---- */

typedef struct tree_builder {
    XML_Parser parser;
    s3_xml_node *root;
    s3_xml_node *current;
    size_t depth;
    size_t nodes;
    size_t max_nodes;
    char problem[128];
} tree_builder;

static void stop(tree_builder *t, const char *problem)
{
    if (!t->problem[0])
        snprintf(t->problem, sizeof t->problem, "%s", problem);
    XML_StopParser(t->parser, XML_FALSE);
}

static const char *local_name(const char *name)
{
    const char *colon = strrchr(name, ':');
    return colon ? colon + 1 : name;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    tree_builder *t = ud;
    if (t->depth >= MAX_DEPTH || t->nodes >= t->max_nodes) {
        stop(t, t->depth >= MAX_DEPTH ? "elements are nested too deeply"
                                      : "the document has too many elements");
        return;
    }
    if (!t->current && t->root) {
        stop(t, "the document has more than one root element");
        return;
    }
    s3_xml_node *n = calloc(1, sizeof *n);
    if (!n || !(n->name = strdup(local_name(name)))) {
        free(n);
        stop(t, "out of memory");
        return;
    }
    n->parent = t->current;
    if (!t->current)
        t->root = n;
    else if (t->current->last_child)
        t->current->last_child = t->current->last_child->next = n;
    else
        t->current->first_child = t->current->last_child = n;
    t->current = n;
    t->depth++;
    t->nodes++;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    tree_builder *t = ud;
    if (t->current) {
        t->current = t->current->parent;
        t->depth--;
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    tree_builder *t = ud;
    if (t->current && len > 0 && buf_append(&t->current->text, s, (size_t)len) != 0)
        stop(t, "out of memory");
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    stop(ud, "a DOCTYPE is not accepted");
}

s3_xml_node *s3_xml_parse(const char *data, size_t len, size_t max_nodes, char *err, size_t err_cap)
{
    tree_builder t;
    memset(&t, 0, sizeof t);
    t.max_nodes = max_nodes;
    if (len > (size_t)0x7fffffff || !(t.parser = XML_ParserCreate("UTF-8"))) {
        snprintf(err, err_cap, "%s",
                 len > 0x7fffffff ? "the document is too large" : "out of memory");
        return NULL;
    }
    XML_SetUserData(t.parser, &t);
    XML_SetElementHandler(t.parser, on_start, on_end);
    XML_SetCharacterDataHandler(t.parser, on_text);
    XML_SetStartDoctypeDeclHandler(t.parser, on_doctype);
    int ok = XML_Parse(t.parser, data, (int)len, 1) == XML_STATUS_OK;
    if (t.problem[0])
        snprintf(err, err_cap, "%s", t.problem);
    else if (!ok)
        snprintf(err, err_cap, "%s at line %lu", XML_ErrorString(XML_GetErrorCode(t.parser)),
                 (unsigned long)XML_GetCurrentLineNumber(t.parser));
    else if (!t.root)
        snprintf(err, err_cap, "the document is empty");
    XML_ParserFree(t.parser);
    if (t.problem[0] || !ok || !t.root) {
        s3_xml_free(t.root);
        return NULL;
    }
    return t.root;
}

void s3_xml_free(s3_xml_node *root)
{
    /* Iterative, so a deep tree cannot exhaust the stack (depth is bounded anyway). */
    s3_xml_node *n = root;
    while (n) {
        if (n->first_child) {
            s3_xml_node *child = n->first_child;
            n->first_child = NULL;
            n = child;
            continue;
        }
        s3_xml_node *next = n->next ? n->next : n->parent;
        if (n == root)
            next = NULL;
        free(n->name);
        buf_free(&n->text);
        free(n);
        n = next;
    }
}

const s3_xml_node *s3_xml_child(const s3_xml_node *node, const char *name)
{
    for (const s3_xml_node *c = node ? node->first_child : NULL; c; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int s3_xml_child_text(const s3_xml_node *node, const char *name, char *out, size_t cap)
{
    const s3_xml_node *c = s3_xml_child(node, name);
    if (!c)
        return 0;
    const char *s = buf_str(&c->text);
    size_t len = c->text.len;
    while (len > 0 && is_blank(s[0])) {
        s++;
        len--;
    }
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    if (len >= cap || memchr(s, '\0', len))
        return -1;
    memcpy(out, s, len);
    out[len] = '\0';
    return 1;
}
