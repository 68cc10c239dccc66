/*
 * test_srv_ddl_catalog.c: athena-local's catalog statements that list and
 * remove (SHOW DATABASES/TABLES/COLUMNS, DESCRIBE, DROP) with their exact
 * output rows and LIKE patterns, statements not supported yet, sink
 * failures, and hostile input that must fail cleanly and never crash.
 */
#include "ddl_fixture.h"

static void test_show_databases(void)
{
    fixture_open();
    REQUIRE(ok("CREATE DATABASE sales"));
    REQUIRE(ok("CREATE DATABASE sales_eu"));
    REQUIRE(ok("CREATE DATABASE analytics"));
    REQUIRE(ok("CREATE DATABASE bronze"));
    const char *col = "database_name:string:0";
    CHECK_ROWS("SHOW DATABASES", col, "analytics\nbronze\ndefault\nsales\nsales_eu\n");
    CHECK_ROWS("show schemas", col, "analytics\nbronze\ndefault\nsales\nsales_eu\n");
    CHECK_ROWS("SHOW DATABASES LIKE 'sales*'", col, "sales\nsales_eu\n");
    CHECK_ROWS("SHOW DATABASES LIKE 'a*|b*'", col, "analytics\nbronze\n");
    CHECK_ROWS("SHOW DATABASES LIKE 'SALES'", col, "sales\n");
    CHECK_ROWS("SHOW DATABASES LIKE 'sale'", col, "");
    CHECK_ROWS("SHOW DATABASES LIKE '*_eu'", col, "sales_eu\n");
    CHECK_ROWS("SHOW DATABASES LIKE 'de.ault'", col, "default\n");
    CHECK_ROWS("SHOW DATABASES LIKE '.*s'", col, "analytics\nsales\n");
    CHECK_ROWS("SHOW DATABASES LIKE ' *z* | default '", col, "bronze\ndefault\n");
    CHECK_ROWS("SHOW DATABASES LIKE '**a**n**'", col, "analytics\n");
    check_user_error("SHOW DATABASES 'x'", "line 1:16: mismatched input ''x''. Expecting: 'LIKE', <EOF>");
    fixture_close();
}

static void test_drop_database(void)
{
    fixture_open();
    REQUIRE(ok("CREATE DATABASE d1"));
    REQUIRE(ok("CREATE EXTERNAL TABLE d1.t (a int) LOCATION 's3://bucket/t/'"));
    check_user_error("DROP DATABASE d1",
                     "Database d1 is not empty. One or more tables exist. "
                     "Use DROP DATABASE d1 CASCADE to drop it with its tables");
    check_user_error("DROP DATABASE d1 RESTRICT",
                     "Database d1 is not empty. One or more tables exist. "
                     "Use DROP DATABASE d1 CASCADE to drop it with its tables");
    REQUIRE(ok("DROP SCHEMA D1 CASCADE;"));
    CHECK(store_database_get(st, "d1") == NULL);
    CHECK(store_table_get(st, "d1", "t") == NULL);
    check_user_error("DROP DATABASE d1", "Database does not exist: d1");
    CHECK(ok("DROP DATABASE IF EXISTS d1"));
    REQUIRE(ok("CREATE DATABASE empty_one"));
    CHECK(ok("DROP DATABASE empty_one"));
    check_user_error("DROP DATABASE default", "Can not drop default database");
    check_user_error("DROP DATABASE x CASCADE RESTRICT",
                     "line 1:25: mismatched input 'RESTRICT'. Expecting: <EOF>");
    check_user_error("DROP DATABASE IF x", "line 1:18: mismatched input 'x'. Expecting: 'EXISTS'");
    fixture_close();
}

static void test_drop_table(void)
{
    fixture_open();
    REQUIRE(ok("CREATE EXTERNAL TABLE t (a int) LOCATION 's3://bkt/t/'"));
    REQUIRE(ok("CREATE DATABASE other"));
    REQUIRE(ok("CREATE EXTERNAL TABLE other.t (a int) LOCATION 's3://bkt/t/'"));
    CHECK(ok("DROP TABLE T"));
    CHECK_INT(out.columns_calls, 1);
    CHECK(store_table_get(st, "default", "t") == NULL);
    json_t *kept = store_table_get(st, "other", "t");
    CHECK(kept != NULL);
    json_decref(kept);
    check_user_error("DROP TABLE t", "Table not found: default.t");
    CHECK(ok("DROP TABLE IF EXISTS t"));
    check_user_error("DROP TABLE nodb.t", "Database does not exist: nodb");
    CHECK(run_in("DROP TABLE t", "OTHER") == 0);
    CHECK(store_table_get(st, "other", "t") == NULL);
    check_user_error("DROP TABLE", "line 1:11: mismatched input '<EOF>'. Expecting: <identifier>");
    fixture_close();
}

