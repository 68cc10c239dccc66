/*
 * athena_api_workgroups.c: Athena's workgroup operations in athena-local:
 * CreateWorkGroup, GetWorkGroup, ListWorkGroups, UpdateWorkGroup and
 * DeleteWorkGroup.
 *
 * A workgroup is stored in Athena's WorkGroup shape (store.h), its
 * Configuration normalized here: the members athena-local acts on are
 * validated (the result location, EnforceWorkGroupConfiguration,
 * BytesScannedCutoffPerQuery, ManagedQueryResultsConfiguration, the engine
 * version), the other members of the model are kept as given. An update
 * applies ConfigurationUpdates to the stored configuration and validates the
 * result as a whole, as a create does, so no sequence of calls can store a
 * configuration a create would refuse. StartQueryExecution (athena_api.c)
 * and the executor read the stored configuration.
 */
#include "athena_api.h"

#include "executor.h"
#include "objects.h"
#include "results_location.h"
#include "store.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#define MAX_LIST 50
#define MIN_BYTES_SCANNED_CUTOFF 10000000LL   /* BytesScannedCutoffValue's minimum */
#define MAX_TAGS 50
#define ENGINE_VERSION_3 "Athena engine version 3"

/* ---- validation helpers ---- */

/* An enum member: 0 present and allowed, 1 absent, -1 after the error. */
static int read_enum(const json_t *obj, const char *key, int required,
                     const char *const *allowed, const char **out, srv_response *resp)
{
    int r = json_api_string(obj, key, required, 1, 256, out, resp);
    if (r != 0)
        return r;
    char set[256] = "";
    for (size_t i = 0; allowed[i]; i++) {
        if (strcmp(*out, allowed[i]) == 0)
            return 0;
        snprintf(set + strlen(set), sizeof set - strlen(set), "%s%s", i ? ", " : "", allowed[i]);
    }
    json_api_error(resp, 400, "InvalidRequestException",
                   "1 validation error detected: Value '%s' at '%s' failed to satisfy "
                   "constraint: Member must satisfy enum value set: [%s]",
                   *out, key, set);
    return -1;
}

static int copy_bool(const json_t *from, const char *key, json_t *to, srv_response *resp)
{
    int v = 0;
    int r = json_api_bool(from, key, 0, &v, resp);
    if (r == 0)
        json_object_set_new(to, key, json_boolean(v));
    return r < 0 ? -1 : 0;
}

static int copy_string(const json_t *from, const char *key, size_t max, json_t *to,
                       srv_response *resp)
{
    const char *v;
    int r = json_api_string(from, key, 0, 1, max, &v, resp);
    if (r == 0)
        json_object_set_new(to, key, json_string(v));
    return r < 0 ? -1 : 0;
}

static int copy_object(const json_t *from, const char *key, json_t *to, srv_response *resp)
{
    const json_t *v;
    int r = json_api_object(from, key, 0, &v, resp);
    if (r == 0)
        json_object_set_new(to, key, json_deep_copy(v));
    return r < 0 ? -1 : 0;
}

static int valid_s3_location(const char *location, srv_response *resp)
{
    char bucket[256], key[1100], why[256];
    if (s3_uri_split(location, bucket, sizeof bucket, key, sizeof key, why, sizeof why) == 0)
        return 0;
    json_api_error(resp, 400, "InvalidRequestException", "Invalid OutputLocation %s: %s",
                   location, why);
    return -1;
}

/* ---- configuration ---- */

static int read_encryption(const json_t *rc, json_t *out, srv_response *resp)
{
    static const char *const options[] = {"SSE_S3", "SSE_KMS", "CSE_KMS", NULL};
    const json_t *enc;
    const char *option;
    int r = json_api_object(rc, "EncryptionConfiguration", 0, &enc, resp);
    if (r != 0)
        return r < 0 ? -1 : 0;
    json_t *copy = json_object();
    if (read_enum(enc, "EncryptionOption", 1, options, &option, resp) < 0 ||
        copy_string(enc, "KmsKey", 2048, copy, resp) < 0) {
        json_decref(copy);
        return -1;
    }
    json_object_set_new(copy, "EncryptionOption", json_string(option));
    json_object_set_new(out, "EncryptionConfiguration", copy);
    return 0;
}

