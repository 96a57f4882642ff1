/* Keeping a session's access token fresh with rotating refresh tokens.
 *
 * With Okta's "Rotate token after every use", every refresh spends the
 * session's refresh token, and presenting a spent one after the grace
 * period revokes the whole token family: the user is signed out
 * everywhere.  Many workers in many processes may find one session due at
 * the same moment, so the refresh is claimed with a lock (mod_okta_lock.c:
 * across servers too when the cache is shared) named after the refresh
 * token being spent.  The worker that takes it refreshes and leaves the
 * outcome under the same token for a while; the others use that outcome,
 * or their still-valid access token, and never send the token themselves.
 * The lock expires, so a worker that dies mid-refresh does not wedge the
 * session; its holder's work is bounded to the lock's lifetime, and the
 * next holder reads the session as stored, not as its request found it,
 * so it knows whether and when the token was sent. */
#include <apr_strings.h>
#include <http_protocol.h>

#include "mod_okta_lock.h"
#include "mod_okta_provider.h"
#include "mod_okta_refresh.h"
#include "mod_okta_session.h"
#include "mod_okta_store.h"
#include "okta_util.h"

#define LOCK_KIND "refresh-lock"
#define BACKOFF_KIND "refresh-backoff"
#define RESULT_KIND "refresh-result"
#define WAIT_STEP apr_time_from_msec(20)
/* After a refresh that could not be done now (provider down, overloaded,
 * failing), nobody tries again for this long. */
#define BACKOFF apr_time_from_sec(5)

typedef struct {
    request_rec *r;
    okta_server_conf_t *sc;
    okta_session_ref_t *ref;
    const char *key; /* identifies the refresh token being spent */
    const okta_provider_meta_t *meta;
    apr_time_t deadline; /* the holder's work ends before its lock does */
    apr_int64_t now; /* when the request came, in seconds */
    int still_valid; /* the current access token has not expired yet */
    int back_off; /* the provider failed: nobody tries again for a while */
} refresh_t;

/* While the provider cannot refresh, a still-valid access token is used
 * on, and an expired one means "try again shortly" (503), not the end of
 * the session: the refresh token may well work a moment later. */
static okta_refresh_outcome_t not_now(refresh_t *rf)
{
    rf->back_off = 1;
    return rf->still_valid ? OKTA_REFRESH_FRESH : OKTA_REFRESH_UNAVAILABLE;
}

static void start_back_off(refresh_t *rf)
{
    static const unsigned char mark = 1;

    okta_store_put(rf->r, BACKOFF_KIND, rf->key, &mark, sizeof(mark), apr_time_now() + BACKOFF);
}

static int backing_off(refresh_t *rf)
{
    unsigned char *data;
    apr_size_t len;

    return okta_store_get(rf->r, BACKOFF_KIND, rf->key, &data, &len) == APR_SUCCESS;
}

/* A "not now" rather than a "no": the provider is overloaded or failing
 * (HTTP 429 or 5xx; RFC 6749's temporarily_unavailable and server_error).
 * It did not spend the refresh token. */
static int is_transient(const okta_token_call_t *call)
{
    return call->status == 429 || call->status >= 500
           || (call->tr.error
               && (strcmp(call->tr.error, "temporarily_unavailable") == 0
                   || strcmp(call->tr.error, "server_error") == 0));
}

/* Cache entries are named after a digest of the token, never the token. */
static const char *token_key(apr_pool_t *p, const char *refresh_token)
{
    unsigned char digest[32];

    okta_sha256(digest, refresh_token, strlen(refresh_token));
    return okta_b64url_encode(p, digest, sizeof(digest));
}

/* How long a refresher may hold the lock: two token requests and a JWKS
 * fetch (for a refreshed ID token signed with a new key), each bounded by
 * OktaHTTPTimeout, and some slack. */
static apr_time_t lock_lifetime(const okta_server_conf_t *sc)
{
    return apr_time_from_sec(3 * sc->http_timeout + 2);
}

