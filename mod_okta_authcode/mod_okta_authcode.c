/* SPDX-License-Identifier: Apache-2.0 */
/* mod_okta_authcode: OpenID Connect sign-in (Okta or any provider) for
 * Apache httpd.  This file wires the module into httpd: `AuthType Okta` in
 * the check_authn phase, what the application is handed, the callback,
 * logout and info URLs answered before any other module sees them, the
 * module record and the directive table.  The layers below:
 * mod_okta_private.h. */
#include <apr_lib.h>
#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>
#include <ap_mpm.h>

#include "mod_okta_authz.h"
#include "mod_okta_bearer.h"
#include "mod_okta_caches.h"
#include "mod_okta_config.h"
#include "mod_okta_cacheserver.h"
#include "mod_okta_setup.h"
#include "mod_okta_info.h"
#include "mod_okta_login.h"
#include "mod_okta_logout.h"
#include "mod_okta_provider.h"
#include "mod_okta_refresh.h"
#include "mod_okta_response.h"
#include "mod_okta_session.h"
#include "okta_http.h"
#include "okta_route.h"

/* request headers and environment variables that only the module sets */
#define MODULE_HEADER_PREFIX "X-Okta-"
#define MODULE_ENV_PREFIX "OKTA_"
#define ACCESS_TOKEN_ENV "OKTA_ACCESS_TOKEN"
#define ACCESS_TOKEN_HEADER "X-Okta-Access-Token"

/* Removes every entry whose name `matches`, in one pass over the table
 * (usually finding none). */
static void remove_matching(apr_table_t *t, int (*matches)(const char *name))
{
    const apr_array_header_t *entries = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)entries->elts;
    int i;

    for (i = entries->nelts - 1; i >= 0; i--) {
        /* apr_table_unset leaves the entries before this one where they are */
        if (e[i].key && matches(e[i].key)) {
            apr_table_unset(t, e[i].key);
        }
    }
}

static int is_okta_variable(const char *name)
{
    return strncasecmp(name, MODULE_ENV_PREFIX, sizeof(MODULE_ENV_PREFIX) - 1) == 0;
}

/* X-Okta-..., and the spellings with '_' for '-' that CGI-style backends
 * (PHP, WSGI, ...) read as the same header. */
static int is_module_header(const char *name)
{
    const char *prefix = MODULE_HEADER_PREFIX;

    for (; *prefix; prefix++, name++) {
        char c = *name == '_' ? '-' : *name;
        if (apr_tolower(c) != apr_tolower(*prefix)) {
            return 0;
        }
    }
    return 1;
}

#define MODULE_TRAILERS_FILTER "OKTA_REFUSE_MODULE_TRAILERS"
static ap_filter_rec_t *refuse_module_trailers_filter;

/* 1 when a trailer of the request has a module header's name. */
static int has_module_trailer(request_rec *r)
{
    const apr_array_header_t *entries = apr_table_elts(r->trailers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)entries->elts;
    int i;

    for (i = 0; i < entries->nelts; i++) {
        if (e[i].key && is_module_header(e[i].key)) {
            return 1;
        }
    }
    return 0;
}

/* Request trailers come with the end of the body, long after the headers
 * were cleaned, and MergeTrailers On merges them into the request's
 * headers (HTTP_IN, below, has done so by the time a read returns, even
 * one that fails on a later, malformed trailer): reading a body that ends
 * with an X-Okta-* trailer fails (a handler answers 400), and the request
 * keeps no X-Okta-* header at all, the module's own included, which a
 * merge may have mixed with a forged one. */
static apr_status_t refuse_module_trailers(ap_filter_t *f, apr_bucket_brigade *bb,
                                           ap_input_mode_t mode, apr_read_type_e block,
                                           apr_off_t readbytes)
{
    apr_status_t rv = ap_get_brigade(f->next, bb, mode, block, readbytes);

    if (!has_module_trailer(f->r)) {
        return rv;
    }
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, f->r,
                  OKTALOGNO(00059) "request refused: a trailer has the name of a header only "
                  "the module sets (X-Okta-*)");
    remove_matching(f->r->headers_in, is_module_header);
    remove_matching(f->r->trailers_in, is_module_header);
    apr_brigade_cleanup(bb);
    return rv == APR_SUCCESS ? APR_EINVAL : rv;
}

