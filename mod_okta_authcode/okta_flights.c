/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <apr_strings.h>
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>

#include "okta_flights.h"

typedef struct {
    char key[OKTA_FLIGHT_KEY_MAX];
    int in_air;
    apr_uint64_t number; /* tells this flight from a later one about the key */
} flight_t;

struct okta_flights_t {
    apr_thread_mutex_t *lock;
    apr_thread_cond_t *landed;
    int capacity;
    int max_waiting;
    int waiting;
    apr_uint64_t flights_made;
    flight_t *flights;
};

okta_flights_t *okta_flights_create(apr_pool_t *p, int capacity, int max_waiting)
{
    okta_flights_t *f = apr_pcalloc(p, sizeof(*f));

    if (apr_thread_mutex_create(&f->lock, APR_THREAD_MUTEX_DEFAULT, p) != APR_SUCCESS
        || apr_thread_cond_create(&f->landed, p) != APR_SUCCESS) {
        return NULL;
    }
    f->capacity = capacity;
    f->max_waiting = max_waiting;
    f->flights = apr_pcalloc(p, capacity * sizeof(flight_t));
    return f;
}

/* The flight about `key` in the air, or NULL.  With the lock. */
static flight_t *in_air(okta_flights_t *f, const char *key)
{
    int i;

    for (i = 0; i < f->capacity; i++) {
        if (f->flights[i].in_air && strcmp(f->flights[i].key, key) == 0) {
            return &f->flights[i];
        }
    }
    return NULL;
}

/* Waits until `flight` (number `number`) lands or `deadline` passes.
 * With the lock. */
static okta_flight_t wait_for(okta_flights_t *f, const flight_t *flight, apr_uint64_t number,
                              apr_time_t deadline)
{
    while (flight->in_air && flight->number == number) {
        apr_time_t now = apr_time_now();

        if (now >= deadline
            || apr_thread_cond_timedwait(f->landed, f->lock, deadline - now) == APR_TIMEUP) {
            return flight->in_air && flight->number == number ? OKTA_FLIGHT_TIMED_OUT
                                                              : OKTA_FLIGHT_LANDED;
        }
    }
    return OKTA_FLIGHT_LANDED;
}

okta_flight_t okta_flight_board(okta_flights_t *f, const char *key,
                                apr_interval_time_t patience)
{
    apr_time_t deadline = apr_time_now() + patience;
    okta_flight_t outcome = OKTA_FLIGHT_FULL;
    flight_t *flight;
    int i;

    if (strlen(key) >= OKTA_FLIGHT_KEY_MAX) {
        return OKTA_FLIGHT_FULL; /* it could not be told from another */
    }
    apr_thread_mutex_lock(f->lock);
    if ((flight = in_air(f, key))) {
        if (f->waiting < f->max_waiting) {
            f->waiting++;
            outcome = wait_for(f, flight, flight->number, deadline);
            f->waiting--;
        }
    }
    else {
        for (i = 0; i < f->capacity; i++) {
            if (!f->flights[i].in_air) {
                apr_cpystrn(f->flights[i].key, key, sizeof(f->flights[i].key));
                f->flights[i].in_air = 1;
                f->flights[i].number = ++f->flights_made;
                outcome = OKTA_FLIGHT_LEAD;
                break;
            }
        }
    }
    apr_thread_mutex_unlock(f->lock);
    return outcome;
}

void okta_flight_land(okta_flights_t *f, const char *key)
{
    flight_t *flight;

    apr_thread_mutex_lock(f->lock);
    if ((flight = in_air(f, key))) {
        flight->in_air = 0;
        apr_thread_cond_broadcast(f->landed);
    }
    apr_thread_mutex_unlock(f->lock);
}
