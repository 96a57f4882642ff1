/* SPDX-License-Identifier: Apache-2.0 */
/* Forwarded (RFC 7239) and X-Forwarded-*: see okta_forwarded.h. */
#include <apr_lib.h>
#include <apr_strings.h>
#include <string.h>

#include "okta_forwarded.h"

/* The last comma-separated item of a header, trimmed; NULL when empty. */
static const char *last_item(apr_pool_t *p, const char *header)
{
    const char *start, *end;

    if (!header) {
        return NULL;
    }
    start = strrchr(header, ',');
    start = start ? start + 1 : header;
    while (*start == ' ' || *start == '\t') {
        start++;
    }
    end = start + strlen(start);
    while (end > start && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    return end > start ? apr_pstrmemdup(p, start, (apr_size_t)(end - start)) : NULL;
}

static const char *usable_scheme(const char *scheme)
{
    if (!scheme) {
        return NULL;
    }
    return strcasecmp(scheme, "https") == 0 ? "https"
           : strcasecmp(scheme, "http") == 0 ? "http"
                                             : NULL;
}

/* 1 for a port number, 1 to 65535. */
static int is_port(const char *s)
{
    apr_int64_t n = 0;

    if (!*s || strlen(s) > 5) {
        return 0;
    }
    for (; *s; s++) {
        if (!apr_isdigit(*s)) {
            return 0;
        }
        n = n * 10 + (*s - '0');
    }
    return n >= 1 && n <= 65535;
}

/* 1 for what a Host header holds: a name or IPv4 address, or an IPv6
 * literal in brackets, and an optional port. */
static int is_host(const char *s)
{
    const char *port;

    if (*s == '[') {
        const char *close = strchr(s, ']');
        const char *c;
        if (!close || close == s + 1) {
            return 0;
        }
        for (c = s + 1; c < close; c++) {
            if (!apr_isxdigit(*c) && *c != ':' && *c != '.') {
                return 0;
            }
        }
        port = close + 1;
    }
    else {
        const char *c;
        for (c = s; *c && *c != ':'; c++) {
            if (!apr_isalnum(*c) && *c != '-' && *c != '.') {
                return 0;
            }
        }
        if (c == s) {
            return 0;
        }
        port = c;
    }
    return !*port || (*port == ':' && is_port(port + 1));
}

static int has_port(const char *host)
{
    const char *close = *host == '[' ? strchr(host, ']') : host;

    return close && strchr(close, ':') != NULL;
}

/* The value of `name` in one Forwarded element ("for=...;proto=https"),
 * unquoted; NULL when absent. */
static const char *element_param(apr_pool_t *p, const char *element, const char *name)
{
    apr_size_t nlen = strlen(name);
    const char *s = element;

    while (*s) {
        const char *end;
        while (*s == ' ' || *s == '\t' || *s == ';') {
            s++;
        }
        end = strchr(s, ';');
        if (!end) {
            end = s + strlen(s);
        }
        if ((apr_size_t)(end - s) > nlen && strncasecmp(s, name, nlen) == 0 && s[nlen] == '=') {
            const char *v = s + nlen + 1, *vend = end;
            while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t')) {
                vend--;
            }
            if (vend - v >= 2 && *v == '"' && vend[-1] == '"') {
                v++;
                vend--;
            }
            return apr_pstrmemdup(p, v, (apr_size_t)(vend - v));
        }
        s = end;
    }
    return NULL;
}

okta_forwarded_t okta_forwarded_view(apr_pool_t *p, const okta_forwarding_headers_t *headers)
{
    okta_forwarded_t view = { NULL, NULL };
    const char *host, *port = NULL;

    if (headers->forwarded) {
        const char *element = last_item(p, headers->forwarded);
        if (!element) {
            return view;
        }
        view.scheme = usable_scheme(element_param(p, element, "proto"));
        host = element_param(p, element, "host");
    }
    else {
        view.scheme = usable_scheme(last_item(p, headers->proto));
        host = last_item(p, headers->host);
        port = last_item(p, headers->port);
    }
    if (host && is_host(host)) {
        view.host = host;
        if (port && is_port(port) && !has_port(host)
            && strcmp(port, view.scheme && strcmp(view.scheme, "https") == 0 ? "443" : "80")
                   != 0) {
            view.host = apr_pstrcat(p, host, ":", port, NULL);
        }
    }
    return view;
}
