/* SPDX-License-Identifier: Apache-2.0 */
/* okta_setup: the setup checker's verdicts on the provider's answers. */
#include <string.h>

#include <apr_strings.h>

#include "okta_setup.h"
#include "unit.h"

#define ISSUER "https://example.okta.com/oauth2/default"

static const okta_setup_t setup = {
    ISSUER, "openid profile email offline_access", "client_secret_basic", 0, 1, 0
};

static const char *good_discovery(void)
{
    return "{\"issuer\":\"" ISSUER "\","
           "\"response_types_supported\":[\"code\",\"id_token\"],"
           "\"code_challenge_methods_supported\":[\"S256\"],"
           "\"grant_types_supported\":[\"authorization_code\",\"refresh_token\"],"
           "\"scopes_supported\":[\"openid\",\"profile\",\"email\",\"offline_access\"],"
           "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\"],"
           "\"userinfo_endpoint\":\"" ISSUER "/v1/userinfo\"}";
}

/* The status of the check `name` (its first line), or -1 when absent. */
static int status_of(const okta_checks_t *c, const char *name, const char **fix)
{
    int i;

    for (i = 0; i < c->items->nelts; i++) {
        const okta_check_t *check = &APR_ARRAY_IDX(c->items, i, okta_check_t);

        if (strcmp(check->name, name) == 0) {
            if (fix) {
                *fix = check->fix;
            }
            return (int)check->status;
        }
    }
    return -1;
}

static okta_checks_t *discovery(const char *json, const okta_setup_t *expect)
{
    okta_checks_t *c = okta_checks_make(test_pool);

    okta_setup_check_discovery(c, json, strlen(json), expect);
    return c;
}

START_TEST(setup_discovery_all_ok)
{
    okta_checks_t *c = discovery(good_discovery(), &setup);

    ck_assert_int_eq(c->counts[OKTA_CHECK_FAIL] + c->counts[OKTA_CHECK_WARN], 0);
    ck_assert_int_eq(status_of(c, "issuer", NULL), OKTA_CHECK_OK);
    ck_assert_int_eq(status_of(c, "pkce", NULL), OKTA_CHECK_OK);
    ck_assert_int_eq(status_of(c, "userinfo", NULL), OKTA_CHECK_OK);
}
END_TEST

/* Okta's Dynamic issuer mode names the org URL. */
START_TEST(setup_discovery_dynamic_issuer)
{
    const char *json = apr_pstrcat(test_pool, "{\"issuer\":\"https://example.okta.com\"",
                                   strchr(good_discovery(), ','), NULL);
    const char *fix = NULL;
    okta_checks_t *c = discovery(json, &setup);

    ck_assert_int_eq(status_of(c, "issuer", &fix), OKTA_CHECK_FAIL);
    ck_assert_ptr_nonnull(strstr(fix, "Okta URL"));
    json = apr_pstrcat(test_pool, "{\"issuer\":\"https://other.example.com/x\"",
                       strchr(good_discovery(), ','), NULL);
    c = discovery(json, &setup);
    ck_assert_int_eq(status_of(c, "issuer", &fix), OKTA_CHECK_FAIL);
    ck_assert_ptr_nonnull(strstr(fix, "set OktaIssuer to \"https://other.example.com/x\""));
}
END_TEST

START_TEST(setup_discovery_missing_values_and_lists)
{
    okta_setup_t post = setup;
    const char *fix = NULL;
    okta_checks_t *c;

    post.client_auth = "client_secret_post";
    post.scope = "openid groups offline_access";
    c = discovery(good_discovery(), &post);
    ck_assert_int_eq(status_of(c, "client_auth", NULL), OKTA_CHECK_FAIL);
    ck_assert_int_eq(status_of(c, "scopes", &fix), OKTA_CHECK_FAIL);
    ck_assert_ptr_nonnull(strstr(fix, "add groups"));
    /* lists the document does not have: not checked, said so */
    c = discovery("{\"issuer\":\"" ISSUER "\"}", &setup);
    ck_assert_int_eq(status_of(c, "issuer", NULL), OKTA_CHECK_OK);
    ck_assert_int_eq(status_of(c, "response_types", NULL), OKTA_CHECK_WARN);
    ck_assert_int_eq(status_of(c, "scopes", NULL), OKTA_CHECK_WARN);
    ck_assert_int_eq(status_of(c, "userinfo", NULL), OKTA_CHECK_FAIL);
    c = discovery("not json", &setup);
    ck_assert_int_eq(c->counts[OKTA_CHECK_FAIL], 1);
}
END_TEST

/* OktaTokenIntrospection On or All needs the provider's endpoint. */
START_TEST(setup_discovery_introspection)
{
    okta_setup_t introspecting = setup;
    const char *fix = NULL;
    okta_checks_t *c;

    ck_assert_int_eq(status_of(discovery(good_discovery(), &setup), "introspection", NULL), -1);
    introspecting.introspection = 1;
    c = discovery(good_discovery(), &introspecting);
    ck_assert_int_eq(status_of(c, "introspection", &fix), OKTA_CHECK_FAIL);
    ck_assert_ptr_nonnull(strstr(fix, "OktaTokenIntrospection Off"));
    c = discovery(apr_pstrcat(test_pool, "{\"introspection_endpoint\":\"" ISSUER "/v1/introspect\",",
                              good_discovery() + 1, NULL),
                  &introspecting);
    ck_assert_int_eq(status_of(c, "introspection", NULL), OKTA_CHECK_OK);
}
END_TEST

