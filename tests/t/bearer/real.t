# SPDX-License-Identifier: Apache-2.0
# Bearer access tokens from the real provider (op.js, oidc-provider): JWTs
# that its service client okta-service gets by the client_credentials grant
# for the API api://default (the main server's default
# OktaAccessTokenAudience) or api://other, with the scopes read:reports and
# write:reports.  Such a token carries RFC 9068's claims: `sub` (the client
# ID, for a client-credentials token), `client_id`, `scope` (a space-separated
# string), `aud`, `iss`, `iat`, `exp`, `jti`.  Covered here: a valid token
# (OktaBearer Only), a token for another API, Require okta-scope granted and
# refused (403 insufficient_scope), no token (401 with a realm, never a
# redirect), tokens in the query string or a form body (not looked at), and
# OktaBearer On beside a browser session (the token, when there is one,
# decides).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use HTTP::Request::Common qw(POST);
use URI;
use Okta::Test qw(token_refused new_browser server_url sign_in app_env set_cookie error_log_mark
                  error_log_since log_lines op_client_credentials_token jwt_parts
                  bearer_challenge json_body);

plan tests => 95;

my $op = $ENV{OKTA_OP_ISSUER};
my $base = server_url();
my ($res, $env, $challenge, $body, $mark, @lines);

