/* SPDX-License-Identifier: Apache-2.0 */
/* okta_token_memo: bearer tokens a process verified, until they expire. */
#include <stdio.h>
#include <string.h>

#include <apr_strings.h>

#include "okta_token_memo.h"
#include "unit.h"

static const unsigned char what[] = "record of alice";

static int recalls(okta_token_memo_t *memo, const char *token, apr_int64_t now,
                   const char *expected)
{
    unsigned char *data = NULL;
    apr_size_t len = 0;

    if (!okta_token_memo_recall(memo, token, now, test_pool, &data, &len)) {
        return 0;
    }
    ck_assert_uint_eq(len, strlen(expected) + 1);
    ck_assert_str_eq((const char *)data, expected);
    return 1;
}

START_TEST(token_memo_until_the_token_expires)
{
    okta_token_memo_t *memo = okta_token_memo_create(test_pool);

    ck_assert_ptr_nonnull(memo);
    ck_assert(!recalls(memo, "token-a", 1000, "x"));
    okta_token_memo_remember(memo, "token-a", 1300, what, sizeof(what));
    ck_assert(recalls(memo, "token-a", 1000, (const char *)what));
    ck_assert(recalls(memo, "token-a", 1299, (const char *)what));
    ck_assert(!recalls(memo, "token-a", 1300, "x"));
    /* another token, or one differing in its last character */
    ck_assert(!recalls(memo, "token-b", 1000, "x"));
    ck_assert(!recalls(memo, "token-", 1000, "x"));
}
END_TEST

/* Tokens that share their end share a slot: only the very token is
 * recalled, and the newer one takes the slot. */
START_TEST(token_memo_tells_tokens_with_the_same_end_apart)
{
    okta_token_memo_t *memo = okta_token_memo_create(test_pool);
    const char *tail = ".the-same-signature-part-at-the-end-of-both-tokens";
    const char *first = apr_pstrcat(test_pool, "header-A.payload-1", tail, NULL);
    const char *second = apr_pstrcat(test_pool, "header-A.payload-2", tail, NULL);

    okta_token_memo_remember(memo, first, 2000, (const unsigned char *)"one", 4);
    ck_assert(recalls(memo, first, 1000, "one"));
    ck_assert(!recalls(memo, second, 1000, "x"));
    okta_token_memo_remember(memo, second, 2000, (const unsigned char *)"two", 4);
    ck_assert(recalls(memo, second, 1000, "two"));
    ck_assert(!recalls(memo, first, 1000, "x"));
}
END_TEST

START_TEST(token_memo_replaces_and_stays_within_its_slots)
{
    okta_token_memo_t *memo = okta_token_memo_create(test_pool);
    char token[32], text[32];
    int i, remembered = 0;

    for (i = 0; i < 4 * OKTA_TOKEN_MEMO_SLOTS; i++) {
        snprintf(token, sizeof(token), "token-%d", i);
        snprintf(text, sizeof(text), "record-%d", i);
        okta_token_memo_remember(memo, token, 2000, (const unsigned char *)text,
                                 strlen(text) + 1);
    }
    for (i = 0; i < 4 * OKTA_TOKEN_MEMO_SLOTS; i++) {
        snprintf(token, sizeof(token), "token-%d", i);
        snprintf(text, sizeof(text), "record-%d", i);
        remembered += recalls(memo, token, 1000, text);
    }
    /* each one found is its own record; the last of all is there */
    ck_assert_int_le(remembered, OKTA_TOKEN_MEMO_SLOTS);
    ck_assert_int_gt(remembered, 0);
    ck_assert(recalls(memo, token, 1000, text));
}
END_TEST

START_TEST(token_memo_skips_entries_too_large)
{
    okta_token_memo_t *memo = okta_token_memo_create(test_pool);
    unsigned char *big = apr_pcalloc(test_pool, OKTA_TOKEN_MEMO_MAX_ENTRY + 1);
    unsigned char *data;
    apr_size_t len;

    okta_token_memo_remember(memo, "big", 2000, big, OKTA_TOKEN_MEMO_MAX_ENTRY + 1);
    ck_assert(!okta_token_memo_recall(memo, "big", 1000, test_pool, &data, &len));
}
END_TEST

TCase *token_memo_tcase(void)
{
    TCase *tc = tcase_create("token_memo");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, token_memo_until_the_token_expires);
    tcase_add_test(tc, token_memo_tells_tokens_with_the_same_end_apart);
    tcase_add_test(tc, token_memo_replaces_and_stays_within_its_slots);
    tcase_add_test(tc, token_memo_skips_entries_too_large);
    return tc;
}
