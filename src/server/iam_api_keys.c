/*
 * iam_api_keys.c: IAM users' access keys (CreateAccessKey, ListAccessKeys,
 * UpdateAccessKey, DeleteAccessKey). Without UserName, a user manages its
 * own keys, as in IAM. The secret appears once, in CreateAccessKey's
 * answer, and is never logged.
 */
#include "iam_api_internal.h"

#include "crypto.h"
#include "s3_xml.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define KEY_ID_MIN 16
#define KEY_ID_MAX 128

static void no_such_key(const query_call *c, const char *key_id)
{
    query_error(c, 404, "NoSuchEntity", "The Access Key with id %s cannot be found.", key_id);
}

/* The AccessKeyId parameter (word characters, 16..128). NULL after an error. */
static const char *key_id_param(const query_call *c)
{
    const char *id = query_required(c, "AccessKeyId");
    if (!id)
        return NULL;
    size_t n = strlen(id);
    int ok = n >= KEY_ID_MIN && n <= KEY_ID_MAX;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)id[i]) || id[i] == '_';
    if (!ok) {
        query_validation_error(c, id, "AccessKeyId",
                               "Member must satisfy regular expression pattern: [\\w]+");
        return NULL;
    }
    return id;
}

void iam_create_access_key(query_call *c, store_iam_kind kind)
{
    (void)kind;
    const char *user = iam_user_or_caller(c);
    if (!user)
        return;
    store_iam_key key;
    store_status status = store_iam_key_create(c->s->store, user, IAM_MAX_KEYS_PER_USER, &key);
    if (status == STORE_NOT_FOUND) {
        iam_no_such_entity(c, STORE_IAM_USER, user);
    } else if (status == STORE_NOT_EMPTY) {
        query_error(c, 409, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: %d",
                    IAM_MAX_KEYS_PER_USER);
    } else if (status != STORE_OK) {
        iam_store_failure(c, "create the access key");
    } else {
        buf *b = &c->resp->body;
        c->resp->sensitive = 1;
        int rc = query_begin(c, 1) || s3_xml_open(b, "AccessKey") ||
                 s3_xml_text(b, "UserName", key.user_name) ||
                 s3_xml_text(b, "AccessKeyId", key.access_key_id) ||
                 s3_xml_text(b, "Status", key.status) ||
                 s3_xml_text(b, "SecretAccessKey", key.secret) ||
                 query_xml_date(b, "CreateDate", key.created) || s3_xml_close(b, "AccessKey");
        query_finish(c, 1, rc);
    }
    store_iam_key_clear(&key);
}

static int write_key_metadata(buf *b, const store_iam_key *k)
{
    return s3_xml_open(b, "member") || s3_xml_text(b, "UserName", k->user_name) ||
           s3_xml_text(b, "AccessKeyId", k->access_key_id) || s3_xml_text(b, "Status", k->status) ||
           query_xml_date(b, "CreateDate", k->created) || s3_xml_close(b, "member");
}

/* The keys after marker (a key id), at most max_items of them. */
static int write_key_list(query_call *c, const store_iam_key *keys, size_t count,
                          const char *marker, size_t max_items)
{
    buf *b = c->out;
    size_t start = 0, written = 0;
    if (marker)
        while (start < count && strcmp(keys[start].access_key_id, marker) <= 0)
            start++;
    int rc = s3_xml_open(b, "AccessKeyMetadata");
    for (size_t i = start; !rc && i < count && written < max_items; i++, written++)
        rc = write_key_metadata(b, &keys[i]);
    size_t last = start + written;
    return rc || s3_xml_close(b, "AccessKeyMetadata") ||
           query_xml_paging(b, last < count, written ? keys[last - 1].access_key_id : NULL);
}

static int by_key_id(const void *a, const void *b)
{
    return strcmp(((const store_iam_key *)a)->access_key_id,
                  ((const store_iam_key *)b)->access_key_id);
}

void iam_list_access_keys(query_call *c, store_iam_kind kind)
{
    (void)kind;
    const char *marker;
    size_t max_items;
    if (query_paging(c, &marker, &max_items) != 0)
        return;
    const char *user = iam_user_or_caller(c);
    if (!user)
        return;
    store_iam_key *keys;
    size_t count;
    store_status status = store_iam_key_list(c->s->store, user, &keys, &count);
    if (status == STORE_NOT_FOUND) {
        iam_no_such_entity(c, STORE_IAM_USER, user);
        return;
    }
    if (status != STORE_OK) {
        iam_store_failure(c, "list the access keys");
        return;
    }
    /* Markers are key ids, so the pages go in key id order. */
    qsort(keys, count, sizeof *keys, by_key_id);
    query_finish(c, 1, query_begin(c, 1) || write_key_list(c, keys, count, marker, max_items));
    free(keys);
}

/* Maps a key write's result; NoSuchEntity names the user or the key. */
static void key_write_result(query_call *c, store_status status, const char *user,
                             const char *key_id)
{
    store_iam_entity e;
    if (status == STORE_OK) {
        query_empty(c);
    } else if (status == STORE_NOT_FOUND) {
        if (store_iam_get(c->s->store, STORE_IAM_USER, user, &e) == STORE_OK)
            no_such_key(c, key_id);
        else
            iam_no_such_entity(c, STORE_IAM_USER, user);
        store_iam_entity_clear(&e);
    } else {
        iam_store_failure(c, "change the access key");
    }
}

void iam_update_access_key(query_call *c, store_iam_kind kind)
{
    (void)kind;
    const char *key_id = key_id_param(c);
    const char *status_text = key_id ? query_required(c, "Status") : NULL;
    if (!status_text)
        return;
    if (strcmp(status_text, "Active") != 0 && strcmp(status_text, "Inactive") != 0) {
        query_validation_error(c, status_text, "Status",
                               "Member must satisfy enum value set: [Active, Inactive, Expired]");
        return;
    }
    const char *user = iam_user_or_caller(c);
    if (user)
        key_write_result(c, store_iam_key_set_status(c->s->store, user, key_id, status_text),
                         user, key_id);
}

void iam_delete_access_key(query_call *c, store_iam_kind kind)
{
    (void)kind;
    const char *key_id = key_id_param(c);
    const char *user = key_id ? iam_user_or_caller(c) : NULL;
    if (user)
        key_write_result(c, store_iam_key_delete(c->s->store, user, key_id), user, key_id);
}
