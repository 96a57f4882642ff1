# SPDX-License-Identifier: Apache-2.0
# What a request without a session gets: a browser navigating is sent to
# sign in, a script (XHR, fetch) gets 401 with WWW-Authenticate, and
# OktaUnauthAction overrides both.  A browser whose session is gone first
# tries a silent sign-in (prompt=none), and falls back to the sign-in form
# when the provider says login_required.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use HTTP::Request;
use URI;
use URI::QueryParam;
use Okta::Test qw(new_browser server_url sign_in follow_to_callback app_env set_cookie);

plan tests => 56;

my $base = server_url();
my $op = $ENV{OKTA_OP_ISSUER};
my ($res, $ua);

sub endpoint_of {
    my ($location) = @_;
    my $u = URI->new($location // '');
    return ($u->scheme // '') . '://' . ($u->host_port // '') . ($u->path // '');
}

sub get_with {
    my ($path, @headers) = @_;
    return new_browser()->get("$base$path", @headers);
}

# ---- no session: navigation or script ------------------------------------
$res = get_with('/app/x', Accept => 'text/html,application/xhtml+xml,*/*;q=0.8');
is $res->code, 302, 'Accept: text/html: 302';
is endpoint_of($res->header('Location')), "$op/auth", 'to the authorization endpoint';
ok !defined URI->new($res->header('Location'))->query_param('prompt'), 'no cookie: not silent';

$res = get_with('/app/x', 'Sec-Fetch-Mode' => 'navigate', Accept => '*/*');
is $res->code, 302, 'Sec-Fetch-Mode: navigate: 302';
is endpoint_of($res->header('Location')), "$op/auth", 'navigate: to the authorization endpoint';

$res = get_with('/app/x', 'Sec-Fetch-Mode' => 'cors', Accept => 'text/html');
is $res->code, 401, 'Sec-Fetch-Mode: cors: 401, whatever Accept says';
is $res->header('WWW-Authenticate'), qq{Okta realm="$op"}, 'cors: WWW-Authenticate names the issuer';
is set_cookie($res, 'okta_login'), '', 'cors: no sign-in started';

$res = get_with('/app/x', 'X-Requested-With' => 'XMLHttpRequest', Accept => 'text/html');
is $res->code, 401, 'X-Requested-With: 401';
ok defined $res->header('WWW-Authenticate'), 'X-Requested-With: WWW-Authenticate';

$res = get_with('/app/x', Accept => 'application/json');
is $res->code, 401, 'Accept: application/json: 401';
like $res->header('WWW-Authenticate') // '', qr/^Okta realm=/, 'application/json: WWW-Authenticate';
is $res->header('Location'), undef, 'application/json: no redirect';
like $res->header('Content-Type') // '', qr{^text/html}, 'the 401 page is HTML';
like $res->decoded_content, qr{<html>.*<h1>Sign-in required</h1>}s, 'the 401 page says sign-in is required';
like $res->header('Cache-Control') // '', qr/no-store/, 'the 401 page is not cached';

$res = get_with('/app/api-401/x', Accept => 'text/html');
is $res->code, 401, 'OktaUnauthAction 401: a navigation gets 401 too';
like $res->header('WWW-Authenticate') // '', qr/^Okta realm=/, 'OktaUnauthAction 401: WWW-Authenticate';
is set_cookie($res, 'okta_login'), '', 'OktaUnauthAction 401: no sign-in started';

# pass lets anonymous requests through where the Require lines allow
# them without a user; signed-in users are still recognised there.
$res = get_with('/public-pass/x', Accept => 'text/html');
is $res->code, 200, 'OktaUnauthAction pass, Require all granted: the application answers';
is app_env($res)->{REMOTE_USER}, '', 'pass: no user';
is app_env($res)->{OKTA_ACCESS_TOKEN}, undef, 'pass: no access token';
$res = get_with('/public-pass/x', Accept => 'application/json');
is $res->code, 200, 'pass: a script is let through too';
# Where a user is required (Require valid-user, inherited from /app), an
# anonymous request is not let in: an empty REMOTE_USER is not a user.
$res = get_with('/app/pass/x', Accept => 'text/html');
is $res->code, 302, 'pass under Require valid-user: a navigation is sent to sign in';
is endpoint_of($res->header('Location')), "$op/auth", 'pass under Require valid-user: at the provider';
$res = get_with('/app/pass/x', Accept => 'application/json');
is $res->code, 401, 'pass under Require valid-user: a script gets 401';
$ua = new_browser();
sign_in($ua, "$base/app/pass/x", 'alice', 'alice-password');
$res = $ua->get("$base/public-pass/x");
is $res->code, 200, 'pass: a signed-in user is served';
like app_env($res)->{REMOTE_USER} // '', qr/^alice/, 'pass: as the user';
ok app_env($res)->{OKTA_ACCESS_TOKEN}, 'pass: with the access token';

# ---- silent sign-in while the provider's session lives --------------------
# Replaces the module's cookies in a browser's jar (not the provider's).
sub forge_session_cookie {
    my ($browser, $value) = @_;
    my $jar = $browser->cookie_jar;
    $jar->clear('localhost.local');
    $jar->set_cookie(0, 'okta_session', $value, '/', 'localhost.local', undef, 1, 0, 3600, 0);
}

sub cookie_sent {
    my ($browser, $url) = @_;
    my $req = HTTP::Request->new(GET => $url);
    $browser->cookie_jar->add_cookie_header($req);
    return $req->header('Cookie') // '';
}

# Follows the provider's redirects back to the module without a form.
sub follow_redirects_to_module {
    my ($browser, $url) = @_;
    for (1 .. 8) {
        return ($url, undef) if index($url, "$base/") == 0;
        my $r = $browser->get($url);
        return (undef, $r) unless $r->is_redirect;
        $url = URI->new_abs($r->header('Location'), $url)->as_string;
    }
    return (undef, undef);
}

my $unknown = 'Z' x 43;
$ua = new_browser();
$res = sign_in($ua, "$base/app/silent", 'alice', 'alice-password');
is $res->code, 302, 'alice signed in';
my ($first_session) = set_cookie($res, 'okta_session') =~ /^okta_session=([^;]+)/;
is app_env($ua->get("$base/app/silent"))->{REMOTE_USER}, 'alice', 'alice is served';
is app_env($ua->get("$base/app/pass/x"))->{REMOTE_USER}, 'alice', 'OktaUnauthAction pass: a session still counts';
$res = $ua->get("$base/app/api-401/x", Accept => 'application/json');
is $res->code, 200, 'OktaUnauthAction 401: a session is served';

forge_session_cookie($ua, $unknown);
is cookie_sent($ua, "$base/app/silent"), "okta_session=$unknown", 'the browser now sends an unknown session id';
$res = $ua->get("$base/app/silent?again=1", Accept => 'text/html');
is $res->code, 302, 'unknown session id: 302';
my $auth = URI->new($res->header('Location'));
is endpoint_of($auth), "$op/auth", 'to the authorization endpoint';
is $auth->query_param('prompt'), 'none', 'silently: prompt=none';
is $auth->query_param('redirect_uri'), "$base/silent-callback", 'back to /silent-callback';

my ($callback, $stopped_at) = follow_redirects_to_module($ua, $auth->as_string);
ok defined $callback, 'the provider answers without showing its sign-in form'
    or diag 'stopped at: ' . ($stopped_at ? $stopped_at->status_line : 'too many redirects');
$callback //= '';
is endpoint_of($callback), "$base/silent-callback", 'at the silent callback';
ok length(URI->new($callback)->query_param('code') // ''), 'with a code';
$res = $ua->get($callback);
is $res->code, 302, 'the silent callback signs in';
is $res->header('Location'), '/app/silent?again=1', 'back to the page asked for';
my ($new_session) = set_cookie($res, 'okta_session') =~ /^okta_session=([^;]+)/;
ok $new_session && $new_session ne $unknown && $new_session ne $first_session,
    'with a new session id';
is app_env($ua->get("$base/app/silent?again=1"))->{REMOTE_USER}, 'alice', 'alice is served again';

# ---- silent sign-in without a provider session: login_required ------------
my $fresh = new_browser();
forge_session_cookie($fresh, $unknown);
$res = $fresh->get("$base/app/fresh", Accept => 'text/html');
$auth = URI->new($res->header('Location') // '');
is $auth->query_param('prompt'), 'none', 'fresh browser: silent attempt first';
($callback) = follow_redirects_to_module($fresh, $auth->as_string);
$callback //= '';
is endpoint_of($callback), "$base/silent-callback", 'the provider sends it back to /silent-callback';
is(URI->new($callback)->query_param('error'), 'login_required', 'with error=login_required');
$res = $fresh->get($callback);
is $res->code, 302, 'login_required: 302';
$auth = URI->new($res->header('Location') // '');
is endpoint_of($auth), "$op/auth", 'to the authorization endpoint again';
ok !defined $auth->query_param('prompt'), 'this time without prompt=none';
is $auth->query_param('redirect_uri'), "$base/callback", 'to the normal callback';
is set_cookie($res, 'okta_session'), '', 'no session yet';
$callback = follow_to_callback($fresh, $auth->as_string, 'alice', 'alice-password', "$base/");
$res = $fresh->get($callback);
is $res->code, 302, 'signing in with the form completes';
is $res->header('Location'), '/app/fresh', 'back to the page first asked for';
is app_env($fresh->get("$base/app/fresh"))->{REMOTE_USER}, 'alice', 'the fresh browser is served';
