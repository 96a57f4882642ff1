/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_uri.h>
#include <jansson.h>

#include "okta_hints.h"
#include "okta_json.h"
#include "okta_jwt.h"
#include "okta_setup.h"
#include "okta_util.h"

okta_checks_t *okta_checks_make(apr_pool_t *p)
{
    okta_checks_t *c = apr_pcalloc(p, sizeof(*c));

    c->p = p;
    c->items = apr_array_make(p, 16, sizeof(okta_check_t));
    return c;
}

void okta_check_add(okta_checks_t *c, okta_check_status_t status, const char *name,
                    const char *text, const char *fix)
{
    okta_check_t *check = apr_array_push(c->items);

    check->status = status;
    check->name = name;
    check->text = text;
    check->fix = status == OKTA_CHECK_OK ? NULL : fix;
    c->counts[status]++;
}

const char *okta_checks_text(const okta_checks_t *c, apr_pool_t *p)
{
    static const char *const words[] = { "ok  ", "warn", "FAIL" };
    const char *text = "";
    int i;

    for (i = 0; i < c->items->nelts; i++) {
        const okta_check_t *check = &APR_ARRAY_IDX(c->items, i, okta_check_t);

        text = apr_pstrcat(p, text, "  ", words[check->status], " ", check->name, ": ",
                           check->text, "\n", check->fix ? "       fix: " : "",
                           check->fix ? check->fix : "", check->fix ? "\n" : "", NULL);
    }
    return text;
}

/* ---- discovery ---------------------------------------------------------- */

/* Okta's Dynamic issuer mode names the org URL: the origin of OktaIssuer. */
static int is_dynamic_issuer(apr_pool_t *p, const char *configured, const char *named)
{
    apr_uri_t uri;

    if (apr_uri_parse(p, configured, &uri) != APR_SUCCESS || !uri.path
        || !strstr(uri.path, "/oauth2/")) {
        return 0;
    }
    uri.path = NULL;
    return strcmp(apr_uri_unparse(p, &uri, APR_URI_UNP_OMITPATHINFO), named) == 0;
}

static void check_issuer(okta_checks_t *c, const json_t *doc, const okta_setup_t *setup)
{
    const char *named = json_string_value(json_object_get(doc, "issuer"));

    if (named && strcmp(named, setup->issuer) == 0) {
        okta_check_add(c, OKTA_CHECK_OK, "issuer", "the discovery document names OktaIssuer",
                       NULL);
    }
    else if (named && is_dynamic_issuer(c->p, setup->issuer, named)) {
        okta_check_add(c, OKTA_CHECK_FAIL, "issuer",
                       apr_psprintf(c->p, "the discovery document names \"%s\", the org URL: "
                                    "the authorization server's Issuer is in Dynamic mode",
                                    named),
                       "in Okta, Security > API > Authorization Servers > your server > "
                       "Settings: set Issuer to \"Okta URL\"");
    }
    else {
        okta_check_add(c, OKTA_CHECK_FAIL, "issuer",
                       apr_psprintf(c->p, "the discovery document names \"%s\", not OktaIssuer",
                                    named ? named : "no issuer"),
                       named ? apr_psprintf(c->p, "set OktaIssuer to \"%s\" exactly", named)
                             : "check OktaIssuer: it must be the authorization server's "
                               "Issuer URL");
    }
}

/* One capability the setup needs: ok, FAIL when the document's list lacks
 * it, warn when the document has no such list. */
static void check_listed(okta_checks_t *c, const json_t *doc, const char *name,
                         const char *list, const char *value, const char *fix)
{
    switch (okta_json_lists(doc, list, value)) {
    case 1:
        okta_check_add(c, OKTA_CHECK_OK, name, apr_psprintf(c->p, "%s has %s", list, value),
                       NULL);
        break;
    case 0:
        okta_check_add(c, OKTA_CHECK_FAIL, name, apr_psprintf(c->p, "%s lacks %s", list, value),
                       fix);
        break;
    default:
        okta_check_add(c, OKTA_CHECK_WARN, name,
                       apr_psprintf(c->p, "%s is not advertised: %s not checked", list, value),
                       fix);
    }
}

/* authorization_code, and refresh_token for offline_access: one line. */
static void check_grants(okta_checks_t *c, const json_t *doc, int refresh)
{
    int code = okta_json_lists(doc, "grant_types_supported", "authorization_code");

    if (code < 0) {
        okta_check_add(c, OKTA_CHECK_WARN, "grant_types", "grant_types_supported is not "
                       "advertised: the grants are not checked", "in Okta, App > General > "
                       "Grant type: allow Authorization Code (and Refresh Token)");
    }
    else if (!code) {
        okta_check_add(c, OKTA_CHECK_FAIL, "grant_types", "grant_types_supported lacks "
                       "authorization_code", OKTA_HINT_CODE_GRANT);
    }
    else if (refresh && okta_json_lists(doc, "grant_types_supported", "refresh_token") != 1) {
        okta_check_add(c, OKTA_CHECK_FAIL, "grant_types", "grant_types_supported lacks "
                       "refresh_token, which OktaScope's offline_access needs",
                       "in Okta, App > General > Grant type: allow Refresh Token (and in the "
                       "access policy rule), or remove offline_access from OktaScope");
    }
    else {
        okta_check_add(c, OKTA_CHECK_OK, "grant_types",
                       refresh ? "grant_types_supported has authorization_code and "
                                 "refresh_token"
                               : "grant_types_supported has authorization_code",
                       NULL);
    }
}

