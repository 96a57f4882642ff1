/* SPDX-License-Identifier: Apache-2.0 */
/* okta_record: session, login and refresh records. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>

#include "okta_record.h"
#include "unit.h"

static okta_claim_t sample_claims[] = {
    { "OKTA_CLAIM_email", "X-Okta-Claim-email", "ada@example.com" },
    { "OKTA_CLAIM_groups", "X-Okta-Claim-groups", "admins,staff" },
};

static okta_fact_t sample_facts[] = {
    { "groups", "admins" },
    { "groups", "staff" },
    { "address.country", "FR" },
};

static okta_session_t sample_session(void)
{
    okta_session_t s;

    memset(&s, 0, sizeof(s));
    s.created = APR_INT64_C(1700000000);
    s.last_seen = APR_INT64_C(1700000123);
    /* beyond 32 bits, to catch integers truncated on the way */
    s.access_expires = APR_INT64_C(0x123456789a);
    s.refresh_sent_at = APR_INT64_C(1700000200);
    s.issuer = "https://id.example.com/oauth2/default";
    s.client_id = "0oa1client";
    s.user = "ada@example.com";
    s.id_token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln";
    s.access_token = "access-token-value";
    s.refresh_token = "refresh-token-value";
    s.claims_json = "{\"groups\":[\"admins\",\"staff\"],\"address\":{\"country\":\"FR\"}}";
    s.nclaims = 2;
    s.claims = sample_claims;
    s.nfacts = 3;
    s.facts = sample_facts;
    return s;
}

static okta_login_t sample_login(void)
{
    okta_login_t l;

    l.created = APR_INT64_C(1700000000);
    l.silent = 1;
    l.state = "state-abc";
    l.nonce = "nonce-def";
    l.code_verifier = "verifier-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ";
    l.return_to = "/app/page?x=1&y=2";
    return l;
}

static unsigned char *encode_session(apr_size_t *len, const okta_session_t *s)
{
    unsigned char *buf = NULL;

    ck_assert_int_eq(okta_session_encode(&buf, len, test_pool, s), APR_SUCCESS);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_gt(*len, 5);
    return buf;
}

static unsigned char *encode_login(apr_size_t *len, const okta_login_t *l)
{
    unsigned char *buf = NULL;

    ck_assert_int_eq(okta_login_encode(&buf, len, test_pool, l), APR_SUCCESS);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_gt(*len, 5);
    return buf;
}

/* After an upgrade that lays records out otherwise, an old session is not
 * read, and is told apart from a damaged one (the glue says so once). */
START_TEST(session_of_another_layout_version)
{
    okta_session_t in = sample_session(), out;
    apr_size_t len, login_len;
    unsigned char *buf = encode_session(&len, &in);
    okta_login_t login = { 1, 0, "state", "nonce", "verifier", "/" };
    unsigned char *login_buf = encode_login(&login_len, &login);

    ck_assert_int_eq(okta_session_record_version(buf, len), 0);
    buf[4] = (unsigned char)(okta_record_version() + 1);
    ck_assert_int_eq(okta_session_record_version(buf, len), okta_record_version() + 1);
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_EINVAL);
    ck_assert_int_eq(okta_session_record_version(buf, 5), 0);
    login_buf[4] = (unsigned char)(okta_record_version() + 1);
    ck_assert_int_eq(okta_session_record_version(login_buf, login_len), 0);
    ck_assert_int_eq(okta_session_record_version((const unsigned char *)"garbage!", 8), 0);
}
END_TEST

START_TEST(session_round_trip)
{
    okta_session_t in = sample_session(), out;
    apr_size_t len;
    unsigned char *buf = encode_session(&len, &in);
    int i;

    memset(&out, 0, sizeof(out));
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_SUCCESS);
    ck_assert(out.created == in.created);
    ck_assert(out.last_seen == in.last_seen);
    ck_assert(out.access_expires == in.access_expires);
    ck_assert(out.refresh_sent_at == in.refresh_sent_at);
    ck_assert_str_eq(out.issuer, in.issuer);
    ck_assert_str_eq(out.client_id, in.client_id);
    ck_assert_str_eq(out.user, in.user);
    ck_assert_str_eq(out.id_token, in.id_token);
    ck_assert_str_eq(out.access_token, in.access_token);
    ck_assert_str_eq(out.refresh_token, in.refresh_token);
    ck_assert_int_eq(out.nclaims, 2);
    for (i = 0; i < 2; i++) {
        ck_assert_str_eq(out.claims[i].env_name, in.claims[i].env_name);
        ck_assert_str_eq(out.claims[i].header_name, in.claims[i].header_name);
        ck_assert_str_eq(out.claims[i].value, in.claims[i].value);
    }
    ck_assert_str_eq(out.claims_json, in.claims_json);
    ck_assert_int_eq(out.nfacts, 3);
    for (i = 0; i < 3; i++) {
        ck_assert_str_eq(out.facts[i].path, in.facts[i].path);
        ck_assert_str_eq(out.facts[i].value, in.facts[i].value);
    }
}
END_TEST

