/* SPDX-License-Identifier: Apache-2.0 */
/* okta_provider: discovery metadata, endpoint security, token responses. */
#include <stdio.h>
#include <string.h>

#include <apr_strings.h>

#include "okta_provider.h"
#include "unit.h"

#define ISSUER "https://id.example.com/oauth2/default"

static json_t *discovery(const char *base)
{
    char authz[256], token[256], jwks[256], logout[256];

    snprintf(authz, sizeof(authz), "%s/v1/authorize", base);
    snprintf(token, sizeof(token), "%s/v1/token", base);
    snprintf(jwks, sizeof(jwks), "%s/v1/keys", base);
    snprintf(logout, sizeof(logout), "%s/v1/logout", base);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:[s]}",
                     "issuer", base,
                     "authorization_endpoint", authz,
                     "token_endpoint", token,
                     "jwks_uri", jwks,
                     "end_session_endpoint", logout,
                     "response_types_supported", "code",
                     "id_token_signing_alg_values_supported", "RS256");
}

/* Parses `doc` (reference taken) expecting `issuer`. */
static okta_meta_result_t parse_meta(okta_provider_meta_t *meta, json_t *doc,
                                     const char *issuer)
{
    const char *text = test_json_text(test_pool, doc);
    const char *why = NULL;
    okta_meta_result_t r;

    memset(meta, 0, sizeof(*meta));
    r = okta_provider_meta_parse(meta, test_pool, text, strlen(text), issuer, &why);
    if (r != OKTA_META_OK) {
        ck_assert_ptr_nonnull(why);
    }
    return r;
}

static json_t *with(json_t *doc, const char *name, const char *value)
{
    json_object_set_new(doc, name, json_string(value));
    return doc;
}

START_TEST(meta_parse_good_document)
{
    okta_provider_meta_t meta;

    ck_assert_int_eq(parse_meta(&meta, discovery(ISSUER), ISSUER), OKTA_META_OK);
    ck_assert_str_eq(meta.issuer, ISSUER);
    ck_assert_str_eq(meta.authorization_endpoint, ISSUER "/v1/authorize");
    ck_assert_str_eq(meta.token_endpoint, ISSUER "/v1/token");
    ck_assert_str_eq(meta.jwks_uri, ISSUER "/v1/keys");
    ck_assert_str_eq(meta.end_session_endpoint, ISSUER "/v1/logout");
}
END_TEST

START_TEST(meta_parse_without_end_session_endpoint)
{
    okta_provider_meta_t meta;
    json_t *doc = discovery(ISSUER);

    json_object_del(doc, "end_session_endpoint");
    ck_assert_int_eq(parse_meta(&meta, doc, ISSUER), OKTA_META_OK);
    ck_assert_ptr_null(meta.end_session_endpoint);
}
END_TEST

START_TEST(meta_parse_issuer_must_match_exactly)
{
    okta_provider_meta_t meta;

    ck_assert_int_eq(parse_meta(&meta, with(discovery(ISSUER), "issuer", ISSUER "/"), ISSUER),
                     OKTA_META_ISSUER_MISMATCH);
    ck_assert_int_eq(parse_meta(&meta, discovery(ISSUER), ISSUER "/"),
                     OKTA_META_ISSUER_MISMATCH);
    ck_assert_int_eq(parse_meta(&meta, with(discovery(ISSUER), "issuer",
                                            "https://evil.example/oauth2/default"), ISSUER),
                     OKTA_META_ISSUER_MISMATCH);
}
END_TEST

START_TEST(meta_parse_missing_token_endpoint)
{
    okta_provider_meta_t meta;
    json_t *doc = discovery(ISSUER);

    json_object_del(doc, "token_endpoint");
    ck_assert_int_eq(parse_meta(&meta, doc, ISSUER), OKTA_META_MALFORMED);
}
END_TEST

START_TEST(meta_parse_endpoint_not_a_string)
{
    okta_provider_meta_t meta;
    json_t *doc = discovery(ISSUER);

    json_object_set_new(doc, "jwks_uri", json_integer(443));
    ck_assert_int_eq(parse_meta(&meta, doc, ISSUER), OKTA_META_MALFORMED);
}
END_TEST

START_TEST(meta_parse_not_json)
{
    okta_provider_meta_t meta;
    const char *why = NULL;

    ck_assert_int_eq(okta_provider_meta_parse(&meta, test_pool, "<html>", 6, ISSUER, &why),
                     OKTA_META_MALFORMED);
    ck_assert_ptr_nonnull(why);
    ck_assert_int_eq(okta_provider_meta_parse(&meta, test_pool, "[]", 2, ISSUER, &why),
                     OKTA_META_MALFORMED);
}
END_TEST

