/*
 * engine_pruning.c: which registered partitions of a table a statement can
 * read, judged from its predicates on partition columns, so that
 * DataScannedInBytes counts only those, as Athena's partition pruning does.
 *
 * The statement's parse tree (json_serialize_sql) is searched for every
 * reference to the table. For each one, the WHERE clause of the SELECT
 * whose FROM holds it and the ON conditions of the joins above it that
 * filter its rows (inner joins; the nullable side of outer joins) are
 * evaluated against each partition's values. A partition is left out only
 * when one of them is certainly false (or NULL) for it: such a condition
 * drops every row of the partition. Anything not understood - functions,
 * casts of columns, parameters, columns of other tables, unqualified names
 * in a FROM with several tables - is "maybe", and keeps the partition.
 *
 * Certainty is kept honest through NOT: an evaluation says FALSE only when
 * SQL would say FALSE or NULL, and TRUE only when SQL would say TRUE or
 * NULL; both drop the row under WHERE, and NOT swaps the two.
 *
 * This decides the bytes counted, never the rows returned: the engine's
 * view of a partitioned table always reads every registered partition, and
 * DuckDB's optimizer removes the readers of partitions whose (constant)
 * values fail the filter by itself.
 */
#include "engine_internal.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 256                 /* JSON nesting this deep is not examined */
#define HIVE_NULL_PARTITION "__HIVE_DEFAULT_PARTITION__"
#define EXACT_INTEGER_LIMIT 9007199254740992.0   /* 2^53: parse-tree numbers are doubles */

typedef enum tri { TRI_FALSE, TRI_TRUE, TRI_MAYBE } tri;

typedef struct prune_target {
    const char *db, *name, *default_db;
    const json_t *keys;       /* PartitionKeys */
    const json_t *partitions; /* the Glue Partition documents */
    unsigned char *keep;
    size_t refs_seen;         /* references judged, to compare with all references */
    int too_deep;             /* part of the tree was not examined */
} prune_target;

/* One reference to the table, in the SELECT that reads it. */
typedef struct table_ref {
    const json_t *node;       /* its BASE_TABLE node */
    int only_table;           /* the FROM holds nothing else: bare names are its own */
} table_ref;

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static int type_is(const json_t *node, const char *type)
{
    return strcmp(str(node, "type"), type) == 0;
}

/* ---- finding the table ------------------------------------------------------ */

static int is_target_ref(const prune_target *t, const json_t *node)
{
    if (!type_is(node, "BASE_TABLE") || strcasecmp(str(node, "table_name"), t->name) != 0)
        return 0;
    const char *catalog = str(node, "catalog_name"), *schema = str(node, "schema_name");
    if (*catalog && strcasecmp(catalog, ENGINE_CATALOG) != 0)
        return 0;
    return strcasecmp(*schema ? schema : t->default_db, t->db) == 0;
}

static size_t count_target_refs(prune_target *t, const json_t *node, int depth)
{
    if (depth > MAX_DEPTH) {
        t->too_deep = 1;
        return 0;
    }
    size_t n = 0;
    if (json_is_object(node)) {
        n += is_target_ref(t, node);
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)node, key, v)
            n += count_target_refs(t, v, depth + 1);
    } else if (json_is_array(node)) {
        size_t i;
        const json_t *v;
        json_array_foreach(node, i, v)
            n += count_target_refs(t, v, depth + 1);
    }
    return n;
}

/* ---- literals and partition values -------------------------------------------- */

typedef enum value_kind { V_UNKNOWN, V_NULL, V_STRING, V_INT, V_DATE } value_kind;

typedef struct value {
    value_kind kind;
    const char *text;   /* V_STRING, V_DATE (canonical YYYY-MM-DD) */
    long long i;        /* V_INT */
} value;

static int is_canonical_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    int month = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* Strict decimal integer text: optional '-', digits only. */
static int parse_integer(const char *s, long long *out)
{
    const char *digits = *s == '-' ? s + 1 : s;
    if (!*digits || strspn(digits, "0123456789") != strlen(digits))
        return -1;
    errno = 0;
    *out = strtoll(s, NULL, 10);
    return errno == 0 ? 0 : -1;
}

