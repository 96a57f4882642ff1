/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: introspection answers (RFC 7662 2.2) about a bearer
 * token, as okta_introspection_parse reads them for OktaTokenIntrospection.
 * Each input is checked against two fixed expectations.  An answer the
 * parser accepts is read again here with jansson, apart from the parser,
 * and must be about a live access token of ours:
 *   active      exactly JSON true
 *   iss         a string, the expected issuer (required)
 *   aud         a string, or an array holding a string, that is one of the
 *               expected audiences (required)
 *   exp         when present, a NumericDate later than now - skew
 *   token_type  when present, "Bearer" in any case, or "access_token" (the
 *               kind, as some providers name it): not a refresh token
 *   token_use   when present, "access"
 * and the claims handed back are that answer.  A refused answer says why,
 * and what is not a JSON object is refused as malformed. */
#include <strings.h>
#include <jansson.h>

#include "fuzz_common.h"
#include "okta_provider.h"

#define NOW 1700000000
#define SKEW 60
/* okta_jwt.h: a NumericDate lies between the epoch and year 33658. */
#define NUMERIC_DATE_MAX 1e12

static const char *const audiences[] = { "api://default", "https://api.example.com" };
static const char *const other_audiences[] = { "api://default/" };

static const okta_access_token_expect_t expectations[] = {
    { "https://idp.example.com/oauth2/default", "0oa1fuzzclient", audiences, 2, NOW, SKEW },
    /* another server: one the first expectation's answers must not pass
     * for by a prefix or a missing slash, and a clock an hour later */
    { "https://idp.example.com/oauth2/default/", "0oa1fuzzclient", other_audiences, 1,
      NOW + 3600, SKEW },
};

static int is_expected_audience(const json_t *v, const okta_access_token_expect_t *expect)
{
    int i;

    if (!json_is_string(v)) {
        return 0;
    }
    for (i = 0; i < expect->naudiences; i++) {
        if (strcmp(json_string_value(v), expect->audiences[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static int audience_matches(const json_t *aud, const okta_access_token_expect_t *expect)
{
    const json_t *item;
    size_t i;

    if (json_is_array(aud)) {
        json_array_foreach(aud, i, item) {
            if (is_expected_audience(item, expect)) {
                return 1;
            }
        }
        return 0;
    }
    return is_expected_audience(aud, expect);
}

/* exp, when there is one: a number of seconds in range, not yet past. */
static int exp_acceptable(const json_t *exp, const okta_access_token_expect_t *expect)
{
    double t;

    if (!exp) {
        return 1;
    }
    if (!json_is_integer(exp) && !json_is_real(exp)) {
        return 0;
    }
    t = json_number_value(exp);
    return t >= 0 && t < NUMERIC_DATE_MAX && t + (double)expect->skew > (double)expect->now;
}

/* The answer as the module may use it, read without the parser. */
static void check_accepted(const json_t *doc, const json_t *claims,
                           const okta_access_token_expect_t *expect)
{
    const json_t *iss = json_object_get(doc, "iss");
    const json_t *token_type = json_object_get(doc, "token_type");
    const json_t *token_use = json_object_get(doc, "token_use");

    FUZZ_INVARIANT(json_is_object(doc));
    FUZZ_INVARIANT(json_is_object(claims) && json_equal(claims, doc));
    FUZZ_INVARIANT(json_is_true(json_object_get(doc, "active")));
    FUZZ_INVARIANT(json_is_string(iss) && strcmp(json_string_value(iss), expect->issuer) == 0);
    FUZZ_INVARIANT(audience_matches(json_object_get(doc, "aud"), expect));
    FUZZ_INVARIANT(exp_acceptable(json_object_get(doc, "exp"), expect));
    /* a refresh token (or anything but an access token) is no credential */
    FUZZ_INVARIANT(!token_type
                   || (json_is_string(token_type)
                       && (strcasecmp(json_string_value(token_type), "Bearer") == 0
                           || strcmp(json_string_value(token_type), "access_token") == 0)));
    FUZZ_INVARIANT(!token_use
                   || (json_is_string(token_use)
                       && strcmp(json_string_value(token_use), "access") == 0));
}

static void fuzz_introspection(apr_pool_t *p, const unsigned char *json, size_t size,
                               const json_t *doc, const okta_access_token_expect_t *expect)
{
    json_t *claims = NULL;
    const char *why = NULL;
    okta_jwt_result_t r;

    r = okta_introspection_parse(&claims, p, (const char *)json, size, expect, &why);
    FUZZ_INVARIANT(r >= OKTA_JWT_OK && r <= OKTA_JWT_BAD_AT_HASH);
    if (r == OKTA_JWT_OK) {
        check_accepted(doc, claims, expect);
    }
    else {
        FUZZ_INVARIANT(why != NULL);
        fuzz_touch(why);
        FUZZ_INVARIANT(json_is_object(doc) || r == OKTA_JWT_MALFORMED);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_input_pool();
    unsigned char *json = fuzz_memdup(data, size);
    /* the JSON the module reads: a duplicated member is no answer */
    json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    size_t i;

    for (i = 0; i < sizeof(expectations) / sizeof(expectations[0]); i++) {
        fuzz_introspection(p, json, size, doc, &expectations[i]);
    }
    json_decref(doc);
    free(json);
    apr_pool_destroy(p);
    return 0;
}
