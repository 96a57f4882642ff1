# SPDX-License-Identifier: Apache-2.0
# Opaque bearer tokens and token introspection (RFC 7662), with the
# scripted fake, whose good tenant advertises an introspection_endpoint and
# answers as a test scripts it (POST /_test/introspection; any other token is
# {"active": false}).  On okta_bearer_introspect (OktaTokenIntrospection On,
# answers kept up to 60 s): an active token is let in as the answer's sub
# with its scopes; an inactive or unknown one, one for another issuer or
# audience, is a 401; one token used 100 times is asked about once; a JWT
# is checked locally, never asked about; a provider that is down or never
# answers gives 503 with Retry-After, never a pass, and is not remembered.
# On okta_bearer_introspect_short (answers kept up to 2 s): a token revoked
# at the provider is refused once its answer has aged out.  On okta_fake
# (OktaTokenIntrospection Off): an opaque token is a 401, nothing is asked.
# On okta_bearer_introspect_all (OktaTokenIntrospection All): a JWT that
# verifies here must also be active at the provider, in an answer about its
# own sub and issuer; its claims are the JWT's; one that does not verify is
# refused without asking.  On okta_bearer_introspect_all_short (answers kept
# up to 2 s): a revoked JWT is refused before it expires.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use Time::HiRes qw(time);
use Okta::Test qw(new_browser server_url app_env error_log_mark error_log_since log_lines
                  fake_mode fake_requests_for fake_introspection fake_mint poll_until
                  bearer_challenge json_body);

plan tests => 90;

my $fake = $ENV{OKTA_FAKE_BASE};
my $issuer = "$fake/good";
my $base = server_url('okta_bearer_introspect');
my $short = server_url('okta_bearer_introspect_short');
my $off = server_url('okta_fake');
my $all = server_url('okta_bearer_introspect_all');
my $all_short = server_url('okta_bearer_introspect_all_short');
my ($res, $env, $mark, @lines);

