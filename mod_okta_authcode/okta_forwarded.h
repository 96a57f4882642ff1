/* SPDX-License-Identifier: Apache-2.0 */
/* What the browser's request was when a proxy or load balancer stands
 * between it and this server: the scheme and host it used, as the proxy
 * says in RFC 7239's Forwarded or in X-Forwarded-Proto, -Host and -Port.
 * Pure: the glue decides whether the proxy is trusted and hands the
 * headers in. */
#ifndef OKTA_FORWARDED_H
#define OKTA_FORWARDED_H

#include <apr_pools.h>

/* The request's forwarding headers; NULL where absent. */
typedef struct okta_forwarding_headers_t {
    const char *forwarded; /* RFC 7239 */
    const char *proto; /* X-Forwarded-Proto */
    const char *host; /* X-Forwarded-Host */
    const char *port; /* X-Forwarded-Port */
} okta_forwarding_headers_t;

/* What they say; NULL where they say nothing usable. */
typedef struct okta_forwarded_t {
    const char *scheme; /* "https" or "http" */
    const char *host; /* host or host:port, as in a Host header */
} okta_forwarded_t;

/** The browser's view as the nearest proxy said it: the last element of
 * Forwarded when there is one (an element before it may be the client's
 * own), else the last value of each X-Forwarded-* header.  A scheme other
 * than http or https, or a host or port that is not one (a path, user
 * info, a space), is not used.  X-Forwarded-Port is added to a host that
 * has none, unless it is the scheme's default. */
okta_forwarded_t okta_forwarded_view(apr_pool_t *p, const okta_forwarding_headers_t *headers);

#endif
