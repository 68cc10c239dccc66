/*
 * test_srv_glue_expression.c: the filters of Glue's GetPartitions and
 * GetTables (glue_expression.h): operators and their precedence, quoting,
 * comparison by the key's type (strings vs integers vs decimals, dates and
 * timestamps), SQL NULL semantics, malformed expressions rejected with a
 * position, and table-name patterns.
 */
#include <string.h>

#include "glue_expression.h"
#include "test.h"

/* The table every expression is parsed against, and the partition values
 * (in key order) of the partition under test. */
static json_t *table_keys(void)
{
    return json_pack("[{s:s,s:s}, {s:s,s:s}, {s:s,s:s}, {s:s,s:s}, {s:s,s:s}, {s:s,s:s},"
                     " {s:s,s:s}, {s:s}]",
                     "Name", "year", "Type", "string", "Name", "month", "Type", "string",
                     "Name", "day", "Type", "int", "Name", "amount", "Type", "decimal(10,2)",
                     "Name", "dt", "Type", "date", "Name", "ts", "Type", "timestamp",
                     "Name", "rate", "Type", "double", "Name", "region");
}

typedef struct partition {
    const char *year, *month, *day, *amount, *dt, *ts, *rate, *region;
} partition;

static const partition P = {"2001", "03", "7", "12.50", "2020-02-29", "2020-01-01 10:00:00",
                            "0.5", "eu"};

static json_t *values_of(const partition *p)
{
    const char *v[] = {p->year, p->month, p->day, p->amount, p->dt, p->ts, p->rate, p->region};
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        json_array_append_new(arr, v[i] ? json_string(v[i]) : json_null());
    return arr;
}

static char last_error[512];

/* 1 or 0 whether the partition matches, -1 when the expression is refused
 * (its message is in last_error). */
static int eval_on(const char *expression, const partition *p)
{
    json_t *keys = table_keys();
    json_t *values = values_of(p);
    last_error[0] = '\0';
    glue_expression *e = glue_expression_parse(expression, keys, last_error, sizeof last_error);
    int result = e ? glue_expression_matches(e, values) : -1;
    glue_expression_free(e);
    json_decref(values);
    json_decref(keys);
    return result;
}

static int eval(const char *expression)
{
    return eval_on(expression, &P);
}

static int refused_with(const char *expression, const char *message)
{
    return eval(expression) == -1 && strcmp(last_error, message) == 0;
}

static void test_empty_matches_everything(void)
{
    CHECK_INT(eval(""), 1);
    CHECK_INT(eval("  \t\n"), 1);
    CHECK_INT(eval(NULL), 1);
}

static void test_equality_on_strings(void)
{
    CHECK_INT(eval("year='2001'"), 1);
    CHECK_INT(eval("year = '2002'"), 0);
    CHECK_INT(eval("month = '3'"), 0);   /* strings: '03' is not '3' */
    CHECK_INT(eval("year = 2001"), 1);   /* a number literal compares as its text */
}

static void test_string_ordering_is_lexicographic(void)
{
    CHECK_INT(eval("month > '02'"), 1);
    CHECK_INT(eval("month > '10'"), 0);
    partition p = P;
    p.month = "10";
    CHECK_INT(eval_on("month < '9'", &p), 1);   /* '1' sorts before '9' */
    CHECK_INT(eval_on("month > '03'", &p), 1);
}

static void test_integer_keys_compare_numerically(void)
{
    partition p = P;
    p.day = "10";
    CHECK_INT(eval_on("day > 9", &p), 1);
    CHECK_INT(eval_on("day > '9'", &p), 1);     /* the literal is converted too */
    CHECK_INT(eval_on("day < 9", &p), 0);
    p.day = "07";
    CHECK_INT(eval_on("day = 7", &p), 1);       /* leading zeros do not matter */
    partition negative = P;
    negative.day = "-7";
    CHECK_INT(eval_on("day = -0007", &negative), 1);
    CHECK_INT(eval_on("day >= 7 AND day <= 7", &p), 1);
}

static void test_in_and_not_in(void)
{
    CHECK_INT(eval("year IN ('2001','2002')"), 1);
    CHECK_INT(eval("year IN ('1999', '2000')"), 0);
    CHECK_INT(eval("year NOT IN ('1999', '2000')"), 1);
    CHECK_INT(eval("year not in ('2001')"), 0);
    CHECK_INT(eval("day IN (1, '07', 9)"), 1);
}

