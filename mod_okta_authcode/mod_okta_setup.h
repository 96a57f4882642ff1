/* SPDX-License-Identifier: Apache-2.0 */
/* The setup checker: `apache2ctl -t -D OKTA_CHECK`. */
#ifndef MOD_OKTA_SETUP_H
#define MOD_OKTA_SETUP_H

#include "mod_okta_config.h"

/** The test_config hook: with -D OKTA_CHECK, checks every server that uses
 * the module against its provider and prints what to fix; exits with
 * status 1 when a check fails.  Without the define it does nothing, so a
 * plain configtest stays offline. */
void okta_check_setup(apr_pool_t *pconf, server_rec *s);

#endif
