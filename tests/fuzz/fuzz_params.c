/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: what the browser controls in a request.  The input is
 * split on '\n' into up to five parts, fed in order to:
 *   0 okta_query_parse (+ okta_query_get_unique "state", "code")
 *   1 okta_cookie_find in a Cookie header ("okta_session", "okta_login"),
 *     and the login cookie's items (okta_pending_items, okta_pending_take)
 *   2 okta_url_decode (and url_encode -> url_decode gives it back)
 *   3 okta_b64url_decode (and on success b64url_encode gives the input back)
 *   4 okta_is_local_path (a return_to after login)
 * An input without '\n' goes to all five whole. */
#include <apr_strings.h>

#include "fuzz_common.h"
#include "okta_pending.h"
#include "okta_util.h"

#define NPARTS 5

static void fuzz_query(apr_pool_t *p, const char *query)
{
    static const char *const names[] = { "state", "code", "error", "" };
    apr_table_t *params = NULL;
    size_t i;

    if (okta_query_parse(&params, p, query) != APR_SUCCESS) {
        return;
    }
    FUZZ_INVARIANT(params != NULL);
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *value = NULL;
        okta_param_result_t r = okta_query_get_unique(params, names[i], &value);
        FUZZ_INVARIANT(r == OKTA_PARAM_OK || r == OKTA_PARAM_MISSING
                       || r == OKTA_PARAM_REPEATED);
        if (r == OKTA_PARAM_OK) {
            FUZZ_INVARIANT(value != NULL);
            fuzz_touch(value);
        }
    }
}

static void fuzz_cookie(const char *header, const char *name)
{
    const char *value = NULL;
    apr_size_t len = 0;
    int found = okta_cookie_find(header, name, &value, &len);

    FUZZ_INVARIANT(found >= -1 && found <= 1);
    if (found == 1) {
        /* The value lies inside the header, within one cookie. */
        FUZZ_INVARIANT(value > header && value + len <= header + strlen(header));
        FUZZ_INVARIANT(value[-1] == '=');
        FUZZ_INVARIANT(memchr(value, ';', len) == NULL);
    }
}

/* Whatever a browser sends as its login cookie: items are well-formed, and
 * none opens (only this server can seal one). */
static void fuzz_pending(apr_pool_t *p, const char *header)
{
    static okta_keys_t *keys;
    const char *value = NULL;
    apr_size_t len = 0;
    apr_array_header_t *items;
    okta_login_t login;

    if (!keys && !(keys = okta_keys_derive(fuzz_root_pool(), "fuzz-pending-passphrase-0123"))) {
        abort();
    }
    if (okta_cookie_find(header, "okta_login", &value, &len) != 1) {
        return;
    }
    items = okta_pending_items(p, value, len);
    FUZZ_INVARIANT(items->nelts <= (int)len);
    while (items->nelts > 0) {
        const char *item = APR_ARRAY_IDX(items, 0, const char *);
        const char *state = apr_pstrmemdup(p, item, strcspn(item, "~"));
        int before = items->nelts;
        FUZZ_INVARIANT(okta_pending_take(&login, items, p, keys, state) == APR_EINVAL);
        FUZZ_INVARIANT(items->nelts == before - 1);
    }
    fuzz_touch(okta_pending_value(p, items));
}

static void fuzz_url_decode(apr_pool_t *p, const char *s, size_t len)
{
    char *decoded = NULL, *again = NULL;
    const char *encoded;

    if (okta_url_decode(&decoded, p, s, len) != APR_SUCCESS) {
        return;
    }
    FUZZ_INVARIANT(strlen(decoded) <= len);
    encoded = okta_url_encode(p, decoded);
    FUZZ_INVARIANT(okta_url_decode(&again, p, encoded, strlen(encoded)) == APR_SUCCESS);
    FUZZ_INVARIANT(strcmp(again, decoded) == 0);
}

static void fuzz_b64url(apr_pool_t *p, const char *s, size_t len)
{
    unsigned char *raw = NULL;
    apr_size_t rawlen = 0;
    char *encoded;

    if (okta_b64url_decode(&raw, &rawlen, p, s, len) != APR_SUCCESS) {
        return;
    }
    FUZZ_INVARIANT(rawlen <= len);
    FUZZ_INVARIANT(raw[rawlen] == '\0');
    /* Padding is refused and leftover bits must be zero, so there is one
     * encoding per byte string. */
    encoded = okta_b64url_encode(p, raw, rawlen);
    FUZZ_INVARIANT(strlen(encoded) == len);
    FUZZ_INVARIANT(memcmp(encoded, s, len) == 0);
}

static void fuzz_local_path(const char *url)
{
    const char *c;

    if (!okta_is_local_path(url)) {
        return;
    }
    FUZZ_INVARIANT(url[0] == '/' && url[1] != '/' && url[1] != '\\');
    for (c = url; *c; c++) {
        FUZZ_INVARIANT((unsigned char)*c >= 0x20 && *c != 0x7f && *c != '\\');
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_input_pool();
    const uint8_t *start[NPARTS];
    size_t len[NPARTS];
    char *part[NPARTS];
    const uint8_t *s = data, *end = data + size;
    int nparts = 0, i;

    while (nparts < NPARTS) {
        const uint8_t *nl = nparts < NPARTS - 1 ? memchr(s, '\n', (size_t)(end - s)) : NULL;
        start[nparts] = s;
        len[nparts] = nl ? (size_t)(nl - s) : (size_t)(end - s);
        nparts++;
        if (!nl) {
            break;
        }
        s = nl + 1;
    }
    for (i = nparts; i < NPARTS; i++) {
        start[i] = nparts == 1 ? data : end;
        len[i] = nparts == 1 ? size : 0;
    }
    /* Exact-size copies: the string functions get NUL-terminated ones,
     * the length-taking decoders the same bytes with their length. */
    for (i = 0; i < NPARTS; i++) {
        part[i] = fuzz_strndup(start[i], len[i]);
    }

    fuzz_query(p, part[0]);
    fuzz_cookie(part[1], "okta_session");
    fuzz_cookie(part[1], "okta_login");
    fuzz_pending(p, part[1]);
    fuzz_url_decode(p, part[2], len[2]);
    fuzz_b64url(p, part[3], len[3]);
    fuzz_local_path(part[4]);

    for (i = 0; i < NPARTS; i++) {
        free(part[i]);
    }
    apr_pool_destroy(p);
    return 0;
}
