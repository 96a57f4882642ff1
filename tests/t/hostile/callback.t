# SPDX-License-Identifier: Apache-2.0
# The sign-in callback and its surroundings under attack or failure:
# replays, missing and foreign state, provider errors, token endpoint
# failures, PKCE and client authentication as the provider saw them,
# broken discovery, forged session cookies and the return URL.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Digest::SHA qw(sha256);
use HTTP::Request;
use MIME::Base64 qw(encode_base64url);
use Time::HiRes qw(time);
use URI;
use URI::QueryParam;
use Okta::Test qw(new_browser server_url sign_in app_env fake_mode fake_requests
                  fake_requests_for error_log_mark error_log_since set_cookie start_sign_in
                  wait_until);

plan tests => 120;

my $base = server_url('okta_fake');
my $authorize = $ENV{OKTA_FAKE_BASE} . '/good/authorize';
my ($ua, $res, $callback, $mark, $log);

sub sent_to_sign_in {
    my ($res) = @_;
    return $res->code == 302 && index($res->header('Location') // '', $authorize) == 0;
}

sub cookie_sent {
    my ($ua, $url) = @_;
    my $req = HTTP::Request->new(GET => $url);
    $ua->cookie_jar->add_cookie_header($req);
    return $req->header('Cookie') // '';
}

sub with_query {
    my ($url, @pairs) = @_;
    my $u = URI->new($url);
    $u->query_form(@pairs);
    return $u->as_string;
}

# ---- a callback replayed after a successful sign-in ----------------------
fake_mode('normal');
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/replay");
my $cookies_then = cookie_sent($ua, $callback);
$res = $ua->get($callback);
is $res->code, 302, 'replay: the first callback signs in';
my ($first_session) = set_cookie($res, 'okta_session') =~ /^(okta_session=[^;]+)/;
ok $first_session, 'replay: the first callback sets a session';
$mark = error_log_mark();
$res = $ua->get($callback);
is $res->code, 400, 'replay: the same callback again in the same browser: 400';
is set_cookie($res, 'okta_session'), '', 'replay: no second session';
$res = new_browser()->get($callback, Cookie => $cookies_then);
is $res->code, 400, 'replay: the callback with the original cookies: 400';
is set_cookie($res, 'okta_session'), '', 'replay with the original cookies: no second session';
$log = error_log_since($mark);
is scalar(() = $log =~ /OKTA00019: sign-in callback refused/g), 2, 'replay: OKTA00019 twice';
is scalar(fake_requests_for('/good/token')), 1, 'replay: the code was redeemed only once';
$res = $ua->get("$base/app/replay");
is $res->code, 200, 'replay: the first session still works';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'replay: as the first user';

# ---- a callback after OktaLoginTimeout (okta_login_short: 1 s) ----------
# The browser drops the login cookie then (its Max-Age); one that kept it,
# or someone who copied it, is refused by the server's own check.
fake_mode('normal');
$ua = new_browser();
$callback = start_sign_in($ua, server_url('okta_login_short') . '/app/slow');
my $started = time; # the sign-in began at this second or before
my $kept_cookies = cookie_sent($ua, $callback);
wait_until(int($started) + 2.05);
$mark = error_log_mark();
$res = new_browser()->get($callback, Cookie => $kept_cookies);
is $res->code, 400, 'after OktaLoginTimeout: 400';
like $res->decoded_content, qr/This sign-in took too long \(OktaLoginTimeout\)/,
    'after OktaLoginTimeout: the page says why';
is set_cookie($res, 'okta_session'), '', 'after OktaLoginTimeout: no session';
like error_log_since($mark), qr/OKTA00019: sign-in callback refused: This sign-in took too long/,
    'after OktaLoginTimeout: OKTA00019';
is scalar(fake_requests_for('/good/token')), 0, 'after OktaLoginTimeout: the code was not redeemed';

# ---- a callback without state, or with it twice --------------------------
fake_mode('normal');
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/nostate");
my $code = URI->new($callback)->query_param('code');
my $state = URI->new($callback)->query_param('state');
$mark = error_log_mark();
$res = $ua->get(with_query("$base/callback", code => $code));
is $res->code, 400, 'callback without state: 400';
like error_log_since($mark), qr/OKTA00019: .*exactly one state/, 'without state: OKTA00019';
is set_cookie($res, 'okta_session'), '', 'without state: no session';
$mark = error_log_mark();
$res = $ua->get(with_query("$base/callback", code => $code, state => $state, state => $state));
is $res->code, 400, 'callback with the state twice: 400';
like error_log_since($mark), qr/OKTA00019: .*exactly one state/, 'state twice: OKTA00019';
is set_cookie($res, 'okta_session'), '', 'state twice: no session';
$res = $ua->get(with_query("$base/callback", code => $code, state => $state,
                           state => 'AAAAAAAAAAAAAAAAAAAAAA'));
is $res->code, 400, 'callback with two different states: 400';
is new_browser()->get("$base/callback")->code, 400, 'bare callback, no cookies: 400';
ok !grep({ $_->{path} eq '/good/token' } @{ fake_requests() }), 'no code was redeemed';

# ---- a callback from another browser's sign-in (login CSRF) --------------
fake_mode('normal');
my $victim = new_browser();
my $attacker = new_browser();
my $attacker_callback = start_sign_in($attacker, "$base/app/attacker");
$victim->get("$base/app/victim");    # the victim has a sign-in of its own going
$mark = error_log_mark();
$res = $victim->get($attacker_callback);
is $res->code, 400, "another browser's callback: 400";
is set_cookie($res, 'okta_session'), '', "another browser's callback: no session";
like error_log_since($mark), qr/OKTA00019: .*not started by this browser/,
    "another browser's callback: OKTA00019";
ok sent_to_sign_in($victim->get("$base/app/victim")), 'the victim is not signed in';
is scalar(fake_requests_for('/good/token')), 0, "the attacker's code was not redeemed";
$res = $attacker->get($attacker_callback);
is $res->code, 302, 'the browser that started it can still finish';

# ---- the provider refuses: error=access_denied ----------------------------
fake_mode('authorize_error');
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/denied");
is(URI->new($callback)->query_param('error'), 'access_denied', 'the fake sent access_denied');
$mark = error_log_mark();
$res = $ua->get($callback);
is $res->code, 403, 'access_denied: 403';
like $res->decoded_content, qr/access_denied/, 'access_denied: the page names it';
like error_log_since($mark), qr/OKTA00018: the provider refused the sign-in: access_denied/,
    'access_denied: OKTA00018';
is set_cookie($res, 'okta_session'), '', 'access_denied: no session';
ok sent_to_sign_in($ua->get("$base/app/denied")), 'access_denied: not signed in';

# What the provider says is shown escaped, never as markup.
fake_mode('normal');
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/markup");
$state = URI->new($callback)->query_param('state');
$res = $ua->get(with_query("$base/callback", state => $state, error => '<script>alert(1)</script>',
                           error_description => '<img src=x onerror=alert(2)>'));
is $res->code, 502, 'an unknown provider error: 502';
ok $res->decoded_content !~ /<script>|<img/ && $res->decoded_content =~ /&lt;script&gt;/,
    "the provider's words are HTML-escaped on the page";

# ---- the token endpoint fails ---------------------------------------------
fake_mode('token_error_invalid_client');
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/client");
$mark = error_log_mark();
$res = $ua->get($callback);
$log = error_log_since($mark);
is $res->code, 502, 'invalid_client: 502';
like $res->decoded_content, qr/invalid_client.*OktaClientSecret/s, 'invalid_client: the page says check OktaClientSecret';
like $log, qr/OKTA00018: .*invalid_client.*OktaClientSecret/, 'invalid_client: OKTA00018 names OktaClientSecret';
is set_cookie($res, 'okta_session'), '', 'invalid_client: no session';

fake_mode('token_error_500');
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/t500");
$mark = error_log_mark();
$res = $ua->get($callback);
is $res->code, 502, 'token endpoint 500: 502';
like error_log_since($mark), qr/OKTA00021: token endpoint answered HTTP 500/, 'token endpoint 500: OKTA00021';
is set_cookie($res, 'okta_session'), '', 'token endpoint 500: no session';

# Answers from the provider are read up to 256 KB, no further.
fake_mode('token_huge');
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/huge");
$mark = error_log_mark();
$res = $ua->get($callback);
is $res->code, 502, 'oversized token answer: 502';
like error_log_since($mark), qr/OKTA00020: .*larger than 262144 bytes/, 'oversized token answer: OKTA00020 says so';
is set_cookie($res, 'okta_session'), '', 'oversized token answer: no session';

# A token response without an ID token (no "openid" scope) signs nobody in.
fake_mode('no_id_token');
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/noid");
$mark = error_log_mark();
$res = $ua->get($callback);
is $res->code, 502, 'no id_token: 502';
like $res->decoded_content, qr/OktaScope must include openid/, 'no id_token: the page names OktaScope';
like error_log_since($mark), qr/OKTA00023: the token response has no id_token/, 'no id_token: OKTA00023';
is set_cookie($res, 'okta_session'), '', 'no id_token: no session';

# A valid sign-in whose session is too big for the cache (a huge groups
# claim) is refused with a clear page, not half kept.
fake_mode('huge_claims');
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/huge-claims");
$mark = error_log_mark();
$res = $ua->get($callback);
is $res->code, 503, 'oversized session: 503';
like error_log_since($mark), qr/OKTA00007: session record of \d+ bytes is larger than the 32768/,
    'oversized session: OKTA00007 says how big';
is set_cookie($res, 'okta_session'), '', 'oversized session: no session';
fake_mode('normal');

fake_mode('token_hang');
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/hang");
$mark = error_log_mark();
my $started = time;
$res = $ua->get($callback);
my $took = time - $started;
is $res->code, 504, 'token endpoint hangs: 504';
# not before the timeout, and not long after it (a margin for a slow machine)
ok $took >= 2.5 && $took < 3 + 5, sprintf('token endpoint hangs: answered after OktaHTTPTimeout 3 (%.1f s)', $took);
like error_log_since($mark), qr/OKTA00020: token endpoint did not answer/, 'token endpoint hangs: OKTA00020';
is set_cookie($res, 'okta_session'), '', 'token endpoint hangs: no session';
fake_mode('normal');    # lets the held request go

# ---- PKCE and client authentication, as the provider saw them -----------
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/pkce");
is $ua->get($callback)->code, 302, 'PKCE: signed in';
my ($auth_req) = fake_requests_for('/good/authorize');
my ($token_req) = fake_requests_for('/good/token');
is $auth_req->{query}{code_challenge_method}, 'S256', 'PKCE: code_challenge_method S256';
like $auth_req->{query}{code_challenge}, qr/^[A-Za-z0-9_-]{43}$/, 'PKCE: a SHA-256 challenge';
my $verifier = $token_req->{form}{code_verifier} // '';
like $verifier, qr/^[A-Za-z0-9._~-]{43,128}$/, 'PKCE: the token request carries a verifier';
is encode_base64url(sha256($verifier)), $auth_req->{query}{code_challenge},
    'PKCE: BASE64URL(SHA256(verifier)) is the challenge';
is $token_req->{form}{grant_type}, 'authorization_code', 'token request: grant_type';
is $token_req->{form}{redirect_uri}, "$base/callback", 'token request: redirect_uri';
is $token_req->{auth_scheme}, 'basic', 'client_secret_basic: HTTP Basic';
is $token_req->{basic_client_id}, 'fake-client', 'client_secret_basic: as fake-client';
ok !exists $token_req->{form}{client_secret}, 'client_secret_basic: no secret in the form';

# ---- discovery that cannot be used ----------------------------------------
$mark = error_log_mark();
$res = new_browser()->get(server_url('okta_mismatch') . '/app');
$log = error_log_since($mark);
is $res->code, 502, 'issuer mismatch: 502';
like $log, qr/OKTA00013: .*'Okta URL'/, "issuer mismatch: OKTA00013 names 'Okta URL'";
ok !$res->header('Location'), 'issuer mismatch: not sent anywhere';

$mark = error_log_mark();
$res = new_browser()->get(server_url('okta_down') . '/app');
is $res->code, 502, 'provider down: 502';
like error_log_since($mark), qr/OKTA00011: cannot fetch the provider's discovery document/,
    'provider down: OKTA00011';

# ---- callback parameters and provider answers, each on a new sign-in ------
# The state of a new sign-in in $ua, its authorization request not followed.
sub new_state {
    my ($ua, $path) = @_;
    return URI->new($ua->get("$base/app/$path")->header('Location') // '')->query_param('state');
}
my %provider_errors = (
    invalid_scope => [502, qr/check OktaScope/],
    unauthorized_client => [502, qr/allow the Authorization Code grant type/],
    invalid_grant => [400, qr/used already or has expired/],
);
for my $error (sort keys %provider_errors) {
    my ($status, $hint) = @{ $provider_errors{$error} };
    $ua = new_browser();
    my $st = new_state($ua, "error-$error");
    $mark = error_log_mark();
    $res = $ua->get(with_query("$base/callback", error => $error, state => $st));
    is $res->code, $status, "provider answered $error: $status";
    like error_log_since($mark), qr/OKTA00018: [^\n]*$error[^\n]*$hint/,
        "provider answered $error: the log names what to check";
}
$ua = new_browser();
$res = $ua->get(with_query("$base/callback", error => 'access_denied', error => 'other',
                           state => new_state($ua, 'two-errors')));
is $res->code, 400, 'callback repeating error: 400';
$ua = new_browser();
my $no_code_state = new_state($ua, 'no-code');
$mark = error_log_mark();
$res = $ua->get(with_query("$base/callback", state => $no_code_state));
is $res->code, 400, 'callback without code: 400';
like error_log_since($mark), qr/OKTA00019: [^\n]*exactly one code/, 'without code: OKTA00019';
is $ua->post("$base/callback", { code => 'x', state => new_state($ua, 'post') })->code, 405,
    'callback by POST: 405';
is $ua->get("$base/callback?code=x&state=%zz")->code, 400, 'callback with a malformed query: 400';

# Junk in the browser's list of pending sign-ins is dropped, not fatal.
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/junk-list");
my ($list) = cookie_sent($ua, $callback) =~ /okta_login=([^;]+)/;
$res = new_browser()->get($callback, Cookie => "okta_login=short.@{[ 'x' x 21 ]}!.$list");
is $res->code, 302, 'login cookie with junk entries: the genuine sign-in completes';

# ---- the REMOTE_USER claim is not in the ID token ------------------------
fake_mode('normal');
$ua = new_browser();
$callback = start_sign_in($ua, server_url('okta_claimless') . '/app/claimless');
$mark = error_log_mark();
$res = $ua->get($callback);
is $res->code, 502, 'no claim for REMOTE_USER: 502';
like error_log_since($mark), qr/OKTA00024: neither the ID token nor the userinfo endpoint has a claim "employee_number"[^\n]*OktaRemoteUserClaim/,
    'no claim for REMOTE_USER: the log names OktaScope and OktaRemoteUserClaim (OKTA00024)';
is set_cookie($res, 'okta_session'), '', 'no claim for REMOTE_USER: no session';

# ---- the silent redirect URI (prompt=none sign-ins) -----------------------
fake_mode('normal');
$ua = new_browser();
$callback = start_sign_in($ua, "$base/app/wrong-door");
my $silent_door = URI->new($callback);
$silent_door->path('/silent-callback');
$mark = error_log_mark();
$res = $ua->get($silent_door->as_string);
is $res->code, 400, 'an interactive sign-in brought back to the silent callback: 400';
like error_log_since($mark), qr/OKTA00019: [^\n]*wrong redirect URI/, 'wrong callback: OKTA00019 says so';
is $ua->get($callback)->code, 400, 'wrong callback: the state is spent, the right one refuses it too';
is scalar(fake_requests_for('/good/token')), 0, 'wrong callback: no code was redeemed';

# A silent attempt (the browser's session is unknown here) that the provider
# refuses for a reason other than needing the user: a page, not a new try.
$ua = new_browser();
$res = $ua->get("$base/app/silent-refused", Cookie => 'okta_session=' . 'D' x 43);
my $silent_auth = URI->new($res->header('Location') // '');
is $silent_auth->query_param('prompt'), 'none', 'unknown session: a silent sign-in is tried';
$mark = error_log_mark();
$res = $ua->get(with_query("$base/silent-callback", error => 'access_denied',
                           state => $silent_auth->query_param('state') // ''));
is $res->code, 403, 'silent sign-in answered access_denied: 403';
ok !$res->header('Location'), 'silent sign-in answered access_denied: no new attempt';
like error_log_since($mark), qr/OKTA00018: [^\n]*access_denied[^\n]*assigned to the app/,
    'silent sign-in answered access_denied: the log names the Okta setting (OKTA00018)';

# ---- forged session cookies -----------------------------------------------
fake_mode('normal');
my $alice = new_browser();
sign_in($alice, server_url() . '/app', 'alice', 'alice-password');
my ($alice_cookie) = grep { /^okta_session=/ } split /;\s*/, cookie_sent($alice, server_url() . '/app');
$ua = new_browser();
sign_in($ua, "$base/app", undef, undef);
my ($valid) = grep { /^okta_session=/ } split /;\s*/, cookie_sent($ua, "$base/app");
is app_env($ua->get("$base/app"))->{REMOTE_USER}, 'mallory-sub', 'the genuine session works';
(my $valid_id = $valid) =~ s/^okta_session=//;
my @forged = (
    ['empty',                        'okta_session='],
    ['too short',                    'okta_session=abc'],
    ['42 characters',                'okta_session=' . substr($valid_id, 0, 42)],
    ['44 characters',                "okta_session=${valid_id}A"],
    ['bad characters',               'okta_session=' . ('%' x 43)],
    ['a dot in 43 characters',       'okta_session=' . substr($valid_id, 0, 42) . '.'],
    ['43 valid-looking characters',  'okta_session=' . ('A' x 43)],
    ['8 KB',                         'okta_session=' . ('A' x 8000)],
    ['repeated, both forged',        'okta_session=' . ('B' x 43) . '; okta_session=' . ('D' x 43)],
    ['quoted',                       qq{okta_session="$valid_id"}],
    ["another vhost's session",      $alice_cookie],
);
for my $case (@forged) {
    my ($name, $cookie) = @$case;
    $res = new_browser()->get("$base/app", Cookie => $cookie);
    ok sent_to_sign_in($res), "forged cookie, $name: sent to sign in"
        or diag $res->status_line;
}
# a forged cookie beside the genuine one (a parent domain's) is passed over,
# in either order: t/login/cookies.t
for my $cookie ("$valid; okta_session=" . ('B' x 43), 'okta_session=' . ('B' x 43) . "; $valid") {
    is app_env(new_browser()->get("$base/app", Cookie => $cookie))->{REMOTE_USER}, 'mallory-sub',
        'a forged cookie beside the genuine one: the genuine session serves';
}
$res = new_browser()->get("$base/app", Cookie => $valid, Cookie => 'okta_session=' . ('C' x 43));
ok sent_to_sign_in($res), 'two Cookie headers: sent to sign in';

# ---- the return URL stays on this server -----------------------------------
for my $case (['/app//evil.example', '/app//evil.example'],
              ['/app//evil.example/x?y=//evil.example', '/app//evil.example/x?y=//evil.example'],
              ['//app/evil.example', '/'],
              ['/app/%5Cevil.example', '/app/%5Cevil.example']) {
    my ($path, $want) = @$case;
    $ua = new_browser();
    my $u = URI->new($base);
    $u->path_query($path);
    my $cb = eval { start_sign_in($ua, $u->as_string) };
    $res = $cb ? $ua->get($cb) : HTTP::Response->new(599, $@);
    my $location = $res->header('Location') // '(none: ' . $res->status_line . ')';
    like $location, qr{^/(?![/\\])}, "return URL $path: a local path ($location)";
    is $location, $want, "return URL $path: as expected";
}
