/* SPDX-License-Identifier: Apache-2.0 */
/* okta_refresh: the refresh decisions, against a fake store, lock,
 * provider and clock (the glue's are in mod_okta_refresh.c). */
#include <string.h>

#include "okta_refresh.h"
#include "unit.h"

#define T0 apr_time_from_sec(1700000000)
#define SEC(n) apr_time_from_sec(n)
#define NOW_SEC (1700000000)
#define GRACE 30
#define LIFETIME SEC(32)

/* A world for one refresh: what the store holds, who holds the lock, what
 * the provider answers, and what happened. */
typedef struct {
    apr_time_t clock;
    /* the store */
    int have_result;
    okta_refresh_result_t result;
    apr_time_t result_appears_at; /* another worker publishes then (0: never) */
    apr_time_t back_off_until;
    /* the mark that the refresh token was sent, on the cache's clock,
     * which is the world's clock + cache_ahead */
    apr_interval_time_t cache_ahead;
    apr_time_t sent_mark_until;
    int marks_fail; /* the cache can neither keep nor tell the mark */
    okta_session_t stored;
    int session_gone;
    int reload_fails;
    int store_fails;
    int stores;
    int ended;
    const char *end_why;
    /* the lock */
    apr_time_t other_holds_until; /* another worker's lock */
    apr_status_t lock_error;
    int locks, unlocks;
    /* the provider */
    int provider_down;
    okta_token_call_t answers[3];
    apr_interval_time_t call_takes;
    int calls;
    const char *presented[3];
    okta_id_token_verdict_t id_token_verdict;
    int claims_refreshed;
    const char *claims_seen_token; /* the access token refresh_claims saw */
    int events[OKTA_REFRESH_GAVE_UP + 1]; /* the last event */
} world_t;

static apr_time_t w_now(void *ctx) { return ((world_t *)ctx)->clock; }
static void w_sleep(void *ctx, apr_interval_time_t t) { ((world_t *)ctx)->clock += t; }

static int w_find_result(void *ctx, const char *key, okta_refresh_result_t *res)
{
    world_t *w = ctx;

    (void)key;
    if (w->result_appears_at && w->clock >= w->result_appears_at) {
        w->have_result = 1;
    }
    if (w->have_result) {
        *res = w->result;
    }
    return w->have_result;
}

static void w_publish_result(void *ctx, const char *key, const okta_refresh_result_t *res,
                             apr_time_t until)
{
    world_t *w = ctx;

    (void)key;
    (void)until;
    w->have_result = 1;
    w->result = *res;
}

static int w_backing_off(void *ctx, const char *key)
{
    (void)key;
    return ((world_t *)ctx)->clock < ((world_t *)ctx)->back_off_until;
}

static void w_start_back_off(void *ctx, const char *key, apr_time_t until)
{
    (void)key;
    ((world_t *)ctx)->back_off_until = until;
}

static apr_status_t w_lock(void *ctx, const char *key, apr_interval_time_t ttl, void **lock,
                           apr_time_t *deadline)
{
    world_t *w = ctx;

    (void)key;
    if (w->lock_error) {
        return w->lock_error;
    }
    if (w->clock < w->other_holds_until) {
        return APR_EEXIST;
    }
    w->locks++;
    *lock = w;
    *deadline = w->clock + ttl;
    return APR_SUCCESS;
}

static void w_unlock(void *ctx, void *lock)
{
    (void)lock;
    ((world_t *)ctx)->unlocks++;
}

static apr_status_t w_mark_sent(void *ctx, const char *key, apr_int64_t grace)
{
    world_t *w = ctx;

    (void)key;
    if (w->marks_fail) {
        return APR_EGENERAL;
    }
    w->sent_mark_until = w->clock + w->cache_ahead + SEC(grace);
    return APR_SUCCESS;
}

static int w_sent_within_grace(void *ctx, const char *key)
{
    world_t *w = ctx;

    (void)key;
    if (w->marks_fail) {
        return -1;
    }
    return w->clock + w->cache_ahead < w->sent_mark_until;
}

