/* SPDX-License-Identifier: Apache-2.0 */
/* The caches behind the store (mod_okta_store.c): the socache instances
 * that OktaSessionCache names, made once the configuration is complete,
 * with a global mutex each, and this process's memo of sessions.
 *
 * With shmcb, sessions are split over several shmcb segments (shards, see
 * SHMCB_SHARD_BYTES).  Nothing is written for a request without a session
 * (a sign-in in progress is kept in the browser's cookie: okta_pending.h),
 * so a flood of them cannot push sessions out.  shmcb caches outlive
 * graceful restarts (see kept_caches_t). */
#include <dlfcn.h>
#include <apr_strings.h>
#include <ap_provider.h>
#include <http_protocol.h>
#include <util_mutex.h>

#include "mod_okta_caches.h"
#include "okta_crypto.h"

#define CACHE_MUTEX_TYPE "okta-authcode-cache"
/* A session's first read in a process, and every write, take its cache's
 * mutex.  fcntl() locks are released when a process dies, and measured
 * best under load: APR's process-shared pthread mutex uses priority
 * inheritance, so once contended every hand-over goes through the kernel
 * (bench-sessions, 16 clients: 0.74 of no authentication with it, 0.90
 * with fcntl, before the memo spared most reads).  Operators can choose
 * with "Mutex <mechanism> okta-authcode-cache". */
#define CACHE_MUTEX_DEFAULT APR_LOCK_FCNTL
#define DEFAULT_SHMCB_BYTES 16777216
/* shmcb finds an entry by scanning the index of one of at most 256
 * subcaches, whose length grows with the square root of the segment's
 * size: hundreds of entries in a few hundred MB, each a read somewhere in
 * the segment.  Sessions in shmcb are therefore split over segments of
 * about 4 MB (at most 64; a scan stays under about 80 entries up to
 * 256 MB), each with its own mutex. */
#define SHMCB_SHARD_BYTES (4 * 1024 * 1024)
#define MAX_SHARDS 64
/* Sizes the provider is told to expect: keys are HMACs; sessions take a
 * few KB, refresh locks and outcomes less.  shmcb sizes its index by them,
 * so they must be averages, not maxima. */
#define CACHE_KEY_LEN OKTA_CACHE_KEY_LEN
#define SESSION_AVERAGE_ENTRY 1536

/* The caches of one configuration: in the module's state. */
struct okta_caches_t {
    const char *spec; /* as given to OktaSessionCache */
    okta_cache_t shards[MAX_SHARDS];
    int shard_count;
    int lock_every_access; /* the provider is not multi-process safe */
    int shared; /* other servers use the cache too */
    okta_session_memo_t *memo; /* what this process opened last (okta_session_memo.h) */
};

static okta_caches_t *caches_of(const server_rec *s)
{
    okta_module_state_t *state = okta_module_state(s);

    if (!state->caches) {
        state->caches = apr_pcalloc(state->pool, sizeof(*state->caches));
    }
    return state->caches;
}

static const char *create_instance(okta_cache_t *cache, apr_pool_t *pool, apr_pool_t *ptemp,
                                   const char *name, const char *arg)
{
    const char *err;

    cache->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                                         AP_SOCACHE_PROVIDER_VERSION);
    if (!cache->provider) {
        return apr_psprintf(ptemp, "OktaSessionCache: unknown cache type '%s' (is "
                            "mod_socache_%s loaded?)", name, name);
    }
    err = cache->provider->create(&cache->instance, arg, ptemp, pool);
    return err ? apr_psprintf(ptemp, "OktaSessionCache %s%s%s: %s", name, arg ? ":" : "",
                              arg ? arg : "", err) : NULL;
}

/* "/path(bytes)", "/path" or nothing: the size defaults to 16 MB, not to
 * shmcb's 512 KB, which holds only about a hundred sessions. */
