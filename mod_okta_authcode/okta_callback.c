/* SPDX-License-Identifier: Apache-2.0 */
/* The sign-in callback's decisions: see okta_callback.h. */
#include <string.h>

#include "okta_callback.h"

#define CONSENT_HINT                                                                       \
    "the user must consent to the scopes: in Okta, the app's User Consent setting (App > " \
    "General > User Consent) and the scope's \"Require user consent\" (Authorization "      \
    "server > Scopes)"

static const struct {
    const char *error;
    okta_provider_error_t verdict;
} provider_errors[] = {
    { "access_denied",
      { 403, "check that the user is assigned to the app and that the authorization "
             "server's access policy rule admits this client" } },
    { "invalid_scope",
      { 502, "check OktaScope against the authorization server's Scopes (it needs a "
             "default scope; offline_access must be allowed for refresh tokens)" } },
    { "unauthorized_client",
      { 502, "allow the Authorization Code grant type in the app and in the authorization "
             "server's access policy rule" } },
    { "invalid_client",
      { 502, "check OktaClientID, OktaClientSecret and OktaTokenEndpointAuth against the "
             "app's Client authentication setting" } },
    { "consent_required",
      { 403, CONSENT_HINT } },
    { "interaction_required",
      { 403, CONSENT_HINT } },
    { "invalid_grant",
      { 400, "the sign-in code was used already or has expired; also check that "
             "OktaRedirectURI is one of the app's Sign-in redirect URIs" } },
};

okta_provider_error_t okta_provider_error(const char *error)
{
    static const okta_provider_error_t other = { 502, "see the provider's description" };
    size_t i;

    for (i = 0; i < sizeof(provider_errors) / sizeof(provider_errors[0]); i++) {
        if (strcmp(error, provider_errors[i].error) == 0) {
            return provider_errors[i].verdict;
        }
    }
    return other;
}

int okta_error_needs_interaction(const char *error)
{
    return strcmp(error, "login_required") == 0 || strcmp(error, "interaction_required") == 0
           || strcmp(error, "consent_required") == 0
           || strcmp(error, "account_selection_required") == 0;
}
