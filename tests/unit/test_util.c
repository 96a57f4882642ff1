/* SPDX-License-Identifier: Apache-2.0 */
/* okta_util: base64url, URL encoding, query and cookie parsing, local paths. */
#include <string.h>

#include <apr_strings.h>
#include <apr_tables.h>

#include "okta_util.h"
#include "unit.h"

/* RFC 4648 section 10, without the padding base64url drops. */
static const struct {
    const char *plain;
    const char *encoded;
} rfc4648[] = {
    { "", "" },
    { "f", "Zg" },
    { "fo", "Zm8" },
    { "foo", "Zm9v" },
    { "foob", "Zm9vYg" },
    { "fooba", "Zm9vYmE" },
    { "foobar", "Zm9vYmFy" },
};

static apr_status_t decode_str(unsigned char **out, apr_size_t *outlen, const char *in)
{
    return okta_b64url_decode(out, outlen, test_pool, in, strlen(in));
}

START_TEST(b64url_encode_rfc4648_vectors)
{
    size_t i;

    for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
        const char *plain = rfc4648[i].plain;
        ck_assert_str_eq(okta_b64url_encode(test_pool, (const unsigned char *)plain,
                                            strlen(plain)),
                         rfc4648[i].encoded);
    }
}
END_TEST

START_TEST(b64url_encode_uses_url_alphabet)
{
    static const unsigned char minus[] = { 0xfb, 0xef, 0xbe };
    static const unsigned char underscore[] = { 0xff, 0xff, 0xff };
    static const unsigned char both[] = { 0xfb, 0xff };

    ck_assert_str_eq(okta_b64url_encode(test_pool, minus, sizeof(minus)), "----");
    ck_assert_str_eq(okta_b64url_encode(test_pool, underscore, sizeof(underscore)), "____");
    ck_assert_str_eq(okta_b64url_encode(test_pool, both, sizeof(both)), "-_8");
}
END_TEST

START_TEST(b64url_decode_rfc4648_vectors)
{
    size_t i;

    for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
        unsigned char *out = NULL;
        apr_size_t outlen = 99;

        ck_assert_int_eq(decode_str(&out, &outlen, rfc4648[i].encoded), APR_SUCCESS);
        ck_assert_uint_eq(outlen, strlen(rfc4648[i].plain));
        ck_assert_mem_eq(out, rfc4648[i].plain, outlen);
        ck_assert_int_eq(out[outlen], '\0');
    }
}
END_TEST

START_TEST(b64url_decode_url_alphabet_and_binary)
{
    unsigned char *out;
    apr_size_t outlen;

    ck_assert_int_eq(decode_str(&out, &outlen, "-_8"), APR_SUCCESS);
    ck_assert_uint_eq(outlen, 2);
    ck_assert_int_eq(out[0], 0xfb);
    ck_assert_int_eq(out[1], 0xff);

    ck_assert_int_eq(decode_str(&out, &outlen, "AGEA"), APR_SUCCESS);
    ck_assert_uint_eq(outlen, 3);
    ck_assert_mem_eq(out, "\0a\0", 3);
}
END_TEST

START_TEST(b64url_decode_honours_length)
{
    unsigned char *out;
    apr_size_t outlen;

    ck_assert_int_eq(okta_b64url_decode(&out, &outlen, test_pool, "Zm9vYmFy", 4), APR_SUCCESS);
    ck_assert_uint_eq(outlen, 3);
    ck_assert_str_eq((const char *)out, "foo");
}
END_TEST

START_TEST(b64url_decode_rejects_standard_alphabet)
{
    unsigned char *out;
    apr_size_t outlen;

    ck_assert_int_eq(decode_str(&out, &outlen, "++++"), APR_EINVAL);
    ck_assert_int_eq(decode_str(&out, &outlen, "//8"), APR_EINVAL);
}
END_TEST

