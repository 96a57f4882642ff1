/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>
#include <apr_strings.h>

#include "okta_record.h"

#define RECORD_VERSION 1
#define MAX_INTS 16
#define MAX_STRINGS 8192

static const char session_magic[4] = { 'O', 'K', 'S', 'E' };
static const char login_magic[4] = { 'O', 'K', 'L', 'G' };
static const char refresh_magic[4] = { 'O', 'K', 'R', 'F' };

/* Session record field order; claim triples and fact pairs follow. */
enum { S_CREATED, S_LAST_SEEN, S_ACCESS_EXPIRES, S_REFRESH_SENT_AT, S_NCLAIMS, S_NINTS };
enum {
    S_ISSUER, S_CLIENT_ID, S_USER, S_ID_TOKEN, S_ACCESS_TOKEN, S_REFRESH_TOKEN, S_CLAIMS_JSON,
    S_NSTRS
};
enum { L_CREATED, L_SILENT, L_NINTS };
enum { L_STATE, L_NONCE, L_VERIFIER, L_RETURN_TO, L_NSTRS };
enum { R_REFUSED, R_ACCESS_EXPIRES, R_NINTS };
enum { R_ACCESS_TOKEN, R_REFRESH_TOKEN, R_ID_TOKEN, R_NSTRS };

typedef struct {
    apr_int64_t ints[MAX_INTS];
    int nints;
    const char **strs;
    int nstrs;
} record_t;

static apr_status_t record_encode(unsigned char **out, apr_size_t *outlen, apr_pool_t *p,
                                  const char magic[4], const record_t *rec)
{
    apr_size_t len = 4 + 1 + 1 + 8 * (apr_size_t)rec->nints + 2;
    unsigned char *buf, *o;
    int i, b;

    for (i = 0; i < rec->nstrs; i++) {
        len += 4 + strlen(rec->strs[i]) + 1;
    }
    buf = o = apr_palloc(p, len);
    memcpy(o, magic, 4);
    o += 4;
    *o++ = RECORD_VERSION;
    *o++ = (unsigned char)rec->nints;
    for (i = 0; i < rec->nints; i++) {
        apr_uint64_t v = (apr_uint64_t)rec->ints[i];
        for (b = 7; b >= 0; b--) {
            *o++ = (unsigned char)(v >> (8 * b));
        }
    }
    *o++ = (unsigned char)(rec->nstrs >> 8);
    *o++ = (unsigned char)rec->nstrs;
    for (i = 0; i < rec->nstrs; i++) {
        apr_size_t slen = strlen(rec->strs[i]);
        *o++ = (unsigned char)(slen >> 24);
        *o++ = (unsigned char)(slen >> 16);
        *o++ = (unsigned char)(slen >> 8);
        *o++ = (unsigned char)slen;
        memcpy(o, rec->strs[i], slen + 1);
        o += slen + 1;
    }
    *out = buf;
    *outlen = len;
    return APR_SUCCESS;
}

static apr_uint32_t load_be32(const unsigned char *b)
{
    return (apr_uint32_t)b[0] << 24 | (apr_uint32_t)b[1] << 16 | (apr_uint32_t)b[2] << 8 | b[3];
}

/* Points rec->strs into buf; every length is checked before it is used.
 * A string that holds a NUL reads as its prefix: records are sealed, and
 * only record_encode, which measures strings with strlen, writes them. */
