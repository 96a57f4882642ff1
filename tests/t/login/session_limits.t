# SPDX-License-Identifier: Apache-2.0
# Sessions end after OktaSessionInactivityTimeout without requests, and
# OktaSessionMaxDuration after sign-in however busy they are (okta_short:
# 6 s and 12 s).
#
# The module counts whole seconds from the second a request came in, which
# lies between when it was sent and when it was answered.  Each assertion
# looks only at requests on the right side of a limit whatever that second
# was: before it by more than a request's worth of time, or sent once it
# has passed (a session past its limit stays ended).  The idle session and
# the busy one run side by side, so that they share the wait.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(sleep time);
use List::Util qw(max);
use Okta::Test qw(new_browser server_url app_env fake_mode error_log_mark error_log_since
                  sign_in_fake);

my $inactivity = 6;    # OktaSessionInactivityTimeout of okta_short
my $max_duration = 12; # OktaSessionMaxDuration of okta_short

plan tests => 9;

my $base = server_url('okta_short');

fake_mode('normal');

# The idle session: used twice, then left alone.
my $idle = new_browser();
is((sign_in_fake($idle, "$base/app"))[2]->code, 302, 'signed in');
is app_env($idle->get("$base/app"))->{REMOTE_USER}, 'mallory-sub', 'session works';
my $idle_step = 'active';
my $idle_next = time + 1;
my ($idle_mark, $idle_log);

# The busy session: a request every half second.  The module counts its
# age from the callback's second, no earlier than the callback was sent
# and no later than it was answered.
my $busy = new_browser();
my $busy_sent = time;
(sign_in_fake($busy, "$base/app"))[2]->code == 302 or die 'the busy session did not sign in';
my $busy_answered = time;
my $busy_mark = error_log_mark();
my (@early, $late, $deadline);
$deadline = time + 120; # only to give up
while ((!defined $late || $idle_step ne 'done') && time < $deadline) {
    my $sent = time;
    my $code = $busy->get("$base/app")->code;
    my $answered = time;
    # came in before the second of the maximum duration, whatever second the callback had
    push @early, [$code, $answered - $busy_answered]
        if int($answered) < int($busy_sent) + $max_duration;
    # came in at or after it
    $late //= $code if int($sent) >= int($busy_answered) + $max_duration;

    if ($idle_step eq 'active' && time >= $idle_next) {
        my $res = $idle->get("$base/app");
        is $res->code, 200, 'still active after 1 s';
        # no request since this one: idle for good from here
        $idle_next = int(time) + $inactivity + 0.05;
        $idle_step = 'idle';
    }
    elsif ($idle_step eq 'idle' && time >= $idle_next) {
        $idle_mark = error_log_mark();
        is $idle->get("$base/app")->code, 302, "idle for $inactivity s: sign in again";
        $idle_log = error_log_since($idle_mark);
        $idle_step = 'done';
    }
    sleep 0.5;
}
like $idle_log // '', qr/OKTA00026: .*OktaSessionInactivityTimeout/, 'logged why';

ok @early && !grep({ $_->[0] != 200 } @early), 'the busy session is served until its maximum duration'
    or diag 'answers (code, seconds after sign-in): ' . join ', ', map { "@$_" } @early;
cmp_ok max(map { $_->[1] } @early), '>', $inactivity + 1,
    'for longer than the inactivity timeout';
is $late, 302, "past $max_duration s: sign in again";
like error_log_since($busy_mark), qr/OKTA00026: .*OktaSessionMaxDuration/, 'logged why';