static apr_status_t w_reload(void *ctx, okta_session_t *s)
{
    world_t *w = ctx;

    if (w->session_gone) {
        return APR_NOTFOUND;
    }
    if (w->reload_fails) {
        return APR_EGENERAL;
    }
    s->access_token = w->stored.access_token;
    s->access_expires = w->stored.access_expires;
    s->refresh_token = w->stored.refresh_token;
    s->refresh_sent_at = w->stored.refresh_sent_at;
    s->id_token = w->stored.id_token;
    return APR_SUCCESS;
}

static apr_status_t w_store_tokens(void *ctx, const okta_session_t *s)
{
    world_t *w = ctx;

    if (w->store_fails) {
        return APR_EGENERAL;
    }
    w->stores++;
    w->stored = *s;
    return APR_SUCCESS;
}

static void w_end_session(void *ctx, const char *why)
{
    ((world_t *)ctx)->ended++;
    ((world_t *)ctx)->end_why = why;
}

static int w_provider_ready(void *ctx) { return !((world_t *)ctx)->provider_down; }

static void w_token_call(void *ctx, const char *refresh_token, apr_time_t deadline,
                         okta_token_call_t *call)
{
    world_t *w = ctx;

    ck_assert(deadline > w->clock);
    ck_assert_int_lt(w->calls, 3);
    w->presented[w->calls] = refresh_token;
    *call = w->answers[w->calls++];
    w->clock += w->call_takes;
}

static okta_id_token_verdict_t w_check_id_token(void *ctx, const char *old_id,
                                                const char *new_id, const char *new_access)
{
    (void)old_id;
    (void)new_id;
    (void)new_access;
    return ((world_t *)ctx)->id_token_verdict;
}

static void w_refresh_claims(void *ctx, okta_session_t *s, apr_time_t deadline)
{
    world_t *w = ctx;

    ck_assert(deadline > w->clock);
    w->claims_refreshed++;
    w->claims_seen_token = s->access_token;
    s->claims_json = "{\"groups\":[\"new\"]}";
}

static void w_note(void *ctx, okta_refresh_event_t event, const okta_token_call_t *call)
{
    (void)call;
    ((world_t *)ctx)->events[event]++;
}

static okta_refresh_env_t env_of(world_t *w)
{
    okta_refresh_env_t env = {
        w, test_pool, 60, GRACE, LIFETIME, SEC(1), SEC(3), SEC(5), apr_time_from_msec(20),
        SEC(GRACE + 60), w_now, w_sleep, w_find_result, w_publish_result, w_backing_off,
        w_start_back_off, w_lock, w_unlock, w_mark_sent, w_sent_within_grace, w_reload,
        w_store_tokens, w_end_session, w_provider_ready, w_token_call, w_check_id_token,
        w_refresh_claims, w_note
    };

    return env;
}

/* A session whose access token expires `expires_in` seconds from T0. */
static okta_session_t session(apr_int64_t expires_in)
{
    okta_session_t s;

    memset(&s, 0, sizeof(s));
    s.user = "alice";
    s.id_token = "id-0";
    s.access_token = "at-0";
    s.refresh_token = "rt-0";
    s.access_expires = NOW_SEC + expires_in;
    return s;
}

static void world_with(world_t *w, const okta_session_t *s)
{
    memset(w, 0, sizeof(*w));
    w->clock = T0;
    w->stored = *s;
}

static okta_token_call_t answer_tokens(void)
{
    okta_token_call_t call;

    memset(&call, 0, sizeof(call));
    call.sent = call.answered = 1;
    call.status = 200;
    call.tr.access_token = "at-1";
    call.tr.refresh_token = "rt-1";
    call.tr.id_token = "id-1";
    call.tr.expires_in = 3600;
    return call;
}

static okta_token_call_t answer_error(long status, const char *error)
{
    okta_token_call_t call;

    memset(&call, 0, sizeof(call));
    call.sent = call.answered = 1;
    call.status = status;
    call.tr.error = error;
    return call;
}

static okta_token_call_t lost_answer(void)
{
    okta_token_call_t call;

    memset(&call, 0, sizeof(call));
    call.sent = 1; /* it went out; nothing came back */
    call.timed_out = 1;
    return call;
}

