/* SPDX-License-Identifier: Apache-2.0 */
/* Talking to the provider: discovery and JWKS (fetched on first need and
 * kept per process), ID token validation, and token endpoint requests. */
#ifndef MOD_OKTA_PROVIDER_H
#define MOD_OKTA_PROVIDER_H

#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>

#include "mod_okta_config.h"
#include "okta_http.h"
#include "okta_jwt.h"
#include "okta_provider.h"

/* Discovery metadata and JWKS of one provider, fetched on first need and
 * kept for the life of the process.  Shared by the threads of a process. */
typedef struct okta_provider_cache_t {
    apr_thread_mutex_t *mutex;
    apr_thread_cond_t *discovered; /* signalled when a discovery fetch ends */
    apr_thread_cond_t *keys_fetched; /* signalled when a JWKS fetch ends */
    apr_pool_t *pool; /* holds meta; its allocator is its own (the threads
                         of other hosts' caches allocate at the same time) */
    const okta_provider_meta_t *meta; /* NULL until fetched */
    int discovering; /* a thread is fetching the discovery document */
    apr_time_t discovery_failed_until; /* a failed fetch is not repeated before */
    apr_pool_t *jwks_pool; /* cleared on every JWKS fetch */
    const char *jwks_json;
    apr_time_t jwks_fetched; /* when jwks_json came */
    int fetching_keys; /* a thread is fetching the JWKS */
    int keys_fetch_failed; /* the last JWKS fetch failed (jwks_json is older) */
    apr_time_t next_keys_fetch; /* no JWKS fetch starts before */
} okta_provider_cache_t;

/** Each host's provider cache, in `p`: APR_SUCCESS, or what could not be
 * made (logged). */
apr_status_t okta_provider_child_init(apr_pool_t *p, server_rec *s);
/** How the provider is asked: OktaCAFile, OktaHTTPTimeout for the whole
 * exchange (no later than `deadline`, when not 0), connecting within 5 s
 * at most, answers of 256 KiB at most. */
okta_http_options_t okta_provider_http_options(const okta_server_conf_t *sc,
                                               apr_time_t deadline);
/** The provider's metadata; on failure an error page has been prepared
 * and the HTTP status to return is in *status. */
const okta_provider_meta_t *okta_provider_meta(request_rec *r, int *status);
/** Parses and validates an ID token (OpenID Connect Core 3.1.3.7): the
 * signature, refetching the JWKS (at most once per OKTA_JWKS_MIN_REFETCH)
 * when it names a key we do not know, then the claims; `nonce` NULL skips
 * the nonce check; an at_hash must be that of `access_token`, the one
 * issued with it.  Failures are logged with their reason in *why. */
okta_jwt_result_t okta_provider_validate_id_token(request_rec *r,
                                                  const okta_provider_meta_t *meta,
                                                  const char *id_token, const char *nonce,
                                                  const char *access_token, okta_jwt_t **jwt,
                                                  const char **why);

/** What this server accepts of an access token: OktaIssuer,
 * OktaAccessTokenAudience, OktaClockSkew, at the request's time. */
okta_access_token_expect_t okta_provider_access_token_expect(request_rec *r);

/** Parses and validates a JWT access token: the signature (as for ID
 * tokens), then okta_access_token_check against OktaIssuer,
 * OktaAccessTokenAudience and OktaClockSkew.  Not logged: *why says what
 * failed. */
okta_jwt_result_t okta_provider_validate_access_token(request_rec *r,
                                                      const okta_provider_meta_t *meta,
                                                      const char *token, okta_jwt_t **jwt,
                                                      const char **why);

/** Asks the introspection endpoint (RFC 7662) about an access token, with
 * the client's authentication: okta_introspection_parse's result, or -1
 * when no answer can be had now, or what came back is none (not a JSON
 * object); *why says why. */
okta_jwt_result_t okta_provider_introspect(request_rec *r, const okta_provider_meta_t *meta,
                                           const char *token, json_t **claims,
                                           const char **why);

/** POSTs `form` to the token endpoint with the client's authentication,
 * giving up at `deadline` (0: OktaHTTPTimeout only).  Returns
 * call->answered; a failure is logged. */
int okta_provider_token_call(request_rec *r, const okta_provider_meta_t *meta,
                             const char *form, apr_time_t deadline, okta_token_call_t *call);

/** The session's claims (okta_claims_merge): the ID token's payload, and
 * the userinfo endpoint's answer to the access token when OktaUserInfo is
 * on and the provider has the endpoint, read by `deadline` (0:
 * OktaHTTPTimeout only).  What went wrong is in *why, not logged here:
 * sign-in and refresh judge it differently. */
okta_userinfo_result_t okta_provider_claims(request_rec *r, const okta_provider_meta_t *meta,
                                            const json_t *id_token_payload,
                                            const char *access_token, apr_time_t deadline,
                                            json_t **claims, const char **why);

#endif
