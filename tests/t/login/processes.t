# Every httpd process remembers the sessions it served (okta_memo.c) and,
# with a cache only this server writes (shmcb here), answers from memory
# as long as no process has written the session since.  A change made by
# one process must still be seen at once by another that remembers the
# session: a refresh (the new access token, and no second refresh) and a
# sign-out.  Two keep-alive connections held by two different processes
# play the two sides.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time sleep);
use Okta::Test qw(new_browser server_url sign_in set_cookie start_short_provider op_requests_at
                  op_reset_at second_start wait_until server_pids_of_connections
                  kept_connection kept_get);

plan tests => 14;

my $ttl = 3;
my $op = start_short_provider($ttl);
my $issuer = $ENV{OKTA_OP_SHORT_ISSUER};
my $base = server_url('okta_refresh');
my ($port) = $base =~ m{:(\d+)$} or die "unexpected base URL $base";

my $signed_in = second_start();
my $res = sign_in(new_browser(), "$base/app/processes", 'alice', 'alice-password');
is $res->code, 302, 'signed in';
my ($session) = set_cookie($res, 'okta_session') =~ /^(okta_session=[^;]+)/;

# One request on a kept connection: (status, the application's variables).
sub ask {
    my ($conn, $path, @headers) = @_;
    my ($code, $body) = kept_get($conn, $path, Cookie => $session, Accept => 'text/html', @headers);
    return ($code, { $body =~ /^([A-Z_a-z0-9]+)=(.*)$/mg });
}

# Connections until two are held by different processes (the server runs
# several; which one accepts a connection is up to them).
my (@conns, %pid_of);
for (1 .. 40) {
    push @conns, kept_connection($port);
    ask($conns[-1], '/'); # httpd takes a connection once a request arrives
    %pid_of = %{ server_pids_of_connections($port, map { $_->sockport } @conns) };
    my %by_pid = map { ($pid_of{ $_->sockport } // 0) => $_ } @conns;
    delete $by_pid{0};
    if (keys %by_pid >= 2) {
        @conns = @by_pid{ (sort keys %by_pid)[0, 1] };
        last;
    }
}
my ($conn_a, $conn_b) = @conns;
isnt $pid_of{ $conn_a->sockport }, $pid_of{ $conn_b->sockport }, 'two connections held by two processes'
    or BAIL_OUT('the server ran one process only');

my ($code_a, $env_a) = ask($conn_a, '/app/processes');
my ($code_b, $env_b) = ask($conn_b, '/app/processes');
is "$code_a $code_b", '200 200', 'both processes serve the session';
my $old_token = $env_a->{OKTA_ACCESS_TOKEN} // '';
ok length($old_token) && ($env_b->{OKTA_ACCESS_TOKEN} // '') eq $old_token,
    'with the same access token';

# The access token expires; process A refreshes it.
wait_until($signed_in + $ttl + 0.2);
op_reset_at($issuer);
($code_a, $env_a) = ask($conn_a, '/app/processes');
is $code_a, 200, 'after expiry, process A serves the session';
my $new_token = $env_a->{OKTA_ACCESS_TOKEN} // '';
isnt $new_token, $old_token, 'with a new access token';

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
is_deeply server_pids_of_connections($port, map { $_->sockport } $conn_a, $conn_b),
    { map { $_->sockport => $pid_of{ $_->sockport } } $conn_a, $conn_b },
    'every request went over the two connections, held by the same two processes';
