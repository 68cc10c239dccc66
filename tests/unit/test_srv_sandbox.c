/*
 * test_srv_sandbox.c: the user-SQL sandbox. Hostile statements must all be
 * refused with a reason that says why; ordinary Athena queries must pass with
 * exactly the catalog tables they name and the number of '?' they hold.
 */
#include "sandbox.h"
#include "test.h"

#include <duckdb.h>

static duckdb_database db;
static duckdb_connection conn;

typedef struct hostile_case {
    const char *sql;
    const char *reason_part;   /* must appear in the reason */
} hostile_case;

static const hostile_case hostile[] = {
    {"SELECT * FROM read_csv('/etc/passwd')", "table functions are not allowed: read_csv"},
    {"SELECT * FROM read_csv_auto('/etc/passwd')", "read_csv_auto"},
    {"SELECT * FROM read_parquet('/data/x.parquet')", "read_parquet"},
    {"SELECT * FROM glob('/*')", "glob"},
    {"SELECT * FROM read_text('/etc/passwd')", "read_text"},
    {"SELECT * FROM read_blob('/etc/shadow')", "read_blob"},
    {"SELECT * FROM read_json('/etc/x.json')", "read_json"},
    {"SELECT * FROM parquet_metadata('/x.parquet')", "parquet_metadata"},
    {"SELECT * FROM '/etc/passwd'", "file paths are not tables: /etc/passwd"},
    {"FROM 'x.csv'", "file paths are not tables: x.csv"},
    {"SELECT * FROM \"s3://bucket/key.parquet\"", "file paths are not tables"},
    {"COPY (SELECT 1) TO '/tmp/x'", "COPY is not allowed"},
    {"ATTACH '/tmp/x.db' AS x", "ATTACH is not allowed"},
    {"INSTALL httpfs", "INSTALL is not allowed"},
    {"LOAD httpfs", "LOAD is not allowed"},
    {"SET enable_external_access = true", "SET is not allowed"},
    {"RESET lock_configuration", "RESET is not allowed"},
    {"PRAGMA database_list", "PRAGMA is not allowed"},
    {"EXPORT DATABASE '/tmp/x'", "EXPORT is not allowed"},
    {"IMPORT DATABASE '/tmp/x'", "IMPORT is not allowed"},
    {"CALL pragma_version()", "CALL is not allowed"},
    {"SELECT getenv('HOME')", "function getenv is not allowed"},
    {"SELECT current_setting('allowed_directories')", "function current_setting is not allowed"},
    {"SELECT * FROM duckdb_settings()", "duckdb_settings"},
    {"SELECT * FROM duckdb_extensions()", "duckdb_extensions"},
    {"SELECT * FROM query('SELECT 1')", "query"},
    {"SELECT * FROM query_table('t')", "query_table"},
    {"SELECT 1; SELECT 2", "Multiple statements are not allowed"},
    {"SELECT 1; COPY (SELECT 1) TO '/tmp/x'", "Multiple statements are not allowed"},
    {"CREATE TABLE x AS SELECT 1", "CREATE is not allowed"},
    {"INSERT INTO t VALUES (1)", "INSERT is not allowed"},
    {"UPDATE t SET a = 1", "UPDATE is not allowed"},
    {"DELETE FROM t", "DELETE is not allowed"},
    {"DROP TABLE t", "DROP is not allowed"},
    {"DETACH x", "DETACH is not allowed"},
    {"USE x", "USE is not allowed"},
    {"CHECKPOINT", "CHECKPOINT is not allowed"},
    {"VACUUM", "VACUUM is not allowed"},
    {"EXPLAIN SELECT 1", "EXPLAIN is not allowed"},
    {"/* hi */ -- there\n  copy t to '/tmp/x'", "COPY is not allowed"},
    {"SELECT * FROM main.t", "schema main belongs to the engine"},
    {"SELECT * FROM system.main.duckdb_tables", "catalog system is not available"},
    {"SELECT * FROM memory.main.t", "catalog memory is not available"},
    {"SELECT * FROM pg_catalog.pg_settings", "schema pg_catalog belongs to the engine"},
    {"SELECT * FROM temp.t", "schema temp belongs to the engine"},
    {"SELECT * FROM duckdb_tables", "duckdb_tables is an engine table"},
    {"SELECT * FROM sqlite_master", "sqlite_master is an engine table"},
    {"SELECT * FROM pg_settings", "pg_settings is an engine table"},
    {"SELECT * FROM pragma_database_list", "pragma_database_list is an engine table"},
    {"SELECT system.main.getenv('x')", "getenv"},
    {"SELECT system.main.lower('x')", "qualified function names are not allowed: system.main.lower"},
    {"SELECT pg_catalog.lower('x')", "qualified function names are not allowed"},
    {"SUMMARIZE t", "SUMMARIZE is not allowed"},
    {"DESCRIBE t", "DESCRIBE and SHOW are not allowed"},
    {"SHOW TABLES", "DESCRIBE and SHOW are not allowed"},
    {"SELECT * FROM (DESCRIBE t)", "DESCRIBE and SHOW are not allowed"},
    {"WITH x AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM x", "read_csv"},
    {"SELECT a FROM t WHERE a IN (SELECT content FROM read_text('/etc/passwd'))", "read_text"},
    {"SELECT * FROM t, LATERAL read_csv(t.path)", "read_csv"},
    {"SELECT * FROM t CROSS JOIN glob(t.pattern)", "glob"},
    {"SELECT (SELECT max(x) FROM read_parquet('/x'))", "read_parquet"},
    {"SELECT list_transform([1], x -> getenv('HOME'))", "getenv"},
    {"SELECT ('HOME').getenv()", "getenv"},
    {"SELECT s.lower() FROM demo.t", "qualified function names are not allowed: s.lower"},
    {"SELECT GETENV('HOME')", "getenv"},
    {"SELECT json_serialize_plan('SELECT * FROM read_csv(''/etc/passwd'')')", "json_serialize_plan"},
    {"SELECT pg_get_viewdef(1)", "pg_get_viewdef"},
    {"SELECT format_type(1, 1)", "format_type"},
    {"SELECT getvariable('x')", "getvariable"},
    {"SELECT setseed(0.5)", "setseed"},
    {"SELECT nextval('s')", "nextval"},
    {"SELECT count(*) OVER (PARTITION BY current_setting('threads'))", "current_setting"},
    {"SELECT * FROM t WHERE x = (SELECT which_secret('s3://b', 's3'))", "which_secret"},
    {"SELECT * FROM range(3) r, read_csv('/etc/passwd')", "read_csv"},
    {"SELECT * FROM t1 JOIN (SELECT * FROM duckdb_secrets()) s ON true", "duckdb_secrets"},
    {"SELECT * FROM t UNION ALL SELECT * FROM sniff_csv('/etc/passwd')", "sniff_csv"},
    {"SELECT * FROM t AT (VERSION => 1)", "AT (time travel)"},
    {"SELECT $name", "named parameters are not supported"},
    {"SELECT $2", "parameters must be '?' placeholders"},
    {"SELECT $1, $1", "parameters must be '?' placeholders"},
    {"SELEC 1", "Parser Error: syntax error at or near \"SELEC\""},
    {"SELECT 'unterminated", "Parser Error"},
    {"", "The query is empty"},
    {"  ;  ", "The query is empty"},
    {"WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "Only SELECT statements are allowed"},
    {"PIVOT t ON x USING sum(y)", "Only SELECT statements are allowed"},
    {"SELECT * FROM awsdatacatalog.main.t", "schema main belongs to the engine"},
    {"SELECT * FROM otherdatacatalog.db.t", "catalog otherdatacatalog is not available"},
};

typedef struct allowed_case {
    const char *sql;
    const char *tables;        /* "schema.name,..." in order; "" for none */
    int parameters;
} allowed_case;

static const allowed_case allowed[] = {
    {"SELECT * FROM flights", ".flights", 0},
    {"SELECT * FROM demo.flights LIMIT 10", "demo.flights", 0},
    {"SELECT * FROM awsdatacatalog.demo.flights", "demo.flights", 0},
    {"SELECT * FROM AwsDataCatalog.Demo.Flights", "demo.flights", 0},
    {"SELECT f.origin, a.name FROM demo.flights f JOIN demo.airports a ON f.origin = a.iata",
     "demo.flights,demo.airports", 0},
    {"SELECT * FROM a LEFT JOIN b USING (id) FULL JOIN c ON b.x = c.x", ".a,.b,.c", 0},
    {"WITH recent AS (SELECT * FROM demo.flights WHERE year = 2024) "
     "SELECT origin, count(*) FROM recent GROUP BY origin", "demo.flights", 0},
    {"WITH x AS (SELECT 1 AS a), y AS (SELECT * FROM x) SELECT * FROM y JOIN z ON true", ".z", 0},
    {"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) "
     "SELECT * FROM r", "", 0},
    {"SELECT * FROM (WITH t AS (SELECT 1) SELECT * FROM t) s, t", ".t", 0},
    {"SELECT * FROM demo.t WHERE id IN (SELECT id FROM demo.u WHERE v > 1)", "demo.t,demo.u", 0},
    {"SELECT (SELECT max(x) FROM demo.t), exists(SELECT 1 FROM demo.t)", "demo.t", 0},
    {"SELECT * FROM demo.t WHERE a = ? AND b > ? OR c LIKE ?", "demo.t", 3},
    {"SELECT ?", "", 1},
    {"SELECT x FROM demo.t CROSS JOIN UNNEST(items) AS u(x)", "demo.t", 0},
    {"SELECT * FROM UNNEST(ARRAY[1, 2, 3]) AS t(n)", "", 0},
    {"SELECT * FROM range(10)", "", 0},
    {"SELECT * FROM generate_series(1, 5)", "", 0},
    {"SELECT origin, row_number() OVER (PARTITION BY origin ORDER BY delay DESC) AS rk "
     "FROM demo.flights QUALIFY rk <= 3", "demo.flights", 0},
    {"VALUES (1, 'a'), (2, 'b')", "", 0},
    {"SELECT * FROM (VALUES (1), (2)) AS v(x)", "", 0},
    {"SELECT a FROM demo.t UNION SELECT a FROM demo.u EXCEPT SELECT a FROM demo.v",
     "demo.t,demo.u,demo.v", 0},
    {"SELECT a FROM demo.t UNION ALL SELECT a FROM demo.t", "demo.t", 0},
    {"SELECT date_trunc('month', ts), approx_count_distinct(id), regexp_extract(s, 'a(b)', 1), "
     "CAST(x AS DECIMAL(10, 2)), [1, 2][1], {'k': 1}, map([1], ['a']), x::VARCHAR "
     "FROM demo.t WHERE s ILIKE '%a%' ORDER BY 1 NULLS LAST", "demo.t", 0},
    {"SELECT current_database(), version(), 1e999, -1e999", "", 0},
    {"SELECT list_transform([1, 2], x -> x + 1), coalesce(NULL, 1), nullif(1, 2)", "", 0},
    {"SELECT * FROM information_schema.tables", "information_schema.tables", 0},
    {"SELECT * FROM demo.t TABLESAMPLE 10%", "demo.t", 0},
    {"SELECT 'x.csv', '/etc/passwd' AS path, 'read_csv' FROM demo.t", "demo.t", 0},
    {"SELECT 1;", "", 0},
    {"-- a comment\nSELECT /* inline */ 1", "", 0},
    {"SELECT * FROM demo.t PIVOT (sum(v) FOR k IN ('a', 'b'))", "demo.t", 0},
    {"SELECT \"read_csv\" FROM demo.t", "demo.t", 0},
};

static void split_expected(const char *expected, char parts[][520], size_t *count)
{
    *count = 0;
    const char *p = expected;
    while (*p && *count < 16) {
        size_t n = strcspn(p, ",");
        snprintf(parts[*count], 520, "%.*s", (int)n, p);
        (*count)++;
        p += n;
        if (*p == ',')
            p++;
    }
}

static void test_hostile_statements_are_refused(void)
{
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        sandbox_result r;
        int rc = sandbox_inspect(conn, hostile[i].sql, &r);
        CHECK_INT(rc, -1);
        if (rc != -1 || !strstr(r.reason, hostile[i].reason_part)) {
            test_failures++;
            fprintf(stderr, "  refused %s\n    reason:   %s\n    expected: ...%s...\n",
                    hostile[i].sql, rc == -1 ? r.reason : "(allowed)", hostile[i].reason_part);
        }
        CHECK_INT(r.table_count, 0);
    }
}

