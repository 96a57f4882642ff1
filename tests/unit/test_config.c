/* SPDX-License-Identifier: Apache-2.0 */
/* The configuration glue (mod_okta_config.c) on its own, httpd stood in
 * for by httpd_stubs.c: directive handlers, the merge of a virtual host
 * over the main server, the defaults, and the checks apache2 -t runs. */
#include <stdlib.h>
#include <string.h>

#include <apr_strings.h>
#include <check.h>

#include "httpd_stubs.h"
#include "mod_okta_config.h"

#define PASSPHRASE "zJSsgdXo0R8W5dRU18PwLE2rewYRhl5wlsi8GDSZkQQ="

static apr_pool_t *pool;

static void setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
    stub_last_log[0] = '\0';
}

static void teardown(void)
{
    apr_pool_destroy(pool);
}

/* A server with the module's configuration, as httpd makes it. */
static server_rec *server(int is_virtual)
{
    server_rec *s = stub_server(pool, is_virtual);

    ap_set_module_config(s->module_config, &okta_authcode_module,
                         okta_create_server_conf(pool, s));
    return s;
}

static okta_server_conf_t *conf_of(server_rec *s)
{
    return ap_get_module_config(s->module_config, &okta_authcode_module);
}

/* The directive `name` read in server `s`; `info` is its command_rec's. */
typedef const char *(*take1_t)(cmd_parms *, void *, const char *);
static const char *directive(server_rec *s, const char *name, take1_t handler, void *info,
                             void *dirconf, const char *arg)
{
    static command_rec rec;
    cmd_parms cmd;

    memset(&cmd, 0, sizeof(cmd));
    rec.name = name;
    cmd.cmd = &rec;
    cmd.info = info;
    cmd.pool = pool;
    cmd.temp_pool = pool;
    cmd.server = s;
    return handler(&cmd, dirconf, arg);
}

#define SERVER_DIRECTIVE(s, name, handler, arg) directive(s, name, handler, NULL, NULL, arg)

/* A main server that OktaIssuer, OktaClientID, OktaClientSecret and
 * OktaCryptoPassphrase make complete. */
static server_rec *complete_server(void)
{
    server_rec *s = server(0);

    ck_assert_ptr_null(SERVER_DIRECTIVE(s, "OktaIssuer", okta_set_issuer,
                                        "https://example.okta.com/oauth2/default"));
    ck_assert_ptr_null(directive(s, "OktaClientID", okta_set_server_string,
                                 (void *)APR_OFFSETOF(okta_server_conf_t, client_id), NULL,
                                 "0oa-client"));
    ck_assert_ptr_null(SERVER_DIRECTIVE(s, "OktaClientSecret", okta_set_client_secret, "s3cret"));
    ck_assert_ptr_null(SERVER_DIRECTIVE(s, "OktaCryptoPassphrase", okta_set_passphrase,
                                        PASSPHRASE));
    return s;
}

START_TEST(cookie_name_directives)
{
    server_rec *s = server(0);
    void *session = (void *)APR_OFFSETOF(okta_server_conf_t, session_cookie);
    const char *err;

    ck_assert_ptr_null(directive(s, "OktaSessionCookieName", okta_set_cookie_name, session, NULL,
                                 "app_session"));
    ck_assert_str_eq(conf_of(s)->session_cookie, "__Host-app_session");
    err = directive(s, "OktaSessionCookieName", okta_set_cookie_name, session, NULL, "__Host-x");
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "OktaSessionCookieName __Host-x: a cookie name is"));
    ck_assert_ptr_nonnull(directive(s, "OktaLoginCookieName", okta_set_cookie_name,
                                    (void *)APR_OFFSETOF(okta_server_conf_t, login_cookie), NULL,
                                    "a;b"));
    ck_assert_str_eq(conf_of(s)->session_cookie, "__Host-app_session"); /* left as it was */
}
END_TEST

START_TEST(trusted_proxies_directive)
{
    server_rec *s = server(0);
    const char *err;

    ck_assert_ptr_null(SERVER_DIRECTIVE(s, "OktaTrustedProxies", okta_add_trusted_proxy,
                                        "10.0.0.0/8"));
    ck_assert_ptr_null(SERVER_DIRECTIVE(s, "OktaTrustedProxies", okta_add_trusted_proxy, "::1"));
    ck_assert_ptr_null(SERVER_DIRECTIVE(s, "OktaTrustedProxies", okta_add_trusted_proxy,
                                        "2001:db8::/32"));
    ck_assert_int_eq(conf_of(s)->trusted_proxies->nelts, 3);
    err = SERVER_DIRECTIVE(s, "OktaTrustedProxies", okta_add_trusted_proxy, "proxy.example.com");
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "an IP address or a network"));
    ck_assert_ptr_nonnull(SERVER_DIRECTIVE(s, "OktaTrustedProxies", okta_add_trusted_proxy,
                                           "10.0.0.0/99"));
    ck_assert_int_eq(conf_of(s)->trusted_proxies->nelts, 3);
}
END_TEST

