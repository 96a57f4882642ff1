# Refresh when the provider misbehaves, against a fake provider this test
# starts, stops and scripts (access tokens of 3 s, reuse grace 5 s; the
# vhost has OktaRefreshLeeway 1, OktaRefreshGrace 5, OktaHTTPTimeout 2):
# a refused refresh, a provider that is down, an answer lost after the
# provider rotated the token, and a provider that never answers.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time);
use URI;
use URI::QueryParam;
use Okta::Test qw(new_browser keepalive_browser server_url app_env set_cookie start_provider
                  fake_mode_at fake_requests_at sign_in_fake error_log_mark error_log_since
                  wait_until second_start);

plan tests => 80;

my $ttl = 3;
my %fake_args = (script => 'fake-op.js', port => $ENV{OKTA_FAKE_SHORT_PORT},
                 env => { FAKE_ACCESS_TOKEN_TTL => $ttl, FAKE_REFRESH_GRACE => 5 },
                 log => 'fake-short.log');
my $fake = start_provider(%fake_args);
my $fake_base = $ENV{OKTA_FAKE_SHORT_BASE};
my $issuer = "$fake_base/good";
my $base = server_url('okta_refresh_fake');
my ($res, $env, $mark, $log, @refreshes);

sub endpoint_of {
    my $u = URI->new($_[0] // '');
    return ($u->scheme // '') . '://' . ($u->host_port // '') . ($u->path // '');
}

sub refreshes {
    return grep { $_->{path} eq '/good/token' && ($_->{form}{grant_type} // '') eq 'refresh_token' }
        @{ fake_requests_at($fake_base) };
}

sub count { my ($re, $text) = @_; return scalar(() = $text =~ /$re/g) }

# Signs a browser in early in a second; returns that second (the module's
# clock: the access token is due from +2 and expired from +3).
sub signed_in_at {
    my ($ua, $url) = @_;
    my $second = second_start();
    my (undef, undef, $callback) = sign_in_fake($ua, $url);
    die 'sign-in failed: ' . $callback->status_line unless $callback->code == 302;
    die 'the sign-in straddled a second' unless int(time) == $second;
    return $second;
}

sub access_token { app_env($_[0])->{OKTA_ACCESS_TOKEN} // '' }

# ---- (e) the fake signs in without a form ---------------------------------
my $ua = new_browser();
my ($start, $authorize, $callback) = sign_in_fake($ua, "$base/app/auto");
is $start->code, 302, 'sign-in: 302';
is endpoint_of($start->header('Location')), "$issuer/authorize", 'to the fake /authorize';
ok !defined URI->new($start->header('Location'))->query_param('prompt'), 'not silent';
is $authorize->code, 302, '/authorize answers 302 at once';
is endpoint_of($authorize->header('Location')), "$base/callback", 'to the callback';
is $callback->code, 302, 'the callback signs in';
is $callback->header('Location'), '/app/auto', 'back to the page asked for';
like set_cookie($callback, 'okta_session'), qr/^okta_session=[A-Za-z0-9_-]{43};/, 'session cookie';
$res = $ua->get("$base/app/auto");
is $res->code, 200, 'signed in: 200';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'as the fake user';

# ---- (a) the provider refuses the refresh ----------------------------------
my $nav = new_browser();
my $xhr = new_browser();
my $second = signed_in_at($nav, "$base/app/refused");
sign_in_fake($xhr, "$base/app/refused");
is int(time), $second, 'both browsers signed in within the same second';
ok access_token($nav->get("$base/app/refused")) && access_token($xhr->get("$base/app/refused")),
    'both are served';
wait_until($second + $ttl + 0.2);
fake_mode_at($fake_base, 'refresh_invalid_grant');
$mark = error_log_mark();

$res = $nav->get("$base/app/refused?page=1", Accept => 'text/html');
is $res->code, 302, 'refused, navigation: 302';
my $silent = URI->new($res->header('Location') // '');
is endpoint_of($silent), "$issuer/authorize", 'to the fake /authorize';
is $silent->query_param('prompt'), 'none', 'silently (prompt=none): the browser had a session';
is $silent->query_param('redirect_uri'), "$base/silent-callback", 'to /silent-callback';

$res = $xhr->get("$base/app/refused", 'X-Requested-With' => 'XMLHttpRequest');
is $res->code, 401, 'refused, XHR: 401';
is $res->header('WWW-Authenticate'), qq{Okta realm="$issuer"}, 'refused, XHR: WWW-Authenticate';
is $res->header('Location'), undef, 'refused, XHR: no redirect';

@refreshes = refreshes();
is scalar(@refreshes), 2, 'one refresh per session was tried';
is_deeply [map { $_->{status} } @refreshes], [400, 400], 'both refused';
is_deeply [map { $_->{refresh_error} // '' } @refreshes], ['invalid_grant', 'invalid_grant'],
    'with invalid_grant';
$log = error_log_since($mark);
is count(qr/OKTA00033: the provider refused to refresh the tokens of mallory-sub: invalid_grant/, $log),
    2, 'OKTA00033 per refused refresh';
is count(qr/OKTA00026: session of mallory-sub has ended \(refresh refused\)/, $log), 2,
    'OKTA00026: both sessions ended';

$res = $xhr->get("$base/app/refused", Accept => 'application/json');
is $res->code, 401, 'the ended session, Accept: application/json: 401';
is scalar(refreshes()), 2, 'an ended session is not refreshed again';

# The silent sign-in brings the navigating browser back.
fake_mode_at($fake_base, 'normal');
$res = $nav->get($silent->as_string);
is endpoint_of($res->header('Location')), "$base/silent-callback", 'the fake answers the silent sign-in';
$res = $nav->get($res->header('Location'));
is $res->code, 302, 'the silent callback signs in';
is $res->header('Location'), '/app/refused?page=1', 'back to the page asked for';
$res = $nav->get("$base/app/refused?page=1");
is $res->code, 200, 'served again';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'as the same user';

# ---- (a2) the refreshed ID token is refused ---------------------------------
# A refresh whose new ID token names another user, or does not verify, ends
# the session: nothing it brought is used.
for my $case (['refresh_other_sub',
               qr/OKTA00031: refreshed ID token is about another user \(sub "eve-sub", was "mallory-sub"\)/],
              ['bad_signature', qr/OKTA00015: ID token signature refused: signature does not verify/]) {
    my ($mode, $why) = @$case;
    fake_mode_at($fake_base, 'normal');
    my $browser = new_browser();
    my $at = signed_in_at($browser, "$base/app/$mode");
    wait_until($at + $ttl + 0.2);
    fake_mode_at($fake_base, $mode);
    $mark = error_log_mark();
    $res = $browser->get("$base/app/$mode", Accept => 'text/html');
    is $res->code, 302, "$mode at refresh: not served; sent to sign in";
    is scalar(refreshes()), 1, "$mode at refresh: the provider refreshed";
    $log = error_log_since($mark);
    like $log, $why, "$mode at refresh: the log says why";
    like $log, qr/OKTA00026: session of mallory-sub has ended \(the refreshed ID token was refused\)/,
        "$mode at refresh: the session ended (OKTA00026)";
}
fake_mode_at($fake_base, 'normal');

# ---- (b) the provider is down ----------------------------------------------
# One connection, so one process (with the provider's discovery document
# cached since this sign-in) serves every request.
my $down = keepalive_browser();
$second = signed_in_at($down, "$base/app/down");
my $token = access_token($down->get("$base/app/down"));
ok length $token, 'signed in before the provider goes down';
wait_until($second + 1.5);
$fake->stop;
ok !LWP::UserAgent->new(timeout => 1)->get("$issuer/.well-known/openid-configuration")->is_success,
    'the provider is down';
wait_until($second + $ttl - 1 + 0.2);
$mark = error_log_mark();
my $t0 = time;
$res = $down->get("$base/app/down");
is $res->code, 200, 'down, token due but still valid: 200';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'down, token still valid: still the user';
is access_token($res), $token, 'down, token still valid: the old token';
cmp_ok time - $t0, '<', 1, 'down: answered at once (connection refused)';
like error_log_since($mark), qr/OKTA00020: token endpoint unreachable/, 'OKTA00020: unreachable';

wait_until($second + $ttl + 0.2);
$mark = error_log_mark();
$t0 = time;
$res = $down->get("$base/app/down");
my $took = time - $t0;
is $res->code, 302, 'down, token expired: 302, sign in again';
is endpoint_of($res->header('Location')), "$issuer/authorize", 'down, token expired: to /authorize';
cmp_ok $took, '<', 1, 'down, token expired: answered at once (the failed refresh is not waited for)';
$log = error_log_since($mark);
like $log, qr/OKTA00026: session of mallory-sub has ended/, 'down, token expired: OKTA00026';
unlike $log, qr/OKTA00034|AH00052|Segmentation/, 'no worker gave up or crashed';
$res = $down->get("$base/app/down", Accept => 'application/json');
is $res->code, 401, 'down, the session has ended: a script gets 401, not 500';
note sprintf 'down, token expired: answered after %.2f s', $took;

$fake = start_provider(%fake_args); # with the same keys, which httpd has cached

# ---- (c) the provider rotates the token but its answer is lost -------------
my $lost = new_browser();
$second = signed_in_at($lost, "$base/app/lost");
$token = access_token($lost->get("$base/app/lost"));
fake_mode_at($fake_base, 'refresh_lose_answer');
wait_until($second + $ttl + 0.2);
$mark = error_log_mark();
$res = $lost->get("$base/app/lost");
my $refreshed_at = int(time);
is $res->code, 200, 'answer lost: 200';
$env = app_env($res);
is $env->{REMOTE_USER}, 'mallory-sub', 'answer lost: the user';
my $new_token = $env->{OKTA_ACCESS_TOKEN} // '';
ok length($new_token) && $new_token ne $token, 'answer lost: a new access token';
@refreshes = refreshes();
is scalar(@refreshes), 2, 'answer lost: two refresh requests';
is $refreshes[0]{status}, 'lost', 'the first was processed and its answer lost';
ok $refreshes[0]{new_refresh_token}, 'the first rotated the refresh token';
is $refreshes[1]{form}{refresh_token}, $refreshes[0]{form}{refresh_token},
    'the retry presents the same refresh token';
ok $refreshes[1]{refresh_reuse}, 'which the provider sees as a reuse';
is $refreshes[1]{status}, 200, 'inside the grace period: accepted';
is $new_token, $refreshes[1]{new_access_token}, 'the application got the retry\'s access token';
$log = error_log_since($mark);
is count(qr/OKTA00020: token endpoint did not answer/, $log), 1, 'OKTA00020: the lost answer';
is count(qr/OKTA00032: refreshed the tokens of mallory-sub/, $log), 1, 'OKTA00032';
unlike $log, qr/OKTA000(?:26|33)/, 'the session did not end';

$res = $lost->get("$base/app/lost");
is access_token($res), $new_token, 'the session goes on with the new token';
is scalar(refreshes()), 2, 'without another refresh';

wait_until($refreshed_at + $ttl + 0.2);
$res = $lost->get("$base/app/lost");
is $res->code, 200, 'next expiry: 200';
@refreshes = refreshes();
is scalar(@refreshes), 3, 'next expiry: one more refresh';
is $refreshes[2]{form}{refresh_token}, $refreshes[1]{new_refresh_token},
    'presenting the refresh token of the retry';
ok !$refreshes[2]{refresh_reuse}, 'which is not a reuse';
is $refreshes[2]{status}, 200, 'accepted';
is access_token($res), $refreshes[2]{new_access_token}, 'its access token is handed on';

# ---- (d) the provider never answers, the token is still valid --------------
my $hang = new_browser();
$second = signed_in_at($hang, "$base/app/hang");
$token = access_token($hang->get("$base/app/hang"));
fake_mode_at($fake_base, 'refresh_hang');
wait_until($second + $ttl - 1 + 0.2);
$mark = error_log_mark();
$t0 = time;
$res = $hang->get("$base/app/hang");
$took = time - $t0;
is $res->code, 200, 'hanging provider, token still valid: 200';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'hanging provider: the user';
is access_token($res), $token, 'hanging provider: the old, still valid token';
cmp_ok $took, '<', 2 * 2 + 1.5, 'hanging provider: answered within two OktaHTTPTimeouts';
@refreshes = refreshes();
ok @refreshes >= 1 && @refreshes <= 2, 'at most two refresh attempts';
is scalar(grep { $_->{form}{refresh_token} eq $refreshes[0]{form}{refresh_token} } @refreshes),
    scalar(@refreshes), 'all presenting the same refresh token';
like error_log_since($mark), qr/OKTA00020: token endpoint did not answer/, 'OKTA00020: no answer';
note sprintf 'hanging provider: answered after %.2f s, %d attempts', $took, scalar @refreshes;
fake_mode_at($fake_base, 'normal');
