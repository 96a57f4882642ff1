/* SPDX-License-Identifier: Apache-2.0 */
/* Directives, and the per-server and per-directory configuration they fill
 * (the directive table is in mod_okta_authcode.c). */
#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_uri.h>
#include <http_core.h>

#include "mod_okta_config.h"
#include "okta_provider.h"
#include "okta_settings.h"
#include "okta_util.h"

#define DEFAULT_SCOPE "openid profile email offline_access"
#define DEFAULT_REDIRECT_PATH "/callback"
#define DEFAULT_REMOTE_USER_CLAIM "sub"
#define DEFAULT_GROUPS_CLAIM "groups"
#define DEFAULT_HTTP_TIMEOUT 10
#define DEFAULT_CLOCK_SKEW 60
#define DEFAULT_SESSION_INACTIVITY 3600
#define DEFAULT_SESSION_MAX 28800
#define DEFAULT_LOGIN_TIMEOUT 600
#define DEFAULT_SILENT_REDIRECT_PATH "/silent-callback"
#define DEFAULT_REFRESH_LEEWAY 60
#define DEFAULT_REFRESH_GRACE 30 /* Okta's default reuse grace period */
#define DEFAULT_TOKEN_AUDIENCE "api://default" /* Okta's default authorization server */
#define DEFAULT_SESSION_COOKIE "okta_session"
#define DEFAULT_LOGIN_COOKIE "okta_login"
#define DEFAULT_INTROSPECTION_CACHE 60

#define MERGE_PTR(field) conf->field = add->field ? add->field : base->field
#define MERGE_INT(field) conf->field = add->field != OKTA_UNSET ? add->field : base->field
#define INT_OR(value, fallback) ((value) != OKTA_UNSET ? (value) : (fallback))

void *okta_create_server_conf(apr_pool_t *p, server_rec *s)
{
    okta_server_conf_t *conf = apr_pcalloc(p, sizeof(*conf));

    /* pcalloc leaves every string unset (NULL) */
    if (!s->is_virtual) {
        /* virtual hosts get it in the merge */
        conf->state = apr_pcalloc(p, sizeof(*conf->state));
        conf->state->pool = p;
    }
    conf->http_timeout = OKTA_UNSET;
    conf->clock_skew = OKTA_UNSET;
    conf->client_auth = OKTA_UNSET;
    conf->session_inactivity = OKTA_UNSET;
    conf->session_max = OKTA_UNSET;
    conf->login_timeout = OKTA_UNSET;
    conf->refresh_leeway = OKTA_UNSET;
    conf->refresh_grace = OKTA_UNSET;
    conf->trust_forwarded_proto = OKTA_UNSET;
    conf->userinfo = OKTA_UNSET;
    conf->info_access_token = OKTA_UNSET;
    conf->introspection = OKTA_UNSET;
    conf->introspection_cache = OKTA_UNSET;
    return conf;
}

void *okta_merge_server_conf(apr_pool_t *p, void *basev, void *addv)
{
    okta_server_conf_t *base = basev, *add = addv;
    okta_server_conf_t *conf = apr_pcalloc(p, sizeof(*conf));

    MERGE_PTR(issuer);
    MERGE_PTR(client_id);
    MERGE_PTR(client_secret);
    MERGE_PTR(inline_secrets);
    MERGE_PTR(redirect_uri);
    MERGE_PTR(redirect_path);
    MERGE_PTR(silent_redirect_uri);
    MERGE_PTR(silent_redirect_path);
    MERGE_PTR(scope);
    MERGE_PTR(passphrase);
    MERGE_PTR(keys);
    MERGE_PTR(remote_user_claim);
    MERGE_PTR(logout_path);
    MERGE_PTR(session_cookie);
    MERGE_PTR(login_cookie);
    MERGE_PTR(post_logout_redirect_uri);
    MERGE_PTR(ca_file);
    MERGE_INT(http_timeout);
    MERGE_INT(clock_skew);
    MERGE_INT(client_auth);
    MERGE_INT(session_inactivity);
    MERGE_INT(session_max);
    MERGE_INT(login_timeout);
    MERGE_INT(refresh_leeway);
    MERGE_INT(refresh_grace);
    MERGE_INT(trust_forwarded_proto);
    MERGE_PTR(trusted_proxies);
    MERGE_INT(userinfo);
    MERGE_PTR(groups_claim);
    MERGE_PTR(info_path);
    MERGE_INT(info_access_token);
    MERGE_PTR(token_audiences);
    MERGE_INT(introspection);
    MERGE_INT(introspection_cache);
    MERGE_PTR(state);
    return conf;
}

