/*
 * iam_policy.c: parsing and validating IAM policy documents (see
 * iam_policy.h). A document is first validated as IAM does when a policy is
 * put or created, each check giving IAM's MalformedPolicyDocument reason, in
 * the order IAM applies them (syntax, required fields, legacy parsing, Sid
 * uniqueness, actions, resources, action vendors); only then is it compiled
 * into the read-only form of iam_internal.h that iam_evaluate.c walks.
 */
#include "iam_internal.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SYNTAX_ERROR "Syntax errors in policy."
#define LEGACY_ERROR "The policy failed legacy parsing"

static const char *const TOP_ELEMENTS[] = {"Version", "Id", "Statement", NULL};
static const char *const STATEMENT_ELEMENTS[] = {
    "Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
    "Principal", "NotPrincipal", "Condition", NULL};
static const char *const PRINCIPAL_TYPES[] = {"AWS", "Service", "Federated", "CanonicalUser",
                                              NULL};

/* The reason a document is refused: a fixed text or a formatted one. */
typedef struct reason_out {
    char *text;
    size_t cap;
} reason_out;

static bool refuse(reason_out *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool refuse(reason_out *r, const char *fmt, ...)
{
    if (r->text && r->cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->text, r->cap, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return true;
    return false;
}

/* The statements of a document: Statement is one object or an array. */
static size_t statement_count(json_t *doc)
{
    json_t *st = json_object_get(doc, "Statement");
    return json_is_array(st) ? json_array_size(st) : 1;
}

static json_t *statement_at(json_t *doc, size_t i)
{
    json_t *st = json_object_get(doc, "Statement");
    return json_is_array(st) ? json_array_get(st, i) : st;
}

/* Calls fn on each string of a "string or array of strings" element. */
typedef bool (*string_fn)(const char *s, void *ctx);
static bool each_string(json_t *v, string_fn fn, void *ctx)
{
    if (json_is_string(v))
        return fn(json_string_value(v), ctx);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        if (!fn(json_string_value(item), ctx))
            return false;
    }
    return true;
}

/* ---- syntax ------------------------------------------------------------------ */

static bool is_string_or_strings(json_t *v)
{
    if (json_is_string(v))
        return true;
    if (!json_is_array(v))
        return false;
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        if (!json_is_string(item))
            return false;
    }
    return true;
}

static bool is_condition_scalar(json_t *v)
{
    return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
}

static bool condition_syntax_ok(json_t *cond)
{
    if (!json_is_object(cond))
        return false;
    const char *op;
    json_t *keys;
    json_object_foreach(cond, op, keys) {
        iam_condition probe;
        if (!iam_condition_operator(op, &probe) || !json_is_object(keys))
            return false;
        const char *key;
        json_t *values;
        json_object_foreach(keys, key, values) {
            if (json_is_array(values)) {
                size_t i;
                json_t *item;
                json_array_foreach(values, i, item) {
                    if (!is_condition_scalar(item))
                        return false;
                }
            } else if (!is_condition_scalar(values)) {
                return false;
            }
        }
    }
    return true;
}

static bool principal_syntax_ok(json_t *p)
{
    if (json_is_string(p))
        return strcmp(json_string_value(p), "*") == 0;
    if (!json_is_object(p) || json_object_size(p) == 0)
        return false;
    const char *type;
    json_t *v;
    json_object_foreach(p, type, v) {
        if (!in_list(type, PRINCIPAL_TYPES) || !is_string_or_strings(v))
            return false;
    }
    return true;
}

static bool statement_syntax_ok(json_t *st)
{
    if (!json_is_object(st))
        return false;
    const char *name;
    json_t *v;
    json_object_foreach(st, name, v) {
        if (!in_list(name, STATEMENT_ELEMENTS))
            return false;
    }
    if ((json_object_get(st, "Action") && json_object_get(st, "NotAction")) ||
        (json_object_get(st, "Resource") && json_object_get(st, "NotResource")) ||
        (json_object_get(st, "Principal") && json_object_get(st, "NotPrincipal")))
        return false;
    static const char *const string_lists[] = {"Action", "NotAction", "Resource", "NotResource",
                                               NULL};
    for (const char *const *e = string_lists; *e; e++)
        if ((v = json_object_get(st, *e)) && !is_string_or_strings(v))
            return false;
    if ((v = json_object_get(st, "Sid")) && !json_is_string(v))
        return false;
    if ((v = json_object_get(st, "Effect")) && !json_is_string(v))
        return false;
    if ((v = json_object_get(st, "Condition")) && !condition_syntax_ok(v))
        return false;
    if ((v = json_object_get(st, "Principal")) && !principal_syntax_ok(v))
        return false;
    if ((v = json_object_get(st, "NotPrincipal")) && !principal_syntax_ok(v))
        return false;
    return true;
}

