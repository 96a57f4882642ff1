/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions: the cookie that names one, loading and saving it in the store,
 * and its time limits.  Loading a valid session is the hot
 * path: at most one cache read and one decryption (none when this process
 * remembers the session unchanged; with memcache or redis, a second read:
 * the mark of its end, see mark_ended), no JSON and no outbound call. */
#include <apr_atomic.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <http_protocol.h>

#include "mod_okta_caches.h"
#include "mod_okta_response.h"
#include "mod_okta_session.h"
#include "mod_okta_store.h"
#include "okta_record.h"
#include "okta_util.h"

#define SESSION_KIND "session"
#define ENDED_KIND "session-ended"
#define SESSION_ID_LEN 43 /* 32 random bytes in base64url */
#define SESSION_END_GRACE 60 /* seconds */

/* The values of the site's session cookie: more than one where a parent
 * domain set one too (plain http only: see okta_cookie_name). */
static apr_array_header_t *session_cookies(request_rec *r)
{
    const char *header = okta_request_cookies(r);

    return okta_cookie_values(r->pool, header ? header : "",
                              okta_site_cookie_name(r, okta_server_conf(r)->session_cookie));
}

int okta_session_cookie_present(request_rec *r)
{
    return session_cookies(r)->nelts > 0;
}

/* Whoever reaches a cache server (memcache, redis) can put a session's old
 * record back under its key after the session ended.  The end is marked
 * apart, for as long as the record could have lived (OktaSessionMaxDuration
 * from its start: past that its own times refuse it), and every load from
 * such a cache looks for the mark.  shmcb is this server's memory alone. */
static void mark_ended(request_rec *r, const okta_session_ref_t *ref)
{
    static const unsigned char mark = 1;
    okta_server_conf_t *sc = okta_server_conf(r);

    if (okta_caches_shared(r->server)) {
        okta_store_put(r, ENDED_KIND, ref->id, &mark, sizeof(mark),
                       apr_time_from_sec(ref->session.created + sc->session_max
                                         + SESSION_END_GRACE));
    }
}

/* A new version that lays sessions out otherwise cannot read those an old
 * one left in the cache (a shared one, or shmcb across a graceful restart):
 * their users sign in again.  Said once per process, not for each of them. */
static void note_other_version(request_rec *r, const unsigned char *record, apr_size_t len)
{
    static volatile apr_uint32_t said;
    int version = okta_session_record_version(record, len);

    if (version && apr_atomic_cas32(&said, 1, 0) == 0) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      OKTALOGNO(00065) "the session cache %s holds sessions of another version "
                      "of the module (layout %d; this one reads %d): they cannot be read, and "
                      "their users sign in again; nothing else is affected",
                      okta_caches_spec(r->server), version, okta_record_version());
    }
}

/* APR_SUCCESS when the session is marked ended; APR_NOTFOUND when not. */
static apr_status_t ended_before(request_rec *r, const char *id)
{
    unsigned char *data;
    apr_size_t len;

    return okta_caches_shared(r->server) ? okta_store_get(r, ENDED_KIND, id, &data, &len)
                                         : APR_NOTFOUND;
}

void okta_session_end(request_rec *r, const okta_session_ref_t *ref, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, OKTALOGNO(00026) "session of %s has ended (%s)",
                  ref->session.user, why);
    mark_ended(r, ref);
    okta_store_remove(r, SESSION_KIND, ref->id);
}

static int is_session_id(const char *value)
{
    apr_size_t i;

    for (i = 0; value[i]; i++) {
        if (!apr_isalnum(value[i]) && value[i] != '-' && value[i] != '_') {
            return 0;
        }
    }
    return i == SESSION_ID_LEN;
}

void okta_session_attach(request_rec *r, okta_session_ref_t *ref)
{
    ap_set_module_config(r->request_config, &okta_authcode_module, ref);
}

const okta_session_ref_t *okta_session_of_request(const request_rec *r)
{
    for (; r; r = r->main) {
        const okta_session_ref_t *ref = ap_get_module_config(r->request_config,
                                                             &okta_authcode_module);
        if (ref) {
            return ref;
        }
    }
    return NULL;
}

