# SPDX-License-Identifier: Apache-2.0
# The whole sign-in flow against the real provider (oidc-provider).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use URI;
use URI::QueryParam;
use Okta::Test qw(new_browser server_url sign_in follow_to_callback app_env op_requests op_reset);

plan tests => 44;

my $base = server_url();
my $op = $ENV{OKTA_OP_ISSUER};

sub cookie_header {
    my ($res, $name) = @_;
    my ($c) = grep { /^\Q$name\E=/ } $res->header('Set-Cookie');
    return $c // '';
}

# 1. An unauthenticated request is sent to the authorization endpoint.
my $ua = new_browser();
my $res = $ua->get("$base/app/page?x=1");
is $res->code, 302, 'no session: 302';
my $auth = URI->new($res->header('Location'));
is $auth->scheme . '://' . $auth->host_port . $auth->path, "$op/auth", 'to the authorization endpoint';
is $auth->query_param('response_type'), 'code', 'response_type=code';
is $auth->query_param('client_id'), 'okta-test', 'client_id';
is $auth->query_param('redirect_uri'), "$base/callback", 'redirect_uri';
is $auth->query_param('scope'), 'openid profile email offline_access', 'default scope';
like $auth->query_param('state'), qr/^[A-Za-z0-9_-]{22}$/, 'state is 128 random bits';
like $auth->query_param('nonce'), qr/^[A-Za-z0-9_-]{22}$/, 'nonce is 128 random bits';
like $auth->query_param('code_challenge'), qr/^[A-Za-z0-9_-]{43}$/, 'PKCE challenge';
is $auth->query_param('code_challenge_method'), 'S256', 'PKCE S256';
like cookie_header($res, 'okta_login'), qr/HttpOnly; SameSite=Lax/, 'login cookie attributes';

# 2-4. The provider sends the browser back; a session is created.
op_reset();
my $callback = follow_to_callback($ua, $res->header('Location'), 'alice', 'alice-password', "$base/");
$res = $ua->get($callback);
is $res->code, 302, 'callback answers 302';
is $res->header('Location'), '/app/page?x=1', 'back to the original URL';
my $session_cookie = cookie_header($res, 'okta_session');
like $session_cookie, qr/^okta_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/,
    'session cookie: opaque id, HttpOnly, SameSite=Lax, no Secure on http';
my @token_requests = grep { $_->{grant_type} } @{ op_requests() };
is scalar(@token_requests), 1, 'one token request';
is $token_requests[0]{client_auth}, 'basic', 'client_secret_basic';

# 5. The application sees the user and the claims.
$res = $ua->get("$base/app/page?x=1");
is $res->code, 200, 'signed in: 200';
my $env = app_env($res);
is $env->{REMOTE_USER}, 'alice', 'REMOTE_USER from sub';
is $env->{AUTH_TYPE}, 'Okta', 'AUTH_TYPE';
is $env->{OKTA_CLAIM_email}, 'alice@example.com', 'email claim as environment variable';
is $env->{OKTA_CLAIM_iss}, $op, 'iss claim';
$env = app_env($ua->get("$base/app/preset"));
is $env->{OKTA_CLAIM_email}, 'alice@example.com', 'a claim variable set before sign-in is replaced';
isnt $env->{OKTA_ACCESS_TOKEN}, 'preset', 'so is the access token variable';
my $access_token = $env->{OKTA_ACCESS_TOKEN} // '';
ok length $access_token, 'the session\'s access token is in OKTA_ACCESS_TOKEN';

# Claims as request headers, and client-sent ones stripped.
$res = $ua->get("$base/app/headers", 'X-Okta-Claim-email' => 'forged@example.com',
                'X-Okta-Claim-admin' => 'yes', 'X-Okta-Access-Token' => 'forged');
$env = app_env($res);
is $env->{HTTP_X_OKTA_CLAIM_EMAIL}, 'alice@example.com', 'claim header set by the module';
ok !exists $env->{HTTP_X_OKTA_CLAIM_ADMIN}, 'client-sent claim header stripped';
is $env->{HTTP_X_OKTA_ACCESS_TOKEN}, $access_token,
    'OktaClaimsHeaders On: X-Okta-Access-Token is the session\'s, not the client\'s';
ok !exists $env->{OKTA_CLAIM_email}, 'OktaClaimsEnv Off';
ok !exists $env->{OKTA_ACCESS_TOKEN}, 'OktaClaimsEnv Off: no OKTA_ACCESS_TOKEN either';

# Authorization still applies.
is $ua->get("$base/app/bob-only")->code, 403, 'Require user bob: alice gets 403';
is new_browser()->get("$base/public")->code, 200, 'unprotected location needs no session';

# A session cookie that is not ours leads to a new sign-in, not an error.
my $forged = new_browser();
$res = $forged->get("$base/app", Cookie => 'okta_session=' . ('A' x 43));
is $res->code, 302, 'unknown session id: sign in again';

# Every sign-in gets a new session id (no fixation).
my $second = new_browser();
$res = sign_in($second, "$base/app", 'alice', 'alice-password');
my $second_cookie = cookie_header($res, 'okta_session');
isnt((split /;/, $second_cookie)[0], (split /;/, $session_cookie)[0], 'new session id per sign-in');

# 6. Logout ends the session locally and at the provider (a browser
# following a link of the site says so: t/login/logout.t for the rest).
$res = $ua->get("$base/logout", 'Sec-Fetch-Site' => 'same-origin');
is $res->code, 302, 'logout: 302';
my $end = URI->new($res->header('Location'));
is $end->scheme . '://' . $end->host_port . $end->path, "$op/session/end", 'to end_session_endpoint';
ok length($end->query_param('id_token_hint') // '') > 100, 'with id_token_hint';
is $end->query_param('post_logout_redirect_uri'), "$base/logged-out", 'with post_logout_redirect_uri';
like cookie_header($res, 'okta_session'), qr/^okta_session=; .*Max-Age=0/, 'session cookie cleared';
my ($sid) = $session_cookie =~ /^(okta_session=[^;]+)/;
$res = new_browser()->get("$base/app/page", Cookie => $sid);
is $res->code, 302, 'the old session id no longer signs in';

# Logout without a session: straight to OktaPostLogoutRedirectURI.
$res = new_browser()->get("$base/logout", 'Sec-Fetch-Site' => 'same-origin');
is $res->code, 302, 'logout without a session: 302';
is $res->header('Location'), "$base/logged-out", 'to OktaPostLogoutRedirectURI';

# client_secret_post, on another virtual host.
my $post_base = server_url('okta_post');
op_reset();
$res = sign_in(new_browser(), "$post_base/app", 'bob', 'bob-password');
is $res->code, 302, 'client_secret_post: signed in';
@token_requests = grep { $_->{grant_type} } @{ op_requests() };
is $token_requests[0]{client_auth}, 'post', 'client_secret_post used';
is $token_requests[0]{client_id}, 'okta-post', 'as the vhost client';
