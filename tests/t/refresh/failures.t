# SPDX-License-Identifier: Apache-2.0
# Refresh when the provider misbehaves, against a fake provider this test
# starts, stops and scripts (reuse grace 5 s; the vhost has
# OktaRefreshLeeway 30, OktaRefreshGrace 5, OktaHTTPTimeout 2): a refused
# refresh, a refreshed ID token that is refused, a provider that is down,
# overloaded or failing, an answer lost after the provider rotated the
# token, and a provider that never answers.
#
# Timing: the test chooses each token's lifetime (set_token_ttl).  A token
# of 20 s is due at once (the leeway is 30 s) and valid for long after the
# next request; a token of 1 s has expired for good once the second after
# it was issued has begun (let_tokens_expire).  Nothing depends on a
# request arriving within a window.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time sleep);
use URI;
use URI::QueryParam;
use JSON::PP qw(decode_json);
use Okta::Test qw(new_browser keepalive_browser server_url app_env set_cookie start_provider
                  fake_mode_at fake_requests_at sign_in_fake error_log_mark error_log_since
                  wait_until set_token_ttl);

plan tests => 145;

my $http_timeout = 2;
my %fake_args = (script => 'fake-op.js', port => $ENV{OKTA_FAKE_SHORT_PORT},
                 env => { FAKE_REFRESH_GRACE => 5 }, log => 'fake-short.log');
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

