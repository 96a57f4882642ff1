/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "okta_crypto.h"
#include "okta_refresh.h"
#include "okta_util.h"

typedef struct {
    const okta_refresh_env_t *env;
    okta_session_t *s;
    const char *key; /* names the refresh token being spent */
    apr_int64_t request_sec; /* when the request came */
    apr_time_t deadline; /* the holder's work ends before its lock does */
    int still_valid; /* the current access token has not expired yet */
    int back_off; /* the provider failed: nobody tries again for a while */
} refresh_t;

/* "Not now" rather than "no": HTTP 429 or 5xx, or RFC 6749's
 * temporarily_unavailable and server_error.  The token was not spent. */
static int answer_is_transient(const okta_token_call_t *call)
{
    return call->status == 429 || call->status >= 500
           || (call->tr.error
               && (strcmp(call->tr.error, "temporarily_unavailable") == 0
                   || strcmp(call->tr.error, "server_error") == 0));
}

static apr_int64_t now_sec(const refresh_t *rf)
{
    return apr_time_sec(rf->env->now(rf->env->ctx));
}

/* While the provider cannot refresh, a still-valid access token is used
 * on, and an expired one means "try again shortly", not the end of the
 * session: the refresh token may well work a moment later. */
static okta_refresh_outcome_t not_now(refresh_t *rf)
{
    rf->back_off = 1;
    return rf->still_valid ? OKTA_REFRESH_FRESH : OKTA_REFRESH_UNAVAILABLE;
}

static void apply_result(okta_session_t *s, const okta_refresh_result_t *res)
{
    s->access_token = res->access_token;
    s->access_expires = res->access_expires;
    s->refresh_token = res->refresh_token;
    if (*res->id_token) {
        s->id_token = res->id_token;
    }
    s->refresh_sent_at = 0;
}

/* The outcome another worker left for this refresh token, if any. */
static int find_result(refresh_t *rf, okta_refresh_outcome_t *outcome)
{
    okta_refresh_result_t res;

    if (!rf->env->find_result(rf->env->ctx, rf->key, &res)) {
        return 0;
    }
    if (res.refused) {
        *outcome = OKTA_REFRESH_ENDED;
    }
    else {
        apply_result(rf->s, &res);
        *outcome = OKTA_REFRESH_FRESH;
    }
    return 1;
}

/* Leaves the outcome for the workers that lost the race, for as long as a
 * request holding the old session might still come. */
static void publish_result(refresh_t *rf, const okta_refresh_result_t *res)
{
    const okta_refresh_env_t *env = rf->env;

    env->publish_result(env->ctx, rf->key, res, env->now(env->ctx) + env->result_lifetime);
}

static okta_refresh_outcome_t end_session(refresh_t *rf, const char *why)
{
    okta_refresh_result_t refused = { 1, 0, NULL, NULL, NULL };

    publish_result(rf, &refused);
    rf->env->end_session(rf->env->ctx, why);
    return OKTA_REFRESH_ENDED;
}

static okta_refresh_outcome_t refreshed(refresh_t *rf, const okta_token_response_t *tr)
{
    okta_session_t *s = rf->s;
    okta_refresh_result_t res;

    res.refused = 0;
    res.access_token = tr->access_token;
    res.access_expires = tr->expires_in ? rf->request_sec + tr->expires_in : 0;
    /* without rotation the provider returns no new refresh token */
    res.refresh_token = tr->refresh_token ? tr->refresh_token : s->refresh_token;
    res.id_token = tr->id_token ? tr->id_token : "";
    apply_result(s, &res);
    rf->env->refresh_claims(rf->env->ctx, s, rf->deadline);
    if (rf->env->store_tokens(rf->env->ctx, s) != APR_SUCCESS) {
        /* the new refresh token would be lost: the session cannot go on */
        return end_session(rf, "the refreshed session could not be stored");
    }
    publish_result(rf, &res);
    return OKTA_REFRESH_FRESH;
}

/* Records when the refresh token is first sent, before it is: if this
 * worker dies, the next one knows it may have been spent, and the mark the
 * cache keeps for the grace period tells whether it may still be sent.
 * 0 restores "never sent". */
