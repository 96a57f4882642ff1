/* SPDX-License-Identifier: Apache-2.0 */
/* The provider's documents: discovery metadata (OpenID Connect Discovery
 * 1.0), token endpoint responses (RFC 6749 5.1/5.2) and userinfo answers
 * (OpenID Connect Core 5.3). */
#ifndef OKTA_PROVIDER_H
#define OKTA_PROVIDER_H

#include <apr_pools.h>
#include <jansson.h>

#include "okta_jwt.h"

typedef struct okta_provider_meta_t {
    const char *issuer;
    const char *authorization_endpoint;
    const char *token_endpoint;
    const char *jwks_uri;
    const char *end_session_endpoint; /* NULL when the provider has none */
    const char *userinfo_endpoint; /* NULL when the provider has none */
    const char *introspection_endpoint; /* NULL when the provider has none */
    int offers_basic; /* it lists client_secret_basic */
    int offers_post; /* it lists client_secret_post */
} okta_provider_meta_t;

typedef enum {
    OKTA_META_OK = 0,
    OKTA_META_MALFORMED,
    OKTA_META_ISSUER_MISMATCH,
    OKTA_META_INSECURE_ENDPOINT
} okta_meta_result_t;

/** Where the discovery document of `issuer` is: its
 * /.well-known/openid-configuration. */
const char *okta_discovery_url(apr_pool_t *p, const char *issuer);

/** Parses a discovery document and checks that its "issuer" is exactly
 * `expected_issuer` and that every endpoint is https (http only on a
 * loopback host). */
okta_meta_result_t okta_provider_meta_parse(okta_provider_meta_t *meta, apr_pool_t *p,
                                            const char *json, apr_size_t len,
                                            const char *expected_issuer, const char **why);

/** 1 when `url` is https, or http to a loopback host (127.0.0.0/8, [::1],
 * localhost). */
int okta_url_is_secure_or_loopback(const char *url);

/* The longest expires_in taken as it is, in seconds: a year (Okta's
 * longest access token lives a day); beyond, a year.  Added to the time,
 * a larger one would overflow. */
#define OKTA_MAX_EXPIRES_IN (366 * 86400)

typedef struct okta_token_response_t {
    const char *access_token;
    const char *id_token; /* NULL if absent */
    const char *refresh_token; /* NULL if absent */
    apr_int64_t expires_in; /* 0 if absent; OKTA_MAX_EXPIRES_IN at most */
    const char *error; /* set for an error response */
    const char *error_description;
} okta_token_response_t;

/* What a request to the token endpoint brought back. */
typedef struct okta_token_call_t {
    okta_token_response_t tr; /* when answered: success, or tr.error */
    long status; /* the HTTP status, when one came back */
    int answered; /* a token response (JSON) came back */
    int sent; /* the request went out (an unanswered one may have been used) */
    int timed_out;
} okta_token_call_t;

/** Parses a token endpoint answer, success or error.  APR_EINVAL (with
 * *why) when it is neither: not JSON, no access_token nor error, or a
 * token that is not visible ASCII without spaces (RFC 6749 A.12). */
apr_status_t okta_token_response_parse(okta_token_response_t *tr, apr_pool_t *p,
                                       const char *json, apr_size_t len, const char **why);

typedef enum {
    OKTA_USERINFO_OK = 0,
    OKTA_USERINFO_MALFORMED, /* not a JSON object, or no sub */
    OKTA_USERINFO_OTHER_USER, /* its sub is not the ID token's (5.3.4) */
    OKTA_USERINFO_UNANSWERED /* no answer, or an HTTP error (the caller's) */
} okta_userinfo_result_t;

/** Parses a userinfo answer: a JSON object (released with the pool) whose
 * "sub" is `sub`; *why says what is wrong with any other. */
okta_userinfo_result_t okta_userinfo_parse(json_t **claims, apr_pool_t *p, const char *json,
                                           apr_size_t len, const char *sub, const char **why);

/** Parses an introspection answer (RFC 7662 2.2) about an access token:
 * OKTA_JWT_OK (*claims the answer, released with the pool) when it is
 * active, names the expected issuer and one of the audiences, is not
 * about another kind of token (token_type, token_use), and has not
 * expired (exp, when it has one); OKTA_JWT_INACTIVE, or what failed,
 * with *why. */
okta_jwt_result_t okta_introspection_parse(json_t **claims, apr_pool_t *p, const char *json,
                                           apr_size_t len,
                                           const okta_access_token_expect_t *expect,
                                           const char **why);

/** A refusal on the provider's word, as it is remembered: the record, and
 * the result read back from one (-1 when `data` is no such record). */
const char *okta_refusal_record(apr_pool_t *p, okta_jwt_result_t result);
int okta_refusal_of_record(const unsigned char *data, apr_size_t len);

/** Whether a refusal may be remembered where every process and node reads
 * it: only when the provider said the token is active, so that the
 * request proved it holds a real token; an inactive or unreadable one
 * proves nothing, and must not fill the cache that keeps sessions. */
int okta_refusal_is_shared(okta_jwt_result_t result);

/** The client's authentication of a request to the token or introspection
 * endpoint: with `basic` (client_secret_basic) the Authorization header
 * value, "Basic " and the base64 of id ":" secret, each form-encoded
 * first (RFC 6749 2.3.1); else (client_secret_post) NULL, and the id and
 * secret are added to *form. */
const char *okta_client_auth(apr_pool_t *p, int basic, const char *client_id,
                             const char *secret, const char **form);

#endif
