/*
 * test_srv_store_iam.c: the IAM store (store_iam.h): users, groups and
 * roles with case-insensitive names, access keys and their quota, inline
 * and managed policies, attachments, the DeleteConflict rules, the policy
 * union authorization evaluates, sessions, paging and the generation
 * counter.
 */
#include "store_fixture.h"
#include "store_iam.h"
#include "test.h"

static char *dir;
static store *st;

static void setup(void)
{
    dir = make_data_dir();
    st = dir ? open_store(dir) : NULL;
}

static void teardown(void)
{
    store_close(st);
    st = NULL;
    if (dir)
        remove_data_dir(dir);
    dir = NULL;
}

static store_status create(store_iam_kind kind, const char *name)
{
    store_iam_entity e;
    memset(&e, 0, sizeof e);
    snprintf(e.name, sizeof e.name, "%s", name);
    snprintf(e.path, sizeof e.path, "/");
    if (kind == STORE_IAM_ROLE) {
        e.trust_policy = strdup("{\"Statement\":[]}");
        e.max_session_duration = 3600;
    }
    store_status status = store_iam_create(st, kind, &e);
    store_iam_entity_clear(&e);
    return status;
}

static void test_users_are_case_insensitive(void)
{
    setup();
    REQUIRE(st);
    unsigned long before = store_iam_generation();
    CHECK_INT(create(STORE_IAM_USER, "Alice"), STORE_OK);
    CHECK(store_iam_generation() > before);
    CHECK_INT(create(STORE_IAM_USER, "alice"), STORE_EXISTS);
    /* A group may share a user's name. */
    CHECK_INT(create(STORE_IAM_GROUP, "alice"), STORE_OK);
    store_iam_entity e;
    CHECK_INT(store_iam_get(st, STORE_IAM_USER, "ALICE", &e), STORE_OK);
    CHECK_STR(e.name, "Alice");
    CHECK(strncmp(e.id, "AIDA", 4) == 0 && strlen(e.id) == 21);
    CHECK_STR(e.path, "/");
    CHECK(e.created > 0);
    store_iam_entity_clear(&e);
    CHECK_INT(store_iam_get(st, STORE_IAM_USER, "bob", &e), STORE_NOT_FOUND);
    CHECK_INT(store_iam_get(st, STORE_IAM_ROLE, "alice", &e), STORE_NOT_FOUND);
    teardown();
}

static void test_list_pages_by_name(void)
{
    setup();
    REQUIRE(st);
    const char *names[] = {"carol", "Bob", "alice", "dave", "Erin"};
    for (size_t i = 0; i < 5; i++)
        CHECK_INT(create(STORE_IAM_USER, names[i]), STORE_OK);
    store_iam_entity *items;
    size_t count;
    int truncated;
    REQUIRE(store_iam_list(st, STORE_IAM_USER, NULL, NULL, 2, &items, &count, &truncated) ==
            STORE_OK);
    CHECK_INT(count, 2);
    CHECK(truncated);
    CHECK_STR(items[0].name, "alice");
    CHECK_STR(items[1].name, "Bob");
    char marker[STORE_IAM_NAME_CAP];
    snprintf(marker, sizeof marker, "%s", items[1].name);
    store_iam_entities_free(items, count);
    REQUIRE(store_iam_list(st, STORE_IAM_USER, NULL, marker, 10, &items, &count, &truncated) ==
            STORE_OK);
    CHECK_INT(count, 3);
    CHECK(!truncated);
    CHECK_STR(items[0].name, "carol");
    CHECK_STR(items[2].name, "Erin");
    store_iam_entities_free(items, count);
    REQUIRE(store_iam_list(st, STORE_IAM_USER, "/engineering/", NULL, 10, &items, &count,
                           &truncated) == STORE_OK);
    CHECK_INT(count, 0);
    store_iam_entities_free(items, count);
    teardown();
}

