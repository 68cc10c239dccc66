/*
 * test_srv_ddl_views.c: Athena views end to end against a real store and
 * engine: CREATE [OR REPLACE] VIEW stores the Glue document Athena writes
 * (Presto view definition in base64, Hive-typed columns named as Athena
 * names them), views are queried (also views over views, with partition
 * pruning inside them), DROP VIEW / SHOW VIEWS, and errors: bad SQL with
 * positions in the whole statement, the sandbox, kinds mixed up, and view
 * entries written by hand (Glue's API) that are hostile, recursive or not
 * Athena's.
 */
#include "ddl_engine_fixture.h"

#include <openssl/evp.h>

static int create_tables(void)
{
    put_object("lake/events/month=01/a.csv", "1,a\n2,b\n");
    put_object("lake/events/month=02/a.csv", "3,c\n");
    put_object("lake/names/n.csv", "1,one\n3,three\n");
    return ddl_ok("CREATE EXTERNAL TABLE events (id int, name string) PARTITIONED BY (month "
                  "string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
                  "LOCATION 's3://lake/events/'") &&
           ddl_ok("MSCK REPAIR TABLE events") &&
           ddl_ok("CREATE EXTERNAL TABLE names (id int, label string) ROW FORMAT DELIMITED "
                  "FIELDS TERMINATED BY ',' LOCATION 's3://lake/names/'");
}

/* The JSON inside a stored view's "/\* Presto View: ... *\/". */
static json_t *presto_definition(json_t *view)
{
    const char *text = json_string_value(json_object_get(view, "ViewOriginalText"));
    const char *prefix = "/* Presto View: ";
    if (!text || strncmp(text, prefix, strlen(prefix)) != 0)
        return NULL;
    size_t len = strlen(text) - strlen(prefix) - 3;
    unsigned char raw[4096];
    if (len >= sizeof raw / 4 * 3 || strcmp(text + strlen(text) - 3, " */") != 0)
        return NULL;
    int n = EVP_DecodeBlock(raw, (const unsigned char *)text + strlen(prefix), (int)len);
    while (n > 0 && raw[n - 1] == '\0')
        n--;
    return n > 0 ? json_loadb((const char *)raw, (size_t)n, 0, NULL) : NULL;
}

static void test_create_view_document(void)
{
    all_open();
    REQUIRE(create_tables());
    REQUIRE(ddl_ok("CREATE VIEW monthly AS\n  SELECT month, count(*), max(id) AS top\n"
                   "  FROM events GROUP BY month;"));
    CHECK(out.columns_calls == 1 && out.column_count == 0);
    json_t *view = stored_table("default", "monthly");
    REQUIRE(view != NULL);
    json_t *definition = presto_definition(view);
    json_object_del(view, "ViewOriginalText");
    check_doc(definition,
              "{\"originalSql\": \"SELECT month, count(*), max(id) AS top\\n  FROM events GROUP "
              "BY month\", \"catalog\": \"awsdatacatalog\", \"schema\": \"default\", "
              "\"columns\": [{\"name\": \"month\", \"type\": \"varchar\"}, {\"name\": "
              "\"_col1\", \"type\": \"bigint\"}, {\"name\": \"top\", \"type\": \"integer\"}], "
              "\"owner\": \"arn:aws:iam::123456789012:root\", \"runAsInvoker\": false, "
              "\"properties\": {}}",
              __LINE__);
    check_doc(view,
              "{\"Name\": \"monthly\", \"DatabaseName\": \"default\", \"Owner\": \"hadoop\", "
              "\"Retention\": 0, \"StorageDescriptor\": {\"Columns\": [{\"Name\": \"month\", "
              "\"Type\": \"string\"}, {\"Name\": \"_col1\", \"Type\": \"bigint\"}, {\"Name\": "
              "\"top\", \"Type\": \"int\"}], \"Location\": \"\", \"Compressed\": false, "
              "\"NumberOfBuckets\": 0, \"SerdeInfo\": {}, \"SortColumns\": [], "
              "\"StoredAsSubDirectories\": false}, \"PartitionKeys\": [], \"ViewExpandedText\": "
              "\"/* Presto View */\", \"TableType\": \"VIRTUAL_VIEW\", \"Parameters\": "
              "{\"presto_view\": \"true\", \"comment\": \"Presto View\"}, "
              "\"IsRegisteredWithLakeFormation\": false, \"CatalogId\": \"123456789012\"}",
              __LINE__);
    CHECK_DDL_ROWS("DESCRIBE monthly", "col_name:string:0,data_type:string:0,comment:string:0",
                   "month               |string              |\n"
                   "_col1               |bigint              |\n"
                   "top                 |int                 |\n");
    /* Names resolve in the query's database, wherever the view lives. */
    REQUIRE(ddl_ok("CREATE DATABASE other"));
    REQUIRE(ddl_ok("CREATE VIEW other.ids AS SELECT id FROM names"));
    view = store_table_get(st, "other", "ids");
    definition = presto_definition(view);
    json_decref(view);
    CHECK_STR(json_string_value(json_object_get(definition, "schema")), "default");
    json_decref(definition);
    CHECK_SELECT("SELECT * FROM other.ids ORDER BY id", "1\n3\n", 14);
    all_close();
}

