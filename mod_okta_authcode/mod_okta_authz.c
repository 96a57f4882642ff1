/* SPDX-License-Identifier: Apache-2.0 */
/* Who may enter: `Require okta-group`, `Require okta-claim` and
 * `Require okta-scope`, parsed at configuration time and checked against
 * the facts of the session's (or bearer token's) claims (no JSON per
 * request), and the 403 page, or for a bearer token RFC 6750's 403.
 *
 * httpd answers a signed-in user whom the Require lines refuse with 401,
 * asking for other credentials, unless AuthzSendForbiddenOnFailure is set.
 * For a user who signed in at the provider another sign-in would only
 * loop.  So, where mod_auth_basic's note_auth_failure adds its
 * WWW-Authenticate header, ours prepares a page that says what was
 * required, and the error response goes out as 403. */
#include <apr_strings.h>
#include <http_core.h>
#include <http_protocol.h>
#include <http_request.h>
#include <mod_auth.h>

#include "mod_okta_authz.h"
#include "mod_okta_bearer.h"
#include "mod_okta_response.h"
#include "mod_okta_session.h"
#include "okta_claims.h"

/* What the rules that refused the request required: for the page, and
 * (as the Require lines) for the log. */
#define REQUIRED_NOTE "okta-authz-required"
#define RULES_NOTE "okta-authz-rules"
/* The scopes of the okta-scope rules that refused, space-separated. */
#define SCOPES_NOTE "okta-authz-scopes"
/* The 401 of a refused signed-in user is to go out as 403. */
#define FORBIDDEN_NOTE "okta-authz-forbidden"

typedef enum { RULE_GROUP, RULE_CLAIM, RULE_SCOPE } rule_kind_t;

typedef struct {
    rule_kind_t kind;
    const char *claim; /* RULE_CLAIM's; the groups claim is per server */
    const char **values; /* as written */
    const char **matched; /* as facts hold them (fact_values) */
    int nvalues;
    const char *required; /* "membership in the group \"Admins\"" */
    const char *rule; /* "Require okta-group \"Admins\"" */
} rule_t;

/* "A", "B" for the page; "A" "B" (as a Require line reads) for the log. */
static const char *quoted_list(apr_pool_t *p, const char **values, int n,
                               const char *separator)
{
    const char *list = "";
    int i;

    for (i = 0; i < n; i++) {
        list = apr_pstrcat(p, list, i ? separator : "", "\"", values[i], "\"", NULL);
    }
    return list;
}

/* The words of a Require line (quoted ones may hold spaces), into the
 * configuration's pool. */
static apr_array_header_t *words_of(cmd_parms *cmd, const char *line)
{
    apr_array_header_t *words = apr_array_make(cmd->pool, 4, sizeof(const char *));
    const char *word;

    while (*(word = ap_getword_conf(cmd->pool, &line))) {
        APR_ARRAY_PUSH(words, const char *) = word;
    }
    return words;
}

/* What each kind of rule is written as, needs, and says it requires. */
static const struct {
    const char *name; /* Require okta-... */
    int claim_first; /* the first word is a claim's name */
    const char *usage;
    const char *one, *many; /* before the values on the 403 page */
} kinds[] = {
    [RULE_GROUP] = { "okta-group", 0, "Require okta-group needs at least one group name",
                     "membership in the group ", "membership in one of the groups " },
    [RULE_CLAIM] = { "okta-claim", 1, "Require okta-claim needs a claim name (a dotted path for "
                     "nested claims) and at least one value", "", "one of " },
    [RULE_SCOPE] = { "okta-scope", 0, "Require okta-scope needs at least one scope",
                     "an access token with the scope ", "an access token with one of the scopes " },
};

/* A rule's values as the facts hold them: an okta-claim's may be JSON
 * literals (okta_claim_rule_value), the others name strings (a group named
 * "true"). */