static const char *parse_shmcb_arg(apr_pool_t *pool, apr_pool_t *ptemp, const char *arg,
                                   const char **path, apr_off_t *bytes)
{
    const char *open = arg ? strrchr(arg, '(') : NULL;
    char *end;

    *bytes = DEFAULT_SHMCB_BYTES;
    if (!arg || !*arg) {
        *path = ap_runtime_dir_relative(pool, "okta_authcode_sessions");
        return NULL;
    }
    *path = open ? apr_pstrmemdup(pool, arg, open - arg) : arg;
    if (open && (apr_strtoff(bytes, open + 1, &end, 10) != APR_SUCCESS || *end != ')'
                 || end[1] || *bytes <= 0)) {
        return apr_psprintf(ptemp, "OktaSessionCache shmcb:%s: the size must be a number "
                            "of bytes in parentheses", arg);
    }
    return NULL;
}

/* Sessions in shmcb: `bytes` split over shards (see SHMCB_SHARD_BYTES),
 * a power of two of them so that a key byte picks one evenly. */
static const char *create_shmcb_shards(okta_caches_t *c, apr_pool_t *pool, apr_pool_t *ptemp,
                                       const char *arg)
{
    const char *path, *err;
    apr_off_t bytes;
    int i;

    if ((err = parse_shmcb_arg(pool, ptemp, arg, &path, &bytes)) != NULL) {
        return err;
    }
    for (c->shard_count = 1; c->shard_count < MAX_SHARDS
                             && (apr_off_t)c->shard_count * 2 * SHMCB_SHARD_BYTES <= bytes;
         c->shard_count *= 2) {
    }
    for (i = 0; i < c->shard_count && !err; i++) {
        err = create_instance(&c->shards[i], pool, ptemp, "shmcb",
                              apr_psprintf(ptemp, "%s.%d(%" APR_OFF_T_FMT ")", path, i,
                                           bytes / c->shard_count));
    }
    return err;
}

/* The caches for OktaSessionCache `spec`, their instances in `pool`: with
 * shmcb, shards (see the top of this file). */
static const char *create_caches(okta_caches_t *c, apr_pool_t *pool, apr_pool_t *ptemp,
                                 const char *spec)
{
    const char *sep = ap_strchr_c(spec, ':');
    const char *name = sep ? apr_pstrmemdup(ptemp, spec, sep - spec) : spec;
    const char *arg = sep ? sep + 1 : NULL;

    memset(c->shards, 0, sizeof(c->shards));
    if (strcmp(name, "shmcb") != 0) {
        c->shard_count = 1;
        return create_instance(&c->shards[0], pool, ptemp, name, arg);
    }
    return create_shmcb_shards(c, pool, ptemp, arg);
}

const char *okta_caches_set_spec(cmd_parms *cmd, void *dummy, const char *spec)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);

    (void)dummy;
    if (err) {
        return err;
    }
    caches_of(cmd->server)->spec = spec;
    /* Check the spec now, so a typo is reported with its file and line;
     * the caches are made once the configuration is complete. */
    return create_caches(apr_pcalloc(cmd->temp_pool, sizeof(okta_caches_t)), cmd->temp_pool,
                         cmd->temp_pool, spec);
}

/* Caches in a server of their own, which other Apache servers can use. */
static int is_shared_type(const char *type)
{
    return strcmp(type, "memcache") == 0 || strcmp(type, "redis") == 0;
}

int okta_caches_pre_config(apr_pool_t *pconf)
{
    return ap_mutex_register(pconf, CACHE_MUTEX_TYPE, NULL, CACHE_MUTEX_DEFAULT, 0);
}

static apr_status_t destroy_instances(void *data)
{
    server_rec *s = data;
    okta_caches_t *c = caches_of(s);
    int i;

    for (i = 0; i < c->shard_count; i++) {
        if (c->shards[i].instance) {
            c->shards[i].provider->destroy(c->shards[i].instance, s);
            c->shards[i].instance = NULL;
        }
    }
    return APR_SUCCESS;
}

/* The shard is picked by the key's last byte, as shmcb picks a subcache by
 * its first. */
const okta_cache_t *okta_cache_for(const server_rec *s, const unsigned char key[OKTA_CACHE_KEY_LEN])
{
    okta_caches_t *c = caches_of(s);

    return &c->shards[key[OKTA_CACHE_KEY_LEN - 1] % c->shard_count];
}

