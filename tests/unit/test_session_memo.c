/* SPDX-License-Identifier: Apache-2.0 */
/* okta_session_memo: what a process remembers of the entries it opened. */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <apr_strings.h>

#include "okta_session_memo.h"
#include "unit.h"

static okta_session_memo_t *memo;
static okta_keys_t *keys;
static const unsigned char key[OKTA_CACHE_KEY_LEN] = "0123456789abcdef0123456789abcde";
static const unsigned char sealed[] = "iv, ciphertext and tag as the cache gave them";
static const unsigned char plain[] = "the plaintext";

static void memo_setup(void)
{
    okta_changes_t *changes;

    test_pool_setup();
    ck_assert_ptr_nonnull(changes = okta_changes_create(test_pool));
    ck_assert_ptr_nonnull(memo = okta_session_memo_create(test_pool, changes));
    ck_assert_ptr_nonnull(keys = okta_keys_derive(test_pool, "memo test passphrase"));
}

/* Remembers the test entry as a reader would: current as of the change
 * counter read before the cache was. */
static void remember(const char *kind, const char *id)
{
    okta_session_memo_remember(memo, keys, kind, id, key, okta_session_memo_changes(memo, key), sealed,
                       sizeof(sealed), plain, sizeof(plain));
}

/* Whether (kind, id) is recalled without reading the cache. */
static int recalls_unchanged(const char *kind, const char *id)
{
    unsigned char *out = NULL;
    apr_size_t out_len = 0;

    if (!okta_session_memo_recall_unchanged(memo, keys, kind, id, test_pool, &out, &out_len)) {
        return 0;
    }
    ck_assert_uint_eq(out_len, sizeof(plain));
    ck_assert_mem_eq(out, plain, out_len);
    return 1;
}

/* Whether recalling (kind, id) with a copy of `bytes` gives the plaintext
 * back in that copy; when it does not, the copy is left as it was. */