static void test_athena_queries_are_allowed(void)
{
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        sandbox_result r;
        int rc = sandbox_inspect(conn, allowed[i].sql, &r);
        if (rc != 0) {
            test_failures++;
            fprintf(stderr, "  allowed %s\n    refused: %s\n", allowed[i].sql, r.reason);
            continue;
        }
        char parts[16][520];
        size_t count;
        split_expected(allowed[i].tables, parts, &count);
        CHECK_INT(r.table_count, count);
        for (size_t t = 0; t < count && t < r.table_count; t++) {
            char got[520];
            snprintf(got, sizeof got, "%s.%s", r.tables[t].schema, r.tables[t].name);
            CHECK_STR(got, parts[t]);
        }
        CHECK_INT(r.parameter_count, allowed[i].parameters);
    }
}

static void test_sql_is_bound_not_pasted(void)
{
    /* Quotes in the SQL must reach the parser intact, not break our query. */
    sandbox_result r;
    CHECK_INT(sandbox_inspect(conn, "SELECT 'it''s', '\"', '\\' FROM demo.t", &r), 0);
    CHECK_INT(r.table_count, 1);
    CHECK_INT(sandbox_inspect(conn, "') AS x; COPY t TO '/tmp/x' --", &r), -1);
    CHECK(strstr(r.reason, "Parser Error") != NULL);
}