static void test_between_is_inclusive(void)
{
    CHECK_INT(eval("year BETWEEN '2001' AND '2005'"), 1);
    CHECK_INT(eval("year BETWEEN '1990' AND '2001'"), 1);
    CHECK_INT(eval("year BETWEEN '2002' AND '2005'"), 0);
    CHECK_INT(eval("year NOT BETWEEN '2002' AND '2005'"), 1);
    CHECK_INT(eval("day BETWEEN 5 AND 10"), 1);   /* numeric: '7' is between 5 and 10 */
    CHECK_INT(eval("month BETWEEN '03' AND '03' AND year = '2001'"), 1);
}

static void test_comparison_operators(void)
{
    CHECK_INT(eval("year <> '2000'"), 1);
    CHECK_INT(eval("year != '2001'"), 0);
    CHECK_INT(eval("year <= '2001'"), 1);
    CHECK_INT(eval("year >= '2002'"), 0);
    CHECK_INT(eval("year < '2001'"), 0);
}

static void test_and_binds_tighter_than_or(void)
{
    /* year='1999' OR (year='2001' AND month='03') */
    CHECK_INT(eval("year='1999' OR year='2001' AND month='03'"), 1);
    /* (year='2001' OR year='1999') AND month='04' */
    CHECK_INT(eval("year='2001' OR year='1999' AND month='04'"), 1);
    CHECK_INT(eval("(year='2001' OR year='1999') AND month='04'"), 0);
}

static void test_not_precedence_and_parentheses(void)
{
    /* NOT binds tighter than AND: (NOT year='2000') AND month='03'. */
    CHECK_INT(eval("NOT year='2000' AND month='03'"), 1);
    CHECK_INT(eval("NOT (year='2001' AND month='04')"), 1);
    CHECK_INT(eval("NOT NOT year='2001'"), 1);
    CHECK_INT(eval("((((year='2001'))))"), 1);
    CHECK_INT(eval("(year='2000' OR (month='03' AND (day=7)))"), 1);
}

static void test_quoting(void)
{
    CHECK_INT(eval("\"year\" = '2001'"), 1);
    CHECK_INT(eval("`month` = '03'"), 1);
    partition p = P;
    p.region = "O'Hare";
    CHECK_INT(eval_on("region = 'O''Hare'", &p), 1);
    CHECK_INT(eval_on("region = 'O'", &p), 0);
    p.region = "a b";
    CHECK_INT(eval_on("region='a b'", &p), 1);
}

static void test_keywords_and_keys_are_case_insensitive(void)
{
    CHECK_INT(eval("YEAR = '2001' and Month = '03'"), 1);
    CHECK_INT(eval("year Between '2000' And '2002'"), 1);
    CHECK_INT(eval("year = '2001' oR year = '1'"), 1);
}

static void test_literal_on_the_left(void)
{
    CHECK_INT(eval("'2001' = year"), 1);
    CHECK_INT(eval("'02' < month"), 1);    /* month > '02' */
    CHECK_INT(eval("10 > day"), 1);        /* day < 10, numerically */
    CHECK_INT(eval("DATE '2020-03-01' > dt"), 1);
}

static void test_like(void)
{
    CHECK_INT(eval("year LIKE '20%'"), 1);
    CHECK_INT(eval("year LIKE '2_01'"), 1);
    CHECK_INT(eval("year LIKE '19%'"), 0);
    CHECK_INT(eval("year NOT LIKE '19%'"), 1);
    CHECK_INT(eval("year LIKE '%'"), 1);
    CHECK_INT(eval("year LIKE '%0%1'"), 1);
    partition p = P;
    p.region = "\xc3\xa9t\xc3\xa9";   /* "été": '_' is one character */
    CHECK_INT(eval_on("region LIKE '_t_'", &p), 1);
}

static void test_null_semantics(void)
{
    partition p = P;
    p.year = "__HIVE_DEFAULT_PARTITION__";
    CHECK_INT(eval_on("year IS NULL", &p), 1);
    CHECK_INT(eval_on("year IS NOT NULL", &p), 0);
    CHECK_INT(eval_on("year = '2001'", &p), 0);
    CHECK_INT(eval_on("NOT year = '2001'", &p), 0);     /* NOT unknown is unknown */
    CHECK_INT(eval_on("year = '2001' OR month = '03'", &p), 1);
    CHECK_INT(eval("year IS NULL"), 0);
    CHECK_INT(eval("year IS NOT NULL"), 1);
    /* A partition with fewer values than keys: the missing ones are NULL. */
    json_t *keys = table_keys(), *values = json_pack("[s]", "2001");
    glue_expression *e = glue_expression_parse("month IS NULL AND year = '2001'", keys,
                                               last_error, sizeof last_error);
    REQUIRE(e);
    CHECK_INT(glue_expression_matches(e, values), 1);
    glue_expression_free(e);
    json_decref(values);
    json_decref(keys);
}

