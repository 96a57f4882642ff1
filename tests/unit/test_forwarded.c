/* SPDX-License-Identifier: Apache-2.0 */
/* okta_forwarded: the browser's scheme and host from forwarding headers. */
#include <string.h>

#include "okta_forwarded.h"
#include "unit.h"

START_TEST(forwarded_table)
{
    static const struct {
        okta_forwarding_headers_t headers;
        const char *scheme, *host; /* NULL: not said */
    } rows[] = {
        { { NULL, NULL, NULL, NULL }, NULL, NULL },
        /* RFC 7239 */
        { { "proto=https;host=app.example.com", NULL, NULL, NULL }, "https", "app.example.com" },
        { { "for=192.0.2.60;proto=HTTPS;by=203.0.113.43", NULL, NULL, NULL }, "https", NULL },
        { { "Proto=https; Host=\"app.example.com:8443\"", NULL, NULL, NULL },
          "https", "app.example.com:8443" },
        { { "host=[2001:db8::1]:8443;proto=https", NULL, NULL, NULL }, "https", "[2001:db8::1]:8443" },
        /* the nearest proxy's element, not one the client wrote before it */
        { { "proto=http;host=evil.example, for=192.0.2.1;proto=https;host=app.example.com",
            NULL, NULL, NULL }, "https", "app.example.com" },
        { { "proto=https;host=evil.example, for=192.0.2.1", NULL, NULL, NULL }, NULL, NULL },
        /* Forwarded, when there, is the one read */
        { { "proto=https", "http", "other.example", "8080" }, "https", NULL },
        /* X-Forwarded-* */
        { { NULL, "https", "app.example.com", NULL }, "https", "app.example.com" },
        { { NULL, "https", "app.example.com", "8443" }, "https", "app.example.com:8443" },
        { { NULL, "https", "app.example.com", "443" }, "https", "app.example.com" },
        { { NULL, "http", "app.example.com", "80" }, "http", "app.example.com" },
        { { NULL, "https", "app.example.com:9443", "8443" }, "https", "app.example.com:9443" },
        { { NULL, "http, https", "evil.example, app.example.com", NULL }, "https", "app.example.com" },
        { { NULL, " https ", NULL, NULL }, "https", NULL },
        /* what is not a scheme, a host or a port is not used */
        { { NULL, "ftp", "app.example.com/evil", "8443" }, NULL, NULL },
        { { NULL, "https", "user@app.example.com", NULL }, "https", NULL },
        { { NULL, "https", "app.example.com evil", NULL }, "https", NULL },
        { { NULL, "https", "app.example.com", "99999" }, "https", "app.example.com" },
        { { NULL, "https", "app.example.com:0", NULL }, "https", NULL },
        { { NULL, "https", "[zz::1]", NULL }, "https", NULL },
        { { NULL, "https", ":8443", NULL }, "https", NULL },
        { { "proto=https;host=\"a\r\nb\"", NULL, NULL, NULL }, "https", NULL },
        { { "", NULL, NULL, NULL }, NULL, NULL },
        { { NULL, "", "", "" }, NULL, NULL },
    };
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        okta_forwarded_t view = okta_forwarded_view(test_pool, &rows[i].headers);
        ck_assert_msg(rows[i].scheme ? view.scheme && strcmp(view.scheme, rows[i].scheme) == 0
                                     : !view.scheme,
                      "row %zu: scheme %s", i, view.scheme ? view.scheme : "(none)");
        ck_assert_msg(rows[i].host ? view.host && strcmp(view.host, rows[i].host) == 0
                                   : !view.host,
                      "row %zu: host %s", i, view.host ? view.host : "(none)");
    }
}
END_TEST

TCase *forwarded_tcase(void)
{
    TCase *tc = tcase_create("forwarded");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, forwarded_table);
    return tc;
}
