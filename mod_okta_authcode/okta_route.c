/* SPDX-License-Identifier: Apache-2.0 */
/* The routing of a request under AuthType Okta: see okta_route.h. */
#include "okta_route.h"

/* Where no live session is: the location's OktaUnauthAction, and whether
 * the one asking can follow a sign-in. */
static okta_route_t without_session(const okta_request_facts_t *f)
{
    if (f->unauth == OKTA_UNAUTH_PASS && f->anonymous_granted) {
        return OKTA_ROUTE_ANONYMOUS;
    }
    /* OktaUnauthAction pass where a user is required signs in as auth does */
    if (f->unauth == OKTA_UNAUTH_401 || !f->navigation) {
        return OKTA_ROUTE_CHALLENGE;
    }
    return f->session == OKTA_SESSION_ENDED || f->had_session_cookie
               ? OKTA_ROUTE_SIGN_IN_SILENTLY
               : OKTA_ROUTE_SIGN_IN;
}

okta_route_t okta_route(const okta_request_facts_t *f)
{
    if (f->main_user_by_okta) {
        return OKTA_ROUTE_INHERIT_USER;
    }
    if (f->bearer == OKTA_BEARER_ONLY || (f->bearer == OKTA_BEARER_ON && f->has_token)) {
        return f->has_token ? OKTA_ROUTE_BY_TOKEN : OKTA_ROUTE_TOKEN_REQUIRED;
    }
    switch (f->session) {
    case OKTA_SESSION_NOT_LOOKED_UP:
        return OKTA_ROUTE_LOOK_UP_SESSION;
    case OKTA_SESSION_FRESH:
        return OKTA_ROUTE_SIGNED_IN;
    case OKTA_SESSION_UNAVAILABLE:
        return OKTA_ROUTE_UNAVAILABLE;
    default:
        return without_session(f);
    }
}
