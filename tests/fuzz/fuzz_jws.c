/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: compact JWS parsing, signature verification against a
 * fixed JWKS, the ID token claim checks, and claim access.
 *
 * The claim checks run whether or not the signature verified: mutations
 * cannot forge a signature, so gating them would leave them unfuzzed.  In
 * the module they only ever see tokens whose signature verified (that is,
 * tokens the configured provider signed).
 *
 * Byte mutations of base64url rarely make JSON, so a custom mutator, half
 * the time, decodes the header or the payload, mutates that JSON, and
 * encodes it back. */
#include <openssl/evp.h>

#include "fuzz_common.h"
#include "okta_jwt.h"
#include "okta_util.h"

/* Public halves of the keys that signed the seeds in corpus/fuzz_jws/
 * (RSA 2048, unpinned; P-256, pinned to ES256).  The private halves were
 * thrown away after signing. */
static const char fixed_jwks[] =
    "{\"keys\":["
    "{\"kty\":\"RSA\",\"kid\":\"fuzz-rsa\",\"use\":\"sig\",\"e\":\"AQAB\",\"n\":\""
    "nEsJxiF0oAJEbGAEyzNonEVEkOa8cM0WwDALE3hfX8n1cPmeEssJCZhZc8HIHdbC"
    "TU9e9-8vYEpPsTHlQ7Yyp2iwAbZ01igXOMO8jmfdXdBXUDwe6bO9fsm2AEVcW_g3"
    "9qE5fQh4kWwkMEUFGnuAhPS91aHg40o-0GVVi3YEFXC0Cc9FEJHBME8fgC1jBvPR"
    "nal188LHdTQQ8Ur1Av3zBezWOpo2TF7UcgTCUp52Yl8ge18ujITtMcfXdMAbMHVP"
    "nSChbEkJJKPGH_H2WRs_rJAb_Ua98Eeomt0tAdEUBviqICQJSSfZaQrCJeX68YtC"
    "KA40INvtGYPBVWhhdLKx1w"
    "\"},"
    "{\"kty\":\"EC\",\"kid\":\"fuzz-ec\",\"use\":\"sig\",\"alg\":\"ES256\",\"crv\":\"P-256\","
    "\"x\":\"9WlO2e4u9bYLhY_ZwYn6F7zYkbBhccMtuBtj077zRfs\","
    "\"y\":\"mvkfE2Ptdjim8wUTCBxlVbsjJi_m-kTZKEfgQC7rOHU\"}"
    "]}";

#define EXPECT_ISSUER "https://idp.example.com/oauth2/default"
#define EXPECT_CLIENT "0oa-fuzz-client"
#define EXPECT_NONCE "n-0S6_WzA2Mj"
#define EXPECT_ACCESS_TOKEN "fuzz-access-token"
#define EXPECT_NOW 1700000000 /* the seeds have iat = now, exp = now + 3600 */

/* The JWKS is parsed into each input's pool (only for inputs that parse as
 * a JWS), not once for the process: Debian's APR takes pool memory from
 * mmap, where LeakSanitizer cannot see that a long-lived pool still holds
 * the keys. */
static okta_jwks_t *fixed_keys(apr_pool_t *p)
{
    okta_jwks_t *jwks = NULL;
    const char *why = NULL;
    int i;

    if (okta_jwks_parse(&jwks, p, fixed_jwks, sizeof(fixed_jwks) - 1, &why) != APR_SUCCESS
        || jwks->keys->nelts != 2) {
        fprintf(stderr, "fuzz_jws: the fixed JWKS does not parse to two keys: %s\n",
                why ? why : "");
        abort();
    }
    for (i = 0; i < jwks->keys->nelts; i++) {
        FUZZ_INVARIANT(APR_ARRAY_IDX(jwks->keys, i, okta_jwk_t).pkey != NULL);
    }
    return jwks;
}

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

/* Mutates the decoded JSON of part 0 (header) or 1 (payload) in place;
 * 0 when the input has no such part or it is not base64url. */
