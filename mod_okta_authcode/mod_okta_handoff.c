/* SPDX-License-Identifier: Apache-2.0 */
/* The hand-off to the application: what it is given of a signed-in user
 * (claims in the environment and headers, the token it asked for), and
 * what it is never given or shown (X-Okta-* headers from a client, in the
 * request or its trailers; the module's cookies; a signed-in user's page
 * left in a shared cache). */
#include <apr_lib.h>
#include <apr_strings.h>
#include <http_protocol.h>
#include <http_request.h>
#include <util_filter.h>

#include "mod_okta_handoff.h"
#include "mod_okta_response.h"

/* request headers and environment variables that only the module sets */
#define MODULE_HEADER_PREFIX "X-Okta-"
#define MODULE_ENV_PREFIX "OKTA_"
#define ACCESS_TOKEN_ENV "OKTA_ACCESS_TOKEN"
#define ACCESS_TOKEN_HEADER "X-Okta-Access-Token"

/* Removes every entry whose name `matches`, in one pass over the table
 * (usually finding none). */
static void remove_matching(apr_table_t *t, int (*matches)(const char *name))
{
    const apr_array_header_t *entries = apr_table_elts(t);
    const apr_table_entry_t *e = (const apr_table_entry_t *)entries->elts;
    int i;

    for (i = entries->nelts - 1; i >= 0; i--) {
        /* apr_table_unset leaves the entries before this one where they are */
        if (e[i].key && matches(e[i].key)) {
            apr_table_unset(t, e[i].key);
        }
    }
}

static int is_okta_variable(const char *name)
{
    return strncasecmp(name, MODULE_ENV_PREFIX, sizeof(MODULE_ENV_PREFIX) - 1) == 0;
}

/* X-Okta-..., and the spellings with '_' for '-' that CGI-style backends
 * (PHP, WSGI, ...) read as the same header. */
static int is_module_header(const char *name)
{
    const char *prefix = MODULE_HEADER_PREFIX;

    for (; *prefix; prefix++, name++) {
        char c = *name == '_' ? '-' : *name;
        if (apr_tolower(c) != apr_tolower(*prefix)) {
            return 0;
        }
    }
    return 1;
}

ap_filter_rec_t *okta_refuse_module_trailers_filter;

/* 1 when a trailer of the request has a module header's name. */
static int has_module_trailer(request_rec *r)
{
    const apr_array_header_t *entries = apr_table_elts(r->trailers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)entries->elts;
    int i;

    for (i = 0; i < entries->nelts; i++) {
        if (e[i].key && is_module_header(e[i].key)) {
            return 1;
        }
    }
    return 0;
}

/* Request trailers come with the end of the body, long after the headers
 * were cleaned, and MergeTrailers On merges them into the request's
 * headers (HTTP_IN, below, has done so by the time a read returns, even
 * one that fails on a later, malformed trailer): reading a body that ends
 * with an X-Okta-* trailer fails (a handler answers 400), and the request
 * keeps no X-Okta-* header at all, the module's own included, which a
 * merge may have mixed with a forged one. */
apr_status_t okta_refuse_module_trailers(ap_filter_t *f, apr_bucket_brigade *bb,
                                        ap_input_mode_t mode, apr_read_type_e block,
                                        apr_off_t readbytes)
{
    apr_status_t rv = ap_get_brigade(f->next, bb, mode, block, readbytes);

    if (!has_module_trailer(f->r)) {
        return rv;
    }
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, f->r,
                  OKTALOGNO(00059) "request refused: a trailer has the name of a header only "
                  "the module sets (X-Okta-*)");
    remove_matching(f->r->headers_in, is_module_header);
    remove_matching(f->r->trailers_in, is_module_header);
    apr_brigade_cleanup(bb);
    return rv == APR_SUCCESS ? APR_EINVAL : rv;
}

/* The filter, once, on a request that can have trailers: a chunked body
 * (HTTP/1.1) or any HTTP/2 one.  Added when the request is read, and again
 * before its handler runs, as a fast internal redirect (mod_negotiation's)
 * takes the filters of a subrequest that never had it. */
