/* SPDX-License-Identifier: Apache-2.0 */
/* Signing in: the redirect to the provider's authorization endpoint, and
 * the callback that exchanges the code and creates the session.
 *
 * What the callback needs (state, nonce, PKCE verifier, where to go back)
 * is sealed into the browser's login cookie (okta_pending.h): starting a
 * sign-in writes nothing on the server, and the cookie is what binds a
 * callback to the browser that started it.  It keeps the newest
 * OKTA_PENDING_MAX sign-ins, so parallel tabs each complete and cookies
 * cannot pile up. */
#include <apr_atomic.h>
#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>

#include "mod_okta_login.h"
#include "mod_okta_provider.h"
#include "mod_okta_response.h"
#include "mod_okta_session.h"
#include "mod_okta_store.h"
#include "okta_claims.h"
#include "okta_pending.h"
#include "okta_signin.h"
#include "okta_util.h"

#define STATE_BYTES 16 /* 22 base64url characters */
#define NONCE_BYTES 16
#define VERIFIER_BYTES 32 /* 43 characters, RFC 7636's minimum */
#define SESSION_ID_BYTES 32
/* A completed sign-in's state, remembered while its cookie item could
 * still be replayed, so that a replay of the callback (its URL and the
 * cookies from before it) never reaches the provider: a code presented
 * twice makes a provider revoke what it issued for it (RFC 6749 4.1.2).
 * Written only once the provider has signed the user in, so anonymous
 * requests cannot fill the cache with these. */
#define COMPLETED_KIND "login-completed"
/* A longer URL to go back to is not worth a pending sign-in's room in the
 * login cookie: the user comes back to / instead. */
#define RETURN_TO_MAX 1024

static const char *redirect_uri(request_rec *r, int silent)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    const char *uri = silent ? sc->silent_redirect_uri : sc->redirect_uri;

    return uri[0] == '/' ? okta_public_url(r, uri) : uri;
}

/* The items of the browser's login cookie (okta_pending.h). */
static apr_array_header_t *pending_items(request_rec *r)
{
    const char *header = okta_request_cookies(r);
    const char *value = "";
    apr_size_t len = 0;

    if (header) {
        okta_cookie_find(header, okta_site_cookie_name(r, okta_server_conf(r)->login_cookie),
                         &value, &len);
    }
    return okta_pending_items(r->pool, value, len);
}

static void set_pending_items(request_rec *r, const apr_array_header_t *items)
{
    const char *value = okta_pending_value(r->pool, items);

    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   okta_cookie(r, okta_server_conf(r)->login_cookie, value,
                               *value ? okta_server_conf(r)->login_timeout : 0));
}

int okta_login_start(request_rec *r, const char *return_to, int silent)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    const okta_provider_meta_t *meta;
    okta_login_t login;
    okta_signin_client_t client;
    apr_array_header_t *items;
    const char *item;
    int status;

    if (!(meta = okta_provider_meta(r, &status))) {
        return status;
    }
    login.created = apr_time_sec(r->request_time);
    login.silent = silent && *sc->silent_redirect_uri;
    login.state = okta_random_id(r->pool, STATE_BYTES);
    login.nonce = okta_random_id(r->pool, NONCE_BYTES);
    login.code_verifier = okta_random_id(r->pool, VERIFIER_BYTES);
    login.return_to = okta_is_local_path(return_to) && strlen(return_to) <= RETURN_TO_MAX
                          ? return_to
                          : "/";
    if (!login.state || !login.nonce || !login.code_verifier
        || !(item = okta_pending_seal(r->pool, sc->keys, &login))) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00016) "cannot start a sign-in: no randomness or no cipher");
        return okta_error_page(r, HTTP_SERVICE_UNAVAILABLE, "Sign-in unavailable",
                               "The server cannot start a sign-in right now. Try again later.");
    }
    items = pending_items(r);
    APR_ARRAY_PUSH(items, const char *) = item;
    set_pending_items(r, items);

    client.client_id = sc->client_id;
    client.redirect_uri = redirect_uri(r, (int)login.silent);
    client.scope = sc->scope;
    apr_table_setn(r->err_headers_out, "Location",
                   okta_authorization_url(r->pool, meta->authorization_endpoint, &client, &login));
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                  OKTALOGNO(00017) "no session: sending the browser to sign in%s at %s",
                  login.silent ? " silently (prompt=none)" : "", meta->authorization_endpoint);
    return HTTP_MOVED_TEMPORARILY;
}

