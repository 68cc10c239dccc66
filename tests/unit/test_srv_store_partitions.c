/*
 * test_srv_store_partitions.c: Glue partitions in the metadata store
 * (store.h, store_partitions.c): the canonical values key, create / get /
 * update (in place and renaming) / delete with their statuses, listing in
 * key order with paging, partitions going with their table and database
 * (foreign key cascade), the schema migration that adds them, and
 * persistence.
 */
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "test.h"

#include "store_fixture.h"

/* A store with database "Sales" holding table "Orders" (partitioned by year
 * and month) and table "returns". */
static store *catalog_store(const char *dir)
{
    store *st = open_store(dir);
    if (!st)
        return NULL;
    json_t *db = json_pack("{s:s}", "Name", "Sales");
    json_t *orders = json_pack("{s:s, s:[{s:s,s:s},{s:s,s:s}]}", "Name", "Orders",
                               "PartitionKeys", "Name", "year", "Type", "string", "Name",
                               "month", "Type", "string");
    json_t *returns = json_pack("{s:s}", "Name", "returns");
    int ok = store_database_create(st, db) == STORE_OK &&
             store_table_create(st, "sales", orders) == STORE_OK &&
             store_table_create(st, "sales", returns) == STORE_OK;
    json_decref(db);
    json_decref(orders);
    json_decref(returns);
    if (!ok) {
        fprintf(stderr, "catalog_store: %s\n", store_errmsg(st));
        store_close(st);
        return NULL;
    }
    return st;
}

static json_t *partition_doc(const char *year, const char *month, const char *location)
{
    return json_pack("{s:[s,s], s:{s:s}, s:{}, s:f}", "Values", year, month,
                     "StorageDescriptor", "Location", location, "Parameters", "CreationTime",
                     1700000000.5);
}

static store_status create(store *st, const char *table, const char *year, const char *month)
{
    json_t *doc = partition_doc(year, month, "s3://b/t/");
    store_status status = store_partition_create(st, "sales", table, doc);
    json_decref(doc);
    return status;
}

/* A partition's values joined with '/', for compact assertions. */
static const char *values_text(const json_t *partition)
{
    static char text[256];
    text[0] = '\0';
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(partition, "Values"), i, v) {
        if (i)
            strcat(text, "/");
        strncat(text, json_string_value(v), 100);
    }
    return text;
}

/* Every listed partition's values, joined with ','. */
static const char *listing(json_t *docs)
{
    static char joined[1024];
    joined[0] = '\0';
    size_t i;
    const json_t *doc;
    json_array_foreach(docs, i, doc) {
        if (i)
            strcat(joined, ",");
        strncat(joined, values_text(doc), sizeof joined - strlen(joined) - 1);
    }
    json_decref(docs);
    return docs ? joined : "(null)";
}

static json_t *values(const char *year, const char *month)
{
    return json_pack("[s,s]", year, month);
}

/* ---- tests ---- */

static void test_values_key_is_canonical(void)
{
    json_t *v = json_pack("[s,s]", "2001", "0\"3");
    char *key = store_partition_values_key(v);
    CHECK_STR(key, "[\"2001\",\"0\\\"3\"]");
    free(key);
    json_decref(v);
    json_t *empty = json_array();
    key = store_partition_values_key(empty);
    CHECK_STR(key, "[]");
    free(key);
    json_decref(empty);

    json_t *bad = json_pack("[s,i]", "2001", 3);
    CHECK(store_partition_values_key(bad) == NULL);
    json_decref(bad);
    json_t *nul = json_array();
    json_array_append_new(nul, json_stringn("a\0b", 3));
    CHECK(store_partition_values_key(nul) == NULL);
    json_decref(nul);
    json_t *object = json_object();
    CHECK(store_partition_values_key(object) == NULL);
    json_decref(object);
    CHECK(store_partition_values_key(NULL) == NULL);
}

