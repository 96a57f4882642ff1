/* Bearer tokens this process verified, remembered until they expire, so
 * that a client calling a thousand times does not pay a thousand signature
 * verifications.  Named by the SHA-256 of the token, in a fixed number of
 * slots (a new token takes the place of whatever its slot held), each with
 * its own lock.  What is remembered is the caller's bytes (an encoded
 * record): recalling them is a copy, no JSON and no cryptography but the
 * digest. */
#ifndef OKTA_TOKEN_MEMO_H
#define OKTA_TOKEN_MEMO_H

#include <apr_pools.h>

#define OKTA_TOKEN_MEMO_SLOTS 256
/* Larger entries are not remembered: at most 4 MB per process. */
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
