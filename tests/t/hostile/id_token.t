# SPDX-License-Identifier: Apache-2.0
# ID tokens from the scripted fake provider: the good kinds sign the user
# in, every forged or broken kind is refused with the module's own status,
# no session and a tagged log line.  Runs on the okta_fake virtual host.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time sleep);
use Okta::Test qw(new_browser server_url app_env fake_mode fake_requests_for error_log_mark
                  error_log_since set_cookie start_sign_in keepalive_browser log_pids);

my @valid = qw(normal es256 no_kid multi_aud_with_azp);

# mode => [status of the callback, log tag, what the log line says]
my %refused = (
    bad_signature    => [502, 'OKTA00015', qr/ID token signature refused: signature does not verify/],
    wrong_iss        => [502, 'OKTA00022', qr/ID token refused: ID token issuer "[^"]*\/evil" is not/],
    wrong_aud        => [502, 'OKTA00022', qr/ID token refused: ID token audience does not contain client "fake-client"/],
    nonce_mismatch   => [400, 'OKTA00022', qr/ID token refused: ID token nonce does not match this login/],
    expired          => [502, 'OKTA00022', qr/ID token refused: ID token expired \d+ s ago/],
    iat_future       => [502, 'OKTA00022', qr/ID token refused: ID token issued \d+ s in the future/],
    alg_none         => [502, 'OKTA00015', qr/ID token signature refused: signature algorithm "none" is not accepted/],
    hs256            => [502, 'OKTA00015', qr/ID token signature refused: signature algorithm "HS256" is not accepted/],
    missing_sub      => [502, 'OKTA00022', qr/ID token refused: ID token has no sub/],
    # the ID token was not issued with this access token (OpenID Connect
    # Core 3.2.2.9): a token swapped in transit, or a provider's mix-up
    at_hash_mismatch => [502, 'OKTA00022', qr/ID token refused: ID token at_hash does not match the access token/],
    azp_wrong        => [502, 'OKTA00022', qr/ID token refused: ID token azp "someone-else" is not client "fake-client"/],
    multi_aud_no_azp => [502, 'OKTA00022', qr/ID token refused: ID token azp "\(none\)" is not client "fake-client"/],
    # The fake signs PS256 with key fake-rsa-1, which its JWKS pins to
    # "alg": "RS256"; a key is used with its one algorithm only (RFC 8725
    # 3.1, RFC 7517 4.4), so this token is refused.
    ps256            => [502, 'OKTA00015', qr/ID token signature refused: no RSA key with kid "fake-rsa-1"/],
);
my @refused = sort keys %refused;

plan tests => 1 + 5 * @valid + 5 * @refused + 2 + 12;

my $base = server_url('okta_fake');
my $authorize = $ENV{OKTA_FAKE_BASE} . '/good/authorize';
my $session_re = qr/^okta_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/;

# The unknown-kid case below needs one httpd process whose JWKS copy is at
# least 10 s old.  This browser keeps one connection (so one process) open
# from here on; the other cases run meanwhile and a ping keeps it alive: at
# the start and the end of each case, so that it is never idle for long
# (KeepAliveTimeout is 5 s).
my $kept = keepalive_browser();
fake_mode('normal');
my $mark = error_log_mark();
my $res = $kept->get(start_sign_in($kept, "$base/app/warm-up"));
is $res->code, 302, 'warm-up sign-in on a kept connection';
my ($warm_pid) = log_pids(error_log_since($mark), 'OKTA00025');
my $last_ping = time;
sub ping { $kept->get("$base/index.html"); $last_ping = time }
my ($base_port) = $base =~ /:(\d+)$/;
sub kept_port {
    return join ',', sort map { $_->sockport }
        grep { $_->peerport == $base_port } $kept->conn_cache->get_connections;
}
my $warm_port = kept_port();
# When any process last fetched the JWKS (the fake's request list is
# cleared by fake_mode, so look after every callback).
my $last_jwks = time;
sub note_jwks { $last_jwks = time if fake_requests_for('/good/jwks') }