static apr_status_t record_decode(record_t *rec, apr_pool_t *p, const char magic[4],
                                  unsigned char *buf, apr_size_t len, const char **fixed,
                                  int nfixed)
{
    unsigned char *s = buf, *end = buf + len;
    int i;

    if (len < 6 || memcmp(s, magic, 4) != 0 || s[4] != RECORD_VERSION) {
        return APR_EINVAL;
    }
    rec->nints = s[5];
    s += 6;
    if (rec->nints > MAX_INTS || (apr_size_t)(end - s) < 8 * (apr_size_t)rec->nints + 2) {
        return APR_EINVAL;
    }
    for (i = 0; i < rec->nints; i++, s += 8) {
        rec->ints[i] = (apr_int64_t)((apr_uint64_t)load_be32(s) << 32 | load_be32(s + 4));
    }
    rec->nstrs = (s[0] << 8) | s[1];
    s += 2;
    if (rec->nstrs > MAX_STRINGS || rec->nstrs < nfixed) {
        return APR_EINVAL;
    }
    if (rec->nstrs == nfixed) {
        rec->strs = fixed;
    }
    else if (p) {
        rec->strs = apr_palloc(p, sizeof(char *) * rec->nstrs);
    }
    else {
        return APR_EINVAL;
    }
    for (i = 0; i < rec->nstrs; i++) {
        apr_size_t slen;
        if (end - s < 4) {
            return APR_EINVAL;
        }
        slen = load_be32(s);
        s += 4;
        if ((apr_size_t)(end - s) <= slen || s[slen] != '\0') {
            return APR_EINVAL;
        }
        rec->strs[i] = (const char *)s;
        s += slen + 1;
    }
    return s == end ? APR_SUCCESS : APR_EINVAL;
}

apr_status_t okta_session_encode(unsigned char **out, apr_size_t *len, apr_pool_t *p,
                                 const okta_session_t *s)
{
    record_t rec;
    const char **strs;
    int i;

    rec.nints = S_NINTS;
    rec.ints[S_CREATED] = s->created;
    rec.ints[S_LAST_SEEN] = s->last_seen;
    rec.ints[S_ACCESS_EXPIRES] = s->access_expires;
    rec.ints[S_REFRESH_SENT_AT] = s->refresh_sent_at;
    rec.ints[S_NCLAIMS] = s->nclaims;
    rec.nstrs = S_NSTRS + 3 * s->nclaims + 2 * s->nfacts;
    if (rec.nstrs > MAX_STRINGS) {
        return APR_ENOSPC;
    }
    rec.strs = apr_palloc(p, sizeof(char *) * rec.nstrs);
    rec.strs[S_ISSUER] = s->issuer;
    rec.strs[S_CLIENT_ID] = s->client_id;
    rec.strs[S_USER] = s->user;
    rec.strs[S_ID_TOKEN] = s->id_token;
    rec.strs[S_ACCESS_TOKEN] = s->access_token;
    rec.strs[S_REFRESH_TOKEN] = s->refresh_token ? s->refresh_token : "";
    rec.strs[S_CLAIMS_JSON] = s->claims_json ? s->claims_json : "{}";
    strs = rec.strs + S_NSTRS;
    for (i = 0; i < s->nclaims; i++, strs += 3) {
        strs[0] = s->claims[i].env_name;
        strs[1] = s->claims[i].header_name;
        strs[2] = s->claims[i].value;
    }
    for (i = 0; i < s->nfacts; i++, strs += 2) {
        strs[0] = s->facts[i].path;
        strs[1] = s->facts[i].value;
    }
    return record_encode(out, len, p, session_magic, &rec);
}

int okta_session_record_version(const unsigned char *buf, apr_size_t len)
{
    return len >= 6 && memcmp(buf, session_magic, 4) == 0 && buf[4] != RECORD_VERSION ? buf[4]
                                                                                      : 0;
}

int okta_record_version(void)
{
    return RECORD_VERSION;
}

