/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <apr_strings.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include "okta_jwt.h"
#include "okta_json.h"
#include "okta_util.h"

#define MAX_COMPACT_LEN (64 * 1024)

typedef struct {
    const char *name;
    const char *kty;
    const char *digest;
    int pss;
    /* ECDSA only: */
    int ec_size; /* bytes of r (and of s) */
    int ec_bits; /* size of the curve */
    const char *curve; /* JWK "crv" */
    const char *group; /* OpenSSL's name of that curve */
} alg_info_t;

static const alg_info_t algs[OKTA_ALG_COUNT] = {
    [OKTA_ALG_RS256] = { "RS256", "RSA", "SHA256", 0, 0, 0, NULL, NULL },
    [OKTA_ALG_RS384] = { "RS384", "RSA", "SHA384", 0, 0, 0, NULL, NULL },
    [OKTA_ALG_RS512] = { "RS512", "RSA", "SHA512", 0, 0, 0, NULL, NULL },
    [OKTA_ALG_PS256] = { "PS256", "RSA", "SHA256", 1, 0, 0, NULL, NULL },
    [OKTA_ALG_PS384] = { "PS384", "RSA", "SHA384", 1, 0, 0, NULL, NULL },
    [OKTA_ALG_PS512] = { "PS512", "RSA", "SHA512", 1, 0, 0, NULL, NULL },
    [OKTA_ALG_ES256] = { "ES256", "EC", "SHA256", 0, 32, 256, "P-256", "prime256v1" },
    [OKTA_ALG_ES384] = { "ES384", "EC", "SHA384", 0, 48, 384, "P-384", "secp384r1" },
    [OKTA_ALG_ES512] = { "ES512", "EC", "SHA512", 0, 66, 521, "P-521", "secp521r1" },
};

int okta_alg_from_name(const char *name)
{
    int i;

    for (i = 0; name && i < OKTA_ALG_COUNT; i++) {
        if (strcmp(algs[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

static apr_status_t release_pkey(void *data)
{
    EVP_PKEY_free(data);
    return APR_SUCCESS;
}

static const char *json_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* ---- JWKS ---------------------------------------------------------- */

static BIGNUM *jwk_bignum(apr_pool_t *p, const json_t *jwk, const char *member)
{
    const char *text = json_str(jwk, member);
    unsigned char *bytes;
    apr_size_t len;

    if (!text || okta_b64url_decode(&bytes, &len, p, text, strlen(text)) != APR_SUCCESS
        || len == 0) {
        return NULL;
    }
    return BN_bin2bn(bytes, (int)len, NULL);
}

static EVP_PKEY *pkey_from_params(const char *type, OSSL_PARAM_BLD *bld)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *pkey = NULL;

    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
        pkey = NULL;
    }
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    return pkey;
}

static EVP_PKEY *rsa_key(apr_pool_t *p, const json_t *jwk)
{
    BIGNUM *n = jwk_bignum(p, jwk, "n"), *e = jwk_bignum(p, jwk, "e");
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY *pkey = NULL;

    /* RSA keys under 2048 bits are refused (RFC 7518 3.3) */
    if (n && e && bld && BN_num_bits(n) >= 2048
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n)
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e)) {
        pkey = pkey_from_params("RSA", bld);
    }
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return pkey;
}

/* The ECDSA algorithm whose curve a JWK names, or NULL. */
static const alg_info_t *ec_alg_of_curve(const char *crv)
{
    int i;

    for (i = OKTA_ALG_ES256; i <= OKTA_ALG_ES512; i++) {
        if (crv && strcmp(crv, algs[i].curve) == 0) {
            return &algs[i];
        }
    }
    return NULL;
}

static EVP_PKEY *ec_key(apr_pool_t *p, const json_t *jwk)
{
    const alg_info_t *alg = ec_alg_of_curve(json_str(jwk, "crv"));
    int size = alg ? alg->ec_size : 0;
    const char *xs = json_str(jwk, "x"), *ys = json_str(jwk, "y");
    unsigned char *x, *y, *point;
    apr_size_t xlen, ylen;
    OSSL_PARAM_BLD *bld;
    EVP_PKEY *pkey = NULL;

    if (!alg || !xs || !ys || okta_b64url_decode(&x, &xlen, p, xs, strlen(xs)) != APR_SUCCESS
        || okta_b64url_decode(&y, &ylen, p, ys, strlen(ys)) != APR_SUCCESS
        || xlen != (apr_size_t)size || ylen != (apr_size_t)size) {
        return NULL;
    }
    /* uncompressed point: 0x04 || x || y */
    point = apr_palloc(p, 1 + 2 * size);
    point[0] = 0x04;
    memcpy(point + 1, x, size);
    memcpy(point + 1 + size, y, size);
    bld = OSSL_PARAM_BLD_new();
    if (bld && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
                                                   alg->group, 0)
        && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, 1 + 2 * size)) {
        pkey = pkey_from_params("EC", bld);
    }
    OSSL_PARAM_BLD_free(bld);
    return pkey;
}

