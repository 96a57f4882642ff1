/* The provider's documents: discovery metadata (OpenID Connect Discovery
 * 1.0) and token endpoint responses (RFC 6749 5.1/5.2). */
#ifndef OKTA_PROVIDER_H
#define OKTA_PROVIDER_H

#include <apr_pools.h>

typedef struct okta_provider_meta_t {
    const char *issuer;
    const char *authorization_endpoint;
    const char *token_endpoint;
    const char *jwks_uri;
    const char *end_session_endpoint; /* NULL when the provider has none */
} okta_provider_meta_t;

typedef enum {
    OKTA_META_OK = 0,
    OKTA_META_MALFORMED,
    OKTA_META_ISSUER_MISMATCH,
    OKTA_META_INSECURE_ENDPOINT
} okta_meta_result_t;

/** Parses a discovery document and checks that its "issuer" is exactly
 * `expected_issuer` and that every endpoint is https (http only on a
 * loopback host). */
okta_meta_result_t okta_provider_meta_parse(okta_provider_meta_t *meta, apr_pool_t *p,
                                            const char *json, apr_size_t len,
                                            const char *expected_issuer, const char **why);

/** 1 when `url` is https, or http to a loopback host (127.0.0.0/8, [::1],
 * localhost). */
int okta_url_is_secure_or_loopback(const char *url);

typedef struct okta_token_response_t {
    const char *access_token;
    const char *id_token; /* NULL if absent */
    const char *refresh_token; /* NULL if absent */
    apr_int64_t expires_in; /* 0 if absent */
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

#endif
