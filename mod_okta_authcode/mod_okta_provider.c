/* SPDX-License-Identifier: Apache-2.0 */
/* Talking to the provider: discovery and JWKS (fetched on first need and
 * kept per process), token endpoint and userinfo requests. */
#include <apr_strings.h>
#include <http_protocol.h>

#include "mod_okta_provider.h"
#include "mod_okta_response.h"
#include "okta_claims.h"
#include "okta_http.h"
#include "okta_util.h"

/* A token naming an unknown kid makes us refetch the JWKS, but not more
 * often than this: a flood of forged tokens must not become a flood of
 * requests to the provider. */
#define OKTA_JWKS_MIN_REFETCH apr_time_from_sec(10)
/* A failed discovery is remembered this long: meanwhile requests that need
 * the provider get 502 at once instead of each waiting for a timeout, and
 * the provider is not hammered. */
#define DISCOVERY_BACKOFF apr_time_from_sec(5)
#define MAX_DOCUMENT_BYTES (256 * 1024)

okta_http_options_t okta_provider_http_options(const okta_server_conf_t *sc,
                                               apr_time_t deadline)
{
    okta_http_options_t opts;

    opts.ca_file = sc->ca_file;
    opts.timeout_ms = sc->http_timeout * 1000L;
    if (deadline) {
        long left_ms = (long)apr_time_as_msec(deadline - apr_time_now());
        opts.timeout_ms = left_ms < 1 ? 1 : left_ms < opts.timeout_ms ? left_ms : opts.timeout_ms;
    }
    opts.connect_timeout_ms = opts.timeout_ms < 5000 ? opts.timeout_ms : 5000;
    opts.max_body = MAX_DOCUMENT_BYTES;
    return opts;
}

/* The cache's pool, with an allocator of its own: each host's cache
 * allocates under its own mutex, at the same time as the others. */
static apr_status_t create_cache_pool(apr_pool_t **pool, apr_pool_t *p)
{
    apr_allocator_t *allocator;
    apr_thread_mutex_t *mutex;
    apr_status_t rv;

    if ((rv = apr_allocator_create(&allocator)) != APR_SUCCESS) {
        return rv;
    }
    if ((rv = apr_thread_mutex_create(&mutex, APR_THREAD_MUTEX_DEFAULT, p)) != APR_SUCCESS
        || (rv = apr_pool_create_ex(pool, p, NULL, allocator)) != APR_SUCCESS) {
        apr_allocator_destroy(allocator);
        return rv;
    }
    apr_allocator_mutex_set(allocator, mutex);
    apr_allocator_owner_set(allocator, *pool);
    return APR_SUCCESS;
}

apr_status_t okta_provider_child_init(apr_pool_t *p, server_rec *s)
{
    for (; s; s = s->next) {
        okta_server_conf_t *sc = ap_get_module_config(s->module_config, &okta_authcode_module);
        okta_provider_cache_t *cache;
        apr_status_t rv;

        if (!sc->issuer) {
            continue;
        }
        sc->provider = cache = apr_pcalloc(p, sizeof(*cache));
        if ((rv = create_cache_pool(&cache->pool, p)) != APR_SUCCESS
            || (rv = apr_thread_mutex_create(&cache->mutex, APR_THREAD_MUTEX_DEFAULT, p))
                   != APR_SUCCESS
            || (rv = apr_thread_cond_create(&cache->discovered, p)) != APR_SUCCESS
            || (rv = apr_thread_cond_create(&cache->keys_fetched, p)) != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                         OKTALOGNO(00056) "cannot create this process's provider cache (a "
                         "pool, mutex or condition)");
            return rv;
        }
    }
    return APR_SUCCESS;
}

