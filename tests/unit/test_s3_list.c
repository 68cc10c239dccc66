/*
 * test_s3_list.c: recorded ListObjectsV2 and ListBuckets answers decoded
 * (encoding-type=url: '+' is a space, %2B a plus, UTF-8 and control
 * characters; the plain form left as is), malformed and hostile XML refused
 * with a clear error, the addressing rules (virtual-hosted on AWS, path-style
 * elsewhere), s3:// URIs, and athena_s3_list's argument checks.
 */
#include "config_fixture.h"
#include "s3.h"

static const char *fixtures_dir(void)
{
    static char path[1024];
    const char *f = getenv("ATHENA_FIXTURES");
    if (f)
        return f;
    const char *src = getenv("ATHENA_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/fixtures", src ? src : ".");
    return path;
}

/* The fixture's bytes (malloc'ed) and length. */
static char *load_fixture(const char *name, size_t *len)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/s3/%s", fixtures_dir(), name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return NULL;
    }
    char *data = malloc(1 << 16);
    *len = data ? fread(data, 1, (1 << 16) - 1, f) : 0;
    fclose(f);
    if (data)
        data[*len] = '\0';
    return data;
}

static athena_status parse_text(const char *xml, athena_s3_listing **out, athena_error *err)
{
    return s3_parse_list_objects(xml, strlen(xml), out, err);
}