sub access_token { app_env($_[0])->{OKTA_ACCESS_TOKEN} // '' }

# Signs a browser in with an access token of `$ttl` seconds.
sub signed_in {
    my ($ua, $url, $ttl) = @_;
    set_token_ttl($fake_base, $ttl);
    my (undef, undef, $callback) = sign_in_fake($ua, $url);
    die 'sign-in failed: ' . $callback->status_line unless $callback->code == 302;
}

# Every access token of 1 s issued so far has expired once the second
# after this one has begun.
sub let_tokens_expire { wait_until(int(time) + 1.05) }

# A session whose access token has expired, asked for once the fake is
# in `$mode`: (the answer, the log lines it caused).
sub expired_then {
    my ($mode, $path) = @_;
    fake_mode_at($fake_base, 'normal');
    my $browser = new_browser();
    signed_in($browser, "$base$path", 1);
    let_tokens_expire();
    fake_mode_at($fake_base, $mode);
    my $from = error_log_mark();
    my $answer = $browser->get("$base$path", Accept => 'text/html');
    return ($answer, error_log_since($from));
}

# Takes the fake off the network or puts it back (it keeps its tokens), and
# waits until it is so.
sub provider_online {
    my ($up) = @_;
    kill 'USR2', $fake->{pid};
    my $probe = LWP::UserAgent->new(timeout => 2);
    my $deadline = time + 30;
    until (!!$probe->get("$issuer/.well-known/openid-configuration")->is_success == !!$up) {
        die "the fake provider did not go " . ($up ? 'online' : 'offline') if time > $deadline;
        sleep 0.05;
    }
}

# Asks until the answer is not 503 (a back-off is over); returns it.
sub until_not_503 {
    my ($ua, $url) = @_;
    my $deadline = time + 30;
    while (1) {
        my $r = $ua->get($url);
        return $r if $r->code != 503 || time > $deadline;
        sleep 0.25;
    }
}

# ---- (e) the fake signs in without a form ---------------------------------
my $ua = new_browser();
set_token_ttl($fake_base, 3600);
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
signed_in($nav, "$base/app/refused", 1);
signed_in($xhr, "$base/app/refused", 1);
let_tokens_expire();
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
set_token_ttl($fake_base, 3600);
$res = $nav->get($silent->as_string);
is endpoint_of($res->header('Location')), "$base/silent-callback", 'the fake answers the silent sign-in';
$res = $nav->get($res->header('Location'));
is $res->code, 302, 'the silent callback signs in';
is $res->header('Location'), '/app/refused?page=1', 'back to the page asked for';
$res = $nav->get("$base/app/refused?page=1");
is $res->code, 200, 'served again';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'as the same user';

# Other refusals end the session too: the client is not (or no longer)
# allowed to refresh.
for my $case (['refresh_invalid_client', 'invalid_client'],
              ['refresh_unauthorized_client', 'unauthorized_client']) {
    my ($mode, $error) = @$case;
    ($res, $log) = expired_then($mode, "/app/$mode");
    is $res->code, 302, "$error: sent to sign in again";
    like $log, qr/OKTA00033: the provider refused to refresh the tokens of mallory-sub: $error/,
        "$error: OKTA00033";
    like $log, qr/OKTA00026: session of mallory-sub has ended \(refresh refused\)/,
        "$error: the session ended";
}

# ---- (a2) the refreshed ID token is refused ---------------------------------
# A refresh whose new ID token names another user, does not verify, or was
# not issued with the new access token, ends the session: nothing it
# brought is used.
for my $case (['refresh_other_sub',
               qr/OKTA00031: refreshed ID token is about another user \(sub "eve-sub", was "mallory-sub"\)/],
              ['bad_signature', qr/OKTA00015: ID token signature refused: signature does not verify/],
              # not issued with the refresh's access token
              ['at_hash_mismatch',
               qr/OKTA00022: ID token refused: ID token at_hash does not match the access token/]) {
    my ($mode, $why) = @$case;
    ($res, $log) = expired_then($mode, "/app/$mode");
    is $res->code, 302, "$mode at refresh: not served; sent to sign in";
    is scalar(refreshes()), 1, "$mode at refresh: the provider refreshed";
    like $log, $why, "$mode at refresh: the log says why";
    like $log, qr/OKTA00026: session of mallory-sub has ended \(the refreshed ID token was refused\)/,
        "$mode at refresh: the session ended (OKTA00026)";
}
fake_mode_at($fake_base, 'normal');

# ---- (f) the provider cannot refresh now: overloaded or failing -------------
# "Not now" is not "no": the refresh token was not spent, so the session
# lives on.  A still-valid access token is used on; an expired one gets
# 503 until the provider works again, and nobody asks the provider again
# for a few seconds.
for my $case (['refresh_429', 429, 'E0000047'],
              ['refresh_temporarily_unavailable', 503, 'temporarily_unavailable'],
              ['refresh_server_error', 500, 'server_error'],
              ['refresh_502', 502, 'HTTP 502']) {
    my ($mode, $status, $error) = @$case;
    fake_mode_at($fake_base, 'normal');
    my $browser = new_browser();
    signed_in($browser, "$base/app/$mode", 20);
    fake_mode_at($fake_base, $mode);
    $mark = error_log_mark();
    $res = $browser->get("$base/app/$mode");
    is $res->code, 200, "$mode, token due but valid: still served";
    @refreshes = refreshes();
    is_deeply [map { $_->{refresh_error} } @refreshes], [$error], "$mode: the provider answered $status";
    $log = error_log_since($mark);
    like $log, qr/OKTA00043: the provider could not refresh the tokens of mallory-sub now \(HTTP $status/,
        "$mode: OKTA00043";
    unlike $log, qr/OKTA000(?:26|33)/, "$mode: the session did not end";
    $res = $browser->get("$base/app/$mode");
    is $res->code, 200, "$mode: served again";
    is scalar(refreshes()), 1, "$mode: not asked again during the back-off";
}

for my $mode ('refresh_temporarily_unavailable', 'refresh_502') {
    fake_mode_at($fake_base, 'normal');
    my $browser = new_browser();
    signed_in($browser, "$base/app/$mode-expired", 1);
    let_tokens_expire();
    fake_mode_at($fake_base, $mode);
    $mark = error_log_mark();
    $res = $browser->get("$base/app/$mode-expired", Accept => 'text/html');
    is $res->code, 503, "$mode, token expired: 503, try again";
    is $res->header('Location'), undef, "$mode, token expired: not sent to sign in";
    $res = $browser->get("$base/app/$mode-expired");
    is $res->code, 503, "$mode: 503 during the back-off";
    my @failed = refreshes();
    is scalar(@failed), 1, "$mode: one refresh tried";
    unlike error_log_since($mark), qr/OKTA000(?:26|33)/, "$mode: the session did not end";
    fake_mode_at($fake_base, 'normal');
    $res = until_not_503($browser, "$base/app/$mode-expired");
    is $res->code, 200, "$mode: once the provider works again, served";
    is app_env($res)->{REMOTE_USER}, 'mallory-sub', "$mode: as the same user, without signing in";
    @refreshes = refreshes();
    is scalar(@refreshes), 1, "$mode: one refresh after the back-off";
    is $refreshes[0]{form}{refresh_token}, $failed[0]{form}{refresh_token},
        "$mode: with the same refresh token";
    ok !$refreshes[0]{refresh_reuse}, "$mode: which the provider had not spent";
}
fake_mode_at($fake_base, 'normal');

# ---- (b) the provider is down ----------------------------------------------
# One connection each, so one process (with the provider's discovery
# document cached since its sign-in) serves every request.
my $due = keepalive_browser();
my $expired = keepalive_browser();
signed_in($expired, "$base/app/down", 1);
signed_in($due, "$base/app/down", 20);
let_tokens_expire();
provider_online(0);
$mark = error_log_mark();
$res = $due->get("$base/app/down");
is $res->code, 200, 'down, token due but still valid: 200';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'down, token still valid: still the user';
my $token = access_token($res);
ok length $token, 'down, token still valid: the old token';
$res = $due->get("$base/app/down");
is access_token($res), $token, 'down: the still-valid token is used on';
is count(qr/OKTA00020: token endpoint unreachable/, error_log_since($mark)), 1,
    'OKTA00020: unreachable, once: the next request did not try during the back-off';

$mark = error_log_mark();
$res = $expired->get("$base/app/down", Accept => 'text/html');
is $res->code, 503, 'down, token expired: 503, try again';
is $res->header('Location'), undef, 'down, token expired: not sent to sign in';
$log = error_log_since($mark);
unlike $log, qr/OKTA000(?:26|34)|AH00052|Segmentation/, 'the session did not end; no worker gave up or crashed';
$res = $expired->get("$base/app/down", Accept => 'application/json');
is $res->code, 503, 'down, token expired: a script gets 503 too';
# OktaInfoURI: the session cannot be vouched for, nor has it ended
$res = $expired->get("$base/okta/info");
is $res->code, 503, 'down, token expired: OktaInfoURI answers 503';
like $res->header('Content-Type') // '', qr{^application/json}, 'OktaInfoURI 503: JSON';
is eval { decode_json($res->decoded_content)->{error} }, 'sessions_unavailable',
    'OktaInfoURI 503: {"error": "sessions_unavailable"}, not "not signed in"';
like $res->header('Cache-Control') // '', qr/no-store/, 'OktaInfoURI 503: no-store';

provider_online(1);
$res = until_not_503($expired, "$base/app/down");
is $res->code, 200, 'the provider is back: served';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'as the same user, without signing in';
@refreshes = refreshes();
is scalar(@refreshes), 1, 'refreshed once';
ok !$refreshes[0]{refresh_reuse}, 'with a refresh token that had not been spent';
is access_token($res), $refreshes[0]{new_access_token}, 'its access token is handed on';

# ---- (c) the provider rotates the token but its answer is lost -------------
my $lost = new_browser();
signed_in($lost, "$base/app/lost", 1);
let_tokens_expire();
fake_mode_at($fake_base, 'refresh_lose_answer');
set_token_ttl($fake_base, 1);
$mark = error_log_mark();
$res = $lost->get("$base/app/lost");
is $res->code, 200, 'answer lost: 200';
$env = app_env($res);
is $env->{REMOTE_USER}, 'mallory-sub', 'answer lost: the user';
my $new_token = $env->{OKTA_ACCESS_TOKEN} // '';
ok length($new_token), 'answer lost: an access token';
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

let_tokens_expire();
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
signed_in($hang, "$base/app/hang", 20);
fake_mode_at($fake_base, 'refresh_hang');
$mark = error_log_mark();
my $t0 = time;
$res = $hang->get("$base/app/hang");
my $took = time - $t0;
is $res->code, 200, 'hanging provider, token still valid: 200';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'hanging provider: the user';
$token = access_token($res);
ok length $token, 'hanging provider: the old, still valid token';
# two token requests of OktaHTTPTimeout each, within the refresh lock's
# lifetime (4 x OktaHTTPTimeout + 2 s; the fourth is for userinfo)
cmp_ok $took, '<', 4 * $http_timeout + 2, 'hanging provider: answered within the refresh lock\'s lifetime';
@refreshes = refreshes();
ok @refreshes >= 1 && @refreshes <= 2, 'at most two refresh attempts';
is scalar(grep { $_->{form}{refresh_token} eq $refreshes[0]{form}{refresh_token} } @refreshes),
    scalar(@refreshes), 'all presenting the same refresh token';
like error_log_since($mark), qr/OKTA00020: token endpoint did not answer/, 'OKTA00020: no answer';
note sprintf 'hanging provider: answered after %.2f s, %d attempts', $took, scalar @refreshes;
fake_mode_at($fake_base, 'normal');

# ---- (a3) the refreshed ID token cannot be checked now ----------------------
# The provider rotated the refresh token and signed the new ID token with a
# key its keys endpoint, failing, cannot give.  That is "not now", not "no":
# the new tokens are kept (the old refresh token is spent), the previous ID
# token stays, and the session lives on.  Every process fetched the keys
# last at a sign-in; 10 s later (OKTA_JWKS_MIN_REFETCH) each may fetch
# again, and the fetch fails.  Last in this file: a process whose fetch
# failed fetches again only 10 s later, so a sign-in that came to it
# meanwhile would fail (502), as it should while the keys cannot be had.
{
    my $browser = new_browser();
    signed_in($browser, "$base/app/keys-down", 1);
    wait_until(time + 10.5);
    fake_mode_at($fake_base, 'refresh_new_key_jwks_down');
    set_token_ttl($fake_base, 1);
    $mark = error_log_mark();
    $res = $browser->get("$base/app/keys-down", Accept => 'text/html');
    is $res->code, 200, 'keys unavailable at refresh: still served';
    is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'keys unavailable at refresh: as the user';
    @refreshes = refreshes();
    is scalar(@refreshes), 1, 'keys unavailable at refresh: the provider refreshed';
    is access_token($res), $refreshes[0]{new_access_token} // 'none',
        'keys unavailable at refresh: the new access token is handed on';
    $log = error_log_since($mark);
    like $log, qr/OKTA00060: the refreshed ID token of mallory-sub could not be checked now/,
        'keys unavailable at refresh: OKTA00060';
    unlike $log, qr/OKTA000(?:26|33)/, 'keys unavailable at refresh: the session did not end';

    fake_mode_at($fake_base, 'normal');
    let_tokens_expire();
    $res = $browser->get("$base/app/keys-down", Accept => 'text/html');
    is $res->code, 200, 'keys back, next refresh: served';
    my @next = refreshes();
    is scalar(@next), 1, 'keys back: one more refresh';
    is $next[0]{form}{refresh_token}, $refreshes[0]{new_refresh_token} // 'none',
        'keys back: presenting the refresh token the unchecked refresh brought';
    ok !$next[0]{refresh_reuse}, 'keys back: not a spent one';
}
