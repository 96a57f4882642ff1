# SPDX-License-Identifier: Apache-2.0
# Two httpd servers ("node A" and "node B", as behind a load balancer)
# sharing one session cache, for redis and for memcache: a session started
# on A is served by B; a refresh done by one node is used by the other, and
# the rotated refresh token is spent exactly once even when requests of one
# session reach both nodes together; signing out on A ends the session on
# B; a cache server that dies mid-run makes requests fail cleanly (never
# served as someone, no crash), and once it is back sessions work again,
# refresh included, without restarting Apache.  With shmcb (the default)
# each node has its own sessions, as documented.
#
# The test starts its own redis-server, memcached, two providers with short
# access tokens (one per backend, so that each counts its own refreshes) and
# six apache2 processes on 127.0.0.1, and stops them however it ends.  The
# backends run side by side, step by step, so that they share the waits.
#
# No step races the clock: each session is signed in with the access token
# its step needs (set_token_ttl): one of an hour, which no request finds
# due, or one of 1 s, which has expired for good once the next second has
# begun.  A refresh issues one of an hour.  The deadlines only decide when
# to give up.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use IO::Select;
use IO::Socket::INET;
use List::Util qw(max);
use Okta::Cluster qw(ask);
use Time::HiRes qw(time sleep);
use Okta::Test qw(new_browser sign_in app_env set_cookie start_provider op_requests_at rp_top_port
                  op_reset_at wait_until kept_connection kept_get set_token_ttl
                  wait_token_expired issued_by_code_at);

my $parallel = 20;    # simultaneous requests of one session, half to each node
my $recovery = 60;    # seconds allowed for both nodes to use a restarted cache server
my $pool_ttl = 2;     # RedisConnPoolTTL and MemcacheConnTTL of the nodes
my $modules = '/usr/lib/apache2/modules';

# The nodes listen on ports the providers accept redirect URIs for, at
# the top of that range, above Apache::Test's own servers.
my $rp_high = rp_top_port(8);

my %backends = (
    shmcb => { name => "shmcb", nodes => [$rp_high - 5, $rp_high - 4] },
    redis => { name => "redis", nodes => [$rp_high - 3, $rp_high - 2],
               cache_port => $ENV{OKTA_TEST_REDIS_PORT} // 8621,
               op_port => $ENV{OKTA_OP_SHORT_PORT},
               server => '/usr/bin/redis-server' },
    memcache => { name => "memcache", nodes => [$rp_high - 1, $rp_high],
                  cache_port => $ENV{OKTA_TEST_MEMCACHED_PORT} // 8622,
                  op_port => $ENV{OKTA_TEST_OP_CLUSTER_PORT} // 8623,
                  server => '/usr/bin/memcached' },
);
# build/install-deps.sh installs these: one missing is a failure, not a skip
for my $name (qw(redis memcache)) {
    die "$name: $backends{$name}{server} or mod_socache_$name is not installed\n"
        unless -x $backends{$name}{server} && -e "$modules/mod_socache_$name.so";
}
my $per_backend = 41;
plan tests => 3 + 2 * $per_backend + 13;

# ---- processes this test starts: each stopped by its guard, or at END ----

sub slurp {
    my ($file, $from) = @_;
    open my $fh, '<', $file or return '';
    seek $fh, $from // 0, 0;
    local $/;
    return <$fh> // '';
}

