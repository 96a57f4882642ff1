/* SPDX-License-Identifier: Apache-2.0 */
/* Whether a server's settings can work at all, decided before it starts
 * (apache2 -t, so that apache2ctl graceful refuses what a start would):
 * what OktaIssuer needs besides, and paths or cookie names that two
 * directives claim.
 * Pure: the glue (mod_okta_config.c) hands the merged settings in. */
#ifndef OKTA_SETTINGS_H
#define OKTA_SETTINGS_H

#include <apr_pools.h>

/* One server's settings, as merged; NULL where a directive is unset. */
typedef struct okta_settings_t {
    const char *issuer;
    const char *client_id;
    const char *client_secret;
    const char *passphrase;
    const char *redirect_path; /* OktaRedirectURI's path */
    const char *silent_redirect_path; /* "" when OktaSilentRedirectURI Off */
    const char *logout_path;
    const char *info_path;
    const char *session_cookie; /* the cookies' names */
    const char *login_cookie;
} okta_settings_t;

typedef enum {
    OKTA_SETTINGS_OK,
    OKTA_SETTINGS_MISSING, /* OktaClientID or OktaCryptoPassphrase */
    OKTA_SETTINGS_NO_SECRET, /* OktaClientSecret */
    OKTA_SETTINGS_PATH_TAKEN, /* two of the module's URLs on one path */
    OKTA_SETTINGS_COOKIE_TAKEN /* both cookies under one name */
} okta_settings_verdict_t;

/** The first thing that stops `s` from working, with *why saying it in the
 * directives' words; OKTA_SETTINGS_OK when the module is not used (no
 * issuer) or nothing does. */
okta_settings_verdict_t okta_settings_check(const okta_settings_t *s, apr_pool_t *p,
                                            const char **why);

#endif
