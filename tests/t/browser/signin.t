# SPDX-License-Identifier: Apache-2.0
# A real browser (chromium) signs in at the real provider and signs out:
# runs tests/browser/signin.mjs and checks what it reports, and what the
# provider saw.  Chromium is required: a missing browser is a failure.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempfile);
use JSON::PP qw(decode_json);
use Okta::Test qw(server_url op_requests op_reset);

plan tests => 14;

my $srcdir = $ENV{OKTA_TEST_SRCDIR} // "$FindBin::Bin/../..";
my $script = "$srcdir/browser/signin.mjs";
my $url = server_url() . '/app/browser';

ok -x '/usr/bin/chromium', '/usr/bin/chromium is installed (Debian package chromium)';
ok -f $script, 'the browser script is there';

op_reset();
my (undef, $errfile) = tempfile(UNLINK => 1);
# the script bounds itself to 90 s; timeout(1) is the backstop
my @lines = `timeout -k 5 120 node '$script' '$url' 2>'$errfile'`;
my $rc = $? >> 8;
my $stderr = do { local (@ARGV, $/) = ($errfile); <> } // '';
is $rc, 0, 'the browser run succeeded' or diag "exit $rc\n@lines$stderr";

my $report = eval { decode_json($lines[-1] // '') } // {};
my $checks = $report->{checks} // {};
ok $report->{ok}, 'it reports success' or diag "failed: @{ $report->{failed} // [] } "
    . ($report->{error} // '');
is $checks->{login_at}, $ENV{OKTA_OP_ISSUER}, 'the page sent the browser to the provider';
is $checks->{back_at}, $url, 'after signing in the browser is back on the page';
is $checks->{remote_user}, 'alice', 'the page shows REMOTE_USER=alice';
is_deeply $checks->{session_cookie}, { httpOnly => JSON::PP::true, sameSite => 'Lax' },
    'the session cookie is HttpOnly and SameSite=Lax in the browser';
is $checks->{logout_confirm_at}, $ENV{OKTA_OP_ISSUER}, 'logout asks at the provider';
is $checks->{logged_out_path}, '/logged-out', 'logout ends at the post-logout page';
is $checks->{session_cookie_after_logout}, JSON::PP::false, 'the session cookie is gone';
is $checks->{signin_again_at}, $ENV{OKTA_OP_ISSUER}, 'the page asks for a sign-in again';

my @codes = grep { ($_->{grant_type} // '') eq 'authorization_code' } @{ op_requests() };
is scalar(@codes), 1, 'the provider redeemed one code';
is join(' ', map { $_ // '-' } @{ $codes[0] // {} }{qw(client_id client_auth)}), 'okta-test basic',
    'for client okta-test with client_secret_basic';
