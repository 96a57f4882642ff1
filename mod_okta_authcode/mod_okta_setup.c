/* SPDX-License-Identifier: Apache-2.0 */
/* The setup checker: `apache2ctl -t -D OKTA_CHECK` asks the provider of
 * every server that uses the module what a sign-in would need, with the
 * configured credentials, and prints what is right and what to fix (the
 * verdicts are the core's, okta_setup.h).  It runs in the test_config hook,
 * so Apache's own parsing has found the settings, includes and virtual
 * hosts; without the define a configtest stays offline.  It makes no
 * change anywhere: the code it sends cannot exist, the authorization
 * request is not followed, and no secret is printed. */
#include <stdio.h>
#include <stdlib.h>
#include <apr_date.h>
#include <apr_strings.h>
#include <ap_listen.h>
#include <http_core.h>
#include <http_protocol.h>

#include "mod_okta_caches.h"
#include "mod_okta_setup.h"
#include "mod_okta_provider.h"
#include "okta_crypto.h"
#include "okta_setup.h"
#include "okta_util.h"

#define CHECK_DEFINE "OKTA_CHECK"
/* About what a session takes in the cache with Okta's tokens (ID token,
 * access token and claims, sealed): to say how many sessions fit. */
#define SESSION_BYTES 4096

typedef struct {
    apr_pool_t *p;
    server_rec *s;
    okta_server_conf_t *sc;
    okta_checks_t *checks;
    okta_http_options_t opts;
    okta_provider_meta_t meta;
} check_t;

/* ServerName's port, else the virtual host's address's, else (the main
 * server) the first Listen's. */
static apr_port_t server_port(const server_rec *s)
{
    if (s->port) {
        return s->port;
    }
    if (s->is_virtual && s->addrs && s->addrs->host_port) {
        return s->addrs->host_port;
    }
    return ap_listeners ? ap_listeners->bind_addr->port : 80;
}

/* The scheme, host and port browsers reach this server at. */
static const char *server_origin(apr_pool_t *p, const server_rec *s)
{
    apr_port_t port = server_port(s);
    const char *scheme = s->server_scheme ? s->server_scheme : port == 443 ? "https" : "http";
    int default_port = port == (strcmp(scheme, "https") == 0 ? 443 : 80);

    return apr_psprintf(p, "%s://%s%s", scheme, s->server_hostname,
                        default_port ? "" : apr_psprintf(p, ":%u", port));
}

static const char *absolute(const check_t *c, const char *uri)
{
    return uri[0] == '/' ? apr_pstrcat(c->p, server_origin(c->p, c->s), uri, NULL) : uri;
}

/* Discovery: the document, how long it took, and the provider's clock;
 * *method the client authentication the module will use with it, and
 * *usable whether the module would use the provider at all (its issuer
 * is OktaIssuer).  0 when there is nothing to check the provider's
 * settings against. */
static int check_discovery(check_t *c, okta_client_auth_t *method, int *usable)
{
    const char *url = okta_discovery_url(c->p, c->sc->issuer), *why = NULL;
    apr_time_t started = apr_time_now();
    okta_http_response_t resp;
    apr_status_t rv = okta_http_get(&resp, c->p, &c->opts, url, NULL, &why);
    okta_meta_result_t parsed;
    okta_setup_t setup;

    if (rv != APR_SUCCESS || resp.status != 200) {
        okta_check_add(c->checks, OKTA_CHECK_FAIL, "discovery",
                       rv != APR_SUCCESS ? why
                                         : apr_psprintf(c->p, "%s answered HTTP %ld", url,
                                                        resp.status),
                       "check OktaIssuer (for Okta https://{okta-domain}/oauth2/{server-id}), "
                       "the network path to the provider, and OktaCAFile for its TLS "
                       "certificate");
        return 0;
    }
    memset(&c->meta, 0, sizeof(c->meta));
    parsed = okta_provider_meta_parse(&c->meta, c->p, resp.body, resp.len, c->sc->issuer,
                                      &why);
    /* a wrong issuer is the issuer check's to judge */
    if (parsed != OKTA_META_OK && parsed != OKTA_META_ISSUER_MISMATCH) {
        okta_check_add(c->checks, OKTA_CHECK_FAIL, "discovery",
                       apr_psprintf(c->p, "%s: %s", url, why),
                       "check OktaIssuer: for Okta it is "
                       "https://{okta-domain}/oauth2/{server-id}");
        return 0;
    }
    *usable = parsed == OKTA_META_OK;
    okta_check_add(c->checks, OKTA_CHECK_OK, "discovery",
                   apr_psprintf(c->p, "%s answered in %" APR_TIME_T_FMT " ms", url,
                                apr_time_as_msec(apr_time_now() - started)),
                   NULL);
    *method = okta_client_auth_in_use(c->sc, &c->meta);
    setup.issuer = c->sc->issuer;
    setup.scope = c->sc->scope;
    setup.userinfo = c->sc->userinfo;
    setup.introspection = c->sc->introspection != OKTA_INTROSPECT_OFF;
    setup.client_auth = *method == OKTA_CLIENT_AUTH_BASIC ? "client_secret_basic"
                                                          : "client_secret_post";
    setup.client_auth_chosen = c->sc->client_auth == OKTA_CLIENT_AUTH_AUTO;
    okta_setup_check_discovery(c->checks, resp.body, resp.len, &setup);
    okta_setup_check_clock(c->checks, resp.date ? apr_date_parse_http(resp.date) : 0,
                           apr_time_now(), c->sc->clock_skew);
    return 1;
}

