/*
 * test_glue_parse.c: recorded Glue responses (GetTable, GetDatabase,
 * GetDatabases, GetTables, GetPartitions) decoded into catalog.h's structs;
 * paging state, malformed shapes, and the table-name pattern matcher.
 */
#include "glue.h"
#include "test.h"

#include <jansson.h>

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

static json_t *load(const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/glue/%s", fixtures_dir(), name);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    if (!j)
        fprintf(stderr, "cannot load %s: %s\n", path, jerr.text);
    return j;
}

static const char *param(const athena_parameter *p, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(p[i].key, key) == 0)
            return p[i].value;
    return NULL;
}

static void test_table_csv(void)
{
    json_t *resp = load("get_table_csv.json");
    REQUIRE(resp != NULL);
    athena_table *t = glue_parse_table(json_object_get(resp, "Table"));
    json_decref(resp);
    REQUIRE(t != NULL);
    CHECK_STR(t->name, "orders");
    CHECK_STR(t->database, "sales");
    CHECK_STR(t->catalog_id, "123456789012");
    CHECK_STR(t->description, "Orders by day");
    CHECK_STR(t->owner, "hadoop");
    CHECK_STR(t->table_type, "EXTERNAL_TABLE");
    CHECK(t->create_time == 1714557600.0);
    CHECK(t->update_time == 1714644000.5);
    CHECK_STR(t->location, "s3://example-data/sales/orders/");
    CHECK_STR(t->input_format, "org.apache.hadoop.mapred.TextInputFormat");
    CHECK_STR(t->output_format, "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat");
    CHECK_INT(t->compressed, 0);
    CHECK(t->serde_name == NULL);
    CHECK_STR(t->serde_library, "org.apache.hadoop.hive.serde2.OpenCSVSerde");
    CHECK_INT(t->serde_parameter_count, 3);
    CHECK_STR(param(t->serde_parameters, t->serde_parameter_count, "separatorChar"), ",");
    CHECK_STR(param(t->serde_parameters, t->serde_parameter_count, "quoteChar"), "\"");
    REQUIRE(t->column_count == 5);
    CHECK_STR(t->columns[0].name, "order_id");
    CHECK_STR(t->columns[0].type, "bigint");
    CHECK_STR(t->columns[0].comment, "primary key");
    CHECK(t->columns[1].comment == NULL);
    CHECK_STR(t->columns[2].type, "decimal(12,2)");
    CHECK_STR(t->columns[2].comment, "");
    CHECK_STR(t->columns[4].type, "struct<city:string,zip:string>");
    REQUIRE(t->partition_key_count == 2);
    CHECK_STR(t->partition_keys[0].name, "year");
    CHECK_STR(t->partition_keys[1].name, "month");
    CHECK_STR(t->partition_keys[1].comment, "two digits");
    CHECK_INT(t->parameter_count, 4);
    CHECK_STR(param(t->parameters, t->parameter_count, "classification"), "csv");
    CHECK_STR(param(t->parameters, t->parameter_count, "skip.header.line.count"), "1");
    CHECK(t->view_original_text == NULL);
    athena_table_free(t);
}

static void test_table_view(void)
{
    json_t *resp = load("get_table_view.json");
    REQUIRE(resp != NULL);
    athena_table *t = glue_parse_table(json_object_get(resp, "Table"));
    json_decref(resp);
    REQUIRE(t != NULL);
    CHECK_STR(t->table_type, "VIRTUAL_VIEW");
    CHECK_STR(t->location, "");
    CHECK(t->serde_library == NULL);
    CHECK_INT(t->serde_parameter_count, 0);
    CHECK_INT(t->partition_key_count, 0);
    CHECK(t->partition_keys == NULL);
    CHECK_INT(t->column_count, 2);
    CHECK_STR(t->view_original_text, "/* Presto View: eyJvcmlnaW5hbFNxbCI6IlNFTEVDVCAxIn0= */");
    CHECK_STR(t->view_expanded_text, "/* Presto View */");
    CHECK(t->create_time == 1714557700.0);
    athena_table_free(t);
}

