/* SPDX-License-Identifier: Apache-2.0 */
/* The Redis protocol (RESP2), as far as the locks and the conditional
 * writes need it: commands out,
 * one simple reply (status, error, integer, bulk string or nil) back.
 * apr_redis, behind mod_socache_redis, has no SET NX PX and no EVAL, which
 * a lock that always expires and is released only by its holder needs. */
#ifndef OKTA_REDIS_H
#define OKTA_REDIS_H

#include <apr_pools.h>

typedef enum {
    OKTA_REDIS_NEED_MORE, /* the reply has not fully arrived */
    OKTA_REDIS_STATUS, /* +OK */
    OKTA_REDIS_ERROR, /* -ERR ... */
    OKTA_REDIS_INTEGER, /* :1 */
    OKTA_REDIS_BULK, /* $3 abc */
    OKTA_REDIS_NIL, /* $-1 or *-1 */
    OKTA_REDIS_MALFORMED /* not a reply we read (arrays among them) */
} okta_redis_type_t;

typedef struct okta_redis_reply_t {
    okta_redis_type_t type;
    apr_int64_t integer; /* OKTA_REDIS_INTEGER */
    const char *text; /* STATUS, ERROR, BULK: points into the buffer */
    apr_size_t len;
} okta_redis_reply_t;

/** `argc` arguments as a RESP command (an array of bulk strings), NUL
 * terminated; lens[i] bytes of argv[i], or strlen when `lens` is NULL
 * (arguments may be binary: sealed records). */
char *okta_redis_command(apr_pool_t *p, apr_size_t *len, int argc, const char *const *argv,
                        const apr_size_t *lens);

/** Reads the reply at the start of buf[0..len): its type, and in *used how
 * many bytes it took. */
okta_redis_type_t okta_redis_parse(okta_redis_reply_t *reply, const char *buf, apr_size_t len,
                                 apr_size_t *used);

#endif
