/* The cache behind sessions and pending sign-ins: any socache provider,
 * chosen with OktaSessionCache.  Entries are sealed (okta_seal) under keys
 * derived from the passphrase, and stored under an HMAC of their id, so
 * neither the cache nor its network sees tokens or cookie values.
 * A global mutex serialises every access for providers that are not safe
 * across processes (shmcb), and makes okta_store_add and okta_store_update
 * atomic between the processes of this server; with a cache shared by
 * several servers, okta_store_update takes a lock in the cache itself
 * (mod_okta_lock.c).  Every write notes a change for the per-process memo
 * of sessions (okta_memo.h).
 *
 * Pending sign-ins (OKTA_PENDING_KIND) are written for anyone who asks for
 * a protected page.  A full shmcb makes room by dropping its oldest
 * entries, so a flood of such requests would push sessions out: with shmcb,
 * pending sign-ins get a shmcb of their own, where a flood can only disturb
 * other sign-ins in progress.  A shared cache keeps both, as every node
 * must see the sign-ins (its memory is the operator's to size). */
#include <apr_strings.h>
#include <ap_provider.h>
#include <ap_socache.h>
#include <http_protocol.h>
#include <util_mutex.h>

#include "mod_okta_authcode.h"
#include "okta_memo.h"

#define STORE_MUTEX_TYPE "okta-authcode-cache"
/* Every session lookup in shmcb takes the mutex.  fcntl() locks are
 * released when a process dies, and measured best under load: APR's
 * process-shared pthread mutex uses priority inheritance, so once
 * contended every hand-over goes through the kernel (bench-sessions, 16
 * clients: 0.74 of no authentication with it, 0.90 with fcntl).
 * Operators can choose with "Mutex <mechanism> okta-authcode-cache". */
#define STORE_MUTEX_DEFAULT APR_LOCK_FCNTL
#define DEFAULT_SHMCB_BYTES "16777216"
#define PENDING_SHMCB_BYTES "2097152" /* about 7,000 sign-ins in progress */
/* The largest sealed entry: tokens of a few KB each plus claims. */
#define STORE_MAX_ENTRY (32 * 1024)
/* Sizes the provider is told to expect: keys are HMACs; sessions take a
 * few KB, pending sign-ins, refresh locks and outcomes less.  shmcb sizes
 * its index by them, so they must be averages, not maxima. */
#define STORE_KEY_LEN OKTA_CACHE_KEY_LEN
#define STORE_AVERAGE_ENTRY 1536
#define PENDING_AVERAGE_ENTRY 320

typedef struct {
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance;
} store_cache_t;

static const char *cache_spec; /* as given to OktaSessionCache */
static store_cache_t sessions; /* and everything else but ... */
static store_cache_t pending; /* ... pending sign-ins, where set up */
static apr_global_mutex_t *cache_mutex;
static int lock_every_access; /* the provider is not multi-process safe */
static okta_memo_t *memo; /* what this process opened last (okta_memo.h) */

static const char *create_instance(store_cache_t *cache, apr_pool_t *pconf, apr_pool_t *ptemp,
                                   const char *spec)
{
    const char *sep = ap_strchr_c(spec, ':');
    const char *name = sep ? apr_pstrmemdup(ptemp, spec, sep - spec) : spec;
    const char *err;

    cache->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                         AP_SOCACHE_PROVIDER_VERSION);
    if (!cache->provider) {
        return apr_psprintf(ptemp, "OktaSessionCache: unknown cache type '%s' (is "
                            "mod_socache_%s loaded?)", name, name);
    }
    err = cache->provider->create(&cache->instance, sep ? sep + 1 : NULL, ptemp, pconf);
    return err ? apr_psprintf(ptemp, "OktaSessionCache %s: %s", spec, err) : NULL;
}

const char *okta_store_set_spec(cmd_parms *cmd, void *dummy, const char *spec)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dummy;
    if (err) {
        return err;
    }
    cache_spec = spec;
    /* Check the spec now, so a typo is reported with its file and line. */
    return create_instance(&sessions, cmd->pool, cmd->temp_pool, spec);
}

int okta_store_pre_config(apr_pool_t *pconf)
{
    cache_spec = NULL;
    okta_lock_configure(NULL, "");
    sessions.provider = pending.provider = NULL;
    sessions.instance = pending.instance = NULL;
    cache_mutex = NULL;
    lock_every_access = 0;
    memo = NULL;
    return ap_mutex_register(pconf, STORE_MUTEX_TYPE, NULL, STORE_MUTEX_DEFAULT, 0);
}

