# SPDX-License-Identifier: Apache-2.0
# Claims from userinfo, against the real provider (op.js).  As Okta does by
# default for custom claims, op.js serves groups, department, address and
# employee_number from its userinfo endpoint only, never in the ID token:
# the module reads userinfo at sign-in (OktaUserInfo On, the default) and
# hands the merged claims on; with OktaUserInfo Off the application sees the
# ID token's claims alone.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(new_browser server_url sign_in app_env op_requests op_reset
                  op_userinfo_requests set_cookie error_log_mark error_log_since);

plan tests => 43;

my $op = $ENV{OKTA_OP_ISSUER};
my $base = server_url();

# ---- alice signs in: one userinfo request, with her access token ----------
op_reset();
my $alice = new_browser();
my $res = sign_in($alice, "$base/authz/any", 'alice', 'alice-password');
is $res->code, 302, 'alice: signed in';
like set_cookie($res, 'okta_session'), qr/^okta_session=[A-Za-z0-9_-]{43};/, 'alice: a session cookie';

my @userinfo = @{ op_userinfo_requests() };
is scalar(@userinfo), 1, 'one userinfo request at sign-in';
my $asked = $userinfo[0] // {};
is $asked->{method}, 'GET', 'userinfo: a GET';
is $asked->{path}, '/me', 'at the userinfo_endpoint of the discovery document';
is $asked->{auth_scheme}, 'bearer', 'with Authorization: Bearer';
my ($exchange) = grep { ($_->{grant_type} // '') eq 'authorization_code' } @{ op_requests() };
ok length($asked->{access_token} // ''), 'userinfo: an access token was presented';
is $asked->{access_token}, ($exchange // {})->{new_access_token},
    'the access token of the code exchange';
is $asked->{status}, 200, 'the provider answered';
is $asked->{sub}, 'alice', 'about alice';

# ---- what the application sees -------------------------------------------
$res = $alice->get("$base/authz/any");
is $res->code, 200, 'alice: served';
my $env = app_env($res);
is $env->{REMOTE_USER}, 'alice', 'REMOTE_USER';
is $env->{OKTA_CLAIM_groups}, 'Everyone,Data Stewards', 'groups (userinfo only): joined with ","';
is $env->{OKTA_CLAIM_department}, 'Finance', 'a custom claim (userinfo only)';
is $env->{OKTA_CLAIM_address}, '{"country":"NO","locality":"Oslo"}',
    'a nested claim (userinfo only): compact JSON in the provider\'s order';
is $env->{OKTA_CLAIM_employee_number}, '42', 'a number (userinfo only)';
is $env->{OKTA_CLAIM_email}, 'alice@example.com', 'the ID token\'s claims are there too';
is $env->{OKTA_CLAIM_name}, 'Alice Example', 'name';
is $env->{OKTA_CLAIM_iss}, $op, 'iss is the ID token\'s';
is $env->{OKTA_CLAIM_aud}, 'okta-test', 'aud is the ID token\'s';
is $env->{OKTA_ACCESS_TOKEN}, $asked->{access_token}, 'the application gets the token userinfo was read with';

$res = $alice->get("$base/authz/any?again=1");
is $res->code, 200, 'alice: served again';
is scalar(@{ op_userinfo_requests() }), 1, 'userinfo is not read per request';

# ---- bob: his own claims ---------------------------------------------------
my $bob = new_browser();
$res = sign_in($bob, "$base/authz/any", 'bob', 'bob-password');
is $res->code, 302, 'bob: signed in';
$env = app_env($bob->get("$base/authz/any"));
is $env->{REMOTE_USER}, 'bob', 'bob: REMOTE_USER';
is $env->{OKTA_CLAIM_groups}, 'Everyone', 'bob: groups, one item';
is $env->{OKTA_CLAIM_department}, 'Sales', 'bob: department';
is $env->{OKTA_CLAIM_address}, '{"country":"SE"}', 'bob: address';
ok !exists $env->{OKTA_CLAIM_employee_number}, 'bob: no employee_number';
is scalar(@{ op_userinfo_requests() }), 2, 'one more userinfo request, for bob';

# ---- OktaUserInfo Off: the ID token alone ------------------------------------
# The same users and claims: what is missing here is what only userinfo has.
op_reset();
my $off = server_url('okta_userinfo_off');
my $plain = new_browser();
$res = sign_in($plain, "$off/authz/any", 'alice', 'alice-password');
is $res->code, 302, 'OktaUserInfo Off: signed in';
is scalar(@{ op_userinfo_requests() }), 0, 'OktaUserInfo Off: no userinfo request';
$env = app_env($plain->get("$off/authz/any"));
is $env->{REMOTE_USER}, 'alice', 'OktaUserInfo Off: REMOTE_USER';
is $env->{OKTA_CLAIM_email}, 'alice@example.com', 'OktaUserInfo Off: the ID token\'s claims';
ok !exists $env->{OKTA_CLAIM_groups}, 'OktaUserInfo Off: no groups (the ID token has none)';
ok !exists $env->{OKTA_CLAIM_department}, 'OktaUserInfo Off: no department';
ok !exists $env->{OKTA_CLAIM_address} && !exists $env->{OKTA_CLAIM_employee_number},
    'OktaUserInfo Off: no address, no employee_number';

# ---- OktaRemoteUserClaim naming a claim only userinfo has ------------------
# As Okta serves custom claims by default: REMOTE_USER is taken from the
# merged claims, not from the ID token alone.
my $by_number = server_url('okta_userinfo_user');
my $numbered = new_browser();
$res = sign_in($numbered, "$by_number/authz/any", 'alice', 'alice-password');
is $res->code, 302, 'REMOTE_USER from a userinfo claim: alice signed in';
$env = app_env($numbered->get("$by_number/authz/any"));
is $env->{REMOTE_USER}, '42', 'REMOTE_USER is her employee_number (userinfo only)';
is $env->{OKTA_CLAIM_sub}, 'alice', 'sub is still the ID token\'s';

# bob has no employee_number, in either place: no sign-in, and the log says
# where the claim was looked for
my $mark = error_log_mark();
$res = sign_in(new_browser(), "$by_number/authz/any", 'bob', 'bob-password');
is $res->code, 502, 'a user without the claim: 502';
like $res->decoded_content, qr/no &quot;employee_number&quot; claim|no "employee_number" claim/,
    'the page names the claim';
like error_log_since($mark),
    qr/OKTA00024: neither the ID token nor the userinfo endpoint has a claim "employee_number"/,
    'OKTA00024 says where the claim was looked for';
