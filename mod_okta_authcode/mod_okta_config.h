/* SPDX-License-Identifier: Apache-2.0 */
/* Directives, and the per-server and per-directory configuration they
 * fill.  The directive table itself is in mod_okta_authcode.c. */
#ifndef MOD_OKTA_CONFIG_H
#define MOD_OKTA_CONFIG_H

#include "mod_okta_private.h"
#include "okta_crypto.h"
#include "okta_route.h" /* okta_unauth_action_t, okta_bearer_mode_t */

typedef enum {
    OKTA_CLIENT_AUTH_BASIC, /* client_secret_basic */
    OKTA_CLIENT_AUTH_POST, /* client_secret_post */
    OKTA_CLIENT_AUTH_AUTO /* OktaTokenEndpointAuth unset: as discovery offers */
} okta_client_auth_t;

/* Which bearer tokens the provider's introspection endpoint is asked about
 * (OktaTokenIntrospection). */
typedef enum {
    OKTA_INTROSPECT_OFF, /* none: opaque tokens are refused */
    OKTA_INTROSPECT_OPAQUE, /* On: tokens that are not JWTs */
    OKTA_INTROSPECT_ALL /* JWTs too, once they verify here (revocation) */
} okta_introspection_t;

/* The session's token a location hands the application as
 * Authorization: Bearer (OktaPassToken), for a backend that checks JWTs
 * itself (OpenMetadata). */
typedef enum {
    OKTA_PASS_TOKEN_OFF,
    OKTA_PASS_ID_TOKEN,
    OKTA_PASS_ACCESS_TOKEN
} okta_pass_token_t;

struct okta_provider_cache_t; /* mod_okta_provider.h */
struct okta_token_memo_t; /* okta_token_memo.h */
struct okta_flights_t; /* okta_flights.h */

/* What the module keeps for the whole server, every virtual host: made with
 * each configuration, in its pool, and each layer keeps its part there. */
typedef struct okta_module_state_t {
    apr_pool_t *pool; /* the configuration's */
    struct okta_caches_t *caches; /* mod_okta_caches.c */
    struct okta_cacheserver_t *cacheserver; /* mod_okta_cacheserver.c, per process */
} okta_module_state_t;

typedef struct okta_server_conf_t {
    const char *issuer;
    const char *client_id;
    const char *client_secret;
    const char *inline_secrets; /* the secret directives written in the
                                   configuration, not file: or env: (NULL: none) */
    const char *redirect_uri; /* absolute URL, or a path on this server */
    const char *redirect_path; /* the path part of redirect_uri */
    const char *silent_redirect_uri; /* for prompt=none; "" when off */
    const char *silent_redirect_path;
    const char *scope;
    const char *passphrase;
    okta_keys_t *keys; /* derived from passphrase at configuration time */
    const char *remote_user_claim;
    const char *logout_path;
    const char *session_cookie; /* their https names ("__Host-okta_session"): */
    const char *login_cookie; /* okta_site_cookie_name gives the site's */
    const char *post_logout_redirect_uri;
    const char *ca_file;
    int http_timeout; /* seconds */
    int clock_skew; /* seconds */
    int client_auth; /* okta_client_auth_t */
    int session_inactivity; /* seconds */
    int session_max; /* seconds */
    int login_timeout; /* seconds a started sign-in may take */
    int refresh_leeway; /* refresh this many seconds before expiry */
    int refresh_grace; /* the provider's reuse grace period for refresh tokens */
    int trust_forwarded_proto; /* behind a TLS-terminating proxy */
    apr_array_header_t *trusted_proxies; /* apr_ipsubnet_t *; NULL: any peer,
                                            with trust_forwarded_proto */
    int userinfo; /* read the userinfo endpoint at sign-in and refresh */
    const char *groups_claim; /* where Require okta-group looks */
    const char *info_path; /* OktaInfoURI; NULL: none */
    int info_access_token; /* OktaInfoURI hands out the access token */
    apr_array_header_t *token_audiences; /* const char *: a bearer token's
                                            aud must hold one */
    int introspection; /* okta_introspection_t */
    int introspection_cache; /* seconds an introspection answer is kept */
    struct okta_token_memo_t *token_memo; /* verified tokens, child_init */
    struct okta_token_memo_t *refused_tokens; /* refused on the provider's word */
    struct okta_flights_t *introspection_flights; /* the process's, child_init */
    struct okta_provider_cache_t *provider; /* created in child_init */
    okta_module_state_t *state; /* the main server's, shared by all */
} okta_server_conf_t;

