/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>
#include <apr_atomic.h>
#include <apr_hash.h>
#include <apr_shm.h>
#include <apr_strings.h>
#include <apr_thread_rwlock.h>

#include "okta_session_memo.h"
#include "okta_util.h"

#define KIND_MAX 31 /* as okta_cache_key allows */
/* Change counters, 256 KB shared by all processes.  A write makes every
 * entry of its bucket be checked against the cache once more, so there are
 * many more buckets than slots. */
#define CHANGE_BUCKETS 65536

typedef struct {
    apr_thread_rwlock_t *lock; /* many requests read a slot at once */
    const okta_keys_t *keys; /* NULL: the slot is empty */
    char kind[KIND_MAX + 1];
    char id[OKTA_CACHE_ID_MAX + 1];
    unsigned char key[OKTA_CACHE_KEY_LEN];
    unsigned char *bytes; /* malloc'd: the sealed bytes, then the plaintext */
    apr_size_t capacity, sealed_len, plain_len;
    /* the bucket's change counter when the entry was last known current;
     * set under the read lock by okta_session_memo_recall, hence atomically */
    apr_uint32_t changes_seen;
} memo_slot_t;

struct okta_changes_t {
    apr_uint32_t counters[CHANGE_BUCKETS];
};

struct okta_session_memo_t {
    memo_slot_t slots[OKTA_SESSION_MEMO_SLOTS];
    okta_changes_t *changes;
};

static apr_status_t free_slots(void *data)
{
    okta_session_memo_t *memo = data;
    int i;

    for (i = 0; i < OKTA_SESSION_MEMO_SLOTS; i++) {
        free(memo->slots[i].bytes);
    }
    return APR_SUCCESS;
}

okta_changes_t *okta_changes_create(apr_pool_t *p)
{
    okta_changes_t *changes;
    apr_shm_t *shm;

    /* anonymous: shared with the processes forked from this one */
    if (apr_shm_create(&shm, sizeof(*changes), NULL, p) != APR_SUCCESS) {
        return NULL;
    }
    changes = apr_shm_baseaddr_get(shm);
    memset(changes, 0, sizeof(*changes));
    return changes;
}

okta_session_memo_t *okta_session_memo_create(apr_pool_t *p, okta_changes_t *changes)
{
    okta_session_memo_t *memo = apr_pcalloc(p, sizeof(*memo));
    int i;

    memo->changes = changes;
    apr_pool_cleanup_register(p, memo, free_slots, apr_pool_cleanup_null);
    for (i = 0; i < OKTA_SESSION_MEMO_SLOTS; i++) {
        if (apr_thread_rwlock_create(&memo->slots[i].lock, p) != APR_SUCCESS) {
            return NULL;
        }
    }
    return memo;
}

/* The slot of an identifier, locked for reading or writing; NULL for
 * names no slot can hold. */
static memo_slot_t *lock_slot(okta_session_memo_t *memo, const char *kind, const char *id, int write)
{
    apr_ssize_t len = (apr_ssize_t)strlen(id);
    memo_slot_t *slot;

    if (strlen(kind) > KIND_MAX || len > OKTA_CACHE_ID_MAX) {
        return NULL;
    }
    slot = &memo->slots[apr_hashfunc_default(id, &len) % OKTA_SESSION_MEMO_SLOTS];
    if (write) {
        apr_thread_rwlock_wrlock(slot->lock);
    }
    else {
        apr_thread_rwlock_rdlock(slot->lock);
    }
    return slot;
}

/* Whether a locked slot holds (keys, kind, id).  The id is a browser's
 * secret, hence the constant-time comparison. */
static int holds(const memo_slot_t *slot, const okta_keys_t *keys, const char *kind,
                 const char *id)
{
    return slot->keys == keys && strcmp(slot->kind, kind) == 0 && okta_ct_streq(slot->id, id);
}

static apr_uint32_t *bucket_of(const okta_session_memo_t *memo, const unsigned char *key)
{
    /* cache keys are HMACs: any two bytes spread evenly */
    return &memo->changes->counters[((unsigned)key[0] << 8 | key[1]) % CHANGE_BUCKETS];
}

