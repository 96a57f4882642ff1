/* SPDX-License-Identifier: Apache-2.0 */
/* okta_jwt: algorithms, JWKS parsing, JWS parsing and verification, ID token checks. */
#include <string.h>

#include <apr_strings.h>
#include <openssl/ec.h>

#include "okta_jwt.h"
#include "unit.h"

#define NOW APR_INT64_C(1700000000)
#define SKEW 60
#define ISSUER "https://id.example.com/oauth2/default"
#define CLIENT "0oa-client-1"
#define NONCE "n-0S6_WzA2Mj"

static okta_jwks_t *jwks_from(const char *text)
{
    okta_jwks_t *jwks = NULL;
    const char *why = NULL;

    ck_assert_msg(okta_jwks_parse(&jwks, test_pool, text, strlen(text), &why) == APR_SUCCESS,
                  "JWKS refused: %s", why ? why : "(no reason)");
    ck_assert_ptr_nonnull(jwks);
    ck_assert_ptr_nonnull(jwks->keys);
    return jwks;
}

/* The provider's usual key set: one RSA and one EC key, both named. */
static okta_jwks_t *usual_jwks(void)
{
    return jwks_from(test_jwks_text(test_pool, test_jwk(test_rsa_key(), "rsa1"),
                                    test_jwk(test_ec_key(), "ec1"), NULL));
}

static okta_jwt_t *parse_ok(const char *compact)
{
    okta_jwt_t *jwt = NULL;
    const char *why = NULL;

    ck_assert_msg(okta_jwt_parse(&jwt, test_pool, compact, &why) == OKTA_JWT_OK,
                  "token refused: %s", why ? why : "(no reason)");
    ck_assert_ptr_nonnull(jwt);
    return jwt;
}

static okta_jwt_result_t parse_result(const char *compact)
{
    okta_jwt_t *jwt = NULL;
    const char *why = NULL;

    return okta_jwt_parse(&jwt, test_pool, compact, &why);
}

static okta_jwt_result_t verify(const char *compact, const okta_jwks_t *jwks,
                                unsigned int allowed)
{
    const char *why = NULL;

    return okta_jwt_verify(parse_ok(compact), jwks, allowed, test_pool, &why);
}

static json_t *good_claims(void)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}",
                     "iss", ISSUER,
                     "aud", CLIENT,
                     "sub", "00u1ada",
                     "exp", (json_int_t)(NOW + 300),
                     "iat", (json_int_t)(NOW - 10),
                     "nonce", NONCE);
}

static const char *b64_text(const char *text)
{
    return test_b64url(test_pool, (const unsigned char *)text, strlen(text));
}

START_TEST(alg_from_name_known)
{
    static const char *names[OKTA_ALG_COUNT] = {
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"
    };
    int i;

    for (i = 0; i < OKTA_ALG_COUNT; i++) {
        ck_assert_int_eq(okta_alg_from_name(names[i]), i);
    }
}
END_TEST

START_TEST(alg_from_name_unknown)
{
    ck_assert_int_eq(okta_alg_from_name("none"), -1);
    ck_assert_int_eq(okta_alg_from_name("HS256"), -1);
    ck_assert_int_eq(okta_alg_from_name("rs256"), -1);
    ck_assert_int_eq(okta_alg_from_name("RS256 "), -1);
    ck_assert_int_eq(okta_alg_from_name("RS"), -1);
    ck_assert_int_eq(okta_alg_from_name("EdDSA"), -1);
    ck_assert_int_eq(okta_alg_from_name(""), -1);
}
END_TEST

START_TEST(jwks_parse_rsa_and_ec)
{
    okta_jwks_t *jwks = usual_jwks();
    okta_jwk_t *keys;

    ck_assert_int_eq(jwks->keys->nelts, 2);
    keys = (okta_jwk_t *)jwks->keys->elts;
    ck_assert_str_eq(keys[0].kid, "rsa1");
    ck_assert_str_eq(keys[0].kty, "RSA");
    ck_assert_int_eq(keys[0].alg, -1);
    ck_assert_ptr_nonnull(keys[0].pkey);
    ck_assert_int_eq(EVP_PKEY_eq(keys[0].pkey, test_rsa_key()), 1);
    ck_assert_str_eq(keys[1].kid, "ec1");
    ck_assert_str_eq(keys[1].kty, "EC");
    ck_assert_int_eq(keys[1].alg, -1);
    ck_assert_ptr_nonnull(keys[1].pkey);
    ck_assert_int_eq(EVP_PKEY_eq(keys[1].pkey, test_ec_key()), 1);
}
END_TEST

START_TEST(jwks_parse_key_without_kid_and_pinned_alg)
{
    json_t *pinned = test_jwk(test_rsa_other_key(), "rsa2");
    okta_jwks_t *jwks;
    okta_jwk_t *keys;

    json_object_set_new(pinned, "alg", json_string("PS256"));
    json_object_set_new(pinned, "use", json_string("sig"));
    jwks = jwks_from(test_jwks_text(test_pool, test_jwk(test_rsa_key(), NULL), pinned, NULL));
    ck_assert_int_eq(jwks->keys->nelts, 2);
    keys = (okta_jwk_t *)jwks->keys->elts;
    ck_assert_ptr_null(keys[0].kid);
    ck_assert_int_eq(keys[0].alg, -1);
    ck_assert_str_eq(keys[1].kid, "rsa2");
    ck_assert_int_eq(keys[1].alg, OKTA_ALG_PS256);
}
END_TEST

START_TEST(jwks_parse_skips_encryption_keys)
{
    json_t *enc = test_jwk(test_rsa_key(), "enc1");
    okta_jwks_t *jwks;
    okta_jwk_t *keys;

    json_object_set_new(enc, "use", json_string("enc"));
    jwks = jwks_from(test_jwks_text(test_pool, enc, test_jwk(test_ec_key(), "ec1"), NULL));
    ck_assert_int_eq(jwks->keys->nelts, 1);
    keys = (okta_jwk_t *)jwks->keys->elts;
    ck_assert_str_eq(keys[0].kid, "ec1");
}
END_TEST

