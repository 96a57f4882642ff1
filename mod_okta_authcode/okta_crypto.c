/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <apr_strings.h>

#include "okta_crypto.h"
#include "okta_util.h"

#define GCM_IV_LEN 12
#define GCM_TAG_LEN 16

/* Fetched once, when the first keys are derived (at configuration time,
 * before any thread starts), for the templates in okta_keys_t. */
static EVP_CIPHER *aes_gcm;
static EVP_MAC *hmac;

static apr_status_t hkdf(unsigned char *out, apr_size_t outlen, const char *secret,
                         const char *info)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
    size_t len = outlen;
    int ok = ctx && EVP_PKEY_derive_init(ctx) > 0
             && EVP_PKEY_CTX_set_hkdf_md(ctx, EVP_sha256()) > 0
             && EVP_PKEY_CTX_set1_hkdf_key(ctx, (const unsigned char *)secret,
                                           (int)strlen(secret)) > 0
             && EVP_PKEY_CTX_add1_hkdf_info(ctx, (const unsigned char *)info,
                                            (int)strlen(info)) > 0
             && EVP_PKEY_derive(ctx, out, &len) > 0 && len == outlen;

    EVP_PKEY_CTX_free(ctx);
    return ok ? APR_SUCCESS : APR_EGENERAL;
}

static apr_status_t free_templates(void *data)
{
    okta_keys_t *keys = data;

    EVP_CIPHER_CTX_free(keys->seal_template);
    EVP_MAC_CTX_free(keys->index_template);
    return APR_SUCCESS;
}

/* 1 when the contexts in `keys` are made and keyed. */
static int prepare_templates(okta_keys_t *keys)
{
    OSSL_PARAM digest[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
        OSSL_PARAM_construct_end()
    };

    keys->seal_template = EVP_CIPHER_CTX_new();
    keys->index_template = EVP_MAC_CTX_new(hmac);
    return keys->seal_template && keys->index_template
           && EVP_EncryptInit_ex2(keys->seal_template, aes_gcm, keys->seal, NULL, NULL) == 1
           && EVP_MAC_init(keys->index_template, keys->index, sizeof(keys->index), digest) == 1;
}

okta_keys_t *okta_keys_derive(apr_pool_t *p, const char *passphrase)
{
    okta_keys_t *keys = apr_pcalloc(p, sizeof(*keys));
    int ok;

    apr_pool_cleanup_register(p, keys, free_templates, apr_pool_cleanup_null);
    ok = (aes_gcm || (aes_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL)))
         && (hmac || (hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)))
         && hkdf(keys->seal, sizeof(keys->seal), passphrase, "okta-authcode seal v1")
                == APR_SUCCESS
         && hkdf(keys->index, sizeof(keys->index), passphrase, "okta-authcode index v1")
                == APR_SUCCESS
         && prepare_templates(keys);
    return ok ? keys : NULL;
}

/* Random bytes take most of the 256 values; 32 of them fewer than 16
 * distinct ones with a chance below 1e-12. */
#define SECRET_MIN_DISTINCT_BYTES 16

int okta_secret_is_strong(apr_pool_t *p, const char *text)
{
    char *url = apr_pstrdup(p, text), *c;
    unsigned char *bytes, seen[256] = { 0 };
    apr_size_t len, i, distinct = 0, n = strlen(url);

    while (n > 0 && url[n - 1] == '=') {
        url[--n] = '\0';
    }
    for (c = url; *c; c++) {
        *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
    }
    if (okta_b64url_decode(&bytes, &len, p, url, n) != APR_SUCCESS
        || len < OKTA_SECRET_MIN_BYTES) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        distinct += !seen[bytes[i]];
        seen[bytes[i]] = 1;
    }
    return distinct >= SECRET_MIN_DISTINCT_BYTES;
}

apr_status_t okta_random_bytes(unsigned char *buf, apr_size_t len)
{
    return RAND_bytes(buf, (int)len) == 1 ? APR_SUCCESS : APR_EGENERAL;
}

char *okta_random_id(apr_pool_t *p, apr_size_t nbytes)
{
    unsigned char buf[64];

    if (nbytes > sizeof(buf) || okta_random_bytes(buf, nbytes) != APR_SUCCESS) {
        return NULL;
    }
    return okta_b64url_encode(p, buf, nbytes);
}

void okta_sha256(unsigned char out[32], const void *data, apr_size_t len)
{
    SHA256(data, len, out);
}