static bool check_syntax(json_t *doc, reason_out *r)
{
    if (!json_is_object(doc))
        return refuse(r, SYNTAX_ERROR);
    const char *name;
    json_t *v;
    json_object_foreach(doc, name, v) {
        if (!in_list(name, TOP_ELEMENTS))
            return refuse(r, SYNTAX_ERROR);
    }
    v = json_object_get(doc, "Version");
    if (v && (!json_is_string(v) || (strcmp(json_string_value(v), "2012-10-17") != 0 &&
                                     strcmp(json_string_value(v), "2008-10-17") != 0)))
        return refuse(r, SYNTAX_ERROR);
    if ((v = json_object_get(doc, "Id")) && !json_is_string(v))
        return refuse(r, SYNTAX_ERROR);
    v = json_object_get(doc, "Statement");
    if (!v || !(json_is_object(v) || (json_is_array(v) && json_array_size(v) > 0)))
        return refuse(r, SYNTAX_ERROR);
    for (size_t i = 0; i < statement_count(doc); i++)
        if (!statement_syntax_ok(statement_at(doc, i)))
            return refuse(r, SYNTAX_ERROR);
    return true;
}

/* ---- required fields and legacy parsing -------------------------------------- */

static bool check_effects(json_t *doc, reason_out *r)
{
    for (size_t i = 0; i < statement_count(doc); i++) {
        json_t *e = json_object_get(statement_at(doc, i), "Effect");
        if (!e)
            return refuse(r, "Missing required field Effect");
        const char *s = json_string_value(e);
        if (strcmp(s, "Allow") == 0 || strcmp(s, "Deny") == 0)
            continue;
        /* "allow" passes IAM's first parser but not its legacy one */
        if (strcasecmp(s, "Allow") == 0 || strcasecmp(s, "Deny") == 0)
            return refuse(r, LEGACY_ERROR);
        return refuse(r, SYNTAX_ERROR);
    }
    return true;
}

static bool check_principal_presence(json_t *doc, iam_policy_kind kind, reason_out *r)
{
    for (size_t i = 0; i < statement_count(doc); i++) {
        json_t *st = statement_at(doc, i);
        bool has = json_object_get(st, "Principal") || json_object_get(st, "NotPrincipal");
        if (kind == IAM_POLICY_IDENTITY && has)
            return refuse(r, "Policy document should not specify a principal.");
        if (kind == IAM_POLICY_RESOURCE && !has)
            return refuse(r, "Missing required field Principal");
    }
    return true;
}

/* One Date condition value: a date string, or a JSON number of epoch
 * seconds. */
static bool date_value_ok(json_t *v, iam_condition *cond)
{
    if (json_is_integer(v))
        return json_integer_value(v) >= 0;
    if (!json_is_string(v))
        return false;
    iam_arena scratch = {0};
    iam_cond_value value;
    int rc = iam_condition_value_parse(&scratch, cond, json_string_value(v),
                                       json_string_length(v), false, &value);
    iam_arena_free(&scratch);
    return rc == 0;
}

/* Date condition values must be dates (IAM's legacy parser refuses others). */
static bool check_dates(json_t *doc, reason_out *r)
{
    for (size_t i = 0; i < statement_count(doc); i++) {
        json_t *cond = json_object_get(statement_at(doc, i), "Condition");
        const char *op;
        json_t *keys;
        json_object_foreach(cond, op, keys) {
            iam_condition c;
            iam_condition_operator(op, &c);
            if (c.family != IAM_COND_DATE)
                continue;
            const char *key;
            json_t *values;
            json_object_foreach(keys, key, values) {
                size_t n = json_is_array(values) ? json_array_size(values) : 1;
                for (size_t k = 0; k < n; k++)
                    if (!date_value_ok(json_is_array(values) ? json_array_get(values, k) : values,
                                       &c))
                        return refuse(r, LEGACY_ERROR);
            }
        }
    }
    return true;
}

