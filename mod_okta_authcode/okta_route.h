/* SPDX-License-Identifier: Apache-2.0 */
/* Where a request under AuthType Okta goes: signed in by its session or
 * its bearer token, passed as nobody, challenged (401), sent to sign in
 * (302), or told the sessions are unavailable (503).  Pure: the glue
 * (check_authn) gathers the request's facts, asks, does what it is told,
 * and asks again once it has looked the session up. */
#ifndef OKTA_ROUTE_H
#define OKTA_ROUTE_H

/* What a request without a session gets (OktaUnauthAction). */
typedef enum {
    OKTA_UNAUTH_AUTH, /* navigations sign in; other requests get 401 */
    OKTA_UNAUTH_401, /* always 401 */
    OKTA_UNAUTH_PASS /* anonymous requests through where Require allows them */
} okta_unauth_action_t;

/* How a location takes bearer access tokens (OktaBearer). */
typedef enum {
    OKTA_BEARER_OFF, /* sessions only */
    OKTA_BEARER_ON, /* a request with a token by the token, others by session */
    OKTA_BEARER_ONLY /* tokens only: no sessions, no redirects */
} okta_bearer_mode_t;

/* The request's session, as far as it is known. */
typedef enum {
    OKTA_SESSION_NOT_LOOKED_UP,
    OKTA_SESSION_NONE, /* no cookie names a live session */
    OKTA_SESSION_FRESH, /* a live session, its tokens fresh (refreshed if due) */
    OKTA_SESSION_ENDED, /* it ended just now: the provider refused its refresh */
    OKTA_SESSION_UNAVAILABLE /* the cache or the provider cannot tell now */
} okta_session_state_t;

typedef struct okta_request_facts_t {
    int main_user_by_okta; /* a subrequest whose main request has an Okta user */
    okta_bearer_mode_t bearer;
    int has_token; /* Authorization: Bearer */
    okta_session_state_t session;
    int had_session_cookie; /* one came, naming no live session */
    okta_unauth_action_t unauth;
    int anonymous_granted; /* the Require lines grant it without a user */
    int navigation; /* a browser following a link, not a script */
} okta_request_facts_t;

typedef enum {
    OKTA_ROUTE_INHERIT_USER, /* the main request's user, environment, headers */
    OKTA_ROUTE_BY_TOKEN, /* the bearer token decides */
    OKTA_ROUTE_TOKEN_REQUIRED, /* 401 with a Bearer challenge */
    OKTA_ROUTE_LOOK_UP_SESSION, /* then ask again with the session's state */
    OKTA_ROUTE_SIGNED_IN,
    OKTA_ROUTE_ANONYMOUS, /* through as nobody */
    OKTA_ROUTE_CHALLENGE, /* 401: a script cannot follow a sign-in */
    OKTA_ROUTE_SIGN_IN, /* 302 to the provider */
    OKTA_ROUTE_SIGN_IN_SILENTLY, /* prompt=none: a session ended here may
                                    live on at the provider */
    OKTA_ROUTE_UNAVAILABLE /* 503 */
} okta_route_t;

okta_route_t okta_route(const okta_request_facts_t *f);

#endif