static size_t mutate_part(uint8_t *data, size_t size, size_t max_size, int which)
{
    const uint8_t *dot1 = memchr(data, '.', size), *dot2, *from, *to;
    apr_pool_t *p;
    unsigned char *raw, *json;
    apr_size_t rawlen;
    size_t jsonlen, json_max, enclen, out = 0;
    const char *enc;

    if (!dot1 || !(dot2 = memchr(dot1 + 1, '.', (size_t)(data + size - dot1 - 1)))) {
        return 0;
    }
    from = which ? dot1 + 1 : data;
    to = which ? dot2 : dot1;
    p = fuzz_input_pool();
    if (okta_b64url_decode(&raw, &rawlen, p, (const char *)from, (size_t)(to - from))
        == APR_SUCCESS) {
        json_max = max_size / 4 * 3;
        json = malloc(json_max + 1);
        if (json && rawlen <= json_max) {
            memcpy(json, raw, rawlen);
            jsonlen = LLVMFuzzerMutate(json, rawlen, json_max);
            enc = okta_b64url_encode(p, json, jsonlen);
            enclen = strlen(enc);
            if (size - (size_t)(to - from) + enclen <= max_size) {
                size_t tail = (size_t)(data + size - to);
                memmove(data + (from - data) + enclen, to, tail);
                memcpy(data + (from - data), enc, enclen);
                out = size - (size_t)(to - from) + enclen;
            }
        }
        free(json);
    }
    apr_pool_destroy(p);
    return out;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    if (seed % 2 == 0) {
        size_t n = mutate_part(data, size, max_size, (int)(seed / 2 % 4 != 0));
        if (n) {
            return n;
        }
    }
    return LLVMFuzzerMutate(data, size, max_size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_input_pool();
    char *compact = fuzz_strndup(data, size);
    okta_jwt_t *jwt = NULL;
    const char *why = NULL;

    if (okta_jwt_parse(&jwt, p, compact, &why) == OKTA_JWT_OK) {
        okta_id_token_expect_t expect = { EXPECT_ISSUER, EXPECT_CLIENT, EXPECT_NONCE,
                                          EXPECT_ACCESS_TOKEN, EXPECT_NOW, 300 };
        okta_jwks_t *jwks = fixed_keys(p);
        okta_jwt_result_t verified;

        /* What the parser promises about its result. */
        FUZZ_INVARIANT(jwt->header != NULL && jwt->payload != NULL && jwt->alg_name != NULL);
        FUZZ_INVARIANT(jwt->signing_input == compact);
        FUZZ_INVARIANT(jwt->signing_input_len < strlen(compact));
        FUZZ_INVARIANT(compact[jwt->signing_input_len] == '.');
        FUZZ_INVARIANT(jwt->signature != NULL);
        fuzz_touch(jwt->kid);

        why = NULL;
        verified = okta_jwt_verify(jwt, jwks, OKTA_ALGS_ALL, p, &why);
        FUZZ_INVARIANT(verified == OKTA_JWT_OK || why != NULL);
        fuzz_touch(why);
        /* A narrower set must never accept what the full set refuses. */
        why = NULL;
        if (okta_jwt_verify(jwt, jwks, 1u << OKTA_ALG_ES256, p, &why) == OKTA_JWT_OK) {
            FUZZ_INVARIANT(verified == OKTA_JWT_OK);
        }
        fuzz_touch(why);

        why = NULL;
        if (okta_id_token_check(jwt, &expect, p, &why) != OKTA_JWT_OK) {
            FUZZ_INVARIANT(why != NULL);
        }
        fuzz_touch(why);
        expect.nonce = NULL; /* as for a refreshed ID token */
        why = NULL;
        if (okta_id_token_check(jwt, &expect, p, &why) != OKTA_JWT_OK) {
            FUZZ_INVARIANT(why != NULL);
        }
        fuzz_touch(why);

        fuzz_touch(okta_claim_string(p, jwt->payload, "sub"));
        fuzz_touch(okta_claim_string(p, jwt->payload, "exp"));
    }
    else {
        FUZZ_INVARIANT(why != NULL);
        fuzz_touch(why);
    }
    free(compact);
    apr_pool_destroy(p);
    return 0;
}