static bool check_sids(json_t *doc, reason_out *r)
{
    size_t n = statement_count(doc);
    for (size_t i = 0; i < n; i++) {
        const char *a = json_string_value(json_object_get(statement_at(doc, i), "Sid"));
        if (!a || !*a)
            continue;
        for (size_t j = i + 1; j < n; j++) {
            const char *b = json_string_value(json_object_get(statement_at(doc, j), "Sid"));
            if (b && strcmp(a, b) == 0)
                return refuse(r, "Statement IDs (SID) in a single policy must be unique.");
        }
    }
    return true;
}

static bool non_empty(json_t *v)
{
    return v && !(json_is_array(v) && json_array_size(v) == 0);
}

static bool check_actions_present(json_t *doc, reason_out *r)
{
    for (size_t i = 0; i < statement_count(doc); i++) {
        json_t *st = statement_at(doc, i);
        if (!non_empty(json_object_get(st, "Action")) &&
            !non_empty(json_object_get(st, "NotAction")))
            return refuse(r, "Policy statement must contain actions.");
    }
    return true;
}

static bool resource_format_ok(const char *s, void *ctx)
{
    if (strcmp(s, "*") == 0 || strchr(s, ':'))
        return true;
    refuse(ctx, "Resource %s must be in ARN format or \"*\".", s);
    return false;
}

static bool check_resources(json_t *doc, iam_policy_kind kind, reason_out *r)
{
    for (size_t i = 0; i < statement_count(doc); i++) {
        json_t *st = statement_at(doc, i);
        json_t *res = json_object_get(st, "Resource");
        json_t *not_res = json_object_get(st, "NotResource");
        if (kind == IAM_POLICY_RESOURCE) {
            /* a role's trust policy is about the role itself */
            if (res || not_res)
                return refuse(r, "Has prohibited field Resource.");
            continue;
        }
        if (!non_empty(res) && !non_empty(not_res))
            return refuse(r, "Policy statement must contain resources.");
        if (!each_string(res ? res : not_res, resource_format_ok, r))
            return false;
    }
    return true;
}

static bool vendor_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.';
}

static bool action_format_ok(const char *s, void *ctx)
{
    if (strcmp(s, "*") == 0)
        return true;
    const char *colon = strchr(s, ':');
    if (!colon) {
        refuse(ctx, "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
        return false;
    }
    if (strchr(colon + 1, ':')) {
        refuse(ctx, "Actions/Condition can contain only one colon.");
        return false;
    }
    bool star_vendor = colon - s == 1 && s[0] == '*';
    for (const char *p = s; p < colon && !star_vendor; p++) {
        if (!vendor_char_ok(*p)) {
            refuse(ctx, "Vendor %.*s is not valid", (int)(colon - s), s);
            return false;
        }
    }
    return true;
}

static bool check_action_formats(json_t *doc, reason_out *r)
{
    for (size_t i = 0; i < statement_count(doc); i++) {
        json_t *st = statement_at(doc, i);
        json_t *actions = json_object_get(st, "Action");
        if (!each_string(actions ? actions : json_object_get(st, "NotAction"),
                         action_format_ok, r))
            return false;
    }
    return true;
}

static bool is_account_id(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (s[n] < '0' || s[n] > '9')
            return false;
    return n == 12;
}

static bool aws_principal_ok(const char *s, void *ctx)
{
    if (strcmp(s, "*") == 0 || is_account_id(s) || strncmp(s, "arn:", 4) == 0)
        return true;
    refuse(ctx, "Invalid principal in policy: \"AWS\":\"%s\"", s);
    return false;
}

static bool check_principal_values(json_t *doc, reason_out *r)
{
    for (size_t i = 0; i < statement_count(doc); i++) {
        json_t *st = statement_at(doc, i);
        json_t *p = json_object_get(st, "Principal");
        if (!p)
            p = json_object_get(st, "NotPrincipal");
        json_t *aws = json_object_get(p, "AWS");
        if (aws && !each_string(aws, aws_principal_ok, r))
            return false;
    }
    return true;
}

static bool validate(json_t *doc, iam_policy_kind kind, reason_out *r)
{
    return check_syntax(doc, r) && check_effects(doc, r) &&
           check_principal_presence(doc, kind, r) && check_dates(doc, r) &&
           check_sids(doc, r) && check_actions_present(doc, r) &&
           check_resources(doc, kind, r) && check_action_formats(doc, r) &&
           check_principal_values(doc, r);
}

/* ---- compiling ------------------------------------------------------------------ */

/* Compiles a string-or-array element into patterns. */
static int compile_patterns(iam_arena *a, json_t *v, bool variables, iam_pattern **out,
                            size_t *count)
{
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    iam_pattern *patterns = iam_arena_alloc(a, n * sizeof *patterns);
    if (!patterns)
        return -1;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
        if (iam_pattern_compile(a, json_string_value(item), json_string_length(item), variables,
                                &patterns[i]) != 0)
            return -1;
    }
    *out = patterns;
    *count = n;
    return 0;
}