static int recalls(const okta_keys_t *with_keys, const char *kind, const char *id,
                   const unsigned char *bytes, apr_size_t len)
{
    unsigned char *buf = apr_pmemdup(test_pool, bytes, len), *out = NULL;
    apr_size_t out_len = 0;

    if (!okta_session_memo_recall(memo, with_keys, kind, id, buf, len, okta_session_memo_changes(memo, key),
                          &out, &out_len)) {
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

    ck_assert_int_eq(okta_session_memo_key(memo, keys, "session", "abc", found), 0);
    ck_assert_int_eq(recalls(keys, "session", "abc", sealed, sizeof(sealed)), 0);
    ck_assert_int_eq(recalls_unchanged("session", "abc"), 0);
}
END_TEST

START_TEST(memo_gives_back_key_and_plaintext)
{
    unsigned char found[OKTA_CACHE_KEY_LEN];

    remember("session", "abc");
    ck_assert_int_eq(okta_session_memo_key(memo, keys, "session", "abc", found), 1);
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
    ck_assert_int_eq(okta_session_memo_key(memo, other, "session", "abc", found), 0);
    ck_assert_int_eq(okta_session_memo_key(memo, keys, "login", "abc", found), 0);
}
END_TEST

START_TEST(memo_replaces_an_entry_remembered_again)
{
    static const unsigned char newer[] = "the entry after a refresh";

    remember("session", "abc");
    okta_session_memo_remember(memo, keys, "session", "abc", key, okta_session_memo_changes(memo, key), newer,
                       sizeof(newer), plain, sizeof(plain));
    ck_assert_int_eq(recalls(keys, "session", "abc", sealed, sizeof(sealed)), 0);
    ck_assert_int_eq(recalls(keys, "session", "abc", newer, sizeof(newer)), 1);
}
END_TEST

START_TEST(memo_skips_entries_too_large)
{
    apr_size_t len = OKTA_SESSION_MEMO_MAX_ENTRY;
    unsigned char *large = apr_pcalloc(test_pool, len);
    unsigned char found[OKTA_CACHE_KEY_LEN];

    okta_session_memo_remember(memo, keys, "session", "big", key, 0, large, len, plain, sizeof(plain));
    ck_assert_int_eq(okta_session_memo_key(memo, keys, "session", "big", found), 0);
}
END_TEST

START_TEST(memo_stays_within_its_slots)
{
    int i, recalled = 0;
    char id[16];

    for (i = 0; i < 10 * OKTA_SESSION_MEMO_SLOTS; i++) {
        snprintf(id, sizeof(id), "id-%d", i);
        remember("session", id);
    }
    for (i = 0; i < 10 * OKTA_SESSION_MEMO_SLOTS; i++) {
        snprintf(id, sizeof(id), "id-%d", i);
        recalled += recalls(keys, "session", id, sealed, sizeof(sealed));
    }
    ck_assert_int_gt(recalled, 0);
    ck_assert_int_le(recalled, OKTA_SESSION_MEMO_SLOTS);
}
END_TEST

START_TEST(memo_refuses_names_no_cache_key_has)
{
    char long_id[OKTA_CACHE_ID_MAX + 2];
    unsigned char found[OKTA_CACHE_KEY_LEN];

    memset(long_id, 'a', sizeof(long_id) - 1);
    long_id[sizeof(long_id) - 1] = '\0';
    remember("session", long_id);
    ck_assert_int_eq(okta_session_memo_key(memo, keys, "session", long_id, found), 0);
    remember("a-kind-name-longer-than-any-kind-0123456789", "abc");
    ck_assert_int_eq(okta_session_memo_key(memo, keys, "a-kind-name-longer-than-any-kind-0123456789",
                                   "abc", found), 0);
}
END_TEST

START_TEST(memo_vouches_for_an_entry_until_a_change_is_noted)
{
    unsigned char other[OKTA_CACHE_KEY_LEN];

    remember("session", "abc");
    ck_assert_int_eq(recalls_unchanged("session", "abc"), 1);
    ck_assert_int_eq(recalls_unchanged("session", "abd"), 0);
    /* a write to an entry of another bucket changes nothing here */
    memcpy(other, key, sizeof(other));
    other[0] ^= 0x80;
    okta_session_memo_note_change(memo, other);
    ck_assert_int_eq(recalls_unchanged("session", "abc"), 1);
    okta_session_memo_note_change(memo, key);
    ck_assert_int_eq(recalls_unchanged("session", "abc"), 0);
    /* the cache read again gives the same bytes: vouched for again */
    ck_assert_int_eq(recalls(keys, "session", "abc", sealed, sizeof(sealed)), 1);
    ck_assert_int_eq(recalls_unchanged("session", "abc"), 1);
}
END_TEST

START_TEST(memo_does_not_vouch_for_a_read_overtaken_by_a_write)
{
    apr_uint32_t before_read = okta_session_memo_changes(memo, key);

    okta_session_memo_note_change(memo, key); /* a write lands after the read */
    okta_session_memo_remember(memo, keys, "session", "abc", key, before_read, sealed, sizeof(sealed),
                       plain, sizeof(plain));
    ck_assert_int_eq(recalls_unchanged("session", "abc"), 0);
}
END_TEST

START_TEST(memo_sees_changes_noted_by_another_process)
{
    pid_t pid;
    int status;

    remember("session", "abc");
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        okta_session_memo_note_change(memo, key);
        _exit(0);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(status, 0);
    ck_assert_int_eq(recalls_unchanged("session", "abc"), 0);
}
END_TEST

TCase *session_memo_tcase(void)
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
    tcase_add_test(tc, memo_vouches_for_an_entry_until_a_change_is_noted);
    tcase_add_test(tc, memo_does_not_vouch_for_a_read_overtaken_by_a_write);
    tcase_add_test(tc, memo_sees_changes_noted_by_another_process);
    return tc;
}
