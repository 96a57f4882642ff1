/* SPDX-License-Identifier: Apache-2.0 */
/* APIs: requests authenticated by a bearer access token (RFC 6750).
 *
 * A JWT access token (what Okta's custom authorization servers issue) is
 * checked here, against the provider's JWKS and OktaIssuer,
 * OktaAccessTokenAudience, OktaClockSkew and OktaAccessTokenClients.  What
 * it says is kept as a session would be (okta_session_t: user, claims,
 * facts), so that the application and the Require lines see a token's
 * claims as they see a session's.  A verified token is remembered by this
 * process until it expires (with OktaTokenIntrospection All, for
 * OktaIntrospectionCacheSeconds at most): the next request with it costs
 * a digest and a copy, no JSON and no signature.
 *
 * A token that is not a JWT (an opaque one, as Okta's org authorization
 * server issues) is asked about at the provider's introspection endpoint
 * with OktaTokenIntrospection On (RFC 7662).  With All, a JWT that
 * verifies here is asked about too, so that one revoked at the provider
 * is refused before it expires.  What the provider says is remembered for
 * OktaIntrospectionCacheSeconds at most: in the session cache, which every
 * process and node shares, when it said the token is active (accepted
 * here or not); a refusal in this process too, where alone a made-up
 * token's is kept.  A process asks about one token once at a time, and
 * makes INTROSPECTION_FLIGHTS calls at most at once (503 beyond): a flood
 * of made-up tokens costs the provider a bounded number of calls.
 *
 * Refusals follow RFC 6750: 401 with WWW-Authenticate: Bearer and an
 * error (none when there was no token), 403 for a missing scope, each
 * with a JSON body.  Never a redirect: a script cannot follow a sign-in. */
#include <apr_strings.h>
#include <http_protocol.h>
#include <jansson.h>

#include "mod_okta_bearer.h"
#include "mod_okta_provider.h"
#include "mod_okta_response.h"
#include "mod_okta_store.h"
#include "okta_claims.h"
#include "okta_crypto.h"
#include "okta_flights.h"
#include "okta_token_memo.h"
#include "okta_util.h"

#define INTROSPECTION_KIND "introspection"
/* Introspection calls in the air at once in a process, and requests
 * waiting for one about their token (see okta_flights.h) */
#define INTROSPECTION_FLIGHTS 8
#define INTROSPECTION_WAITING 16
/* verify()'s outcomes besides okta_jwt_result_t's */
#define PROVIDER_UNAVAILABLE -1
#define CALLS_AT_LIMIT -2

apr_status_t okta_bearer_child_init(apr_pool_t *p, server_rec *s)
{
    /* the process's: the cap on its calls holds whichever host makes them */
    okta_flights_t *flights = okta_flights_create(p, INTROSPECTION_FLIGHTS, INTROSPECTION_WAITING);

    for (; s; s = s->next) {
        okta_server_conf_t *sc = ap_get_module_config(s->module_config, &okta_authcode_module);

        if (!sc->issuer) {
            continue;
        }
        sc->introspection_flights = flights;
        if (!flights || !(sc->token_memo = okta_token_memo_create(p))
            || !(sc->refused_tokens = okta_token_memo_create(p))) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                         OKTALOGNO(00057) "cannot create this process's memos of bearer tokens "
                         "(their mutexes)");
            return APR_ENOMEM;
        }
    }
    return APR_SUCCESS;
}

const char *okta_bearer_token(request_rec *r)
{
    const char *auth = apr_table_get(r->headers_in, "Authorization");

    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) {
        return NULL;
    }
    for (auth += 7; *auth == ' '; auth++) {
    }
    return *auth ? auth : NULL;
}

/* realm="ServerName", and RFC 6750's attributes when there are any. */
static void set_challenge(request_rec *r, const char *attributes)
{
    apr_table_setn(r->err_headers_out, "WWW-Authenticate",
                   apr_psprintf(r->pool, "Bearer realm=\"%s\"%s%s",
                                ap_escape_quotes(r->pool, r->server->server_hostname),
                                attributes ? ", " : "", attributes ? attributes : ""));
}

