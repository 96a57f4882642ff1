# SPDX-License-Identifier: Apache-2.0
# The session and sign-in cookies against cookies planted by a sibling or
# parent domain (defect 11).  On an https site (here behind a TLS proxy,
# OktaTrustForwardedProto On) they are named __Host-okta_session and
# __Host-okta_login, which a browser keeps only from this host over https,
# Path=/ and no Domain: an okta_session cookie from elsewhere is not read.
# On plain http, where no prefix exists, a second okta_session cookie (a
# parent domain's) no longer loops the user through sign-in: the one live
# session among them is used, and two live ones are refused.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use URI;
use Okta::Test qw(new_browser server_url app_env set_cookie sign_in_fake error_log_mark
                  error_log_since);

plan tests => 17;

my $base = server_url('okta_tls_proxy');
my $https = { 'X-Forwarded-Proto' => 'https' };

sub value_of { my ($set_cookie) = @_; return ($set_cookie =~ /^[^=]+=([^;]*)/)[0] // '' }
# What the browser would ask over https, through the proxy: cookies are
# sent by hand (a Secure cookie never goes over LWP's plain http).
sub over_https {
    my ($url, $cookie) = @_;
    $url =~ s{^https://}{http://};
    return new_browser()->get($url, %$https, Accept => 'text/html',
                              ($cookie ? (Cookie => $cookie) : ()));
}

# ---- an https sign-in sets __Host- cookies ----
my $start = over_https("$base/app/tls");
is $start->code, 302, 'https: sent to sign in';
my $login = set_cookie($start, '__Host-okta_login');
like $login, qr/^__Host-okta_login=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure/,
    'https: the sign-in cookie is __Host-okta_login, Secure, Path=/';
unlike $login, qr/Domain=/i, 'https: with no Domain';
is set_cookie($start, 'okta_login'), '', 'https: no okta_login cookie besides';
my $authorize = new_browser()->get($start->header('Location'));
is $authorize->code, 302, 'the fake answers the sign-in';
my $callback = over_https($authorize->header('Location'), '__Host-okta_login=' . value_of($login));
is $callback->code, 302, 'https: the callback signs in';
my $session = set_cookie($callback, '__Host-okta_session');
like $session, qr/^__Host-okta_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Secure/,
    'https: the session cookie is __Host-okta_session, Secure, Path=/';
my $id = value_of($session);

my $res = over_https("$base/app/tls", "__Host-okta_session=$id");
is $res->code, 200, 'https: the session serves';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'https: as the user';
# a sibling domain's okta_session (even with a live session's id) is not
# this site's cookie on https
$res = over_https("$base/app/tls", "okta_session=$id");
is $res->code, 302, 'https: an okta_session cookie (not __Host-) is not read: sign in';
$res = over_https("$base/app/tls", 'okta_session=' . ('A' x 43) . "; __Host-okta_session=$id");
is $res->code, 200, 'https: beside a planted okta_session, the __Host- one serves';

# ---- plain http: a parent domain's okta_session beside the site's ----
my $ua = new_browser();
my (undef, undef, $cb) = sign_in_fake($ua, "$base/app/http");
my $own = value_of(set_cookie($cb, 'okta_session'));
like $own, qr/^[A-Za-z0-9_-]{43}$/, 'http: the session cookie is okta_session';
$res = new_browser()->get("$base/app/http", Accept => 'text/html',
                          Cookie => 'okta_session=' . ('B' x 43) . "; okta_session=$own");
is $res->code, 200, 'http: a stale okta_session beside the live one: served, no sign-in loop';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'http: as the user';
$res = new_browser()->get("$base/app/http", Accept => 'text/html',
                          Cookie => "okta_session=$own; okta_session=" . ('C' x 43));
is $res->code, 200, 'http: in either order';
(undef, undef, $cb) = sign_in_fake(new_browser(), "$base/app/http");
my $other = value_of(set_cookie($cb, 'okta_session'));
my $mark = error_log_mark();
$res = new_browser()->get("$base/app/http", Accept => 'text/html',
                          Cookie => "okta_session=$own; okta_session=$other");
is $res->code, 302, 'http: two live sessions: neither is taken; sign in';
like error_log_since($mark), qr/OKTA00063: .*2 live sessions/, 'http: OKTA00063 says why';
