/*
 * test.h: a minimal unit-test harness. Each test_*.c file is one executable:
 * it defines test functions, lists them in main() with RUN(), and returns
 * test_summary(). CHECK records a failure and continues; REQUIRE stops the
 * current test function.
 */
#ifndef ATHENA_TEST_H
#define ATHENA_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;
static int test_checks;
static const char *test_current;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        test_checks++;                                                                 \
        if (!(cond)) {                                                                 \
            test_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s: CHECK failed: %s\n", __FILE__, __LINE__,       \
                    test_current, #cond);                                              \
        }                                                                              \
    } while (0)

#define REQUIRE(cond)                                                                  \
    do {                                                                               \
        test_checks++;                                                                 \
        if (!(cond)) {                                                                 \
            test_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s: REQUIRE failed: %s\n", __FILE__, __LINE__,     \
                    test_current, #cond);                                              \
            return;                                                                    \
        }                                                                              \
    } while (0)

#define CHECK_STR(a, b)                                                                \
    do {                                                                               \
        const char *a_ = (a), *b_ = (b);                                               \
        test_checks++;                                                                 \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                       \
            test_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s: CHECK_STR failed: %s\n  got:      %s\n"        \
                            "  expected: %s\n",                                        \
                    __FILE__, __LINE__, test_current, #a, a_ ? a_ : "(null)",          \
                    b_ ? b_ : "(null)");                                               \
        }                                                                              \
    } while (0)

#define CHECK_INT(a, b)                                                                \
    do {                                                                               \
        long long a_ = (long long)(a), b_ = (long long)(b);                            \
        test_checks++;                                                                 \
        if (a_ != b_) {                                                                \
            test_failures++;                                                           \
            fprintf(stderr, "%s:%d: %s: CHECK_INT failed: %s == %lld, expected %lld\n", \
                    __FILE__, __LINE__, test_current, #a, a_, b_);                     \
        }                                                                              \
    } while (0)

#define RUN(fn)                                                                        \
    do {                                                                               \
        test_current = #fn;                                                            \
        int before_ = test_failures;                                                   \
        fn();                                                                          \
        printf("%s %s\n", test_failures == before_ ? "ok  " : "FAIL", #fn);            \
    } while (0)

static inline int test_summary(void)
{
    printf("%d checks, %d failures\n", test_checks, test_failures);
    return test_failures ? 1 : 0;
}

#endif
