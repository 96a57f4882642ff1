/* Sessions: the cookie that names one, loading and saving it in the cache,
 * its time limits, and signing out.  Loading a valid session is the hot
 * path: at most one cache read and one decryption (none when this process
 * remembers the session unchanged), no JSON and no outbound call. */
#include <apr_lib.h>
#include <apr_strings.h>
#include <http_protocol.h>
#include <util_script.h>

#include "mod_okta_authcode.h"
#include "okta_util.h"

#define SESSION_KIND "session"
#define SESSION_ID_LEN 43 /* 32 random bytes in base64url */
#define SESSION_END_GRACE 60 /* seconds */

const char *okta_cookie(request_rec *r, const char *name, const char *value, int max_age)
{
    int secure = strcmp(okta_public_scheme(r), "https") == 0;

    return apr_psprintf(r->pool, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value,
                        secure ? "; Secure" : "",
                        max_age >= 0 ? apr_psprintf(r->pool, "; Max-Age=%d", max_age) : "");
}

int okta_session_cookie_present(request_rec *r)
{
    const char *header = apr_table_get(r->headers_in, "Cookie");
    const char *value;
    apr_size_t len;

    return header && okta_cookie_find(header, OKTA_SESSION_COOKIE, &value, &len) != 0;
}

void okta_session_end(request_rec *r, const okta_session_ref_t *ref, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, OKTALOGNO(00026) "session of %s has ended (%s)",
                  ref->session.user, why);
    okta_store_remove(r, SESSION_KIND, ref->id);
}

static const char *session_id_from_cookie(request_rec *r)
{
    const char *header = apr_table_get(r->headers_in, "Cookie");
    const char *value;
    apr_size_t len, i;

    if (!header || okta_cookie_find(header, OKTA_SESSION_COOKIE, &value, &len) != 1
        || len != SESSION_ID_LEN) {
        return NULL;
    }
    for (i = 0; i < len; i++) {
        if (!apr_isalnum(value[i]) && value[i] != '-' && value[i] != '_') {
            return NULL;
        }
    }
    return apr_pstrmemdup(r->pool, value, len);
}

/* When the session ends if nothing else happens. */
static apr_int64_t session_end(const okta_server_conf_t *sc, const okta_session_t *s)
{
    apr_int64_t by_age = s->created + sc->session_max;
    apr_int64_t by_idleness = s->last_seen + sc->session_inactivity;

    return by_age < by_idleness ? by_age : by_idleness;
}

/* How long the cache keeps a record: a little past whichever limit comes
 * first, so the request that finds the session ended can say why. */
static apr_time_t cache_expiry(const okta_server_conf_t *sc, const okta_session_t *s)
{
    return apr_time_from_sec(session_end(sc, s) + SESSION_END_GRACE);
}

apr_status_t okta_session_save(request_rec *r, const char *id, const okta_session_t *s)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    unsigned char *record;
    apr_size_t len;
    apr_status_t rv = okta_session_encode(&record, &len, r->pool, s);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    return okta_store_put(r, SESSION_KIND, id, record, len, cache_expiry(sc, s));
}

/* What a request changes in a stored session: its activity time, or its
 * tokens after a refresh.  The change is applied to the record as the
 * cache holds it at that moment, so that a request recording activity
 * never brings back tokens that a refresh replaced meanwhile. */
typedef struct {
    apr_int64_t last_seen; /* 0: unchanged */
    const okta_session_t *tokens; /* NULL: unchanged */
} session_change_t;

