# SPDX-License-Identifier: Apache-2.0
# The session info endpoint (OktaInfoURI /okta/info on the okta_info and
# okta_info_token virtual hosts, a path without AuthType Okta), against the
# real provider (op.js): JSON about the signed-in user for single-page
# applications, 401 JSON without a session (never a redirect), the access
# token only with OktaInfoAccessToken On, Cache-Control: no-store always.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use HTTP::Request;
use JSON::PP qw(decode_json);
use Time::HiRes qw(time);
use Okta::Test qw(new_browser server_url sign_in app_env op_requests op_reset);

plan tests => 68;

my $op = $ENV{OKTA_OP_ISSUER};
my $base = server_url('okta_info');
my ($res, $info);

# The answer's JSON ({} when it is not JSON).
sub json_of {
    my ($r) = @_;
    my $value = eval { decode_json($r->decoded_content) };
    return ref $value eq 'HASH' ? $value : {};
}

# ---- without a session: 401 JSON, never a redirect -------------------------
for my $case (['a script', []],
              ['a script, XHR', ['X-Requested-With' => 'XMLHttpRequest']],
              ['a browser navigating', [Accept => 'text/html,application/xhtml+xml']],
              ['an unknown session id', [Cookie => 'okta_session=' . ('A' x 43)]]) {
    my ($who, $headers) = @$case;
    $res = new_browser()->get("$base/okta/info", @$headers);
    is $res->code, 401, "no session, $who: 401";
    like $res->header('Content-Type') // '', qr{^application/json}, "no session, $who: JSON";
    is $res->header('X-Content-Type-Options'), 'nosniff', "no session, $who: nosniff";
    my $error = json_of($res)->{error};
    ok defined $error && !ref $error && length $error, "no session, $who: {\"error\": \"...\"}";
    is $res->header('Location'), undef, "no session, $who: no redirect";
    like $res->header('Cache-Control') // '', qr/no-store/, "no session, $who: Cache-Control: no-store";
}

# ---- signed in -------------------------------------------------------------------
op_reset();
my $ua = new_browser();
my $before = int(time);
$res = sign_in($ua, "$base/authz/any", 'alice', 'alice-password');
is $res->code, 302, 'alice: signed in';
my $after = int(time) + 1;
my ($exchange) = grep { ($_->{grant_type} // '') eq 'authorization_code' } @{ op_requests() };
my $token = ($exchange // {})->{new_access_token} // '';
ok length $token, 'the provider issued an access token';

$res = $ua->get("$base/okta/info");
is $res->code, 200, 'signed in: 200';
like $res->header('Content-Type') // '', qr{^application/json}, 'signed in: JSON';
is $res->header('X-Content-Type-Options'), 'nosniff', 'signed in: nosniff (a browser never reads it as HTML)';
like $res->header('Cache-Control') // '', qr/no-store/, 'signed in: Cache-Control: no-store';
is $res->header('Location'), undef, 'signed in: no redirect';
my $text = $res->decoded_content // '';
$info = json_of($res);
is $info->{user}, 'alice', 'user';
my $claims = ref $info->{claims} eq 'HASH' ? $info->{claims} : {};
is ref $info->{claims}, 'HASH', 'claims: an object';
is $claims->{sub}, 'alice', 'claims: sub';
is $claims->{iss}, $op, 'claims: iss';
is $claims->{email}, 'alice@example.com', 'claims: the ID token\'s';
is $claims->{department}, 'Finance', 'claims: userinfo\'s';
is_deeply $claims->{groups}, ['Everyone', 'Data Stewards'], 'claims: groups stay an array';
is_deeply $claims->{address}, { country => 'NO', locality => 'Oslo' }, 'claims: address stays an object';
like $text, qr/"address"\s*:\s*\{\s*"country"\s*:\s*"NO"\s*,\s*"locality"\s*:\s*"Oslo"\s*\}/,
    'claims: in the provider\'s order';
like $text, qr/"employee_number"\s*:\s*42\s*[,}]/, 'claims: a number stays a number';
ok JSON::PP::is_bool($claims->{email_verified}) && $claims->{email_verified},
    'claims: a boolean stays a boolean';
like $info->{session_expires_at} // '', qr/^\d+$/, 'session_expires_at: unix seconds';
cmp_ok $info->{session_expires_at} // 0, '>', $after, 'session_expires_at: in the future';
like $info->{access_token_expires_at} // '', qr/^\d+$/, 'access_token_expires_at: unix seconds';
# op.js issues access tokens for an hour
cmp_ok $info->{access_token_expires_at} // 0, '>=', $before + 3600 - 1,
    'access_token_expires_at: an hour after the sign-in';
cmp_ok $info->{access_token_expires_at} // 0, '<=', $after + 3600 + 1, 'access_token_expires_at: not later';
ok !exists $info->{access_token}, 'no access_token without OktaInfoAccessToken';
unlike $text, qr/\Q$token\E/, 'the access token is nowhere in the answer';

$res = $ua->get("$base/okta/info", 'X-Requested-With' => 'XMLHttpRequest');
is $res->code, 200, 'signed in, XHR: 200';
is json_of($res)->{user}, 'alice', 'signed in, XHR: the user';

$res = $ua->head("$base/okta/info");
is $res->code, 200, 'HEAD: 200';
is $res->content, '', 'HEAD: no body';

for my $method (qw(POST PUT DELETE)) {
    $res = $ua->request(HTTP::Request->new($method => "$base/okta/info", ['Content-Length' => 0], ''));
    is $res->code, 405, "$method: 405";
}

# Without OktaInfoURI the path is nobody's.
is new_browser()->get(server_url() . '/okta/info')->code, 404, 'no OktaInfoURI on the main server: 404';

# Signed out: 401 again.
$res = $ua->get("$base/logout", 'Sec-Fetch-Site' => 'same-origin');
is $res->code, 302, 'logout';
$res = $ua->get("$base/okta/info");
is $res->code, 401, 'signed out: 401';
is $res->header('Location'), undef, 'signed out: no redirect';

# ---- OktaInfoAccessToken On ---------------------------------------------------------
my $tbase = server_url('okta_info_token');
op_reset();
my $bob = new_browser();
$res = sign_in($bob, "$tbase/authz/any", 'bob', 'bob-password');
is $res->code, 302, 'bob: signed in';
($exchange) = grep { ($_->{grant_type} // '') eq 'authorization_code' } @{ op_requests() };
my $app = app_env($bob->get("$tbase/authz/any"));
$res = $bob->get("$tbase/okta/info");
is $res->code, 200, 'OktaInfoAccessToken On: 200';
like $res->header('Cache-Control') // '', qr/no-store/, 'OktaInfoAccessToken On: Cache-Control: no-store';
$info = json_of($res);
is $info->{user}, 'bob', 'OktaInfoAccessToken On: user';
ok length($info->{access_token} // ''), 'OktaInfoAccessToken On: access_token';
is $info->{access_token}, ($exchange // {})->{new_access_token}, 'the one the provider issued';
is $info->{access_token}, $app->{OKTA_ACCESS_TOKEN}, 'the one the application is handed';
is_deeply((ref $info->{claims} eq 'HASH' ? $info->{claims} : {})->{groups}, ['Everyone'],
          'OktaInfoAccessToken On: bob\'s claims');
