/* SPDX-License-Identifier: Apache-2.0 */
/* mod_okta_authcode: OpenID Connect sign-in (Okta or any provider) for
 * Apache httpd.  This file wires the module into httpd: `AuthType Okta` in
 * the check_authn phase (okta_route decides), the callback, logout and
 * info URLs answered before any other module sees them, the module record,
 * the directive table, and the one register_hooks of every hook, provider
 * and filter.  The layers below: mod_okta_private.h. */
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
#include "mod_okta_handoff.h"
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

/* `credential`: the request header that made `user` (okta_keep_private_for) */
static int authenticated(request_rec *r, const char *user, const char *credential)
{
    r->user = (char *)user;
    r->ap_auth_type = OKTA_AUTH_TYPE;
    okta_keep_private_for(r, credential);
    return OK;
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
    okta_hand_session_to_application(r, &ref->session);
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
            okta_hand_session_to_application(r, &ref->session);
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

/* Every hook, provider and filter of the module. */
static void register_hooks(apr_pool_t *p)
{
    static const authz_provider group_provider = { okta_authz_check, okta_authz_parse_group };
    static const authz_provider claim_provider = { okta_authz_check, okta_authz_parse_claim };
    static const authz_provider scope_provider = { okta_authz_check, okta_authz_parse_scope };

    /* before mod_cache's CACHE_SAVE (AP_FTYPE_CONTENT_SET + 1) */
    okta_keep_private_filter = ap_register_output_filter(
        OKTA_KEEP_PRIVATE_FILTER, okta_keep_private, NULL, AP_FTYPE_CONTENT_SET);
    /* just above HTTP_IN (AP_FTYPE_PROTOCOL: lower is nearer the handler),
     * which reads the trailers */
    okta_refuse_module_trailers_filter = ap_register_input_filter(
        OKTA_MODULE_TRAILERS_FILTER, okta_refuse_module_trailers, NULL, AP_FTYPE_PROTOCOL - 1);
    okta_json_type_filter = ap_register_output_filter(OKTA_JSON_TYPE_FILTER, okta_set_json_type,
                                                      NULL, AP_FTYPE_CONTENT_SET);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "okta-group", AUTHZ_PROVIDER_VERSION,
                              &group_provider, AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "okta-claim", AUTHZ_PROVIDER_VERSION,
                              &claim_provider, AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "okta-scope", AUTHZ_PROVIDER_VERSION,
                              &scope_provider, AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_pre_config(pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_test_config(okta_check_setup, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_read_request(okta_strip_client_module_headers, NULL, NULL,
                              APR_HOOK_REALLY_FIRST);
    ap_hook_insert_filter(okta_insert_trailers_filter, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_quick_handler(quick_handler, NULL, NULL, APR_HOOK_FIRST);
    ap_hook_check_authn(check_authn, NULL, NULL, APR_HOOK_MIDDLE, AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_force_authn(force_authn, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_fixups(forget_anonymous_user, NULL, NULL, APR_HOOK_REALLY_FIRST);
    ap_hook_fixups(okta_keep_module_cookies_from_handler, NULL, NULL, APR_HOOK_REALLY_LAST);
    ap_hook_note_auth_failure(okta_authz_note_auth_failure, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(okta_authz_forbidden_instead, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(okta_insert_json_type, NULL, NULL, APR_HOOK_MIDDLE);
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