static void test_url_encoded_listing(void)
{
    size_t len;
    char *xml = load_fixture("list_objects_url.xml", &len);
    REQUIRE(xml != NULL);
    athena_s3_listing *l = NULL;
    athena_error err;
    CHECK_INT(s3_parse_list_objects(xml, len, &l, &err), ATHENA_OK);
    free(xml);
    REQUIRE(l != NULL);
    CHECK_STR(l->bucket, "example-data");
    CHECK_STR(l->prefix, "sales/orders/");
    CHECK_INT(l->is_truncated, 1);
    CHECK_STR(l->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
    REQUIRE(l->object_count == 3);
    CHECK_STR(l->objects[0].key, "sales/orders/data file 1.csv");
    CHECK_INT(l->objects[0].size, 1048576);
    CHECK_STR(l->objects[0].etag, "\"9b2cf535f27731c974343645a3985328\"");
    CHECK_STR(l->objects[0].last_modified, "2024-05-01T12:00:00.000Z");
    CHECK(l->objects[0].last_modified_epoch == 1714564800.0);
    CHECK_STR(l->objects[0].storage_class, "STANDARD");
    CHECK_STR(l->objects[1].key, "sales/orders/a+b=c&d.csv");
    CHECK_INT(l->objects[1].size, 0);
    CHECK_STR(l->objects[1].etag, "\"3858f62230ac3c915f300c664312c11f-2\"");
    CHECK(l->objects[1].last_modified_epoch == 1714638615.25);
    CHECK_STR(l->objects[2].key, "sales/orders/\xe6\x9d\xb1\xe4\xba\xac\x01" "ctl.csv");
    CHECK_INT(l->objects[2].size, 9007199254740993LL);
    CHECK_STR(l->objects[2].storage_class, "GLACIER");
    REQUIRE(l->common_prefix_count == 2);
    CHECK_STR(l->common_prefixes[0], "sales/orders/year=2024/");
    CHECK_STR(l->common_prefixes[1], "sales/orders/my dir/");
    athena_s3_listing_free(l);
}

static void test_plain_listing(void)
{
    size_t len;
    char *xml = load_fixture("list_objects_plain.xml", &len);
    REQUIRE(xml != NULL);
    athena_s3_listing *l = NULL;
    athena_error err;
    CHECK_INT(s3_parse_list_objects(xml, len, &l, &err), ATHENA_OK);
    free(xml);
    REQUIRE(l != NULL);
    CHECK_INT(l->is_truncated, 0);
    CHECK(l->next_continuation_token == NULL);
    REQUIRE(l->object_count == 2);
    CHECK_STR(l->objects[0].key, "logs/a+b.txt"); /* not URL-encoded: '+' stays */
    CHECK_STR(l->objects[1].key, "logs/b & c.txt");
    CHECK_INT(l->objects[1].size, 34);
    CHECK_INT(l->common_prefix_count, 0);
    athena_s3_listing_free(l);

    xml = load_fixture("list_objects_empty.xml", &len);
    REQUIRE(xml != NULL);
    CHECK_INT(s3_parse_list_objects(xml, len, &l, &err), ATHENA_OK);
    free(xml);
    REQUIRE(l != NULL);
    CHECK_STR(l->bucket, "empty-bucket");
    CHECK_STR(l->prefix, "");
    CHECK_INT(l->object_count, 0);
    CHECK(l->objects == NULL);
    athena_s3_listing_free(l);
}

static void test_bad_listings(void)
{
    athena_s3_listing *l = NULL;
    athena_error err;
    CHECK_INT(parse_text("<ListBucketResult><Contents><Key>a", &l, &err), ATHENA_E_PROTOCOL);
    CHECK(l == NULL);
    CHECK(strstr(err.message, "ListObjectsV2: unreadable response") != NULL);

    CHECK_INT(parse_text("<Error><Code>NoSuchBucket</Code></Error>", &l, &err), ATHENA_E_PROTOCOL);
    CHECK(strstr(err.message, "expected ListBucketResult, got Error") != NULL);

    CHECK_INT(parse_text("<ListBucketResult><Contents><Key>k</Key><Size>12x</Size></Contents>"
                         "</ListBucketResult>", &l, &err),
              ATHENA_E_PROTOCOL);
    CHECK(strstr(err.message, "Size '12x' is not a number") != NULL);

    CHECK_INT(parse_text("<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>",
                         &l, &err),
              ATHENA_E_PROTOCOL);
    CHECK(strstr(err.message, "object 0 has no Key") != NULL);

    CHECK_INT(parse_text("<ListBucketResult><EncodingType>url</EncodingType><Contents><Key>a%zz"
                         "</Key></Contents></ListBucketResult>", &l, &err),
              ATHENA_E_PROTOCOL);
    CHECK(strstr(err.message, "is not URL-encoded") != NULL);

    CHECK_INT(parse_text("<ListBucketResult><EncodingType>url</EncodingType><Contents><Key>a%00b"
                         "</Key></Contents></ListBucketResult>", &l, &err),
              ATHENA_E_PROTOCOL);
    CHECK(strstr(err.message, "decodes to a NUL byte") != NULL);

    /* Entity expansion ("billion laughs") never starts: DOCTYPE is refused. */
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"aaaaaaaaaa\">"
                         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
                         "<ListBucketResult><Name>&b;</Name></ListBucketResult>";
    CHECK_INT(parse_text(laughs, &l, &err), ATHENA_E_PROTOCOL);
    CHECK(strstr(err.message, "DOCTYPE") != NULL);

    /* Deep nesting is bounded. */
    char deep[4096] = "<ListBucketResult>";
    for (int i = 0; i < 40; i++)
        strcat(deep, "<x>");
    CHECK_INT(parse_text(deep, &l, &err), ATHENA_E_PROTOCOL);
    CHECK(strstr(err.message, "nested too deeply") != NULL);
    CHECK_INT(parse_text("", &l, &err), ATHENA_E_PROTOCOL);
}

static void test_list_buckets(void)
{
    size_t len;
    char *xml = load_fixture("list_buckets.xml", &len);
    REQUIRE(xml != NULL);
    athena_s3_bucket_list *b = NULL;
    athena_error err;
    CHECK_INT(s3_parse_list_buckets(xml, len, &b, &err), ATHENA_OK);
    free(xml);
    REQUIRE(b != NULL && b->count == 2);
    CHECK_STR(b->owner_display_name, "analytics");
    CHECK_STR(b->owner_id, "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a");
    CHECK_STR(b->buckets[0].name, "athena-results-123456789012");
    CHECK_STR(b->buckets[0].creation_date, "2023-11-05T10:20:30.000Z");
    CHECK(b->buckets[0].creation_epoch == 1699179630.0);
    CHECK_STR(b->buckets[1].name, "example-data");
    athena_s3_bucket_list_free(b);

    const char *nameless = "<ListAllMyBucketsResult><Buckets><Bucket><CreationDate>x"
                           "</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>";
    CHECK_INT(s3_parse_list_buckets(nameless, strlen(nameless), &b, &err), ATHENA_E_PROTOCOL);
    CHECK(b == NULL);
    CHECK(strstr(err.message, "bucket 0 has no Name") != NULL);
}

static void test_addressing(void)
{
    CHECK(s3_endpoint_is_aws("https://s3.us-east-1.amazonaws.com"));
    CHECK(s3_endpoint_is_aws("https://s3.cn-north-1.amazonaws.com.cn"));
    CHECK(s3_endpoint_is_aws("https://S3.EU-WEST-1.AMAZONAWS.COM:443/"));
    CHECK(!s3_endpoint_is_aws("http://127.0.0.1:4566"));
    CHECK(!s3_endpoint_is_aws("https://amazonaws.com.evil.example"));
    CHECK(!s3_endpoint_is_aws("https://minio.internal/amazonaws.com"));
    CHECK(!s3_endpoint_is_aws(NULL));
    CHECK(s3_bucket_is_virtual_host_compatible("example-data"));
    CHECK(s3_bucket_is_virtual_host_compatible("abc"));
    CHECK(!s3_bucket_is_virtual_host_compatible("ab"));
    CHECK(!s3_bucket_is_virtual_host_compatible("my.bucket"));
    CHECK(!s3_bucket_is_virtual_host_compatible("My-Bucket"));
    CHECK(!s3_bucket_is_virtual_host_compatible("-bucket"));
    CHECK(!s3_bucket_is_virtual_host_compatible("bucket_name"));
}

static void test_times_and_uris(void)
{
    CHECK(s3_time_epoch("1970-01-01T00:00:00Z") == 0.0);
    CHECK(s3_time_epoch("2000-02-29T12:00:00.500Z") == 951825600.5);
    CHECK(s3_time_epoch("yesterday") == 0.0);
    CHECK(s3_time_epoch(NULL) == 0.0);
    char *bucket, *key;
    CHECK_INT(athena_s3_uri_parse("s3://example-data/sales/orders/", &bucket, &key), ATHENA_OK);
    CHECK_STR(bucket, "example-data");
    CHECK_STR(key, "sales/orders/");
    free(bucket), free(key);
    CHECK_INT(athena_s3_uri_parse("S3://b", &bucket, &key), ATHENA_OK);
    CHECK_STR(bucket, "b");
    CHECK_STR(key, "");
    free(bucket), free(key);
    CHECK_INT(athena_s3_uri_parse("s3:///key", &bucket, &key), ATHENA_E_ARG);
    CHECK(bucket == NULL && key == NULL);
    CHECK_INT(athena_s3_uri_parse("https://b/k", &bucket, &key), ATHENA_E_ARG);
}

static void test_list_arguments(void)
{
    fresh_home();
    write_file(".aws/config",
               "[default]\nregion = us-east-1\naws_access_key_id = AKIDEXAMPLE\n"
               "aws_secret_access_key = secret\n",
               0600);
    athena_config_options o = {0};
    o.endpoint_url = "http://127.0.0.1:1";
    o.max_attempts = 1;
    athena_config *config = NULL;
    athena_client *c = NULL;
    athena_error err;
    REQUIRE(athena_config_load(&o, &config, &err) == ATHENA_OK);
    REQUIRE(athena_client_create(config, &c, &err) == ATHENA_OK);
    athena_s3_listing *l = NULL;
    athena_s3_list_params p = {0};
    CHECK_INT(athena_s3_list(c, &p, &l), ATHENA_E_ARG);
    CHECK_STR(athena_client_error(c)->message, "the bucket name is empty");
    p.bucket = "a/b";
    CHECK_INT(athena_s3_list(c, &p, &l), ATHENA_E_ARG);
    p.bucket = "example-data";
    p.max_keys = 1001;
    CHECK_INT(athena_s3_list(c, &p, &l), ATHENA_E_ARG);
    CHECK_STR(athena_client_error(c)->message, "max_keys must be 1 to 1000 (0: default)");
    p.max_keys = 10;
    CHECK_INT(athena_s3_list(c, &p, &l), ATHENA_E_NETWORK);
    CHECK(l == NULL);
    CHECK_INT(athena_s3_list(c, NULL, &l), ATHENA_E_ARG);
    athena_client_destroy(c);
    athena_config_free(config);
    remove_tree(home);
}

int main(void)
{
    RUN(test_url_encoded_listing);
    RUN(test_plain_listing);
    RUN(test_bad_listings);
    RUN(test_list_buckets);
    RUN(test_addressing);
    RUN(test_times_and_uris);
    RUN(test_list_arguments);
    return test_summary();
}
