/* SPDX-License-Identifier: Apache-2.0 */
/* Deciding a refresh with rotating refresh tokens: is it due, has another
 * worker done it, is one doing it, was the token sent already, and when,
 * is the provider's answer a refusal or a "not now"?
 *
 * With Okta's "Rotate token after every use", every refresh spends the
 * session's refresh token, and presenting a spent one after the grace
 * period revokes the whole token family: the user is signed out
 * everywhere.  Many workers in many processes may find one session due at
 * the same moment, so the refresh is claimed with a lock named after the
 * refresh token being spent.  The worker that takes it refreshes and
 * leaves the outcome under the same name for a while; the others use that
 * outcome, or their still-valid access token, and never send the token
 * themselves.  The lock ends by itself, so a worker that dies mid-refresh
 * does not wedge the session; its holder's work is bounded by the lock's
 * lifetime, and the next holder reads the session as stored, not as its
 * request found it, so it knows whether and when the token was sent.
 *
 * The decisions only: the store, the lock, the provider and the clock are
 * reached through okta_refresh_env_t, which the glue fills
 * (mod_okta_refresh.c) and the unit tests fake. */
#ifndef OKTA_REFRESH_H
#define OKTA_REFRESH_H

#include <apr_pools.h>

#include "okta_provider.h"
#include "okta_record.h"

typedef enum {
    OKTA_REFRESH_FRESH, /* the access token is valid (maybe just refreshed) */
    OKTA_REFRESH_ENDED, /* the session is over: sign in again */
    OKTA_REFRESH_UNAVAILABLE /* cannot tell now (cache or provider trouble) */
} okta_refresh_outcome_t;

/* What the glue is told, to log it. */
typedef enum {
    OKTA_REFRESH_REFRESHED, /* new tokens */
    OKTA_REFRESH_REFUSED, /* the provider said no: the session ends */
    OKTA_REFRESH_NOT_NOW, /* the provider answered "not now" (429, 5xx, ...) */
    OKTA_REFRESH_LOCK_FAILED, /* the lock could not be reached */
    OKTA_REFRESH_ID_TOKEN_UNCHECKED, /* new tokens; the ID token could not be
                                        checked now, the previous one stays */
    OKTA_REFRESH_GAVE_UP /* another worker's refresh took too long */
} okta_refresh_event_t;

/* A refreshed ID token: valid and about the same user, or not, or it cannot
 * be told now (the provider's keys cannot be had). */
typedef enum {
    OKTA_ID_TOKEN_ACCEPTED,
    OKTA_ID_TOKEN_REFUSED,
    OKTA_ID_TOKEN_UNCHECKED
} okta_id_token_verdict_t;

typedef struct okta_refresh_env_t {
    void *ctx; /* handed to every function below (the request) */
    apr_pool_t *pool;
    apr_int64_t leeway; /* refresh this many seconds before expiry */
    apr_int64_t grace; /* the provider's reuse grace period, seconds */
    apr_interval_time_t lock_lifetime; /* a holder's work, bounded */
    apr_interval_time_t holder_margin; /* the holder stops this much before */
    apr_interval_time_t give_up_margin; /* waiters wait a lifetime and this */
    apr_interval_time_t back_off; /* no new attempt after a failed one */
    apr_interval_time_t wait_step; /* how often a waiter looks again */
    apr_interval_time_t result_lifetime; /* an outcome is kept this long */

    apr_time_t (*now)(void *ctx);
    void (*sleep)(void *ctx, apr_interval_time_t t);
    /* Outcomes published by the worker that refreshed, and back-offs,
     * named by `key` (a digest of the refresh token). */
    int (*find_result)(void *ctx, const char *key, okta_refresh_result_t *res);
    void (*publish_result)(void *ctx, const char *key, const okta_refresh_result_t *res,
                           apr_time_t until);
    int (*backing_off)(void *ctx, const char *key);
    void (*start_back_off)(void *ctx, const char *key, apr_time_t until);
    /* The lock: APR_SUCCESS, APR_EEXIST (held by another), another error. */
    apr_status_t (*lock)(void *ctx, const char *key, apr_interval_time_t ttl, void **lock,
                         apr_time_t *deadline);
    void (*unlock)(void *ctx, void *lock);
    /* The reuse grace period on one clock, the session cache's, whatever
     * the clocks of the servers sharing it say: a mark, named by `key`,
     * that the refresh token was sent, which the cache keeps `grace`
     * seconds and then forgets by itself.  Whether it is still there: 1,
     * 0 (never made or forgotten), -1 (the cache cannot tell now). */
    apr_status_t (*mark_sent)(void *ctx, const char *key, apr_int64_t grace);
    int (*sent_within_grace)(void *ctx, const char *key);
    /* The session: its tokens as stored now (APR_NOTFOUND: it ended), and
     * storing them; ending it. */
    apr_status_t (*reload)(void *ctx, okta_session_t *s);
    apr_status_t (*store_tokens)(void *ctx, const okta_session_t *s);
    void (*end_session)(void *ctx, const char *why);
    /* The provider: 0 when its metadata cannot be had now; a refresh_token
     * grant by `deadline`; a refreshed ID token's checks. */
    int (*provider_ready)(void *ctx);
    void (*token_call)(void *ctx, const char *refresh_token, apr_time_t deadline,
                       okta_token_call_t *call);
    /* The ID token of a refresh, issued with `new_access_token`. */
    okta_id_token_verdict_t (*check_id_token)(void *ctx, const char *old_id_token,
                                              const char *new_id_token,
                                              const char *new_access_token);
    /* Rebuilds the claims of a session whose tokens were just refreshed
     * (the userinfo endpoint may say new things), by `deadline`; when it
     * cannot, the old claims stay. */
    void (*refresh_claims)(void *ctx, okta_session_t *s, apr_time_t deadline);
    void (*note)(void *ctx, okta_refresh_event_t event, const okta_token_call_t *call);
} okta_refresh_env_t;

/** Whether the access token expires within `leeway` seconds of
 * `request_sec` (when the request came): only then is there anything to
 * decide.  The hot path asks this alone. */
int okta_refresh_is_due(const okta_session_t *s, apr_int64_t request_sec, apr_int64_t leeway);

/** Refreshes the session's tokens when they are due (okta_refresh_is_due
 * with env->leeway), spending each refresh token exactly once however many
 * workers serve the session. */
okta_refresh_outcome_t okta_refresh_run(const okta_refresh_env_t *env, okta_session_t *s,
                                        apr_int64_t request_sec);


#endif
