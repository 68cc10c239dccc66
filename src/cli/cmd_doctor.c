/*
 * cmd_doctor.c: `athena doctor`: runs the checks (cmd_doctor_setup.c,
 * cmd_doctor_access.c, cmd_doctor_data.c) in order and reports each as
 * ✓ / ✗ (or ! for a warning) with what was found, the missing permission
 * or setting, and the fix; or, with --output json, as one JSON document.
 * Exits 0 only when everything the connector needs works.
 */
#include "cmd_doctor.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, again);
    va_end(again);
    return s;
}

static char *dup_or_null(const char *s)
{
    return s && s[0] ? strdup(s) : NULL;
}

static void print_check(const doctor_check *c)
{
    const char *mark = c->result == CHECK_WARN ? "!" : cli_mark(c->result == CHECK_OK);
    printf("%s %s: %s\n", mark, c->name, c->detail ? c->detail : "");
    if (c->missing_permission)
        printf("    missing permission: %s\n", c->missing_permission);
    if (c->fix)
        printf("    fix: %s\n", c->fix);
    fflush(stdout);
}

void doctor_add(doctor *d, check_result result, const char *name, const char *missing_permission,
                const char *fix, const char *detail_fmt, ...)
{
    if (d->count == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 32;
        doctor_check *more = realloc(d->checks, cap * sizeof *more);
        if (!more)
            return;
        d->checks = more;
        d->cap = cap;
    }
    doctor_check *c = &d->checks[d->count++];
    va_list ap;
    va_start(ap, detail_fmt);
    c->detail = vformat(detail_fmt, ap);
    va_end(ap);
    c->name = strdup(name);
    c->result = result;
    c->fix = dup_or_null(fix);
    c->missing_permission = dup_or_null(missing_permission);
    c->exit_code = result == CHECK_FAIL ? EXIT_ACCESS : EXIT_OK;
    if (!d->json)
        print_check(c);
}

