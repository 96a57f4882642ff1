# Sessions end after OktaSessionInactivityTimeout without requests, and
# OktaSessionMaxDuration after sign-in however busy they are.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(sleep time);
use Okta::Test qw(new_browser server_url app_env fake_mode error_log_mark error_log_since);

plan tests => 8;

my $base = server_url('okta_short');

# The fake provider signs in without a form: follow its redirects.
sub sign_in_fake {
    my ($ua) = @_;
    my $res = $ua->get("$base/app");
    my $authorize = $res->header('Location');
    $res = $ua->get($authorize);
    return $ua->get($res->header('Location'));
}

fake_mode('normal');

my $ua = new_browser();
is sign_in_fake($ua)->code, 302, 'signed in';
is app_env($ua->get("$base/app"))->{REMOTE_USER}, 'mallory-sub', 'session works';
sleep 1;
is $ua->get("$base/app")->code, 200, 'still active after 1 s';
my $mark = error_log_mark();
sleep 4.2;
is $ua->get("$base/app")->code, 302, 'idle longer than 3 s: sign in again';
like error_log_since($mark), qr/OKTA00026: .*OktaSessionInactivityTimeout/, 'logged why';

# Busy, but past the maximum duration.  Times are whole seconds, so stay
# clear of the boundary on both sides.
my $busy = new_browser();
sign_in_fake($busy);
my $start = time;
$mark = error_log_mark();
my (@early, @late);
while (time - $start < 10) {
    my $code = $busy->get("$base/app")->code;
    my $elapsed = time - $start;
    push @early, $code if $elapsed < 6.5;
    push @late, $code if $elapsed > 9.5;
    sleep 0.5;
}
ok !grep({ $_ != 200 } @early), 'served throughout the first 6.5 s';
is $late[-1], 302, 'past 8 s: sign in again';
like error_log_since($mark), qr/OKTA00026: .*OktaSessionMaxDuration/, 'logged why';
