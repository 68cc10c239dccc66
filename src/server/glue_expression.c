/*
 * glue_expression.c: the partition filter of Glue's GetPartitions (see
 * glue_expression.h): a tokenizer, a recursive-descent parser into a small
 * tree whose literals are already converted for their key's type (by
 * glue_expression_values.c), and a three-valued (SQL) evaluator. The
 * table-name pattern of GetTables is in glue_name_pattern.c.
 *
 * Why typed literals: Glue compares partition values by the declared type
 * of their key, so '10' > '9' is false on a string key and true on an int
 * key. Converting the literal once at parse time both reports a literal
 * that cannot be of that type before anything is read, and keeps the
 * per-partition work to converting the partition's own value.
 */
#include "glue_expression.h"

#include "buf.h"
#include "glue_expression_internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 64   /* nested parentheses and NOTs; bounds the recursion */
#define HIVE_NULL_PARTITION "__HIVE_DEFAULT_PARTITION__"

/* ---- tokens ------------------------------------------------------------------- */

typedef enum token_kind {
    TOK_END,
    TOK_WORD,           /* unquoted identifier or keyword */
    TOK_QUOTED_NAME,    /* "name" or `name` */
    TOK_STRING,         /* 'text' */
    TOK_NUMBER,
    TOK_OPERATOR,       /* = <> != < <= > >= */
    TOK_OPEN,
    TOK_CLOSE,
    TOK_COMMA
} token_kind;

typedef struct token {
    token_kind kind;
    char *text;
    size_t pos;         /* 1-based character position, for messages */
} token;

typedef struct parser {
    token *tokens;
    size_t count, at;
    const json_t *keys;
    int depth;
    char *err;
    size_t err_cap;
    int failed;
} parser;

