/* SPDX-License-Identifier: Apache-2.0 */
/* What socache cannot do with a shared cache's server (memcache, redis):
 * locks that always expire, released only by their holder, and records
 * replaced only while they hold what the writer read (compare-and-set:
 * redis's script, memcache's gets and cas; okta_memcache.h).  Each node of a
 * cluster takes the lock in the cache server itself, with an operation it
 * makes atomic: redis's SET NX PX, and a script that deletes the key only
 * if it holds the holder's token (apr_redis has neither, so these locks
 * speak RESP themselves: okta_redis.h); memcache's add, and a read of the
 * token just before deleting it. */
#include <apr_memcache.h>
#include <apr_redis.h>
#include <apr_strings.h>

#include "mod_okta_cacheserver.h"
#include "okta_memcache.h"
#include "okta_redis.h"

#define LOCK_KEY_PREFIX "okta_authcode_lock:"
#define LOCK_IO_TIMEOUT 2 /* seconds, for each exchange with the cache server */
/* a conditional write waits as long as socache's redis provider waits for
 * a write (its RedisTimeout's default) */
#define REPLACE_IO_TIMEOUT 5
/* memcache cannot delete only if the value is ours: a holder that is this
 * close to its lock's end lets it expire instead of reading then deleting,
 * so that it cannot delete the next holder's. */
#define MEMCACHE_RELEASE_MARGIN apr_time_from_msec(500)
/* An idle pooled connection is dropped after this: long enough to serve a
 * burst of requests, short enough that one that broke when the cache
 * server restarted is not used again once the server is back. */
#define CONNECTION_TTL apr_time_from_sec(2)
#define REPLY_MAX 512
/* a memcache gets of a record: the largest the store writes, and its line */
#define RECORD_REPLY_MAX (OKTA_CACHE_MAX_ENTRY + 512)

/* Takes the lock, or gives a key that has no expiry (left by an older
 * version of the module, or by hand) the lock's lifetime, so that it
 * cannot block for longer. */
static const char *const REDIS_ACQUIRE =
    "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end "
    "if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end "
    "return 0";
static const char *const REDIS_RELEASE =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
    "return 0";
/* -1: no record; 0: it holds another than ARGV[1]; 1: replaced */
static const char *const REDIS_REPLACE =
    "local held = redis.call('GET', KEYS[1]) "
    "if not held then return -1 end "
    "if held ~= ARGV[1] then return 0 end "
    "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) "
    "return 1";

/* The connections of this process to the cache's servers, in the
 * module's state. */
struct okta_cacheserver_t {
    apr_memcache_t *memcache; /* one of these */
    apr_redis_t *redis; /* (for its list of servers, to pick one by key) */
};

static okta_cacheserver_t *cacheserver_of(const server_rec *s)
{
    return okta_module_state(s)->cacheserver;
}

static apr_status_t add_server(okta_cacheserver_t *cs, apr_pool_t *p, const char *host,
                               apr_port_t port, int threads)
{
    apr_status_t rv;

    if (cs->memcache) {
        apr_memcache_server_t *ms;
        rv = apr_memcache_server_create(p, host, port ? port : 11211, 0, 1, threads,
                                        CONNECTION_TTL, &ms);
        return rv == APR_SUCCESS ? apr_memcache_add_server(cs->memcache, ms) : rv;
    }
    else {
        apr_redis_server_t *rs;
        rv = apr_redis_server_create(p, host, port ? port : 6379, 0, 1, threads,
                                     CONNECTION_TTL, LOCK_IO_TIMEOUT, &rs);
        return rv == APR_SUCCESS ? apr_redis_add_server(cs->redis, rs) : rv;
    }
}

