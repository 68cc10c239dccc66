/*
 * test_srv_hive_types.c: Hive column types as Glue stores them
 * (hive_type_normalize) and as DuckDB declares them (hive_type_to_duckdb),
 * including rejection of bad and hostile type strings.
 */
#include "hive_types.h"
#include "test.h"

typedef struct type_case {
    const char *input;
    const char *hive;     /* normalized, as Glue stores it */
    const char *duckdb;
} type_case;

static const type_case GOOD[] = {
    {"string", "string", "VARCHAR"},
    {"STRING", "string", "VARCHAR"},
    {"  int  ", "int", "INTEGER"},
    {"integer", "int", "INTEGER"},
    {"tinyint", "tinyint", "TINYINT"},
    {"SmallInt", "smallint", "SMALLINT"},
    {"bigint", "bigint", "BIGINT"},
    {"boolean", "boolean", "BOOLEAN"},
    {"float", "float", "FLOAT"},
    {"double", "double", "DOUBLE"},
    {"double precision", "double", "DOUBLE"},
    {"binary", "binary", "BLOB"},
    {"date", "date", "DATE"},
    {"TIMESTAMP", "timestamp", "TIMESTAMP"},
    {"decimal", "decimal(10,0)", "DECIMAL(10,0)"},
    {"decimal(12)", "decimal(12,0)", "DECIMAL(12,0)"},
    {"DECIMAL( 10 , 2 )", "decimal(10,2)", "DECIMAL(10,2)"},
    {"decimal(38,38)", "decimal(38,38)", "DECIMAL(38,38)"},
    {"varchar(10)", "varchar(10)", "VARCHAR"},
    {"char(3)", "char(3)", "VARCHAR"},
    {"array<string>", "array<string>", "VARCHAR[]"},
    {"ARRAY< STRING >", "array<string>", "VARCHAR[]"},
    {"array<array<int>>", "array<array<int>>", "INTEGER[][]"},
    {"map<string,int>", "map<string,int>", "MAP(VARCHAR, INTEGER)"},
    {"map < string , array < bigint > >", "map<string,array<bigint>>", "MAP(VARCHAR, BIGINT[])"},
    {"struct<a:int,b:string>", "struct<a:int,b:string>", "STRUCT(\"a\" INTEGER, \"b\" VARCHAR)"},
    {"STRUCT< Name : STRING , Age:INT >", "struct<name:string,age:int>",
     "STRUCT(\"name\" VARCHAR, \"age\" INTEGER)"},
    {"array<struct<a:int,b:string>>", "array<struct<a:int,b:string>>",
     "STRUCT(\"a\" INTEGER, \"b\" VARCHAR)[]"},
    {"map<string,array<struct<x:double,tags:map<string,string>>>>",
     "map<string,array<struct<x:double,tags:map<string,string>>>>",
     "MAP(VARCHAR, STRUCT(\"x\" DOUBLE, \"tags\" MAP(VARCHAR, VARCHAR))[])"},
    {"struct<date:date,map:int>", "struct<date:date,map:int>",
     "STRUCT(\"date\" DATE, \"map\" INTEGER)"},
    {"struct<`timestamp`:timestamp>", "struct<timestamp:timestamp>",
     "STRUCT(\"timestamp\" TIMESTAMP)"},
    {"struct<a:int COMMENT 'the a, with > inside', b:decimal(5,1)>", "struct<a:int,b:decimal(5,1)>",
     "STRUCT(\"a\" INTEGER, \"b\" DECIMAL(5,1))"},
    {"map<decimal(4,2),varchar(5)>", "map<decimal(4,2),varchar(5)>", "MAP(DECIMAL(4,2), VARCHAR)"},
};

static void test_good_types(void)
{
    for (size_t i = 0; i < sizeof GOOD / sizeof GOOD[0]; i++) {
        buf out = BUF_INIT;
        char why[256] = "";
        CHECK_INT(hive_type_normalize(GOOD[i].input, &out, why, sizeof why), 0);
        CHECK_STR(buf_str(&out), GOOD[i].hive);
        buf_reset(&out);
        CHECK_INT(hive_type_to_duckdb(GOOD[i].input, &out, why, sizeof why), 0);
        CHECK_STR(buf_str(&out), GOOD[i].duckdb);
        if (why[0])
            fprintf(stderr, "  case %zu (%s): %s\n", i, GOOD[i].input, why);
        buf_free(&out);
    }
}

/* The normalized form is a fixed point: Glue's stored type parses back to
 * itself. */
static void test_normalized_is_stable(void)
{
    for (size_t i = 0; i < sizeof GOOD / sizeof GOOD[0]; i++) {
        buf out = BUF_INIT;
        char why[256] = "";
        CHECK_INT(hive_type_normalize(GOOD[i].hive, &out, why, sizeof why), 0);
        CHECK_STR(buf_str(&out), GOOD[i].hive);
        buf_free(&out);
    }
}

