# SPDX-License-Identifier: Apache-2.0
# Fifty requests of one session arrive together after its access token has
# expired, over connections held by several httpd processes: exactly one
# refresh reaches the provider (a second use of the rotated refresh token
# would revoke the session everywhere), and every request is served with
# the one new access token.
#
# The session's token lives 1 s, so it has expired for good once the next
# second has begun; the refresh issues one of an hour, which none of the
# fifty finds due again (OktaRefreshLeeway is 30).  Nothing here races
# the clock; the deadlines only decide when to give up.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time sleep);
use Okta::Test qw(new_browser server_url sign_in app_env set_cookie start_short_provider
                  op_requests_at op_reset_at error_log_mark error_log_since set_token_ttl
                  wait_token_expired issued_by_code_at poll_until
                  server_pids_of_connections log_pids);

plan tests => 15;

my $parallel = 50;
my $op = start_short_provider();
my $issuer = $ENV{OKTA_OP_SHORT_ISSUER};
my $base = server_url('okta_refresh');
my ($host, $port) = $base =~ m{^http://([^:/]+):(\d+)$} or die "unexpected base URL $base";

op_reset_at($issuer);
set_token_ttl($issuer, 1);
my $ua = new_browser();
my $res = sign_in($ua, "$base/app/concurrency", 'alice', 'alice-password');
my $answered = time;
is $res->code, 302, 'signed in';
my ($session) = set_cookie($res, 'okta_session') =~ /^(okta_session=[^;]+)/;
ok $session, 'a session cookie';
# (a request now would refresh it: the sign-in's token is the provider's to tell)
my $old_token = issued_by_code_at($issuer);
ok length $old_token, 'the session has an access token';
op_reset_at($issuer); # tokens of an hour from now on

# Open the connections first and find which process holds each.  httpd
# accepts a connection only once data arrives (TCP_DEFER_ACCEPT), so each
# sends the start of its request line now, the rest later: r->request_time
# is taken when the whole line has been read.
my $request_line = 'GET /app/concurrency HTTP/1.0';
my @conns;
for (1 .. $parallel) {
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 5)
        or die "connect to $port: $!";
    $sock->syswrite($request_line);
    push @conns, { sock => $sock, port => $sock->sockport, response => '' };
}
# Each holds a worker thread while it waits for the rest of its line, and
# a process has 20 (ThreadsPerChild): fifty take at least three processes.
my $pid_of = {};
poll_until(sub {
    $pid_of = server_pids_of_connections($port, map { $_->{port} } @conns);
    return keys %$pid_of == $parallel;
});
is scalar(keys %$pid_of), $parallel, 'every connection was accepted by an httpd process';

# The access token has expired: no request may be served with it.
wait_token_expired($answered);
my $mark = error_log_mark();
my $request = "\r\nHost: $host:$port\r\nCookie: $session\r\nAccept: text/html\r\n\r\n";
my $started = time;
$_->{sock}->syswrite($request) for @conns;
my %conn_of = map { fileno($_->{sock}) => $_ } @conns;
my $select = IO::Select->new(map { $_->{sock} } @conns);
while ($select->count && time - $started < 60) {
    for my $sock ($select->can_read(1)) {
        my $n = $sock->sysread(my $buf, 65536);
        if ($n) {
            $conn_of{ fileno $sock }{response} .= $buf;
        }
        else {
            $select->remove($sock);
            close $sock;
        }
    }
}
my $took = time - $started;

my (%codes, %tokens, %users, %pids_served);
for my $c (@conns) {
    my ($code) = $c->{response} =~ m{^HTTP/1\.\d (\d{3})};
    my ($token) = $c->{response} =~ /^OKTA_ACCESS_TOKEN=(.*)$/m;
    my ($user) = $c->{response} =~ /^REMOTE_USER=(.*)$/m;
    $codes{ $code // 'none' }++;
    $tokens{ $token // '' }++;
    $users{ $user // '' }++;
    $pids_served{ $pid_of->{ $c->{port} } // 'unknown' }++;
}
is_deeply \%codes, { 200 => $parallel }, "all $parallel requests: 200";
is_deeply \%users, { alice => $parallel }, 'all as alice';
is scalar(keys %tokens), 1, 'all got the same access token';
my ($new_token) = keys %tokens;
ok length($new_token) && $new_token ne $old_token, 'and it is the new one, not the expired one';
# A request that waited out the refresher's lock (4 x OktaHTTPTimeout + 2
# = 122 s on okta_refresh) would take longer than the reading above allows.
cmp_ok $took, '<', 30, 'served without waiting for a lock to expire';

my @token_requests = @{ op_requests_at($issuer) };
my @refreshes = grep { ($_->{grant_type} // '') eq 'refresh_token' } @token_requests;
is scalar(@refreshes), 1, 'the provider saw exactly one refresh';
is $refreshes[0]{status}, 200, 'and it succeeded';
is $refreshes[0]{new_access_token}, $new_token, 'the requests got the token it issued';
is_deeply [grep { $_->{status} >= 400 } @token_requests], [],
    'no refused token request (no spent refresh token presented)';

my $log = error_log_since($mark);
my @refresher = log_pids($log, 'OKTA00032');
is scalar(@refresher), 1, 'OKTA00032 once';
my @other = grep { $_ ne 'unknown' && $_ ne ($refresher[0] // '') } keys %pids_served;
ok scalar(@other), 'requests were also served by processes other than the refresher'
    or diag 'requests per process: ' . join ', ', map { "$_: $pids_served{$_}" } keys %pids_served;
note 'requests per process: ' . join(', ', map { "$_: $pids_served{$_}" } sort keys %pids_served)
    . sprintf('; refresher %s; %.2f s', $refresher[0] // '?', $took);