static int is_integer_type_id(const char *id)
{
    static const char *const ids[] = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT",
                                      "USMALLINT", "UINTEGER"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (strcmp(id, ids[i]) == 0)
            return 1;
    return 0;
}

static value constant_value(const json_t *node)
{
    value v = {V_UNKNOWN, NULL, 0};
    const json_t *val = json_object_get(node, "value");
    const char *id = str(json_object_get(val, "type"), "id");
    const json_t *raw = json_object_get(val, "value");
    if (json_is_true(json_object_get(val, "is_null"))) {
        v.kind = V_NULL;
    } else if (strcmp(id, "VARCHAR") == 0 && json_is_string(raw)) {
        v.kind = V_STRING;
        v.text = json_string_value(raw);
    } else if (is_integer_type_id(id) && json_is_number(raw)) {
        double d = json_number_value(raw);
        if (d == floor(d) && fabs(d) < EXACT_INTEGER_LIMIT) {
            v.kind = V_INT;
            v.i = (long long)d;
        }
    }
    return v;
}

/* A literal: a constant, or a constant cast to DATE/VARCHAR/an integer type
 * (DATE '2001-01-01' is such a cast). */
static value literal_value(const json_t *node)
{
    value unknown = {V_UNKNOWN, NULL, 0};
    if (type_is(node, "VALUE_CONSTANT"))
        return constant_value(node);
    if (!type_is(node, "OPERATOR_CAST") || json_is_true(json_object_get(node, "try_cast")))
        return unknown;
    value v = literal_value(json_object_get(node, "child"));
    const char *to = str(json_object_get(node, "cast_type"), "id");
    if (v.kind == V_NULL)
        return v;
    if (strcmp(to, "DATE") == 0 && (v.kind == V_STRING || v.kind == V_DATE) &&
        is_canonical_date(v.text)) {
        v.kind = V_DATE;
        return v;
    }
    if (strcmp(to, "VARCHAR") == 0 && v.kind == V_STRING)
        return v;
    if (is_integer_type_id(to) && v.kind == V_INT)
        return v;
    return unknown;
}

/* What TRY_CAST(NULLIF(text, '__HIVE_DEFAULT_PARTITION__') AS type) gives,
 * when it can be told for sure. */
static value partition_value(const char *text, const char *hive_type)
{
    value v = {V_UNKNOWN, NULL, 0};
    static const struct {
        const char *name;
        long long min, max;
    } ints[] = {
        {"tinyint", -128, 127}, {"smallint", -32768, 32767}, {"int", INT_MIN, INT_MAX},
        {"integer", INT_MIN, INT_MAX}, {"bigint", LLONG_MIN, LLONG_MAX},
    };
    if (!text || !hive_type)
        return v;
    if (strcmp(text, HIVE_NULL_PARTITION) == 0) {
        v.kind = V_NULL;
        return v;
    }
    if (strcmp(hive_type, "string") == 0 || strcmp(hive_type, "varchar") == 0 ||
        strncmp(hive_type, "varchar(", 8) == 0) {
        v.kind = V_STRING;
        v.text = text;
    } else if (strcmp(hive_type, "date") == 0 && is_canonical_date(text)) {
        v.kind = V_DATE;
        v.text = text;
    }
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        long long n;
        if (strcmp(hive_type, ints[i].name) == 0 && parse_integer(text, &n) == 0) {
            /* Out of range, TRY_CAST gives NULL. */
            v.kind = n >= ints[i].min && n <= ints[i].max ? V_INT : V_NULL;
            v.i = n;
        }
    }
    return v;
}

/* -1, 0, 1 for a < b, a == b, a > b; 2 when they cannot be compared here;
 * 3 when either is NULL. */
