/* libFuzzer target: the cache record decoders (session, pending login,
 * refresh outcome).  Records come out of the cache after okta_open, so a
 * decoder only sees bytes the module sealed itself -- unless the passphrase
 * leaked or the record layout changed between versions; either way it must
 * never read outside the buffer.  Whatever decodes must encode back to the
 * very same bytes: the layout has exactly one encoding per record. */
#include "fuzz_common.h"
#include "okta_record.h"

static void check_same(const unsigned char *encoded, apr_size_t encoded_len,
                       const uint8_t *data, size_t size)
{
    FUZZ_INVARIANT(encoded_len == size);
    FUZZ_INVARIANT(memcmp(encoded, data, size) == 0);
}

static void fuzz_session(apr_pool_t *p, const uint8_t *data, size_t size)
{
    unsigned char *buf = fuzz_memdup(data, size), *encoded = NULL;
    apr_size_t encoded_len = 0;
    okta_session_t s;
    int i;

    memset(&s, 0, sizeof(s));
    if (okta_session_decode(&s, p, buf, size) == APR_SUCCESS) {
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
        FUZZ_INVARIANT(okta_session_encode(&encoded, &encoded_len, p, &s) == APR_SUCCESS);
        check_same(encoded, encoded_len, data, size);
    }
    free(buf);
}

static void fuzz_login(apr_pool_t *p, const uint8_t *data, size_t size)
{
    unsigned char *buf = fuzz_memdup(data, size), *encoded = NULL;
    apr_size_t encoded_len = 0;
    okta_login_t l;

    memset(&l, 0, sizeof(l));
    if (okta_login_decode(&l, buf, size) == APR_SUCCESS) {
        fuzz_touch(l.state);
        fuzz_touch(l.nonce);
        fuzz_touch(l.code_verifier);
        fuzz_touch(l.return_to);
        FUZZ_INVARIANT(okta_login_encode(&encoded, &encoded_len, p, &l) == APR_SUCCESS);
        check_same(encoded, encoded_len, data, size);
    }
    free(buf);
}

static void fuzz_refresh(apr_pool_t *p, const uint8_t *data, size_t size)
{
    unsigned char *buf = fuzz_memdup(data, size), *encoded = NULL;
    apr_size_t encoded_len = 0;
    okta_refresh_result_t res;

    memset(&res, 0, sizeof(res));
    if (okta_refresh_result_decode(&res, buf, size) == APR_SUCCESS) {
        fuzz_touch(res.access_token);
        fuzz_touch(res.refresh_token);
        fuzz_touch(res.id_token);
        FUZZ_INVARIANT(okta_refresh_result_encode(&encoded, &encoded_len, p, &res)
                       == APR_SUCCESS);
        check_same(encoded, encoded_len, data, size);
    }
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_input_pool();

    fuzz_session(p, data, size);
    fuzz_login(p, data, size);
    fuzz_refresh(p, data, size);
    apr_pool_destroy(p);
    return 0;
}
