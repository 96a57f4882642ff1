/* SPDX-License-Identifier: Apache-2.0 */
/* okta_crypto: key derivation, random identifiers, PKCE, sealing, cache keys. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <string.h>

#include <openssl/hmac.h>

#include "okta_crypto.h"
#include "unit.h"

static const unsigned char aad[] = "cache-key-of-the-entry";
static const unsigned char plaintext[] = "a session record, not secret in tests";

START_TEST(keys_derive_is_deterministic)
{
    okta_keys_t *a, *b;

    ck_assert_ptr_nonnull(a = okta_keys_derive(test_pool, "correct horse battery staple"));
    ck_assert_ptr_nonnull(b = okta_keys_derive(test_pool, "correct horse battery staple"));
    ck_assert_mem_eq(a->seal, b->seal, sizeof(a->seal));
    ck_assert_mem_eq(a->index, b->index, sizeof(a->index));
}
END_TEST

START_TEST(keys_derive_depends_on_passphrase)
{
    okta_keys_t *a, *b;

    ck_assert_ptr_nonnull(a = okta_keys_derive(test_pool, "correct horse battery staple"));
    ck_assert_ptr_nonnull(b = okta_keys_derive(test_pool, "correct horse battery stapler"));
    ck_assert(memcmp(a->seal, b->seal, sizeof(a->seal)) != 0);
    ck_assert(memcmp(a->index, b->index, sizeof(a->index)) != 0);
}
END_TEST

START_TEST(keys_derive_gives_distinct_seal_and_index_keys)
{
    okta_keys_t *k;

    ck_assert_ptr_nonnull(k = okta_keys_derive(test_pool, "passphrase"));
    ck_assert(memcmp(k->seal, k->index, sizeof(k->seal)) != 0);
}
END_TEST

START_TEST(random_bytes_differ_between_calls)
{
    unsigned char a[32], b[32];

    ck_assert_int_eq(okta_random_bytes(a, sizeof(a)), APR_SUCCESS);
    ck_assert_int_eq(okta_random_bytes(b, sizeof(b)), APR_SUCCESS);
    ck_assert(memcmp(a, b, sizeof(a)) != 0);
}
END_TEST

START_TEST(random_id_length_and_alphabet)
{
    char *id = okta_random_id(test_pool, 32);

    ck_assert_ptr_nonnull(id);
    ck_assert_uint_eq(strlen(id), 43);
    ck_assert_uint_eq(strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                 "0123456789-_"), 43);

    id = okta_random_id(test_pool, 16);
    ck_assert_ptr_nonnull(id);
    ck_assert_uint_eq(strlen(id), 22);
}
END_TEST

START_TEST(random_id_is_unique)
{
    const char *ids[64];
    int i, j;

    for (i = 0; i < 64; i++) {
        ids[i] = okta_random_id(test_pool, 32);
        ck_assert_ptr_nonnull(ids[i]);
        for (j = 0; j < i; j++) {
            ck_assert_str_ne(ids[i], ids[j]);
        }
    }
}
END_TEST

START_TEST(random_id_refuses_more_than_64_bytes)
{
    ck_assert_ptr_null(okta_random_id(test_pool, 65));
    ck_assert_ptr_nonnull(okta_random_id(test_pool, 64));
}
END_TEST

START_TEST(pkce_challenge_rfc7636_vector)
{
    /* RFC 7636 appendix B */
    ck_assert_str_eq(okta_pkce_challenge(test_pool, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
                     "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}
END_TEST

START_TEST(sha256_known_digest)
{
    static const unsigned char abc[32] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
        0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
        0xf2, 0x00, 0x15, 0xad
    };
    unsigned char out[32];

    okta_sha256(out, "abc", 3);
    ck_assert_mem_eq(out, abc, 32);
}
END_TEST

/* Seals `plaintext` under the key of `passphrase`, bound to `aad`. */
static unsigned char *seal_sample(apr_size_t *len, const char *passphrase)
{
    okta_keys_t *keys;
    unsigned char *sealed = NULL;

    ck_assert_ptr_nonnull(keys = okta_keys_derive(test_pool, passphrase));
    ck_assert_int_eq(okta_seal(&sealed, len, test_pool, keys, aad, sizeof(aad),
                               plaintext, sizeof(plaintext)), APR_SUCCESS);
    ck_assert_ptr_nonnull(sealed);
    return sealed;
}

static apr_status_t open_sample(const char *passphrase, const unsigned char *with_aad,
                                apr_size_t aadlen, unsigned char *buf, apr_size_t len)
{
    okta_keys_t *keys;
    unsigned char *plain = NULL;
    apr_size_t plainlen = 0;

    ck_assert_ptr_nonnull(keys = okta_keys_derive(test_pool, passphrase));
    return okta_open(&plain, &plainlen, keys, with_aad, aadlen, buf, len);
}

START_TEST(seal_open_round_trip)
{
    okta_keys_t *keys;
    apr_size_t len, plainlen;
    unsigned char *sealed = seal_sample(&len, "k");
    unsigned char *plain;

    ck_assert_uint_eq(len, sizeof(plaintext) + OKTA_SEAL_OVERHEAD);
    ck_assert(memmem(sealed, len, "session record", 14) == NULL);
    ck_assert_ptr_nonnull(keys = okta_keys_derive(test_pool, "k"));
    ck_assert_int_eq(okta_open(&plain, &plainlen, keys, aad, sizeof(aad), sealed, len),
                     APR_SUCCESS);
    ck_assert_uint_eq(plainlen, sizeof(plaintext));
    ck_assert_mem_eq(plain, plaintext, plainlen);
}
END_TEST

START_TEST(seal_open_empty_plaintext)
{
    okta_keys_t *keys;
    unsigned char *sealed, *plain;
    apr_size_t len, plainlen = 99;

    ck_assert_ptr_nonnull(keys = okta_keys_derive(test_pool, "k"));
    ck_assert_int_eq(okta_seal(&sealed, &len, test_pool, keys, aad, sizeof(aad),
                               (const unsigned char *)"", 0), APR_SUCCESS);
    ck_assert_uint_eq(len, OKTA_SEAL_OVERHEAD);
    ck_assert_int_eq(okta_open(&plain, &plainlen, keys, aad, sizeof(aad), sealed, len),
                     APR_SUCCESS);
    ck_assert_uint_eq(plainlen, 0);
}
END_TEST

START_TEST(seal_uses_a_fresh_iv)
{
    apr_size_t len1, len2;
    unsigned char *a = seal_sample(&len1, "k");
    unsigned char *b = seal_sample(&len2, "k");

    ck_assert_uint_eq(len1, len2);
    ck_assert(memcmp(a, b, 12) != 0);
    ck_assert(memcmp(a, b, len1) != 0);
}
END_TEST

/* Flips one bit `offset` bytes from the start (or from the end). */
static void assert_flip_rejected(apr_size_t offset, int from_end)
{
    apr_size_t len;
    unsigned char *sealed = seal_sample(&len, "k");
    apr_size_t at = from_end ? len - 1 - offset : offset;

    sealed[at] ^= 0x01;
    ck_assert_msg(open_sample("k", aad, sizeof(aad), sealed, len) == APR_EINVAL,
                  "a flipped bit at offset %lu was not detected", (unsigned long)at);
}

START_TEST(open_rejects_flipped_iv)
{
    assert_flip_rejected(0, 0);
    assert_flip_rejected(11, 0);
}
END_TEST

START_TEST(open_rejects_flipped_ciphertext)
{
    assert_flip_rejected(12, 0);
    assert_flip_rejected(12 + sizeof(plaintext) - 1, 0);
}
END_TEST

START_TEST(open_rejects_flipped_tag)
{
    assert_flip_rejected(0, 1);
    assert_flip_rejected(15, 1);
}
END_TEST

START_TEST(open_rejects_other_key)
{
    apr_size_t len;
    unsigned char *sealed = seal_sample(&len, "k");

    ck_assert_int_eq(open_sample("other", aad, sizeof(aad), sealed, len), APR_EINVAL);
}
END_TEST

START_TEST(open_rejects_other_aad)
{
    static const unsigned char other[] = "cache-key-of-the-entrz";
    apr_size_t len;
    unsigned char *sealed = seal_sample(&len, "k");

    ck_assert_int_eq(open_sample("k", other, sizeof(other), sealed, len), APR_EINVAL);
    sealed = seal_sample(&len, "k");
    ck_assert_int_eq(open_sample("k", aad, sizeof(aad) - 1, sealed, len), APR_EINVAL);
    sealed = seal_sample(&len, "k");
    ck_assert_int_eq(open_sample("k", NULL, 0, sealed, len), APR_EINVAL);
}
END_TEST

START_TEST(open_rejects_truncated_input)
{
    apr_size_t len, cut;
    unsigned char *sealed = seal_sample(&len, "k");
    unsigned char *copy = apr_palloc(test_pool, len);

    for (cut = 0; cut < len; cut++) {
        memcpy(copy, sealed, len);
        ck_assert_msg(open_sample("k", aad, sizeof(aad), copy, cut) == APR_EINVAL,
                      "a sealed entry cut to %lu bytes was accepted", (unsigned long)cut);
    }
}
END_TEST

START_TEST(cache_key_is_hmac_of_kind_nul_id)
{
    okta_keys_t *keys;
    unsigned char out[OKTA_CACHE_KEY_LEN], expected[32];
    unsigned int expected_len = 0;

    ck_assert_ptr_nonnull(keys = okta_keys_derive(test_pool, "k"));
    okta_cache_key(out, keys, "session", "abc");
    ck_assert_ptr_nonnull(HMAC(EVP_sha256(), keys->index, sizeof(keys->index),
                               (const unsigned char *)"session\0abc", 11, expected,
                               &expected_len));
    ck_assert_uint_eq(expected_len, 32);
    ck_assert_mem_eq(out, expected, OKTA_CACHE_KEY_LEN);
}
END_TEST

START_TEST(cache_key_differs_by_kind_and_id)
{
    okta_keys_t *keys, *other;
    unsigned char a[OKTA_CACHE_KEY_LEN], b[OKTA_CACHE_KEY_LEN];

    ck_assert_ptr_nonnull(keys = okta_keys_derive(test_pool, "k"));
    ck_assert_ptr_nonnull(other = okta_keys_derive(test_pool, "other"));

    okta_cache_key(a, keys, "session", "abc");
    okta_cache_key(b, keys, "session", "abc");
    ck_assert_mem_eq(a, b, sizeof(a));

    okta_cache_key(b, keys, "login", "abc");
    ck_assert(memcmp(a, b, sizeof(a)) != 0);
    okta_cache_key(b, keys, "session", "abd");
    ck_assert(memcmp(a, b, sizeof(a)) != 0);
    okta_cache_key(b, other, "session", "abc");
    ck_assert(memcmp(a, b, sizeof(a)) != 0);

    /* the separator keeps kind and id apart */
    okta_cache_key(a, keys, "ab", "c");
    okta_cache_key(b, keys, "a", "bc");
    ck_assert(memcmp(a, b, sizeof(a)) != 0);
}
END_TEST

START_TEST(cache_key_refuses_overlong_names)
{
    okta_keys_t *keys;
    unsigned char out[OKTA_CACHE_KEY_LEN];
    char id[OKTA_CACHE_ID_MAX + 2];

    ck_assert_ptr_nonnull(keys = okta_keys_derive(test_pool, "k"));
    memset(id, 'a', sizeof(id) - 1);
    id[sizeof(id) - 1] = '\0';
    ck_assert_int_eq(okta_cache_key(out, keys, "session", id), APR_EINVAL);
    id[OKTA_CACHE_ID_MAX] = '\0';
    ck_assert_int_eq(okta_cache_key(out, keys, "session", id), APR_SUCCESS);
    ck_assert_int_eq(okta_cache_key(out, keys, "a-kind-of-thirty-two-characters!", "abc"),
                     APR_EINVAL);
}
END_TEST

/* OktaCryptoPassphrase must be unguessable: whoever reads the cache could
 * otherwise test guesses offline at HKDF speed. */
START_TEST(secret_strength)
{
    static const char *const strong[] = {
        "q3Yb1v7c9m0X2kN8pZ4tR6wE5sD1fG7hJ0lK3aB9cQE=", /* openssl rand -base64 32 */
        "q3Yb1v7c9m0X2kN8pZ4tR6wE5sD1fG7hJ0lK3aB9cQE",
        "q3Yb1v7c-m0X2kN8pZ4tR6wE5sD1fG7hJ0lK3aB9cQE", /* URL alphabet */
        "S5KPXCfO82XFijF0azVzOOA7cQBZQ9L13g7hktRNXXgUQE1BjvyB8kXoUUWUXlrJ", /* 48 bytes */
    };
    static const char *const weak[] = {
        "", "short",
        "main-server-passphrase-0123456789", /* base64 letters, but 24 bytes */
        "correct horse battery staple correct horse battery staple",
        "q3Yb1v7c9m0X2kN8pZ4tR6wE5sD1fG7hJ0lK3aB9cQ", /* 31 bytes */
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", /* 32 zero bytes */
        "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=", /* "0123456789..." */
        "q3Yb1v7c9m0X2kN8pZ4tR6wE5sD1fG7hJ0lK3aB9cQE=!",
    };
    size_t i;

    for (i = 0; i < sizeof(strong) / sizeof(strong[0]); i++) {
        ck_assert_msg(okta_secret_is_strong(test_pool, strong[i]), "refused %s", strong[i]);
    }
    for (i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
        ck_assert_msg(!okta_secret_is_strong(test_pool, weak[i]), "accepted %s", weak[i]);
    }
}
END_TEST

TCase *crypto_tcase(void)
{
    TCase *tc = tcase_create("crypto");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, secret_strength);
    tcase_add_test(tc, keys_derive_is_deterministic);
    tcase_add_test(tc, keys_derive_depends_on_passphrase);
    tcase_add_test(tc, keys_derive_gives_distinct_seal_and_index_keys);
    tcase_add_test(tc, random_bytes_differ_between_calls);
    tcase_add_test(tc, random_id_length_and_alphabet);
    tcase_add_test(tc, random_id_is_unique);
    tcase_add_test(tc, pkce_challenge_rfc7636_vector);
    tcase_add_test(tc, sha256_known_digest);
    tcase_add_test(tc, seal_open_round_trip);
    tcase_add_test(tc, seal_open_empty_plaintext);
    tcase_add_test(tc, seal_uses_a_fresh_iv);
    tcase_add_test(tc, open_rejects_flipped_iv);
    tcase_add_test(tc, open_rejects_flipped_ciphertext);
    tcase_add_test(tc, open_rejects_flipped_tag);
    tcase_add_test(tc, open_rejects_other_key);
    tcase_add_test(tc, open_rejects_other_aad);
    tcase_add_test(tc, open_rejects_truncated_input);
    tcase_add_test(tc, cache_key_is_hmac_of_kind_nul_id);
    tcase_add_test(tc, cache_key_differs_by_kind_and_id);
    tcase_add_test(tc, cache_key_refuses_overlong_names);
    tcase_add_test(tc, random_id_refuses_more_than_64_bytes);
    return tc;
}