START_TEST(jwks_parse_skips_unknown_key_types)
{
    json_t *oct = json_pack("{s:s, s:s, s:s}", "kty", "oct", "kid", "hmac", "k", "c2VjcmV0");
    json_t *okp = json_pack("{s:s, s:s, s:s, s:s}", "kty", "OKP", "kid", "ed", "crv", "Ed25519",
                            "x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
    okta_jwks_t *jwks;
    okta_jwk_t *keys;

    jwks = jwks_from(test_jwks_text(test_pool, oct, test_jwk(test_rsa_key(), "rsa1"), okp,
                                    NULL));
    ck_assert_int_eq(jwks->keys->nelts, 1);
    keys = (okta_jwk_t *)jwks->keys->elts;
    ck_assert_str_eq(keys[0].kid, "rsa1");
}
END_TEST

START_TEST(jwks_parse_skips_unsupported_curve)
{
    EVP_PKEY *k1 = EVP_EC_gen("secp256k1");
    okta_jwks_t *jwks;
    okta_jwk_t *keys;

    ck_assert_ptr_nonnull(k1);
    jwks = jwks_from(test_jwks_text(test_pool, test_jwk(k1, "k1"),
                                    test_jwk(test_ec_key(), "ec1"), NULL));
    EVP_PKEY_free(k1);
    ck_assert_int_eq(jwks->keys->nelts, 1);
    keys = (okta_jwk_t *)jwks->keys->elts;
    ck_assert_str_eq(keys[0].kid, "ec1");
}
END_TEST

static void assert_jwks_refused(const char *text)
{
    okta_jwks_t *jwks = NULL;
    const char *why = NULL;

    ck_assert_msg(okta_jwks_parse(&jwks, test_pool, text, strlen(text), &why) == APR_EINVAL,
                  "not a JWKS but accepted: %s", text);
    ck_assert_ptr_nonnull(why);
}

START_TEST(jwks_parse_rejects_non_jwks)
{
    assert_jwks_refused("");
    assert_jwks_refused("not json");
    assert_jwks_refused("{\"keys\": [");
    assert_jwks_refused("[]");
    assert_jwks_refused("{}");
    assert_jwks_refused("{\"key\": []}");
    assert_jwks_refused("{\"keys\": {}}");
    assert_jwks_refused("{\"keys\": \"rsa1\"}");
}
END_TEST

START_TEST(jwt_parse_fields)
{
    json_t *claims = good_claims();
    const char *compact = test_jws_simple(test_pool, "RS256", "rsa1", claims, TEST_SIG_RS256,
                                          test_rsa_key());
    okta_jwt_t *jwt = parse_ok(compact);
    const char *last_dot = strrchr(compact, '.');

    ck_assert_str_eq(jwt->alg_name, "RS256");
    ck_assert_str_eq(jwt->kid, "rsa1");
    ck_assert(json_is_object(jwt->header));
    ck_assert(json_equal(jwt->payload, claims));
    ck_assert_uint_eq(jwt->signing_input_len, (apr_size_t)(last_dot - compact));
    ck_assert_mem_eq(jwt->signing_input, compact, jwt->signing_input_len);
    ck_assert_uint_eq(jwt->signature_len, 256);
    json_decref(claims);
}
END_TEST

START_TEST(jwt_parse_without_kid)
{
    json_t *claims = good_claims();
    okta_jwt_t *jwt = parse_ok(test_jws_simple(test_pool, "ES256", NULL, claims, TEST_SIG_ES256,
                                               test_ec_key()));

    ck_assert_ptr_null(jwt->kid);
    ck_assert_str_eq(jwt->alg_name, "ES256");
    ck_assert_uint_eq(jwt->signature_len, 64);
    json_decref(claims);
}
END_TEST

START_TEST(jwt_parse_rejects_wrong_part_count)
{
    const char *h = b64_text("{\"alg\":\"RS256\"}");
    const char *p = b64_text("{\"sub\":\"x\"}");

    ck_assert_int_eq(parse_result(""), OKTA_JWT_MALFORMED);
    ck_assert_int_eq(parse_result(h), OKTA_JWT_MALFORMED);
    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, h, ".", p, NULL)), OKTA_JWT_MALFORMED);
    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, h, ".", p, ".c2ln.c2ln", NULL)),
                     OKTA_JWT_MALFORMED);
    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, h, ".", p, ".c2ln.", NULL)),
                     OKTA_JWT_MALFORMED);
    /* sanity: the same parts, three of them, are fine */
    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, h, ".", p, ".c2ln", NULL)),
                     OKTA_JWT_OK);
}
END_TEST

START_TEST(jwt_parse_rejects_bad_base64)
{
    const char *h = b64_text("{\"alg\":\"RS256\"}");
    const char *p = b64_text("{\"sub\":\"x\"}");

    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, "eyJ+", h, ".", p, ".c2ln", NULL)),
                     OKTA_JWT_MALFORMED);
    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, h, ".", p, "=.c2ln", NULL)),
                     OKTA_JWT_MALFORMED);
    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, h, ".", p, ".c2/n", NULL)),
                     OKTA_JWT_MALFORMED);
    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, h, ".", p, ".c2lnZ", NULL)),
                     OKTA_JWT_MALFORMED);
}
END_TEST

START_TEST(jwt_parse_rejects_header_not_json_object)
{
    const char *p = b64_text("{\"sub\":\"x\"}");

    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, b64_text("[\"RS256\"]"), ".", p,
                                              ".c2ln", NULL)), OKTA_JWT_MALFORMED);
    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, b64_text("\"RS256\""), ".", p,
                                              ".c2ln", NULL)), OKTA_JWT_MALFORMED);
    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, b64_text("alg=RS256"), ".", p,
                                              ".c2ln", NULL)), OKTA_JWT_MALFORMED);
    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, b64_text("{\"alg\":\"RS256\""), ".", p,
                                              ".c2ln", NULL)), OKTA_JWT_MALFORMED);
}
END_TEST

START_TEST(jwt_parse_rejects_payload_not_json_object)
{
    const char *h = b64_text("{\"alg\":\"RS256\"}");

    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, h, ".", b64_text("[1,2]"), ".c2ln",
                                              NULL)), OKTA_JWT_MALFORMED);
    ck_assert_int_eq(parse_result(apr_pstrcat(test_pool, h, ".", b64_text("sub=x"), ".c2ln",
                                              NULL)), OKTA_JWT_MALFORMED);
}
END_TEST