START_TEST(keyword_directives)
{
    okta_dir_conf_t *dc = okta_create_dir_conf(pool, "/");
    server_rec *s = server(0);
    const char *err;

    ck_assert_ptr_null(directive(s, "OktaPassToken", okta_set_pass_token, NULL, dc, "IDToken"));
    ck_assert_int_eq(dc->pass_token, OKTA_PASS_ID_TOKEN);
    ck_assert_ptr_null(directive(s, "OktaPassToken", okta_set_pass_token, NULL, dc,
                                 "accesstoken"));
    ck_assert_int_eq(dc->pass_token, OKTA_PASS_ACCESS_TOKEN);
    err = directive(s, "OktaPassToken", okta_set_pass_token, NULL, dc, "Refresh");
    ck_assert_str_eq(err, "OktaPassToken: Off, IDToken or AccessToken");
    ck_assert_ptr_null(directive(s, "OktaBearer", okta_set_bearer, NULL, dc, "Only"));
    ck_assert_int_eq(dc->bearer, OKTA_BEARER_ONLY);
    ck_assert_ptr_null(directive(s, "OktaUnauthAction", okta_set_unauth_action, NULL, dc, "pass"));
    ck_assert_int_eq(dc->unauth_action, OKTA_UNAUTH_PASS);
}
END_TEST

/* A virtual host takes what it does not set from the main server; a list
 * it sets replaces the main server's whole. */
START_TEST(virtual_host_merge)
{
    server_rec *s = complete_server(), *v = server(1);
    okta_server_conf_t *merged;

    ck_assert_ptr_null(SERVER_DIRECTIVE(s, "OktaAccessTokenAudience", okta_add_token_audience,
                                        "api://main"));
    ck_assert_ptr_null(SERVER_DIRECTIVE(v, "OktaAccessTokenAudience", okta_add_token_audience,
                                        "api://vhost"));
    ck_assert_ptr_null(directive(v, "OktaClientID", okta_set_server_string,
                                 (void *)APR_OFFSETOF(okta_server_conf_t, client_id), NULL,
                                 "0oa-vhost"));
    merged = okta_merge_server_conf(pool, conf_of(s), conf_of(v));
    ck_assert_str_eq(merged->issuer, "https://example.okta.com/oauth2/default");
    ck_assert_str_eq(merged->client_id, "0oa-vhost");
    ck_assert_int_eq(merged->token_audiences->nelts, 1);
    ck_assert_str_eq(APR_ARRAY_IDX(merged->token_audiences, 0, const char *), "api://vhost");
    ck_assert_ptr_eq(merged->state, conf_of(s)->state); /* one state for the whole server */
    merged = okta_merge_server_conf(pool, conf_of(s), conf_of(server(1)));
    ck_assert_str_eq(APR_ARRAY_IDX(merged->token_audiences, 0, const char *), "api://main");
    ck_assert_str_eq(merged->client_id, "0oa-client");
}
END_TEST

START_TEST(defaults_after_the_check)
{
    server_rec *s = complete_server();
    okta_server_conf_t *sc = conf_of(s);

    ck_assert_int_eq(okta_config_check(pool, s), OK);
    ck_assert_str_eq(sc->session_cookie, "__Host-okta_session");
    ck_assert_str_eq(sc->login_cookie, "__Host-okta_login");
    ck_assert_str_eq(sc->redirect_path, "/callback");
    ck_assert_int_eq(sc->token_audiences->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(sc->token_audiences, 0, const char *), "api://default");
    ck_assert_str_eq(APR_ARRAY_IDX(sc->token_audiences, 1, const char *), "0oa-client");
    ck_assert_int_eq(sc->trust_forwarded_proto, 0);
    ck_assert_ptr_null(sc->trusted_proxies);
}
END_TEST

START_TEST(check_refuses_what_cannot_work)
{
    server_rec *s = complete_server(), *v = server(1);
    okta_server_conf_t *merged;

    ck_assert_ptr_null(directive(s, "OktaSessionCookieName", okta_set_cookie_name,
                                 (void *)APR_OFFSETOF(okta_server_conf_t, session_cookie), NULL,
                                 "sid"));
    ck_assert_ptr_null(directive(s, "OktaLoginCookieName", okta_set_cookie_name,
                                 (void *)APR_OFFSETOF(okta_server_conf_t, login_cookie), NULL,
                                 "sid"));
    ck_assert_int_eq(okta_config_check(pool, s), HTTP_INTERNAL_SERVER_ERROR);
    ck_assert_msg(strstr(stub_last_log, "OKTA00054: OktaLoginCookieName sid is the name of "
                                        "OktaSessionCookieName"), "%s", stub_last_log);

    /* a virtual host with only an issuer of its own */
    s = server(0);
    ck_assert_ptr_null(SERVER_DIRECTIVE(v, "OktaIssuer", okta_set_issuer,
                                        "https://example.okta.com/oauth2/default"));
    merged = okta_merge_server_conf(pool, conf_of(s), conf_of(v));
    ap_set_module_config(v->module_config, &okta_authcode_module, merged);
    s->next = v;
    ck_assert_int_eq(okta_config_check(pool, s), HTTP_INTERNAL_SERVER_ERROR);
    ck_assert_msg(strstr(stub_last_log, "OKTA00001: <VirtualHost> at httpd.conf:10: OktaIssuer "
                                        "is set but OktaClientID is missing"),
                  "%s", stub_last_log);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("okta_config");
    TCase *tc = tcase_create("config");
    SRunner *runner;
    int failed;

    apr_initialize();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, cookie_name_directives);
    tcase_add_test(tc, trusted_proxies_directive);
    tcase_add_test(tc, keyword_directives);
    tcase_add_test(tc, virtual_host_merge);
    tcase_add_test(tc, defaults_after_the_check);
    tcase_add_test(tc, check_refuses_what_cannot_work);
    suite_add_tcase(suite, tc);
    runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    apr_terminate();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
