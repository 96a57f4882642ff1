/* SPDX-License-Identifier: Apache-2.0 */
/* A sign-in (the authorization code flow): the authorization request the
 * browser is sent to the provider with, and what the callback makes of the
 * provider's answer.  Pure: the glue (mod_okta_login.c) hands the settings
 * and parameters in and answers as told. */
#ifndef OKTA_SIGNIN_H
#define OKTA_SIGNIN_H

#include <apr_pools.h>

#include "okta_record.h"

/* Who asks, and where the answer goes. */
typedef struct okta_signin_client_t {
    const char *client_id;
    const char *redirect_uri; /* absolute */
    const char *scope;
} okta_signin_client_t;

/** The URL of the authorization request (OpenID Connect Core 3.1.2.1, RFC
 * 7636) at `endpoint` for the sign-in `login`: response_type=code, the
 * client, its redirect URI and scope, prompt=none for a silent one, state,
 * nonce and the S256 challenge of its verifier; every value form-encoded,
 * after the endpoint's own query if it has one. */
const char *okta_authorization_url(apr_pool_t *p, const char *endpoint,
                                   const okta_signin_client_t *client, const okta_login_t *login);

/* An error the provider sent the browser back with (RFC 6749 4.1.2.1,
 * OpenID Connect Core 3.1.2.6): the status the user gets, and what an
 * operator should check, in the directives' and Okta console's words. */
typedef struct okta_provider_error_t {
    int status; /* HTTP status */
    const char *hint;
} okta_provider_error_t;

okta_provider_error_t okta_provider_error(const char *error);

/** 1 for the answers to a prompt=none sign-in that mean "the user must
 * interact" (login, consent, an account to choose): sign in normally. */
int okta_error_needs_interaction(const char *error);

#endif
