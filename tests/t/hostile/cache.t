# SPDX-License-Identifier: Apache-2.0
# Responses behind the module are one user's: a shared cache in front of
# the application (here mod_cache, which serves before authentication runs)
# must never hand them to someone else.  The callback's redirect, which
# sets the session cookie, is never stored anywhere.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use File::Path qw(make_path);
use Okta::Test qw(new_browser server_url follow_to_callback set_cookie
                  op_client_credentials_token);

plan tests => 17;

# Files a day old: mod_cache thinks them fresh for a while (a tenth of
# their age) without being told.
my $dir = Apache::Test::vars('documentroot') . '/cached';
make_path("$dir/expires", { mode => 0755 });
for my $file ("$dir/page.txt", "$dir/expires/page.txt") {
    open my $fh, '>', $file or die "$file: $!";
    print $fh "alice's page\n";
    close $fh;
    chmod 0644, $file;
    utime time - 86400, time - 86400, $file;
}

my $base = server_url();
my $alice = new_browser();
my $res = $alice->get("$base/cached/page.txt");
is $res->code, 302, 'anonymous: sent to sign in';
like $res->header('Cache-Control') // '', qr/no-store/, 'the redirect to sign in is not stored';
my $callback = follow_to_callback($alice, $res->header('Location'), 'alice', 'alice-password',
                                  "$base/");
$res = $alice->get($callback);
is $res->code, 302, 'the callback signs in';
ok set_cookie($res, 'okta_session'), 'and sets the session cookie';
like $res->header('Cache-Control') // '', qr/no-store/, 'the callback\'s redirect is not stored';

# The application says nothing about caching: the response is private.
$res = $alice->get("$base/cached/page.txt");
like $res->decoded_content, qr/alice's page/, 'alice is served';
is $res->header('Cache-Control'), 'private', 'Cache-Control: private';
$res = new_browser()->get("$base/cached/page.txt");
is $res->code, 302, 'an anonymous request for the same URL is sent to sign in';
unlike $res->decoded_content, qr/alice's page/, 'it is not served alice\'s page';

# The application sets its own policy (mod_expires here): it stands, and
# Vary: Cookie keeps one user's copy from another.
$res = $alice->get("$base/cached/expires/page.txt");
is $res->header('Cache-Control'), 'max-age=60', 'the application\'s Cache-Control is kept';
like $res->header('Vary') // '', qr/\bCookie\b/i, 'Vary: Cookie';
$res = $alice->get("$base/cached/expires/page.txt");
like $res->decoded_content, qr/alice's page/, 'alice is served again';
$res = new_browser()->get("$base/cached/expires/page.txt");
is $res->code, 302, 'an anonymous request is sent to sign in, not served alice\'s copy';

# The same for a client's bearer token: the response is that token's, so a
# shared cache must key it by Authorization, not by Cookie.
my $token = op_client_credentials_token('read:reports', 'api://default');
$res = new_browser()->get("$base/cached/expires/page.txt", Authorization => "Bearer $token");
is $res->code, 200, 'a bearer token: served';
is $res->header('Cache-Control'), 'max-age=60', 'a bearer token: the application\'s Cache-Control';
like $res->header('Vary') // '', qr/\bAuthorization\b/i, 'a bearer token: Vary: Authorization';
$res = new_browser()->get("$base/cached/expires/page.txt", Accept => 'application/json');
isnt $res->code, 200, 'a request without the token is not served the token\'s copy';
