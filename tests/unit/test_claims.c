/* SPDX-License-Identifier: Apache-2.0 */
/* okta_claims: merging the ID token's claims with userinfo's, and the
 * three forms a session keeps them in. */
#include <string.h>

#include <apr_strings.h>

#include "okta_claims.h"
#include "unit.h"

static const okta_claim_t *find_claim(const okta_claim_t *claims, int n, const char *env)
{
    int i;

    for (i = 0; i < n; i++) {
        if (strcmp(claims[i].env_name, env) == 0) {
            return &claims[i];
        }
    }
    ck_abort_msg("claim %s not produced", env);
    return NULL;
}

static void assert_claim(const okta_claim_t *claims, int n, const char *name,
                         const char *value)
{
    const okta_claim_t *c = find_claim(claims, n, apr_pstrcat(test_pool, "OKTA_CLAIM_",
                                                              name, NULL));

    char *header = apr_pstrcat(test_pool, "X-Okta-Claim-", name, NULL), *dash;

    /* headers carry '-' where the environment name has '_' */
    for (dash = header + strlen("X-Okta-Claim-"); *dash; dash++) {
        if (*dash == '_') {
            *dash = '-';
        }
    }
    ck_assert_str_eq(c->header_name, header);
    ck_assert_str_eq(c->value, value);
}

START_TEST(claims_flatten_value_types)
{
    json_t *payload = json_pack("{s:s, s:I, s:b, s:b, s:[s,s,s], s:{s:s}, s:[i,s], s:n}",
                                "email", "ada@example.com",
                                "auth_time", (json_int_t)1700000000,
                                "email_verified", 1,
                                "locked", 0,
                                "groups", "admins", "staff", "ops",
                                "address", "country", "FR",
                                "mixed", 1, "a",
                                "nothing");
    okta_claim_t *claims = NULL;
    int n = -1;

    ck_assert_ptr_nonnull(payload);
    ck_assert_int_eq(okta_claims_flatten(&claims, &n, test_pool, payload, NULL), APR_SUCCESS);
    ck_assert_int_eq(n, 8);
    assert_claim(claims, n, "email", "ada@example.com");
    assert_claim(claims, n, "auth_time", "1700000000");
    assert_claim(claims, n, "email_verified", "true");
    assert_claim(claims, n, "locked", "false");
    assert_claim(claims, n, "groups", "admins,staff,ops");
    assert_claim(claims, n, "address", "{\"country\":\"FR\"}");
    assert_claim(claims, n, "mixed", "[1,\"a\"]");
    assert_claim(claims, n, "nothing", "null");
    json_decref(payload);
}
END_TEST

/* A control character (CR, LF, ...) in a header value would split it or
 * inject another header towards a backend: such a claim is withheld. */
START_TEST(claims_flatten_withholds_control_characters)
{
    json_t *payload = json_pack("{s:s, s:s, s:[s,s], s:s, s:{s:s}}",
                                "title", "boss\r\nX-Okta-Claim-Role: admin",
                                "email", "ada@example.com",
                                "groups", "staff", "ops\nadmins",
                                "tab", "a\tb",
                                "address", "street", "1 Main St\nApt 2");
    const char *withheld = NULL;
    okta_claim_t *claims = NULL;
    int n = -1, i;

    ck_assert_int_eq(okta_claims_flatten(&claims, &n, test_pool, payload, &withheld),
                     APR_SUCCESS);
    ck_assert_int_eq(n, 2);
    assert_claim(claims, n, "email", "ada@example.com");
    /* JSON escapes them: the nested object is safe as it is */
    assert_claim(claims, n, "address", "{\"street\":\"1 Main St\\nApt 2\"}");
    for (i = 0; i < n; i++) {
        ck_assert_ptr_null(strpbrk(claims[i].value, "\r\n\t"));
    }
    ck_assert_str_eq(withheld, "title, groups, tab");
    json_decref(payload);
}
END_TEST

