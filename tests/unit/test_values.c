/*
 * test_values.c: type classification and the strict value parsers of
 * src/core/values.c, with the edge cases Athena's renderings can hit.
 */
#include <locale.h>
#include <math.h>
#include <stdint.h>

#include "test.h"
#include "values.h"

#define S(lit) lit, sizeof(lit) - 1

static void test_classify_scalars(void)
{
    CHECK_INT(value_classify("varchar"), VALUE_STRING);
    CHECK_INT(value_classify("char"), VALUE_STRING);
    CHECK_INT(value_classify("string"), VALUE_STRING);
    CHECK_INT(value_classify("ipaddress"), VALUE_STRING);
    CHECK_INT(value_classify("uuid"), VALUE_STRING);
    CHECK_INT(value_classify("tinyint"), VALUE_INTEGER);
    CHECK_INT(value_classify("smallint"), VALUE_INTEGER);
    CHECK_INT(value_classify("integer"), VALUE_INTEGER);
    CHECK_INT(value_classify("int"), VALUE_INTEGER);
    CHECK_INT(value_classify("bigint"), VALUE_INTEGER);
    CHECK_INT(value_classify("real"), VALUE_FLOAT);
    CHECK_INT(value_classify("float"), VALUE_FLOAT);
    CHECK_INT(value_classify("double"), VALUE_FLOAT);
    CHECK_INT(value_classify("decimal"), VALUE_DECIMAL);
    CHECK_INT(value_classify("boolean"), VALUE_BOOLEAN);
    CHECK_INT(value_classify("date"), VALUE_DATE);
    CHECK_INT(value_classify("timestamp"), VALUE_TIMESTAMP);
    CHECK_INT(value_classify("time"), VALUE_TIME);
    CHECK_INT(value_classify("varbinary"), VALUE_BINARY);
    CHECK_INT(value_classify("binary"), VALUE_BINARY);
    CHECK_INT(value_classify("json"), VALUE_JSON);
}

static void test_classify_parameterized(void)
{
    CHECK_INT(value_classify("decimal(10,2)"), VALUE_DECIMAL);
    CHECK_INT(value_classify("varchar(255)"), VALUE_STRING);
    CHECK_INT(value_classify("char(3)"), VALUE_STRING);
    CHECK_INT(value_classify("timestamp with time zone"), VALUE_TIMESTAMP);
    CHECK_INT(value_classify("timestamp(3) with time zone"), VALUE_TIMESTAMP);
    CHECK_INT(value_classify("time with time zone"), VALUE_TIME);
    CHECK_INT(value_classify("array"), VALUE_ARRAY);
    CHECK_INT(value_classify("array(varchar)"), VALUE_ARRAY);
    CHECK_INT(value_classify("array<int>"), VALUE_ARRAY);
    CHECK_INT(value_classify("map"), VALUE_MAP);
    CHECK_INT(value_classify("map<string,int>"), VALUE_MAP);
    CHECK_INT(value_classify("row"), VALUE_ROW);
    CHECK_INT(value_classify("row(a integer, b varchar)"), VALUE_ROW);
    CHECK_INT(value_classify("struct<a:int>"), VALUE_ROW);
    CHECK_INT(value_classify("interval year to month"), VALUE_INTERVAL);
    CHECK_INT(value_classify("interval day to second"), VALUE_INTERVAL);
}

static void test_classify_case_and_unknown(void)
{
    CHECK_INT(value_classify("VARCHAR"), VALUE_STRING);
    CHECK_INT(value_classify("BigInt"), VALUE_INTEGER);
    CHECK_INT(value_classify("Timestamp With Time Zone"), VALUE_TIMESTAMP);
    CHECK_INT(value_classify(NULL), VALUE_UNKNOWN);
    CHECK_INT(value_classify(""), VALUE_UNKNOWN);
    CHECK_INT(value_classify("unknown"), VALUE_UNKNOWN);
    CHECK_INT(value_classify("hyperloglog"), VALUE_UNKNOWN);
    CHECK_INT(value_classify("int8"), VALUE_UNKNOWN);
    CHECK_INT(value_classify("varchar2"), VALUE_UNKNOWN);
    CHECK_INT(value_classify("int;"), VALUE_UNKNOWN);
    CHECK_STR(value_class_name(VALUE_INTEGER), "integer");
    CHECK_STR(value_class_name(VALUE_UNKNOWN), "unknown");
    CHECK_STR(value_class_name((value_class)99), "unknown");
}