#define HOLDER_MARGIN apr_time_from_sec(1)

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
    unsigned char *data;
    apr_size_t len;

    if (okta_store_get(rf->r, RESULT_KIND, rf->key, &data, &len) != APR_SUCCESS
        || okta_refresh_result_decode(&res, data, len) != APR_SUCCESS) {
        return 0;
    }
    if (res.refused) {
        *outcome = OKTA_REFRESH_ENDED;
    }
    else {
        apply_result(&rf->ref->session, &res);
        *outcome = OKTA_REFRESH_FRESH;
    }
    return 1;
}

/* Leaves the outcome for the workers that lost the race, for as long as a
 * request holding the old session might still come. */
static void publish_result(refresh_t *rf, const okta_refresh_result_t *res)
{
    unsigned char *data;
    apr_size_t len;

    if (okta_refresh_result_encode(&data, &len, rf->r->pool, res) == APR_SUCCESS) {
        okta_store_put(rf->r, RESULT_KIND, rf->key, data, len,
                       apr_time_now() + apr_time_from_sec(rf->sc->refresh_grace + 60));
    }
}

static okta_refresh_outcome_t end_session(refresh_t *rf, const char *why)
{
    okta_refresh_result_t refused = { 1, 0, NULL, NULL, NULL };

    publish_result(rf, &refused);
    okta_session_end(rf->r, rf->ref, why);
    return OKTA_REFRESH_ENDED;
}

/* A refreshed ID token must be valid and about the same user (OpenID
 * Connect Core 12.2). */
static int refreshed_id_token_ok(refresh_t *rf, const okta_provider_meta_t *meta,
                                 const char *id_token)
{
    okta_jwt_t *old_jwt, *new_jwt;
    const char *why = NULL, *old_sub, *new_sub;

    if (okta_provider_validate_id_token(rf->r, meta, id_token, NULL, &new_jwt, &why)
        != OKTA_JWT_OK) {
        return 0;
    }
    old_sub = okta_jwt_parse(&old_jwt, rf->r->pool, rf->ref->session.id_token, &why)
                      == OKTA_JWT_OK
                  ? okta_jwt_claim_string(old_jwt, rf->r->pool, "sub")
                  : NULL;
    new_sub = okta_jwt_claim_string(new_jwt, rf->r->pool, "sub");
    if (!old_sub || !new_sub || strcmp(old_sub, new_sub) != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, rf->r,
                      OKTALOGNO(00031) "refreshed ID token is about another user (sub \"%s\", "
                      "was \"%s\")", new_sub ? new_sub : "(none)", old_sub ? old_sub : "(none)");
        return 0;
    }
    return 1;
}

static okta_refresh_outcome_t refreshed(refresh_t *rf, const okta_token_response_t *tr)
{
    okta_session_t *s = &rf->ref->session;
    okta_refresh_result_t res;

    res.refused = 0;
    res.access_token = tr->access_token;
    res.access_expires = tr->expires_in ? rf->now + tr->expires_in : 0;
    /* without rotation the provider returns no new refresh token */
    res.refresh_token = tr->refresh_token ? tr->refresh_token : s->refresh_token;
    res.id_token = tr->id_token ? tr->id_token : "";
    apply_result(s, &res);
    if (okta_session_store_tokens(rf->r, rf->ref) != APR_SUCCESS) {
        /* the new refresh token would be lost: the session cannot go on */
        return end_session(rf, "the refreshed session could not be stored");
    }
    publish_result(rf, &res);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, rf->r,
                  OKTALOGNO(00032) "refreshed the tokens of %s; the access token now expires "
                  "in %" APR_INT64_T_FMT " s", s->user, tr->expires_in);
    return OKTA_REFRESH_FRESH;
}

/* Records in the session when the refresh token is first sent, before it
 * is: if this worker dies, the next one knows how long ago the token may
 * have been spent.  0 restores "never sent". */
