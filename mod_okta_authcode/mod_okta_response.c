/* SPDX-License-Identifier: Apache-2.0 */
/* What the module answers with: its pages, the URLs and cookies it hands
 * the browser, as the browser sees this server (behind a proxy too, from
 * its forwarding headers: OktaTrustedProxies, OktaTrustForwardedProto). */
#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>

#include "mod_okta_response.h"
#include "okta_forwarded.h"
#include "okta_util.h"

/* `more` is HTML of the module's own, after the text ("" for none). */
static int page(request_rec *r, int status, const char *title, const char *text,
                const char *more, int send)
{
    const char *html = apr_psprintf(r->pool,
                                    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                                    "<title>%s</title></head>\n<body><h1>%s</h1>\n<p>%s</p>\n"
                                    "%s</body></html>\n",
                                    ap_escape_html(r->pool, title),
                                    ap_escape_html(r->pool, title),
                                    ap_escape_html(r->pool, text), more);

    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if (send) {
        ap_set_content_type(r, "text/html; charset=utf-8");
        ap_rputs(html, r);
        return OK;
    }
    /* A custom response is how any phase, not only a handler, can answer
     * with its own body; without httpd's charset=iso-8859-1 for error
     * responses, the page's own utf-8 holds. */
    apr_table_setn(r->subprocess_env, "suppress-error-charset", "1");
    ap_custom_response(r, status, html);
    return status;
}

/* 1 when the connection comes from a proxy whose forwarding headers the
 * operator trusts: OktaTrustedProxies lists it, or OktaTrustForwardedProto
 * is On without a list (any peer: Apache reachable through the proxy only). */
static int from_trusted_proxy(request_rec *r)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    int i;

    if (!sc->trusted_proxies) {
        return sc->trust_forwarded_proto == 1;
    }
    for (i = 0; i < sc->trusted_proxies->nelts; i++) {
        if (apr_ipsubnet_test(APR_ARRAY_IDX(sc->trusted_proxies, i, apr_ipsubnet_t *),
                              r->connection->client_addr)) {
            return 1;
        }
    }
    return 0;
}

/* The browser's scheme and host as a trusted proxy forwards them (none
 * from anyone else). */
static okta_forwarded_t forwarded_view(request_rec *r)
{
    okta_forwarding_headers_t headers = { NULL, NULL, NULL, NULL };
    okta_forwarded_t none = { NULL, NULL };

    if (!from_trusted_proxy(r)) {
        return none;
    }
    headers.forwarded = apr_table_get(r->headers_in, "Forwarded");
    headers.proto = apr_table_get(r->headers_in, "X-Forwarded-Proto");
    headers.host = apr_table_get(r->headers_in, "X-Forwarded-Host");
    headers.port = apr_table_get(r->headers_in, "X-Forwarded-Port");
    return okta_forwarded_view(r->pool, &headers);
}

/* "https" or "http" as the browser sees it. */
static const char *public_scheme(request_rec *r)
{
    okta_forwarded_t view = forwarded_view(r);

    return view.scheme ? view.scheme : ap_http_scheme(r);
}

const char *okta_public_url(request_rec *r, const char *path)
{
    okta_forwarded_t view = forwarded_view(r);
    const char *host = view.host ? view.host : apr_table_get(r->headers_in, "Host");

    if ((view.scheme || view.host) && host) {
        /* the backend's port means nothing to the browser */
        return apr_pstrcat(r->pool, view.scheme ? view.scheme : ap_http_scheme(r), "://", host,
                           path, NULL);
    }
    return ap_construct_url(r->pool, path, r);
}

void okta_set_nosniff(apr_table_t *headers)
{
    /* a browser that sniffed HTML in a claim would run it as the site's */
    apr_table_setn(headers, "X-Content-Type-Options", "nosniff");
}

int okta_error_page(request_rec *r, int status, const char *title, const char *detail)
{
    return page(r, status, title, detail, "", 0);
}

/* httpd sends every error response as text/html: a filter of the error
 * response sets the JSON type before the headers go out. */