static void test_query_views(void)
{
    all_open();
    REQUIRE(create_tables());
    REQUIRE(ddl_ok("CREATE VIEW monthly AS SELECT month, count(*) AS n FROM events GROUP BY 1"));
    CHECK_SELECT("SELECT * FROM monthly ORDER BY month", "01|2\n02|1\n", 12);
    CHECK_STR(buf_str(&out.columns), "month:varchar:2147483647,n:bigint:19");
    /* The view's own predicates prune the partitions it reads. */
    REQUIRE(ddl_ok("CREATE VIEW january AS SELECT e.id, n.label FROM events e "
                   "LEFT JOIN names n ON e.id = n.id WHERE e.month = '01'"));
    CHECK_SELECT("SELECT * FROM january ORDER BY id", "1|one\n2|<null>\n", 8 + 14);
    /* Views over views, joined with a table. */
    REQUIRE(ddl_ok("CREATE VIEW named AS SELECT j.id, j.label, m.n FROM january j, monthly m "
                   "WHERE m.month = '01' AND j.label IS NOT NULL"));
    CHECK_SELECT("SELECT * FROM named", "1|one|2\n", 8 + 14 + 12);
    /* Replaced, a view reads its new definition; views over it follow. */
    REQUIRE(ddl_ok("CREATE OR REPLACE VIEW january AS SELECT id, 'x' AS label FROM events "
                   "WHERE month = '02'"));
    CHECK_SELECT("SELECT * FROM named", "3|x|2\n", 4 + 12);
    REQUIRE(ddl_ok("CREATE OR REPLACE VIEW january AS SELECT 1 AS other_column"));
    CHECK_SELECT_ERROR("SELECT * FROM named", "INVALID_VIEW",
                       "Failed analyzing stored view 'awsdatacatalog.default.named'");
    /* A view whose query ends in LIMIT still gets Athena's column names. */
    REQUIRE(ddl_ok("CREATE VIEW firsts AS SELECT id * 10, name FROM events ORDER BY id LIMIT 2"));
    CHECK_SELECT("SELECT _col0, name FROM firsts", "10|a\n20|b\n", 12);
    all_close();
}

static void test_view_statements(void)
{
    all_open();
    REQUIRE(create_tables());
    REQUIRE(ddl_ok("CREATE VIEW v AS SELECT id FROM names"));
    CHECK_DDL_ERROR("CREATE VIEW v AS SELECT 1", "View already exists: 'awsdatacatalog.default.v'");
    CHECK_DDL_ERROR("CREATE VIEW names AS SELECT 1",
                    "Table default.names already exists and is not a view");
    CHECK_DDL_ERROR("CREATE OR REPLACE VIEW names AS SELECT 1",
                    "Table default.names already exists and is not a view");
    CHECK_DDL_ERROR("CREATE VIEW nowhere.v AS SELECT 1", "Database does not exist: nowhere");
    CHECK_DDL_ERROR("DROP TABLE v", "Cannot drop a view with DROP TABLE: default.v");
    CHECK_DDL_ERROR("DROP VIEW names", "default.names is a table, not a view; use DROP TABLE");
    CHECK_DDL_ERROR("DROP VIEW nope", "View 'awsdatacatalog.default.nope' does not exist");
    CHECK(ddl_ok("DROP VIEW IF EXISTS nope"));
    REQUIRE(ddl_ok("CREATE VIEW v2 AS SELECT 2 AS two"));
    REQUIRE(ddl_ok("CREATE VIEW w AS VALUES (1, 'a')"));
    CHECK_DDL_ROWS("SHOW VIEWS", "views:string:0", "v\nv2\nw\n");
    CHECK_DDL_ROWS("SHOW VIEWS IN default LIKE 'v*'", "views:string:0", "v\nv2\n");
    CHECK_DDL_ROWS("SHOW TABLES", "tab_name:string:0", "events\nnames\nv\nv2\nw\n");
    CHECK_SELECT("SELECT * FROM w", "1|a\n", 0);
    CHECK_STR(buf_str(&out.columns), "_col0:integer:10,_col1:varchar:2147483647");
    REQUIRE(ddl_ok("DROP VIEW default.v2"));
    CHECK_DDL_ROWS("SHOW VIEWS", "views:string:0", "v\nw\n");
    CHECK_SELECT_ERROR("SELECT * FROM v2", "TABLE_NOT_FOUND", "'awsdatacatalog.default.v2'");
    CHECK_DDL_ERROR("SHOW VIEWS IN nowhere", "Database does not exist: nowhere");
    CHECK_DDL_ERROR("CREATE VIEW x AS", "line 1:17: mismatched input '<EOF>'. Expecting: <query>");
    CHECK_DDL_ERROR("CREATE VIEW x SELECT 1", "line 1:15: mismatched input 'SELECT'. "
                                              "Expecting: 'AS'");
    CHECK_DDL_ERROR("CREATE OR VIEW x AS SELECT 1",
                    "line 1:11: mismatched input 'VIEW'. Expecting: 'REPLACE'");
    CHECK_DDL_ERROR("DROP VIEW v extra", "line 1:13: mismatched input 'extra'. Expecting: <EOF>");
    /* CREATE VIEW needs the engine, which ddl_execute does not have. */
    CHECK_INT(ddl_execute(st, "CREATE VIEW q AS SELECT 1", "default", ACCOUNT, NULL, &err), -1);
    CHECK_STR(err.message, "CREATE VIEW needs the query engine");
    all_close();
}