static void check_scopes(okta_checks_t *c, const json_t *doc, const char *scope)
{
    char *scopes = apr_pstrdup(c->p, scope), *last, *s;
    const char *missing = NULL;

    if (!json_is_array(json_object_get(doc, "scopes_supported"))) {
        okta_check_add(c, OKTA_CHECK_WARN, "scopes", "scopes_supported is not advertised: "
                       "OktaScope not checked", "make sure every scope of OktaScope exists "
                       "in the authorization server's Scopes");
        return;
    }
    for (s = apr_strtok(scopes, " ", &last); s; s = apr_strtok(NULL, " ", &last)) {
        if (okta_json_lists(doc, "scopes_supported", s) != 1) {
            missing = missing ? apr_pstrcat(c->p, missing, " ", s, NULL) : s;
        }
    }
    if (!missing) {
        okta_check_add(c, OKTA_CHECK_OK, "scopes", "scopes_supported has every scope of "
                       "OktaScope", NULL);
        return;
    }
    okta_check_add(c, OKTA_CHECK_FAIL, "scopes",
                   apr_psprintf(c->p, "scopes_supported lacks %s", missing),
                   apr_psprintf(c->p, "in Okta, Security > API > Authorization Servers > your "
                                "server > Scopes: add %s (and allow it in the access policy "
                                "rule), or remove it from OktaScope", missing));
}

/* An endpoint that a setting needs, when it is set. */
static void check_endpoint(okta_checks_t *c, const json_t *doc, const char *name,
                           const char *member, const char *fix)
{
    if (json_is_string(json_object_get(doc, member))) {
        okta_check_add(c, OKTA_CHECK_OK, name, apr_psprintf(c->p, "the provider has a %s", member),
                       NULL);
    }
    else {
        okta_check_add(c, OKTA_CHECK_FAIL, name,
                       apr_psprintf(c->p, "the provider has no %s", member), fix);
    }
}

static void check_capabilities(okta_checks_t *c, const json_t *doc, const okta_setup_t *setup)
{
    check_listed(c, doc, "response_types", "response_types_supported", "code",
                 OKTA_HINT_CODE_GRANT);
    check_listed(c, doc, "pkce", "code_challenge_methods_supported", "S256",
                 "the provider must support PKCE with S256 (Okta does)");
    check_grants(c, doc, strstr(setup->scope, "offline_access") != NULL);
    check_scopes(c, doc, setup->scope);
    if (setup->client_auth_chosen
        && okta_json_lists(doc, "token_endpoint_auth_methods_supported", setup->client_auth) == 1) {
        okta_check_add(c, OKTA_CHECK_OK, "client_auth",
                       apr_psprintf(c->p, "OktaTokenEndpointAuth is not set: %s, which the "
                                    "provider offers, is used", setup->client_auth),
                       NULL);
    }
    else {
        check_listed(c, doc, "client_auth", "token_endpoint_auth_methods_supported",
                     setup->client_auth,
                     "in Okta, App > General > Client Credentials > Client authentication: "
                     "Client secret; set OktaTokenEndpointAuth to a method the provider "
                     "offers");
    }
    if (setup->userinfo) {
        check_endpoint(c, doc, "userinfo", "userinfo_endpoint",
                       "set OktaUserInfo Off (sessions then get the ID token's claims only)");
    }
    if (setup->introspection) {
        check_endpoint(c, doc, "introspection", "introspection_endpoint",
                       "set OktaTokenIntrospection Off (bearer tokens are then JWTs checked "
                       "here alone), or use an authorization server that offers introspection "
                       "(Okta's do)");
    }
}

void okta_setup_check_discovery(okta_checks_t *c, const char *json, apr_size_t len,
                                const okta_setup_t *setup)
{
    json_t *doc = okta_json_parse_object(c->p, json, len);

    if (!doc) {
        okta_check_add(c, OKTA_CHECK_FAIL, "issuer", "the discovery document is not a JSON "
                       "object", "check OktaIssuer: for Okta it is "
                       "https://{okta-domain}/oauth2/{server-id}");
        return;
    }
    check_issuer(c, doc, setup);
    check_capabilities(c, doc, setup);
}

/* ---- keys, credentials, redirect URIs, clock --------------------------- */

