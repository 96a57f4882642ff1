/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the Redis protocol (RESP2) of the cache server's locks.
 *
 * okta_redis_parse gets the input as the bytes a socket has delivered so far
 * (a reply, cut short, or followed by more), and every prefix of it too: the
 * lock's reader parses again after each recv, and must get the same answer
 * however the reply was cut.  A complete reply (any type but NEED_MORE and
 * MALFORMED):
 *   - took 3 to len bytes, the last two CRLF, and its text lies inside them
 *     (status, error: the line after the type byte; bulk: len bytes after
 *     the header line, then CRLF);
 *   - has the number its line says, when the line is a plain decimal;
 *   - does not depend on what follows it: every prefix holding it parses to
 *     the same reply (type, used, text, len, integer), every shorter one to
 *     NEED_MORE -- but for a status or error line longer than the reader's
 *     line limit, cut past the limit before its end: MALFORMED.
 * Otherwise a MALFORMED prefix stays MALFORMED however much follows, and a
 * NEED_MORE input had no complete or MALFORMED prefix.  Prefixes are parsed
 * in place with the rest of the buffer poisoned, so ASan sees any read past
 * them.
 *
 * The input split at NUL bytes (at most MAX_ARGS pieces of its first
 * CMD_INPUT_MAX bytes) is also the argv of okta_redis_command: the command
 * must be "*<argc>\r\n" and then one bulk string per argument, which
 * okta_redis_parse reads back with the argument's length and bytes, up to the
 * last byte. */
#include <sanitizer/asan_interface.h>

#include "fuzz_common.h"
#include "okta_redis.h"

/* okta_redis.c's REPLY_LINE_MAX: the longest first line read without its end */
#define LINE_MAX_UNSEEN 64
#define MAX_ARGS 16
#define CMD_INPUT_MAX 4096

static int is_complete(okta_redis_type_t t)
{
    return t == OKTA_REDIS_STATUS || t == OKTA_REDIS_ERROR || t == OKTA_REDIS_INTEGER
           || t == OKTA_REDIS_BULK || t == OKTA_REDIS_NIL;
}

/* 1 when line[0..len) is "-"? and 1 to 18 digits (no overflow), with its value. */
static int plain_decimal(const unsigned char *line, size_t len, long long *value)
{
    size_t i = len > 0 && line[0] == '-';
    size_t digits = len - i;
    long long v = 0;

    if (digits == 0 || digits > 18) {
        return 0;
    }
    for (; i < len; i++) {
        if (line[i] < '0' || line[i] > '9') {
            return 0;
        }
        v = v * 10 + (line[i] - '0');
    }
    *value = line[0] == '-' ? -v : v;
    return 1;
}

/* The shape of a complete reply read from buf[0..len). */
static void check_reply(const unsigned char *buf, size_t len, const okta_redis_reply_t *reply,
                        size_t used)
{
    const unsigned char *cr = memchr(buf, '\r', len);
    const unsigned char *text = (const unsigned char *)reply->text;
    size_t line_len;
    long long n;

    FUZZ_INVARIANT(is_complete(reply->type));
    FUZZ_INVARIANT(used >= 3 && used <= len);
    FUZZ_INVARIANT(buf[used - 2] == '\r' && buf[used - 1] == '\n');
    /* the first line: the type byte, then up to the first CR, then LF */
    FUZZ_INVARIANT(cr != NULL && cr > buf && cr[1] == '\n');
    line_len = (size_t)(cr - buf) - 1;
    switch (reply->type) {
    case OKTA_REDIS_STATUS:
    case OKTA_REDIS_ERROR:
        FUZZ_INVARIANT(buf[0] == (reply->type == OKTA_REDIS_STATUS ? '+' : '-'));
        FUZZ_INVARIANT(text == buf + 1 && reply->len == line_len && used == line_len + 3);
        break;
    case OKTA_REDIS_INTEGER:
        FUZZ_INVARIANT(buf[0] == ':' && used == line_len + 3);
        FUZZ_INVARIANT(!plain_decimal(buf + 1, line_len, &n) || reply->integer == n);
        break;
    case OKTA_REDIS_BULK:
        FUZZ_INVARIANT(buf[0] == '$');
        FUZZ_INVARIANT(text == cr + 2 && text + reply->len + 2 == buf + used);
        FUZZ_INVARIANT(!plain_decimal(buf + 1, line_len, &n)
                       || (n >= 0 && (size_t)n == reply->len));
        break;
    default: /* OKTA_REDIS_NIL */
        FUZZ_INVARIANT((buf[0] == '$' || buf[0] == '*') && used == line_len + 3);
        FUZZ_INVARIANT(!plain_decimal(buf + 1, line_len, &n) || n == -1);
        break;
    }
}