static okta_refresh_outcome_t run(world_t *w, okta_session_t *s)
{
    okta_refresh_env_t env = env_of(w);

    return okta_refresh_run(&env, s, NOW_SEC);
}

START_TEST(refresh_not_due)
{
    okta_session_t s = session(3600);
    world_t w;

    ck_assert(!okta_refresh_is_due(&s, NOW_SEC, 60));
    ck_assert(okta_refresh_is_due(&s, NOW_SEC + 3540, 60));
    s.access_expires = 0; /* the provider said nothing: never due */
    ck_assert(!okta_refresh_is_due(&s, NOW_SEC + 99999, 60));
    s = session(3600);

    world_with(&w, &s);
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    ck_assert_int_eq(w.calls + w.locks + w.stores, 0);
}
END_TEST

START_TEST(refresh_without_refresh_token)
{
    okta_session_t s = session(30);
    world_t w;

    s.refresh_token = "";
    world_with(&w, &s);
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    s = session(-1);
    s.refresh_token = "";
    world_with(&w, &s);
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_ENDED);
    ck_assert_int_eq(w.ended, 1);
    ck_assert_int_eq(w.calls + w.locks, 0);
}
END_TEST

START_TEST(refresh_done)
{
    okta_session_t s = session(30);
    world_t w;

    world_with(&w, &s);
    w.answers[0] = answer_tokens();
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    ck_assert_int_eq(w.calls, 1);
    ck_assert_str_eq(w.presented[0], "rt-0");
    ck_assert_str_eq(s.access_token, "at-1");
    ck_assert_str_eq(s.refresh_token, "rt-1");
    ck_assert_str_eq(s.id_token, "id-1");
    ck_assert(s.access_expires == NOW_SEC + 3600);
    ck_assert(s.refresh_sent_at == 0);
    ck_assert_str_eq(w.stored.refresh_token, "rt-1");
    ck_assert(w.have_result && !w.result.refused);
    ck_assert_str_eq(w.result.refresh_token, "rt-1");
    ck_assert_int_eq(w.events[OKTA_REFRESH_REFRESHED], 1);
    ck_assert_int_eq(w.unlocks, 1);
    /* the claims are rebuilt with the new access token, and stored */
    ck_assert_int_eq(w.claims_refreshed, 1);
    ck_assert_str_eq(w.claims_seen_token, "at-1");
    ck_assert_str_eq(w.stored.claims_json, "{\"groups\":[\"new\"]}");
}
END_TEST

START_TEST(refresh_published_by_another)
{
    okta_session_t s = session(-1);
    world_t w;

    world_with(&w, &s);
    w.have_result = 1;
    w.result.access_token = "at-9";
    w.result.refresh_token = "rt-9";
    w.result.id_token = "";
    w.result.access_expires = NOW_SEC + 100;
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    ck_assert_str_eq(s.access_token, "at-9");
    ck_assert_str_eq(s.id_token, "id-0"); /* no new one: kept */
    ck_assert_int_eq(w.calls + w.locks, 0);
    w.result.refused = 1;
    s = session(-1);
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_ENDED);
    ck_assert_int_eq(w.calls, 0);
}
END_TEST

START_TEST(refresh_locked_by_another)
{
    okta_session_t s = session(30);
    world_t w;

    /* the token still works: use it, do not wait */
    world_with(&w, &s);
    w.other_holds_until = T0 + LIFETIME;
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    ck_assert(w.clock == T0);
    ck_assert_int_eq(w.calls, 0);
    /* expired: wait for the other's outcome */
    s = session(-1);
    world_with(&w, &s);
    w.other_holds_until = T0 + LIFETIME;
    w.result_appears_at = T0 + SEC(2);
    w.result.access_token = "at-9";
    w.result.refresh_token = "rt-9";
    w.result.id_token = "id-9";
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    ck_assert_str_eq(s.refresh_token, "rt-9");
    ck_assert(w.clock >= T0 + SEC(2) && w.clock < T0 + SEC(3));
    ck_assert_int_eq(w.calls, 0);
}
END_TEST

/* The holder sent the token, then died or outlived its lock; the next
 * holder reads the session as stored. */
