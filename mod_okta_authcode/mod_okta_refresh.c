/* SPDX-License-Identifier: Apache-2.0 */
/* Keeping a session's access token fresh: the decisions are the core's
 * (okta_refresh.h); this file gives them the store, the lock, the provider
 * and the clock of a request, and logs what they report. */
#include <apr_strings.h>
#include <http_protocol.h>

#include "mod_okta_lock.h"
#include "mod_okta_provider.h"
#include "mod_okta_refresh.h"
#include "mod_okta_session.h"
#include "mod_okta_store.h"
#include "okta_claims.h"
#include "okta_util.h"

#define LOCK_KIND "refresh-lock"
#define BACKOFF_KIND "refresh-backoff"
#define RESULT_KIND "refresh-result"
#define SENT_KIND "refresh-sent"
#define WAIT_STEP apr_time_from_msec(20)
/* After a refresh that could not be done now (provider down, overloaded,
 * failing), nobody tries again for this long. */
#define BACKOFF apr_time_from_sec(5)
/* The lock's holder stops working this long before its lock ends; those
 * waiting for it give up this long after. */
#define HOLDER_MARGIN apr_time_from_sec(1)
#define GIVE_UP_MARGIN apr_time_from_sec(3)

typedef struct {
    request_rec *r;
    okta_session_ref_t *ref;
    const okta_provider_meta_t *meta;
    int claims_rebuilt; /* stored with the tokens */
} refresh_ctx_t;

static apr_time_t now(void *ctx)
{
    (void)ctx;
    return apr_time_now();
}

static void wait_a_while(void *ctx, apr_interval_time_t t)
{
    (void)ctx;
    apr_sleep(t);
}

static int find_result(void *ctx, const char *key, okta_refresh_result_t *res)
{
    refresh_ctx_t *c = ctx;
    unsigned char *data;
    apr_size_t len;

    return okta_store_get(c->r, RESULT_KIND, key, &data, &len) == APR_SUCCESS
           && okta_refresh_result_decode(res, data, len) == APR_SUCCESS;
}

static void publish_result(void *ctx, const char *key, const okta_refresh_result_t *res,
                           apr_time_t until)
{
    refresh_ctx_t *c = ctx;
    unsigned char *data;
    apr_size_t len;

    if (okta_refresh_result_encode(&data, &len, c->r->pool, res) == APR_SUCCESS) {
        okta_store_put(c->r, RESULT_KIND, key, data, len, until);
    }
}

static int backing_off(void *ctx, const char *key)
{
    refresh_ctx_t *c = ctx;
    unsigned char *data;
    apr_size_t len;

    return okta_store_get(c->r, BACKOFF_KIND, key, &data, &len) == APR_SUCCESS;
}

static void start_back_off(void *ctx, const char *key, apr_time_t until)
{
    static const unsigned char mark = 1;
    refresh_ctx_t *c = ctx;

    okta_store_put(c->r, BACKOFF_KIND, key, &mark, sizeof(mark), until);
}

/* memcache and redis are told how long to keep a record, not until when:
 * the mark lasts `grace` seconds on the cache server's clock. */
static apr_status_t mark_sent(void *ctx, const char *key, apr_int64_t grace)
{
    static const unsigned char mark = 1;
    refresh_ctx_t *c = ctx;

    return okta_store_put(c->r, SENT_KIND, key, &mark, sizeof(mark),
                          apr_time_now() + apr_time_from_sec(grace));
}

static int sent_within_grace(void *ctx, const char *key)
{
    refresh_ctx_t *c = ctx;
    unsigned char *data;
    apr_size_t len;

    switch (okta_store_get(c->r, SENT_KIND, key, &data, &len)) {
    case APR_SUCCESS:
        return 1;
    case APR_NOTFOUND:
        return 0;
    default:
        return -1;
    }
}