/* The JSON body of an RFC 6750 answer; `error` NULL for none. */
static int answer(request_rec *r, int status, const char *error, const char *description,
                  const char *scope)
{
    json_t *body = json_object();
    char *text;
    const char *copy;

    if (error) {
        json_object_set_new(body, "error", json_string(error));
    }
    json_object_set_new(body, "error_description", json_string(description));
    if (scope) {
        json_object_set_new(body, "scope", json_string(scope));
    }
    text = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    copy = apr_pstrcat(r->pool, text ? text : "{}", "\n", NULL);
    free(text);
    return okta_error_json(r, status, copy);
}

int okta_bearer_required(request_rec *r)
{
    set_challenge(r, NULL);
    return answer(r, HTTP_UNAUTHORIZED, NULL, "This resource needs a bearer access token.",
                  NULL);
}

void okta_bearer_refused(request_rec *r, int status, const char *scopes, const char *required)
{
    if (scopes) {
        set_challenge(r, apr_psprintf(r->pool, "error=\"insufficient_scope\", scope=\"%s\"",
                                      ap_escape_quotes(r->pool, scopes)));
        answer(r, status, "insufficient_scope",
               "The access token lacks a scope this resource needs.", scopes);
        return;
    }
    answer(r, status, "access_denied",
           required ? apr_pstrcat(r->pool, "This resource requires ", required, ".", NULL)
                    : "The access token does not give access to this resource.",
           NULL);
}

/* What the client is told: which check failed, nothing more. */
static const char *description_of(okta_jwt_result_t result)
{
    switch (result) {
    case OKTA_JWT_EXPIRED:
        return "The access token expired.";
    case OKTA_JWT_NOT_YET_VALID:
        return "The access token is not yet valid.";
    case OKTA_JWT_BAD_AUDIENCE:
        return "The access token's audience is not accepted here.";
    case OKTA_JWT_BAD_ISSUER:
        return "The access token's issuer is not accepted here.";
    case OKTA_JWT_BAD_CLIENT:
        return "The access token's client is not accepted here.";
    case OKTA_JWT_ALG_REFUSED:
        return "The access token's signing algorithm is not accepted.";
    case OKTA_JWT_KEY_UNKNOWN:
    case OKTA_JWT_BAD_SIGNATURE:
        return "The access token's signature does not verify.";
    case OKTA_JWT_NOT_ACCESS_TOKEN:
        return "The token is not an access token.";
    case OKTA_JWT_NO_SUBJECT:
        return "The access token does not name a user.";
    case OKTA_JWT_INACTIVE:
        return "The access token is inactive (revoked or expired).";
    default:
        return "The access token is malformed.";
    }
}

/* An expired token is business as usual (the client gets a new one); the
 * rest are mistakes or forgeries. */
static int invalid_token(request_rec *r, okta_jwt_result_t result, const char *why)
{
    const char *description = description_of(result);

    ap_log_rerror(APLOG_MARK, result == OKTA_JWT_EXPIRED ? APLOG_INFO : APLOG_WARNING, 0, r,
                  OKTALOGNO(00050) "bearer token refused: %s", why);
    set_challenge(r, apr_psprintf(r->pool,
                                  "error=\"invalid_token\", error_description=\"%s\"",
                                  description));
    return answer(r, HTTP_UNAUTHORIZED, "invalid_token", description, NULL);
}

/* As many introspection calls as a process makes at once are in the air:
 * a flood of unknown tokens, or a slow provider. */
static int calls_at_limit(request_rec *r)
{
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  OKTALOGNO(00058) "bearer token not checked: %d introspection calls are in "
                  "the air in this process already, or %d requests wait for one (503)",
                  INTROSPECTION_FLIGHTS, INTROSPECTION_WAITING);
    apr_table_setn(r->err_headers_out, "Retry-After", "1");
    return answer(r, HTTP_SERVICE_UNAVAILABLE, "temporarily_unavailable",
                  "The server cannot check access tokens right now.", NULL);
}

/* The provider's metadata, keys or introspection cannot be had now: the
 * token is neither good nor bad, and the client should come back with it. */
