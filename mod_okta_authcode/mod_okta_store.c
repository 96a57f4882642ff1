/* SPDX-License-Identifier: Apache-2.0 */
/* The store of sealed records behind sessions, refresh outcomes and local
 * locks, in the caches of mod_okta_caches.c.  Entries
 * are sealed (okta_seal) under keys derived from the passphrase, and stored
 * under an HMAC of their id, so neither the cache nor its network sees
 * tokens or cookie values.
 * A cache's mutex serialises every access for providers that are not safe
 * across processes (shmcb), and makes okta_store_add and okta_store_update
 * atomic between the processes of this server; with a cache shared by
 * several servers, okta_store_update takes a lock in the cache's server
 * (mod_okta_cacheserver.c).  Every write notes a change for the per-process memo
 * of sessions (okta_session_memo.h). */
#include <apr_strings.h>
#include <http_protocol.h>

#include "mod_okta_caches.h"
#include "mod_okta_cacheserver.h"
#include "mod_okta_store.h"

/* The largest sealed entry: tokens of a few KB each plus claims. */
#define STORE_MAX_ENTRY OKTA_CACHE_MAX_ENTRY

static void lock(request_rec *r, const okta_cache_t *cache)
{
    if (okta_caches_lock_every_access(r->server)) {
        apr_global_mutex_lock(cache->mutex);
    }
}

static void unlock(request_rec *r, const okta_cache_t *cache)
{
    if (okta_caches_lock_every_access(r->server)) {
        apr_global_mutex_unlock(cache->mutex);
    }
}

static apr_status_t entry_key(unsigned char key[OKTA_CACHE_KEY_LEN], request_rec *r,
                              const char *kind, const char *id)
{
    okta_server_conf_t *sc = okta_server_conf(r);

    if (!okta_caches_ready(r->server)) {
        return APR_EINIT;
    }
    return okta_cache_key(key, sc->keys, kind, id);
}

typedef struct {
    const okta_cache_t *cache;
    unsigned char key[OKTA_CACHE_KEY_LEN];
    unsigned char *sealed;
    apr_size_t sealed_len;
} sealed_entry_t;

/* Seals `data` under e->key, which the caller has set. */
static apr_status_t seal_under_key(sealed_entry_t *e, request_rec *r, const char *kind,
                                   const unsigned char *data, apr_size_t len)
{
    apr_status_t rv;

    if ((rv = okta_seal(&e->sealed, &e->sealed_len, r->pool, okta_server_conf(r)->keys,
                        e->key, sizeof(e->key), data, len)) != APR_SUCCESS) {
        return rv;
    }
    e->cache = okta_cache_for(r->server, e->key);
    if (e->sealed_len > STORE_MAX_ENTRY) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00007) "%s record of %" APR_SIZE_T_FMT " bytes is larger than "
                      "the %d the cache takes: ask for fewer claims or scopes", kind,
                      e->sealed_len, STORE_MAX_ENTRY);
        return APR_ENOSPC;
    }
    return APR_SUCCESS;
}

static apr_status_t seal_entry(sealed_entry_t *e, request_rec *r, const char *kind,
                               const char *id, const unsigned char *data, apr_size_t len)
{
    apr_status_t rv = entry_key(e->key, r, kind, id);

    return rv == APR_SUCCESS ? seal_under_key(e, r, kind, data, len) : rv;
}

/* Every write notes a change for the memo (okta_session_memo.h), once it is made. */
static apr_status_t store_sealed(request_rec *r, const sealed_entry_t *e, apr_time_t expiry)
{
    apr_status_t rv = e->cache->provider->store(e->cache->instance, r->server, e->key,
                                                sizeof(e->key), expiry, e->sealed,
                                                (unsigned int)e->sealed_len, r->pool);

    okta_session_memo_note_change(okta_caches_memo(r->server), e->key);
    return rv;
}

static apr_status_t remove_entry(request_rec *r, const okta_cache_t *cache,
                                 const unsigned char *key)
{
    apr_status_t rv = cache->provider->remove(cache->instance, r->server, key,
                                              OKTA_CACHE_KEY_LEN, r->pool);

    okta_session_memo_note_change(okta_caches_memo(r->server), key);
    return rv;
}

/* The raw cache read, without locking: buf has STORE_MAX_ENTRY bytes. */
static apr_status_t raw_get(request_rec *r, const okta_cache_t *cache, const unsigned char *key,
                            unsigned char *buf, unsigned int *buflen)
{
    *buflen = STORE_MAX_ENTRY;
    return cache->provider->retrieve(cache->instance, r->server, key, OKTA_CACHE_KEY_LEN, buf,
                                     buflen, r->pool);
}

static apr_status_t open_entry(request_rec *r, const char *kind, const unsigned char *key,
                               unsigned char *buf, unsigned int buflen, unsigned char **data,
                               apr_size_t *len)
{
    if (okta_open(data, len, okta_server_conf(r)->keys, key, OKTA_CACHE_KEY_LEN, buf, buflen)
        != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      OKTALOGNO(00010) "a %s record in the cache does not open with this "
                      "server's OktaCryptoPassphrase; ignoring it", kind);
        return APR_NOTFOUND;
    }
    return APR_SUCCESS;
}

