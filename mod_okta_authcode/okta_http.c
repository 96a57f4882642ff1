/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <apr_strings.h>
#include <curl/curl.h>

#include "okta_http.h"

typedef struct {
    apr_pool_t *p;
    char *buf;
    apr_size_t len;
    apr_size_t cap;
    apr_size_t max;
    int too_large;
} body_t;

static size_t collect_body(char *data, size_t size, size_t nmemb, void *baton)
{
    body_t *body = baton;
    apr_size_t n = size * nmemb;

    if (body->len + n > body->max) {
        body->too_large = 1;
        return 0; /* makes libcurl abort the transfer */
    }
    if (body->len + n + 1 > body->cap) {
        apr_size_t cap = body->cap ? body->cap : 4096;
        char *grown;
        while (cap < body->len + n + 1) {
            cap *= 2;
        }
        grown = apr_palloc(body->p, cap);
        if (body->len) {
            memcpy(grown, body->buf, body->len);
        }
        body->buf = grown;
        body->cap = cap;
    }
    memcpy(body->buf + body->len, data, n);
    body->len += n;
    body->buf[body->len] = '\0';
    return n;
}

/* A header of the answer, copied into the pool; NULL when absent. */
static const char *header_value(CURL *curl, apr_pool_t *p, const char *name)
{
    struct curl_header *h;

    return curl_easy_header(curl, name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK
               ? apr_pstrdup(p, h->value)
               : NULL;
}

apr_status_t okta_http_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_ALL) == CURLE_OK ? APR_SUCCESS : APR_EGENERAL;
}

static apr_status_t perform(okta_http_response_t *resp, apr_pool_t *p,
                            const okta_http_options_t *opts, const char *url, const char *form,
                            const char *authorization, const char **why)
{
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = NULL;
    char errbuf[CURL_ERROR_SIZE] = "";
    body_t body = { p, NULL, 0, 0, opts->max_body, 0 };
    long request_size = 0;
    CURLcode rc;

    memset(resp, 0, sizeof(*resp)); /* nothing sent, nothing answered */
    if (!curl) {
        *why = "cannot create a libcurl handle";
        return APR_ENOMEM;
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, opts->timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, opts->connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (opts->ca_file) {
        curl_easy_setopt(curl, CURLOPT_CAINFO, opts->ca_file);
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    headers = curl_slist_append(headers, "Accept: application/json");
    if (authorization) {
        headers = curl_slist_append(headers,
                                    apr_pstrcat(p, "Authorization: ", authorization, NULL));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (form) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form);
    }
    rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_size);
    resp->sent = request_size > 0;
    if (rc == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
        resp->body = body.buf ? body.buf : "";
        resp->len = body.len;
        resp->date = header_value(curl, p, "Date");
    }
    else if (body.too_large) {
        *why = apr_psprintf(p, "answer from %s is larger than %" APR_SIZE_T_FMT " bytes", url,
                            opts->max_body);
    }
    else {
        *why = apr_psprintf(p, "%s: %s", url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc == CURLE_OK) {
        return APR_SUCCESS;
    }
    return rc == CURLE_OPERATION_TIMEDOUT ? APR_TIMEUP : APR_EGENERAL;
}

apr_status_t okta_http_get(okta_http_response_t *resp, apr_pool_t *p,
                           const okta_http_options_t *opts, const char *url,
                           const char *authorization, const char **why)
{
    return perform(resp, p, opts, url, NULL, authorization, why);
}

apr_status_t okta_http_post_form(okta_http_response_t *resp, apr_pool_t *p,
                                 const okta_http_options_t *opts, const char *url,
                                 const char *form, const char *authorization, const char **why)
{
    return perform(resp, p, opts, url, form, authorization, why);
}
