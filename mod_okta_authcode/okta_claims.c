/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_tables.h>

#include "okta_claims.h"
#include "okta_json.h"
#include "okta_util.h"

/* The ID token's own claims (OpenID Connect Core 2, 5.1, and Okta's
 * at_hash/sid): what the token says about itself, never userinfo's to
 * change. */
static const char *const registered_claims[] = {
    "iss", "sub", "aud", "exp", "iat", "nonce", "azp", "auth_time", "at_hash", "acr", "amr",
    "sid", NULL
};

static int is_registered(const char *name)
{
    const char *const *c;

    for (c = registered_claims; *c; c++) {
        if (strcmp(*c, name) == 0) {
            return 1;
        }
    }
    return 0;
}

json_t *okta_claims_merge(apr_pool_t *p, const json_t *id_token, const json_t *userinfo)
{
    json_t *merged = okta_json_pool_owned(p, json_copy((json_t *)id_token)), *value;
    const char *name;

    if (!merged) {
        return NULL;
    }
    json_object_foreach((json_t *)userinfo, name, value) {
        if (!is_registered(name)) {
            json_object_set(merged, name, value);
        }
    }
    return merged;
}

/* Claim names become environment variable names (with '_') and header
 * names (with '-': proxies such as nginx drop headers with '_'). */
static const char *sanitize_claim_name(apr_pool_t *p, const char *prefix, const char *name,
                                       char replacement)
{
    char *out = apr_pstrcat(p, prefix, name, NULL), *c;

    for (c = out + strlen(prefix); *c; c++) {
        if (!apr_isalnum(*c)) {
            *c = replacement;
        }
    }
    return out;
}

static int has_control_character(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            return 1;
        }
    }
    return 0;
}

/* An array item, with '%' and ',' escaped so that the join reads back. */
static const char *escaped_item(apr_pool_t *p, const char *item)
{
    size_t extra = 0;
    const char *c;
    char *out, *o;

    for (c = item; *c; c++) {
        extra += *c == '%' || *c == ',';
    }
    if (!extra) {
        return item;
    }
    o = out = apr_palloc(p, strlen(item) + 2 * extra + 1);
    for (c = item; *c; c++) {
        if (*c == '%' || *c == ',') {
            o += sprintf(o, "%%%02X", (unsigned char)*c);
        }
        else {
            *o++ = *c;
        }
    }
    *o = '\0';
    return out;
}

/* An array of strings joined with ','; NULL when an item is not a string
 * (the array is then given as JSON). */
static const char *joined_items(apr_pool_t *p, const json_t *array)
{
    const char *joined = "";
    const json_t *item;
    size_t i;

    json_array_foreach(array, i, item) {
        if (!json_is_string(item)) {
            return NULL;
        }
        joined = apr_pstrcat(p, joined, i ? "," : "", escaped_item(p, json_string_value(item)),
                             NULL);
    }
    return joined;
}

static const char *claim_text(apr_pool_t *p, const json_t *v)
{
    const char *text;
    char *dump;

    if (json_is_string(v)) {
        return apr_pstrmemdup(p, json_string_value(v), json_string_length(v));
    }
    if (json_is_array(v) && (text = joined_items(p, v))) {
        return text;
    }
    dump = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!dump) {
        return "";
    }
    text = apr_pstrdup(p, dump);
    free(dump);
    return text;
}

/* The claim's value as handed on; NULL when it must be withheld.  (A NUL
 * inside a string ends it early: it is text up to there, and harmless.) */
static const char *claim_value_text(apr_pool_t *p, const json_t *v)
{
    const char *text = claim_text(p, v);

    /* JSON escapes control characters but DEL */
    return has_control_character(text, strlen(text)) ? NULL : text;
}

/* Claims whose names give one header name (headers ignore case) or one
 * variable name, as "Email" and "email", or "e.mail" and "e_mail", would
 * be handed on twice and the application take either: all such claims
 * are withheld, and listed in *listed (`names` the claims' own names).
 * Returns how many claims are left, in their order. */
static int withhold_same_names(okta_claim_t *claims, const char **names, int n, apr_pool_t *p,
                               const char **listed)
{
    char *clashes = apr_pcalloc(p, n ? n : 1);
    int i, j, kept = 0;

    for (i = 0; i < n; i++) {
        for (j = i + 1; j < n; j++) {
            if (strcasecmp(claims[i].header_name, claims[j].header_name) == 0
                || strcmp(claims[i].env_name, claims[j].env_name) == 0) {
                clashes[i] = clashes[j] = 1;
            }
        }
    }
    for (i = 0; i < n; i++) {
        if (clashes[i]) {
            *listed = *listed ? apr_pstrcat(p, *listed, ", ", names[i], NULL) : names[i];
        }
        else {
            claims[kept++] = claims[i];
        }
    }
    return kept;
}

