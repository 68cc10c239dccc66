/*
 * workgroup.c: GetWorkGroup (athena/workgroup.h), decoded from the JSON
 * WorkGroup shape into the flat athena_workgroup.
 */
#include "client.h"

#include "athena/workgroup.h"

#include <stdlib.h>
#include <string.h>

static char *dup_string(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? strdup(s) : NULL;
}

static int flag(const json_t *obj, const char *key)
{
    return json_is_true(json_object_get(obj, key));
}

static athena_workgroup *workgroup_from_json(const json_t *wg)
{
    athena_workgroup *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    const json_t *conf = json_object_get(wg, "Configuration");
    const json_t *engine = json_object_get(conf, "EngineVersion");
    w->name = dup_string(wg, "Name");
    w->state = dup_string(wg, "State");
    w->description = dup_string(wg, "Description");
    w->output_location = dup_string(json_object_get(conf, "ResultConfiguration"),
                                    "OutputLocation");
    w->engine_version = dup_string(engine, "EffectiveEngineVersion");
    if (!w->engine_version)
        w->engine_version = dup_string(engine, "SelectedEngineVersion");
    w->enforce_configuration = flag(conf, "EnforceWorkGroupConfiguration");
    w->managed_results = flag(json_object_get(conf, "ManagedQueryResultsConfiguration"),
                              "Enabled");
    const json_t *cutoff = json_object_get(conf, "BytesScannedCutoffPerQuery");
    w->bytes_scanned_cutoff = json_is_integer(cutoff) ? (int64_t)json_integer_value(cutoff) : -1;
    w->requester_pays = flag(conf, "RequesterPaysEnabled");
    w->publish_cloudwatch_metrics = flag(conf, "PublishCloudWatchMetricsEnabled");
    return w;
}

athena_status athena_get_workgroup(athena_client *c, const char *name, athena_workgroup **out)
{
    *out = NULL;
    if (!name)
        name = athena_config_workgroup(c->config);
    if (!name)
        name = "primary";
    json_t *resp = NULL;
    athena_status st = client_athena_call(c, "GetWorkGroup",
                                          json_pack("{s:s}", "WorkGroup", name), 1, &resp);
    if (st == ATHENA_OK) {
        const json_t *wg = json_object_get(resp, "WorkGroup");
        if (!json_is_object(wg))
            st = error_set(&c->error, ATHENA_E_PROTOCOL, "GetWorkGroup returned no WorkGroup");
        else if (!(*out = workgroup_from_json(wg)))
            st = error_set(&c->error, ATHENA_E_NOMEM, "out of memory");
    }
    json_decref(resp);
    return st;
}

void athena_workgroup_free(athena_workgroup *w)
{
    if (!w)
        return;
    free(w->name);
    free(w->state);
    free(w->description);
    free(w->output_location);
    free(w->engine_version);
    free(w);
}
