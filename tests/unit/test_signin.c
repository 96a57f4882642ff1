/* SPDX-License-Identifier: Apache-2.0 */
/* okta_signin: the authorization request, and the provider's errors at the
 * sign-in callback. */
#include <string.h>

#include "okta_signin.h"
#include "unit.h"

/* RFC 7636 appendix B's verifier and its S256 challenge. */
#define VERIFIER "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
#define CHALLENGE "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

START_TEST(authorization_url)
{
    static const okta_signin_client_t client = {
        "0oa client", "https://app.example.com/callback", "openid profile offline_access"
    };
    okta_login_t login = { 1700000000, 0, "st~ate", "n+once", VERIFIER, "/app?x=1" };
    const char *url;

    url = okta_authorization_url(test_pool, "https://idp.example.com/oauth2/default/v1/authorize",
                                 &client, &login);
    ck_assert_str_eq(url, "https://idp.example.com/oauth2/default/v1/authorize"
                          "?response_type=code&client_id=0oa%20client"
                          "&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback"
                          "&scope=openid%20profile%20offline_access&state=st~ate"
                          "&nonce=n%2Bonce&code_challenge=" CHALLENGE
                          "&code_challenge_method=S256");
    /* silent: prompt=none; an endpoint with a query of its own keeps it */
    login.silent = 1;
    url = okta_authorization_url(test_pool, "https://idp.example.com/authorize?tenant=a",
                                 &client, &login);
    ck_assert_msg(strncmp(url, "https://idp.example.com/authorize?tenant=a&response_type=code&",
                          62) == 0, "%s", url);
    ck_assert_ptr_nonnull(strstr(url, "&scope=openid%20profile%20offline_access&prompt=none&state="));
    /* nothing of the sign-in but its state, nonce and challenge leaves */
    ck_assert_ptr_null(strstr(url, VERIFIER));
    ck_assert_ptr_null(strstr(url, "app%3Fx"));
}
END_TEST

/* A callback all of whose checks hold; each row changes some. */
#define GOOD { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_FOUND, 0, 0, 1, 0, OKTA_PARAM_MISSING, NULL, \
               OKTA_PARAM_OK }