static apr_status_t record_sending(refresh_t *rf, apr_int64_t sent_at)
{
    apr_status_t rv;

    if (sent_at && (rv = rf->env->mark_sent(rf->env->ctx, rf->key, rf->env->grace)) != APR_SUCCESS) {
        return rv;
    }
    rf->s->refresh_sent_at = sent_at;
    return rf->env->store_tokens(rf->env->ctx, rf->s);
}

/* Sends the refresh token, and once more only if no answer came back while
 * still inside the provider's reuse grace period.  Returns 0 when it could
 * not even record the sending. */
static int send_refresh(refresh_t *rf, okta_token_call_t *call)
{
    const okta_refresh_env_t *env = rf->env;
    apr_int64_t sent_before = rf->s->refresh_sent_at;
    int attempt;

    if (!sent_before && record_sending(rf, now_sec(rf)) != APR_SUCCESS) {
        return 0;
    }
    for (attempt = 0; attempt < 2; attempt++) {
        memset(call, 0, sizeof(*call));
        env->token_call(env->ctx, rf->s->refresh_token, rf->deadline, call);
        if (call->answered || call->status || !call->sent || env->now(env->ctx) >= rf->deadline
            || env->sent_within_grace(env->ctx, rf->key) != 1) {
            break;
        }
    }
    if (!sent_before && (!call->sent || answer_is_transient(call))) {
        /* it never left, or was turned away unprocessed: the token is as
         * good as before */
        record_sending(rf, 0);
    }
    return 1;
}

/* Called by the worker that holds the lock. */
static okta_refresh_outcome_t refresh_now(refresh_t *rf)
{
    const okta_refresh_env_t *env = rf->env;
    okta_token_call_t call;
    okta_id_token_verdict_t verdict;

    /* now, not when the request came: it may have waited for the lock */
    if (rf->s->refresh_sent_at) {
        switch (env->sent_within_grace(env->ctx, rf->key)) {
        case 1:
            break;
        case 0:
            return end_session(rf, "the refresh token may have been spent by a refresh whose "
                                   "answer was lost, and OktaRefreshGrace is over");
        default:
            return not_now(rf);
        }
    }
    if (!send_refresh(rf, &call)) {
        return rf->still_valid ? OKTA_REFRESH_FRESH : OKTA_REFRESH_UNAVAILABLE;
    }
    if (answer_is_transient(&call)) {
        env->note(env->ctx, OKTA_REFRESH_NOT_NOW, &call);
        return not_now(rf);
    }
    if (!call.answered) {
        /* no answer, or not one we can read: the glue logged why */
        return not_now(rf);
    }
    if (call.tr.error) {
        env->note(env->ctx, OKTA_REFRESH_REFUSED, &call);
        return end_session(rf, "refresh refused");
    }
    verdict = call.tr.id_token ? env->check_id_token(env->ctx, rf->s->id_token, call.tr.id_token,
                                                     call.tr.access_token)
                               : OKTA_ID_TOKEN_ACCEPTED;
    if (verdict == OKTA_ID_TOKEN_REFUSED) {
        return end_session(rf, "the refreshed ID token was refused");
    }
    if (verdict == OKTA_ID_TOKEN_UNCHECKED) {
        /* The refresh token is spent: the new tokens must be kept, or the
         * session is lost.  They came from the token endpoint, over TLS,
         * to this client; only the ID token's claims are not taken
         * unchecked. */
        call.tr.id_token = NULL;
    }
    if (refreshed(rf, &call.tr) != OKTA_REFRESH_FRESH) {
        return OKTA_REFRESH_ENDED;
    }
    env->note(env->ctx,
              verdict == OKTA_ID_TOKEN_UNCHECKED ? OKTA_REFRESH_ID_TOKEN_UNCHECKED
                                                 : OKTA_REFRESH_REFRESHED,
              &call);
    return OKTA_REFRESH_FRESH;
}

/* The lock holder's part.  The previous holder may have refreshed (it
 * publishes its outcome before it lets go of the lock), or have sent the
 * token and died, or outlived its lock: the session is read again as it is
 * stored now, so that this request neither sends the token a second time
 * nor forgets that it was sent. */