START_TEST(verify_accepts_rs256_with_kid)
{
    json_t *claims = good_claims();

    ck_assert_int_eq(verify(test_jws_simple(test_pool, "RS256", "rsa1", claims, TEST_SIG_RS256,
                                            test_rsa_key()), usual_jwks(), OKTA_ALGS_ALL),
                     OKTA_JWT_OK);
    json_decref(claims);
}
END_TEST

START_TEST(verify_accepts_ps256_with_kid)
{
    json_t *claims = good_claims();

    ck_assert_int_eq(verify(test_jws_simple(test_pool, "PS256", "rsa1", claims, TEST_SIG_PS256,
                                            test_rsa_key()), usual_jwks(), OKTA_ALGS_ALL),
                     OKTA_JWT_OK);
    json_decref(claims);
}
END_TEST

START_TEST(verify_accepts_es256_with_kid)
{
    json_t *claims = good_claims();

    ck_assert_int_eq(verify(test_jws_simple(test_pool, "ES256", "ec1", claims, TEST_SIG_ES256,
                                            test_ec_key()), usual_jwks(), OKTA_ALGS_ALL),
                     OKTA_JWT_OK);
    json_decref(claims);
}
END_TEST

START_TEST(verify_accepts_alg_within_allowed_mask)
{
    json_t *claims = good_claims();

    ck_assert_int_eq(verify(test_jws_simple(test_pool, "RS256", "rsa1", claims, TEST_SIG_RS256,
                                            test_rsa_key()), usual_jwks(),
                            1u << OKTA_ALG_RS256),
                     OKTA_JWT_OK);
    json_decref(claims);
}
END_TEST

START_TEST(verify_without_kid_single_key)
{
    json_t *claims = good_claims();
    okta_jwks_t *jwks = jwks_from(test_jwks_text(test_pool, test_jwk(test_rsa_key(), "rsa1"),
                                                 NULL));

    ck_assert_int_eq(verify(test_jws_simple(test_pool, "RS256", NULL, claims, TEST_SIG_RS256,
                                            test_rsa_key()), jwks, OKTA_ALGS_ALL),
                     OKTA_JWT_OK);
    json_decref(claims);
}
END_TEST

START_TEST(verify_without_kid_tries_each_fitting_key)
{
    json_t *claims = good_claims();
    okta_jwks_t *jwks = jwks_from(test_jwks_text(test_pool,
                                                 test_jwk(test_rsa_other_key(), "a"),
                                                 test_jwk(test_ec_other_key(), "b"),
                                                 test_jwk(test_rsa_key(), "c"),
                                                 test_jwk(test_ec_key(), NULL), NULL));

    ck_assert_int_eq(verify(test_jws_simple(test_pool, "RS256", NULL, claims, TEST_SIG_RS256,
                                            test_rsa_key()), jwks, OKTA_ALGS_ALL),
                     OKTA_JWT_OK);
    ck_assert_int_eq(verify(test_jws_simple(test_pool, "ES256", NULL, claims, TEST_SIG_ES256,
                                            test_ec_key()), jwks, OKTA_ALGS_ALL),
                     OKTA_JWT_OK);
    json_decref(claims);
}
END_TEST

START_TEST(verify_unknown_kid)
{
    json_t *claims = good_claims();

    ck_assert_int_eq(verify(test_jws_simple(test_pool, "RS256", "rotated", claims,
                                            TEST_SIG_RS256, test_rsa_key()),
                            usual_jwks(), OKTA_ALGS_ALL),
                     OKTA_JWT_KEY_UNKNOWN);
    json_decref(claims);
}
END_TEST

START_TEST(verify_kid_of_another_key)
{
    json_t *claims = good_claims();
    okta_jwks_t *jwks = jwks_from(test_jwks_text(test_pool,
                                                 test_jwk(test_rsa_other_key(), "rsa1"),
                                                 test_jwk(test_ec_other_key(), "ec1"), NULL));

    ck_assert_int_eq(verify(test_jws_simple(test_pool, "RS256", "rsa1", claims, TEST_SIG_RS256,
                                            test_rsa_key()), jwks, OKTA_ALGS_ALL),
                     OKTA_JWT_BAD_SIGNATURE);
    ck_assert_int_eq(verify(test_jws_simple(test_pool, "ES256", "ec1", claims, TEST_SIG_ES256,
                                            test_ec_key()), jwks, OKTA_ALGS_ALL),
                     OKTA_JWT_BAD_SIGNATURE);
    json_decref(claims);
}
END_TEST

START_TEST(verify_tampered_payload)
{
    json_t *claims = good_claims();
    json_t *forged = good_claims();
    const char *genuine = test_jws_simple(test_pool, "RS256", "rsa1", claims, TEST_SIG_RS256,
                                          test_rsa_key());
    const char *forged_text;
    const char *first_dot = strchr(genuine, '.');
    const char *last_dot = strrchr(genuine, '.');
    char *tampered;

    json_object_set_new(forged, "sub", json_string("00u1admin"));
    forged_text = test_json_text(test_pool, forged);
    tampered = apr_pstrcat(test_pool, apr_pstrmemdup(test_pool, genuine, first_dot - genuine),
                           ".", b64_text(forged_text), last_dot, NULL);
    ck_assert_int_eq(verify(tampered, usual_jwks(), OKTA_ALGS_ALL), OKTA_JWT_BAD_SIGNATURE);
    json_decref(claims);
}
END_TEST

START_TEST(verify_tampered_signature)
{
    json_t *claims = good_claims();
    okta_jwt_t *rs = parse_ok(test_jws_simple(test_pool, "RS256", "rsa1", claims,
                                              TEST_SIG_RS256, test_rsa_key()));
    okta_jwt_t *es = parse_ok(test_jws_simple(test_pool, "ES256", "ec1", claims,
                                              TEST_SIG_ES256, test_ec_key()));
    const char *why;

    rs->signature[rs->signature_len - 1] ^= 0x01;
    es->signature[10] ^= 0x01;
    ck_assert_int_eq(okta_jwt_verify(rs, usual_jwks(), OKTA_ALGS_ALL, test_pool, &why),
                     OKTA_JWT_BAD_SIGNATURE);
    ck_assert_int_eq(okta_jwt_verify(es, usual_jwks(), OKTA_ALGS_ALL, test_pool, &why),
                     OKTA_JWT_BAD_SIGNATURE);
    json_decref(claims);
}
END_TEST