sub bearer { return (Authorization => "Bearer $_[0]") }
# A request from a client without cookies.
sub api_get { my ($path, @headers) = @_; return new_browser()->get("$base$path", @headers) }
sub endpoint_of {
    my $u = URI->new($_[0] // '');
    return '' unless $u->can('host_port');
    return ($u->scheme // '') . '://' . ($u->host_port // '') . ($u->path // '');
}

# The 403 of a missing scope (7 tests): the challenge names the rule's scopes.
sub refused_scope {
    my ($res, $scopes, $what) = @_;
    is $res->code, 403, "$what: 403";
    is $res->header('Location'), undef, "$what: no redirect";
    my $challenge = bearer_challenge($res) // {};
    like $challenge->{realm} // '', qr/^localhost(?::\d+)?$/, "$what: a realm";
    is $challenge->{error}, 'insufficient_scope', "$what: error=\"insufficient_scope\"";
    is $challenge->{scope}, $scopes, "$what: scope=\"$scopes\"";
    like $res->header('Content-Type') // '', qr{^application/json}, "$what: a JSON body";
    is((json_body($res) // {})->{error}, 'insufficient_scope', "$what: JSON error insufficient_scope");
}

# The 401 of no token (5 tests): a challenge with a realm and no error.
sub no_token {
    my ($res, $what) = @_;
    is $res->code, 401, "$what: 401";
    is $res->header('Location'), undef, "$what: no redirect";
    my $challenge = bearer_challenge($res) // {};
    like $challenge->{realm} // '', qr/^localhost(?::\d+)?$/, "$what: WWW-Authenticate: Bearer realm=\"<ServerName>\"";
    ok !exists $challenge->{error}, "$what: no error attribute";
    like $res->header('Content-Type') // '', qr{^application/json}, "$what: a JSON body";
}

# ---- the tokens ------------------------------------------------------------------
my $read = op_client_credentials_token('read:reports', 'api://default');
my $read_write = op_client_credentials_token('read:reports write:reports', 'api://default');
my $no_scope = op_client_credentials_token(undef, 'api://default');
my $other_api = op_client_credentials_token('read:reports', 'api://other');
my $opaque = op_client_credentials_token('read:reports', undef);

my ($header, $claims) = jwt_parts($read);
is_deeply [@{ $header // {} }{qw(alg typ)}], ['RS256', 'at+jwt'], 'the provider: an RS256 JWT, typ at+jwt';
is_deeply { map { $_ => ($claims // {})->{$_} } qw(iss aud sub client_id scope) },
    { iss => $op, aud => 'api://default', sub => 'okta-service', client_id => 'okta-service',
      scope => 'read:reports' },
    'the provider: iss, aud, sub and client_id (the service client), scope as a string';
is scalar(() = jwt_parts($opaque)), 0, 'the provider: without a resource, an opaque token';

# ---- a valid token --------------------------------------------------------------------
$mark = error_log_mark();
$res = api_get('/bearer/valid', bearer($read));
is $res->code, 200, 'valid token (OktaBearer Only): 200';
$env = app_env($res);
is $env->{REMOTE_USER}, 'okta-service', 'valid token: REMOTE_USER is its sub';
is $env->{AUTH_TYPE}, 'Okta', 'valid token: AUTH_TYPE Okta';
is $env->{OKTA_ACCESS_TOKEN}, $read, 'valid token: OKTA_ACCESS_TOKEN is the token';
is $env->{OKTA_CLAIM_client_id}, 'okta-service', 'valid token: OKTA_CLAIM_client_id';
is $env->{OKTA_CLAIM_scope}, 'read:reports', 'valid token: OKTA_CLAIM_scope';
is $env->{OKTA_CLAIM_aud}, 'api://default', 'valid token: OKTA_CLAIM_aud';
is set_cookie($res, 'okta_session'), '', 'valid token: no session cookie';
unlike error_log_since($mark), qr/OKTA00050:/, 'valid token: no refusal logged';
$res = api_get('/bearer/valid', bearer($read));
is app_env($res)->{REMOTE_USER}, 'okta-service', 'valid token, again: 200 as okta-service';
# RFC 7235 2.1: the scheme is case-insensitive
$res = api_get('/bearer/valid', Authorization => "bearer $read");
is $res->code, 200, 'valid token, scheme spelt "bearer": 200';

$res = api_get('/bearer/headers', bearer($read));
$env = app_env($res);
is $env->{HTTP_X_OKTA_ACCESS_TOKEN}, $read, 'OktaClaimsHeaders On: X-Okta-Access-Token';
is $env->{HTTP_X_OKTA_CLAIM_CLIENT_ID}, 'okta-service', 'OktaClaimsHeaders On: X-Okta-Claim-client-id';

# ---- refused tokens ----------------------------------------------------------------------
$mark = error_log_mark();
$res = api_get('/bearer/other-api', bearer($other_api));
token_refused($res, qr/audience/, 'token for api://other');
@lines = log_lines(error_log_since($mark), 'OKTA00050');
like $lines[0] // '', qr/\[okta_authcode:warn\]/, 'token for api://other: OKTA00050 at warn';

token_refused(api_get('/bearer/opaque', bearer($opaque)), qr/malformed/,
              'opaque token, OktaTokenIntrospection Off');

$res = api_get('/bearer/garbage', bearer('not.a.jwt'));
is $res->code, 401, 'garbage token: 401';
is((bearer_challenge($res) // {})->{error}, 'invalid_token', 'garbage token: invalid_token');

# ---- Require okta-scope ---------------------------------------------------------------------
$res = api_get('/bearer/read', bearer($read));
is $res->code, 200, 'okta-scope read:reports, token with read:reports: 200';
$mark = error_log_mark();
$res = api_get('/bearer/write', bearer($read));
refused_scope($res, 'write:reports', 'okta-scope write:reports, token with read:reports');
@lines = grep { /okta-service/ && /okta-scope/ } log_lines(error_log_since($mark), 'OKTA00045');
ok scalar(@lines), 'missing scope: OKTA00045 names the client and the rule';
$res = api_get('/bearer/write', bearer($read_write));
is $res->code, 200, 'okta-scope write:reports, token with read:reports write:reports: 200';
$res = api_get('/bearer/admin-or-write', bearer($read));
refused_scope($res, 'admin:reports write:reports', 'okta-scope admin:reports write:reports, token with read:reports');
$res = api_get('/bearer/admin-or-write', bearer($read_write));
is $res->code, 200, 'okta-scope admin:reports write:reports: one of them is enough';
$res = api_get('/bearer/read-and-write', bearer($read));
is $res->code, 403, '<RequireAll> read:reports and write:reports, token with read:reports: 403';
is((bearer_challenge($res) // {})->{error}, 'insufficient_scope', '<RequireAll>, refused: insufficient_scope');
$res = api_get('/bearer/read-and-write', bearer($read_write));
is $res->code, 200, '<RequireAll>, token with both: 200';
$res = api_get('/bearer/read', bearer($no_scope));
is $res->code, 403, 'token without scopes: okta-scope read:reports refuses it';
$res = api_get('/bearer/no-scope', bearer($no_scope));
is $res->code, 200, 'token without scopes: Require valid-user lets it in';

# ---- no token -------------------------------------------------------------------------------
$res = api_get('/bearer/none');
no_token($res, 'OktaBearer Only, no token');
$body = json_body($res) // {};
ok length($body->{error_description} // ''), 'no token: the JSON body has an error_description';
$res = api_get('/bearer/none', Accept => 'text/html', 'Sec-Fetch-Mode' => 'navigate');
is $res->code, 401, 'OktaBearer Only, a browser navigation without a token: 401, not 302';
is $res->header('Location'), undef, 'a browser navigation: no redirect';
$res = api_get('/bearer/none', Authorization => 'Basic ' . 'b2t0YS1zZXJ2aWNlOm9rdGEtc2VydmljZS1zZWNyZXQ=');
is $res->code, 401, 'Authorization: Basic: 401';
my $challenge = bearer_challenge($res);
ok $challenge && !exists $challenge->{error}, 'Authorization: Basic: no token, so no error attribute';

# ---- tokens elsewhere than the Authorization header are not looked at ----------------------
$res = api_get("/bearer/query?access_token=$read");
no_token($res, '?access_token= (OktaBearer Only)');
is app_env($res)->{REMOTE_USER}, undef, '?access_token=: nobody is served';
$res = new_browser()->request(POST("$base/bearer/form", [access_token => $read]));
is $res->code, 401, 'access_token in a form body (OktaBearer Only): 401';
$challenge = bearer_challenge($res);
ok $challenge && !exists $challenge->{error}, 'access_token in a form body: no token, no error attribute';
$res = api_get("/bearer/on/query?access_token=$read");
is $res->code, 302, '?access_token= (OktaBearer On, a browser): sent to sign in';
is endpoint_of($res->header('Location')), "$op/auth", '?access_token=: to the provider';

# ---- OktaBearer On: a token, or else the session -------------------------------------------
$res = api_get('/bearer/on/anonymous');
is $res->code, 302, 'OktaBearer On, no token, no session: 302';
is endpoint_of($res->header('Location')), "$op/auth", 'OktaBearer On, no token: to the provider, as today';
$res = api_get('/bearer/on/anonymous', 'X-Requested-With' => 'XMLHttpRequest');
is $res->code, 401, 'OktaBearer On, no token, XHR: 401, as today';
$res = api_get('/bearer/on/valid', bearer($read));
is $res->code, 200, 'OktaBearer On, valid token: 200';
is app_env($res)->{REMOTE_USER}, 'okta-service', 'OktaBearer On, valid token: as okta-service';
$res = api_get('/bearer/on/bad', bearer($other_api));
is $res->code, 401, 'OktaBearer On, bad token, no session: 401, not a redirect';
is $res->header('Location'), undef, 'OktaBearer On, bad token: no redirect';

my $alice = new_browser();
$res = sign_in($alice, "$base/bearer/on/session", 'alice', 'alice-password');
is $res->code, 302, 'OktaBearer On: alice signs in with her browser';
$res = $alice->get("$base/bearer/on/session");
is $res->code, 200, 'OktaBearer On, the session cookie and no token: 200';
$env = app_env($res);
is $env->{REMOTE_USER}, 'alice', 'OktaBearer On, the session: as alice, as today';
is $env->{AUTH_TYPE}, 'Okta', 'OktaBearer On, the session: AUTH_TYPE Okta';
$mark = error_log_mark();
$res = $alice->get("$base/bearer/on/session", bearer($other_api));
is $res->code, 401, 'OktaBearer On, a valid session and a bad token: 401 (the token decides)';
is((bearer_challenge($res) // {})->{error}, 'invalid_token', 'a valid session and a bad token: invalid_token');
is $res->header('Location'), undef, 'a valid session and a bad token: no redirect';
like error_log_since($mark), qr/OKTA00050:/, 'a valid session and a bad token: OKTA00050';
$res = $alice->get("$base/bearer/on/session", bearer('garbage'));
is $res->code, 401, 'OktaBearer On, a valid session and a garbage token: 401';
$res = $alice->get("$base/bearer/on/session", bearer($read));
is app_env($res)->{REMOTE_USER}, 'okta-service', 'OktaBearer On, a valid session and a valid token: the token\'s user';
$res = $alice->get("$base/bearer/on/session");
is app_env($res)->{REMOTE_USER}, 'alice', 'OktaBearer On: the session is still there';
$res = $alice->get("$base/bearer/session");
is $res->code, 401, 'OktaBearer Only: a session cookie is not looked at';
