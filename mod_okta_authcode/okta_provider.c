/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <strings.h>
#include <apr_strings.h>
#include <apr_uri.h>
#include <jansson.h>

#include <apr_base64.h>
#include "okta_json.h"
#include "okta_provider.h"
#include "okta_util.h"

/* Strings stay valid as long as the object, that is, the pool. */
static const char *member(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

int okta_url_is_secure_or_loopback(const char *url)
{
    apr_uri_t uri;
    apr_pool_t *p;
    int ok = 0;

    if (strncmp(url, "https://", 8) == 0) {
        return 1;
    }
    if (strncmp(url, "http://", 7) != 0 || apr_pool_create(&p, NULL) != APR_SUCCESS) {
        return 0;
    }
    if (apr_uri_parse(p, url, &uri) == APR_SUCCESS && uri.hostname) {
        ok = strcmp(uri.hostname, "localhost") == 0 || strcmp(uri.hostname, "::1") == 0
             || (strncmp(uri.hostname, "127.", 4) == 0
                 && strspn(uri.hostname, "0123456789.") == strlen(uri.hostname));
    }
    apr_pool_destroy(p);
    return ok;
}

const char *okta_discovery_url(apr_pool_t *p, const char *issuer)
{
    return apr_pstrcat(p, issuer, issuer[strlen(issuer) - 1] == '/' ? "" : "/",
                       ".well-known/openid-configuration", NULL);
}

okta_meta_result_t okta_provider_meta_parse(okta_provider_meta_t *meta, apr_pool_t *p,
                                            const char *json, apr_size_t len,
                                            const char *expected_issuer, const char **why)
{
    json_t *doc = okta_json_parse_object(p, json, len);
    const char *endpoints[6];
    int i;

    if (!doc) {
        *why = "discovery document is not a JSON object";
        return OKTA_META_MALFORMED;
    }
    meta->issuer = member(doc, "issuer");
    meta->authorization_endpoint = member(doc, "authorization_endpoint");
    meta->token_endpoint = member(doc, "token_endpoint");
    meta->jwks_uri = member(doc, "jwks_uri");
    meta->end_session_endpoint = member(doc, "end_session_endpoint");
    meta->userinfo_endpoint = member(doc, "userinfo_endpoint");
    meta->introspection_endpoint = member(doc, "introspection_endpoint");
    meta->offers_basic = okta_json_lists(doc, "token_endpoint_auth_methods_supported",
                                         "client_secret_basic") == 1;
    meta->offers_post = okta_json_lists(doc, "token_endpoint_auth_methods_supported",
                                        "client_secret_post") == 1;
    if (!meta->issuer || !meta->authorization_endpoint || !meta->token_endpoint
        || !meta->jwks_uri) {
        *why = "discovery document lacks issuer, authorization_endpoint, token_endpoint or "
               "jwks_uri";
        return OKTA_META_MALFORMED;
    }
    if (strcmp(meta->issuer, expected_issuer) != 0) {
        *why = apr_psprintf(p, "discovery document names issuer \"%s\", not \"%s\"",
                            meta->issuer, expected_issuer);
        return OKTA_META_ISSUER_MISMATCH;
    }
    endpoints[0] = meta->authorization_endpoint;
    endpoints[1] = meta->token_endpoint;
    endpoints[2] = meta->jwks_uri;
    endpoints[3] = meta->end_session_endpoint;
    endpoints[4] = meta->userinfo_endpoint;
    endpoints[5] = meta->introspection_endpoint;
    for (i = 0; i < 6; i++) {
        if (endpoints[i] && !okta_url_is_secure_or_loopback(endpoints[i])) {
            *why = apr_psprintf(p, "provider endpoint %s is neither https nor loopback",
                                endpoints[i]);
            return OKTA_META_INSECURE_ENDPOINT;
        }
    }
    return OKTA_META_OK;
}

/* RFC 6749 A.12-A.17: tokens are visible ASCII, without spaces.  They
 * are handed on in headers and sent in form bodies. */
static int is_token_text(const char *token)
{
    const char *c;

    for (c = token; *c; c++) {
        if (*c < 0x21 || *c > 0x7e) {
            return 0;
        }
    }
    return c != token;
}

apr_status_t okta_token_response_parse(okta_token_response_t *tr, apr_pool_t *p,
                                       const char *json, apr_size_t len, const char **why)
{
    json_t *doc = okta_json_parse_object(p, json, len);
    const json_t *expires_in;

    memset(tr, 0, sizeof(*tr));
    if (!doc) {
        *why = "token endpoint answer is not a JSON object";
        return APR_EINVAL;
    }
    tr->error = member(doc, "error");
    tr->error_description = member(doc, "error_description");
    tr->access_token = member(doc, "access_token");
    tr->id_token = member(doc, "id_token");
    tr->refresh_token = member(doc, "refresh_token");
    expires_in = json_object_get(doc, "expires_in");
    if (json_is_integer(expires_in) && json_integer_value(expires_in) > 0) {
        tr->expires_in = json_integer_value(expires_in) < OKTA_MAX_EXPIRES_IN
                             ? json_integer_value(expires_in)
                             : OKTA_MAX_EXPIRES_IN;
    }
    if (!tr->error && !tr->access_token) {
        *why = "token endpoint answer has neither access_token nor error";
        return APR_EINVAL;
    }
    if ((tr->access_token && !is_token_text(tr->access_token))
        || (tr->refresh_token && !is_token_text(tr->refresh_token))
        || (tr->id_token && !is_token_text(tr->id_token))) {
        *why = "token endpoint answer has a token with spaces or control characters";
        return APR_EINVAL;
    }
    return APR_SUCCESS;
}

okta_userinfo_result_t okta_userinfo_parse(json_t **claims, apr_pool_t *p, const char *json,
                                           apr_size_t len, const char *sub, const char **why)
{
    json_t *doc = okta_json_parse_object(p, json, len);
    const char *answered_sub;

    if (!doc) {
        *why = "the answer is not a JSON object";
        return OKTA_USERINFO_MALFORMED;
    }
    if (!(answered_sub = member(doc, "sub"))) {
        *why = "the answer has no sub";
        return OKTA_USERINFO_MALFORMED;
    }
    /* 5.3.4: a mismatch may be a substituted answer, and must not be used */
    if (strcmp(answered_sub, sub) != 0) {
        *why = apr_psprintf(p, "the answer is about another user (sub \"%s\", not \"%s\")",
                            answered_sub, sub);
        return OKTA_USERINFO_OTHER_USER;
    }
    *claims = doc;
    return OKTA_USERINFO_OK;
}

/* RFC 7662's token_type is RFC 6749's (Bearer); some providers name the
 * kind instead (access_token), or in token_use (access).  A refresh token
 * is none of them, and must not pass for an access token. */
static int is_access_token_answer(const json_t *answer)
{
    const json_t *type = json_object_get(answer, "token_type");
    const json_t *use = json_object_get(answer, "token_use");

    return (!type || (json_is_string(type)
                      && (strcasecmp(json_string_value(type), "Bearer") == 0
                          || strcmp(json_string_value(type), "access_token") == 0)))
           && (!use || (json_is_string(use) && strcmp(json_string_value(use), "access") == 0));
}

okta_jwt_result_t okta_introspection_parse(json_t **claims, apr_pool_t *p, const char *json,
                                           apr_size_t len,
                                           const okta_access_token_expect_t *expect,
                                           const char **why)
{
    json_t *doc = okta_json_parse_object(p, json, len);
    const json_t *aud, *exp;
    const char *iss;

    if (!doc) {
        *why = "the introspection answer is not a JSON object";
        return OKTA_JWT_MALFORMED;
    }
    if (!json_is_true(json_object_get(doc, "active"))) {
        *why = "the provider says the token is not active (revoked, expired or unknown)";
        return OKTA_JWT_INACTIVE;
    }
    /* RFC 7662 makes them optional; this host requires them of a JWT, and
     * an answer without them does not show the token is for this host */
    if (!(iss = member(doc, "iss")) || strcmp(iss, expect->issuer) != 0) {
        *why = apr_psprintf(p, "introspected token issuer \"%s\" is not \"%s\"",
                            iss ? iss : "(none)", expect->issuer);
        return OKTA_JWT_BAD_ISSUER;
    }
    if (!(aud = json_object_get(doc, "aud")) || !okta_audience_allowed(aud, expect)) {
        *why = "introspected token audience is none of OktaAccessTokenAudience";
        return OKTA_JWT_BAD_AUDIENCE;
    }
    if (!is_access_token_answer(doc)) {
        *why = "the introspected token is not an access token (token_type, token_use)";
        return OKTA_JWT_NOT_ACCESS_TOKEN;
    }
    exp = json_object_get(doc, "exp");
    if (exp && (!okta_numeric_date(exp)
                || json_number_value(exp) + (double)expect->skew <= (double)expect->now)) {
        *why = "introspected token expired, or its exp is not a time";
        return OKTA_JWT_EXPIRED;
    }
    *claims = doc;
    return OKTA_JWT_OK;
}

#define REFUSAL_PREFIX "refused:"

const char *okta_refusal_record(apr_pool_t *p, okta_jwt_result_t result)
{
    return apr_psprintf(p, REFUSAL_PREFIX "%d", (int)result);
}

int okta_refusal_of_record(const unsigned char *data, apr_size_t len)
{
    const apr_size_t prefix = sizeof(REFUSAL_PREFIX) - 1;
    int result = 0;
    apr_size_t i;

    if (len <= prefix || len > prefix + 3 || memcmp(data, REFUSAL_PREFIX, prefix) != 0) {
        return -1;
    }
    for (i = prefix; i < len; i++) {
        if (data[i] < '0' || data[i] > '9') {
            return -1;
        }
        result = result * 10 + (data[i] - '0');
    }
    return result > OKTA_JWT_OK ? result : -1;
}

int okta_refusal_is_shared(okta_jwt_result_t result)
{
    return result != OKTA_JWT_OK && result != OKTA_JWT_INACTIVE && result != OKTA_JWT_MALFORMED;
}

/* RFC 6749 2.3.1: id and secret are form-encoded before base64. */
static const char *basic_auth(apr_pool_t *p, const char *client_id, const char *secret)
{
    const char *pair = apr_pstrcat(p, okta_url_encode(p, client_id), ":",
                                   okta_url_encode(p, secret), NULL);
    char *b64 = apr_palloc(p, apr_base64_encode_len((int)strlen(pair)));

    apr_base64_encode(b64, pair, (int)strlen(pair));
    return apr_pstrcat(p, "Basic ", b64, NULL);
}

const char *okta_client_auth(apr_pool_t *p, int basic, const char *client_id,
                             const char *secret, const char **form)
{
    if (basic) {
        return basic_auth(p, client_id, secret);
    }
    okta_form_add(p, form, "client_id", client_id);
    okta_form_add(p, form, "client_secret", secret);
    return NULL;
}
