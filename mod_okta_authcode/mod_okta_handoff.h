/* SPDX-License-Identifier: Apache-2.0 */
/* The hand-off to the application: claims, tokens and what is kept from
 * it.  The hooks and filters here are registered in mod_okta_authcode.c. */
#ifndef MOD_OKTA_HANDOFF_H
#define MOD_OKTA_HANDOFF_H

#include <util_filter.h>

#include "mod_okta_config.h"
#include "okta_record.h"

#define OKTA_MODULE_TRAILERS_FILTER "OKTA_REFUSE_MODULE_TRAILERS"
#define OKTA_KEEP_PRIVATE_FILTER "OKTA_KEEP_PRIVATE"

/* The filters' handles, registered once with the hooks so that a request
 * adds them without looking them up by name. */
extern ap_filter_rec_t *okta_refuse_module_trailers_filter;
extern ap_filter_rec_t *okta_keep_private_filter;

/** post_read_request: a client must not pose as the module, so X-Okta-*
 * request headers go before any other module sees the request. */
int okta_strip_client_module_headers(request_rec *r);
/** insert_filter, and its input filter: a request body that ends with an
 * X-Okta-* trailer fails to read (OKTA00059). */
void okta_insert_trailers_filter(request_rec *r);
apr_status_t okta_refuse_module_trailers(ap_filter_t *f, apr_bucket_brigade *bb,
                                        ap_input_mode_t mode, apr_read_type_e block,
                                        apr_off_t readbytes);
/** The claims as OKTA_CLAIM_* variables and X-Okta-Claim-* headers (as
 * the location says), and OktaPassToken's Authorization. */
void okta_hand_session_to_application(request_rec *r, const okta_session_t *s);
/** What the application answers a user signed in by `credential` (the
 * request header, Cookie or Authorization) stays that user's: the
 * OKTA_KEEP_PRIVATE output filter, okta_keep_private. */
void okta_keep_private_for(request_rec *r, const char *credential);
apr_status_t okta_keep_private(ap_filter_t *f, apr_bucket_brigade *bb);
/** fixups, last: the module's cookies leave the request before the
 * handler. */
int okta_keep_module_cookies_from_handler(request_rec *r);

#endif
