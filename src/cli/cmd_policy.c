/*
 * cmd_policy.c: `athena policy generate` (print the least-privilege IAM
 * policy of the connector) and `athena policy check FILE` (evaluate a
 * policy document offline, with the same evaluator athena-local uses, and
 * say per capability what is allowed and which statement is missing).
 * Neither talks to AWS: they only need the scope given by flags.
 */
#include "cli.h"
#include "policy_template.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POLICY_BYTES (1 << 20)

/* The scope from the flags; tables_copy holds the split --tables text. */
static int scope_from_options(const cli_options *o, policy_scope *s, char **tables_copy)
{
    memset(s, 0, sizeof *s);
    *tables_copy = NULL;
    s->region = o->region;
    s->account = o->account;
    s->workgroup = o->workgroup;
    s->data_bucket = o->data_bucket;
    s->data_prefix = o->data_prefix;
    s->results_uri = o->results;
    s->database = o->database;
    s->managed_results = o->managed_results;
    if (o->tables) {
        if (!(*tables_copy = strdup(o->tables)) ||
            policy_scope_set_tables(s, *tables_copy) != 0) {
            cli_errorf("--tables: at most %d tables", POLICY_MAX_TABLES);
            return EXIT_USAGE;
        }
    }
    char message[512];
    if (policy_scope_validate(s, message, sizeof message) != 0) {
        cli_errorf("%s", message);
        fputs("Run 'athena policy --help' for usage.\n", stderr);
        return EXIT_USAGE;
    }
    if (s->managed_results && s->results_uri) {
        cli_errorf("--results and --managed-results exclude each other");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static int policy_generate_command(const policy_scope *s)
{
    json_t *policy = policy_generate(s);
    if (!policy) {
        cli_errorf("out of memory");
        return EXIT_SERVICE;
    }
    json_dumpf(policy, stdout, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(policy);
    if (s->managed_results)
        fprintf(stderr, "note: no statements for a query result bucket: workgroup %s uses "
                        "managed query results, which Athena stores itself\n", s->workgroup);
    fputs("note: glue:GetTables is left out on purpose (listing all tables is optional; "
          "name them in the profile's athena_tables)\n", stderr);
    return EXIT_OK;
}

/* ---- check ---- */

static char *read_policy_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        cli_errorf("cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    char *text = malloc(MAX_POLICY_BYTES + 1);
    *len = text ? fread(text, 1, MAX_POLICY_BYTES + 1, f) : 0;
    int failed = !text || ferror(f);
    if (f != stdin)
        fclose(f);
    if (failed || *len > MAX_POLICY_BYTES) {
        cli_errorf("cannot read %s: %s", path, failed ? strerror(errno) : "larger than 1 MiB");
        free(text);
        return NULL;
    }
    text[*len] = '\0';
    return text;
}

typedef struct check_totals {
    int required_denied;
    int optional_denied;
} check_totals;

/* Evaluates one capability; adds its JSON form to report; prints it unless json. */
static void check_capability(const iam_policy *policy, const policy_scope *s,
                             policy_capability_id id, policy_request *requests, json_t *report,
                             int json, check_totals *totals)
{
    const policy_capability *cap = policy_capability_info(id);
    size_t n = policy_capability_requests(s, id, requests, POLICY_MAX_REQUESTS);
    json_t *missing = json_array();
    json_t *to_add = json_array(); /* the statements that would allow the denied requests */
    for (size_t i = 0; i < n; i++) {
        char sid[256] = "";
        iam_decision d = policy_evaluate_request(policy, &requests[i], sid, sizeof sid);
        if (d == IAM_ALLOW)
            continue;
        json_t *entry = json_pack("{s:s,s:s,s:s}", "action", requests[i].action, "resource",
                                  requests[i].resource, "decision", iam_decision_name(d));
        if (entry && d == IAM_EXPLICIT_DENY)
            json_object_set_new(entry, "denied_by_sid", json_string(sid));
        else
            policy_add_to_statements(to_add, id, &requests[i]);
        json_array_append_new(missing, entry);
    }
    int allowed = json_array_size(missing) == 0;
    if (!allowed)
        *(cap->required ? &totals->required_denied : &totals->optional_denied) += 1;
    policy_capability managed = {cap->name, 0, "not needed: the workgroup uses managed "
                                               "query results"};
    if (n == 0 && id == CAP_WRITE_RESULTS)
        cap = &managed;
    int has_statement = json_array_size(to_add) > 0;
    json_t *entry = json_pack("{s:s,s:b,s:b,s:s,s:o}", "name", cap->name, "required",
                              cap->required, "allowed", allowed, "note", cap->note, "missing",
                              missing);
    if (entry && has_statement)
        json_object_set(entry, "statements_to_add", to_add);
    json_array_append_new(report, entry);
    if (json) {
        json_decref(to_add);
        return;
    }
    printf("%s %s%s\n", cli_mark(allowed), cap->name,
           allowed ? "" : cap->required ? " (needed by the connector)" : " (optional)");
    if (!allowed && !cap->required)
        printf("    %s\n", cap->note);
    size_t i;
    json_t *m;
    json_array_foreach(missing, i, m) {
        const char *sid = json_string_value(json_object_get(m, "denied_by_sid"));
        const char *action = json_string_value(json_object_get(m, "action"));
        const char *resource = json_string_value(json_object_get(m, "resource"));
        if (sid)
            printf("    explicitly denied: %s on %s (by statement \"%s\": remove or narrow "
                   "it)\n", action, resource, sid);
        else
            printf("    missing: %s on %s\n", action, resource);
    }
    json_array_foreach(to_add, i, m) {
        char *add = json_dumps(m, JSON_PRESERVE_ORDER);
        printf("    add: %s\n", add ? add : "?");
        free(add);
    }
    json_decref(to_add);
}

static int policy_check_command(const char *path, const policy_scope *s, int json)
{
    size_t len;
    char *text = read_policy_file(path, &len);
    if (!text)
        return EXIT_USAGE;
    char reason[512] = "";
    iam_policy *policy = iam_policy_parse(text, len, IAM_POLICY_IDENTITY, reason, sizeof reason);
    free(text);
    if (!policy) {
        cli_errorf("MalformedPolicyDocument: %s: %s", path, reason[0] ? reason : "invalid policy");
        return EXIT_CONFIG;
    }
    policy_request *requests = malloc(POLICY_MAX_REQUESTS * sizeof *requests);
    json_t *report = json_array();
    check_totals totals = {0, 0};
    for (int id = 0; requests && id < CAP_COUNT; id++)
        check_capability(policy, s, (policy_capability_id)id, requests, report, json, &totals);
    free(requests);
    iam_policy_free(policy);
    int ok = totals.required_denied == 0;
    if (json) {
        json_t *doc = json_pack("{s:b,s:o}", "ok", ok, "capabilities", report);
        json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(doc);
    } else {
        json_decref(report);
        printf("\n%s\n", ok ? "The policy allows everything the connector needs."
                            : "The policy lacks permissions the connector needs: add the "
                              "statements above.");
    }
    return ok ? EXIT_OK : EXIT_ACCESS;
}

int cmd_policy(const cli_options *o)
{
    const char *sub = o->arg_count ? o->args[0] : NULL;
    int generate = sub && strcmp(sub, "generate") == 0;
    int check = sub && strcmp(sub, "check") == 0;
    if (!generate && !check) {
        cli_errorf("%s: use 'athena policy generate' or 'athena policy check FILE'",
                   sub ? "unknown policy command" : "missing policy command");
        return EXIT_USAGE;
    }
    if ((generate && o->arg_count != 1) || (check && o->arg_count != 2)) {
        cli_errorf(generate ? "policy generate takes no arguments"
                            : "policy check takes one argument: the policy file (or -)");
        return EXIT_USAGE;
    }
    policy_scope scope;
    char *tables = NULL;
    int rc = scope_from_options(o, &scope, &tables);
    if (rc == EXIT_OK)
        rc = generate ? policy_generate_command(&scope)
                      : policy_check_command(o->args[1], &scope,
                                             o->output && strcmp(o->output, "json") == 0);
    free(tables);
    return rc;
}
