# SPDX-License-Identifier: Apache-2.0
# A signed-out session does not come back when someone who reaches the
# cache server writes its old record back (defect 13): the record is
# sealed, but an old sealed record is still one the module made.  For redis
# and memcache: the test copies a session's record out of the cache server,
# signs out, writes the copy back under the same key, and asks with the
# session's cookie again.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use Okta::Cluster qw(redis record_key);
use Okta::Test qw(new_browser app_env start_provider sign_in_fake rp_top_port set_cookie);

my @backends = ('redis', 'memcache');
plan tests => 6 * @backends;

my $passphrase = 'Jm4cS8qT1vY6wB0nF3hK7pX2zR5uD9eA1gL4oC8iN6s=';
my $fake = start_provider(script => 'fake-op.js', port => $ENV{OKTA_FAKE_SHORT_PORT},
                          log => 'fake-replay.log');
my $fake_base = $ENV{OKTA_FAKE_SHORT_BASE};
my $dir = tempdir('okta-replay-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dir;
my $rp_high = rp_top_port(1);

# A raw memcache exchange: `command`, then the reply up to `until`.
sub memcache {
    my ($port, $command, $until) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 2)
        or die "memcached on $port: $!";
    $sock->syswrite($command);
    my $reply = '';
    while ($reply !~ $until) {
        $sock->sysread(my $buf, 65536) or last;
        $reply .= $buf;
    }
    return $reply;
}
my %cache = (
    redis => {
        port => $ENV{OKTA_TEST_REDIS_PORT} // 8621,
        get => sub { my ($port, $key) = @_; redis($port, 'GET', $key) },
        put => sub { my ($port, $key, $value) = @_; redis($port, 'SET', $key, $value, 'PX', 600000) },
    },
    memcache => {
        port => $ENV{OKTA_TEST_MEMCACHED_PORT} // 8622,
        get => sub {
            my ($port, $key) = @_;
            my $reply = memcache($port, "get $key\r\n", qr/END\r\n$/);
            my ($len) = $reply =~ /^VALUE \S+ \d+ (\d+)\r\n/ or return undef;
            return substr($reply, length($&), $len);
        },
        put => sub {
            my ($port, $key, $value) = @_;
            memcache($port, "set $key 0 600 " . length($value) . "\r\n$value\r\n", qr/\r\n$/);
        },
    },
);

for my $backend (@backends) {
    my $c = $cache{$backend};
    my $server = Okta::Cluster::start_cache($backend, $c->{port}, $dir);
    my $node = Okta::Cluster::start_node(root => "$dir/$backend", port => $rp_high, conf => <<"CONF");
OktaSessionCache $backend:127.0.0.1:$c->{port}
OktaIssuer $fake_base/good
OktaClientID fake-client
OktaClientSecret fake-secret
OktaCryptoPassphrase $passphrase
OktaLogoutURI /logout
CONF
    my $browser = new_browser();
    my (undef, undef, $callback) = sign_in_fake($browser, "$node->{url}/app/replay");
    my ($cookie, $sid) = set_cookie($callback, 'okta_session') =~ /^(okta_session=([^;]+))/;
    is app_env(new_browser()->get("$node->{url}/app/replay", Cookie => $cookie))->{REMOTE_USER},
        'mallory-sub', "$backend: signed in";
    my $key = record_key($passphrase, 'session', $sid);
    my $record = $c->{get}->($c->{port}, $key);
    ok defined $record && length $record > 100, "$backend: the session's sealed record, copied";
    is new_browser()->get("$node->{url}/logout", Cookie => $cookie, 'Sec-Fetch-Site' => 'same-origin')->code,
        302, "$backend: signed out";
    ok !defined $c->{get}->($c->{port}, $key), "$backend: the record is gone";
    $c->{put}->($c->{port}, $key, $record);
    my $mark = -s $node->{error_log};
    my $res = new_browser()->get("$node->{url}/app/replay", Cookie => $cookie, Accept => 'text/html');
    is $res->code, 302, "$backend: the old record written back: the session stays ended";
    open my $log, '<', $node->{error_log} or die $!;
    seek $log, $mark, 0;
    like do { local $/; <$log> }, qr/OKTA00064: the record of a session of mallory-sub that has ended/,
        "$backend: OKTA00064 says so";
    undef $node;
    undef $server;
}
