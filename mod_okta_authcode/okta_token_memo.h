/* SPDX-License-Identifier: Apache-2.0 */
/* Bearer tokens this process verified, remembered until they expire, so
 * that a client calling a thousand times does not pay a thousand signature
 * verifications.  In a fixed number of slots, each with its own lock,
 * chosen by a hash of the token's end (its signature: random to anyone but
 * the provider, so no client can aim tokens at another's slot); a new token
 * takes the place of whatever its slot held.  A slot holds the whole token
 * and is believed only for exactly that token.  What is remembered is the
 * caller's bytes (an encoded record, which holds the token anyway):
 * recalling them is a comparison and a copy, no JSON and no cryptography. */
#ifndef OKTA_TOKEN_MEMO_H
#define OKTA_TOKEN_MEMO_H

#include <apr_pools.h>

#define OKTA_TOKEN_MEMO_SLOTS 256
/* Larger entries (token and bytes) are not remembered: at most 4 MB per
 * process. */
#define OKTA_TOKEN_MEMO_MAX_ENTRY 16384

typedef struct okta_token_memo_t okta_token_memo_t;

/** An empty memo, released with `p`; NULL if a lock cannot be made. */
okta_token_memo_t *okta_token_memo_create(apr_pool_t *p);

/** 1 with a copy (from `p`) of the bytes remembered for `token`, when
 * `now` (seconds since the epoch) is before the time they were remembered
 * until; 0 otherwise. */
int okta_token_memo_recall(okta_token_memo_t *memo, const char *token, apr_int64_t now,
                           apr_pool_t *p, unsigned char **data, apr_size_t *len);

/** Remembers `data` for `token` until `until` (seconds since the epoch). */
void okta_token_memo_remember(okta_token_memo_t *memo, const char *token, apr_int64_t until,
                              const unsigned char *data, apr_size_t len);

#endif
