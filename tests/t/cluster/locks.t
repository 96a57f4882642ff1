# SPDX-License-Identifier: Apache-2.0
# The locks that keep one refresh at a time per session, and one writer at
# a time per session record, with the session cache in redis or memcache
# (shared by nodes): a lock always ends by itself, only its holder lets go of it, and
# the request that takes a lock after its holder outlived it reads the
# session as stored, so a spent refresh token is never sent again.
#
# A node (two processes) on redis, one on memcache, and the scripted provider (reuse grace
# 5 s; the node has OktaHTTPTimeout 2, so a refresh lock lives 8 s, and
# OktaRefreshGrace 5).  A holder is made to outlive its lock by stopping
# its process (SIGSTOP) while its refresh is at the provider; the test
# waits for events (the provider received the request, the lock key is
# gone from redis), never for time.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use IO::Select;
use Time::HiRes qw(time sleep);
use Okta::Cluster qw(ask start_cache start_node redis lock_key refresh_lock_id
                     pids_connected_to);
use Okta::Test qw(new_browser sign_in_fake start_provider fake_mode_at fake_requests_at
                  set_token_ttl app_env kept_connection server_pids_of_connections wait_until
                  rp_top_port);

plan tests => 5 + 2 * 8;

my $rp_high = rp_top_port(8);
my $redis_port = $ENV{OKTA_TEST_REDIS_PORT} // 8621;
my $memcached_port = $ENV{OKTA_TEST_MEMCACHED_PORT} // 8622;
my $fake_base = $ENV{OKTA_FAKE_SHORT_BASE};
my $passphrase = 'Tn8Hb3GZm2vJ0w2mQ7Vq6qJmY1tVb9kS2y3cX4n5w6A=';
my $dir = tempdir('okta-locks-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dir;

my $redis = start_cache('redis', $redis_port, $dir);
my $memcached = start_cache('memcache', $memcached_port, $dir);
my $fake = start_provider(script => 'fake-op.js', port => $ENV{OKTA_FAKE_SHORT_PORT},
                          env => { FAKE_REFRESH_GRACE => 5 }, log => 'fake-locks.log');

# A node whose sessions and locks are in `$cache`.
sub node {
    my ($name, $port, $cache) = @_;
    my $node = start_node(root => "$dir/$name", port => $port, conf => <<"CONF");
OktaSessionCache $cache
OktaIssuer $fake_base/good
OktaClientID fake-client
OktaClientSecret fake-secret
OktaCryptoPassphrase $passphrase
OktaRefreshLeeway 30
OktaRefreshGrace 5
OktaHTTPTimeout 2
CONF
    $node->{name} = $name;
    return $node;
}
my $redis_node = node('redis', $rp_high - 6, "redis:127.0.0.1:$redis_port");
$redis_node->{get} = sub { redis($redis_port, 'GET', $_[0]) };
$redis_node->{set} = sub { redis($redis_port, 'SET', $_[0], $_[1], 'PX', 60000) };
my $memcache_node = node('memcache', $rp_high - 7, "memcache:127.0.0.1:$memcached_port");
$memcache_node->{get} = sub {
    my ($value) = ask($memcached_port, "get $_[0]\r\n") =~ /^VALUE \S+ \d+ \d+\r\n(.*?)\r\n/s;
    return $value;
};
$memcache_node->{set} = sub {
    ask($memcached_port, "set $_[0] 0 60 " . length($_[1]) . "\r\n$_[1]\r\n") =~ /^STORED/
        or die "memcached: cannot set $_[0]";
};

sub refreshes {
    return grep { ($_->{form}{grant_type} // '') eq 'refresh_token' }
        @{ fake_requests_at($fake_base) };
}

# Signs in with an access token of 1 s, and waits until it has expired.
sub expired_session {
    my ($ua, $base) = @_;
    set_token_ttl($fake_base, 1);
    my (undef, undef, $callback) = sign_in_fake($ua, "$base/app/locks");
    die 'sign-in failed: ' . $callback->status_line unless $callback->code == 302;
    my ($sid) = $ua->cookie_jar->as_string =~ /okta_session=([A-Za-z0-9_-]{43})/;
    wait_until(int(time) + 1.05);
    return $sid;
}

# The status of a response on a kept connection, its body read.
sub read_response {
    my ($conn) = @_;
    my ($code) = $conn->read_response_headers;
    1 while $conn->read_entity_body(my $buf, 4096);
    return $code;
}

sub poll {
    my ($what, $cond) = @_;
    my $deadline = time + 60;
    until ($cond->()) {
        die "gave up waiting for $what\n" if time > $deadline;
        sleep 0.05;
    }
}

# ---- a lock key left without expiry does not block for longer than a lock ----
# (a crash between the two steps of the old INCR-then-SETEX lock left such a
# key: every refresh of the session waited for it until the session ended)
fake_mode_at($fake_base, 'normal');
my $ua = new_browser();
expired_session($ua, $redis_node->{url});
my ($exchange) = grep { ($_->{form}{grant_type} // '') eq 'authorization_code' }
    @{ fake_requests_at($fake_base) };
my $stuck = lock_key($passphrase, 'refresh-lock',
                     refresh_lock_id($exchange->{new_refresh_token} // 'none'));
redis($redis_port, 'SET', $stuck, '1');
is redis($redis_port, 'PTTL', $stuck), -1, 'a session\'s refresh lock is left without expiry';
# the lock's lifetime: 4 x OktaHTTPTimeout + 2 s
my $res = $ua->get("$redis_node->{url}/app/locks", Accept => 'text/html');
is $res->code, 200, 'the session is refreshed once the stray lock has lived a lock\'s lifetime';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'as the same user';
is scalar(refreshes()), 1, 'one refresh';
is redis($redis_port, 'EXISTS', $stuck), 0, 'the stray key is gone';

# ---- a holder that outlives its lock -----------------------------------------
# Several requests of one session at once, on both processes; the first to
# take the lock sends the refresh token, which the provider spends without
# answering, and its process is stopped.  Its lock ends; a waiter takes it.
for my $node ($redis_node, $memcache_node) {
    my ($n, $base) = ($node->{name}, $node->{url});
    fake_mode_at($fake_base, 'normal');
    my $ua = new_browser();
    my $sid = expired_session($ua, $base);
    my ($cookie) = $ua->cookie_jar->as_string =~ /(okta_session=[A-Za-z0-9_-]{43})/;
    fake_mode_at($fake_base, 'refresh_spend_hang');
    my (@conns, %pid_of, %pids);
    for (1 .. 60) {
        push @conns, kept_connection($node->{port});
        $conns[-1]->write_request(GET => '/hello.txt');
        read_response($conns[-1]);
        %pid_of = %{ server_pids_of_connections($node->{port}, map { $_->sockport } @conns) };
        %pids = map { $_ => 1 } values %pid_of;
        last if keys %pids == 2 && @conns >= 8;
    }
    is scalar(keys %pids), 2, "$n: connections to both processes of the node";
    $_->write_request(GET => '/app/locks', Cookie => $cookie, Accept => 'text/html') for @conns;
    poll('the refresh at the provider', sub { scalar refreshes() });
    my @spent = refreshes();
    my ($holder) = grep { $pids{$_} } pids_connected_to($ENV{OKTA_FAKE_SHORT_PORT});
    ok $holder, "$n: the holder is one of the node's processes";
    kill 'STOP', $holder;
    my $lock = lock_key($passphrase, 'refresh-lock',
                        refresh_lock_id($spent[0]{form}{refresh_token}));

    # The other process's waiters: the lock ends, one takes it, reads the
    # session as stored (the token was sent more than OktaRefreshGrace
    # ago) and does not send it again.
    my %codes;
    $codes{ read_response($_) }++ for grep { $pid_of{ $_->sockport } != $holder } @conns;
    is_deeply [sort keys %codes], [302], "$n: the waiters are sent to sign in again";
    my @presented = refreshes();
    is scalar(@presented), 1, "$n: the spent refresh token was not sent again";
    ok !grep({ $_->{refresh_reuse} } @presented), "$n: no reuse of a spent token at the provider";

    # The holder comes back after its lock ended and another request took
    # the key: it must not let go of a lock that is no longer its own.
    poll('the holder\'s lock to end', sub { !defined $node->{get}->($lock) });
    $node->{set}->($lock, 'the-next-holder');
    kill 'CONT', $holder;
    read_response($_) for grep { $pid_of{ $_->sockport } == $holder } @conns;
    is $node->{get}->($lock), 'the-next-holder', "$n: the next holder's lock is left alone";
    is scalar(refreshes()), 1, "$n: the holder did not send the token again either";
    fake_mode_at($fake_base, 'normal');
    unlike do { local (@ARGV, $/) = $node->{error_log}; <> }, qr/exit signal|AH00052/,
        "$n: no process crashed";
}
