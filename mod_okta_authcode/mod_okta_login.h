/* SPDX-License-Identifier: Apache-2.0 */
/* Signing in: the redirect to the provider, and the callback. */
#ifndef MOD_OKTA_LOGIN_H
#define MOD_OKTA_LOGIN_H

#include "mod_okta_config.h"

/** Redirects to the authorization endpoint, to come back to `return_to`;
 * `silent` asks with prompt=none at the silent redirect URI. */
int okta_login_start(request_rec *r, const char *return_to, int silent);
/** Answers OktaRedirectURI and OktaSilentRedirectURI. */
int okta_login_callback(request_rec *r, int silent);

#endif
