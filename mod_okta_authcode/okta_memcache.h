/* SPDX-License-Identifier: Apache-2.0 */
/* The memcache text protocol, as far as a compare-and-set needs it: "gets"
 * (a value with its cas unique) and "cas" out, their replies back.
 * apr_memcache, behind mod_socache_memcache, has neither. */
#ifndef OKTA_MEMCACHE_H
#define OKTA_MEMCACHE_H

#include <apr_pools.h>

typedef enum {
    OKTA_MC_NEED_MORE, /* the reply has not fully arrived */
    OKTA_MC_VALUE, /* gets: the value and its cas unique */
    OKTA_MC_MISS, /* gets: no such key */
    OKTA_MC_STORED, /* cas: written */
    OKTA_MC_EXISTS, /* cas: changed since the gets */
    OKTA_MC_NOT_FOUND, /* cas: gone since the gets */
    OKTA_MC_MALFORMED /* not a reply we read (an error among them) */
} okta_mc_reply_t;

typedef struct okta_mc_value_t {
    const char *data; /* points into the buffer */
    apr_size_t len;
    apr_uint64_t cas;
} okta_mc_value_t;

/** "gets KEY\r\n"; NULL for a key memcache does not take. */
char *okta_mc_gets_command(apr_pool_t *p, const char *key);
/** "cas KEY 0 EXPTIME LEN CAS\r\nDATA\r\n" (flags 0, as mod_socache_memcache
 * writes), in *len bytes; NULL for a key memcache does not take. */
char *okta_mc_cas_command(apr_pool_t *p, apr_size_t *len, const char *key,
                          apr_uint32_t exptime, apr_uint64_t cas, const void *data,
                          apr_size_t datalen);
/** Reads the reply of a gets of `key` at the start of buf[0..len). */
okta_mc_reply_t okta_mc_parse_gets(okta_mc_value_t *value, const char *key, const char *buf,
                                   apr_size_t len);
/** Reads the reply of a cas at the start of buf[0..len). */
okta_mc_reply_t okta_mc_parse_cas(const char *buf, apr_size_t len);

#endif
