/*
 * iam_internal.h: the parsed form of an IAM policy, shared by the files that
 * implement iam_policy.h (iam_policy.c parses and validates, iam_pattern.c
 * compiles and matches wildcard patterns with policy variables,
 * iam_condition.c evaluates Condition blocks, iam_evaluate.c decides).
 *
 * Everything a policy owns lives in one arena freed with the policy, and the
 * parsed form is read-only after parsing: evaluation never allocates (except
 * for patterns with more than IAM_MAX_PIECES parts) and is thread-safe.
 */
#ifndef ATHENA_CORE_IAM_INTERNAL_H
#define ATHENA_CORE_IAM_INTERNAL_H

#include "iam_policy.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- arena ---------------------------------------------------------------- */

typedef struct iam_arena_block iam_arena_block;
typedef struct iam_arena {
    iam_arena_block *head;
} iam_arena;

void *iam_arena_alloc(iam_arena *a, size_t size);        /* zeroed; NULL when out of memory */
char *iam_arena_strndup(iam_arena *a, const char *s, size_t n);
void iam_arena_free(iam_arena *a);

/* ---- patterns (Resource, Action, condition values) ------------------------ */

/* A compiled pattern is a sequence of parts. TEXT parts are policy text in
 * which '*' and '?' are wildcards (when the pattern is used as one); LITERAL
 * parts are the ${*} ${?} ${$} escapes, matched as plain characters; VARIABLE
 * parts are replaced by a context key's value (or their default) at
 * evaluation time, and that value is plain text too. */
typedef enum iam_part_kind { IAM_PART_TEXT, IAM_PART_LITERAL, IAM_PART_VARIABLE } iam_part_kind;

typedef struct iam_part {
    iam_part_kind kind;
    const char *text;          /* TEXT/LITERAL: the characters; VARIABLE: the key */
    size_t len;
    const char *default_text;  /* VARIABLE with a default ('x'); NULL when none */
    size_t default_len;
} iam_part;

typedef struct iam_pattern {
    const char *source;        /* the policy's string as written */
    size_t source_len;
    iam_part *parts;           /* NULL when the pattern has no variable/escape: use source */
    size_t part_count;
} iam_pattern;

/* Compiles text into pattern (allocating in arena). With variables false
 * (Version 2008-10-17) "${...}" is plain text. Returns 0, -1 out of memory. */
int iam_pattern_compile(iam_arena *a, const char *text, size_t len, bool variables,
                        iam_pattern *out);

/* A pattern resolved against a request: pieces of text, each either with
 * active wildcards or plain. */
typedef struct iam_piece {
    const char *text;
    size_t len;
    bool wild;
} iam_piece;

#define IAM_MAX_PIECES 32

typedef struct iam_resolved {
    iam_piece *pieces;
    size_t count;
    iam_piece inline_pieces[IAM_MAX_PIECES];
    iam_piece *heap;           /* when more than IAM_MAX_PIECES are needed */
} iam_resolved;

typedef enum iam_resolve_status {
    IAM_RESOLVED = 0,
    IAM_UNRESOLVED,            /* a variable's key is missing and has no default */
    IAM_RESOLVE_NOMEM
} iam_resolve_status;

iam_resolve_status iam_pattern_resolve(const iam_pattern *p, const iam_request *req,
                                       iam_resolved *out);
void iam_resolved_release(iam_resolved *r);

/* Wildcard match of a resolved pattern against text ('*' and '?' active only
 * in wild pieces). nocase folds ASCII letters. */
bool iam_pieces_match(const iam_piece *pieces, size_t count, const char *text, size_t text_len,
                      bool nocase);
/* Exact comparison of a resolved pattern with text (no wildcards at all). */
bool iam_pieces_equal(const iam_piece *pieces, size_t count, const char *text, size_t text_len,
                      bool nocase);

/* ---- request context ------------------------------------------------------ */

/* The i-th value (0-based) of key in the request, NULL when there is no such
 * value. Keys compare case-insensitively; aws:PrincipalArn and
 * aws:PrincipalAccount fall back to the request's principal fields. */
const char *iam_context_value_at(const iam_request *req, const char *key, size_t key_len,
                                 size_t index);

/* ---- conditions ----------------------------------------------------------- */

