/* SPDX-License-Identifier: Apache-2.0 */
/* APIs: requests authenticated by a bearer access token (RFC 6750), with
 * RFC 6750's answers when there is none or it is refused. */
#ifndef MOD_OKTA_BEARER_H
#define MOD_OKTA_BEARER_H

#include "mod_okta_session.h"

/** Makes the per-process memo of verified tokens. */
/** Each host's memo of verified tokens: APR_SUCCESS, or a failure (logged). */
apr_status_t okta_bearer_child_init(apr_pool_t *p, server_rec *s);
/** The token of an `Authorization: Bearer` header; NULL when the request
 * has none (a token in the query string or a form body does not count). */
const char *okta_bearer_token(request_rec *r);
/** Authenticates the request by `token`: OK with *ref holding what the
 * token says (its user, claims and facts; ref->id NULL), or the status of
 * the RFC 6750 answer, which is prepared. */
int okta_bearer_authenticate(request_rec *r, const char *token, okta_session_ref_t **ref);
/** The 401 asking for a token, where one is required. */
int okta_bearer_required(request_rec *r);
/** Prepares the 403 of a token the Require lines refused, under `status`
 * (httpd's status for the refusal; authorization sends it as 403): RFC
 * 6750's insufficient_scope when okta-scope rules refused (`scopes`, the
 * scopes they asked for, space-separated), else access_denied with
 * `required` (what the refusing rules required; NULL when unknown). */
void okta_bearer_refused(request_rec *r, int status, const char *scopes, const char *required);

#endif
