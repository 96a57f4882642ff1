/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: JWKS documents as the provider's jwks_uri serves them. */
#include <openssl/evp.h>

#include "fuzz_common.h"
#include "okta_jwt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_input_pool();
    unsigned char *json = fuzz_memdup(data, size);
    okta_jwks_t *jwks = NULL;
    const char *why = NULL;
    int i;

    if (okta_jwks_parse(&jwks, p, (const char *)json, size, &why) == APR_SUCCESS) {
        for (i = 0; i < jwks->keys->nelts; i++) {
            const okta_jwk_t *key = &APR_ARRAY_IDX(jwks->keys, i, okta_jwk_t);
            int is_rsa;

            FUZZ_INVARIANT(key->pkey != NULL && key->kty != NULL);
            is_rsa = strcmp(key->kty, "RSA") == 0;
            FUZZ_INVARIANT(is_rsa || strcmp(key->kty, "EC") == 0);
            FUZZ_INVARIANT(key->alg >= -1 && key->alg < OKTA_ALG_COUNT);
            FUZZ_INVARIANT(EVP_PKEY_is_a(key->pkey, is_rsa ? "RSA" : "EC"));
            /* RFC 7518 3.3: no RSA key under 2048 bits. */
            FUZZ_INVARIANT(!is_rsa || EVP_PKEY_get_bits(key->pkey) >= 2048);
            fuzz_touch(key->kid);
        }
    }
    else {
        FUZZ_INVARIANT(why != NULL);
        fuzz_touch(why);
    }
    free(json);
    apr_pool_destroy(p);
    return 0;
}