static int compare_values(value a, value b)
{
    if (a.kind == V_NULL || b.kind == V_NULL)
        return 3;
    if (a.kind == V_INT && b.kind == V_INT)
        return (a.i > b.i) - (a.i < b.i);
    /* A string literal against a date column is read as a date. */
    if (a.kind == V_DATE && b.kind == V_STRING && is_canonical_date(b.text))
        b.kind = V_DATE;
    if ((a.kind == V_STRING && b.kind == V_STRING) || (a.kind == V_DATE && b.kind == V_DATE)) {
        int c = strcmp(a.text, b.text);
        return (c > 0) - (c < 0);
    }
    return 2;
}

/* ---- evaluating conditions ----------------------------------------------------- */

typedef struct eval_ctx {
    const prune_target *t;
    const table_ref *ref;
    const json_t *values;     /* the partition's Values */
} eval_ctx;

/* The partition key a column reference names, or -1. */
static int referenced_key(const eval_ctx *c, const json_t *node)
{
    if (!type_is(node, "COLUMN_REF"))
        return -1;
    const json_t *names = json_object_get(node, "column_names");
    size_t n = json_array_size(names);
    if (n == 0 || n > 3)
        return -1;
    const char *column = json_string_value(json_array_get(names, n - 1));
    const json_t *ref = c->ref->node;
    const char *alias = str(ref, "alias");
    if (n == 1 && !c->ref->only_table)
        return -1;
    if (n == 2 && strcasecmp(json_string_value(json_array_get(names, 0)),
                             *alias ? alias : str(ref, "table_name")) != 0)
        return -1;
    if (n == 3 && (*alias || strcasecmp(json_string_value(json_array_get(names, 0)),
                                        c->t->db) != 0 ||
                   strcasecmp(json_string_value(json_array_get(names, 1)), c->t->name) != 0))
        return -1;
    size_t i;
    const json_t *key;
    json_array_foreach(c->t->keys, i, key)
        if (column && strcasecmp(str(key, "Name"), column) == 0)
            return (int)i;
    return -1;
}

/* The value of operand node for this partition: a partition column or a
 * literal. */
static value operand_value(const eval_ctx *c, const json_t *node)
{
    int k = referenced_key(c, node);
    if (k < 0)
        return literal_value(node);
    return partition_value(json_string_value(json_array_get(c->values, (size_t)k)),
                           str(json_array_get(c->t->keys, (size_t)k), "Type"));
}

static int is_column(const eval_ctx *c, const json_t *node)
{
    return referenced_key(c, node) >= 0;
}

/* column <op> literal, or literal <op> column (flipped). */
static tri compare(const eval_ctx *c, const char *op, const json_t *left, const json_t *right)
{
    int flipped = 0;
    if (!is_column(c, left)) {
        if (!is_column(c, right))
            return TRI_MAYBE;
        const json_t *tmp = left;
        left = right, right = tmp, flipped = 1;
    }
    value literal = literal_value(right);
    if (literal.kind == V_UNKNOWN)
        return TRI_MAYBE;
    int cmp = compare_values(operand_value(c, left), literal);
    if (cmp == 3)
        return TRI_FALSE;    /* NULL: the row is dropped */
    if (cmp == 2)
        return TRI_MAYBE;
    if (flipped)
        cmp = -cmp;
    int result;
    if (strcmp(op, "COMPARE_EQUAL") == 0)
        result = cmp == 0;
    else if (strcmp(op, "COMPARE_NOTEQUAL") == 0)
        result = cmp != 0;
    else if (strcmp(op, "COMPARE_LESSTHAN") == 0)
        result = cmp < 0;
    else if (strcmp(op, "COMPARE_GREATERTHAN") == 0)
        result = cmp > 0;
    else if (strcmp(op, "COMPARE_LESSTHANOREQUALTO") == 0)
        result = cmp <= 0;
    else if (strcmp(op, "COMPARE_GREATERTHANOREQUALTO") == 0)
        result = cmp >= 0;
    else
        return TRI_MAYBE;
    return result ? TRI_TRUE : TRI_FALSE;
}

static tri tri_not(tri v)
{
    return v == TRI_MAYBE ? TRI_MAYBE : v == TRI_TRUE ? TRI_FALSE : TRI_TRUE;
}

static tri evaluate(const eval_ctx *c, const json_t *node, int depth);