/* Items are joined with ','; one containing ',' must not read as two. */
START_TEST(claims_flatten_joins_items_unambiguously)
{
    json_t *payload = json_pack("{s:[s,s,s], s:s}", "groups", "Sales, EMEA", "100%", "ops",
                                "motto", "a, b");
    const char *withheld = "unset";
    okta_claim_t *claims = NULL;
    int n = -1;

    ck_assert_int_eq(okta_claims_flatten(&claims, &n, test_pool, payload, &withheld),
                     APR_SUCCESS);
    assert_claim(claims, n, "groups", "Sales%2C EMEA,100%25,ops");
    assert_claim(claims, n, "motto", "a, b");
    ck_assert_ptr_null(withheld);
    json_decref(payload);
}
END_TEST

/* Header names are case-insensitive, and names are sanitised: claims whose
 * names give one header or variable name would be handed on twice, the
 * application taking either: all of them are withheld. */
START_TEST(claims_flatten_withholds_names_that_collide)
{
    json_t *payload = json_loads("{\"Email\":\"mallory@evil.example\","
                                 "\"email\":\"ada@example.com\",\"e.mail\":\"x\","
                                 "\"e_mail\":\"y\",\"name\":\"Ada\"}", 0, NULL);
    const char *withheld = NULL;
    okta_claim_t *claims = NULL;
    int n = -1;

    ck_assert_ptr_nonnull(payload);
    ck_assert_int_eq(okta_claims_flatten(&claims, &n, test_pool, payload, &withheld),
                     APR_SUCCESS);
    ck_assert_int_eq(n, 1);
    assert_claim(claims, n, "name", "Ada");
    ck_assert_ptr_nonnull(withheld);
    ck_assert_ptr_nonnull(strstr(withheld, "Email"));
    ck_assert_ptr_nonnull(strstr(withheld, "email"));
    ck_assert_ptr_nonnull(strstr(withheld, "e.mail"));
    ck_assert_ptr_nonnull(strstr(withheld, "e_mail"));
    json_decref(payload);
}
END_TEST

START_TEST(claims_flatten_sanitises_names)
{
    json_t *payload = json_pack("{s:s, s:s, s:s}", "given-name", "Ada", "app.role", "admin",
                                "https://x.example/tenant", "t1");
    okta_claim_t *claims = NULL;
    int n = -1;

    ck_assert_int_eq(okta_claims_flatten(&claims, &n, test_pool, payload, NULL), APR_SUCCESS);
    ck_assert_int_eq(n, 3);
    assert_claim(claims, n, "given_name", "Ada");
    assert_claim(claims, n, "app_role", "admin");
    assert_claim(claims, n, "https___x_example_tenant", "t1");
    json_decref(payload);
}
END_TEST

START_TEST(claims_flatten_empty_object)
{
    json_t *payload = json_pack("{s:{}}", "extra");
    okta_claim_t *claims = NULL;
    int n = -1;

    ck_assert_int_eq(okta_claims_flatten(&claims, &n, test_pool, payload, NULL), APR_SUCCESS);
    ck_assert_int_eq(n, 1);
    assert_claim(claims, n, "extra", "{}");
    json_decref(payload);
}
END_TEST

/* ---- merging ------------------------------------------------------------ */

