/*
 * iam_pattern.c: the text machinery of IAM policies: the arena a parsed
 * policy lives in, policy variables (${aws:username}, ${key, 'default'},
 * the ${*} ${?} ${$} escapes), the request context lookup, and IAM's
 * wildcard match ('*' any run, '?' one character).
 *
 * A pattern is compiled once at parse time into parts; at evaluation time it
 * is resolved against the request into pieces that point into the policy and
 * the request (no copying), and the pieces are matched in place. A
 * variable's value is plain text: a '*' in a user name is no wildcard.
 */
#include "iam_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- arena ---------------------------------------------------------------- */

struct iam_arena_block {
    iam_arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

#define IAM_ARENA_BLOCK 4096

void *iam_arena_alloc(iam_arena *a, size_t size)
{
    size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    iam_arena_block *b = a->head;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > IAM_ARENA_BLOCK ? size : IAM_ARENA_BLOCK;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    memset(p, 0, size);
    return p;
}

char *iam_arena_strndup(iam_arena *a, const char *s, size_t n)
{
    char *p = iam_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

void iam_arena_free(iam_arena *a)
{
    iam_arena_block *b = a->head;
    while (b) {
        iam_arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}

/* ---- compiling policy variables ------------------------------------------- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Parses the inside of "${...}" (without the braces) into part. A body that
 * is no valid variable becomes a variable with an empty key, which never
 * resolves: IAM treats such a statement as not matching. */
static int compile_variable(iam_arena *a, const char *s, size_t n, iam_part *part)
{
    while (n && is_space(*s)) {
        s++;
        n--;
    }
    while (n && is_space(s[n - 1]))
        n--;
    if (n == 1 && (*s == '*' || *s == '?' || *s == '$')) {
        part->kind = IAM_PART_LITERAL;
        part->text = s;
        part->len = 1;
        return 0;
    }
    part->kind = IAM_PART_VARIABLE;
    part->text = "";
    part->len = 0;
    const char *comma = memchr(s, ',', n);
    size_t key_len = comma ? (size_t)(comma - s) : n;
    while (key_len && is_space(s[key_len - 1]))
        key_len--;
    for (size_t i = 0; i < key_len; i++)
        if (is_space(s[i]) || s[i] == '\'')
            return 0;
    if (!comma) {
        part->text = s;
        part->len = key_len;
        return 0;
    }
    const char *d = comma + 1, *end = s + n;
    while (d < end && is_space(*d))
        d++;
    if (end - d < 2 || *d != '\'' || end[-1] != '\'')
        return 0;
    /* the default: between the quotes, '' stands for one quote */
    char *text = iam_arena_alloc(a, (size_t)(end - d));
    if (!text)
        return -1;
    size_t len = 0;
    for (const char *q = d + 1; q < end - 1; q++) {
        if (*q == '\'') {
            if (q + 1 >= end - 1 || q[1] != '\'')
                return 0;   /* a lone quote inside the default */
            q++;
        }
        text[len++] = *q;
    }
    part->text = s;
    part->len = key_len;
    part->default_text = text;
    part->default_len = len;
    return 0;
}

/* Counts the parts text splits into; returns 0 when it has no "${...}". */
static size_t count_parts(const char *text, size_t len)
{
    size_t parts = 0;
    size_t i = 0, text_start = 0;
    while (i + 1 < len) {
        const char *close;
        if (text[i] == '$' && text[i + 1] == '{' &&
            (close = memchr(text + i + 2, '}', len - i - 2)) != NULL) {
            if (i > text_start)
                parts++;
            parts++;
            i = (size_t)(close - text) + 1;
            text_start = i;
        } else {
            i++;
        }
    }
    if (parts && len > text_start)
        parts++;
    return parts;
}

int iam_pattern_compile(iam_arena *a, const char *text, size_t len, bool variables,
                        iam_pattern *out)
{
    memset(out, 0, sizeof *out);
    char *source = iam_arena_strndup(a, text, len);
    if (!source)
        return -1;
    out->source = source;
    out->source_len = len;
    size_t count = variables ? count_parts(source, len) : 0;
    if (count == 0)
        return 0;
    iam_part *parts = iam_arena_alloc(a, count * sizeof *parts);
    if (!parts)
        return -1;
    size_t n = 0, i = 0, text_start = 0;
    while (i + 1 < len) {
        const char *close;
        if (source[i] == '$' && source[i + 1] == '{' &&
            (close = memchr(source + i + 2, '}', len - i - 2)) != NULL) {
            if (i > text_start)
                parts[n++] = (iam_part){IAM_PART_TEXT, source + text_start, i - text_start,
                                        NULL, 0};
            if (compile_variable(a, source + i + 2, (size_t)(close - source) - i - 2,
                                 &parts[n++]) != 0)
                return -1;
            i = (size_t)(close - source) + 1;
            text_start = i;
        } else {
            i++;
        }
    }
    if (len > text_start)
        parts[n++] = (iam_part){IAM_PART_TEXT, source + text_start, len - text_start, NULL, 0};
    out->parts = parts;
    out->part_count = n;
    return 0;
}

/* ---- the request context -------------------------------------------------- */

static bool key_is(const char *key, size_t key_len, const char *name)
{
    return strlen(name) == key_len && strncasecmp(key, name, key_len) == 0;
}

const char *iam_context_value_at(const iam_request *req, const char *key, size_t key_len,
                                 size_t index)
{
    size_t seen = 0;
    for (size_t i = 0; i < req->context_count; i++) {
        const char *k = req->context[i].key;
        if (k && req->context[i].value && strlen(k) == key_len &&
            strncasecmp(k, key, key_len) == 0) {
            if (seen++ == index)
                return req->context[i].value;
        }
    }
    if (seen == 0 && index == 0) {
        if (req->principal_arn && key_is(key, key_len, "aws:PrincipalArn"))
            return req->principal_arn;
        if (req->principal_account && key_is(key, key_len, "aws:PrincipalAccount"))
            return req->principal_account;
    }
    return NULL;
}

/* ---- resolving ------------------------------------------------------------ */

iam_resolve_status iam_pattern_resolve(const iam_pattern *p, const iam_request *req,
                                       iam_resolved *out)
{
    out->heap = NULL;
    out->pieces = out->inline_pieces;
    if (!p->parts) {
        out->pieces[0] = (iam_piece){p->source, p->source_len, true};
        out->count = 1;
        return IAM_RESOLVED;
    }
    if (p->part_count > IAM_MAX_PIECES) {
        out->heap = malloc(p->part_count * sizeof *out->heap);
        if (!out->heap)
            return IAM_RESOLVE_NOMEM;
        out->pieces = out->heap;
    }
    out->count = p->part_count;
    for (size_t i = 0; i < p->part_count; i++) {
        const iam_part *part = &p->parts[i];
        iam_piece *piece = &out->pieces[i];
        piece->wild = part->kind == IAM_PART_TEXT;
        piece->text = part->text;
        piece->len = part->len;
        if (part->kind != IAM_PART_VARIABLE)
            continue;
        /* A missing or multi-valued key takes the default, if there is one. */
        const char *value = part->len ? iam_context_value_at(req, part->text, part->len, 0)
                                      : NULL;
        if (value && iam_context_value_at(req, part->text, part->len, 1))
            value = NULL;
        if (value) {
            piece->text = value;
            piece->len = strlen(value);
        } else if (part->default_text) {
            piece->text = part->default_text;
            piece->len = part->default_len;
        } else {
            iam_resolved_release(out);
            return IAM_UNRESOLVED;
        }
    }
    return IAM_RESOLVED;
}

void iam_resolved_release(iam_resolved *r)
{
    free(r->heap);
    r->heap = NULL;
}

/* ---- matching ------------------------------------------------------------- */

/* A position in a sequence of pieces, always on a character or at the end. */
typedef struct cursor {
    const iam_piece *pieces;
    size_t count, index, offset;
} cursor;

static void cursor_settle(cursor *c)
{
    while (c->index < c->count && c->offset >= c->pieces[c->index].len) {
        c->index++;
        c->offset = 0;
    }
}

static bool cursor_end(const cursor *c)
{
    return c->index >= c->count;
}

static char cursor_char(const cursor *c)
{
    return c->pieces[c->index].text[c->offset];
}

static bool cursor_wild(const cursor *c, char which)
{
    return c->pieces[c->index].wild && cursor_char(c) == which;
}

static void cursor_next(cursor *c)
{
    c->offset++;
    cursor_settle(c);
}

static bool chars_equal(char a, char b, bool nocase)
{
    if (nocase)
        return tolower((unsigned char)a) == tolower((unsigned char)b);
    return a == b;
}

/* The length of the UTF-8 character at text[0] (so '?' matches a whole
 * character, not one byte of it). */
static size_t utf8_char_len(const char *text, size_t left)
{
    size_t n = 1;
    while (n < left && ((unsigned char)text[n] & 0xC0) == 0x80)
        n++;
    return n;
}

bool iam_pieces_match(const iam_piece *pieces, size_t count, const char *text, size_t text_len,
                      bool nocase)
{
    cursor p = {pieces, count, 0, 0}, star = p;
    cursor_settle(&p);
    bool have_star = false;
    size_t t = 0, star_t = 0;
    while (t < text_len) {
        if (!cursor_end(&p)) {
            if (cursor_wild(&p, '*')) {
                cursor_next(&p);
                star = p;
                star_t = t;
                have_star = true;
                continue;
            }
            if (cursor_wild(&p, '?')) {
                cursor_next(&p);
                t += utf8_char_len(text + t, text_len - t);
                continue;
            }
            if (chars_equal(cursor_char(&p), text[t], nocase)) {
                cursor_next(&p);
                t++;
                continue;
            }
        }
        if (!have_star)
            return false;
        p = star;   /* let the last '*' swallow one more character */
        t = ++star_t;
    }
    while (!cursor_end(&p) && cursor_wild(&p, '*'))
        cursor_next(&p);
    return cursor_end(&p);
}

bool iam_pieces_equal(const iam_piece *pieces, size_t count, const char *text, size_t text_len,
                      bool nocase)
{
    size_t t = 0;
    for (size_t i = 0; i < count; i++) {
        if (pieces[i].len > text_len - t)
            return false;
        for (size_t j = 0; j < pieces[i].len; j++)
            if (!chars_equal(pieces[i].text[j], text[t + j], nocase))
                return false;
        t += pieces[i].len;
    }
    return t == text_len;
}

int iam_wildcard_match(const char *pattern, const char *text, int nocase)
{
    iam_piece piece = {pattern, strlen(pattern), true};
    return iam_pieces_match(&piece, 1, text, strlen(text), nocase != 0);
}