/* "arn:aws:iam::123456789012:root" names the account; returns its id. */
static const char *root_arn_account(iam_arena *a, const char *s)
{
    if (strncmp(s, "arn:", 4) != 0)
        return NULL;
    const char *p = strchr(s + 4, ':');   /* after the partition */
    if (!p || strncmp(p, ":iam::", 6) != 0)
        return NULL;
    const char *acct = p + 6, *end = strchr(acct, ':');
    if (!end || end - acct != 12 || strcmp(end, ":root") != 0)
        return NULL;
    return iam_arena_strndup(a, acct, 12);
}

static int compile_principal(iam_arena *a, const char *type, const char *s, iam_principal *out)
{
    const char *acct;
    if (strcmp(type, "AWS") != 0) {
        out->kind = IAM_PRINCIPAL_OTHER;
        out->value = iam_arena_strndup(a, s, strlen(s));
    } else if (strcmp(s, "*") == 0) {
        out->kind = IAM_PRINCIPAL_ANY;
        out->value = "*";
    } else if (is_account_id(s)) {
        out->kind = IAM_PRINCIPAL_ACCOUNT;
        out->value = iam_arena_strndup(a, s, 12);
    } else if ((acct = root_arn_account(a, s)) != NULL) {
        out->kind = IAM_PRINCIPAL_ACCOUNT;
        out->value = acct;
    } else {
        out->kind = IAM_PRINCIPAL_ARN;
        out->value = iam_arena_strndup(a, s, strlen(s));
    }
    return out->value ? 0 : -1;
}

static int compile_principals(iam_arena *a, json_t *p, iam_statement *st)
{
    if (json_is_string(p)) {   /* "*" */
        st->principals = iam_arena_alloc(a, sizeof *st->principals);
        if (!st->principals)
            return -1;
        st->principals[0] = (iam_principal){IAM_PRINCIPAL_ANY, "*"};
        st->principal_count = 1;
        return 0;
    }
    size_t total = 0;
    const char *type;
    json_t *v;
    json_object_foreach(p, type, v) total += json_is_array(v) ? json_array_size(v) : 1;
    st->principals = iam_arena_alloc(a, (total ? total : 1) * sizeof *st->principals);
    if (!st->principals)
        return -1;
    json_object_foreach(p, type, v) {
        size_t n = json_is_array(v) ? json_array_size(v) : 1;
        for (size_t i = 0; i < n; i++) {
            json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
            if (compile_principal(a, type, json_string_value(item),
                                  &st->principals[st->principal_count++]) != 0)
                return -1;
        }
    }
    return 0;
}

/* The text of a condition value: strings as they are, booleans as
 * "true"/"false", numbers in their shortest exact form. */
static const char *scalar_text(json_t *v, char *tmp, size_t cap)
{
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    if (json_is_integer(v)) {
        snprintf(tmp, cap, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return tmp;
    }
    double d = json_real_value(v);
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(tmp, cap, "%.*g", precision, d);
        if (strtod(tmp, NULL) == d)
            break;
    }
    return tmp;
}

static int compile_condition(iam_arena *a, const char *op, const char *key, json_t *values,
                             bool variables, iam_condition *c)
{
    iam_condition_operator(op, c);
    c->key = iam_arena_strndup(a, key, strlen(key));
    if (!c->key)
        return -1;
    c->key_len = strlen(key);
    size_t n = json_is_array(values) ? json_array_size(values) : 1;
    c->values = iam_arena_alloc(a, (n ? n : 1) * sizeof *c->values);
    if (!c->values)
        return -1;
    c->value_count = n;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_is_array(values) ? json_array_get(values, i) : values;
        char tmp[64];
        const char *text = scalar_text(item, tmp, sizeof tmp);
        if (iam_condition_value_parse(a, c, text, strlen(text), variables, &c->values[i]) < 0)
            return -1;
    }
    return 0;
}

