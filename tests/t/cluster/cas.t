# SPDX-License-Identifier: Apache-2.0
# Writes to a shared session cache are compare-and-set (defect 12): a node
# whose write of a session record reaches the cache server late must not
# put back a record that another node changed or removed meanwhile.
#
# Node A reaches the cache server through a proxy that holds one record
# write back (tests/lib/Okta/hold-proxy), as a slow network would; node B
# reaches it directly.  A's request records the session's activity (every
# 4 s with OktaSessionInactivityTimeout 16), its write is held, the user
# signs out at B, then A's write goes through: the session must stay ended,
# for A's request and for every later one.  And a refresh at A, whose write
# comes late, after B recorded the session's activity: A writes again over
# B's record, and the refresh is not lost.  For redis and memcache.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use POSIX ();
use Time::HiRes qw(time sleep);
use Okta::Cluster ();
use Okta::Process ();
use Okta::Test qw(new_browser app_env start_provider sign_in_fake rp_top_port poll_until
                  set_cookie set_token_ttl fake_requests_at wait_until);

my @backends = ('redis', 'memcache');
plan tests => 13 * @backends;

my $fake = start_provider(script => 'fake-op.js', port => $ENV{OKTA_FAKE_SHORT_PORT},
                          log => 'fake-cas.log');
my $fake_base = $ENV{OKTA_FAKE_SHORT_BASE};
my $dir = tempdir('okta-cas-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dir;
my $rp_high = rp_top_port(2);

sub free_port { IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0)->sockport }

for my $backend (@backends) {
    my $cache_port = $backend eq 'redis' ? $ENV{OKTA_TEST_REDIS_PORT} // 8621
                                         : $ENV{OKTA_TEST_MEMCACHE_PORT} // 8622;
    my $cache = Okta::Cluster::start_cache($backend, $cache_port, $dir);
    my $proxy_port = free_port();
    mkdir "$dir/$backend";
    my $proxy = Okta::Process::spawn(
        name => "hold-proxy to $backend", log => "$dir/$backend/proxy.log",
        cmd => [$^X, "$FindBin::Bin/../../lib/Okta/hold-proxy", $proxy_port, $cache_port,
                "$dir/$backend"],
        ready => sub { IO::Socket::INET->new(PeerAddr => "127.0.0.1:$proxy_port", Timeout => 1) });
    my $node = sub {
        my ($name, $port, $via) = @_;
        return Okta::Cluster::start_node(root => "$dir/$backend/$name", port => $port,
                                         conf => <<"CONF");
OktaSessionCache $backend:127.0.0.1:$via
OktaIssuer $fake_base/good
OktaClientID fake-client
OktaClientSecret fake-secret
OktaCryptoPassphrase p4Tq0cS5a2fJ8mK1vW3xN6rB9yE2hL7uZ0oD4iG5sQc=
OktaSessionInactivityTimeout 16
OktaRefreshLeeway 30
OktaLogoutURI /logout
CONF
    };
    my $A = $node->('A', $rp_high - 1, $proxy_port);
    my $B = $node->('B', $rp_high, $cache_port);

    my $browser = new_browser();
    my (undef, undef, $callback) = sign_in_fake($browser, "$B->{url}/app/cas");
    my ($cookie) = set_cookie($callback, 'okta_session') =~ /^([^;]+)/;
    is $browser->get("$A->{url}/app/cas")->code, 200, "$backend: signed in at B, served at A";
    # the next request records the session's activity (every 2 s)
    sleep 2.1;

    kill 'USR1', $proxy->{pid};
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        my $res = new_browser()->get("$A->{url}/app/cas", Cookie => $cookie, Accept => 'text/html');
        POSIX::_exit($res->code == 200 ? 0 : $res->code == 302 ? 3 : 1);
    }
    ok poll_until(sub { -e "$dir/$backend/held" }), "$backend: A's write of the session is held";
    my $logout = new_browser()->get("$B->{url}/logout", Cookie => $cookie,
                                    'Sec-Fetch-Site' => 'same-origin');
    is $logout->code, 302, "$backend: signed out at B meanwhile";
    kill 'USR2', $proxy->{pid};
    waitpid $pid, 0;
    is $? >> 8, 3, "$backend: A's request, once its write went through, is sent to sign in";
    ok !-e "$dir/$backend/held", "$backend: the proxy let the write through";
    for my $node ([A => $A], [B => $B]) {
        is new_browser()->get("$node->[1]{url}/app/cas", Cookie => $cookie, Accept => 'text/html')->code,
            302, "$backend: the signed-out session stays ended at $node->[0]";
    }

    # A refreshes a token that is due (20 s, leeway 30) within 2 s of the
    # sign-in (so it records no activity first): the first write it makes,
    # the sending of the refresh token, is held (3 s at most: a conditional
    # write waits 5 s); B records the session's activity (2 s on) and
    # serves it with the still-valid token
    set_token_ttl($fake_base, 20);
    (undef, undef, $callback) = sign_in_fake(new_browser(), "$B->{url}/app/cas2");
    my $signed_in = time;
    ($cookie) = set_cookie($callback, 'okta_session') =~ /^([^;]+)/;
    my @before = grep { ($_->{form}{grant_type} // '') eq 'refresh_token' } @{ fake_requests_at($fake_base) };
    kill 'USR1', $proxy->{pid};
    $pid = fork // die "fork: $!";
    if (!$pid) {
        my $res = new_browser()->get("$A->{url}/app/cas2", Cookie => $cookie);
        open my $out, '>', "$dir/$backend/a-result" or POSIX::_exit(1);
        print $out $res->code, ' ', app_env($res)->{OKTA_ACCESS_TOKEN} // '', "\n";
        close $out;
        POSIX::_exit(0);
    }
    ok poll_until(sub { -e "$dir/$backend/held" }), "$backend: A's first write for its refresh is held";
    ok time - $signed_in < 2, "$backend: A asked within 2 s of the sign-in";
    wait_until($signed_in + 2.1);
    is new_browser()->get("$B->{url}/app/cas2", Cookie => $cookie)->code, 200,
        "$backend: B serves the session and records its activity meanwhile";
    kill 'USR2', $proxy->{pid};
    waitpid $pid, 0;
    my ($code, $token) = do { open my $in, '<', "$dir/$backend/a-result"; split ' ', <$in> // '' };
    my @refreshes = grep { ($_->{form}{grant_type} // '') eq 'refresh_token' } @{ fake_requests_at($fake_base) };
    splice @refreshes, 0, scalar @before;
    is $code, 200, "$backend: A serves the session";
    is scalar(@refreshes), 1, "$backend: A refreshed once, its write redone over B's";
    is $token // '', $refreshes[0]{new_access_token} // 'none', "$backend: with the refreshed token";
}