static void test_int64(void)
{
    int64_t v = 7;
    CHECK(value_parse_int64(S("0"), &v) == 0 && v == 0);
    CHECK(value_parse_int64(S("-42"), &v) == 0 && v == -42);
    CHECK(value_parse_int64(S("+1"), &v) == 0 && v == 1);
    CHECK(value_parse_int64(S("9223372036854775807"), &v) == 0 && v == INT64_MAX);
    CHECK(value_parse_int64(S("-9223372036854775808"), &v) == 0 && v == INT64_MIN);
    CHECK(value_parse_int64(S("000123"), &v) == 0 && v == 123);
    v = 7;
    CHECK_INT(value_parse_int64(S("9223372036854775808"), &v), -1);
    CHECK_INT(value_parse_int64(S("-9223372036854775809"), &v), -1);
    CHECK_INT(value_parse_int64(S("99999999999999999999"), &v), -1);
    CHECK_INT(value_parse_int64(S(""), &v), -1);
    CHECK_INT(value_parse_int64(S("-"), &v), -1);
    CHECK_INT(value_parse_int64(S("+"), &v), -1);
    CHECK_INT(value_parse_int64(S(" 1"), &v), -1);
    CHECK_INT(value_parse_int64(S("1 "), &v), -1);
    CHECK_INT(value_parse_int64(S("1.0"), &v), -1);
    CHECK_INT(value_parse_int64(S("1e3"), &v), -1);
    CHECK_INT(value_parse_int64(S("0x10"), &v), -1);
    CHECK_INT(value_parse_int64(S("--1"), &v), -1);
    CHECK_INT(v, 7); /* untouched on failure */
    /* Length, not NUL, ends the text. */
    CHECK(value_parse_int64("123456", 3, &v) == 0 && v == 123);
}

static void test_double(void)
{
    double d = 0;
    CHECK(value_parse_double(S("1.5"), &d) == 0 && d == 1.5);
    CHECK(value_parse_double(S("-2.0E-3"), &d) == 0 && d == -2.0e-3);
    CHECK(value_parse_double(S("1.0E10"), &d) == 0 && d == 1.0e10);
    CHECK(value_parse_double(S("1e+2"), &d) == 0 && d == 100.0);
    CHECK(value_parse_double(S("42"), &d) == 0 && d == 42.0);
    CHECK(value_parse_double(S("-0.0"), &d) == 0 && d == 0.0 && signbit(d));
    CHECK(value_parse_double(S(".5"), &d) == 0 && d == 0.5);
    CHECK(value_parse_double(S("5."), &d) == 0 && d == 5.0);
    CHECK(value_parse_double(S("12345678901234567890.125"), &d) == 0 && d > 1.2e19);
    CHECK(value_parse_double(S("1e-400"), &d) == 0 && d >= 0.0 && d < 1e-300);
    CHECK(value_parse_double(S("NaN"), &d) == 0 && isnan(d));
    CHECK(value_parse_double(S("Infinity"), &d) == 0 && isinf(d) && d > 0);
    CHECK(value_parse_double(S("-Infinity"), &d) == 0 && isinf(d) && d < 0);
    d = 3.0;
    CHECK_INT(value_parse_double(S("nan"), &d), -1);
    CHECK_INT(value_parse_double(S("inf"), &d), -1);
    CHECK_INT(value_parse_double(S("+Infinity"), &d), -1);
    CHECK_INT(value_parse_double(S("1e999"), &d), -1);
    CHECK_INT(value_parse_double(S("0x1p3"), &d), -1);
    CHECK_INT(value_parse_double(S(""), &d), -1);
    CHECK_INT(value_parse_double(S("."), &d), -1);
    CHECK_INT(value_parse_double(S("-"), &d), -1);
    CHECK_INT(value_parse_double(S("1e"), &d), -1);
    CHECK_INT(value_parse_double(S("1e+"), &d), -1);
    CHECK_INT(value_parse_double(S(" 1.5"), &d), -1);
    CHECK_INT(value_parse_double(S("1.5 "), &d), -1);
    CHECK_INT(value_parse_double(S("1,5"), &d), -1);
    CHECK_INT(value_parse_double(S("abc"), &d), -1);
    CHECK_INT(value_parse_double(S("1.5x"), &d), -1);
    CHECK(d == 3.0);
    CHECK(value_parse_double("2.25junk", 4, &d) == 0 && d == 2.25);
}

