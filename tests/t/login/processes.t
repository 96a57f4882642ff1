# SPDX-License-Identifier: Apache-2.0
# Every httpd process remembers the sessions it served (okta_session_memo.c) and,
# with a cache only this server writes (shmcb here), answers from memory
# as long as no process has written the session since.  A change made by
# one process must still be seen at once by another that remembers the
# session: a refresh (the new access token, and no second refresh) and a
# sign-out.  Keep-alive connections held by two different processes play
# the two sides; process A has a second one, for its refresh.
#
# Nothing waits for the clock.  The session's access token is due at once
# (20 s, within OktaRefreshLeeway 30) and valid for 20 s; process A's
# refresh is held at the provider (op.js /_test/hold) while A and B serve
# the session with the token they have (a refresh is under way elsewhere
# and the token still valid), and then let go.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(new_browser server_url sign_in set_cookie start_short_provider op_requests_at
                  op_reset_at set_token_ttl issued_by_code_at op_hold_at op_release_at
                  op_held_at poll_until error_log_mark error_log_since log_pids
                  server_pids_of_connections kept_connection kept_get kept_read);

plan tests => 19;

my $op = start_short_provider();
my $issuer = $ENV{OKTA_OP_SHORT_ISSUER};
my $base = server_url('okta_refresh');
my ($port) = $base =~ m{:(\d+)$} or die "unexpected base URL $base";

op_reset_at($issuer);
set_token_ttl($issuer, 20);
my $res = sign_in(new_browser(), "$base/app/processes", 'alice', 'alice-password');
is $res->code, 302, 'signed in';
my ($session) = set_cookie($res, 'okta_session') =~ /^(okta_session=[^;]+)/;
my $old_token = issued_by_code_at($issuer);
op_reset_at($issuer); # the refresh issues a token of an hour

# One request on a kept connection: (status, the application's variables).
my @ask_headers = (Cookie => $session, Accept => 'text/html');
sub answer {
    my ($code, $body) = @_;
    return ($code, { $body =~ /^([A-Z_a-z0-9]+)=(.*)$/mg });
}
sub ask {
    my ($conn, $path, @headers) = @_;
    return answer(kept_get($conn, $path, @ask_headers, @headers));
}

# Connections until one process holds two and another one (the server
# runs several; which one accepts a connection is up to them).
my (@conns, %pid_of, $conn_a, $conn_r, $conn_b);
for (1 .. 60) {
    push @conns, kept_connection($port);
    ask($conns[-1], '/'); # httpd takes a connection once a request arrives
    %pid_of = %{ server_pids_of_connections($port, map { $_->sockport } @conns) };
    my %by_pid;
    push @{ $by_pid{ $pid_of{ $_->sockport } // 0 } }, $_ for @conns;
    delete $by_pid{0};
    my ($two) = grep { @{ $by_pid{$_} } >= 2 } sort keys %by_pid;
    my ($other) = grep { $_ ne ($two // '') } sort keys %by_pid;
    if (defined $two && defined $other) {
        ($conn_a, $conn_r, $conn_b) = (@{ $by_pid{$two} }[0, 1], $by_pid{$other}[0]);
        last;
    }
}
my ($pid_a, $pid_b) = map { $_ && $pid_of{ $_->sockport } } $conn_a, $conn_b;
ok $pid_a && $pid_b && $pid_a ne $pid_b, 'two connections held by two processes'
    or BAIL_OUT('the server ran one process only');
is $pid_of{ $conn_r->sockport }, $pid_a, 'and a third held by process A';

# Process A starts the refresh (the token is due); the provider holds it.
my $mark = error_log_mark();
op_hold_at($issuer);
$conn_r->write_request(GET => '/app/processes?refresh', @ask_headers);
ok poll_until(sub { op_held_at($issuer) }), 'process A sent the refresh; the provider holds it';

# Meanwhile both processes serve the session with the token it has.
my ($code_a, $env_a) = ask($conn_a, '/app/processes');
my ($code_b, $env_b) = ask($conn_b, '/app/processes');
is "$code_a $code_b", '200 200', 'both processes serve the session';
ok length($old_token) && ($env_a->{OKTA_ACCESS_TOKEN} // '') eq $old_token
    && ($env_b->{OKTA_ACCESS_TOKEN} // '') eq $old_token,
    'with the same access token, the one the sign-in got';

# The provider answers: process A has refreshed the session.
op_release_at($issuer);
my ($code_r, $env_r) = answer(kept_read($conn_r));
is $code_r, 200, 'the refreshing request is served';
my $new_token = $env_r->{OKTA_ACCESS_TOKEN} // '';
ok length($new_token) && $new_token ne $old_token, 'with a new access token';
is_deeply [log_pids(error_log_since($mark), 'OKTA00032')], [$pid_a], 'process A refreshed (OKTA00032)';

($code_a, $env_a) = ask($conn_a, '/app/processes');
is $code_a, 200, 'after the refresh, process A serves the session';
is $env_a->{OKTA_ACCESS_TOKEN}, $new_token, 'with the new access token';

($code_b, $env_b) = ask($conn_b, '/app/processes');
is $code_b, 200, 'process B serves it';
is $env_b->{OKTA_ACCESS_TOKEN}, $new_token, 'with the token A got, not the one B remembered';
my @refreshes = grep { ($_->{grant_type} // '') eq 'refresh_token' } @{ op_requests_at($issuer) };
is scalar(@refreshes), 1, 'the provider saw one refresh';

# Process A signs the browser out; B must not serve the session again.
($code_a) = ask($conn_a, '/logout', 'Sec-Fetch-Site' => 'same-origin');
like $code_a, qr/^(200|302)$/, 'signed out through process A';
($code_b, $env_b) = ask($conn_b, '/app/processes');
is $code_b, 302, 'process B sends the browser to sign in again';
ok !defined $env_b->{REMOTE_USER}, 'and serves nothing as alice';
($code_a) = ask($conn_a, '/app/processes');
is $code_a, 302, 'and so does process A';
is_deeply server_pids_of_connections($port, map { $_->sockport } $conn_a, $conn_r, $conn_b),
    { map { $_->sockport => $pid_of{ $_->sockport } } $conn_a, $conn_r, $conn_b },
    'every request went over the three connections, held by the same two processes';
