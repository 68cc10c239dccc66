/*
 * xml.c: path-tracking event reader over expat (see xml.h).
 */
#include "xml.h"

#include "buf.h"

#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    XML_Parser parser;
    const xml_handlers *handlers;
    void *user_data;
    xml_path path;
    buf text;
    int handler_rc;     /* nonzero: a handler stopped the parse */
    char problem[160];  /* why we stopped it ourselves */
} reader;

static void stop(reader *r, int handler_rc, const char *problem)
{
    if (handler_rc)
        r->handler_rc = handler_rc;
    if (problem && !r->problem[0])
        snprintf(r->problem, sizeof r->problem, "%s", problem);
    XML_StopParser(r->parser, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    reader *r = ud;
    if (r->path.depth >= XML_MAX_DEPTH) {
        stop(r, 0, "elements nested too deeply");
        return;
    }
    char *copy = strdup(name);
    if (!copy) {
        stop(r, 0, "out of memory");
        return;
    }
    r->path.names[r->path.depth++] = copy;
    buf_reset(&r->text);
    int rc = r->handlers->start ? r->handlers->start(r->user_data, &r->path) : 0;
    if (rc)
        stop(r, rc, NULL);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    reader *r = ud;
    int rc = r->handlers->end ? r->handlers->end(r->user_data, &r->path, buf_str(&r->text),
                                                 r->text.len)
                              : 0;
    buf_reset(&r->text);
    if (r->path.depth > 0)
        free((char *)r->path.names[--r->path.depth]);
    if (rc)
        stop(r, rc, NULL);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    reader *r = ud;
    if (len <= 0)
        return;
    if (r->text.len + (size_t)len > XML_MAX_TEXT)
        stop(r, 0, "element text too long");
    else if (buf_append(&r->text, s, (size_t)len) != 0)
        stop(r, 0, "out of memory");
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    stop(ud, 0, "a DOCTYPE is not accepted");
}

int xml_parse(const char *doc, size_t len, const xml_handlers *handlers, void *user_data,
              char *message, size_t message_cap)
{
    if (message_cap)
        message[0] = '\0';
    if (len > (size_t)0x7fffffff) {
        snprintf(message, message_cap, "document too large");
        return -1;
    }
    reader r;
    memset(&r, 0, sizeof r);
    r.handlers = handlers;
    r.user_data = user_data;
    if (!(r.parser = XML_ParserCreate("UTF-8"))) {
        snprintf(message, message_cap, "out of memory");
        return -1;
    }
    XML_SetUserData(r.parser, &r);
    XML_SetElementHandler(r.parser, on_start, on_end);
    XML_SetCharacterDataHandler(r.parser, on_text);
    XML_SetStartDoctypeDeclHandler(r.parser, on_doctype);
    int ok = XML_Parse(r.parser, doc, (int)len, 1) == XML_STATUS_OK;
    int rc = 0;
    if (r.handler_rc) {
        rc = r.handler_rc;
    } else if (r.problem[0]) {
        snprintf(message, message_cap, "%s", r.problem);
        rc = -1;
    } else if (!ok) {
        snprintf(message, message_cap, "%s at line %lu",
                 XML_ErrorString(XML_GetErrorCode(r.parser)),
                 (unsigned long)XML_GetCurrentLineNumber(r.parser));
        rc = -1;
    }
    while (r.path.depth > 0)
        free((char *)r.path.names[--r.path.depth]);
    buf_free(&r.text);
    XML_ParserFree(r.parser);
    return rc;
}

int xml_path_is(const xml_path *path, ...)
{
    va_list ap;
    va_start(ap, path);
    size_t i = 0;
    int same = 1;
    for (const char *name; (name = va_arg(ap, const char *)) != NULL; i++)
        if (i >= path->depth || strcmp(path->names[i], name) != 0)
            same = 0;
    va_end(ap);
    return same && i == path->depth;
}