static void test_double_long_text(void)
{
    char text[600];
    memset(text, '0', sizeof text);
    text[0] = '1';
    text[1] = '.';
    double d = 0;
    CHECK(value_parse_double(text, sizeof text, &d) == 0 && d == 1.0);
}

/* A locale with a ',' decimal point must not change how "1.5" parses. */
static void test_double_locale_independent(void)
{
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "fr_FR.utf8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (setlocale(LC_NUMERIC, names[i]))
            break;
    }
    if (strcmp(localeconv()->decimal_point, ",") != 0)
        printf("note: no locale with a ',' decimal point is installed; checking in \"C\"\n");
    double d = 0;
    CHECK(value_parse_double(S("1.5"), &d) == 0 && d == 1.5);
    CHECK_INT(value_parse_double(S("1,5"), &d), -1);
    setlocale(LC_NUMERIC, "C");
}

static void test_bool(void)
{
    int b = 5;
    CHECK(value_parse_bool(S("true"), &b) == 0 && b == 1);
    CHECK(value_parse_bool(S("false"), &b) == 0 && b == 0);
    b = 5;
    CHECK_INT(value_parse_bool(S("TRUE"), &b), -1);
    CHECK_INT(value_parse_bool(S("1"), &b), -1);
    CHECK_INT(value_parse_bool(S("t"), &b), -1);
    CHECK_INT(value_parse_bool(S(""), &b), -1);
    CHECK_INT(value_parse_bool(S("true "), &b), -1);
    CHECK_INT(value_parse_bool(S("falsey"), &b), -1);
    CHECK_INT(b, 5);
}

static void test_date(void)
{
    athena_date d = {0, 0, 0};
    CHECK(value_parse_date(S("2024-02-29"), &d) == 0 && d.year == 2024 && d.month == 2 &&
          d.day == 29);
    CHECK(value_parse_date(S("2000-02-29"), &d) == 0);
    CHECK(value_parse_date(S("1970-01-01"), &d) == 0 && d.year == 1970 && d.day == 1);
    CHECK(value_parse_date(S("9999-12-31"), &d) == 0 && d.month == 12);
    CHECK(value_parse_date(S("0000-01-01"), &d) == 0 && d.year == 0);
    CHECK(value_parse_date(S("-0044-03-15"), &d) == 0 && d.year == -44 && d.day == 15);
    CHECK(value_parse_date(S("-0004-02-29"), &d) == 0 && d.year == -4);
    CHECK(value_parse_date(S("+10000-01-01"), &d) == 0 && d.year == 10000);
    d.year = 1;
    CHECK_INT(value_parse_date(S("2023-02-29"), &d), -1);
    CHECK_INT(value_parse_date(S("1900-02-29"), &d), -1);
    CHECK_INT(value_parse_date(S("2024-13-01"), &d), -1);
    CHECK_INT(value_parse_date(S("2024-00-01"), &d), -1);
    CHECK_INT(value_parse_date(S("2024-01-00"), &d), -1);
    CHECK_INT(value_parse_date(S("2024-04-31"), &d), -1);
    CHECK_INT(value_parse_date(S("2024-1-01"), &d), -1);
    CHECK_INT(value_parse_date(S("24-01-01"), &d), -1);
    CHECK_INT(value_parse_date(S("2024/01/01"), &d), -1);
    CHECK_INT(value_parse_date(S("2024-01-01 "), &d), -1);
    CHECK_INT(value_parse_date(S("2024-01-01 00:00:00"), &d), -1);
    CHECK_INT(value_parse_date(S(""), &d), -1);
    CHECK_INT(value_parse_date(S("1234567890-01-01"), &d), -1);
    CHECK_INT(d.year, 1);
}