/* ---- the callback ------------------------------------------------------ */

static int provider_error(request_rec *r, const char *error, const char *description)
{
    okta_provider_error_t verdict = okta_provider_error(error);

    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                  OKTALOGNO(00018) "the provider refused the sign-in: %s (%s): %s", error,
                  description ? description : "no description", verdict.hint);
    return okta_error_page(r, verdict.status, "Sign-in refused",
                           apr_psprintf(r->pool, "The sign-in provider answered \"%s\"%s%s. "
                                        "To fix: %s.", error, description ? ": " : "",
                                        description ? description : "", verdict.hint));
}

static int bad_callback(request_rec *r, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, OKTALOGNO(00019) "sign-in callback refused: %s",
                  why);
    return okta_error_page(r, HTTP_BAD_REQUEST, "Sign-in failed",
                           apr_pstrcat(r->pool, why, ". Go back to the page you wanted and "
                                       "sign in again.", NULL));
}

/* The token endpoint's answer to a code exchange, or the error page. */
static int exchange_code(request_rec *r, const okta_provider_meta_t *meta, const char *form,
                         okta_token_call_t *call)
{
    if (!okta_provider_token_call(r, meta, form, 0, call)) {
        return okta_error_page(r, call->timed_out ? HTTP_GATEWAY_TIME_OUT : HTTP_BAD_GATEWAY,
                               "Sign-in provider unavailable",
                               "The sign-in provider did not answer. Try again later.");
    }
    if (call->tr.error) {
        return provider_error(r, call->tr.error, call->tr.error_description);
    }
    return OK;
}

static int validate_id_token(request_rec *r, const okta_provider_meta_t *meta,
                             const okta_token_response_t *tr, const okta_login_t *login,
                             okta_jwt_t **jwt)
{
    const char *why = NULL;
    int result;

    if (!tr->id_token) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00023) "the token response has no id_token: OktaScope must "
                      "include openid");
        return okta_error_page(r, HTTP_BAD_GATEWAY, "Sign-in failed",
                               "The sign-in provider sent no identity token: OktaScope must "
                               "include openid.");
    }
    result = okta_provider_validate_id_token(r, meta, tr->id_token, login->nonce,
                                             tr->access_token, jwt, &why);
    if (result == OKTA_JWT_OK) {
        return OK;
    }
    return okta_error_page(r, result == OKTA_JWT_BAD_NONCE ? HTTP_BAD_REQUEST : HTTP_BAD_GATEWAY,
                           "Sign-in failed",
                           apr_pstrcat(r->pool, "The identity token from the sign-in provider "
                                       "was refused: ", why, okta_jwt_result_hint(result), ".",
                                       NULL));
}

static void remember_completed(request_rec *r, const okta_login_t *login)
{
    static const unsigned char mark = 1;
    apr_time_t until = apr_time_from_sec(login->created + okta_server_conf(r)->login_timeout + 1);

    okta_store_put(r, COMPLETED_KIND, login->state, &mark, sizeof(mark), until);
}

static int completed_before(request_rec *r, const char *state)
{
    unsigned char *data;
    apr_size_t len;

    return okta_store_get(r, COMPLETED_KIND, state, &data, &len) == APR_SUCCESS;
}

/* The ID token's claims and userinfo's (OpenID Connect Core 5.3), or the
 * error page: a sign-in whose claims cannot be had would let the user in
 * without the groups the access rules look for. */
