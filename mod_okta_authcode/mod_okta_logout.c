/* SPDX-License-Identifier: Apache-2.0 */
/* Signing out at OktaLogoutURI: the session ends here and, through the
 * provider's end_session_endpoint, there; but only when the user asked on
 * this site (logout CSRF). */
#include <apr_buckets.h>
#include <apr_strings.h>
#include <http_protocol.h>
#include <util_script.h>

#include "mod_okta_logout.h"
#include "mod_okta_provider.h"
#include "mod_okta_response.h"
#include "mod_okta_session.h"
#include "okta_util.h"

#define LOGOUT_TOKEN_KIND "logout-token"
#define LOGOUT_FORM_MAX 4096

/* The confirmation form's token: bound to the session, unknown to other
 * sites (an HMAC of the session id under the server's key). */
static const char *logout_token(request_rec *r, const okta_session_ref_t *ref)
{
    unsigned char mac[OKTA_CACHE_KEY_LEN];

    if (okta_cache_key(mac, okta_server_conf(r)->keys, LOGOUT_TOKEN_KIND, ref->id)
        != APR_SUCCESS) {
        return NULL;
    }
    return okta_b64url_encode(r->pool, mac, sizeof(mac));
}

/* Whether the request comes from this site itself, as browsers tell: Fetch
 * Metadata, else Origin, else Referer.  A request that tells nothing is
 * not taken as coming from here. */
static int from_this_site(request_rec *r)
{
    const char *site = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    const char *origin = apr_table_get(r->headers_in, "Origin");
    const char *referer = apr_table_get(r->headers_in, "Referer");
    const char *ours = okta_public_url(r, "");
    apr_size_t len = strlen(ours);

    if (site) {
        return strcasecmp(site, "same-origin") == 0 || strcasecmp(site, "none") == 0;
    }
    if (origin) {
        return strcasecmp(origin, ours) == 0;
    }
    return referer && strncasecmp(referer, ours, len) == 0 && referer[len] == '/';
}

/* A POST of the confirmation form, with this session's token. */
static int confirmed_by_form(request_rec *r, const okta_session_ref_t *ref)
{
    apr_array_header_t *pairs = NULL;
    const char *expected;
    int i;

    if (r->method_number != M_POST || !(expected = logout_token(r, ref))
        || ap_parse_form_data(r, NULL, &pairs, 8, LOGOUT_FORM_MAX) != OK || !pairs) {
        return 0;
    }
    for (i = 0; i < pairs->nelts; i++) {
        ap_form_pair_t *pair = &APR_ARRAY_IDX(pairs, i, ap_form_pair_t);
        char value[128];
        apr_size_t len = sizeof(value) - 1;

        if (strcmp(pair->name, "token") == 0
            && apr_brigade_flatten(pair->value, value, &len) == APR_SUCCESS) {
            value[len] = '\0';
            return okta_ct_streq(value, expected);
        }
    }
    return 0;
}

/* Asks the user to sign out with a button: what a request from another
 * site gets, which must not sign anyone out (logout CSRF). */
static int confirm_page(request_rec *r, const okta_session_ref_t *ref)
{
    const char *token = ref ? logout_token(r, ref) : NULL;

    if (!token) {
        return okta_send_page(r, "Sign out", "You are not signed in.");
    }
    return okta_send_button_page(r, "Sign out", "Do you want to sign out?",
                                 okta_server_conf(r)->logout_path, token, "Sign out");
}

/* Where the browser goes once signed out: the provider's end_session
 * endpoint (it needs the ID token as a hint), else the post-logout URI. */
static const char *after_logout_url(request_rec *r, const okta_session_ref_t *ref)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    const okta_provider_meta_t *meta;
    const char *url;
    int status;

    if (ref && (meta = okta_provider_meta(r, &status)) && meta->end_session_endpoint) {
        url = apr_pstrcat(r->pool, meta->end_session_endpoint,
                          ap_strchr_c(meta->end_session_endpoint, '?') ? "&" : "?",
                          "id_token_hint=", okta_url_encode(r->pool, ref->session.id_token),
                          "&client_id=", okta_url_encode(r->pool, sc->client_id), NULL);
        if (sc->post_logout_redirect_uri) {
            url = apr_pstrcat(r->pool, url, "&post_logout_redirect_uri=",
                              okta_url_encode(r->pool, sc->post_logout_redirect_uri), NULL);
        }
        return url;
    }
    return sc->post_logout_redirect_uri;
}

int okta_logout(request_rec *r)
{
    okta_session_ref_t *ref = NULL;
    const char *url;

    if (okta_session_load(r, &ref) != APR_SUCCESS) {
        ref = NULL;
    }
    if (!from_this_site(r) && !(ref && confirmed_by_form(r, ref))) {
        return confirm_page(r, ref);
    }
    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   okta_cookie(r, okta_server_conf(r)->session_cookie, "", 0));
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if (ref) {
        okta_session_end(r, ref, "signed out");
    }
    if (!(url = after_logout_url(r, ref))) {
        return okta_send_page(r, "Signed out", "You have been signed out.");
    }
    apr_table_setn(r->err_headers_out, "Location", url);
    return HTTP_MOVED_TEMPORARILY;
}