static void test_database(void)
{
    json_t *resp = load("get_database.json");
    REQUIRE(resp != NULL);
    athena_database *d = glue_parse_database(json_object_get(resp, "Database"));
    json_decref(resp);
    REQUIRE(d != NULL);
    CHECK_STR(d->name, "sales");
    CHECK_STR(d->description, "Sales data mart");
    CHECK_STR(d->location_uri, "s3://example-data/sales/");
    CHECK_STR(d->catalog_id, "123456789012");
    CHECK(d->create_time == 1700000000.123);
    CHECK_INT(d->parameter_count, 2);
    CHECK_STR(param(d->parameters, d->parameter_count, "tier"), "gold");
    athena_database_free(d);
}

static void test_databases_two_pages(void)
{
    json_t *p1 = load("get_databases_page1.json"), *p2 = load("get_databases_page2.json");
    REQUIRE(p1 && p2);
    athena_database_list *list = NULL;
    athena_error err;
    CHECK_INT(glue_parse_database_page(p1, &list, &err), ATHENA_OK);
    REQUIRE(list != NULL);
    CHECK_INT(list->count, 2);
    CHECK_STR(list->next_token, "eyJsYXN0RXZhbHVhdGVkS2V5Ijp7InNhbGVzIjoxfX0=");
    CHECK_INT(glue_parse_database_page(p2, &list, &err), ATHENA_OK);
    CHECK_INT(list->count, 3);
    CHECK(list->next_token == NULL);
    CHECK_STR(list->items[0]->name, "default");
    CHECK_STR(list->items[0]->location_uri, "hdfs://localhost/user/hive/warehouse");
    CHECK_STR(list->items[1]->name, "sales");
    CHECK(list->items[1]->location_uri == NULL);
    CHECK_STR(list->items[2]->name, "web_logs");
    CHECK(list->items[2]->create_time == 1710000000.0);
    athena_database_list_free(list);
    json_decref(p1);
    json_decref(p2);
}

static void test_tables_page(void)
{
    json_t *resp = load("get_tables_page.json");
    REQUIRE(resp != NULL);
    athena_table_list *list = NULL;
    athena_error err;
    CHECK_INT(glue_parse_table_page(resp, &list, &err), ATHENA_OK);
    json_decref(resp);
    REQUIRE(list != NULL);
    REQUIRE(list->count == 3);
    CHECK(list->next_token == NULL); /* "" means the end */
    CHECK_STR(list->items[0]->name, "orders");
    CHECK_STR(list->items[0]->serde_library,
              "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe");
    CHECK_INT(list->items[0]->partition_key_count, 1);
    CHECK_STR(list->items[1]->location, "s3://example-data/sales/customers/");
    CHECK_INT(list->items[1]->column_count, 0);
    CHECK_STR(list->items[2]->name, "no_storage");
    CHECK(list->items[2]->location == NULL);
    CHECK(list->items[2]->table_type == NULL);
    athena_table_list_free(list);
}

static void test_partitions_page(void)
{
    json_t *resp = load("get_partitions_page.json");
    REQUIRE(resp != NULL);
    athena_partition_list *list = NULL;
    athena_error err;
    CHECK_INT(glue_parse_partition_page(resp, &list, &err), ATHENA_OK);
    json_decref(resp);
    REQUIRE(list != NULL && list->count == 2);
    CHECK_STR(list->next_token, "c2VnbWVudC0xOnBhZ2UtMg==");
    athena_partition *p = list->items[0];
    REQUIRE(p->value_count == 2);
    CHECK_STR(p->values[0], "2024");
    CHECK_STR(p->values[1], "04");
    CHECK_STR(p->database, "sales");
    CHECK_STR(p->table, "orders");
    CHECK_STR(p->location, "s3://example-data/sales/orders/year=2024/month=04/");
    CHECK_STR(p->serde_library, "org.apache.hadoop.hive.serde2.OpenCSVSerde");
    CHECK(p->create_time == 1714557600.0);
    CHECK_STR(param(p->parameters, p->parameter_count, "numRows"), "1200");
    CHECK_STR(list->items[1]->values[1], "05");
    CHECK(list->items[1]->input_format == NULL);
    athena_partition_list_free(list);
}

