/* What the module answers with: its pages, the URLs and cookies it hands
 * the browser, as the browser sees this server (behind a TLS-terminating
 * proxy too, with OktaTrustForwardedProto). */
#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>

#include "mod_okta_response.h"

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

const char *okta_public_scheme(request_rec *r)
{
    const char *forwarded;

    if (okta_server_conf(r)->trust_forwarded_proto
        && (forwarded = apr_table_get(r->headers_in, "X-Forwarded-Proto"))) {
        /* a chain of proxies lists the first hop first */
        return strncasecmp(forwarded, "https", 5) == 0 ? "https" : "http";
    }
    return ap_http_scheme(r);
}

const char *okta_public_url(request_rec *r, const char *path)
{
    const char *host = apr_table_get(r->headers_in, "Host");

    if (okta_server_conf(r)->trust_forwarded_proto && host
        && apr_table_get(r->headers_in, "X-Forwarded-Proto")) {
        /* the backend's port means nothing to the browser */
        return apr_pstrcat(r->pool, okta_public_scheme(r), "://", host, path, NULL);
    }
    return ap_construct_url(r->pool, path, r);
}

int okta_error_page(request_rec *r, int status, const char *title, const char *detail)
{
    return page(r, status, title, detail, "", 0);
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

const char *okta_cookie(request_rec *r, const char *name, const char *value, int max_age)
{
    int secure = strcmp(okta_public_scheme(r), "https") == 0;

    return apr_psprintf(r->pool, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s", name, value,
                        secure ? "; Secure" : "",
                        max_age >= 0 ? apr_psprintf(r->pool, "; Max-Age=%d", max_age) : "");
}
