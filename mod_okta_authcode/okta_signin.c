/* SPDX-License-Identifier: Apache-2.0 */
/* The sign-in's request and the callback's decisions: see okta_signin.h. */
#include <apr_strings.h>
#include <string.h>

#include "okta_crypto.h"
#include "okta_hints.h"
#include "okta_signin.h"
#include "okta_util.h"

const char *okta_authorization_url(apr_pool_t *p, const char *endpoint,
                                   const okta_signin_client_t *client, const okta_login_t *login)
{
    const char *query = "";

    okta_form_add(p, &query, "response_type", "code");
    okta_form_add(p, &query, "client_id", client->client_id);
    okta_form_add(p, &query, "redirect_uri", client->redirect_uri);
    okta_form_add(p, &query, "scope", client->scope);
    if (login->silent) {
        okta_form_add(p, &query, "prompt", "none");
    }
    okta_form_add(p, &query, "state", login->state);
    okta_form_add(p, &query, "nonce", login->nonce);
    okta_form_add(p, &query, "code_challenge", okta_pkce_challenge(p, login->code_verifier));
    okta_form_add(p, &query, "code_challenge_method", "S256");
    return apr_pstrcat(p, endpoint, strchr(endpoint, '?') ? "&" : "?", query, NULL);
}

static const struct {
    const char *error;
    okta_provider_error_t verdict;
} provider_errors[] = {
    { "access_denied", { 403, OKTA_HINT_ASSIGNMENT } },
    { "invalid_scope", { 502, OKTA_HINT_SCOPES } },
    { "unauthorized_client", { 502, OKTA_HINT_CODE_GRANT } },
    { "invalid_client", { 502, OKTA_HINT_CLIENT } },
    { "consent_required", { 403, OKTA_HINT_CONSENT } },
    { "interaction_required", { 403, OKTA_HINT_CONSENT } },
    { "invalid_grant", { 400, OKTA_HINT_CODE_SPENT } },
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

/* The checks in order, each with what the user is told when it fails. */
okta_callback_verdict_t okta_callback_verdict(const okta_callback_facts_t *f, const char **why)
{
    *why = NULL;
    if (!f->is_get) {
        return OKTA_CALLBACK_NOT_GET;
    }
    if (!f->query_parsed) {
        *why = "The callback's query string is malformed";
    }
    else if (f->state != OKTA_PARAM_OK) {
        *why = "The callback needs exactly one state parameter";
    }
    else if (f->pending == OKTA_PENDING_ABSENT) {
        *why = "This sign-in was not started by this browser, or was already completed";
    }
    else if (f->pending == OKTA_PENDING_DAMAGED) {
        *why = "The sign-in record is damaged, or was made by another server";
    }
    else if (f->expired) {
        *why = "This sign-in took too long (OktaLoginTimeout)";
    }
    else if (f->completed_before) {
        *why = "This sign-in was already completed";
    }
    else if (!f->at_its_redirect_uri) {
        *why = "This sign-in came back to the wrong redirect URI";
    }
    else if (f->error == OKTA_PARAM_REPEATED) {
        *why = "The callback repeats the error parameter";
    }
    else if (f->error == OKTA_PARAM_OK) {
        return f->silent && okta_error_needs_interaction(f->error_value)
                   ? OKTA_CALLBACK_SIGN_IN_NORMALLY
                   : OKTA_CALLBACK_PROVIDER_ERROR;
    }
    else if (f->code != OKTA_PARAM_OK) {
        *why = "The callback needs exactly one code parameter";
    }
    return *why ? OKTA_CALLBACK_REFUSED : OKTA_CALLBACK_EXCHANGE_CODE;
}