static void test_value_not_of_the_key_type_is_unknown(void)
{
    partition p = P;
    p.day = "seven";
    CHECK_INT(eval_on("day = 7", &p), 0);
    CHECK_INT(eval_on("day <> 7", &p), 0);
    CHECK_INT(eval_on("NOT day = 7", &p), 0);
    CHECK_INT(eval_on("day = 7 OR year = '2001'", &p), 1);
}

static void test_decimal_keys(void)
{
    CHECK_INT(eval("amount = 12.5"), 1);        /* 12.50 == 12.5 */
    CHECK_INT(eval("amount > 12.49"), 1);
    CHECK_INT(eval("amount < '012.6'"), 1);
    CHECK_INT(eval("amount > 9"), 1);           /* not '12.50' > '9' as strings */
    CHECK_INT(eval("amount BETWEEN -1 AND 12.5"), 1);
    partition p = P;
    p.amount = "-0.00";
    CHECK_INT(eval_on("amount = 0", &p), 1);
    CHECK_INT(eval_on("amount > -0.5", &p), 1);
    p.amount = "-2.5";
    CHECK_INT(eval_on("amount < -2.45", &p), 1);
    CHECK_INT(eval_on("amount > -10", &p), 1);
}

static void test_date_and_timestamp_keys(void)
{
    CHECK_INT(eval("dt = '2020-02-29'"), 1);
    CHECK_INT(eval("dt > DATE '2020-01-31'"), 1);
    CHECK_INT(eval("dt BETWEEN '2020-02-01' AND '2020-02-29'"), 1);
    CHECK_INT(eval("ts = '2020-01-01 10:00:00.000'"), 1);   /* same instant */
    CHECK_INT(eval("ts = TIMESTAMP '2020-01-01T10:00:00'"), 1);
    CHECK_INT(eval("ts < '2020-01-01 10:00:00.5'"), 1);
    CHECK_INT(eval("ts > '2020-01-01'"), 1);                /* midnight */
}

static void test_malformed_expressions_are_refused(void)
{
    CHECK(refused_with("year = '2001", "unterminated string (at position 8)"));
    CHECK(refused_with("year '2001'", "expected an operator after 'year' but found '2001' "
                                      "(at position 6)"));
    CHECK(refused_with("week = '1'", "'week' is not a partition key of the table "
                                     "(at position 1)"));
    CHECK(refused_with("year = '2001' )", "unexpected ')' (at position 15)"));
    CHECK(refused_with("year = '2001' AND", "expected a partition key, NOT or '(' but found "
                                            "'the end of the expression' (at position 18)"));
    CHECK(refused_with("()", "expected a partition key, NOT or '(' but found ')' "
                             "(at position 2)"));
    CHECK(refused_with("(year = '1'", "expected ')' but found 'the end of the expression' "
                                      "(at position 12)"));
    CHECK(refused_with("year IN '2001'", "expected '(' after IN but found '2001' "
                                         "(at position 9)"));
    CHECK(refused_with("year IN ()", "expected a value but found ')' (at position 10)"));
    CHECK(refused_with("year IN ('1' '2')", "expected ',' or ')' in the IN list but found '2' "
                                            "(at position 14)"));
    CHECK(refused_with("year BETWEEN '1' '2'", "expected AND but found '2' (at position 18)"));
    CHECK(refused_with("year = '1' ;", "unexpected character ';' (at position 12)"));
    CHECK(refused_with("year == '1'", "expected a value but found '=' (at position 7)"));
    CHECK(refused_with("year = NULL", "comparing with NULL is never true; use IS NULL or "
                                      "IS NOT NULL (at position 8)"));
    CHECK(refused_with("year IS '1'", "expected NULL but found '1' (at position 9)"));
    CHECK(refused_with("'1' = '1'", "expected a partition key but found '1' (at position 7)"));
    CHECK(refused_with("year = \"2001\"", "expected a value but found '2001' (at position 8)"));
}