/* GET a provider document; on failure logs with `tag` and returns NULL. */
static const char *fetch_document(request_rec *r, const char *url, const char *what)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    okta_http_options_t opts = okta_provider_http_options(sc, 0);
    okta_http_response_t resp;
    const char *why = NULL;
    apr_status_t rv = okta_http_get(&resp, r->pool, &opts, url, NULL, &why);

    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      OKTALOGNO(00011) "cannot fetch the provider's %s: %s (check OktaIssuer, "
                      "the network path to the provider and OktaCAFile)", what, why);
        return NULL;
    }
    if (resp.status != 200) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00012) "the provider answered HTTP %ld for its %s at %s (check "
                      "OktaIssuer: for Okta it is https://{okta-domain}/oauth2/{server-id})",
                      resp.status, what, url);
        return NULL;
    }
    return resp.body;
}

/* Parses a fetched discovery document into the process's cache pool (under
 * the cache's mutex); NULL, logged, if it is not usable. */
static const okta_provider_meta_t *keep_discovery(request_rec *r, okta_server_conf_t *sc,
                                                  const char *url, const char *doc)
{
    okta_provider_meta_t *meta;
    const char *why = NULL;
    apr_pool_t *mp;

    apr_pool_create(&mp, sc->provider->pool);
    meta = apr_palloc(mp, sizeof(*meta));
    switch (okta_provider_meta_parse(meta, mp, doc, strlen(doc), sc->issuer, &why)) {
    case OKTA_META_OK:
        return meta;
    case OKTA_META_ISSUER_MISMATCH:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00013) "%s: OktaIssuer must be the provider's issuer exactly; "
                      "in Okta set the authorization server's Issuer to 'Okta URL', not "
                      "'Dynamic'", why);
        break;
    default:
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00014) "unusable discovery document at %s: %s", url, why);
    }
    apr_pool_destroy(mp);
    return NULL;
}

/* One thread of the process fetches, outside the mutex; the others wait
 * for its outcome (a timeout at most), and after a failure nobody fetches
 * again until the back-off is over.  Called and returns with the mutex. */
static void discover(request_rec *r, okta_server_conf_t *sc)
{
    okta_provider_cache_t *cache = sc->provider;
    apr_time_t give_up = apr_time_now() + apr_time_from_sec(sc->http_timeout + 1);
    const char *url, *doc;

    while (!cache->meta && apr_time_now() >= cache->discovery_failed_until) {
        if (cache->discovering) {
            if (apr_time_now() >= give_up
                || apr_thread_cond_timedwait(cache->discovered, cache->mutex,
                                             give_up - apr_time_now()) == APR_TIMEUP) {
                return;
            }
            continue;
        }
        cache->discovering = 1;
        apr_thread_mutex_unlock(cache->mutex);
        url = okta_discovery_url(r->pool, sc->issuer);
        doc = fetch_document(r, url, "discovery document");
        apr_thread_mutex_lock(cache->mutex);
        cache->discovering = 0;
        if (!doc || !(cache->meta = keep_discovery(r, sc, url, doc))) {
            cache->discovery_failed_until = apr_time_now() + DISCOVERY_BACKOFF;
        }
        apr_thread_cond_broadcast(cache->discovered);
    }
}

const okta_provider_meta_t *okta_provider_meta(request_rec *r, int *status)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    okta_provider_cache_t *cache = sc->provider;
    const okta_provider_meta_t *meta;

    apr_thread_mutex_lock(cache->mutex);
    if (!cache->meta) {
        discover(r, sc);
    }
    meta = cache->meta;
    apr_thread_mutex_unlock(cache->mutex);
    if (!meta) {
        *status = HTTP_BAD_GATEWAY;
        okta_error_page(r, *status, "Sign-in provider unavailable",
                        "The sign-in provider could not be reached or described itself in a "
                        "way this server cannot use. The server log says why.");
    }
    return meta;
}

/* One thread of the process fetches the JWKS, outside the mutex, as
 * discover() fetches discovery; the others wait for its outcome
 * (OktaHTTPTimeout at most).  Whatever the outcome, none starts another
 * fetch before OKTA_JWKS_MIN_REFETCH has passed: forged tokens naming
 * unknown keys, while the keys endpoint is slow or down, neither stall the
 * requests that need the provider nor flood it.  Called and returns with
 * the mutex. */