/* AND (all_needed) or OR of the children. */
static tri conjunction(const eval_ctx *c, const json_t *children, int is_and, int depth)
{
    tri result = is_and ? TRI_TRUE : TRI_FALSE;
    size_t i;
    const json_t *child;
    json_array_foreach(children, i, child) {
        tri v = evaluate(c, child, depth + 1);
        if (v == (is_and ? TRI_FALSE : TRI_TRUE))
            return v;
        if (v == TRI_MAYBE)
            result = TRI_MAYBE;
    }
    return result;
}

/* column IN (literal, ...): an OR of equalities. */
static tri in_list(const eval_ctx *c, const json_t *children)
{
    const json_t *column = json_array_get(children, 0);
    if (!is_column(c, column) || json_array_size(children) < 2)
        return TRI_MAYBE;
    tri result = TRI_FALSE;
    for (size_t i = 1; i < json_array_size(children); i++) {
        tri v = compare(c, "COMPARE_EQUAL", column, json_array_get(children, i));
        if (v == TRI_TRUE)
            return v;
        if (v == TRI_MAYBE)
            result = TRI_MAYBE;
    }
    return result;
}

static tri between(const eval_ctx *c, const json_t *node)
{
    const json_t *input = json_object_get(node, "input");
    tri low = compare(c, "COMPARE_GREATERTHANOREQUALTO", input, json_object_get(node, "lower"));
    tri high = compare(c, "COMPARE_LESSTHANOREQUALTO", input, json_object_get(node, "upper"));
    if (low == TRI_FALSE || high == TRI_FALSE)
        return TRI_FALSE;
    return low == TRI_TRUE && high == TRI_TRUE ? TRI_TRUE : TRI_MAYBE;
}

static tri evaluate(const eval_ctx *c, const json_t *node, int depth)
{
    if (!node || json_is_null(node) || depth > MAX_DEPTH)
        return TRI_MAYBE;
    const char *type = str(node, "type");
    const char *cls = str(node, "class");
    const json_t *children = json_object_get(node, "children");
    if (strcmp(type, "CONJUNCTION_AND") == 0 || strcmp(type, "CONJUNCTION_OR") == 0)
        return conjunction(c, children, strcmp(type, "CONJUNCTION_AND") == 0, depth);
    if (strcmp(type, "OPERATOR_NOT") == 0 && json_array_size(children) == 1)
        return tri_not(evaluate(c, json_array_get(children, 0), depth + 1));
    if (strcmp(type, "COMPARE_IN") == 0)
        return in_list(c, children);
    if (strcmp(type, "COMPARE_NOT_IN") == 0)
        return tri_not(in_list(c, children));
    if (strcmp(type, "COMPARE_BETWEEN") == 0)
        return between(c, node);
    if (strcmp(cls, "COMPARISON") == 0)
        return compare(c, type, json_object_get(node, "left"), json_object_get(node, "right"));
    return TRI_MAYBE;
}

/* ---- the SELECTs that read the table -------------------------------------------- */

#define MAX_CONDITIONS 64

typedef struct from_scan {
    const prune_target *t;
    size_t table_count;                     /* tables of the FROM, any kind */
    const json_t *refs[MAX_CONDITIONS];     /* references to the target */
    const json_t *conditions[MAX_CONDITIONS][MAX_CONDITIONS];
    size_t condition_count[MAX_CONDITIONS];
    size_t ref_count;
    int overflow;                           /* too many to track: judge nothing here */
} from_scan;

/* Which sides of a join its ON condition filters: 1 left, 2 right. */
static int filtered_sides(const json_t *join)
{
    if (strcmp(str(join, "ref_type"), "REGULAR") != 0)
        return 0;
    const char *type = str(join, "join_type");
    if (strcmp(type, "INNER") == 0 || strcmp(type, "SEMI") == 0)
        return 3;
    if (strcmp(type, "LEFT") == 0 || strcmp(type, "ANTI") == 0)
        return 2;   /* rows of the right side only appear when they match */
    if (strcmp(type, "RIGHT") == 0)
        return 1;
    return 0;
}