/* When the session ends if nothing else happens. */
static apr_int64_t session_end(const okta_server_conf_t *sc, const okta_session_t *s)
{
    apr_int64_t by_age = s->created + sc->session_max;
    apr_int64_t by_idleness = s->last_seen + sc->session_inactivity;

    return by_age < by_idleness ? by_age : by_idleness;
}

apr_int64_t okta_session_ends_at(request_rec *r, const okta_session_t *s)
{
    return session_end(okta_server_conf(r), s);
}

/* How long the cache keeps a record: a little past whichever limit comes
 * first, so the request that finds the session ended can say why. */
static apr_time_t cache_expiry(const okta_server_conf_t *sc, const okta_session_t *s)
{
    return apr_time_from_sec(session_end(sc, s) + SESSION_END_GRACE);
}

apr_status_t okta_session_save(request_rec *r, const char *id, const okta_session_t *s)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    unsigned char *record;
    apr_size_t len;
    apr_status_t rv = okta_session_encode(&record, &len, r->pool, s);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    return okta_store_put(r, SESSION_KIND, id, record, len, cache_expiry(sc, s));
}

/* What a request changes in a stored session: its activity time, or its
 * tokens after a refresh.  The change is applied to the record as the
 * cache holds it at that moment, so that a request recording activity
 * never brings back tokens that a refresh replaced meanwhile. */
typedef struct {
    apr_int64_t last_seen; /* 0: unchanged */
    const okta_session_t *tokens; /* NULL: unchanged */
    int claims_too; /* with the tokens, their claims */
} session_change_t;

static apr_status_t apply_change(request_rec *r, unsigned char *data, apr_size_t len,
                                 unsigned char **out, apr_size_t *outlen, apr_time_t *expiry,
                                 void *baton)
{
    const session_change_t *change = baton;
    okta_session_t s;

    if (okta_session_decode(&s, r->pool, data, len) != APR_SUCCESS) {
        return APR_EINVAL;
    }
    if (change->last_seen > s.last_seen) {
        s.last_seen = change->last_seen;
    }
    if (change->tokens) {
        s.access_token = change->tokens->access_token;
        s.access_expires = change->tokens->access_expires;
        s.refresh_token = change->tokens->refresh_token;
        s.refresh_sent_at = change->tokens->refresh_sent_at;
        s.id_token = change->tokens->id_token;
    }
    if (change->tokens && change->claims_too) {
        s.claims_json = change->tokens->claims_json;
        s.nclaims = change->tokens->nclaims;
        s.claims = change->tokens->claims;
        s.nfacts = change->tokens->nfacts;
        s.facts = change->tokens->facts;
    }
    *expiry = cache_expiry(okta_server_conf(r), &s);
    return okta_session_encode(out, outlen, r->pool, &s);
}

apr_status_t okta_session_reload(request_rec *r, okta_session_ref_t *ref)
{
    okta_session_t stored;
    unsigned char *record;
    apr_size_t len;
    apr_status_t rv;

    if ((rv = okta_store_get(r, SESSION_KIND, ref->id, &record, &len)) != APR_SUCCESS) {
        return rv;
    }
    if (okta_session_decode(&stored, r->pool, record, len) != APR_SUCCESS) {
        return APR_NOTFOUND;
    }
    ref->session.access_token = stored.access_token;
    ref->session.access_expires = stored.access_expires;
    ref->session.refresh_token = stored.refresh_token;
    ref->session.refresh_sent_at = stored.refresh_sent_at;
    ref->session.id_token = stored.id_token;
    return APR_SUCCESS;
}

apr_status_t okta_session_store_tokens(request_rec *r, const okta_session_ref_t *ref,
                                       int claims_too)
{
    session_change_t change = { 0, &ref->session, claims_too };

    return okta_store_update(r, SESSION_KIND, ref->id, apply_change, &change);
}

/* Records activity at most every eighth of the inactivity timeout, so a
 * busy session does not rewrite its record on every request (each write
 * also uses up room in a shmcb cache).  A session may thus end up to an
 * eighth of OktaSessionInactivityTimeout early. */
static apr_int64_t touch_interval(const okta_server_conf_t *sc)
{
    return sc->session_inactivity / 8;
}