static apr_status_t lock(void *ctx, const char *key, apr_interval_time_t ttl, void **out,
                         apr_time_t *deadline)
{
    refresh_ctx_t *c = ctx;
    okta_lock_t *lock;
    apr_status_t rv = okta_lock_acquire(c->r, LOCK_KIND, key, ttl, &lock);

    if (rv == APR_SUCCESS) {
        *out = lock;
        *deadline = okta_lock_deadline(lock);
    }
    return rv;
}

static void unlock(void *ctx, void *lock)
{
    okta_lock_release(((refresh_ctx_t *)ctx)->r, lock);
}

static apr_status_t reload(void *ctx, okta_session_t *s)
{
    refresh_ctx_t *c = ctx;

    (void)s; /* the ref's own session */
    return okta_session_reload(c->r, c->ref);
}

static apr_status_t store_tokens(void *ctx, const okta_session_t *s)
{
    refresh_ctx_t *c = ctx;

    (void)s;
    return okta_session_store_tokens(c->r, c->ref, c->claims_rebuilt);
}

static void end_session(void *ctx, const char *why)
{
    refresh_ctx_t *c = ctx;

    okta_session_end(c->r, c->ref, why);
}

static int provider_ready(void *ctx)
{
    refresh_ctx_t *c = ctx;
    int status;

    return (c->meta = okta_provider_meta(c->r, &status)) != NULL;
}

static void token_call(void *ctx, const char *refresh_token, apr_time_t deadline,
                       okta_token_call_t *call)
{
    refresh_ctx_t *c = ctx;
    const char *form = "";

    okta_form_add(c->r->pool, &form, "grant_type", "refresh_token");
    okta_form_add(c->r->pool, &form, "refresh_token", refresh_token);
    okta_provider_token_call(c->r, c->meta, form, deadline, call);
}

/* A refreshed ID token must be valid and about the same user (OpenID
 * Connect Core 12.2). */
static okta_id_token_verdict_t check_id_token(void *ctx, const char *old_id_token,
                                              const char *new_id_token,
                                              const char *new_access_token)
{
    refresh_ctx_t *c = ctx;
    okta_jwt_t *old_jwt, *new_jwt;
    const char *why = NULL, *old_sub, *new_sub;

    switch (okta_provider_validate_id_token(c->r, c->meta, new_id_token, NULL, new_access_token,
                                            &new_jwt, &why)) {
    case OKTA_JWT_OK:
        break;
    case OKTA_JWT_KEYS_UNAVAILABLE:
        return OKTA_ID_TOKEN_UNCHECKED;
    default:
        return OKTA_ID_TOKEN_REFUSED;
    }
    old_sub = okta_jwt_parse(&old_jwt, c->r->pool, old_id_token, &why) == OKTA_JWT_OK
                  ? okta_claim_string(c->r->pool, old_jwt->payload, "sub")
                  : NULL;
    new_sub = okta_claim_string(c->r->pool, new_jwt->payload, "sub");
    if (!old_sub || !new_sub || strcmp(old_sub, new_sub) != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, c->r,
                      OKTALOGNO(00031) "refreshed ID token is about another user (sub \"%s\", "
                      "was \"%s\")", new_sub ? new_sub : "(none)", old_sub ? old_sub : "(none)");
        return OKTA_ID_TOKEN_REFUSED;
    }
    return OKTA_ID_TOKEN_ACCEPTED;
}

/* Group changes at the provider take effect within an access token's
 * lifetime; a userinfo endpoint that fails now keeps the old claims
 * rather than end a session whose tokens are fine. */
static void refresh_claims(void *ctx, okta_session_t *s, apr_time_t deadline)
{
    refresh_ctx_t *c = ctx;
    okta_jwt_t *jwt;
    json_t *claims;
    const char *why = NULL;

    if (okta_jwt_parse(&jwt, c->r->pool, s->id_token, &why) != OKTA_JWT_OK
        || okta_provider_claims(c->r, c->meta, jwt->payload, s->access_token, deadline, &claims,
                                &why) != OKTA_USERINFO_OK
        || okta_claims_set(s, c->r->pool, claims, NULL) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, c->r,
                      OKTALOGNO(00049) "the claims of %s stay as they were: after the refresh "
                      "they could not be read again: %s", s->user, why ? why : "out of memory");
        return;
    }
    c->claims_rebuilt = 1;
}