START_TEST(verify_refuses_alg_none)
{
    json_t *claims = good_claims();

    /* signed for real, so that only the header's alg can be the reason */
    ck_assert_int_eq(verify(test_jws_simple(test_pool, "none", "rsa1", claims, TEST_SIG_RS256,
                                            test_rsa_key()), usual_jwks(), OKTA_ALGS_ALL),
                     OKTA_JWT_ALG_REFUSED);
    ck_assert_int_eq(verify(test_jws_simple(test_pool, "none", NULL, claims, TEST_SIG_RS256,
                                            test_rsa_key()), usual_jwks(), OKTA_ALGS_ALL),
                     OKTA_JWT_ALG_REFUSED);
    json_decref(claims);
}
END_TEST

START_TEST(verify_refuses_hs256)
{
    json_t *claims = good_claims();

    ck_assert_int_eq(verify(test_jws_simple(test_pool, "HS256", "rsa1", claims, TEST_SIG_RS256,
                                            test_rsa_key()), usual_jwks(), OKTA_ALGS_ALL),
                     OKTA_JWT_ALG_REFUSED);
    json_decref(claims);
}
END_TEST

START_TEST(verify_refuses_alg_outside_allowed_mask)
{
    json_t *claims = good_claims();

    ck_assert_int_eq(verify(test_jws_simple(test_pool, "RS256", "rsa1", claims, TEST_SIG_RS256,
                                            test_rsa_key()), usual_jwks(),
                            (1u << OKTA_ALG_ES256) | (1u << OKTA_ALG_PS256)),
                     OKTA_JWT_ALG_REFUSED);
    ck_assert_int_eq(verify(test_jws_simple(test_pool, "ES256", "ec1", claims, TEST_SIG_ES256,
                                            test_ec_key()), usual_jwks(), 0),
                     OKTA_JWT_ALG_REFUSED);
    json_decref(claims);
}
END_TEST

static void assert_refused_not_malformed(okta_jwt_result_t r)
{
    ck_assert_msg(r == OKTA_JWT_ALG_REFUSED || r == OKTA_JWT_BAD_SIGNATURE
                  || r == OKTA_JWT_KEY_UNKNOWN,
                  "expected a refusal, got %d", r);
}

START_TEST(verify_refuses_alg_key_type_mismatch)
{
    json_t *claims = good_claims();

    /* RS256 in the header, but the named key is an EC key */
    assert_refused_not_malformed(verify(test_jws_simple(test_pool, "RS256", "ec1", claims,
                                                        TEST_SIG_RS256, test_rsa_key()),
                                        usual_jwks(), OKTA_ALGS_ALL));
    assert_refused_not_malformed(verify(test_jws_simple(test_pool, "ES256", "rsa1", claims,
                                                        TEST_SIG_ES256, test_ec_key()),
                                        usual_jwks(), OKTA_ALGS_ALL));
    json_decref(claims);
}
END_TEST

START_TEST(verify_refuses_key_pinned_to_other_alg)
{
    json_t *claims = good_claims();
    json_t *pinned = test_jwk(test_rsa_key(), "rsa1");
    okta_jwks_t *jwks;

    json_object_set_new(pinned, "alg", json_string("RS256"));
    jwks = jwks_from(test_jwks_text(test_pool, pinned, NULL));
    assert_refused_not_malformed(verify(test_jws_simple(test_pool, "PS256", "rsa1", claims,
                                                        TEST_SIG_PS256, test_rsa_key()),
                                        jwks, OKTA_ALGS_ALL));
    ck_assert_int_eq(verify(test_jws_simple(test_pool, "RS256", "rsa1", claims, TEST_SIG_RS256,
                                            test_rsa_key()), jwks, OKTA_ALGS_ALL),
                     OKTA_JWT_OK);
    json_decref(claims);
}
END_TEST

START_TEST(verify_refuses_es256_der_signature)
{
    json_t *claims = good_claims();

    ck_assert_int_eq(verify(test_jws_simple(test_pool, "ES256", "ec1", claims,
                                            TEST_SIG_ES256_DER, test_ec_key()),
                            usual_jwks(), OKTA_ALGS_ALL),
                     OKTA_JWT_BAD_SIGNATURE);
    json_decref(claims);
}
END_TEST

/* The claim checks of an ID token signed with `alg` (the claim checks do
 * not verify the signature, so an RS256 one stands in for any), issued
 * with `access_token`. */
static okta_jwt_result_t check_issued_with(json_t *claims, const char *alg,
                                           const char *access_token)
{
    okta_id_token_expect_t expect = { ISSUER, CLIENT, NONCE, access_token, NOW, SKEW };
    okta_jwt_t *jwt = parse_ok(test_jws_simple(test_pool, alg, "rsa1", claims,
                                               TEST_SIG_RS256, test_rsa_key()));
    const char *why = NULL;

    json_decref(claims);
    return okta_id_token_check(jwt, &expect, test_pool, &why);
}

/* Runs the ID token checks on a token carrying `claims` (reference taken),
 * expecting `nonce` (NULL: a refreshed token, nonce not checked). */
static okta_jwt_result_t check_claims_nonce(json_t *claims, const char *nonce)
{
    okta_id_token_expect_t expect = { ISSUER, CLIENT, nonce, NULL, NOW, SKEW };
    okta_jwt_t *jwt = parse_ok(test_jws_simple(test_pool, "RS256", "rsa1", claims,
                                               TEST_SIG_RS256, test_rsa_key()));
    const char *why = NULL;

    json_decref(claims);
    return okta_id_token_check(jwt, &expect, test_pool, &why);
}

static okta_jwt_result_t check_claims(json_t *claims)
{
    return check_claims_nonce(claims, NONCE);
}

static json_t *with(json_t *claims, const char *name, json_t *value)
{
    json_object_set_new(claims, name, value);
    return claims;
}

