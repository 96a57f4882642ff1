# SPDX-License-Identifier: Apache-2.0
# A provider that does not answer its discovery document: every request
# that needs it gets 502, but the provider is asked once per process, not
# once per request, and the others do not queue behind it for a timeout
# each.  The failure is remembered for a few seconds (answered at once),
# then the provider is asked again.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time sleep);
use Okta::Test qw(server_url fake_mode fake_requests_for error_log_mark error_log_since log_pids);

plan tests => 9;

my $http_timeout = 2; # the okta_hang vhost's OktaHTTPTimeout
my $processes = 6;    # ServerLimit of the test server
my ($port) = server_url('okta_hang') =~ /:(\d+)$/;

# Sends `$n` requests at once, each on its own connection; returns the
# status of each and the time until the last answer.
sub parallel_requests {
    my ($n) = @_;
    my $select = IO::Select->new;
    my %answer;
    my $t0 = time;
    for (1 .. $n) {
        my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 10)
            or die "connect: $!";
        $sock->syswrite("GET /app/down HTTP/1.0\r\nHost: localhost:$port\r\nAccept: text/html\r\n\r\n");
        $select->add($sock);
        $answer{$sock} = '';
    }
    my $deadline = time + 120;
    while ($select->count && time < $deadline) {
        for my $sock ($select->can_read(1)) {
            if (!$sock->sysread(my $buf, 4096)) {
                $select->remove($sock);
                close $sock;
            }
            else {
                $answer{$sock} .= $buf;
            }
        }
    }
    my @status = map { /^HTTP\/1\.\d (\d{3})/ ? $1 : 'none' } values %answer;
    return (\@status, time - $t0);
}

sub discovery_fetches { scalar fake_requests_for('/hang/.well-known/openid-configuration') }

fake_mode('normal');
my $mark = error_log_mark();
my ($status, $took) = parallel_requests(50);
is scalar(grep { $_ eq '502' } @$status), 50, '50 requests, all answered 502';
cmp_ok $took, '<', 4 * $http_timeout, 'in about one OktaHTTPTimeout, not one per request';
note sprintf '50 requests answered in %.2f s', $took;
my $fetches = discovery_fetches();
cmp_ok $fetches, '>=', 1, 'the provider was asked';
cmp_ok $fetches, '<=', $processes, 'at most once per process';
note "$fetches discovery fetches";
like error_log_since($mark), qr/OKTA00011: cannot fetch the provider's discovery document/,
    'OKTA00011 says why';

# Within the back-off: answered at once, without asking again (processes
# the server started meanwhile ask once each).
($status, $took) = parallel_requests(10);
is scalar(grep { $_ eq '502' } @$status), 10, 'during the back-off: 502';
my %failures_of;
$failures_of{$_}++ for log_pids(error_log_since($mark), 'OKTA00011');
is join(',', grep { $failures_of{$_} > 1 } sort keys %failures_of), '',
    'no process asked the provider again during its back-off';
$fetches = discovery_fetches();

# After it, the provider is asked again: a request every half second
# until one makes a process fetch.
my $deadline = time + 60;
until (discovery_fetches() > $fetches || time > $deadline) {
    parallel_requests(1);
    sleep 0.5;
}
cmp_ok discovery_fetches(), '>', $fetches, 'after the back-off the provider is asked again';
cmp_ok time, '<', $deadline, 'within a minute';
fake_mode('normal');