static void add_trailers_filter(request_rec *r)
{
    ap_filter_t *f;

    if (!apr_table_get(r->headers_in, "Transfer-Encoding") && r->proto_num < 2000) {
        return;
    }
    for (f = r->input_filters; f; f = f->next) {
        if (f->frec == okta_refuse_module_trailers_filter) {
            return;
        }
    }
    ap_add_input_filter_handle(okta_refuse_module_trailers_filter, NULL, r, r->connection);
}

void okta_insert_trailers_filter(request_rec *r)
{
    if (okta_server_conf(r)->issuer) {
        add_trailers_filter(r);
    }
}

/* A client must not be able to pose as the module to the application:
 * X-Okta-* request headers are the module's alone.  They go before any
 * other module sees the request, wherever the module is used, since
 * authentication does not run everywhere (Require ip granting under
 * <RequireAny>, OktaUnauthAction pass without a session, ...). */
int okta_strip_client_module_headers(request_rec *r)
{
    if (okta_server_conf(r)->issuer) {
        remove_matching(r->headers_in, is_module_header);
        add_trailers_filter(r);
    }
    return DECLINED;
}

ap_filter_rec_t *okta_keep_private_filter;

/* What the application answers a signed-in user is that user's: a shared
 * cache (a proxy, or mod_cache, which serves before authentication) must
 * not store it, unless the application chose a caching policy itself; and
 * then, as a shared cache may store it, one user's copy must not be served
 * for another's credential: the request header in the filter's context,
 * Cookie (a session) or Authorization (a bearer token), with the module's
 * cookies in it again (a content filter: before mod_cache's CACHE_SAVE). */
apr_status_t okta_keep_private(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;

    okta_restore_module_cookies(r);
    if (apr_table_get(r->headers_out, "Cache-Control")
        || apr_table_get(r->err_headers_out, "Cache-Control")) {
        apr_table_mergen(r->headers_out, "Vary", f->ctx);
    }
    else {
        apr_table_setn(r->headers_out, "Cache-Control", "private");
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

void okta_keep_private_for(request_rec *r, const char *credential)
{
    if (!r->main) {
        ap_add_output_filter_handle(okta_keep_private_filter, (void *)credential, r,
                                    r->connection);
    }
}

/* OktaPassToken: the session's current token (refreshes replace it) in
 * place of any Authorization the client sent; a request signed in by a
 * bearer token has no ID token, and keeps its own. */
static void pass_token(request_rec *r, const okta_dir_conf_t *dc, const okta_session_t *s)
{
    const char *token = dc->pass_token == OKTA_PASS_ID_TOKEN       ? s->id_token
                        : dc->pass_token == OKTA_PASS_ACCESS_TOKEN ? s->access_token
                                                                   : NULL;

    if (token && *token) {
        apr_table_setn(r->headers_in, "Authorization", apr_pstrcat(r->pool, "Bearer ", token, NULL));
    }
}

/* The OKTA_* variables and X-Okta-* headers are the module's alone: ones
 * set before authentication (SetEnvIf, a client) are gone, so the claims
 * are added without apr_table_setn's search for each name. */
void okta_hand_session_to_application(request_rec *r, const okta_session_t *s)
{
    okta_dir_conf_t *dc = okta_dir_conf(r);
    int i;

    if (dc->claim_env != 0) {
        remove_matching(r->subprocess_env, is_okta_variable);
        for (i = 0; i < s->nclaims; i++) {
            apr_table_addn(r->subprocess_env, s->claims[i].env_name, s->claims[i].value);
        }
        apr_table_addn(r->subprocess_env, ACCESS_TOKEN_ENV, s->access_token);
    }
    if (dc->claim_headers == 1) {
        for (i = 0; i < s->nclaims; i++) {
            apr_table_addn(r->headers_in, s->claims[i].header_name, s->claims[i].value);
        }
        apr_table_addn(r->headers_in, ACCESS_TOKEN_HEADER, s->access_token);
    }
    pass_token(r, dc, s);
}

int okta_keep_module_cookies_from_handler(request_rec *r)
{
    okta_take_module_cookies(r);
    return DECLINED;
}
