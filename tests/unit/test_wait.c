/*
 * test_wait.c: athena_wait_query's polling schedule (wait_poll_delay_ms):
 * how late a finished query is noticed, and how often a long or distant
 * one is asked about.
 */
#include "client.h"
#include "test.h"

#define FLOOR 1
#define CAP 1000
#define NO_JITTER 0.5 /* random01 = 0.5 multiplies by exactly 1 */

static long delay_at(long long waited_ms, long long round_trip_ms)
{
    return wait_poll_delay_ms(FLOOR, CAP, waited_ms, round_trip_ms, NO_JITTER);
}

/* A young query is polled at ~5% of its age, so a 30 ms query is noticed
 * within ~1.5 ms of its end. */
static void test_young_query_is_noticed_within_five_percent(void)
{
    CHECK_INT(delay_at(0, 0), FLOOR);
    CHECK_INT(delay_at(10, 0), FLOOR);
    CHECK_INT(delay_at(30, 0), 1);
    CHECK_INT(delay_at(40, 0), 2);
    CHECK_INT(delay_at(100, 0), 5);
    CHECK_INT(delay_at(200, 0), 10);
}

/* Past the first 250 ms the sleep grows as a fifth of the extra time, so a
 * long query costs no more requests than a fifth-of-its-age schedule. */
static void test_old_query_is_polled_at_a_fifth(void)
{
    CHECK_INT(delay_at(300, 0), 15);    /* a twentieth still: 15 > 0.2 * 50 */
    CHECK_INT(delay_at(1250, 0), 200);  /* 0.2 * 1000 */
    CHECK_INT(delay_at(3250, 0), 600);
    CHECK_INT(delay_at(60000, 0), CAP);
}

/* Whatever the age, never sleep less than the last round trip. */
static void test_distant_endpoint_is_not_hammered(void)
{
    CHECK_INT(delay_at(10, 40), 40);
    CHECK_INT(delay_at(400, 50), 50);
    CHECK_INT(delay_at(1250, 50), 200);
}

/* The jitter stays within +-10%, and the floor and cap hold. */
static void test_jitter_floor_and_cap(void)
{
    CHECK_INT(wait_poll_delay_ms(FLOOR, CAP, 1250, 0, 0.0), 180);
    CHECK_INT(wait_poll_delay_ms(FLOOR, CAP, 1250, 0, 0.999999), 219);
    CHECK_INT(wait_poll_delay_ms(25, CAP, 0, 0, 0.0), 22);
    CHECK_INT(wait_poll_delay_ms(FLOOR, 100, 60000, 0, 0.999999), 100);
    CHECK_INT(wait_poll_delay_ms(FLOOR, CAP, 0, 0, 0.0), 1);
}

/* Polls until a query of query_ms has ended; returns how many, and sets
 * *late to how long after its end the last one came. */
static int polls_for(long long query_ms, long long round_trip_ms, long long *late)
{
    long long t = 0;
    int polls = 1;
    while (t < query_ms) {
        t += delay_at(t, round_trip_ms) + round_trip_ms;
        polls++;
    }
    *late = t - query_ms;
    return polls;
}

/* Summed over whole waits: a 30 ms query on loopback is noticed within
 * 2 ms; a 10 s query costs ~120 polls on loopback (most in its first
 * quarter second, where they cost ~0.1 ms each) and under 40 against a
 * 30 ms endpoint, where the round trip sets the pace. */
static void test_schedule_over_a_whole_wait(void)
{
    long long late;
    CHECK(polls_for(30, 0, &late) <= 31);
    CHECK(late <= 2);
    CHECK(polls_for(10000, 0, &late) <= 120);
    CHECK(late <= 2000);
    CHECK(polls_for(10000, 30, &late) <= 40);
}

int main(void)
{
    RUN(test_young_query_is_noticed_within_five_percent);
    RUN(test_old_query_is_polled_at_a_fifth);
    RUN(test_distant_endpoint_is_not_hammered);
    RUN(test_jitter_floor_and_cap);
    RUN(test_schedule_over_a_whole_wait);
    return test_summary();
}
