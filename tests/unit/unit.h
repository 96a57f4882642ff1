/* SPDX-License-Identifier: Apache-2.0 */
/* Shared declarations for the unit tests of the module's core. */
#ifndef OKTA_UNIT_H
#define OKTA_UNIT_H

#include <check.h>
#include <apr_pools.h>
#include <jansson.h>
#include <openssl/evp.h>

/* One test case per area of the core. */
TCase *util_tcase(void);
TCase *crypto_tcase(void);
TCase *session_memo_tcase(void);
TCase *token_memo_tcase(void);
TCase *record_tcase(void);
TCase *claims_tcase(void);
TCase *jwt_tcase(void);
TCase *provider_tcase(void);
TCase *http_tcase(void);
TCase *pending_tcase(void);
TCase *redis_tcase(void);
TCase *memcache_tcase(void);
TCase *refresh_tcase(void);
TCase *setup_tcase(void);
TCase *settings_tcase(void);
TCase *forwarded_tcase(void);
TCase *route_tcase(void);
TCase *signin_tcase(void);
TCase *flights_tcase(void);

/* A fresh pool for each test (checked fixture). */
extern apr_pool_t *test_pool;
void test_pool_setup(void);
void test_pool_teardown(void);

/* Keys generated once per process and reused, because RSA key generation
 * is slow.  test_keys_setup() is meant as an unchecked fixture so that the
 * forked test processes inherit the keys instead of each making its own. */
void test_keys_setup(void);
void test_keys_teardown(void);
EVP_PKEY *test_rsa_key(void); /* RSA 2048 */
EVP_PKEY *test_rsa_other_key(void); /* a second, unrelated RSA 2048 key */
EVP_PKEY *test_ec_key(void); /* P-256 */
EVP_PKEY *test_ec_other_key(void); /* a second P-256 key */

/* How test_jws() signs, independently of what the header claims. */
typedef enum {
    TEST_SIG_RS256,
    TEST_SIG_PS256,
    TEST_SIG_ES256, /* raw r || s, as RFC 7518 3.4 requires */
    TEST_SIG_ES256_DER, /* the DER form OpenSSL produces: invalid in a JWS */
    TEST_SIG_EMPTY /* no signature bytes at all */
} test_sig_t;

/* Base64url without padding, written independently of okta_b64url_encode
 * so that a bug there cannot cancel itself out in the JWT tests. */
char *test_b64url(apr_pool_t *p, const unsigned char *data, size_t len);

/* A compact JWS: header and payload are serialised compactly, the
 * signing input is signed with `key` as `how` says. */
char *test_jws(apr_pool_t *p, const json_t *header, const json_t *payload,
               test_sig_t how, EVP_PKEY *key);

/* The usual case: header {"alg": alg, "kid": kid} (no kid when NULL). */
char *test_jws_simple(apr_pool_t *p, const char *alg, const char *kid,
                      const json_t *payload, test_sig_t how, EVP_PKEY *key);

/* The public JWK of an RSA or EC key as a new jansson object, with "kid"
 * when kid is not NULL. */
json_t *test_jwk(EVP_PKEY *key, const char *kid);

/* {"keys": [...]} as text; takes the references of the NULL-terminated
 * list of JWK objects. */
char *test_jwks_text(apr_pool_t *p, json_t *first, ...);

/* jansson's output copied into the pool (the reference is released). */
char *test_json_text(apr_pool_t *p, json_t *value);

#endif
