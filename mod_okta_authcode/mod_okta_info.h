/* SPDX-License-Identifier: Apache-2.0 */
/* The session info endpoint (OktaInfoURI). */
#ifndef MOD_OKTA_INFO_H
#define MOD_OKTA_INFO_H

#include "mod_okta_config.h"

/** Answers OktaInfoURI: the signed-in user, claims and session times as
 * JSON; 401 JSON without a session. */
int okta_info(request_rec *r);

#endif