void *okta_create_dir_conf(apr_pool_t *p, char *dir)
{
    okta_dir_conf_t *conf = apr_palloc(p, sizeof(*conf));

    (void)dir;
    conf->claim_env = OKTA_UNSET;
    conf->claim_headers = OKTA_UNSET;
    conf->unauth_action = OKTA_UNSET;
    conf->bearer = OKTA_UNSET;
    conf->pass_token = OKTA_UNSET;
    conf->token_clients = NULL;
    return conf;
}

void *okta_merge_dir_conf(apr_pool_t *p, void *basev, void *addv)
{
    okta_dir_conf_t *base = basev, *add = addv;
    okta_dir_conf_t *conf = apr_palloc(p, sizeof(*conf));

    MERGE_INT(claim_env);
    MERGE_INT(claim_headers);
    MERGE_INT(unauth_action);
    MERGE_INT(bearer);
    MERGE_INT(pass_token);
    MERGE_PTR(token_clients);
    return conf;
}

okta_server_conf_t *okta_server_conf(const request_rec *r)
{
    return ap_get_module_config(r->server->module_config, &okta_authcode_module);
}

okta_client_auth_t okta_client_auth_in_use(const okta_server_conf_t *sc,
                                           const okta_provider_meta_t *meta)
{
    if (sc->client_auth != OKTA_CLIENT_AUTH_AUTO) {
        return sc->client_auth;
    }
    return meta->offers_basic || !meta->offers_post
               ? OKTA_CLIENT_AUTH_BASIC
               : OKTA_CLIENT_AUTH_POST;
}

okta_module_state_t *okta_module_state(const server_rec *s)
{
    okta_server_conf_t *sc = ap_get_module_config(s->module_config, &okta_authcode_module);

    return sc->state;
}

okta_dir_conf_t *okta_dir_conf(const request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &okta_authcode_module);
}

/* Fills in what was left unset, so request code reads plain values. */
static void apply_defaults(okta_server_conf_t *sc)
{
    if (!sc->redirect_uri) {
        sc->redirect_uri = sc->redirect_path = DEFAULT_REDIRECT_PATH;
    }
    if (!sc->silent_redirect_uri) {
        sc->silent_redirect_uri = sc->silent_redirect_path = DEFAULT_SILENT_REDIRECT_PATH;
    }
    if (!sc->scope) {
        sc->scope = DEFAULT_SCOPE;
    }
    if (!sc->remote_user_claim) {
        sc->remote_user_claim = DEFAULT_REMOTE_USER_CLAIM;
    }
    if (!sc->session_cookie) {
        sc->session_cookie = OKTA_HTTPS_COOKIE_PREFIX DEFAULT_SESSION_COOKIE;
    }
    if (!sc->login_cookie) {
        sc->login_cookie = OKTA_HTTPS_COOKIE_PREFIX DEFAULT_LOGIN_COOKIE;
    }
    sc->http_timeout = INT_OR(sc->http_timeout, DEFAULT_HTTP_TIMEOUT);
    sc->clock_skew = INT_OR(sc->clock_skew, DEFAULT_CLOCK_SKEW);
    sc->client_auth = INT_OR(sc->client_auth, OKTA_CLIENT_AUTH_AUTO);
    sc->session_inactivity = INT_OR(sc->session_inactivity, DEFAULT_SESSION_INACTIVITY);
    sc->session_max = INT_OR(sc->session_max, DEFAULT_SESSION_MAX);
    sc->login_timeout = INT_OR(sc->login_timeout, DEFAULT_LOGIN_TIMEOUT);
    sc->refresh_leeway = INT_OR(sc->refresh_leeway, DEFAULT_REFRESH_LEEWAY);
    sc->refresh_grace = INT_OR(sc->refresh_grace, DEFAULT_REFRESH_GRACE);
    sc->trust_forwarded_proto = INT_OR(sc->trust_forwarded_proto, 0);
    sc->userinfo = INT_OR(sc->userinfo, 1);
    if (!sc->groups_claim) {
        sc->groups_claim = DEFAULT_GROUPS_CLAIM;
    }
    sc->info_access_token = INT_OR(sc->info_access_token, 0);
    if (!sc->token_audiences) {
        /* Okta's default server's audience, and the Client ID that Okta's
         * setup guide makes a custom server's Audience */
        sc->token_audiences = apr_array_make(sc->state->pool, 2, sizeof(const char *));
        APR_ARRAY_PUSH(sc->token_audiences, const char *) = DEFAULT_TOKEN_AUDIENCE;
        if (sc->client_id) {
            APR_ARRAY_PUSH(sc->token_audiences, const char *) = sc->client_id;
        }
    }
    sc->introspection = INT_OR(sc->introspection, OKTA_INTROSPECT_OFF);
    sc->introspection_cache = INT_OR(sc->introspection_cache, DEFAULT_INTROSPECTION_CACHE);
}

