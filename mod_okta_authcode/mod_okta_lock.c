/* Named locks that expire, for one refresh at a time per refresh token and
 * one writer at a time per session record.
 *
 * With a cache local to this server (shmcb) a lock is an entry added to the
 * cache under the global mutex.  With a cache shared by several servers
 * (memcache, redis) a mutex cannot reach the other servers, so the lock is
 * taken in the cache server itself, with an operation it makes atomic:
 * memcache's add, or redis's INCR (then an expiry: a lock left without one
 * by a crash in between is broken by okta_lock_break once it is overdue). */
#include <apr_memcache.h>
#include <apr_redis.h>
#include <apr_strings.h>

#include "mod_okta_authcode.h"

#define LOCK_KEY_PREFIX "okta_authcode_lock:"
#define LOCK_IO_TIMEOUT 2 /* seconds, for redis reads and writes */
/* An idle pooled connection is dropped after this: long enough to serve a
 * burst of requests, short enough that one that broke when the cache
 * server restarted is not used again once the server is back. */
#define CONNECTION_TTL apr_time_from_sec(2)

typedef enum { LOCK_LOCAL, LOCK_MEMCACHE, LOCK_REDIS } lock_backend_t;

static lock_backend_t backend;
static const char *servers_spec; /* host:port[,host:port] of a shared cache */
static apr_memcache_t *memcache;
static apr_redis_t *redis;

void okta_lock_configure(const char *cache_type, const char *servers)
{
    backend = LOCK_LOCAL;
    servers_spec = servers;
    if (cache_type && strcmp(cache_type, "memcache") == 0) {
        backend = LOCK_MEMCACHE;
    }
    else if (cache_type && strcmp(cache_type, "redis") == 0) {
        backend = LOCK_REDIS;
    }
}

/* Connections are per process: made in each child. */
void okta_lock_child_init(apr_pool_t *p, server_rec *s, int threads)
{
    char *list, *item, *last;
    int count = 1;
    const char *c;

    memcache = NULL;
    redis = NULL;
    if (backend == LOCK_LOCAL) {
        return;
    }
    for (c = servers_spec; *c; c++) {
        count += *c == ',';
    }
    if (backend == LOCK_MEMCACHE) {
        apr_memcache_create(p, (apr_uint16_t)count, 0, &memcache);
    }
    else {
        apr_redis_create(p, (apr_uint16_t)count, 0, &redis);
    }
    list = apr_pstrdup(p, servers_spec);
    for (item = apr_strtok(list, ",", &last); item; item = apr_strtok(NULL, ",", &last)) {
        char *host, *scope;
        apr_port_t port;
        apr_status_t rv = apr_parse_addr_port(&host, &scope, &port, item, p);

        if (rv == APR_SUCCESS && host) {
            if (memcache) {
                apr_memcache_server_t *ms;
                rv = apr_memcache_server_create(p, host, port ? port : 11211, 0, 1, threads,
                                                CONNECTION_TTL, &ms);
                if (rv == APR_SUCCESS) {
                    rv = apr_memcache_add_server(memcache, ms);
                }
            }
            else {
                apr_redis_server_t *rs;
                rv = apr_redis_server_create(p, host, port ? port : 6379, 0, 1, threads,
                                             CONNECTION_TTL, LOCK_IO_TIMEOUT, &rs);
                if (rv == APR_SUCCESS) {
                    rv = apr_redis_add_server(redis, rs);
                }
            }
        }
        if (rv != APR_SUCCESS || !host) {
            ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                         OKTALOGNO(00035) "cannot use %s for locks", item);
        }
    }
}

static const char *lock_key(request_rec *r, const char *kind, const char *id)
{
    unsigned char key[OKTA_CACHE_KEY_LEN];
    char hex[2 * OKTA_CACHE_KEY_LEN + 1];

    if (okta_cache_key(key, okta_server_conf(r)->keys, kind, id) != APR_SUCCESS) {
        return NULL;
    }
    ap_bin2hex(key, sizeof(key), hex);
    return apr_pstrcat(r->pool, LOCK_KEY_PREFIX, hex, NULL);
}

static apr_uint32_t seconds(apr_interval_time_t t)
{
    apr_int64_t s = apr_time_sec(t + apr_time_from_sec(1) - 1);
    return s > 0 ? (apr_uint32_t)s : 1;
}

apr_status_t okta_lock_acquire(request_rec *r, const char *kind, const char *id,
                               apr_interval_time_t ttl)
{
    static const unsigned char mark = 1;
    const char *key;
    apr_uint32_t count = 0;
    apr_status_t rv;

    if (backend == LOCK_LOCAL) {
        return okta_store_add(r, kind, id, &mark, sizeof(mark), apr_time_now() + ttl);
    }
    if (!(key = lock_key(r, kind, id))) {
        return APR_EINVAL;
    }
    if (backend == LOCK_MEMCACHE) {
        rv = apr_memcache_add(memcache, key, "1", 1, seconds(ttl), 0);
        return rv == APR_EEXIST || rv == APR_SUCCESS ? rv : APR_EGENERAL;
    }
    rv = apr_redis_incr(redis, key, 1, &count);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    if (count != 1) {
        return APR_EEXIST;
    }
    /* SETEX resets the value to 1: the next INCR still sees it taken */
    return apr_redis_setex(redis, key, "1", 1, seconds(ttl), 0);
}

void okta_lock_release(request_rec *r, const char *kind, const char *id)
{
    const char *key;

    if (backend == LOCK_LOCAL) {
        okta_store_remove(r, kind, id);
    }
    else if ((key = lock_key(r, kind, id)) != NULL) {
        if (backend == LOCK_MEMCACHE) {
            apr_memcache_delete(memcache, key, 0);
        }
        else {
            apr_redis_delete(redis, key, 0);
        }
    }
}

int okta_lock_is_shared(void)
{
    return backend != LOCK_LOCAL;
}