/* The session named `id`, if it is one of this host's and has not ended. */
static apr_status_t load_live(request_rec *r, const char *id, okta_session_ref_t **out)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    apr_int64_t now = apr_time_sec(r->request_time);
    okta_session_ref_t *ref;
    unsigned char *record;
    apr_size_t len;
    apr_status_t rv;

    if ((rv = okta_store_get_remembered(r, SESSION_KIND, id, &record, &len)) != APR_SUCCESS) {
        return rv;
    }
    ref = apr_palloc(r->pool, sizeof(*ref));
    ref->id = id;
    if (okta_session_decode(&ref->session, r->pool, record, len) != APR_SUCCESS) {
        note_other_version(r, record, len);
        return APR_NOTFOUND;
    }
    if (strcmp(ref->session.issuer, sc->issuer) != 0
        || strcmp(ref->session.client_id, sc->client_id) != 0) {
        return APR_NOTFOUND;
    }
    if ((rv = ended_before(r, id)) != APR_NOTFOUND) {
        if (rv == APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          OKTALOGNO(00064) "the record of a session of %s that has ended is "
                          "in the session cache %s again: written back by someone who reaches "
                          "the cache server? (require a password or TLS there); refused",
                          ref->session.user, okta_caches_spec(r->server));
            return APR_NOTFOUND;
        }
        return rv;
    }
    if (now >= session_end(sc, &ref->session)) {
        okta_session_end(r, ref, now >= ref->session.created + sc->session_max
                                     ? "OktaSessionMaxDuration"
                                     : "OktaSessionInactivityTimeout");
        return APR_NOTFOUND;
    }
    *out = ref;
    return APR_SUCCESS;
}

/* The one live session the cookies name.  Several cookies of the name come
 * from a parent domain's beside the site's (plain http): a stale one is
 * passed over, so it cannot loop the user through sign-in, but between
 * two live sessions there is no telling which is the site's. */
static apr_status_t pick_session(request_rec *r, okta_session_ref_t **out)
{
    apr_array_header_t *ids = session_cookies(r);
    okta_session_ref_t *ref = NULL;
    apr_status_t rv;
    int i, live = 0;

    for (i = 0; i < ids->nelts; i++) {
        const char *id = APR_ARRAY_IDX(ids, i, const char *);

        if (!is_session_id(id)) {
            continue;
        }
        if ((rv = load_live(r, id, &ref)) == APR_SUCCESS) {
            *out = ref;
            live++;
        }
        else if (rv != APR_NOTFOUND) {
            return rv;
        }
    }
    if (live > 1) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      OKTALOGNO(00063) "the request's %d cookies named %s name %d live sessions: "
                      "none is taken (a parent domain sets the cookie too; serve the site over "
                      "https, where the cookie is %s)", ids->nelts,
                      okta_site_cookie_name(r, okta_server_conf(r)->session_cookie), live,
                      okta_server_conf(r)->session_cookie);
        return APR_NOTFOUND;
    }
    return live ? APR_SUCCESS : APR_NOTFOUND;
}

apr_status_t okta_session_load(request_rec *r, okta_session_ref_t **out)
{
    okta_server_conf_t *sc = okta_server_conf(r);
    apr_int64_t now = apr_time_sec(r->request_time);
    okta_session_ref_t *ref = NULL;
    apr_status_t rv;

    if ((rv = pick_session(r, &ref)) != APR_SUCCESS) {
        return rv;
    }
    if (now - ref->session.last_seen >= touch_interval(sc)) {
        session_change_t change = { now, NULL, 0 };
        ref->session.last_seen = now;
        /* The memo may have answered for a record that a full cache has
         * since dropped: it is found out here, at the latest. */
        if (okta_store_update(r, SESSION_KIND, ref->id, apply_change, &change) == APR_NOTFOUND) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          OKTALOGNO(00041) "the session of %s was no longer in the session "
                          "cache when its activity was recorded: ended elsewhere, or pushed "
                          "out of a full cache (make OktaSessionCache larger)",
                          ref->session.user);
            return APR_NOTFOUND;
        }
    }
    *out = ref;
    return APR_SUCCESS;
}