static void check_jwks(check_t *c)
{
    okta_http_response_t resp;
    const char *why = NULL;

    if (okta_http_get(&resp, c->p, &c->opts, c->meta.jwks_uri, NULL, &why) != APR_SUCCESS
        || resp.status != 200) {
        okta_check_add(c->checks, OKTA_CHECK_FAIL, "jwks",
                       why ? why : apr_psprintf(c->p, "%s answered HTTP %ld", c->meta.jwks_uri,
                                                resp.status),
                       "check the network path to the provider's jwks_uri");
        return;
    }
    okta_setup_check_jwks(c->checks, resp.body, resp.len);
}

/* A code exchange with a code that cannot exist: the answer says whether
 * the client's authentication was accepted. */
static void check_credentials(check_t *c, okta_client_auth_t method)
{
    okta_http_response_t resp;
    const char *form = "", *authorization, *why = NULL;
    const char *code = okta_random_id(c->p, 16), *verifier = okta_random_id(c->p, 32);

    if (!code || !verifier) {
        okta_check_add(c->checks, OKTA_CHECK_FAIL, "credentials",
                       "OpenSSL gave no random bytes", "check OpenSSL's random generator");
        return;
    }
    okta_form_add(c->p, &form, "grant_type", "authorization_code");
    okta_form_add(c->p, &form, "code", apr_pstrcat(c->p, "okta-check-", code, NULL));
    okta_form_add(c->p, &form, "redirect_uri", absolute(c, c->sc->redirect_uri));
    okta_form_add(c->p, &form, "code_verifier", verifier);
    authorization = okta_client_auth(c->p, method == OKTA_CLIENT_AUTH_BASIC, c->sc->client_id,
                                     c->sc->client_secret, &form);
    if (okta_http_post_form(&resp, c->p, &c->opts, c->meta.token_endpoint, form, authorization,
                            &why) != APR_SUCCESS) {
        okta_check_add(c->checks, OKTA_CHECK_FAIL, "credentials", why,
                       "check the network path to the provider's token endpoint");
        return;
    }
    okta_setup_check_credentials(c->checks, resp.status, resp.body, resp.len);
}

/* An authorization request with the redirect URI, not followed. */
static void check_redirect(check_t *c, const char *name, const char *uri)
{
    okta_http_response_t resp;
    const char *query = "", *why = NULL, *target = absolute(c, uri);
    const char *verifier = okta_random_id(c->p, 32);

    if (!verifier) {
        okta_check_add(c->checks, OKTA_CHECK_FAIL, name, "OpenSSL gave no random bytes",
                       "check OpenSSL's random generator");
        return;
    }
    okta_form_add(c->p, &query, "response_type", "code");
    okta_form_add(c->p, &query, "client_id", c->sc->client_id);
    okta_form_add(c->p, &query, "redirect_uri", target);
    okta_form_add(c->p, &query, "scope", c->sc->scope);
    okta_form_add(c->p, &query, "state", "okta-check");
    okta_form_add(c->p, &query, "nonce", "okta-check");
    okta_form_add(c->p, &query, "code_challenge",
                  okta_pkce_challenge(c->p, verifier));
    okta_form_add(c->p, &query, "code_challenge_method", "S256");
    if (okta_http_get(&resp, c->p, &c->opts,
                      apr_pstrcat(c->p, c->meta.authorization_endpoint,
                                  ap_strchr_c(c->meta.authorization_endpoint, '?') ? "&" : "?",
                                  query, NULL),
                      NULL, &why) != APR_SUCCESS) {
        okta_check_add(c->checks, OKTA_CHECK_FAIL, name, why,
                       "check the network path to the provider's authorization endpoint");
        return;
    }
    okta_setup_check_redirect(c->checks, name, target, resp.status, resp.body);
}

