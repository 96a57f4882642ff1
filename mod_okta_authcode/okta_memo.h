/* A memo, per process, of the cache entries this process opened last: for
 * each of a fixed number of slots, an identifier, its cache key, the sealed
 * bytes the cache gave for it and the plaintext they opened to.
 *
 * It spares a request with a valid session the HMAC and the decryption:
 * when the cache gives the very same sealed bytes again, their plaintext is
 * already known (equal bytes under the same key open to the same
 * plaintext).  The cache is still read every time and the memo is believed
 * only when the cache confirms it, so a change made by another process or
 * server is seen at once.  Thread-safe: every slot has its own read-write lock. */
#ifndef OKTA_MEMO_H
#define OKTA_MEMO_H

#include <apr_pools.h>

#include "okta_crypto.h"

#define OKTA_MEMO_SLOTS 256
/* The most a slot holds (sealed bytes and plaintext; a session takes a few
 * KB); larger entries are not remembered.  So at most 4 MB per process. */
#define OKTA_MEMO_MAX_ENTRY 16384

typedef struct okta_memo_t okta_memo_t;

/** An empty memo; its memory is released with `p`.  NULL if a lock cannot
 * be made. */
okta_memo_t *okta_memo_create(apr_pool_t *p);

/** Copies into `key` the cache key remembered for (keys, kind, id): 1 when
 * there is one, 0 otherwise. */
int okta_memo_key(okta_memo_t *memo, const okta_keys_t *keys, const char *kind, const char *id,
                  unsigned char key[OKTA_CACHE_KEY_LEN]);

/** When `buf` holds exactly the sealed bytes remembered for (keys, kind,
 * id): 1, with their plaintext written over them, as okta_open would.
 * 0 otherwise, `buf` untouched. */
int okta_memo_recall(okta_memo_t *memo, const okta_keys_t *keys, const char *kind,
                     const char *id, unsigned char *buf, apr_size_t len, unsigned char **plain,
                     apr_size_t *plain_len);

/** Remembers an entry just opened, in place of whatever its slot held. */
void okta_memo_remember(okta_memo_t *memo, const okta_keys_t *keys, const char *kind,
                        const char *id, const unsigned char key[OKTA_CACHE_KEY_LEN],
                        const unsigned char *sealed, apr_size_t sealed_len,
                        const unsigned char *plain, apr_size_t plain_len);

#endif
