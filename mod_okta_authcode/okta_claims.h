/* SPDX-License-Identifier: Apache-2.0 */
/* A session's claims: the ID token's, with the userinfo endpoint's over
 * them (Okta serves custom claims, groups included, from userinfo by
 * default).  Kept in three forms, all decided at sign-in and refresh so
 * that no request parses JSON: the JSON object itself (for OktaInfoURI),
 * flattened text for applications (OKTA_CLAIM_*, X-Okta-Claim-*), and
 * facts, one per value and path, for Require okta-group / okta-claim. */
#ifndef OKTA_CLAIMS_H
#define OKTA_CLAIMS_H

#include <apr_pools.h>
#include <jansson.h>

#include "okta_jwt.h"
#include "okta_record.h"

/** The session's claims: `id_token`'s payload, with `userinfo`'s claims
 * (NULL: none) replacing or adding to them, except the ID token's
 * registered claims (iss, sub, aud, exp, iat, nonce, azp, auth_time,
 * at_hash, acr, amr, sid), which userinfo never changes.  The object is
 * released with the pool. */
json_t *okta_claims_merge(apr_pool_t *p, const json_t *id_token, const json_t *userinfo);

/** Builds the claim list handed to applications from the claims (a JSON
 * object): strings as they are, numbers and booleans as text, arrays of
 * strings joined with ',' (in each item '%' and ',' are written %25 and
 * %2C, so splitting on ',' and URL-decoding each part gives the items
 * back), anything else as compact JSON.  A string or an item with a
 * control character (CR, LF, TAB, ...) could split a request header or
 * forge another: such a claim is withheld, and its name listed in
 * *withheld (", "-separated; NULL when none; `withheld` may be NULL).  In
 * names, characters other than [A-Za-z0-9] become '_' for the environment
 * and '-' for headers. */
apr_status_t okta_claims_flatten(okta_claim_t **claims, int *nclaims, apr_pool_t *p,
                                 const json_t *payload, const char **withheld);

/** The facts of the claims: for every string, number, boolean or null,
 * its path (member names joined with '.', a '.' or '\' in a name written
 * with a '\' before, so that a member named "org.role" is org\.role, not
 * the nested org.role) and its text; an array gives one fact per element,
 * at the array's own path.  A string with the text of true, false or null
 * is told from the JSON literal (okta_claim_rule_value).  A string with a
 * control character or a NUL (it would read as a shorter one), or a name
 * with a NUL, gives none, nor anything nested deeper than
 * OKTA_FACTS_MAX_DEPTH. */
#define OKTA_FACTS_MAX_DEPTH 16
void okta_claims_facts(okta_fact_t **facts, int *nfacts, apr_pool_t *p, const json_t *claims);

/** Fills the session's three forms of the claims. */
apr_status_t okta_claims_set(okta_session_t *s, apr_pool_t *p, const json_t *claims,
                             const char **withheld);

/** 1 when a fact at `path` has one of the `nvalues` values (compared
 * exactly).  *present tells whether any fact is at `path` at all. */
int okta_facts_match(const okta_fact_t *facts, int nfacts, const char *path,
                     const char *const *values, int nvalues, int *present);

typedef enum {
    OKTA_USER_OK,
    OKTA_USER_NO_CLAIM, /* absent, empty, or neither a string nor an integer */
    OKTA_USER_CONTROL_CHARACTER /* CR, LF, TAB, NUL, DEL, ... */
} okta_user_verdict_t;

/** REMOTE_USER from the claims (a session's merged claims, or a token's):
 * the claim `name`, a string or an integer (okta_claim_string), not empty,
 * and without a control character, which could split a request header
 * written with %{REMOTE_USER}s or a log line, or (a NUL) cut the name
 * short.  *user is set for OKTA_USER_OK. */
okta_user_verdict_t okta_remote_user(apr_pool_t *p, const json_t *claims, const char *name,
                                     const char **user);

/** Whether a token's facts (its claims, or the introspection answer about
 * it) say it is for the host `expect` describes: an "iss" fact that is its
 * issuer (OKTA_JWT_BAD_ISSUER otherwise) and an "aud" fact that is one of
 * its audiences (OKTA_JWT_BAD_AUDIENCE).  Checked at every use of what was
 * remembered of a token, wherever it was remembered and by which host. */
okta_jwt_result_t okta_facts_for_host(const okta_fact_t *facts, int nfacts,
                                      const okta_access_token_expect_t *expect);

/** A value of a Require okta-claim line as facts hold it: true, false and
 * null are JSON's (a string with that text is another fact); a value in
 * double quotes ("true", "42") is the string inside; any other, as written
 * (a string, or a number's text). */
const char *okta_claim_rule_value(apr_pool_t *p, const char *written);

/** A string as facts hold it, for rules that name strings only (okta-group,
 * okta-scope): "true" is the group named true, not the JSON literal. */
const char *okta_claim_string_value(apr_pool_t *p, const char *text);

/** OktaAccessTokenClients: 1 when the token's client is one of `ids`: its
 * "cid" (Okta's) when it has one, else its "client_id" (RFC 9068). */
int okta_facts_client_is(const okta_fact_t *facts, int nfacts, const char *const *ids,
                         int nids);

/** okta_facts_match for facts holding space-separated words (RFC 9068's
 * "scope"): 1 when a word of a fact at `path` is one of the values. */
int okta_facts_match_word(const okta_fact_t *facts, int nfacts, const char *path,
                          const char *const *values, int nvalues);

#endif
