/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the cache record decoders (session, pending login,
 * refresh outcome).  Records come out of the cache after okta_open, so a
 * decoder only sees bytes the module sealed itself -- unless the passphrase
 * leaked or the record layout changed between versions; either way it must
 * never read outside the buffer.  Whatever decodes must encode back to bytes
 * no longer than the input that decode and encode to themselves: the layout
 * has one encoding per record (a string holding a NUL reads as its prefix,
 * so its record encodes shorter). */
#include "fuzz_common.h"
#include "okta_record.h"

/* Decodes a copy of `in` and encodes what it read: 1 when both succeed. */
typedef int reencode_fn(apr_pool_t *p, const unsigned char *in, apr_size_t len,
                        unsigned char **out, apr_size_t *out_len);

static int reencode_session(apr_pool_t *p, const unsigned char *in, apr_size_t len,
                            unsigned char **out, apr_size_t *out_len)
{
    unsigned char *buf = fuzz_memdup(in, len);
    okta_session_t s;
    int ok, i;

    memset(&s, 0, sizeof(s));
    ok = okta_session_decode(&s, p, buf, len) == APR_SUCCESS;
    if (ok) {
        fuzz_touch(s.issuer);
        fuzz_touch(s.client_id);
        fuzz_touch(s.user);
        fuzz_touch(s.id_token);
        fuzz_touch(s.access_token);
        fuzz_touch(s.refresh_token);
        FUZZ_INVARIANT(s.nclaims >= 0);
        for (i = 0; i < s.nclaims; i++) {
            fuzz_touch(s.claims[i].env_name);
            fuzz_touch(s.claims[i].header_name);
            fuzz_touch(s.claims[i].value);
        }
        fuzz_touch(s.claims_json);
        FUZZ_INVARIANT(s.nfacts >= 0);
        for (i = 0; i < s.nfacts; i++) {
            fuzz_touch(s.facts[i].path);
            fuzz_touch(s.facts[i].value);
        }
        FUZZ_INVARIANT(okta_session_encode(out, out_len, p, &s) == APR_SUCCESS);
    }
    free(buf);
    return ok;
}

static int reencode_login(apr_pool_t *p, const unsigned char *in, apr_size_t len,
                          unsigned char **out, apr_size_t *out_len)
{
    unsigned char *buf = fuzz_memdup(in, len);
    okta_login_t l;
    int ok;

    memset(&l, 0, sizeof(l));
    ok = okta_login_decode(&l, buf, len) == APR_SUCCESS;
    if (ok) {
        fuzz_touch(l.state);
        fuzz_touch(l.nonce);
        fuzz_touch(l.code_verifier);
        fuzz_touch(l.return_to);
        FUZZ_INVARIANT(okta_login_encode(out, out_len, p, &l) == APR_SUCCESS);
    }
    free(buf);
    return ok;
}

static int reencode_refresh(apr_pool_t *p, const unsigned char *in, apr_size_t len,
                            unsigned char **out, apr_size_t *out_len)
{
    unsigned char *buf = fuzz_memdup(in, len);
    okta_refresh_result_t res;
    int ok;

    memset(&res, 0, sizeof(res));
    ok = okta_refresh_result_decode(&res, buf, len) == APR_SUCCESS;
    if (ok) {
        fuzz_touch(res.access_token);
        fuzz_touch(res.refresh_token);
        fuzz_touch(res.id_token);
        FUZZ_INVARIANT(okta_refresh_result_encode(out, out_len, p, &res) == APR_SUCCESS);
    }
    free(buf);
    return ok;
}

static void check_canonical(apr_pool_t *p, reencode_fn *reencode, const uint8_t *data,
                            size_t size)
{
    unsigned char *once, *twice;
    apr_size_t once_len, twice_len;

    if (!reencode(p, data, size, &once, &once_len)) {
        return;
    }
    FUZZ_INVARIANT(once_len <= size);
    FUZZ_INVARIANT(reencode(p, once, once_len, &twice, &twice_len));
    FUZZ_INVARIANT(twice_len == once_len && memcmp(twice, once, once_len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_input_pool();

    check_canonical(p, reencode_session, data, size);
    check_canonical(p, reencode_login, data, size);
    check_canonical(p, reencode_refresh, data, size);
    apr_pool_destroy(p);
    return 0;
}