static apr_status_t record_sending(refresh_t *rf, apr_int64_t sent_at)
{
    rf->ref->session.refresh_sent_at = sent_at;
    return okta_session_store_tokens(rf->r, rf->ref);
}

/* Sends the refresh token, and once more only if no answer came back while
 * still inside the provider's reuse grace period.  Returns 0 when it could
 * not even record the sending. */
static int send_refresh(refresh_t *rf, const okta_provider_meta_t *meta, okta_token_call_t *call)
{
    okta_session_t *s = &rf->ref->session;
    apr_int64_t sent_before = s->refresh_sent_at;
    const char *form = "";
    int attempt;

    if (!sent_before && record_sending(rf, apr_time_sec(apr_time_now())) != APR_SUCCESS) {
        return 0;
    }
    okta_form_add(rf->r->pool, &form, "grant_type", "refresh_token");
    okta_form_add(rf->r->pool, &form, "refresh_token", s->refresh_token);
    for (attempt = 0; attempt < 2; attempt++) {
        if (okta_provider_token_call(rf->r, meta, form, rf->deadline, call) || call->status
            || !call->sent
            || apr_time_sec(apr_time_now()) - s->refresh_sent_at >= rf->sc->refresh_grace
            || apr_time_now() >= rf->deadline) {
            break;
        }
    }
    if (!sent_before && (!call->sent || is_transient(call))) {
        /* it never left, or was turned away unprocessed: the token is as
         * good as before */
        record_sending(rf, 0);
    }
    return 1;
}

/* Called by the worker that holds the lock. */
static okta_refresh_outcome_t refresh_now(refresh_t *rf)
{
    okta_session_t *s = &rf->ref->session;
    const okta_provider_meta_t *meta = rf->meta;
    okta_token_call_t call;

    /* now, not when the request came: it may have waited for the lock */
    if (s->refresh_sent_at
        && apr_time_sec(apr_time_now()) - s->refresh_sent_at >= rf->sc->refresh_grace) {
        return end_session(rf, "the refresh token may have been spent by a refresh whose answer "
                               "was lost, and OktaRefreshGrace is over");
    }
    if (!send_refresh(rf, meta, &call)) {
        return rf->still_valid ? OKTA_REFRESH_FRESH : OKTA_REFRESH_UNAVAILABLE;
    }
    if (is_transient(&call)) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, rf->r,
                      OKTALOGNO(00043) "the provider could not refresh the tokens of %s now "
                      "(HTTP %ld%s%s): trying again in %d s; in Okta, HTTP 429 means a rate "
                      "limit of the authorization server", s->user, call.status,
                      call.tr.error ? ", " : "", call.tr.error ? call.tr.error : "",
                      (int)apr_time_sec(BACKOFF));
        return not_now(rf);
    }
    if (!call.answered) {
        /* no answer, or not one we can read: logged where it failed */
        return not_now(rf);
    }
    if (call.tr.error) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, rf->r,
                      OKTALOGNO(00033) "the provider refused to refresh the tokens of %s: %s "
                      "(%s); in Okta check the refresh token lifetime and the rotation grace "
                      "period (OktaRefreshGrace must not exceed it)", s->user, call.tr.error,
                      call.tr.error_description ? call.tr.error_description : "");
        return end_session(rf, "refresh refused");
    }
    if (call.tr.id_token && !refreshed_id_token_ok(rf, meta, call.tr.id_token)) {
        return end_session(rf, "the refreshed ID token was refused");
    }
    return refreshed(rf, &call.tr);
}

/* The lock holder's part.  The previous holder may have refreshed (it
 * publishes its outcome before it lets go of the lock), or have sent the
 * token and died, or outlived its lock: the session is read again as it is
 * stored now, so that this request neither sends the token a second time
 * nor forgets that it was sent. */
