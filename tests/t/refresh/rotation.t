# A session outlives its access token: when the token is due, the module
# spends the session's refresh token once at the real provider
# (oidc-provider rotates it on every use) and hands the application the new
# access token; the next refresh presents the new refresh token.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time);
use Okta::Test qw(new_browser server_url sign_in app_env set_cookie start_short_provider
                  op_requests_at op_reset_at error_log_mark error_log_since wait_until
                  second_start);

plan tests => 27;

my $ttl = 4;    # the provider's access token lifetime; OktaRefreshLeeway is 1
my $op = start_short_provider($ttl);
my $issuer = $ENV{OKTA_OP_SHORT_ISSUER};
my $base = server_url('okta_refresh');

sub refreshes { grep { ($_->{grant_type} // '') eq 'refresh_token' } @{ op_requests_at($issuer) } }

# Signed in within one second, so the module's whole-second clock is known:
# the token is due from $signed_in + $ttl - 1 and expired from + $ttl.
my $ua = new_browser();
my $signed_in = second_start();
my $mark = error_log_mark();
my $res = sign_in($ua, "$base/app/rotation", 'alice', 'alice-password');
my $after = time;
is $res->code, 302, 'signed in at the short-lived provider';
like set_cookie($res, 'okta_session'), qr/^okta_session=[A-Za-z0-9_-]{43};/, 'session cookie';
cmp_ok int($after), '==', $signed_in, 'the sign-in took less than the rest of its second';
op_reset_at($issuer);

$res = $ua->get("$base/app/rotation");
is $res->code, 200, 'fresh token: 200';
my $first_token = app_env($res)->{OKTA_ACCESS_TOKEN} // '';
ok length $first_token, 'the application gets an access token';
is scalar(refreshes()), 0, 'fresh token: no refresh at the provider';

# Within the leeway (1 s) before expiry: refreshed, the new token handed on.
wait_until($signed_in + $ttl - 1 + 0.2);
$res = $ua->get("$base/app/rotation");
my $due_at = int(time);
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

$res = $ua->get("$base/app/rotation");
is app_env($res)->{OKTA_ACCESS_TOKEN}, $second_token, 'the next request keeps the new token';
is scalar(refreshes()), 1, 'and sends no refresh';

# After the new token has expired: refreshed with the rotated refresh token.
wait_until($due_at + $ttl + 0.2);
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
is_deeply [grep { $_->{status} >= 400 } @{ op_requests_at($issuer) }], [],
    'no token request was refused (no spent token presented)';

my $log = error_log_since($mark);
is scalar(() = $log =~ /OKTA00032: refreshed the tokens of alice/g), 2, 'OKTA00032 per refresh';
unlike $log, qr/OKTA000(?:26|33|34)/, 'no session ended, no refresh refused or abandoned';
