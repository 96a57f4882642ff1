/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the provider's JSON documents -- the discovery
 * document, token endpoint answers, and an ID token payload turned into
 * the claims handed to applications (environment variables and request
 * headers). */
#include <jansson.h>

#include "fuzz_common.h"
#include "okta_provider.h"
#include "okta_claims.h"

#define EXPECT_ISSUER "https://idp.example.com/oauth2/default"

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static void fuzz_meta(apr_pool_t *p, const uint8_t *data, size_t size)
{
    unsigned char *json = fuzz_memdup(data, size);
    okta_provider_meta_t meta;
    const char *why = NULL;
    okta_meta_result_t r;

    memset(&meta, 0, sizeof(meta));
    r = okta_provider_meta_parse(&meta, p, (const char *)json, size, EXPECT_ISSUER, &why);
    if (r == OKTA_META_OK) {
        FUZZ_INVARIANT(meta.issuer && strcmp(meta.issuer, EXPECT_ISSUER) == 0);
        FUZZ_INVARIANT(meta.authorization_endpoint && meta.token_endpoint && meta.jwks_uri);
        /* Nothing but https, or http to loopback, gets through. */
        FUZZ_INVARIANT(starts_with(meta.authorization_endpoint, "https://")
                       || starts_with(meta.authorization_endpoint, "http://"));
        FUZZ_INVARIANT(starts_with(meta.token_endpoint, "https://")
                       || starts_with(meta.token_endpoint, "http://"));
        FUZZ_INVARIANT(starts_with(meta.jwks_uri, "https://")
                       || starts_with(meta.jwks_uri, "http://"));
        FUZZ_INVARIANT(!meta.end_session_endpoint
                       || starts_with(meta.end_session_endpoint, "https://")
                       || starts_with(meta.end_session_endpoint, "http://"));
        fuzz_touch(meta.end_session_endpoint);
    }
    else {
        FUZZ_INVARIANT(why != NULL);
        fuzz_touch(why);
    }
    free(json);
}

static void fuzz_token_response(apr_pool_t *p, const uint8_t *data, size_t size)
{
    unsigned char *json = fuzz_memdup(data, size);
    okta_token_response_t tr;
    const char *why = NULL;

    if (okta_token_response_parse(&tr, p, (const char *)json, size, &why) == APR_SUCCESS) {
        FUZZ_INVARIANT(tr.access_token || tr.error);
        FUZZ_INVARIANT(tr.expires_in >= 0);
        fuzz_touch(tr.access_token);
        fuzz_touch(tr.id_token);
        fuzz_touch(tr.refresh_token);
        fuzz_touch(tr.error);
        fuzz_touch(tr.error_description);
    }
    else {
        FUZZ_INVARIANT(why != NULL);
        fuzz_touch(why);
    }
    free(json);
}

/* Claim names end up as environment variable and header names: only
 * [A-Za-z0-9] and the one replacement character may follow the prefix. */
static void check_name(const char *name, const char *prefix, char replacement)
{
    const char *c;

    FUZZ_INVARIANT(starts_with(name, prefix));
    for (c = name + strlen(prefix); *c; c++) {
        FUZZ_INVARIANT((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z')
                       || (*c >= '0' && *c <= '9') || *c == replacement);
    }
}

static void fuzz_claims(apr_pool_t *p, const uint8_t *data, size_t size)
{
    json_t *payload = json_loadb((const char *)data, size, JSON_ALLOW_NUL, NULL);
    okta_claim_t *claims = NULL;
    okta_fact_t *facts = NULL;
    const char *withheld = NULL, *c;
    int nclaims = -1, nfacts = -1, i, nwithheld;

    if (json_is_object(payload)) {
        FUZZ_INVARIANT(okta_claims_flatten(&claims, &nclaims, p, payload, &withheld)
                       == APR_SUCCESS);
        for (nwithheld = 0, c = withheld; c && (c = strstr(c, ", ")); c += 2) {
            nwithheld++;
        }
        nwithheld += withheld != NULL;
        /* a claim name may hold ", " itself: at least as many as listed */
        FUZZ_INVARIANT(nclaims >= 0
                       && (size_t)nclaims + (withheld ? 1 : 0) <= json_object_size(payload)
                       && (size_t)(nclaims + nwithheld) >= json_object_size(payload));
        for (i = 0; i < nclaims; i++) {
            check_name(claims[i].env_name, "OKTA_CLAIM_", '_');
            check_name(claims[i].header_name, "X-Okta-Claim-", '-');
            /* nothing that could split or forge a request header */
            for (c = claims[i].value; *c; c++) {
                FUZZ_INVARIANT((unsigned char)*c >= 0x20 && *c != 0x7f);
            }
        }
        okta_claims_facts(&facts, &nfacts, p, payload);
        FUZZ_INVARIANT(nfacts >= 0);
        for (i = 0; i < nfacts; i++) {
            fuzz_touch(facts[i].path);
            fuzz_touch(facts[i].value);
        }
    }
    else if (payload) {
        FUZZ_INVARIANT(okta_claims_flatten(&claims, &nclaims, p, payload, NULL) == APR_EINVAL);
    }
    json_decref(payload);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_input_pool();

    fuzz_meta(p, data, size);
    fuzz_token_response(p, data, size);
    fuzz_claims(p, data, size);
    apr_pool_destroy(p);
    return 0;
}