START_TEST(refresh_after_a_holder_sent_it)
{
    okta_session_t s = session(-1);
    world_t w;

    /* sent longer ago than the grace period: never sent again */
    world_with(&w, &s);
    w.other_holds_until = T0 + LIFETIME;
    w.stored.refresh_sent_at = NOW_SEC - 5; /* this request's copy does not know */
    w.sent_mark_until = T0 + SEC(GRACE - 5); /* forgotten by the time the lock is free */
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_ENDED);
    ck_assert_int_eq(w.calls, 0);
    ck_assert_ptr_nonnull(strstr(w.end_why, "OktaRefreshGrace is over"));
    ck_assert(w.have_result && w.result.refused);
    /* sent within the grace period: once more is allowed */
    world_with(&w, &s);
    s = session(-1);
    w.other_holds_until = T0 + SEC(2);
    w.stored.refresh_sent_at = NOW_SEC;
    w.sent_mark_until = T0 + SEC(GRACE);
    w.answers[0] = answer_tokens();
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    ck_assert_int_eq(w.calls, 1);
}
END_TEST

/* Defect 15: the node that sent the token and the node that finds it sent
 * have clocks apart; refresh_sent_at is the sender's.  Whether the grace
 * period is over is the cache's mark alone, on the cache's clock. */
START_TEST(refresh_grace_on_the_cache_clock)
{
    okta_session_t s = session(-1);
    world_t w;

    /* the sender's clock ran 40 s behind ours: by its refresh_sent_at the
     * token went out 40 s ago, past the grace; the cache still has the
     * mark, so it may be sent once more */
    world_with(&w, &s);
    w.stored.refresh_sent_at = NOW_SEC - 40;
    w.sent_mark_until = T0 + SEC(2);
    w.answers[0] = answer_tokens();
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    ck_assert_int_eq(w.calls, 1);
    ck_assert_int_eq(w.ended, 0);
    /* the sender's clock ran ahead: sent "in the future"; the cache forgot
     * the mark, so the grace is over and the spent token is never sent */
    s = session(-1);
    world_with(&w, &s);
    w.stored.refresh_sent_at = NOW_SEC + 20;
    w.answers[0] = answer_tokens();
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_ENDED);
    ck_assert_int_eq(w.calls, 0);
    /* the cache cannot tell now: neither sent nor ended */
    s = session(-1);
    world_with(&w, &s);
    w.stored.refresh_sent_at = NOW_SEC;
    w.marks_fail = 1;
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_UNAVAILABLE);
    ck_assert_int_eq(w.calls + w.ended, 0);
    /* nor is a token sent whose sending cannot be marked */
    s = session(-1);
    world_with(&w, &s);
    w.marks_fail = 1;
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_UNAVAILABLE);
    ck_assert_int_eq(w.calls + w.ended, 0);
    /* the mark is made for the grace period, on the cache's clock however
     * far ours is from it */
    s = session(-1);
    world_with(&w, &s);
    w.cache_ahead = SEC(-40);
    w.answers[0] = lost_answer();
    w.answers[1] = answer_tokens();
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    ck_assert_int_eq(w.calls, 2);
    ck_assert(w.sent_mark_until == T0 + SEC(-40) + SEC(GRACE));
}
END_TEST

START_TEST(refresh_answer_lost_inside_grace)
{
    okta_session_t s = session(-1);
    world_t w;

    world_with(&w, &s);
    w.answers[0] = lost_answer();
    w.answers[1] = answer_tokens();
    w.call_takes = SEC(10);
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    ck_assert_int_eq(w.calls, 2);
    ck_assert_str_eq(w.presented[0], "rt-0");
    ck_assert_str_eq(w.presented[1], "rt-0");
    ck_assert_str_eq(s.refresh_token, "rt-1");
}
END_TEST