static okta_refresh_outcome_t refresh_holding_lock(refresh_t *rf, void *lock,
                                                   apr_time_t lock_deadline)
{
    const okta_refresh_env_t *env = rf->env;
    const char *refresh_token = rf->s->refresh_token;
    okta_refresh_outcome_t outcome;
    apr_status_t rv;

    rf->deadline = lock_deadline - env->holder_margin;
    if (find_result(rf, &outcome)) {
        /* done by the previous holder */
    }
    else if ((rv = env->reload(env->ctx, rf->s)) != APR_SUCCESS) {
        /* signed out meanwhile, or the cache fails */
        outcome = rv == APR_NOTFOUND ? OKTA_REFRESH_ENDED : OKTA_REFRESH_UNAVAILABLE;
    }
    else if (strcmp(rf->s->refresh_token, refresh_token) != 0) {
        outcome = OKTA_REFRESH_FRESH; /* refreshed meanwhile, outcome gone */
    }
    else {
        outcome = refresh_now(rf);
        if (rf->back_off) {
            env->start_back_off(env->ctx, rf->key, env->now(env->ctx) + env->back_off);
        }
    }
    env->unlock(env->ctx, lock);
    return outcome;
}

/* Until the refresh is done by this worker or another, or is not possible
 * now. */
static okta_refresh_outcome_t claim(refresh_t *rf)
{
    const okta_refresh_env_t *env = rf->env;
    /* a lock that is held ends by itself within its lifetime */
    apr_time_t give_up = env->now(env->ctx) + env->lock_lifetime + env->give_up_margin, deadline;
    okta_refresh_outcome_t outcome;
    apr_status_t rv;
    void *lock;

    for (;;) {
        if (find_result(rf, &outcome)) {
            return outcome;
        }
        if (env->backing_off(env->ctx, rf->key)) {
            /* the last attempt failed: no new one until the back-off ends */
            return rf->still_valid ? OKTA_REFRESH_FRESH : OKTA_REFRESH_UNAVAILABLE;
        }
        rv = env->lock(env->ctx, rf->key, env->lock_lifetime, &lock, &deadline);
        if (rv == APR_SUCCESS) {
            return refresh_holding_lock(rf, lock, deadline);
        }
        if (rv != APR_EEXIST) {
            env->note(env->ctx, OKTA_REFRESH_LOCK_FAILED, NULL);
            return rf->still_valid ? OKTA_REFRESH_FRESH : OKTA_REFRESH_UNAVAILABLE;
        }
        /* another worker is refreshing this session */
        if (rf->still_valid) {
            return OKTA_REFRESH_FRESH;
        }
        if (env->now(env->ctx) > give_up) {
            env->note(env->ctx, OKTA_REFRESH_GAVE_UP, NULL);
            return OKTA_REFRESH_UNAVAILABLE;
        }
        env->sleep(env->ctx, env->wait_step);
    }
}

int okta_refresh_is_due(const okta_session_t *s, apr_int64_t request_sec, apr_int64_t leeway)
{
    return s->access_expires && s->access_expires - request_sec <= leeway;
}

okta_refresh_outcome_t okta_refresh_run(const okta_refresh_env_t *env, okta_session_t *s,
                                        apr_int64_t request_sec)
{
    refresh_t rf;

    if (!okta_refresh_is_due(s, request_sec, env->leeway)) {
        return OKTA_REFRESH_FRESH;
    }
    rf.env = env;
    rf.s = s;
    rf.request_sec = request_sec;
    rf.still_valid = request_sec < s->access_expires;
    rf.back_off = 0;
    rf.deadline = 0;
    if (!*s->refresh_token) {
        /* no offline_access: the session lasts as long as its access token,
         * and there is no refresh whose outcome others would wait for */
        if (rf.still_valid) {
            return OKTA_REFRESH_FRESH;
        }
        env->end_session(env->ctx, "the access token expired and there is no refresh token "
                                   "(scope offline_access)");
        return OKTA_REFRESH_ENDED;
    }
    /* before the lock: discovery is not part of the holder's bounded work */
    if (!env->provider_ready(env->ctx)) {
        return rf.still_valid ? OKTA_REFRESH_FRESH : OKTA_REFRESH_UNAVAILABLE;
    }
    /* outcomes are named after a digest of the token, never the token */
    rf.key = okta_secret_digest(env->pool, s->refresh_token);
    return claim(&rf);
}