START_TEST(session_round_trip_negative_and_zero_integers)
{
    okta_session_t in = sample_session(), out;
    apr_size_t len;
    unsigned char *buf;

    in.created = -1;
    in.last_seen = APR_INT64_C(-1700000000);
    in.access_expires = 0;
    buf = encode_session(&len, &in);
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_SUCCESS);
    ck_assert(out.created == -1);
    ck_assert(out.last_seen == APR_INT64_C(-1700000000));
    ck_assert(out.access_expires == 0);
}
END_TEST

START_TEST(session_round_trip_empty_refresh_token_and_no_claims)
{
    okta_session_t in = sample_session(), out;
    apr_size_t len;
    unsigned char *buf;

    in.refresh_token = "";
    in.claims_json = "{}";
    in.nclaims = 0;
    in.claims = NULL;
    in.nfacts = 0;
    in.facts = NULL;
    buf = encode_session(&len, &in);
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_SUCCESS);
    ck_assert_ptr_nonnull(out.refresh_token);
    ck_assert_str_eq(out.refresh_token, "");
    ck_assert_str_eq(out.access_token, in.access_token);
    ck_assert_int_eq(out.nclaims, 0);
    ck_assert_int_eq(out.nfacts, 0);
}
END_TEST

START_TEST(session_encoding_follows_documented_layout)
{
    okta_session_t in = sample_session();
    apr_size_t len, strings;

    (void)encode_session(&len, &in);
    /* header, 5 int64, and per string a length, the bytes and a NUL */
    strings = strlen(in.issuer) + strlen(in.client_id) + strlen(in.user)
        + strlen(in.id_token) + strlen(in.access_token) + strlen(in.refresh_token)
        + strlen(in.claims_json)
        + strlen("OKTA_CLAIM_email") + strlen("X-Okta-Claim-email")
        + strlen("ada@example.com") + strlen("OKTA_CLAIM_groups")
        + strlen("X-Okta-Claim-groups") + strlen("admins,staff")
        + strlen("groups") + strlen("admins") + strlen("groups") + strlen("staff")
        + strlen("address.country") + strlen("FR");
    ck_assert_uint_eq(len, 4 + 1 + 1 + 5 * 8 + 2 + 19 * 5 + strings);
}
END_TEST

START_TEST(session_decode_rejects_every_truncation)
{
    okta_session_t in = sample_session(), out;
    apr_size_t len, cut;
    unsigned char *buf = encode_session(&len, &in);

    for (cut = 0; cut < len; cut++) {
        /* an exact-size heap copy lets memory checkers see any over-read */
        unsigned char *copy = malloc(cut ? cut : 1);

        memcpy(copy, buf, cut);
        ck_assert_msg(okta_session_decode(&out, test_pool, copy, cut) == APR_EINVAL,
                      "session record cut to %lu of %lu bytes was accepted",
                      (unsigned long)cut, (unsigned long)len);
        free(copy);
    }
}
END_TEST

/* The number of claim triples is one of the ints: one that the strings
 * cannot hold, or a negative one, is refused rather than trusted. */
START_TEST(session_decode_rejects_impossible_claim_count)
{
    okta_session_t in = sample_session(), out;
    apr_size_t len;
    unsigned char *buf = encode_session(&len, &in);
    const apr_size_t nclaims_at = 6 + 4 * 8; /* the fifth int */

    ck_assert_int_eq(buf[nclaims_at + 7], 2);
    buf[nclaims_at + 7] = 200;
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_EINVAL);
    buf[nclaims_at + 7] = 3; /* leaves an odd number of fact strings */
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_EINVAL);
    buf[nclaims_at + 7] = 2;
    buf[nclaims_at] = 0x80;
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_EINVAL);
    buf[nclaims_at] = 0x00;
    buf[nclaims_at + 3] = 0x01; /* 2 + 2^32 */
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_EINVAL);
}
END_TEST

