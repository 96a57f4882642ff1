/* SPDX-License-Identifier: Apache-2.0 */
/* okta_route: where a request under AuthType Okta goes, from its facts. */
#include "okta_route.h"
#include "unit.h"

enum { NO = 0, YES = 1 };

/* The facts of a browser navigating to a location with the defaults
 * (OktaBearer Off, OktaUnauthAction auth), no token, no cookie, its
 * session looked up and not found; each row changes some of them. */
#define BROWSER { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_NONE, NO, OKTA_UNAUTH_AUTH, NO, YES }

START_TEST(route_table)
{
    static const struct {
        const char *what;
        okta_request_facts_t facts;
        okta_route_t route;
    } rows[] = {
        { "a browser without a session signs in", BROWSER, OKTA_ROUTE_SIGN_IN },
        { "its session not looked up yet: look it up",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_NOT_LOOKED_UP, NO, OKTA_UNAUTH_AUTH, NO, YES },
          OKTA_ROUTE_LOOK_UP_SESSION },
        { "a fresh session",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_FRESH, YES, OKTA_UNAUTH_AUTH, NO, YES },
          OKTA_ROUTE_SIGNED_IN },
        { "a fresh session, from a script",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_FRESH, YES, OKTA_UNAUTH_401, NO, NO },
          OKTA_ROUTE_SIGNED_IN },
        { "the cache or provider cannot tell",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_UNAVAILABLE, YES, OKTA_UNAUTH_PASS, YES, YES },
          OKTA_ROUTE_UNAVAILABLE },
        { "a cookie naming no live session: try silently",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_NONE, YES, OKTA_UNAUTH_AUTH, NO, YES },
          OKTA_ROUTE_SIGN_IN_SILENTLY },
        { "a session that just ended: try silently",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_ENDED, YES, OKTA_UNAUTH_AUTH, NO, YES },
          OKTA_ROUTE_SIGN_IN_SILENTLY },
        { "a script without a session: 401",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_NONE, NO, OKTA_UNAUTH_AUTH, NO, NO },
          OKTA_ROUTE_CHALLENGE },
        { "a script whose session ended: 401",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_ENDED, YES, OKTA_UNAUTH_AUTH, NO, NO },
          OKTA_ROUTE_CHALLENGE },
        { "OktaUnauthAction 401, a browser",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_NONE, NO, OKTA_UNAUTH_401, NO, YES },
          OKTA_ROUTE_CHALLENGE },
        { "OktaUnauthAction pass where Require grants anyone",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_NONE, NO, OKTA_UNAUTH_PASS, YES, YES },
          OKTA_ROUTE_ANONYMOUS },
        { "OktaUnauthAction pass, a script, granted",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_ENDED, YES, OKTA_UNAUTH_PASS, YES, NO },
          OKTA_ROUTE_ANONYMOUS },
        { "OktaUnauthAction pass where a user is required: sign in",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_NONE, NO, OKTA_UNAUTH_PASS, NO, YES },
          OKTA_ROUTE_SIGN_IN },
        { "OktaUnauthAction pass where a user is required, a script: 401",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_NONE, NO, OKTA_UNAUTH_PASS, NO, NO },
          OKTA_ROUTE_CHALLENGE },
        { "granted without a user but OktaUnauthAction auth: sign in",
          { NO, OKTA_BEARER_OFF, NO, OKTA_SESSION_NONE, NO, OKTA_UNAUTH_AUTH, YES, YES },
          OKTA_ROUTE_SIGN_IN },
        { "OktaBearer Off: a token is not looked at",
          { NO, OKTA_BEARER_OFF, YES, OKTA_SESSION_NOT_LOOKED_UP, NO, OKTA_UNAUTH_AUTH, NO, NO },
          OKTA_ROUTE_LOOK_UP_SESSION },
        { "OktaBearer On with a token: the token decides, before any session",
          { NO, OKTA_BEARER_ON, YES, OKTA_SESSION_NOT_LOOKED_UP, YES, OKTA_UNAUTH_AUTH, NO, YES },
          OKTA_ROUTE_BY_TOKEN },
        { "OktaBearer On without a token: by session",
          { NO, OKTA_BEARER_ON, NO, OKTA_SESSION_NOT_LOOKED_UP, YES, OKTA_UNAUTH_AUTH, NO, YES },
          OKTA_ROUTE_LOOK_UP_SESSION },
        { "OktaBearer On without a token or session, a script: 401",
          { NO, OKTA_BEARER_ON, NO, OKTA_SESSION_NONE, NO, OKTA_UNAUTH_AUTH, NO, NO },
          OKTA_ROUTE_CHALLENGE },
        { "OktaBearer Only with a token",
          { NO, OKTA_BEARER_ONLY, YES, OKTA_SESSION_NOT_LOOKED_UP, NO, OKTA_UNAUTH_AUTH, NO, NO },
          OKTA_ROUTE_BY_TOKEN },
        { "OktaBearer Only without a token, a browser with a cookie: 401, no redirect",
          { NO, OKTA_BEARER_ONLY, NO, OKTA_SESSION_NOT_LOOKED_UP, YES, OKTA_UNAUTH_AUTH, NO, YES },
          OKTA_ROUTE_TOKEN_REQUIRED },
        { "OktaBearer Only without a token, OktaUnauthAction pass and granted: still 401",
          { NO, OKTA_BEARER_ONLY, NO, OKTA_SESSION_NOT_LOOKED_UP, NO, OKTA_UNAUTH_PASS, YES, YES },
          OKTA_ROUTE_TOKEN_REQUIRED },
        { "a subrequest of a signed-in request inherits its user",
          { YES, OKTA_BEARER_ONLY, NO, OKTA_SESSION_NOT_LOOKED_UP, NO, OKTA_UNAUTH_401, NO, NO },
          OKTA_ROUTE_INHERIT_USER },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        okta_route_t route = okta_route(&rows[i].facts);
        ck_assert_msg(route == rows[i].route, "%s: route %d, not %d", rows[i].what, route,
                      rows[i].route);
    }
}
END_TEST