static void log_read_failure(request_rec *r, apr_status_t rv)
{
    /* socache providers say NOTFOUND for a miss; anything else is the
     * cache failing, which the caller must not take for "signed out" */
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      OKTALOGNO(00009) "cannot read the session cache %s", okta_caches_spec(r->server));
    }
}

apr_status_t okta_store_add(request_rec *r, const char *kind, const char *id,
                            const unsigned char *data, apr_size_t len, apr_time_t expiry)
{
    unsigned char *probe;
    unsigned int probe_len;
    sealed_entry_t e;
    apr_status_t rv;

    if ((rv = seal_entry(&e, r, kind, id, data, len)) != APR_SUCCESS) {
        return rv;
    }
    probe = apr_palloc(r->pool, STORE_MAX_ENTRY);
    apr_global_mutex_lock(e.cache->mutex);
    rv = raw_get(r, e.cache, e.key, probe, &probe_len);
    if (rv == APR_NOTFOUND) {
        rv = store_sealed(r, &e, expiry);
    }
    else if (rv == APR_SUCCESS) {
        rv = APR_EEXIST;
    }
    apr_global_mutex_unlock(e.cache->mutex);
    return rv;
}

apr_status_t okta_store_put(request_rec *r, const char *kind, const char *id,
                            const unsigned char *data, apr_size_t len, apr_time_t expiry)
{
    sealed_entry_t e;
    apr_status_t rv;

    if ((rv = seal_entry(&e, r, kind, id, data, len)) != APR_SUCCESS) {
        return rv;
    }
    lock(r, e.cache);
    rv = store_sealed(r, &e, expiry);
    unlock(r, e.cache);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      OKTALOGNO(00008) "cannot store a %s record in the session cache %s", kind,
                      okta_caches_spec(r->server));
    }
    return rv;
}

/* Reads the sealed entry under `key` into a new buffer. */
static apr_status_t read_sealed(request_rec *r, const okta_cache_t *cache,
                                const unsigned char *key, unsigned char **buf,
                                unsigned int *buflen)
{
    apr_status_t rv;

    *buf = apr_palloc(r->pool, STORE_MAX_ENTRY);
    lock(r, cache);
    rv = raw_get(r, cache, key, *buf, buflen);
    unlock(r, cache);
    log_read_failure(r, rv);
    return rv;
}

/* A malformed id names no entry. */
static apr_status_t key_or_notfound(unsigned char key[OKTA_CACHE_KEY_LEN], request_rec *r,
                                    const char *kind, const char *id)
{
    apr_status_t rv = entry_key(key, r, kind, id);

    return rv == APR_EINVAL ? APR_NOTFOUND : rv;
}

apr_status_t okta_store_get(request_rec *r, const char *kind, const char *id,
                            unsigned char **data, apr_size_t *len)
{
    unsigned char key[OKTA_CACHE_KEY_LEN], *buf;
    unsigned int buflen;
    apr_status_t rv;

    if ((rv = key_or_notfound(key, r, kind, id)) != APR_SUCCESS
        || (rv = read_sealed(r, okta_cache_for(r->server, key), key, &buf, &buflen))
               != APR_SUCCESS) {
        return rv;
    }
    return open_entry(r, kind, key, buf, buflen, data, len);
}

apr_status_t okta_store_get_remembered(request_rec *r, const char *kind, const char *id,
                                       unsigned char **data, apr_size_t *len)
{
    const okta_keys_t *keys = okta_server_conf(r)->keys;
    okta_session_memo_t *memo = okta_caches_memo(r->server);
    unsigned char key[OKTA_CACHE_KEY_LEN], *buf, *sealed;
    unsigned int buflen;
    apr_uint32_t changes;
    apr_status_t rv;

    if (!memo) {
        return APR_EINIT;
    }
    /* other servers' writes to a shared cache note no change here */
    if (!okta_caches_shared(r->server)
        && okta_session_memo_recall_unchanged(memo, keys, kind, id, r->pool, data, len)) {
        return APR_SUCCESS;
    }
    if (!okta_session_memo_key(memo, keys, kind, id, key)
        && (rv = key_or_notfound(key, r, kind, id)) != APR_SUCCESS) {
        return rv;
    }
    changes = okta_session_memo_changes(memo, key); /* before the read: see okta_session_memo.h */
    if ((rv = read_sealed(r, okta_cache_for(r->server, key), key, &buf, &buflen)) != APR_SUCCESS) {
        return rv;
    }
    if (okta_session_memo_recall(memo, keys, kind, id, buf, buflen, changes, data, len)) {
        return APR_SUCCESS;
    }
    sealed = apr_pmemdup(r->pool, buf, buflen); /* opening decrypts buf in place */
    if ((rv = open_entry(r, kind, key, buf, buflen, data, len)) == APR_SUCCESS) {
        okta_session_memo_remember(memo, keys, kind, id, key, changes, sealed, buflen, *data, *len);
    }
    return rv;
}

/* A writer that finds the record changed by another since it read it
 * reads it again and redoes its change, this many times at most. */