START_TEST(b64url_decode_rejects_invalid_chars)
{
    unsigned char *out;
    apr_size_t outlen;

    ck_assert_int_eq(decode_str(&out, &outlen, "Zm 9"), APR_EINVAL);
    ck_assert_int_eq(decode_str(&out, &outlen, "Zm9\n"), APR_EINVAL);
    ck_assert_int_eq(decode_str(&out, &outlen, "Zm.v"), APR_EINVAL);
    ck_assert_int_eq(decode_str(&out, &outlen, "Zm\xc3\xa9"), APR_EINVAL);
    ck_assert_int_eq(okta_b64url_decode(&out, &outlen, test_pool, "Zm\0v", 4), APR_EINVAL);
}
END_TEST

START_TEST(b64url_decode_rejects_padding)
{
    unsigned char *out;
    apr_size_t outlen;

    ck_assert_int_eq(decode_str(&out, &outlen, "Zg=="), APR_EINVAL);
    ck_assert_int_eq(decode_str(&out, &outlen, "Zm8="), APR_EINVAL);
    ck_assert_int_eq(decode_str(&out, &outlen, "Zg"), APR_SUCCESS);
}
END_TEST

START_TEST(b64url_decode_rejects_impossible_length)
{
    unsigned char *out;
    apr_size_t outlen;

    /* 4n+1 characters cannot come from any byte string */
    ck_assert_int_eq(decode_str(&out, &outlen, "Z"), APR_EINVAL);
    ck_assert_int_eq(decode_str(&out, &outlen, "Zm9vY"), APR_EINVAL);
    ck_assert_int_eq(decode_str(&out, &outlen, "Zm9vYmFyZ"), APR_EINVAL);
}
END_TEST

START_TEST(url_encode_keeps_only_unreserved)
{
    ck_assert_str_eq(okta_url_encode(test_pool, "AZaz09-._~"), "AZaz09-._~");
    ck_assert_str_eq(okta_url_encode(test_pool, "a b+c&d=e/f?g#h%"),
                     "a%20b%2Bc%26d%3De%2Ff%3Fg%23h%25");
    ck_assert_str_eq(okta_url_encode(test_pool, "\xc3\xa9"), "%C3%A9");
    ck_assert_str_eq(okta_url_encode(test_pool, ""), "");
}
END_TEST

static apr_status_t url_decode_str(char **out, const char *in)
{
    return okta_url_decode(out, test_pool, in, strlen(in));
}

