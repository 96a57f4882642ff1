# SPDX-License-Identifier: Apache-2.0
# Unknown opaque tokens cost the provider a call each, made with this
# server's credentials: a client who proves nothing must not be able to
# turn the module into an amplifier.  On okta_bearer_introspect: 100
# requests with one token the provider says is for another audience make
# one call; 1,000 tokens with characters no bearer token has make none.
# On okta_bearer_introspect_flood (the provider holds every introspection
# open, up to OktaHTTPTimeout 30): 1,000 made-up tokens from 100 clients
# at once make at most 8 calls in the air per process, the rest answered
# 503 with Retry-After at once; once the provider answers, 401.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempfile);
use JSON::PP ();
use LWP::UserAgent;
use POSIX ();
use Okta::Test qw(new_browser server_url fake_mode fake_introspection fake_requests
                  fake_requests_for poll_until bearer_challenge error_log_mark error_log_since);

plan tests => 10;

my $issuer = "$ENV{OKTA_FAKE_BASE}/good";
my $base = server_url('okta_bearer_introspect');
my $flood = server_url('okta_bearer_introspect_flood');
my $calls_per_process = 8;

sub opaque {
    my @chars = ('A' .. 'Z', 'a' .. 'z', '0' .. '9', '-', '_');
    return join '', map { $chars[rand @chars] } 1 .. 43;
}
sub keep_alive { return LWP::UserAgent->new(keep_alive => 1, timeout => 90) }
sub introspections { return fake_requests_for('/good/introspect') }

# ---- one token refused for its audience: remembered --------------------------------------------
fake_mode('normal');
my $now = time;
my $other_aud = opaque();
fake_introspection({ $other_aud => { active => JSON::PP::true, sub => 'svc-user', iss => $issuer,
                                     aud => 'api://other', exp => $now + 3600,
                                     token_type => 'Bearer' } });
my @codes = map { new_browser()->get("$base/bearer/aud", Authorization => "Bearer $other_aud")->code }
            1 .. 100;
is scalar(grep { $_ == 401 } @codes), 100, 'a token for another audience, 100 requests: 401 each';
is scalar(grep { ($_->{token} // '') eq $other_aud } introspections()), 1,
    'and the provider was asked once (the refusal of an active token is shared)';

# ---- not even a bearer token -----------------------------------------------------------------------
my $ua = keep_alive();
my $refused = grep {
    $ua->get("$base/bearer/garbage", Authorization => 'Bearer ' . opaque() . "!$_")->code == 401
} 1 .. 1000;
is $refused, 1000, '1,000 tokens with characters no bearer token has: 401 each';
is scalar(introspections()), 1, 'none of them was asked about';

# ---- a flood of made-up tokens while the provider holds every call ----------------------------
# 100 clients, 10 tokens each, more at once than a process has threads: a
# client whose request is asked about waits (the provider holds the call);
# the others are answered at once and go on with their next tokens.
fake_mode('introspect_hang');
my $mark = error_log_mark();
my ($clients, $each) = (100, 10);
my (undef, $answers) = tempfile(UNLINK => 1);
my (undef, $finished) = tempfile(UNLINK => 1);
sub append { my ($file, $line) = @_; open my $fh, '>>', $file or POSIX::_exit(2); print $fh "$line\n" }
my @pids;
for my $client (1 .. $clients) {
    my $pid = fork // die "fork: $!";
    if (!$pid) {
        srand($$); # a fork inherits the parent's random sequence; pids differ
        my $ua = keep_alive();
        for (1 .. $each) {
            my $res = $ua->get("$flood/bearer/flood", Authorization => 'Bearer ' . opaque());
            append($answers, $res->code . ' ' . ($res->header('Retry-After') // '-'));
        }
        append($finished, $client);
        POSIX::_exit(0);
    }
    push @pids, $pid;
}
# lines of a file (their count in scalar context)
sub lines_of { open my $fh, '<', $_[0] or return (); my @lines = <$fh>; return @lines }
sub held { return scalar grep { ($_->{status} // '') eq 'hanging' } introspections() }
# every client has finished, or waits for a call the provider holds
ok poll_until(sub { lines_of($finished) + held() == $clients }, timeout => 25),
    'while the provider holds the calls: every other client is answered at once'
    or diag 'finished ' . scalar(lines_of($finished)) . ', held ' . held();
my $held = held();
chomp(my $parent = do { open my $fh, '<', Apache::Test::vars('t_logs') . '/httpd.pid'; <$fh> });
my $processes = () = `ps -o pid= --ppid $parent`;
cmp_ok $held, '<=', $calls_per_process * $processes,
    "calls in the air: $held, at most $calls_per_process in each of the $processes processes";
my @so_far = lines_of($answers);
is scalar(grep { !/^503 1$/ } @so_far), 0,
    'the others: 503 with Retry-After: 1 (' . scalar(@so_far) . ' answers)';

like error_log_since($mark), qr/OKTA00058: bearer token not checked: 8 introspection calls/,
    'the refusals are logged (OKTA00058)';

fake_mode('normal'); # the held calls fail, and their clients go on
waitpid $_, 0 for @pids;
my @late = @{[ lines_of($answers) ]}[ scalar(@so_far) .. $clients * $each - 1 ];
is scalar(grep { defined && /^(401|503) / } @late), scalar(@late),
    'then: 401 (unknown tokens), or 503 where a held call failed';
cmp_ok scalar(grep { defined && /^401 / } @late), '>', 0, 'once the provider answers, unknown tokens are 401';