static json_t *without(json_t *claims, const char *name)
{
    ck_assert_int_eq(json_object_del(claims, name), 0);
    return claims;
}

START_TEST(id_token_good)
{
    ck_assert_int_eq(check_claims(good_claims()), OKTA_JWT_OK);
}
END_TEST

START_TEST(id_token_wrong_issuer)
{
    ck_assert_int_eq(check_claims(with(good_claims(), "iss",
                                       json_string("https://evil.example/oauth2/default"))),
                     OKTA_JWT_BAD_ISSUER);
    ck_assert_int_eq(check_claims(with(good_claims(), "iss", json_string(ISSUER "/"))),
                     OKTA_JWT_BAD_ISSUER);
    ck_assert_int_eq(check_claims(without(good_claims(), "iss")), OKTA_JWT_BAD_ISSUER);
}
END_TEST

START_TEST(id_token_wrong_audience_string)
{
    ck_assert_int_eq(check_claims(with(good_claims(), "aud", json_string("0oa-client-2"))),
                     OKTA_JWT_BAD_AUDIENCE);
    ck_assert_int_eq(check_claims(with(good_claims(), "aud", json_string(CLIENT "x"))),
                     OKTA_JWT_BAD_AUDIENCE);
}
END_TEST

START_TEST(id_token_audience_array_without_client)
{
    ck_assert_int_eq(check_claims(with(good_claims(), "aud",
                                       json_pack("[s,s]", "0oa-client-2", "api"))),
                     OKTA_JWT_BAD_AUDIENCE);
    ck_assert_int_eq(check_claims(with(good_claims(), "aud", json_array())),
                     OKTA_JWT_BAD_AUDIENCE);
}
END_TEST

START_TEST(id_token_audience_single_element_array)
{
    ck_assert_int_eq(check_claims(with(good_claims(), "aud", json_pack("[s]", CLIENT))),
                     OKTA_JWT_OK);
}
END_TEST

START_TEST(id_token_several_audiences_need_azp)
{
    ck_assert_int_eq(check_claims(with(good_claims(), "aud", json_pack("[s,s]", "api", CLIENT))),
                     OKTA_JWT_BAD_AZP);
}
END_TEST

START_TEST(id_token_wrong_azp)
{
    json_t *claims = with(good_claims(), "aud", json_pack("[s,s]", CLIENT, "api"));

    ck_assert_int_eq(check_claims(with(claims, "azp", json_string("api"))), OKTA_JWT_BAD_AZP);
    /* OIDC Core 3.1.3.7 point 5: an azp present must be our client_id */
    ck_assert_int_eq(check_claims(with(good_claims(), "azp", json_string("api"))),
                     OKTA_JWT_BAD_AZP);
}
END_TEST

START_TEST(id_token_several_audiences_with_our_azp)
{
    json_t *claims = with(good_claims(), "aud", json_pack("[s,s]", "api", CLIENT));

    ck_assert_int_eq(check_claims(with(claims, "azp", json_string(CLIENT))), OKTA_JWT_OK);
}
END_TEST

START_TEST(id_token_expired_beyond_skew)
{
    ck_assert_int_eq(check_claims(with(good_claims(), "exp",
                                       json_integer(NOW - SKEW - 1))), OKTA_JWT_EXPIRED);
    ck_assert_int_eq(check_claims(with(good_claims(), "exp", json_integer(NOW - 3600))),
                     OKTA_JWT_EXPIRED);
}
END_TEST

START_TEST(id_token_expired_within_skew)
{
    ck_assert_int_eq(check_claims(with(good_claims(), "exp", json_integer(NOW - SKEW / 2))),
                     OKTA_JWT_OK);
}
END_TEST

START_TEST(id_token_times_out_of_range)
{
    /* found by fuzz_jws: such times once overflowed the message arithmetic */
    ck_assert_int_eq(check_claims(with(good_claims(), "exp", json_real(-1e300))),
                     OKTA_JWT_MALFORMED);
    ck_assert_int_eq(check_claims(with(good_claims(), "exp", json_integer(INT64_MIN))),
                     OKTA_JWT_MALFORMED);
    ck_assert_int_eq(check_claims(with(good_claims(), "iat", json_real(1.79e22))),
                     OKTA_JWT_MALFORMED);
    ck_assert_int_eq(check_claims(with(good_claims(), "iat", json_integer(-1))),
                     OKTA_JWT_MALFORMED);
}
END_TEST

START_TEST(id_token_missing_exp)
{
    okta_jwt_result_t r = check_claims(without(good_claims(), "exp"));

    ck_assert_msg(r == OKTA_JWT_EXPIRED || r == OKTA_JWT_MALFORMED,
                  "a token without exp gave %d", r);
    r = check_claims(with(good_claims(), "exp", json_string("9999999999")));
    ck_assert_msg(r == OKTA_JWT_EXPIRED || r == OKTA_JWT_MALFORMED,
                  "a token with a string exp gave %d", r);
}
END_TEST

START_TEST(id_token_issued_in_future)
{
    ck_assert_int_eq(check_claims(with(good_claims(), "iat", json_integer(NOW + SKEW + 60))),
                     OKTA_JWT_ISSUED_IN_FUTURE);
    ck_assert_int_eq(check_claims(with(good_claims(), "iat", json_integer(NOW + SKEW / 2))),
                     OKTA_JWT_OK);
}
END_TEST

START_TEST(id_token_nonce_mismatch)
{
    ck_assert_int_eq(check_claims(with(good_claims(), "nonce", json_string("n-other"))),
                     OKTA_JWT_BAD_NONCE);
    ck_assert_int_eq(check_claims(with(good_claims(), "nonce", json_string(NONCE "x"))),
                     OKTA_JWT_BAD_NONCE);
}
END_TEST

START_TEST(id_token_refreshed_without_nonce_check)
{
    /* a refreshed ID token: no nonce expected, any or none accepted */
    ck_assert_int_eq(check_claims_nonce(without(good_claims(), "nonce"), NULL), OKTA_JWT_OK);
    ck_assert_int_eq(check_claims_nonce(good_claims(), NULL), OKTA_JWT_OK);
    /* every other check still applies */
    ck_assert_int_eq(check_claims_nonce(with(good_claims(), "iss", json_string("https://x")),
                                        NULL),
                     OKTA_JWT_BAD_ISSUER);
}
END_TEST