START_TEST(url_decode_plus_and_escapes)
{
    char *out;

    ck_assert_int_eq(url_decode_str(&out, "a+b%20c%2fd%2F%7e"), APR_SUCCESS);
    ck_assert_str_eq(out, "a b c/d/~");
    ck_assert_int_eq(url_decode_str(&out, "%C3%A9"), APR_SUCCESS);
    ck_assert_str_eq(out, "\xc3\xa9");
    ck_assert_int_eq(url_decode_str(&out, ""), APR_SUCCESS);
    ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(url_decode_honours_length)
{
    char *out;

    ck_assert_int_eq(okta_url_decode(&out, test_pool, "abc%41def", 6), APR_SUCCESS);
    ck_assert_str_eq(out, "abcA");
}
END_TEST

START_TEST(url_decode_round_trips_encode)
{
    const char *original = "x=1&y=\xe2\x82\xac / \"q\" + 100%";
    char *out;

    ck_assert_int_eq(url_decode_str(&out, okta_url_encode(test_pool, original)), APR_SUCCESS);
    ck_assert_str_eq(out, original);
}
END_TEST

START_TEST(form_add_encodes_and_joins)
{
    const char *form = "";

    okta_form_add(test_pool, &form, "grant_type", "refresh_token");
    ck_assert_str_eq(form, "grant_type=refresh_token");
    okta_form_add(test_pool, &form, "redirect_uri", "http://h/cb?a=b&c");
    okta_form_add(test_pool, &form, "odd name", "x y+z");
    ck_assert_str_eq(form, "grant_type=refresh_token&redirect_uri=http%3A%2F%2Fh%2Fcb%3Fa%3Db"
                           "%26c&odd%20name=x%20y%2Bz");
}
END_TEST

START_TEST(url_decode_rejects_bad_escape)
{
    char *out;

    ck_assert_int_eq(url_decode_str(&out, "%"), APR_EINVAL);
    ck_assert_int_eq(url_decode_str(&out, "a%2"), APR_EINVAL);
    ck_assert_int_eq(url_decode_str(&out, "%zz"), APR_EINVAL);
    ck_assert_int_eq(url_decode_str(&out, "%2g"), APR_EINVAL);
    ck_assert_int_eq(url_decode_str(&out, "%g2"), APR_EINVAL);
    /* the escape is cut by the length, though the string goes on */
    ck_assert_int_eq(okta_url_decode(&out, test_pool, "ab%41", 4), APR_EINVAL);
}
END_TEST

START_TEST(url_decode_rejects_encoded_nul)
{
    char *out;

    ck_assert_int_eq(url_decode_str(&out, "%00"), APR_EINVAL);
    ck_assert_int_eq(url_decode_str(&out, "admin%00.txt"), APR_EINVAL);
}
END_TEST

START_TEST(query_parse_decodes_names_and_values)
{
    apr_table_t *params = NULL;
    const char *value;

    ck_assert_int_eq(okta_query_parse(&params, test_pool,
                                      "code=abc%2Fdef&state=x+y&empty=&re%64irect=%26"),
                     APR_SUCCESS);
    ck_assert_ptr_nonnull(params);
    ck_assert_int_eq(okta_query_get_unique(params, "code", &value), OKTA_PARAM_OK);
    ck_assert_str_eq(value, "abc/def");
    ck_assert_int_eq(okta_query_get_unique(params, "state", &value), OKTA_PARAM_OK);
    ck_assert_str_eq(value, "x y");
    ck_assert_int_eq(okta_query_get_unique(params, "empty", &value), OKTA_PARAM_OK);
    ck_assert_str_eq(value, "");
    ck_assert_int_eq(okta_query_get_unique(params, "redirect", &value), OKTA_PARAM_OK);
    ck_assert_str_eq(value, "&");
}
END_TEST

START_TEST(query_get_unique_missing)
{
    apr_table_t *params;
    const char *value = NULL;

    ck_assert_int_eq(okta_query_parse(&params, test_pool, "code=1"), APR_SUCCESS);
    ck_assert_int_eq(okta_query_get_unique(params, "state", &value), OKTA_PARAM_MISSING);
    ck_assert_int_eq(okta_query_get_unique(params, "cod", &value), OKTA_PARAM_MISSING);

    ck_assert_int_eq(okta_query_parse(&params, test_pool, ""), APR_SUCCESS);
    ck_assert_int_eq(okta_query_get_unique(params, "code", &value), OKTA_PARAM_MISSING);
}
END_TEST

START_TEST(query_get_unique_repeated)
{
    apr_table_t *params;
    const char *value;

    ck_assert_int_eq(okta_query_parse(&params, test_pool, "state=a&code=1&state=b"),
                     APR_SUCCESS);
    ck_assert_int_eq(okta_query_get_unique(params, "state", &value), OKTA_PARAM_REPEATED);
    ck_assert_int_eq(okta_query_get_unique(params, "code", &value), OKTA_PARAM_OK);
    ck_assert_str_eq(value, "1");

    /* the same name spelt two ways is still the same parameter */
    ck_assert_int_eq(okta_query_parse(&params, test_pool, "state=a&st%61te=a"), APR_SUCCESS);
    ck_assert_int_eq(okta_query_get_unique(params, "state", &value), OKTA_PARAM_REPEATED);
}
END_TEST

static void assert_cookie(const char *header, const char *name, const char *expected)
{
    const char *value = NULL;
    apr_size_t len = 0;

    ck_assert_msg(okta_cookie_find(header, name, &value, &len) == 1,
                  "cookie %s not found once in \"%s\"", name, header);
    ck_assert_uint_eq(len, strlen(expected));
    ck_assert_mem_eq(value, expected, len);
    /* the value points into the header, it is not a copy */
    ck_assert(value >= header && value + len <= header + strlen(header));
}

START_TEST(cookie_find_among_several)
{
    assert_cookie("a=1; okta_session=abc; b=2", "okta_session", "abc");
    assert_cookie("okta_session=abc; b=2", "okta_session", "abc");
    assert_cookie("a=1; okta_session=abc", "okta_session", "abc");
    assert_cookie("okta_session=abc", "okta_session", "abc");
    assert_cookie("a=1; okta_session=; b=2", "okta_session", "");
    assert_cookie("a=1; b=x=y", "b", "x=y");
}
END_TEST

START_TEST(cookie_find_tolerates_spacing)
{
    assert_cookie("a=1;okta_session=abc;b=2", "okta_session", "abc");
    assert_cookie("a=1;   okta_session=abc  ;b=2", "okta_session", "abc");
    assert_cookie("  okta_session=abc", "okta_session", "abc");
}
END_TEST

/* Every value of a name, in order: a parent domain's cookie beside the
 * site's; a prefixed name is another name. */
START_TEST(cookie_values_of_a_name)
{
    apr_array_header_t *values;

    values = okta_cookie_values(test_pool, "okta_session=a; x=1; okta_session=b", "okta_session");
    ck_assert_int_eq(values->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(values, 0, const char *), "a");
    ck_assert_str_eq(APR_ARRAY_IDX(values, 1, const char *), "b");
    values = okta_cookie_values(test_pool, "__Host-okta_session=a; okta_session=b",
                                "__Host-okta_session");
    ck_assert_int_eq(values->nelts, 1);
    ck_assert_str_eq(APR_ARRAY_IDX(values, 0, const char *), "a");
    values = okta_cookie_values(test_pool, "__Host-okta_session=a", "okta_session");
    ck_assert_int_eq(values->nelts, 0);
    ck_assert_int_eq(okta_cookie_values(test_pool, "", "okta_session")->nelts, 0);
}
END_TEST

START_TEST(cookie_name_for_the_site)
{
    ck_assert_str_eq(okta_cookie_name("__Host-okta_session", 1), "__Host-okta_session");
    ck_assert_str_eq(okta_cookie_name("__Host-okta_login", 1), "__Host-okta_login");
    ck_assert_str_eq(okta_cookie_name("__Host-okta_session", 0), "okta_session");
    ck_assert_str_eq(okta_cookie_name("__Host-okta_login", 0), "okta_login");
    /* a name without the prefix is the same on both */
    ck_assert_str_eq(okta_cookie_name("other", 0), "other");
}
END_TEST

/* The module's cookies taken out of a Cookie header, as a table. */
START_TEST(cookie_header_without_the_modules)
{
    static const char *const names[] = { "__Host-okta_session", "okta_session", "okta_login" };
    static const struct {
        const char *header, *expected;
    } cases[] = {
        { "a=1; okta_session=x; b=2", "a=1; b=2" },
        { "okta_session=x", "" },
        { "okta_session=x; __Host-okta_session=y; okta_login=z", "" },
        { "a=1;okta_session=x;b=2;c=3;d=4;e=5", "a=1; b=2; c=3; d=4; e=5" },
        { "  okta_login=z ;a=1 ;  ", "a=1" },
        { "okta_session=x; okta_session=y; a=b=c", "a=b=c" },
        { "a=okta_session=x; my_okta_session=1; okta_sessions=2", NULL }, /* kept as it is */
        { "a=1; b=2", NULL },
        { "", NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *out = okta_cookie_header_without(test_pool, cases[i].header, names, 3);
        if (cases[i].expected) {
            ck_assert_msg(strcmp(out, cases[i].expected) == 0, "\"%s\" gave \"%s\"",
                          cases[i].header, out);
        }
        else {
            ck_assert_msg(out == cases[i].header, "\"%s\" was copied", cases[i].header);
        }
    }
}
END_TEST

START_TEST(cookie_names_an_operator_may_choose)
{
    static const char *const usable[] = { "app_session", "SID", "a-b.c!#$%&'*+^`|~" };
    static const char *const refused[] = { "", "__Host-app", "__host-app", "__Secure-app",
                                           "a b", "a;b", "a=b", "a,b", "a\"b", "a\tb", "é" };
    size_t i;

    for (i = 0; i < sizeof(usable) / sizeof(usable[0]); i++) {
        ck_assert_msg(okta_cookie_name_usable(usable[i]), "%s refused", usable[i]);
    }
    for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        ck_assert_msg(!okta_cookie_name_usable(refused[i]), "%s accepted", refused[i]);
    }
}
END_TEST

START_TEST(cookie_find_absent)
{
    const char *value;
    apr_size_t len;

    ck_assert_int_eq(okta_cookie_find("a=1; b=2", "okta_session", &value, &len), 0);
    ck_assert_int_eq(okta_cookie_find("", "okta_session", &value, &len), 0);
    ck_assert_int_eq(okta_cookie_find("a=okta_session; b=2", "okta_session",
                                      &value, &len), 0);
}
END_TEST

START_TEST(cookie_find_repeated)
{
    const char *value;
    apr_size_t len;

    ck_assert_int_eq(okta_cookie_find("okta_session=a; x=1; okta_session=b", "okta_session",
                                      &value, &len), -1);
    ck_assert_int_eq(okta_cookie_find("okta_session=a;okta_session=a", "okta_session",
                                      &value, &len), -1);
}
END_TEST

START_TEST(cookie_find_ignores_names_sharing_a_prefix_or_suffix)
{
    const char *value;
    apr_size_t len;

    ck_assert_int_eq(okta_cookie_find("xokta_session=evil", "okta_session", &value, &len), 0);
    ck_assert_int_eq(okta_cookie_find("a=1; my_okta_session=evil", "okta_session",
                                      &value, &len), 0);
    ck_assert_int_eq(okta_cookie_find("okta_session_old=evil", "okta_session",
                                      &value, &len), 0);
    ck_assert_int_eq(okta_cookie_find("okta_session=abc", "okta", &value, &len), 0);
    ck_assert_int_eq(okta_cookie_find("okta_session=abc", "session", &value, &len), 0);
    /* the look-alikes are not counted as repetitions either */
    assert_cookie("xokta_session=evil; okta_session=good; okta_session_old=evil",
                  "okta_session", "good");
}
END_TEST

START_TEST(ct_streq_compares_exactly)
{
    ck_assert_int_eq(okta_ct_streq("secret-state", "secret-state"), 1);
    ck_assert_int_eq(okta_ct_streq("", ""), 1);
    ck_assert_int_eq(okta_ct_streq("secret-state", "secret-statf"), 0);
    ck_assert_int_eq(okta_ct_streq("secret-state", "Secret-state"), 0);
    ck_assert_int_eq(okta_ct_streq("secret", "secret-state"), 0);
    ck_assert_int_eq(okta_ct_streq("secret-state", "secret"), 0);
    ck_assert_int_eq(okta_ct_streq("", "a"), 0);
}
END_TEST

START_TEST(b64token_as_rfc6750_says)
{
    static const struct {
        const char *token;
        int ok;
    } rows[] = {
        { "mF_9.B5f-4.1JqM", 1 }, /* RFC 6750's example */
        { "eyJhbGciOi.eyJzdWIi.c2ln", 1 },
        { "abc+/~==", 1 },
        { "a", 1 },
        { "", 0 },
        { "==", 0 },
        { "ab=c", 0 },
        { "ab c", 0 },
        { "ab!c", 0 },
        { "ab%41", 0 },
        { "ab\"c", 0 },
        { "ab\tc", 0 },
        { "\xc3\xa9t\xc3\xa9", 0 },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        ck_assert_msg(okta_is_b64token(rows[i].token) == rows[i].ok, "'%s'", rows[i].token);
    }
}
END_TEST

START_TEST(is_local_path_accepts_local_paths)
{
    ck_assert_int_eq(okta_is_local_path("/"), 1);
    ck_assert_int_eq(okta_is_local_path("/a?b=c"), 1);
    ck_assert_int_eq(okta_is_local_path("/app/page.html#frag"), 1);
    ck_assert_int_eq(okta_is_local_path("/a//b"), 1);
}
END_TEST

START_TEST(is_local_path_rejects_other_origins)
{
    ck_assert_int_eq(okta_is_local_path(""), 0);
    ck_assert_int_eq(okta_is_local_path("//evil.example"), 0);
    ck_assert_int_eq(okta_is_local_path("//evil.example/a"), 0);
    ck_assert_int_eq(okta_is_local_path("/\\evil.example"), 0);
    ck_assert_int_eq(okta_is_local_path("http://x"), 0);
    ck_assert_int_eq(okta_is_local_path("https://evil.example/"), 0);
    ck_assert_int_eq(okta_is_local_path("\\x"), 0);
    ck_assert_int_eq(okta_is_local_path("javascript:alert(1)"), 0);
    ck_assert_int_eq(okta_is_local_path("a/b"), 0);
}
END_TEST

START_TEST(is_local_path_rejects_controls_and_backslashes)
{
    ck_assert_int_eq(okta_is_local_path("/a\r\n"), 0);
    ck_assert_int_eq(okta_is_local_path("/a\r\nSet-Cookie: x=1"), 0);
    ck_assert_int_eq(okta_is_local_path("/\t/evil.example"), 0);
    ck_assert_int_eq(okta_is_local_path("/a\x7f"), 0);
    ck_assert_int_eq(okta_is_local_path("/a\\b"), 0);
}
END_TEST

TCase *util_tcase(void)
{
    TCase *tc = tcase_create("util");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, b64url_encode_rfc4648_vectors);
    tcase_add_test(tc, b64url_encode_uses_url_alphabet);
    tcase_add_test(tc, b64url_decode_rfc4648_vectors);
    tcase_add_test(tc, b64url_decode_url_alphabet_and_binary);
    tcase_add_test(tc, b64url_decode_honours_length);
    tcase_add_test(tc, b64url_decode_rejects_standard_alphabet);
    tcase_add_test(tc, b64url_decode_rejects_invalid_chars);
    tcase_add_test(tc, b64url_decode_rejects_padding);
    tcase_add_test(tc, b64url_decode_rejects_impossible_length);
    tcase_add_test(tc, url_encode_keeps_only_unreserved);
    tcase_add_test(tc, url_decode_plus_and_escapes);
    tcase_add_test(tc, url_decode_honours_length);
    tcase_add_test(tc, url_decode_round_trips_encode);
    tcase_add_test(tc, form_add_encodes_and_joins);
    tcase_add_test(tc, url_decode_rejects_bad_escape);
    tcase_add_test(tc, url_decode_rejects_encoded_nul);
    tcase_add_test(tc, query_parse_decodes_names_and_values);
    tcase_add_test(tc, query_get_unique_missing);
    tcase_add_test(tc, query_get_unique_repeated);
    tcase_add_test(tc, cookie_find_among_several);
    tcase_add_test(tc, cookie_find_tolerates_spacing);
    tcase_add_test(tc, cookie_find_absent);
    tcase_add_test(tc, cookie_values_of_a_name);
    tcase_add_test(tc, cookie_name_for_the_site);
    tcase_add_test(tc, cookie_header_without_the_modules);
    tcase_add_test(tc, cookie_names_an_operator_may_choose);
    tcase_add_test(tc, cookie_find_repeated);
    tcase_add_test(tc, cookie_find_ignores_names_sharing_a_prefix_or_suffix);
    tcase_add_test(tc, ct_streq_compares_exactly);
    tcase_add_test(tc, is_local_path_accepts_local_paths);
    tcase_add_test(tc, is_local_path_rejects_other_origins);
    tcase_add_test(tc, is_local_path_rejects_controls_and_backslashes);
    tcase_add_test(tc, b64token_as_rfc6750_says);
    return tc;
}
