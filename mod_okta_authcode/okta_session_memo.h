/* SPDX-License-Identifier: Apache-2.0 */
/* A memo, per process, of the cache entries this process opened last: for
 * each of a fixed number of slots, an identifier, its cache key, the sealed
 * bytes the cache gave for it and the plaintext they opened to.
 *
 * It spares a request with a valid session the HMAC and the decryption,
 * and where it can, the cache read.  A remembered entry is believed in one
 * of two ways, so that a change made by another process or server is seen
 * at once:
 *  - the cache gives the very same sealed bytes again (equal bytes under
 *    the same key open to the same plaintext): okta_session_memo_recall;
 *  - with a cache that only this server writes, no write has been noted in
 *    the entry's bucket since the memo last saw the entry current:
 *    okta_session_memo_recall_unchanged.  Every write to the cache notes a change
 *    (okta_session_memo_note_change) in counters kept in shared memory, one per
 *    bucket of cache keys (okta_changes_t), which all processes forked
 *    after okta_changes_create see.  A reader reads the counter before it reads the
 *    cache, and a writer notes the change after it writes, so a counter
 *    that has not moved means the cache still holds what was read.
 * Thread-safe: every slot has its own read-write lock. */
#ifndef OKTA_SESSION_MEMO_H
#define OKTA_SESSION_MEMO_H

#include <apr_pools.h>

#include "okta_crypto.h"

#define OKTA_SESSION_MEMO_SLOTS 256
/* The most a slot holds (sealed bytes and plaintext; a session takes a few
 * KB); larger entries are not remembered.  So at most 4 MB per process. */
#define OKTA_SESSION_MEMO_MAX_ENTRY 16384

typedef struct okta_session_memo_t okta_session_memo_t;
typedef struct okta_changes_t okta_changes_t;

/** Change counters at zero, in anonymous shared memory released with `p`;
 * NULL if it cannot be made.  They must live as long as the cache they
 * count the writes of. */
okta_changes_t *okta_changes_create(apr_pool_t *p);

/** An empty memo that trusts `changes`; its memory is released with `p`.
 * NULL if a lock cannot be made. */
okta_session_memo_t *okta_session_memo_create(apr_pool_t *p, okta_changes_t *changes);

/** Copies into `key` the cache key remembered for (keys, kind, id): 1 when
 * there is one, 0 otherwise. */
int okta_session_memo_key(okta_session_memo_t *memo, const okta_keys_t *keys, const char *kind, const char *id,
                  unsigned char key[OKTA_CACHE_KEY_LEN]);

/** The change counter of the bucket of `key`, to be read before the cache
 * is read and passed to okta_session_memo_recall or okta_session_memo_remember. */
apr_uint32_t okta_session_memo_changes(const okta_session_memo_t *memo,
                               const unsigned char key[OKTA_CACHE_KEY_LEN]);

/** To be called after every write (store or removal) of the entry under
 * `key`, by whichever process makes it. */
void okta_session_memo_note_change(okta_session_memo_t *memo, const unsigned char key[OKTA_CACHE_KEY_LEN]);

/** When the memo holds (keys, kind, id) and no change has been noted in
 * its bucket since it was last seen current: 1, with a copy of its
 * plaintext allocated from `p`.  0 otherwise.  Only for caches that no
 * other server writes. */
int okta_session_memo_recall_unchanged(okta_session_memo_t *memo, const okta_keys_t *keys, const char *kind,
                               const char *id, apr_pool_t *p, unsigned char **plain,
                               apr_size_t *plain_len);

/** When `buf` holds exactly the sealed bytes remembered for (keys, kind,
 * id): 1, with their plaintext written over them, as okta_open would, and
 * the entry is known current as of `changes`.  0 otherwise, `buf`
 * untouched. */
int okta_session_memo_recall(okta_session_memo_t *memo, const okta_keys_t *keys, const char *kind,
                     const char *id, unsigned char *buf, apr_size_t len, apr_uint32_t changes,
                     unsigned char **plain, apr_size_t *plain_len);

/** Remembers an entry just opened, current as of `changes`, in place of
 * whatever its slot held. */
void okta_session_memo_remember(okta_session_memo_t *memo, const okta_keys_t *keys, const char *kind,
                        const char *id, const unsigned char key[OKTA_CACHE_KEY_LEN],
                        apr_uint32_t changes, const unsigned char *sealed,
                        apr_size_t sealed_len, const unsigned char *plain,
                        apr_size_t plain_len);

#endif