apr_status_t okta_session_decode(okta_session_t *s, apr_pool_t *p, unsigned char *buf,
                                 apr_size_t len)
{
    record_t rec;
    const char *fixed[S_NSTRS];
    const char **strs;
    apr_int64_t rest;
    int i;

    if (record_decode(&rec, p, session_magic, buf, len, fixed, S_NSTRS) != APR_SUCCESS
        || rec.nints != S_NINTS || rec.ints[S_NCLAIMS] < 0 || rec.ints[S_NCLAIMS] > MAX_STRINGS
        || (rest = rec.nstrs - S_NSTRS - 3 * rec.ints[S_NCLAIMS]) < 0 || rest % 2 != 0) {
        return APR_EINVAL;
    }
    s->created = rec.ints[S_CREATED];
    s->last_seen = rec.ints[S_LAST_SEEN];
    s->access_expires = rec.ints[S_ACCESS_EXPIRES];
    s->refresh_sent_at = rec.ints[S_REFRESH_SENT_AT];
    s->issuer = rec.strs[S_ISSUER];
    s->client_id = rec.strs[S_CLIENT_ID];
    s->user = rec.strs[S_USER];
    s->id_token = rec.strs[S_ID_TOKEN];
    s->access_token = rec.strs[S_ACCESS_TOKEN];
    s->refresh_token = rec.strs[S_REFRESH_TOKEN];
    s->claims_json = rec.strs[S_CLAIMS_JSON];
    s->nclaims = (int)rec.ints[S_NCLAIMS];
    s->claims = s->nclaims ? apr_palloc(p, sizeof(okta_claim_t) * s->nclaims) : NULL;
    s->nfacts = (int)(rest / 2);
    s->facts = s->nfacts ? apr_palloc(p, sizeof(okta_fact_t) * s->nfacts) : NULL;
    strs = rec.strs + S_NSTRS;
    for (i = 0; i < s->nclaims; i++, strs += 3) {
        s->claims[i].env_name = strs[0];
        s->claims[i].header_name = strs[1];
        s->claims[i].value = strs[2];
    }
    for (i = 0; i < s->nfacts; i++, strs += 2) {
        s->facts[i].path = strs[0];
        s->facts[i].value = strs[1];
    }
    return APR_SUCCESS;
}

apr_status_t okta_login_encode(unsigned char **out, apr_size_t *len, apr_pool_t *p,
                               const okta_login_t *l)
{
    const char *strs[L_NSTRS];
    record_t rec;

    rec.nints = L_NINTS;
    rec.ints[L_CREATED] = l->created;
    rec.ints[L_SILENT] = l->silent;
    rec.nstrs = L_NSTRS;
    rec.strs = strs;
    strs[L_STATE] = l->state;
    strs[L_NONCE] = l->nonce;
    strs[L_VERIFIER] = l->code_verifier;
    strs[L_RETURN_TO] = l->return_to;
    return record_encode(out, len, p, login_magic, &rec);
}

apr_status_t okta_login_decode(okta_login_t *l, unsigned char *buf, apr_size_t len)
{
    const char *strs[L_NSTRS];
    record_t rec;

    if (record_decode(&rec, NULL, login_magic, buf, len, strs, L_NSTRS) != APR_SUCCESS
        || rec.nints != L_NINTS || rec.nstrs != L_NSTRS) {
        return APR_EINVAL;
    }
    l->created = rec.ints[L_CREATED];
    l->silent = rec.ints[L_SILENT];
    l->state = strs[L_STATE];
    l->nonce = strs[L_NONCE];
    l->code_verifier = strs[L_VERIFIER];
    l->return_to = strs[L_RETURN_TO];
    return APR_SUCCESS;
}

apr_status_t okta_refresh_result_encode(unsigned char **out, apr_size_t *len, apr_pool_t *p,
                                        const okta_refresh_result_t *res)
{
    const char *strs[R_NSTRS];
    record_t rec;

    rec.nints = R_NINTS;
    rec.ints[R_REFUSED] = res->refused;
    rec.ints[R_ACCESS_EXPIRES] = res->access_expires;
    rec.nstrs = R_NSTRS;
    rec.strs = strs;
    strs[R_ACCESS_TOKEN] = res->access_token ? res->access_token : "";
    strs[R_REFRESH_TOKEN] = res->refresh_token ? res->refresh_token : "";
    strs[R_ID_TOKEN] = res->id_token ? res->id_token : "";
    return record_encode(out, len, p, refresh_magic, &rec);
}

apr_status_t okta_refresh_result_decode(okta_refresh_result_t *res, unsigned char *buf,
                                        apr_size_t len)
{
    const char *strs[R_NSTRS];
    record_t rec;

    if (record_decode(&rec, NULL, refresh_magic, buf, len, strs, R_NSTRS) != APR_SUCCESS
        || rec.nints != R_NINTS || rec.nstrs != R_NSTRS) {
        return APR_EINVAL;
    }
    res->refused = rec.ints[R_REFUSED];
    res->access_expires = rec.ints[R_ACCESS_EXPIRES];
    res->access_token = strs[R_ACCESS_TOKEN];
    res->refresh_token = strs[R_REFRESH_TOKEN];
    res->id_token = strs[R_ID_TOKEN];
    return APR_SUCCESS;
}