# A new opaque token, as Okta's org authorization server issues them.
sub opaque {
    my @chars = ('A' .. 'Z', 'a' .. 'z', '0' .. '9', '-', '_');
    return join '', map { $chars[rand @chars] } 1 .. 43;
}
# An active answer, with `%over` over it (undef leaves a member out).
sub active {
    my (%over) = @_;
    my $now = int(time);
    my %answer = (active => JSON::PP::true, sub => 'svc-user', scope => 'read:reports',
                  client_id => 'fake-client', token_type => 'Bearer', iat => $now,
                  exp => $now + 3600, iss => $issuer, aud => 'api://default', %over);
    delete @answer{ grep { !defined $answer{$_} } keys %answer };
    return \%answer;
}
sub bearer { return (Authorization => "Bearer $_[0]") }
sub get_at { my ($url, $token) = @_; return new_browser()->get($url, bearer($token)) }
# The introspection requests the fake received (since its last reset).
sub introspections { return fake_requests_for('/good/introspect') }
sub asked_about { my ($token) = @_; return scalar grep { ($_->{token} // '') eq $token } introspections() }

my %token = map { $_ => opaque() }
    qw(active read_write cached inactive unknown wrong_iss wrong_aud aud_array bare refresh string_active garbled
       warm down hang off revoked);
my %answers = (
    $token{active} => active(),
    $token{read_write} => active(scope => 'read:reports write:reports'),
    $token{cached} => active(),
    $token{inactive} => { active => JSON::PP::false },
    $token{wrong_iss} => active(iss => "$fake/nouserinfo"),
    $token{wrong_aud} => active(aud => 'api://other'),
    $token{aud_array} => active(aud => ['api://other', 'api://default']),
    $token{bare} => { active => JSON::PP::true, sub => 'svc-user' },
    $token{refresh} => active(token_type => 'refresh_token'),
    $token{string_active} => active(active => 'true'),
    $token{warm} => active(),
    $token{off} => active(),
    $token{revoked} => active(),
);
fake_mode('normal');
fake_introspection(\%answers);

# ---- an active token --------------------------------------------------------------------------
$res = get_at("$base/bearer/active", $token{active});
is $res->code, 200, 'active opaque token: 200';
$env = app_env($res);
is $env->{REMOTE_USER}, 'svc-user', 'active: REMOTE_USER is the answer\'s sub';
is $env->{AUTH_TYPE}, 'Okta', 'active: AUTH_TYPE Okta';
is $env->{OKTA_ACCESS_TOKEN}, $token{active}, 'active: OKTA_ACCESS_TOKEN is the token';
my @asked = grep { ($_->{token} // '') eq $token{active} } introspections();
is scalar(@asked), 1, 'active: the provider was asked once';
my $asked = $asked[0] // {};
is $asked->{method}, 'POST', 'introspection: a POST';
is $asked->{client_auth}, 'basic', 'introspection: client_secret_basic, as at the token endpoint';
is $asked->{client_id}, 'fake-client', 'introspection: as the client';
is $asked->{status}, 200, 'introspection: answered';

# the scopes of the answer's `scope`
$res = get_at("$base/bearer/read", $token{active});
is $res->code, 200, 'okta-scope read:reports, scope "read:reports": 200';
$res = get_at("$base/bearer/write", $token{active});
is $res->code, 403, 'okta-scope write:reports, scope "read:reports": 403';
my $challenge = bearer_challenge($res) // {};
is $challenge->{error}, 'insufficient_scope', 'missing scope: error="insufficient_scope"';
is $challenge->{scope}, 'write:reports', 'missing scope: scope="write:reports"';
$res = get_at("$base/bearer/write", $token{read_write});
is $res->code, 200, 'okta-scope write:reports, scope "read:reports write:reports": 200';

# ---- one introspection for 100 requests ------------------------------------------------------
# New connections each time: the answer is in the session cache, which the
# processes share.
my @codes = map { get_at("$base/bearer/cached/$_", $token{cached})->code } 1 .. 100;
is scalar(grep { $_ == 200 } @codes), 100, '100 requests with one token: 200 each';
is asked_about($token{cached}), 1, '100 requests with one token: one introspection';
is asked_about($token{active}), 1, 'the token of the first requests: still asked about once';

# ---- refused answers ----------------------------------------------------------------------------
$mark = error_log_mark();
$res = get_at("$base/bearer/inactive", $token{inactive});
is $res->code, 401, 'inactive: 401';
is $res->header('Location'), undef, 'inactive: no redirect';
$challenge = bearer_challenge($res) // {};
like $challenge->{realm} // '', qr/^localhost(?::\d+)?$/, 'inactive: a realm';
is $challenge->{error}, 'invalid_token', 'inactive: error="invalid_token"';
like $challenge->{error_description} // '', qr/inactive/, 'inactive: the description says inactive';
like $res->header('Content-Type') // '', qr{^application/json}, 'inactive: a JSON body';
is $res->header('X-Content-Type-Options'), 'nosniff', 'inactive: nosniff';
is((json_body($res) // {})->{error}, 'invalid_token', 'inactive: JSON error invalid_token');
@lines = log_lines(error_log_since($mark), 'OKTA00050');
like $lines[0] // '', qr/\[okta_authcode:warn\]/, 'inactive: OKTA00050 at warn';
is asked_about($token{inactive}), 1, 'inactive: the provider was asked';

$res = get_at("$base/bearer/unknown", $token{unknown});
is $res->code, 401, 'a token the provider does not know ({"active": false}): 401';
like((bearer_challenge($res) // {})->{error_description} // '', qr/inactive/, 'unknown token: inactive');

$res = get_at("$base/bearer/wrong-iss", $token{wrong_iss});
is $res->code, 401, 'active, iss of another tenant: 401';
like((bearer_challenge($res) // {})->{error_description} // '', qr/issuer/, 'active, iss of another tenant: issuer');
$res = get_at("$base/bearer/wrong-aud", $token{wrong_aud});
is $res->code, 401, 'active, aud api://other: 401';
like((bearer_challenge($res) // {})->{error_description} // '', qr/audience/, 'active, aud api://other: audience');
$res = get_at("$base/bearer/aud-array", $token{aud_array});
is $res->code, 200, 'active, aud an array holding api://default: 200';
# what the host requires of a JWT, an answer must say (RFC 7662 makes it optional)
$res = get_at("$base/bearer/bare", $token{bare});
is $res->code, 401, 'active, with sub only (no iss, aud, exp): 401';
$res = get_at("$base/bearer/refresh", $token{refresh});
like((bearer_challenge($res) // {})->{error_description} // '', qr/not an access token/,
     'active, token_type refresh_token: 401, not an access token');
$res = get_at("$base/bearer/string-active", $token{string_active});
isnt $res->code, 200, '"active": "true" (a string, not a boolean): not let in';

# ---- JWTs are checked here, not asked about ---------------------------------------------------
my $now = int(time);
my %claims = (iss => $issuer, aud => 'api://default', sub => 'jwt-user', cid => 'api-client',
              scp => ['read:reports'], iat => $now, exp => $now + 3600);
my $before = () = introspections();
$res = get_at("$base/bearer/jwt", fake_mint({ %claims, jti => "introspection-$$-1" }));
is $res->code, 200, 'a valid JWT with OktaTokenIntrospection On: 200';
is app_env($res)->{REMOTE_USER}, 'jwt-user', 'a valid JWT: as its sub';
$res = get_at("$base/bearer/jwt", fake_mint({ %claims, jti => "introspection-$$-2", iat => $now - 7200,
                                              exp => $now - 3600 }));
is $res->code, 401, 'an expired JWT with OktaTokenIntrospection On: 401';
like((bearer_challenge($res) // {})->{error_description} // '', qr/expired/, 'an expired JWT: expired');
is scalar(() = introspections()), $before, 'JWTs: the provider was not asked';

# ---- OktaTokenIntrospection Off: an opaque token is refused, nobody is asked ------------------
$res = get_at("$off/bearer/off", $token{off});
is $res->code, 401, 'OktaTokenIntrospection Off, an opaque token active at the provider: 401';
is((bearer_challenge($res) // {})->{error}, 'invalid_token', 'OktaTokenIntrospection Off: invalid_token');
is asked_about($token{off}), 0, 'OktaTokenIntrospection Off: the provider was not asked';

# ---- the provider down: 503, never a pass ----------------------------------------------------
$res = get_at("$base/bearer/warm", $token{warm});
is $res->code, 200, 'a token asked about before the provider goes down: 200';
# (fake_mode resets the fake, its answers with it: set them again)
fake_mode('introspect_down');
fake_introspection({ %answers, $token{down} => active() });
$mark = error_log_mark();
$res = get_at("$base/bearer/down", $token{down});
is $res->code, 503, 'introspection answers 503: 503';
like $res->header('Retry-After') // '', qr/^\d+$/, 'provider down: Retry-After (seconds)';
is $res->header('Location'), undef, 'provider down: no redirect';
like $res->header('Content-Type') // '', qr{^application/json}, 'provider down: a JSON body';
is((json_body($res) // {})->{error}, 'temporarily_unavailable', 'provider down: JSON error temporarily_unavailable');
is app_env($res)->{REMOTE_USER}, undef, 'provider down: nobody is served';
is asked_about($token{down}), 1, 'provider down: the provider was asked';
like error_log_since($mark), qr/OKTA00051: cannot introspect a bearer token/, 'provider down: logged (OKTA00051)';
$res = get_at("$base/bearer/warm", $token{warm});
is $res->code, 200, 'provider down: a token asked about before is still let in (its answer is kept)';

fake_mode('introspect_hang');
fake_introspection({ %answers, $token{hang} => active() });
my $t0 = time;
$res = get_at("$base/bearer/hang", $token{hang});
my $took = time - $t0;
is $res->code, 503, 'introspection never answers: 503';
like $res->header('Retry-After') // '', qr/^\d+$/, 'introspection never answers: Retry-After';
# OktaHTTPTimeout 3 on okta_bearer_introspect (a margin for a slow machine)
ok $took >= 2.5 && $took < 3 + 5,
    sprintf('introspection never answers: given up after OktaHTTPTimeout (%.1f s)', $took);

# an answer that is not one (a proxy's error page): the provider cannot be
# asked now, which says nothing of the token
fake_mode('introspect_not_json');
$res = get_at("$base/bearer/garbled", $token{garbled});
is $res->code, 503, 'introspection answers an HTML page: 503, not a refusal';

fake_mode('normal');    # lets the held request go
fake_introspection({ %answers, $token{down} => active(), $token{garbled} => active() });
is get_at("$base/bearer/garbled", $token{garbled})->code, 200,
    'the provider back: the token that got the HTML page is let in (nothing was kept)';
$res = get_at("$base/bearer/down", $token{down});
is $res->code, 200, 'the provider back: the token refused with 503 is let in (the failure was not kept)';
is app_env($res)->{REMOTE_USER}, 'svc-user', 'the provider back: as the answer\'s sub';

# ---- revoked at the provider: refused once the kept answer has aged out ----------------------
# okta_bearer_introspect_short: OktaIntrospectionCacheSeconds 2.  The token
# is sent until it is refused (the provider now says inactive).
$res = get_at("$short/bearer/revoked", $token{revoked});
is $res->code, 200, 'OktaIntrospectionCacheSeconds 2: an active token, 200';
is asked_about($token{revoked}), 1, 'OktaIntrospectionCacheSeconds 2: asked once';
fake_introspection({ %answers, $token{revoked} => { active => JSON::PP::false } });
$t0 = time;
my $refused = poll_until(sub { get_at("$short/bearer/revoked", $token{revoked})->code == 401 },
                         step => 0.2, timeout => 30);
ok $refused, sprintf('revoked at the provider: refused within %.1f s', time - $t0);
cmp_ok asked_about($token{revoked}), '>=', 2, 'revoked: the provider was asked again';
$res = get_at("$short/bearer/revoked", $token{revoked});
like((bearer_challenge($res) // {})->{error_description} // '', qr/inactive/, 'revoked: inactive');

# ---- never kept past the token's exp ----------------------------------------------------------
# On okta_bearer_introspect (up to 60 s): an answer whose exp is a second
# ahead is not used once it has passed: the module asks again, or refuses,
# well before the 60 s it would keep an answer without exp.
my $brief = opaque();
fake_introspection({ %answers, $brief => active(exp => int(time) + 1) });
$res = get_at("$base/bearer/brief", $brief);
is $res->code, 200, 'a token expiring in a second: 200';
my $aged = poll_until(sub {
    my $code = get_at("$base/bearer/brief", $brief)->code;
    return $code != 200 || asked_about($brief) >= 2;
}, step => 0.2, timeout => 30);
ok $aged, 'a token expiring in a second: its answer is not kept past its exp';
fake_mode('normal');

# ---- OktaTokenIntrospection All: JWTs are asked about too ----------------------------------------
# The answers name the JWTs' own sub, except where a test says otherwise;
# their other members (the default active() ones) differ from the JWTs'
# claims, so that what the application gets shows where it came from.
fake_mode('normal');
$now = int(time);
my %jwt = map { $_ => fake_mint({ %claims, jti => "introspect-all-$$-$_" }) }
    qw(active unknown revoked down other_sub other_iss);
my $forged = fake_mint({ %claims, jti => "introspect-all-$$-forged" }, sign => 'other-key');
my $all_opaque = opaque();
my %all_answers = (
    %answers,
    (map { $jwt{$_} => active(sub => 'jwt-user', department => 'from-introspection') }
         qw(active revoked down)),
    $jwt{other_sub} => active(sub => 'someone-else'),
    $jwt{other_iss} => active(sub => 'jwt-user', iss => "$fake/nouserinfo"),
    $all_opaque => active(),
);
fake_introspection(\%all_answers);
$res = get_at("$all/bearer/all", $jwt{active});
is $res->code, 200, 'All: a valid JWT the provider calls active: 200';
$env = app_env($res);
is $env->{REMOTE_USER}, 'jwt-user', 'All: as its sub';
is $env->{OKTA_CLAIM_cid}, 'api-client', 'All: the application gets the JWT\'s claims';
ok !exists $env->{OKTA_CLAIM_department}, 'All: not the introspection answer\'s';
is asked_about($jwt{active}), 1, 'All: the provider was asked about the JWT';
is get_at("$all/bearer/all", $jwt{active})->code, 200, 'All: the same JWT again: 200';
is asked_about($jwt{active}), 1, 'All: the answer is kept (asked once)';

$res = get_at("$all/bearer/all", $jwt{unknown});
is $res->code, 401, 'All: a valid JWT the provider calls inactive: 401';
like((bearer_challenge($res) // {})->{error_description} // '', qr/inactive/, 'All: inactive');
$res = get_at("$all/bearer/all", $jwt{other_sub});
is $res->code, 401, 'All: an answer about another sub than the JWT\'s: 401';
$res = get_at("$all/bearer/all", $jwt{other_iss});
is $res->code, 401, 'All: an answer naming another issuer: 401';
like((bearer_challenge($res) // {})->{error_description} // '', qr/issuer/, 'All, another issuer: issuer');

$res = get_at("$all/bearer/all", $forged);
is $res->code, 401, 'All: a JWT whose signature does not verify: 401';
is asked_about($forged), 0, 'All: a JWT refused here is not asked about';
$res = get_at("$all/bearer/all", $all_opaque);
is $res->code, 200, 'All: an opaque token is introspected as with On';
is app_env($res)->{REMOTE_USER}, 'svc-user', 'All, an opaque token: as the answer\'s sub';

# okta_bearer_introspect_all_short: answers kept up to 2 s
$res = get_at("$all_short/bearer/all", $jwt{revoked});
is $res->code, 200, 'All: a JWT active at first: 200';
fake_introspection({ %all_answers, $jwt{revoked} => { active => JSON::PP::false } });
$t0 = time;
$refused = poll_until(sub { get_at("$all_short/bearer/all", $jwt{revoked})->code == 401 },
                      step => 0.2, timeout => 30);
ok $refused, sprintf('All: revoked at the provider, refused before it expires, within %.1f s',
                     time - $t0);

fake_mode('introspect_down');
$res = get_at("$all/bearer/all", $jwt{down});
is $res->code, 503, 'All: the provider cannot answer about a valid JWT: 503, never a pass';
like $res->header('Retry-After') // '', qr/^\d+$/, 'All, provider down: Retry-After';
fake_mode('normal');
is get_at("$off/bearer/all", $jwt{active})->code, 200,
    'OktaTokenIntrospection Off elsewhere: the JWT is checked here alone';
