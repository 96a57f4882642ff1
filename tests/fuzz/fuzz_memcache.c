/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the memcache replies of a compare-and-set (gets, cas).
 *
 * Both parsers get the input as the bytes a socket has delivered so far,
 * and every prefix of it too, in a buffer of exactly that size (ASan sees a
 * read past it): the reader parses again after each recv and must get the
 * same answer however the reply was cut.
 *   - A MALFORMED prefix stays MALFORMED however much follows.
 *   - A complete reply (VALUE, MISS for gets; STORED, EXISTS, NOT_FOUND for
 *     cas) stays the same reply for every longer prefix, and every shorter
 *     one is NEED_MORE or that same reply.
 *   - A VALUE's data lies inside the input, right after the VALUE line, and
 *     is followed by CRLF "END" CRLF.
 * The input's first line (up to 200 bytes) is also a key: a gets command
 * and a cas command are built for it when it is one memcache takes, and
 * start with "gets <key>\r\n" and "cas <key> " and end with CRLF. */
#include "fuzz_common.h"
#include "okta_memcache.h"

#define KEY "k1"

static okta_mc_reply_t gets_at(const uint8_t *data, size_t n, okta_mc_value_t *v, size_t *offset)
{
    char *copy = malloc(n ? n : 1);
    okta_mc_reply_t r;

    memcpy(copy, data, n);
    r = okta_mc_parse_gets(v, KEY, copy, n);
    if (r == OKTA_MC_VALUE) {
        *offset = (size_t)(v->data - copy);
        if (v->data < copy || *offset + v->len + 7 > n
            || memcmp(v->data + v->len, "\r\nEND\r\n", 7) != 0) {
            abort();
        }
    }
    free(copy);
    return r;
}

static okta_mc_reply_t cas_at(const uint8_t *data, size_t n)
{
    char *copy = malloc(n ? n : 1);
    okta_mc_reply_t r;

    memcpy(copy, data, n);
    r = okta_mc_parse_cas(copy, n);
    free(copy);
    return r;
}

static void prefixes_agree(const uint8_t *data, size_t size)
{
    okta_mc_reply_t first_gets = OKTA_MC_NEED_MORE, first_cas = OKTA_MC_NEED_MORE;
    okta_mc_value_t v, first_v;
    size_t n, off = 0, first_off = 0;

    memset(&first_v, 0, sizeof(first_v));
    for (n = 0; n <= size; n++) {
        okta_mc_reply_t g = gets_at(data, n, &v, &off), c = cas_at(data, n);

        if (first_gets != OKTA_MC_NEED_MORE) {
            if (g != first_gets) {
                abort();
            }
            if (g == OKTA_MC_VALUE && (v.len != first_v.len || v.cas != first_v.cas || off != first_off)) {
                abort();
            }
        }
        else if (g != OKTA_MC_NEED_MORE) {
            first_gets = g;
            first_v = v;
            first_off = off;
        }
        if (first_cas != OKTA_MC_NEED_MORE) {
            if (c != first_cas) {
                abort();
            }
        }
        else {
            first_cas = c;
        }
    }
}

static void commands(apr_pool_t *p, const uint8_t *data, size_t size)
{
    size_t n = 0;
    char key[201], *gets, *cas;
    apr_size_t len;

    while (n < size && n < 200 && data[n] != '\n' && data[n] != '\0') {
        n++;
    }
    memcpy(key, data, n);
    key[n] = '\0';
    gets = okta_mc_gets_command(p, key);
    cas = okta_mc_cas_command(p, &len, key, 60, 7, data, size);
    if (!gets != !cas) {
        abort();
    }
    if (gets && (strncmp(gets, "gets ", 5) != 0 || strcmp(gets + 5 + n, "\r\n") != 0
                 || memcmp(gets + 5, key, n) != 0)) {
        abort();
    }
    if (cas && (strncmp(cas, "cas ", 4) != 0 || memcmp(cas + 4, key, n) != 0 || cas[4 + n] != ' '
                || len < 2 || memcmp(cas + len - 2, "\r\n", 2) != 0
                || memcmp(cas + len - 2 - size, data, size) != 0)) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_input_pool();

    if (size <= 4096) {
        prefixes_agree(data, size);
    }
    commands(p, data, size);
    apr_pool_destroy(p);
    return 0;
}