apr_status_t okta_jwks_parse(okta_jwks_t **out, apr_pool_t *p, const char *json,
                             apr_size_t len, const char **why)
{
    json_t *doc = okta_json_parse_object(p, json, len);
    json_t *keys = json_object_get(doc, "keys");
    okta_jwks_t *jwks;
    json_t *jwk;
    size_t i;

    if (!json_is_array(keys)) {
        *why = "not a JWKS document (no \"keys\" array)";
        return APR_EINVAL;
    }
    jwks = apr_palloc(p, sizeof(*jwks));
    jwks->keys = apr_array_make(p, (int)json_array_size(keys), sizeof(okta_jwk_t));
    json_array_foreach(keys, i, jwk) {
        const char *kty = json_str(jwk, "kty"), *use = json_str(jwk, "use");
        EVP_PKEY *pkey = NULL;
        okta_jwk_t *key;

        if (!kty || (use && strcmp(use, "sig") != 0)) {
            continue;
        }
        if (strcmp(kty, "RSA") == 0) {
            pkey = rsa_key(p, jwk);
        }
        else if (strcmp(kty, "EC") == 0) {
            pkey = ec_key(p, jwk);
        }
        if (!pkey) {
            continue;
        }
        apr_pool_cleanup_register(p, pkey, release_pkey, apr_pool_cleanup_null);
        key = apr_array_push(jwks->keys);
        key->kid = json_str(jwk, "kid");
        key->kty = strcmp(kty, "RSA") == 0 ? "RSA" : "EC";
        key->alg = okta_alg_from_name(json_str(jwk, "alg"));
        key->pkey = pkey;
    }
    *out = jwks;
    return APR_SUCCESS;
}

/* ---- compact JWS --------------------------------------------------- */

static json_t *decode_json_part(apr_pool_t *p, const char *b64, apr_size_t len)
{
    unsigned char *raw;
    apr_size_t rawlen;

    if (okta_b64url_decode(&raw, &rawlen, p, b64, len) != APR_SUCCESS) {
        return NULL;
    }
    return okta_json_parse_object(p, (const char *)raw, rawlen);
}