static void test_access_keys(void)
{
    setup();
    REQUIRE(st);
    REQUIRE(create(STORE_IAM_USER, "app") == STORE_OK);
    store_iam_key k1, k2, k3;
    CHECK_INT(store_iam_key_create(st, "nobody", 2, &k1), STORE_NOT_FOUND);
    REQUIRE(store_iam_key_create(st, "APP", 2, &k1) == STORE_OK);
    CHECK(strncmp(k1.access_key_id, "AKIA", 4) == 0 && strlen(k1.access_key_id) == 20);
    CHECK_INT(strlen(k1.secret), 40);
    CHECK_STR(k1.user_name, "app");
    CHECK_STR(k1.status, "Active");
    REQUIRE(store_iam_key_create(st, "app", 2, &k2) == STORE_OK);
    CHECK(strcmp(k1.access_key_id, k2.access_key_id) != 0);
    CHECK(strcmp(k1.secret, k2.secret) != 0);
    CHECK_INT(store_iam_key_create(st, "app", 2, &k3), STORE_NOT_EMPTY);

    store_iam_key found;
    store_iam_entity user;
    REQUIRE(store_iam_key_find(st, k1.access_key_id, &found, &user) == STORE_OK);
    CHECK_STR(found.secret, k1.secret);
    CHECK_STR(user.name, "app");
    CHECK(strncmp(user.id, "AIDA", 4) == 0);
    store_iam_key_clear(&found);

    CHECK_INT(store_iam_key_set_status(st, "app", k1.access_key_id, "Inactive"), STORE_OK);
    CHECK_INT(store_iam_key_set_status(st, "other", k1.access_key_id, "Active"),
              STORE_NOT_FOUND);
    store_iam_key *keys;
    size_t count;
    REQUIRE(store_iam_key_list(st, "app", &keys, &count) == STORE_OK);
    CHECK_INT(count, 2);
    for (size_t i = 0; i < count; i++) {
        CHECK_STR(keys[i].secret, "");
        if (strcmp(keys[i].access_key_id, k1.access_key_id) == 0)
            CHECK_STR(keys[i].status, "Inactive");
    }
    free(keys);

    const char *conflict = NULL;
    CHECK_INT(store_iam_delete(st, STORE_IAM_USER, "app", &conflict), STORE_NOT_EMPTY);
    CHECK_STR(conflict, "Cannot delete entity, must delete access keys first.");
    CHECK_INT(store_iam_key_delete(st, "app", k1.access_key_id), STORE_OK);
    CHECK_INT(store_iam_key_delete(st, "app", k1.access_key_id), STORE_NOT_FOUND);
    CHECK_INT(store_iam_key_delete(st, "app", k2.access_key_id), STORE_OK);
    CHECK_INT(store_iam_key_find(st, k2.access_key_id, &found, &user), STORE_NOT_FOUND);
    CHECK_INT(store_iam_delete(st, STORE_IAM_USER, "app", &conflict), STORE_OK);
    CHECK_INT(store_iam_delete(st, STORE_IAM_USER, "app", &conflict), STORE_NOT_FOUND);
    store_iam_key_clear(&k1);
    store_iam_key_clear(&k2);
    teardown();
}

static void test_groups_and_delete_conflicts(void)
{
    setup();
    REQUIRE(st);
    REQUIRE(create(STORE_IAM_USER, "u1") == STORE_OK);
    REQUIRE(create(STORE_IAM_GROUP, "readers") == STORE_OK);
    store_iam_kind missing;
    CHECK_INT(store_iam_group_add(st, "nogroup", "u1", &missing), STORE_NOT_FOUND);
    CHECK_INT(missing, STORE_IAM_GROUP);
    CHECK_INT(store_iam_group_add(st, "readers", "nouser", &missing), STORE_NOT_FOUND);
    CHECK_INT(missing, STORE_IAM_USER);
    CHECK_INT(store_iam_group_add(st, "READERS", "U1", &missing), STORE_OK);
    CHECK_INT(store_iam_group_add(st, "readers", "u1", &missing), STORE_OK);

    store_iam_entity *items;
    size_t count;
    int truncated;
    REQUIRE(store_iam_members(st, STORE_IAM_GROUP, "u1", NULL, 10, &items, &count, &truncated) ==
            STORE_OK);
    CHECK_INT(count, 1);
    CHECK_STR(count ? items[0].name : "", "readers");
    store_iam_entities_free(items, count);
    REQUIRE(store_iam_members(st, STORE_IAM_USER, "readers", NULL, 10, &items, &count,
                              &truncated) == STORE_OK);
    CHECK_INT(count, 1);
    store_iam_entities_free(items, count);

    const char *conflict = NULL;
    CHECK_INT(store_iam_delete(st, STORE_IAM_USER, "u1", &conflict), STORE_NOT_EMPTY);
    CHECK_STR(conflict, "Cannot delete entity, must remove users from group first.");
    CHECK_INT(store_iam_delete(st, STORE_IAM_GROUP, "readers", &conflict), STORE_NOT_EMPTY);
    CHECK_INT(store_iam_group_remove(st, "readers", "u1", &missing), STORE_OK);
    CHECK_INT(store_iam_group_remove(st, "readers", "u1", &missing), STORE_NOT_FOUND);

    CHECK_INT(store_iam_inline_put(st, STORE_IAM_USER, "u1", "p", "{}"), STORE_OK);
    CHECK_INT(store_iam_delete(st, STORE_IAM_USER, "u1", &conflict), STORE_NOT_EMPTY);
    CHECK_STR(conflict, "Cannot delete entity, must delete policies first.");
    int owner_missing;
    CHECK_INT(store_iam_inline_delete(st, STORE_IAM_USER, "u1", "P", &owner_missing), STORE_OK);
    CHECK_INT(store_iam_attach(st, STORE_IAM_USER, "u1", "arn:aws:iam::aws:policy/X", 0,
                               &owner_missing),
              STORE_OK);
    CHECK_INT(store_iam_delete(st, STORE_IAM_USER, "u1", &conflict), STORE_NOT_EMPTY);
    CHECK_STR(conflict, "Cannot delete entity, must detach all policies first.");
    CHECK_INT(store_iam_detach(st, STORE_IAM_USER, "u1", "arn:aws:iam::aws:policy/X",
                               &owner_missing),
              STORE_OK);
    CHECK_INT(store_iam_delete(st, STORE_IAM_USER, "u1", &conflict), STORE_OK);
    teardown();
}