START_TEST(meta_parse_http_endpoint_refused)
{
    okta_provider_meta_t meta;

    ck_assert_int_eq(parse_meta(&meta, with(discovery(ISSUER), "token_endpoint",
                                            "http://id.example.com/oauth2/default/v1/token"),
                                ISSUER),
                     OKTA_META_INSECURE_ENDPOINT);
    ck_assert_int_eq(parse_meta(&meta, with(discovery(ISSUER), "jwks_uri",
                                            "http://id.example.com/keys"), ISSUER),
                     OKTA_META_INSECURE_ENDPOINT);
    ck_assert_int_eq(parse_meta(&meta, with(discovery(ISSUER), "authorization_endpoint",
                                            "http://id.example.com/authorize"), ISSUER),
                     OKTA_META_INSECURE_ENDPOINT);
}
END_TEST

START_TEST(meta_parse_http_on_loopback_accepted)
{
    okta_provider_meta_t meta;

    ck_assert_int_eq(parse_meta(&meta, discovery("http://127.0.0.1:8443/oauth2/default"),
                                "http://127.0.0.1:8443/oauth2/default"),
                     OKTA_META_OK);
    ck_assert_str_eq(meta.token_endpoint, "http://127.0.0.1:8443/oauth2/default/v1/token");
}
END_TEST

START_TEST(url_secure_or_loopback_accepts)
{
    ck_assert_int_eq(okta_url_is_secure_or_loopback("https://x"), 1);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("https://id.example.com/v1/token"), 1);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://127.0.0.1:1"), 1);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://127.0.0.1/token"), 1);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://127.8.9.10:8080/"), 1);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://localhost"), 1);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://localhost:8080/x"), 1);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://[::1]:8080/"), 1);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://[::1]"), 1);
}
END_TEST

START_TEST(url_secure_or_loopback_refuses)
{
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://evil"), 0);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://127.0.0.1.evil.example"), 0);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://127.0.0.1.evil.example/x"), 0);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://localhost.evil.example"), 0);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://localhost.evil.example:80/"), 0);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://[::1].evil.example/"), 0);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://128.0.0.1/"), 0);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("ftp://127.0.0.1/"), 0);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("httpsx://id.example.com/"), 0);
    ck_assert_int_eq(okta_url_is_secure_or_loopback(""), 0);
}
END_TEST

START_TEST(url_secure_or_loopback_refuses_userinfo_trick)
{
    /* the host here is evil.example; 127.0.0.1 is only a user name */
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://127.0.0.1@evil.example/"), 0);
    ck_assert_int_eq(okta_url_is_secure_or_loopback("http://localhost:80@evil.example/"), 0);
}
END_TEST

static apr_status_t parse_token(okta_token_response_t *tr, const char *text, const char **why)
{
    memset(tr, 0x5a, sizeof(*tr));
    *why = NULL;
    return okta_token_response_parse(tr, test_pool, text, strlen(text), why);
}

START_TEST(token_response_success_all_fields)
{
    okta_token_response_t tr;
    const char *why;

    ck_assert_int_eq(parse_token(&tr, "{\"token_type\":\"Bearer\",\"expires_in\":3600,"
                                      "\"access_token\":\"at-1\",\"scope\":\"openid email\","
                                      "\"refresh_token\":\"rt-1\",\"id_token\":\"a.b.c\"}",
                                 &why),
                     APR_SUCCESS);
    ck_assert_str_eq(tr.access_token, "at-1");
    ck_assert_str_eq(tr.id_token, "a.b.c");
    ck_assert_str_eq(tr.refresh_token, "rt-1");
    ck_assert(tr.expires_in == 3600);
    ck_assert_ptr_null(tr.error);
    ck_assert_ptr_null(tr.error_description);
}
END_TEST

/* An expires_in no provider means (Okta's longest is a day) is taken as a
 * year: added to the time it would overflow. */
START_TEST(token_response_expires_in_at_most_a_year)
{
    static const struct {
        const char *expires_in;
        apr_int64_t taken;
    } rows[] = {
        { "9223372036854775807", OKTA_MAX_EXPIRES_IN },
        { "31622401", OKTA_MAX_EXPIRES_IN },
        { "31622400", 31622400 },
        { "86400", 86400 },
        { "0", 0 },
        { "-5", 0 },
        { "1e300", 0 },
        { "\"3600\"", 0 },
    };
    okta_token_response_t tr;
    const char *why;
    size_t i;

    ck_assert_int_eq(OKTA_MAX_EXPIRES_IN, 31622400);
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *json = apr_pstrcat(test_pool, "{\"access_token\":\"at\",\"expires_in\":",
                                       rows[i].expires_in, "}", NULL);

        ck_assert_int_eq(parse_token(&tr, json, &why), APR_SUCCESS);
        ck_assert_msg(tr.expires_in == rows[i].taken, "expires_in %s", rows[i].expires_in);
    }
}
END_TEST