okta_jwt_result_t okta_jwt_parse(okta_jwt_t **out, apr_pool_t *p, const char *compact,
                                 const char **why)
{
    const char *dot1, *dot2, *sig;
    apr_size_t len = strlen(compact);
    okta_jwt_t *jwt;

    dot1 = strchr(compact, '.');
    dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (len > MAX_COMPACT_LEN || !dot2 || strchr(dot2 + 1, '.')) {
        *why = "not a compact JWS (three dot-separated parts)";
        return OKTA_JWT_MALFORMED;
    }
    sig = dot2 + 1;
    jwt = apr_pcalloc(p, sizeof(*jwt));
    jwt->header = decode_json_part(p, compact, (apr_size_t)(dot1 - compact));
    jwt->payload = decode_json_part(p, dot1 + 1, (apr_size_t)(dot2 - dot1 - 1));
    if (!jwt->header || !jwt->payload) {
        *why = "JWS header or payload is not a base64url-encoded JSON object";
        return OKTA_JWT_MALFORMED;
    }
    if (okta_b64url_decode(&jwt->signature, &jwt->signature_len, p, sig, strlen(sig))
        != APR_SUCCESS) {
        *why = "JWS signature is not base64url";
        return OKTA_JWT_MALFORMED;
    }
    jwt->alg_name = json_str(jwt->header, "alg");
    jwt->kid = json_str(jwt->header, "kid");
    if (!jwt->alg_name) {
        *why = "JWS header has no \"alg\"";
        return OKTA_JWT_MALFORMED;
    }
    jwt->signing_input = compact;
    jwt->signing_input_len = (apr_size_t)(dot2 - compact);
    *out = jwt;
    return OKTA_JWT_OK;
}

/* JWS carries ECDSA signatures as r || s; OpenSSL wants DER. */
static unsigned char *ecdsa_raw_to_der(apr_pool_t *p, const unsigned char *raw,
                                       apr_size_t rawlen, int size, int *derlen)
{
    ECDSA_SIG *sig;
    BIGNUM *r, *s;
    unsigned char *der = NULL, *copy = NULL;

    if (rawlen != (apr_size_t)(2 * size)) {
        return NULL;
    }
    sig = ECDSA_SIG_new();
    r = BN_bin2bn(raw, size, NULL);
    s = BN_bin2bn(raw + size, size, NULL);
    if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
        r = s = NULL; /* owned by sig now */
        *derlen = i2d_ECDSA_SIG(sig, &der);
        if (*derlen > 0) {
            copy = apr_pmemdup(p, der, *derlen);
        }
    }
    OPENSSL_free(der);
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return copy;
}

static int verify_with_key(const okta_jwt_t *jwt, const alg_info_t *alg, EVP_PKEY *pkey,
                           apr_pool_t *p)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    const unsigned char *sig = jwt->signature;
    int siglen = (int)jwt->signature_len, ok = 0;

    if (alg->ec_size) {
        sig = ecdsa_raw_to_der(p, jwt->signature, jwt->signature_len, alg->ec_size, &siglen);
    }
    if (md && sig
        && EVP_DigestVerifyInit_ex(md, &pctx, alg->digest, NULL, NULL, pkey, NULL) == 1
        && (!alg->pss
            || (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1))) {
        ok = EVP_DigestVerify(md, sig, siglen, (const unsigned char *)jwt->signing_input,
                              jwt->signing_input_len) == 1;
    }
    EVP_MD_CTX_free(md);
    return ok;
}

static int key_fits(const okta_jwk_t *key, int alg)
{
    return strcmp(key->kty, algs[alg].kty) == 0 && (key->alg < 0 || key->alg == alg)
           && (!algs[alg].ec_bits || EVP_PKEY_get_bits(key->pkey) == algs[alg].ec_bits);
}

okta_jwt_result_t okta_jwt_verify(const okta_jwt_t *jwt, const okta_jwks_t *jwks,
                                  unsigned int allowed, apr_pool_t *p, const char **why)
{
    int alg = okta_alg_from_name(jwt->alg_name), i, candidates = 0;

    if (alg < 0 || !(allowed & (1u << alg))) {
        *why = apr_psprintf(p, "signature algorithm \"%s\" is not accepted", jwt->alg_name);
        return OKTA_JWT_ALG_REFUSED;
    }
    for (i = 0; i < jwks->keys->nelts; i++) {
        const okta_jwk_t *key = &APR_ARRAY_IDX(jwks->keys, i, okta_jwk_t);
        if (jwt->kid && (!key->kid || strcmp(key->kid, jwt->kid) != 0)) {
            continue;
        }
        if (!key_fits(key, alg)) {
            continue;
        }
        candidates++;
        if (verify_with_key(jwt, &algs[alg], key->pkey, p)) {
            return OKTA_JWT_OK;
        }
    }
    if (candidates == 0) {
        *why = jwt->kid ? apr_psprintf(p, "no %s key with kid \"%s\" in the provider's JWKS",
                                       algs[alg].kty, jwt->kid)
                        : apr_psprintf(p, "no %s key in the provider's JWKS", algs[alg].kty);
        return OKTA_JWT_KEY_UNKNOWN;
    }
    *why = "signature does not verify";
    return OKTA_JWT_BAD_SIGNATURE;
}