/* The provider and the mutex of one cache, in `pool`; `i` names its mutex. */
static apr_status_t init_cache(okta_caches_t *c, int i, apr_pool_t *pool, server_rec *s)
{
    struct ap_socache_hints hints = { CACHE_KEY_LEN, SESSION_AVERAGE_ENTRY, 3600 };
    okta_cache_t *cache = &c->shards[i];
    apr_status_t rv;

    rv = ap_global_mutex_create(&cache->mutex, NULL, CACHE_MUTEX_TYPE, apr_itoa(pool, i), s,
                                pool, 0);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     OKTALOGNO(00004) "cannot create the session cache mutex");
        return rv;
    }
    if ((rv = cache->provider->init(cache->instance, OKTA_CACHE_NAMESPACE, &hints, s, pool))
        != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     OKTALOGNO(00005) "cannot initialise the session cache %s", c->spec);
    }
    return rv;
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

/* A cache of this server's own (shmcb) outlives a graceful restart, so
 * that a reload (logrotate's, every night) signs no one out: it, its
 * mutexes and the memo's change counters live in the process pool, noted
 * there with the spec they were made for.  Old children still finishing
 * their requests use them too, so they must be the same, not copies. */
#define KEPT_CACHES_KEY "okta_authcode_kept_caches"

typedef struct {
    const char *spec;
    okta_cache_t shards[MAX_SHARDS]; /* instances and mutexes: providers are
                                        looked up again, as modules reload */
    okta_changes_t *changes;
} kept_caches_t;

static void adopt_kept(okta_caches_t *c, const kept_caches_t *kept, server_rec *s)
{
    int i;

    for (i = 0; i < c->shard_count; i++) {
        c->shards[i].instance = kept->shards[i].instance;
        c->shards[i].mutex = kept->shards[i].mutex;
    }
    ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                 OKTALOGNO(00039) "sessions in %s are kept across the restart", c->spec);
}

/* shmcb registers a cleanup of its own code in the pool its instance lives
 * in.  Kept instances live in the process pool, destroyed at exit after
 * httpd has unloaded the modules, so the provider's module stays loaded. */
static void keep_provider_loaded(const ap_socache_provider_t *provider)
{
    Dl_info info;

    if (dladdr(provider, &info) && info.dli_fname) {
        dlopen(info.dli_fname, RTLD_LAZY | RTLD_NOLOAD | RTLD_NODELETE);
    }
}

static void keep(const okta_caches_t *c, apr_pool_t *process, okta_changes_t *changes,
                 server_rec *s)
{
    kept_caches_t *kept = apr_pcalloc(process, sizeof(*kept)), *before = NULL;

    apr_pool_userdata_get((void **)&before, KEPT_CACHES_KEY, process);
    if (before) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     OKTALOGNO(00040) "OktaSessionCache changed from %s to %s: sessions start "
                     "afresh (the old cache's memory is freed at the next full restart)",
                     before->spec, c->spec);
    }
    keep_provider_loaded(c->shards[0].provider);
    kept->spec = apr_pstrdup(process, c->spec);
    memcpy(kept->shards, c->shards, sizeof(c->shards));
    kept->changes = changes;
    apr_pool_userdata_set(kept, KEPT_CACHES_KEY, apr_pool_cleanup_null, process);
}

static int memo_failed(server_rec *s)
{
    ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                 OKTALOGNO(00038) "cannot create the session memo (its locks or its shared "
                 "memory)");
    return HTTP_INTERNAL_SERVER_ERROR;
}

