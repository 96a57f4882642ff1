/* SPDX-License-Identifier: Apache-2.0 */
/* The setup checker's verdicts (apache2ctl -t -D OKTA_CHECK): what the
 * provider's answers say about the Okta setup, each as ok, warn or FAIL
 * with what to change, in the Okta console's words.  Pure: the glue
 * (mod_okta_setup.c) makes the requests and hands the answers in. */
#ifndef OKTA_SETUP_H
#define OKTA_SETUP_H

#include <apr_pools.h>
#include <apr_tables.h>
#include <apr_time.h>

typedef enum { OKTA_CHECK_OK, OKTA_CHECK_WARN, OKTA_CHECK_FAIL } okta_check_status_t;

typedef struct okta_check_t {
    okta_check_status_t status;
    const char *name; /* "issuer", "jwks", ... */
    const char *text;
    const char *fix; /* what to change; NULL for ok */
} okta_check_t;

typedef struct okta_checks_t {
    apr_pool_t *p;
    apr_array_header_t *items; /* okta_check_t */
    int counts[3]; /* by status */
} okta_checks_t;

okta_checks_t *okta_checks_make(apr_pool_t *p);
void okta_check_add(okta_checks_t *c, okta_check_status_t status, const char *name,
                    const char *text, const char *fix);
/** The checks as printed: "  ok   name: text", and for warn and FAIL a
 * "       fix: ..." line after. */
const char *okta_checks_text(const okta_checks_t *c, apr_pool_t *p);

/* What the configuration expects of the provider. */
typedef struct okta_setup_t {
    const char *issuer; /* OktaIssuer */
    const char *scope; /* OktaScope */
    const char *client_auth; /* the method in use: client_secret_basic or _post */
    int client_auth_chosen; /* picked from discovery (OktaTokenEndpointAuth unset) */
    int userinfo; /* OktaUserInfo */
    int introspection; /* OktaTokenIntrospection On or All */
} okta_setup_t;

/** issuer (with the hint for Okta's Dynamic issuer mode), response_types,
 * pkce, grant_types, scopes, client_auth, userinfo, introspection. */
void okta_setup_check_discovery(okta_checks_t *c, const char *json, apr_size_t len,
                                const okta_setup_t *setup);
/** jwks: at least one key the module can use (RSA of 2048 bits or more, EC
 * P-256/384/521). */
void okta_setup_check_jwks(okta_checks_t *c, const char *json, apr_size_t len);
/** credentials: the token endpoint's answer to a code that cannot exist:
 * invalid_grant means the client authentication was accepted. */
void okta_setup_check_credentials(okta_checks_t *c, long status, const char *body,
                                  apr_size_t len);
/** A redirect URI (check `name`): the authorization endpoint's answer to a
 * request with it, not followed. */
void okta_setup_check_redirect(okta_checks_t *c, const char *name, const char *uri, long status,
                               const char *body);
/** post_logout_redirect_uri: the end_session endpoint's answer (status 0:
 * it could not be asked). */
void okta_setup_check_post_logout(okta_checks_t *c, const char *uri, long status,
                                  const char *body);
/** clock: the provider's Date against this server's, beyond half the skew
 * a warning (`provider_date` 0: no Date header). */
void okta_setup_check_clock(okta_checks_t *c, apr_time_t provider_date, apr_time_t now,
                            int skew);

#endif