/* ---- ID token claims (OpenID Connect Core 3.1.3.7) ---------------- */

static int audience_contains(const json_t *aud, const char *client_id, size_t *count)
{
    size_t i;
    const json_t *item;
    int found = 0;

    if (json_is_string(aud)) {
        *count = 1;
        return strcmp(json_string_value(aud), client_id) == 0;
    }
    *count = json_is_array(aud) ? json_array_size(aud) : 0;
    json_array_foreach(aud, i, item) {
        if (!json_is_string(item)) {
            return 0;
        }
        found |= strcmp(json_string_value(item), client_id) == 0;
    }
    return found;
}

int okta_numeric_date(const json_t *v)
{
    double t = json_number_value(v);

    return (json_is_integer(v) || json_is_real(v)) && t >= 0 && t < 1e12;
}

/* at_hash (OpenID Connect Core 3.1.3.8, 3.2.2.9): base64url of the left
 * half of the access token's hash, by the hash of the ID token's algorithm. */
static int at_hash_matches(const okta_jwt_t *jwt, const json_t *at_hash, const char *access_token,
                           apr_pool_t *p)
{
    int alg = okta_alg_from_name(jwt->alg_name);
    unsigned char digest[EVP_MAX_MD_SIZE];
    size_t len = 0;

    return json_is_string(at_hash) && alg >= 0
           && EVP_Q_digest(NULL, algs[alg].digest, NULL, access_token, strlen(access_token),
                           digest, &len) == 1
           && okta_ct_streq(json_string_value(at_hash), okta_b64url_encode(p, digest, len / 2));
}

okta_jwt_result_t okta_id_token_check(const okta_jwt_t *jwt, const okta_id_token_expect_t *expect,
                                      apr_pool_t *p, const char **why)
{
    const json_t *claims = jwt->payload;
    const char *iss = json_str(claims, "iss"), *azp = json_str(claims, "azp");
    const char *nonce = json_str(claims, "nonce"), *sub = json_str(claims, "sub");
    const json_t *exp = json_object_get(claims, "exp"), *iat = json_object_get(claims, "iat");
    const json_t *at_hash = json_object_get(claims, "at_hash");
    size_t naud = 0;

    if (!iss || strcmp(iss, expect->issuer) != 0) {
        *why = apr_psprintf(p, "ID token issuer \"%s\" is not \"%s\"", iss ? iss : "(none)",
                            expect->issuer);
        return OKTA_JWT_BAD_ISSUER;
    }
    if (!audience_contains(json_object_get(claims, "aud"), expect->client_id, &naud)) {
        *why = apr_psprintf(p, "ID token audience does not contain client \"%s\"",
                            expect->client_id);
        return OKTA_JWT_BAD_AUDIENCE;
    }
    if ((azp || naud > 1) && (!azp || strcmp(azp, expect->client_id) != 0)) {
        *why = apr_psprintf(p, "ID token azp \"%s\" is not client \"%s\"", azp ? azp : "(none)",
                            expect->client_id);
        return OKTA_JWT_BAD_AZP;
    }
    if (!okta_numeric_date(exp)) {
        *why = "ID token has no exp, or one out of range";
        return OKTA_JWT_MALFORMED;
    }
    if (json_number_value(exp) + (double)expect->skew <= (double)expect->now) {
        *why = apr_psprintf(p, "ID token expired %" APR_INT64_T_FMT " s ago",
                            expect->now - (apr_int64_t)json_number_value(exp));
        return OKTA_JWT_EXPIRED;
    }
    if (!okta_numeric_date(iat)) {
        *why = "ID token has no iat, or one out of range";
        return OKTA_JWT_MALFORMED;
    }
    if (json_number_value(iat) > (double)(expect->now + expect->skew)) {
        *why = apr_psprintf(p, "ID token issued %" APR_INT64_T_FMT " s in the future",
                            (apr_int64_t)json_number_value(iat) - expect->now);
        return OKTA_JWT_ISSUED_IN_FUTURE;
    }
    if (expect->nonce && (!nonce || !okta_ct_streq(nonce, expect->nonce))) {
        *why = nonce ? "ID token nonce does not match this login" : "ID token has no nonce";
        return OKTA_JWT_BAD_NONCE;
    }
    if (!sub || !*sub) {
        *why = "ID token has no sub";
        return OKTA_JWT_NO_SUBJECT;
    }
    if (at_hash && expect->access_token && !at_hash_matches(jwt, at_hash, expect->access_token, p)) {
        *why = "ID token at_hash does not match the access token";
        return OKTA_JWT_BAD_AT_HASH;
    }
    return OKTA_JWT_OK;
}