static int sign_in_claims(request_rec *r, const okta_provider_meta_t *meta,
                          const okta_token_response_t *tr, const okta_jwt_t *jwt,
                          json_t **claims)
{
    const char *why = NULL;

    switch (okta_provider_claims(r, meta, jwt->payload, tr->access_token, 0, claims, &why)) {
    case OKTA_USERINFO_OK:
        return OK;
    case OKTA_USERINFO_OTHER_USER:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00048) "sign-in refused: the userinfo endpoint's answer must "
                      "not be used: %s", why);
        break;
    default:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00047) "sign-in refused: cannot read the claims from the "
                      "userinfo endpoint %s: %s (OktaUserInfo Off signs in with the ID "
                      "token's claims alone)", meta->userinfo_endpoint, why);
    }
    return okta_error_page(r, HTTP_BAD_GATEWAY, "Sign-in failed",
                           apr_pstrcat(r->pool, "The sign-in provider's userinfo endpoint "
                                       "failed: ", why, ".", NULL));
}

/* Once per process: every sign-in would say the same. */
static void warn_no_refresh_token(request_rec *r)
{
    static volatile apr_uint32_t warned;

    if (ap_strstr_c(okta_server_conf(r)->scope, "offline_access")
        && apr_atomic_cas32(&warned, 1, 0) == 0) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      OKTALOGNO(00053) "the provider sent no refresh token although OktaScope "
                      "asks for offline_access: sessions will end when their access token "
                      "expires. In Okta, allow offline_access in the authorization server's "
                      "Scopes and the Refresh Token grant in the app (App > General > Grant "
                      "type) and in the access policy rule");
    }
}

static int create_session(request_rec *r, const okta_token_response_t *tr,
                          const json_t *claims, const okta_login_t *login)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    apr_int64_t now = apr_time_sec(apr_time_now());
    okta_session_t session;
    const char *id, *withheld;

    /* the merged claims: Okta serves custom claims from userinfo only */
    switch (okta_remote_user(r->pool, claims, sc->remote_user_claim, &session.user)) {
    case OKTA_USER_OK:
        break;
    case OKTA_USER_NO_CLAIM:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00024) "neither the ID token nor the userinfo endpoint has a "
                      "claim \"%s\" for REMOTE_USER: add the scope that carries it to "
                      "OktaScope, or change OktaRemoteUserClaim", sc->remote_user_claim);
        return okta_error_page(r, HTTP_BAD_GATEWAY, "Sign-in failed",
                               apr_psprintf(r->pool, "The sign-in provider sent no \"%s\" claim.",
                                            sc->remote_user_claim));
    case OKTA_USER_CONTROL_CHARACTER:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00055) "the claim \"%s\" for REMOTE_USER has a control "
                      "character (CR, LF, TAB, ...): the user is not signed in; correct the "
                      "profile attribute in Okta, or choose another OktaRemoteUserClaim",
                      sc->remote_user_claim);
        return okta_error_page(r, HTTP_BAD_GATEWAY, "Sign-in failed",
                               "The sign-in provider sent a user name this server cannot use.");
    }
    session.created = session.last_seen = now;
    session.access_expires = tr->expires_in ? now + tr->expires_in : 0;
    session.refresh_sent_at = 0;
    session.issuer = sc->issuer;
    session.client_id = sc->client_id;
    session.id_token = tr->id_token;
    session.access_token = tr->access_token;
    session.refresh_token = tr->refresh_token ? tr->refresh_token : "";
    if (okta_claims_set(&session, r->pool, claims, &withheld) != APR_SUCCESS
        || !(id = okta_random_id(r->pool, SESSION_ID_BYTES))
        || okta_session_save(r, id, &session) != APR_SUCCESS) {
        return okta_error_page(r, HTTP_SERVICE_UNAVAILABLE, "Sign-in unavailable",
                               "The server cannot keep your session right now. Try again "
                               "later.");
    }
    apr_table_addn(r->err_headers_out, "Set-Cookie", okta_cookie(r, sc->session_cookie, id, -1));
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, OKTALOGNO(00025) "signed in: %s", session.user);
    if (withheld) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      OKTALOGNO(00042) "claims of %s withheld from OKTA_CLAIM_* and "
                      "X-Okta-Claim-*: they contain control characters (CR, LF, ...), or "
                      "their names make the same header or variable name: %s",
                      session.user, withheld);
    }
    if (!*session.refresh_token) {
        warn_no_refresh_token(r);
    }
    remember_completed(r, login);
    apr_table_setn(r->err_headers_out, "Location", login->return_to);
    /* it sets the session cookie: no cache may keep it */
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    return HTTP_MOVED_TEMPORARILY;
}