/* The filter, once, on a request that can have trailers: a chunked body
 * (HTTP/1.1) or any HTTP/2 one.  Added when the request is read, and again
 * before its handler runs, as a fast internal redirect (mod_negotiation's)
 * takes the filters of a subrequest that never had it. */
static void add_trailers_filter(request_rec *r)
{
    ap_filter_t *f;

    if (!apr_table_get(r->headers_in, "Transfer-Encoding") && r->proto_num < 2000) {
        return;
    }
    for (f = r->input_filters; f; f = f->next) {
        if (f->frec == refuse_module_trailers_filter) {
            return;
        }
    }
    ap_add_input_filter_handle(refuse_module_trailers_filter, NULL, r, r->connection);
}

static void insert_trailers_filter(request_rec *r)
{
    if (okta_server_conf(r)->issuer) {
        add_trailers_filter(r);
    }
}

/* A client must not be able to pose as the module to the application:
 * X-Okta-* request headers are the module's alone.  They go before any
 * other module sees the request, wherever the module is used, since
 * authentication does not run everywhere (Require ip granting under
 * <RequireAny>, OktaUnauthAction pass without a session, ...). */
static int strip_client_module_headers(request_rec *r)
{
    if (okta_server_conf(r)->issuer) {
        remove_matching(r->headers_in, is_module_header);
        add_trailers_filter(r);
    }
    return DECLINED;
}

#define KEEP_PRIVATE_FILTER "OKTA_KEEP_PRIVATE"
/* Registered once with the hooks, so that a request adds it without
 * looking it up by name. */
static ap_filter_rec_t *keep_private_filter;

/* What the application answers a signed-in user is that user's: a shared
 * cache (a proxy, or mod_cache, which serves before authentication) must
 * not store it, unless the application chose a caching policy itself; and
 * then, as a shared cache may store it, one user's copy must not be served
 * for another's credential: the request header in the filter's context,
 * Cookie (a session) or Authorization (a bearer token), with the module's
 * cookies in it again (a content filter: before mod_cache's CACHE_SAVE). */
