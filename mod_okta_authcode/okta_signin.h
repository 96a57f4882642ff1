/* SPDX-License-Identifier: Apache-2.0 */
/* A sign-in (the authorization code flow): the authorization request the
 * browser is sent to the provider with, and what the callback makes of the
 * provider's answer.  Pure: the glue (mod_okta_login.c) hands the settings
 * and parameters in and answers as told. */
#ifndef OKTA_SIGNIN_H
#define OKTA_SIGNIN_H

#include <apr_pools.h>

#include "okta_record.h"
#include "okta_util.h" /* okta_param_result_t */

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

/* What the callback came with, gathered by the glue in this order; a fact
 * is read only if those before it allow (the state is needed to find the
 * sign-in, the sign-in to know its time and kind). */
typedef enum {
    OKTA_PENDING_FOUND, /* the browser's login cookie holds this state's sign-in */
    OKTA_PENDING_ABSENT, /* it holds none: not this browser's, or completed */
    OKTA_PENDING_DAMAGED /* the item does not open: damaged, forged, another server's */
} okta_pending_found_t;

typedef struct okta_callback_facts_t {
    int is_get;
    int query_parsed;
    okta_param_result_t state;
    okta_pending_found_t pending;
    int expired; /* started longer ago than OktaLoginTimeout */
    int completed_before; /* its state is marked as completed */
    int at_its_redirect_uri; /* silent or not, as the sign-in was */
    int silent;
    okta_param_result_t error;
    const char *error_value;
    okta_param_result_t code;
} okta_callback_facts_t;

typedef enum {
    OKTA_CALLBACK_NOT_GET, /* 405 */
    OKTA_CALLBACK_REFUSED, /* 400, `why` says what (OKTA00019) */
    OKTA_CALLBACK_PROVIDER_ERROR, /* okta_provider_error of the error */
    OKTA_CALLBACK_SIGN_IN_NORMALLY, /* a silent sign-in needs the user */
    OKTA_CALLBACK_EXCHANGE_CODE /* all holds: exchange the code */
} okta_callback_verdict_t;

/** The verdict on a callback, and for OKTA_CALLBACK_REFUSED what to tell
 * the user and the log. */
okta_callback_verdict_t okta_callback_verdict(const okta_callback_facts_t *f, const char **why);

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