/* What okta_settings_check is told of a server. */
static okta_settings_t settings_of(const okta_server_conf_t *sc)
{
    okta_settings_t settings = { sc->issuer, sc->client_id, sc->client_secret,
                                 sc->passphrase, sc->redirect_path, sc->silent_redirect_path,
                                 sc->logout_path, sc->info_path,
                                 okta_cookie_name(sc->session_cookie, 0),
                                 okta_cookie_name(sc->login_cookie, 0) };
    return settings;
}

/* Where a server's settings are: "" for the main server's. */
static const char *server_named(apr_pool_t *p, const server_rec *s)
{
    return s->is_virtual ? apr_psprintf(p, "<VirtualHost> at %s:%d: ", s->defn_name,
                                        s->defn_line_number)
                         : "";
}

int okta_config_check(apr_pool_t *ptemp, server_rec *s)
{
    for (; s; s = s->next) {
        okta_server_conf_t *sc = ap_get_module_config(s->module_config, &okta_authcode_module);
        okta_settings_t settings;
        const char *why = NULL;

        apply_defaults(sc);
        settings = settings_of(sc);
        switch (okta_settings_check(&settings, ptemp, &why)) {
        case OKTA_SETTINGS_OK:
            continue;
        case OKTA_SETTINGS_MISSING:
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, OKTALOGNO(00001) "%s%s",
                         server_named(ptemp, s), why);
            break;
        case OKTA_SETTINGS_NO_SECRET:
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, OKTALOGNO(00002) "%s%s",
                         server_named(ptemp, s), why);
            break;
        case OKTA_SETTINGS_PATH_TAKEN:
        case OKTA_SETTINGS_COOKIE_TAKEN:
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, OKTALOGNO(00054) "%s%s",
                         server_named(ptemp, s), why);
            break;
        }
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

/* ---- directive handlers ----------------------------------------------- */

static okta_server_conf_t *cmd_server_conf(cmd_parms *cmd)
{
    return ap_get_module_config(cmd->server->module_config, &okta_authcode_module);
}

const char *okta_set_issuer(cmd_parms *cmd, void *dummy, const char *arg)
{
    okta_server_conf_t *sc = cmd_server_conf(cmd);
    apr_uri_t uri;

    (void)dummy;
    if (apr_uri_parse(cmd->pool, arg, &uri) != APR_SUCCESS || !uri.scheme || !uri.hostname
        || uri.query || uri.fragment) {
        return apr_psprintf(cmd->pool, "OktaIssuer: '%s' is not an absolute URL without query "
                            "or fragment", arg);
    }
    if (!okta_url_is_secure_or_loopback(arg)) {
        return apr_psprintf(cmd->pool, "OktaIssuer: '%s' must use https (http is accepted "
                            "only for a loopback host such as 127.0.0.1)", arg);
    }
    sc->issuer = arg;
    return NULL;
}

/* A redirect URI is an absolute URL or a path on this server; the module
 * answers its path. */
static const char *parse_redirect_uri(cmd_parms *cmd, const char *arg, const char **uri_field,
                                      const char **path_field)
{
    apr_uri_t uri;

    if (apr_uri_parse(cmd->pool, arg, &uri) != APR_SUCCESS || !uri.path || uri.path[0] != '/'
        || uri.query || uri.fragment) {
        return apr_psprintf(cmd->pool, "%s: '%s' is neither an absolute URL nor a path "
                            "starting with '/'", cmd->cmd->name, arg);
    }
    if (uri.scheme && !okta_url_is_secure_or_loopback(arg)) {
        return apr_psprintf(cmd->pool, "%s: use https (http only on a loopback host)",
                            cmd->cmd->name);
    }
    *uri_field = arg;
    *path_field = uri.path;
    return NULL;
}

/* The provider sends the browser there: an absolute URL it was registered
 * as, https but on a loopback host. */