apr_uint32_t okta_session_memo_changes(const okta_session_memo_t *memo,
                               const unsigned char key[OKTA_CACHE_KEY_LEN])
{
    return apr_atomic_read32(bucket_of(memo, key));
}

void okta_session_memo_note_change(okta_session_memo_t *memo, const unsigned char key[OKTA_CACHE_KEY_LEN])
{
    apr_atomic_inc32(bucket_of(memo, key));
}

int okta_session_memo_key(okta_session_memo_t *memo, const okta_keys_t *keys, const char *kind, const char *id,
                  unsigned char key[OKTA_CACHE_KEY_LEN])
{
    memo_slot_t *slot = lock_slot(memo, kind, id, 0);
    int found;

    if (!slot) {
        return 0;
    }
    if ((found = holds(slot, keys, kind, id))) {
        memcpy(key, slot->key, OKTA_CACHE_KEY_LEN);
    }
    apr_thread_rwlock_unlock(slot->lock);
    return found;
}

int okta_session_memo_recall_unchanged(okta_session_memo_t *memo, const okta_keys_t *keys, const char *kind,
                               const char *id, apr_pool_t *p, unsigned char **plain,
                               apr_size_t *plain_len)
{
    memo_slot_t *slot = lock_slot(memo, kind, id, 0);
    int found;

    if (!slot) {
        return 0;
    }
    found = holds(slot, keys, kind, id)
            && okta_session_memo_changes(memo, slot->key) == apr_atomic_read32(&slot->changes_seen);
    if (found) {
        *plain = apr_pmemdup(p, slot->bytes + slot->sealed_len, slot->plain_len);
        *plain_len = slot->plain_len;
    }
    apr_thread_rwlock_unlock(slot->lock);
    return found;
}

int okta_session_memo_recall(okta_session_memo_t *memo, const okta_keys_t *keys, const char *kind,
                     const char *id, unsigned char *buf, apr_size_t len, apr_uint32_t changes,
                     unsigned char **plain, apr_size_t *plain_len)
{
    memo_slot_t *slot = lock_slot(memo, kind, id, 0);
    int found;

    if (!slot) {
        return 0;
    }
    found = holds(slot, keys, kind, id) && slot->sealed_len == len
            && memcmp(slot->bytes, buf, len) == 0 && slot->plain_len <= len;
    if (found) {
        memcpy(buf, slot->bytes + len, slot->plain_len);
        *plain = buf;
        *plain_len = slot->plain_len;
        apr_atomic_set32(&slot->changes_seen, changes);
    }
    apr_thread_rwlock_unlock(slot->lock);
    return found;
}

void okta_session_memo_remember(okta_session_memo_t *memo, const okta_keys_t *keys, const char *kind,
                        const char *id, const unsigned char key[OKTA_CACHE_KEY_LEN],
                        apr_uint32_t changes, const unsigned char *sealed,
                        apr_size_t sealed_len, const unsigned char *plain,
                        apr_size_t plain_len)
{
    apr_size_t need = sealed_len + plain_len;
    memo_slot_t *slot;
    unsigned char *bytes;

    if (need > OKTA_SESSION_MEMO_MAX_ENTRY || !(slot = lock_slot(memo, kind, id, 1))) {
        return;
    }
    slot->keys = NULL;
    if (need > slot->capacity && (bytes = realloc(slot->bytes, need))) {
        slot->bytes = bytes;
        slot->capacity = need;
    }
    if (need <= slot->capacity) {
        slot->keys = keys;
        strcpy(slot->kind, kind);
        strcpy(slot->id, id);
        memcpy(slot->key, key, OKTA_CACHE_KEY_LEN);
        memcpy(slot->bytes, sealed, sealed_len);
        memcpy(slot->bytes + sealed_len, plain, plain_len);
        slot->sealed_len = sealed_len;
        slot->plain_len = plain_len;
        slot->changes_seen = changes;
    }
    apr_thread_rwlock_unlock(slot->lock);
}
