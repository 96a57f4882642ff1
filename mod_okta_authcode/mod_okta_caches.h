/* SPDX-License-Identifier: Apache-2.0 */
/* The socache instances behind the store, made from OktaSessionCache, with
 * their mutexes, and this process's memo of sessions. */
#ifndef MOD_OKTA_CACHES_H
#define MOD_OKTA_CACHES_H

#include <ap_socache.h>
#include <apr_global_mutex.h>

#include "mod_okta_config.h"
#include "okta_session_memo.h"

/* What the socache providers are given as namespace: memcache and redis
 * name a record "okta_authcode:" and its key in hex. */
#define OKTA_CACHE_NAMESPACE "okta_authcode"
/* The largest sealed record the store writes. */
#define OKTA_CACHE_MAX_ENTRY (32 * 1024)

typedef struct {
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance;
    apr_global_mutex_t *mutex;
} okta_cache_t;

/* The caches of one configuration, in the module's state. */
typedef struct okta_caches_t okta_caches_t;

/** OktaSessionCache's handler. */
const char *okta_caches_set_spec(cmd_parms *cmd, void *dummy, const char *spec);
int okta_caches_pre_config(apr_pool_t *pconf);
int okta_caches_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);
void okta_caches_child_init(apr_pool_t *p, server_rec *s);
/** Whether the caches are set up (some server has an OktaIssuer). */
int okta_caches_ready(const server_rec *s);
/** The cache that keeps the record under `key`. */
const okta_cache_t *okta_cache_for(const server_rec *s, const unsigned char key[OKTA_CACHE_KEY_LEN]);
/** Whether every access must hold the cache's mutex (shmcb). */
int okta_caches_lock_every_access(const server_rec *s);
/** Whether other servers share the cache (memcache, redis): their writes
 * note no change in this server's memo, and locks must be taken in the
 * cache's server. */
int okta_caches_shared(const server_rec *s);
/** This process's memo of sessions (okta_session_memo.h); NULL before set-up. */
okta_session_memo_t *okta_caches_memo(const server_rec *s);
/** For the setup check, before the caches are made (in `p`): with shmcb,
 * *room is the bytes sessions get; with memcache or redis, a test entry is
 * written, read back and removed through a cache made for the purpose.
 * APR_SUCCESS, or an error with *why. */
apr_status_t okta_caches_probe(apr_pool_t *p, server_rec *s, apr_off_t *room,
                               const char **why);
/** OktaSessionCache as given, for log lines. */
const char *okta_caches_spec(const server_rec *s);

#endif
