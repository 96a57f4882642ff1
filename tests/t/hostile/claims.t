# SPDX-License-Identifier: Apache-2.0
# Claims are the user's profile, which users may edit: a claim with CR/LF
# must never reach a request header (or the environment), and array items
# are joined so that one containing ',' does not read as two.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(new_browser server_url app_env sign_in_fake fake_mode fake_userinfo
                  error_log_mark error_log_since);

plan tests => 15;

my $base = server_url('okta_fake');
fake_mode('hostile_claims');
my $mark = error_log_mark();
my $ua = new_browser();
my (undef, undef, $callback) = sign_in_fake($ua, "$base/app/headers");
is $callback->code, 302, 'signed in';
like error_log_since($mark), qr/OKTA00042: claims of mallory-sub withheld .*control characters.*: title/,
    'OKTA00042 names the withheld claim';

# OktaClaimsHeaders On: what a proxied backend would receive
my $res = $ua->get("$base/app/headers");
is $res->code, 200, 'served';
my $env = app_env($res);
unlike $res->decoded_content, qr/X-Injected/i, 'no forged header reaches the application';
ok !exists $env->{HTTP_X_OKTA_CLAIM_TITLE}, 'the claim with CR LF is withheld from the headers';
is $env->{HTTP_X_OKTA_CLAIM_GROUPS}, 'Sales%2C EMEA,ops', 'groups: a , inside an item is %2C';
is $env->{HTTP_X_OKTA_CLAIM_EMAIL}, 'mallory@example.com', 'other claims are handed on';

# OktaClaimsEnv On: the same care for the environment
$res = $ua->get("$base/app/env");
$env = app_env($res);
ok !exists $env->{OKTA_CLAIM_title}, 'the claim with CR LF is withheld from the environment';
is $env->{OKTA_CLAIM_groups}, 'Sales%2C EMEA,ops', 'environment: the same join';
unlike $res->decoded_content, qr/X-Injected/i, 'nothing of it in the environment';
fake_mode('normal');

# REMOTE_USER is a claim too (OktaRemoteUserClaim employee_number, which the
# fake serves from userinfo as a test sets it): one with CR/LF would reach
# every header written with %{REMOTE_USER}s, a TAB would shift the fields
# of a log.  Such a user is not signed in.
my $claimless = server_url('okta_claimless');
for my $case (['CR LF', "42\r\nX-Injected: 1"], ['a TAB', "42\t0"]) {
    my ($what, $value) = @$case;
    fake_mode('normal');
    fake_userinfo({ employee_number => $value });
    $mark = error_log_mark();
    (undef, undef, $callback) = sign_in_fake(new_browser(), "$claimless/app/x");
    is $callback->code, 502, "REMOTE_USER claim with $what: the sign-in is refused (502)";
    like error_log_since($mark), qr/OKTA00055: the claim "employee_number" for REMOTE_USER has a control character/,
        "REMOTE_USER claim with $what: OKTA00055";
}
fake_userinfo({ employee_number => '42' });
(undef, undef, $callback) = sign_in_fake($ua = new_browser(), "$claimless/app/x");
is app_env($ua->get("$claimless/app/x"))->{REMOTE_USER}, '42', 'a plain REMOTE_USER claim signs in';
fake_mode('normal');
