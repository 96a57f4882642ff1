/* SPDX-License-Identifier: Apache-2.0 */
/* okta_settings: what a server's settings need before it starts. */
#include <string.h>

#include "okta_settings.h"
#include "unit.h"

/* A complete server with the default paths, changed by each row. */
static okta_settings_t complete(void)
{
    okta_settings_t s = { "https://example.okta.com/oauth2/default", "client", "secret",
                          "passphrase", "/callback", "/silent-callback", NULL, NULL,
                          "okta_session", "okta_login" };
    return s;
}

START_TEST(settings_table)
{
    static const struct {
        const char *change;
        okta_settings_verdict_t verdict;
        const char *why; /* a part of it */
    } rows[] = {
        { "", OKTA_SETTINGS_OK, NULL },
        { "no issuer, nothing else", OKTA_SETTINGS_OK, NULL },
        { "no client id", OKTA_SETTINGS_MISSING, "OktaIssuer is set but OktaClientID is missing" },
        { "no passphrase", OKTA_SETTINGS_MISSING,
          "OktaIssuer is set but OktaCryptoPassphrase is missing" },
        { "no secret", OKTA_SETTINGS_NO_SECRET, "OktaClientSecret is missing for client client" },
        { "logout on callback", OKTA_SETTINGS_PATH_TAKEN,
          "OktaLogoutURI /callback is the path of OktaRedirectURI" },
        { "info on silent", OKTA_SETTINGS_PATH_TAKEN,
          "OktaInfoURI /silent-callback is the path of OktaSilentRedirectURI" },
        { "info on logout", OKTA_SETTINGS_PATH_TAKEN,
          "OktaInfoURI /logout is the path of OktaLogoutURI" },
        { "silent on callback", OKTA_SETTINGS_PATH_TAKEN,
          "OktaSilentRedirectURI /callback is the path of OktaRedirectURI" },
        { "silent off, logout and info apart", OKTA_SETTINGS_OK, NULL },
        { "one cookie name", OKTA_SETTINGS_COOKIE_TAKEN,
          "OktaLoginCookieName sid is the name of OktaSessionCookieName" },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        okta_settings_t s = complete();
        const char *why = NULL, *change = rows[i].change;

        if (strcmp(change, "no issuer, nothing else") == 0) {
            memset(&s, 0, sizeof(s));
        }
        s.client_id = strcmp(change, "no client id") == 0 ? NULL : s.client_id;
        s.passphrase = strcmp(change, "no passphrase") == 0 ? NULL : s.passphrase;
        s.client_secret = strcmp(change, "no secret") == 0 ? NULL : s.client_secret;
        if (strcmp(change, "logout on callback") == 0) {
            s.logout_path = "/callback";
        }
        if (strcmp(change, "info on silent") == 0) {
            s.info_path = "/silent-callback";
        }
        if (strcmp(change, "info on logout") == 0) {
            s.logout_path = s.info_path = "/logout";
        }
        if (strcmp(change, "silent on callback") == 0) {
            s.silent_redirect_path = "/callback";
        }
        if (strcmp(change, "silent off, logout and info apart") == 0) {
            s.silent_redirect_path = "";
            s.logout_path = "/logout";
            s.info_path = "/okta/info";
        }
        if (strcmp(change, "one cookie name") == 0) {
            s.session_cookie = s.login_cookie = "sid";
        }
        ck_assert_msg(okta_settings_check(&s, test_pool, &why) == rows[i].verdict, "row '%s'",
                      change);
        if (rows[i].why) {
            ck_assert_msg(why && strstr(why, rows[i].why), "row '%s': %s", change,
                          why ? why : "(no why)");
        }
    }
}
END_TEST

TCase *settings_tcase(void)
{
    TCase *tc = tcase_create("settings");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, settings_table);
    return tc;
}