#define SHARED_WRITE_ATTEMPTS 8

/* Across servers sharing a cache, a read-change-write of one record is a
 * compare-and-set in the cache's server: the change is written only over
 * the very record it was made from, so a writer whose write comes late
 * (a slow network, a process stopped a while) never puts back a record
 * that another changed or removed meanwhile. */
static apr_status_t update_shared(request_rec *r, const char *kind, const char *id,
                                  okta_store_update_fn *update, void *baton)
{
    const okta_cache_t *cache;
    unsigned char *buf, *read, *data, *changed;
    unsigned int buflen;
    apr_size_t len, changed_len;
    apr_time_t expiry;
    sealed_entry_t e;
    apr_status_t rv;
    int attempt;

    if ((rv = entry_key(e.key, r, kind, id)) != APR_SUCCESS) {
        return rv;
    }
    cache = okta_cache_for(r->server, e.key);
    for (attempt = 0; attempt < SHARED_WRITE_ATTEMPTS; attempt++) {
        if ((rv = read_sealed(r, cache, e.key, &buf, &buflen)) != APR_SUCCESS) {
            return rv;
        }
        read = apr_pmemdup(r->pool, buf, buflen); /* opening decrypts buf in place */
        if ((rv = open_entry(r, kind, e.key, buf, buflen, &data, &len)) != APR_SUCCESS
            || (rv = update(r, data, len, &changed, &changed_len, &expiry, baton)) != APR_SUCCESS
            || (rv = seal_under_key(&e, r, kind, changed, changed_len)) != APR_SUCCESS) {
            return rv;
        }
        rv = okta_cacheserver_replace(r, e.key, read, buflen, e.sealed, e.sealed_len, expiry);
        okta_session_memo_note_change(okta_caches_memo(r->server), e.key);
        if (rv != APR_EEXIST) {
            break;
        }
    }
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      OKTALOGNO(00036) "cannot write a %s record in %s%s", kind,
                      okta_caches_spec(r->server),
                      rv == APR_EEXIST ? ": others changed it every time it was read" : "");
    }
    return rv;
}

apr_status_t okta_store_update(request_rec *r, const char *kind, const char *id,
                               okta_store_update_fn *update, void *baton)
{
    unsigned char *buf, *data, *changed;
    const okta_cache_t *cache;
    unsigned int buflen;
    apr_size_t len, changed_len;
    apr_time_t expiry;
    sealed_entry_t e;
    apr_status_t rv;

    if (okta_caches_shared(r->server)) {
        return update_shared(r, kind, id, update, baton);
    }
    if ((rv = entry_key(e.key, r, kind, id)) != APR_SUCCESS) {
        return rv;
    }
    cache = okta_cache_for(r->server, e.key);
    buf = apr_palloc(r->pool, STORE_MAX_ENTRY);
    apr_global_mutex_lock(cache->mutex);
    rv = raw_get(r, cache, e.key, buf, &buflen);
    if (rv == APR_SUCCESS) {
        rv = open_entry(r, kind, e.key, buf, buflen, &data, &len);
    }
    else {
        log_read_failure(r, rv);
    }
    if (rv == APR_SUCCESS) {
        rv = update(r, data, len, &changed, &changed_len, &expiry, baton);
    }
    if (rv == APR_SUCCESS) {
        rv = seal_under_key(&e, r, kind, changed, changed_len);
    }
    if (rv == APR_SUCCESS) {
        rv = store_sealed(r, &e, expiry);
    }
    apr_global_mutex_unlock(cache->mutex);
    return rv;
}

apr_status_t okta_store_remove(request_rec *r, const char *kind, const char *id)
{
    const okta_cache_t *cache;
    unsigned char key[OKTA_CACHE_KEY_LEN];
    apr_status_t rv;

    if ((rv = entry_key(key, r, kind, id)) != APR_SUCCESS) {
        return rv;
    }
    cache = okta_cache_for(r->server, key);
    lock(r, cache);
    rv = remove_entry(r, cache, key);
    unlock(r, cache);
    return rv;
}

apr_status_t okta_store_remove_if(request_rec *r, const char *kind, const char *id,
                                  const unsigned char *data, apr_size_t len)
{
    const okta_cache_t *cache;
    unsigned char key[OKTA_CACHE_KEY_LEN], *buf, *held;
    unsigned int buflen;
    apr_size_t held_len;
    apr_status_t rv;

    if ((rv = entry_key(key, r, kind, id)) != APR_SUCCESS) {
        return rv;
    }
    cache = okta_cache_for(r->server, key);
    buf = apr_palloc(r->pool, STORE_MAX_ENTRY);
    apr_global_mutex_lock(cache->mutex);
    if ((rv = raw_get(r, cache, key, buf, &buflen)) == APR_SUCCESS
        && (rv = open_entry(r, kind, key, buf, buflen, &held, &held_len)) == APR_SUCCESS) {
        rv = held_len == len && memcmp(held, data, len) == 0 ? remove_entry(r, cache, key)
                                                             : APR_EEXIST;
    }
    apr_global_mutex_unlock(cache->mutex);
    return rv;
}