static const char **fact_values(apr_pool_t *p, rule_kind_t kind, const char **written, int n)
{
    const char **values = apr_palloc(p, n * sizeof(*values));
    int i;

    for (i = 0; i < n; i++) {
        values[i] = kind == RULE_CLAIM ? okta_claim_rule_value(p, written[i])
                                       : okta_claim_string_value(p, written[i]);
    }
    return values;
}

static const char *parse_rule(cmd_parms *cmd, rule_kind_t kind, const char *line,
                              const void **parsed)
{
    apr_array_header_t *words = words_of(cmd, line);
    rule_t *rule = apr_pcalloc(cmd->pool, sizeof(*rule));
    int first = kinds[kind].claim_first;
    const char *values, *claim;

    if (words->nelts < first + 1) {
        return kinds[kind].usage;
    }
    rule->kind = kind;
    rule->claim = first ? APR_ARRAY_IDX(words, 0, const char *) : NULL;
    rule->values = (const char **)words->elts + first;
    rule->nvalues = words->nelts - first;
    values = quoted_list(cmd->pool, rule->values, rule->nvalues, ", ");
    rule->rule = apr_pstrcat(cmd->pool, "Require ", kinds[kind].name, " ",
                             rule->claim ? apr_psprintf(cmd->pool, "\"%s\" ", rule->claim) : "",
                             quoted_list(cmd->pool, rule->values, rule->nvalues, " "), NULL);
    rule->matched = fact_values(cmd->pool, kind, rule->values, rule->nvalues);
    claim = rule->claim ? apr_psprintf(cmd->pool, "the claim \"%s\" to be ", rule->claim) : "";
    rule->required = apr_pstrcat(cmd->pool, claim,
                                 rule->nvalues > 1 ? kinds[kind].many : kinds[kind].one, values,
                                 NULL);
    *parsed = rule;
    return NULL;
}

const char *okta_authz_parse_group(cmd_parms *cmd, const char *line, const void **parsed)
{
    return parse_rule(cmd, RULE_GROUP, line, parsed);
}

const char *okta_authz_parse_claim(cmd_parms *cmd, const char *line, const void **parsed)
{
    return parse_rule(cmd, RULE_CLAIM, line, parsed);
}

const char *okta_authz_parse_scope(cmd_parms *cmd, const char *line, const void **parsed)
{
    return parse_rule(cmd, RULE_SCOPE, line, parsed);
}

static void note_scopes(request_rec *r, const rule_t *rule)
{
    const char *scopes = apr_table_get(r->notes, SCOPES_NOTE);
    int i;

    for (i = 0; i < rule->nvalues; i++) {
        scopes = scopes ? apr_pstrcat(r->pool, scopes, " ", rule->values[i], NULL)
                        : rule->values[i];
    }
    apr_table_setn(r->notes, SCOPES_NOTE, scopes);
}

/* Each refusing rule once, though httpd may ask twice. */
static void note_refusal(request_rec *r, const rule_t *rule)
{
    const char *required = apr_table_get(r->notes, REQUIRED_NOTE);

    if (required && ap_strstr_c(required, rule->required)) {
        return;
    }
    if (rule->kind == RULE_SCOPE) {
        note_scopes(r, rule);
    }
    if (!required) {
        apr_table_setn(r->notes, REQUIRED_NOTE, rule->required);
        apr_table_setn(r->notes, RULES_NOTE, rule->rule);
    }
    else {
        apr_table_setn(r->notes, REQUIRED_NOTE,
                       apr_pstrcat(r->pool, required, "; ", rule->required, NULL));
        apr_table_setn(r->notes, RULES_NOTE,
                       apr_pstrcat(r->pool, apr_table_get(r->notes, RULES_NOTE), "; ",
                                   rule->rule, NULL));
    }
}

/* Okta leaves groups out of tokens and userinfo until a claim is made for
 * them: say where. */
