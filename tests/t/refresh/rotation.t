# SPDX-License-Identifier: Apache-2.0
# A session outlives its access token: when the token is due, the module
# spends the session's refresh token once at the real provider
# (oidc-provider rotates it on every use) and hands the application the new
# access token; the next refresh presents the new refresh token.
#
# No step races the clock.  The okta_refresh vhost has OktaRefreshLeeway
# 30, and the provider issues each token with the lifetime the step needs
# (set_token_ttl): an hour (not due), 20 s (due at once, and valid for 20 s),
# or 1 s (expired for good once the next second has begun).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time);
use Okta::Test qw(new_browser server_url sign_in app_env set_cookie start_short_provider
                  op_requests_at op_reset_at error_log_mark error_log_since set_token_ttl
                  wait_token_expired issued_by_code_at);

plan tests => 29;

my $op = start_short_provider();
my $issuer = $ENV{OKTA_OP_SHORT_ISSUER};
my $base = server_url('okta_refresh');

sub refreshes { grep { ($_->{grant_type} // '') eq 'refresh_token' } @{ op_requests_at($issuer) } }

my $mark = error_log_mark();

# A token that is not due (an hour, the leeway 30 s) is handed on as it is.
op_reset_at($issuer);
my $ua = new_browser();
my $res = sign_in($ua, "$base/app/rotation", 'alice', 'alice-password');
is $res->code, 302, 'signed in at the short-lived provider';
like set_cookie($res, 'okta_session'), qr/^okta_session=[A-Za-z0-9_-]{43};/, 'session cookie';
my $issued = issued_by_code_at($issuer);
$res = $ua->get("$base/app/rotation");
is $res->code, 200, 'fresh token: 200';
my $fresh_token = app_env($res)->{OKTA_ACCESS_TOKEN} // '';
ok length $fresh_token, 'the application gets an access token';
is $fresh_token, $issued, 'the one the sign-in got';
is scalar(refreshes()), 0, 'fresh token: no refresh at the provider';

# A session whose token is due from the start (20 s, within the leeway)
# but valid for 20 s: the first request refreshes it.  The refresh issues
# a token of 1 s, which expires while nothing happens.
op_reset_at($issuer);
set_token_ttl($issuer, 20);
$ua = new_browser();
$res = sign_in($ua, "$base/app/rotation", 'alice', 'alice-password');
is $res->code, 302, 'signed in again, with a token that is due at once';
my $first_token = issued_by_code_at($issuer);
ok length $first_token, 'the sign-in got an access token';
op_reset_at($issuer);
set_token_ttl($issuer, 1);

$res = $ua->get("$base/app/rotation");
my $answered = time;
is $res->code, 200, 'token due: 200';
my $env = app_env($res);
is $env->{REMOTE_USER}, 'alice', 'token due: still alice';
my $second_token = $env->{OKTA_ACCESS_TOKEN} // '';
ok length $second_token, 'token due: an access token';
isnt $second_token, $first_token, 'token due: a different access token';
my @refreshes = refreshes();
is scalar(@refreshes), 1, 'exactly one refresh request';
is $refreshes[0]{status}, 200, 'the refresh succeeded';
ok $refreshes[0]{issued_refresh_token}, 'the provider rotated the refresh token';
is $refreshes[0]{new_access_token}, $second_token, 'the application got the refreshed token';
is $refreshes[0]{client_auth}, 'basic', 'the refresh authenticates the client';

# After the new token has expired: refreshed with the rotated refresh
# token, into a token of an hour.
wait_token_expired($answered);
set_token_ttl($issuer, 3600);
$res = $ua->get("$base/app/rotation");
is $res->code, 200, 'token expired: 200';
$env = app_env($res);
is $env->{REMOTE_USER}, 'alice', 'token expired: still alice';
my $third_token = $env->{OKTA_ACCESS_TOKEN} // '';
ok length($third_token) && $third_token ne $second_token && $third_token ne $first_token,
    'token expired: yet another access token';
@refreshes = refreshes();
is scalar(@refreshes), 2, 'a second refresh request';
is $refreshes[1]{status}, 200, 'the second refresh succeeded';
isnt $refreshes[1]{refresh_token}, $refreshes[0]{refresh_token},
    'the second refresh presents another refresh token';
is $refreshes[1]{refresh_token}, $refreshes[0]{new_refresh_token},
    'namely the one the first refresh issued';

# That token is not due: the session keeps it.
$res = $ua->get("$base/app/rotation");
is app_env($res)->{OKTA_ACCESS_TOKEN}, $third_token, 'the next request keeps the new token';
is scalar(refreshes()), 2, 'and sends no refresh';
is_deeply [grep { $_->{status} >= 400 } @{ op_requests_at($issuer) }], [],
    'no token request was refused (no spent token presented)';

my $log = error_log_since($mark);
is scalar(() = $log =~ /OKTA00032: refreshed the tokens of alice/g), 2, 'OKTA00032 per refresh';
unlike $log, qr/OKTA000(?:26|33|34)/, 'no session ended, no refresh refused or abandoned';
