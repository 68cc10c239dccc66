/*
 * test_srv_iam_identity.c: the identity lookup authentication and
 * authorization use (iam_identity.h, server_lookup_credentials): users'
 * keys (Active only), temporary credentials with their token and expiry,
 * root, and the cached policy sets: shared while IAM is unchanged, rebuilt
 * after any IAM write, with users' group and AWS managed policies.
 */
#include "iam_identity.h"
#include "store_fixture.h"
#include "store_iam.h"
#include "test.h"

static const char ALLOW_ALL[] =
    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
    "\"Resource\":\"*\"}]}";

static char *dir;
static server srv;

static int setup(void)
{
    memset(&srv, 0, sizeof srv);
    dir = make_data_dir();
    srv.store = dir ? open_store(dir) : NULL;
    srv.settings.account_id = "123456789012";
    srv.settings.region = "us-east-1";
    snprintf(srv.root_access_key_id, sizeof srv.root_access_key_id, "ALKIROOT");
    snprintf(srv.root_secret, sizeof srv.root_secret, "root-secret");
    return srv.store ? 0 : -1;
}

static void teardown(void)
{
    iam_identity_close(&srv);
    store_close(srv.store);
    srv.store = NULL;
    if (dir)
        remove_data_dir(dir);
    dir = NULL;
}

static void create(store_iam_kind kind, const char *name, const char *path)
{
    store_iam_entity e;
    memset(&e, 0, sizeof e);
    snprintf(e.name, sizeof e.name, "%s", name);
    snprintf(e.path, sizeof e.path, "%s", path);
    if (kind == STORE_IAM_ROLE) {
        e.trust_policy = strdup("{}");
        e.max_session_duration = 3600;
    }
    CHECK_INT(store_iam_create(srv.store, kind, &e), STORE_OK);
    store_iam_entity_clear(&e);
}

static void test_user_keys(void)
{
    REQUIRE(setup() == 0);
    create(STORE_IAM_USER, "Alice", "/eng/");
    store_iam_key key;
    REQUIRE(store_iam_key_create(srv.store, "alice", 2, &key) == STORE_OK);
    char secret[129], token[2048];
    srv_caller caller;
    CHECK_INT(iam_identity_lookup_key(&srv, key.access_key_id, secret, sizeof secret, token,
                                      sizeof token, &caller),
              IAM_KEY_FOUND);
    CHECK_STR(secret, key.secret);
    CHECK_STR(token, "");
    CHECK_INT(caller.kind, SRV_PRINCIPAL_USER);
    CHECK_STR(caller.arn, "arn:aws:iam::123456789012:user/eng/Alice");
    CHECK_STR(caller.user_name, "Alice");
    CHECK(strncmp(caller.user_id, "AIDA", 4) == 0);
    CHECK(!caller.is_root);

    /* Through the server's lookup too, as authentication calls it. */
    CHECK_INT(server_lookup_credentials(&srv, key.access_key_id, secret, sizeof secret, token,
                                        sizeof token, &caller),
              0);
    CHECK_INT(server_lookup_key(&srv, "ALKIROOT", secret, sizeof secret, &caller), 0);
    CHECK_STR(secret, "root-secret");
    CHECK_INT(caller.kind, SRV_PRINCIPAL_ROOT);
    CHECK_STR(caller.user_id, "123456789012");

    REQUIRE(store_iam_key_set_status(srv.store, "alice", key.access_key_id, "Inactive") ==
            STORE_OK);
    CHECK_INT(iam_identity_lookup_key(&srv, key.access_key_id, secret, sizeof secret, token,
                                      sizeof token, &caller),
              IAM_KEY_UNKNOWN);
    CHECK_INT(server_lookup_key(&srv, key.access_key_id, secret, sizeof secret, NULL), -1);
    CHECK_INT(iam_identity_lookup_key(&srv, "AKIANOSUCHKEY0000000", secret, sizeof secret,
                                      token, sizeof token, &caller),
              IAM_KEY_UNKNOWN);
    store_iam_key_clear(&key);
    teardown();
}