static int read_acl(const json_t *rc, json_t *out, srv_response *resp)
{
    static const char *const options[] = {"BUCKET_OWNER_FULL_CONTROL", NULL};
    const json_t *acl;
    const char *option;
    int r = json_api_object(rc, "AclConfiguration", 0, &acl, resp);
    if (r != 0)
        return r < 0 ? -1 : 0;
    if (read_enum(acl, "S3AclOption", 1, options, &option, resp) < 0)
        return -1;
    json_object_set_new(out, "AclConfiguration", json_pack("{s:s}", "S3AclOption", option));
    return 0;
}

static int read_result_configuration(const json_t *conf, json_t *out, srv_response *resp)
{
    const json_t *rc;
    const char *location = NULL, *owner = NULL;
    int r = json_api_object(conf, "ResultConfiguration", 0, &rc, resp);
    if (r != 0)
        return r < 0 ? -1 : 0;
    json_t *copy = json_object();
    int bad = json_api_string(rc, "OutputLocation", 0, 1, 4096, &location, resp) < 0 ||
              (location && valid_s3_location(location, resp) < 0) ||
              json_api_string(rc, "ExpectedBucketOwner", 0, 12, 12, &owner, resp) < 0 ||
              read_encryption(rc, copy, resp) < 0 || read_acl(rc, copy, resp) < 0;
    if (!bad && owner && strspn(owner, "0123456789") != 12) {
        json_api_error(resp, 400, "InvalidRequestException",
                       "ExpectedBucketOwner must be a 12-digit AWS account ID");
        bad = 1;
    }
    if (bad) {
        json_decref(copy);
        return -1;
    }
    if (location)
        json_object_set_new(copy, "OutputLocation", json_string(location));
    if (owner)
        json_object_set_new(copy, "ExpectedBucketOwner", json_string(owner));
    json_object_set_new(out, "ResultConfiguration", copy);
    return 0;
}

static int read_managed_results(const json_t *conf, json_t *out, srv_response *resp)
{
    const json_t *m, *enc;
    const char *key;
    int enabled = 0;
    int r = json_api_object(conf, "ManagedQueryResultsConfiguration", 0, &m, resp);
    if (r != 0)
        return r < 0 ? -1 : 0;
    if (json_api_bool(m, "Enabled", 1, &enabled, resp) < 0 ||
        (r = json_api_object(m, "EncryptionConfiguration", 0, &enc, resp)) < 0 ||
        (r == 0 && json_api_string(enc, "KmsKey", 1, 1, 2048, &key, resp) < 0))
        return -1;
    json_t *copy = json_pack("{s:b}", "Enabled", enabled);
    if (r == 0)
        json_object_set_new(copy, "EncryptionConfiguration", json_pack("{s:s}", "KmsKey", key));
    json_object_set_new(out, "ManagedQueryResultsConfiguration", copy);
    return 0;
}

/* athena-local runs one engine: "AUTO" and version 3 both select it. */
static int read_engine_version(const json_t *conf, json_t *out, srv_response *resp)
{
    static const char *const versions[] = {"AUTO", ENGINE_VERSION_3, NULL};
    const json_t *ev = NULL;
    const char *selected = "AUTO";
    if (json_api_object(conf, "EngineVersion", 0, &ev, resp) < 0 ||
        (ev && read_enum(ev, "SelectedEngineVersion", 0, versions, &selected, resp) < 0))
        return -1;
    json_object_set_new(out, "EngineVersion",
                        json_pack("{s:s,s:s}", "SelectedEngineVersion", selected,
                                  "EffectiveEngineVersion", ENGINE_VERSION_3));
    return 0;
}

static int read_cutoff(const json_t *conf, json_t *out, srv_response *resp)
{
    long long cutoff;
    int r = json_api_int(conf, "BytesScannedCutoffPerQuery", 0, MIN_BYTES_SCANNED_CUTOFF,
                         LLONG_MAX, &cutoff, resp);
    if (r == 0)
        json_object_set_new(out, "BytesScannedCutoffPerQuery", json_integer(cutoff));
    return r < 0 ? -1 : 0;
}

/* Model members athena-local keeps as they are (features it does not run). */
static int copy_passthrough(const json_t *conf, json_t *out, srv_response *resp)
{
    static const char *const objects[] = {
        "MonitoringConfiguration", "EngineConfiguration", "CustomerContentEncryptionConfiguration",
        "IdentityCenterConfiguration", "QueryResultsS3AccessGrantsConfiguration"};
    for (size_t i = 0; i < sizeof objects / sizeof objects[0]; i++)
        if (copy_object(conf, objects[i], out, resp) < 0)
            return -1;
    return copy_string(conf, "AdditionalConfiguration", 128, out, resp) < 0 ||
                   copy_string(conf, "ExecutionRole", 2048, out, resp) < 0
               ? -1
               : 0;
}