START_TEST(session_decode_rejects_trailing_bytes)
{
    okta_session_t in = sample_session(), out;
    apr_size_t len;
    unsigned char *buf = encode_session(&len, &in);
    unsigned char *longer = apr_palloc(test_pool, len + 1);

    memcpy(longer, buf, len);
    longer[len] = 0;
    ck_assert_int_eq(okta_session_decode(&out, test_pool, longer, len + 1), APR_EINVAL);
}
END_TEST

START_TEST(session_decode_rejects_bad_magic)
{
    okta_session_t in = sample_session(), out;
    apr_size_t len;
    unsigned char *buf = encode_session(&len, &in);

    buf[0] ^= 0x20;
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_EINVAL);
    buf = encode_session(&len, &in);
    buf[3] ^= 0x01;
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_EINVAL);
}
END_TEST

START_TEST(session_decode_rejects_bad_version)
{
    okta_session_t in = sample_session(), out;
    apr_size_t len;
    unsigned char *buf = encode_session(&len, &in);

    buf[4] = (unsigned char)(buf[4] + 1);
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_EINVAL);
    buf = encode_session(&len, &in);
    buf[4] = 0;
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_EINVAL);
}
END_TEST

START_TEST(session_decode_rejects_string_without_nul)
{
    okta_session_t in = sample_session(), out;
    apr_size_t len;
    unsigned char *buf = encode_session(&len, &in);

    /* the record ends with the NUL of its last string */
    ck_assert_int_eq(buf[len - 1], '\0');
    buf[len - 1] = 'x';
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_EINVAL);
}
END_TEST

START_TEST(session_decode_reads_a_string_holding_a_nul_as_its_prefix)
{
    okta_session_t in = sample_session(), out;
    apr_size_t len;
    unsigned char *buf = encode_session(&len, &in);
    apr_size_t at = 0;

    while (at + 4 < len && memcmp(buf + at, "ada@", 4) != 0) {
        at++;
    }
    /* no encoder writes one (records are sealed): it must just stay in bounds */
    ck_assert_uint_lt(at + 4, len);
    buf[at + 3] = '\0';
    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_SUCCESS);
    ck_assert_str_eq(out.user, "ada");
    ck_assert_str_eq(out.id_token, in.id_token);
}
END_TEST

START_TEST(session_decode_rejects_garbage)
{
    okta_session_t in = sample_session(), out;
    unsigned char junk[256];
    apr_size_t len;
    unsigned char *buf = encode_session(&len, &in);

    memset(junk, 0xaa, sizeof(junk));
    ck_assert_int_eq(okta_session_decode(&out, test_pool, junk, sizeof(junk)), APR_EINVAL);
    memset(junk, 0, sizeof(junk));
    ck_assert_int_eq(okta_session_decode(&out, test_pool, junk, sizeof(junk)), APR_EINVAL);
    memcpy(junk, "{\"issuer\":\"https://id.example.com\"}", 35);
    ck_assert_int_eq(okta_session_decode(&out, test_pool, junk, 35), APR_EINVAL);

    /* a valid magic and version followed by nonsense */
    memset(junk, 0xff, sizeof(junk));
    memcpy(junk, buf, 5);
    ck_assert_int_eq(okta_session_decode(&out, test_pool, junk, sizeof(junk)), APR_EINVAL);
}
END_TEST

START_TEST(session_decode_rejects_login_record)
{
    okta_login_t l = sample_login();
    okta_session_t out;
    apr_size_t len;
    unsigned char *buf = encode_login(&len, &l);

    ck_assert_int_eq(okta_session_decode(&out, test_pool, buf, len), APR_EINVAL);
}
END_TEST

START_TEST(login_round_trip)
{
    okta_login_t in = sample_login(), out;
    apr_size_t len;
    unsigned char *buf = encode_login(&len, &in);

    memset(&out, 0, sizeof(out));
    ck_assert_int_eq(okta_login_decode(&out, buf, len), APR_SUCCESS);
    ck_assert(out.created == in.created);
    ck_assert(out.silent == 1);
    ck_assert_str_eq(out.state, in.state);
    ck_assert_str_eq(out.nonce, in.nonce);
    ck_assert_str_eq(out.code_verifier, in.code_verifier);
    ck_assert_str_eq(out.return_to, in.return_to);
}
END_TEST