static void test_literals_must_fit_the_key_type(void)
{
    CHECK(refused_with("day = 'abc'", "'abc' is not a valid value for the partition key 'day' "
                                      "(at position 7)"));
    CHECK(refused_with("day > 1.5", "'1.5' is not a valid value for the partition key 'day' "
                                    "(at position 7)"));
    CHECK(refused_with("day = 99999999999999999999", "'99999999999999999999' is not a valid "
                                                     "value for the partition key 'day' "
                                                     "(at position 7)"));
    CHECK(refused_with("amount = '1.2.3'", "'1.2.3' is not a valid value for the partition "
                                           "key 'amount' (at position 10)"));
    CHECK(refused_with("dt = '2020-13-01'", "'2020-13-01' is not a valid value for the "
                                            "partition key 'dt' (at position 6)"));
    CHECK(refused_with("ts < '2020-01-01 25:00:00'", "'2020-01-01 25:00:00' is not a valid "
                                                     "value for the partition key 'ts' "
                                                     "(at position 6)"));
    CHECK(refused_with("day LIKE '1%'", "LIKE needs a string partition key; 'day' is not one "
                                        "(at position 10)"));
    CHECK(refused_with("rate > 0.1", "partition key 'rate' has type 'double', which "
                                     "expressions cannot filter on (supported: string, date, "
                                     "timestamp, int, bigint, long, tinyint, smallint, "
                                     "decimal) (at position 1)"));
    /* An unsupported key is fine as long as the expression does not use it. */
    CHECK_INT(eval("year = '2001'"), 1);
    /* A key without a type is a string key. */
    CHECK_INT(eval("region = 'eu'"), 1);
}

static void test_nesting_is_bounded(void)
{
    char deep[400] = "";
    for (int i = 0; i < 70; i++)
        strcat(deep, "(");
    strcat(deep, "year='2001'");
    for (int i = 0; i < 70; i++)
        strcat(deep, ")");
    CHECK_INT(eval(deep), -1);
    CHECK(strstr(last_error, "nests more than 64 levels") != NULL);
    /* A long flat chain is fine (it is not nested). */
    char flat[2100] = "year='2001'";
    while (strlen(flat) < 2000)
        strcat(flat, " OR year='1'");
    CHECK_INT(eval(flat), 1);
}

/* ---- table-name patterns ---- */

static int name_matches(const char *pattern, const char *name)
{
    last_error[0] = '\0';
    glue_name_pattern *p = glue_name_pattern_compile(pattern, last_error, sizeof last_error);
    if (!p)
        return -1;
    int result = glue_name_pattern_matches(p, name);
    glue_name_pattern_free(p);
    return result;
}

static void test_name_patterns(void)
{
    CHECK_INT(name_matches("sales", "sales"), 1);
    CHECK_INT(name_matches("sales", "sales_2020"), 0);      /* the whole name must match */
    CHECK_INT(name_matches("sales*", "sales_2020"), 1);     /* Hive's bare '*' wildcard */
    CHECK_INT(name_matches("*2020", "sales_2020"), 1);
    CHECK_INT(name_matches(".*les.*", "sales_2020"), 1);    /* a regular expression too */
    CHECK_INT(name_matches("sales|orders", "orders"), 1);
    CHECK_INT(name_matches("sales|orders", "ordersx"), 0);
    CHECK_INT(name_matches("SALES", "sales"), 1);            /* case-insensitive */
    CHECK_INT(name_matches("t\\d+", "t42"), 1);
    CHECK_INT(name_matches("t\\d+", "tx"), 0);
    CHECK_INT(name_matches("t[0-9]*", "t123"), 1);           /* '*' after ']' quantifies */
    CHECK_INT(name_matches("a.c", "abc"), 1);
    CHECK_INT(name_matches("a\\.c", "abc"), 0);
    CHECK_INT(name_matches("", ""), 1);
    CHECK_INT(name_matches("(a)\\1", "aa"), -1);
    CHECK_STR(last_error, "back-references (\\1) are not supported");
    CHECK_INT(name_matches("(sales", "sales"), -1);
    CHECK(strncmp(last_error, "'(sales' is not a valid pattern: ", 33) == 0);
    CHECK_INT(name_matches("x\\", "x"), -1);
}

int main(void)
{
    RUN(test_empty_matches_everything);
    RUN(test_equality_on_strings);
    RUN(test_string_ordering_is_lexicographic);
    RUN(test_integer_keys_compare_numerically);
    RUN(test_in_and_not_in);
    RUN(test_between_is_inclusive);
    RUN(test_comparison_operators);
    RUN(test_and_binds_tighter_than_or);
    RUN(test_not_precedence_and_parentheses);
    RUN(test_quoting);
    RUN(test_keywords_and_keys_are_case_insensitive);
    RUN(test_literal_on_the_left);
    RUN(test_like);
    RUN(test_null_semantics);
    RUN(test_value_not_of_the_key_type_is_unknown);
    RUN(test_decimal_keys);
    RUN(test_date_and_timestamp_keys);
    RUN(test_malformed_expressions_are_refused);
    RUN(test_literals_must_fit_the_key_type);
    RUN(test_nesting_is_bounded);
    RUN(test_name_patterns);
    return test_summary();
}
