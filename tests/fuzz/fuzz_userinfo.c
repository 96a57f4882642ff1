/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: userinfo answers (OpenID Connect Core 5.3.2), as
 * okta_userinfo_parse reads them for the user an ID token named.  The
 * input is read again here with jansson, apart from the parser:
 *   OK          the answer is a JSON object whose "sub" is a string, the
 *               expected one, and the claims handed back are that answer
 *   OTHER_USER  the answer has a string "sub", another user's (5.3.4)
 *   refused     says why; what is not a JSON object is MALFORMED
 * and UNANSWERED, the caller's verdict on the HTTP exchange, never comes
 * out of the parser.  Each input is checked for two users, one's sub a
 * prefix of the other's. */
#include <jansson.h>

#include "fuzz_common.h"
#include "okta_provider.h"

static const char *const subs[] = { "00u1fuzz", "00u1fuz" };

static void fuzz_userinfo(apr_pool_t *p, const unsigned char *json, size_t size,
                          const json_t *doc, const char *sub)
{
    const json_t *answered = json_object_get(doc, "sub");
    json_t *claims = NULL;
    const char *why = NULL;
    okta_userinfo_result_t r;

    r = okta_userinfo_parse(&claims, p, (const char *)json, size, sub, &why);
    FUZZ_INVARIANT(r == OKTA_USERINFO_OK || r == OKTA_USERINFO_MALFORMED
                   || r == OKTA_USERINFO_OTHER_USER);
    if (r == OKTA_USERINFO_OK) {
        FUZZ_INVARIANT(json_is_object(doc));
        FUZZ_INVARIANT(json_is_string(answered) && strcmp(json_string_value(answered), sub) == 0);
        FUZZ_INVARIANT(json_is_object(claims) && json_equal(claims, doc));
        answered = json_object_get(claims, "sub");
        FUZZ_INVARIANT(json_is_string(answered) && strcmp(json_string_value(answered), sub) == 0);
        return;
    }
    FUZZ_INVARIANT(why != NULL);
    fuzz_touch(why);
    FUZZ_INVARIANT(json_is_object(doc) || r == OKTA_USERINFO_MALFORMED);
    if (r == OKTA_USERINFO_OTHER_USER) {
        FUZZ_INVARIANT(json_is_string(answered) && strcmp(json_string_value(answered), sub) != 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_input_pool();
    unsigned char *json = fuzz_memdup(data, size);
    /* the JSON the module reads: a duplicated member is no answer */
    json_t *doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    size_t i;

    for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        fuzz_userinfo(p, json, size, doc, subs[i]);
    }
    json_decref(doc);
    free(json);
    apr_pool_destroy(p);
    return 0;
}
