# SPDX-License-Identifier: Apache-2.0
# The module's own cookies never reach the application: they are taken out
# of the Cookie header before the handler runs (a CGI here; a proxied
# backend in t/examples/openmetadata.t), on protected and public locations
# alike, in both their https (__Host-) and plain forms, while the site's
# other cookies pass unchanged.  A request whose answer is an internal
# redirect (a CGI's local Location) is authenticated again at its new path
# with the cookies the browser sent.  OktaSessionCookieName and
# OktaLoginCookieName rename the cookies (okta_cookie_names): set, read and
# taken out under the new names.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(new_browser server_url app_env set_cookie sign_in_fake);

plan tests => 22;

my $base = server_url('okta_fake');
my $ua = new_browser();
my (undef, undef, $callback) = sign_in_fake($ua, "$base/app/strip");
like set_cookie($callback, 'okta_session'), qr/^okta_session=/, 'okta_fake: signed in';
# a cookie of the site's own (LWP keeps localhost's as localhost.local)
$ua->cookie_jar->set_cookie(0, 'theme', 'dark', '/', 'localhost.local');

sub cookies_seen { my ($res) = @_; return app_env($res)->{HTTP_COOKIE} }

my $res = $ua->get("$base/app/strip");
is $res->code, 200, 'a protected CGI: 200';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'a protected CGI: the user';
is cookies_seen($res), 'theme=dark', 'a protected CGI: the other cookies only';

$res = $ua->get("$base/public");
is $res->code, 200, 'a public CGI: 200';
is cookies_seen($res), 'theme=dark', 'a public CGI: the other cookies only';

$res = $ua->get("$base/public-redirect");
is $res->code, 200, 'an internal redirect to a protected CGI: 200';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'an internal redirect: still signed in';
is cookies_seen($res), 'theme=dark', 'an internal redirect: the other cookies only';

# every form of the module's cookies, planted or not, in any order
$res = new_browser()->get("$base/public", Cookie => 'okta_session=a; a=1; __Host-okta_session=b; '
                          . 'okta_login=c;b=2;__Host-okta_login=d');
is cookies_seen($res), 'a=1; b=2', 'planted cookies of every form: taken out, the others kept';
$res = new_browser()->get("$base/public", Cookie => 'okta_session=a');
is cookies_seen($res), undef, 'only the module\'s cookie: no Cookie header left';
$res = new_browser()->get("$base/public", Cookie => 'my_okta_session=a; okta_sessions=b');
is cookies_seen($res), 'my_okta_session=a; okta_sessions=b', 'names that only contain the module\'s: kept';

# ---- OktaSessionCookieName app_session, OktaLoginCookieName app_login ----
my $named = server_url('okta_cookie_names');
$ua = new_browser();
my ($start, undef, $named_callback) = sign_in_fake($ua, "$named/app/named");
like set_cookie($start, 'app_login'), qr/^app_login=[^;]+; Path=\/; HttpOnly/,
    'OktaLoginCookieName: the sign-in cookie is app_login';
is set_cookie($start, 'okta_login'), '', 'OktaLoginCookieName: no okta_login';
like set_cookie($named_callback, 'app_session'), qr/^app_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly/,
    'OktaSessionCookieName: the session cookie is app_session';
is set_cookie($named_callback, 'okta_session'), '', 'OktaSessionCookieName: no okta_session';
like set_cookie($named_callback, 'app_login'), qr/^app_login=;/, 'the callback clears app_login';
$ua->cookie_jar->set_cookie(0, 'theme', 'dark', '/', 'localhost.local');
$res = $ua->get("$named/app/named");
is $res->code, 200, 'signed in under app_session: 200';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'app_session: the user';
is cookies_seen($res), 'theme=dark', 'app_session: taken out before the CGI';
$res = $ua->get("$named/logout", 'Sec-Fetch-Site' => 'same-origin');
like set_cookie($res, 'app_session'), qr/^app_session=;.*Max-Age=0/, 'sign-out clears app_session';
$res = $ua->get("$named/app/named", Accept => 'text/html');
is $res->code, 302, 'after sign-out: sent to sign in again';