/* Over every combination of facts, what must hold whatever the rest. */
START_TEST(route_promises)
{
    okta_request_facts_t f;
    int main_user, bearer, token, session, cookie, unauth, granted, navigation;

    for (main_user = 0; main_user < 2; main_user++)
    for (bearer = OKTA_BEARER_OFF; bearer <= OKTA_BEARER_ONLY; bearer++)
    for (token = 0; token < 2; token++)
    for (session = OKTA_SESSION_NOT_LOOKED_UP; session <= OKTA_SESSION_UNAVAILABLE; session++)
    for (cookie = 0; cookie < 2; cookie++)
    for (unauth = OKTA_UNAUTH_AUTH; unauth <= OKTA_UNAUTH_PASS; unauth++)
    for (granted = 0; granted < 2; granted++)
    for (navigation = 0; navigation < 2; navigation++) {
        okta_route_t route;

        f.main_user_by_okta = main_user;
        f.bearer = (okta_bearer_mode_t)bearer;
        f.has_token = token;
        f.session = (okta_session_state_t)session;
        f.had_session_cookie = cookie;
        f.unauth = (okta_unauth_action_t)unauth;
        f.anonymous_granted = granted;
        f.navigation = navigation;
        route = okta_route(&f);

        /* signed in by a session only when it is fresh */
        ck_assert(route != OKTA_ROUTE_SIGNED_IN || session == OKTA_SESSION_FRESH);
        /* nobody passes but where the operator allows it and Require grants it */
        ck_assert(route != OKTA_ROUTE_ANONYMOUS || (unauth == OKTA_UNAUTH_PASS && granted));
        /* a script is never sent to sign in, nor is anyone under OktaUnauthAction 401 */
        ck_assert(!(route == OKTA_ROUTE_SIGN_IN || route == OKTA_ROUTE_SIGN_IN_SILENTLY)
                  || (navigation && unauth != OKTA_UNAUTH_401));
        /* OktaBearer Only: the token alone, never a session or a redirect */
        ck_assert(bearer != OKTA_BEARER_ONLY || main_user || route == OKTA_ROUTE_BY_TOKEN
                  || route == OKTA_ROUTE_TOKEN_REQUIRED);
        /* a token is looked at only where OktaBearer takes tokens */
        ck_assert(route != OKTA_ROUTE_BY_TOKEN || (token && bearer != OKTA_BEARER_OFF));
        /* the session is looked up once, and only when not yet */
        ck_assert((route == OKTA_ROUTE_LOOK_UP_SESSION)
                  == (!main_user && session == OKTA_SESSION_NOT_LOOKED_UP
                      && (bearer == OKTA_BEARER_OFF || (bearer == OKTA_BEARER_ON && !token))));
        /* a cache or provider that cannot tell is never taken for "no session" */
        ck_assert(session != OKTA_SESSION_UNAVAILABLE || main_user
                  || route == OKTA_ROUTE_UNAVAILABLE || route == OKTA_ROUTE_BY_TOKEN
                  || route == OKTA_ROUTE_TOKEN_REQUIRED);
    }
}
END_TEST

TCase *route_tcase(void)
{
    TCase *tc = tcase_create("route");

    tcase_add_test(tc, route_table);
    tcase_add_test(tc, route_promises);
    return tc;
}
