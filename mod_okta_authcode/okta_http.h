/* SPDX-License-Identifier: Apache-2.0 */
/* Outbound HTTP to the provider (libcurl): bounded in time and size, TLS
 * verified. */
#ifndef OKTA_HTTP_H
#define OKTA_HTTP_H

#include <apr_pools.h>

typedef struct okta_http_options_t {
    const char *ca_file; /* NULL: the system trust store */
    long timeout_ms; /* the whole exchange */
    long connect_timeout_ms;
    apr_size_t max_body; /* a longer answer is an error */
} okta_http_options_t;

typedef struct okta_http_response_t {
    long status;
    char *body; /* NUL-terminated */
    apr_size_t len;
    int sent; /* the request went out, even if no answer came back */
    const char *date; /* the Date header; NULL when none */
} okta_http_response_t;

/** Process-wide libcurl setup; call once before any thread starts. */
apr_status_t okta_http_global_init(void);

/** GET `url`.  A transport failure (DNS, connect, TLS, timeout, oversized
 * answer) is an error status with *why, and resp->sent tells whether the
 * request had gone out; any HTTP status is APR_SUCCESS.  `authorization`
 * is a full header value (e.g. "Bearer ...") or NULL. */
apr_status_t okta_http_get(okta_http_response_t *resp, apr_pool_t *p,
                           const okta_http_options_t *opts, const char *url,
                           const char *authorization, const char **why);

/** POST an application/x-www-form-urlencoded body, with `authorization` as
 * for okta_http_get. */
apr_status_t okta_http_post_form(okta_http_response_t *resp, apr_pool_t *p,
                                 const okta_http_options_t *opts, const char *url,
                                 const char *form, const char *authorization, const char **why);

#endif
