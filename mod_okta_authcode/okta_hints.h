/* SPDX-License-Identifier: Apache-2.0 */
/* What an operator should check when Okta refuses something, in the Okta
 * console's and the directives' words: one text per cause, shared by the
 * setup checker (okta_setup) and the sign-in's errors (okta_signin), so
 * that both name a setting the same way. */
#ifndef OKTA_HINTS_H
#define OKTA_HINTS_H

#define OKTA_HINT_ASSIGNMENT                                                                  \
    "check that the user is assigned to the app (App > Assignments) and that the "            \
    "authorization server's access policy rule admits this client"

#define OKTA_HINT_CODE_GRANT                                                                  \
    "allow the Authorization Code grant type in the app (App > General > Grant type) and "    \
    "in the authorization server's access policy rule"

#define OKTA_HINT_SCOPES                                                                      \
    "check OktaScope against the authorization server's Scopes (Security > API > "            \
    "Authorization Servers > your server > Scopes: it needs a default scope, and "            \
    "offline_access allowed for refresh tokens)"

#define OKTA_HINT_CLIENT                                                                      \
    "check OktaClientID, OktaClientSecret and OktaTokenEndpointAuth against the app's "       \
    "Client ID, Client secret and Client authentication (App > General > Client Credentials)"

#define OKTA_HINT_CONSENT                                                                     \
    "the user must consent to the scopes: in Okta, the app's User Consent setting (App > "    \
    "General > User Consent) and the scope's \"Require user consent\" (Authorization "        \
    "server > Scopes)"

#define OKTA_HINT_CODE_SPENT                                                                  \
    "the sign-in code was used already or has expired; also check that OktaRedirectURI is "   \
    "one of the app's Sign-in redirect URIs (App > General)"

#endif
