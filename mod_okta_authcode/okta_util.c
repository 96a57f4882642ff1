/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "okta_util.h"

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *okta_b64url_encode(apr_pool_t *p, const unsigned char *data, apr_size_t len)
{
    char *out = apr_palloc(p, (len + 2) / 3 * 4 + 1);
    char *o = out;
    apr_size_t i;

    for (i = 0; i + 2 < len; i += 3) {
        apr_uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        *o++ = b64url_alphabet[(v >> 18) & 63];
        *o++ = b64url_alphabet[(v >> 12) & 63];
        *o++ = b64url_alphabet[(v >> 6) & 63];
        *o++ = b64url_alphabet[v & 63];
    }
    if (len - i == 1) {
        *o++ = b64url_alphabet[data[i] >> 2];
        *o++ = b64url_alphabet[(data[i] & 3) << 4];
    }
    else if (len - i == 2) {
        apr_uint32_t v = (data[i] << 8) | data[i + 1];
        *o++ = b64url_alphabet[(v >> 10) & 63];
        *o++ = b64url_alphabet[(v >> 4) & 63];
        *o++ = b64url_alphabet[(v << 2) & 63];
    }
    *o = '\0';
    return out;
}

static int b64url_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

apr_status_t okta_b64url_decode(unsigned char **out, apr_size_t *outlen, apr_pool_t *p,
                                const char *in, apr_size_t inlen)
{
    unsigned char *buf, *o;
    apr_uint32_t acc = 0;
    int bits = 0;
    apr_size_t i;

    if (inlen % 4 == 1) {
        return APR_EINVAL;
    }
    buf = o = apr_palloc(p, inlen / 4 * 3 + 3);
    for (i = 0; i < inlen; i++) {
        int v = b64url_value((unsigned char)in[i]);
        if (v < 0) {
            return APR_EINVAL;
        }
        acc = (acc << 6) | (apr_uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            *o++ = (unsigned char)(acc >> bits);
        }
    }
    /* Leftover bits must be zero, or two encodings would decode alike. */
    if (acc & ((1u << bits) - 1)) {
        return APR_EINVAL;
    }
    *o = '\0';
    *out = buf;
    *outlen = (apr_size_t)(o - buf);
    return APR_SUCCESS;
}

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
           || c == '-' || c == '.' || c == '_' || c == '~';
}

char *okta_url_encode(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, strlen(s) * 3 + 1);
    char *o = out;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (is_unreserved(c)) {
            *o++ = (char)c;
        }
        else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

void okta_form_add(apr_pool_t *p, const char **query, const char *name, const char *value)
{
    *query = apr_pstrcat(p, *query, **query ? "&" : "", okta_url_encode(p, name), "=",
                         okta_url_encode(p, value), NULL);
}

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

apr_status_t okta_url_decode(char **out, apr_pool_t *p, const char *s, apr_size_t len)
{
    char *buf = apr_palloc(p, len + 1);
    char *o = buf;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        if (s[i] == '+') {
            *o++ = ' ';
        }
        else if (s[i] == '%') {
            int hi, lo;
            if (i + 2 >= len) {
                return APR_EINVAL;
            }
            hi = hex_value((unsigned char)s[i + 1]);
            lo = hex_value((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                return APR_EINVAL;
            }
            *o++ = (char)(hi << 4 | lo);
            i += 2;
        }
        else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    *out = buf;
    return APR_SUCCESS;
}

apr_status_t okta_query_parse(apr_table_t **out, apr_pool_t *p, const char *query)
{
    apr_table_t *t = apr_table_make(p, 8);

    while (query && *query) {
        const char *end = strchr(query, '&');
        apr_size_t len = end ? (apr_size_t)(end - query) : strlen(query);
        const char *eq = memchr(query, '=', len);
        char *name, *value = "";

        if (len > 0) {
            apr_size_t nlen = eq ? (apr_size_t)(eq - query) : len;
            if (okta_url_decode(&name, p, query, nlen) != APR_SUCCESS
                || (eq && okta_url_decode(&value, p, eq + 1, len - nlen - 1) != APR_SUCCESS)) {
                return APR_EINVAL;
            }
            apr_table_addn(t, name, value);
        }
        query = end ? end + 1 : NULL;
    }
    *out = t;
    return APR_SUCCESS;
}

typedef struct {
    const char *name;
    const char *value;
    int count;
} param_lookup_t;

static int count_param(void *baton, const char *key, const char *value)
{
    param_lookup_t *lookup = baton;
    if (strcmp(key, lookup->name) == 0) {
        lookup->value = value;
        lookup->count++;
    }
    return 1;
}

okta_param_result_t okta_query_get_unique(const apr_table_t *params, const char *name,
                                          const char **value)
{
    param_lookup_t lookup = { name, NULL, 0 };

    apr_table_do(count_param, &lookup, params, name, NULL);
    if (lookup.count == 0) {
        return OKTA_PARAM_MISSING;
    }
    if (lookup.count > 1) {
        return OKTA_PARAM_REPEATED;
    }
    *value = lookup.value;
    return OKTA_PARAM_OK;
}

/* Calls `found` with each value of cookie `name` in a Cookie request
 * header, in the header's order; returns how many there were. */
static int each_cookie_value(const char *header, const char *name,
                             void (*found)(void *baton, const char *value, apr_size_t len),
                             void *baton)
{
    apr_size_t nlen = strlen(name);
    const char *s = header;
    int count = 0;

    while (s && *s) {
        const char *end;
        while (*s == ' ' || *s == '\t' || *s == ';') {
            s++;
        }
        end = strchr(s, ';');
        if (!end) {
            end = s + strlen(s);
        }
        if ((apr_size_t)(end - s) > nlen && strncmp(s, name, nlen) == 0 && s[nlen] == '=') {
            const char *v = s + nlen + 1;
            const char *vend = end;
            while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t')) {
                vend--;
            }
            found(baton, v, (apr_size_t)(vend - v));
            count++;
        }
        s = end;
    }
    return count;
}