/* OpenID Connect Core A.3's example: this access token's at_hash under
 * RS256; the SHA-384 and SHA-512 halves computed apart (Python hashlib). */
#define AT "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
#define AT_HASH_SHA256 "77QmUPtjPfzWtF2AnpK9RQ"
#define AT_HASH_SHA384 "jtAeDp945y1dDqU3nkIVGNZP1HjH_MFs"
#define AT_HASH_SHA512 "q7nS86GgvvFaZkzALLWqJYaJIKw2wCDAVfCAsm5CrBM"

static json_t *with_at_hash(const char *at_hash)
{
    return with(good_claims(), "at_hash", json_string(at_hash));
}

START_TEST(id_token_at_hash_of_its_access_token)
{
    ck_assert_int_eq(check_issued_with(with_at_hash(AT_HASH_SHA256), "RS256", AT), OKTA_JWT_OK);
    ck_assert_int_eq(check_issued_with(with_at_hash(AT_HASH_SHA256), "ES256", AT), OKTA_JWT_OK);
    /* the hash is the algorithm's */
    ck_assert_int_eq(check_issued_with(with_at_hash(AT_HASH_SHA384), "RS384", AT), OKTA_JWT_OK);
    ck_assert_int_eq(check_issued_with(with_at_hash(AT_HASH_SHA512), "PS512", AT), OKTA_JWT_OK);
}
END_TEST

START_TEST(id_token_at_hash_of_another_token)
{
    ck_assert_int_eq(check_issued_with(with_at_hash(AT_HASH_SHA256), "RS256", AT "x"),
                     OKTA_JWT_BAD_AT_HASH);
    /* SHA-256's half under RS384, or the whole hash: not the same */
    ck_assert_int_eq(check_issued_with(with_at_hash(AT_HASH_SHA256), "RS384", AT),
                     OKTA_JWT_BAD_AT_HASH);
    ck_assert_int_eq(check_issued_with(with_at_hash(AT_HASH_SHA384), "RS256", AT),
                     OKTA_JWT_BAD_AT_HASH);
    ck_assert_int_eq(check_issued_with(with_at_hash(""), "RS256", AT), OKTA_JWT_BAD_AT_HASH);
    ck_assert_int_eq(check_issued_with(with(good_claims(), "at_hash", json_integer(7)), "RS256",
                                       AT),
                     OKTA_JWT_BAD_AT_HASH);
}
END_TEST

START_TEST(id_token_at_hash_optional)
{
    /* "If the ID Token contains an at_hash Claim": none is fine */
    ck_assert_int_eq(check_issued_with(good_claims(), "RS256", AT), OKTA_JWT_OK);
    /* and nothing to check it against: not checked */
    ck_assert_int_eq(check_issued_with(with_at_hash("anything"), "RS256", NULL), OKTA_JWT_OK);
}
END_TEST

START_TEST(id_token_nonce_missing)
{
    ck_assert_int_eq(check_claims(without(good_claims(), "nonce")), OKTA_JWT_BAD_NONCE);
}
END_TEST

START_TEST(id_token_subject_missing_or_empty)
{
    ck_assert_int_eq(check_claims(without(good_claims(), "sub")), OKTA_JWT_NO_SUBJECT);
    ck_assert_int_eq(check_claims(with(good_claims(), "sub", json_string(""))),
                     OKTA_JWT_NO_SUBJECT);
}
END_TEST

/* ---- access tokens (RFC 9068, Okta) ---------------------------------- */

#define API "api://default"

static json_t *good_access_claims(void)
{
    return json_pack("{s:s, s:[s,s], s:s, s:s, s:I, s:I, s:[s]}",
                     "iss", ISSUER,
                     "aud", API, "api://other",
                     "cid", "0oa-service",
                     "sub", "00u1ada",
                     "exp", (json_int_t)(NOW + 300),
                     "iat", (json_int_t)(NOW - 10),
                     "scp", "read:reports");
}

/* The claims of a token whose header has `typ` (none when NULL). */
static okta_jwt_result_t check_access_typ(json_t *claims, const char *typ)
{
    static const char *const audiences[] = { "api://reports", API };
    okta_access_token_expect_t expect = { ISSUER, CLIENT, audiences, 2, NOW, SKEW };
    json_t *header = typ ? json_pack("{s:s, s:s, s:s}", "alg", "RS256", "kid", "rsa1", "typ", typ)
                         : json_pack("{s:s, s:s}", "alg", "RS256", "kid", "rsa1");
    okta_jwt_t *jwt = parse_ok(test_jws(test_pool, header, claims, TEST_SIG_RS256,
                                        test_rsa_key()));
    const char *why = NULL;
    okta_jwt_result_t result = okta_access_token_check(jwt, &expect, test_pool, &why);

    json_decref(header);
    json_decref(claims);
    ck_assert(result == OKTA_JWT_OK || (why && *why));
    return result;
}

static okta_jwt_result_t check_access(json_t *claims)
{
    return check_access_typ(claims, "at+jwt");
}

START_TEST(access_token_good)
{
    ck_assert_int_eq(check_access(good_access_claims()), OKTA_JWT_OK);
    ck_assert_int_eq(check_access(with(good_access_claims(), "aud", json_string(API))),
                     OKTA_JWT_OK);
    ck_assert_int_eq(check_access_typ(good_access_claims(), NULL), OKTA_JWT_OK);
    ck_assert_int_eq(check_access_typ(good_access_claims(), "JWT"), OKTA_JWT_OK);
    ck_assert_int_eq(check_access_typ(good_access_claims(), "application/at+jwt"), OKTA_JWT_OK);
}
END_TEST

START_TEST(access_token_wrong_typ)
{
    ck_assert_int_eq(check_access_typ(good_access_claims(), "dpop+jwt"),
                     OKTA_JWT_NOT_ACCESS_TOKEN);
    ck_assert_int_eq(check_access_typ(good_access_claims(), "logout+jwt"),
                     OKTA_JWT_NOT_ACCESS_TOKEN);
}
END_TEST