static apr_status_t keep_private(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;

    okta_restore_module_cookies(r);
    if (apr_table_get(r->headers_out, "Cache-Control")
        || apr_table_get(r->err_headers_out, "Cache-Control")) {
        apr_table_mergen(r->headers_out, "Vary", f->ctx);
    }
    else {
        apr_table_setn(r->headers_out, "Cache-Control", "private");
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

/* `credential`: the request header that made `user` (see keep_private) */
static int authenticated(request_rec *r, const char *user, const char *credential)
{
    r->user = (char *)user;
    r->ap_auth_type = OKTA_AUTH_TYPE;
    if (!r->main) {
        ap_add_output_filter_handle(keep_private_filter, (void *)credential, r, r->connection);
    }
    return OK;
}

/* OktaPassToken: the session's current token (refreshes replace it) in
 * place of any Authorization the client sent; a request signed in by a
 * bearer token has no ID token, and keeps its own. */
static void pass_token(request_rec *r, const okta_dir_conf_t *dc, const okta_session_t *s)
{
    const char *token = dc->pass_token == OKTA_PASS_ID_TOKEN       ? s->id_token
                        : dc->pass_token == OKTA_PASS_ACCESS_TOKEN ? s->access_token
                                                                   : NULL;

    if (token && *token) {
        apr_table_setn(r->headers_in, "Authorization", apr_pstrcat(r->pool, "Bearer ", token, NULL));
    }
}

/* The OKTA_* variables and X-Okta-* headers are the module's alone: ones
 * set before authentication (SetEnvIf, a client) are gone, so the claims
 * are added without apr_table_setn's search for each name. */
static void hand_session_to_application(request_rec *r, const okta_session_t *s)
{
    okta_dir_conf_t *dc = okta_dir_conf(r);
    int i;

    if (dc->claim_env != 0) {
        remove_matching(r->subprocess_env, is_okta_variable);
        for (i = 0; i < s->nclaims; i++) {
            apr_table_addn(r->subprocess_env, s->claims[i].env_name, s->claims[i].value);
        }
        apr_table_addn(r->subprocess_env, ACCESS_TOKEN_ENV, s->access_token);
    }
    if (dc->claim_headers == 1) {
        for (i = 0; i < s->nclaims; i++) {
            apr_table_addn(r->headers_in, s->claims[i].header_name, s->claims[i].value);
        }
        apr_table_addn(r->headers_in, ACCESS_TOKEN_HEADER, s->access_token);
    }
    pass_token(r, dc, s);
}

/* A browser following a link or typing a URL, as opposed to a script
 * (XHR, fetch) that cannot follow a sign-in and needs a 401 instead. */
static int is_navigation(request_rec *r)
{
    const char *mode = apr_table_get(r->headers_in, "Sec-Fetch-Mode");
    const char *accept = apr_table_get(r->headers_in, "Accept");

    if (mode) {
        return strcasecmp(mode, "navigate") == 0;
    }
    if (apr_table_get(r->headers_in, "X-Requested-With")) {
        return 0;
    }
    return !accept || ap_strcasestr(accept, "text/html") != NULL;
}

static int is_okta_auth_type(request_rec *r)
{
    const char *type = ap_auth_type(r);

    return type && strcasecmp(type, OKTA_AUTH_TYPE) == 0;
}

static int unauth_action(request_rec *r)
{
    okta_dir_conf_t *dc = okta_dir_conf(r);

    return dc->unauth_action != OKTA_UNSET ? dc->unauth_action : OKTA_UNAUTH_AUTH;
}

/* Marks a request whose Require lines grant it without a user. */
#define ANONYMOUS_GRANTED_NOTE "okta-anonymous-granted"

/* httpd authenticates only where the Require lines need a user, unless a
 * module forces it.  With OktaUnauthAction pass, authentication runs
 * everywhere, so that signed-in users are recognised; this hook is called
 * only when authorization has already granted the request without a user,
 * and that is the only case where an anonymous request may pass. */
static int force_authn(request_rec *r)
{
    if (!is_okta_auth_type(r) || unauth_action(r) != OKTA_UNAUTH_PASS) {
        return DECLINED;
    }
    apr_table_setn(r->notes, ANONYMOUS_GRANTED_NOTE, "1");
    return OK;
}

/* A request that must sign in but cannot follow a redirect (a script), or
 * may not (OktaUnauthAction 401). */
static int sign_in_required(request_rec *r)
{
    apr_table_setn(r->err_headers_out, "WWW-Authenticate",
                   apr_psprintf(r->pool, "Okta realm=\"%s\"",
                                ap_escape_quotes(r->pool, okta_server_conf(r)->issuer)));
    return okta_error_page(r, HTTP_UNAUTHORIZED, "Sign-in required",
                           "Sign in to use this resource.");
}

/* Last before the handler: authentication, authorization and the other
 * fixups (mod_rewrite's) have read the cookies by then. */
static int keep_module_cookies_from_handler(request_rec *r)
{
    okta_take_module_cookies(r);
    return DECLINED;
}

/* An anonymous request that OktaUnauthAction pass let through has the
 * user "" (OKTA_ROUTE_ANONYMOUS), for httpd's sake; authorization is over by the
 * fixups, and from then on it is nobody's: no REMOTE_USER for the
 * application, no user for the subrequests it makes (an SSI #include of a
 * page that needs one).  First among the fixups: mod_dir's make
 * subrequests. */
static int forget_anonymous_user(request_rec *r)
{
    if (r->user && !*r->user && is_okta_auth_type(r)) {
        r->user = NULL;
    }
    return DECLINED;
}

static int bearer_mode(request_rec *r)
{
    okta_dir_conf_t *dc = okta_dir_conf(r);

    return dc->bearer != OKTA_UNSET ? dc->bearer : OKTA_BEARER_OFF;
}

/* The token decides, even when the request also has a session cookie. */
static int by_bearer_token(request_rec *r, const char *token)
{
    okta_session_ref_t *ref;
    int status;

    if ((status = okta_bearer_authenticate(r, token, &ref)) != OK) {
        return status;
    }
    okta_session_attach(r, ref);
    hand_session_to_application(r, &ref->session);
    return authenticated(r, ref->session.user, "Authorization");
}

/* What okta_route needs to know before any session is looked up: cheap
 * reads of the request and its configuration.  `token` is the bearer
 * token, where OktaBearer takes one. */
static void gather_facts(request_rec *r, okta_request_facts_t *facts, const char **token)
{
    memset(facts, 0, sizeof(*facts));
    facts->main_user_by_okta = r->main && r->main->user && *r->main->user
                               && r->main->ap_auth_type
                               && strcasecmp(r->main->ap_auth_type, OKTA_AUTH_TYPE) == 0;
    facts->bearer = (okta_bearer_mode_t)bearer_mode(r);
    *token = facts->bearer != OKTA_BEARER_OFF ? okta_bearer_token(r) : NULL;
    facts->has_token = *token != NULL;
    facts->session = OKTA_SESSION_NOT_LOOKED_UP;
    facts->unauth = (okta_unauth_action_t)unauth_action(r);
}

/* The session the request's cookie names, refreshed if due, into the
 * facts; and, when there is none to sign in with, what decides what
 * happens instead (read only then: a signed-in request never needs them). */
static void look_up_session(request_rec *r, okta_request_facts_t *facts,
                            okta_session_ref_t **ref)
{
    apr_status_t rv = okta_session_load(r, ref);

    if (rv == APR_NOTFOUND) {
        facts->session = OKTA_SESSION_NONE;
        facts->had_session_cookie = okta_session_cookie_present(r);
    }
    else if (rv != APR_SUCCESS) {
        facts->session = OKTA_SESSION_UNAVAILABLE;
    }
    else {
        switch (okta_refresh_if_due(r, *ref)) {
        case OKTA_REFRESH_FRESH:
            facts->session = OKTA_SESSION_FRESH;
            return;
        case OKTA_REFRESH_ENDED:
            facts->session = OKTA_SESSION_ENDED;
            break;
        case OKTA_REFRESH_UNAVAILABLE:
            facts->session = OKTA_SESSION_UNAVAILABLE;
            break;
        }
    }
    facts->anonymous_granted = apr_table_get(r->notes, ANONYMOUS_GRANTED_NOTE) != NULL;
    facts->navigation = is_navigation(r);
}

/* Wiring: the decisions are okta_route's. */
static int check_authn(request_rec *r)
{
    okta_request_facts_t facts;
    okta_session_ref_t *ref = NULL;
    const char *token;

    if (!is_okta_auth_type(r)) {
        return DECLINED;
    }
    if (!okta_server_conf(r)->issuer) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00028) "AuthType Okta is used for %s but this server has no "
                      "OktaIssuer", r->uri);
        return okta_error_page(r, HTTP_INTERNAL_SERVER_ERROR, "Sign-in not configured",
                               "This server is not configured for sign-in.");
    }
    gather_facts(r, &facts, &token);
    for (;;) {
        switch (okta_route(&facts)) {
        case OKTA_ROUTE_INHERIT_USER:
            /* a subrequest (DirectoryIndex, SSI, ...) inherits the main
             * request's user, environment and headers */
            return authenticated(r, r->main->user, NULL);
        case OKTA_ROUTE_BY_TOKEN:
            return by_bearer_token(r, token);
        case OKTA_ROUTE_TOKEN_REQUIRED:
            return okta_bearer_required(r);
        case OKTA_ROUTE_LOOK_UP_SESSION:
            look_up_session(r, &facts, &ref);
            continue;
        case OKTA_ROUTE_SIGNED_IN:
            okta_session_attach(r, ref);
            hand_session_to_application(r, &ref->session);
            return authenticated(r, ref->session.user, "Cookie");
        case OKTA_ROUTE_ANONYMOUS:
            /* httpd needs a user once authentication has run: "" is
             * nobody, and authorization has granted the request already */
            return authenticated(r, "", "Cookie");
        case OKTA_ROUTE_CHALLENGE:
            return sign_in_required(r);
        case OKTA_ROUTE_SIGN_IN:
            return okta_login_start(r, r->unparsed_uri, 0);
        case OKTA_ROUTE_SIGN_IN_SILENTLY:
            return okta_login_start(r, r->unparsed_uri, 1);
        case OKTA_ROUTE_UNAVAILABLE:
            return okta_error_page(r, HTTP_SERVICE_UNAVAILABLE, "Sessions unavailable",
                                   "The server cannot check your session right now. Try "
                                   "again later.");
        }
    }
}