static void warn_no_groups_claim(request_rec *r, const char *claim)
{
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  OKTALOGNO(00046) "Require okta-group: the session of %s has no \"%s\" claim (or "
                  "an empty one). In Okta, add a groups claim: on a custom authorization server "
                  "in Security > API > Authorization Servers > Claims (value type Groups, a "
                  "filter such as Matches regex .*; include it in the ID token Always, or leave "
                  "it to userinfo with OktaUserInfo On); on the org authorization server, the "
                  "app's Groups claim filter. If the claim has another name, set "
                  "OktaGroupsClaim.", r->user, claim);
}

/* Okta lists a token's scopes in "scp"; RFC 9068 in a "scope" string. */
static int has_scope(const okta_session_t *s, const rule_t *rule)
{
    int present;

    return okta_facts_match(s->facts, s->nfacts, "scp", rule->matched, rule->nvalues, &present)
           || okta_facts_match_word(s->facts, s->nfacts, "scope", rule->matched, rule->nvalues);
}

static int rule_granted(request_rec *r, const okta_session_t *s, const rule_t *rule)
{
    const char *groups_claim = okta_server_conf(r)->groups_claim;
    int present;

    switch (rule->kind) {
    case RULE_SCOPE:
        return has_scope(s, rule);
    case RULE_CLAIM:
        return okta_facts_match(s->facts, s->nfacts, rule->claim, rule->matched, rule->nvalues,
                                &present);
    case RULE_GROUP:
        if (okta_facts_match(s->facts, s->nfacts, groups_claim, rule->matched, rule->nvalues,
                             &present)) {
            return 1;
        }
        if (!present) {
            warn_no_groups_claim(r, groups_claim);
        }
        return 0;
    }
    return 0;
}

static authz_status check_rule(request_rec *r, const rule_t *rule)
{
    const okta_session_ref_t *ref;

    if (!r->user) {
        return AUTHZ_DENIED_NO_USER; /* sign in first */
    }
    if (!(ref = okta_session_of_request(r))) {
        return AUTHZ_DENIED; /* another AuthType's user, or nobody (OktaUnauthAction pass) */
    }
    if (rule_granted(r, &ref->session, rule)) {
        return AUTHZ_GRANTED;
    }
    note_refusal(r, rule);
    return AUTHZ_DENIED;
}

authz_status okta_authz_check(request_rec *r, const char *line, const void *parsed)
{
    (void)line;
    return check_rule(r, parsed);
}

/* A signed-in user refused by the Require lines (ours or any others). */
int okta_authz_note_auth_failure(request_rec *r, const char *auth_type)
{
    const char *required = apr_table_get(r->notes, REQUIRED_NOTE);
    const okta_session_ref_t *ref;

    if (strcasecmp(auth_type, OKTA_AUTH_TYPE) != 0) {
        return DECLINED;
    }
    if (!r->user || !*r->user) {
        return OK; /* nobody signed in: the 401 stands */
    }
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  OKTALOGNO(00045) "%s is refused %s: %s", r->user, r->uri,
                  required ? apr_pstrcat(r->pool, "not allowed by ",
                                         apr_table_get(r->notes, RULES_NOTE), NULL)
                           : "the Require lines do not let this user in");
    apr_table_setn(r->notes, FORBIDDEN_NOTE, "1");
    /* prepared for httpd's 401, which goes out as 403 */
    ref = okta_session_of_request(r);
    if (ref && !ref->id) {
        okta_bearer_refused(r, HTTP_UNAUTHORIZED, apr_table_get(r->notes, SCOPES_NOTE),
                            required);
        return OK;
    }
    okta_error_page(r, HTTP_UNAUTHORIZED, "Access denied",
                    required ? apr_pstrcat(r->pool, "You are signed in, but this page "
                                           "requires ", required, ".", NULL)
                             : "You are signed in, but this page is not open to you.");
    return OK;
}

/* The error response is being sent: the page is ready, the status is
 * still httpd's 401. */
void okta_authz_forbidden_instead(request_rec *r)
{
    if (r->status == HTTP_UNAUTHORIZED && apr_table_get(r->notes, FORBIDDEN_NOTE)) {
        r->status = HTTP_FORBIDDEN;
    }
}
