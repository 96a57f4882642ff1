/* SPDX-License-Identifier: Apache-2.0 */
/* Who may enter: `Require okta-group` and `Require okta-claim`, checked
 * against the facts of the session's claims (okta_claims.h), and the 403
 * page a signed-in user gets when the Require lines refuse them. */
#ifndef MOD_OKTA_AUTHZ_H
#define MOD_OKTA_AUTHZ_H

#include <mod_auth.h>

#include "mod_okta_config.h"

/* The okta-group, okta-claim and okta-scope authorization providers:
 * each Require line parsed at configuration time, checked by one function. */
const char *okta_authz_parse_group(cmd_parms *cmd, const char *line, const void **parsed);
const char *okta_authz_parse_claim(cmd_parms *cmd, const char *line, const void **parsed);
const char *okta_authz_parse_scope(cmd_parms *cmd, const char *line, const void **parsed);
authz_status okta_authz_check(request_rec *r, const char *line, const void *parsed);
/** note_auth_failure and insert_error_filter: a signed-in user whom the
 * Require lines refuse gets a 403 page (a bearer token, its challenge),
 * not httpd's 401. */
int okta_authz_note_auth_failure(request_rec *r, const char *auth_type);
void okta_authz_forbidden_instead(request_rec *r);

#endif