typedef enum iam_cond_family {
    IAM_COND_STRING,
    IAM_COND_NUMERIC,
    IAM_COND_DATE,
    IAM_COND_BOOL,
    IAM_COND_BINARY,
    IAM_COND_IP,
    IAM_COND_ARN,
    IAM_COND_NULL
} iam_cond_family;

typedef enum iam_cond_compare {
    IAM_CMP_EQUALS,            /* also: Bool, BinaryEquals, IpAddress, ArnEquals */
    IAM_CMP_EQUALS_NOCASE,
    IAM_CMP_LIKE,              /* StringLike, ArnLike */
    IAM_CMP_LESS,
    IAM_CMP_LESS_EQUALS,
    IAM_CMP_GREATER,
    IAM_CMP_GREATER_EQUALS
} iam_cond_compare;

typedef enum iam_set_qualifier { IAM_SET_NONE, IAM_SET_ANY, IAM_SET_ALL } iam_set_qualifier;

typedef struct iam_cond_value {
    iam_pattern pattern;       /* STRING, ARN, BINARY, BOOL, NULL: the text */
    double number;             /* NUMERIC: the number; DATE: seconds since the epoch */
    bool valid;                /* NUMERIC/DATE/IP: the policy value parsed */
    unsigned char ip[16];      /* IP: the network address (IPv4 mapped into IPv6) */
    int prefix_bits;           /* IP: prefix length over the 128-bit form */
} iam_cond_value;

typedef struct iam_condition {
    iam_cond_family family;
    iam_cond_compare compare;
    bool negated;              /* StringNotEquals, NotIpAddress, ArnNotLike, ... */
    bool if_exists;
    iam_set_qualifier qualifier;
    const char *key;           /* the context key as written */
    size_t key_len;
    iam_cond_value *values;
    size_t value_count;
} iam_condition;

/* Parses one operator name ("ForAnyValue:StringLikeIfExists") into cond's
 * family, compare, negated, if_exists and qualifier. Returns false when the
 * name is no IAM condition operator. */
bool iam_condition_operator(const char *name, iam_condition *cond);

/* Fills value from the policy's text of one condition value (its operator
 * already set in cond). Returns 0, -1 out of memory, 1 when the value cannot
 * be a value of this operator at all (an unparsable date: IAM refuses it). */
int iam_condition_value_parse(iam_arena *a, const iam_condition *cond, const char *text,
                              size_t len, bool variables, iam_cond_value *value);

typedef enum iam_cond_result {
    IAM_COND_FALSE = 0,
    IAM_COND_TRUE,
    IAM_COND_INVALID           /* a policy variable could not be resolved: the
                                * statement does not apply */
} iam_cond_result;

iam_cond_result iam_condition_evaluate(const iam_condition *cond, const iam_request *req);

/* ---- statements and policies ---------------------------------------------- */

typedef enum iam_principal_kind {
    IAM_PRINCIPAL_ANY,         /* "*" or {"AWS": "*"} */
    IAM_PRINCIPAL_ACCOUNT,     /* "123456789012" or "arn:aws:iam::123456789012:root" */
    IAM_PRINCIPAL_ARN,         /* a user or role ARN */
    IAM_PRINCIPAL_OTHER        /* Service, Federated, CanonicalUser: never an IAM caller */
} iam_principal_kind;

typedef struct iam_principal {
    iam_principal_kind kind;
    const char *value;         /* the account id or ARN */
} iam_principal;

typedef enum iam_element_mode { IAM_ELEMENT_ABSENT, IAM_ELEMENT_POSITIVE, IAM_ELEMENT_NOT } iam_element_mode;

typedef struct iam_statement {
    const char *sid;           /* "" when the statement has none */
    bool deny;
    iam_element_mode action_mode;      /* Action or NotAction */
    iam_pattern *actions;
    size_t action_count;
    iam_element_mode resource_mode;    /* Resource, NotResource, or neither (trust policies) */
    iam_pattern *resources;
    size_t resource_count;
    iam_element_mode principal_mode;   /* Principal, NotPrincipal, or neither (identity policies) */
    iam_principal *principals;
    size_t principal_count;
    iam_condition *conditions;
    size_t condition_count;
} iam_statement;

struct iam_policy {
    iam_arena arena;
    iam_policy_kind kind;
    bool variables;            /* Version 2012-10-17: policy variables are active */
    iam_statement *statements;
    size_t statement_count;
};

#endif
