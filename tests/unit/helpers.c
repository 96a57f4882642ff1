/* SPDX-License-Identifier: Apache-2.0 */
/* Fixtures and token-making helpers for the unit tests. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "unit.h"

apr_pool_t *test_pool;

void test_pool_setup(void)
{
    ck_assert_int_eq(apr_pool_create(&test_pool, NULL), APR_SUCCESS);
}

void test_pool_teardown(void)
{
    apr_pool_destroy(test_pool);
    test_pool = NULL;
}

static EVP_PKEY *rsa_key, *rsa_other_key, *ec_key, *ec_other_key;

static EVP_PKEY *must(EVP_PKEY *key, const char *what)
{
    if (key == NULL) {
        fprintf(stderr, "cannot generate the %s test key\n", what);
        abort();
    }
    return key;
}

void test_keys_setup(void)
{
    (void)test_rsa_key();
    (void)test_rsa_other_key();
    (void)test_ec_key();
    (void)test_ec_other_key();
}

void test_keys_teardown(void)
{
    EVP_PKEY_free(rsa_key);
    EVP_PKEY_free(rsa_other_key);
    EVP_PKEY_free(ec_key);
    EVP_PKEY_free(ec_other_key);
    rsa_key = rsa_other_key = ec_key = ec_other_key = NULL;
}

EVP_PKEY *test_rsa_key(void)
{
    if (rsa_key == NULL) {
        rsa_key = must(EVP_RSA_gen(2048), "RSA");
    }
    return rsa_key;
}

EVP_PKEY *test_rsa_other_key(void)
{
    if (rsa_other_key == NULL) {
        rsa_other_key = must(EVP_RSA_gen(2048), "second RSA");
    }
    return rsa_other_key;
}

EVP_PKEY *test_ec_key(void)
{
    if (ec_key == NULL) {
        ec_key = must(EVP_EC_gen("P-256"), "EC");
    }
    return ec_key;
}

EVP_PKEY *test_ec_other_key(void)
{
    if (ec_other_key == NULL) {
        ec_other_key = must(EVP_EC_gen("P-256"), "second EC");
    }
    return ec_other_key;
}

char *test_b64url(apr_pool_t *p, const unsigned char *data, size_t len)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = apr_palloc(p, (len + 2) / 3 * 4 + 1);
    char *o = out;
    size_t i;

    for (i = 0; i + 3 <= len; i += 3) {
        unsigned long v = ((unsigned long)data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
        *o++ = alphabet[v & 63];
    }
    if (len - i == 1) {
        unsigned long v = (unsigned long)data[i] << 16;
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
    }
    else if (len - i == 2) {
        unsigned long v = ((unsigned long)data[i] << 16) | (data[i + 1] << 8);
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
    }
    *o = '\0';
    return out;
}

char *test_json_text(apr_pool_t *p, json_t *value)
{
    char *text = json_dumps(value, JSON_COMPACT);
    char *copy;

    ck_assert_ptr_nonnull(text);
    copy = apr_pstrdup(p, text);
    free(text);
    json_decref(value);
    return copy;
}

static char *json_b64url(apr_pool_t *p, const json_t *value)
{
    char *text = json_dumps(value, JSON_COMPACT);
    char *encoded;

    ck_assert_ptr_nonnull(text);
    encoded = test_b64url(p, (const unsigned char *)text, strlen(text));
    free(text);
    return encoded;
}

/* The DER ECDSA signature rewritten as fixed-width r || s. */
static void der_to_raw(unsigned char raw[64], const unsigned char *der, size_t derlen)
{
    const unsigned char *d = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &d, (long)derlen);
    const BIGNUM *r, *s;

    ck_assert_ptr_nonnull(sig);
    ECDSA_SIG_get0(sig, &r, &s);
    ck_assert_int_eq(BN_bn2binpad(r, raw, 32), 32);
    ck_assert_int_eq(BN_bn2binpad(s, raw + 32, 32), 32);
    ECDSA_SIG_free(sig);
}