START_TEST(claims_merge_userinfo_wins_but_not_over_registered_claims)
{
    json_t *id = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "iss", "https://id.example.com",
                           "sub", "00u1", "aud", "client", "exp", (json_int_t)1700000300,
                           "nonce", "n-1", "email", "old@example.com");
    json_t *ui = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:[s,s], s:s}", "iss", "evil",
                           "sub", "00u1", "aud", "other", "exp", (json_int_t)1, "nonce", "x",
                           "acr", "forged", "email", "new@example.com", "groups", "Everyone",
                           "Data Stewards", "sid", "forged-sid");
    json_t *merged = okta_claims_merge(test_pool, id, ui);

    ck_assert_ptr_nonnull(merged);
    ck_assert_str_eq(json_string_value(json_object_get(merged, "iss")), "https://id.example.com");
    ck_assert_str_eq(json_string_value(json_object_get(merged, "aud")), "client");
    ck_assert(json_integer_value(json_object_get(merged, "exp")) == 1700000300);
    ck_assert_str_eq(json_string_value(json_object_get(merged, "nonce")), "n-1");
    /* registered claims the ID token lacks are not taken from userinfo */
    ck_assert_ptr_null(json_object_get(merged, "acr"));
    ck_assert_ptr_null(json_object_get(merged, "sid"));
    ck_assert_str_eq(json_string_value(json_object_get(merged, "email")), "new@example.com");
    ck_assert_int_eq(json_array_size(json_object_get(merged, "groups")), 2);
    /* the ID token's payload itself is left as it was */
    ck_assert_str_eq(json_string_value(json_object_get(id, "email")), "old@example.com");
    ck_assert_ptr_null(json_object_get(id, "groups"));
    json_decref(id);
    json_decref(ui);
}
END_TEST

START_TEST(claims_merge_without_userinfo)
{
    json_t *id = json_pack("{s:s, s:s}", "sub", "00u1", "email", "ada@example.com");
    json_t *merged = okta_claims_merge(test_pool, id, NULL);

    ck_assert(json_equal(merged, id));
    json_decref(id);
}
END_TEST

/* ---- facts -------------------------------------------------------------- */

static int has_fact(const okta_fact_t *facts, int n, const char *path, const char *value)
{
    int i;

    for (i = 0; i < n; i++) {
        if (strcmp(facts[i].path, path) == 0 && strcmp(facts[i].value, value) == 0) {
            return 1;
        }
    }
    return 0;
}

START_TEST(claims_facts_of_every_kind_of_value)
{
    json_t *claims = json_loads("{\"groups\":[\"Everyone\",\"Data Stewards\"],"
                                "\"team\":\"ops\",\"email_verified\":true,\"locked\":false,"
                                "\"employee_number\":42,\"ratio\":1.5,\"manager\":null,"
                                "\"address\":{\"country\":\"NO\",\"geo\":{\"zone\":\"eu\"}},"
                                "\"roles\":[{\"name\":\"admin\"},{\"name\":\"dev\"}],"
                                "\"matrix\":[[\"a\"],[\"b\"]],\"empty\":[]}", 0, NULL);
    okta_fact_t *facts;
    int n;

    ck_assert_ptr_nonnull(claims);
    okta_claims_facts(&facts, &n, test_pool, claims);
    ck_assert(has_fact(facts, n, "groups", "Everyone"));
    ck_assert(has_fact(facts, n, "groups", "Data Stewards"));
    ck_assert(has_fact(facts, n, "team", "ops"));
    ck_assert(has_fact(facts, n, "email_verified", "true"));
    ck_assert(has_fact(facts, n, "locked", "false"));
    ck_assert(has_fact(facts, n, "employee_number", "42"));
    ck_assert(has_fact(facts, n, "ratio", "1.5"));
    ck_assert(has_fact(facts, n, "manager", "null"));
    ck_assert(has_fact(facts, n, "address.country", "NO"));
    ck_assert(has_fact(facts, n, "address.geo.zone", "eu"));
    ck_assert(has_fact(facts, n, "roles.name", "admin"));
    ck_assert(has_fact(facts, n, "roles.name", "dev"));
    ck_assert(has_fact(facts, n, "matrix", "a"));
    ck_assert(has_fact(facts, n, "matrix", "b"));
    ck_assert_int_eq(n, 14);
    json_decref(claims);
}
END_TEST

/* "Admins\u0000x" is not the group Admins, and a name with a NUL is not
 * the shorter name either. */
