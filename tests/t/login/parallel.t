# SPDX-License-Identifier: Apache-2.0
# Several sign-ins in flight in one browser: each completes, and the
# pending list is bounded so cookies cannot pile up.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(new_browser server_url follow_to_callback app_env);

plan tests => 7;

my $base = server_url();

# Two tabs start signing in, and finish in the opposite order.
my $ua = new_browser();
my $tab1 = $ua->get("$base/app/one")->header('Location');
my $tab2 = $ua->get("$base/app/two")->header('Location');
my $cb2 = follow_to_callback($ua, $tab2, 'alice', 'alice-password', "$base/");
my $cb1 = follow_to_callback($ua, $tab1, 'alice', 'alice-password', "$base/");
my $res = $ua->get($cb2);
is $res->code, 302, 'second tab completes';
is $res->header('Location'), '/app/two', 'second tab returns to its page';
$res = $ua->get($cb1);
is $res->code, 302, 'first tab completes too';
is $res->header('Location'), '/app/one', 'first tab returns to its page';

# Twelve sign-ins started: the browser keeps only the last eight.
my $many = new_browser();
my @starts = map { $many->get("$base/app/n$_") } 1 .. 12;
my ($login) = grep { /^okta_login=/ } $starts[-1]->header('Set-Cookie');
my ($value) = $login =~ /^okta_login=([^;]*)/;
is scalar(split /\./, $value), 8, 'pending sign-ins bounded to 8';
my $oldest = follow_to_callback($many, $starts[0]->header('Location'), 'alice', 'alice-password', "$base/");
is $many->get($oldest)->code, 400, 'the oldest, dropped sign-in is refused';
my $newest = follow_to_callback($many, $starts[-1]->header('Location'), 'alice', 'alice-password', "$base/");
is $many->get($newest)->code, 302, 'the newest completes';
