/* okta_memo: what a process remembers of the entries it opened. */
#include <stdio.h>
#include <string.h>

#include <apr_strings.h>

#include "okta_memo.h"
#include "unit.h"

static okta_memo_t *memo;
static okta_keys_t *keys;
static const unsigned char key[OKTA_CACHE_KEY_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char sealed[] = "iv, ciphertext and tag as the cache gave them";
static const unsigned char plain[] = "the plaintext";

static void memo_setup(void)
{
    test_pool_setup();
    ck_assert_ptr_nonnull(memo = okta_memo_create(test_pool));
    ck_assert_ptr_nonnull(keys = okta_keys_derive(test_pool, "memo test passphrase"));
}

static void remember(const char *kind, const char *id)
{
    okta_memo_remember(memo, keys, kind, id, key, sealed, sizeof(sealed), plain, sizeof(plain));
}

/* Whether recalling (kind, id) with a copy of `bytes` gives the plaintext
 * back in that copy; when it does not, the copy is left as it was. */
static int recalls(const okta_keys_t *with_keys, const char *kind, const char *id,
                   const unsigned char *bytes, apr_size_t len)
{
    unsigned char *buf = apr_pmemdup(test_pool, bytes, len), *out = NULL;
    apr_size_t out_len = 0;

    if (!okta_memo_recall(memo, with_keys, kind, id, buf, len, &out, &out_len)) {
        ck_assert_mem_eq(buf, bytes, len);
        return 0;
    }
    ck_assert_ptr_eq(out, buf);
    ck_assert_uint_eq(out_len, sizeof(plain));
    ck_assert_mem_eq(out, plain, out_len);
    return 1;
}

START_TEST(memo_knows_nothing_at_first)
{
    unsigned char found[OKTA_CACHE_KEY_LEN];

    ck_assert_int_eq(okta_memo_key(memo, keys, "session", "abc", found), 0);
    ck_assert_int_eq(recalls(keys, "session", "abc", sealed, sizeof(sealed)), 0);
}
END_TEST

START_TEST(memo_gives_back_key_and_plaintext)
{
    unsigned char found[OKTA_CACHE_KEY_LEN];

    remember("session", "abc");
    ck_assert_int_eq(okta_memo_key(memo, keys, "session", "abc", found), 1);
    ck_assert_mem_eq(found, key, sizeof(key));
    ck_assert_int_eq(recalls(keys, "session", "abc", sealed, sizeof(sealed)), 1);
}
END_TEST

START_TEST(memo_believes_only_the_same_bytes)
{
    unsigned char changed[sizeof(sealed)];

    remember("session", "abc");
    memcpy(changed, sealed, sizeof(sealed));
    changed[sizeof(changed) - 2] ^= 1; /* another tag: another entry */
    ck_assert_int_eq(recalls(keys, "session", "abc", changed, sizeof(changed)), 0);
    ck_assert_int_eq(recalls(keys, "session", "abc", sealed, sizeof(sealed) - 1), 0);
}
END_TEST

START_TEST(memo_tells_identifiers_kinds_and_keys_apart)
{
    okta_keys_t *other = okta_keys_derive(test_pool, "another passphrase");
    unsigned char found[OKTA_CACHE_KEY_LEN];

    remember("session", "abc");
    ck_assert_int_eq(recalls(keys, "session", "abd", sealed, sizeof(sealed)), 0);
    ck_assert_int_eq(recalls(keys, "login", "abc", sealed, sizeof(sealed)), 0);
    ck_assert_int_eq(recalls(other, "session", "abc", sealed, sizeof(sealed)), 0);
    ck_assert_int_eq(okta_memo_key(memo, other, "session", "abc", found), 0);
    ck_assert_int_eq(okta_memo_key(memo, keys, "login", "abc", found), 0);
}
END_TEST

START_TEST(memo_replaces_an_entry_remembered_again)
{
    static const unsigned char newer[] = "the entry after a refresh";

    remember("session", "abc");
    okta_memo_remember(memo, keys, "session", "abc", key, newer, sizeof(newer), plain,
                       sizeof(plain));
    ck_assert_int_eq(recalls(keys, "session", "abc", sealed, sizeof(sealed)), 0);
    ck_assert_int_eq(recalls(keys, "session", "abc", newer, sizeof(newer)), 1);
}
END_TEST

START_TEST(memo_skips_entries_too_large)
{
    apr_size_t len = OKTA_MEMO_MAX_ENTRY;
    unsigned char *large = apr_pcalloc(test_pool, len);
    unsigned char found[OKTA_CACHE_KEY_LEN];

    okta_memo_remember(memo, keys, "session", "big", key, large, len, plain, sizeof(plain));
    ck_assert_int_eq(okta_memo_key(memo, keys, "session", "big", found), 0);
}
END_TEST

START_TEST(memo_stays_within_its_slots)
{
    int i, recalled = 0;
    char id[16];

    for (i = 0; i < 10 * OKTA_MEMO_SLOTS; i++) {
        snprintf(id, sizeof(id), "id-%d", i);
        remember("session", id);
    }
    for (i = 0; i < 10 * OKTA_MEMO_SLOTS; i++) {
        snprintf(id, sizeof(id), "id-%d", i);
        recalled += recalls(keys, "session", id, sealed, sizeof(sealed));
    }
    ck_assert_int_gt(recalled, 0);
    ck_assert_int_le(recalled, OKTA_MEMO_SLOTS);
}
END_TEST

START_TEST(memo_refuses_names_no_cache_key_has)
{
    char long_id[OKTA_CACHE_ID_MAX + 2];
    unsigned char found[OKTA_CACHE_KEY_LEN];

    memset(long_id, 'a', sizeof(long_id) - 1);
    long_id[sizeof(long_id) - 1] = '\0';
    remember("session", long_id);
    ck_assert_int_eq(okta_memo_key(memo, keys, "session", long_id, found), 0);
    remember("a-kind-name-longer-than-any-kind-0123456789", "abc");
    ck_assert_int_eq(okta_memo_key(memo, keys, "a-kind-name-longer-than-any-kind-0123456789",
                                   "abc", found), 0);
}
END_TEST

TCase *memo_tcase(void)
{
    TCase *tc = tcase_create("memo");

    tcase_add_checked_fixture(tc, memo_setup, test_pool_teardown);
    tcase_add_test(tc, memo_knows_nothing_at_first);
    tcase_add_test(tc, memo_gives_back_key_and_plaintext);
    tcase_add_test(tc, memo_believes_only_the_same_bytes);
    tcase_add_test(tc, memo_tells_identifiers_kinds_and_keys_apart);
    tcase_add_test(tc, memo_replaces_an_entry_remembered_again);
    tcase_add_test(tc, memo_skips_entries_too_large);
    tcase_add_test(tc, memo_stays_within_its_slots);
    tcase_add_test(tc, memo_refuses_names_no_cache_key_has);
    return tc;
}