my $dir = tempdir('okta-cluster-XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{OKTA_KEEP_CLUSTER});
chmod 0755, $dir; # the nodes' children (nobody) reach their runtime files and htdocs

sub start_cache {
    my ($bk) = @_;
    return Okta::Cluster::start_cache($bk->{name}, $bk->{cache_port}, $dir);
}

# One apache2 with the module in its own directory; both nodes of a
# backend have the same configuration but for the port (and `$extra`).
sub start_node {
    my ($bk, $name, $port, $extra) = @_;
    my $cache = $bk->{cache_port} ? "OktaSessionCache $bk->{name}:127.0.0.1:$bk->{cache_port}"
                                 : '# OktaSessionCache: the default, shmcb';
    return Okta::Cluster::start_node(root => "$dir/$bk->{name}-$name", port => $port,
                                     conf => <<"CONF");
# a connection to the cache server is dropped once unused for this long
# (15 s by default), so that none to a killed server lingers in a pool
RedisConnPoolTTL $pool_ttl
MemcacheConnTTL $pool_ttl
$cache
OktaIssuer $bk->{issuer}
OktaClientID okta-test
OktaClientSecret okta-test-secret
OktaCryptoPassphrase AGGhe4lWzi1YJgVQq0ekXMK0G5HXeoGjZAC6gEIV9Mk=
OktaRefreshLeeway 1
OktaLogoutURI /logout
@{[ $extra // '' ]}
CONF
}

# ---- helpers ----

sub refreshes {
    my ($bk) = @_;
    return grep { ($_->{grant_type} // '') eq 'refresh_token' } @{ op_requests_at($bk->{issuer}) };
}
sub refused {
    my ($bk) = @_;
    return map { "$_->{status} " . ($_->{error} // '') }
           grep { ($_->{status} // 0) >= 400 } @{ op_requests_at($bk->{issuer}) };
}

sub session_cookie {
    my ($res) = @_;
    my ($cookie) = set_cookie($res, 'okta_session') =~ /^(okta_session=[A-Za-z0-9_-]{43});/;
    return $cookie;
}

# A browser navigation that carries only the given session cookie.
sub get_with_cookie {
    my ($url, $cookie) = @_;
    return LWP::UserAgent->new(max_redirect => 0, timeout => 30)
        ->get($url, ($cookie ? (Cookie => $cookie) : ()), Accept => 'text/html');
}

sub redirect_to_provider {
    my ($bk, $res) = @_;
    return $res->code == 302 && index($res->header('Location') // '', "$bk->{issuer}/") == 0;
}

# Requests of one session that reach the nodes at the same moment: each
# connection is opened and sends the start of its request line first (httpd
# accepts only once data arrives, and takes the request time when the line
# is complete); at $when all send the rest.  Returns the raw responses.
sub fire_together {
    my ($when, $cookie, @nodes) = @_;
    my @conns;
    for my $i (0 .. $parallel - 1) {
        my $node = $nodes[$i % @nodes];
        my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $node->{port},
                                         Timeout => 5) or die "connect to $node->{port}: $!";
        $sock->syswrite("GET /app/together?$i HTTP/1.0");
        push @conns, { sock => $sock, port => $node->{port}, response => '' };
    }
    wait_until($when);
    for my $c (@conns) {
        $c->{sock}->syswrite("\r\nHost: localhost:$c->{port}\r\nCookie: $cookie\r\n"
                             . "Accept: text/html\r\n\r\n");
    }
    my %conn_of = map { fileno($_->{sock}) => $_ } @conns;
    my $select = IO::Select->new(map { $_->{sock} } @conns);
    my $started = time;
    while ($select->count && time - $started < 60) {
        for my $sock ($select->can_read(1)) {
            if ($sock->sysread(my $buf, 65536)) {
                $conn_of{ fileno $sock }{response} .= $buf;
            }
            else {
                $select->remove($sock);
                close $sock;
            }
        }
    }
    return map { $_->{response} } @conns;
}

sub log_size { -s $_[0]{error_log} // 0 }

# Signs in on $node as alice with a new browser: the browser, the
# callback's answer, and when it had come.
sub new_session {
    my ($node) = @_;
    my $ua = new_browser();
    my $res = sign_in($ua, "$node->{url}/app/cluster", 'alice', 'alice-password');
    return ($ua, $res, time);
}

# Signs in on $node with an access token of 1 s at $bk's provider (which
# issues tokens of an hour again afterwards, and forgets its requests):
# { ua, cookie, token, answered }.
sub short_session {
    my ($bk, $node) = @_;
    op_reset_at($bk->{issuer});
    set_token_ttl($bk->{issuer}, 1);
    my ($ua, $res, $answered) = new_session($node);
    my %session = (ua => $ua, cookie => session_cookie($res), answered => $answered,
                   token => issued_by_code_at($bk->{issuer}));
    op_reset_at($bk->{issuer});
    return \%session;
}

# ---- shmcb: each node keeps its own sessions ----
{
    my $bk = $backends{shmcb};
    $bk->{issuer} = $ENV{OKTA_OP_ISSUER};
    my ($node_a, $node_b) = map { start_node($bk, $_, $bk->{nodes}[ $_ eq 'A' ? 0 : 1 ]) } qw(A B);
    my ($ua, $res) = new_session($node_a);
    is $res->code, 302, 'shmcb: signed in on A';
    is app_env($ua->get("$node_a->{url}/app/cluster"))->{REMOTE_USER}, 'alice',
        'shmcb: A serves the session';
    $res = $ua->get("$node_b->{url}/app/cluster");
    ok redirect_to_provider($bk, $res),
        'shmcb: B does not know the session: sign in (sessions are per node)'
        or diag $res->status_line;
    $_->stop for $node_a, $node_b;
    is_deeply [map { $_->crash_signal } $node_a, $node_b], [0, 0],
        'shmcb: both nodes exit cleanly (their caches are kept until exit)';

    # A session a full shmcb drops is not served on from a process's memo
    # (which no write told of the drop) past the next activity write: in a
    # 10 KB cache (one subcache, room for a few sessions, the oldest dropped
    # first), with activity written every 4 s (an eighth of the inactivity
    # timeout, 32 s, which the ten sign-ins below stay well within).
    my $small = start_node({ %$bk, name => 'shmcb-small' }, 'S', $rp_high - 7,
                           "OktaSessionCache shmcb:$dir/small(10240)\n"
                           . 'OktaSessionInactivityTimeout 32');
    my ($victim) = new_session($small);
    my ($cookie) = $victim->cookie_jar->as_string =~ /(okta_session=[^;\s]+)/;
    my $conn = kept_connection($small->{port});
    my $ask = sub {
        return (kept_get($conn, '/app/cluster', Cookie => $cookie, Accept => 'text/html'))[0];
    };
    my $before = $ask->();
    my $last_activity = time; # the victim's last activity write was no later
    my $mark = -s $small->{error_log};
    new_session($small) for 1 .. 10; # the victim's record is pushed out
    wait_until(int($last_activity) + 4 + 0.05); # its next request writes its activity
    is "$before " . $ask->(), '200 302',
        'shmcb: a session the full cache dropped ends at its next activity write';
    like slurp($small->{error_log}, $mark), qr/OKTA00041: the session of alice was no longer/,
        'shmcb: OKTA00041 says so and suggests a larger cache';
    $small->stop;
    is $small->crash_signal, 0, 'shmcb: the small node exits cleanly';
}

# ---- redis and memcache: two nodes, one cache ----

my @b = map { $backends{$_} } qw(redis memcache);
for my $bk (@b) {
    $bk->{issuer} = "http://127.0.0.1:$bk->{op_port}";
    $bk->{op} = start_provider(script => 'op.js', port => $bk->{op_port},
                              env => { OP_RP_PORTS => $ENV{OKTA_RP_PORTS} },
                              log => $bk->{op_port} == ($ENV{OKTA_OP_SHORT_PORT} // 0)
                                     ? 'op-short.log' : "op-cluster-$bk->{name}.log");
    $bk->{cache} = start_cache($bk);
    $bk->{A} = start_node($bk, 'A', $bk->{nodes}[0]);
    $bk->{B} = start_node($bk, 'B', $bk->{nodes}[1]);
}

# 1. signed in on A, served by B
for my $bk (@b) {
    my ($n, $A, $B) = @$bk{qw(name A B)};
    op_reset_at($bk->{issuer});
    my $res;
    ($bk->{ua}, $res) = new_session($A);
    is $res->code, 302, "$n: signed in on A";
    $bk->{cookie} = session_cookie($res);
    ok $bk->{cookie}, "$n: A set a session cookie";
    $res = $bk->{ua}->get("$A->{url}/app/cluster");
    $bk->{token} = app_env($res)->{OKTA_ACCESS_TOKEN} // '';
    is $res->code, 200, "$n: A serves the session";
    $res = $bk->{ua}->get("$B->{url}/app/cluster");
    is $res->code, 200, "$n: B serves the session started on A";
    is app_env($res)->{REMOTE_USER}, 'alice', "$n: B sees the same REMOTE_USER";
    is app_env($res)->{OKTA_ACCESS_TOKEN}, $bk->{token}, "$n: and the same access token";
}

# 2. the access token has expired: B refreshes, A uses what B got.  Each
# backend signs in two sessions with tokens of 1 s: one for this step, one
# for the next.
for my $bk (@b) {
    $bk->{expired} = short_session($bk, $bk->{A});
    $bk->{together} = short_session($bk, $bk->{A});
}
wait_token_expired(max(map { $_->{expired}{answered}, $_->{together}{answered} } @b));
for my $bk (@b) {
    my ($n, $A, $B, $session) = @$bk{qw(name A B expired)};
    my $res = get_with_cookie("$B->{url}/app/cluster", $session->{cookie});
    is $res->code, 200, "$n: token expired: B answers 200";
    my $token = app_env($res)->{OKTA_ACCESS_TOKEN} // '';
    ok length($token) && $token ne $session->{token}, "$n: B hands on a new access token";
    my @refreshes = refreshes($bk);
    is scalar(@refreshes), 1, "$n: the provider saw one refresh";
    is $refreshes[0]{new_access_token} // '', $token, "$n: B's token is the one it issued";
    $res = get_with_cookie("$A->{url}/app/cluster", $session->{cookie});
    is $res->code, 200, "$n: then A answers 200";
    is app_env($res)->{OKTA_ACCESS_TOKEN}, $token, "$n: with the token B got";
    is scalar(refreshes($bk)), 1, "$n: and no second refresh";
}

# 3. another session whose token has expired: its requests at both nodes at once
for my $bk (@b) {
    my ($n, $A, $B, $session) = @$bk{qw(name A B together)};
    op_reset_at($bk->{issuer});
    my @marks = map { log_size($_) } $A, $B;
    my (%codes, %users, %tokens);
    for my $response (fire_together(time, $session->{cookie}, $A, $B)) {
        $codes{ ($response =~ m{^HTTP/1\.\d (\d{3})})[0] // 'none' }++;
        $users{ ($response =~ /^REMOTE_USER=(.*)$/m)[0] // '' }++;
        $tokens{ ($response =~ /^OKTA_ACCESS_TOKEN=(.*)$/m)[0] // '' }++;
    }
    is_deeply \%codes, { 200 => $parallel }, "$n: $parallel requests across A and B: all 200";
    is_deeply \%users, { alice => $parallel }, "$n: all as alice";
    my ($token) = keys %tokens;
    ok keys(%tokens) == 1 && $token ne $session->{token}, "$n: all with one new access token"
        or diag explain \%tokens;
    my @refreshes = refreshes($bk);
    is scalar(@refreshes), 1, "$n: the provider saw exactly one refresh";
    is $refreshes[0]{new_access_token} // '', $token, "$n: the requests got the token it issued";
    is_deeply [refused($bk)], [], "$n: no token request refused (no spent refresh token presented)";
    my $log = slurp($A->{error_log}, $marks[0]) . slurp($B->{error_log}, $marks[1]);
    is scalar(() = $log =~ /OKTA00032: refreshed the tokens of alice/g), 1,
        "$n: one node logged the refresh (OKTA00032)";
    unlike $log, qr/OKTA000(?:26|33|34|36)/,
        "$n: no session ended, refresh refused or abandoned, record lock given up";
}

# 4. signed out on A: the session is gone on B too
for my $bk (@b) {
    my ($n, $A, $B) = @$bk{qw(name A B)};
    my $session = $bk->{together};
    my $res = $session->{ua}->get("$A->{url}/logout", 'Sec-Fetch-Site' => 'same-origin');
    ok redirect_to_provider($bk, $res), "$n: logout on A sends the browser to the provider"
        or diag $res->status_line;
    $res = get_with_cookie("$B->{url}/app/cluster", $session->{cookie});
    ok redirect_to_provider($bk, $res), "$n: B no longer knows the session: sign in again"
        or diag $res->status_line;
    ok redirect_to_provider($bk, get_with_cookie("$A->{url}/app/cluster", $session->{cookie})),
        "$n: nor does A";
}

# 4b. redis is full (maxmemory, noeviction): it still reads, but refuses
# every write, locks included.  A third node records activity every 2 s
# (an eighth of its inactivity timeout).  Two sessions: one with a token of
# an hour, one whose token has expired.
{
    my $bk = $backends{redis};
    my $C = start_node($bk, 'C', $rp_high - 6, 'OktaSessionInactivityTimeout 16');
    op_reset_at($bk->{issuer});
    my (undef, $res, $valid_answered) = new_session($C);
    my $cookie = session_cookie($res);
    my $expired = short_session($bk, $C);
    my $mark = log_size($C);
    my $full = join '', map { ask($bk->{cache_port}, "CONFIG SET $_\r\n") }
                        'maxmemory-policy noeviction', 'maxmemory 1';
    is $full, "+OK\r\n+OK\r\n", 'redis full: maxmemory 1 with noeviction';
    # the next request of the first session records its activity (it is 2 s
    # old, and 16 s away from its inactivity timeout), and the second's token
    # has expired
    wait_until(max(int($valid_answered) + 2, int($expired->{answered}) + 1) + 0.05);
    $res = get_with_cookie("$C->{url}/app/cluster?full", $cookie);
    is $res->code, 200, 'redis full: a session with a valid token is still served';
    like slurp($C->{error_log}, $mark), qr/OKTA00036: cannot write a session record/,
        'redis full: its activity could not be recorded, and the log says so (OKTA00036)';
    $res = get_with_cookie("$C->{url}/app/cluster?full-expired", $expired->{cookie});
    is $res->code, 503, 'redis full: token expired and no refresh lock to be had: 503';
    like $res->decoded_content, qr/unavailable/i, 'redis full: the page says sessions are unavailable';
    like slurp($C->{error_log}, $mark), qr/OKTA00037: cannot take the refresh lock of the session of alice/,
        'redis full: the refresh lock failure is logged (OKTA00037)';
    is scalar(refreshes($bk)), 0, 'redis full: no refresh was tried without the lock';
    ask($bk->{cache_port}, "CONFIG SET maxmemory 0\r\n");
    $res = get_with_cookie("$C->{url}/app/cluster?room-again", $expired->{cookie});
    is $res->code, 200, 'redis has room again: the same session is served';
    is scalar(refreshes($bk)), 1, 'redis has room again: its token was refreshed once';
    $C->stop;
}

# 5. the cache server dies while a session is in use
for my $bk (@b) {
    my ($n, $A, $B) = @$bk{qw(name A B)};
    my (undef, $res) = new_session($A);
    $bk->{cookie} = session_cookie($res);
    is get_with_cookie("$B->{url}/app/cluster", $bk->{cookie})->code, 200,
        "$n: a new session, served by B";
    $bk->{marks} = [map { log_size($_) } $A, $B];
}
for my $bk (@b) {
    my ($n, $A, $B) = @$bk{qw(name A B)};
    $bk->{cache}->kill_now;
    $bk->{killed_at} = time;
    my @answers;
    for my $i (1 .. 8) {
        my $node = $i % 2 ? $A : $B;
        my $started = time;
        my $res = get_with_cookie("$node->{url}/app/cluster?down=$i", $bk->{cookie});
        push @answers, { node => $node->{port}, code => $res->code, took => time - $started,
                         redirect => redirect_to_provider($bk, $res),
                         body => $res->decoded_content // '' };
    }
    note "$n: cache down: " . join ', ', map { sprintf '%s %s (%.2f s)', @$_{qw(node code took)} } @answers;
    is_deeply [map { "$_->{node} $_->{code}" }
               grep { $_->{code} == 200 || $_->{body} =~ /REMOTE_USER=/ } @answers], [],
        "$n: cache down: no request is served as alice";
    is_deeply [map { "$_->{node} $_->{code}" }
               grep { !($_->{code} >= 500 && $_->{code} <= 599) && !$_->{redirect} } @answers],
        [], "$n: cache down: each answer is a 5xx page or a redirect to sign in";
    is_deeply [map { "$_->{node} $_->{code}" }
               grep { $_->{code} >= 500 && $_->{body} !~ /unavailable/i } @answers], [],
        "$n: cache down: the 5xx pages say the service is unavailable";
    is_deeply [map { sprintf '%s %.1f s', $_->{node}, $_->{took} } grep { $_->{took} > 5 } @answers],
        [], "$n: cache down: every answer came within 5 s";
    my $probe = LWP::UserAgent->new(timeout => 10);
    is_deeply [map { $probe->get("$_->{url}/hello.txt")->code } $A, $B], [200, 200],
        "$n: cache down: both nodes still answer";
    my $res = get_with_cookie("$A->{url}/app/cluster");
    ok $res->code >= 500 && $res->code <= 599 || redirect_to_provider($bk, $res),
        "$n: cache down: a new visitor gets a 5xx page or a redirect to sign in"
        or diag $res->status_line;
}

# The cache servers come back, empty, on the same ports.  A node's
# processes may take a while to use them again (a socache provider
# retries a dead server every few seconds and drops stale pooled
# connections only as they fail or expire): a new sign-in on A must
# work, and be seen on B, within $recovery seconds.
my $back = time;
$_->{cache} = start_cache($_) for @b;
my @waiting = @b;
while (@waiting && time - $back < $recovery) {
    for my $bk (@waiting) {
        my ($A, $B) = @$bk{qw(A B)};
        my $ua = new_browser();
        my $res = eval { sign_in($ua, "$A->{url}/app/cluster", 'alice', 'alice-password') };
        my $cookie = $res && $res->code == 302 && session_cookie($res);
        next unless $cookie;
        $bk->{signed_in_after} //= time - $back;
        $bk->{new_cookie} = $cookie;
        $res = get_with_cookie("$B->{url}/app/cluster", $cookie);
        $bk->{seen_on_b} = app_env($res)->{REMOTE_USER} if $res->code == 200;
        $bk->{seen_after} = time - $back if $bk->{seen_on_b};
    }
    @waiting = grep { !$_->{seen_on_b} } @waiting;
    sleep 0.5 if @waiting;
}
# and then every process of both nodes serves it
@waiting = grep { $_->{seen_on_b} } @b;
while (@waiting && time - $back < $recovery) {
    for my $bk (@waiting) {
        my @codes = map { get_with_cookie("$_->{url}/app/cluster?again", $bk->{new_cookie})->code }
                    (@$bk{qw(A B)}) x 4;
        $bk->{recovery_codes}{$_}++ for @codes;
        $bk->{all_after} = time - $back unless grep { $_ != 200 } @codes;
    }
    @waiting = grep { !defined $_->{all_after} } @waiting;
    sleep 0.5 if @waiting;
}
for my $bk (@b) {
    my ($n, $A, $B) = @$bk{qw(name A B)};
    ok $bk->{new_cookie}, "$n: cache back: a new sign-in on A works without restarting Apache";
    is $bk->{seen_on_b}, 'alice', "$n: cache back: B serves that session";
    ok defined $bk->{all_after}, "$n: cache back: then every process of both nodes serves it";
    note sprintf '%s: cache back: signed in after %s s, seen on B after %s s, '
        . 'by every process after %s s', $n,
        map { defined ? sprintf('%.1f', $_) : 'never' } @$bk{qw(signed_in_after seen_after all_after)};
    note "$n: cache back: answers to the signed-in browser meanwhile: "
        . join ', ', map { "$_ x$bk->{recovery_codes}{$_}" } sort keys %{ $bk->{recovery_codes} };
    ok redirect_to_provider($bk, get_with_cookie("$B->{url}/app/cluster", $bk->{cookie})),
        "$n: cache back: the session from before the crash is gone";
}

# Until a node's processes have no pooled connection to the killed server
# left, any request may still fail: a process that uses one takes the
# server for dead and answers without it for 5 s (apr_redis and
# apr_memcache try a dead server again every 5 s), and no process is bound
# to have been tried above.  Those connections were all last used before
# the kill and are dropped $pool_ttl s after their last use, so from $pool_ttl
# + 5 s after the kill on, every process of both nodes uses the cache.
wait_until(max(map { $_->{killed_at} } @b) + $pool_ttl + 5 + 0.5);

# The restarted cache also holds the refresh locks: a session signed in
# now, once its token has expired, is refreshed once, B and A agreeing.
$_->{after} = short_session($_, $_->{A}) for @b;
wait_token_expired(max(map { $_->{after}{answered} } @b));
for my $bk (@b) {
    my ($n, $A, $B, $session) = @$bk{qw(name A B after)};
    my $res = get_with_cookie("$B->{url}/app/cluster?after", $session->{cookie});
    is $res->code, 200, "$n: cache back: the token expired: B refreshes it"
        or diag $res->status_line;
    my $token = app_env($res)->{OKTA_ACCESS_TOKEN};
    is app_env(get_with_cookie("$A->{url}/app/cluster?after", $session->{cookie}))
        ->{OKTA_ACCESS_TOKEN}, $token, "$n: cache back: A uses the token B got";
    is scalar(refreshes($bk)), 1, "$n: cache back: one refresh at the provider";
}

for my $bk (@b) {
    my ($n, $A, $B) = @$bk{qw(name A B)};
    my $log = join '', map { slurp($_->{error_log}) } $A, $B;
    unlike $log, qr/Segmentation fault|exit signal|AH00052|AH00060/, "$n: no httpd child crashed";
    ok kill(0, $A->{pid}) && kill(0, $B->{pid}), "$n: both nodes kept running";
    like slurp($A->{error_log}, $bk->{marks}[0]) . slurp($B->{error_log}, $bk->{marks}[1]),
        qr/OKTA0000[89]: cannot (?:read|store)[^\n]*session cache \Q$n\E/,
        "$n: the cache failure was logged (OKTA00008/OKTA00009)";
    if (!Test::More->builder->is_passing) {
        diag "$n: error_log of node $_:\n" . slurp($bk->{$_}{error_log}) for qw(A B);
    }
}
$_->stop for map { @$_{qw(A B cache)} } @b;