static void test_inline_policies(void)
{
    setup();
    REQUIRE(st);
    REQUIRE(create(STORE_IAM_ROLE, "reader") == STORE_OK);
    int owner_missing;
    CHECK_INT(store_iam_inline_put(st, STORE_IAM_ROLE, "nobody", "p", "{}"), STORE_NOT_FOUND);
    CHECK_INT(store_iam_inline_put(st, STORE_IAM_ROLE, "reader", "ReadAll", "{\"a\":1}"),
              STORE_OK);
    CHECK_INT(store_iam_inline_put(st, STORE_IAM_ROLE, "reader", "readall", "{\"a\":2}"),
              STORE_OK);
    CHECK_INT(store_iam_inline_put(st, STORE_IAM_ROLE, "reader", "Other", "{}"), STORE_OK);
    char *doc = NULL;
    char name[STORE_IAM_NAME_CAP];
    REQUIRE(store_iam_inline_get(st, STORE_IAM_ROLE, "READER", "READALL", &doc, name,
                                 &owner_missing) == STORE_OK);
    CHECK_STR(doc, "{\"a\":2}");
    CHECK_STR(name, "ReadAll");
    free(doc);
    CHECK_INT(store_iam_inline_get(st, STORE_IAM_ROLE, "reader", "none", &doc, name,
                                   &owner_missing),
              STORE_NOT_FOUND);
    CHECK(!owner_missing);
    CHECK_INT(store_iam_inline_get(st, STORE_IAM_USER, "reader", "ReadAll", &doc, name,
                                   &owner_missing),
              STORE_NOT_FOUND);
    CHECK(owner_missing);
    char **names;
    size_t count;
    int truncated;
    REQUIRE(store_iam_inline_list(st, STORE_IAM_ROLE, "reader", NULL, 1, &names, &count,
                                  &truncated) == STORE_OK);
    CHECK_INT(count, 1);
    CHECK(truncated);
    CHECK_STR(count ? names[0] : "", "Other");
    store_iam_strings_free(names, count);
    teardown();
}

