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
sleep 3.2;
is $ua->get("$base/app")->code, 302, 'idle longer than 2 s: sign in again';
like error_log_since($mark), qr/OKTA00026: .*OktaSessionInactivityTimeout/, 'logged why';

# Busy, but past the maximum duration.
my $busy = new_browser();
sign_in_fake($busy);
my $start = time;
my $ok = 1;
while (time - $start < 4.2) {
    $ok &&= $busy->get("$base/app")->code == 200;
    sleep 0.5;
}
ok $ok, 'served throughout the first 4 s';
sleep 1.5 - (time - $start - 4.2) if time - $start < 5.7;
$mark = error_log_mark();
is $busy->get("$base/app")->code, 302, 'past 5 s: sign in again';
like error_log_since($mark), qr/OKTA00026: .*OktaSessionMaxDuration/, 'logged why';
