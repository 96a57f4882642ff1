/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <apr_strings.h>

#include "okta_settings.h"

/* The module answers its URLs before any other handler, the first match
 * winning: two on one path would leave one of them unreachable. */
typedef struct {
    const char *directive;
    const char *path;
} module_url_t;

static okta_settings_verdict_t path_taken(const okta_settings_t *s, apr_pool_t *p,
                                          const char **why)
{
    const module_url_t urls[] = {
        { "OktaRedirectURI", s->redirect_path },
        { "OktaSilentRedirectURI", s->silent_redirect_path },
        { "OktaLogoutURI", s->logout_path },
        { "OktaInfoURI", s->info_path },
    };
    const int count = sizeof(urls) / sizeof(urls[0]);
    int i, j;

    for (j = 1; j < count; j++) {
        for (i = 0; i < j; i++) {
            if (urls[i].path && *urls[i].path && urls[j].path
                && strcmp(urls[i].path, urls[j].path) == 0) {
                *why = apr_psprintf(p, "%s %s is the path of %s: give each its own path",
                                    urls[j].directive, urls[j].path, urls[i].directive);
                return OKTA_SETTINGS_PATH_TAKEN;
            }
        }
    }
    return OKTA_SETTINGS_OK;
}

okta_settings_verdict_t okta_settings_check(const okta_settings_t *s, apr_pool_t *p,
                                            const char **why)
{
    const char *missing = !s->client_id ? "OktaClientID"
                          : !s->passphrase ? "OktaCryptoPassphrase"
                                           : NULL;

    if (!s->issuer) {
        return OKTA_SETTINGS_OK;
    }
    if (missing) {
        *why = apr_psprintf(p, "OktaIssuer is set but %s is missing", missing);
        return OKTA_SETTINGS_MISSING;
    }
    if (!s->client_secret) {
        *why = apr_psprintf(p, "OktaClientSecret is missing for client %s: copy it from the "
                            "Okta app's General tab (Client authentication is on by default)",
                            s->client_id);
        return OKTA_SETTINGS_NO_SECRET;
    }
    if (strcmp(s->session_cookie, s->login_cookie) == 0) {
        *why = apr_psprintf(p, "OktaLoginCookieName %s is the name of OktaSessionCookieName: "
                            "give each cookie its own name", s->login_cookie);
        return OKTA_SETTINGS_COOKIE_TAKEN;
    }
    return path_taken(s, p, why);
}
