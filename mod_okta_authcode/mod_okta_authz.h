/* SPDX-License-Identifier: Apache-2.0 */
/* Who may enter: `Require okta-group` and `Require okta-claim`, checked
 * against the facts of the session's claims (okta_claims.h), and the 403
 * page a signed-in user gets when the Require lines refuse them. */
#ifndef MOD_OKTA_AUTHZ_H
#define MOD_OKTA_AUTHZ_H

#include "mod_okta_config.h"

/** Registers the authorization providers and the hooks that turn a
 * refusal of a signed-in user into a 403 page. */
void okta_authz_register_hooks(apr_pool_t *p);

#endif