/* An ID token is not an access token, even from the right issuer. */
/* An access token's claims addressed to this client only, without cid and
 * scp: nothing but a typ at+jwt would mark it as an access token. */
static json_t *client_only_claims(void)
{
    return without(without(with(good_access_claims(), "aud", json_string(CLIENT)), "cid"), "scp");
}

START_TEST(access_token_that_is_an_id_token)
{
    ck_assert_int_eq(check_access(with(good_access_claims(), "nonce", json_string(NONCE))),
                     OKTA_JWT_NOT_ACCESS_TOKEN);
    ck_assert_int_eq(check_access(with(good_access_claims(), "at_hash", json_string("x8bOGXDfvf2h"))),
                     OKTA_JWT_NOT_ACCESS_TOKEN);
    ck_assert_int_eq(check_access_typ(client_only_claims(), NULL), OKTA_JWT_NOT_ACCESS_TOKEN);
    ck_assert_int_eq(check_access_typ(with(client_only_claims(), "aud",
                                           json_pack("[s,s]", CLIENT, CLIENT)),
                                      "JWT"),
                     OKTA_JWT_NOT_ACCESS_TOKEN);
    ck_assert_int_eq(check_access_typ(good_claims(), NULL), OKTA_JWT_NOT_ACCESS_TOKEN);
}
END_TEST

/* Okta's setup guide makes the Client ID the authorization server's
 * Audience: an access token addressed only to the client is told from an
 * ID token by typ at+jwt, cid, scp, client_id or scope. */
START_TEST(access_token_addressed_to_the_client)
{
    static const char *const marks[] = { "cid", "scp", "client_id", "scope" };
    static const char *const audiences[] = { CLIENT };
    okta_access_token_expect_t expect = { ISSUER, CLIENT, audiences, 1, NOW, SKEW };
    size_t i;

    for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
        json_t *claims = client_only_claims();
        json_t *header = json_pack("{s:s, s:s}", "alg", "RS256", "kid", "rsa1");
        okta_jwt_t *jwt;
        const char *why = NULL;

        json_object_set_new(claims, marks[i], json_string("x"));
        jwt = parse_ok(test_jws(test_pool, header, claims, TEST_SIG_RS256, test_rsa_key()));
        ck_assert_msg(okta_access_token_check(jwt, &expect, test_pool, &why) == OKTA_JWT_OK,
                      "%s: %s", marks[i], why ? why : "");
        json_decref(header);
        json_decref(claims);
    }
    /* typ at+jwt marks an access token; this one is for another API */
    ck_assert_int_eq(check_access(client_only_claims()), OKTA_JWT_BAD_AUDIENCE);
}
END_TEST

START_TEST(access_token_wrong_issuer_or_audience)
{
    ck_assert_int_eq(check_access(with(good_access_claims(), "iss",
                                       json_string(ISSUER "/"))),
                     OKTA_JWT_BAD_ISSUER);
    ck_assert_int_eq(check_access(without(good_access_claims(), "iss")), OKTA_JWT_BAD_ISSUER);
    ck_assert_int_eq(check_access(with(good_access_claims(), "aud",
                                       json_string("api://other"))),
                     OKTA_JWT_BAD_AUDIENCE);
    ck_assert_int_eq(check_access(without(good_access_claims(), "aud")),
                     OKTA_JWT_BAD_AUDIENCE);
    ck_assert_int_eq(check_access(with(good_access_claims(), "aud", json_pack("[i]", 1))),
                     OKTA_JWT_BAD_AUDIENCE);
}
END_TEST

START_TEST(access_token_times)
{
    ck_assert_int_eq(check_access(with(good_access_claims(), "exp",
                                       json_integer(NOW - SKEW - 1))),
                     OKTA_JWT_EXPIRED);
    ck_assert_int_eq(check_access(with(good_access_claims(), "exp",
                                       json_integer(NOW - SKEW / 2))),
                     OKTA_JWT_OK);
    ck_assert_int_eq(check_access(without(good_access_claims(), "exp")), OKTA_JWT_MALFORMED);
    ck_assert_int_eq(check_access(without(good_access_claims(), "iat")), OKTA_JWT_MALFORMED);
    ck_assert_int_eq(check_access(with(good_access_claims(), "iat",
                                       json_integer(NOW + SKEW + 1))),
                     OKTA_JWT_NOT_YET_VALID);
    ck_assert_int_eq(check_access(with(good_access_claims(), "nbf",
                                       json_integer(NOW + SKEW + 1))),
                     OKTA_JWT_NOT_YET_VALID);
    ck_assert_int_eq(check_access(with(good_access_claims(), "nbf", json_integer(NOW - 5))),
                     OKTA_JWT_OK);
    ck_assert_int_eq(check_access(with(good_access_claims(), "nbf", json_string("soon"))),
                     OKTA_JWT_MALFORMED);
}
END_TEST

START_TEST(claim_string_string_and_number)
{
    json_t *claims = with(good_claims(), "age", json_integer(-42));
    okta_jwt_t *jwt = parse_ok(test_jws_simple(test_pool, "RS256", "rsa1", claims,
                                               TEST_SIG_RS256, test_rsa_key()));

    ck_assert_str_eq(okta_claim_string(test_pool, jwt->payload, "sub"), "00u1ada");
    ck_assert_str_eq(okta_claim_string(test_pool, jwt->payload, "exp"), "1700000300");
    ck_assert_str_eq(okta_claim_string(test_pool, jwt->payload, "age"), "-42");
    ck_assert_ptr_null(okta_claim_string(test_pool, jwt->payload, "email"));
    json_decref(claims);
}
END_TEST

/* A refusal names the Okta setting or directive to check. */
START_TEST(result_hint_names_the_setting)
{
    ck_assert_ptr_nonnull(strstr(okta_jwt_result_hint(OKTA_JWT_BAD_ISSUER), "Okta URL"));
    ck_assert_ptr_nonnull(strstr(okta_jwt_result_hint(OKTA_JWT_BAD_AUDIENCE), "OktaClientID"));
    ck_assert_ptr_nonnull(strstr(okta_jwt_result_hint(OKTA_JWT_BAD_AZP), "OktaClientID"));
    ck_assert_ptr_nonnull(strstr(okta_jwt_result_hint(OKTA_JWT_EXPIRED), "OktaClockSkew"));
    ck_assert_ptr_nonnull(strstr(okta_jwt_result_hint(OKTA_JWT_ISSUED_IN_FUTURE), "NTP"));
    ck_assert_str_eq(okta_jwt_result_hint(OKTA_JWT_BAD_SIGNATURE), "");
}
END_TEST

