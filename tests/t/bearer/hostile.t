# SPDX-License-Identifier: Apache-2.0
# Bearer access tokens minted by the scripted fake provider (POST
# /_test/mint), shaped as Okta's custom authorization servers issue them
# (iss, aud api://default, iat, exp, cid, uid, scp as an array, sub, jti,
# ver), and forged or broken one way at a time: expired, for another
# audience or issuer, from another client, badly signed, alg none, HS256
# with the client secret, an ID token, a typ that is not an access token's,
# not yet valid, without the REMOTE_USER claim.  Each refusal is a 401 with
# error="invalid_token" and a description naming the check, and an OKTA00050
# line (info for an expired token, warn for the others).  Also: the
# audiences of OktaAccessTokenAudience, OktaAccessTokenClients, okta-scope,
# okta-group and okta-claim on a token's claims, a token accepted in one
# place and checked again in another, and a signing key published after the
# module fetched the JWKS (POST /_test/rotate): the module fetches the JWKS
# again, once, and accepts the token.  Runs on okta_fake (its issuer
# is the fake's good tenant, its audience the default api://default),
# okta_bearer_aud and okta_claimless.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use MIME::Base64 qw(encode_base64url);
use Time::HiRes qw(time);
use Okta::Test qw(token_refused new_browser server_url app_env set_cookie error_log_mark error_log_since
                  log_lines fake_mode fake_requests_for fake_mint fake_rotate kept_connection
                  kept_get poll_until bearer_challenge json_body);

my $fake = $ENV{OKTA_FAKE_BASE};
my $issuer = "$fake/good";
my $base = server_url('okta_fake');
my $aud_base = server_url('okta_bearer_aud');
my $claimless = server_url('okta_claimless');
my ($res, $env, $mark, $log, @lines);
my $now = int(time);