static void fail(parser *p, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(parser *p, size_t pos, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    char why[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->err_cap, "%s (at position %zu)", why, pos);
}

static int add_token(parser *p, token_kind kind, const char *text, size_t len, size_t pos)
{
    token *grown = realloc(p->tokens, (p->count + 1) * sizeof *grown);
    char *copy = malloc(len + 1);
    if (grown)
        p->tokens = grown;
    if (!grown || !copy) {
        free(copy);
        fail(p, pos, "out of memory");
        return -1;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    p->tokens[p->count++] = (token){kind, copy, pos};
    return 0;
}

/* A quoted run closed by quote, a doubled quote standing for itself.
 * Returns the length consumed (quotes included) or 0 when unterminated. */
static size_t lex_quoted(parser *p, const char *s, char quote, token_kind kind, size_t pos)
{
    buf text = BUF_INIT;
    size_t i = 1;
    int rc = 0;
    for (;; i++) {
        if (s[i] == '\0') {
            buf_free(&text);
            fail(p, pos, "unterminated %s", quote == '\'' ? "string" : "quoted name");
            return 0;
        }
        if (s[i] == quote) {
            if (s[i + 1] != quote)
                break;
            i++;
        }
        rc = rc ? rc : buf_putc(&text, s[i]);
    }
    if (rc == 0)
        rc = add_token(p, kind, buf_str(&text), text.len, pos);
    else
        fail(p, pos, "out of memory");
    buf_free(&text);
    return rc ? 0 : i + 1;
}

static size_t number_length(const char *s)
{
    size_t i = (*s == '-' || *s == '+'), digits = 0;
    for (; isdigit((unsigned char)s[i]); i++)
        digits++;
    if (s[i] == '.')
        for (i++; isdigit((unsigned char)s[i]); i++)
            digits++;
    return digits ? i : 0;
}

static size_t operator_length(const char *s)
{
    if ((s[0] == '<' && (s[1] == '=' || s[1] == '>')) || (s[0] == '>' && s[1] == '=') ||
        (s[0] == '!' && s[1] == '='))
        return 2;
    return strchr("=<>", s[0]) ? 1 : 0;
}

/* Splits text into tokens, ending with TOK_END. 0 or -1 (failed). */
static int tokenize(parser *p, const char *text)
{
    size_t i = 0;
    while (!p->failed) {
        while (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')
            i++;
        const char *s = text + i;
        size_t pos = i + 1, n = 0;
        if (*s == '\0')
            return add_token(p, TOK_END, "", 0, pos);
        if (isalpha((unsigned char)*s) || *s == '_') {
            while (isalnum((unsigned char)s[n]) || s[n] == '_')
                n++;
            add_token(p, TOK_WORD, s, n, pos);
        } else if (*s == '\'' || *s == '"' || *s == '`') {
            n = lex_quoted(p, s, *s, *s == '\'' ? TOK_STRING : TOK_QUOTED_NAME, pos);
        } else if ((n = number_length(s)) > 0) {
            add_token(p, TOK_NUMBER, s, n, pos);
        } else if ((n = operator_length(s)) > 0) {
            add_token(p, TOK_OPERATOR, s, n, pos);
        } else if (*s == '(' || *s == ')' || *s == ',') {
            n = 1;
            add_token(p, *s == '(' ? TOK_OPEN : *s == ')' ? TOK_CLOSE : TOK_COMMA, s, 1, pos);
        } else {
            fail(p, pos, "unexpected character '%c'", isprint((unsigned char)*s) ? *s : '?');
        }
        i += n;
    }
    return -1;
}

static const token *peek(const parser *p, size_t ahead)
{
    size_t i = p->at + ahead;
    return &p->tokens[i < p->count ? i : p->count - 1];
}

static int is_keyword(const token *t, const char *word)
{
    return t->kind == TOK_WORD && strcasecmp(t->text, word) == 0;
}

static int accept_keyword(parser *p, const char *word)
{
    if (!is_keyword(peek(p, 0), word))
        return 0;
    p->at++;
    return 1;
}

static const char *describe(const token *t)
{
    return t->kind == TOK_END ? "the end of the expression" : t->text;
}

static int expect_keyword(parser *p, const char *word)
{
    if (accept_keyword(p, word))
        return 0;
    fail(p, peek(p, 0)->pos, "expected %s but found '%s'", word, describe(peek(p, 0)));
    return -1;
}

/* ---- the tree ----------------------------------------------------------------- */

typedef enum node_kind {
    NODE_AND,
    NODE_OR,
    NODE_NOT,
    NODE_COMPARE,
    NODE_BETWEEN,
    NODE_IN,
    NODE_LIKE,
    NODE_IS_NULL
} node_kind;

typedef enum compare_op { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE } compare_op;

typedef struct node {
    node_kind kind;
    struct node *left, *right;   /* AND, OR; NOT uses left */
    size_t key;                  /* index of the partition key */
    glue_key_class cls;
    compare_op op;               /* NODE_COMPARE */
    int negated;                 /* NOT BETWEEN/IN/LIKE, IS NOT NULL */
    glue_literal *literals;           /* COMPARE and LIKE 1, BETWEEN 2, IN n */
    size_t literal_count;
} node;

struct glue_expression {
    node *root;                  /* NULL: matches everything */
};

static void node_free(node *n)
{
    if (!n)
        return;
    node_free(n->left);
    node_free(n->right);
    for (size_t i = 0; i < n->literal_count; i++)
        free(n->literals[i].text);
    free(n->literals);
    free(n);
}

static node *new_node(parser *p, node_kind kind)
{
    node *n = calloc(1, sizeof *n);
    if (!n)
        fail(p, peek(p, 0)->pos, "out of memory");
    else
        n->kind = kind;
    return n;
}

static node *combine(parser *p, node_kind kind, node *left, node *right)
{
    node *n = left && right ? new_node(p, kind) : NULL;
    if (!n) {
        node_free(left);
        node_free(right);
        return NULL;
    }
    n->left = left;
    n->right = right;
    return n;
}

/* ---- parsing ------------------------------------------------------------------ */

static node *parse_or(parser *p);

/* The key a name token refers to (names compare case-insensitively, as
 * Glue's lower-cased keys do), set on n; -1 after failing. */
static int resolve_key(parser *p, const token *t, node *n)
{
    size_t i;
    const json_t *key;
    json_array_foreach(p->keys, i, key) {
        const char *name = json_string_value(json_object_get(key, "Name"));
        if (name && strcasecmp(name, t->text) == 0) {
            const char *type = json_string_value(json_object_get(key, "Type"));
            n->key = i;
            n->cls = glue_key_class_of(type);
            if (n->cls == GLUE_KEY_UNSUPPORTED) {
                fail(p, t->pos, "partition key '%s' has type '%s', which expressions cannot "
                     "filter on (supported: string, date, timestamp, int, bigint, long, "
                     "tinyint, smallint, decimal)", name, type);
                return -1;
            }
            return 0;
        }
    }
    fail(p, t->pos, "'%s' is not a partition key of the table", t->text);
    return -1;
}

static int is_name(const token *t)
{
    static const char *const reserved[] = {"AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "IS",
                                           "NULL"};
    if (t->kind == TOK_QUOTED_NAME)
        return 1;
    if (t->kind != TOK_WORD)
        return 0;
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcasecmp(t->text, reserved[i]) == 0)
            return 0;
    return 1;
}

/* DATE 'x' and TIMESTAMP 'x' are literals whose text is x. */
static int typed_literal_ahead(const parser *p)
{
    return (is_keyword(peek(p, 0), "DATE") || is_keyword(peek(p, 0), "TIMESTAMP")) &&
           peek(p, 1)->kind == TOK_STRING;
}

static int literal_ahead(const parser *p)
{
    token_kind k = peek(p, 0)->kind;
    return k == TOK_STRING || k == TOK_NUMBER || typed_literal_ahead(p);
}

/* Reads one literal for n's key and appends it to n->literals. */
static int parse_literal(parser *p, node *n, const char *key_name)
{
    if (typed_literal_ahead(p))
        p->at++;
    const token *t = peek(p, 0);
    if (is_keyword(t, "NULL")) {
        fail(p, t->pos, "comparing with NULL is never true; use IS NULL or IS NOT NULL");
        return -1;
    }
    if (t->kind != TOK_STRING && t->kind != TOK_NUMBER) {
        fail(p, t->pos, "expected a value but found '%s'", describe(t));
        return -1;
    }
    glue_literal *grown = realloc(n->literals, (n->literal_count + 1) * sizeof *grown);
    if (!grown) {
        fail(p, t->pos, "out of memory");
        return -1;
    }
    n->literals = grown;
    if (glue_literal_convert(n->cls, t->text, &n->literals[n->literal_count]) != 0) {
        fail(p, t->pos, "'%s' is not a valid value for the partition key '%s'", t->text,
             key_name);
        return -1;
    }
    n->literal_count++;
    p->at++;
    return 0;
}

static compare_op operator_of(const char *text)
{
    if (strcmp(text, "=") == 0)
        return CMP_EQ;
    if (strcmp(text, "<>") == 0 || strcmp(text, "!=") == 0)
        return CMP_NE;
    if (strcmp(text, "<") == 0)
        return CMP_LT;
    if (strcmp(text, "<=") == 0)
        return CMP_LE;
    return strcmp(text, ">") == 0 ? CMP_GT : CMP_GE;
}

/* 'literal' op key: the same comparison seen from the key's side. */
static compare_op mirrored(compare_op op)
{
    switch (op) {
    case CMP_LT: return CMP_GT;
    case CMP_LE: return CMP_GE;
    case CMP_GT: return CMP_LT;
    case CMP_GE: return CMP_LE;
    default: return op;
    }
}

static int expect_operator(parser *p, node *n)
{
    const token *t = peek(p, 0);
    if (t->kind != TOK_OPERATOR) {
        fail(p, t->pos, "expected a comparison operator but found '%s'", describe(t));
        return -1;
    }
    n->op = operator_of(t->text);
    p->at++;
    return 0;
}

/* value op key */
static node *parse_mirrored_comparison(parser *p)
{
    size_t literal_at = p->at;
    p->at += typed_literal_ahead(p) ? 2 : 1;
    node *n = new_node(p, NODE_COMPARE);
    if (!n || expect_operator(p, n) != 0) {
        node_free(n);
        return NULL;
    }
    const token *name = peek(p, 0);
    if (!is_name(name)) {
        fail(p, name->pos, "expected a partition key but found '%s'", describe(name));
        node_free(n);
        return NULL;
    }
    size_t after = p->at + 1;
    n->op = mirrored(n->op);
    p->at = literal_at;
    if (resolve_key(p, name, n) != 0 || parse_literal(p, n, name->text) != 0) {
        node_free(n);
        return NULL;
    }
    p->at = after;
    return n;
}

static int parse_in_list(parser *p, node *n, const char *key_name)
{
    if (peek(p, 0)->kind != TOK_OPEN) {
        fail(p, peek(p, 0)->pos, "expected '(' after IN but found '%s'", describe(peek(p, 0)));
        return -1;
    }
    p->at++;
    for (;;) {
        if (parse_literal(p, n, key_name) != 0)
            return -1;
        if (peek(p, 0)->kind != TOK_COMMA)
            break;
        p->at++;
    }
    if (peek(p, 0)->kind != TOK_CLOSE) {
        fail(p, peek(p, 0)->pos, "expected ',' or ')' in the IN list but found '%s'",
             describe(peek(p, 0)));
        return -1;
    }
    p->at++;
    return 0;
}

/* What follows a key: the operator and its values. */
static int parse_key_condition(parser *p, node *n, const char *key_name)
{
    if (peek(p, 0)->kind == TOK_OPERATOR) {
        n->kind = NODE_COMPARE;
        return expect_operator(p, n) != 0 ? -1 : parse_literal(p, n, key_name);
    }
    if (accept_keyword(p, "IS")) {
        n->kind = NODE_IS_NULL;
        n->negated = accept_keyword(p, "NOT");
        return expect_keyword(p, "NULL");
    }
    n->negated = accept_keyword(p, "NOT");
    if (accept_keyword(p, "BETWEEN")) {
        n->kind = NODE_BETWEEN;
        if (parse_literal(p, n, key_name) != 0 || expect_keyword(p, "AND") != 0)
            return -1;
        return parse_literal(p, n, key_name);
    }
    if (accept_keyword(p, "IN")) {
        n->kind = NODE_IN;
        return parse_in_list(p, n, key_name);
    }
    if (accept_keyword(p, "LIKE")) {
        n->kind = NODE_LIKE;
        if (n->cls != GLUE_KEY_STRING) {
            fail(p, peek(p, 0)->pos, "LIKE needs a string partition key; '%s' is not one",
                 key_name);
            return -1;
        }
        return parse_literal(p, n, key_name);
    }
    fail(p, peek(p, 0)->pos, "expected an operator after '%s' but found '%s'", key_name,
         describe(peek(p, 0)));
    return -1;
}

static node *parse_predicate(parser *p)
{
    if (literal_ahead(p))
        return parse_mirrored_comparison(p);
    const token *name = peek(p, 0);
    if (!is_name(name)) {
        fail(p, name->pos, "expected a partition key, NOT or '(' but found '%s'",
             describe(name));
        return NULL;
    }
    node *n = new_node(p, NODE_COMPARE);
    p->at++;
    if (!n || resolve_key(p, name, n) != 0 || parse_key_condition(p, n, name->text) != 0) {
        node_free(n);
        return NULL;
    }
    return n;
}

static node *parse_unary(parser *p)
{
    const token *t = peek(p, 0);
    if (++p->depth > MAX_DEPTH) {
        fail(p, t->pos, "the expression nests more than %d levels deep", MAX_DEPTH);
        return NULL;
    }
    node *n = NULL;
    if (accept_keyword(p, "NOT")) {
        node *operand = parse_unary(p);
        n = operand ? new_node(p, NODE_NOT) : NULL;
        if (n)
            n->left = operand;
        else
            node_free(operand);
    } else if (t->kind == TOK_OPEN) {
        p->at++;
        n = parse_or(p);
        if (n && peek(p, 0)->kind != TOK_CLOSE) {
            fail(p, peek(p, 0)->pos, "expected ')' but found '%s'", describe(peek(p, 0)));
            node_free(n);
            n = NULL;
        }
        p->at += n != NULL;
    } else {
        n = parse_predicate(p);
    }
    p->depth--;
    return n;
}

static node *parse_and(parser *p)
{
    node *n = parse_unary(p);
    while (n && accept_keyword(p, "AND"))
        n = combine(p, NODE_AND, n, parse_unary(p));
    return n;
}

static node *parse_or(parser *p)
{
    node *n = parse_and(p);
    while (n && accept_keyword(p, "OR"))
        n = combine(p, NODE_OR, n, parse_and(p));
    return n;
}

static int is_blank(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    return *s == '\0';
}

glue_expression *glue_expression_parse(const char *text, const json_t *partition_keys,
                                       char *err, size_t err_cap)
{
    glue_expression *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, err_cap, "out of memory");
        return NULL;
    }
    if (!text || is_blank(text))
        return e;
    parser p = {.keys = partition_keys, .err = err, .err_cap = err_cap};
    if (tokenize(&p, text) == 0) {
        e->root = parse_or(&p);
        if (e->root && peek(&p, 0)->kind != TOK_END)
            fail(&p, peek(&p, 0)->pos, "unexpected '%s'", describe(peek(&p, 0)));
    }
    for (size_t i = 0; i < p.count; i++)
        free(p.tokens[i].text);
    free(p.tokens);
    if (p.failed) {
        glue_expression_free(e);
        return NULL;
    }
    return e;
}

