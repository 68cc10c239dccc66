/*
 * cmd_doctor.h: the pieces of `athena doctor`, shared by its files:
 * the report (cmd_doctor.c), the setup checks: configuration, endpoints,
 * clock (cmd_doctor_setup.c), and the access checks: identity, workgroup,
 * the tiny query, Glue and S3 (cmd_doctor_access.c, cmd_doctor_data.c).
 */
#ifndef ATHENA_CLI_CMD_DOCTOR_H
#define ATHENA_CLI_CMD_DOCTOR_H

#include "cli.h"

typedef enum check_result { CHECK_OK, CHECK_WARN, CHECK_FAIL } check_result;

typedef struct doctor_check {
    char *name;
    check_result result;
    char *detail;
    char *fix;                /* NULL when nothing needs fixing */
    char *missing_permission; /* "athena:GetWorkGroup on arn:...", or NULL */
    int exit_code;            /* for a failure */
} doctor_check;

typedef struct doctor {
    const cli_options *opts;
    athena_config *config;
    athena_client *client;
    int json;
    doctor_check *checks;
    size_t count, cap;
    /* What the checks learned, for the later ones. */
    char account[64];         /* from STS, else from a denial message */
    char arn[512];
    double server_time, local_time;
    int workgroup_known;      /* GetWorkGroup answered */
    int managed_results;      /* the workgroup keeps results itself */
    char workgroup_output[1024];
    int workgroup_enforced;
} doctor;

/* Records a check (and prints it at once in text mode). fix and
 * missing_permission may be NULL. */
void doctor_add(doctor *d, check_result result, const char *name, const char *missing_permission,
                const char *fix, const char *detail_fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Records a failed call: a denial names the missing permission (action on
 * resource, the resource taken from AWS's message when it says one) and the
 * statement to add; anything else gets the hint of the error's kind.
 * warn_only: a denial is a warning (a permission the connector does not
 * need). Returns the result recorded. */
check_result doctor_call_failed(doctor *d, const char *name, const athena_error *err,
                                const char *action, const char *resource, int warn_only);

/* The ARN of a resource for fixes: "arn:aws:athena:REGION:ACCOUNT:workgroup/W". The
 * account is the caller's when known, else "ACCOUNT_ID". */
void doctor_arn(const doctor *d, const char *service, const char *resource, char *out,
                size_t cap);

/* Learns the caller's ARN and account from a denial ("User: arn:... is not
 * authorized ..."), when STS could not say. */
void doctor_learn_identity(doctor *d, const char *message);

/* The steps, in order. Each records one or more checks. Setup checks
 * return nonzero when the rest cannot run. */
int doctor_check_config(doctor *d);
int doctor_check_endpoints(doctor *d); /* nonzero: Athena is out of reach */
void doctor_check_identity(doctor *d);
void doctor_check_clock(doctor *d);
void doctor_check_workgroup(doctor *d);
void doctor_check_query(doctor *d);
void doctor_check_catalog(doctor *d);

#endif
