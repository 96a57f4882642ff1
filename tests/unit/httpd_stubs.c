/* SPDX-License-Identifier: Apache-2.0 */
/* The little of httpd that mod_okta_config.c reaches, for its unit tests:
 * the module record, error logging (the last line is kept for the tests
 * to read) and server-root-relative paths. */
#include <stdarg.h>

#include <apr_strings.h>
#include <httpd.h>
#include <http_config.h>
#include <http_log.h>

#include "httpd_stubs.h"

module AP_MODULE_DECLARE_DATA okta_authcode_module = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, NULL, 0
};

char stub_last_log[1024];

AP_DECLARE(void) ap_log_error_(const char *file, int line, int module_index, int level,
                               apr_status_t status, const server_rec *s, const char *fmt, ...)
{
    va_list ap;

    (void)file;
    (void)line;
    (void)module_index;
    (void)level;
    (void)status;
    (void)s;
    va_start(ap, fmt);
    apr_vsnprintf(stub_last_log, sizeof(stub_last_log), fmt, ap);
    va_end(ap);
}

AP_DECLARE(char *) ap_server_root_relative(apr_pool_t *p, const char *fname)
{
    return fname[0] == '/' ? apr_pstrdup(p, fname) : apr_pstrcat(p, "/etc/apache2/", fname, NULL);
}

server_rec *stub_server(apr_pool_t *p, int is_virtual)
{
    server_rec *s = apr_pcalloc(p, sizeof(*s));

    s->is_virtual = is_virtual;
    s->defn_name = "httpd.conf";
    s->defn_line_number = is_virtual ? 10 : 0;
    s->log.level = APLOG_TRACE8;
    s->module_config = apr_pcalloc(p, sizeof(void *));
    return s;
}