/* The text after marker in message, up to stop (or the end), into out. */
static int text_after(const char *message, const char *marker, const char *stop, char *out,
                      size_t cap)
{
    const char *p = strstr(message, marker);
    if (!p)
        return -1;
    p += strlen(marker);
    const char *end = stop ? strstr(p, stop) : NULL;
    size_t n = end ? (size_t)(end - p) : strcspn(p, " \n");
    while (n && (p[n - 1] == '.' || p[n - 1] == ' '))
        n--;
    if (n == 0 || n >= cap)
        return -1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

void doctor_learn_identity(doctor *d, const char *message)
{
    char arn[512];
    if (d->arn[0] || text_after(message, "User: ", " is not authorized", arn, sizeof arn) != 0 ||
        strncmp(arn, "arn:", 4) != 0)
        return;
    snprintf(d->arn, sizeof d->arn, "%s", arn);
    /* arn:PARTITION:SERVICE:REGION:ACCOUNT:... */
    const char *p = arn;
    for (int field = 0; field < 4 && p; field++)
        p = strchr(p, ':') ? strchr(p, ':') + 1 : NULL;
    if (p && !d->account[0])
        snprintf(d->account, sizeof d->account, "%.*s", (int)strcspn(p, ":"), p);
}

void doctor_arn(const doctor *d, const char *service, const char *resource, char *out,
                size_t cap)
{
    const char *region = athena_config_region(d->config);
    if (!region)
        region = "REGION";
    const char *partition = strncmp(region, "cn-", 3) == 0       ? "aws-cn"
                            : strncmp(region, "us-gov-", 7) == 0 ? "aws-us-gov"
                                                                 : "aws";
    if (strcmp(service, "s3") == 0)
        snprintf(out, cap, "arn:%s:s3:::%s", partition, resource);
    else
        snprintf(out, cap, "arn:%s:%s:%s:%s:%s", partition, service, region,
                 d->account[0] ? d->account : "ACCOUNT_ID", resource);
}

check_result doctor_call_failed(doctor *d, const char *name, const athena_error *err,
                                const char *action, const char *resource, int warn_only)
{
    if (err->status != ATHENA_E_ACCESS_DENIED) {
        char scratch[512];
        const char *hint = cli_error_hint(err, scratch, sizeof scratch);
        doctor_add(d, CHECK_FAIL, name, NULL, hint, "%s%s%s", err->code,
                   err->code[0] ? ": " : "", err->message[0] ? err->message
                                                             : athena_strerror(err->status));
        d->checks[d->count - 1].exit_code = cli_exit_code(err->status);
        return CHECK_FAIL;
    }
    doctor_learn_identity(d, err->message);
    char said[1024], missing[1400], fix[2048];
    if (text_after(err->message, "on resource: ", " because", said, sizeof said) == 0)
        resource = said;
    snprintf(missing, sizeof missing, "%s on %s", action, resource);
    if (strstr(err->message, "explicit deny"))
        snprintf(fix, sizeof fix, "a Deny statement in a policy of %s blocks %s: remove or "
                 "narrow it", d->arn[0] ? d->arn : "this identity", action);
    else
        snprintf(fix, sizeof fix, "add {\"Effect\": \"Allow\", \"Action\": \"%s\", \"Resource\": "
                 "\"%s\"} to the IAM policy of %s (athena policy generate prints the "
                 "complete least-privilege policy)", action, resource,
                 d->arn[0] ? d->arn : "this identity");
    check_result r = warn_only ? CHECK_WARN : CHECK_FAIL;
    doctor_add(d, r, name, missing, fix, "%s: %s%s", err->code, err->message,
               warn_only ? " (the connector does not need this permission)" : "");
    return r;
}

/* ---- the report ---- */

static json_t *check_json(const doctor_check *c)
{
    json_t *o = json_pack("{s:s,s:b,s:s?,s:s?,s:s?}", "name", c->name,
                          "ok", c->result != CHECK_FAIL, "detail", c->detail, "fix", c->fix,
                          "missing_permission", c->missing_permission);
    if (o && c->result == CHECK_WARN)
        json_object_set_new(o, "warning", json_true());
    return o;
}

static void print_json(const doctor *d, int ok)
{
    json_t *checks = json_array();
    for (size_t i = 0; i < d->count; i++)
        json_array_append_new(checks, check_json(&d->checks[i]));
    json_t *doc = json_pack("{s:b,s:s?,s:s?,s:o}", "ok", ok, "profile",
                            d->config ? athena_config_profile(d->config) : d->opts->profile,
                            "identity", d->arn[0] ? d->arn : NULL, "checks", checks);
    json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(doc);
}

static int verdict(const doctor *d)
{
    size_t failed = 0, warned = 0;
    int code = EXIT_OK;
    for (size_t i = 0; i < d->count; i++) {
        if (d->checks[i].result == CHECK_WARN)
            warned++;
        if (d->checks[i].result == CHECK_FAIL && failed++ == 0)
            code = d->checks[i].exit_code ? d->checks[i].exit_code : EXIT_ACCESS;
    }
    if (d->json) {
        print_json(d, failed == 0);
    } else if (failed) {
        printf("\nVerdict: %zu problem%s to fix before the connector can work (see the %s "
               "lines above).\n", failed, failed == 1 ? "" : "s", cli_mark(0));
    } else {
        printf("\nVerdict: everything the connector needs works%s.\n",
               warned ? " (see the warnings marked !)" : "");
    }
    return code;
}

static void doctor_free(doctor *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->checks[i].name);
        free(d->checks[i].detail);
        free(d->checks[i].fix);
        free(d->checks[i].missing_permission);
    }
    free(d->checks);
    athena_client_destroy(d->client);
    athena_config_free(d->config);
}

int cmd_doctor(const cli_options *o)
{
    if (o->arg_count) {
        cli_errorf("doctor takes no arguments (use --profile NAME)");
        return EXIT_USAGE;
    }
    doctor d;
    memset(&d, 0, sizeof d);
    d.opts = o;
    d.json = o->output && strcmp(o->output, "json") == 0;
    if (!d.json)
        printf("athena doctor: checking profile '%s'\n",
               o->profile ? o->profile : getenv("AWS_PROFILE") ? getenv("AWS_PROFILE")
                                                               : "default");
    if (doctor_check_config(&d) == 0) {
        if (doctor_check_endpoints(&d) == 0) {
            doctor_check_identity(&d);
            doctor_check_clock(&d);
            doctor_check_workgroup(&d);
            doctor_check_query(&d);
            doctor_check_catalog(&d);
        } else {
            /* Every request would wait for its timeouts and fail the same way. */
            doctor_add(&d, CHECK_WARN, "remaining checks", NULL, NULL,
                       "skipped: the Athena endpoint cannot be reached");
        }
    }
    int rc = verdict(&d);
    doctor_free(&d);
    return rc;
}