char *okta_secret_digest(apr_pool_t *p, const char *secret)
{
    unsigned char digest[32];

    okta_sha256(digest, secret, strlen(secret));
    return okta_b64url_encode(p, digest, sizeof(digest));
}

char *okta_pkce_challenge(apr_pool_t *p, const char *verifier)
{
    return okta_secret_digest(p, verifier);
}

apr_status_t okta_cache_key(unsigned char out[OKTA_CACHE_KEY_LEN], const okta_keys_t *keys,
                            const char *kind, const char *id)
{
    static const unsigned char separator = 0;
    apr_size_t klen = strlen(kind), ilen = strlen(id), len;
    EVP_MAC_CTX *ctx;
    int ok;

    if (klen >= 32 || ilen > OKTA_CACHE_ID_MAX) {
        return APR_EINVAL;
    }
    /* kind and id are separated by a NUL, so ("a","bc") != ("ab","c") */
    ok = (ctx = EVP_MAC_CTX_dup(keys->index_template)) != NULL
         && EVP_MAC_update(ctx, (const unsigned char *)kind, klen) == 1
         && EVP_MAC_update(ctx, &separator, 1) == 1
         && EVP_MAC_update(ctx, (const unsigned char *)id, ilen) == 1
         && EVP_MAC_final(ctx, out, &len, OKTA_CACHE_KEY_LEN) == 1 && len == OKTA_CACHE_KEY_LEN;
    EVP_MAC_CTX_free(ctx);
    return ok ? APR_SUCCESS : APR_EGENERAL;
}

/* Sets `ctx` up as a copy of the keyed template with this IV, encrypting
 * (1) or decrypting (0); 1 on success. */
static int start_cipher(EVP_CIPHER_CTX *ctx, const okta_keys_t *keys, const unsigned char *iv,
                        int enc)
{
    return ctx && EVP_CIPHER_CTX_copy(ctx, keys->seal_template) == 1
           && EVP_CipherInit_ex2(ctx, NULL, NULL, iv, enc, NULL) == 1;
}

apr_status_t okta_seal(unsigned char **out, apr_size_t *outlen, apr_pool_t *p,
                       const okta_keys_t *keys, const unsigned char *aad, apr_size_t aadlen,
                       const unsigned char *in, apr_size_t inlen)
{
    unsigned char *buf = apr_palloc(p, inlen + OKTA_SEAL_OVERHEAD);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len, ok;

    ok = okta_random_bytes(buf, GCM_IV_LEN) == APR_SUCCESS && start_cipher(ctx, keys, buf, 1)
         && EVP_EncryptUpdate(ctx, NULL, &len, aad, (int)aadlen) == 1
         && EVP_EncryptUpdate(ctx, buf + GCM_IV_LEN, &len, in, (int)inlen) == 1
         && EVP_EncryptFinal_ex(ctx, buf + GCM_IV_LEN + len, &len) == 1
         && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG_LEN,
                                buf + GCM_IV_LEN + inlen) == 1;
    EVP_CIPHER_CTX_free(ctx);
    *out = ok ? buf : NULL;
    *outlen = ok ? inlen + OKTA_SEAL_OVERHEAD : 0;
    return ok ? APR_SUCCESS : APR_EGENERAL;
}

apr_status_t okta_open(unsigned char **plain, apr_size_t *plainlen, const okta_keys_t *keys,
                       const unsigned char *aad, apr_size_t aadlen,
                       unsigned char *buf, apr_size_t len)
{
    EVP_CIPHER_CTX *ctx;
    apr_size_t clen;
    int outl, ok;

    if (len < OKTA_SEAL_OVERHEAD) {
        return APR_EINVAL;
    }
    clen = len - OKTA_SEAL_OVERHEAD;
    ctx = EVP_CIPHER_CTX_new();
    ok = start_cipher(ctx, keys, buf, 0)
         && EVP_DecryptUpdate(ctx, NULL, &outl, aad, (int)aadlen) == 1
         && EVP_DecryptUpdate(ctx, buf + GCM_IV_LEN, &outl, buf + GCM_IV_LEN, (int)clen) == 1
         && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, GCM_TAG_LEN,
                                buf + GCM_IV_LEN + clen) == 1
         && EVP_DecryptFinal_ex(ctx, buf + GCM_IV_LEN + outl, &outl) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        return APR_EINVAL;
    }
    *plain = buf + GCM_IV_LEN;
    *plainlen = clen;
    return APR_SUCCESS;
}
