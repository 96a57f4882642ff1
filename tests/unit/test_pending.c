/* SPDX-License-Identifier: Apache-2.0 */
/* okta_pending: sign-ins in progress, sealed into the browser's cookie. */
#include <string.h>

#include <apr_strings.h>

#include "okta_pending.h"
#include "unit.h"

static okta_login_t sample_login(const char *state)
{
    okta_login_t l;

    l.created = 1700000000;
    l.silent = 0;
    l.state = state;
    l.nonce = "nonce-0123456789abcdef";
    l.code_verifier = "verifier-0123456789abcdef0123456789abcdef012";
    l.return_to = "/app/page?x=1";
    return l;
}

static okta_keys_t *keys(const char *passphrase)
{
    okta_keys_t *k = okta_keys_derive(test_pool, passphrase);

    ck_assert_ptr_nonnull(k);
    return k;
}

static apr_array_header_t *items_of(const char *value)
{
    return okta_pending_items(test_pool, value, strlen(value));
}

START_TEST(pending_round_trip)
{
    okta_keys_t *k = keys("pending-test-passphrase-0123456789");
    okta_login_t in = sample_login("stateAAAAAAAAAAAAAAAAA"), out;
    const char *item = okta_pending_seal(test_pool, k, &in);
    apr_array_header_t *items;

    ck_assert_ptr_nonnull(item);
    ck_assert(strncmp(item, "stateAAAAAAAAAAAAAAAAA~", 23) == 0);
    items = items_of(okta_pending_value(test_pool, items_of(item)));
    ck_assert_int_eq(items->nelts, 1);
    ck_assert_int_eq(okta_pending_take(&out, items, test_pool, k, in.state), APR_SUCCESS);
    ck_assert_int_eq(items->nelts, 0);
    ck_assert(out.created == in.created);
    ck_assert_str_eq(out.state, in.state);
    ck_assert_str_eq(out.nonce, in.nonce);
    ck_assert_str_eq(out.code_verifier, in.code_verifier);
    ck_assert_str_eq(out.return_to, in.return_to);
}
END_TEST

START_TEST(pending_take_finds_its_state_only)
{
    okta_keys_t *k = keys("pending-test-passphrase-0123456789");
    okta_login_t a = sample_login("stateAAAAAAAAAAAAAAAAA"), b = sample_login("stateBBBBBBBBBBBBBBBBBB");
    okta_login_t out;
    apr_array_header_t *items = items_of(apr_pstrcat(test_pool, okta_pending_seal(test_pool, k, &a),
                                                     ".", okta_pending_seal(test_pool, k, &b), NULL));

    ck_assert_int_eq(okta_pending_take(&out, items, test_pool, k, "stateCCCCCCCCCCCCCCCCCC"),
                     APR_NOTFOUND);
    ck_assert_int_eq(okta_pending_take(&out, items, test_pool, k, "stateBBBB"), APR_NOTFOUND);
    ck_assert_int_eq(okta_pending_take(&out, items, test_pool, k, b.state), APR_SUCCESS);
    ck_assert_str_eq(out.state, b.state);
    ck_assert_int_eq(items->nelts, 1);
    ck_assert_int_eq(okta_pending_take(&out, items, test_pool, k, b.state), APR_NOTFOUND);
}
END_TEST

/* A record opens only under its own state and this server's keys. */
START_TEST(pending_refuses_forgeries)
{
    okta_keys_t *k = keys("pending-test-passphrase-0123456789");
    okta_keys_t *other = keys("another-server-passphrase-0123456789");
    okta_login_t a = sample_login("stateAAAAAAAAAAAAAAAAA"), out;
    const char *item = okta_pending_seal(test_pool, k, &a);
    const char *sealed = strchr(item, '~') + 1;
    char *tampered = apr_pstrdup(test_pool, item);

    /* moved under another state */
    ck_assert_int_eq(okta_pending_take(&out, items_of(apr_pstrcat(test_pool, "stateXXXXXXXXXXXXXXXXX~",
                                                                  sealed, NULL)),
                                       test_pool, k, "stateXXXXXXXXXXXXXXXXX"),
                     APR_EINVAL);
    /* another server's */
    ck_assert_int_eq(okta_pending_take(&out, items_of(item), test_pool, other, a.state), APR_EINVAL);
    /* altered */
    tampered[strlen(tampered) - 5] = tampered[strlen(tampered) - 5] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(okta_pending_take(&out, items_of(tampered), test_pool, k, a.state), APR_EINVAL);
}
END_TEST

START_TEST(pending_items_drop_junk)
{
    apr_array_header_t *items = items_of("short.x!y~z.~abc.abc~..ok~AAAA.also_ok~B-_");

    ck_assert_int_eq(items->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(items, 0, const char *), "ok~AAAA");
    ck_assert_str_eq(APR_ARRAY_IDX(items, 1, const char *), "also_ok~B-_");
    ck_assert_int_eq(items_of("")->nelts, 0);
}
END_TEST

/* The newest are kept: at most OKTA_PENDING_MAX, within the size bound. */
START_TEST(pending_value_keeps_the_newest)
{
    apr_array_header_t *items = apr_array_make(test_pool, 16, sizeof(const char *));
    apr_array_header_t *kept;
    const char *value;
    int i;

    for (i = 0; i < 12; i++) {
        APR_ARRAY_PUSH(items, const char *) = apr_psprintf(test_pool, "s%02d~AAAA", i);
    }
    kept = items_of(okta_pending_value(test_pool, items));
    ck_assert_int_eq(kept->nelts, OKTA_PENDING_MAX);
    ck_assert_str_eq(APR_ARRAY_IDX(kept, 0, const char *), "s04~AAAA");
    ck_assert_str_eq(APR_ARRAY_IDX(kept, OKTA_PENDING_MAX - 1, const char *), "s11~AAAA");

    items->nelts = 0;
    for (i = 0; i < 5; i++) {
        char *big = apr_palloc(test_pool, 1001);
        memset(big, 'B', 1000);
        big[1000] = '\0';
        big[1] = '~';
        big[0] = (char)('a' + i);
        APR_ARRAY_PUSH(items, const char *) = big;
    }
    value = okta_pending_value(test_pool, items);
    ck_assert_uint_le(strlen(value), OKTA_PENDING_VALUE_MAX);
    kept = items_of(value);
    ck_assert_int_eq(kept->nelts, 3);
    ck_assert_int_eq(APR_ARRAY_IDX(kept, 2, const char *)[0], 'e');
    items->nelts = 0;
    ck_assert_str_eq(okta_pending_value(test_pool, items), "");
}
END_TEST

TCase *pending_tcase(void)
{
    TCase *tc = tcase_create("pending");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, pending_round_trip);
    tcase_add_test(tc, pending_take_finds_its_state_only);
    tcase_add_test(tc, pending_refuses_forgeries);
    tcase_add_test(tc, pending_items_drop_junk);
    tcase_add_test(tc, pending_value_keeps_the_newest);
    return tc;
}
