/*
 * test_metadata_cache.c: the client's Glue metadata cache: TTL expiry on a
 * fake clock, LRU eviction by entry count and by size, replacement, turning
 * it off, keys that cannot collide; and through a real client, that a cached
 * GetTable answer is served without any request (the endpoint refuses
 * connections), that athena_metadata_cache_clear() drops it, and that a bad
 * metadata_cache_ttl_ms in the profile is a configuration error.
 */
#include "client.h"
#include "config_fixture.h"
#include "metadata_cache.h"

static long long fake_now;

static long long fake_clock(void *unused)
{
    return fake_now;
}

static json_t *value(const char *text)
{
    return json_pack("{s:s}", "v", text);
}

static const char *text_of(json_t *v)
{
    return json_string_value(json_object_get(v, "v"));
}

static void test_ttl_expiry(void)
{
    fake_now = 1000;
    metadata_cache *c = metadata_cache_new(500, 0, 0, fake_clock, NULL);
    REQUIRE(c != NULL);
    json_t *v = value("one");
    CHECK_INT(metadata_cache_put(c, "k", v), 0);
    json_decref(v);
    fake_now = 1499;
    json_t *got = metadata_cache_get(c, "k");
    CHECK_STR(text_of(got), "one");
    json_decref(got);
    fake_now = 1500; /* expires exactly at put time + TTL */
    CHECK(metadata_cache_get(c, "k") == NULL);
    CHECK_INT(metadata_cache_count(c), 0);
    CHECK_INT(metadata_cache_bytes(c), 0);
    CHECK(metadata_cache_get(c, "absent") == NULL);
    metadata_cache_free(c);
}

static void test_disabled(void)
{
    metadata_cache *c = metadata_cache_new(0, 0, 0, fake_clock, NULL);
    json_t *v = value("x");
    CHECK_INT(metadata_cache_put(c, "k", v), 0);
    CHECK(metadata_cache_get(c, "k") == NULL);
    CHECK_INT(metadata_cache_count(c), 0);
    metadata_cache_set_ttl(c, 100);
    metadata_cache_put(c, "k", v);
    CHECK_INT(metadata_cache_count(c), 1);
    metadata_cache_set_ttl(c, 0); /* off: emptied */
    CHECK_INT(metadata_cache_count(c), 0);
    CHECK_INT(metadata_cache_ttl(c), 0);
    metadata_cache_set_ttl(c, -5);
    CHECK_INT(metadata_cache_ttl(c), 0);
    json_decref(v);
    metadata_cache_free(c);
}

static void test_lru_by_count(void)
{
    fake_now = 0;
    metadata_cache *c = metadata_cache_new(10000, 3, 0, fake_clock, NULL);
    const char *keys[] = {"a", "b", "c"};
    for (int i = 0; i < 3; i++) {
        json_t *v = value(keys[i]);
        metadata_cache_put(c, keys[i], v);
        json_decref(v);
    }
    json_decref(metadata_cache_get(c, "a")); /* a is now the most recent; b the least */
    json_t *d = value("d");
    metadata_cache_put(c, "d", d);
    json_decref(d);
    CHECK_INT(metadata_cache_count(c), 3);
    json_t *b = metadata_cache_get(c, "b");
    CHECK(b == NULL);
    json_t *a = metadata_cache_get(c, "a"), *cc = metadata_cache_get(c, "c"),
           *dd = metadata_cache_get(c, "d");
    CHECK_STR(text_of(a), "a");
    CHECK_STR(text_of(cc), "c");
    CHECK_STR(text_of(dd), "d");
    json_decref(a), json_decref(cc), json_decref(dd);
    metadata_cache_free(c);
}

static void test_lru_by_bytes(void)
{
    fake_now = 0;
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    metadata_cache *c = metadata_cache_new(10000, 100, 8000, fake_clock, NULL);
    for (int i = 0; i < 5; i++) {
        char key[8];
        snprintf(key, sizeof key, "k%d", i);
        json_t *v = value(big);
        metadata_cache_put(c, key, v);
        json_decref(v);
        CHECK(metadata_cache_bytes(c) <= 8000);
    }
    CHECK_INT(metadata_cache_count(c), 2); /* about 3.2 KB each */
    json_t *k4 = metadata_cache_get(c, "k4"), *k0 = metadata_cache_get(c, "k0");
    CHECK(k4 != NULL);
    CHECK(k0 == NULL);
    json_decref(k4);
    /* Larger than the whole budget: not stored, nothing evicted. */
    char huge[9000];
    memset(huge, 'y', sizeof huge - 1);
    huge[sizeof huge - 1] = '\0';
    json_t *h = value(huge);
    CHECK_INT(metadata_cache_put(c, "huge", h), 0);
    json_decref(h);
    CHECK(metadata_cache_get(c, "huge") == NULL);
    CHECK_INT(metadata_cache_count(c), 2);
    metadata_cache_free(c);
}

