#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

#include "okta_crypto.h"
#include "okta_token_memo.h"

typedef struct {
    apr_thread_mutex_t *lock;
    unsigned char digest[32];
    apr_int64_t until; /* 0: empty */
    unsigned char *data; /* malloc'ed: outlives requests, replaced often */
    apr_size_t len;
} slot_t;

struct okta_token_memo_t {
    slot_t slots[OKTA_TOKEN_MEMO_SLOTS];
};

static apr_status_t free_slots(void *baton)
{
    okta_token_memo_t *memo = baton;
    int i;

    for (i = 0; i < OKTA_TOKEN_MEMO_SLOTS; i++) {
        free(memo->slots[i].data);
        memo->slots[i].data = NULL;
    }
    return APR_SUCCESS;
}

okta_token_memo_t *okta_token_memo_create(apr_pool_t *p)
{
    okta_token_memo_t *memo = apr_pcalloc(p, sizeof(*memo));
    int i;

    for (i = 0; i < OKTA_TOKEN_MEMO_SLOTS; i++) {
        if (apr_thread_mutex_create(&memo->slots[i].lock, APR_THREAD_MUTEX_DEFAULT, p)
            != APR_SUCCESS) {
            return NULL;
        }
    }
    apr_pool_cleanup_register(p, memo, free_slots, apr_pool_cleanup_null);
    return memo;
}

static slot_t *slot_of(okta_token_memo_t *memo, const unsigned char digest[32])
{
    return &memo->slots[((unsigned)digest[0] << 8 | digest[1]) % OKTA_TOKEN_MEMO_SLOTS];
}

int okta_token_memo_recall(okta_token_memo_t *memo, const char *token, apr_int64_t now,
                           apr_pool_t *p, unsigned char **data, apr_size_t *len)
{
    unsigned char digest[32];
    slot_t *slot;
    int found;

    okta_sha256(digest, token, strlen(token));
    slot = slot_of(memo, digest);
    apr_thread_mutex_lock(slot->lock);
    found = now < slot->until && memcmp(slot->digest, digest, sizeof(digest)) == 0;
    if (found) {
        *data = apr_pmemdup(p, slot->data, slot->len);
        *len = slot->len;
    }
    apr_thread_mutex_unlock(slot->lock);
    return found;
}

void okta_token_memo_remember(okta_token_memo_t *memo, const char *token, apr_int64_t until,
                              const unsigned char *data, apr_size_t len)
{
    unsigned char digest[32], *copy;
    slot_t *slot;

    if (len > OKTA_TOKEN_MEMO_MAX_ENTRY || !(copy = malloc(len ? len : 1))) {
        return;
    }
    memcpy(copy, data, len);
    okta_sha256(digest, token, strlen(token));
    slot = slot_of(memo, digest);
    apr_thread_mutex_lock(slot->lock);
    free(slot->data);
    memcpy(slot->digest, digest, sizeof(digest));
    slot->until = until;
    slot->data = copy;
    slot->len = len;
    apr_thread_mutex_unlock(slot->lock);
}