static void test_managed_policies_and_union(void)
{
    setup();
    REQUIRE(st);
    REQUIRE(create(STORE_IAM_USER, "u") == STORE_OK);
    REQUIRE(create(STORE_IAM_GROUP, "g") == STORE_OK);
    store_iam_kind missing;
    REQUIRE(store_iam_group_add(st, "g", "u", &missing) == STORE_OK);

    store_iam_policy p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "Managed");
    snprintf(p.path, sizeof p.path, "/team/");
    p.document = strdup("{\"m\":1}");
    REQUIRE(store_iam_policy_create(st, "arn:aws:iam::123456789012:policy", &p) == STORE_OK);
    CHECK_STR(p.arn, "arn:aws:iam::123456789012:policy/team/Managed");
    CHECK(strncmp(p.id, "ANPA", 4) == 0);
    char arn[STORE_IAM_ARN_CAP];
    snprintf(arn, sizeof arn, "%s", p.arn);
    store_iam_policy_clear(&p);
    snprintf(p.name, sizeof p.name, "MANAGED");
    snprintf(p.path, sizeof p.path, "/");
    p.document = strdup("{}");
    CHECK_INT(store_iam_policy_create(st, "arn:aws:iam::123456789012:policy", &p), STORE_EXISTS);
    store_iam_policy_clear(&p);

    int owner_missing;
    CHECK_INT(store_iam_attach(st, STORE_IAM_USER, "u", "arn:aws:iam::123456789012:policy/none",
                               1, &owner_missing),
              STORE_NOT_FOUND);
    CHECK(!owner_missing);
    CHECK_INT(store_iam_attach(st, STORE_IAM_GROUP, "g", arn, 1, &owner_missing), STORE_OK);
    CHECK_INT(store_iam_attach(st, STORE_IAM_USER, "u", "arn:aws:iam::aws:policy/A", 0,
                               &owner_missing),
              STORE_OK);
    CHECK_INT(store_iam_inline_put(st, STORE_IAM_USER, "u", "mine", "{\"u\":1}"), STORE_OK);
    CHECK_INT(store_iam_inline_put(st, STORE_IAM_GROUP, "g", "ours", "{\"g\":1}"), STORE_OK);

    char **docs, **aws;
    size_t ndocs, naws;
    REQUIRE(store_iam_effective_policies(st, STORE_IAM_USER, "U", &docs, &ndocs, &aws, &naws) ==
            STORE_OK);
    CHECK_INT(ndocs, 3);
    int seen = 0;
    for (size_t i = 0; i < ndocs; i++)
        seen |= strcmp(docs[i], "{\"u\":1}") == 0 ? 1 : strcmp(docs[i], "{\"g\":1}") == 0 ? 2
                : strcmp(docs[i], "{\"m\":1}") == 0                                      ? 4
                                                                                         : 8;
    CHECK_INT(seen, 7);
    CHECK_INT(naws, 1);
    CHECK_STR(naws ? aws[0] : "", "arn:aws:iam::aws:policy/A");
    store_iam_strings_free(docs, ndocs);
    store_iam_strings_free(aws, naws);
    CHECK_INT(store_iam_effective_policies(st, STORE_IAM_ROLE, "u", &docs, &ndocs, &aws, &naws),
              STORE_NOT_FOUND);

    store_iam_policy *items;
    size_t count;
    int truncated;
    REQUIRE(store_iam_policy_list(st, NULL, 1, NULL, 10, &items, &count, &truncated) ==
            STORE_OK);
    CHECK_INT(count, 1);
    CHECK_INT(count ? items[0].attachments : 0, 1);
    store_iam_policies_free(items, count);
    CHECK_INT(store_iam_policy_delete(st, arn), STORE_NOT_EMPTY);
    CHECK_INT(store_iam_detach(st, STORE_IAM_GROUP, "g", arn, &owner_missing), STORE_OK);
    CHECK_INT(store_iam_policy_delete(st, arn), STORE_OK);
    CHECK_INT(store_iam_policy_get(st, arn, &p), STORE_NOT_FOUND);
    teardown();
}

static void test_sessions(void)
{
    setup();
    REQUIRE(st);
    REQUIRE(create(STORE_IAM_ROLE, "Worker") == STORE_OK);
    store_iam_session s, found;
    CHECK_INT(store_iam_session_create(st, "nobody", "s", 900, &s), STORE_NOT_FOUND);
    unsigned long before = store_iam_generation();
    REQUIRE(store_iam_session_create(st, "worker", "job-1", 900, &s) == STORE_OK);
    CHECK_INT(store_iam_generation(), before);
    CHECK(strncmp(s.access_key_id, "ASIA", 4) == 0 && strlen(s.access_key_id) == 20);
    CHECK_STR(s.role_name, "Worker");
    CHECK(strncmp(s.role_id, "AROA", 4) == 0);
    CHECK(strlen(s.token) >= 100);
    REQUIRE(store_iam_session_find(st, s.access_key_id, &found) == STORE_OK);
    CHECK_STR(found.secret, s.secret);
    CHECK_STR(found.token, s.token);
    CHECK_STR(found.session_name, "job-1");
    CHECK_INT(found.expires, s.expires);
    store_iam_session_clear(&found);
    /* Deleting the role ends its sessions. */
    const char *conflict;
    CHECK_INT(store_iam_delete(st, STORE_IAM_ROLE, "Worker", &conflict), STORE_OK);
    REQUIRE(create(STORE_IAM_ROLE, "Worker") == STORE_OK);
    CHECK_INT(store_iam_session_find(st, s.access_key_id, &found), STORE_NOT_FOUND);
    store_iam_session_clear(&s);
    teardown();
}

static void test_survives_reopen(void)
{
    setup();
    REQUIRE(st);
    REQUIRE(create(STORE_IAM_USER, "kept") == STORE_OK);
    store_close(st);
    st = open_store(dir);
    REQUIRE(st);
    store_iam_entity e;
    CHECK_INT(store_iam_get(st, STORE_IAM_USER, "kept", &e), STORE_OK);
    store_iam_entity_clear(&e);
    CHECK(raw_sql_is(dir, "SELECT name FROM iam_entities", "kept"));
    teardown();
}

int main(void)
{
    RUN(test_users_are_case_insensitive);
    RUN(test_list_pages_by_name);
    RUN(test_access_keys);
    RUN(test_groups_and_delete_conflicts);
    RUN(test_inline_policies);
    RUN(test_managed_policies_and_union);
    RUN(test_sessions);
    RUN(test_survives_reopen);
    return test_summary();
}