START_TEST(token_response_success_minimal)
{
    okta_token_response_t tr;
    const char *why;

    ck_assert_int_eq(parse_token(&tr, "{\"token_type\":\"Bearer\",\"access_token\":\"at-1\"}",
                                 &why),
                     APR_SUCCESS);
    ck_assert_str_eq(tr.access_token, "at-1");
    ck_assert_ptr_null(tr.id_token);
    ck_assert_ptr_null(tr.refresh_token);
    ck_assert(tr.expires_in == 0);
    ck_assert_ptr_null(tr.error);
}
END_TEST

START_TEST(token_response_error)
{
    okta_token_response_t tr;
    const char *why;

    ck_assert_int_eq(parse_token(&tr, "{\"error\":\"invalid_grant\","
                                      "\"error_description\":\"The authorization code is "
                                      "invalid or has expired.\"}", &why),
                     APR_SUCCESS);
    ck_assert_str_eq(tr.error, "invalid_grant");
    ck_assert_str_eq(tr.error_description, "The authorization code is invalid or has expired.");
    ck_assert_ptr_null(tr.access_token);
}
END_TEST

START_TEST(token_response_error_without_description)
{
    okta_token_response_t tr;
    const char *why;

    ck_assert_int_eq(parse_token(&tr, "{\"error\":\"invalid_client\"}", &why), APR_SUCCESS);
    ck_assert_str_eq(tr.error, "invalid_client");
    ck_assert_ptr_null(tr.error_description);
}
END_TEST

START_TEST(token_response_not_json)
{
    okta_token_response_t tr;
    const char *why;

    ck_assert_int_eq(parse_token(&tr, "<html>Bad Gateway</html>", &why), APR_EINVAL);
    ck_assert_ptr_nonnull(why);
    ck_assert_int_eq(parse_token(&tr, "", &why), APR_EINVAL);
    ck_assert_ptr_nonnull(why);
}
END_TEST

START_TEST(token_response_neither_token_nor_error)
{
    okta_token_response_t tr;
    const char *why;

    ck_assert_int_eq(parse_token(&tr, "{\"token_type\":\"Bearer\",\"id_token\":\"a.b.c\"}",
                                 &why),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(why);
    ck_assert_int_eq(parse_token(&tr, "{}", &why), APR_EINVAL);
    ck_assert_int_eq(parse_token(&tr, "[\"access_token\"]", &why), APR_EINVAL);
    ck_assert_int_eq(parse_token(&tr, "{\"access_token\":42}", &why), APR_EINVAL);
}
END_TEST

/* Tokens are handed on in headers (X-Okta-Access-Token) and form bodies:
 * one with a space or control character is not a token (RFC 6749 A.12). */
START_TEST(token_response_token_characters)
{
    static const char *const bad[] = {
        "{\"access_token\":\"at\\r\\nX-Injected: 1\"}",
        "{\"access_token\":\"at 1\"}",
        "{\"access_token\":\"at-1\",\"refresh_token\":\"rt\\n1\"}",
        "{\"access_token\":\"at-1\",\"id_token\":\"a.b\\u007f.c\"}",
        "{\"access_token\":\"\"}",
    };
    okta_token_response_t tr;
    const char *why;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(parse_token(&tr, bad[i], &why) == APR_EINVAL, "accepted %s", bad[i]);
        ck_assert_ptr_nonnull(why);
    }
    ck_assert_int_eq(parse_token(&tr, "{\"access_token\":\"eyJ0.eyJ1-_~+/=.c2ln\"}", &why),
                     APR_SUCCESS);
}
END_TEST

/* ---- userinfo and introspection answers ------------------------------ */

