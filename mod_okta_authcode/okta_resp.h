/* SPDX-License-Identifier: Apache-2.0 */
/* The Redis protocol (RESP2), as far as the locks and the conditional
 * writes need it: commands out,
 * one simple reply (status, error, integer, bulk string or nil) back.
 * apr_redis, behind mod_socache_redis, has no SET NX PX and no EVAL, which
 * a lock that always expires and is released only by its holder needs. */
#ifndef OKTA_RESP_H
#define OKTA_RESP_H

#include <apr_pools.h>

typedef enum {
    OKTA_RESP_NEED_MORE, /* the reply has not fully arrived */
    OKTA_RESP_STATUS, /* +OK */
    OKTA_RESP_ERROR, /* -ERR ... */
    OKTA_RESP_INTEGER, /* :1 */
    OKTA_RESP_BULK, /* $3 abc */
    OKTA_RESP_NIL, /* $-1 or *-1 */
    OKTA_RESP_MALFORMED /* not a reply we read (arrays among them) */
} okta_resp_type_t;

typedef struct okta_resp_reply_t {
    okta_resp_type_t type;
    apr_int64_t integer; /* OKTA_RESP_INTEGER */
    const char *text; /* STATUS, ERROR, BULK: points into the buffer */
    apr_size_t len;
} okta_resp_reply_t;

/** `argc` arguments as a RESP command (an array of bulk strings), NUL
 * terminated; lens[i] bytes of argv[i], or strlen when `lens` is NULL
 * (arguments may be binary: sealed records). */
char *okta_resp_command(apr_pool_t *p, apr_size_t *len, int argc, const char *const *argv,
                        const apr_size_t *lens);

/** Reads the reply at the start of buf[0..len): its type, and in *used how
 * many bytes it took. */
okta_resp_type_t okta_resp_parse(okta_resp_reply_t *reply, const char *buf, apr_size_t len,
                                 apr_size_t *used);

#endif