static void test_malformed(void)
{
    json_t *resp = load("bad_tables_page.json");
    REQUIRE(resp != NULL);
    athena_table_list *list = NULL;
    athena_error err;
    CHECK_INT(glue_parse_table_page(resp, &list, &err), ATHENA_E_PROTOCOL);
    CHECK(list == NULL);
    CHECK(strstr(err.message, "item 1") != NULL);
    json_decref(resp);

    json_t *not_list = json_pack("{s:s}", "TableList", "oops");
    CHECK_INT(glue_parse_table_page(not_list, &list, &err), ATHENA_E_PROTOCOL);
    CHECK_STR(err.message, "TableList is not a list");
    json_decref(not_list);

    /* No list member at all: an empty page, not an error. */
    json_t *empty = json_object();
    athena_partition_list *parts = NULL;
    CHECK_INT(glue_parse_partition_page(empty, &parts, &err), ATHENA_OK);
    REQUIRE(parts != NULL);
    CHECK_INT(parts->count, 0);
    CHECK(parts->next_token == NULL);
    athena_partition_list_free(parts);
    json_decref(empty);

    json_t *s = json_string("Table");
    CHECK(glue_parse_table(s) == NULL);
    CHECK(glue_parse_table(NULL) == NULL);
    json_decref(s);
    json_t *partition = json_pack("{s:s}", "Values", "2024");
    CHECK(glue_parse_partition(partition) == NULL);
    json_decref(partition);

    /* Wrong member types read as absent; non-string parameters are skipped;
     * a non-string partition value keeps its slot as "". */
    json_t *odd = json_pack("{s:s,s:i,s:{s:s,s:{s:i,s:s}},s:{s:i,s:s}}", "Name", "t", "Owner",
                            7, "StorageDescriptor", "Columns", "x", "SerdeInfo", "Name", 1,
                            "SerializationLibrary", "lib", "Parameters", "n", 1, "k", "v");
    athena_table *t = glue_parse_table(odd);
    REQUIRE(t != NULL);
    CHECK(t->owner == NULL);
    CHECK_INT(t->column_count, 0);
    CHECK(t->serde_name == NULL);
    CHECK_STR(t->serde_library, "lib");
    CHECK_INT(t->parameter_count, 1);
    CHECK_STR(t->parameters[0].key, "k");
    athena_table_free(t);
    json_decref(odd);
    json_t *vals = json_pack("{s:[s,i,s]}", "Values", "a", 3, "c");
    athena_partition *p = glue_parse_partition(vals);
    REQUIRE(p != NULL);
    CHECK_INT(p->value_count, 3);
    CHECK_STR(p->values[1], "");
    CHECK_STR(p->values[2], "c");
    athena_partition_free(p);
    json_decref(vals);
}

static void test_name_patterns(void)
{
    CHECK(athena_glue_name_matches("orders", "orders"));
    CHECK(athena_glue_name_matches("ORDERS", "orders"));
    CHECK(!athena_glue_name_matches("order", "orders"));
    CHECK(athena_glue_name_matches("sales_*", "sales_2024"));
    CHECK(athena_glue_name_matches("sales_*", "sales_"));
    CHECK(!athena_glue_name_matches("sales_*", "sale"));
    CHECK(athena_glue_name_matches("*_raw", "events_raw"));
    CHECK(!athena_glue_name_matches("*_raw", "events_raw2"));
    CHECK(athena_glue_name_matches("*", "anything"));
    CHECK(athena_glue_name_matches("a*b*c", "axxbyyc"));
    CHECK(!athena_glue_name_matches("a*b*c", "axxbyy"));
    CHECK(athena_glue_name_matches("t.", "t1"));
    CHECK(!athena_glue_name_matches("t.", "t"));
    CHECK(athena_glue_name_matches("sales.*", "sales_x"));
    CHECK(athena_glue_name_matches("sales_*|orders", "orders"));
    CHECK(athena_glue_name_matches("sales_* | orders", "orders"));
    CHECK(athena_glue_name_matches("sales_* | orders", "sales_q1"));
    CHECK(!athena_glue_name_matches("sales_*|orders", "customers"));
    CHECK(!athena_glue_name_matches("", "x"));
    CHECK(!athena_glue_name_matches(NULL, "x"));
    /* Many stars against a long non-matching name stays fast (no blow-up). */
    char name[4001];
    memset(name, 'a', 4000);
    name[4000] = '\0';
    CHECK(!athena_glue_name_matches("*a*a*a*a*a*a*a*a*a*a*b", name));
}

int main(void)
{
    RUN(test_table_csv);
    RUN(test_table_view);
    RUN(test_database);
    RUN(test_databases_two_pages);
    RUN(test_tables_page);
    RUN(test_partitions_page);
    RUN(test_malformed);
    RUN(test_name_patterns);
    return test_summary();
}