START_TEST(userinfo_about_the_user_or_refused)
{
    json_t *claims = NULL;
    const char *why = NULL;
    const char *good = "{\"sub\":\"00u1\",\"groups\":[\"a\"]}";

    ck_assert_int_eq(okta_userinfo_parse(&claims, test_pool, good, strlen(good), "00u1", &why),
                     OKTA_USERINFO_OK);
    ck_assert_int_eq(json_array_size(json_object_get(claims, "groups")), 1);
    ck_assert_int_eq(okta_userinfo_parse(&claims, test_pool, good, strlen(good), "00u2", &why),
                     OKTA_USERINFO_OTHER_USER);
    ck_assert_ptr_nonnull(strstr(why, "another user"));
    ck_assert_int_eq(okta_userinfo_parse(&claims, test_pool, "{\"groups\":[]}", 13, "00u1",
                                         &why),
                     OKTA_USERINFO_MALFORMED);
    ck_assert_int_eq(okta_userinfo_parse(&claims, test_pool, "<html>", 6, "00u1", &why),
                     OKTA_USERINFO_MALFORMED);
    ck_assert_int_eq(okta_userinfo_parse(&claims, test_pool, "[1]", 3, "00u1", &why),
                     OKTA_USERINFO_MALFORMED);
}
END_TEST

static okta_jwt_result_t introspection(const char *answer)
{
    static const char *const audiences[] = { "api://default" };
    okta_access_token_expect_t expect = { ISSUER, "client", audiences, 1, 1700000000, 60 };
    json_t *claims = NULL;
    const char *why = NULL;
    okta_jwt_result_t result = okta_introspection_parse(&claims, test_pool, answer,
                                                        strlen(answer), &expect, &why);

    ck_assert(result == OKTA_JWT_OK ? claims != NULL : why != NULL);
    return result;
}

/* An answer about an access token for this host: iss, aud, with `more`
 * members after them. */
#define ANSWER(more) "{\"active\":true,\"iss\":\"" ISSUER "\",\"aud\":\"api://default\"" more "}"

START_TEST(introspection_answers)
{
    static const struct {
        const char *answer;
        okta_jwt_result_t result;
    } rows[] = {
        { ANSWER(",\"sub\":\"svc\",\"scope\":\"a b\",\"exp\":1700000100"), OKTA_JWT_OK },
        { "{\"active\":true,\"iss\":\"" ISSUER "\",\"aud\":[\"x\",\"api://default\"]}",
          OKTA_JWT_OK },
        /* the host requires an issuer and an audience: an answer that does
         * not say them does not show the token is for this host */
        { "{\"active\":true,\"sub\":\"svc\",\"scope\":\"a b\"}", OKTA_JWT_BAD_ISSUER },
        { "{\"active\":true,\"iss\":\"" ISSUER "\"}", OKTA_JWT_BAD_AUDIENCE },
        { "{\"active\":true,\"aud\":\"api://default\"}", OKTA_JWT_BAD_ISSUER },
        { "{\"active\":true,\"iss\":\"https://evil\",\"aud\":\"api://default\"}",
          OKTA_JWT_BAD_ISSUER },
        { "{\"active\":true,\"iss\":7,\"aud\":\"api://default\"}", OKTA_JWT_BAD_ISSUER },
        { "{\"active\":true,\"iss\":\"" ISSUER "\",\"aud\":\"api://other\"}",
          OKTA_JWT_BAD_AUDIENCE },
        /* an access token, as RFC 6749 and its providers name its type; a
         * refresh token is not one */
        { ANSWER(",\"token_type\":\"Bearer\""), OKTA_JWT_OK },
        { ANSWER(",\"token_type\":\"bearer\""), OKTA_JWT_OK },
        { ANSWER(",\"token_type\":\"access_token\""), OKTA_JWT_OK },
        { ANSWER(",\"token_type\":\"refresh_token\""), OKTA_JWT_NOT_ACCESS_TOKEN },
        { ANSWER(",\"token_type\":\"Refresh\""), OKTA_JWT_NOT_ACCESS_TOKEN },
        { ANSWER(",\"token_type\":1"), OKTA_JWT_NOT_ACCESS_TOKEN },
        { ANSWER(",\"token_use\":\"access\""), OKTA_JWT_OK },
        { ANSWER(",\"token_use\":\"refresh\""), OKTA_JWT_NOT_ACCESS_TOKEN },
        { "{\"active\":false}", OKTA_JWT_INACTIVE },
        /* "active" must be the JSON true, not a string or a number */
        { "{\"active\":\"true\",\"iss\":\"" ISSUER "\",\"aud\":\"api://default\"}",
          OKTA_JWT_INACTIVE },
        { "{\"active\":1}", OKTA_JWT_INACTIVE },
        { "{\"sub\":\"svc\"}", OKTA_JWT_INACTIVE },
        { ANSWER(",\"exp\":1699999000"), OKTA_JWT_EXPIRED },
        { ANSWER(",\"exp\":\"never\""), OKTA_JWT_EXPIRED },
        /* a time no provider means: refused, without overflowing the arithmetic */
        { ANSWER(",\"exp\":9223372036854775807"), OKTA_JWT_EXPIRED },
        { "active", OKTA_JWT_MALFORMED },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        ck_assert_msg(introspection(rows[i].answer) == rows[i].result, "%s", rows[i].answer);
    }
}
END_TEST