START_TEST(login_decode_rejects_every_truncation)
{
    okta_login_t in = sample_login(), out;
    apr_size_t len, cut;
    unsigned char *buf = encode_login(&len, &in);

    for (cut = 0; cut < len; cut++) {
        unsigned char *copy = malloc(cut ? cut : 1);

        memcpy(copy, buf, cut);
        ck_assert_msg(okta_login_decode(&out, copy, cut) == APR_EINVAL,
                      "login record cut to %lu of %lu bytes was accepted",
                      (unsigned long)cut, (unsigned long)len);
        free(copy);
    }
}
END_TEST

START_TEST(login_decode_rejects_bad_magic_version_and_session)
{
    okta_login_t in = sample_login(), out;
    okta_session_t s = sample_session();
    apr_size_t len;
    unsigned char *buf = encode_login(&len, &in);

    buf[1] ^= 0x40;
    ck_assert_int_eq(okta_login_decode(&out, buf, len), APR_EINVAL);
    buf = encode_login(&len, &in);
    buf[4] = (unsigned char)(buf[4] + 1);
    ck_assert_int_eq(okta_login_decode(&out, buf, len), APR_EINVAL);
    buf = encode_session(&len, &s);
    ck_assert_int_eq(okta_login_decode(&out, buf, len), APR_EINVAL);
}
END_TEST

START_TEST(refresh_result_round_trip)
{
    okta_refresh_result_t in = { 0, APR_INT64_C(1700003600), "new-access", "new-refresh", "" };
    okta_refresh_result_t out;
    unsigned char *buf;
    apr_size_t len;

    ck_assert_int_eq(okta_refresh_result_encode(&buf, &len, test_pool, &in), APR_SUCCESS);
    ck_assert_int_eq(okta_refresh_result_decode(&out, buf, len), APR_SUCCESS);
    ck_assert(out.refused == 0);
    ck_assert(out.access_expires == in.access_expires);
    ck_assert_str_eq(out.access_token, "new-access");
    ck_assert_str_eq(out.refresh_token, "new-refresh");
    ck_assert_str_eq(out.id_token, "");
}
END_TEST

START_TEST(refresh_result_refused_and_truncated)
{
    okta_refresh_result_t in = { 1, 0, NULL, NULL, NULL }, out;
    unsigned char *buf, *copy;
    apr_size_t len, cut;

    ck_assert_int_eq(okta_refresh_result_encode(&buf, &len, test_pool, &in), APR_SUCCESS);
    ck_assert_int_eq(okta_refresh_result_decode(&out, buf, len), APR_SUCCESS);
    ck_assert(out.refused == 1);
    ck_assert_str_eq(out.access_token, "");
    for (cut = 0; cut < len; cut++) {
        copy = apr_pmemdup(test_pool, buf, cut);
        ck_assert_int_eq(okta_refresh_result_decode(&out, copy, cut), APR_EINVAL);
    }
}
END_TEST

TCase *record_tcase(void)
{
    TCase *tc = tcase_create("record");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, session_round_trip);
    tcase_add_test(tc, session_of_another_layout_version);
    tcase_add_test(tc, session_round_trip_negative_and_zero_integers);
    tcase_add_test(tc, session_round_trip_empty_refresh_token_and_no_claims);
    tcase_add_test(tc, session_encoding_follows_documented_layout);
    tcase_add_test(tc, session_decode_rejects_every_truncation);
    tcase_add_test(tc, session_decode_rejects_impossible_claim_count);
    tcase_add_test(tc, session_decode_rejects_trailing_bytes);
    tcase_add_test(tc, session_decode_rejects_bad_magic);
    tcase_add_test(tc, session_decode_rejects_bad_version);
    tcase_add_test(tc, session_decode_rejects_string_without_nul);
    tcase_add_test(tc, session_decode_reads_a_string_holding_a_nul_as_its_prefix);
    tcase_add_test(tc, session_decode_rejects_garbage);
    tcase_add_test(tc, session_decode_rejects_login_record);
    tcase_add_test(tc, login_round_trip);
    tcase_add_test(tc, login_decode_rejects_every_truncation);
    tcase_add_test(tc, login_decode_rejects_bad_magic_version_and_session);
    tcase_add_test(tc, refresh_result_round_trip);
    tcase_add_test(tc, refresh_result_refused_and_truncated);
    return tc;
}