#define JSON_ERROR_NOTE "okta-json-error"
ap_filter_rec_t *okta_json_type_filter;

apr_status_t okta_set_json_type(ap_filter_t *f, apr_bucket_brigade *bb)
{
    ap_set_content_type(f->r, "application/json");
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

void okta_insert_json_type(request_rec *r)
{
    if (apr_table_get(r->notes, JSON_ERROR_NOTE)) {
        ap_add_output_filter_handle(okta_json_type_filter, NULL, r, r->connection);
    }
}

int okta_error_json(request_rec *r, int status, const char *json)
{
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    okta_set_nosniff(r->err_headers_out);
    apr_table_setn(r->notes, JSON_ERROR_NOTE, "1");
    apr_table_setn(r->subprocess_env, "suppress-error-charset", "1");
    ap_custom_response(r, status, json);
    return status;
}

int okta_send_page(request_rec *r, const char *title, const char *text)
{
    return page(r, HTTP_OK, title, text, "", 1);
}

int okta_send_button_page(request_rec *r, const char *title, const char *text,
                          const char *action, const char *token, const char *button)
{
    return page(r, HTTP_OK, title, text,
                apr_psprintf(r->pool,
                             "<form method=\"post\" action=\"%s\">"
                             "<input type=\"hidden\" name=\"token\" value=\"%s\">"
                             "<button type=\"submit\">%s</button></form>\n",
                             ap_escape_html(r->pool, action), ap_escape_html(r->pool, token),
                             ap_escape_html(r->pool, button)),
                1);
}

/* The Cookie header a request had before okta_take_module_cookies, in its
 * notes; an internal redirect shares its headers_in with the request it
 * replaces (r->prev), a subrequest copies its main request's. */
#define SENT_COOKIES_NOTE "okta-sent-cookies"

static const char *sent_cookies(const request_rec *r)
{
    for (; r; r = r->prev ? r->prev : r->main) {
        const char *sent = apr_table_get(r->notes, SENT_COOKIES_NOTE);
        if (sent) {
            return sent;
        }
    }
    return NULL;
}

const char *okta_request_cookies(const request_rec *r)
{
    const char *sent = sent_cookies(r);

    return sent ? sent : apr_table_get(r->headers_in, "Cookie");
}

void okta_take_module_cookies(request_rec *r)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    const char *header = apr_table_get(r->headers_in, "Cookie");
    const char *names[4], *rest;

    if (!header || !sc->issuer) {
        return;
    }
    names[0] = sc->session_cookie;
    names[1] = okta_cookie_name(sc->session_cookie, 0);
    names[2] = sc->login_cookie;
    names[3] = okta_cookie_name(sc->login_cookie, 0);
    rest = okta_cookie_header_without(r->pool, header, names, 4);
    if (rest == header) {
        return;
    }
    if (!sent_cookies(r)) {
        apr_table_setn(r->notes, SENT_COOKIES_NOTE, header);
    }
    if (*rest) {
        apr_table_setn(r->headers_in, "Cookie", rest);
    }
    else {
        apr_table_unset(r->headers_in, "Cookie");
    }
}

void okta_restore_module_cookies(request_rec *r)
{
    const char *sent = sent_cookies(r);

    if (sent) {
        apr_table_setn(r->headers_in, "Cookie", sent);
    }
}

const char *okta_site_cookie_name(request_rec *r, const char *name)
{
    return okta_cookie_name(name, strcmp(public_scheme(r), "https") == 0);
}

const char *okta_cookie(request_rec *r, const char *name, const char *value, int max_age)
{
    int secure = strcmp(public_scheme(r), "https") == 0;

    /* __Host- needs exactly these: Secure, Path=/, no Domain */
    return apr_psprintf(r->pool, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
                        okta_cookie_name(name, secure), value, secure ? "; Secure" : "",
                        max_age >= 0 ? apr_psprintf(r->pool, "; Max-Age=%d", max_age) : "");
}
