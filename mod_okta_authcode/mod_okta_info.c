/* SPDX-License-Identifier: Apache-2.0 */
/* The session info endpoint (OktaInfoURI): who is signed in, as JSON, for
 * single-page applications behind the module.  A script asks it, so the
 * answer is never a redirect to sign in: a 401 tells the script to send
 * the browser to a protected page.  Not on the hot path: the claims are
 * read from their JSON form here. */
#include <apr_strings.h>
#include <http_protocol.h>

#include "mod_okta_info.h"
#include "mod_okta_refresh.h"
#include "mod_okta_response.h"
#include "mod_okta_session.h"

/* Sends `doc` with `status` from the quick handler; returns OK. */
static int send_json(request_rec *r, int status, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);

    json_decref(doc);
    r->status = status;
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    okta_set_nosniff(r->headers_out);
    ap_set_content_type(r, "application/json");
    if (text) {
        ap_rputs(text, r);
        ap_rputs("\n", r);
        free(text);
    }
    return OK;
}

static int send_error(request_rec *r, int status, const char *error, const char *description)
{
    return send_json(r, status, json_pack("{s:s, s:s}", "error", error,
                                          "error_description", description));
}

/* A time in seconds since the epoch; null when unknown (0). */
static json_t *epoch_or_null(apr_int64_t t)
{
    return t ? json_integer((json_int_t)t) : json_null();
}

static int send_session(request_rec *r, const okta_session_t *s)
{
    json_t *claims = json_loads(s->claims_json, 0, NULL);
    json_t *doc = json_pack("{s:s, s:o, s:o, s:o}", "user", s->user, "claims",
                            claims ? claims : json_object(), "session_expires_at",
                            epoch_or_null(okta_session_ends_at(r, s)),
                            "access_token_expires_at", epoch_or_null(s->access_expires));

    if (doc && okta_server_conf(r)->info_access_token) {
        json_object_set_new(doc, "access_token", json_string(s->access_token));
    }
    if (!doc) {
        return send_error(r, HTTP_INTERNAL_SERVER_ERROR, "server_error", "out of memory");
    }
    /* the access log names the user */
    r->user = (char *)s->user;
    r->ap_auth_type = OKTA_AUTH_TYPE;
    return send_json(r, HTTP_OK, doc);
}

int okta_info(request_rec *r)
{
    okta_session_ref_t *ref;
    apr_status_t rv;

    if (r->method_number != M_GET) {
        apr_table_setn(r->headers_out, "Allow", "GET, HEAD");
        return send_error(r, HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                          "Use GET or HEAD.");
    }
    rv = okta_session_load(r, &ref);
    if (rv == APR_SUCCESS) {
        switch (okta_refresh_if_due(r, ref)) {
        case OKTA_REFRESH_FRESH:
            return send_session(r, &ref->session);
        case OKTA_REFRESH_ENDED:
            rv = APR_NOTFOUND;
            break;
        case OKTA_REFRESH_UNAVAILABLE:
            rv = APR_EGENERAL;
            break;
        }
    }
    if (rv == APR_NOTFOUND) {
        return send_error(r, HTTP_UNAUTHORIZED, "not_signed_in",
                          "No session: open a page of this site that needs sign-in.");
    }
    return send_error(r, HTTP_SERVICE_UNAVAILABLE, "sessions_unavailable",
                      "The server cannot check sessions right now. Try again later.");
}