static int provider_unavailable(request_rec *r, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  OKTALOGNO(00062) "bearer token not checked now (503): %s", why);
    apr_table_setn(r->err_headers_out, "Retry-After", "5");
    return answer(r, HTTP_SERVICE_UNAVAILABLE, "temporarily_unavailable",
                  "The server cannot check access tokens right now.", NULL);
}

/* What a verified JWT says, as a session would hold it. */
static int token_session(request_rec *r, const char *token, const json_t *payload,
                         okta_session_t *s, const char **why)
{
    okta_server_conf_t *sc = okta_server_conf(r);

    memset(s, 0, sizeof(*s));
    switch (okta_remote_user(r->pool, payload, sc->remote_user_claim, &s->user)) {
    case OKTA_USER_OK:
        break;
    case OKTA_USER_NO_CLAIM:
        *why = apr_psprintf(r->pool, "the access token has no claim \"%s\" for REMOTE_USER "
                            "(OktaRemoteUserClaim)", sc->remote_user_claim);
        return OKTA_JWT_NO_SUBJECT;
    case OKTA_USER_CONTROL_CHARACTER:
        *why = apr_psprintf(r->pool, "the access token's claim \"%s\" for REMOTE_USER has a "
                            "control character", sc->remote_user_claim);
        return OKTA_JWT_NO_SUBJECT;
    }
    s->issuer = sc->issuer;
    s->client_id = sc->client_id;
    s->id_token = s->refresh_token = "";
    s->access_token = token;
    /* 0 when an introspection answer does not say */
    s->access_expires = (apr_int64_t)json_number_value(json_object_get(payload, "exp"));
    if (okta_claims_set(s, r->pool, payload, NULL) != APR_SUCCESS) {
        *why = "out of memory";
        return OKTA_JWT_MALFORMED;
    }
    return OKTA_JWT_OK;
}

/* Remembers what a verified token says: in this process until `until`,
 * and for an introspected one in the session cache under `cache_id` too,
 * so that every process and node shares the provider's answer. */
static void remember(request_rec *r, const char *token, const okta_session_t *s,
                     apr_int64_t until, const char *cache_id)
{
    unsigned char *record;
    apr_size_t len;

    if (okta_session_encode(&record, &len, r->pool, s) != APR_SUCCESS) {
        return;
    }
    if (cache_id) {
        okta_store_put(r, INTROSPECTION_KIND, cache_id, record, len, apr_time_from_sec(until));
    }
    okta_token_memo_remember(okta_server_conf(r)->token_memo, token, until, record, len);
}

static int is_jwt(const char *token)
{
    const char *dot = strchr(token, '.');

    return dot && (dot = strchr(dot + 1, '.')) && !strchr(dot + 1, '.');
}

/* The name of the provider's verdict on a token in the session cache,
 * which every virtual host shares: of the token for this host's issuer
 * and audiences, so that hosts with one passphrase but other audiences or
 * issuers keep verdicts apart (okta_facts_for_host checks it besides). */
static const char *verdict_id(request_rec *r, const char *token)
{
    okta_server_conf_t *sc = okta_server_conf(r);

    return okta_secret_digest(r->pool,
                              apr_pstrcat(r->pool, sc->issuer, "\n",
                                          apr_array_pstrcat(r->pool, sc->token_audiences, '\n'),
                                          "\n", token, NULL));
}

/* A token this process accepted (and when it has not expired): its
 * session in *s. */
static int accepted_before(request_rec *r, const char *token, okta_session_t *s)
{
    unsigned char *record;
    apr_size_t len;

    return okta_token_memo_recall(okta_server_conf(r)->token_memo, token,
                                  apr_time_sec(r->request_time), r->pool, &record, &len)
           && okta_session_decode(s, r->pool, record, len) == APR_SUCCESS;
}

/* What the provider's answers made of a token, remembered: OKTA_JWT_OK
 * with *s (the session cache: an accepted token); a refusal (this
 * process's memo of refused tokens, or the session cache: an active token
 * refused here); -1 when nothing is remembered. */