START_TEST(claims_facts_skip_strings_and_names_with_nul)
{
    json_t *claims = json_object(), *groups = json_array();
    okta_fact_t *facts;
    int n;

    json_array_append_new(groups, json_stringn("Admins\0x", 8));
    json_array_append_new(groups, json_string("Staff"));
    json_object_set_new(claims, "groups", groups);
    json_object_setn_new(claims, "role\0x", 6, json_string("admin"));
    json_object_set_new(claims, "department", json_stringn("Fin\0ance", 8));
    okta_claims_facts(&facts, &n, test_pool, claims);
    ck_assert_int_eq(n, 1);
    ck_assert(has_fact(facts, n, "groups", "Staff"));
    json_decref(claims);
}
END_TEST

START_TEST(claims_facts_stop_at_depth)
{
    char text[2 * 40 + 64];
    json_t *claims;
    okta_fact_t *facts;
    int n, depth;

    /* {"a":{"a":...{"a":"deep"}...}} nested 40 deep, and a shallow claim */
    strcpy(text, "{\"shallow\":\"yes\",\"a\":");
    for (depth = 0; depth < 40; depth++) {
        strcat(text, "[");
    }
    strcat(text, "\"deep\"");
    for (depth = 0; depth < 40; depth++) {
        strcat(text, "]");
    }
    strcat(text, "}");
    claims = json_loads(text, 0, NULL);
    ck_assert_ptr_nonnull(claims);
    okta_claims_facts(&facts, &n, test_pool, claims);
    ck_assert_int_eq(n, 1);
    ck_assert(has_fact(facts, n, "shallow", "yes"));
    json_decref(claims);
}
END_TEST

