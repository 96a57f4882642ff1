/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <apr_strings.h>

#include "okta_memcache.h"

#define KEY_MAX 250 /* memcache's limit */
#define MC_LINE_MAX 512 /* a VALUE line: the key and three numbers */

/* A key memcache takes: 1 to 250 bytes, no space or control character. */
static int key_ok(const char *key)
{
    apr_size_t i, n = strlen(key);

    for (i = 0; i < n; i++) {
        if ((unsigned char)key[i] <= ' ' || key[i] == 0x7f) {
            return 0;
        }
    }
    return n > 0 && n <= KEY_MAX;
}

char *okta_mc_gets_command(apr_pool_t *p, const char *key)
{
    return key_ok(key) ? apr_pstrcat(p, "gets ", key, "\r\n", NULL) : NULL;
}

char *okta_mc_cas_command(apr_pool_t *p, apr_size_t *len, const char *key,
                          apr_uint32_t exptime, apr_uint64_t cas, const void *data,
                          apr_size_t datalen)
{
    char *head, *out;
    apr_size_t headlen;

    if (!key_ok(key)) {
        return NULL;
    }
    head = apr_psprintf(p, "cas %s 0 %u %" APR_SIZE_T_FMT " %" APR_UINT64_T_FMT "\r\n", key,
                        exptime, datalen, cas);
    headlen = strlen(head);
    out = apr_palloc(p, headlen + datalen + 3);
    memcpy(out, head, headlen);
    memcpy(out + headlen, data, datalen);
    memcpy(out + headlen + datalen, "\r\n", 3);
    *len = headlen + datalen + 2;
    return out;
}

/* The line at the start of buf, without its CRLF: its length, or -1 when
 * it has not fully arrived (or is too long to be one we read: -2). */
static long line_at(const char *buf, apr_size_t len)
{
    apr_size_t i;

    for (i = 0; i + 1 < len && i < MC_LINE_MAX; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n') {
            return (long)i;
        }
    }
    return i >= MC_LINE_MAX ? -2 : -1;
}

/* "VALUE <key> <flags> <bytes> <cas>": the bytes and cas of `key`'s value. */
static int value_line(const char *line, apr_size_t n, const char *key, apr_size_t *bytes,
                      apr_uint64_t *cas)
{
    char copy[MC_LINE_MAX + 1], *fields[6], *last, *end;
    int count = 0;
    apr_int64_t b, c;

    memcpy(copy, line, n);
    copy[n] = '\0';
    for (fields[count] = apr_strtok(copy, " ", &last); fields[count] && count < 5;
         fields[++count] = apr_strtok(NULL, " ", &last)) {
    }
    if (count != 5 || fields[5] || strcmp(fields[0], "VALUE") != 0
        || strcmp(fields[1], key) != 0) {
        return 0;
    }
    b = apr_strtoi64(fields[3], &end, 10);
    if (*end || end == fields[3] || b < 0 || fields[3][0] == '-') {
        return 0;
    }
    c = apr_strtoi64(fields[4], &end, 10);
    if (*end || end == fields[4] || fields[4][0] == '-') {
        return 0;
    }
    *bytes = (apr_size_t)b;
    *cas = (apr_uint64_t)c;
    return 1;
}

okta_mc_reply_t okta_mc_parse_gets(okta_mc_value_t *value, const char *key, const char *buf,
                                   apr_size_t len)
{
    long n = line_at(buf, len);
    apr_size_t bytes, at, tail;

    if (n < 0) {
        return n == -1 ? OKTA_MC_NEED_MORE : OKTA_MC_MALFORMED;
    }
    if (n == 3 && memcmp(buf, "END", 3) == 0) {
        return OKTA_MC_MISS;
    }
    if (!value_line(buf, (apr_size_t)n, key, &bytes, &value->cas)) {
        return OKTA_MC_MALFORMED;
    }
    at = (apr_size_t)n + 2;
    /* the data, then CRLF "END" CRLF, of which `tail` bytes have come */
    if (len - at < bytes) {
        return OKTA_MC_NEED_MORE;
    }
    tail = len - at - bytes < 7 ? len - at - bytes : 7;
    if (memcmp(buf + at + bytes, "\r\nEND\r\n", tail) != 0) {
        return OKTA_MC_MALFORMED;
    }
    if (tail < 7) {
        return OKTA_MC_NEED_MORE;
    }
    value->data = buf + at;
    value->len = bytes;
    return OKTA_MC_VALUE;
}

okta_mc_reply_t okta_mc_parse_cas(const char *buf, apr_size_t len)
{
    long n = line_at(buf, len);

    if (n < 0) {
        return n == -1 ? OKTA_MC_NEED_MORE : OKTA_MC_MALFORMED;
    }
    if (n == 6 && memcmp(buf, "STORED", 6) == 0) {
        return OKTA_MC_STORED;
    }
    if (n == 6 && memcmp(buf, "EXISTS", 6) == 0) {
        return OKTA_MC_EXISTS;
    }
    if (n == 9 && memcmp(buf, "NOT_FOUND", 9) == 0) {
        return OKTA_MC_NOT_FOUND;
    }
    return OKTA_MC_MALFORMED;
}
