/* SPDX-License-Identifier: Apache-2.0 */
/* okta_redis: the Redis protocol the locks speak. */
#include <string.h>

#include "okta_redis.h"
#include "unit.h"

static okta_redis_type_t parse(okta_redis_reply_t *reply, const char *text, apr_size_t *used)
{
    return okta_redis_parse(reply, text, strlen(text), used);
}

START_TEST(resp_command_is_an_array_of_bulk_strings)
{
    const char *argv[] = { "SET", "k", "tok", "NX", "PX", "5000" };
    apr_size_t len;
    char *cmd = okta_redis_command(test_pool, &len, 6, argv, NULL);

    ck_assert_str_eq(cmd, "*6\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\ntok\r\n$2\r\nNX\r\n$2\r\nPX\r\n"
                          "$4\r\n5000\r\n");
    ck_assert_uint_eq(len, strlen(cmd));
}
END_TEST

START_TEST(resp_parses_simple_replies)
{
    okta_redis_reply_t reply;
    apr_size_t used = 0;

    ck_assert_int_eq(parse(&reply, "+OK\r\n", &used), OKTA_REDIS_STATUS);
    ck_assert_uint_eq(used, 5);
    ck_assert_int_eq(reply.len, 2);
    ck_assert(memcmp(reply.text, "OK", 2) == 0);
    ck_assert_int_eq(parse(&reply, "-ERR unknown command\r\n", &used), OKTA_REDIS_ERROR);
    ck_assert_int_eq(parse(&reply, ":1\r\n", &used), OKTA_REDIS_INTEGER);
    ck_assert(reply.integer == 1);
    ck_assert_int_eq(parse(&reply, ":-2\r\n", &used), OKTA_REDIS_INTEGER);
    ck_assert(reply.integer == -2);
    ck_assert_int_eq(parse(&reply, "$-1\r\n", &used), OKTA_REDIS_NIL);
    ck_assert_int_eq(parse(&reply, "*-1\r\n", &used), OKTA_REDIS_NIL);
    ck_assert_int_eq(parse(&reply, "$5\r\nab\r\nc\r\n+OK\r\n", &used), OKTA_REDIS_BULK);
    ck_assert_uint_eq(used, 11);
    ck_assert_int_eq(reply.len, 5);
    ck_assert(memcmp(reply.text, "ab\r\nc", 5) == 0);
    ck_assert_int_eq(parse(&reply, "$0\r\n\r\n", &used), OKTA_REDIS_BULK);
    ck_assert_int_eq(reply.len, 0);
}
END_TEST

START_TEST(resp_waits_for_the_whole_reply)
{
    static const char *const partial[] = { "", "+", "+OK", "+OK\r", ":1", "$5\r\nab", "$5\r\nabcde",
                                           "$5\r\nabcde\r" };
    okta_redis_reply_t reply;
    apr_size_t used, i;

    for (i = 0; i < sizeof(partial) / sizeof(partial[0]); i++) {
        ck_assert_msg(parse(&reply, partial[i], &used) == OKTA_REDIS_NEED_MORE, "%s", partial[i]);
    }
}
END_TEST

START_TEST(resp_refuses_what_it_does_not_read)
{
    static const char *const bad[] = { "*2\r\n:1\r\n:2\r\n", "?x\r\n", ":x\r\n", ":\r\n",
                                       "$-2\r\n", "$3\r\nabcd\r\n", "+OK\rX", "$99999999999999999999\r\n" };
    okta_redis_reply_t reply;
    apr_size_t used, i;
    char endless[200];

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(parse(&reply, bad[i], &used) == OKTA_REDIS_MALFORMED, "%s", bad[i]);
    }
    memset(endless, 'x', sizeof(endless) - 1);
    endless[0] = '+';
    endless[sizeof(endless) - 1] = '\0';
    ck_assert_int_eq(parse(&reply, endless, &used), OKTA_REDIS_MALFORMED);
}
END_TEST

/* Sealed records are binary: lengths given, NULs and CRLFs inside pass. */
START_TEST(resp_command_binary)
{
    static const char record[] = { 'a', '\0', '\r', '\n', 'b' };
    const char *argv[] = { "SET", "k", record };
    const apr_size_t lens[] = { 3, 1, sizeof(record) };
    apr_size_t len;
    char *cmd = okta_redis_command(test_pool, &len, 3, argv, lens);
    static const char expected[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\na\0\r\nb\r\n";

    ck_assert_uint_eq(len, sizeof(expected) - 1);
    ck_assert_mem_eq(cmd, expected, len);
}
END_TEST

TCase *redis_tcase(void)
{
    TCase *tc = tcase_create("resp");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, resp_command_binary);
    tcase_add_test(tc, resp_command_is_an_array_of_bulk_strings);
    tcase_add_test(tc, resp_parses_simple_replies);
    tcase_add_test(tc, resp_waits_for_the_whole_reply);
    tcase_add_test(tc, resp_refuses_what_it_does_not_read);
    return tc;
}
