/* SPDX-License-Identifier: Apache-2.0 */
/* Shared by the libFuzzer targets: one APR root pool for the process and a
 * subpool per input, plus exact-size heap copies of the input so that
 * AddressSanitizer sees its real bounds (the fuzzer's own buffer is not
 * NUL-terminated, and pool memory hides overreads). */
#ifndef OKTA_FUZZ_COMMON_H
#define OKTA_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_general.h>
#include <apr_pools.h>

static apr_pool_t *fuzz_root;

/* Lazily, once: apr_initialize and the root pool everything hangs from. */
static inline apr_pool_t *fuzz_root_pool(void)
{
    if (!fuzz_root) {
        if (apr_initialize() != APR_SUCCESS || apr_pool_create(&fuzz_root, NULL) != APR_SUCCESS) {
            fprintf(stderr, "fuzz: cannot initialize APR\n");
            abort();
        }
    }
    return fuzz_root;
}

/* A pool for one input; the caller destroys it before returning. */
static inline apr_pool_t *fuzz_input_pool(void)
{
    apr_pool_t *p;

    if (apr_pool_create(&p, fuzz_root_pool()) != APR_SUCCESS) {
        abort();
    }
    return p;
}

/* malloc'd copy of exactly `size` bytes (a zero-size copy still has a
 * distinct address).  free() it. */
static inline unsigned char *fuzz_memdup(const uint8_t *data, size_t size)
{
    unsigned char *copy = malloc(size ? size : 1);

    if (!copy) {
        abort();
    }
    if (size) {
        memcpy(copy, data, size);
    }
    return copy;
}

/* malloc'd NUL-terminated copy; the string ends at the first NUL byte of
 * the input, if it has one.  free() it. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);

    if (!copy) {
        abort();
    }
    memcpy(copy, data, size);
    copy[size] = '\0';
    return copy;
}

/* Reads every byte of a C string the core handed back, so that a dangling
 * or unterminated result shows up under ASan where it was produced. */
static volatile size_t fuzz_sink;
static inline void fuzz_touch(const char *s)
{
    if (s) {
        fuzz_sink += strlen(s);
    }
}

/* An invariant of the code under test does not hold: report and crash so
 * that libFuzzer saves the input. */
#define FUZZ_INVARIANT(cond)                                                                   \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz: invariant failed at %s:%d: %s\n", __FILE__, __LINE__,       \
                    #cond);                                                                    \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

#endif
