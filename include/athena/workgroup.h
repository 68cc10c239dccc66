/*
 * workgroup.h: reading an Athena workgroup's settings (GetWorkGroup), to
 * learn where a workgroup puts query results and which of its settings
 * override the client's. Included by athena.h; its conventions apply.
 */
#ifndef ATHENA_WORKGROUP_H
#define ATHENA_WORKGROUP_H

#include "athena/athena.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A WorkGroup. Strings are NULL when the service did not send them. */
typedef struct athena_workgroup {
    char *name;
    char *state;                    /* "ENABLED" or "DISABLED" */
    char *description;
    char *output_location;          /* ResultConfiguration.OutputLocation */
    char *engine_version;           /* EngineVersion.EffectiveEngineVersion (else Selected) */
    int enforce_configuration;      /* EnforceWorkGroupConfiguration: the workgroup's
                                       settings override the client's */
    int managed_results;            /* ManagedQueryResultsConfiguration.Enabled: Athena
                                       keeps the results, there is no s3:// location */
    int64_t bytes_scanned_cutoff;   /* BytesScannedCutoffPerQuery, -1 when none */
    int requester_pays;             /* RequesterPaysEnabled */
    int publish_cloudwatch_metrics; /* PublishCloudWatchMetricsEnabled */
} athena_workgroup;

/* GetWorkGroup (name NULL: the configured workgroup, else "primary").
 * Needs athena:GetWorkGroup. Free *out with athena_workgroup_free. */
ATHENA_API athena_status athena_get_workgroup(athena_client *client, const char *name,
                                              athena_workgroup **out);
ATHENA_API void athena_workgroup_free(athena_workgroup *workgroup);

#ifdef __cplusplus
}
#endif
#endif /* ATHENA_WORKGROUP_H */
