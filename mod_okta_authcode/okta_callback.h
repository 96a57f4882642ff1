/* SPDX-License-Identifier: Apache-2.0 */
/* What the sign-in callback makes of the provider's answer.  Pure: the
 * glue (mod_okta_login.c) hands the parameters in and answers as told. */
#ifndef OKTA_CALLBACK_H
#define OKTA_CALLBACK_H

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