void glue_expression_free(glue_expression *e)
{
    if (!e)
        return;
    node_free(e->root);
    free(e);
}

/* ---- evaluation: SQL's three-valued logic ------------------------------------- */

typedef enum truth { FALSE_ = 0, TRUE_ = 1, UNKNOWN_ = 2 } truth;

static truth truth_of(int b)
{
    return b ? TRUE_ : FALSE_;
}

static truth negate(truth t)
{
    return t == UNKNOWN_ ? UNKNOWN_ : truth_of(t == FALSE_);
}

static int op_holds(compare_op op, int cmp)
{
    switch (op) {
    case CMP_EQ: return cmp == 0;
    case CMP_NE: return cmp != 0;
    case CMP_LT: return cmp < 0;
    case CMP_LE: return cmp <= 0;
    case CMP_GT: return cmp > 0;
    case CMP_GE: return cmp >= 0;
    }
    return 0;
}

/* The partition's value of a key, or NULL for SQL NULL. */
static const char *value_of(const json_t *values, size_t key)
{
    const char *v = json_string_value(json_array_get(values, key));
    return v && strcmp(v, HIVE_NULL_PARTITION) != 0 ? v : NULL;
}

static truth compare_truth(const node *n, const char *v, size_t lit, compare_op op)
{
    int cmp;
    if (glue_compare_value(n->cls, v, &n->literals[lit], &cmp) != 0)
        return UNKNOWN_;
    return truth_of(op_holds(op, cmp));
}

