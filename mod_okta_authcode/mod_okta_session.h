/* Sessions: the cookie that names one, loading and saving it in the store,
 * and its time limits. */
#ifndef MOD_OKTA_SESSION_H
#define MOD_OKTA_SESSION_H

#include "mod_okta_config.h"
#include "okta_record.h"

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

#endif