/* The callback, logout and info URLs are the module's own, wherever they are:
 * answered before translation and authentication, like mod_cache does. */
static int quick_handler(request_rec *r, int lookup)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    const char *path = r->parsed_uri.path;

    if (lookup || !sc->issuer || !path || r->main) {
        return DECLINED;
    }
    if (strcmp(path, sc->redirect_path) == 0) {
        return okta_login_callback(r, 0);
    }
    if (*sc->silent_redirect_path && strcmp(path, sc->silent_redirect_path) == 0) {
        return okta_login_callback(r, 1);
    }
    if (sc->logout_path && strcmp(path, sc->logout_path) == 0) {
        return okta_logout(r);
    }
    if (sc->info_path && strcmp(path, sc->info_path) == 0) {
        return okta_info(r);
    }
    return DECLINED;
}

#define SERVER_STRING(name, field, help)                                                     \
    AP_INIT_TAKE1(name, okta_set_server_string, (void *)APR_OFFSETOF(okta_server_conf_t, field), \
                  RSRC_CONF, help)
#define SERVER_SECONDS(name, field, help)                                                     \
    AP_INIT_TAKE1(name, okta_set_server_seconds, (void *)APR_OFFSETOF(okta_server_conf_t, field), \
                  RSRC_CONF, help)