static apr_status_t destroy_instances(void *data)
{
    server_rec *s = data;

    if (sessions.instance) {
        sessions.provider->destroy(sessions.instance, s);
        sessions.instance = NULL;
    }
    if (pending.instance) {
        pending.provider->destroy(pending.instance, s);
        pending.instance = NULL;
    }
    return APR_SUCCESS;
}

/* The cache that keeps records of `kind`. */
static const store_cache_t *cache_for(const char *kind)
{
    return pending.instance && strcmp(kind, OKTA_PENDING_KIND) == 0 ? &pending : &sessions;
}

/* Kept in pconf: log lines name the cache as long as the server runs. */
static const char *default_shmcb(apr_pool_t *pconf, const char *file, const char *bytes)
{
    return apr_pstrcat(pconf, "shmcb:", ap_runtime_dir_relative(pconf, file), "(", bytes, ")",
                       NULL);
}

static int init_failed(server_rec *s, apr_status_t rv, const char *spec)
{
    ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                 OKTALOGNO(00005) "cannot initialise the session cache %s", spec);
    return HTTP_INTERNAL_SERVER_ERROR;
}

static apr_status_t init_instance(store_cache_t *cache, const char *namespace,
                                  apr_size_t average_entry, apr_pool_t *pconf, server_rec *s)
{
    struct ap_socache_hints hints = { STORE_KEY_LEN, average_entry, 3600 };

    return cache->provider->init(cache->instance, namespace, &hints, s, pconf);
}

static int module_in_use(server_rec *s)
{
    for (; s; s = s->next) {
        okta_server_conf_t *sc = ap_get_module_config(s->module_config, &okta_authcode_module);
        if (sc->issuer) {
            return 1;
        }
    }
    return 0;
}

int okta_store_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    const char *err = NULL, *pending_spec = NULL;
    apr_status_t rv;

    if (!module_in_use(s)) {
        return OK;
    }
    if (!cache_spec) {
        /* shmcb's default 512 KB would hold only about a hundred sessions */
        cache_spec = default_shmcb(pconf, "okta_authcode_sessions", DEFAULT_SHMCB_BYTES);
        err = create_instance(&sessions, pconf, ptemp, cache_spec);
    }
    if (!err && strcmp(sessions.provider->name, "shmcb") == 0) {
        pending_spec = default_shmcb(pconf, "okta_authcode_pending", PENDING_SHMCB_BYTES);
        err = create_instance(&pending, pconf, ptemp, pending_spec);
    }
    if (err) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, OKTALOGNO(00003) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    lock_every_access = (sessions.provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) != 0;
    rv = ap_global_mutex_create(&cache_mutex, NULL, STORE_MUTEX_TYPE, NULL, s, pconf, 0);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     OKTALOGNO(00004) "cannot create the session cache mutex");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    okta_lock_configure(apr_pstrmemdup(pconf, cache_spec, strcspn(cache_spec, ":")),
                        ap_strchr_c(cache_spec, ':') ? ap_strchr_c(cache_spec, ':') + 1 : "");
    apr_pool_cleanup_register(pconf, s, destroy_instances, apr_pool_cleanup_null);
    if ((rv = init_instance(&sessions, "okta_authcode", STORE_AVERAGE_ENTRY, pconf, s))
        != APR_SUCCESS) {
        return init_failed(s, rv, cache_spec);
    }
    if (pending.instance
        && (rv = init_instance(&pending, "okta_authcode_pending", PENDING_AVERAGE_ENTRY, pconf,
                               s)) != APR_SUCCESS) {
        return init_failed(s, rv, pending_spec);
    }
    if (!(memo = okta_memo_create(pconf))) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     OKTALOGNO(00038) "cannot create the locks of the session memo");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

void okta_store_child_init(apr_pool_t *p, server_rec *s)
{
    if (cache_mutex) {
        apr_status_t rv = apr_global_mutex_child_init(&cache_mutex,
                                                      apr_global_mutex_lockfile(cache_mutex), p);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                         OKTALOGNO(00006) "cannot reattach the session cache mutex");
        }
    }
}

static void lock(void)
{
    if (lock_every_access) {
        apr_global_mutex_lock(cache_mutex);
    }
}

static void unlock(void)
{
    if (lock_every_access) {
        apr_global_mutex_unlock(cache_mutex);
    }
}

static apr_status_t entry_key(unsigned char key[OKTA_CACHE_KEY_LEN], request_rec *r,
                              const char *kind, const char *id)
{
    okta_server_conf_t *sc = okta_server_conf(r);

    if (!sessions.instance) {
        return APR_EINIT;
    }
    return okta_cache_key(key, sc->keys, kind, id);
}

typedef struct {
    const store_cache_t *cache;
    unsigned char key[OKTA_CACHE_KEY_LEN];
    unsigned char *sealed;
    apr_size_t sealed_len;
} sealed_entry_t;

