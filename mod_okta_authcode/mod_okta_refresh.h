/* Keeping a session's access token fresh with rotating refresh tokens. */
#ifndef MOD_OKTA_REFRESH_H
#define MOD_OKTA_REFRESH_H

#include "mod_okta_session.h"

typedef enum {
    OKTA_REFRESH_FRESH, /* the access token is valid (maybe just refreshed) */
    OKTA_REFRESH_ENDED, /* the session is over: sign in again */
    OKTA_REFRESH_UNAVAILABLE /* cannot tell now (cache or provider trouble) */
} okta_refresh_outcome_t;

/** Refreshes the session's tokens when the access token expires within
 * OktaRefreshLeeway, spending each refresh token exactly once however many
 * workers serve the session at the same moment. */
okta_refresh_outcome_t okta_refresh_if_due(request_rec *r, okta_session_ref_t *ref);

#endif
