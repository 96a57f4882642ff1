/* SPDX-License-Identifier: Apache-2.0 */
/* httpd_stubs.c: what the configuration glue's unit tests stand in for. */
#ifndef HTTPD_STUBS_H
#define HTTPD_STUBS_H

#include <httpd.h>

/* The last line logged with ap_log_error. */
extern char stub_last_log[1024];

/** A server (virtual or the main one) with room for the module's
 * configuration, at log level trace8. */
server_rec *stub_server(apr_pool_t *p, int is_virtual);

#endif