static apr_status_t apply_change(request_rec *r, unsigned char *data, apr_size_t len,
                                 unsigned char **out, apr_size_t *outlen, apr_time_t *expiry,
                                 void *baton)
{
    const session_change_t *change = baton;
    okta_session_t s;

    if (okta_session_decode(&s, r->pool, data, len) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    if (change->last_seen > s.last_seen) {
        s.last_seen = change->last_seen;
    }
    if (change->tokens) {
        s.access_token = change->tokens->access_token;
        s.access_expires = change->tokens->access_expires;
        s.refresh_token = change->tokens->refresh_token;
        s.refresh_sent_at = change->tokens->refresh_sent_at;
        s.id_token = change->tokens->id_token;
    }
    *expiry = cache_expiry(okta_server_conf(r), &s);
    return okta_session_encode(out, outlen, r->pool, &s);
}

apr_status_t okta_session_reload(request_rec *r, okta_session_ref_t *ref)
{
    okta_session_t stored;
    unsigned char *record;
    apr_size_t len;
    apr_status_t rv;

    if ((rv = okta_store_get(r, SESSION_KIND, ref->id, &record, &len)) != APR_SUCCESS) {
        return rv;
    }
    if (okta_session_decode(&stored, r->pool, record, len) != APR_SUCCESS) {
        return APR_NOTFOUND;
    }
    ref->session.access_token = stored.access_token;
    ref->session.access_expires = stored.access_expires;
    ref->session.refresh_token = stored.refresh_token;
    ref->session.refresh_sent_at = stored.refresh_sent_at;
    ref->session.id_token = stored.id_token;
    return APR_SUCCESS;
}

apr_status_t okta_session_store_tokens(request_rec *r, const okta_session_ref_t *ref)
{
    session_change_t change = { 0, &ref->session };

    return okta_store_update(r, SESSION_KIND, ref->id, apply_change, &change);
}

/* Records activity at most every eighth of the inactivity timeout, so a
 * busy session does not rewrite its record on every request (each write
 * also uses up room in a shmcb cache).  A session may thus end up to an
 * eighth of OktaSessionInactivityTimeout early. */
static apr_int64_t touch_interval(const okta_server_conf_t *sc)
{
    return sc->session_inactivity / 8;
}

apr_status_t okta_session_load(request_rec *r, okta_session_ref_t **out)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    const char *id = session_id_from_cookie(r);
    apr_int64_t now = apr_time_sec(r->request_time);
    okta_session_ref_t *ref;
    unsigned char *record;
    apr_size_t len;
    apr_status_t rv;

    if (!id) {
        return APR_NOTFOUND;
    }
    if ((rv = okta_store_get_remembered(r, SESSION_KIND, id, &record, &len)) != APR_SUCCESS) {
        return rv;
    }
    ref = apr_palloc(r->pool, sizeof(*ref));
    ref->id = id;
    if (okta_session_decode(&ref->session, r->pool, record, len) != APR_SUCCESS
        || strcmp(ref->session.issuer, sc->issuer) != 0
        || strcmp(ref->session.client_id, sc->client_id) != 0) {
        return APR_NOTFOUND;
    }
    if (now >= session_end(sc, &ref->session)) {
        okta_session_end(r, ref, now >= ref->session.created + sc->session_max
                                     ? "OktaSessionMaxDuration"
                                     : "OktaSessionInactivityTimeout");
        return APR_NOTFOUND;
    }
    if (now - ref->session.last_seen >= touch_interval(sc)) {
        session_change_t change = { now, NULL };
        ref->session.last_seen = now;
        /* The memo may have answered for a record that a full cache has
         * since dropped: it is found out here, at the latest. */
        if (okta_store_update(r, SESSION_KIND, id, apply_change, &change) == APR_NOTFOUND) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          OKTALOGNO(00041) "the session of %s was no longer in the session "
                          "cache when its activity was recorded: ended elsewhere, or pushed "
                          "out of a full cache (make OktaSessionCache larger)",
                          ref->session.user);
            return APR_NOTFOUND;
        }
    }
    *out = ref;
    return APR_SUCCESS;
}

/* ---- signing out ---------------------------------------------------------- */

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

    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if (!token) {
        return okta_send_page(r, "Sign out", "You are not signed in.");
    }
    ap_set_content_type(r, "text/html; charset=utf-8");
    ap_rprintf(r, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Sign out</title>"
                  "</head>\n<body><h1>Sign out</h1>\n<p>Do you want to sign out?</p>\n"
                  "<form method=\"post\" action=\"%s\">"
                  "<input type=\"hidden\" name=\"token\" value=\"%s\">"
                  "<button type=\"submit\">Sign out</button></form>\n</body></html>\n",
               ap_escape_html(r->pool, okta_server_conf(r)->logout_path), token);
    return OK;
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
                   okta_cookie(r, OKTA_SESSION_COOKIE, "", 0));
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