const char *okta_set_post_logout_redirect_uri(cmd_parms *cmd, void *dummy, const char *arg)
{
    apr_uri_t uri;

    (void)dummy;
    if (apr_uri_parse(cmd->pool, arg, &uri) != APR_SUCCESS || !uri.scheme || !uri.hostname) {
        return apr_psprintf(cmd->pool, "OktaPostLogoutRedirectURI: '%s' is not an absolute "
                            "URL (the provider needs one, as registered in the Okta app)", arg);
    }
    if (!okta_url_is_secure_or_loopback(arg)) {
        return "OktaPostLogoutRedirectURI: use https (http only on a loopback host)";
    }
    cmd_server_conf(cmd)->post_logout_redirect_uri = arg;
    return NULL;
}

/* Read by apache2's children at each exchange with the provider: a path
 * that is not there would fail every sign-in, not the start.  (Checked as
 * root, when Apache starts: the file must also be readable by the user
 * the children run as.) */
const char *okta_set_ca_file(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *path = ap_server_root_relative(cmd->pool, arg);
    apr_file_t *f;

    (void)dummy;
    if (!path || apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool) != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "OktaCAFile: cannot read %s", arg);
    }
    apr_file_close(f);
    cmd_server_conf(cmd)->ca_file = path;
    return NULL;
}

const char *okta_set_redirect_uri(cmd_parms *cmd, void *dummy, const char *arg)
{
    okta_server_conf_t *sc = cmd_server_conf(cmd);

    (void)dummy;
    return parse_redirect_uri(cmd, arg, &sc->redirect_uri, &sc->redirect_path);
}

const char *okta_set_silent_redirect_uri(cmd_parms *cmd, void *dummy, const char *arg)
{
    okta_server_conf_t *sc = cmd_server_conf(cmd);

    (void)dummy;
    if (strcasecmp(arg, "Off") == 0) {
        sc->silent_redirect_uri = sc->silent_redirect_path = "";
        return NULL;
    }
    return parse_redirect_uri(cmd, arg, &sc->silent_redirect_uri, &sc->silent_redirect_path);
}

/* A directive taking one of a few words: sets *field to the word's value
 * (words compared without case), or returns `usage`. */
typedef struct {
    const char *word;
    int value;
} keyword_t;

static const char *set_keyword(int *field, const char *arg, const keyword_t *words,
                               const char *usage)
{
    for (; words->word; words++) {
        if (strcasecmp(arg, words->word) == 0) {
            *field = words->value;
            return NULL;
        }
    }
    return usage;
}

const char *okta_set_unauth_action(cmd_parms *cmd, void *dirconf, const char *arg)
{
    static const keyword_t actions[] = {
        { "auth", OKTA_UNAUTH_AUTH }, { "401", OKTA_UNAUTH_401 }, { "pass", OKTA_UNAUTH_PASS },
        { NULL, 0 }
    };

    (void)cmd;
    return set_keyword(&((okta_dir_conf_t *)dirconf)->unauth_action, arg, actions,
                       "OktaUnauthAction: auth, 401 or pass");
}

const char *okta_set_bearer(cmd_parms *cmd, void *dirconf, const char *arg)
{
    static const keyword_t modes[] = {
        { "Off", OKTA_BEARER_OFF }, { "On", OKTA_BEARER_ON }, { "Only", OKTA_BEARER_ONLY },
        { NULL, 0 }
    };

    (void)cmd;
    return set_keyword(&((okta_dir_conf_t *)dirconf)->bearer, arg, modes,
                       "OktaBearer: Off, On or Only");
}

const char *okta_set_pass_token(cmd_parms *cmd, void *dirconf, const char *arg)
{
    static const keyword_t tokens[] = {
        { "Off", OKTA_PASS_TOKEN_OFF }, { "IDToken", OKTA_PASS_ID_TOKEN },
        { "AccessToken", OKTA_PASS_ACCESS_TOKEN }, { NULL, 0 }
    };

    (void)cmd;
    return set_keyword(&((okta_dir_conf_t *)dirconf)->pass_token, arg, tokens,
                       "OktaPassToken: Off, IDToken or AccessToken");
}

const char *okta_set_introspection(cmd_parms *cmd, void *dummy, const char *arg)
{
    static const keyword_t modes[] = {
        { "Off", OKTA_INTROSPECT_OFF }, { "On", OKTA_INTROSPECT_OPAQUE },
        { "All", OKTA_INTROSPECT_ALL }, { NULL, 0 }
    };

    (void)dummy;
    return set_keyword(&cmd_server_conf(cmd)->introspection, arg, modes,
                       "OktaTokenIntrospection: Off, On or All");
}

