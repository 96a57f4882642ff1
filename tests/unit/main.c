/* SPDX-License-Identifier: Apache-2.0 */
/* Runs every unit test of the module's core as one Check suite. */
#include <stdlib.h>

#include <apr_general.h>

#include "unit.h"

int main(void)
{
    Suite *suite;
    SRunner *runner;
    int failed;

    if (apr_initialize() != APR_SUCCESS) {
        return EXIT_FAILURE;
    }
    atexit(apr_terminate);

    suite = suite_create("okta_core");
    suite_add_tcase(suite, util_tcase());
    suite_add_tcase(suite, crypto_tcase());
    suite_add_tcase(suite, session_memo_tcase());
    suite_add_tcase(suite, token_memo_tcase());
    suite_add_tcase(suite, record_tcase());
    suite_add_tcase(suite, claims_tcase());
    suite_add_tcase(suite, jwt_tcase());
    suite_add_tcase(suite, provider_tcase());
    suite_add_tcase(suite, http_tcase());
    suite_add_tcase(suite, pending_tcase());
    suite_add_tcase(suite, redis_tcase());
    suite_add_tcase(suite, memcache_tcase());
    suite_add_tcase(suite, refresh_tcase());
    suite_add_tcase(suite, setup_tcase());
    suite_add_tcase(suite, settings_tcase());
    suite_add_tcase(suite, forwarded_tcase());
    suite_add_tcase(suite, route_tcase());
    suite_add_tcase(suite, signin_tcase());
    suite_add_tcase(suite, flights_tcase());

    runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