static int remembered_verdict(request_rec *r, const char *token, const char *id,
                              okta_session_t *s, const char **why)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    unsigned char *data;
    apr_size_t len;
    int result;

    if (!okta_token_memo_recall(sc->refused_tokens, token, apr_time_sec(r->request_time),
                                r->pool, &data, &len)
        && okta_store_get(r, INTROSPECTION_KIND, id, &data, &len) != APR_SUCCESS) {
        return -1;
    }
    if ((result = okta_refusal_of_record(data, len)) >= 0) {
        *why = apr_pstrcat(r->pool, description_of(result), " (the provider's answer, "
                           "remembered)", NULL);
        return result;
    }
    return okta_session_decode(s, r->pool, data, len) == APR_SUCCESS ? OKTA_JWT_OK : -1;
}

/* Remembers a refusal on the provider's word until `until`: in this
 * process, and in the session cache too when okta_refusal_is_shared. */
static void remember_refusal(request_rec *r, const char *token, const char *id, int result,
                             apr_int64_t until)
{
    const char *record = okta_refusal_record(r->pool, result);
    apr_size_t len = strlen(record);

    okta_token_memo_remember(okta_server_conf(r)->refused_tokens, token, until,
                             (const unsigned char *)record, len);
    if (okta_refusal_is_shared(result)) {
        okta_store_put(r, INTROSPECTION_KIND, id, (const unsigned char *)record, len,
                       apr_time_from_sec(until));
    }
}

/* An introspection answer about a JWT names its sub, if it names one. */
static int same_subject(request_rec *r, const json_t *payload, const json_t *answer)
{
    const char *answered = okta_claim_string(r->pool, answer, "sub");
    const char *own = okta_claim_string(r->pool, payload, "sub");

    return !answered || (own && strcmp(own, answered) == 0);
}

/* Asks the provider about a token nothing is remembered of, and remembers
 * the answer: accepted, in this process and the session cache (until the
 * token's exp, OktaIntrospectionCacheSeconds at most); refused, see
 * remember_refusal.  PROVIDER_UNAVAILABLE when it cannot be asked now. */
static int ask_provider(request_rec *r, const okta_provider_meta_t *meta, const char *token,
                        const char *id, const json_t *payload, okta_session_t *s,
                        const char **why)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    apr_int64_t until = apr_time_sec(r->request_time) + sc->introspection_cache;
    json_t *claims;
    int result;

    if ((result = okta_provider_introspect(r, meta, token, &claims, why)) < 0) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00051) "cannot introspect a bearer token: %s", *why);
        return PROVIDER_UNAVAILABLE;
    }
    if (result == OKTA_JWT_OK && payload && !same_subject(r, payload, claims)) {
        *why = "the introspection answer is about another subject than the token";
        result = OKTA_JWT_MALFORMED;
    }
    if (result == OKTA_JWT_OK) {
        result = token_session(r, token, payload ? payload : claims, s, why);
    }
    if (result != OKTA_JWT_OK) {
        remember_refusal(r, token, id, result, until);
        return result;
    }
    remember(r, token, s, s->access_expires && s->access_expires < until ? s->access_expires
                                                                          : until,
             id);
    return OKTA_JWT_OK;
}

/* A token as the provider's introspection endpoint judges it: an opaque
 * one, which the answer describes, or (OktaTokenIntrospection All) a JWT
 * that verified here, which `payload` describes, asked about so that a
 * revoked one is refused before it expires.  What was remembered of it
 * first; else one call about it at a time in the process (the others
 * wait for its outcome), and a bounded number at once (CALLS_AT_LIMIT
 * beyond). */
static int introspected(request_rec *r, const okta_provider_meta_t *meta, const char *token,
                        const json_t *payload, okta_session_t *s, const char **why)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    const char *id = verdict_id(r, token);
    int result;

    if ((result = remembered_verdict(r, token, id, s, why)) >= 0) {
        return result;
    }
    switch (okta_flight_board(sc->introspection_flights, id,
                              apr_time_from_sec(sc->http_timeout + 1))) {
    case OKTA_FLIGHT_LEAD:
        result = ask_provider(r, meta, token, id, payload, s, why);
        okta_flight_land(sc->introspection_flights, id);
        return result;
    case OKTA_FLIGHT_LANDED:
        /* the lead's verdict, wherever it could keep it; none: its call failed */
        if (accepted_before(r, token, s)) {
            return OKTA_JWT_OK;
        }
        result = remembered_verdict(r, token, id, s, why);
        *why = result < 0 ? "another request's introspection of the token failed" : *why;
        return result < 0 ? PROVIDER_UNAVAILABLE : result;
    case OKTA_FLIGHT_FULL:
        return CALLS_AT_LIMIT;
    default:
        *why = "another request's introspection of the token did not end in time";
        return PROVIDER_UNAVAILABLE;
    }
}