void okta_setup_check_jwks(okta_checks_t *c, const char *json, apr_size_t len)
{
    okta_jwks_t *jwks;
    const char *why = NULL;
    int usable;

    if (okta_jwks_parse(&jwks, c->p, json, len, &why) != APR_SUCCESS) {
        okta_check_add(c, OKTA_CHECK_FAIL, "jwks", why, "check the provider's jwks_uri");
        return;
    }
    /* okta_jwks_parse keeps only the keys the module can use */
    usable = jwks->keys->nelts;
    if (usable) {
        okta_check_add(c, OKTA_CHECK_OK, "jwks",
                       apr_psprintf(c->p, "%d signing key%s the module can use", usable,
                                    usable == 1 ? "" : "s"),
                       NULL);
        return;
    }
    okta_check_add(c, OKTA_CHECK_FAIL, "jwks",
                   "no signing key the module can use (RSA of 2048 bits or more, or EC "
                   "P-256/384/521)",
                   "the provider must sign with RSA of 2048 bits or more, or EC P-256, "
                   "P-384 or P-521 (Okta does)");
}

void okta_setup_check_credentials(okta_checks_t *c, long status, const char *body,
                                  apr_size_t len)
{
    json_t *doc = okta_json_parse_object(c->p, body, len);
    const char *error = json_string_value(json_object_get(doc, "error"));

    if (error && strcmp(error, "invalid_grant") == 0) {
        okta_check_add(c, OKTA_CHECK_OK, "credentials",
                       "client credentials accepted (a made-up code is invalid_grant)", NULL);
    }
    else if (error && strcmp(error, "invalid_client") == 0) {
        okta_check_add(c, OKTA_CHECK_FAIL, "credentials",
                       "the token endpoint refuses the client (invalid_client)",
                       OKTA_HINT_CLIENT);
    }
    else {
        okta_check_add(c, OKTA_CHECK_WARN, "credentials",
                       apr_psprintf(c->p, "the token endpoint answered HTTP %ld%s%s", status,
                                    error ? " " : "", error ? error : ""),
                       "check OktaClientID and OktaClientSecret by signing in once");
    }
}

static int names(const char *body, const char *what)
{
    return body && strstr(body, what) != NULL;
}

void okta_setup_check_redirect(okta_checks_t *c, const char *name, const char *uri, long status,
                               const char *body)
{
    if (status >= 200 && status < 400) {
        okta_check_add(c, OKTA_CHECK_OK, name, apr_psprintf(c->p, "%s is registered", uri),
                       NULL);
    }
    else if (status == 400 && names(body, "redirect_uri")) {
        okta_check_add(c, OKTA_CHECK_FAIL, name,
                       apr_psprintf(c->p, "%s is not one of the app's redirect URIs", uri),
                       apr_psprintf(c->p, "in Okta, App > General > Sign-in redirect URIs: "
                                    "add %s", uri));
    }
    else {
        okta_check_add(c, OKTA_CHECK_WARN, name,
                       apr_psprintf(c->p, "the authorization endpoint answered HTTP %ld for "
                                    "%s", status, uri),
                       "sign in once to see whether it is registered");
    }
}

void okta_setup_check_post_logout(okta_checks_t *c, const char *uri, long status,
                                  const char *body)
{
    if (status >= 200 && status < 400) {
        okta_check_add(c, OKTA_CHECK_OK, "post_logout_redirect_uri",
                       apr_psprintf(c->p, "%s is registered", uri), NULL);
    }
    else if (status == 400 && names(body, "post_logout_redirect_uri")) {
        okta_check_add(c, OKTA_CHECK_FAIL, "post_logout_redirect_uri",
                       apr_psprintf(c->p, "%s is not one of the app's sign-out redirect URIs",
                                    uri),
                       apr_psprintf(c->p, "in Okta, App > General > Sign-out redirect URIs: "
                                    "add %s", uri));
    }
    else {
        okta_check_add(c, OKTA_CHECK_WARN, "post_logout_redirect_uri",
                       apr_psprintf(c->p, "%s not checked: the provider cannot be asked "
                                    "without a signed-in user", uri),
                       "make sure it is one of the app's Sign-out redirect URIs");
    }
}

void okta_setup_check_clock(okta_checks_t *c, apr_time_t provider_date, apr_time_t now,
                            int skew)
{
    apr_int64_t off = provider_date ? apr_time_sec(now) - apr_time_sec(provider_date) : 0;

    if (!provider_date) {
        okta_check_add(c, OKTA_CHECK_WARN, "clock", "the provider sent no Date header",
                       "make sure this server's clock is right (NTP)");
    }
    else if ((off < 0 ? -off : off) > skew / 2) {
        okta_check_add(c, OKTA_CHECK_WARN, "clock",
                       apr_psprintf(c->p, "this server's clock is %" APR_INT64_T_FMT " s %s "
                                    "the provider's", off < 0 ? -off : off,
                                    off < 0 ? "behind" : "ahead of"),
                       "synchronise this server's clock (NTP), or raise OktaClockSkew");
    }
    else {
        okta_check_add(c, OKTA_CHECK_OK, "clock",
                       apr_psprintf(c->p, "within %" APR_INT64_T_FMT " s of the provider's",
                                    off < 0 ? -off : off),
                       NULL);
    }
}