static void fetch_keys(request_rec *r, okta_provider_cache_t *cache, const char *jwks_uri)
{
    apr_time_t give_up = apr_time_now()
                         + apr_time_from_sec(okta_server_conf(r)->http_timeout + 1);
    const char *doc;

    if (cache->fetching_keys) {
        while (cache->fetching_keys && apr_time_now() < give_up
               && apr_thread_cond_timedwait(cache->keys_fetched, cache->mutex,
                                            give_up - apr_time_now()) != APR_TIMEUP) {
        }
        return;
    }
    cache->fetching_keys = 1;
    apr_thread_mutex_unlock(cache->mutex);
    doc = fetch_document(r, jwks_uri, "JWKS");
    apr_thread_mutex_lock(cache->mutex);
    cache->fetching_keys = 0;
    cache->next_keys_fetch = apr_time_now() + OKTA_JWKS_MIN_REFETCH;
    cache->keys_fetch_failed = doc == NULL;
    if (doc) {
        if (cache->jwks_pool) {
            apr_pool_clear(cache->jwks_pool);
        }
        else {
            apr_pool_create(&cache->jwks_pool, cache->pool);
        }
        cache->jwks_json = apr_pstrdup(cache->jwks_pool, doc);
        cache->jwks_fetched = apr_time_now();
    }
    apr_thread_cond_broadcast(cache->keys_fetched);
}

/* A copy of the cached JWKS text, fetched if we have none, or if `refetch`
 * and it is still the one the caller had (*fetched), when a fetch may
 * start (see fetch_keys); *fetch_failed: whether the last fetch failed. */
static const char *jwks_text(request_rec *r, const okta_provider_meta_t *meta, int refetch,
                             apr_time_t *fetched, int *fetch_failed)
{
    okta_provider_cache_t *cache = okta_server_conf(r)->provider;
    const char *copy = NULL;

    apr_thread_mutex_lock(cache->mutex);
    if ((!cache->jwks_json || (refetch && cache->jwks_fetched == *fetched))
        && (cache->fetching_keys || apr_time_now() >= cache->next_keys_fetch)) {
        fetch_keys(r, cache, meta->jwks_uri);
    }
    if (cache->jwks_json) {
        copy = apr_pstrdup(r->pool, cache->jwks_json);
        *fetched = cache->jwks_fetched;
    }
    *fetch_failed = cache->keys_fetch_failed;
    apr_thread_mutex_unlock(cache->mutex);
    return copy;
}

static int verify_signature(request_rec *r, const okta_provider_meta_t *meta,
                            const okta_jwt_t *jwt, const char **why)
{
    apr_time_t fetched = 0;
    int attempt, fetch_failed = 0, have_keys = 0, result = OKTA_JWT_KEY_UNKNOWN;

    *why = "the provider's JWKS could not be fetched";
    for (attempt = 0; attempt < 2 && result == OKTA_JWT_KEY_UNKNOWN; attempt++) {
        const char *text = jwks_text(r, meta, attempt > 0, &fetched, &fetch_failed);
        okta_jwks_t *jwks;

        have_keys = text && okta_jwks_parse(&jwks, r->pool, text, strlen(text), why) == APR_SUCCESS;
        if (!have_keys) {
            break;
        }
        result = okta_jwt_verify(jwt, jwks, OKTA_ALGS_ALL, r->pool, why);
    }
    result = okta_jwt_key_verdict(result, have_keys, fetch_failed);
    if (result == OKTA_JWT_KEYS_UNAVAILABLE && have_keys) {
        *why = apr_pstrcat(r->pool, *why, ", and the JWKS could not be fetched again", NULL);
    }
    return result;
}