static void scan_from(from_scan *s, const json_t *node, const json_t **conds, size_t n,
                      int depth)
{
    if (!node || json_is_null(node) || depth > MAX_DEPTH) {
        s->overflow |= depth > MAX_DEPTH;
        return;
    }
    if (type_is(node, "JOIN")) {
        int sides = filtered_sides(node);
        const json_t *on = json_object_get(node, "condition");
        const json_t *with_on[MAX_CONDITIONS];
        if (n + 1 > MAX_CONDITIONS) {
            s->overflow = 1;
            return;
        }
        if (n)
            memcpy(with_on, conds, n * sizeof *conds);
        with_on[n] = on;
        int has_on = on && !json_is_null(on);
        scan_from(s, json_object_get(node, "left"), (sides & 1) && has_on ? with_on : conds,
                  (sides & 1) && has_on ? n + 1 : n, depth + 1);
        scan_from(s, json_object_get(node, "right"), (sides & 2) && has_on ? with_on : conds,
                  (sides & 2) && has_on ? n + 1 : n, depth + 1);
        return;
    }
    if (type_is(node, "EMPTY"))
        return;
    s->table_count++;
    if (!is_target_ref(s->t, node))
        return;
    if (s->ref_count == MAX_CONDITIONS) {
        s->overflow = 1;
        return;
    }
    s->refs[s->ref_count] = node;
    if (n)
        memcpy(s->conditions[s->ref_count], conds, n * sizeof *conds);
    s->condition_count[s->ref_count++] = n;
}

/* Marks the partitions one reference can read. */
static void judge_ref(prune_target *t, const table_ref *ref, const json_t *where,
                      const json_t *const *conds, size_t n)
{
    size_t i;
    const json_t *partition;
    json_array_foreach(t->partitions, i, partition) {
        eval_ctx c = {t, ref, json_object_get(partition, "Values")};
        int dropped = evaluate(&c, where, 0) == TRI_FALSE;
        for (size_t k = 0; !dropped && k < n; k++)
            dropped = evaluate(&c, conds[k], 0) == TRI_FALSE;
        if (!dropped)
            t->keep[i] = 1;
    }
    t->refs_seen++;
}

static void judge_select(prune_target *t, const json_t *select)
{
    from_scan *s = calloc(1, sizeof *s);
    if (!s)
        return;   /* refs_seen then falls short: every partition is kept */
    s->t = t;
    scan_from(s, json_object_get(select, "from_table"), NULL, 0, 0);
    if (!s->overflow) {
        for (size_t r = 0; r < s->ref_count; r++) {
            table_ref ref = {s->refs[r], s->table_count == 1};
            judge_ref(t, &ref, json_object_get(select, "where_clause"), s->conditions[r],
                      s->condition_count[r]);
        }
    }
    free(s);
}

static void judge_selects(prune_target *t, const json_t *node, int depth)
{
    if (depth > MAX_DEPTH)
        return;
    if (json_is_object(node)) {
        if (type_is(node, "SELECT_NODE"))
            judge_select(t, node);
        const char *key;
        const json_t *v;
        json_object_foreach((json_t *)node, key, v)
            judge_selects(t, v, depth + 1);
    } else if (json_is_array(node)) {
        size_t i;
        const json_t *v;
        json_array_foreach(node, i, v)
            judge_selects(t, v, depth + 1);
    }
}

void engine_prune_partitions(const json_t *tree, const char *default_db, const char *db,
                             const char *name, const json_t *partition_keys,
                             const json_t *partitions, unsigned char *keep)
{
    size_t count = json_array_size(partitions);
    memset(keep, 0, count);
    prune_target t = {db, name, default_db ? default_db : "", partition_keys, partitions, keep,
                      0, 0};
    size_t refs = tree ? count_target_refs(&t, tree, 0) : 0;
    if (refs > 0 && !t.too_deep)
        judge_selects(&t, tree, 0);
    if (refs == 0 || t.too_deep || t.refs_seen != refs)
        memset(keep, 1, count);   /* a reference not judged may read any of them */
}