/* Takes the sign-in of `state` out of the browser's login cookie, so it can
 * never be used again (the cookie is rewritten without it, whatever comes
 * next). */
static okta_pending_found_t take_login(request_rec *r, const char *state, okta_login_t *login)
{
    apr_array_header_t *items = pending_items(r);
    apr_status_t rv = okta_pending_take(login, items, r->pool, okta_server_conf(r)->keys, state);

    if (rv == APR_NOTFOUND) {
        return OKTA_PENDING_ABSENT;
    }
    set_pending_items(r, items);
    return rv == APR_SUCCESS ? OKTA_PENDING_FOUND : OKTA_PENDING_DAMAGED;
}

/* The facts okta_callback_verdict weighs, read in their order as far as
 * those before allow; the sign-in found is in *login, the code in *code. */
static void gather_callback_facts(request_rec *r, int silent, okta_callback_facts_t *f,
                                  apr_table_t **params, okta_login_t *login, const char **code)
{
    const char *state;

    memset(f, 0, sizeof(*f));
    f->state = f->error = f->code = OKTA_PARAM_MISSING;
    f->pending = OKTA_PENDING_ABSENT;
    f->silent = silent;
    f->is_get = r->method_number == M_GET;
    f->query_parsed = f->is_get && okta_query_parse(params, r->pool, r->args) == APR_SUCCESS;
    if (!f->query_parsed
        || (f->state = okta_query_get_unique(*params, "state", &state)) != OKTA_PARAM_OK
        || (f->pending = take_login(r, state, login)) != OKTA_PENDING_FOUND) {
        return;
    }
    f->expired = login->created + okta_server_conf(r)->login_timeout
                 < apr_time_sec(apr_time_now());
    f->completed_before = !f->expired && completed_before(r, state);
    f->at_its_redirect_uri = login->silent == silent;
    f->error = okta_query_get_unique(*params, "error", &f->error_value);
    f->code = okta_query_get_unique(*params, "code", code);
}

int okta_login_callback(request_rec *r, int silent)
{
    const okta_provider_meta_t *meta;
    okta_token_call_t call;
    okta_login_t login;
    okta_jwt_t *jwt;
    json_t *claims;
    okta_callback_facts_t facts;
    apr_table_t *params = NULL;
    const char *code = NULL, *why, *form = "";
    int status;

    gather_callback_facts(r, silent, &facts, &params, &login, &code);
    switch (okta_callback_verdict(&facts, &why)) {
    case OKTA_CALLBACK_NOT_GET:
        return okta_error_page(r, HTTP_METHOD_NOT_ALLOWED, "Sign-in failed",
                               "The sign-in callback accepts only GET.");
    case OKTA_CALLBACK_REFUSED:
        return bad_callback(r, why);
    case OKTA_CALLBACK_SIGN_IN_NORMALLY:
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      OKTALOGNO(00030) "silent sign-in answered %s: signing in normally",
                      facts.error_value);
        return okta_login_start(r, login.return_to, 0);
    case OKTA_CALLBACK_PROVIDER_ERROR:
        return provider_error(r, facts.error_value, apr_table_get(params, "error_description"));
    case OKTA_CALLBACK_EXCHANGE_CODE:
        break;
    }
    if (!(meta = okta_provider_meta(r, &status))) {
        return status;
    }
    okta_form_add(r->pool, &form, "grant_type", "authorization_code");
    okta_form_add(r->pool, &form, "code", code);
    okta_form_add(r->pool, &form, "redirect_uri", redirect_uri(r, silent));
    okta_form_add(r->pool, &form, "code_verifier", login.code_verifier);
    if ((status = exchange_code(r, meta, form, &call)) != OK
        || (status = validate_id_token(r, meta, &call.tr, &login, &jwt)) != OK
        || (status = sign_in_claims(r, meta, &call.tr, jwt, &claims)) != OK) {
        return status;
    }
    return create_session(r, &call.tr, claims, &login);
}