int okta_caches_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    apr_pool_t *process = s->process->pool, *pool;
    okta_caches_t *c = caches_of(s);
    kept_caches_t *kept = NULL;
    okta_changes_t *changes;
    const char *err;
    int i, own;

    if (!module_in_use(s)) {
        return OK;
    }
    if (!c->spec) {
        c->spec = "shmcb";
    }
    c->shared = is_shared_type(apr_pstrmemdup(ptemp, c->spec, strcspn(c->spec, ":")));
    own = !c->shared;
    apr_pool_userdata_get((void **)&kept, KEPT_CACHES_KEY, process);
    if (!own || (kept && strcmp(kept->spec, c->spec) != 0)) {
        kept = NULL;
    }
    pool = own ? process : pconf;
    if ((err = create_caches(c, kept ? ptemp : pool, ptemp, c->spec)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, OKTALOGNO(00003) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    c->lock_every_access = (c->shards[0].provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) != 0;
    if (kept) {
        adopt_kept(c, kept, s);
        changes = kept->changes;
    }
    else {
        if (!own) {
            apr_pool_cleanup_register(pconf, s, destroy_instances, apr_pool_cleanup_null);
        }
        for (i = 0; i < c->shard_count; i++) {
            if (init_cache(c, i, pool, s) != APR_SUCCESS) {
                return HTTP_INTERNAL_SERVER_ERROR;
            }
        }
        if (!(changes = okta_changes_create(pool))) {
            return memo_failed(s);
        }
        if (own) {
            keep(c, process, changes, s);
        }
    }
    return (c->memo = okta_session_memo_create(pconf, changes)) ? OK : memo_failed(s);
}

void okta_caches_child_init(apr_pool_t *p, server_rec *s)
{
    okta_caches_t *c = caches_of(s);
    okta_cache_t *cache;
    apr_status_t rv;
    int i;

    for (i = 0; i < c->shard_count; i++) {
        cache = &c->shards[i];
        if (cache->mutex
            && (rv = apr_global_mutex_child_init(&cache->mutex,
                                                 apr_global_mutex_lockfile(cache->mutex), p))
                   != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                         OKTALOGNO(00006) "cannot reattach the session cache mutex");
        }
    }
}

int okta_caches_ready(const server_rec *s)
{
    return caches_of(s)->memo != NULL;
}

int okta_caches_lock_every_access(const server_rec *s)
{
    return caches_of(s)->lock_every_access;
}

int okta_caches_shared(const server_rec *s)
{
    return caches_of(s)->shared;
}

okta_session_memo_t *okta_caches_memo(const server_rec *s)
{
    return caches_of(s)->memo;
}

const char *okta_caches_spec(const server_rec *s)
{
    return caches_of(s)->spec;
}

/* Writes, reads back and removes a test entry in a cache of its own. */
static apr_status_t probe_shared(apr_pool_t *p, server_rec *s, const char *spec,
                                 const char **why)
{
    unsigned char probe[] = "okta-check";
    struct ap_socache_hints hints = { CACHE_KEY_LEN, SESSION_AVERAGE_ENTRY, 60 };
    okta_caches_t c;
    okta_cache_t *cache = &c.shards[0];
    unsigned char key[CACHE_KEY_LEN], back[sizeof(probe)];
    unsigned int back_len = sizeof(back);
    apr_status_t rv;

    if ((*why = create_caches(&c, p, p, spec)) != NULL) {
        return APR_EGENERAL;
    }
    okta_random_bytes(key, sizeof(key));
    if ((rv = cache->provider->init(cache->instance, "okta-check", &hints, s, p))
            != APR_SUCCESS
        || (rv = cache->provider->store(cache->instance, s, key, sizeof(key),
                                        apr_time_now() + apr_time_from_sec(60), probe,
                                        sizeof(probe), p)) != APR_SUCCESS
        || (rv = cache->provider->retrieve(cache->instance, s, key, sizeof(key), back,
                                           &back_len, p)) != APR_SUCCESS) {
        *why = apr_psprintf(p, "%s does not answer: %pm", spec, &rv);
    }
    else if (back_len != sizeof(probe) || memcmp(back, probe, sizeof(probe)) != 0) {
        *why = apr_psprintf(p, "%s gave back another entry than was written", spec);
        rv = APR_EGENERAL;
    }
    cache->provider->remove(cache->instance, s, key, sizeof(key), p);
    cache->provider->destroy(cache->instance, s);
    return rv;
}

apr_status_t okta_caches_probe(apr_pool_t *p, server_rec *s, apr_off_t *room,
                               const char **why)
{
    const char *spec = caches_of(s)->spec ? caches_of(s)->spec : "shmcb";
    const char *sep = ap_strchr_c(spec, ':'), *path;

    *room = 0;
    if (strncmp(spec, "shmcb", 5) == 0 && (!spec[5] || spec[5] == ':')) {
        return (*why = parse_shmcb_arg(p, p, sep ? sep + 1 : NULL, &path, room)) ? APR_EINVAL
                                                                               : APR_SUCCESS;
    }
    return probe_shared(p, s, spec, why);
}
