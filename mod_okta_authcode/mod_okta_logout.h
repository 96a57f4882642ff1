/* SPDX-License-Identifier: Apache-2.0 */
/* Signing out at OktaLogoutURI. */
#ifndef MOD_OKTA_LOGOUT_H
#define MOD_OKTA_LOGOUT_H

#include "mod_okta_config.h"

/** Answers OktaLogoutURI: ends the session, and the provider's. */
int okta_logout(request_rec *r);

#endif
