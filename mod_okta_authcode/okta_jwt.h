/* SPDX-License-Identifier: Apache-2.0 */
/* JWKS keys, compact JWS parsing and signature verification, and the ID
 * token checks of OpenID Connect Core 3.1.3.7.  Time is passed in so the
 * checks are pure functions of their inputs. */
#ifndef OKTA_JWT_H
#define OKTA_JWT_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <jansson.h>
#include <openssl/evp.h>

/* Signature algorithms the module implements.  HMAC ("HS*") and "none"
 * are never accepted for ID tokens. */
typedef enum {
    OKTA_ALG_RS256, OKTA_ALG_RS384, OKTA_ALG_RS512,
    OKTA_ALG_PS256, OKTA_ALG_PS384, OKTA_ALG_PS512,
    OKTA_ALG_ES256, OKTA_ALG_ES384, OKTA_ALG_ES512,
    OKTA_ALG_COUNT
} okta_alg_t;

#define OKTA_ALGS_ALL ((1u << OKTA_ALG_COUNT) - 1)

/** The algorithm for a JOSE name, or -1 if it is not implemented. */
int okta_alg_from_name(const char *name);

typedef struct okta_jwk_t {
    const char *kid; /* NULL when the key has none */
    const char *kty; /* "RSA" or "EC" */
    int alg; /* okta_alg_t the key is pinned to, or -1 */
    EVP_PKEY *pkey; /* freed with the pool */
} okta_jwk_t;

typedef struct okta_jwks_t {
    apr_array_header_t *keys; /* okta_jwk_t; signing keys only */
} okta_jwks_t;

/** Parses a JWKS document.  Keys with "use" other than "sig", or of a type
 * or curve the module does not implement, are skipped; a document that is
 * not a JWKS is APR_EINVAL with *why set. */
apr_status_t okta_jwks_parse(okta_jwks_t **out, apr_pool_t *p, const char *json,
                             apr_size_t len, const char **why);

typedef struct okta_jwt_t {
    json_t *header; /* released with the pool */
    json_t *payload;
    const char *alg_name;
    const char *kid; /* NULL when absent */
    const char *signing_input; /* "header.payload" */
    apr_size_t signing_input_len;
    unsigned char *signature;
    apr_size_t signature_len;
} okta_jwt_t;

typedef enum {
    OKTA_JWT_OK = 0,
    OKTA_JWT_MALFORMED,
    OKTA_JWT_ALG_REFUSED,
    OKTA_JWT_KEY_UNKNOWN, /* no key with this kid: refetch the JWKS */
    OKTA_JWT_BAD_SIGNATURE,
    OKTA_JWT_BAD_ISSUER,
    OKTA_JWT_BAD_AUDIENCE,
    OKTA_JWT_BAD_AZP,
    OKTA_JWT_EXPIRED,
    OKTA_JWT_ISSUED_IN_FUTURE,
    OKTA_JWT_BAD_NONCE,
    OKTA_JWT_NO_SUBJECT,
    OKTA_JWT_NOT_ACCESS_TOKEN, /* an ID token, or a typ of another kind */
    OKTA_JWT_NOT_YET_VALID, /* nbf in the future */
    OKTA_JWT_BAD_CLIENT, /* cid / client_id not among the allowed */
    OKTA_JWT_INACTIVE, /* introspection says the token is not active */
    OKTA_JWT_BAD_AT_HASH, /* the ID token was not issued with this access token */
    OKTA_JWT_KEYS_UNAVAILABLE /* the provider's keys cannot be had now: not checked */
} okta_jwt_result_t;

/** Splits and decodes a compact JWS (header and payload must be JSON
 * objects).  Does not verify anything. */
okta_jwt_result_t okta_jwt_parse(okta_jwt_t **out, apr_pool_t *p, const char *compact,
                                 const char **why);

/** Verifies the signature with a key from `jwks`: the key named by "kid";
 * without a kid, any key whose type fits the algorithm (the first that
 * verifies).  `allowed` is a bit set of okta_alg_t. */
okta_jwt_result_t okta_jwt_verify(const okta_jwt_t *jwt, const okta_jwks_t *jwks,
                                  unsigned int allowed, apr_pool_t *p, const char **why);

typedef struct okta_id_token_expect_t {
    const char *issuer;
    const char *client_id;
    const char *nonce; /* NULL: not checked (a refreshed ID token) */
    const char *access_token; /* issued with it: the at_hash it has must be
                                 this one's; NULL: not checked */
    apr_int64_t now; /* seconds since the epoch */
    apr_int64_t skew; /* seconds of clock difference tolerated */
} okta_id_token_expect_t;

/** The claim checks: iss, aud, azp, exp, iat, nonce, sub, and at_hash
 * when the token has one. */
okta_jwt_result_t okta_id_token_check(const okta_jwt_t *jwt, const okta_id_token_expect_t *expect,
                                      apr_pool_t *p, const char **why);

typedef struct okta_access_token_expect_t {
    const char *issuer;
    const char *client_id; /* this server's own client: its ID tokens are
                              addressed to it, access tokens are not */
    const char *const *audiences; /* "aud" must hold one of them */
    int naudiences;
    apr_int64_t now; /* seconds since the epoch */
    apr_int64_t skew; /* seconds of clock difference tolerated */
} okta_access_token_expect_t;

/** 1 for a NumericDate (RFC 7519 2) between the epoch and year 33658:
 * anything else is not a time a provider would mean, and would overflow
 * the arithmetic of the time checks. */
int okta_numeric_date(const json_t *v);

/** 1 when "aud" (a string or an array of strings) holds one of the
 * expected audiences. */
int okta_audience_allowed(const json_t *aud, const okta_access_token_expect_t *expect);

/** The claim checks of a JWT access token (RFC 9068, and Okta's): the typ
 * header (JWT, at+jwt or application/at+jwt when present); not an ID token
 * (no nonce, no at_hash, and a token addressed only to `client_id` must
 * carry typ at+jwt, cid, scp, client_id or scope); iss, aud, exp, iat,
 * nbf. */
okta_jwt_result_t okta_access_token_check(const okta_jwt_t *jwt,
                                          const okta_access_token_expect_t *expect,
                                          apr_pool_t *p, const char **why);

/** What an operator should check for a refused ID token, as text to append
 * to the reason ("" when nothing in particular). */
const char *okta_jwt_result_hint(okta_jwt_result_t result);

/** What a signature check against the provider's cached keys comes to:
 * `verified` is okta_jwt_verify's result when `have_keys`.  A key the
 * JWKS does not name is a forgery only if the JWKS is the provider's
 * latest word; without keys, or when the last attempt to read them again
 * failed, the signature cannot be checked now, which is neither a yes nor
 * a no (OKTA_JWT_KEYS_UNAVAILABLE). */
okta_jwt_result_t okta_jwt_key_verdict(okta_jwt_result_t verified, int have_keys,
                                       int last_fetch_failed);

/** A claim of a token's claims (a payload, an introspection answer) as a
 * string (integers are formatted), or NULL. */
const char *okta_claim_string(apr_pool_t *p, const json_t *claims, const char *name);

#endif