apr_status_t okta_claims_flatten(okta_claim_t **claims, int *nclaims, apr_pool_t *p,
                                 const json_t *payload, const char **withheld)
{
    const char *key, *listed = NULL, **names;
    const json_t *value;
    okta_claim_t *out;
    int n = 0;

    if (!json_is_object(payload)) {
        return APR_EINVAL;
    }
    out = apr_palloc(p, sizeof(okta_claim_t) * (json_object_size(payload) + 1));
    names = apr_palloc(p, sizeof(const char *) * (json_object_size(payload) + 1));
    json_object_foreach((json_t *)payload, key, value) {
        if (!(out[n].value = claim_value_text(p, value))) {
            listed = listed ? apr_pstrcat(p, listed, ", ", key, NULL) : key;
            continue;
        }
        names[n] = key;
        out[n].env_name = sanitize_claim_name(p, "OKTA_CLAIM_", key, '_');
        out[n].header_name = sanitize_claim_name(p, "X-Okta-Claim-", key, '-');
        n++;
    }
    *claims = out;
    *nclaims = withhold_same_names(out, names, n, p, &listed);
    if (withheld) {
        *withheld = listed ? apr_pstrdup(p, listed) : NULL;
    }
    return APR_SUCCESS;
}

/* ---- facts ------------------------------------------------------------- */

typedef struct {
    apr_pool_t *p;
    apr_array_header_t *facts;
} facts_t;

static void add_fact(facts_t *f, const char *path, const char *value)
{
    okta_fact_t *fact = apr_array_push(f->facts);

    fact->path = path;
    fact->value = value;
}

/* JSON text of a number, boolean or null: integers exactly, reals as
 * their shortest usual form (1.5, not 1.50000000000000000). */
static const char *scalar_text(apr_pool_t *p, const json_t *v)
{
    char *dump;
    const char *text;

    if (json_is_integer(v)) {
        return apr_psprintf(p, "%" APR_INT64_T_FMT, (apr_int64_t)json_integer_value(v));
    }
    dump = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    text = dump ? apr_pstrdup(p, dump) : "";
    free(dump);
    return text;
}

/* A string fact with the text of a JSON literal (true, false, null) is
 * told from the literal by this mark before it (a string with a control
 * character can match no rule, and gives no fact). */
#define LOOKS_LITERAL_MARK "\x02"

static int is_literal_word(const char *text)
{
    return strcmp(text, "true") == 0 || strcmp(text, "false") == 0 || strcmp(text, "null") == 0;
}

/* A member's name as a step of a path (see okta_claims_facts); itself
 * when it has neither '.' nor a backslash. */
static const char *name_step(apr_pool_t *p, const char *name)
{
    const char *c;
    char *path, *o;

    if (!strpbrk(name, ".\\")) {
        return name;
    }
    o = path = apr_palloc(p, 2 * strlen(name) + 1);
    for (c = name; *c; c++) {
        if (*c == '.' || *c == '\\') {
            *o++ = '\\';
        }
        *o++ = *c;
    }
    *o = '\0';
    return path;
}

static void collect_facts(facts_t *f, const char *path, const json_t *v, int depth)
{
    const char *name, *text;
    size_t i, name_len;
    json_t *item;

    if (depth > OKTA_FACTS_MAX_DEPTH) {
        return;
    }
    if (json_is_object(v)) {
        json_object_keylen_foreach((json_t *)v, name, name_len, item) {
            if (strlen(name) == name_len) {
                /* not `name` itself: the loop goes on from it */
                const char *step = name_step(f->p, name);

                collect_facts(f, path ? apr_pstrcat(f->p, path, ".", step, NULL) : step, item,
                              depth + 1);
            }
        }
    }
    else if (json_is_array(v)) {
        json_array_foreach(v, i, item) {
            collect_facts(f, path, item, depth + 1);
        }
    }
    else if (json_is_string(v)) {
        text = json_string_value(v);
        if (strlen(text) == json_string_length(v) && !has_control_character(text, strlen(text))) {
            add_fact(f, path, okta_claim_string_value(f->p, text));
        }
    }
    else {
        add_fact(f, path, scalar_text(f->p, v));
    }
}