static const char *output_location_of(const json_t *conf)
{
    return json_string_value(
        json_object_get(json_object_get(conf, "ResultConfiguration"), "OutputLocation"));
}

static int managed_enabled(const json_t *conf)
{
    return json_is_true(
        json_object_get(json_object_get(conf, "ManagedQueryResultsConfiguration"), "Enabled"));
}

int athena_manages_results(const json_t *workgroup)
{
    return managed_enabled(json_object_get(workgroup, "Configuration"));
}

/* The stored form of a WorkGroupConfiguration (conf may be NULL: the
 * defaults); NULL after writing the error. */
static json_t *read_configuration(const json_t *conf, srv_response *resp)
{
    static const char *const flags[] = {"EnforceWorkGroupConfiguration",
                                        "PublishCloudWatchMetricsEnabled", "RequesterPaysEnabled",
                                        "EnableMinimumEncryptionConfiguration"};
    json_t *out = json_object();
    int bad = read_result_configuration(conf, out, resp) < 0 ||
              read_managed_results(conf, out, resp) < 0 || read_cutoff(conf, out, resp) < 0 ||
              read_engine_version(conf, out, resp) < 0 || copy_passthrough(conf, out, resp) < 0;
    for (size_t i = 0; !bad && i < sizeof flags / sizeof flags[0]; i++)
        bad = copy_bool(conf, flags[i], out, resp) < 0;
    if (!bad && managed_enabled(out) && output_location_of(out)) {
        json_api_error(resp, 400, "InvalidRequestException", "%s", ATHENA_MANAGED_CONFLICT);
        bad = 1;
    }
    if (bad) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* ---- updates ---- */

/* A member an update may set, and the flag that removes it instead. */
typedef struct member_update {
    const char *member;
    const char *remove_flag;   /* NULL: it cannot be removed */
} member_update;

/* Applies updates to target (raw values: the caller validates the result).
 * A set Remove flag wins over a new value. */
static int apply_updates(json_t *target, const json_t *updates, const member_update *rules,
                         size_t count, srv_response *resp)
{
    for (size_t i = 0; i < count; i++) {
        int remove = 0;
        if (rules[i].remove_flag && json_api_bool(updates, rules[i].remove_flag, 0, &remove,
                                                  resp) < 0)
            return -1;
        json_t *value = json_object_get(updates, rules[i].member);
        if (remove)
            json_object_del(target, rules[i].member);
        else if (value && !json_is_null(value))
            json_object_set(target, rules[i].member, value);
    }
    return 0;
}

/* Applies one nested updates object (e.g. ResultConfigurationUpdates) to
 * the member it updates (e.g. ResultConfiguration). */
static int apply_nested(json_t *conf, const json_t *updates, const char *updates_key,
                        const char *member, const member_update *rules, size_t count,
                        srv_response *resp)
{
    const json_t *nested;
    int r = json_api_object(updates, updates_key, 0, &nested, resp);
    if (r != 0)
        return r < 0 ? -1 : 0;
    json_t *current = json_object_get(conf, member);
    json_t *target = json_is_object(current) ? json_deep_copy(current) : json_object();
    if (strcmp(member, "ManagedQueryResultsConfiguration") == 0 &&
        !json_object_get(target, "Enabled"))
        json_object_set_new(target, "Enabled", json_false());
    r = apply_updates(target, nested, rules, count, resp);
    json_object_set_new(conf, member, target);
    return r;
}

/* The stored configuration with ConfigurationUpdates applied, validated;
 * NULL after writing the error. */
static json_t *updated_configuration(const json_t *stored, const json_t *updates,
                                     srv_response *resp)
{
    static const member_update top[] = {
        {"EnforceWorkGroupConfiguration", NULL}, {"PublishCloudWatchMetricsEnabled", NULL},
        {"RequesterPaysEnabled", NULL}, {"EnableMinimumEncryptionConfiguration", NULL},
        {"BytesScannedCutoffPerQuery", "RemoveBytesScannedCutoffPerQuery"},
        {"EngineVersion", NULL}, {"AdditionalConfiguration", NULL}, {"ExecutionRole", NULL},
        {"MonitoringConfiguration", NULL}, {"EngineConfiguration", NULL},
        {"QueryResultsS3AccessGrantsConfiguration", NULL},
        {"CustomerContentEncryptionConfiguration", "RemoveCustomerContentEncryptionConfiguration"},
    };
    static const member_update results[] = {
        {"OutputLocation", "RemoveOutputLocation"},
        {"EncryptionConfiguration", "RemoveEncryptionConfiguration"},
        {"ExpectedBucketOwner", "RemoveExpectedBucketOwner"},
        {"AclConfiguration", "RemoveAclConfiguration"},
    };
    static const member_update managed[] = {
        {"Enabled", NULL}, {"EncryptionConfiguration", "RemoveEncryptionConfiguration"},
    };
    json_t *conf = json_is_object(stored) ? json_deep_copy(stored) : json_object();
    json_t *out = NULL;
    if (apply_updates(conf, updates, top, sizeof top / sizeof top[0], resp) == 0 &&
        apply_nested(conf, updates, "ResultConfigurationUpdates", "ResultConfiguration", results,
                     sizeof results / sizeof results[0], resp) == 0 &&
        apply_nested(conf, updates, "ManagedQueryResultsConfigurationUpdates",
                     "ManagedQueryResultsConfiguration", managed,
                     sizeof managed / sizeof managed[0], resp) == 0)
        out = read_configuration(conf, resp);
    json_decref(conf);
    return out;
}

/* ---- operations ---- */

static int valid_workgroup_name(const char *name)
{
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
            return 0;
    return name[0] != '\0';
}

/* Tags are accepted (and checked) but not kept: athena-local has no
 * tagging operations. */
static int check_tags(const json_t *in, srv_response *resp)
{
    const json_t *tags, *tag;
    const char *s;
    size_t i;
    if (json_api_array(in, "Tags", 0, MAX_TAGS, &tags, resp) < 0)
        return -1;
    json_array_foreach(tags, i, tag) {
        if (!json_is_object(tag)) {
            json_api_error(resp, 400, "SerializationException",
                           "Member 'Tags' must be a list of objects in the JSON request body.");
            return -1;
        }
        if (json_api_string(tag, "Key", 1, 1, 128, &s, resp) < 0 ||
            json_api_string(tag, "Value", 0, 0, 256, &s, resp) < 0)
            return -1;
    }
    return 0;
}

static double now_epoch(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (double)tv.tv_sec + tv.tv_usec / 1e6;
}

static void answer_empty(srv_response *resp)
{
    json_t *out = json_object();
    json_api_ok(resp, out);
    json_decref(out);
}

void athena_create_work_group(server *s, const srv_request *req, const json_t *in,
                              srv_response *resp)
{
    const char *name, *description = NULL;
    const json_t *conf = NULL;
    if (json_api_string(in, "Name", 1, 1, 128, &name, resp) < 0 ||
        json_api_string(in, "Description", 0, 0, 1024, &description, resp) < 0 ||
        json_api_object(in, "Configuration", 0, &conf, resp) < 0 || check_tags(in, resp) < 0)
        return;
    if (!valid_workgroup_name(name)) {
        json_api_error(resp, 400, "InvalidRequestException",
                       "WorkGroup name must match [a-zA-Z0-9._-]{1,128}");
        return;
    }
    json_t *configuration = read_configuration(conf, resp);
    if (!configuration)
        return;
    json_t *wg = json_pack("{s:s,s:s,s:o,s:s,s:f}", "Name", name, "State", "ENABLED",
                           "Configuration", configuration, "Description",
                           description ? description : "", "CreationTime", now_epoch());
    store_status st = wg ? store_workgroup_create(s->store, wg) : STORE_ERROR;
    json_decref(wg);
    if (st == STORE_EXISTS)
        json_api_error(resp, 400, "InvalidRequestException", "WorkGroup %s is already created",
                       name);
    else if (st != STORE_OK)
        json_api_error(resp, 500, "InternalServerException", "%s", store_errmsg(s->store));
    else
        answer_empty(resp);
}

void athena_get_work_group(server *s, const srv_request *req, const json_t *in, srv_response *resp)
{
    const char *name;
    if (json_api_string(in, "WorkGroup", 1, 1, 128, &name, resp) < 0)
        return;
    json_t *wg = athena_require_workgroup(s, in, resp);
    if (!wg)
        return;
    json_api_ok_member(resp, "WorkGroup", wg);
}

static json_t *workgroup_summary(const json_t *wg)
{
    json_t *sum = json_pack("{s:O?,s:O?,s:O?,s:O?}", "Name", json_object_get(wg, "Name"),
                            "State", json_object_get(wg, "State"), "Description",
                            json_object_get(wg, "Description"), "CreationTime",
                            json_object_get(wg, "CreationTime"));
    const json_t *ev = json_object_get(json_object_get(wg, "Configuration"), "EngineVersion");
    if (sum && ev)
        json_object_set(sum, "EngineVersion", (json_t *)ev);
    return sum;
}

void athena_list_work_groups(server *s, const srv_request *req, const json_t *in, srv_response *resp)
{
    long long max;
    size_t offset;
    if (athena_read_max(in, MAX_LIST, &max, resp) != 0 ||
        athena_parse_offset_token(in, &offset, resp) != 0)
        return;
    json_t *all = store_workgroup_list(s->store);
    json_t *summaries = json_array();
    size_t i;
    json_t *wg;
    json_array_foreach(all, i, wg)
        json_array_append_new(summaries, workgroup_summary(wg));
    athena_answer_page(resp, "WorkGroups", summaries, offset, (size_t)max);
    json_decref(summaries);
    json_decref(all);
}

void athena_update_work_group(server *s, const srv_request *req, const json_t *in,
                              srv_response *resp)
{
    static const char *const states[] = {"ENABLED", "DISABLED", NULL};
    const char *name, *description = NULL, *state = NULL;
    const json_t *updates = NULL;
    if (json_api_string(in, "WorkGroup", 1, 1, 128, &name, resp) < 0 ||
        json_api_string(in, "Description", 0, 0, 1024, &description, resp) < 0 ||
        read_enum(in, "State", 0, states, &state, resp) < 0 ||
        json_api_object(in, "ConfigurationUpdates", 0, &updates, resp) < 0)
        return;
    json_t *wg = athena_require_workgroup(s, in, resp);
    if (!wg)
        return;
    json_t *conf = updates ? updated_configuration(json_object_get(wg, "Configuration"), updates,
                                                   resp)
                           : NULL;
    if (!updates || conf) {
        if (conf)
            json_object_set_new(wg, "Configuration", conf);
        if (description)
            json_object_set_new(wg, "Description", json_string(description));
        if (state)
            json_object_set_new(wg, "State", json_string(state));
        store_status st = store_workgroup_update(s->store, name, wg);
        if (st == STORE_NOT_FOUND)   /* deleted meanwhile */
            json_api_error(resp, 400, "InvalidRequestException", "WorkGroup %s is not found.",
                           name);
        else if (st != STORE_OK)
            json_api_error(resp, 500, "InternalServerException", "%s", store_errmsg(s->store));
        else
            answer_empty(resp);
    }
    json_decref(wg);
}

/* A recursive delete stops the workgroup's unfinished queries and drops its
 * history and the managed results it kept; results written to S3 stay, as
 * in Athena. */
static json_t *stop_workgroup_queries(server *s, const char *name)
{
    json_t *ids = store_query_list(s->store, name, 0, SIZE_MAX, NULL);
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id)
        executor_cancel(s->executor, json_string_value(id));
    return ids;
}

