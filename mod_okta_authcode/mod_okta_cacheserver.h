/* SPDX-License-Identifier: Apache-2.0 */
/* What socache cannot do with a shared cache's server (memcache, redis):
 * locks that always expire, released only by their holder, and records
 * replaced only while they hold what the writer read. */
#ifndef MOD_OKTA_CACHESERVER_H
#define MOD_OKTA_CACHESERVER_H

#include "mod_okta_caches.h"

/* This process's connections to the cache's servers, in the module's
 * state. */
typedef struct okta_cacheserver_t okta_cacheserver_t;

/** Connections to the servers OktaSessionCache names, per process. */
void okta_cacheserver_child_init(apr_pool_t *p, server_rec *s, int threads);
/** Takes the lock (kind, id) in the cache's server, holding `token`, for
 * `ttl` at most (*deadline: when it ends by itself).  APR_EEXIST when
 * another holds it. */
apr_status_t okta_cacheserver_lock(request_rec *r, const char *kind, const char *id,
                                   const char *token, apr_interval_time_t ttl,
                                   apr_time_t *deadline);
/** Deletes the lock only while it holds `token`. */
void okta_cacheserver_unlock(request_rec *r, const char *kind, const char *id,
                             const char *token, apr_time_t deadline);

/** Replaces the record under `key` (OKTA_CACHE_KEY_LEN bytes, as the store
 * names it) with `new`, kept until `expiry`, only while it holds exactly
 * `old` (what the writer read), as one step in the cache's server:
 * APR_SUCCESS; APR_EEXIST when another writer changed it first;
 * APR_NOTFOUND when it is gone (removed, or expired). */
apr_status_t okta_cacheserver_replace(request_rec *r, const unsigned char *key,
                                      const unsigned char *old, apr_size_t oldlen,
                                      const unsigned char *new, apr_size_t newlen,
                                      apr_time_t expiry);

#endif