# The claims of an access token as Okta issues them, with `%over` over them
# (an undef value leaves the claim out).  Every token is new (its jti).
my $serial = 0;
sub claims {
    my (%over) = @_;
    my %claims = (
        ver => 1,
        jti => sprintf('AT.%d.%d.%06d', $$, $now, ++$serial),
        iss => $issuer,
        aud => 'api://default',
        iat => $now,
        exp => $now + 3600,
        cid => 'api-client',
        uid => '00u1abcdEFGH',
        scp => ['read:reports'],
        sub => 'svc-user@example.com',
        %over,
    );
    delete @claims{ grep { !defined $claims{$_} } keys %claims };
    return \%claims;
}
sub mint { my ($over, %args) = @_; return fake_mint(claims(%{ $over // {} }), %args) }
sub bearer { return (Authorization => "Bearer $_[0]") }
sub get_at { my ($url, $token) = @_; return new_browser()->get($url, bearer($token)) }

# ---- the cases -----------------------------------------------------------------------------
# A fake with no mode and its second key unpublished (/_test/reset), before
# httpd fetches its JWKS here.
fake_mode('normal');
my $valid = mint({ scp => ['read:reports', 'write:reports'] });

# Tokens accepted: [what, claims over the default, mint arguments]
my @accepted = (
    ['typ JWT', {}, { header => { typ => 'JWT' } }],
    ['typ application/at+jwt', {}, { header => { typ => 'application/at+jwt' } }],
    ['no typ (as Okta sends them)', {}, { header => { typ => undef } }],
    ['ES256 (fake-ec-1)', {}, { sign => 'es256' }],
    ['aud an array holding api://default', { aud => ['api://other', 'api://default'] }, {}],
    ['scp absent', { scp => undef }, {}],
    ['exp 20 s ago (within OktaClockSkew 60)', { iat => $now - 600, exp => $now - 20 }, {}],
    ['iat 20 s ahead (within OktaClockSkew)', { iat => $now + 20 }, {}],
    ['nbf 20 s ahead (within OktaClockSkew)', { nbf => $now + 20 }, {}],
    ['nbf in the past', { nbf => $now - 60 }, {}],
);

# The fake's own ID token, as its token endpoint issues them.
my %id_token = (iss => $issuer, sub => 'mallory-sub', aud => 'fake-client', iat => $now,
                exp => $now + 300, auth_time => $now, nonce => 'n-0S6_WzA2Mj', email => 'mallory@example.com');
my $id_token = fake_mint(\%id_token, header => { typ => 'JWT' });

# A valid token whose payload is swapped after signing.
my ($h, undef, $s) = split /\./, mint({});
my $tampered = join '.', $h, encode_base64url(JSON::PP->new->canonical->encode(claims(sub => 'admin'))), $s;

# Tokens refused: [what, token, the check's word, log level]
my @refused = (
    ['expired', mint({ iat => $now - 7200, exp => $now - 3600 }), qr/expired/, 'info'],
    ['aud api://other', mint({ aud => 'api://other' }), qr/audience/, 'warn'],
    ['no aud', mint({ aud => undef }), qr/audience/, 'warn'],
    ['iss of another tenant (same keys)', mint({ iss => "$fake/nouserinfo" }), qr/issuer/, 'warn'],
    ['iss elsewhere', mint({ iss => 'https://evil.example/oauth2/default' }), qr/issuer/, 'warn'],
    ['no iss', mint({ iss => undef }), qr/issuer/, 'warn'],
    ['bad signature (an unpublished key, kid fake-rsa-1)', mint({}, sign => 'other-key'), qr/signature/, 'warn'],
    ['payload changed after signing', $tampered, qr/signature/, 'warn'],
    ['alg none', mint({}, sign => 'none'), qr/algorithm/, 'warn'],
    ['alg none, kid fake-rsa-1', mint({}, sign => 'none', header => { kid => 'fake-rsa-1' }), qr/algorithm/, 'warn'],
    ['HS256 signed with the client secret', mint({}, sign => 'hs256:fake-secret'), qr/algorithm/, 'warn'],
    ['HS256 with the client secret, kid fake-rsa-1',
     mint({}, sign => 'hs256:fake-secret', header => { kid => 'fake-rsa-1' }), qr/algorithm/, 'warn'],
    # both its audience and its nonce give it away
    ['an ID token (aud the client ID, a nonce)', $id_token, qr/not an access token|audience/, 'warn'],
    ['a nonce, aud api://default', mint({ nonce => 'n-0S6_WzA2Mj' }), qr/not an access token/, 'warn'],
    ['typ dpop+jwt', mint({}, header => { typ => 'dpop+jwt' }), qr/not an access token/, 'warn'],
    ['nbf an hour ahead', mint({ nbf => $now + 3600 }), qr/not yet valid/, 'warn'],
    ['iat an hour ahead', mint({ iat => $now + 3600, exp => $now + 7200 }), qr/not yet valid/, 'warn'],
    ['no sub (the REMOTE_USER claim)', mint({ sub => undef }), qr/does not name a user/, 'warn'],
    # REMOTE_USER reaches headers (RequestHeader set X-Remote-User
    # "%{REMOTE_USER}s") and logs: a user who can edit the claim must not
    # be able to split them
    ['sub with CR LF', mint({ sub => "svc\r\nX-Injected: 1" }), qr/does not name a user/, 'warn'],
    ['sub with a TAB', mint({ sub => "svc\tuser" }), qr/does not name a user/, 'warn'],
    ['opaque, not a JWT (OktaTokenIntrospection Off)', encode_base64url(join '', map { chr rand 256 } 1 .. 32),
     qr/malformed/, 'warn'],
);
plan tests => 64 + 2 * @accepted + 9 * @refused;

# ---- accepted ----------------------------------------------------------------------------
$mark = error_log_mark();
$res = get_at("$base/bearer/valid", $valid);
is $res->code, 200, 'valid minted token: 200';
$env = app_env($res);
is $env->{REMOTE_USER}, 'svc-user@example.com', 'valid: REMOTE_USER is the sub';
is $env->{AUTH_TYPE}, 'Okta', 'valid: AUTH_TYPE Okta';
is $env->{OKTA_ACCESS_TOKEN}, $valid, 'valid: OKTA_ACCESS_TOKEN is the token';
is $env->{OKTA_CLAIM_cid}, 'api-client', 'valid: OKTA_CLAIM_cid';
is $env->{OKTA_CLAIM_scp}, 'read:reports,write:reports', 'valid: OKTA_CLAIM_scp, an array joined as for sessions';
is $env->{OKTA_CLAIM_iss}, $issuer, 'valid: OKTA_CLAIM_iss';
is set_cookie($res, 'okta_session'), '', 'valid: no session cookie';
unlike error_log_since($mark), qr/OKTA00050:/, 'valid: no refusal logged';

for my $case (@accepted) {
    my ($what, $over, $args) = @$case;
    $res = get_at("$base/bearer/accepted", mint($over, %$args));
    is $res->code, 200, "$what: 200";
    is app_env($res)->{REMOTE_USER}, 'svc-user@example.com', "$what: as its sub";
}

# ---- refused -----------------------------------------------------------------------------
for my $case (@refused) {
    my ($what, $token, $check, $level) = @$case;
    $mark = error_log_mark();
    $res = get_at("$base/bearer/refused", $token);
    token_refused($res, $check, $what);
    my $description = (bearer_challenge($res) // {})->{error_description} // '';
    my @segments = grep { length > 8 } split /\./, $token;
    ok !(grep { index($description, $_) >= 0 } @segments, 'fake-secret'),
        "$what: nothing of the token (nor the secret) in the description";
    @lines = log_lines(error_log_since($mark), 'OKTA00050');
    like $lines[0] // '', qr/\[okta_authcode:\Q$level\E\]/, "$what: OKTA00050 at $level";
}

# ---- OktaRemoteUserClaim --------------------------------------------------------------------
# okta_claimless: OktaRemoteUserClaim employee_number
$res = get_at("$claimless/bearer/remote-user", mint({ employee_number => '4711' }));
is $res->code, 200, 'OktaRemoteUserClaim employee_number, a token with it: 200';
is app_env($res)->{REMOTE_USER}, '4711', 'OktaRemoteUserClaim employee_number: REMOTE_USER from it';
$res = get_at("$claimless/bearer/remote-user", mint({}));
is $res->code, 401, 'OktaRemoteUserClaim employee_number, a token without it: 401';
is((bearer_challenge($res) // {})->{error}, 'invalid_token', 'a token without the REMOTE_USER claim: invalid_token');

# ---- OktaAccessTokenAudience ------------------------------------------------------------------
# okta_bearer_aud: OktaAccessTokenAudience api://reports https://api.example.com/
for my $aud ('api://reports', 'https://api.example.com/', ['api://other', 'https://api.example.com/']) {
    my $shown = ref $aud ? '[' . join(', ', @$aud) . ']' : $aud;
    $res = get_at("$aud_base/bearer/aud", mint({ aud => $aud }));
    is $res->code, 200, "OktaAccessTokenAudience with two audiences, aud $shown: 200";
}
$res = get_at("$aud_base/bearer/aud", mint({ aud => 'api://default' }));
token_refused($res, qr/audience/, 'OktaAccessTokenAudience without api://default, aud api://default');
# the token accepted on okta_fake above, where api://default is the audience
$res = get_at("$aud_base/bearer/aud", $valid);
is $res->code, 401, 'a token accepted on another virtual host is checked again here: 401';

# ---- OktaAccessTokenClients ----------------------------------------------------------------
# /bearer/clients: OktaAccessTokenClients api-client okta-service
$res = get_at("$base/bearer/clients", mint({ cid => 'api-client' }));
is $res->code, 200, 'OktaAccessTokenClients, cid api-client: 200';
$res = get_at("$base/bearer/clients", mint({ cid => undef, client_id => 'okta-service' }));
is $res->code, 200, 'OktaAccessTokenClients, client_id okta-service (RFC 9068): 200';
my $evil = mint({ cid => 'evil-client' });
$mark = error_log_mark();
$res = get_at("$base/bearer/clients", $evil);
token_refused($res, qr/client/, 'OktaAccessTokenClients, cid evil-client');
@lines = log_lines(error_log_since($mark), 'OKTA00050');
like $lines[0] // '', qr/\[okta_authcode:warn\]/, 'cid evil-client: OKTA00050 at warn';
# Okta's cid names the client; a client_id beside it does not stand in for it
$res = get_at("$base/bearer/clients", mint({ cid => 'evil-client', client_id => 'okta-service' }));
is $res->code, 401, 'OktaAccessTokenClients, cid evil-client with client_id okta-service: 401';
$res = get_at("$base/bearer/clients", mint({ cid => undef }));
is $res->code, 401, 'OktaAccessTokenClients, neither cid nor client_id: 401';
like((bearer_challenge($res) // {})->{error_description} // '', qr/client/, 'neither cid nor client_id: the description says client');
$res = get_at("$base/bearer/not-restricted", $evil);
is $res->code, 200, 'cid evil-client where no OktaAccessTokenClients is set: 200';
$res = get_at("$base/bearer/clients", $evil);
is $res->code, 401, 'cid evil-client, once accepted elsewhere: still 401 under OktaAccessTokenClients';

# ---- okta-scope, okta-group, okta-claim on the token's claims --------------------------------
$res = get_at("$base/bearer/read", mint({ scp => ['read:reports'] }));
is $res->code, 200, 'okta-scope read:reports, scp [read:reports]: 200';
$mark = error_log_mark();
$res = get_at("$base/bearer/write", mint({ scp => ['read:reports'] }));
is $res->code, 403, 'okta-scope write:reports, scp [read:reports]: 403';
my $challenge = bearer_challenge($res) // {};
is $challenge->{error}, 'insufficient_scope', 'scp without the scope: error="insufficient_scope"';
is $challenge->{scope}, 'write:reports', 'scp without the scope: scope="write:reports"';
is((json_body($res) // {})->{error}, 'insufficient_scope', 'scp without the scope: JSON error insufficient_scope');
@lines = log_lines(error_log_since($mark), 'OKTA00045');
ok scalar(@lines), 'scp without the scope: OKTA00045';
$res = get_at("$base/bearer/write", mint({ scp => undef, scope => 'read:reports write:reports' }));
is $res->code, 200, 'okta-scope write:reports, scope "read:reports write:reports" (RFC 9068): 200';
$res = get_at("$base/bearer/write", mint({ scp => undef, scope => 'read:reports' }));
is $res->code, 403, 'okta-scope write:reports, scope "read:reports": 403';
$res = get_at("$base/bearer/admin-or-write", mint({ scp => ['write:reports'] }));
is $res->code, 200, 'okta-scope admin:reports write:reports, scp [write:reports]: 200';
$res = get_at("$base/bearer/read", mint({ scp => undef }));
is $res->code, 403, 'okta-scope read:reports, no scopes at all: 403';
$res = get_at("$base/bearer/read", mint({ scp => ['read:reportsX', 'read'] }));
is $res->code, 403, 'okta-scope read:reports, scp [read:reportsX, read]: whole names only, 403';

$res = get_at("$base/bearer/group", mint({ groups => ['Everyone', 'Admins'] }));
is $res->code, 200, 'okta-group Admins, groups [Everyone, Admins]: 200';
$mark = error_log_mark();
$res = get_at("$base/bearer/group", mint({ groups => ['Everyone'] }));
is $res->code, 403, 'okta-group Admins, groups [Everyone]: 403';
is $res->header('Location'), undef, 'okta-group refused: no redirect';
ok scalar(log_lines(error_log_since($mark), 'OKTA00045')), 'okta-group refused: OKTA00045';
$res = get_at("$base/bearer/group", mint({}));
is $res->code, 403, 'okta-group Admins, no groups claim: 403';
$res = get_at("$base/bearer/claim", mint({ department => 'Finance' }));
is $res->code, 200, 'okta-claim department Finance, department Finance: 200';
$res = get_at("$base/bearer/claim", mint({ department => 'Sales' }));
is $res->code, 403, 'okta-claim department Finance, department Sales: 403';

# ---- a new signing key: the JWKS is fetched again ------------------------------------------
# One connection, so one httpd process and its JWKS copy.  A token signed
# with the fake's next key (kid fake-rsa-2; -3, ... after a rotation and a
# reset) is refused while the fake does not publish that key; once it does,
# the module fetches the JWKS again when the token comes, at most once every
# 10 s: the loop sends the token until it is accepted (at once, or when the
# last fetch is 10 s old), with one fetch in all.
fake_mode('normal');    # its next key not published
my ($port) = $base =~ /:(\d+)$/;
my $conn = kept_connection($port);
my ($code, $body) = kept_get($conn, '/bearer/kid/warm-up', bearer(mint({})));
is $code, 200, 'on one connection: a token with kid fake-rsa-1, 200';
my $new_key = mint({}, sign => 'new-key');
my $jwks_before = () = fake_requests_for('/good/jwks');
my @codes;
for my $n (1 .. 5) {
    ($code, $body) = kept_get($conn, "/bearer/kid/before-$n", bearer($new_key));
    push @codes, $code;
}
is_deeply \@codes, [(401) x 5], 'the next key, not published yet: 401, five times';
my $answer = eval { JSON::PP->new->decode($body) } // {};
ok(($answer->{error} // '') eq 'invalid_token' && ($answer->{error_description} // '') =~ /signature|key/,
   'the next key, not published yet: invalid_token, about the signature');
my $fetched = (() = fake_requests_for('/good/jwks')) - $jwks_before;
cmp_ok $fetched, '<=', 1, 'five tokens with an unknown kid: at most one JWKS fetch';

fake_rotate();
$jwks_before = () = fake_requests_for('/good/jwks');
my $tries = 0;
my $accepted = poll_until(sub {
    $tries++;
    my ($status) = eval { kept_get($conn, "/bearer/kid/after-$tries", bearer($new_key)) };
    return ($status // 0) == 200;
}, step => 0.25, timeout => 40);
ok $accepted, "after /_test/rotate: the next key accepted (after $tries requests)";
$fetched = (() = fake_requests_for('/good/jwks')) - $jwks_before;
is $fetched, 1, 'after /_test/rotate: the JWKS was fetched once for all those requests';
($code) = eval { kept_get($conn, '/bearer/kid/old-key', bearer(mint({}))) };
is $code, 200, 'after the rotation: kid fake-rsa-1 is still accepted';
fake_mode('normal');
