/* SPDX-License-Identifier: Apache-2.0 */
/* Small codecs shared by the core: base64url, URL encoding, query and
 * cookie parsing, constant-time comparison.  No httpd types here. */
#ifndef OKTA_UTIL_H
#define OKTA_UTIL_H

#include <apr_pools.h>
#include <apr_tables.h>

/** base64url without padding (RFC 7515 section 2).  Never fails. */
char *okta_b64url_encode(apr_pool_t *p, const unsigned char *data, apr_size_t len);

/** Decodes base64url (padding not accepted).  The output is NUL-terminated
 * for convenience; *outlen excludes that NUL.  APR_EINVAL on any byte
 * outside the alphabet or an impossible length. */
apr_status_t okta_b64url_decode(unsigned char **out, apr_size_t *outlen, apr_pool_t *p,
                                const char *in, apr_size_t inlen);

/** Percent-encodes everything but RFC 3986 unreserved characters, so the
 * result is safe both in a query string and in a form body. */
char *okta_url_encode(apr_pool_t *p, const char *s);

/** Appends name=value (both URL-encoded) to a query string or form body
 * being built in *query, with '&' between parameters. */
void okta_form_add(apr_pool_t *p, const char **query, const char *name, const char *value);

/** Decodes %XX and '+' (form encoding).  APR_EINVAL on a bad escape or an
 * encoded NUL. */
apr_status_t okta_url_decode(char **out, apr_pool_t *p, const char *s, apr_size_t len);

/** Splits a query string or form body into a table of decoded names and
 * values.  Repeated names are all kept (see okta_query_get_unique). */
apr_status_t okta_query_parse(apr_table_t **out, apr_pool_t *p, const char *query);

typedef enum {
    OKTA_PARAM_OK = 0,
    OKTA_PARAM_MISSING,
    OKTA_PARAM_REPEATED
} okta_param_result_t;

/** The value of a parameter that must appear exactly once. */
okta_param_result_t okta_query_get_unique(const apr_table_t *params, const char *name,
                                          const char **value);

/** Finds cookie `name` in a Cookie request header without copying.  Returns
 * 1 and sets *value and *len to the value's bytes inside `header` when present
 * exactly once, 0 when absent, -1 when repeated. */
int okta_cookie_find(const char *header, const char *name, const char **value, apr_size_t *len);
/** Every value of cookie `name` in a Cookie request header, copied, in the
 * header's order: a browser sends one cookie per (name, domain, path), so a
 * name may come more than once (one set by a parent domain, for one). */
apr_array_header_t *okta_cookie_values(apr_pool_t *p, const char *header, const char *name);
/* What the https name of a module's cookie starts with (okta_cookie_name). */
#define OKTA_HTTPS_COOKIE_PREFIX "__Host-"
/** The name of a module's cookie on a site that is `https` or not, given
 * its https name `name` ("__Host-okta_session"): a browser keeps a
 * "__Host-" cookie only when set by this very host over https with Path=/
 * and no Domain (RFC 6265bis 4.1.3.2), so no sibling or parent domain can
 * plant or shadow it; plain http has no such prefix, and gets the name
 * without it.  Points into `name`: nothing is allocated (every request
 * asks). */
const char *okta_cookie_name(const char *name, int https);

/** 1 when `name` may name one of the module's cookies: an RFC 6265 token
 * (visible ASCII, no separators) with no "__Host-" or "__Secure-" prefix,
 * which the module adds itself on https. */
int okta_cookie_name_usable(const char *name);
/** A Cookie request header without the cookies named `names` (every one of
 * their occurrences), the others kept in order: `header` itself when none
 * of them is there (nothing allocated), "" when no other cookie is left. */
const char *okta_cookie_header_without(apr_pool_t *p, const char *header,
                                       const char *const *names, int nnames);

/** 1 when the two NUL-terminated strings are equal; the time taken depends
 * only on their lengths, not on where they differ. */
int okta_ct_streq(const char *a, const char *b);

/** 1 when `url` is a local path that a browser cannot read as another
 * origin: starts with a single '/', no "//" or "/\" prefix, no control
 * characters or backslashes. */
int okta_is_local_path(const char *url);

/** 1 when `token` is an RFC 6750 b64token (2.1): letters, digits and
 * -._~+/ then '=' padding, at least one character.  Anything else is not
 * a bearer token, and is refused before anyone is asked about it. */
int okta_is_b64token(const char *token);

#endif
