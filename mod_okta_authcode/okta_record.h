/* SPDX-License-Identifier: Apache-2.0 */
/* What the module keeps in the cache, and how it is laid out in bytes.
 *
 * Three kinds of record: a session (one per signed-in browser, in the
 * cache), a pending login (one per authorization request in flight, sealed
 * in the browser's sign-in cookie), and the outcome of a refresh, kept
 * briefly in the cache under the refresh token it spent.  A session is read
 * on every request, so decoding is a bounds-checked walk over the buffer
 * that points into it instead of copying, and there is no JSON here.
 *
 * Layout (all integers big-endian):
 *
 *   +-------+---------+---------------------+-------------------------------+
 *   | magic | version | nints x int64       | nstrs x (uint32 len, bytes, 0) |
 *   | 4     | 1       | (count: 1 byte)     | (count: uint16)                |
 *   +-------+---------+---------------------+-------------------------------+
 *
 * Each string is stored with a trailing NUL so decoded fields can be used
 * as C strings in place.  A session's strings are its fixed fields, then
 * its claims as triples (environment name, header name, value), then its
 * facts as pairs (path, value); the number of triples is one of its ints. */
#ifndef OKTA_RECORD_H
#define OKTA_RECORD_H

#include <apr_pools.h>

typedef struct okta_claim_t {
    const char *env_name; /* OKTA_CLAIM_<name> */
    const char *header_name; /* X-Okta-Claim-<name> */
    const char *value;
} okta_claim_t;

/* One value of the claims at a path ("groups", "address.country"), for
 * the Require okta-group / okta-claim checks (okta_claims.h). */
typedef struct okta_fact_t {
    const char *path;
    const char *value; /* a string as it is (but one that reads as true,
                          false or null: okta_claims_facts); a number,
                          boolean or null as its JSON text */
} okta_fact_t;

typedef struct okta_session_t {
    apr_int64_t created; /* login time, seconds since the epoch */
    apr_int64_t last_seen; /* last recorded activity */
    apr_int64_t access_expires; /* access token expiry, 0 if unknown */
    apr_int64_t refresh_sent_at; /* when the current refresh token was first
                                    sent to be spent; 0 if never */
    const char *issuer; /* the session is valid only for this issuer ... */
    const char *client_id; /* ... and client */
    const char *user; /* REMOTE_USER */
    const char *id_token;
    const char *access_token;
    const char *refresh_token; /* "" when none was issued */
    const char *claims_json; /* the claims as one JSON object (OktaInfoURI) */
    int nclaims; /* the claims as applications are handed them */
    okta_claim_t *claims;
    int nfacts; /* the claims as authorization checks them */
    okta_fact_t *facts;
} okta_session_t;

typedef struct okta_login_t {
    apr_int64_t created;
    apr_int64_t silent; /* 1: asked with prompt=none at the silent redirect URI */
    const char *state;
    const char *nonce;
    const char *code_verifier;
    const char *return_to; /* local path + query to go back to */
} okta_login_t;

apr_status_t okta_session_encode(unsigned char **out, apr_size_t *len, apr_pool_t *p,
                                 const okta_session_t *s);
/** The layout version of a session record written by another version of
 * the module (one that lays records out otherwise: after an upgrade, the
 * sessions in a shared or persistent cache); 0 for one of this version's
 * layout, or anything that is not a session record. */
int okta_session_record_version(const unsigned char *buf, apr_size_t len);
/** The layout version this module writes and reads. */
int okta_record_version(void);
/** Fills *s with pointers into buf (which must outlive *s).  APR_EINVAL
 * for anything that is not a well-formed session record. */
apr_status_t okta_session_decode(okta_session_t *s, apr_pool_t *p, unsigned char *buf,
                                 apr_size_t len);

typedef struct okta_refresh_result_t {
    apr_int64_t refused; /* 1: the provider refused; the session is over */
    apr_int64_t access_expires;
    const char *access_token;
    const char *refresh_token;
    const char *id_token; /* "" when the refresh returned none */
} okta_refresh_result_t;

apr_status_t okta_refresh_result_encode(unsigned char **out, apr_size_t *len, apr_pool_t *p,
                                        const okta_refresh_result_t *res);
apr_status_t okta_refresh_result_decode(okta_refresh_result_t *res, unsigned char *buf,
                                        apr_size_t len);

apr_status_t okta_login_encode(unsigned char **out, apr_size_t *len, apr_pool_t *p,
                               const okta_login_t *l);
apr_status_t okta_login_decode(okta_login_t *l, unsigned char *buf, apr_size_t len);

#endif
