/* SPDX-License-Identifier: Apache-2.0 */
/* okta_http: what a failed exchange reports.  libcurl's handle creation is
 * interposed here (the test program's definition wins over the shared
 * library's), so that its failure can be provoked. */
#include <dlfcn.h>
#include <string.h>
#include <curl/curl.h>

#include "okta_http.h"
#include "unit.h"

static int fail_handle_creation;

CURL *curl_easy_init(void)
{
    CURL *(*real)(void) = (CURL * (*)(void)) dlsym(RTLD_NEXT, "curl_easy_init");

    return fail_handle_creation ? NULL : real();
}

static okta_http_options_t options(void)
{
    okta_http_options_t opts = { NULL, 2000, 2000, 1024 };

    return opts;
}

/* A response as a caller leaves it: not initialised. */
static void scribble(okta_http_response_t *resp)
{
    memset(resp, 0xA5, sizeof(*resp));
}

START_TEST(test_no_handle_nothing_sent)
{
    okta_http_options_t opts = options();
    okta_http_response_t resp;
    const char *why = NULL;
    apr_status_t rv;

    scribble(&resp);
    fail_handle_creation = 1;
    rv = okta_http_post_form(&resp, test_pool, &opts, "http://127.0.0.1:9/token", "a=b", NULL,
                             &why);
    fail_handle_creation = 0;
    ck_assert_int_ne(rv, APR_SUCCESS);
    ck_assert_int_eq(resp.sent, 0);
    ck_assert_ptr_nonnull(why);
}
END_TEST

/* Port 9 (discard) is closed on the test machines: the connection is
 * refused, so the request never went out. */
START_TEST(test_refused_nothing_sent)
{
    okta_http_options_t opts = options();
    okta_http_response_t resp;
    const char *why = NULL;

    scribble(&resp);
    ck_assert_int_ne(okta_http_get(&resp, test_pool, &opts, "http://127.0.0.1:9/x", NULL, &why),
                     APR_SUCCESS);
    ck_assert_int_eq(resp.sent, 0);
    ck_assert_ptr_nonnull(why);
}
END_TEST

TCase *http_tcase(void)
{
    TCase *tc = tcase_create("http");

    tcase_add_checked_fixture(tc, test_pool_setup, test_pool_teardown);
    tcase_add_test(tc, test_no_handle_nothing_sent);
    tcase_add_test(tc, test_refused_nothing_sent);
    return tc;
}
