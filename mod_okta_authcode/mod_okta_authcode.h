/* What the httpd glue files share: configuration, and the functions each
 * glue file offers the others.  The protocol itself lives in okta_*.c. */
#ifndef MOD_OKTA_AUTHCODE_H
#define MOD_OKTA_AUTHCODE_H

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>
#include <ap_socache.h>
#include <apr_global_mutex.h>
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>

#include "okta_crypto.h"
#include "okta_memo.h"
#include "okta_provider.h"
#include "okta_http.h"
#include "okta_record.h"

/* Log lines are the module's own ("LogLevel okta_authcode:debug") ... */
APLOG_USE_MODULE(okta_authcode);

/* ... and every one carries a tag tests and operators can grep for.
 * Next free tag: OKTA00045 (tests/log-tags checks it) */
#define OKTALOGNO(n) "OKTA" #n ": "

#define OKTA_AUTH_TYPE "Okta"
#define OKTA_SESSION_COOKIE "okta_session"
#define OKTA_LOGIN_COOKIE "okta_login"
#define OKTA_UNSET -1

typedef enum { OKTA_CLIENT_AUTH_BASIC, OKTA_CLIENT_AUTH_POST } okta_client_auth_t;

/* What a request without a session gets (OktaUnauthAction). */
typedef enum {
    OKTA_UNAUTH_AUTH, /* navigations sign in; other requests get 401 */
    OKTA_UNAUTH_401, /* always 401 */
    OKTA_UNAUTH_PASS /* through, with an empty REMOTE_USER */
} okta_unauth_action_t;

/* Discovery metadata and JWKS of one provider, fetched on first need and
 * kept for the life of the process.  Shared by the threads of a process. */
typedef struct okta_provider_cache_t {
    apr_thread_mutex_t *mutex;
    apr_thread_cond_t *discovered; /* signalled when a discovery fetch ends */
    apr_pool_t *pool; /* holds meta */
    const okta_provider_meta_t *meta; /* NULL until fetched */
    int discovering; /* a thread is fetching the discovery document */
    apr_time_t discovery_failed_until; /* a failed fetch is not repeated before */
    apr_pool_t *jwks_pool; /* replaced on every JWKS fetch */
    const char *jwks_json;
    apr_time_t jwks_fetched;
} okta_provider_cache_t;

typedef struct okta_server_conf_t {
    const char *issuer;
    const char *client_id;
    const char *client_secret;
    const char *redirect_uri; /* absolute URL, or a path on this server */
    const char *redirect_path; /* the path part of redirect_uri */
    const char *silent_redirect_uri; /* for prompt=none; "" when off */
    const char *silent_redirect_path;
    const char *scope;
    const char *passphrase;
    okta_keys_t *keys; /* derived from passphrase at configuration time */
    const char *remote_user_claim;
    const char *logout_path;
    const char *post_logout_redirect_uri;
    const char *ca_file;
    int http_timeout; /* seconds */
    int clock_skew; /* seconds */
    int client_auth; /* okta_client_auth_t */
    int session_inactivity; /* seconds */
    int session_max; /* seconds */
    int login_timeout; /* seconds a started sign-in may take */
    int refresh_leeway; /* refresh this many seconds before expiry */
    int refresh_grace; /* the provider's reuse grace period for refresh tokens */
    int trust_forwarded_proto; /* behind a TLS-terminating proxy */
    okta_provider_cache_t *provider; /* created in child_init */
} okta_server_conf_t;

typedef struct okta_dir_conf_t {
    int claim_env; /* claims as OKTA_CLAIM_* environment variables */
    int claim_headers; /* claims as X-Okta-Claim-* request headers */
    int unauth_action; /* okta_unauth_action_t */
} okta_dir_conf_t;

extern module AP_MODULE_DECLARE_DATA okta_authcode_module;
extern const command_rec okta_cmds[];

/* mod_okta_config.c */
void *okta_create_server_conf(apr_pool_t *p, server_rec *s);
void *okta_merge_server_conf(apr_pool_t *p, void *base, void *add);
void *okta_create_dir_conf(apr_pool_t *p, char *dir);
void *okta_merge_dir_conf(apr_pool_t *p, void *base, void *add);
/** Post-config checks: every server that uses the module is complete. */
int okta_config_check(server_rec *s);
okta_server_conf_t *okta_server_conf(const request_rec *r);