static void test_create_and_get(void)
{
    char *dir = make_data_dir();
    store *st = catalog_store(dir);
    REQUIRE(st);
    json_t *doc = partition_doc("2001", "03", "s3://b/orders/year=2001/month=03/");
    /* Names of the database and table are case-insensitive. */
    CHECK_INT(store_partition_create(st, "SALES", "orders", doc), STORE_OK);
    CHECK_INT(store_partition_create(st, "sales", "Orders", doc), STORE_EXISTS);
    json_decref(doc);

    json_t *v = values("2001", "03");
    json_t *got = store_partition_get(st, "Sales", "ORDERS", v);
    REQUIRE(got);
    CHECK_STR(json_string_value(json_object_get(got, "DatabaseName")), "sales");
    CHECK_STR(json_string_value(json_object_get(got, "TableName")), "orders");
    CHECK_STR(values_text(got), "2001/03");
    CHECK_STR(json_string_value(json_object_get(json_object_get(got, "StorageDescriptor"),
                                                "Location")),
              "s3://b/orders/year=2001/month=03/");
    CHECK(json_real_value(json_object_get(got, "CreationTime")) == 1700000000.5);
    json_decref(got);
    json_decref(v);

    /* Values are case-sensitive and exact. */
    v = values("2001", "3");
    CHECK(store_partition_get(st, "sales", "orders", v) == NULL);
    json_decref(v);
    store_close(st);
    remove_data_dir(dir);
}

static void test_create_needs_a_table_and_values(void)
{
    char *dir = make_data_dir();
    store *st = catalog_store(dir);
    REQUIRE(st);
    CHECK_INT(create(st, "missing", "2001", "01"), STORE_NOT_FOUND);
    json_t *doc = partition_doc("2001", "01", "s3://b/");
    CHECK_INT(store_partition_create(st, "nodb", "orders", doc), STORE_NOT_FOUND);
    CHECK_INT(store_partition_create(st, "sales", "", doc), STORE_ERROR);
    CHECK_INT(store_partition_create(st, NULL, "orders", doc), STORE_ERROR);
    json_decref(doc);

    json_t *no_values = json_pack("{s:{}}", "Parameters");
    CHECK_INT(store_partition_create(st, "sales", "orders", no_values), STORE_ERROR);
    CHECK(strstr(store_errmsg(st), "no \"Values\" array of strings") != NULL);
    json_decref(no_values);
    json_t *not_object = json_array();
    CHECK_INT(store_partition_create(st, "sales", "orders", not_object), STORE_ERROR);
    json_decref(not_object);
    CHECK(raw_sql_is(dir, "SELECT count(*) FROM partitions", "0"));
    store_close(st);
    remove_data_dir(dir);
}

static void test_list_orders_and_pages(void)
{
    char *dir = make_data_dir();
    store *st = catalog_store(dir);
    REQUIRE(st);
    const char *months[] = {"11", "02", "10", "01", "12"};
    for (size_t i = 0; i < 5; i++)
        CHECK_INT(create(st, "orders", "2002", months[i]), STORE_OK);
    CHECK_INT(create(st, "orders", "2001", "12"), STORE_OK);
    CHECK_INT(create(st, "returns", "2002", "01"), STORE_OK);   /* another table */

    CHECK_STR(listing(store_partition_list(st, "sales", "orders", NULL, 0)),
              "2001/12,2002/01,2002/02,2002/10,2002/11,2002/12");
    CHECK_STR(listing(store_partition_list(st, "sales", "orders", NULL, 2)), "2001/12,2002/01");
    json_t *after = values("2002", "01");
    char *key = store_partition_values_key(after);
    CHECK_STR(listing(store_partition_list(st, "SALES", "Orders", key, 3)),
              "2002/02,2002/10,2002/11");
    free(key);
    json_decref(after);
    CHECK_STR(listing(store_partition_list(st, "sales", "orders", "[\"2002\",\"12\"]", 0)), "");
    CHECK_STR(listing(store_partition_list(st, "sales", "returns", NULL, 0)), "2002/01");
    CHECK_STR(listing(store_partition_list(st, "sales", "missing", NULL, 0)), "");
    CHECK(store_partition_list(st, "sales", NULL, NULL, 0) == NULL);
    store_close(st);
    remove_data_dir(dir);
}