static void check_post_logout(check_t *c)
{
    okta_http_response_t resp;
    const char *query = "", *why = NULL;

    if (!c->meta.end_session_endpoint) {
        okta_setup_check_post_logout(c->checks, c->sc->post_logout_redirect_uri, 0, NULL);
        return;
    }
    okta_form_add(c->p, &query, "client_id", c->sc->client_id);
    okta_form_add(c->p, &query, "post_logout_redirect_uri", c->sc->post_logout_redirect_uri);
    if (okta_http_get(&resp, c->p, &c->opts,
                      apr_pstrcat(c->p, c->meta.end_session_endpoint,
                                  ap_strchr_c(c->meta.end_session_endpoint, '?') ? "&" : "?",
                                  query, NULL),
                      NULL, &why) != APR_SUCCESS) {
        resp.status = 0;
        resp.body = NULL;
    }
    okta_setup_check_post_logout(c->checks, c->sc->post_logout_redirect_uri, resp.status,
                                 resp.body);
}

static void check_provider(check_t *c)
{
    okta_client_auth_t method;
    int usable;

    if (!check_discovery(c, &method, &usable)) {
        return;
    }
    check_jwks(c);
    if (usable) {
        check_credentials(c, method);
    }
    else {
        /* the module never sends the secret there: nor does its checker */
        okta_check_add(c->checks, OKTA_CHECK_WARN, "credentials",
                       "not checked: the client secret goes only to a provider whose issuer "
                       "is OktaIssuer",
                       "correct OktaIssuer (see the issuer line), then check again");
    }
    check_redirect(c, "redirect_uri", c->sc->redirect_uri);
    if (*c->sc->silent_redirect_uri) {
        check_redirect(c, "silent_redirect_uri", c->sc->silent_redirect_uri);
    }
    if (c->sc->post_logout_redirect_uri) {
        check_post_logout(c);
    }
}

/* What needs no provider: the session cache and where secrets are. */
static void check_locally(check_t *c)
{
    const char *spec = okta_caches_spec(c->s), *why = NULL;
    apr_off_t room;

    if (okta_caches_probe(c->p, c->s, &room, &why) != APR_SUCCESS) {
        okta_check_add(c->checks, OKTA_CHECK_FAIL, "session_cache", why,
                       "check OktaSessionCache and that its server runs and is reachable");
    }
    else if (room) {
        okta_check_add(c->checks, OKTA_CHECK_OK, "session_cache",
                       apr_psprintf(c->p, "OktaSessionCache %s: room for about %" APR_OFF_T_FMT
                                    " sessions (of about %d KB)", spec ? spec : "shmcb",
                                    room / SESSION_BYTES, SESSION_BYTES / 1024),
                       NULL);
    }
    else {
        okta_check_add(c->checks, OKTA_CHECK_OK, "session_cache",
                       apr_psprintf(c->p, "OktaSessionCache %s: an entry was written and read "
                                    "back", spec),
                       NULL);
    }
    if (c->sc->inline_secrets) {
        okta_check_add(c->checks, OKTA_CHECK_WARN, "secrets",
                       apr_psprintf(c->p, "%s written in the configuration",
                                    c->sc->inline_secrets),
                       "give secrets as file:/path (readable by root only) or env:NAME, out "
                       "of the configuration files");
    }
}

static void check_server(apr_pool_t *p, server_rec *s, okta_server_conf_t *sc, int counts[3])
{
    check_t c;

    c.p = p;
    c.s = s;
    c.sc = sc;
    c.checks = okta_checks_make(p);
    c.opts = okta_provider_http_options(sc, 0);
    check_provider(&c);
    check_locally(&c);
    printf("OktaCheck: %s:%u (OktaIssuer %s)\n%s", s->server_hostname, server_port(s),
           sc->issuer, okta_checks_text(c.checks, p));
    counts[OKTA_CHECK_OK] += c.checks->counts[OKTA_CHECK_OK];
    counts[OKTA_CHECK_WARN] += c.checks->counts[OKTA_CHECK_WARN];
    counts[OKTA_CHECK_FAIL] += c.checks->counts[OKTA_CHECK_FAIL];
}

void okta_check_setup(apr_pool_t *pconf, server_rec *s)
{
    int counts[3] = { 0, 0, 0 };
    apr_pool_t *p;

    if (!ap_exists_config_define(CHECK_DEFINE)) {
        return;
    }
    /* an incomplete configuration never gets here: check_config refused it */
    if (okta_http_global_init() != APR_SUCCESS) {
        printf("OktaCheck: libcurl failed to start\n");
        exit(1);
    }
    apr_pool_create(&p, pconf);
    for (; s; s = s->next) {
        okta_server_conf_t *sc = ap_get_module_config(s->module_config, &okta_authcode_module);

        if (sc->issuer) {
            check_server(p, s, sc, counts);
        }
    }
    printf("OktaCheck: %d ok, %d warn, %d FAIL\n", counts[OKTA_CHECK_OK],
           counts[OKTA_CHECK_WARN], counts[OKTA_CHECK_FAIL]);
    fflush(stdout);
    apr_pool_destroy(p);
    if (counts[OKTA_CHECK_FAIL]) {
        exit(1);
    }
}