void okta_claims_facts(okta_fact_t **facts, int *nfacts, apr_pool_t *p, const json_t *claims)
{
    facts_t f;

    f.p = p;
    f.facts = apr_array_make(p, 16, sizeof(okta_fact_t));
    if (json_is_object(claims)) {
        collect_facts(&f, NULL, claims, 0);
    }
    *facts = (okta_fact_t *)f.facts->elts;
    *nfacts = f.facts->nelts;
}

int okta_facts_match(const okta_fact_t *facts, int nfacts, const char *path,
                     const char *const *values, int nvalues, int *present)
{
    int i, v;

    *present = 0;
    for (i = 0; i < nfacts; i++) {
        if (strcmp(facts[i].path, path) != 0) {
            continue;
        }
        *present = 1;
        for (v = 0; v < nvalues; v++) {
            if (strcmp(facts[i].value, values[v]) == 0) {
                return 1;
            }
        }
    }
    return 0;
}

okta_user_verdict_t okta_remote_user(apr_pool_t *p, const json_t *claims, const char *name,
                                     const char **user)
{
    const json_t *v = json_object_get(claims, name);
    const char *text = okta_claim_string(p, claims, name);
    /* a string's own length: one with a NUL reads as a shorter one */
    apr_size_t len = json_is_string(v) ? json_string_length(v) : text ? strlen(text) : 0;

    if (!text || !len) {
        return OKTA_USER_NO_CLAIM;
    }
    if (has_control_character(text, len)) {
        return OKTA_USER_CONTROL_CHARACTER;
    }
    *user = text;
    return OKTA_USER_OK;
}

okta_jwt_result_t okta_facts_for_host(const okta_fact_t *facts, int nfacts,
                                      const okta_access_token_expect_t *expect)
{
    int present;

    if (!okta_facts_match(facts, nfacts, "iss", &expect->issuer, 1, &present)) {
        return OKTA_JWT_BAD_ISSUER;
    }
    if (!okta_facts_match(facts, nfacts, "aud", expect->audiences, expect->naudiences,
                          &present)) {
        return OKTA_JWT_BAD_AUDIENCE;
    }
    return OKTA_JWT_OK;
}

static int word_is_one_of(const char *word, apr_size_t len, const char *const *values,
                          int nvalues)
{
    int v;

    for (v = 0; v < nvalues; v++) {
        if (strlen(values[v]) == len && memcmp(word, values[v], len) == 0) {
            return 1;
        }
    }
    return 0;
}

int okta_facts_match_word(const okta_fact_t *facts, int nfacts, const char *path,
                          const char *const *values, int nvalues)
{
    const char *word;
    apr_size_t len;
    int i;

    for (i = 0; i < nfacts; i++) {
        if (strcmp(facts[i].path, path) != 0) {
            continue;
        }
        for (word = facts[i].value; *word; word += len) {
            word += strspn(word, " ");
            len = strcspn(word, " ");
            if (len && word_is_one_of(word, len, values, nvalues)) {
                return 1;
            }
        }
    }
    return 0;
}

apr_status_t okta_claims_set(okta_session_t *s, apr_pool_t *p, const json_t *claims,
                             const char **withheld)
{
    char *json = json_dumps(claims, JSON_COMPACT);
    apr_status_t rv;

    if (!json) {
        return APR_EINVAL;
    }
    s->claims_json = apr_pstrdup(p, json);
    free(json);
    if ((rv = okta_claims_flatten(&s->claims, &s->nclaims, p, claims, withheld)) != APR_SUCCESS) {
        return rv;
    }
    okta_claims_facts(&s->facts, &s->nfacts, p, claims);
    return APR_SUCCESS;
}

const char *okta_claim_string_value(apr_pool_t *p, const char *text)
{
    return is_literal_word(text) ? apr_pstrcat(p, LOOKS_LITERAL_MARK, text, NULL) : text;
}

const char *okta_claim_rule_value(apr_pool_t *p, const char *written)
{
    apr_size_t len = strlen(written);

    if (len < 2 || written[0] != '"' || written[len - 1] != '"') {
        return written;
    }
    return okta_claim_string_value(p, apr_pstrmemdup(p, written + 1, len - 2));
}

int okta_facts_client_is(const okta_fact_t *facts, int nfacts, const char *const *ids,
                         int nids)
{
    int present;

    if (okta_facts_match(facts, nfacts, "cid", ids, nids, &present)) {
        return 1;
    }
    /* a token that names its client in cid is not another's by client_id */
    return !present && okta_facts_match(facts, nfacts, "client_id", ids, nids, &present);
}
