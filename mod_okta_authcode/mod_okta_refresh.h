/* SPDX-License-Identifier: Apache-2.0 */
/* Keeping a session's access token fresh with rotating refresh tokens
 * (okta_refresh.h decides; this layer gives it a request's store, lock,
 * provider and clock). */
#ifndef MOD_OKTA_REFRESH_H
#define MOD_OKTA_REFRESH_H

#include "mod_okta_session.h"
#include "okta_refresh.h"

/** Refreshes the session's tokens when the access token expires within
 * OktaRefreshLeeway, spending each refresh token exactly once however many
 * workers serve the session at the same moment. */
okta_refresh_outcome_t okta_refresh_if_due(request_rec *r, okta_session_ref_t *ref);

#endif
