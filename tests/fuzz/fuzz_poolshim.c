/* SPDX-License-Identifier: Apache-2.0 */
/* Optional (run-fuzz links it unless FUZZ_POOL_SHIM=0): every apr_palloc
 * becomes its own malloc block, freed by a cleanup on the pool it was
 * allocated from.  APR pools carve allocations out of 8 KiB blocks, so an
 * overflow of a pool buffer normally lands in the next allocation and no
 * sanitizer sees it; with this shim AddressSanitizer knows each buffer's
 * exact size.  Only calls that go through the dynamic symbol are caught
 * (the core's, and those libapr makes to itself through its PLT, e.g.
 * apr_pstrdup, apr_array_push); apr_psprintf writes to the pool directly. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <apr_pools.h>

typedef void *(*palloc_fn)(apr_pool_t *, apr_size_t);

/* Debian's libapr takes pool memory from mmap, which LeakSanitizer does not
 * scan: a block referenced only from pool memory would look leaked.  So
 * every live block is also on this list, which LSan sees from here. */
typedef struct shim_block {
    struct shim_block *prev, *next;
    void *mem;
} shim_block;

static shim_block live = { &live, &live, NULL };
static palloc_fn real_palloc;
static int in_shim; /* the cleanup record itself comes from the real pool */

static apr_status_t free_block(void *data)
{
    shim_block *b = data;

    b->prev->next = b->next;
    b->next->prev = b->prev;
    free(b->mem);
    free(b);
    return APR_SUCCESS;
}

void *apr_palloc(apr_pool_t *p, apr_size_t size)
{
    shim_block *b;

    if (!real_palloc) {
        real_palloc = (palloc_fn)dlsym(RTLD_NEXT, "apr_palloc");
        if (!real_palloc) {
            fprintf(stderr, "fuzz_poolshim: no apr_palloc in libapr\n");
            abort();
        }
    }
    if (in_shim) {
        return real_palloc(p, size);
    }
    b = malloc(sizeof(*b));
    if (!b) {
        abort();
    }
    b->mem = malloc(size); /* size 0: ASan allows no access at all */
    if (!b->mem && size == 0) {
        b->mem = malloc(1);
    }
    if (!b->mem) {
        abort();
    }
    b->next = live.next;
    b->prev = &live;
    live.next->prev = b;
    live.next = b;
    in_shim = 1;
    apr_pool_cleanup_register(p, b, free_block, apr_pool_cleanup_null);
    in_shim = 0;
    return b->mem;
}

#undef apr_pcalloc
void *apr_pcalloc(apr_pool_t *p, apr_size_t size)
{
    return memset(apr_palloc(p, size), 0, size);
}
