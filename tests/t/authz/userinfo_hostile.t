# SPDX-License-Identifier: Apache-2.0
# Claims from userinfo when the provider is scripted (fake-op.js): what the
# provider receives, a userinfo answer that is about another user, fails,
# is not JSON, is too big or never comes (the sign-in is refused with 502),
# how the claims merge (userinfo wins, but never over the ID token's own
# claims), groups as one string, nested claims, a provider without a
# userinfo endpoint, and claims that change at the provider between the
# sign-in and a refresh (at a fake this test starts itself, as
# t/refresh/failures.t does: the okta_refresh_fake vhost has
# OktaRefreshLeeway 30, so a token of 20 s is due for refresh at once).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time);
use Okta::Test qw(new_browser server_url app_env set_cookie sign_in_fake start_sign_in
                  fake_mode fake_requests_for fake_userinfo error_log_mark error_log_since
                  log_lines start_provider fake_mode_at fake_requests_at fake_userinfo_at
                  set_token_ttl);

plan tests => 129;

my $fake = $ENV{OKTA_FAKE_BASE};
my $base = server_url('okta_fake');
my ($res, $env, $mark, $log, @lines);

# A new browser signed in at `$url` (at the fake of OKTA_FAKE_BASE or the
# short one): the application's view of `$url` afterwards.
sub signed_in {
    my ($ua, $url) = @_;
    my (undef, undef, $callback) = sign_in_fake($ua, $url);
    die 'sign-in failed: ' . $callback->status_line unless $callback->code == 302;
    return $ua->get($url);
}

