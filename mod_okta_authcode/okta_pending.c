/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <openssl/crypto.h>

#include "okta_pending.h"
#include "okta_util.h"

#define ITEM_SEP '.'
#define STATE_SEP '~'
#define AAD_KIND "pending-login"

/* The AAD that binds a sealed record to its state. */
static apr_status_t state_aad(unsigned char aad[OKTA_CACHE_KEY_LEN], const okta_keys_t *keys,
                              const char *state)
{
    return okta_cache_key(aad, keys, AAD_KIND, state);
}

static int is_item(const char *s, apr_size_t len)
{
    const char *sep = memchr(s, STATE_SEP, len);
    apr_size_t i;

    if (!sep || sep == s || (apr_size_t)(sep - s) > OKTA_CACHE_ID_MAX || sep + 1 == s + len) {
        return 0;
    }
    for (i = 0; i < len; i++) {
        if (!apr_isalnum(s[i]) && s[i] != '-' && s[i] != '_' && s + i != sep) {
            return 0;
        }
    }
    return 1;
}

apr_array_header_t *okta_pending_items(apr_pool_t *p, const char *value, apr_size_t len)
{
    apr_array_header_t *items = apr_array_make(p, OKTA_PENDING_MAX + 1, sizeof(const char *));
    const char *s, *end = value + len;

    for (s = value; s < end;) {
        const char *sep = memchr(s, ITEM_SEP, end - s);
        const char *item_end = sep ? sep : end;
        if (is_item(s, item_end - s)) {
            APR_ARRAY_PUSH(items, const char *) = apr_pstrmemdup(p, s, item_end - s);
        }
        s = item_end + 1;
    }
    return items;
}

const char *okta_pending_seal(apr_pool_t *p, const okta_keys_t *keys, const okta_login_t *login)
{
    unsigned char aad[OKTA_CACHE_KEY_LEN], *record, *sealed;
    apr_size_t record_len, sealed_len;

    if (state_aad(aad, keys, login->state) != APR_SUCCESS
        || okta_login_encode(&record, &record_len, p, login) != APR_SUCCESS
        || okta_seal(&sealed, &sealed_len, p, keys, aad, sizeof(aad), record, record_len)
               != APR_SUCCESS) {
        return NULL;
    }
    return apr_pstrcat(p, login->state, "~", okta_b64url_encode(p, sealed, sealed_len), NULL);
}

/* The index of the item of `state`, or -1.  States are compared in
 * constant time, as every secret the module checks. */
static int find_item(const apr_array_header_t *items, const char *state)
{
    apr_size_t state_len = strlen(state);
    int i;

    for (i = 0; i < items->nelts; i++) {
        const char *item = APR_ARRAY_IDX(items, i, const char *);
        const char *sep = strchr(item, STATE_SEP);
        if (sep && (apr_size_t)(sep - item) == state_len
            && CRYPTO_memcmp(item, state, state_len) == 0) {
            return i;
        }
    }
    return -1;
}

static void remove_item(apr_array_header_t *items, int i)
{
    memmove(&APR_ARRAY_IDX(items, i, const char *), &APR_ARRAY_IDX(items, i + 1, const char *),
            (items->nelts - i - 1) * sizeof(const char *));
    items->nelts--;
}

apr_status_t okta_pending_take(okta_login_t *login, apr_array_header_t *items, apr_pool_t *p,
                               const okta_keys_t *keys, const char *state)
{
    unsigned char aad[OKTA_CACHE_KEY_LEN], *sealed, *record;
    apr_size_t sealed_len, record_len;
    const char *item;
    int i = find_item(items, state);

    if (i < 0) {
        return APR_NOTFOUND;
    }
    item = APR_ARRAY_IDX(items, i, const char *);
    remove_item(items, i);
    if (state_aad(aad, keys, state) != APR_SUCCESS
        || okta_b64url_decode(&sealed, &sealed_len, p, item + strlen(state) + 1,
                              strlen(item + strlen(state) + 1)) != APR_SUCCESS
        || okta_open(&record, &record_len, keys, aad, sizeof(aad), sealed, sealed_len)
               != APR_SUCCESS
        || okta_login_decode(login, record, record_len) != APR_SUCCESS
        || !okta_ct_streq(login->state, state)) {
        return APR_EINVAL;
    }
    return APR_SUCCESS;
}

const char *okta_pending_value(apr_pool_t *p, const apr_array_header_t *items)
{
    apr_size_t total = 0;
    const char *value = "";
    int first, i;

    for (first = items->nelts; first > 0 && items->nelts - first < OKTA_PENDING_MAX; first--) {
        apr_size_t len = strlen(APR_ARRAY_IDX(items, first - 1, const char *)) + 1;
        if (total + len > OKTA_PENDING_VALUE_MAX + 1) {
            break;
        }
        total += len;
    }
    for (i = first; i < items->nelts; i++) {
        value = apr_pstrcat(p, value, i > first ? "." : "", APR_ARRAY_IDX(items, i, const char *),
                            NULL);
    }
    return value;
}