static apr_status_t seal_entry(sealed_entry_t *e, request_rec *r, const char *kind,
                               const char *id, const unsigned char *data, apr_size_t len)
{
    apr_status_t rv;

    e->cache = cache_for(kind);
    if ((rv = entry_key(e->key, r, kind, id)) != APR_SUCCESS
        || (rv = okta_seal(&e->sealed, &e->sealed_len, r->pool, okta_server_conf(r)->keys,
                           e->key, sizeof(e->key), data, len)) != APR_SUCCESS) {
        return rv;
    }
    if (e->sealed_len > STORE_MAX_ENTRY) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      OKTALOGNO(00007) "%s record of %" APR_SIZE_T_FMT " bytes is larger than "
                      "the %d the cache takes: ask for fewer claims or scopes", kind,
                      e->sealed_len, STORE_MAX_ENTRY);
        return APR_ENOSPC;
    }
    return APR_SUCCESS;
}

/* Every write notes a change for the memo (okta_memo.h), once it is made. */
static apr_status_t store_sealed(request_rec *r, const sealed_entry_t *e, apr_time_t expiry)
{
    apr_status_t rv = e->cache->provider->store(e->cache->instance, r->server, e->key,
                                                sizeof(e->key), expiry, e->sealed,
                                                (unsigned int)e->sealed_len, r->pool);

    okta_memo_note_change(memo, e->key);
    return rv;
}

static apr_status_t remove_entry(request_rec *r, const store_cache_t *cache,
                                 const unsigned char *key)
{
    apr_status_t rv = cache->provider->remove(cache->instance, r->server, key,
                                              OKTA_CACHE_KEY_LEN, r->pool);

    okta_memo_note_change(memo, key);
    return rv;
}

/* The raw cache read, without locking: buf has STORE_MAX_ENTRY bytes. */
static apr_status_t raw_get(request_rec *r, const store_cache_t *cache, const unsigned char *key,
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
                      OKTALOGNO(00009) "cannot read the session cache %s", cache_spec);
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
    apr_global_mutex_lock(cache_mutex);
    rv = raw_get(r, e.cache, e.key, probe, &probe_len);
    if (rv == APR_NOTFOUND) {
        rv = store_sealed(r, &e, expiry);
    }
    else if (rv == APR_SUCCESS) {
        rv = APR_EEXIST;
    }
    apr_global_mutex_unlock(cache_mutex);
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
    lock();
    rv = store_sealed(r, &e, expiry);
    unlock();
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      OKTALOGNO(00008) "cannot store a %s record in the session cache %s", kind,
                      cache_spec);
    }
    return rv;
}

/* Reads the sealed entry under `key` into a new buffer; with `take`, it is
 * removed in the same critical section, so of two requests racing for a
 * one-shot entry only one gets it (where the provider is locked; elsewhere
 * the provider's refusal of a replayed code is the second line). */