START_TEST(remote_user_is_a_plain_claim)
{
    static const struct {
        const char *claims;
        okta_user_verdict_t verdict;
        const char *user;
    } rows[] = {
        { "{\"sub\":\"00u1abc\"}", OKTA_USER_OK, "00u1abc" },
        { "{\"sub\":\"J\u00fcrgen M\u00fcller\"}", OKTA_USER_OK, "J\xc3\xbcrgen M\xc3\xbcller" },
        { "{\"sub\":42}", OKTA_USER_OK, "42" },
        { "{\"sub\":\"\"}", OKTA_USER_NO_CLAIM, NULL },
        { "{\"email\":\"a@example.com\"}", OKTA_USER_NO_CLAIM, NULL },
        { "{\"sub\":[\"a\"]}", OKTA_USER_NO_CLAIM, NULL },
        { "{\"sub\":true}", OKTA_USER_NO_CLAIM, NULL },
        { "{\"sub\":\"alice\\r\\nX-Admin: 1\"}", OKTA_USER_CONTROL_CHARACTER, NULL },
        { "{\"sub\":\"alice\\n\"}", OKTA_USER_CONTROL_CHARACTER, NULL },
        { "{\"sub\":\"al\\tice\"}", OKTA_USER_CONTROL_CHARACTER, NULL },
        { "{\"sub\":\"alice\\u007f\"}", OKTA_USER_CONTROL_CHARACTER, NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        json_t *claims = json_loads(rows[i].claims, 0, NULL);
        const char *user = NULL;

        ck_assert_ptr_nonnull(claims);
        ck_assert_msg(okta_remote_user(test_pool, claims, "sub", &user) == rows[i].verdict, "%s",
                      rows[i].claims);
        if (rows[i].user) {
            ck_assert_str_eq(user, rows[i].user);
        }
        json_decref(claims);
    }
}
END_TEST

/* A NUL inside a string (which jansson reads only when asked to) would
 * read as the name before it. */
START_TEST(remote_user_with_a_nul_is_refused)
{
    json_t *claims = json_object();
    const char *user = NULL;

    json_object_set_new(claims, "sub", json_stringn("alice\0admin", 11));
    ck_assert_int_eq(okta_remote_user(test_pool, claims, "sub", &user),
                     OKTA_USER_CONTROL_CHARACTER);
    json_decref(claims);
}
END_TEST

static int rule_matches(const okta_fact_t *facts, int n, const char *path, const char *written)
{
    const char *value = okta_claim_rule_value(test_pool, written);
    int present;

    return okta_facts_match(facts, n, path, &value, 1, &present);
}

/* A member whose name has a dot is not the nested path of the same
 * spelling: a dot in a name is written \. in a rule. */
START_TEST(facts_paths_tell_dotted_names_from_nesting)
{
    json_t *claims = json_loads("{\"org.role\":\"admin\",\"org\":{\"role\":\"user\"},"
                                "\"https://x.example/roles\":[\"ops\"],\"back\\\\slash\":\"b\"}",
                                0, NULL);
    okta_fact_t *facts;
    int n;

    ck_assert_ptr_nonnull(claims);
    okta_claims_facts(&facts, &n, test_pool, claims);
    ck_assert(rule_matches(facts, n, "org.role", "user"));
    ck_assert(!rule_matches(facts, n, "org.role", "admin"));
    ck_assert(rule_matches(facts, n, "org\\.role", "admin"));
    ck_assert(!rule_matches(facts, n, "org\\.role", "user"));
    ck_assert(rule_matches(facts, n, "https://x\\.example/roles", "ops"));
    ck_assert(!rule_matches(facts, n, "https://x.example/roles", "ops"));
    ck_assert(rule_matches(facts, n, "back\\\\slash", "b"));
    json_decref(claims);
}
END_TEST

/* true, false and null in a rule are JSON's: a string claim "true" is not
 * the boolean; a string is written in double quotes to match it. */
START_TEST(facts_values_tell_strings_from_literals)
{
    json_t *claims = json_loads("{\"s\":\"true\",\"b\":true,\"sn\":\"null\",\"n\":null,"
                                "\"sf\":\"false\",\"f\":false,\"num\":42,\"snum\":\"42\","
                                "\"word\":\"ops\"}", 0, NULL);
    okta_fact_t *facts;
    int n;

    ck_assert_ptr_nonnull(claims);
    okta_claims_facts(&facts, &n, test_pool, claims);
    ck_assert(rule_matches(facts, n, "b", "true"));
    ck_assert(!rule_matches(facts, n, "s", "true"));
    ck_assert(rule_matches(facts, n, "s", "\"true\""));
    ck_assert(!rule_matches(facts, n, "b", "\"true\""));
    ck_assert(rule_matches(facts, n, "f", "false"));
    ck_assert(!rule_matches(facts, n, "sf", "false"));
    ck_assert(rule_matches(facts, n, "n", "null"));
    ck_assert(!rule_matches(facts, n, "sn", "null"));
    ck_assert(rule_matches(facts, n, "sn", "\"null\""));
    /* numbers compare by their text, strings of digits included */
    ck_assert(rule_matches(facts, n, "num", "42"));
    ck_assert(rule_matches(facts, n, "snum", "42"));
    ck_assert(rule_matches(facts, n, "word", "ops"));
    ck_assert(rule_matches(facts, n, "word", "\"ops\""));
    json_decref(claims);
}
END_TEST

/* okta-group and okta-scope name strings: a group named "true" is one. */
START_TEST(facts_group_named_like_a_literal)
{
    json_t *claims = json_loads("{\"groups\":[\"true\",\"Admins\"],\"b\":true}", 0, NULL);
    const char *group = okta_claim_string_value(test_pool, "true");
    const char *admins = okta_claim_string_value(test_pool, "Admins");
    okta_fact_t *facts;
    int n, present;

    ck_assert_ptr_nonnull(claims);
    okta_claims_facts(&facts, &n, test_pool, claims);
    ck_assert(okta_facts_match(facts, n, "groups", &group, 1, &present));
    ck_assert(okta_facts_match(facts, n, "groups", &admins, 1, &present));
    ck_assert(!okta_facts_match(facts, n, "b", &group, 1, &present));
    json_decref(claims);
}
END_TEST

/* OktaAccessTokenClients: Okta's cid when the token has one, RFC 9068's
 * client_id only when it has none. */
START_TEST(facts_client_prefers_cid)
{
    static const char *const allowed[] = { "good-app" };
    static const okta_fact_t both[] = { { "cid", "evil-app" }, { "client_id", "good-app" } };
    static const okta_fact_t cid[] = { { "cid", "good-app" }, { "client_id", "other" } };
    static const okta_fact_t client_id[] = { { "client_id", "good-app" } };
    static const okta_fact_t none[] = { { "sub", "good-app" } };

    ck_assert(!okta_facts_client_is(both, 2, allowed, 1));
    ck_assert(okta_facts_client_is(cid, 2, allowed, 1));
    ck_assert(okta_facts_client_is(client_id, 1, allowed, 1));
    ck_assert(!okta_facts_client_is(none, 1, allowed, 1));
}
END_TEST

START_TEST(facts_for_host_needs_its_issuer_and_an_audience)
{
    static const char *const audiences[] = { "api://reports", "api://default" };
    const okta_access_token_expect_t host = { "https://idp.example.com/oauth2/default", "client",
                                              audiences, 2, 0, 60 };
    static const struct {
        okta_fact_t facts[3];
        int nfacts;
        okta_jwt_result_t result;
    } rows[] = {
        { { { "iss", "https://idp.example.com/oauth2/default" }, { "aud", "api://default" } },
          2, OKTA_JWT_OK },
        /* an array of audiences: one fact each */
        { { { "aud", "api://other" }, { "aud", "api://reports" },
            { "iss", "https://idp.example.com/oauth2/default" } },
          3, OKTA_JWT_OK },
        { { { "iss", "https://idp.example.com/oauth2/other" }, { "aud", "api://default" } },
          2, OKTA_JWT_BAD_ISSUER },
        { { { "iss", "https://idp.example.com/oauth2/default" }, { "aud", "api://other" } },
          2, OKTA_JWT_BAD_AUDIENCE },
        { { { "iss", "https://idp.example.com/oauth2/default" } }, 1, OKTA_JWT_BAD_AUDIENCE },
        { { { "aud", "api://default" } }, 1, OKTA_JWT_BAD_ISSUER },
        /* a nested member is not the claim */
        { { { "x.iss", "https://idp.example.com/oauth2/default" }, { "aud", "api://default" } },
          2, OKTA_JWT_BAD_ISSUER },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        ck_assert_msg(okta_facts_for_host(rows[i].facts, rows[i].nfacts, &host) == rows[i].result,
                      "row %d", (int)i);
    }
}
END_TEST

START_TEST(facts_match_any_value_exactly)
{
    static const okta_fact_t facts[] = {
        { "groups", "Everyone" }, { "groups", "Data Stewards" }, { "address.country", "NO" }
    };
    const char *stewards[] = { "Admins", "Data Stewards" };
    const char *lower[] = { "data stewards" };
    const char *prefix[] = { "Data" };
    const char *norway[] = { "NO" };
    int present = -1;

    ck_assert(okta_facts_match(facts, 3, "groups", stewards, 2, &present));
    ck_assert_int_eq(present, 1);
    ck_assert(!okta_facts_match(facts, 3, "groups", lower, 1, &present));
    ck_assert_int_eq(present, 1);
    ck_assert(!okta_facts_match(facts, 3, "groups", prefix, 1, &present));
    ck_assert(okta_facts_match(facts, 3, "address.country", norway, 1, &present));
    ck_assert(!okta_facts_match(facts, 3, "address", norway, 1, &present));
    ck_assert_int_eq(present, 0);
    ck_assert(!okta_facts_match(facts, 3, "roles", stewards, 2, &present));
    ck_assert_int_eq(present, 0);
}
END_TEST

START_TEST(facts_match_a_word)
{
    static const okta_fact_t facts[] = {
        { "scope", "  openid read:reports  write:reports" }, { "scp", "admin" }
    };
    const char *write[] = { "write:reports" };
    const char *part[] = { "read" };
    const char *none[] = { "admin", "reports" };
    const char *empty[] = { "" };

    ck_assert(okta_facts_match_word(facts, 2, "scope", write, 1));
    ck_assert(!okta_facts_match_word(facts, 2, "scope", part, 1));
    ck_assert(!okta_facts_match_word(facts, 2, "scope", none, 2));
    ck_assert(!okta_facts_match_word(facts, 2, "scope", empty, 1));
    ck_assert(!okta_facts_match_word(facts, 2, "scp", write, 1));
}
END_TEST

/* ---- a session's three forms -------------------------------------------- */

START_TEST(claims_set_survives_session_round_trip)
{
    json_t *claims = json_loads("{\"sub\":\"00u1\",\"groups\":[\"a\",\"b\"],"
                                "\"address\":{\"country\":\"NO\"}}", 0, NULL);
    okta_session_t in, out;
    apr_size_t len;
    unsigned char *buf;
    int present;
    const char *b[] = { "b" };

    memset(&in, 0, sizeof(in));
    in.issuer = in.client_id = in.user = in.id_token = in.access_token = "x";
    in.refresh_token = "";
    ck_assert_int_eq(okta_claims_set(&in, test_pool, claims, NULL), APR_SUCCESS);
    ck_assert_int_eq(okta_session_encode(&buf, &len, test_pool, &in), APR_SUCCESS);
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_SUCCESS);
    ck_assert_str_eq(out.claims_json,
                     "{\"sub\":\"00u1\",\"groups\":[\"a\",\"b\"],\"address\":{\"country\":\"NO\"}}");
    ck_assert_int_eq(out.nclaims, 3);
    assert_claim(out.claims, out.nclaims, "sub", "00u1");
    assert_claim(out.claims, out.nclaims, "groups", "a,b");
    assert_claim(out.claims, out.nclaims, "address", "{\"country\":\"NO\"}");
    ck_assert_int_eq(out.nfacts, 4);
    ck_assert(okta_facts_match(out.facts, out.nfacts, "groups", b, 1, &present));
    json_decref(claims);
}
END_TEST

