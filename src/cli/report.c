/*
 * report.c: how the athena tool reports failures: one line with the AWS
 * error code and message, a hint line for the common setup mistakes, and
 * the documented exit code.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

int cli_exit_code(athena_status status)
{
    switch (status) {
    case ATHENA_OK:
    case ATHENA_DONE:
        return EXIT_OK;
    case ATHENA_E_QUERY_FAILED:
    case ATHENA_E_QUERY_CANCELLED:
    case ATHENA_E_TIMEOUT:
        return EXIT_QUERY_FAILED;
    case ATHENA_E_ARG:
        return EXIT_USAGE;
    case ATHENA_E_CONFIG:
    case ATHENA_E_CREDENTIALS:
        return EXIT_CONFIG;
    case ATHENA_E_AUTH:
    case ATHENA_E_ACCESS_DENIED:
        return EXIT_ACCESS;
    case ATHENA_E_INTERRUPTED:
        return EXIT_INTERRUPTED;
    default:
        return EXIT_SERVICE;
    }
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("athena: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int has(const char *haystack, const char *needle)
{
    return haystack && strstr(haystack, needle) != NULL;
}

/* The IAM action named in an AccessDenied message ("... perform: athena:X ..."). */
static int denied_action(const char *message, char *out, size_t cap)
{
    const char *p = strstr(message, "perform: ");
    if (!p)
        return -1;
    p += strlen("perform: ");
    size_t n = strcspn(p, " ,");
    if (n == 0 || n >= cap)
        return -1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

static const char *hint_for(const athena_error *e, char *scratch, size_t cap)
{
    const char *code = e->code;
    if (e->status == ATHENA_E_CONFIG && has(e->message, "region"))
        return "pass --region, set AWS_REGION, or add 'region = ...' to the profile in ~/.aws/config";
    if (e->status == ATHENA_E_CREDENTIALS)
        return "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or put the keys in "
               "~/.aws/credentials and choose the profile with --profile";
    if (strcmp(code, "SignatureDoesNotMatch") == 0 || strcmp(code, "InvalidSignatureException") == 0)
        return "the secret access key does not match the access key id (or the clock is off): "
               "check the profile's aws_secret_access_key";
    if (strcmp(code, "UnrecognizedClientException") == 0 || strcmp(code, "InvalidClientTokenId") == 0 ||
        strcmp(code, "InvalidAccessKeyId") == 0)
        return "the access key id is unknown to this endpoint: check the key, the region and "
               "--endpoint-url";
    if (has(code, "ExpiredToken"))
        return "the session token has expired: refresh the temporary credentials";
    if (has(code, "RequestTimeTooSkewed") || has(e->message, "Signature expired"))
        return "the system clock is off by more than 15 minutes: sync it (e.g. with NTP)";
    if (e->status == ATHENA_E_ACCESS_DENIED) {
        char action[128];
        if (denied_action(e->message, action, sizeof action) == 0) {
            snprintf(scratch, cap, "the IAM policy of this identity must allow %s", action);
            return scratch;
        }
        return "the IAM policy of this identity does not allow this action";
    }
    if (has(e->message, "manages query results") ||
        has(e->message, "ManagedQueryResultsConfiguration"))
        return "this workgroup keeps its results itself: fetch them with --results-via auto or "
               "getqueryresults, and do not pass --output-location";
    if (has(e->message, "output location") || has(e->message, "OutputLocation"))
        return "pass --output-location s3://BUCKET/PREFIX/, set athena_output_location in the "
               "profile, or use a --workgroup that has a query result location";
    if (has(e->message, "WorkGroup") && has(e->message, "not found"))
        return "check --workgroup (or athena_workgroup in the profile)";
    if (e->status == ATHENA_E_NETWORK)
        return "check --endpoint-url and --region, the network, and the HTTPS_PROXY/NO_PROXY settings";
    return NULL;
}

const char *cli_error_hint(const athena_error *e, char *scratch, size_t cap)
{
    return hint_for(e, scratch, cap);
}

int cli_report(const athena_error *e)
{
    if (e->code[0])
        cli_errorf("%s: %s", e->code, e->message);
    else
        cli_errorf("%s", e->message[0] ? e->message : athena_strerror(e->status));
    char scratch[256];
    const char *hint = hint_for(e, scratch, sizeof scratch);
    if (hint)
        fprintf(stderr, "hint: %s\n", hint);
    return cli_exit_code(e->status);
}

static int mentions_utf8(const char *locale)
{
    char lower[128];
    size_t n = 0;
    for (; locale[n] && n + 1 < sizeof lower; n++)
        lower[n] = (char)tolower((unsigned char)locale[n]);
    lower[n] = '\0';
    return strstr(lower, "utf-8") || strstr(lower, "utf8");
}

/* The locale in effect for characters (LC_ALL > LC_CTYPE > LANG) names a
 * charset other than UTF-8: then the marks are plain words. Unset means
 * the default, which keeps the marks. */
static int locale_lacks_utf8(void)
{
    const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = getenv(vars[i]);
        if (v && v[0])
            return !mentions_utf8(v);
    }
    return 0;
}

const char *cli_mark(int ok)
{
    if (locale_lacks_utf8())
        return ok ? "ok  " : "FAIL";
    return ok ? "\xE2\x9C\x93" : "\xE2\x9C\x97"; /* U+2713, U+2717 */
}
