/*
 * iam_eval: evaluates a request against IAM identity policies with the
 * shared core's evaluator, for tests that compare it with another IAM
 * implementation (tests/integration/test_iam_moto_compare.py).
 *
 *   iam_eval POLICY_FILE... -- ACTION RESOURCE [key=value ...]
 *
 * Prints allowed, implicitDeny or explicitDeny and exits 0; a policy IAM
 * would refuse is reported on stderr with its reason (exit 2); bad usage or
 * an unreadable file exits 1. key=value pairs form the request context (a
 * key given twice is multi-valued).
 */
#include "iam_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(data, cap *= 2);
            if (!bigger)
                free(data);
            data = bigger;
        }
    }
    fclose(f);
    *len = n;
    return data;
}

static int usage(void)
{
    fprintf(stderr, "usage: iam_eval POLICY_FILE... -- ACTION RESOURCE [key=value ...]\n");
    return 1;
}

int main(int argc, char **argv)
{
    int sep = 1;
    while (sep < argc && strcmp(argv[sep], "--") != 0)
        sep++;
    int npolicies = sep - 1;
    if (npolicies < 1 || argc - sep < 3)
        return usage();

    int rc = 0;
    iam_policy **policies = calloc((size_t)npolicies, sizeof *policies);
    int ncontext = argc - sep - 3;
    iam_context_value *context = calloc((size_t)(ncontext ? ncontext : 1), sizeof *context);
    if (!policies || !context) {
        fprintf(stderr, "iam_eval: out of memory\n");
        rc = 1;
        goto done;
    }
    for (int i = 0; i < npolicies && rc == 0; i++) {
        size_t len;
        char *text = read_file(argv[1 + i], &len);
        if (!text) {
            fprintf(stderr, "iam_eval: cannot read %s\n", argv[1 + i]);
            rc = 1;
            break;
        }
        char reason[256];
        policies[i] = iam_policy_parse(text, len, IAM_POLICY_IDENTITY, reason, sizeof reason);
        free(text);
        if (!policies[i]) {
            fprintf(stderr, "iam_eval: %s: MalformedPolicyDocument: %s\n", argv[1 + i], reason);
            rc = 2;
        }
    }
    for (int i = 0; i < ncontext && rc == 0; i++) {
        char *arg = argv[sep + 3 + i], *eq = strchr(arg, '=');
        if (!eq) {
            rc = usage();
            break;
        }
        *eq = '\0';
        context[i] = (iam_context_value){arg, eq + 1};
    }
    if (rc == 0) {
        iam_request req = {.action = argv[sep + 1], .resource = argv[sep + 2],
                           .context = context, .context_count = (size_t)ncontext};
        for (int i = 0; i < ncontext; i++)
            if (strcmp(context[i].key, "aws:PrincipalArn") == 0)
                req.principal_arn = context[i].value;
        char sid[128];
        iam_decision d = iam_evaluate((const iam_policy *const *)policies, (size_t)npolicies,
                                      &req, sid, sizeof sid);
        printf("%s\n", iam_decision_name(d));
    }
done:
    for (int i = 0; policies && i < npolicies; i++)
        iam_policy_free(policies[i]);
    free(policies);
    free(context);
    return rc;
}