typedef struct okta_dir_conf_t {
    int claim_env; /* claims as OKTA_CLAIM_* environment variables */
    int claim_headers; /* claims as X-Okta-Claim-* request headers */
    int unauth_action; /* okta_unauth_action_t */
    int bearer; /* okta_bearer_mode_t */
    int pass_token; /* okta_pass_token_t */
    apr_array_header_t *token_clients; /* const char *; NULL: any client */
} okta_dir_conf_t;

void *okta_create_server_conf(apr_pool_t *p, server_rec *s);
void *okta_merge_server_conf(apr_pool_t *p, void *base, void *add);
void *okta_create_dir_conf(apr_pool_t *p, char *dir);
void *okta_merge_dir_conf(apr_pool_t *p, void *base, void *add);
/** Every server that uses the module is complete and its settings can all
 * hold (okta_settings_check), logged with the directive to fix; run in
 * check_config, so that apache2 -t refuses what a start would. */
int okta_config_check(apr_pool_t *ptemp, server_rec *s);
okta_server_conf_t *okta_server_conf(const request_rec *r);
struct okta_provider_meta_t;
/** The client authentication to use with this provider: OktaTokenEndpointAuth,
 * or when it is unset client_secret_basic if discovery offers it (or lists
 * no methods), else client_secret_post if it does. */
okta_client_auth_t okta_client_auth_in_use(const okta_server_conf_t *sc,
                                           const struct okta_provider_meta_t *meta);
/** The module's state for the server `s` belongs to. */
okta_module_state_t *okta_module_state(const server_rec *s);
okta_dir_conf_t *okta_dir_conf(const request_rec *r);

/* Directive handlers.  The generic ones take the field's offset in
 * okta_server_conf_t as cmd->info. */
const char *okta_set_issuer(cmd_parms *cmd, void *dummy, const char *arg);
const char *okta_set_redirect_uri(cmd_parms *cmd, void *dummy, const char *arg);
const char *okta_set_silent_redirect_uri(cmd_parms *cmd, void *dummy, const char *arg);
const char *okta_set_post_logout_redirect_uri(cmd_parms *cmd, void *dummy, const char *arg);
const char *okta_set_ca_file(cmd_parms *cmd, void *dummy, const char *arg);
/** A local path the module answers (OktaLogoutURI, OktaInfoURI): the
 * field's offset in okta_server_conf_t as cmd->info. */
const char *okta_set_server_path(cmd_parms *cmd, void *dummy, const char *arg);
/** OktaTrustedProxies: an address or network of apr_ipsubnet_create. */
const char *okta_add_trusted_proxy(cmd_parms *cmd, void *dummy, const char *arg);
/** OktaSessionCookieName, OktaLoginCookieName: an okta_cookie_name_usable
 * name, kept with OKTA_HTTPS_COOKIE_PREFIX. */
const char *okta_set_cookie_name(cmd_parms *cmd, void *dummy, const char *arg);
const char *okta_set_client_secret(cmd_parms *cmd, void *dummy, const char *arg);
const char *okta_set_passphrase(cmd_parms *cmd, void *dummy, const char *arg);
const char *okta_set_client_auth(cmd_parms *cmd, void *dummy, const char *arg);
const char *okta_set_unauth_action(cmd_parms *cmd, void *dirconf, const char *arg);
const char *okta_set_bearer(cmd_parms *cmd, void *dirconf, const char *arg);
const char *okta_set_pass_token(cmd_parms *cmd, void *dirconf, const char *arg);
const char *okta_set_introspection(cmd_parms *cmd, void *dummy, const char *arg);
/** One more bearer token audience (OktaAccessTokenAudience, per server) or
 * client (OktaAccessTokenClients, per directory). */
const char *okta_add_token_audience(cmd_parms *cmd, void *dummy, const char *arg);
const char *okta_add_token_client(cmd_parms *cmd, void *dirconf, const char *arg);
const char *okta_set_server_string(cmd_parms *cmd, void *dummy, const char *arg);
/** Seconds where 0 is a meaningful setting (clock skew, leeway, grace). */
const char *okta_set_server_seconds(cmd_parms *cmd, void *dummy, const char *arg);
/** Timeouts and lifetimes: 0 would mean no limit, or ending at once. */
const char *okta_set_server_duration(cmd_parms *cmd, void *dummy, const char *arg);
const char *okta_set_server_flag(cmd_parms *cmd, void *dummy, int flag);

#endif