static int compile_conditions(iam_arena *a, json_t *cond, bool variables, iam_statement *st)
{
    size_t total = 0;
    const char *op;
    json_t *keys;
    json_object_foreach(cond, op, keys) total += json_object_size(keys);
    if (total == 0)
        return 0;
    st->conditions = iam_arena_alloc(a, total * sizeof *st->conditions);
    if (!st->conditions)
        return -1;
    json_object_foreach(cond, op, keys) {
        const char *key;
        json_t *values;
        json_object_foreach(keys, key, values) {
            if (compile_condition(a, op, key, values, variables,
                                  &st->conditions[st->condition_count++]) != 0)
                return -1;
        }
    }
    return 0;
}

static int compile_statement(iam_policy *p, json_t *js, iam_statement *st)
{
    iam_arena *a = &p->arena;
    json_t *v;
    const char *sid = json_string_value(json_object_get(js, "Sid"));
    st->sid = iam_arena_strndup(a, sid ? sid : "", sid ? strlen(sid) : 0);
    if (!st->sid)
        return -1;
    st->deny = strcmp(json_string_value(json_object_get(js, "Effect")), "Deny") == 0;

    st->action_mode = json_object_get(js, "Action") ? IAM_ELEMENT_POSITIVE : IAM_ELEMENT_NOT;
    v = json_object_get(js, st->action_mode == IAM_ELEMENT_POSITIVE ? "Action" : "NotAction");
    if (compile_patterns(a, v, false, &st->actions, &st->action_count) != 0)
        return -1;

    if ((v = json_object_get(js, "Resource")) != NULL)
        st->resource_mode = IAM_ELEMENT_POSITIVE;
    else if ((v = json_object_get(js, "NotResource")) != NULL)
        st->resource_mode = IAM_ELEMENT_NOT;
    if (v && compile_patterns(a, v, p->variables, &st->resources, &st->resource_count) != 0)
        return -1;

    if ((v = json_object_get(js, "Principal")) != NULL)
        st->principal_mode = IAM_ELEMENT_POSITIVE;
    else if ((v = json_object_get(js, "NotPrincipal")) != NULL)
        st->principal_mode = IAM_ELEMENT_NOT;
    if (v && compile_principals(a, v, st) != 0)
        return -1;

    if ((v = json_object_get(js, "Condition")) != NULL &&
        compile_conditions(a, v, p->variables, st) != 0)
        return -1;
    return 0;
}

static int compile_policy(iam_policy *p, json_t *doc)
{
    const char *version = json_string_value(json_object_get(doc, "Version"));
    /* Policy variables exist from language version 2012-10-17 on; older or
     * unversioned documents keep "${...}" as plain text. */
    p->variables = version && strcmp(version, "2012-10-17") == 0;
    p->statement_count = statement_count(doc);
    p->statements = iam_arena_alloc(&p->arena, p->statement_count * sizeof *p->statements);
    if (!p->statements)
        return -1;
    for (size_t i = 0; i < p->statement_count; i++)
        if (compile_statement(p, statement_at(doc, i), &p->statements[i]) != 0)
            return -1;
    return 0;
}

iam_policy *iam_policy_parse(const char *json_text, size_t len, iam_policy_kind kind,
                             char *reason, size_t reason_cap)
{
    reason_out r = {reason, reason_cap};
    if (reason && reason_cap)
        reason[0] = '\0';
    if (!json_text) {
        refuse(&r, SYNTAX_ERROR);
        return NULL;
    }
    json_error_t err;
    json_t *doc = json_loadb(json_text, len, 0, &err);
    if (!doc) {
        refuse(&r, SYNTAX_ERROR);
        return NULL;
    }
    iam_policy *p = NULL;
    if (validate(doc, kind, &r)) {
        p = calloc(1, sizeof *p);
        if (p) {
            p->kind = kind;
            if (compile_policy(p, doc) != 0) {
                iam_policy_free(p);
                p = NULL;
            }
        }
        if (!p)
            refuse(&r, "Out of memory.");
    }
    json_decref(doc);
    return p;
}

void iam_policy_free(iam_policy *policy)
{
    if (!policy)
        return;
    iam_arena_free(&policy->arena);
    free(policy);
}