static apr_status_t read_sealed(request_rec *r, const store_cache_t *cache,
                                const unsigned char *key, int take, unsigned char **buf,
                                unsigned int *buflen)
{
    apr_status_t rv;

    *buf = apr_palloc(r->pool, STORE_MAX_ENTRY);
    lock();
    rv = raw_get(r, cache, key, *buf, buflen);
    if (rv == APR_SUCCESS && take) {
        remove_entry(r, cache, key);
    }
    unlock();
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

static apr_status_t fetch(request_rec *r, const char *kind, const char *id,
                          unsigned char **data, apr_size_t *len, int take)
{
    unsigned char key[OKTA_CACHE_KEY_LEN], *buf;
    unsigned int buflen;
    apr_status_t rv;

    if ((rv = key_or_notfound(key, r, kind, id)) != APR_SUCCESS
        || (rv = read_sealed(r, cache_for(kind), key, take, &buf, &buflen)) != APR_SUCCESS) {
        return rv;
    }
    return open_entry(r, kind, key, buf, buflen, data, len);
}

apr_status_t okta_store_get(request_rec *r, const char *kind, const char *id,
                            unsigned char **data, apr_size_t *len)
{
    return fetch(r, kind, id, data, len, 0);
}

apr_status_t okta_store_take(request_rec *r, const char *kind, const char *id,
                             unsigned char **data, apr_size_t *len)
{
    return fetch(r, kind, id, data, len, 1);
}

apr_status_t okta_store_get_remembered(request_rec *r, const char *kind, const char *id,
                                       unsigned char **data, apr_size_t *len)
{
    const okta_keys_t *keys = okta_server_conf(r)->keys;
    unsigned char key[OKTA_CACHE_KEY_LEN], *buf, *sealed;
    unsigned int buflen;
    apr_uint32_t changes;
    apr_status_t rv;

    /* other servers' writes to a shared cache note no change here */
    if (!okta_lock_is_shared()
        && okta_memo_recall_unchanged(memo, keys, kind, id, r->pool, data, len)) {
        return APR_SUCCESS;
    }
    if (!okta_memo_key(memo, keys, kind, id, key)
        && (rv = key_or_notfound(key, r, kind, id)) != APR_SUCCESS) {
        return rv;
    }
    changes = okta_memo_changes(memo, key); /* before the read: see okta_memo.h */
    if ((rv = read_sealed(r, cache_for(kind), key, 0, &buf, &buflen)) != APR_SUCCESS) {
        return rv;
    }
    if (okta_memo_recall(memo, keys, kind, id, buf, buflen, changes, data, len)) {
        return APR_SUCCESS;
    }
    sealed = apr_pmemdup(r->pool, buf, buflen); /* opening decrypts buf in place */
    if ((rv = open_entry(r, kind, key, buf, buflen, data, len)) == APR_SUCCESS) {
        okta_memo_remember(memo, keys, kind, id, key, changes, sealed, buflen, *data, *len);
    }
    return rv;
}

#define WRITE_LOCK_KIND "record-write"
#define WRITE_LOCK_TTL apr_time_from_sec(2)
#define WRITE_LOCK_TRIES 100
#define WRITE_LOCK_WAIT apr_time_from_msec(10)

/* Across servers sharing a cache, a read-change-write of one record is
 * kept whole by a lock named after the record. */
static apr_status_t update_shared(request_rec *r, const char *kind, const char *id,
                                  okta_store_update_fn *update, void *baton)
{
    const char *record = apr_pstrcat(r->pool, kind, ":", id, NULL);
    unsigned char *data, *changed;
    apr_size_t len, changed_len;
    apr_time_t expiry;
    apr_status_t rv;
    int tries = 0;

    while ((rv = okta_lock_acquire(r, WRITE_LOCK_KIND, record, WRITE_LOCK_TTL)) == APR_EEXIST
           && ++tries < WRITE_LOCK_TRIES) {
        apr_sleep(WRITE_LOCK_WAIT);
    }
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      OKTALOGNO(00036) "cannot lock a %s record for writing in %s", kind,
                      cache_spec);
        return rv == APR_EEXIST ? APR_TIMEUP : rv;
    }
    if ((rv = okta_store_get(r, kind, id, &data, &len)) == APR_SUCCESS
        && (rv = update(r, data, len, &changed, &changed_len, &expiry, baton)) == APR_SUCCESS) {
        rv = okta_store_put(r, kind, id, changed, changed_len, expiry);
    }
    okta_lock_release(r, WRITE_LOCK_KIND, record);
    return rv;
}

apr_status_t okta_store_update(request_rec *r, const char *kind, const char *id,
                               okta_store_update_fn *update, void *baton)
{
    unsigned char key[OKTA_CACHE_KEY_LEN], *buf, *data, *changed;
    unsigned int buflen;
    apr_size_t len, changed_len;
    apr_time_t expiry;
    sealed_entry_t e;
    apr_status_t rv;

    if (okta_lock_is_shared()) {
        return update_shared(r, kind, id, update, baton);
    }
    if ((rv = entry_key(key, r, kind, id)) != APR_SUCCESS) {
        return rv;
    }
    buf = apr_palloc(r->pool, STORE_MAX_ENTRY);
    apr_global_mutex_lock(cache_mutex);
    rv = raw_get(r, cache_for(kind), key, buf, &buflen);
    if (rv == APR_SUCCESS) {
        rv = open_entry(r, kind, key, buf, buflen, &data, &len);
    }
    else {
        log_read_failure(r, rv);
    }
    if (rv == APR_SUCCESS) {
        rv = update(r, data, len, &changed, &changed_len, &expiry, baton);
    }
    if (rv == APR_SUCCESS) {
        rv = seal_entry(&e, r, kind, id, changed, changed_len);
    }
    if (rv == APR_SUCCESS) {
        rv = store_sealed(r, &e, expiry);
    }
    apr_global_mutex_unlock(cache_mutex);
    return rv;
}

apr_status_t okta_store_remove(request_rec *r, const char *kind, const char *id)
{
    const store_cache_t *cache = cache_for(kind);
    unsigned char key[OKTA_CACHE_KEY_LEN];
    apr_status_t rv;

    if ((rv = entry_key(key, r, kind, id)) != APR_SUCCESS) {
        return rv;
    }
    lock();
    rv = remove_entry(r, cache, key);
    unlock();
    return rv;
}