static void test_update_in_place_and_rename(void)
{
    char *dir = make_data_dir();
    store *st = catalog_store(dir);
    REQUIRE(st);
    CHECK_INT(create(st, "orders", "2001", "01"), STORE_OK);
    CHECK_INT(create(st, "orders", "2001", "02"), STORE_OK);

    json_t *old = values("2001", "01");
    json_t *doc = partition_doc("2001", "01", "s3://b/new-place/");
    CHECK_INT(store_partition_update(st, "sales", "orders", old, doc), STORE_OK);
    json_decref(doc);
    json_t *got = store_partition_get(st, "sales", "orders", old);
    REQUIRE(got);
    CHECK_STR(json_string_value(json_object_get(json_object_get(got, "StorageDescriptor"),
                                                "Location")),
              "s3://b/new-place/");
    json_decref(got);

    /* Renaming onto another partition's values is refused. */
    doc = partition_doc("2001", "02", "s3://b/x/");
    CHECK_INT(store_partition_update(st, "sales", "orders", old, doc), STORE_EXISTS);
    json_decref(doc);
    /* A rename moves the partition to its new key. */
    doc = partition_doc("1999", "07", "s3://b/renamed/");
    CHECK_INT(store_partition_update(st, "sales", "orders", old, doc), STORE_OK);
    CHECK(store_partition_get(st, "sales", "orders", old) == NULL);
    CHECK_STR(listing(store_partition_list(st, "sales", "orders", NULL, 0)),
              "1999/07,2001/02");
    /* The old values are gone now. */
    CHECK_INT(store_partition_update(st, "sales", "orders", old, doc), STORE_NOT_FOUND);
    CHECK_INT(store_partition_update(st, "sales", "orders", NULL, doc), STORE_ERROR);
    json_decref(doc);
    json_decref(old);
    store_close(st);
    remove_data_dir(dir);
}

static void test_delete(void)
{
    char *dir = make_data_dir();
    store *st = catalog_store(dir);
    REQUIRE(st);
    CHECK_INT(create(st, "orders", "2001", "01"), STORE_OK);
    CHECK_INT(create(st, "returns", "2001", "01"), STORE_OK);
    json_t *v = values("2001", "01");
    CHECK_INT(store_partition_delete(st, "sales", "orders", v), STORE_OK);
    CHECK_INT(store_partition_delete(st, "sales", "orders", v), STORE_NOT_FOUND);
    /* The same values in another table are untouched. */
    json_t *kept = store_partition_get(st, "sales", "returns", v);
    CHECK(kept != NULL);
    json_decref(kept);
    json_t *bad = json_pack("[i]", 1);
    CHECK_INT(store_partition_delete(st, "sales", "returns", bad), STORE_ERROR);
    json_decref(bad);
    json_decref(v);
    store_close(st);
    remove_data_dir(dir);
}

static void test_partitions_go_with_their_table_and_database(void)
{
    char *dir = make_data_dir();
    store *st = catalog_store(dir);
    REQUIRE(st);
    CHECK_INT(create(st, "orders", "2001", "01"), STORE_OK);
    CHECK_INT(create(st, "orders", "2001", "02"), STORE_OK);
    CHECK_INT(create(st, "returns", "2001", "01"), STORE_OK);

    /* Updating the table keeps its partitions. */
    json_t *table = json_pack("{s:s, s:s}", "Name", "orders", "Description", "changed");
    CHECK_INT(store_table_update(st, "sales", "orders", table), STORE_OK);
    CHECK_STR(listing(store_partition_list(st, "sales", "orders", NULL, 0)), "2001/01,2001/02");

    /* Dropping it removes them; a new table of that name starts empty. */
    CHECK_INT(store_table_delete(st, "sales", "orders"), STORE_OK);
    CHECK(raw_sql_is(dir, "SELECT count(*) FROM partitions WHERE \"table\" = 'orders'", "0"));
    CHECK_INT(store_table_create(st, "sales", table), STORE_OK);
    CHECK_STR(listing(store_partition_list(st, "sales", "orders", NULL, 0)), "");
    json_decref(table);

    /* Dropping the database (with cascade) removes its tables' partitions. */
    CHECK_INT(store_database_delete(st, "sales", 1), STORE_OK);
    CHECK(raw_sql_is(dir, "SELECT count(*) FROM partitions", "0"));
    store_close(st);
    remove_data_dir(dir);
}

