/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

#include "okta_token_memo.h"
#include "okta_util.h"

/* How much of the token's end chooses its slot. */
#define HASHED_TAIL 32

typedef struct {
    apr_thread_mutex_t *lock;
    char *token; /* malloc'ed, as data: outlive requests, replaced often */
    apr_int64_t until; /* 0: empty */
    unsigned char *data;
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
        free(memo->slots[i].token);
        free(memo->slots[i].data);
        memo->slots[i].token = NULL;
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

/* FNV-1a over the token's end. */
static slot_t *slot_of(okta_token_memo_t *memo, const char *token, apr_size_t len)
{
    const unsigned char *c = (const unsigned char *)token + (len > HASHED_TAIL
                                                               ? len - HASHED_TAIL : 0);
    apr_uint32_t hash = 2166136261u;

    for (; *c; c++) {
        hash = (hash ^ *c) * 16777619u;
    }
    return &memo->slots[hash % OKTA_TOKEN_MEMO_SLOTS];
}

int okta_token_memo_recall(okta_token_memo_t *memo, const char *token, apr_int64_t now,
                           apr_pool_t *p, unsigned char **data, apr_size_t *len)
{
    apr_size_t token_len = strlen(token);
    slot_t *slot = slot_of(memo, token, token_len);
    int found;

    apr_thread_mutex_lock(slot->lock);
    /* constant time: the slot holds another client's valid token */
    found = now < slot->until && okta_ct_streq(slot->token, token);
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
    apr_size_t token_len = strlen(token);
    slot_t *slot = slot_of(memo, token, token_len);
    char *token_copy;
    unsigned char *copy;

    if (len + token_len > OKTA_TOKEN_MEMO_MAX_ENTRY) {
        return;
    }
    token_copy = malloc(token_len + 1);
    copy = malloc(len ? len : 1);
    if (!token_copy || !copy) {
        free(token_copy);
        free(copy);
        return;
    }
    memcpy(token_copy, token, token_len + 1);
    memcpy(copy, data, len);
    apr_thread_mutex_lock(slot->lock);
    free(slot->token);
    free(slot->data);
    slot->token = token_copy;
    slot->until = until;
    slot->data = copy;
    slot->len = len;
    apr_thread_mutex_unlock(slot->lock);
}
