/* SPDX-License-Identifier: Apache-2.0 */
/* JSON documents (jansson) whose lifetime is a pool's, and the questions
 * the core asks of them. */
#ifndef OKTA_JSON_H
#define OKTA_JSON_H

#include <apr_pools.h>
#include <jansson.h>

/** Parses `len` bytes of JSON that must be an object (duplicate keys
 * refused); the object is released with the pool.  NULL otherwise. */
json_t *okta_json_parse_object(apr_pool_t *p, const char *text, apr_size_t len);

/** Hands `json` (a reference the caller owns; may be NULL) to the pool,
 * which releases it; returns it. */
json_t *okta_json_pool_owned(apr_pool_t *p, json_t *json);

/** Whether the array `name` of the object `doc` holds the string `value`:
 * 1 when it does, 0 when it does not, -1 when `doc` has no such array. */
int okta_json_lists(const json_t *doc, const char *name, const char *value);

#endif