START_TEST(refresh_answer_lost_past_grace)
{
    okta_session_t s = session(-1);
    world_t w;

    world_with(&w, &s);
    w.answers[0] = lost_answer();
    w.call_takes = SEC(GRACE + 1);
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_UNAVAILABLE);
    ck_assert_int_eq(w.calls, 1);
    /* it may have been spent: the sending is remembered, and nobody tries
     * for a while */
    ck_assert(w.stored.refresh_sent_at == NOW_SEC);
    ck_assert(w.back_off_until > w.clock);
    ck_assert_int_eq(w.ended, 0);
    /* the next attempt, after the back-off, does not send it again */
    w.clock = w.back_off_until;
    s = session(-1);
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_ENDED);
    ck_assert_int_eq(w.calls, 1);
}
END_TEST

START_TEST(refresh_refused)
{
    static const char *const refusals[] = { "invalid_grant", "invalid_client",
                                            "unauthorized_client" };
    okta_session_t s;
    world_t w;
    size_t i;

    for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
        s = session(30);
        world_with(&w, &s);
        w.answers[0] = answer_error(400, refusals[i]);
        ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_ENDED);
        ck_assert_int_eq(w.events[OKTA_REFRESH_REFUSED], 1);
        ck_assert(w.have_result && w.result.refused);
        ck_assert_int_eq(w.ended, 1);
    }
    ck_assert_int_eq(w.claims_refreshed, 0);
}
END_TEST

/* 429, 5xx, temporarily_unavailable, server_error: not spent, not ended. */
START_TEST(refresh_not_now)
{
    okta_token_call_t answers[4];
    okta_session_t s;
    world_t w;
    int i;

    answers[0] = answer_error(429, NULL);
    answers[1] = answer_error(503, "temporarily_unavailable");
    answers[2] = answer_error(400, "server_error");
    answers[3] = answer_error(502, NULL);
    answers[3].answered = 0; /* an HTML page */
    for (i = 0; i < 4; i++) {
        s = session(-1);
        world_with(&w, &s);
        w.answers[0] = answers[i];
        ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_UNAVAILABLE);
        ck_assert_int_eq(w.calls, 1);
        ck_assert_int_eq(w.ended, 0);
        ck_assert_int_eq(w.events[OKTA_REFRESH_NOT_NOW], 1);
        ck_assert(w.stored.refresh_sent_at == 0); /* not spent */
        ck_assert(w.back_off_until == w.clock + SEC(5));
        s = session(30);
        w.back_off_until = 0;
        w.answers[1] = answers[i];
        ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH); /* still valid: used on */
    }
}
END_TEST

START_TEST(refresh_backing_off)
{
    okta_session_t s = session(-1);
    world_t w;

    world_with(&w, &s);
    w.back_off_until = T0 + SEC(5);
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_UNAVAILABLE);
    s = session(30);
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    ck_assert_int_eq(w.calls + w.locks, 0);
}
END_TEST

START_TEST(refresh_provider_or_lock_unavailable)
{
    okta_session_t s = session(-1);
    world_t w;

    world_with(&w, &s);
    w.provider_down = 1;
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_UNAVAILABLE);
    ck_assert_int_eq(w.locks, 0);
    world_with(&w, &s);
    w.lock_error = APR_ECONNREFUSED;
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_UNAVAILABLE);
    ck_assert_int_eq(w.events[OKTA_REFRESH_LOCK_FAILED], 1);
    ck_assert_int_eq(w.calls, 0);
}
END_TEST

/* A lock that would not end (it always does) is not waited for forever. */
START_TEST(refresh_gives_up_waiting)
{
    okta_session_t s = session(-1);
    world_t w;

    world_with(&w, &s);
    w.other_holds_until = T0 + SEC(3600);
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_UNAVAILABLE);
    ck_assert_int_eq(w.events[OKTA_REFRESH_GAVE_UP], 1);
    ck_assert(w.clock > T0 + LIFETIME && w.clock < T0 + LIFETIME + SEC(4));
    ck_assert_int_eq(w.calls, 0);
}
END_TEST