START_TEST(setup_credentials)
{
    okta_checks_t *c = okta_checks_make(test_pool);
    const char *fix = NULL;

    okta_setup_check_credentials(c, 400, "{\"error\":\"invalid_grant\"}", 25);
    ck_assert_int_eq(status_of(c, "credentials", NULL), OKTA_CHECK_OK);
    c = okta_checks_make(test_pool);
    okta_setup_check_credentials(c, 401, "{\"error\":\"invalid_client\"}", 26);
    ck_assert_int_eq(status_of(c, "credentials", &fix), OKTA_CHECK_FAIL);
    ck_assert_ptr_nonnull(strstr(fix, "OktaClientSecret"));
    c = okta_checks_make(test_pool);
    okta_setup_check_credentials(c, 500, "oops", 4);
    ck_assert_int_eq(status_of(c, "credentials", NULL), OKTA_CHECK_WARN);
}
END_TEST

START_TEST(setup_redirect_uris)
{
    okta_checks_t *c = okta_checks_make(test_pool);
    const char *fix = NULL;

    okta_setup_check_redirect(c, "redirect_uri", "https://a/cb", 302, "");
    okta_setup_check_redirect(c, "silent_redirect_uri", "https://a/s", 400,
                              "The 'redirect_uri' parameter must be a Login redirect URI in "
                              "the client app settings");
    ck_assert_int_eq(status_of(c, "redirect_uri", NULL), OKTA_CHECK_OK);
    ck_assert_int_eq(status_of(c, "silent_redirect_uri", &fix), OKTA_CHECK_FAIL);
    ck_assert_ptr_nonnull(strstr(fix, "Sign-in redirect URIs: add https://a/s"));
    /* a 400 for another reason is not taken for an unregistered URI */
    c = okta_checks_make(test_pool);
    okta_setup_check_redirect(c, "redirect_uri", "https://a/cb", 400, "invalid client_id");
    ck_assert_int_eq(status_of(c, "redirect_uri", NULL), OKTA_CHECK_WARN);
    c = okta_checks_make(test_pool);
    okta_setup_check_post_logout(c, "https://a/bye", 400, "post_logout_redirect_uri not "
                                 "registered");
    ck_assert_int_eq(status_of(c, "post_logout_redirect_uri", &fix), OKTA_CHECK_FAIL);
    ck_assert_ptr_nonnull(strstr(fix, "Sign-out redirect URIs"));
    c = okta_checks_make(test_pool);
    okta_setup_check_post_logout(c, "https://a/bye", 0, NULL);
    ck_assert_int_eq(status_of(c, "post_logout_redirect_uri", NULL), OKTA_CHECK_WARN);
}
END_TEST

START_TEST(setup_clock)
{
    apr_time_t now = apr_time_from_sec(1700000000);
    okta_checks_t *c = okta_checks_make(test_pool);

    okta_setup_check_clock(c, now - apr_time_from_sec(20), now, 60);
    ck_assert_int_eq(status_of(c, "clock", NULL), OKTA_CHECK_OK);
    c = okta_checks_make(test_pool);
    okta_setup_check_clock(c, now + apr_time_from_sec(600), now, 60);
    ck_assert_int_eq(status_of(c, "clock", NULL), OKTA_CHECK_WARN);
    ck_assert_ptr_nonnull(strstr(APR_ARRAY_IDX(c->items, 0, okta_check_t).text, "behind"));
    c = okta_checks_make(test_pool);
    okta_setup_check_clock(c, 0, now, 60);
    ck_assert_int_eq(status_of(c, "clock", NULL), OKTA_CHECK_WARN);
}
END_TEST

START_TEST(setup_jwks)
{
    okta_checks_t *c = okta_checks_make(test_pool);
    char *jwks = test_jwks_text(test_pool, test_jwk(test_rsa_key(), "k1"),
                                test_jwk(test_ec_key(), "k2"), NULL);

    okta_setup_check_jwks(c, jwks, strlen(jwks));
    ck_assert_int_eq(status_of(c, "jwks", NULL), OKTA_CHECK_OK);
    ck_assert_ptr_nonnull(strstr(APR_ARRAY_IDX(c->items, 0, okta_check_t).text, "2 signing"));
    c = okta_checks_make(test_pool);
    okta_setup_check_jwks(c, "{\"keys\":[]}", 11);
    ck_assert_int_eq(status_of(c, "jwks", NULL), OKTA_CHECK_FAIL);
}
END_TEST

START_TEST(setup_text_has_a_fix_line_for_each_warn_and_fail)
{
    okta_checks_t *c = okta_checks_make(test_pool);

    okta_check_add(c, OKTA_CHECK_OK, "a", "fine", "unused");
    okta_check_add(c, OKTA_CHECK_WARN, "b", "hmm", "do this");
    okta_check_add(c, OKTA_CHECK_FAIL, "c", "bad", "do that");
    ck_assert_str_eq(okta_checks_text(c, test_pool),
                     "  ok   a: fine\n"
                     "  warn b: hmm\n       fix: do this\n"
                     "  FAIL c: bad\n       fix: do that\n");
    ck_assert_int_eq(c->counts[OKTA_CHECK_OK], 1);
    ck_assert_int_eq(c->counts[OKTA_CHECK_FAIL], 1);
}
END_TEST

TCase *setup_tcase(void)
{
    TCase *tc = tcase_create("setup");

    tcase_add_unchecked_fixture(tc, test_keys_setup, test_keys_teardown);
    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, setup_discovery_all_ok);
    tcase_add_test(tc, setup_discovery_dynamic_issuer);
    tcase_add_test(tc, setup_discovery_missing_values_and_lists);
    tcase_add_test(tc, setup_discovery_introspection);
    tcase_add_test(tc, setup_credentials);
    tcase_add_test(tc, setup_redirect_uris);
    tcase_add_test(tc, setup_clock);
    tcase_add_test(tc, setup_jwks);
    tcase_add_test(tc, setup_text_has_a_fix_line_for_each_warn_and_fail);
    return tc;
}
