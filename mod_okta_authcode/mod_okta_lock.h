/* SPDX-License-Identifier: Apache-2.0 */
/* Named locks that always expire, held by one request at a time: in the
 * store with a cache of this server's own, in the cache's server when it
 * is shared. */
#ifndef MOD_OKTA_LOCK_H
#define MOD_OKTA_LOCK_H

#include "mod_okta_config.h"

typedef struct okta_lock_t okta_lock_t;

/** Takes the lock (kind, id) for `ttl` at most: APR_SUCCESS with *lock,
 * APR_EEXIST when another request holds it, another error when the lock
 * cannot be reached.  Whatever fails, a lock ends by itself once its
 * lifetime is over. */
apr_status_t okta_lock_acquire(request_rec *r, const char *kind, const char *id,
                               apr_interval_time_t ttl, okta_lock_t **lock);
/** When the lock ends by itself. */
apr_time_t okta_lock_deadline(const okta_lock_t *lock);
/** Lets go of the lock, unless it has expired and another has taken it. */
void okta_lock_release(request_rec *r, okta_lock_t *lock);

#endif