/* Unknown key or no keys: a forgery only when the keys are the provider's
 * latest word. */
START_TEST(key_verdict_table)
{
    static const struct {
        okta_jwt_result_t verified;
        int have_keys, last_fetch_failed;
        okta_jwt_result_t verdict;
    } rows[] = {
        { OKTA_JWT_OK, 1, 0, OKTA_JWT_OK },
        /* a key the JWKS had before its refetch failed still verifies */
        { OKTA_JWT_OK, 1, 1, OKTA_JWT_OK },
        { OKTA_JWT_BAD_SIGNATURE, 1, 0, OKTA_JWT_BAD_SIGNATURE },
        { OKTA_JWT_BAD_SIGNATURE, 1, 1, OKTA_JWT_BAD_SIGNATURE },
        { OKTA_JWT_ALG_REFUSED, 1, 1, OKTA_JWT_ALG_REFUSED },
        { OKTA_JWT_KEY_UNKNOWN, 1, 0, OKTA_JWT_KEY_UNKNOWN },
        /* perhaps a new key, published when the keys could not be read */
        { OKTA_JWT_KEY_UNKNOWN, 1, 1, OKTA_JWT_KEYS_UNAVAILABLE },
        /* never read, or unreadable */
        { OKTA_JWT_KEY_UNKNOWN, 0, 0, OKTA_JWT_KEYS_UNAVAILABLE },
        { OKTA_JWT_KEY_UNKNOWN, 0, 1, OKTA_JWT_KEYS_UNAVAILABLE },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        ck_assert_msg(okta_jwt_key_verdict(rows[i].verified, rows[i].have_keys,
                                           rows[i].last_fetch_failed)
                          == rows[i].verdict,
                      "row %zu", i);
    }
}
END_TEST

TCase *jwt_tcase(void)
{
    TCase *tc = tcase_create("jwt");

    tcase_add_unchecked_fixture(tc, test_keys_setup, test_keys_teardown);
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, result_hint_names_the_setting);
    tcase_add_test(tc, key_verdict_table);
    tcase_add_test(tc, alg_from_name_known);
    tcase_add_test(tc, alg_from_name_unknown);
    tcase_add_test(tc, jwks_parse_rsa_and_ec);
    tcase_add_test(tc, jwks_parse_key_without_kid_and_pinned_alg);
    tcase_add_test(tc, jwks_parse_skips_encryption_keys);
    tcase_add_test(tc, jwks_parse_skips_unknown_key_types);
    tcase_add_test(tc, jwks_parse_skips_unsupported_curve);
    tcase_add_test(tc, jwks_parse_rejects_non_jwks);
    tcase_add_test(tc, jwt_parse_fields);
    tcase_add_test(tc, jwt_parse_without_kid);
    tcase_add_test(tc, jwt_parse_rejects_wrong_part_count);
    tcase_add_test(tc, jwt_parse_rejects_bad_base64);
    tcase_add_test(tc, jwt_parse_rejects_header_not_json_object);
    tcase_add_test(tc, jwt_parse_rejects_payload_not_json_object);
    tcase_add_test(tc, verify_accepts_rs256_with_kid);
    tcase_add_test(tc, verify_accepts_ps256_with_kid);
    tcase_add_test(tc, verify_accepts_es256_with_kid);
    tcase_add_test(tc, verify_accepts_alg_within_allowed_mask);
    tcase_add_test(tc, verify_without_kid_single_key);
    tcase_add_test(tc, verify_without_kid_tries_each_fitting_key);
    tcase_add_test(tc, verify_unknown_kid);
    tcase_add_test(tc, verify_kid_of_another_key);
    tcase_add_test(tc, verify_tampered_payload);
    tcase_add_test(tc, verify_tampered_signature);
    tcase_add_test(tc, verify_refuses_alg_none);
    tcase_add_test(tc, verify_refuses_hs256);
    tcase_add_test(tc, verify_refuses_alg_outside_allowed_mask);
    tcase_add_test(tc, verify_refuses_alg_key_type_mismatch);
    tcase_add_test(tc, verify_refuses_key_pinned_to_other_alg);
    tcase_add_test(tc, verify_refuses_es256_der_signature);
    tcase_add_test(tc, id_token_good);
    tcase_add_test(tc, id_token_at_hash_of_its_access_token);
    tcase_add_test(tc, id_token_at_hash_of_another_token);
    tcase_add_test(tc, id_token_at_hash_optional);
    tcase_add_test(tc, id_token_wrong_issuer);
    tcase_add_test(tc, id_token_wrong_audience_string);
    tcase_add_test(tc, id_token_audience_array_without_client);
    tcase_add_test(tc, id_token_audience_single_element_array);
    tcase_add_test(tc, id_token_several_audiences_need_azp);
    tcase_add_test(tc, id_token_wrong_azp);
    tcase_add_test(tc, id_token_several_audiences_with_our_azp);
    tcase_add_test(tc, id_token_expired_beyond_skew);
    tcase_add_test(tc, id_token_expired_within_skew);
    tcase_add_test(tc, id_token_missing_exp);
    tcase_add_test(tc, id_token_issued_in_future);
    tcase_add_test(tc, id_token_nonce_mismatch);
    tcase_add_test(tc, id_token_nonce_missing);
    tcase_add_test(tc, id_token_times_out_of_range);
    tcase_add_test(tc, id_token_refreshed_without_nonce_check);
    tcase_add_test(tc, id_token_subject_missing_or_empty);
    tcase_add_test(tc, access_token_good);
    tcase_add_test(tc, access_token_wrong_typ);
    tcase_add_test(tc, access_token_that_is_an_id_token);
    tcase_add_test(tc, access_token_addressed_to_the_client);
    tcase_add_test(tc, access_token_wrong_issuer_or_audience);
    tcase_add_test(tc, access_token_times);
    tcase_add_test(tc, claim_string_string_and_number);
    return tc;
}