/* A list directive given again in a narrower scope replaces the wider
 * one's list instead of adding to it: the list is this scope's own. */
static void add_to_list(apr_pool_t *p, apr_array_header_t **list, const char *item)
{
    if (!*list) {
        *list = apr_array_make(p, 2, sizeof(const char *));
    }
    APR_ARRAY_PUSH(*list, const char *) = item;
}

const char *okta_add_token_audience(cmd_parms *cmd, void *dummy, const char *arg)
{
    (void)dummy;
    add_to_list(cmd->pool, &cmd_server_conf(cmd)->token_audiences, arg);
    return NULL;
}

const char *okta_add_trusted_proxy(cmd_parms *cmd, void *dummy, const char *arg)
{
    okta_server_conf_t *sc = cmd_server_conf(cmd);
    char *address = apr_pstrdup(cmd->temp_pool, arg), *bits = strchr(address, '/');
    apr_ipsubnet_t *subnet;

    (void)dummy;
    if (bits) {
        *bits++ = '\0';
    }
    if (apr_ipsubnet_create(&subnet, address, bits, cmd->pool) != APR_SUCCESS) {
        return apr_psprintf(cmd->pool, "%s %s: an IP address or a network (192.0.2.0/24, "
                            "2001:db8::/32) of a proxy or load balancer",
                            cmd->cmd->name, arg);
    }
    if (!sc->trusted_proxies) {
        sc->trusted_proxies = apr_array_make(cmd->pool, 2, sizeof(apr_ipsubnet_t *));
    }
    APR_ARRAY_PUSH(sc->trusted_proxies, apr_ipsubnet_t *) = subnet;
    return NULL;
}

const char *okta_add_token_client(cmd_parms *cmd, void *dirconf, const char *arg)
{
    add_to_list(cmd->pool, &((okta_dir_conf_t *)dirconf)->token_clients, arg);
    return NULL;
}

static const char *set_local_path(cmd_parms *cmd, const char *arg, const char **field)
{
    if (arg[0] != '/' || strchr(arg, '?') || strchr(arg, '#')) {
        return apr_psprintf(cmd->pool, "%s: '%s' must be a path starting with '/'",
                            cmd->cmd->name, arg);
    }
    *field = arg;
    return NULL;
}

/* Kept as the https name (okta_cookie_name gives the plain one): made once
 * here, never per request. */
const char *okta_set_cookie_name(cmd_parms *cmd, void *dummy, const char *arg)
{
    (void)dummy;
    if (!okta_cookie_name_usable(arg)) {
        return apr_psprintf(cmd->pool, "%s %s: a cookie name is letters, digits and "
                            "!#$%%&'*+-.^_`|~, without __Host- or __Secure- (the module adds "
                            "__Host- on https itself)",
                            cmd->cmd->name, arg);
    }
    *(const char **)((char *)cmd_server_conf(cmd) + (apr_size_t)cmd->info) =
        apr_pstrcat(cmd->pool, OKTA_HTTPS_COOKIE_PREFIX, arg, NULL);
    return NULL;
}

const char *okta_set_server_path(cmd_parms *cmd, void *dummy, const char *arg)
{
    (void)dummy;
    return set_local_path(cmd, arg,
                          (const char **)((char *)cmd_server_conf(cmd) + (apr_size_t)cmd->info));
}

/* A secret given as "file:/path" (first line of the file) or "env:NAME"
 * stays out of the configuration files; anything else is the secret. */
static const char *read_secret(cmd_parms *cmd, const char *arg, const char **secret)
{
    if (strncmp(arg, "env:", 4) == 0) {
        if (!(*secret = getenv(arg + 4)) || !**secret) {
            return apr_psprintf(cmd->pool, "%s: environment variable %s is not set",
                                cmd->cmd->name, arg + 4);
        }
        *secret = apr_pstrdup(cmd->pool, *secret);
        return NULL;
    }
    if (strncmp(arg, "file:", 5) == 0) {
        const char *path = ap_server_root_relative(cmd->temp_pool, arg + 5);
        apr_file_t *f;
        char line[1024];

        if (!path || apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool) != APR_SUCCESS) {
            return apr_psprintf(cmd->pool, "%s: cannot read %s", cmd->cmd->name, arg + 5);
        }
        line[0] = '\0';
        apr_file_gets(line, sizeof(line), f);
        apr_file_close(f);
        line[strcspn(line, "\r\n")] = '\0';
        if (!*line) {
            return apr_psprintf(cmd->pool, "%s: %s is empty", cmd->cmd->name, arg + 5);
        }
        *secret = apr_pstrdup(cmd->pool, line);
        return NULL;
    }
    *secret = arg;
    return NULL;
}

