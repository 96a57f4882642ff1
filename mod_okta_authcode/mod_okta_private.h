/* SPDX-License-Identifier: Apache-2.0 */
/* What every glue file shares: the module record and its log tags.
 *
 * The glue is in layers; a file includes the headers of the layers below
 * it, never above (tests/layers reads this list and checks it):
 *   config            directives and the configuration they fill
 *   response          pages, the public URL and scheme, cookies
 *   caches            the socache instances OktaSessionCache names
 *   cacheserver       locks in a shared cache's server (memcache, redis)
 *   store             sealed records in the caches
 *   lock, provider    locks that expire; discovery, JWKS, token endpoint
 *   session           the session a cookie names
 *   login, refresh,   signing in and the callback; keeping tokens fresh;
 *   logout, bearer    signing out; bearer access tokens (APIs)
 *   authz, info,      Require okta-group / -claim / -scope, 403; the
 *   setup, handoff    session info endpoint (OktaInfoURI); the setup
 *                     checker (apache2ctl -t -D OKTA_CHECK); what the
 *                     application is handed and what is kept from it
 *   authcode          the hooks, the module record, the directive table */
#ifndef MOD_OKTA_PRIVATE_H
#define MOD_OKTA_PRIVATE_H

#include <httpd.h>
#include <http_config.h>
#include <http_log.h>

/* Log lines are the module's own ("LogLevel okta_authcode:debug") ... */
APLOG_USE_MODULE(okta_authcode);

/* ... and every one carries a tag tests and operators can grep for.
 * Next free tag: OKTA00066 (tests/log-tags checks it) */
#define OKTALOGNO(n) "OKTA" #n ": "

#define OKTA_AUTH_TYPE "Okta"
#define OKTA_UNSET -1

extern module AP_MODULE_DECLARE_DATA okta_authcode_module;

#endif
