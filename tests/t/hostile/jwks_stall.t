# SPDX-License-Identifier: Apache-2.0
# Forged JWTs that name a key nobody has (an unknown kid) make the module
# fetch the provider's keys, while its keys endpoint never answers
# (okta_jwks_stall, OktaHTTPTimeout 6): one fetch per process at a time,
# outside what sign-ins need, and after it fails none for 10 s.  Meanwhile
# an anonymous visitor still gets its redirect to sign in at once.  Without
# the keys no token can be judged: forged and genuine ones alike get 503
# with Retry-After (a 401 would make a client throw a good token away).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use POSIX ();
use Time::HiRes qw(time);
use Okta::Test qw(new_browser server_url fake_mode fake_mint fake_requests_for poll_until
                  error_log_mark error_log_since log_pids);

plan tests => 12;

my $base = server_url('okta_jwks_stall');
my $now = time;
my %claims = (iss => "$ENV{OKTA_FAKE_BASE}/good", aud => 'api://default', sub => 'mallory',
              iat => int($now), exp => int($now) + 3600, cid => 'api-client');

sub jwks_fetches { return scalar fake_requests_for('/good/jwks') }
# `count` requests with forged tokens, each on its own connection, in
# processes of their own; returns their pids (each exits with the status).
sub forge_in_parallel {
    my ($count) = @_;
    my @pids;
    for my $n (1 .. $count) {
        my $token = fake_mint({ %claims, jti => "stall-$$-$n-" . int(rand 1e9) }, sign => 'other-key',
                              header => { kid => "nobody-has-$n" });
        my $pid = fork // die "fork: $!";
        if (!$pid) {
            my $res = new_browser()->get("$base/bearer/stall", Authorization => "Bearer $token");
            POSIX::_exit($res->code == 503 && $res->header('Retry-After') ? 0 : 1);
        }
        push @pids, $pid;
    }
    return @pids;
}
sub all_refused { my $ok = 1; for (@_) { waitpid $_, 0; $ok &&= $? == 0 } return $ok }

# discovery first, as a site's first visitors do
fake_mode('normal');
is new_browser()->get("$base/app/x", Accept => 'text/html')->code, 302, 'before: an anonymous visitor is sent to sign in';
fake_mode('jwks_hang');
my $mark = error_log_mark();
my @pids = forge_in_parallel(20);
ok poll_until(sub { jwks_fetches() >= 1 }), 'the forged tokens make the module fetch the keys, which hang';

my ($slowest, $codes) = (0, '');
for (1 .. 6) {
    my $started = time;
    my $res = new_browser()->get("$base/app/x", Accept => 'text/html');
    $slowest = time - $started if time - $started > $slowest;
    $codes .= $res->code . ' ';
}
is $codes, '302 ' x 6, 'while the keys hang: anonymous visitors are sent to sign in';
# an answer of some milliseconds; waiting for the keys would take 6 s
cmp_ok $slowest, '<', 2, 'while the keys hang: at once (the slowest under 2 s)';

ok all_refused(@pids), 'the 20 forged tokens: 503 with Retry-After each';
# Each process keeps its own keys, and the server starts more processes
# under load: what a process fetched, it logged with its pid when the
# fetch failed (OKTA00011).
sub fetches_by_process {
    my %by_pid;
    $by_pid{$_}++ for log_pids(error_log_since($mark), 'OKTA00011');
    return %by_pid;
}
my %by_pid = fetches_by_process();
is((grep { $_ > 1 } values %by_pid), 0, 'one fetch of the keys per process at most');
is jwks_fetches(), scalar(keys %by_pid), 'each fetch the provider saw failed and was logged';
# the fetches failed (OktaHTTPTimeout 6) less than 10 s ago: no process
# fetches again (one that had no forged token before may fetch once)
ok all_refused(forge_in_parallel(20)), 'after the failed fetches, 20 more forged tokens: 503 each';
%by_pid = fetches_by_process();
is((grep { $_ > 1 } values %by_pid), 0, 'and still one fetch per process at most')
    or diag explain \%by_pid;

# A genuine token, signed with a key the provider publishes, while no
# process has the keys: not checked, so neither let in nor called invalid.
my $genuine = fake_mint({ %claims, sub => 'alice', jti => "genuine-$$" });
my $res = new_browser()->get("$base/bearer/stall", Authorization => "Bearer $genuine");
is $res->code, 503, 'a genuine token while the keys cannot be had: 503';
is $res->header('Retry-After'), 5, 'with Retry-After';
like error_log_since($mark), qr/OKTA00062: bearer token not checked now \(503\): the provider's JWKS could not be fetched/,
    'OKTA00062 says why';
fake_mode('normal');