/* mod_okta_caches.c: the caches behind the store, made from OktaSessionCache */
typedef struct {
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance;
    apr_global_mutex_t *mutex;
} okta_cache_t;
const char *okta_caches_set_spec(cmd_parms *cmd, void *dummy, const char *spec);
int okta_caches_pre_config(apr_pool_t *pconf);
int okta_caches_post_config(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);
void okta_caches_child_init(apr_pool_t *p, server_rec *s);
/** Whether the caches are set up (some server has an OktaIssuer). */
int okta_caches_ready(void);
/** The cache that keeps the record under `key`. */
const okta_cache_t *okta_cache_for(const unsigned char key[OKTA_CACHE_KEY_LEN]);
/** Whether every access must hold the cache's mutex (shmcb). */
int okta_caches_lock_every_access(void);
/** This process's memo of sessions (okta_memo.h); NULL before set-up. */
okta_memo_t *okta_caches_memo(void);
/** OktaSessionCache as given, for log lines. */
const char *okta_caches_spec(void);

/* mod_okta_store.c: sealed records in those caches */
/** Seals and stores a record under (kind, id) until `expiry`. */
apr_status_t okta_store_put(request_rec *r, const char *kind, const char *id,
                            const unsigned char *data, apr_size_t len, apr_time_t expiry);
/** Stores a record only if there is none under (kind, id): APR_EEXIST
 * otherwise.  Atomic between the processes of this server. */
apr_status_t okta_store_add(request_rec *r, const char *kind, const char *id,
                            const unsigned char *data, apr_size_t len, apr_time_t expiry);
/** Fetches and opens a record; APR_NOTFOUND when absent or not ours. */
apr_status_t okta_store_get(request_rec *r, const char *kind, const char *id,
                            unsigned char **data, apr_size_t *len);
/** okta_store_get for a record read on every request whose time limits
 * are in the record itself (a session), not in the cache's expiry: it may
 * be answered from this process's memo (okta_memo.h), as long as the cache
 * has not changed it since, without reading the cache at all where only
 * this server writes the cache. */
apr_status_t okta_store_get_remembered(request_rec *r, const char *kind, const char *id,
                                       unsigned char **data, apr_size_t *len);
/** Changes a record from its current content to `*out`, kept until
 * `*expiry`: any other error than APR_SUCCESS leaves it as it is. */
typedef apr_status_t okta_store_update_fn(request_rec *r, unsigned char *data,
                                          apr_size_t len, unsigned char **out,
                                          apr_size_t *outlen, apr_time_t *expiry, void *baton);
/** Reads, changes and writes a record as one step, so concurrent changes
 * of different fields are not lost (atomic between the processes of this
 * server).  APR_NOTFOUND when there is no such record. */
apr_status_t okta_store_update(request_rec *r, const char *kind, const char *id,
                               okta_store_update_fn *update, void *baton);
apr_status_t okta_store_remove(request_rec *r, const char *kind, const char *id);
/** Removes the record only while it holds `data` (atomic between the
 * processes of this server). */
apr_status_t okta_store_remove_if(request_rec *r, const char *kind, const char *id,
                                  const unsigned char *data, apr_size_t len);

/* mod_okta_lock.c: named locks that always expire, held by one request at a
 * time, shared with every server using the same memcache or redis cache */
typedef struct okta_lock_t okta_lock_t;
void okta_lock_configure(const char *cache_type, const char *servers);
void okta_lock_child_init(apr_pool_t *p, server_rec *s, int threads);
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
/** 1 when locks live in a cache shared by several servers. */
int okta_lock_is_shared(void);

/* mod_okta_provider.c: discovery, JWKS and the token endpoint */
void okta_provider_child_init(apr_pool_t *p, server_rec *s);
/** The provider's metadata; on failure an error page has been prepared
 * and the HTTP status to return is in *status. */
const okta_provider_meta_t *okta_provider_meta(request_rec *r, int *status);
/** Parses and validates an ID token (OpenID Connect Core 3.1.3.7): the
 * signature, refetching the JWKS (at most once per OKTA_JWKS_MIN_REFETCH)
 * when it names a key we do not know, then the claims; `nonce` NULL skips
 * the nonce check.  Returns an okta_jwt_result_t; failures are logged with
 * their reason in *why. */