static void note(void *ctx, okta_refresh_event_t event, const okta_token_call_t *call)
{
    refresh_ctx_t *c = ctx;
    const char *user = c->ref->session.user;

    switch (event) {
    case OKTA_REFRESH_REFRESHED:
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, c->r,
                      OKTALOGNO(00032) "refreshed the tokens of %s; the access token now "
                      "expires in %" APR_INT64_T_FMT " s", user, call->tr.expires_in);
        break;
    case OKTA_REFRESH_ID_TOKEN_UNCHECKED:
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, c->r,
                      OKTALOGNO(00060) "the refreshed ID token of %s could not be checked now "
                      "(the provider's keys cannot be had): the new access and refresh tokens "
                      "are kept, the session keeps its previous ID token", user);
        break;
    case OKTA_REFRESH_REFUSED:
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, c->r,
                      OKTALOGNO(00033) "the provider refused to refresh the tokens of %s: %s "
                      "(%s); in Okta check the refresh token lifetime and the rotation grace "
                      "period (OktaRefreshGrace must not exceed it)", user, call->tr.error,
                      call->tr.error_description ? call->tr.error_description : "");
        break;
    case OKTA_REFRESH_NOT_NOW:
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, c->r,
                      OKTALOGNO(00043) "the provider could not refresh the tokens of %s now "
                      "(HTTP %ld%s%s): trying again in %d s; in Okta, HTTP 429 means a rate "
                      "limit of the authorization server", user, call->status,
                      call->tr.error ? ", " : "", call->tr.error ? call->tr.error : "",
                      (int)apr_time_sec(BACKOFF));
        break;
    case OKTA_REFRESH_LOCK_FAILED:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, c->r,
                      OKTALOGNO(00037) "cannot take the refresh lock of the session of %s "
                      "in the session cache", user);
        break;
    case OKTA_REFRESH_GAVE_UP:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, c->r,
                      OKTALOGNO(00034) "gave up waiting for another worker to refresh "
                      "the session of %s", user);
        break;
    }
}

/* The table is filled only when there is something to decide: a valid
 * session's request (the hot path) stops at the first test. */
static okta_refresh_outcome_t refresh(request_rec *r, okta_session_ref_t *ref)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    refresh_ctx_t ctx = { r, ref, NULL, 0 };
    okta_refresh_env_t env = {
        &ctx, r->pool, sc->refresh_leeway, sc->refresh_grace,
        /* two token requests, a JWKS fetch (for a refreshed ID token
         * signed with a new key) and a userinfo request, each
         * OktaHTTPTimeout at most, and slack */
        apr_time_from_sec(4 * sc->http_timeout + 2), HOLDER_MARGIN, GIVE_UP_MARGIN, BACKOFF,
        WAIT_STEP,
        /* as long as a request holding the old session might still come */
        apr_time_from_sec(sc->refresh_grace + 60),
        now, wait_a_while, find_result, publish_result, backing_off, start_back_off, lock,
        unlock, mark_sent, sent_within_grace, reload, store_tokens, end_session, provider_ready,
        token_call, check_id_token, refresh_claims, note
    };

    return okta_refresh_run(&env, &ref->session, apr_time_sec(r->request_time));
}

okta_refresh_outcome_t okta_refresh_if_due(request_rec *r, okta_session_ref_t *ref)
{
    if (!okta_refresh_is_due(&ref->session, apr_time_sec(r->request_time),
                             okta_server_conf(r)->refresh_leeway)) {
        return OKTA_REFRESH_FRESH;
    }
    return refresh(r, ref);
}
