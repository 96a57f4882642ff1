/* SPDX-License-Identifier: Apache-2.0 */
/* Named locks that always expire, for one refresh at a time per refresh
 * token.  A lock is held by the request that took it, under a random
 * token: only that request lets go of it, and never after it has expired
 * and someone else has taken it.  Whatever fails (a timeout, a failover, a
 * child killed while holding it), a lock ends by itself once its lifetime
 * is over.
 *
 * With a cache local to this server (shmcb) a lock is an entry added to the
 * store under the cache's mutex, and removed under it only while it holds
 * our token.  With a cache shared by several servers a mutex cannot reach
 * the other servers, so the lock is taken in the cache's server
 * (mod_okta_cacheserver.c). */
#include "mod_okta_caches.h"
#include "mod_okta_cacheserver.h"
#include "mod_okta_lock.h"
#include "mod_okta_store.h"

#define TOKEN_BYTES 16

struct okta_lock_t {
    const char *kind;
    const char *id;
    const char *token; /* what the lock holds while it is ours */
    apr_time_t deadline; /* when it ends by itself */
};

apr_status_t okta_lock_acquire(request_rec *r, const char *kind, const char *id,
                               apr_interval_time_t ttl, okta_lock_t **out)
{
    okta_lock_t *lock = apr_palloc(r->pool, sizeof(*lock));
    apr_status_t rv;

    lock->kind = kind;
    lock->id = id;
    if (!(lock->token = okta_random_id(r->pool, TOKEN_BYTES))) {
        return APR_EGENERAL;
    }
    if (okta_caches_shared(r->server)) {
        rv = okta_cacheserver_lock(r, kind, id, lock->token, ttl, &lock->deadline);
    }
    else {
        lock->deadline = apr_time_now() + ttl;
        rv = okta_store_add(r, kind, id, (const unsigned char *)lock->token, strlen(lock->token),
                            lock->deadline);
    }
    if (rv == APR_SUCCESS) {
        *out = lock;
    }
    return rv;
}

apr_time_t okta_lock_deadline(const okta_lock_t *lock)
{
    return lock->deadline;
}

void okta_lock_release(request_rec *r, okta_lock_t *lock)
{
    if (okta_caches_shared(r->server)) {
        okta_cacheserver_unlock(r, lock->kind, lock->id, lock->token, lock->deadline);
    }
    else {
        okta_store_remove_if(r, lock->kind, lock->id, (const unsigned char *)lock->token,
                             strlen(lock->token));
    }
}
