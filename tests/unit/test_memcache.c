/* SPDX-License-Identifier: Apache-2.0 */
/* okta_memcache: the gets and cas commands and their replies. */
#include <string.h>

#include "okta_memcache.h"
#include "unit.h"

START_TEST(mc_commands)
{
    static const char data[] = { 'x', '\0', '\r', '\n' };
    apr_size_t len;
    char *cas;
    static const char expected[] = "cas k1 0 60 4 77\r\nx\0\r\n\r\n";

    ck_assert_str_eq(okta_mc_gets_command(test_pool, "k1"), "gets k1\r\n");
    cas = okta_mc_cas_command(test_pool, &len, "k1", 60, 77, data, sizeof(data));
    ck_assert_uint_eq(len, sizeof(expected) - 1);
    ck_assert_mem_eq(cas, expected, len);
    /* keys memcache does not take */
    ck_assert_ptr_null(okta_mc_gets_command(test_pool, ""));
    ck_assert_ptr_null(okta_mc_gets_command(test_pool, "a b"));
    ck_assert_ptr_null(okta_mc_gets_command(test_pool, "a\r\nflush_all"));
    ck_assert_ptr_null(okta_mc_cas_command(test_pool, &len, "a\nb", 1, 1, data, 1));
}
END_TEST

/* Replies to "gets k1", whole and cut short, as a table. */
START_TEST(mc_gets_replies)
{
    static const struct {
        const char *reply;
        apr_size_t len; /* 0: strlen */
        okta_mc_reply_t type;
    } rows[] = {
        { "END\r\n", 0, OKTA_MC_MISS },
        { "VALUE k1 0 3 42\r\nabc\r\nEND\r\n", 0, OKTA_MC_VALUE },
        /* binary data with CRLF inside: the length decides */
        { "VALUE k1 0 4 42\r\na\r\nb\r\nEND\r\n", 0, OKTA_MC_VALUE },
        { "VALUE k1 0 3 42\r\nabc\r\nEN", 0, OKTA_MC_NEED_MORE },
        { "VALUE k1 0 3 42\r\nab", 0, OKTA_MC_NEED_MORE },
        { "VALUE k1 0 3", 0, OKTA_MC_NEED_MORE },
        { "", 0, OKTA_MC_NEED_MORE },
        /* another key, no cas, a negative length, garbage after the data */
        { "VALUE k2 0 3 42\r\nabc\r\nEND\r\n", 0, OKTA_MC_MALFORMED },
        { "VALUE k1 0 3\r\nabc\r\nEND\r\n", 0, OKTA_MC_MALFORMED },
        { "VALUE k1 0 -3 42\r\nabc\r\nEND\r\n", 0, OKTA_MC_MALFORMED },
        { "VALUE k1 0 3 42 9\r\nabc\r\nEND\r\n", 0, OKTA_MC_MALFORMED },
        { "VALUE k1 0 3 42\r\nabcdEND\r\n", 0, OKTA_MC_MALFORMED },
        { "SERVER_ERROR out of memory\r\n", 0, OKTA_MC_MALFORMED },
        { "ERROR\r\n", 0, OKTA_MC_MALFORMED },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        okta_mc_value_t value;
        apr_size_t len = rows[i].len ? rows[i].len : strlen(rows[i].reply);

        ck_assert_msg(okta_mc_parse_gets(&value, "k1", rows[i].reply, len) == rows[i].type,
                      "row %zu", i);
        if (rows[i].type == OKTA_MC_VALUE) {
            ck_assert(value.cas == 42);
        }
    }
}
END_TEST

START_TEST(mc_gets_value)
{
    static const char reply[] = "VALUE k1 0 4 18446744073\r\na\r\nb\r\nEND\r\n";
    okta_mc_value_t value;

    ck_assert_int_eq(okta_mc_parse_gets(&value, "k1", reply, strlen(reply)), OKTA_MC_VALUE);
    ck_assert_uint_eq(value.len, 4);
    ck_assert_mem_eq(value.data, "a\r\nb", 4);
    ck_assert(value.cas == 18446744073ULL);
}
END_TEST

START_TEST(mc_cas_replies)
{
    ck_assert_int_eq(okta_mc_parse_cas("STORED\r\n", 8), OKTA_MC_STORED);
    ck_assert_int_eq(okta_mc_parse_cas("EXISTS\r\n", 8), OKTA_MC_EXISTS);
    ck_assert_int_eq(okta_mc_parse_cas("NOT_FOUND\r\n", 11), OKTA_MC_NOT_FOUND);
    ck_assert_int_eq(okta_mc_parse_cas("STORED", 6), OKTA_MC_NEED_MORE);
    ck_assert_int_eq(okta_mc_parse_cas("NOT_STORED\r\n", 12), OKTA_MC_MALFORMED);
    ck_assert_int_eq(okta_mc_parse_cas("CLIENT_ERROR bad data chunk\r\n", 29), OKTA_MC_MALFORMED);
}
END_TEST

TCase *memcache_tcase(void)
{
    TCase *tc = tcase_create("memcache");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, mc_commands);
    tcase_add_test(tc, mc_gets_replies);
    tcase_add_test(tc, mc_gets_value);
    tcase_add_test(tc, mc_cas_replies);
    return tc;
}