struct okta_jwt_t;
int okta_provider_validate_id_token(request_rec *r, const okta_provider_meta_t *meta,
                                    const char *id_token, const char *nonce,
                                    struct okta_jwt_t **jwt, const char **why);

typedef struct okta_token_call_t {
    okta_token_response_t tr; /* when answered: success, or tr.error */
    long status; /* the HTTP status, when one came back */
    int answered; /* a token response (JSON) came back */
    int sent; /* the request went out (an unanswered one may have been used) */
    int timed_out;
} okta_token_call_t;

/** POSTs `form` to the token endpoint with the client's authentication,
 * giving up at `deadline` (0: OktaHTTPTimeout only).  Returns
 * call->answered; a failure is logged. */
int okta_provider_token_call(request_rec *r, const okta_provider_meta_t *meta,
                             const char *form, apr_time_t deadline, okta_token_call_t *call);

/* mod_okta_login.c: sending the browser to sign in, and the callback */
/** Redirects to the authorization endpoint, to come back to `return_to`;
 * `silent` asks with prompt=none at the silent redirect URI. */
int okta_login_start(request_rec *r, const char *return_to, int silent);
/** Answers OktaRedirectURI and OktaSilentRedirectURI. */
int okta_login_callback(request_rec *r, int silent);

/* mod_okta_session.c */
typedef struct okta_session_ref_t {
    const char *id; /* from the cookie */
    okta_session_t session;
} okta_session_ref_t;
/** The request's valid session.  APR_NOTFOUND when there is none (ended
 * ones are removed); any other error means the cache failed. */
apr_status_t okta_session_load(request_rec *r, okta_session_ref_t **out);
/** Stores a new session. */
apr_status_t okta_session_save(request_rec *r, const char *id, const okta_session_t *s);
/** Reads the session's tokens again as the cache holds them now (not from
 * this process's memo).  APR_NOTFOUND when the session has ended. */
apr_status_t okta_session_reload(request_rec *r, okta_session_ref_t *ref);
/** Stores the session's tokens (after a refresh, or a refresh attempt) into
 * the cached record as it is now. */
apr_status_t okta_session_store_tokens(request_rec *r, const okta_session_ref_t *ref);
/** 1 when the request carries a session cookie, valid or not. */
int okta_session_cookie_present(request_rec *r);
/** Removes the session from the cache (the cookie is left to expire) and
 * logs why (OKTA00026). */
void okta_session_end(request_rec *r, const okta_session_ref_t *ref, const char *why);
int okta_logout(request_rec *r);
/** A Set-Cookie value with the module's attributes (HttpOnly, SameSite=Lax,
 * Secure on https, Path=/); max_age < 0 for a session cookie. */
const char *okta_cookie(request_rec *r, const char *name, const char *value, int max_age);

/* mod_okta_refresh.c */
typedef enum {
    OKTA_REFRESH_FRESH, /* the access token is valid (maybe just refreshed) */
    OKTA_REFRESH_ENDED, /* the session is over: sign in again */
    OKTA_REFRESH_UNAVAILABLE /* cannot tell now (cache or provider trouble) */
} okta_refresh_outcome_t;
/** Refreshes the session's tokens when the access token expires within
 * OktaRefreshLeeway, spending each refresh token exactly once however many
 * workers serve the session at the same moment. */
okta_refresh_outcome_t okta_refresh_if_due(request_rec *r, okta_session_ref_t *ref);

/* mod_okta_authcode.c */
/** "https" or "http" as the browser sees it: X-Forwarded-Proto only with
 * OktaTrustForwardedProto On. */
const char *okta_public_scheme(request_rec *r);
/** An absolute URL of a local path, as the browser sees this server. */
const char *okta_public_url(request_rec *r, const char *path);
/** Answers with a short HTML error page and logs one tagged line. */
int okta_error_page(request_rec *r, int status, const char *title, const char *detail);
/** Sends a short HTML page with status 200 from a handler; returns OK. */
int okta_send_page(request_rec *r, const char *title, const char *text);

#endif
