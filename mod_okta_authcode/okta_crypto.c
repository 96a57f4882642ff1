#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "okta_crypto.h"
#include "okta_util.h"

#define GCM_IV_LEN 12
#define GCM_TAG_LEN 16

/* Fetched once, when the first keys are derived (at configuration time,
 * before any thread starts): looking algorithms up on every call is most
 * of what a session lookup costs in OpenSSL 3. */
static EVP_MD *sha256;
static EVP_CIPHER *aes_gcm;

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

apr_status_t okta_keys_derive(okta_keys_t *keys, const char *passphrase)
{
    apr_status_t rv;

    if (!sha256 && !(sha256 = EVP_MD_fetch(NULL, "SHA256", NULL))) {
        return APR_EGENERAL;
    }
    if (!aes_gcm && !(aes_gcm = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL))) {
        return APR_EGENERAL;
    }
    rv = hkdf(keys->seal, sizeof(keys->seal), passphrase, "okta-authcode seal v1");
    if (rv == APR_SUCCESS) {
        rv = hkdf(keys->index, sizeof(keys->index), passphrase, "okta-authcode index v1");
    }
    return rv;
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

char *okta_pkce_challenge(apr_pool_t *p, const char *verifier)
{
    unsigned char digest[32];

    okta_sha256(digest, verifier, strlen(verifier));
    return okta_b64url_encode(p, digest, sizeof(digest));
}

apr_status_t okta_cache_key(unsigned char out[OKTA_CACHE_KEY_LEN], const okta_keys_t *keys,
                            const char *kind, const char *id)
{
    unsigned char msg[OKTA_CACHE_ID_MAX + 32];
    apr_size_t klen = strlen(kind), ilen = strlen(id);
    unsigned int len = OKTA_CACHE_KEY_LEN;

    if (klen >= 32 || ilen > OKTA_CACHE_ID_MAX) {
        return APR_EINVAL;
    }
    /* kind and id are separated by a NUL, so ("a","bc") != ("ab","c") */
    memcpy(msg, kind, klen + 1);
    memcpy(msg + klen + 1, id, ilen);
    if (!HMAC(sha256, keys->index, sizeof(keys->index), msg, klen + 1 + ilen, out, &len)) {
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

apr_status_t okta_seal(unsigned char **out, apr_size_t *outlen, apr_pool_t *p,
                       const okta_keys_t *keys, const unsigned char *aad, apr_size_t aadlen,
                       const unsigned char *in, apr_size_t inlen)
{
    unsigned char *buf = apr_palloc(p, inlen + OKTA_SEAL_OVERHEAD);
    EVP_CIPHER_CTX *ctx;
    int len, ok;

    if (okta_random_bytes(buf, GCM_IV_LEN) != APR_SUCCESS || !(ctx = EVP_CIPHER_CTX_new())) {
        return APR_EGENERAL;
    }
    ok = EVP_EncryptInit_ex(ctx, aes_gcm, NULL, keys->seal, buf) == 1
         && EVP_EncryptUpdate(ctx, NULL, &len, aad, (int)aadlen) == 1
         && EVP_EncryptUpdate(ctx, buf + GCM_IV_LEN, &len, in, (int)inlen) == 1
         && EVP_EncryptFinal_ex(ctx, buf + GCM_IV_LEN + len, &len) == 1
         && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, GCM_TAG_LEN,
                                buf + GCM_IV_LEN + inlen) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        return APR_EGENERAL;
    }
    *out = buf;
    *outlen = inlen + OKTA_SEAL_OVERHEAD;
    return APR_SUCCESS;
}

apr_status_t okta_open(unsigned char **plain, apr_size_t *plainlen, const okta_keys_t *keys,
                       const unsigned char *aad, apr_size_t aadlen,
                       unsigned char *buf, apr_size_t len)
{
    EVP_CIPHER_CTX *ctx;
    apr_size_t clen;
    int outl, ok;

    if (len < OKTA_SEAL_OVERHEAD || !(ctx = EVP_CIPHER_CTX_new())) {
        return APR_EINVAL;
    }
    clen = len - OKTA_SEAL_OVERHEAD;
    ok = EVP_DecryptInit_ex(ctx, aes_gcm, NULL, keys->seal, buf) == 1
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
