/* SPDX-License-Identifier: Apache-2.0 */
/* What the module answers with: its pages, the URLs and cookies it hands
 * the browser, as the browser sees this server. */
#ifndef MOD_OKTA_RESPONSE_H
#define MOD_OKTA_RESPONSE_H

#include <util_filter.h>

#include "mod_okta_config.h"

/** An absolute URL of a local path, as the browser sees this server. */
const char *okta_public_url(request_rec *r, const char *path);
/** Answers with a short HTML error page (from any phase); returns `status`. */
int okta_error_page(request_rec *r, int status, const char *title, const char *detail);
/** X-Content-Type-Options: nosniff in `headers`, for the module's JSON
 * answers: a browser must not read one as HTML. */
void okta_set_nosniff(apr_table_t *headers);
/** Answers with a JSON body (application/json, nosniff) from any phase, as
 * APIs expect; returns `status`. */
int okta_error_json(request_rec *r, int status, const char *json);
/** The error responses of okta_error_json are JSON: insert_error_filter
 * adds the OKTA_JSON_ERROR output filter, okta_set_json_type, whose handle
 * is registered with the hooks. */
#define OKTA_JSON_TYPE_FILTER "OKTA_JSON_ERROR"
extern ap_filter_rec_t *okta_json_type_filter;
void okta_insert_json_type(request_rec *r);
apr_status_t okta_set_json_type(ap_filter_t *f, apr_bucket_brigade *bb);
/** Sends a short HTML page with status 200 from a handler; returns OK. */
int okta_send_page(request_rec *r, const char *title, const char *text);
/** okta_send_page with a button that POSTs `token` (as field "token") to
 * `action`: a confirmation that another site cannot forge. */
int okta_send_button_page(request_rec *r, const char *title, const char *text,
                          const char *action, const char *token, const char *button);
/** The Cookie header as the browser sent it: the module takes its own
 * cookies out before the handler (okta_take_module_cookies), and a request
 * that follows (an internal redirect, a subrequest) reads them here. */
const char *okta_request_cookies(const request_rec *r);
/** Takes the module's cookies (both forms of each name) out of the request's
 * Cookie header, so that no application or backend ever gets them; run
 * just before the handler. */
void okta_take_module_cookies(request_rec *r);
/** Puts the Cookie header the browser sent back, once the handler has read
 * the request and its answer flows: a shared cache (mod_cache) keys the
 * answer of a signed-in user by that header (Vary: Cookie), and must not
 * file it under the header the application saw, which anonymous requests
 * have too. */
void okta_restore_module_cookies(request_rec *r);
/** The name of the module's cookie `name` on this site (okta_cookie_name:
 * __Host-name on https). */
const char *okta_site_cookie_name(request_rec *r, const char *name);
/** A Set-Cookie value for the module's cookie `name`, named for the site
 * (okta_site_cookie_name), with the module's attributes (HttpOnly,
 * SameSite=Lax, Secure on https, Path=/, no Domain); max_age < 0 for a
 * session cookie. */
const char *okta_cookie(request_rec *r, const char *name, const char *value, int max_age);

#endif
