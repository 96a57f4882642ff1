# SPDX-License-Identifier: Apache-2.0
# Memory does not grow with requests: what a request allocates lives in its
# pool, cleared when it ends, and the per-process memo of sessions is
# bounded.  One keep-alive connection (so one apache2 process) sends
# thousands of requests of three kinds: a valid session, a forged session
# cookie and an oversized one (each starts a new sign-in).  The process's
# private memory after a warm-up and after the run must not differ by more
# than 1 MB, which a leak of 60 bytes a request would exceed.
# The sign-ins started (kept in the browser's cookie, nothing on the
# server) must not push the session out of its cache either.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use IO::Socket::INET;
use Okta::Test qw(new_browser server_url sign_in server_pids_of_connections);

my ($warm_up, $rounds) = (500, 6000);
plan tests => 5;

my $base = server_url();
my ($port) = $base =~ /:(\d+)$/;
my $ua = new_browser();
sign_in($ua, "$base/static-app/index.html", 'alice', 'alice-password');
my ($cookie) = $ua->cookie_jar->as_string =~ /(okta_session=[A-Za-z0-9_-]{43})/;
ok $cookie, 'signed in';

my $conn = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 10)
    or die "connect: $!";

# One request on the kept connection; returns its status.
sub status_of {
    my ($path, $cookie_header) = @_;
    print $conn "GET $path HTTP/1.1\r\nHost: localhost:$port\r\nAccept: text/html\r\n"
        . ($cookie_header ? "Cookie: $cookie_header\r\n" : '') . "\r\n";
    my ($status, $length) = (0, 0);
    while (defined(my $line = <$conn>)) {
        $status = $1 if !$status && $line =~ m{^HTTP/1\.1 (\d{3})};
        $length = $1 if $line =~ /^Content-Length:\s*(\d+)/i;
        last if $line eq "\r\n";
    }
    read $conn, my $body, $length if $length;
    return $status;
}

my %seen;
sub round {
    my $forged = 'okta_session=' . join '', map { ('A' .. 'Z')[rand 26] } 1 .. 43;
    $seen{valid}{ status_of('/static-app/index.html', $cookie) }++;
    $seen{forged}{ status_of('/static-app/index.html', $forged) }++;
    $seen{oversized}{ status_of('/static-app/index.html', 'okta_session=' . 'C' x 4000) }++;
}

# The process's own memory: dirty pages of its private mappings (heap,
# stacks).  Shared mappings are left out: pages of the shmcb session cache
# that only this process has written count as "private" there, and fill up
# as sign-ins are recorded.
sub private_kb {
    my ($pid) = @_;
    open my $fh, '<', "/proc/$pid/smaps" or die "/proc/$pid/smaps: $!";
    my ($kb, $private_mapping) = (0, 0);
    while (my $line = <$fh>) {
        if ($line =~ /^[0-9a-f]+-[0-9a-f]+ ([-rwxsp]{4}) /) {
            $private_mapping = substr($1, 3, 1) eq 'p';
        }
        elsif ($private_mapping && $line =~ /^Private_Dirty:\s+(\d+) kB/) {
            $kb += $1;
        }
    }
    return $kb;
}

round() for 1 .. $warm_up;
my $pid = server_pids_of_connections($port, $conn->sockport)->{ $conn->sockport }
    or die "no apache2 process holds the connection\n";
my $before = private_kb($pid);
%seen = ();
round() for 1 .. $rounds;
my $after = private_kb($pid);
is_deeply $seen{valid}, { 200 => $rounds },
    "$rounds requests with the session, among @{[ 2 * $rounds ]} sign-ins started: all 200"
    or diag explain \%seen;
is_deeply $seen{forged}, { 302 => $rounds }, "$rounds with forged cookies: sent to sign in";
is_deeply $seen{oversized}, { 302 => $rounds }, "$rounds with oversized cookies: sent to sign in";
my $per_request = ($after - $before) * 1024 / (3 * $rounds);
note sprintf 'apache2 pid %d: private memory %d kB -> %d kB (%.1f bytes a request)',
    $pid, $before, $after, $per_request;
SKIP: {
    # AddressSanitizer keeps freed memory in quarantine: there the figure
    # means nothing, and the plain run of the suite checks it.
    skip 'apache2 runs under AddressSanitizer', 1
        if Apache::Test::vars('httpd') =~ /sanitized-httpd/;
    cmp_ok $after - $before, '<', 1024,
        'the process holds no more than 1 MB more after ' . 3 * $rounds . ' requests';
}