static void test_replace_and_clear(void)
{
    fake_now = 0;
    metadata_cache *c = metadata_cache_new(100, 0, 0, fake_clock, NULL);
    json_t *v1 = value("first"), *v2 = value("second");
    metadata_cache_put(c, "k", v1);
    fake_now = 90;
    metadata_cache_put(c, "k", v2); /* replaced: a fresh expiry */
    json_decref(v1), json_decref(v2);
    CHECK_INT(metadata_cache_count(c), 1);
    fake_now = 150;
    json_t *got = metadata_cache_get(c, "k");
    CHECK_STR(text_of(got), "second");
    /* The value handed out stays valid after the cache lets go of it. */
    metadata_cache_clear(c);
    CHECK_INT(metadata_cache_count(c), 0);
    CHECK_STR(text_of(got), "second");
    json_decref(got);
    CHECK(metadata_cache_get(c, "k") == NULL);
    metadata_cache_free(c);
    metadata_cache_free(NULL);
}

static void test_keys(void)
{
    const char *ab_c[] = {"a|b", "c"}, *a_bc[] = {"a", "b|c"};
    const char *with_null[] = {"GetPartitions", NULL}, *with_empty[] = {"GetPartitions", ""};
    char *k1 = metadata_cache_key(ab_c, 2), *k2 = metadata_cache_key(a_bc, 2);
    char *k3 = metadata_cache_key(with_null, 2), *k4 = metadata_cache_key(with_empty, 2);
    REQUIRE(k1 && k2 && k3 && k4);
    CHECK(strcmp(k1, k2) != 0);
    CHECK(strcmp(k3, k4) != 0);
    CHECK_STR(k1, "3:a|b|1:c|");
    CHECK_STR(k3, "13:GetPartitions|-|");
    free(k1), free(k2), free(k3), free(k4);
}

/* A client whose Glue endpoint refuses connections. */
static athena_client *offline_client(athena_config **config, const char *profile_extra)
{
    fresh_home();
    char text[512];
    snprintf(text, sizeof text,
             "[default]\nregion = us-east-1\naws_access_key_id = AKIDEXAMPLE\n"
             "aws_secret_access_key = secret\nathena_database = sales\n%s",
             profile_extra);
    write_file(".aws/config", text, 0600);
    athena_config_options o = {0};
    o.endpoint_url = "http://127.0.0.1:1";
    o.max_attempts = 1;
    o.connect_timeout_ms = 2000;
    athena_error err;
    if (athena_config_load(&o, config, &err) != ATHENA_OK)
        return NULL;
    athena_client *c = NULL;
    if (athena_client_create(*config, &c, &err) != ATHENA_OK) {
        athena_config_free(*config);
        return NULL;
    }
    return c;
}

static void test_client_serves_cached_table(void)
{
    athena_config *config = NULL;
    athena_client *c = offline_client(&config, "");
    REQUIRE(c != NULL);
    CHECK_INT(athena_client_set_metadata_cache_ttl(c, -1), ATHENA_E_ARG);
    CHECK_INT(athena_client_set_metadata_cache_ttl(c, 60000), ATHENA_OK);
    const char *parts[] = {"GetTable", "sales", "orders"};
    char *key = metadata_cache_key(parts, 3);
    json_t *answer = json_pack("{s:{s:s,s:s,s:{s:s}}}", "Table", "Name", "orders",
                               "DatabaseName", "sales", "StorageDescriptor", "Location",
                               "s3://b/orders/");
    REQUIRE(key && answer);
    metadata_cache_put(c->metadata_cache, key, answer);
    json_decref(answer);
    free(key);

    athena_table *t = NULL;
    CHECK_INT(athena_glue_get_table(c, NULL, "orders", &t), ATHENA_OK); /* default database */
    REQUIRE(t != NULL);
    CHECK_STR(t->location, "s3://b/orders/");
    athena_table_free(t);

    athena_metadata_cache_clear(c);
    CHECK_INT(athena_glue_get_table(c, "sales", "orders", &t), ATHENA_E_NETWORK);
    CHECK(t == NULL);
    CHECK_STR(athena_client_error(c)->code, "EndpointConnectionError");
    /* Failures are not cached. */
    CHECK_INT(metadata_cache_count(c->metadata_cache), 0);

    CHECK_INT(athena_glue_get_table(c, "sales", "", &t), ATHENA_E_ARG);
    CHECK_STR(athena_client_error(c)->message, "the table name is empty");
    athena_client_destroy(c);
    athena_config_free(config);
}

static void test_profile_ttl(void)
{
    athena_config *config = NULL;
    athena_client *c = offline_client(&config, "metadata_cache_ttl_ms = soon\n");
    REQUIRE(c != NULL);
    athena_database *d = NULL;
    CHECK_INT(athena_glue_get_database(c, "sales", &d), ATHENA_E_CONFIG);
    CHECK(strstr(athena_client_error(c)->message, "metadata_cache_ttl_ms") != NULL);
    athena_client_destroy(c);
    athena_config_free(config);

    c = offline_client(&config, "metadata_cache_ttl_ms = 250\n");
    REQUIRE(c != NULL);
    CHECK_INT(athena_glue_get_database(c, "sales", &d), ATHENA_E_NETWORK);
    CHECK_INT(metadata_cache_ttl(c->metadata_cache), 250);
    athena_client_destroy(c);
    athena_config_free(config);
    remove_tree(home);
}

int main(void)
{
    RUN(test_ttl_expiry);
    RUN(test_disabled);
    RUN(test_lru_by_count);
    RUN(test_lru_by_bytes);
    RUN(test_replace_and_clear);
    RUN(test_keys);
    RUN(test_client_serves_cached_table);
    RUN(test_profile_ttl);
    return test_summary();
}