okta_jwt_result_t okta_provider_validate_id_token(request_rec *r,
                                                  const okta_provider_meta_t *meta,
                                                  const char *id_token, const char *nonce,
                                                  const char *access_token, okta_jwt_t **jwt,
                                                  const char **why)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    okta_id_token_expect_t expect;
    int result;

    if ((result = okta_jwt_parse(jwt, r->pool, id_token, why)) == OKTA_JWT_OK
        && (result = verify_signature(r, meta, *jwt, why)) != OKTA_JWT_OK) {
        if (result == OKTA_JWT_KEYS_UNAVAILABLE) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          OKTALOGNO(00061) "ID token signature not checked: %s", *why);
        }
        else {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          OKTALOGNO(00015) "ID token signature refused: %s", *why);
        }
        return result;
    }
    if (result == OKTA_JWT_OK) {
        expect.issuer = sc->issuer;
        expect.client_id = sc->client_id;
        expect.nonce = nonce;
        expect.access_token = access_token;
        expect.now = apr_time_sec(apr_time_now());
        expect.skew = sc->clock_skew;
        result = okta_id_token_check(*jwt, &expect, r->pool, why);
    }
    if (result != OKTA_JWT_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, OKTALOGNO(00022) "ID token refused: %s%s",
                      *why, okta_jwt_result_hint(result));
    }
    return result;
}

okta_access_token_expect_t okta_provider_access_token_expect(request_rec *r)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    okta_access_token_expect_t expect;

    expect.issuer = sc->issuer;
    expect.client_id = sc->client_id;
    expect.audiences = (const char *const *)sc->token_audiences->elts;
    expect.naudiences = sc->token_audiences->nelts;
    expect.now = apr_time_sec(r->request_time);
    expect.skew = sc->clock_skew;
    return expect;
}

okta_jwt_result_t okta_provider_validate_access_token(request_rec *r,
                                                      const okta_provider_meta_t *meta,
                                                      const char *token, okta_jwt_t **jwt,
                                                      const char **why)
{
    okta_access_token_expect_t expect = okta_provider_access_token_expect(r);
    int result;

    if ((result = okta_jwt_parse(jwt, r->pool, token, why)) != OKTA_JWT_OK
        || (result = verify_signature(r, meta, *jwt, why)) != OKTA_JWT_OK) {
        return result;
    }
    return okta_access_token_check(*jwt, &expect, r->pool, why);
}

/* POSTs `form` to `url` with the client's authentication
 * (OktaTokenEndpointAuth), as the token and introspection endpoints want. */
static apr_status_t post_as_client(request_rec *r, const okta_provider_meta_t *meta,
                                   const char *url, const char *form, apr_time_t deadline,
                                   okta_http_response_t *resp, const char **why)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    okta_http_options_t opts = okta_provider_http_options(sc, deadline);
    okta_client_auth_t method = okta_client_auth_in_use(sc, meta);
    const char *authorization;

    if (sc->client_auth == OKTA_CLIENT_AUTH_AUTO) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      OKTALOGNO(00052) "client authentication %s, as the provider's discovery "
                      "document offers (OktaTokenEndpointAuth is not set)",
                      method == OKTA_CLIENT_AUTH_BASIC ? "client_secret_basic"
                                                       : "client_secret_post");
    }
    authorization = okta_client_auth(r->pool, method == OKTA_CLIENT_AUTH_BASIC, sc->client_id,
                                     sc->client_secret, &form);
    return okta_http_post_form(resp, r->pool, &opts, url, form, authorization, why);
}

int okta_provider_token_call(request_rec *r, const okta_provider_meta_t *meta,
                             const char *form, apr_time_t deadline, okta_token_call_t *call)
{
    okta_http_response_t resp;
    const char *why = NULL;
    apr_status_t rv;

    memset(call, 0, sizeof(*call));
    rv = post_as_client(r, meta, meta->token_endpoint, form, deadline, &resp, &why);
    call->sent = resp.sent;
    if (rv != APR_SUCCESS) {
        call->timed_out = rv == APR_TIMEUP;
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      OKTALOGNO(00020) "token endpoint %s: %s",
                      resp.sent ? "did not answer" : "unreachable", why);
        return 0;
    }
    call->status = resp.status;
    if (okta_token_response_parse(&call->tr, r->pool, resp.body, resp.len, &why)
        != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00021) "token endpoint answered HTTP %ld: %s", resp.status, why);
        return 0;
    }
    call->answered = 1;
    return 1;
}