static void test_view_query_errors(void)
{
    all_open();
    REQUIRE(create_tables());
    CHECK_DDL_ERROR("CREATE VIEW bad AS SELECT * FROM nope",
                    "TABLE_NOT_FOUND: line 1:34: Table 'awsdatacatalog.default.nope' does not "
                    "exist");
    CHECK_DDL_ERROR("CREATE VIEW bad\nAS\n  SELECT *\n  FROM nope",
                    "TABLE_NOT_FOUND: line 4:8: Table 'awsdatacatalog.default.nope' does not "
                    "exist");
    CHECK_DDL_ERROR("CREATE VIEW bad AS SELECT nope FROM names",
                    "COLUMN_NOT_FOUND: line 1:27: Column 'nope' cannot be resolved");
    CHECK_DDL_ERROR("CREATE VIEW bad AS SELECT * FROM read_csv('/etc/passwd')",
                    "NOT_SUPPORTED: table functions are not allowed: read_csv");
    CHECK_DDL_ERROR("CREATE VIEW bad AS SELECT 1; DROP TABLE names",
                    "NOT_SUPPORTED: Multiple statements are not allowed");
    CHECK_DDL_ERROR("CREATE VIEW bad AS SELECT id, id FROM names",
                    "line 1:20: Column name 'id' specified more than once");
    CHECK(store_table_get(st, "default", "bad") == NULL);
    all_close();
}

/* A VIRTUAL_VIEW entry as Glue's CreateTable could write it. */
static void put_view(const char *name, const char *original_text)
{
    json_t *view = json_pack("{s:s, s:s, s:s, s:{s:[{s:s, s:s}]}}", "Name", name,
                             "TableType", "VIRTUAL_VIEW", "ViewOriginalText", original_text,
                             "StorageDescriptor", "Columns", "Name", "x", "Type", "string");
    store_table_delete(st, "default", name);
    CHECK(store_table_create(st, "default", view) == STORE_OK);
    json_decref(view);
}

static void put_presto_view(const char *name, const char *sql)
{
    json_t *definition = json_pack("{s:s, s:s, s:s, s:[]}", "originalSql", sql, "catalog",
                                   "awsdatacatalog", "schema", "default", "columns");
    char *json = json_dumps(definition, JSON_COMPACT);
    unsigned char b64[4096];
    EVP_EncodeBlock(b64, (const unsigned char *)json, (int)strlen(json));
    char text[4200];
    snprintf(text, sizeof text, "/* Presto View: %s */", b64);
    put_view(name, text);
    free(json);
    json_decref(definition);
}

static void test_hand_written_views(void)
{
    all_open();
    REQUIRE(create_tables());
    put_presto_view("plain", "SELECT label FROM names WHERE id = 3");
    CHECK_SELECT("SELECT * FROM plain", "three\n", 14);
    put_presto_view("evil", "SELECT * FROM read_text('/etc/passwd')");
    CHECK_SELECT_ERROR("SELECT * FROM evil", "INVALID_VIEW",
                       "table functions are not allowed: read_text");
    put_presto_view("two", "SELECT 1 AS a; SELECT 2 AS b");
    CHECK_SELECT_ERROR("SELECT * FROM two", "INVALID_VIEW", "Multiple statements");
    put_presto_view("loop1", "SELECT * FROM loop2");
    put_presto_view("loop2", "SELECT * FROM loop1");
    CHECK_SELECT_ERROR("SELECT * FROM loop1", "INVALID_VIEW", "is recursive");
    put_presto_view("dangling", "SELECT * FROM gone");
    CHECK_SELECT_ERROR("SELECT * FROM dangling", "INVALID_VIEW",
                       "Table 'awsdatacatalog.default.gone' does not exist");
    put_view("hive", "SELECT 1");
    CHECK_SELECT_ERROR("SELECT * FROM hive", "NOT_SUPPORTED", "is not an Athena view");
    put_view("garbled", "/* Presto View: %%%% */");
    CHECK_SELECT_ERROR("SELECT * FROM garbled", "NOT_SUPPORTED", "is not an Athena view");
    all_close();
}

int main(void)
{
    RUN(test_create_view_document);
    RUN(test_query_views);
    RUN(test_view_statements);
    RUN(test_view_query_errors);
    RUN(test_hand_written_views);
    all_close();
    return test_summary();
}