#define SERVER_DURATION(name, field, help)                                                     \
    AP_INIT_TAKE1(name, okta_set_server_duration, (void *)APR_OFFSETOF(okta_server_conf_t, field), \
                  RSRC_CONF, help)
#define SERVER_PATH(name, field, help)                                                     \
    AP_INIT_TAKE1(name, okta_set_server_path, (void *)APR_OFFSETOF(okta_server_conf_t, field), \
                  RSRC_CONF, help)
#define SERVER_FLAG(name, field, help)                                                     \
    AP_INIT_FLAG(name, okta_set_server_flag, (void *)APR_OFFSETOF(okta_server_conf_t, field), \
                 RSRC_CONF, help)
/* Per-directory settings, which a server or virtual host may also set once
 * as the default of all its locations (a whole API host, say). */
#define DIR_CONTEXT (RSRC_CONF | OR_AUTHCFG)
#define DIR_FLAG(name, field, help)                                                              \
    AP_INIT_FLAG(name, ap_set_flag_slot, (void *)APR_OFFSETOF(okta_dir_conf_t, field), DIR_CONTEXT, \
                 help)

/* The directives, whose handlers are in mod_okta_config.c but for
 * OktaSessionCache's (mod_okta_caches.c). */
static const command_rec okta_cmds[] = {
    AP_INIT_TAKE1("OktaIssuer", okta_set_issuer, NULL, RSRC_CONF,
                  "Issuer URL of the authorization server, e.g. https://example.okta.com/oauth2/default"),
    SERVER_STRING("OktaClientID", client_id, "Client ID of the Okta app integration"),
    AP_INIT_TAKE1("OktaClientSecret", okta_set_client_secret, NULL, RSRC_CONF,
                  "Client secret of the Okta app integration; or file:/path, env:NAME"),
    AP_INIT_TAKE1("OktaRedirectURI", okta_set_redirect_uri, NULL, RSRC_CONF,
                  "Sign-in redirect URI: absolute URL or path (default /callback)"),
    AP_INIT_TAKE1("OktaSilentRedirectURI", okta_set_silent_redirect_uri, NULL, RSRC_CONF,
                  "Redirect URI for prompt=none sign-ins (default /silent-callback), or Off"),
    SERVER_STRING("OktaScope", scope,
                  "Scopes to request (default \"openid profile email offline_access\")"),
    AP_INIT_TAKE1("OktaCryptoPassphrase", okta_set_passphrase, NULL, RSRC_CONF,
                  "Secret from which the keys that seal cached sessions are derived; or "
                  "file:/path, env:NAME"),
    AP_INIT_TAKE1("OktaSessionCache", okta_caches_set_spec, NULL, RSRC_CONF,
                  "Session cache: shmcb, shmcb:/path(bytes), memcache:host:port, redis:host:port"),
    SERVER_STRING("OktaRemoteUserClaim", remote_user_claim,
                  "ID token claim that becomes REMOTE_USER (default sub)"),
    SERVER_PATH("OktaLogoutURI", logout_path, "Local path that signs the user out"),
    AP_INIT_TAKE1("OktaSessionCookieName", okta_set_cookie_name,
                  (void *)APR_OFFSETOF(okta_server_conf_t, session_cookie), RSRC_CONF,
                  "Name of the session cookie (default okta_session; __Host-okta_session on "
                  "https)"),
    AP_INIT_TAKE1("OktaLoginCookieName", okta_set_cookie_name,
                  (void *)APR_OFFSETOF(okta_server_conf_t, login_cookie), RSRC_CONF,
                  "Name of the cookie of a sign-in under way (default okta_login; "
                  "__Host-okta_login on https)"),
    AP_INIT_TAKE1("OktaPostLogoutRedirectURI", okta_set_post_logout_redirect_uri, NULL,
                  RSRC_CONF, "Where the provider sends the browser after sign-out (absolute URL)"),
    AP_INIT_TAKE1("OktaCAFile", okta_set_ca_file, NULL, RSRC_CONF,
                  "CA bundle for TLS to the provider"),
    SERVER_DURATION("OktaHTTPTimeout", http_timeout,
                    "Seconds an exchange with the provider may take (default 10)"),
    SERVER_SECONDS("OktaClockSkew", clock_skew,
                   "Seconds of clock difference tolerated in token times (default 60)"),
    AP_INIT_TAKE1("OktaTokenEndpointAuth", okta_set_client_auth, NULL, RSRC_CONF,
                  "client_secret_basic (default) or client_secret_post"),
    SERVER_DURATION("OktaSessionInactivityTimeout", session_inactivity,
                    "Seconds without a request after which a session ends (default 3600)"),
    SERVER_DURATION("OktaSessionMaxDuration", session_max,
                    "Seconds after sign-in after which a session ends (default 28800)"),
    SERVER_DURATION("OktaLoginTimeout", login_timeout,
                    "Seconds a started sign-in may take to come back (default 600)"),
    SERVER_SECONDS("OktaRefreshLeeway", refresh_leeway,
                   "Refresh the access token this many seconds before it expires (default 60)"),
    SERVER_SECONDS("OktaRefreshGrace", refresh_grace,
                   "The provider's grace period for reusing a refresh token (default 30)"),
    SERVER_FLAG("OktaTrustForwardedProto", trust_forwarded_proto,
                "Take the browser's scheme and host from Forwarded or X-Forwarded-Proto, -Host "
                "and -Port (only behind a proxy that sets them; see OktaTrustedProxies)"),
    AP_INIT_ITERATE("OktaTrustedProxies", okta_add_trusted_proxy, NULL, RSRC_CONF,
                    "Addresses or networks of the proxies whose forwarding headers are "
                    "believed (implies OktaTrustForwardedProto On; default: any, with it)"),
    SERVER_FLAG("OktaUserInfo", userinfo,
                "Read the provider's userinfo endpoint for claims at sign-in and after each "
                "refresh (default On)"),
    SERVER_STRING("OktaGroupsClaim", groups_claim,
                  "Claim that Require okta-group looks in (default groups)"),
    SERVER_PATH("OktaInfoURI", info_path,
                "Local path answering the signed-in user's claims and session times as JSON"),
    SERVER_FLAG("OktaInfoAccessToken", info_access_token,
                "OktaInfoURI also hands out the access token (default Off)"),
    AP_INIT_TAKE1("OktaUnauthAction", okta_set_unauth_action, NULL, DIR_CONTEXT,
                  "Without a session: auth (sign in; 401 for non-navigations), 401, or pass"),
    AP_INIT_TAKE1("OktaBearer", okta_set_bearer, NULL, DIR_CONTEXT,
                  "Bearer access tokens (APIs): Off, On (a request with a token by the token, "
                  "others by session) or Only (tokens only, no sign-in)"),
    AP_INIT_ITERATE("OktaAccessTokenAudience", okta_add_token_audience, NULL, RSRC_CONF,
                    "Audiences a bearer access token may have (default api://default and OktaClientID)"),
    AP_INIT_ITERATE("OktaAccessTokenClients", okta_add_token_client, NULL, DIR_CONTEXT,
                    "Client IDs a bearer access token may come from (cid, client_id; default "
                    "any)"),
    AP_INIT_TAKE1("OktaTokenIntrospection", okta_set_introspection, NULL, RSRC_CONF,
                  "Ask the provider's introspection endpoint about bearer tokens: Off "
                  "(default), On (tokens that are not JWTs) or All (JWTs too, for revocation)"),
    SERVER_DURATION("OktaIntrospectionCacheSeconds", introspection_cache,
                    "Seconds an introspection answer is kept, at most (default 60)"),
    DIR_FLAG("OktaClaimsEnv", claim_env,
             "Claims as OKTA_CLAIM_* environment variables (default On)"),
    DIR_FLAG("OktaClaimsHeaders", claim_headers,
             "Claims as X-Okta-Claim-* request headers for backends (default Off)"),
    AP_INIT_TAKE1("OktaPassToken", okta_set_pass_token, NULL, DIR_CONTEXT,
                  "Hand the application the session's IDToken or AccessToken as "
                  "Authorization: Bearer, for a backend that checks JWTs itself (default Off)"),
    { NULL }
};