static void test_show_tables(void)
{
    fixture_open();
    REQUIRE(ok("CREATE DATABASE db"));
    const char *names[] = {"orders", "order_items", "customers", "web_logs"};
    for (size_t i = 0; i < 4; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "CREATE EXTERNAL TABLE db.%s (a int) LOCATION 's3://bkt/%s/'",
                 names[i], names[i]);
        REQUIRE(ok(sql));
    }
    const char *col = "tab_name:string:0";
    CHECK_ROWS("SHOW TABLES IN db", col, "customers\norder_items\norders\nweb_logs\n");
    CHECK_ROWS("SHOW TABLES FROM DB LIKE 'order*'", col, "order_items\norders\n");
    CHECK_ROWS("SHOW TABLES IN db 'web*|cust*'", col, "customers\nweb_logs\n");
    CHECK_ROWS("SHOW TABLES", col, "");
    CHECK_ROWS("SHOW TABLES;", col, "");
    test_checks++;
    if (run_in("SHOW TABLES '*_*'", "db") != 0 ||
        strcmp(buf_str(&out.rows), "order_items\nweb_logs\n") != 0) {
        test_failures++;
        fprintf(stderr, "SHOW TABLES in context db: %s %s\n", err.message, buf_str(&out.rows));
    }
    check_user_error("SHOW TABLES IN nodb", "Database does not exist: nodb");
    check_user_error("SHOW TABLES IN db FORM", "line 1:19: mismatched input 'FORM'. "
                                               "Expecting: 'IN', 'LIKE', <string>, <EOF>");
    fixture_close();
}

static void test_describe(void)
{
    fixture_open();
    REQUIRE(ok("CREATE EXTERNAL TABLE sales (id bigint COMMENT 'order id', amount decimal(12,2),"
               " items array<struct<sku:string,quantity:int,notes:map<string,string>>>)"
               " PARTITIONED BY (year int, month string COMMENT 'MM')"
               " STORED AS PARQUET LOCATION 's3://bkt/sales/'"));
    const char *cols = "col_name:string:0,data_type:string:0,"
                       "comment:string:0";
    CHECK_ROWS("DESCRIBE sales", cols,
               "id                  |bigint              |order id\n"
               "amount              |decimal(12,2)       |\n"
               "items               |array<struct<sku:string,quantity:int,notes:map<string,string>>>|\n"
               "year                |int                 |\n"
               "month               |string              |MM\n"
               "||\n"
               "# Partition Information||\n"
               "# col_name          |data_type           |comment\n"
               "||\n"
               "year                |int                 |\n"
               "month               |string              |MM\n");
    CHECK_ROWS("DESC default.sales amount", cols, "amount              |decimal(12,2)       |\n");
    CHECK_ROWS("DESCRIBE sales YEAR", cols, "year                |int                 |\n");
    REQUIRE(ok("CREATE EXTERNAL TABLE flat (a int) LOCATION 's3://bkt/flat/'"));
    CHECK_ROWS("describe flat", cols, "a                   |int                 |\n");
    check_user_error("DESCRIBE sales nope", "Column nope does not exist in table sales");
    check_user_error("DESCRIBE missing", "Table not found: default.missing");
    check_user_error("DESCRIBE nodb.missing", "Database does not exist: nodb");
    check_user_error("DESCRIBE FORMATTED sales",
                     "line 1:10: DESCRIBE EXTENDED and DESCRIBE FORMATTED are not supported yet");
    fixture_close();
}