/* ---- access token claims (RFC 9068; Okta's custom authorization servers) -- */

static int is_access_token_typ(const char *typ)
{
    return !typ || strcasecmp(typ, "JWT") == 0 || strcasecmp(typ, "at+jwt") == 0
           || strcasecmp(typ, "application/at+jwt") == 0;
}

/* 1 when every audience is `client_id`: what an ID token is addressed to. */
static int addressed_only_to(const json_t *aud, const char *client_id)
{
    const json_t *item;
    size_t i;

    if (json_is_string(aud)) {
        return strcmp(json_string_value(aud), client_id) == 0;
    }
    if (!json_is_array(aud) || json_array_size(aud) == 0) {
        return 0;
    }
    json_array_foreach(aud, i, item) {
        if (!json_is_string(item) || strcmp(json_string_value(item), client_id) != 0) {
            return 0;
        }
    }
    return 1;
}

/* 1 when the token carries what only an access token does: RFC 9068's
 * typ, Okta's cid or scp, RFC 9068's client_id or scope. */
static int has_access_token_marks(const okta_jwt_t *jwt)
{
    const char *typ = json_str(jwt->header, "typ");
    static const char *const claims[] = { "cid", "scp", "client_id", "scope" };
    size_t i;

    if (typ && strcasecmp(typ, "JWT") != 0) {
        return 1; /* at+jwt or application/at+jwt: is_access_token_typ passed it */
    }
    for (i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
        if (json_object_get(jwt->payload, claims[i])) {
            return 1;
        }
    }
    return 0;
}

/* An ID token, whatever its audience: it has a nonce or an at_hash (which
 * no access token has), or is addressed to this client only and carries no
 * mark of an access token.  Okta's setup guide gives the authorization
 * server the Client ID as its Audience: its access tokens are addressed to
 * the client too, and told apart by their cid and scp. */
static int is_id_token(const okta_jwt_t *jwt, const char *client_id)
{
    const json_t *claims = jwt->payload;

    return json_object_get(claims, "nonce") || json_object_get(claims, "at_hash")
           || (addressed_only_to(json_object_get(claims, "aud"), client_id)
               && !has_access_token_marks(jwt));
}

int okta_audience_allowed(const json_t *aud, const okta_access_token_expect_t *expect)
{
    size_t count;
    int i;

    for (i = 0; i < expect->naudiences; i++) {
        if (audience_contains(aud, expect->audiences[i], &count)) {
            return 1;
        }
    }
    return 0;
}