/* Verifies a JWT the memo did not know, and remembers it until it
 * expires; or has an opaque one introspected, and with
 * OktaTokenIntrospection All a JWT that verified too.  -1 when the
 * provider cannot be asked now. */
static int verify(request_rec *r, const char *token, okta_session_t *s, const char **why)
{
    int introspection = okta_server_conf(r)->introspection;
    const okta_provider_meta_t *meta;
    okta_jwt_t *jwt;
    int result, status;

    if (!okta_is_b64token(token)) {
        *why = "the token has characters no bearer token has (RFC 6750 b64token)";
        return OKTA_JWT_MALFORMED;
    }
    if (!is_jwt(token) && introspection == OKTA_INTROSPECT_OFF) {
        *why = "the token is not a JWT (an opaque token needs OktaTokenIntrospection On)";
        return OKTA_JWT_MALFORMED;
    }
    if (!(meta = okta_provider_meta(r, &status))) {
        *why = "the provider's discovery document cannot be had (the log says why)";
        return PROVIDER_UNAVAILABLE;
    }
    if (!is_jwt(token)) {
        return introspected(r, meta, token, NULL, s, why);
    }
    if ((result = okta_provider_validate_access_token(r, meta, token, &jwt, why)) != OKTA_JWT_OK) {
        return result == OKTA_JWT_KEYS_UNAVAILABLE ? PROVIDER_UNAVAILABLE : result;
    }
    if (introspection == OKTA_INTROSPECT_ALL) {
        return introspected(r, meta, token, jwt->payload, s, why);
    }
    if ((result = token_session(r, token, jwt->payload, s, why)) != OKTA_JWT_OK) {
        return result;
    }
    remember(r, token, s, s->access_expires, NULL);
    return OKTA_JWT_OK;
}

/* OktaAccessTokenClients (see okta_facts_client_is). */
static int client_allowed(request_rec *r, const okta_session_t *s)
{
    apr_array_header_t *clients = okta_dir_conf(r)->token_clients;

    return !clients || okta_facts_client_is(s->facts, s->nfacts,
                                            (const char *const *)clients->elts, clients->nelts);
}

/* What was remembered of a token (by this process, another, or another
 * host with the same passphrase) holds here only for this host's issuer
 * and audiences. */
static int for_this_host(request_rec *r, const okta_session_t *s, const char **why)
{
    okta_access_token_expect_t expect = okta_provider_access_token_expect(r);
    int result = okta_facts_for_host(s->facts, s->nfacts, &expect);

    if (result != OKTA_JWT_OK) {
        *why = result == OKTA_JWT_BAD_ISSUER
                   ? "the access token's issuer is not OktaIssuer"
                   : "the access token's audience is none of OktaAccessTokenAudience";
    }
    return result;
}

int okta_bearer_authenticate(request_rec *r, const char *token, okta_session_ref_t **out)
{
    okta_session_ref_t *ref = apr_pcalloc(r->pool, sizeof(*ref));
    const char *why = NULL;
    int result;

    if (accepted_before(r, token, &ref->session)) {
        result = OKTA_JWT_OK;
    }
    else if ((result = verify(r, token, &ref->session, &why)) < 0) {
        return result == CALLS_AT_LIMIT ? calls_at_limit(r) : provider_unavailable(r, why);
    }
    if (result == OKTA_JWT_OK
        && (result = for_this_host(r, &ref->session, &why)) == OKTA_JWT_OK
        && !client_allowed(r, &ref->session)) {
        result = OKTA_JWT_BAD_CLIENT;
        why = "the access token's client (cid, client_id) is none of OktaAccessTokenClients";
    }
    if (result != OKTA_JWT_OK) {
        return invalid_token(r, result, why);
    }
    *out = ref;
    return OK;
}
