/* SPDX-License-Identifier: Apache-2.0 */
/* Sign-ins in progress, kept by the browser that started them.
 *
 * What a callback needs (state, nonce, PKCE verifier, where to go back) is
 * sealed into the browser's login cookie, one item per sign-in, so that
 * starting a sign-in, which anyone can do, writes nothing on the server:
 * a flood of them cannot push anyone else's out.  The cookie is also what
 * binds a callback to the browser that started it.  Each item reads
 * "<state>~<sealed record>": the state (public: it travels in URLs) finds
 * the item, and it is bound to the sealed record, which does not open
 * under another state or another server's keys. */
#ifndef OKTA_PENDING_H
#define OKTA_PENDING_H

#include <apr_tables.h>

#include "okta_crypto.h"
#include "okta_record.h"

/* At most this many sign-ins per browser (parallel tabs), and bytes in the
 * cookie's value (browsers keep 4 KB a cookie): the oldest go first. */
#define OKTA_PENDING_MAX 8
#define OKTA_PENDING_VALUE_MAX 3800

/** The items of a login cookie's value, oldest first; malformed ones are
 * dropped. */
apr_array_header_t *okta_pending_items(apr_pool_t *p, const char *value, apr_size_t len);

/** One item for a new sign-in; NULL if sealing fails. */
const char *okta_pending_seal(apr_pool_t *p, const okta_keys_t *keys, const okta_login_t *login);

/** Takes the item of `state` out of `items` and opens it into *login:
 * APR_NOTFOUND when no item has that state, APR_EINVAL when it does not
 * open (damaged, forged, another server's). */
apr_status_t okta_pending_take(okta_login_t *login, apr_array_header_t *items, apr_pool_t *p,
                               const okta_keys_t *keys, const char *state);

/** The cookie value for `items` (oldest first): the newest that fit in
 * OKTA_PENDING_MAX and OKTA_PENDING_VALUE_MAX; "" for none. */
const char *okta_pending_value(apr_pool_t *p, const apr_array_header_t *items);

#endif