typedef struct bad_case {
    const char *input;
    const char *why;
} bad_case;

static const bad_case BAD[] = {
    {"", "type expected at end of input"},
    {"   ", "type expected at end of input"},
    {"foo", "unsupported type 'foo'"},
    {"array<foo>", "unsupported type 'foo'"},
    {"uniontype<int,string>", "unsupported type 'uniontype'"},
    {"array<string", "unbalanced '<' in array"},
    {"array<string>>", "unbalanced '>' in type"},
    {"array", "expected '<' in array at end of input"},
    {"map<string>", "expected ',' in map at '>'"},
    {"map<array<int>,string>", "map keys must be of a primitive type"},
    {"struct<a int>", "expected ':' after struct field 'a'"},
    {"struct<>", "type expected at '>'"},
    {"decimal(0)", "decimal precision must be between 1 and 38, got 0"},
    {"decimal(39,2)", "decimal precision must be between 1 and 38, got 39"},
    {"decimal(5,6)", "decimal scale 6 is greater than precision 5"},
    {"decimal(99999999999)", "invalid decimal precision"},
    {"decimal(10,x)", "invalid decimal scale"},
    {"varchar", "varchar requires a length, e.g. varchar(10)"},
    {"varchar(0)", "varchar length must be between 1 and 65535, got 0"},
    {"char(256)", "char length must be between 1 and 255, got 256"},
    {"int int", "unexpected 'i' after type"},
    {"string;drop", "unexpected ';' after type"},
    {"struct<a:int comment>", "expected a quoted string after COMMENT"},
    {"struct<a:int comment 'x>", "unterminated comment string in struct"},
    {"struct<`a:int>", "unterminated or invalid `name` in type"},
};

static void test_bad_types(void)
{
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        buf out = BUF_INIT;
        buf_puts(&out, "keep");
        char why[256] = "";
        CHECK_INT(hive_type_normalize(BAD[i].input, &out, why, sizeof why), -1);
        CHECK_STR(why, BAD[i].why);
        /* A failed conversion leaves earlier contents alone. */
        CHECK_STR(buf_str(&out), "keep");
        why[0] = '\0';
        CHECK_INT(hive_type_to_duckdb(BAD[i].input, &out, why, sizeof why), -1);
        CHECK_STR(why, BAD[i].why);
        CHECK_STR(buf_str(&out), "keep");
        buf_free(&out);
    }
}

static void test_depth_limit(void)
{
    buf deep = BUF_INIT, out = BUF_INIT;
    char why[256] = "";
    /* 32 levels are fine, 33 are not, and 100000 never reach the stack. */
    for (int i = 0; i < 31; i++)
        buf_puts(&deep, "array<");
    buf_puts(&deep, "int");
    for (int i = 0; i < 31; i++)
        buf_puts(&deep, ">");
    CHECK_INT(hive_type_normalize(buf_str(&deep), &out, why, sizeof why), 0);
    buf_reset(&deep);
    for (int i = 0; i < 32; i++)
        buf_puts(&deep, "array<");
    buf_puts(&deep, "int");
    for (int i = 0; i < 32; i++)
        buf_puts(&deep, ">");
    CHECK_INT(hive_type_normalize(buf_str(&deep), &out, why, sizeof why), -1);
    CHECK_STR(why, "type nested deeper than 32 levels");
    buf_reset(&deep);
    for (int i = 0; i < 100000; i++)
        buf_puts(&deep, "map<string,");
    CHECK_INT(hive_type_to_duckdb(buf_str(&deep), &out, why, sizeof why), -1);
    CHECK_STR(why, "type nested deeper than 32 levels");
    buf_free(&deep);
    buf_free(&out);
}

static void test_long_and_odd_input(void)
{
    buf name = BUF_INIT, out = BUF_INIT;
    char why[256] = "";
    for (int i = 0; i < 300; i++)
        buf_putc(&name, 'x');
    CHECK_INT(hive_type_normalize(buf_str(&name), &out, why, sizeof why), -1);
    CHECK_STR(why, "name too long in type");
    CHECK_INT(hive_type_normalize("\xff\xfe", &out, why, sizeof why), -1);
    CHECK_INT(hive_type_normalize(NULL, &out, why, sizeof why), -1);
    /* A tiny reason buffer truncates, a NULL one is allowed. */
    char tiny[8];
    CHECK_INT(hive_type_normalize("foo", &out, tiny, sizeof tiny), -1);
    CHECK_STR(tiny, "unsuppo");
    CHECK_INT(hive_type_normalize("foo", &out, NULL, 0), -1);
    CHECK_INT(out.len, 0);
    buf_free(&name);
    buf_free(&out);
}

int main(void)
{
    RUN(test_good_types);
    RUN(test_normalized_is_stable);
    RUN(test_bad_types);
    RUN(test_depth_limit);
    RUN(test_long_and_odd_input);
    return test_summary();
}