/* A secret written in the configuration, rather than file: or env:, is
 * read by whoever reads the configuration (the setup check says so). */
static int is_inline(const char *arg)
{
    return strncmp(arg, "env:", 4) != 0 && strncmp(arg, "file:", 5) != 0;
}

const char *okta_set_client_secret(cmd_parms *cmd, void *dummy, const char *arg)
{
    okta_server_conf_t *sc = cmd_server_conf(cmd);

    (void)dummy;
    sc->inline_secrets = is_inline(arg) ? apr_pstrcat(cmd->pool, "OktaClientSecret",
                                                      sc->inline_secrets ? ", " : "",
                                                      sc->inline_secrets, NULL)
                                        : sc->inline_secrets;
    return read_secret(cmd, arg, &sc->client_secret);
}

const char *okta_set_passphrase(cmd_parms *cmd, void *dummy, const char *arg)
{
    okta_server_conf_t *sc = cmd_server_conf(cmd);
    const char *err;

    (void)dummy;
    if (is_inline(arg)) {
        sc->inline_secrets = apr_pstrcat(cmd->pool, sc->inline_secrets ? sc->inline_secrets : "",
                                         sc->inline_secrets ? ", " : "", "OktaCryptoPassphrase",
                                         NULL);
    }
    if ((err = read_secret(cmd, arg, &arg)) != NULL) {
        return err;
    }
    if (!okta_secret_is_strong(cmd->temp_pool, arg)) {
        return "OktaCryptoPassphrase: use 32 random bytes in base64, as `openssl rand -base64 "
               "32` prints them: keys derived from a guessable passphrase could be found by "
               "anyone who reads the session cache";
    }
    sc->passphrase = arg;
    if (!(sc->keys = okta_keys_derive(cmd->pool, arg))) {
        return "OktaCryptoPassphrase: key derivation failed (OpenSSL)";
    }
    return NULL;
}

const char *okta_set_server_string(cmd_parms *cmd, void *dummy, const char *arg)
{
    (void)dummy;
    *(const char **)((char *)cmd_server_conf(cmd) + (apr_size_t)cmd->info) = arg;
    return NULL;
}

static const char *parse_seconds(cmd_parms *cmd, const char *arg, long min, int *field)
{
    char *end;
    long v = strtol(arg, &end, 10);

    if (end == arg || *end || v < 0 || v > 365L * 86400) {
        return apr_psprintf(cmd->pool, "%s: '%s' is not a number of seconds", cmd->cmd->name,
                            arg);
    }
    if (v < min) {
        return apr_psprintf(cmd->pool, "%s: '%s': use at least %ld second%s", cmd->cmd->name,
                            arg, min, min == 1 ? "" : "s");
    }
    *field = (int)v;
    return NULL;
}

static int *server_int_field(cmd_parms *cmd)
{
    return (int *)((char *)cmd_server_conf(cmd) + (apr_size_t)cmd->info);
}

/* Clock skew, refresh leeway and grace: 0 is a meaningful setting. */
const char *okta_set_server_seconds(cmd_parms *cmd, void *dummy, const char *arg)
{
    (void)dummy;
    return parse_seconds(cmd, arg, 0, server_int_field(cmd));
}

/* Timeouts and lifetimes, where 0 would mean no limit at all (libcurl's
 * timeouts) or ending every session or sign-in at once. */
const char *okta_set_server_duration(cmd_parms *cmd, void *dummy, const char *arg)
{
    (void)dummy;
    return parse_seconds(cmd, arg, 1, server_int_field(cmd));
}

const char *okta_set_server_flag(cmd_parms *cmd, void *dummy, int flag)
{
    (void)dummy;
    *server_int_field(cmd) = flag;
    return NULL;
}

const char *okta_set_client_auth(cmd_parms *cmd, void *dummy, const char *arg)
{
    static const keyword_t methods[] = {
        { "client_secret_basic", OKTA_CLIENT_AUTH_BASIC },
        { "client_secret_post", OKTA_CLIENT_AUTH_POST }, { NULL, 0 }
    };

    (void)dummy;
    return set_keyword(&cmd_server_conf(cmd)->client_auth, arg, methods,
                       "OktaTokenEndpointAuth: client_secret_basic or client_secret_post");
}
