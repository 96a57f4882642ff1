/* SPDX-License-Identifier: Apache-2.0 */
/* Keys, randomness and authenticated encryption (OpenSSL).
 *
 * Everything the module stores in a cache is sealed with AES-256-GCM under a
 * key derived from OktaCryptoPassphrase, and cache keys are HMACs of the
 * browser-visible identifiers, so a cache server never sees a usable token
 * or a cookie value. */
#ifndef OKTA_CRYPTO_H
#define OKTA_CRYPTO_H

#include <apr_pools.h>
#include <openssl/types.h>

#define OKTA_SEAL_OVERHEAD (12 + 16) /* IV + GCM tag */
#define OKTA_CACHE_KEY_LEN 32
#define OKTA_CACHE_ID_MAX 128

typedef struct okta_keys_t {
    unsigned char seal[32]; /* AES-256-GCM key for cache entries */
    unsigned char index[32]; /* HMAC-SHA256 key for cache keys */
    /* Contexts keyed once, copied per use: keying (AES key schedule, HMAC
     * pads) and algorithm look-ups are most of what OpenSSL 3 spends on a
     * session lookup. */
    EVP_CIPHER_CTX *seal_template;
    EVP_MAC_CTX *index_template;
} okta_keys_t;

/** Derives both keys from the passphrase with HKDF-SHA256 and prepares the
 * contexts; all live as long as `p`.  NULL if OpenSSL fails.  The first
 * call also readies the algorithms the other functions use: call it before
 * any of them, and before threads start. */
okta_keys_t *okta_keys_derive(apr_pool_t *p, const char *passphrase);

/** Whether `text` is the base64 (standard or URL alphabet, padding
 * optional) of at least OKTA_SECRET_MIN_BYTES bytes that look random (not
 * a few values repeated): keys derived from it cannot be guessed by
 * whoever reads the cache, even offline. */
#define OKTA_SECRET_MIN_BYTES 32
int okta_secret_is_strong(apr_pool_t *p, const char *text);

/** Fills buf from the OS CSPRNG (via OpenSSL).  Fails only if it cannot. */
apr_status_t okta_random_bytes(unsigned char *buf, apr_size_t len);

/** An unguessable identifier: `nbytes` random bytes, base64url-encoded.
 * NULL when the RNG fails. */
char *okta_random_id(apr_pool_t *p, apr_size_t nbytes);

/** PKCE code_challenge for method S256 (RFC 7636 4.2). */
char *okta_pkce_challenge(apr_pool_t *p, const char *verifier);

/** SHA-256 of `len` bytes into out[32]. */
void okta_sha256(unsigned char out[32], const void *data, apr_size_t len);
/** base64url of the SHA-256 of `secret`: names a token in a cache without
 * holding it (and is PKCE's S256 challenge of a verifier). */
char *okta_secret_digest(apr_pool_t *p, const char *secret);

/** Cache key for an identifier of a given kind ("session", "login"):
 * HMAC-SHA256(index key, kind || 0 || id).  APR_EINVAL when the id is
 * longer than OKTA_CACHE_ID_MAX (identifiers come from browsers). */
apr_status_t okta_cache_key(unsigned char out[OKTA_CACHE_KEY_LEN], const okta_keys_t *keys,
                            const char *kind, const char *id);

/** AES-256-GCM.  out = IV || ciphertext || tag; `aad` binds the entry to its
 * cache key so an entry cannot be moved to another key. */
apr_status_t okta_seal(unsigned char **out, apr_size_t *outlen, apr_pool_t *p,
                       const okta_keys_t *keys, const unsigned char *aad, apr_size_t aadlen,
                       const unsigned char *in, apr_size_t inlen);

/** Inverse of okta_seal; APR_EINVAL when the entry was altered or sealed
 * under another key.  Decrypts into `buf` in place. */
apr_status_t okta_open(unsigned char **plain, apr_size_t *plainlen, const okta_keys_t *keys,
                       const unsigned char *aad, apr_size_t aadlen,
                       unsigned char *buf, apr_size_t len);

#endif
