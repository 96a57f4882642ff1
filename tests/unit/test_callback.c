/* SPDX-License-Identifier: Apache-2.0 */
/* okta_callback: the provider's errors at the sign-in callback. */
#include <string.h>

#include "okta_callback.h"
#include "unit.h"

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

TCase *callback_tcase(void)
{
    TCase *tc = tcase_create("callback");

    tcase_add_test(tc, provider_error_table);
    tcase_add_test(tc, silent_sign_in_needs_interaction);
    return tc;
}