static unsigned char *sign(apr_pool_t *p, size_t *siglen, const char *input, test_sig_t how,
                           EVP_PKEY *key)
{
    EVP_MD_CTX *ctx;
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *sig;

    if (how == TEST_SIG_EMPTY) {
        *siglen = 0;
        return (unsigned char *)"";
    }
    ctx = EVP_MD_CTX_new();
    ck_assert_ptr_nonnull(ctx);
    ck_assert_int_eq(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, key), 1);
    if (how == TEST_SIG_PS256) {
        ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
        /* RFC 7518 3.5: the salt is as long as the hash */
        ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST), 1);
    }
    ck_assert_int_eq(EVP_DigestSign(ctx, NULL, siglen, (const unsigned char *)input,
                                    strlen(input)), 1);
    sig = apr_palloc(p, *siglen);
    ck_assert_int_eq(EVP_DigestSign(ctx, sig, siglen, (const unsigned char *)input,
                                    strlen(input)), 1);
    EVP_MD_CTX_free(ctx);

    if (how == TEST_SIG_ES256) {
        unsigned char *raw = apr_palloc(p, 64);
        der_to_raw(raw, sig, *siglen);
        *siglen = 64;
        return raw;
    }
    return sig;
}

char *test_jws(apr_pool_t *p, const json_t *header, const json_t *payload,
               test_sig_t how, EVP_PKEY *key)
{
    char *input = apr_pstrcat(p, json_b64url(p, header), ".", json_b64url(p, payload), NULL);
    size_t siglen;
    unsigned char *sig = sign(p, &siglen, input, how, key);

    return apr_pstrcat(p, input, ".", test_b64url(p, sig, siglen), NULL);
}

char *test_jws_simple(apr_pool_t *p, const char *alg, const char *kid,
                      const json_t *payload, test_sig_t how, EVP_PKEY *key)
{
    json_t *header = json_pack("{s:s}", "alg", alg);
    char *jws;

    if (kid != NULL) {
        json_object_set_new(header, "kid", json_string(kid));
    }
    jws = test_jws(p, header, payload, how, key);
    json_decref(header);
    return jws;
}

static json_t *bn_param_b64url(EVP_PKEY *key, const char *param, int width)
{
    BIGNUM *bn = NULL;
    unsigned char buf[1024];
    int len;
    char *text;
    json_t *value;
    apr_pool_t *p;

    ck_assert_int_eq(EVP_PKEY_get_bn_param(key, param, &bn), 1);
    len = width > 0 ? BN_bn2binpad(bn, buf, width) : BN_bn2bin(bn, buf);
    ck_assert_int_gt(len, 0);
    BN_free(bn);
    apr_pool_create(&p, NULL);
    text = test_b64url(p, buf, (size_t)len);
    value = json_string(text);
    apr_pool_destroy(p);
    return value;
}

static const char *jose_curve(const char *group)
{
    if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0) {
        return "P-256";
    }
    if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0) {
        return "P-384";
    }
    if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0) {
        return "P-521";
    }
    return group;
}

json_t *test_jwk(EVP_PKEY *key, const char *kid)
{
    json_t *jwk = json_object();

    if (EVP_PKEY_is_a(key, "RSA")) {
        json_object_set_new(jwk, "kty", json_string("RSA"));
        json_object_set_new(jwk, "n", bn_param_b64url(key, OSSL_PKEY_PARAM_RSA_N, 0));
        json_object_set_new(jwk, "e", bn_param_b64url(key, OSSL_PKEY_PARAM_RSA_E, 0));
    }
    else {
        char group[64];
        size_t grouplen;
        int width = (EVP_PKEY_get_bits(key) + 7) / 8;

        ck_assert(EVP_PKEY_is_a(key, "EC"));
        ck_assert_int_eq(EVP_PKEY_get_group_name(key, group, sizeof(group), &grouplen), 1);
        json_object_set_new(jwk, "kty", json_string("EC"));
        json_object_set_new(jwk, "crv", json_string(jose_curve(group)));
        json_object_set_new(jwk, "x", bn_param_b64url(key, OSSL_PKEY_PARAM_EC_PUB_X, width));
        json_object_set_new(jwk, "y", bn_param_b64url(key, OSSL_PKEY_PARAM_EC_PUB_Y, width));
    }
    if (kid != NULL) {
        json_object_set_new(jwk, "kid", json_string(kid));
    }
    return jwk;
}

char *test_jwks_text(apr_pool_t *p, json_t *first, ...)
{
    json_t *keys = json_array();
    json_t *jwk;
    va_list ap;

    va_start(ap, first);
    for (jwk = first; jwk != NULL; jwk = va_arg(ap, json_t *)) {
        json_array_append_new(keys, jwk);
    }
    va_end(ap);
    return test_json_text(p, json_pack("{s:o}", "keys", keys));
}