# Tokens the module must accept.
for my $mode (@valid) {
    ping();
    fake_mode($mode);
    my $ua = new_browser();
    $res = $ua->get(start_sign_in($ua, "$base/app/$mode?m=1"));
    is $res->code, 302, "$mode: callback 302";
    is $res->header('Location'), "/app/$mode?m=1", "$mode: back to the page";
    like set_cookie($res, 'okta_session'), $session_re, "$mode: session cookie";
    $res = $ua->get("$base/app/$mode?m=1");
    is $res->code, 200, "$mode: signed in";
    is app_env($res)->{REMOTE_USER}, 'mallory-sub', "$mode: REMOTE_USER";
    note_jwks();
    ping();
}

# Tokens the module must refuse.
my %page;
for my $mode (@refused) {
    my ($status, $tag, $reason) = @{ $refused{$mode} };
    ping();
    fake_mode($mode);
    my $ua = new_browser();
    my $callback = start_sign_in($ua, "$base/app/$mode");
    $mark = error_log_mark();
    $res = $ua->get($callback);
    my $log = error_log_since($mark);
    note_jwks();
    $page{$mode} = $res->decoded_content;
    is $res->code, $status, "$mode: callback answers $status";
    is set_cookie($res, 'okta_session'), '', "$mode: no session cookie";
    like $log, qr/\Q$tag\E: $reason/, "$mode: $tag in the error log";
    unlike $log, qr/OKTA00025/, "$mode: nobody signed in";
    $res = $ua->get("$base/app/$mode");
    ok $res->code == 302 && index($res->header('Location') // '', $authorize) == 0,
        "$mode: the next request is sent to sign in";
    ping();
}

# A wrong issuer says how to fix it in Okta, in the log and on the page.
fake_mode('wrong_iss');
my $ua = new_browser();
my $callback = start_sign_in($ua, "$base/app/iss");
$mark = error_log_mark();
$ua->get($callback);
like error_log_since($mark), qr/OKTA00022: .*'Okta URL'/, 'wrong_iss: log names the Okta URL setting';
like $page{wrong_iss}, qr/Okta URL/, 'wrong_iss: page names the Okta URL setting';

# An unknown kid makes the module fetch the JWKS again, once; a second
# one within 10 s does not (a flood of forged tokens must not become a
# flood of requests to the provider).  Both sign-ins go as far as the
# callback first, so that the two callbacks then come one right after the
# other, well within those 10 s.  Before them, wait until every copy of the
# JWKS is 10 s old.
note_jwks();
fake_mode('unknown_kid');
my @callbacks;
for my $round (1, 2) {
    ping();
    my $browser = keepalive_browser(conn_cache => $kept->conn_cache);
    push @callbacks, [$browser, start_sign_in($browser, "$base/app/kid$round")];
}
while (time < $last_jwks + 10.5) {
    sleep(0.5);
    ping() if time - $last_ping > 1;
}
ping();
my $now_port = kept_port();
ok length($warm_port) && $now_port eq $warm_port, 'the warm-up connection is still open'
    or diag "local port of the kept connection: after the warm-up $warm_port, now $now_port";
my $jwks_before = 0;
for my $round (1, 2) {
    my ($browser, $callback) = @{ $callbacks[$round - 1] };
    $mark = error_log_mark();
    $res = $browser->get($callback);
    my $log = error_log_since($mark);
    my $jwks = () = fake_requests_for('/good/jwks');
    my $fetched = $jwks - $jwks_before;
    $jwks_before = $jwks;
    is $res->code, 502, "unknown_kid $round: callback answers 502";
    is set_cookie($res, 'okta_session'), '', "unknown_kid $round: no session cookie";
    like $log, qr/OKTA00015: ID token signature refused: no RSA key with kid "fake-rsa-unknown"/,
        "unknown_kid $round: OKTA00015 in the error log";
    my ($pid) = log_pids($log, 'OKTA00015');
    is $pid, $warm_pid, "unknown_kid $round: same httpd process as the warm-up";
    if ($round == 1) {
        is $fetched, 1, 'unknown_kid 1: the JWKS was fetched again, once';
    }
    else {
        is $fetched, 0, 'unknown_kid 2: within 10 s, no further JWKS fetch';
    }
}
ok $callbacks[0][0]->get("$base/app/kid1")->code == 302, 'unknown_kid 1: not signed in';
fake_mode('normal');
