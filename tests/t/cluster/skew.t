# SPDX-License-Identifier: Apache-2.0
# Two nodes sharing a redis session cache whose clocks are 40 s apart (node
# B runs under libfaketime, as a server whose NTP is broken), against a
# fake provider with a reuse grace period of 30 s (OktaRefreshGrace 30).
# A refresh token sent by one node, whose answer never came, is found by
# the other: whether the grace period is over must not depend on which
# node's clock says so (defect 15).
#
#  (1) A sends it; 10 s later B, whose clock is ahead, finds it: inside the
#      grace period, so B sends it once more and the session goes on.
#  (2) B sends it; 31 s later A, whose clock is behind, finds it: the grace
#      period is over, so the spent token is never sent again (the
#      provider would revoke every token of its family).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use Time::HiRes qw(time sleep);
use Okta::Cluster ();
use Okta::Test qw(new_browser app_env start_provider fake_mode_at fake_requests_at sign_in_fake
                  rp_top_port wait_until set_token_ttl);

# libfaketime and the sanitizer runtimes cannot be preloaded together (the
# program hangs at start): under ASan this test is skipped, saying so; the
# uninstrumented suite runs it.
plan skip_all => 'a node with its clock set off cannot run under the sanitizers (libfaketime)'
    if Apache::Test::vars('httpd') =~ /sanitized-httpd/;
plan tests => 13;

my $grace = 30;
my $fake = start_provider(script => 'fake-op.js', port => $ENV{OKTA_FAKE_SHORT_PORT},
                          env => { FAKE_REFRESH_GRACE => $grace }, log => 'fake-skew.log');
my $fake_base = $ENV{OKTA_FAKE_SHORT_BASE};
my $redis_port = $ENV{OKTA_TEST_REDIS_PORT} // 8621;
my $dir = tempdir('okta-skew-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dir;
my $redis = Okta::Cluster::start_cache('redis', $redis_port, $dir);
my $rp_high = rp_top_port(2);

sub start_node {
    my ($name, $port, $clock) = @_;
    return Okta::Cluster::start_node(root => "$dir/$name", port => $port, clock => $clock,
                                     conf => <<"CONF");
OktaSessionCache redis:127.0.0.1:$redis_port
OktaIssuer $fake_base/good
OktaClientID fake-client
OktaClientSecret fake-secret
OktaCryptoPassphrase 3bO0b8m8c1Kq3yX4S7m0ZQ5m9n2ZV1y7cD0e6H5f4aE=
# above the lifetimes the test gives tokens: a token is due at once
OktaRefreshLeeway 30
OktaRefreshGrace $grace
OktaHTTPTimeout 2
CONF
}
my $A = start_node('A', $rp_high - 1);
my $B = start_node('B', $rp_high, '+40s');

sub refreshes {
    return grep { $_->{path} eq '/good/token' && ($_->{form}{grant_type} // '') eq 'refresh_token' }
        @{ fake_requests_at($fake_base) };
}
sub log_of { my ($node) = @_; open my $fh, '<', $node->{error_log} or return ''; local $/; <$fh> }

# Signs a browser in at `$node` with an access token of 1 s, lets it
# expire, and has `$node` send the refresh token into a provider that
# spends it and never answers (two attempts of OktaHTTPTimeout): 503.
# Returns the browser and when the token was first sent.
sub sent_and_lost {
    my ($node, $path) = @_;
    my $browser = new_browser();
    fake_mode_at($fake_base, 'normal');
    set_token_ttl($fake_base, 1);
    my (undef, undef, $callback) = sign_in_fake($browser, "$node->{url}$path");
    die 'sign-in failed: ' . $callback->status_line unless $callback->code == 302;
    wait_until(int(time) + 1.05);
    fake_mode_at($fake_base, 'refresh_spend_hang');
    my $sent = time;
    my $res = $browser->get("$node->{url}$path", Accept => 'text/html');
    is $res->code, 503, "$path: the refresh's answer never came: 503, try again";
    return ($browser, $sent);
}

# ---- (1) B's clock is ahead: inside the grace period, sent once more ----
my ($browser, $sent) = sent_and_lost($A, '/app/ahead');
my @lost = refreshes();
ok @lost >= 1, '(1) A sent the refresh token';
fake_mode_at($fake_base, 'normal');
# B's back-off (5 s on the cache's clock) ends; B's clock says the token
# went out 50 s ago, the cache's mark that it is inside the grace period
my $res;
for (1 .. 200) {
    $res = $browser->get("$B->{url}/app/ahead", Accept => 'text/html');
    last if $res->code != 503;
    sleep 0.25;
}
cmp_ok time - $sent, '<', $grace - 5, '(1) B asked well inside the grace period';
is $res->code, 200, '(1) B serves the session';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', '(1) as the user, without signing in again';
my @again = refreshes();
is scalar(@again), 1, '(1) B sent the refresh token once';
is $again[0]{form}{refresh_token} // '', $lost[0]{form}{refresh_token}, '(1) the same, spent one';
is $again[0]{status}, 200, '(1) inside the provider\'s grace period: accepted';
unlike log_of($B), qr/OKTA00026/, '(1) B did not end the session';

# ---- (2) A's clock is behind: past the grace period, never sent again ---
($browser, $sent) = sent_and_lost($B, '/app/behind');
@lost = refreshes();
ok @lost >= 1, '(2) B sent the refresh token';
fake_mode_at($fake_base, 'normal');
wait_until($sent + $grace + 1);
# A's clock says the token went out 9 s ago; it went out 31 s ago
$browser->get("$A->{url}/app/behind", Accept => 'text/html');
is scalar(refreshes()), 0, '(2) A did not send the spent token after the grace period';
like log_of($A), qr/OKTA00026: session of mallory-sub has ended \(the refresh token may have been spent/,
    '(2) A ended the session, saying why';