static void test_show_columns(void)
{
    fixture_open();
    REQUIRE(ok("CREATE DATABASE db"));
    REQUIRE(ok("CREATE EXTERNAL TABLE db.t (a int, b string) PARTITIONED BY (dt string) "
               "LOCATION 's3://bkt/t/'"));
    const char *col = "field:string:0";
    CHECK_ROWS("SHOW COLUMNS FROM db.t", col, "a\nb\ndt\n");
    CHECK_ROWS("SHOW COLUMNS IN t IN db", col, "a\nb\ndt\n");
    CHECK_ROWS("SHOW COLUMNS FROM t FROM db", col, "a\nb\ndt\n");
    CHECK_ROWS("SHOW COLUMNS FROM db.t IN db", col, "a\nb\ndt\n");
    check_user_error("SHOW COLUMNS FROM db.t IN other",
                     "line 1:27: the table is qualified with another database: db");
    check_user_error("SHOW COLUMNS FROM t", "Table not found: default.t");
    check_user_error("SHOW COLUMNS t", "line 1:14: mismatched input 't'. Expecting: 'FROM', 'IN'");
    fixture_close();
}

static void test_unsupported_statements(void)
{
    fixture_open();
    check_user_error("ALTER TABLE t ADD COLUMNS (c int)",
                     "ALTER TABLE ADD COLUMNS is not supported yet");
    check_user_error("ALTER TABLE t PARTITION (dt='1') RENAME TO PARTITION (dt='2')",
                     "ALTER TABLE RENAME PARTITION is not supported yet");
    check_user_error("CREATE TABLE t AS SELECT 1", "CREATE TABLE AS SELECT is not supported yet");
    check_user_error("SHOW TBLPROPERTIES t", "SHOW TBLPROPERTIES is not supported yet");
    check_user_error("SHOW CREATE VIEW v", "SHOW CREATE VIEW is not supported yet");
    check_user_error("SHOW FUNCTIONS",
                     "line 1:6: mismatched input 'FUNCTIONS'. Expecting: 'COLUMNS', 'CREATE', "
                     "'DATABASES', 'PARTITIONS', 'SCHEMAS', 'TABLES', 'TBLPROPERTIES', 'VIEWS'");
    check_user_error("SELECT 1", "line 1:1: mismatched input 'SELECT'. Expecting: 'ALTER', "
                                 "'CREATE', 'DESCRIBE', 'DROP', 'MSCK', 'SHOW'");
    check_user_error("", "line 1:1: mismatched input '<EOF>'. Expecting: 'ALTER', "
                         "'CREATE', 'DESCRIBE', 'DROP', 'MSCK', 'SHOW'");
    check_user_error("ALTER TABLE t FROB", "line 1:15: mismatched input 'FROB'. Expecting: "
                                           "'ADD', 'DROP', 'PARTITION', 'REPLACE', 'SET'");
    fixture_close();
}

static void test_sink_and_null_arguments(void)
{
    fixture_open();
    REQUIRE(ok("CREATE DATABASE a1"));
    REQUIRE(ok("CREATE DATABASE a2"));
    collector_reset(&out);
    out.abort_after = 2;
    engine_sink sink = {collect_columns, collect_row, &out};
    CHECK_INT(ddl_execute(st, "SHOW DATABASES", "default", ACCOUNT, &sink, &err), -1);
    CHECK_INT(err.user_error, 0);
    CHECK_STR(err.message, "the result writer stopped the statement");
    /* No sink, no error struct, no context database: still works. */
    CHECK_INT(ddl_execute(st, "SHOW TABLES", NULL, ACCOUNT, NULL, NULL), 0);
    CHECK_INT(ddl_execute(st, "CREATE EXTERNAL TABLE t (a int) LOCATION 's3://bkt/t/'", NULL, NULL,
                          NULL, &err), 0);
    json_t *t = store_table_get(st, "default", "t");
    CHECK(t && !json_object_get(t, "CatalogId"));
    json_decref(t);
    CHECK_INT(ddl_execute(NULL, "SHOW TABLES", NULL, ACCOUNT, NULL, &err), -1);
    CHECK_INT(err.user_error, 0);
    CHECK_INT(ddl_execute(st, NULL, NULL, ACCOUNT, NULL, &err), -1);
    CHECK_INT(err.user_error, 1);
    fixture_close();
}

/* ---- hostile input: must fail cleanly, never crash ---- */

static void check_fails_cleanly(const char *sql, const char *what)
{
    test_checks++;
    int rc = run(sql);
    if (rc != -1 || !err.user_error || err.message[0] == '\0') {
        test_failures++;
        fprintf(stderr, "%s: %s: rc=%d user=%d %s\n", test_current, what, rc, err.user_error,
                err.message);
    }
}