START_TEST(refresh_stored_session_changed)
{
    okta_session_t s = session(-1);
    world_t w;

    /* refreshed meanwhile, its outcome gone: the stored tokens are used */
    world_with(&w, &s);
    w.stored.refresh_token = "rt-7";
    w.stored.access_token = "at-7";
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    ck_assert_str_eq(s.access_token, "at-7");
    ck_assert_int_eq(w.calls, 0);
    /* signed out meanwhile */
    s = session(-1);
    world_with(&w, &s);
    w.session_gone = 1;
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_ENDED);
    ck_assert_int_eq(w.calls, 0);
    ck_assert_int_eq(w.unlocks, 1);
    /* the cache fails: cannot tell, and nothing is sent */
    s = session(-1);
    world_with(&w, &s);
    w.reload_fails = 1;
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_UNAVAILABLE);
    ck_assert_int_eq(w.calls + w.ended, 0);
    ck_assert_int_eq(w.unlocks, 1);
}
END_TEST

START_TEST(refresh_new_tokens_unusable)
{
    okta_session_t s = session(-1);
    world_t w;

    world_with(&w, &s);
    w.answers[0] = answer_tokens();
    w.id_token_verdict = OKTA_ID_TOKEN_REFUSED;
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_ENDED);
    ck_assert_ptr_nonnull(strstr(w.end_why, "ID token"));
    /* the new refresh token cannot be kept: the session cannot go on */
    s = session(-1);
    world_with(&w, &s);
    w.answers[0] = answer_tokens();
    w.stored.refresh_sent_at = NOW_SEC; /* sent before: no record to write first */
    w.sent_mark_until = T0 + SEC(GRACE);
    s.refresh_sent_at = NOW_SEC;
    w.store_fails = 1;
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_ENDED);
    ck_assert_ptr_nonnull(strstr(w.end_why, "could not be stored"));
    /* the sending cannot be recorded: nothing is sent */
    s = session(-1);
    world_with(&w, &s);
    w.store_fails = 1;
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_UNAVAILABLE);
    ck_assert_int_eq(w.calls, 0);
}
END_TEST

/* The provider's keys cannot be had: the refresh token is spent, so the
 * new tokens are kept, with the previous ID token, and the session goes on. */
START_TEST(refresh_id_token_unchecked)
{
    okta_session_t s = session(-1);
    world_t w;

    world_with(&w, &s);
    w.answers[0] = answer_tokens();
    w.id_token_verdict = OKTA_ID_TOKEN_UNCHECKED;
    ck_assert_int_eq(run(&w, &s), OKTA_REFRESH_FRESH);
    ck_assert_int_eq(w.ended, 0);
    ck_assert_str_eq(s.access_token, "at-1");
    ck_assert_str_eq(s.refresh_token, "rt-1");
    ck_assert_str_eq(s.id_token, "id-0");
    ck_assert_str_eq(w.stored.refresh_token, "rt-1");
    ck_assert_str_eq(w.stored.id_token, "id-0");
    /* the workers that lost the race take the tokens, not the ID token */
    ck_assert(w.have_result && !w.result.refused);
    ck_assert_str_eq(w.result.refresh_token, "rt-1");
    ck_assert_str_eq(w.result.id_token, "");
    ck_assert_int_eq(w.events[OKTA_REFRESH_ID_TOKEN_UNCHECKED], 1);
    ck_assert_int_eq(w.events[OKTA_REFRESH_REFRESHED], 0);
}
END_TEST

TCase *refresh_tcase(void)
{
    TCase *tc = tcase_create("refresh");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, refresh_not_due);
    tcase_add_test(tc, refresh_without_refresh_token);
    tcase_add_test(tc, refresh_done);
    tcase_add_test(tc, refresh_published_by_another);
    tcase_add_test(tc, refresh_locked_by_another);
    tcase_add_test(tc, refresh_after_a_holder_sent_it);
    tcase_add_test(tc, refresh_answer_lost_inside_grace);
    tcase_add_test(tc, refresh_grace_on_the_cache_clock);
    tcase_add_test(tc, refresh_answer_lost_past_grace);
    tcase_add_test(tc, refresh_refused);
    tcase_add_test(tc, refresh_not_now);
    tcase_add_test(tc, refresh_backing_off);
    tcase_add_test(tc, refresh_provider_or_lock_unavailable);
    tcase_add_test(tc, refresh_gives_up_waiting);
    tcase_add_test(tc, refresh_stored_session_changed);
    tcase_add_test(tc, refresh_new_tokens_unusable);
    tcase_add_test(tc, refresh_id_token_unchecked);
    return tc;
}
