# SPDX-License-Identifier: Apache-2.0
# Where OktaUnauthAction pass lets an anonymous visitor through (Require all
# granted), httpd still needs a user once authentication has run; that
# stand-in must be no user to anything else: not to a subrequest, which
# inherits the main request's user (mod_include's #include virtual of a
# page under Require valid-user), and not to the application (no
# REMOTE_USER at all).  A signed-in user's subrequests are that user's.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(new_browser server_url sign_in app_env);

plan tests => 8, need_module 'include';

my $base = server_url();

my $res = new_browser()->get("$base/public-ssi", Accept => 'text/html');
is $res->code, 200, 'anonymous: the public page is served';
like $res->decoded_content, qr/public part/, 'anonymous: with its own content';
unlike $res->decoded_content, qr/AUTH_TYPE=Okta/, 'anonymous: not the protected page it includes';
like $res->decoded_content, qr/an error occurred while processing this directive/,
    'anonymous: mod_include says the include failed';

$res = new_browser()->get("$base/public-pass/x", Accept => 'text/html');
is app_env($res)->{REMOTE_USER_SET}, 0, 'anonymous: no REMOTE_USER, not even an empty one';

my $ua = new_browser();
sign_in($ua, "$base/app/x", 'alice', 'alice-password');
$res = $ua->get("$base/public-ssi");
like $res->decoded_content, qr/AUTH_TYPE=Okta/, 'signed in: the included page is served';
like $res->decoded_content, qr/^REMOTE_USER=alice/m, 'signed in: to the user';
is app_env($ua->get("$base/public-pass/x"))->{REMOTE_USER_SET}, 1, 'signed in: REMOTE_USER is set';