static void test_sessions(void)
{
    REQUIRE(setup() == 0);
    create(STORE_IAM_ROLE, "Reader", "/");
    store_iam_session session;
    REQUIRE(store_iam_session_create(srv.store, "reader", "job", 900, &session) == STORE_OK);
    char secret[129], token[2048];
    srv_caller caller;
    CHECK_INT(iam_identity_lookup_key(&srv, session.access_key_id, secret, sizeof secret, token,
                                      sizeof token, &caller),
              IAM_KEY_FOUND);
    CHECK_STR(secret, session.secret);
    CHECK_STR(token, session.token);
    CHECK_INT(caller.kind, SRV_PRINCIPAL_ASSUMED_ROLE);
    CHECK_STR(caller.arn, "arn:aws:sts::123456789012:assumed-role/Reader/job");
    CHECK_STR(caller.role_name, "Reader");
    CHECK_STR(caller.session_name, "job");
    CHECK(strncmp(caller.user_id, "AROA", 4) == 0 && strstr(caller.user_id, ":job"));
    CHECK_INT(caller.expires, session.expires);

    /* A token buffer too small for the token is refused, never cut. */
    char tiny[8];
    CHECK_INT(iam_identity_lookup_key(&srv, session.access_key_id, secret, sizeof secret, tiny,
                                      sizeof tiny, &caller),
              IAM_KEY_UNKNOWN);

    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE iam_sessions SET expires = 1 WHERE access_key_id = '%s'",
             session.access_key_id);
    free(raw_sql(dir, sql));
    CHECK(raw_sql_is(dir, "SELECT count(*) FROM iam_sessions WHERE expires = 1", "1"));
    CHECK_INT(iam_identity_lookup_key(&srv, session.access_key_id, secret, sizeof secret, token,
                                      sizeof token, &caller),
              IAM_KEY_EXPIRED);
    CHECK_STR(token, session.token);
    CHECK_INT(server_lookup_credentials(&srv, session.access_key_id, secret, sizeof secret,
                                        token, sizeof token, &caller),
              1);
    CHECK_INT(server_lookup_key(&srv, session.access_key_id, secret, sizeof secret, NULL), -1);
    store_iam_session_clear(&session);
    teardown();
}

static srv_caller user_caller(const char *name)
{
    srv_caller c;
    memset(&c, 0, sizeof c);
    c.kind = SRV_PRINCIPAL_USER;
    snprintf(c.user_name, sizeof c.user_name, "%s", name);
    return c;
}

static void test_policy_sets_are_cached_per_generation(void)
{
    REQUIRE(setup() == 0);
    create(STORE_IAM_USER, "bob", "/");
    create(STORE_IAM_GROUP, "team", "/");
    store_iam_kind missing;
    REQUIRE(store_iam_group_add(srv.store, "team", "bob", &missing) == STORE_OK);
    REQUIRE(store_iam_inline_put(srv.store, STORE_IAM_USER, "bob", "own", ALLOW_ALL) ==
            STORE_OK);
    srv_caller bob = user_caller("BOB");

    const iam_policy_set *first = iam_identity_policies(&srv, &bob);
    REQUIRE(first);
    CHECK_INT(first->count, 1);
    const iam_policy_set *again = iam_identity_policies(&srv, &bob);
    CHECK(again == first);   /* nothing changed: the cached set */
    iam_policy_set_release(again);

    int owner_missing;
    REQUIRE(store_iam_inline_put(srv.store, STORE_IAM_GROUP, "team", "shared", ALLOW_ALL) ==
            STORE_OK);
    REQUIRE(store_iam_attach(srv.store, STORE_IAM_GROUP, "team",
                             "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", 0,
                             &owner_missing) == STORE_OK);
    const iam_policy_set *after = iam_identity_policies(&srv, &bob);
    REQUIRE(after);
    CHECK(after != first);
    CHECK_INT(after->count, 3);
    for (size_t i = 0; i < after->count; i++)
        CHECK(after->items[i] != NULL);
    /* The old set stays usable until released. */
    CHECK_INT(first->count, 1);
    iam_policy_set_release(first);
    iam_policy_set_release(after);

    srv_caller ghost = user_caller("ghost");
    const iam_policy_set *none = iam_identity_policies(&srv, &ghost);
    REQUIRE(none);
    CHECK_INT(none->count, 0);
    iam_policy_set_release(none);

    srv_caller root;
    memset(&root, 0, sizeof root);
    root.kind = SRV_PRINCIPAL_ROOT;
    root.is_root = 1;
    CHECK(iam_identity_policies(&srv, &root) == NULL);
    teardown();
}

static void test_role_sets(void)
{
    REQUIRE(setup() == 0);
    create(STORE_IAM_ROLE, "worker", "/");
    int owner_missing;
    REQUIRE(store_iam_attach(srv.store, STORE_IAM_ROLE, "worker",
                             "arn:aws:iam::aws:policy/AmazonAthenaFullAccess", 0,
                             &owner_missing) == STORE_OK);
    srv_caller session;
    memset(&session, 0, sizeof session);
    session.kind = SRV_PRINCIPAL_ASSUMED_ROLE;
    snprintf(session.role_name, sizeof session.role_name, "Worker");
    const iam_policy_set *set = iam_identity_policies(&srv, &session);
    REQUIRE(set);
    CHECK_INT(set->count, 1);
    iam_policy_set_release(set);
    teardown();
}

int main(void)
{
    RUN(test_user_keys);
    RUN(test_sessions);
    RUN(test_policy_sets_are_cached_per_generation);
    RUN(test_role_sets);
    return test_summary();
}