static void test_timestamp(void)
{
    athena_timestamp t;
    memset(&t, 0, sizeof t);
    CHECK(value_parse_timestamp(S("2024-03-10 12:34:56.789"), &t) == 0 && t.year == 2024 &&
          t.month == 3 && t.day == 10 && t.hour == 12 && t.minute == 34 && t.second == 56 &&
          t.nanosecond == 789000000);
    CHECK(value_parse_timestamp(S("2024-03-10 00:00:00"), &t) == 0 && t.nanosecond == 0 &&
          t.hour == 0);
    CHECK(value_parse_timestamp(S("2024-03-10 23:59:59.123456789"), &t) == 0 &&
          t.nanosecond == 123456789);
    CHECK(value_parse_timestamp(S("2024-03-10 23:59:59.5"), &t) == 0 &&
          t.nanosecond == 500000000);
    CHECK(value_parse_timestamp(S("2024-03-10T01:02:03"), &t) == 0 && t.second == 3);
    CHECK(value_parse_timestamp(S("2024-03-10T01:02:03Z"), &t) == 0);
    CHECK(value_parse_timestamp(S("2024-03-10 01:02:03.000 UTC"), &t) == 0 && t.minute == 2);
    CHECK(value_parse_timestamp(S("2024-03-10 01:02:03 Z"), &t) == 0);
    memset(&t, 0, sizeof t);
    CHECK_INT(value_parse_timestamp(S("2024-03-10 01:02:03.1234567890"), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2024-03-10 24:00:00"), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2024-03-10 12:60:00"), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2024-03-10 12:00:60"), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2024-03-10 1:02:03"), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2024-03-10 01:02"), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2024-03-10 01:02:03."), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2024-03-10"), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2024-03-10 "), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2024-03-10_01:02:03"), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2023-02-29 01:02:03"), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2024-03-10 01:02:03 America/New_York"), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2024-03-10 01:02:03 +01:00"), &t), -1);
    CHECK_INT(value_parse_timestamp(S("2024-03-10 01:02:03 UTC "), &t), -1);
    CHECK_INT(t.year, 0);
}

static void test_numeric_json(void)
{
    CHECK(value_is_numeric_json(S("0")));
    CHECK(value_is_numeric_json(S("-0")));
    CHECK(value_is_numeric_json(S("123")));
    CHECK(value_is_numeric_json(S("-9223372036854775808")));
    CHECK(value_is_numeric_json(S("1.5")));
    CHECK(value_is_numeric_json(S("0.25")));
    CHECK(value_is_numeric_json(S("1.0E10")));
    CHECK(value_is_numeric_json(S("-2.0E-3")));
    CHECK(value_is_numeric_json(S("1e+5")));
    CHECK(!value_is_numeric_json(S("")));
    CHECK(!value_is_numeric_json(S("-")));
    CHECK(!value_is_numeric_json(S("NaN")));
    CHECK(!value_is_numeric_json(S("Infinity")));
    CHECK(!value_is_numeric_json(S("-Infinity")));
    CHECK(!value_is_numeric_json(S("+1")));
    CHECK(!value_is_numeric_json(S("01")));
    CHECK(!value_is_numeric_json(S("-01")));
    CHECK(!value_is_numeric_json(S(".5")));
    CHECK(!value_is_numeric_json(S("5.")));
    CHECK(!value_is_numeric_json(S("1e")));
    CHECK(!value_is_numeric_json(S("1.5e+")));
    CHECK(!value_is_numeric_json(S(" 1")));
    CHECK(!value_is_numeric_json(S("1 ")));
    CHECK(!value_is_numeric_json(S("0x1")));
    CHECK(!value_is_numeric_json(S("true")));
}

int main(void)
{
    RUN(test_classify_scalars);
    RUN(test_classify_parameterized);
    RUN(test_classify_case_and_unknown);
    RUN(test_int64);
    RUN(test_double);
    RUN(test_double_long_text);
    RUN(test_double_locale_independent);
    RUN(test_bool);
    RUN(test_date);
    RUN(test_timestamp);
    RUN(test_numeric_json);
    return test_summary();
}
