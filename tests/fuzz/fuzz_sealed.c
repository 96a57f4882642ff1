/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the sealing of cache entries (AES-256-GCM).
 *   - okta_open on the input, under fixed keys and a fixed aad, must never
 *     succeed: forging an entry means forging a GCM tag.
 *   - okta_seal then okta_open gives the input back; the same entry with
 *     one bit flipped, or opened under another aad, does not open.
 *   - okta_cache_key on the input as an identifier (browsers choose those). */
#include "fuzz_common.h"
#include "okta_crypto.h"

static okta_keys_t *keys;
static unsigned char aad[OKTA_CACHE_KEY_LEN], other_aad[OKTA_CACHE_KEY_LEN];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!(keys = okta_keys_derive(fuzz_root_pool(), "fuzzing passphrase, not a secret"))
        || okta_cache_key(aad, keys, "session", "fuzz-session-id") != APR_SUCCESS
        || okta_cache_key(other_aad, keys, "login", "fuzz-session-id") != APR_SUCCESS) {
        fprintf(stderr, "fuzz_sealed: cannot derive the fixed keys\n");
        abort();
    }
    FUZZ_INVARIANT(memcmp(aad, other_aad, sizeof(aad)) != 0);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_input_pool();
    unsigned char *buf = fuzz_memdup(data, size), *sealed = NULL, *copy, *plain = NULL;
    unsigned char key[OKTA_CACHE_KEY_LEN];
    apr_size_t sealed_len = 0, plain_len = 0, flip = 0, i;
    char *id;

    /* Not sealed by us: must not open. */
    FUZZ_INVARIANT(okta_open(&plain, &plain_len, keys, aad, sizeof(aad), buf, size)
                   == APR_EINVAL);
    free(buf);

    /* Round trip. */
    FUZZ_INVARIANT(okta_seal(&sealed, &sealed_len, p, keys, aad, sizeof(aad), data, size)
                   == APR_SUCCESS);
    FUZZ_INVARIANT(sealed_len == size + OKTA_SEAL_OVERHEAD);
    copy = malloc(sealed_len);
    FUZZ_INVARIANT(copy != NULL);
    memcpy(copy, sealed, sealed_len);
    FUZZ_INVARIANT(okta_open(&plain, &plain_len, keys, aad, sizeof(aad), copy, sealed_len)
                   == APR_SUCCESS);
    FUZZ_INVARIANT(plain_len == size && plain >= copy && plain + plain_len <= copy + sealed_len);
    FUZZ_INVARIANT(size == 0 || memcmp(plain, data, size) == 0);

    /* One flipped bit anywhere (IV, ciphertext or tag), chosen by the input. */
    for (i = 0; i < size; i++) {
        flip = flip * 31 + data[i];
    }
    memcpy(copy, sealed, sealed_len);
    copy[(flip / 8) % sealed_len] ^= (unsigned char)(1u << (flip % 8));
    FUZZ_INVARIANT(okta_open(&plain, &plain_len, keys, aad, sizeof(aad), copy, sealed_len)
                   == APR_EINVAL);

    /* Moved to another cache key. */
    memcpy(copy, sealed, sealed_len);
    FUZZ_INVARIANT(okta_open(&plain, &plain_len, keys, other_aad, sizeof(other_aad), copy,
                             sealed_len)
                   == APR_EINVAL);
    free(copy);

    /* The input as a browser-chosen identifier. */
    id = fuzz_strndup(data, size);
    if (okta_cache_key(key, keys, "session", id) == APR_SUCCESS) {
        FUZZ_INVARIANT(strlen(id) <= OKTA_CACHE_ID_MAX);
    }
    else {
        FUZZ_INVARIANT(strlen(id) > OKTA_CACHE_ID_MAX);
    }
    free(id);
    apr_pool_destroy(p);
    return 0;
}