static void test_hostile_input(void)
{
    fixture_open();
    buf sql = BUF_INIT;
    buf_puts(&sql, "CREATE EXTERNAL TABLE t (a ");
    for (int i = 0; i < 10000; i++)
        buf_putc(&sql, '(');
    check_fails_cleanly(buf_str(&sql), "10k parentheses");
    buf_reset(&sql);
    buf_puts(&sql, "CREATE EXTERNAL TABLE t (a ");
    for (int i = 0; i < 10000; i++)
        buf_puts(&sql, "array<");
    buf_puts(&sql, "int");
    for (int i = 0; i < 10000; i++)
        buf_putc(&sql, '>');
    buf_puts(&sql, ") LOCATION 's3://bkt/t/'");
    check_fails_cleanly(buf_str(&sql), "10k nested arrays");
    CHECK_STR(err.message, "line 1:28: type nested deeper than 32 levels");
    buf_reset(&sql);
    buf_puts(&sql, "CREATE DATABASE ");
    for (int i = 0; i < 256; i++)
        buf_putc(&sql, 'x');
    check_fails_cleanly(buf_str(&sql), "256-character name");
    CHECK_STR(err.message, "line 1:17: name is too long (at most 255 characters)");
    buf_reset(&sql);
    buf_puts(&sql, "DROP TABLE `");
    for (int i = 0; i < 1000000; i++)
        buf_putc(&sql, 'y');
    buf_putc(&sql, '`');
    check_fails_cleanly(buf_str(&sql), "1 MB name");
    buf_reset(&sql);
    for (int i = 0; i < 400000; i++)
        buf_puts(&sql, i ? " ," : "SHOW TABLES");
    check_fails_cleanly(buf_str(&sql), "too many tokens");
    CHECK_STR(err.message, "statement is too long");
    check_fails_cleanly("SHOW TABLES LIKE 'abc", "unterminated string");
    check_fails_cleanly("DROP TABLE `abc", "unterminated backquote");
    check_fails_cleanly("DROP TABLE \"abc", "unterminated double quote");
    check_fails_cleanly("CREATE DATABASE x COMMENT 'a\\", "backslash at the end");
    check_fails_cleanly("DROP TABLE \x01\x02\xff", "control bytes");

    /* Deterministic fuzzing with pieces of the grammar and junk. */
    static const char *const pieces[] = {
        "CREATE", "EXTERNAL", "TABLE", "DATABASE", "DROP", "SHOW", "TABLES", "DESCRIBE", "(",
        ")", "<", ">", ",", ".", ";", "'s3://bkt/x/'", "'", "\"", "`", "a", "int", "array",
        "map", "struct", ":", "LOCATION", "ROW", "FORMAT", "SERDE", "DELIMITED", "STORED", "AS",
        "PARQUET", "PARTITIONED", "BY", "IF", "NOT", "EXISTS", "LIKE", "--", "/*", "*/", "\\",
        "\n", "COMMENT", "TBLPROPERTIES", "=", "COLUMNS", "IN", "CASCADE", "\xc3", "12",
    };
    uint32_t seed = 12345;
    int crashed_or_bad = 0;
    for (int iter = 0; iter < 3000; iter++) {
        buf_reset(&sql);
        seed = seed * 1103515245u + 12345u;
        int n = 1 + (int)((seed >> 16) % 24);
        for (int k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            buf_puts(&sql, pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
            buf_putc(&sql, ' ');
        }
        int rc = run(buf_str(&sql));
        if (rc != 0 && rc != -1)
            crashed_or_bad++;
        if (rc == -1 && err.message[0] == '\0')
            crashed_or_bad++;
        (void)ddl_substatement(buf_str(&sql));
        (void)ddl_classify(buf_str(&sql));
    }
    CHECK_INT(crashed_or_bad, 0);
    buf_free(&sql);
    fixture_close();
}
int main(void)
{
    RUN(test_show_databases);
    RUN(test_drop_database);
    RUN(test_drop_table);
    RUN(test_show_tables);
    RUN(test_describe);
    RUN(test_show_columns);
    RUN(test_unsupported_statements);
    RUN(test_sink_and_null_arguments);
    RUN(test_hostile_input);
    return test_summary();
}