static int pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    return okta_caches_pre_config(pconf);
}

/* Runs with apache2 -t too (unlike post_config), and so before apache2ctl
 * graceful signals a running server. */
static int check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    (void)pconf;
    (void)plog;
    return okta_config_check(ptemp, s);
}

static int post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp, server_rec *s)
{
    (void)plog;
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK; /* the first, dry configuration pass */
    }
    if (okta_http_global_init() != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, OKTALOGNO(00029) "libcurl failed to start");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return okta_caches_post_config(pconf, ptemp, s);
}

static void child_init(apr_pool_t *p, server_rec *s)
{
    int threads = 1;

    ap_mpm_query(AP_MPMQ_MAX_THREADS, &threads);
    okta_caches_child_init(p, s);
    okta_cacheserver_child_init(p, s, threads > 0 ? threads : 1);
    if (okta_provider_child_init(p, s) != APR_SUCCESS
        || okta_bearer_child_init(p, s) != APR_SUCCESS) {
        /* logged; a process without them cannot serve a request safely */
        exit(APEXIT_CHILDSICK);
    }
}

static void register_hooks(apr_pool_t *p)
{
    (void)p;
    /* before mod_cache's CACHE_SAVE (AP_FTYPE_CONTENT_SET + 1) */
    keep_private_filter = ap_register_output_filter(KEEP_PRIVATE_FILTER, keep_private, NULL,
                                                    AP_FTYPE_CONTENT_SET);
    /* just above HTTP_IN (AP_FTYPE_PROTOCOL: lower is nearer the handler),
     * which reads the trailers */
    refuse_module_trailers_filter = ap_register_input_filter(
        MODULE_TRAILERS_FILTER, refuse_module_trailers, NULL, AP_FTYPE_PROTOCOL - 1);
    ap_hook_pre_config(pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_test_config(okta_check_setup, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_read_request(strip_client_module_headers, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_insert_filter(insert_trailers_filter, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_quick_handler(quick_handler, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_check_authn(check_authn, NULL, NULL, APR_HOOK_MIDDLE, AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_force_authn(force_authn, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_fixups(forget_anonymous_user, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_fixups(keep_module_cookies_from_handler, NULL, NULL, APR_HOOK_REALLY_LAST);
    okta_authz_register_hooks(p);
    okta_response_register_hooks();
}

module AP_MODULE_DECLARE_DATA okta_authcode_module = {
    STANDARD20_MODULE_STUFF,
    okta_create_dir_conf, /* create per-directory config */
    okta_merge_dir_conf, /* merge per-directory config */
    okta_create_server_conf, /* create per-server config */
    okta_merge_server_conf, /* merge per-server config */
    okta_cmds, /* directives */
    register_hooks, /* hooks */
    AP_MODULE_FLAG_NONE /* flags */
};