START_TEST(callback_verdict_table)
{
    static const struct {
        const char *what;
        okta_callback_facts_t facts;
        okta_callback_verdict_t verdict;
        const char *why; /* a part of it */
    } rows[] = {
        { "all holds", GOOD, OKTA_CALLBACK_EXCHANGE_CODE, NULL },
        { "a POST", { 0, 0, OKTA_PARAM_MISSING, OKTA_PENDING_ABSENT, 0, 0, 0, 0,
                      OKTA_PARAM_MISSING, NULL, OKTA_PARAM_MISSING },
          OKTA_CALLBACK_NOT_GET, NULL },
        { "a malformed query", { 1, 0, OKTA_PARAM_MISSING, OKTA_PENDING_ABSENT, 0, 0, 0, 0,
                                 OKTA_PARAM_MISSING, NULL, OKTA_PARAM_MISSING },
          OKTA_CALLBACK_REFUSED, "malformed" },
        { "no state", { 1, 1, OKTA_PARAM_MISSING, OKTA_PENDING_ABSENT, 0, 0, 0, 0,
                        OKTA_PARAM_MISSING, NULL, OKTA_PARAM_OK },
          OKTA_CALLBACK_REFUSED, "exactly one state" },
        { "two states", { 1, 1, OKTA_PARAM_REPEATED, OKTA_PENDING_ABSENT, 0, 0, 0, 0,
                          OKTA_PARAM_MISSING, NULL, OKTA_PARAM_OK },
          OKTA_CALLBACK_REFUSED, "exactly one state" },
        { "another browser's, or replayed after completion",
          { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_ABSENT, 0, 0, 0, 0, OKTA_PARAM_MISSING, NULL,
            OKTA_PARAM_OK },
          OKTA_CALLBACK_REFUSED, "not started by this browser" },
        { "a forged or damaged sign-in record",
          { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_DAMAGED, 0, 0, 0, 0, OKTA_PARAM_MISSING, NULL,
            OKTA_PARAM_OK },
          OKTA_CALLBACK_REFUSED, "damaged" },
        { "too late", { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_FOUND, 1, 0, 1, 0, OKTA_PARAM_MISSING,
                        NULL, OKTA_PARAM_OK },
          OKTA_CALLBACK_REFUSED, "OktaLoginTimeout" },
        { "completed before (a replay with the old cookie)",
          { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_FOUND, 0, 1, 1, 0, OKTA_PARAM_MISSING, NULL,
            OKTA_PARAM_OK },
          OKTA_CALLBACK_REFUSED, "already completed" },
        { "a silent sign-in at the normal redirect URI",
          { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_FOUND, 0, 0, 0, 0, OKTA_PARAM_MISSING, NULL,
            OKTA_PARAM_OK },
          OKTA_CALLBACK_REFUSED, "wrong redirect URI" },
        { "two errors", { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_FOUND, 0, 0, 1, 0,
                          OKTA_PARAM_REPEATED, NULL, OKTA_PARAM_MISSING },
          OKTA_CALLBACK_REFUSED, "repeats the error" },
        { "the provider's error", { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_FOUND, 0, 0, 1, 0,
                                    OKTA_PARAM_OK, "access_denied", OKTA_PARAM_MISSING },
          OKTA_CALLBACK_PROVIDER_ERROR, NULL },
        { "login_required, not silent: the provider's error",
          { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_FOUND, 0, 0, 1, 0, OKTA_PARAM_OK,
            "login_required", OKTA_PARAM_MISSING },
          OKTA_CALLBACK_PROVIDER_ERROR, NULL },
        { "login_required, silent: sign in normally",
          { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_FOUND, 0, 0, 1, 1, OKTA_PARAM_OK,
            "login_required", OKTA_PARAM_MISSING },
          OKTA_CALLBACK_SIGN_IN_NORMALLY, NULL },
        { "access_denied, silent: the provider's error",
          { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_FOUND, 0, 0, 1, 1, OKTA_PARAM_OK,
            "access_denied", OKTA_PARAM_OK },
          OKTA_CALLBACK_PROVIDER_ERROR, NULL },
        { "an error and a code: the error", { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_FOUND, 0, 0, 1,
                                              0, OKTA_PARAM_OK, "server_error", OKTA_PARAM_OK },
          OKTA_CALLBACK_PROVIDER_ERROR, NULL },
        { "no code", { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_FOUND, 0, 0, 1, 0, OKTA_PARAM_MISSING,
                       NULL, OKTA_PARAM_MISSING },
          OKTA_CALLBACK_REFUSED, "exactly one code" },
        { "two codes", { 1, 1, OKTA_PARAM_OK, OKTA_PENDING_FOUND, 0, 0, 1, 0,
                         OKTA_PARAM_MISSING, NULL, OKTA_PARAM_REPEATED },
          OKTA_CALLBACK_REFUSED, "exactly one code" },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *why = "(unset)";
        okta_callback_verdict_t verdict = okta_callback_verdict(&rows[i].facts, &why);

        ck_assert_msg(verdict == rows[i].verdict, "%s: verdict %d", rows[i].what, verdict);
        if (rows[i].why) {
            ck_assert_msg(why && strstr(why, rows[i].why), "%s: %s", rows[i].what,
                          why ? why : "(none)");
        }
        else {
            ck_assert_msg(why == NULL, "%s: a reason, %s", rows[i].what, why);
        }
    }
}
END_TEST

START_TEST(provider_error_table)
{
    static const struct {
        const char *error;
        int status;
        const char *hint; /* a part of it */
    } rows[] = {
        { "access_denied", 403, "assigned to the app" },
        { "invalid_scope", 502, "OktaScope" },
        { "unauthorized_client", 502, "Authorization Code grant type" },
        { "invalid_client", 502, "OktaClientSecret" },
        { "consent_required", 403, "User Consent" },
        { "interaction_required", 403, "User Consent" },
        { "invalid_grant", 400, "OktaRedirectURI" },
        { "server_error", 502, "provider's description" },
        { "temporarily_unavailable", 502, "provider's description" },
        { "ACCESS_DENIED", 502, "provider's description" }, /* error codes are exact */
        { "", 502, "provider's description" },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        okta_provider_error_t verdict = okta_provider_error(rows[i].error);
        ck_assert_msg(verdict.status == rows[i].status, "%s: %d", rows[i].error, verdict.status);
        ck_assert_msg(strstr(verdict.hint, rows[i].hint), "%s: %s", rows[i].error, verdict.hint);
    }
}
END_TEST

START_TEST(silent_sign_in_needs_interaction)
{
    static const char *const interaction[] = { "login_required", "interaction_required",
                                               "consent_required",
                                               "account_selection_required" };
    static const char *const other[] = { "access_denied", "invalid_scope", "server_error",
                                         "login_required ", "" };
    size_t i;

    for (i = 0; i < sizeof(interaction) / sizeof(interaction[0]); i++) {
        ck_assert_msg(okta_error_needs_interaction(interaction[i]), "%s", interaction[i]);
    }
    for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
        ck_assert_msg(!okta_error_needs_interaction(other[i]), "%s", other[i]);
    }
}
END_TEST

TCase *signin_tcase(void)
{
    TCase *tc = tcase_create("signin");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, authorization_url);
    tcase_add_test(tc, callback_verdict_table);
    tcase_add_test(tc, provider_error_table);
    tcase_add_test(tc, silent_sign_in_needs_interaction);
    return tc;
}