/* exp, iat and nbf: present where required, and sensible now. */
static okta_jwt_result_t check_access_token_times(const json_t *claims,
                                                  const okta_access_token_expect_t *expect,
                                                  apr_pool_t *p, const char **why)
{
    const json_t *exp = json_object_get(claims, "exp"), *iat = json_object_get(claims, "iat");
    const json_t *nbf = json_object_get(claims, "nbf");

    if (!okta_numeric_date(exp) || !okta_numeric_date(iat) || (nbf && !okta_numeric_date(nbf))) {
        *why = "access token has no exp or iat, or one out of range";
        return OKTA_JWT_MALFORMED;
    }
    if (json_number_value(exp) + (double)expect->skew <= (double)expect->now) {
        *why = apr_psprintf(p, "access token expired %" APR_INT64_T_FMT " s ago",
                            expect->now - (apr_int64_t)json_number_value(exp));
        return OKTA_JWT_EXPIRED;
    }
    if (json_number_value(iat) > (double)(expect->now + expect->skew)
        || (nbf && json_number_value(nbf) > (double)(expect->now + expect->skew))) {
        *why = "access token not yet valid (iat or nbf in the future)";
        return OKTA_JWT_NOT_YET_VALID;
    }
    return OKTA_JWT_OK;
}

okta_jwt_result_t okta_access_token_check(const okta_jwt_t *jwt,
                                          const okta_access_token_expect_t *expect,
                                          apr_pool_t *p, const char **why)
{
    const json_t *claims = jwt->payload, *aud = json_object_get(claims, "aud");
    const char *typ = json_str(jwt->header, "typ"), *iss = json_str(claims, "iss");

    if (!is_access_token_typ(typ)) {
        *why = apr_psprintf(p, "token of typ \"%s\" is not an access token", typ);
        return OKTA_JWT_NOT_ACCESS_TOKEN;
    }
    if (is_id_token(jwt, expect->client_id)) {
        *why = "token is not an access token but an ID token (a nonce or an at_hash, or "
               "addressed to this client only without cid, scp, client_id or scope)";
        return OKTA_JWT_NOT_ACCESS_TOKEN;
    }
    if (!iss || strcmp(iss, expect->issuer) != 0) {
        *why = apr_psprintf(p, "access token issuer \"%s\" is not \"%s\"",
                            iss ? iss : "(none)", expect->issuer);
        return OKTA_JWT_BAD_ISSUER;
    }
    if (!okta_audience_allowed(aud, expect)) {
        *why = "access token audience is none of OktaAccessTokenAudience";
        return OKTA_JWT_BAD_AUDIENCE;
    }
    return check_access_token_times(claims, expect, p, why);
}

const char *okta_claim_string(apr_pool_t *p, const json_t *claims, const char *name)
{
    const json_t *v = json_object_get(claims, name);

    if (json_is_string(v)) {
        return json_string_value(v);
    }
    if (json_is_integer(v)) {
        return apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)json_integer_value(v));
    }
    return NULL;
}

const char *okta_jwt_result_hint(okta_jwt_result_t result)
{
    switch (result) {
    case OKTA_JWT_BAD_ISSUER:
        return ": OktaIssuer must equal the token's iss; in Okta set the authorization "
               "server's Issuer to 'Okta URL', not 'Dynamic'";
    case OKTA_JWT_BAD_AUDIENCE:
    case OKTA_JWT_BAD_AZP:
        return ": check OktaClientID; the ID token's audience is the app's Client ID";
    case OKTA_JWT_EXPIRED:
    case OKTA_JWT_ISSUED_IN_FUTURE:
        return ": check this server's clock (NTP) or raise OktaClockSkew";
    default:
        return "";
    }
}

okta_jwt_result_t okta_jwt_key_verdict(okta_jwt_result_t verified, int have_keys,
                                       int last_fetch_failed)
{
    if (!have_keys || (verified == OKTA_JWT_KEY_UNKNOWN && last_fetch_failed)) {
        return OKTA_JWT_KEYS_UNAVAILABLE;
    }
    return verified;
}
