/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions: the cookie that names one, loading and saving it in the store,
 * and its time limits. */
#ifndef MOD_OKTA_SESSION_H
#define MOD_OKTA_SESSION_H

#include "mod_okta_config.h"
#include "okta_record.h"

typedef struct okta_session_ref_t {
    const char *id; /* from the cookie; NULL for a bearer token's */
    okta_session_t session; /* or what a bearer token says (mod_okta_bearer.h) */
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
 * the cached record as it is now, and its claims too when `claims_too`. */
apr_status_t okta_session_store_tokens(request_rec *r, const okta_session_ref_t *ref,
                                       int claims_too);
/** 1 when the request carries a session cookie, valid or not. */
int okta_session_cookie_present(request_rec *r);
/** Makes `ref` the session of the request, for what runs after
 * authentication (authorization, handlers). */
void okta_session_attach(request_rec *r, okta_session_ref_t *ref);
/** The session authentication attached to this request, or to the main
 * request of a subrequest; NULL when none. */
const okta_session_ref_t *okta_session_of_request(const request_rec *r);
/** When the session ends if nothing else happens: its maximum duration or
 * its inactivity timeout, whichever comes first (seconds since the epoch). */
apr_int64_t okta_session_ends_at(request_rec *r, const okta_session_t *s);
/** Removes the session from the cache (the cookie is left to expire) and
 * logs why (OKTA00026). */
void okta_session_end(request_rec *r, const okta_session_ref_t *ref, const char *why);

#endif
