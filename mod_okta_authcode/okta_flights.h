/* SPDX-License-Identifier: Apache-2.0 */
/* Calls to the provider that a request makes for a client who has proven
 * nothing yet (the introspection of a bearer token it does not know):
 * one call about a thing at a time, the others asking about the same
 * thing waiting for its outcome, and at most a fixed number in the air in
 * a process, so that a flood of made-up tokens costs the provider a
 * bounded number of calls made with this server's credentials. */
#ifndef OKTA_FLIGHTS_H
#define OKTA_FLIGHTS_H

#include <apr_pools.h>
#include <apr_time.h>

/* What a flight is about: a digest (okta_secret_digest) or shorter. */
#define OKTA_FLIGHT_KEY_MAX 64

typedef struct okta_flights_t okta_flights_t;

typedef enum {
    OKTA_FLIGHT_LEAD, /* make the call, then okta_flight_land() */
    OKTA_FLIGHT_LANDED, /* another's call about the key ended: use its outcome */
    OKTA_FLIGHT_FULL, /* as many calls as allowed are in the air */
    OKTA_FLIGHT_TIMED_OUT /* another's call about the key did not end in time */
} okta_flight_t;

/** At most `capacity` flights at once, and `max_waiting` requests waiting
 * for one to land (each holds a worker thread), released with `p`; NULL
 * if a lock cannot be made. */
okta_flights_t *okta_flights_create(apr_pool_t *p, int capacity, int max_waiting);

/** Boards the flight about `key`: leads it when none is in the air and
 * there is room, else waits up to `patience` for the one in the air to
 * land, when fewer than `max_waiting` already wait (OKTA_FLIGHT_FULL
 * otherwise).  A key of OKTA_FLIGHT_KEY_MAX bytes or more is never boarded
 * (OKTA_FLIGHT_FULL). */
okta_flight_t okta_flight_board(okta_flights_t *f, const char *key,
                                apr_interval_time_t patience);

/** Ends the flight about `key` that the caller leads, waking who waits. */
void okta_flight_land(okta_flights_t *f, const char *key);

#endif
