/* SPDX-License-Identifier: Apache-2.0 */
/* Writes the binary seeds of corpus/fuzz_session/ (and copies them to
 * corpus/fuzz_sealed/) with the core's own encoders, so the seeds are
 * well-formed records of the current layout.  The output is deterministic;
 * `run-fuzz --seedgen` rebuilds and reruns this.
 *
 *   fuzz_seedgen CORPUS_DIR */
#include <errno.h>
#include <jansson.h>
#include <apr_strings.h>

#include "fuzz_common.h"
#include "okta_claims.h"

static const char *corpus;

static void write_seed(apr_pool_t *p, const char *target, const char *name,
                       const unsigned char *bytes, apr_size_t len)
{
    const char *path = apr_pstrcat(p, corpus, "/", target, "/", name, NULL);
    FILE *f = fopen(path, "wb");

    if (!f || fwrite(bytes, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "fuzz_seedgen: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
    printf("%s (%lu bytes)\n", path, (unsigned long)len);
}

static void both(apr_pool_t *p, const char *name, const unsigned char *bytes, apr_size_t len)
{
    write_seed(p, "fuzz_session", name, bytes, len);
    write_seed(p, "fuzz_sealed", name, bytes, len);
}

static void sessions(apr_pool_t *p)
{
    static const char payload[] =
        "{\"sub\":\"00u1fuzz\",\"email\":\"ada@example.com\",\"email_verified\":true,"
        "\"groups\":[\"Everyone\",\"Admins\"],\"auth_time\":1700000000,"
        "\"address\":{\"country\":\"NZ\"},\"preferred-username\":\"ada\"}";
    okta_session_t s;
    unsigned char *out;
    apr_size_t len;
    json_t *claims = json_loads(payload, 0, NULL);

    memset(&s, 0, sizeof(s));
    s.created = 1700000000;
    s.last_seen = 1700000600;
    s.access_expires = 1700003600;
    s.refresh_sent_at = 0;
    s.issuer = "https://idp.example.com/oauth2/default";
    s.client_id = "0oa-fuzz-client";
    s.user = "ada@example.com";
    s.id_token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwMHUxZnV6eiJ9.c2ln";
    s.access_token = "eyJraWQiOiJhdCJ9.eyJzY3AiOlsib3BlbmlkIl19.c2ln";
    s.refresh_token = "";
    if (okta_session_encode(&out, &len, p, &s) != APR_SUCCESS) {
        exit(1);
    }
    both(p, "session-no-claims", out, len);

    s.refresh_token = "rt-6f1c2d";
    s.refresh_sent_at = 1700003500;
    if (!claims || okta_claims_set(&s, p, claims, NULL) != APR_SUCCESS
        || okta_session_encode(&out, &len, p, &s) != APR_SUCCESS) {
        exit(1);
    }
    both(p, "session-claims", out, len);
    json_decref(claims);

    memset(&s, 0, sizeof(s));
    s.issuer = s.client_id = s.user = s.id_token = s.access_token = s.refresh_token = "";
    s.access_expires = -1;
    if (okta_session_encode(&out, &len, p, &s) != APR_SUCCESS) {
        exit(1);
    }
    both(p, "session-empty", out, len);
}

static void logins(apr_pool_t *p)
{
    okta_login_t l;
    unsigned char *out;
    apr_size_t len;

    l.created = 1700000000;
    l.silent = 0;
    l.state = "Qm9zc3R5bGUtc3RhdGU";
    l.nonce = "n-0S6_WzA2Mj";
    l.code_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    l.return_to = "/app/reports?year=2023&q=a%20b";
    if (okta_login_encode(&out, &len, p, &l) != APR_SUCCESS) {
        exit(1);
    }
    both(p, "login", out, len);

    l.silent = 1;
    l.return_to = "/";
    if (okta_login_encode(&out, &len, p, &l) != APR_SUCCESS) {
        exit(1);
    }
    both(p, "login-silent", out, len);
}

static void refreshes(apr_pool_t *p)
{
    okta_refresh_result_t res;
    unsigned char *out;
    apr_size_t len;

    res.refused = 0;
    res.access_expires = 1700007200;
    res.access_token = "eyJraWQiOiJhdCJ9.eyJzY3AiOlsib3BlbmlkIl19.bmV3";
    res.refresh_token = "rt-9a8b7c";
    res.id_token = "";
    if (okta_refresh_result_encode(&out, &len, p, &res) != APR_SUCCESS) {
        exit(1);
    }
    both(p, "refresh", out, len);

    res.refused = 1;
    res.access_expires = 0;
    res.access_token = res.refresh_token = res.id_token = NULL;
    if (okta_refresh_result_encode(&out, &len, p, &res) != APR_SUCCESS) {
        exit(1);
    }
    both(p, "refresh-refused", out, len);
}

int main(int argc, char **argv)
{
    apr_pool_t *p;

    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_seedgen CORPUS_DIR\n");
        return 2;
    }
    corpus = argv[1];
    p = fuzz_input_pool();
    sessions(p);
    logins(p);
    refreshes(p);
    apr_pool_destroy(p);
    return 0;
}