static void remove_managed_results(server *s, const char *name, const json_t *ids)
{
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id)
        results_managed_remove(s->settings.data_dir, name, json_string_value(id));
    results_managed_remove_folder(s->settings.data_dir, name);
}

void athena_delete_work_group(server *s, const srv_request *req, const json_t *in,
                              srv_response *resp)
{
    const char *name;
    int recursive = 0;
    if (json_api_string(in, "WorkGroup", 1, 1, 128, &name, resp) < 0 ||
        json_api_bool(in, "RecursiveDeleteOption", 0, &recursive, resp) < 0)
        return;
    if (strcmp(name, "primary") == 0) {
        json_api_error(resp, 400, "InvalidRequestException",
                       "The primary workgroup cannot be deleted.");
        return;
    }
    json_t *wg = athena_require_workgroup(s, in, resp);
    if (!wg)
        return;
    json_decref(wg);
    json_t *ids = recursive ? stop_workgroup_queries(s, name) : NULL;
    store_status st = recursive ? store_workgroup_delete_recursive(s->store, name)
                                : store_workgroup_delete(s->store, name);
    if (st == STORE_NOT_EMPTY) {
        json_api_error(resp, 400, "InvalidRequestException", "WorkGroup %s is not empty", name);
    } else if (st == STORE_NOT_FOUND) {
        json_api_error(resp, 400, "InvalidRequestException", "WorkGroup %s is not found.", name);
    } else if (st != STORE_OK) {
        json_api_error(resp, 500, "InternalServerException", "%s", store_errmsg(s->store));
    } else {
        if (recursive)
            remove_managed_results(s, name, ids);
        answer_empty(resp);
    }
    json_decref(ids);
}
