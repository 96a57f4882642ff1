/* SPDX-License-Identifier: Apache-2.0 */
/* Sealed records in the caches: sessions, refresh outcomes, local locks. */
#ifndef MOD_OKTA_STORE_H
#define MOD_OKTA_STORE_H

#include "mod_okta_config.h"

/** Seals and stores a record under (kind, id) until `expiry`. */
apr_status_t okta_store_put(request_rec *r, const char *kind, const char *id,
                            const unsigned char *data, apr_size_t len, apr_time_t expiry);
/** Stores a record only if there is none under (kind, id): APR_EEXIST
 * otherwise.  Atomic between the processes of this server. */
apr_status_t okta_store_add(request_rec *r, const char *kind, const char *id,
                            const unsigned char *data, apr_size_t len, apr_time_t expiry);
/** Fetches and opens a record; APR_NOTFOUND when absent or not ours. */
apr_status_t okta_store_get(request_rec *r, const char *kind, const char *id,
                            unsigned char **data, apr_size_t *len);
/** okta_store_get for a record read on every request whose time limits
 * are in the record itself (a session), not in the cache's expiry: it may
 * be answered from this process's memo (okta_session_memo.h), as long as the cache
 * has not changed it since, without reading the cache at all where only
 * this server writes the cache. */
apr_status_t okta_store_get_remembered(request_rec *r, const char *kind, const char *id,
                                       unsigned char **data, apr_size_t *len);
/** Changes a record from its current content to `*out`, kept until
 * `*expiry`: any other error than APR_SUCCESS leaves it as it is. */
typedef apr_status_t okta_store_update_fn(request_rec *r, unsigned char *data,
                                          apr_size_t len, unsigned char **out,
                                          apr_size_t *outlen, apr_time_t *expiry, void *baton);
/** Reads, changes and writes a record as one step, so concurrent changes
 * of different fields are not lost (atomic between the processes of this
 * server, and across servers sharing a cache).  APR_NOTFOUND when there is
 * no such record. */
apr_status_t okta_store_update(request_rec *r, const char *kind, const char *id,
                               okta_store_update_fn *update, void *baton);
apr_status_t okta_store_remove(request_rec *r, const char *kind, const char *id);
/** Removes the record only while it holds `data` (atomic between the
 * processes of this server). */
apr_status_t okta_store_remove_if(request_rec *r, const char *kind, const char *id,
                                  const unsigned char *data, apr_size_t len);

#endif