TCase *claims_tcase(void)
{
    TCase *tc = tcase_create("claims");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, claims_merge_userinfo_wins_but_not_over_registered_claims);
    tcase_add_test(tc, claims_merge_without_userinfo);
    tcase_add_test(tc, claims_flatten_value_types);
    tcase_add_test(tc, claims_flatten_withholds_control_characters);
    tcase_add_test(tc, claims_flatten_joins_items_unambiguously);
    tcase_add_test(tc, claims_flatten_sanitises_names);
    tcase_add_test(tc, claims_flatten_empty_object);
    tcase_add_test(tc, claims_facts_of_every_kind_of_value);
    tcase_add_test(tc, claims_facts_skip_strings_and_names_with_nul);
    tcase_add_test(tc, claims_facts_stop_at_depth);
    tcase_add_test(tc, facts_match_any_value_exactly);
    tcase_add_test(tc, facts_for_host_needs_its_issuer_and_an_audience);
    tcase_add_test(tc, remote_user_is_a_plain_claim);
    tcase_add_test(tc, remote_user_with_a_nul_is_refused);
    tcase_add_test(tc, claims_flatten_withholds_names_that_collide);
    tcase_add_test(tc, facts_paths_tell_dotted_names_from_nesting);
    tcase_add_test(tc, facts_values_tell_strings_from_literals);
    tcase_add_test(tc, facts_client_prefers_cid);
    tcase_add_test(tc, facts_group_named_like_a_literal);
    tcase_add_test(tc, facts_match_a_word);
    tcase_add_test(tc, claims_set_survives_session_round_trip);
    return tc;
}