/* Connections are per process: made in each child. */
void okta_cacheserver_child_init(apr_pool_t *p, server_rec *s, int threads)
{
    const char *spec = okta_caches_spec(s), *servers, *c;
    okta_cacheserver_t *cs;
    char *list, *item, *last;
    int count = 1;

    if (!spec || !okta_caches_shared(s)) {
        return;
    }
    servers = strchr(spec, ':') ? strchr(spec, ':') + 1 : "";
    cs = okta_module_state(s)->cacheserver = apr_pcalloc(p, sizeof(*cs));
    for (c = servers; *c; c++) {
        count += *c == ',';
    }
    if (strncmp(spec, "memcache:", 9) == 0) {
        apr_memcache_create(p, (apr_uint16_t)count, 0, &cs->memcache);
    }
    else {
        apr_redis_create(p, (apr_uint16_t)count, 0, &cs->redis);
    }
    list = apr_pstrdup(p, servers);
    for (item = apr_strtok(list, ",", &last); item; item = apr_strtok(NULL, ",", &last)) {
        char *host, *scope;
        apr_port_t port;
        apr_status_t rv = apr_parse_addr_port(&host, &scope, &port, item, p);

        if (rv == APR_SUCCESS && host) {
            rv = add_server(cs, p, host, port, threads);
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

/* ---- redis ----------------------------------------------------------------- */

static apr_status_t send_all(apr_socket_t *sock, const char *data, apr_size_t len)
{
    apr_status_t rv = APR_SUCCESS;

    while (len > 0 && rv == APR_SUCCESS) {
        apr_size_t n = len;
        rv = apr_socket_send(sock, data, &n);
        data += n;
        len -= n;
    }
    return rv;
}

static apr_status_t read_reply(apr_socket_t *sock, char *buf, okta_redis_reply_t *reply)
{
    apr_size_t got = 0, used;

    for (;;) {
        apr_size_t n = REPLY_MAX - got;
        apr_status_t rv = apr_socket_recv(sock, buf + got, &n);
        got += n;
        switch (okta_redis_parse(reply, buf, got, &used)) {
        case OKTA_REDIS_NEED_MORE:
            if (rv != APR_SUCCESS || got == REPLY_MAX) {
                return rv != APR_SUCCESS ? rv : APR_EGENERAL;
            }
            break;
        case OKTA_REDIS_MALFORMED:
            return APR_EGENERAL;
        default:
            return APR_SUCCESS;
        }
    }
}

/* A connection of its own to host:port (locks and conditional writes are
 * rare: a refresh, a session write), with `timeout` seconds per exchange. */
static apr_status_t connect_to(request_rec *r, const char *host, apr_port_t port, int timeout,
                               apr_socket_t **sock)
{
    apr_sockaddr_t *sa;
    apr_status_t rv;

    if ((rv = apr_sockaddr_info_get(&sa, host, APR_UNSPEC, port, 0, r->pool)) != APR_SUCCESS
        || (rv = apr_socket_create(sock, sa->family, SOCK_STREAM, APR_PROTO_TCP, r->pool))
               != APR_SUCCESS) {
        return rv;
    }
    apr_socket_timeout_set(*sock, apr_time_from_sec(timeout));
    if ((rv = apr_socket_connect(*sock, sa)) != APR_SUCCESS) {
        apr_socket_close(*sock);
    }
    return rv;
}

/* EVAL `script` with KEYS[1] = `key` and `nargs` ARGV (lens[i] bytes each)
 * on the server that holds `key`.  The integer reply in *result. */
static apr_status_t redis_eval(request_rec *r, apr_redis_t *redis, const char *script,
                               const char *key, int nargs, const char *const *args,
                               const apr_size_t *lens, int timeout, apr_int64_t *result)
{
    apr_redis_server_t *server = apr_redis_find_server_hash(redis, apr_redis_hash(redis, key,
                                                                                  strlen(key)));
    const char *argv[8] = { "EVAL", script, "1", key };
    apr_size_t argl[8];
    char *buf = apr_palloc(r->pool, REPLY_MAX);
    okta_redis_reply_t reply;
    apr_socket_t *sock;
    apr_size_t len;
    const char *cmd;
    apr_status_t rv;
    int i;

    if (!server || nargs > 4) {
        return APR_EGENERAL;
    }
    for (i = 0; i < 4; i++) {
        argl[i] = strlen(argv[i]);
    }
    for (i = 0; i < nargs; i++) {
        argv[4 + i] = args[i];
        argl[4 + i] = lens ? lens[i] : strlen(args[i]);
    }
    cmd = okta_redis_command(r->pool, &len, 4 + nargs, argv, argl);
    if ((rv = connect_to(r, server->host, server->port, timeout, &sock)) != APR_SUCCESS) {
        return rv;
    }
    if ((rv = send_all(sock, cmd, len)) == APR_SUCCESS
        && (rv = read_reply(sock, buf, &reply)) == APR_SUCCESS) {
        if (reply.type == OKTA_REDIS_INTEGER) {
            *result = reply.integer;
        }
        else {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          OKTALOGNO(00044) "redis %s:%d answered a script with %.*s",
                          server->host, server->port,
                          reply.type == OKTA_REDIS_ERROR ? (int)reply.len : 12,
                          reply.type == OKTA_REDIS_ERROR ? reply.text : "another reply");
            rv = APR_EGENERAL;
        }
    }
    apr_socket_close(sock);
    return rv;
}

/* ---- the lock ---------------------------------------------------------------- */

static apr_uint32_t whole_seconds(apr_interval_time_t t)
{
    apr_int64_t s = apr_time_sec(t + apr_time_from_sec(1) - 1);
    return s > 0 ? (apr_uint32_t)s : 1;
}

apr_status_t okta_cacheserver_lock(request_rec *r, const char *kind, const char *id,
                                   const char *token, apr_interval_time_t ttl,
                                   apr_time_t *deadline)
{
    okta_cacheserver_t *cs = cacheserver_of(r->server);
    const char *key = lock_key(r, kind, id);
    apr_int64_t taken = 0;
    const char *args[2];
    apr_status_t rv;

    if (!key || !cs) {
        return !key ? APR_EINVAL : APR_ENOTIMPL;
    }
    if (cs->memcache) {
        /* memcache counts whole seconds */
        *deadline = apr_time_now() + apr_time_from_sec(whole_seconds(ttl));
        rv = apr_memcache_add(cs->memcache, key, (char *)token, strlen(token),
                              whole_seconds(ttl), 0);
        return rv == APR_EEXIST || rv == APR_SUCCESS ? rv : APR_EGENERAL;
    }
    *deadline = apr_time_now() + ttl;
    args[0] = token;
    args[1] = apr_psprintf(r->pool, "%" APR_INT64_T_FMT, apr_time_as_msec(ttl));
    rv = redis_eval(r, cs->redis, REDIS_ACQUIRE, key, 2, args, NULL, LOCK_IO_TIMEOUT, &taken);
    return rv != APR_SUCCESS ? rv : taken == 1 ? APR_SUCCESS : APR_EEXIST;
}

void okta_cacheserver_unlock(request_rec *r, const char *kind, const char *id,
                             const char *token, apr_time_t deadline)
{
    okta_cacheserver_t *cs = cacheserver_of(r->server);
    const char *key = lock_key(r, kind, id);
    apr_int64_t deleted;
    apr_size_t len;
    char *value;

    if (!key || !cs) {
        return;
    }
    if (cs->memcache) {
        if (apr_time_now() < deadline - MEMCACHE_RELEASE_MARGIN
            && apr_memcache_getp(cs->memcache, r->pool, key, &value, &len, NULL) == APR_SUCCESS
            && len == strlen(token) && memcmp(value, token, len) == 0) {
            apr_memcache_delete(cs->memcache, key, 0);
        }
    }
    else {
        redis_eval(r, cs->redis, REDIS_RELEASE, key, 1, &token, NULL, LOCK_IO_TIMEOUT, &deleted);
    }
}

/* ---- compare-and-set ---------------------------------------------------------- */

/* How socache's memcache and redis providers name the record `key`. */
static const char *record_key(request_rec *r, const unsigned char *key)
{
    char hex[2 * OKTA_CACHE_KEY_LEN + 1];

    ap_bin2hex(key, OKTA_CACHE_KEY_LEN, hex);
    return apr_pstrcat(r->pool, OKTA_CACHE_NAMESPACE, ":", hex, NULL);
}

/* Reads into buf (RECORD_REPLY_MAX bytes) until `parse` has a whole reply. */
static apr_status_t memcache_exchange(apr_socket_t *sock, const char *cmd, apr_size_t len,
                                      char *buf, apr_size_t *got,
                                      okta_mc_reply_t (*parse)(const char *buf, apr_size_t len,
                                                               void *baton),
                                      void *baton, okta_mc_reply_t *reply)
{
    apr_status_t rv = send_all(sock, cmd, len);

    *got = 0;
    while (rv == APR_SUCCESS) {
        apr_size_t n = RECORD_REPLY_MAX - *got;

        if (n == 0) {
            return APR_EGENERAL;
        }
        rv = apr_socket_recv(sock, buf + *got, &n);
        *got += n;
        if ((*reply = parse(buf, *got, baton)) != OKTA_MC_NEED_MORE) {
            return *reply == OKTA_MC_MALFORMED ? APR_EGENERAL : APR_SUCCESS;
        }
    }
    return rv;
}

typedef struct {
    const char *key;
    okta_mc_value_t value;
} gets_t;

static okta_mc_reply_t parse_gets(const char *buf, apr_size_t len, void *baton)
{
    gets_t *g = baton;

    return okta_mc_parse_gets(&g->value, g->key, buf, len);
}

static okta_mc_reply_t parse_cas(const char *buf, apr_size_t len, void *baton)
{
    (void)baton;
    return okta_mc_parse_cas(buf, len);
}

static apr_status_t memcache_replace(request_rec *r, apr_memcache_t *mc, const char *key,
                                     const unsigned char *old, apr_size_t oldlen,
                                     const unsigned char *new, apr_size_t newlen,
                                     apr_interval_time_t ttl)
{
    apr_memcache_server_t *server = apr_memcache_find_server_hash(mc, apr_memcache_hash(mc, key,
                                                                                      strlen(key)));
    char *buf = apr_palloc(r->pool, RECORD_REPLY_MAX);
    const char *gets = okta_mc_gets_command(r->pool, key), *cas;
    gets_t g = { key, { NULL, 0, 0 } };
    okta_mc_reply_t reply;
    apr_socket_t *sock;
    apr_size_t got, len;
    apr_status_t rv;

    if (!server || !gets) {
        return APR_EGENERAL;
    }
    if ((rv = connect_to(r, server->host, server->port, REPLACE_IO_TIMEOUT, &sock))
        != APR_SUCCESS) {
        return rv;
    }
    rv = memcache_exchange(sock, gets, strlen(gets), buf, &got, parse_gets, &g, &reply);
    if (rv == APR_SUCCESS) {
        if (reply == OKTA_MC_MISS) {
            rv = APR_NOTFOUND;
        }
        else if (g.value.len != oldlen || memcmp(g.value.data, old, oldlen) != 0) {
            rv = APR_EEXIST;
        }
        else {
            /* memcache counts whole seconds */
            cas = okta_mc_cas_command(r->pool, &len, key, whole_seconds(ttl), g.value.cas, new,
                                      newlen);
            rv = memcache_exchange(sock, cas, len, buf, &got, parse_cas, NULL, &reply);
            rv = rv != APR_SUCCESS ? rv
                 : reply == OKTA_MC_STORED ? APR_SUCCESS
                 : reply == OKTA_MC_EXISTS ? APR_EEXIST
                                           : APR_NOTFOUND;
        }
    }
    apr_socket_close(sock);
    return rv;
}

apr_status_t okta_cacheserver_replace(request_rec *r, const unsigned char *key,
                                      const unsigned char *old, apr_size_t oldlen,
                                      const unsigned char *new, apr_size_t newlen,
                                      apr_time_t expiry)
{
    okta_cacheserver_t *cs = cacheserver_of(r->server);
    const char *name = record_key(r, key), *args[3];
    apr_interval_time_t ttl = expiry - apr_time_now();
    apr_size_t lens[3];
    apr_int64_t replaced = 0;
    apr_status_t rv;

    if (!cs) {
        return APR_ENOTIMPL;
    }
    if (ttl <= 0) {
        return APR_EINVAL;
    }
    if (cs->memcache) {
        return memcache_replace(r, cs->memcache, name, old, oldlen, new, newlen, ttl);
    }
    args[0] = (const char *)old;
    lens[0] = oldlen;
    args[1] = (const char *)new;
    lens[1] = newlen;
    args[2] = apr_psprintf(r->pool, "%" APR_INT64_T_FMT, apr_time_as_msec(ttl) + 1);
    lens[2] = strlen(args[2]);
    if ((rv = redis_eval(r, cs->redis, REDIS_REPLACE, name, 3, args, lens, REPLACE_IO_TIMEOUT,
                         &replaced))
        != APR_SUCCESS) {
        return rv;
    }
    return replaced == 1 ? APR_SUCCESS : replaced == 0 ? APR_EEXIST : APR_NOTFOUND;
}