static int same_reply(const okta_redis_reply_t *a, size_t a_used, const okta_redis_reply_t *b,
                      size_t b_used)
{
    return a->type == b->type && a_used == b_used && a->text == b->text && a->len == b->len
           && a->integer == b->integer;
}

static void fuzz_reply(const uint8_t *data, size_t size)
{
    unsigned char *buf = fuzz_memdup(data, size);
    okta_redis_reply_t whole, part;
    size_t used = 0, part_used, k;
    okta_redis_type_t t;

    t = okta_redis_parse(&whole, (const char *)buf, size, &used);
    FUZZ_INVARIANT(t >= OKTA_REDIS_NEED_MORE && t <= OKTA_REDIS_MALFORMED && t == whole.type);
    if (is_complete(t)) {
        check_reply(buf, size, &whole, used);
    }
    for (k = 0; k < size; k++) {
        ASAN_POISON_MEMORY_REGION(buf + k, size - k);
        part_used = 0;
        okta_redis_parse(&part, (const char *)buf, k, &part_used);
        ASAN_UNPOISON_MEMORY_REGION(buf + k, size - k);
        if (is_complete(part.type)) {
            /* what follows a reply does not change it */
            FUZZ_INVARIANT(part_used <= k);
            FUZZ_INVARIANT(same_reply(&part, part_used, &whole, used));
        }
        else if (part.type == OKTA_REDIS_MALFORMED) {
            FUZZ_INVARIANT(t == OKTA_REDIS_MALFORMED
                           || ((t == OKTA_REDIS_STATUS || t == OKTA_REDIS_ERROR)
                               && whole.len > LINE_MAX_UNSEEN && k < used));
        }
        else {
            FUZZ_INVARIANT(part.type == OKTA_REDIS_NEED_MORE);
            /* a prefix holding the whole reply is not short of anything */
            FUZZ_INVARIANT(!is_complete(t) || k < used);
        }
    }
    free(buf);
}

static void fuzz_command(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const uint8_t *s = data, *end = data + (size < CMD_INPUT_MAX ? size : CMD_INPUT_MAX);
    char *args[MAX_ARGS];
    const char *argv[MAX_ARGS];
    int argc = 0, i;
    char head[32];
    size_t len = 0, head_len, off = 0;
    unsigned char *body;
    const char *cmd;

    while (argc < MAX_ARGS) {
        const uint8_t *nul = memchr(s, '\0', (size_t)(end - s));
        args[argc] = fuzz_strndup(s, nul ? (size_t)(nul - s) : (size_t)(end - s));
        argv[argc] = args[argc];
        argc++;
        if (!nul) {
            break;
        }
        s = nul + 1;
    }
    cmd = okta_redis_command(p, &len, argc, argv, NULL);
    FUZZ_INVARIANT(cmd != NULL && len == strlen(cmd));
    head_len = (size_t)snprintf(head, sizeof(head), "*%d\r\n", argc);
    FUZZ_INVARIANT(len >= head_len && memcmp(cmd, head, head_len) == 0);
    /* the bulk strings, read back by the reply reader from an exact copy */
    body = fuzz_memdup((const uint8_t *)cmd + head_len, len - head_len);
    for (i = 0; i < argc; i++) {
        okta_redis_reply_t reply;
        size_t used = 0;

        FUZZ_INVARIANT(okta_redis_parse(&reply, (const char *)body + off, len - head_len - off,
                                       &used)
                       == OKTA_REDIS_BULK);
        FUZZ_INVARIANT(reply.len == strlen(argv[i])
                       && memcmp(reply.text, argv[i], reply.len) == 0);
        off += used;
    }
    FUZZ_INVARIANT(off == len - head_len);
    free(body);
    for (i = 0; i < argc; i++) {
        free(args[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_input_pool();

    fuzz_reply(data, size);
    fuzz_command(p, data, size);
    apr_pool_destroy(p);
    return 0;
}