static okta_refresh_outcome_t refresh_holding_lock(refresh_t *rf, okta_lock_t *lock)
{
    const char *refresh_token = rf->ref->session.refresh_token;
    okta_refresh_outcome_t outcome;
    apr_status_t rv;

    rf->deadline = okta_lock_deadline(lock) - HOLDER_MARGIN;
    if (find_result(rf, &outcome)) {
        /* done by the previous holder */
    }
    else if ((rv = okta_session_reload(rf->r, rf->ref)) != APR_SUCCESS) {
        /* signed out meanwhile, or the cache fails */
        outcome = rv == APR_NOTFOUND ? OKTA_REFRESH_ENDED : OKTA_REFRESH_UNAVAILABLE;
    }
    else if (strcmp(rf->ref->session.refresh_token, refresh_token) != 0) {
        outcome = OKTA_REFRESH_FRESH; /* refreshed meanwhile, outcome gone */
    }
    else {
        outcome = refresh_now(rf);
        if (rf->back_off) {
            start_back_off(rf);
        }
    }
    okta_lock_release(rf->r, lock);
    return outcome;
}

okta_refresh_outcome_t okta_refresh_if_due(request_rec *r, okta_session_ref_t *ref)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    okta_session_t *s = &ref->session;
    okta_refresh_outcome_t outcome;
    okta_lock_t *lock;
    apr_time_t give_up;
    refresh_t rf;
    apr_status_t rv;
    int status;

    rf.now = apr_time_sec(r->request_time);
    if (!s->access_expires || s->access_expires - rf.now > sc->refresh_leeway) {
        return OKTA_REFRESH_FRESH; /* the hot path: nothing to do */
    }
    if (!*s->refresh_token) {
        /* no offline_access: the session lasts as long as its access token,
         * and there is no refresh whose outcome others would wait for */
        if (rf.now < s->access_expires) {
            return OKTA_REFRESH_FRESH;
        }
        okta_session_end(r, ref, "the access token expired and there is no refresh token "
                                 "(scope offline_access)");
        return OKTA_REFRESH_ENDED;
    }
    rf.r = r;
    rf.sc = sc;
    rf.ref = ref;
    rf.still_valid = rf.now < s->access_expires;
    rf.back_off = 0;
    rf.key = token_key(r->pool, s->refresh_token);
    /* before the lock: discovery is not part of the holder's bounded work */
    if (!(rf.meta = okta_provider_meta(r, &status))) {
        return rf.still_valid ? OKTA_REFRESH_FRESH : OKTA_REFRESH_UNAVAILABLE;
    }
    /* a lock that is held ends by itself within its lifetime */
    give_up = apr_time_now() + lock_lifetime(sc) + apr_time_from_sec(3);
    for (;;) {
        if (find_result(&rf, &outcome)) {
            return outcome;
        }
        if (backing_off(&rf)) {
            /* the last attempt failed: no new one until the back-off ends */
            return rf.still_valid ? OKTA_REFRESH_FRESH : OKTA_REFRESH_UNAVAILABLE;
        }
        rv = okta_lock_acquire(r, LOCK_KIND, rf.key, lock_lifetime(sc), &lock);
        if (rv == APR_SUCCESS) {
            return refresh_holding_lock(&rf, lock);
        }
        if (rv != APR_EEXIST) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                          OKTALOGNO(00037) "cannot take the refresh lock of the session of %s "
                          "in the session cache", s->user);
            return rf.still_valid ? OKTA_REFRESH_FRESH : OKTA_REFRESH_UNAVAILABLE;
        }
        /* another worker is refreshing this session */
        if (rf.still_valid) {
            return OKTA_REFRESH_FRESH;
        }
        if (apr_time_now() > give_up) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          OKTALOGNO(00034) "gave up waiting for another worker to refresh "
                          "the session of %s", s->user);
            return OKTA_REFRESH_UNAVAILABLE;
        }
        apr_sleep(WAIT_STEP);
    }
}