static void test_schema_migration(void)
{
    char *dir = make_data_dir();
    store *st = catalog_store(dir);
    REQUIRE(st);
    CHECK(raw_sql_is(dir, "PRAGMA user_version", "4"));
    CHECK_INT(create(st, "orders", "2001", "01"), STORE_OK);
    store_close(st);

    /* A data dir from before partitions (version 1) gains the table. */
    free(raw_sql(dir, "DROP TABLE partitions"));
    free(raw_sql(dir, "PRAGMA user_version=1"));
    st = open_store(dir);
    REQUIRE(st);
    CHECK(raw_sql_is(dir, "PRAGMA user_version", "4"));
    CHECK_STR(listing(store_partition_list(st, "sales", "orders", NULL, 0)), "");
    CHECK_INT(create(st, "orders", "2001", "01"), STORE_OK);
    store_close(st);

    /* Running the step again over an existing table keeps what it holds. */
    free(raw_sql(dir, "PRAGMA user_version=1"));
    st = open_store(dir);
    REQUIRE(st);
    CHECK_STR(listing(store_partition_list(st, "sales", "orders", NULL, 0)), "2001/01");
    store_close(st);
    remove_data_dir(dir);
}

static void test_persists_across_reopen(void)
{
    char *dir = make_data_dir();
    store *st = catalog_store(dir);
    REQUIRE(st);
    CHECK_INT(create(st, "orders", "2003", "05"), STORE_OK);
    store_close(st);
    st = open_store(dir);
    REQUIRE(st);
    json_t *v = values("2003", "05");
    json_t *got = store_partition_get(st, "sales", "orders", v);
    CHECK(got != NULL);
    CHECK_STR(values_text(got), "2003/05");
    json_decref(got);
    json_decref(v);
    store_close(st);
    remove_data_dir(dir);
}

static void test_corrupt_document_is_reported(void)
{
    char *dir = make_data_dir();
    store *st = catalog_store(dir);
    REQUIRE(st);
    CHECK_INT(create(st, "orders", "2001", "01"), STORE_OK);
    CHECK_INT(create(st, "orders", "2001", "02"), STORE_OK);
    free(raw_sql(dir, "UPDATE partitions SET doc = 'not json' WHERE values_key = "
                      "'[\"2001\",\"01\"]'"));
    json_t *v = values("2001", "01");
    CHECK(store_partition_get(st, "sales", "orders", v) == NULL);
    CHECK(strstr(store_errmsg(st), "[\"2001\",\"01\"]") != NULL);
    /* A listing skips it and keeps the others. */
    CHECK_STR(listing(store_partition_list(st, "sales", "orders", NULL, 0)), "2001/02");
    json_decref(v);
    store_close(st);
    remove_data_dir(dir);
}

int main(void)
{
    RUN(test_values_key_is_canonical);
    RUN(test_create_and_get);
    RUN(test_create_needs_a_table_and_values);
    RUN(test_list_orders_and_pages);
    RUN(test_update_in_place_and_rename);
    RUN(test_delete);
    RUN(test_partitions_go_with_their_table_and_database);
    RUN(test_schema_migration);
    RUN(test_persists_across_reopen);
    RUN(test_corrupt_document_is_reported);
    return test_summary();
}