static okta_userinfo_result_t read_userinfo(request_rec *r, const okta_provider_meta_t *meta,
                                            const char *access_token, const char *sub,
                                            apr_time_t deadline, json_t **claims,
                                            const char **why)
{
    okta_http_options_t opts = okta_provider_http_options(okta_server_conf(r), deadline);
    okta_http_response_t resp;
    apr_status_t rv;

    rv = okta_http_get(&resp, r->pool, &opts, meta->userinfo_endpoint,
                       apr_pstrcat(r->pool, "Bearer ", access_token, NULL), why);
    if (rv != APR_SUCCESS) {
        *why = apr_pstrcat(r->pool, rv == APR_TIMEUP ? "it did not answer in time: " : "", *why,
                           NULL);
        return OKTA_USERINFO_UNANSWERED;
    }
    if (resp.status != 200) {
        *why = apr_psprintf(r->pool, "it answered HTTP %ld%s", resp.status,
                            resp.status == 401 || resp.status == 403
                                ? " (in Okta, the access token must come from the same "
                                  "authorization server as the userinfo endpoint, with the "
                                  "openid scope)"
                                : "");
        return OKTA_USERINFO_UNANSWERED;
    }
    return okta_userinfo_parse(claims, r->pool, resp.body, resp.len, sub, why);
}

okta_userinfo_result_t okta_provider_claims(request_rec *r, const okta_provider_meta_t *meta,
                                            const json_t *id_token_payload,
                                            const char *access_token, apr_time_t deadline,
                                            json_t **claims, const char **why)
{
    const char *sub = json_string_value(json_object_get(id_token_payload, "sub"));
    json_t *userinfo = NULL;
    okta_userinfo_result_t result;

    if (okta_server_conf(r)->userinfo && meta->userinfo_endpoint && sub
        && (result = read_userinfo(r, meta, access_token, sub, deadline, &userinfo, why))
               != OKTA_USERINFO_OK) {
        return result;
    }
    if (!(*claims = okta_claims_merge(r->pool, id_token_payload, userinfo))) {
        *why = "out of memory";
        return OKTA_USERINFO_MALFORMED;
    }
    return OKTA_USERINFO_OK;
}

okta_jwt_result_t okta_provider_introspect(request_rec *r, const okta_provider_meta_t *meta,
                                           const char *token, json_t **claims,
                                           const char **why)
{
    okta_access_token_expect_t expect = okta_provider_access_token_expect(r);
    okta_http_response_t resp;
    const char *form = "";
    okta_jwt_result_t result;

    if (!meta->introspection_endpoint) {
        *why = "the provider advertises no introspection_endpoint";
        return -1;
    }
    okta_form_add(r->pool, &form, "token", token);
    okta_form_add(r->pool, &form, "token_type_hint", "access_token");
    if (post_as_client(r, meta, meta->introspection_endpoint, form, 0, &resp, why)
        != APR_SUCCESS) {
        return -1;
    }
    if (resp.status != 200) {
        *why = apr_psprintf(r->pool, "the introspection endpoint answered HTTP %ld%s",
                            resp.status,
                            resp.status == 401 ? " (check OktaClientID, OktaClientSecret and "
                                                 "OktaTokenEndpointAuth)" : "");
        return -1;
    }
    /* what is no answer at all (a proxy's page) says nothing of the token */
    result = okta_introspection_parse(claims, r->pool, resp.body, resp.len, &expect, why);
    return result == OKTA_JWT_MALFORMED ? -1 : (int)result;
}