typedef struct {
    const char **value;
    apr_size_t *len;
} first_value_t;

static void keep_first(void *baton, const char *value, apr_size_t len)
{
    first_value_t *first = baton;

    if (!*first->value) {
        *first->value = value;
        *first->len = len;
    }
}

int okta_cookie_find(const char *header, const char *name, const char **value, apr_size_t *len)
{
    const char *v = NULL;
    apr_size_t vlen = 0;
    first_value_t first = { &v, &vlen };
    int count = each_cookie_value(header, name, keep_first, &first);

    if (count == 1) {
        *value = v;
        *len = vlen;
    }
    return count > 1 ? -1 : count;
}

typedef struct {
    apr_pool_t *pool;
    apr_array_header_t *values;
} all_values_t;

static void keep_copy(void *baton, const char *value, apr_size_t len)
{
    all_values_t *all = baton;

    APR_ARRAY_PUSH(all->values, const char *) = apr_pstrmemdup(all->pool, value, len);
}

apr_array_header_t *okta_cookie_values(apr_pool_t *p, const char *header, const char *name)
{
    all_values_t all = { p, apr_array_make(p, 1, sizeof(const char *)) };

    each_cookie_value(header, name, keep_copy, &all);
    return all.values;
}

const char *okta_cookie_name(const char *name, int https)
{
    static const char prefix[] = OKTA_HTTPS_COOKIE_PREFIX;

    return https || strncmp(name, prefix, sizeof(prefix) - 1) != 0 ? name
                                                                   : name + sizeof(prefix) - 1;
}

int okta_cookie_name_usable(const char *name)
{
    static const char separators[] = "()<>@,;:\\\"/[]?={} \t";
    const char *c;

    if (!*name || strncasecmp(name, "__Host-", 7) == 0 || strncasecmp(name, "__Secure-", 9) == 0) {
        return 0;
    }
    for (c = name; *c; c++) {
        if ((unsigned char)*c <= 0x20 || (unsigned char)*c >= 0x7f || strchr(separators, *c)) {
            return 0;
        }
    }
    return 1;
}

/* 1 when the cookie that starts at `item` (up to `end`) is named one of
 * `names`. */
static int cookie_named(const char *item, const char *end, const char *const *names, int nnames)
{
    int i;

    for (i = 0; i < nnames; i++) {
        apr_size_t len = strlen(names[i]);
        if ((apr_size_t)(end - item) > len && strncmp(item, names[i], len) == 0
            && item[len] == '=') {
            return 1;
        }
    }
    return 0;
}

/* Calls `keep` for each cookie of the header not named one of `names`;
 * returns how many were left out. */
static int each_other_cookie(const char *header, const char *const *names, int nnames,
                             void (*keep)(void *baton, const char *item, apr_size_t len),
                             void *baton)
{
    const char *s = header;
    int left_out = 0;

    while (*s) {
        const char *end, *trimmed;
        while (*s == ' ' || *s == '\t' || *s == ';') {
            s++;
        }
        if (!*s) {
            break;
        }
        end = strchr(s, ';');
        if (!end) {
            end = s + strlen(s);
        }
        trimmed = end;
        while (trimmed > s && (trimmed[-1] == ' ' || trimmed[-1] == '\t')) {
            trimmed--;
        }
        if (cookie_named(s, trimmed, names, nnames)) {
            left_out++;
        }
        else {
            keep(baton, s, (apr_size_t)(trimmed - s));
        }
        s = end;
    }
    return left_out;
}

typedef struct {
    char *out;
    apr_size_t len;
} joined_t;

static void append_cookie(void *baton, const char *item, apr_size_t len)
{
    joined_t *joined = baton;

    if (joined->len) {
        memcpy(joined->out + joined->len, "; ", 2);
        joined->len += 2;
    }
    memcpy(joined->out + joined->len, item, len);
    joined->len += len;
}

static void measure_cookie(void *baton, const char *item, apr_size_t len)
{
    (void)item;
    *(apr_size_t *)baton += len + 2; /* and "; " */
}

const char *okta_cookie_header_without(apr_pool_t *p, const char *header,
                                       const char *const *names, int nnames)
{
    apr_size_t size = 1;
    joined_t joined;

    if (!each_other_cookie(header, names, nnames, measure_cookie, &size)) {
        return header;
    }
    joined.out = apr_palloc(p, size);
    joined.len = 0;
    each_other_cookie(header, names, nnames, append_cookie, &joined);
    joined.out[joined.len] = '\0';
    return joined.out;
}

int okta_ct_streq(const char *a, const char *b)
{
    apr_size_t alen = strlen(a), blen = strlen(b), i;
    unsigned char diff = (alen != blen);

    for (i = 0; i < alen && i < blen; i++) {
        diff |= (unsigned char)(a[i] ^ b[i]);
    }
    return diff == 0;
}

int okta_is_local_path(const char *url)
{
    const char *s;

    if (url[0] != '/' || url[1] == '/' || url[1] == '\\') {
        return 0;
    }
    for (s = url; *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '\\') {
            return 0;
        }
    }
    return 1;
}

int okta_is_b64token(const char *token)
{
    const char *c = token;

    while (apr_isalnum(*c) || (*c && strchr("-._~+/", *c))) {
        c++;
    }
    if (c == token) {
        return 0;
    }
    while (*c == '=') {
        c++;
    }
    return *c == '\0';
}