static truth evaluate_in(const node *n, const char *v)
{
    truth result = FALSE_;
    for (size_t i = 0; i < n->literal_count && result != TRUE_; i++) {
        truth t = compare_truth(n, v, i, CMP_EQ);
        if (t != FALSE_)
            result = t;
    }
    return result;
}

static truth evaluate(const node *n, const json_t *values)
{
    if (n->kind == NODE_AND || n->kind == NODE_OR) {
        truth a = evaluate(n->left, values), b = evaluate(n->right, values);
        truth decisive = n->kind == NODE_AND ? FALSE_ : TRUE_;
        if (a == decisive || b == decisive)
            return decisive;
        return a == UNKNOWN_ || b == UNKNOWN_ ? UNKNOWN_ : negate(decisive);
    }
    if (n->kind == NODE_NOT)
        return negate(evaluate(n->left, values));
    const char *v = value_of(values, n->key);
    if (n->kind == NODE_IS_NULL)
        return truth_of((v == NULL) != n->negated);
    if (!v)
        return UNKNOWN_;
    truth t = UNKNOWN_;
    switch (n->kind) {
    case NODE_COMPARE:
        return compare_truth(n, v, 0, n->op);
    case NODE_BETWEEN: {
        truth low = compare_truth(n, v, 0, CMP_GE), high = compare_truth(n, v, 1, CMP_LE);
        t = low == FALSE_ || high == FALSE_ ? FALSE_
            : low == UNKNOWN_ || high == UNKNOWN_ ? UNKNOWN_ : TRUE_;
        break;
    }
    case NODE_IN:
        t = evaluate_in(n, v);
        break;
    case NODE_LIKE:
        t = truth_of(glue_like_matches(v, n->literals[0].text));
        break;
    default:
        break;
    }
    return n->negated ? negate(t) : t;
}

int glue_expression_matches(const glue_expression *e, const json_t *values)
{
    return e && (!e->root || evaluate(e->root, values) == TRUE_);
}
