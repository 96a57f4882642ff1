# SPDX-License-Identifier: Apache-2.0
# A graceful restart (what `systemctl reload apache2` and logrotate's
# nightly reload do) signs no one out: sessions and sign-ins in progress
# in the default shmcb cache outlive it, and the new processes see a
# sign-out made after it.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(new_browser server_url sign_in start_sign_in app_env error_log_mark
                  error_log_since poll_until);

plan tests => 9;

my $base = server_url();
my $signed_in = new_browser();
sign_in($signed_in, "$base/app/restart", 'alice', 'alice-password');
is app_env($signed_in->get("$base/app/restart"))->{REMOTE_USER}, 'alice', 'signed in';
my $signing_in = new_browser();
my $callback = start_sign_in($signing_in, "$base/app/restart?second", 'bob', 'bob-password');

# SIGUSR1 to the parent: a graceful restart.
my $mark = error_log_mark();
my $pid_file = Apache::Test::vars('t_pid_file');
open my $fh, '<', $pid_file or die "$pid_file: $!";
chomp(my $pid = <$fh>);
ok kill('USR1', $pid), 'graceful restart requested';
# The parent logs this once it has read its configuration again (the
# module's OKTA00039 comes before); the listening socket stays open meanwhile.
my $log = poll_until(sub {
    my $text = error_log_since($mark);
    return $text =~ /resuming normal operations/ ? $text : '';
}, step => 0.2);
like $log, qr/resuming normal operations/, 'the server came back';
like $log, qr/OKTA00039: sessions in shmcb are kept across the restart/, 'OKTA00039 says so';

my $res = $signed_in->get("$base/app/restart");
is $res->code, 200, 'the session outlived the restart';
is app_env($res)->{REMOTE_USER}, 'alice', 'as alice';

$res = $signing_in->get($callback);
is $res->code, 302, 'a sign-in started before the restart completes after it';
is app_env($signing_in->get("$base/app/restart"))->{REMOTE_USER}, 'bob', 'as bob';

$signed_in->get("$base/logout", 'Sec-Fetch-Site' => 'same-origin');
is $signed_in->get("$base/app/restart")->code, 302, 'signing out after the restart ends it';
