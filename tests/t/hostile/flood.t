# SPDX-License-Identifier: Apache-2.0
# Anyone can start a sign-in: every anonymous navigation to a protected
# page does.  A flood of them (20,000, from a client that keeps no cookie)
# must not cost a real user the sign-in they started before it: their
# callback still completes.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(new_browser server_url start_sign_in app_env);

plan tests => 5;

my $base = server_url();
my ($port) = $base =~ /:(\d+)$/;
my $flood = 20_000;

my $alice = new_browser();
my $callback = start_sign_in($alice, "$base/app/before-the-flood", 'alice', 'alice-password');
like $callback, qr{^\Q$base\E/callback\?}, 'alice has started signing in';

my $out = `ab -q -n $flood -c 8 -H 'Accept: text/html' 'http://127.0.0.1:$port/app/flood' 2>&1`;
is $?, 0, 'ab ran';
like $out, qr/^Complete requests:\s+$flood$/m, "$flood anonymous sign-ins were started";

my $res = $alice->get($callback);
is $res->code, 302, 'alice\'s sign-in completes after the flood';
is app_env($alice->get("$base/app/before-the-flood"))->{REMOTE_USER}, 'alice', 'and she is signed in';
