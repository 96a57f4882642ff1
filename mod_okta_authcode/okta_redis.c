/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <apr_strings.h>

#include "okta_redis.h"

/* A reply's first line ends with CRLF; longer ones are not ours, nor are
 * bulk strings longer than the locks' tokens could ever be. */
#define REPLY_LINE_MAX 64
#define BULK_MAX 65536

char *okta_redis_command(apr_pool_t *p, apr_size_t *len, int argc, const char *const *argv,
                        const apr_size_t *lens)
{
    apr_size_t total = 32, at;
    char *out;
    int i;

    for (i = 0; i < argc; i++) {
        total += 32 + (lens ? lens[i] : strlen(argv[i]));
    }
    out = apr_palloc(p, total);
    at = (apr_size_t)apr_snprintf(out, total, "*%d\r\n", argc);
    for (i = 0; i < argc; i++) {
        apr_size_t n = lens ? lens[i] : strlen(argv[i]);

        at += (apr_size_t)apr_snprintf(out + at, total - at, "$%" APR_SIZE_T_FMT "\r\n", n);
        memcpy(out + at, argv[i], n);
        memcpy(out + at + n, "\r\n", 3);
        at += n + 2;
    }
    *len = at;
    return out;
}

/* The number after a reply's type byte, up to CRLF; 0 when not one. */
static int line_number(const char *line, apr_size_t line_len, apr_int64_t *n)
{
    char digits[REPLY_LINE_MAX + 1];
    char *end;

    if (line_len == 0 || line_len > REPLY_LINE_MAX) {
        return 0;
    }
    memcpy(digits, line, line_len);
    digits[line_len] = '\0';
    *n = apr_strtoi64(digits, &end, 10);
    return *end == '\0' && end != digits;
}

okta_redis_type_t okta_redis_parse(okta_redis_reply_t *reply, const char *buf, apr_size_t len,
                                 apr_size_t *used)
{
    const char *crlf = len > 1 ? memchr(buf, '\r', len) : NULL;
    apr_size_t line_len;
    apr_int64_t n;

    memset(reply, 0, sizeof(*reply));
    if (!crlf || (apr_size_t)(crlf - buf) + 1 >= len) {
        return reply->type = len > REPLY_LINE_MAX + 2 ? OKTA_REDIS_MALFORMED : OKTA_REDIS_NEED_MORE;
    }
    if (crlf[1] != '\n') {
        return reply->type = OKTA_REDIS_MALFORMED;
    }
    line_len = (apr_size_t)(crlf - buf) - 1;
    *used = line_len + 3;
    switch (buf[0]) {
    case '+':
    case '-':
        reply->text = buf + 1;
        reply->len = line_len;
        return reply->type = buf[0] == '+' ? OKTA_REDIS_STATUS : OKTA_REDIS_ERROR;
    case ':':
        if (!line_number(buf + 1, line_len, &reply->integer)) {
            return reply->type = OKTA_REDIS_MALFORMED;
        }
        return reply->type = OKTA_REDIS_INTEGER;
    case '$':
    case '*':
        if (!line_number(buf + 1, line_len, &n) || n < -1 || n > BULK_MAX
            || (buf[0] == '*' && n != -1)) {
            return reply->type = OKTA_REDIS_MALFORMED;
        }
        if (n == -1) {
            return reply->type = OKTA_REDIS_NIL;
        }
        if (len < *used + (apr_size_t)n + 2) {
            return reply->type = OKTA_REDIS_NEED_MORE;
        }
        if (buf[*used + n] != '\r' || buf[*used + n + 1] != '\n') {
            return reply->type = OKTA_REDIS_MALFORMED;
        }
        reply->text = buf + *used;
        reply->len = (apr_size_t)n;
        *used += (apr_size_t)n + 2;
        return reply->type = OKTA_REDIS_BULK;
    default:
        return reply->type = OKTA_REDIS_MALFORMED;
    }
}