START_TEST(refusals_remembered)
{
    static const struct {
        okta_jwt_result_t result;
        int shared;
    } rows[] = {
        /* the provider said active, and this host refused the token */
        { OKTA_JWT_BAD_ISSUER, 1 },
        { OKTA_JWT_BAD_AUDIENCE, 1 },
        { OKTA_JWT_NOT_ACCESS_TOKEN, 1 },
        { OKTA_JWT_EXPIRED, 1 },
        { OKTA_JWT_NO_SUBJECT, 1 },
        /* nothing shows the token is real */
        { OKTA_JWT_INACTIVE, 0 },
        { OKTA_JWT_MALFORMED, 0 },
        { OKTA_JWT_OK, 0 },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *record = okta_refusal_record(test_pool, rows[i].result);

        ck_assert_int_eq(okta_refusal_is_shared(rows[i].result), rows[i].shared);
        if (rows[i].result != OKTA_JWT_OK) {
            ck_assert_int_eq(okta_refusal_of_record((const unsigned char *)record,
                                                    strlen(record)),
                             rows[i].result);
        }
    }
    /* what is no refusal record */
    ck_assert_int_eq(okta_refusal_of_record((const unsigned char *)"refused:", 8), -1);
    ck_assert_int_eq(okta_refusal_of_record((const unsigned char *)"refused:0", 9), -1);
    ck_assert_int_eq(okta_refusal_of_record((const unsigned char *)"refused:-3", 10), -1);
    ck_assert_int_eq(okta_refusal_of_record((const unsigned char *)"refused:99999", 13), -1);
    ck_assert_int_eq(okta_refusal_of_record((const unsigned char *)"inactive", 8), -1);
    ck_assert_int_eq(okta_refusal_of_record((const unsigned char *)"\x01\x02sealed", 8), -1);
}
END_TEST

/* RFC 6749 2.3.1: id and secret are form-encoded before the base64, so a
 * ':' in the id cannot move the split. */
START_TEST(client_auth_basic_and_post)
{
    const char *form = "grant_type=x";

    ck_assert_str_eq(okta_client_auth(test_pool, 1, "a:b", "p%s", &form),
                     "Basic YSUzQWI6cCUyNXM=");
    ck_assert_str_eq(form, "grant_type=x");
    ck_assert_ptr_null(okta_client_auth(test_pool, 0, "a:b", "p%s", &form));
    ck_assert_str_eq(form, "grant_type=x&client_id=a%3Ab&client_secret=p%25s");
}
END_TEST

TCase *provider_tcase(void)
{
    TCase *tc = tcase_create("provider");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, meta_parse_good_document);
    tcase_add_test(tc, client_auth_basic_and_post);
    tcase_add_test(tc, meta_parse_without_end_session_endpoint);
    tcase_add_test(tc, meta_parse_issuer_must_match_exactly);
    tcase_add_test(tc, meta_parse_missing_token_endpoint);
    tcase_add_test(tc, meta_parse_endpoint_not_a_string);
    tcase_add_test(tc, meta_parse_not_json);
    tcase_add_test(tc, meta_parse_http_endpoint_refused);
    tcase_add_test(tc, meta_parse_http_on_loopback_accepted);
    tcase_add_test(tc, url_secure_or_loopback_accepts);
    tcase_add_test(tc, url_secure_or_loopback_refuses);
    tcase_add_test(tc, url_secure_or_loopback_refuses_userinfo_trick);
    tcase_add_test(tc, token_response_success_all_fields);
    tcase_add_test(tc, token_response_success_minimal);
    tcase_add_test(tc, token_response_expires_in_at_most_a_year);
    tcase_add_test(tc, token_response_error);
    tcase_add_test(tc, token_response_error_without_description);
    tcase_add_test(tc, token_response_not_json);
    tcase_add_test(tc, token_response_neither_token_nor_error);
    tcase_add_test(tc, token_response_token_characters);
    tcase_add_test(tc, userinfo_about_the_user_or_refused);
    tcase_add_test(tc, introspection_answers);
    tcase_add_test(tc, refusals_remembered);
    return tc;
}