# ---- what the provider receives --------------------------------------------
fake_mode('normal');
my $ua = new_browser();
my (undef, undef, $callback) = sign_in_fake($ua, "$base/authz/any");
is $callback->code, 302, 'signed in';
my @userinfo = fake_requests_for('/good/userinfo');
is scalar(@userinfo), 1, 'one userinfo request at sign-in';
my $asked = $userinfo[0] // {};
is $asked->{method}, 'GET', 'a GET';
is $asked->{auth_scheme}, 'bearer', 'with Authorization: Bearer';
ok $asked->{bearer_issued}, 'with an access token the provider issued';
my ($exchange) = fake_requests_for('/good/token');
is $asked->{bearer_token}, ($exchange // {})->{new_access_token}, 'the one of the code exchange';
is $asked->{status}, 200, 'answered';
$res = $ua->get("$base/authz/any");
is app_env($res)->{OKTA_ACCESS_TOKEN}, $asked->{bearer_token}, 'the token the application is handed';
is scalar(fake_requests_for('/good/userinfo')), 1, 'userinfo is not read per request';

# ---- a userinfo answer the sign-in cannot use: 502 --------------------------
# [mode, tag, what the page says, what it is]
my @refusals = (
    ['userinfo_sub_mismatch', 'OKTA00048', qr/about another user/, 'userinfo about another user'],
    ['userinfo_500', 'OKTA00047', qr/HTTP 500/, 'userinfo HTTP 500'],
    ['userinfo_401', 'OKTA00047', qr/HTTP 401/, 'userinfo HTTP 401'],
    ['userinfo_not_json', 'OKTA00047', qr/not (?:a )?JSON/, 'userinfo not JSON'],
    ['userinfo_huge', 'OKTA00047', qr/too (?:big|large)|larger than/i, 'userinfo over 256 KiB'],
    ['userinfo_hang', 'OKTA00047', qr/did not answer/, 'userinfo never answers'],
);
for my $case (@refusals) {
    my ($mode, $tag, $cause, $what) = @$case;
    fake_mode($mode);
    my $browser = new_browser();
    my $back = start_sign_in($browser, "$base/authz/$mode");
    $mark = error_log_mark();
    my $t0 = time;
    $res = $browser->get($back);
    my $took = time - $t0;
    is $res->code, 502, "$what: the sign-in is refused with 502";
    like $res->decoded_content, $cause, "$what: the page names the cause";
    is set_cookie($res, 'okta_session'), '', "$what: no session";
    like error_log_since($mark), qr/\Q$tag\E:/, "$what: $tag";
    ok scalar(fake_requests_for('/good/userinfo')), "$what: userinfo was asked";
    if ($mode eq 'userinfo_hang') {
        # OktaHTTPTimeout 3 on okta_fake (a margin for a slow machine)
        ok $took >= 2.5 && $took < 3 + 5, sprintf('%s: given up after OktaHTTPTimeout (%.1f s)', $what, $took);
    }
    fake_mode('normal');    # lets a held request go
    is $browser->get("$base/authz/$mode")->code, 302, "$what: not signed in";
}

# ---- merging: userinfo wins, except over the ID token's own claims ----------
fake_mode('normal');
fake_userinfo('{"email": "userinfo@example.com", "email_verified": false, "department": "Finance",'
              . ' "iss": "http://evil.example", "aud": "evil-client", "exp": 1, "iat": 1,'
              . ' "nonce": "forged", "auth_time": 1}');
$ua = new_browser();
$env = app_env(signed_in($ua, "$base/authz/any"));
is $env->{REMOTE_USER}, 'mallory-sub', 'merged: the user';
is $env->{OKTA_CLAIM_email}, 'userinfo@example.com', 'merged: userinfo\'s email wins over the ID token\'s';
is $env->{OKTA_CLAIM_email_verified}, 'false', 'merged: so does its boolean';
is $env->{OKTA_CLAIM_department}, 'Finance', 'merged: a claim only userinfo has';
is $env->{OKTA_CLAIM_name}, 'Mallory Fake', 'merged: claims both have alike';
is $env->{OKTA_CLAIM_iss}, "$fake/good", 'merged: iss stays the ID token\'s';
is $env->{OKTA_CLAIM_aud}, 'fake-client', 'merged: aud stays the ID token\'s';
cmp_ok $env->{OKTA_CLAIM_exp} // 0, '>', time - 60, 'merged: exp stays the ID token\'s';
cmp_ok $env->{OKTA_CLAIM_iat} // 0, '>', time - 600, 'merged: iat stays the ID token\'s';
cmp_ok $env->{OKTA_CLAIM_auth_time} // 0, '>', time - 600, 'merged: auth_time stays the ID token\'s';
isnt $env->{OKTA_CLAIM_nonce}, 'forged', 'merged: nonce is not userinfo\'s';
is $ua->get("$base/authz/claim-true")->code, 403, 'okta-claim email_verified true: userinfo\'s false decides';
is $ua->get("$base/authz/claim-department")->code, 200, 'okta-claim department Finance: from userinfo';

# ---- claims that look alike are not the same --------------------------------------
# A claim named "org.role" is not org's role, a string "true" is not the
# boolean, and two claims whose names make one header are neither handed on.
fake_mode('normal');
fake_userinfo('{"org.role": "admin", "org": {"role": "user"}, "email_verified": "true",'
              . ' "Email": "admin@evil.example"}');
$ua = new_browser();
$mark = error_log_mark();
$res = signed_in($ua, "$base/authz/any");
is $ua->get("$base/authz/claim-nested-role")->code, 403, 'okta-claim org.role admin: a claim named "org.role" is not org.role';
is $ua->get("$base/authz/claim-dotted-role")->code, 200, 'okta-claim org\.role admin: it is the claim named "org.role"';
is $ua->get("$base/authz/claim-true")->code, 403, 'okta-claim email_verified true: the string "true" is not the boolean';
is $ua->get("$base/authz/claim-string-true")->code, 200, 'okta-claim email_verified \'"true"\': the string';
ok !exists app_env($ua->get("$base/app/headers"))->{HTTP_X_OKTA_CLAIM_EMAIL}, 'Email and email: no X-Okta-Claim-Email';
$env = app_env($res);
ok !exists $env->{OKTA_CLAIM_email} && !exists $env->{OKTA_CLAIM_Email}, 'Email and email: neither variable';
like error_log_since($mark), qr/OKTA00042: .*same header or variable name: .*Email/, 'Email and email: OKTA00042';

# a group is a string, whatever its name
fake_mode('normal');
fake_userinfo({ groups => ['true'] });
$ua = new_browser();
signed_in($ua, "$base/authz/any");
is $ua->get("$base/authz/group-true")->code, 200, 'okta-group true: the group named "true"';

# ---- groups as one string -----------------------------------------------------
fake_mode('normal');
fake_userinfo({ groups => 'Data Stewards' });
$ua = new_browser();
$env = app_env(signed_in($ua, "$base/authz/any"));
is $env->{OKTA_CLAIM_groups}, 'Data Stewards', 'groups as a string: handed on as it is';
is $ua->get("$base/authz/group-stewards")->code, 200, 'groups as a string: okta-group "Data Stewards" matches it';
is $ua->get("$base/authz/group-several")->code, 403, 'groups as a string: and only it';
is $ua->get("$base/authz/claim-array")->code, 200, 'groups as a string: okta-claim groups matches it too';

fake_mode('normal');
fake_userinfo({ groups => 'Data Stewards,Everyone' });
$ua = new_browser();
signed_in($ua, "$base/authz/any");
$mark = error_log_mark();
is $ua->get("$base/authz/group-stewards")->code, 403, 'one string is one group, not a list: refused';
is $ua->get("$base/authz/group-several")->code, 403, 'one string is one group: Everyone is not in it either';
unlike error_log_since($mark), qr/OKTA00046:/, 'the groups claim is there: no advice';

fake_mode('normal');
fake_userinfo({ groups => ['Sales, EMEA', 'Data Stewards'] });
$ua = new_browser();
$env = app_env(signed_in($ua, "$base/authz/any"));
is $env->{OKTA_CLAIM_groups}, 'Sales%2C EMEA,Data Stewards', 'groups as an array: today\'s join';
is $ua->get("$base/authz/group-stewards")->code, 200, 'groups as an array: okta-group matches an element';

# the fake's users have no groups claim
fake_mode('normal');
$ua = new_browser();
signed_in($ua, "$base/authz/any");
$mark = error_log_mark();
is $ua->get("$base/authz/group-stewards")->code, 403, 'no groups claim: 403';
@lines = log_lines(error_log_since($mark), 'OKTA00046');
like $lines[0] // '', qr/\[okta_authcode:warn\].*OktaGroupsClaim/, 'no groups claim: OKTA00046 warns';

# ---- nested claims and numbers -----------------------------------------------------
fake_mode('normal');
fake_userinfo('{"address": {"locality": "Oslo", "country": "NO"}, "org": {"unit": {"name": "R&D"}},'
              . ' "employee_number": 42}');
$ua = new_browser();
$env = app_env(signed_in($ua, "$base/authz/any"));
is $env->{OKTA_CLAIM_address}, '{"locality":"Oslo","country":"NO"}',
    'nested: compact JSON, keys in the provider\'s order';
is $env->{OKTA_CLAIM_org}, '{"unit":{"name":"R&D"}}', 'nested twice: compact JSON';
is $env->{OKTA_CLAIM_employee_number}, '42', 'a number: its JSON text';
is $ua->get("$base/authz/claim-nested")->code, 200, 'okta-claim address.country NO: a dotted path';
is $ua->get("$base/authz/claim-object")->code, 403, 'okta-claim address NO: an object is not a value';
is $ua->get("$base/authz/claim-number")->code, 200, 'okta-claim employee_number 42: a number';

fake_mode('normal');
fake_userinfo('{"address": {"country": "SE"}, "employee_number": "42"}');
$ua = new_browser();
signed_in($ua, "$base/authz/any");
is $ua->get("$base/authz/claim-nested")->code, 403, 'okta-claim address.country NO: SE is refused';
is $ua->get("$base/authz/claim-number")->code, 200, 'okta-claim employee_number 42: the string "42" is 42 too';

# ---- a provider without a userinfo endpoint ----------------------------------------
my $bare = server_url('okta_nouserinfo');
fake_mode('normal');
fake_userinfo({ department => 'Finance' });
$ua = new_browser();
(undef, undef, $callback) = sign_in_fake($ua, "$bare/authz/any");
is $callback->code, 302, 'no userinfo_endpoint: signed in';
$env = app_env($ua->get("$bare/authz/any"));
is $env->{REMOTE_USER}, 'mallory-sub', 'no userinfo_endpoint: the user';
is $env->{OKTA_CLAIM_email}, 'mallory@example.com', 'no userinfo_endpoint: the ID token\'s claims';
ok !exists $env->{OKTA_CLAIM_department}, 'no userinfo_endpoint: nothing from userinfo';
is scalar(fake_requests_for('/nouserinfo/userinfo')), 0, 'no userinfo_endpoint: none was asked';
fake_mode('normal');

# ---- claims change at the provider: read again at every refresh -------------
my $short = start_provider(script => 'fake-op.js', port => $ENV{OKTA_FAKE_SHORT_PORT},
                           log => 'fake-short.log');
my $short_base = $ENV{OKTA_FAKE_SHORT_BASE};
my $rbase = server_url('okta_refresh_fake');

sub short_requests {
    my ($path, $grant) = @_;
    return grep { $_->{path} eq $path && (!$grant || ($_->{form}{grant_type} // '') eq $grant) }
        @{ fake_requests_at($short_base) };
}
sub short_userinfo { short_requests('/good/userinfo') }
sub short_refreshes { short_requests('/good/token', 'refresh_token') }

fake_mode_at($short_base, 'normal');
fake_userinfo_at($short_base, { groups => ['Everyone'], department => 'Sales' });
my $steady = new_browser();
set_token_ttl($short_base, 3600);
signed_in($steady, "$rbase/authz/any");          # a token not due for an hour
my $moving = new_browser();
set_token_ttl($short_base, 20);
signed_in($moving, "$rbase/authz/any");          # every token due at once
is scalar(short_refreshes()), 1, 'a token of 20 s was refreshed at the first request';

fake_userinfo_at($short_base, { groups => ['Everyone', 'Data Stewards'], department => 'Finance' });
my $asked_before = () = short_userinfo();
$env = app_env($steady->get("$rbase/authz/any"));
is $env->{OKTA_CLAIM_groups}, 'Everyone', 'no refresh: the claims of the sign-in stay';
is scalar(() = short_userinfo()), $asked_before, 'no refresh: userinfo is not read';
is $steady->get("$rbase/authz/group-stewards")->code, 403, 'no refresh: not a Data Steward yet';

$res = $moving->get("$rbase/authz/any");
is $res->code, 200, 'refreshed: served';
$env = app_env($res);
is $env->{OKTA_CLAIM_groups}, 'Everyone,Data Stewards', 'refreshed: the groups the provider has now';
is $env->{OKTA_CLAIM_department}, 'Finance', 'refreshed: and the other claims';
my @refreshes = short_refreshes();
my @read = short_userinfo();
is scalar(@refreshes), 2, 'refreshed once more';
is(($read[-1] // {})->{bearer_token}, ($refreshes[-1] // {})->{new_access_token},
   'userinfo read again, with the refreshed access token');
is $env->{OKTA_ACCESS_TOKEN}, ($refreshes[-1] // {})->{new_access_token}, 'the application has that token';
is $moving->get("$rbase/authz/group-stewards")->code, 200, 'refreshed: okta-group lets the new Data Steward in';

# A userinfo read that fails at refresh: the refresh stands, the old claims stay.
for my $case (['userinfo_500', 'HTTP 500'], ['userinfo_not_json', 'not JSON'],
              ['userinfo_hang', 'no answer (OktaHTTPTimeout 2)']) {
    my ($mode, $what) = @$case;
    fake_mode_at($short_base, 'normal');
    fake_userinfo_at($short_base, { groups => ['Data Stewards'] });
    set_token_ttl($short_base, 20);
    my $browser = new_browser();
    signed_in($browser, "$rbase/authz/$mode");
    # a reset: from now on tokens of 300 s (not due), no claims set
    fake_mode_at($short_base, $mode);
    $mark = error_log_mark();
    $res = $browser->get("$rbase/authz/group-stewards");
    is $res->code, 200, "$what at refresh: still a Data Steward";
    $env = app_env($res);
    is $env->{OKTA_CLAIM_groups}, 'Data Stewards', "$what at refresh: the old claims stay";
    @refreshes = short_refreshes();
    is scalar(@refreshes), 1, "$what at refresh: the tokens were refreshed";
    is $env->{OKTA_ACCESS_TOKEN}, ($refreshes[0] // {})->{new_access_token},
        "$what at refresh: the new access token is used";
    ok scalar(short_userinfo()), "$what at refresh: userinfo was asked";
    $log = error_log_since($mark);
    @lines = log_lines($log, 'OKTA00049');
    like $lines[0] // '', qr/\[okta_authcode:warn\]/, "$what at refresh: an OKTA00049 warning";
    unlike $log, qr/OKTA000(?:26|33):/, "$what at refresh: the session did not end";
    fake_mode_at($short_base, 'normal');    # lets a held request go
    $res = $browser->get("$rbase/authz/group-stewards");
    is $res->code, 200, "$what at refresh: served on";
}

# At refresh, userinfo about another user: none of it is taken.
fake_mode_at($short_base, 'normal');
fake_userinfo_at($short_base, { groups => ['Everyone'] });
set_token_ttl($short_base, 20);
my $browser = new_browser();
signed_in($browser, "$rbase/authz/any");
fake_mode_at($short_base, 'userinfo_sub_mismatch');
fake_userinfo_at($short_base, { groups => ['Data Stewards'], department => 'Finance' });
$mark = error_log_mark();
$res = $browser->get("$rbase/authz/any");
unlike $res->decoded_content, qr/Data Stewards|Finance/, 'userinfo about another user at refresh: its claims are not taken';
like error_log_since($mark), qr/OKTA0004[89]:/, 'userinfo about another user at refresh: logged';
isnt $browser->get("$rbase/authz/group-stewards")->code, 200,
    'userinfo about another user at refresh: its groups let nobody in';
fake_mode_at($short_base, 'normal');