static void test_bad_input(void)
{
    sandbox_result r;
    CHECK_INT(sandbox_inspect(conn, NULL, &r), -1);
    CHECK(r.reason[0] != '\0');
    CHECK_INT(sandbox_inspect(conn, "SELECT '\xff\xfe'", &r), -1);
    CHECK(r.reason[0] != '\0');

    /* Deep nesting is refused cleanly (by DuckDB or by our depth limit). */
    size_t depth = 3000;
    char *sql = malloc(depth * 2 + 16);
    REQUIRE(sql != NULL);
    strcpy(sql, "SELECT 1");
    size_t n = strlen(sql);
    for (size_t i = 0; i < depth; i++) {
        sql[n++] = '+';
        sql[n++] = '1';
    }
    sql[n] = '\0';
    CHECK_INT(sandbox_inspect(conn, sql, &r), -1);
    CHECK(r.reason[0] != '\0');
    free(sql);
}

static void test_table_limit(void)
{
    /* 65 distinct tables: one more than a result can hold. */
    char sql[4096] = "SELECT 1 FROM demo.t0";
    for (int i = 1; i <= SANDBOX_MAX_TABLES; i++) {
        char part[32];
        snprintf(part, sizeof part, ", demo.t%d", i);
        strcat(sql, part);
    }
    sandbox_result r;
    CHECK_INT(sandbox_inspect(conn, sql, &r), -1);
    CHECK(strstr(r.reason, "too many tables") != NULL);
    CHECK_INT(r.table_count, 0);
}

int main(void)
{
    if (duckdb_open(NULL, &db) != DuckDBSuccess || duckdb_connect(db, &conn) != DuckDBSuccess) {
        fprintf(stderr, "cannot open DuckDB\n");
        return 1;
    }
    RUN(test_hostile_statements_are_refused);
    RUN(test_athena_queries_are_allowed);
    RUN(test_sql_is_bound_not_pasted);
    RUN(test_bad_input);
    RUN(test_table_limit);
    duckdb_disconnect(&conn);
    duckdb_close(&db);
    return test_summary();
}
