/* SPDX-License-Identifier: Apache-2.0 */
/* okta_flights: one call about a thing at a time, a bounded number in the
 * air. */
#include <string.h>

#include <apr_thread_proc.h>

#include "okta_flights.h"
#include "unit.h"

START_TEST(flights_lead_until_full)
{
    okta_flights_t *f = okta_flights_create(test_pool, 2, 8);

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(okta_flight_board(f, "a", 0), OKTA_FLIGHT_LEAD);
    ck_assert_int_eq(okta_flight_board(f, "b", 0), OKTA_FLIGHT_LEAD);
    ck_assert_int_eq(okta_flight_board(f, "c", 0), OKTA_FLIGHT_FULL);
    /* the same key waits for the flight in the air, not for room */
    ck_assert_int_eq(okta_flight_board(f, "a", apr_time_from_msec(20)), OKTA_FLIGHT_TIMED_OUT);
    okta_flight_land(f, "a");
    ck_assert_int_eq(okta_flight_board(f, "c", 0), OKTA_FLIGHT_LEAD);
    /* landing what is not in the air changes nothing */
    okta_flight_land(f, "zzz");
    ck_assert_int_eq(okta_flight_board(f, "d", 0), OKTA_FLIGHT_FULL);
    okta_flight_land(f, "b");
    okta_flight_land(f, "c");
    ck_assert_int_eq(okta_flight_board(f, "a", 0), OKTA_FLIGHT_LEAD);
}
END_TEST

/* Waiting holds a worker too: beyond `max_waiting`, a request does not
 * wait for a flight in the air but is told to come back (FULL). */
START_TEST(flights_bound_the_waiters)
{
    okta_flights_t *f = okta_flights_create(test_pool, 2, 0);

    ck_assert_int_eq(okta_flight_board(f, "a", 0), OKTA_FLIGHT_LEAD);
    ck_assert_int_eq(okta_flight_board(f, "a", apr_time_from_sec(30)), OKTA_FLIGHT_FULL);
    okta_flight_land(f, "a");
    ck_assert_int_eq(okta_flight_board(f, "a", 0), OKTA_FLIGHT_LEAD);
}
END_TEST

START_TEST(flights_refuse_a_key_too_long_to_tell_apart)
{
    okta_flights_t *f = okta_flights_create(test_pool, 2, 8);
    char key[OKTA_FLIGHT_KEY_MAX + 1];

    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    ck_assert_int_eq(okta_flight_board(f, key, 0), OKTA_FLIGHT_FULL);
    key[OKTA_FLIGHT_KEY_MAX - 1] = '\0';
    ck_assert_int_eq(okta_flight_board(f, key, 0), OKTA_FLIGHT_LEAD);
}
END_TEST

typedef struct {
    okta_flights_t *f;
    okta_flight_t outcome;
} passenger_t;

static void *APR_THREAD_FUNC board_a(apr_thread_t *thread, void *data)
{
    passenger_t *passenger = data;

    (void)thread;
    passenger->outcome = okta_flight_board(passenger->f, "a", apr_time_from_sec(30));
    if (passenger->outcome == OKTA_FLIGHT_LEAD) {
        /* boarded after the first flight landed: its own call, done */
        okta_flight_land(passenger->f, "a");
    }
    return NULL;
}

/* Those who ask about a key while its call is in the air wait for it to
 * land, whatever the order of events. */
START_TEST(flights_waiters_wake_when_the_lead_lands)
{
    okta_flights_t *f = okta_flights_create(test_pool, 1, 8);
    passenger_t passengers[4];
    apr_thread_t *threads[4];
    apr_status_t rv;
    int i;

    ck_assert_int_eq(okta_flight_board(f, "a", 0), OKTA_FLIGHT_LEAD);
    for (i = 0; i < 4; i++) {
        passengers[i].f = f;
        passengers[i].outcome = -1;
        ck_assert_int_eq(apr_thread_create(&threads[i], NULL, board_a, &passengers[i],
                                           test_pool),
                         APR_SUCCESS);
    }
    okta_flight_land(f, "a");
    for (i = 0; i < 4; i++) {
        apr_thread_join(&rv, threads[i]);
        /* a waiter woke when the lead landed, never timed out */
        ck_assert(passengers[i].outcome == OKTA_FLIGHT_LANDED
                  || passengers[i].outcome == OKTA_FLIGHT_LEAD);
    }
}
END_TEST

TCase *flights_tcase(void)
{
    TCase *tc = tcase_create("flights");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, flights_lead_until_full);
    tcase_add_test(tc, flights_bound_the_waiters);
    tcase_add_test(tc, flights_refuse_a_key_too_long_to_tell_apart);
    tcase_add_test(tc, flights_waiters_wake_when_the_lead_lands);
    return tc;
}
