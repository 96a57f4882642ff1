# SPDX-License-Identifier: Apache-2.0
# Who may enter: `Require okta-group` and `Require okta-claim`, alone and
# with <RequireAll>, <RequireAny>, <RequireNone>, Require user, Require ip
# and Require expr, against the real provider (op.js), whose userinfo gives
# alice the groups "Everyone" and "Data Stewards", department Finance,
# address {"country": "NO", ...} and employee_number 42, and bob "Everyone",
# Sales and {"country": "SE"}.  A signed-in user who is refused gets 403
# from the module (no AuthzSendForbiddenOnFailure anywhere), with a page
# naming what the rule required and a tagged log line; never a new sign-in.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use URI;
use Okta::Test qw(new_browser server_url sign_in app_env set_cookie error_log_mark
                  error_log_since log_lines);

plan tests => 144;

my $op = $ENV{OKTA_OP_ISSUER};
my $base = server_url();
my ($res, $mark, $log, @lines);

sub endpoint_of {
    my $u = URI->new($_[0] // '');
    return '' unless $u->can('host_port');
    return ($u->scheme // '') . '://' . ($u->host_port // '') . ($u->path // '');
}

# The line of a tag that also says all of @words (none: '').
sub line_with {
    my ($text, $tag, @words) = @_;
    for my $line (log_lines($text, $tag)) {
        return $line unless grep { index($line, $_) < 0 } @words;
    }
    return '';
}

my %ua = (alice => new_browser(), bob => new_browser());
for my $user (qw(alice bob)) {
    $res = sign_in($ua{$user}, "$base/authz/any", $user, "$user-password");
    is $res->code, 302, "$user: signed in";
}

# ---- each rule, for each user ------------------------------------------------
# [path, alice's answer, bob's answer, what it shows]
my @cases = (
    ['/authz/group-stewards', 200, 403, 'okta-group "Data Stewards" (quoted, with a space)'],
    ['/authz/group-unquoted', 403, 403, 'okta-group Data Stewards (two groups, neither is one of alice\'s)'],
    ['/authz/group-lowercase', 403, 403, 'okta-group "data stewards" (case-sensitive)'],
    ['/authz/group-several', 200, 200, 'okta-group Admins Everyone (any listed group)'],
    ['/authz/group-finance', 403, 403, 'okta-group Finance (groups, not department)'],
    ['/authz/claim-department', 200, 403, 'okta-claim department Finance'],
    ['/authz/claim-values', 403, 200, 'okta-claim department Marketing Sales (any value)'],
    ['/authz/claim-true', 200, 200, 'okta-claim email_verified true (a boolean by its JSON text)'],
    ['/authz/claim-false', 403, 403, 'okta-claim email_verified false'],
    ['/authz/claim-number', 200, 403, 'okta-claim employee_number 42 (a number; bob has none)'],
    ['/authz/claim-nested', 200, 403, 'okta-claim address.country NO (a dotted path)'],
    ['/authz/claim-object', 403, 403, 'okta-claim address NO (an object is not a value)'],
    ['/authz/claim-array', 200, 403, 'okta-claim groups "Data Stewards" (an array: any element)'],
    ['/authz/all', 200, 403, '<RequireAll> okta-group Everyone, okta-claim department Finance'],
    ['/authz/any-of', 200, 200, '<RequireAny> Require user bob, okta-claim employee_number 42'],
    ['/authz/none', 403, 200, '<RequireNone> okta-group "Data Stewards" (with Require valid-user)'],
    ['/authz/ip-and-group', 200, 403, '<RequireAll> Require ip 127.0.0.1, okta-group "Data Stewards"'],
    ['/authz/expr', 200, 403, 'Require expr on %{reqenv:OKTA_CLAIM_department}'],
    ['/app/bob-only', 403, 200, 'Require user bob'],
);
for my $case (@cases) {
    my ($path, %want);
    ($path, $want{alice}, $want{bob}, my $what) = @$case;
    for my $user (qw(alice bob)) {
        $res = $ua{$user}->get("$base$path", Accept => 'text/html');
        is $res->code, $want{$user}, "$what: $user gets $want{$user}";
        if ($want{$user} == 200) {
            is app_env($res)->{REMOTE_USER}, $user, "$what: $user is served as $user";
        }
        else {
            is $res->header('Location'), undef, "$what: $user is not sent anywhere";
        }
    }
}

# ---- the 403: what it says, what it logs, and no loop -----------------------
$mark = error_log_mark();
$res = $ua{bob}->get("$base/authz/group-stewards", Accept => 'text/html');
is $res->code, 403, 'refused group: 403';
my $page = $res->decoded_content // '';
like $page, qr/Data Stewards/, 'refused group: the page names the group required';
unlike $page, qr/Everyone/, 'refused group: not the groups bob has';
unlike $page, qr/bob\@example\.com|Sales/, 'refused group: nor his other claims';
is $res->header('Location'), undef, 'refused group: no redirect';
is $res->header('WWW-Authenticate'), undef, 'refused group: no challenge';
is set_cookie($res, 'okta_session'), '', 'refused group: the session cookie is left alone';
$log = error_log_since($mark);
ok line_with($log, 'OKTA00045', 'bob', 'okta-group "Data Stewards"'),
    'refused group: OKTA00045 names the user and the rule';
unlike $log, qr/OKTA00046:/, 'refused group: no advice about a missing groups claim (bob has one)';

$mark = error_log_mark();
$res = $ua{bob}->get("$base/authz/claim-department", Accept => 'text/html');
is $res->code, 403, 'refused claim: 403';
$page = $res->decoded_content // '';
like $page, qr/department/, 'refused claim: the page names the claim';
like $page, qr/Finance/, 'refused claim: and the value required';
unlike $page, qr/Sales/, 'refused claim: not bob\'s own value';
@lines = grep { /okta-claim/ && /department/ && /Finance/ } log_lines(error_log_since($mark), 'OKTA00045');
like $lines[0] // '', qr/\bbob\b/, 'refused claim: OKTA00045 names the user and the rule';

$res = $ua{bob}->get("$base/authz/claim-values", Accept => 'text/html');
is $res->code, 200, 'several values: bob\'s is one of them';
$res = $ua{alice}->get("$base/authz/claim-values", Accept => 'text/html');
is $res->code, 403, 'several values: alice\'s is not one of them';
$page = $res->decoded_content // '';
like $page, qr/Marketing/, 'several values, refused: the page names them';
like $page, qr/Sales/, 'several values, refused: all of them';
unlike $page, qr/Finance/, 'several values, refused: not alice\'s own value';

$mark = error_log_mark();
$res = $ua{alice}->get("$base/app/bob-only", Accept => 'text/html');
is $res->code, 403, 'Require user bob, alice: 403';
ok line_with(error_log_since($mark), 'OKTA00045', 'alice'), 'Require user bob, alice: OKTA00045 names her';

# Scripts get the same answer: a refused user is not sent to sign in.
$res = $ua{bob}->get("$base/authz/group-stewards", 'X-Requested-With' => 'XMLHttpRequest');
is $res->code, 403, 'refused, XHR: 403, not 401';
is $res->header('Location'), undef, 'refused, XHR: no redirect';
$res = $ua{bob}->get("$base/authz/group-stewards", Accept => 'application/json');
is $res->code, 403, 'refused, Accept: application/json: 403';

# No loop: refused again and again, and still signed in.
for my $n (1 .. 3) {
    $res = $ua{bob}->get("$base/authz/group-stewards");
    is $res->code, 403, "refused again ($n): 403";
}
$res = $ua{bob}->get("$base/authz/any");
is $res->code, 200, 'after the refusals: bob is still signed in';
is app_env($res)->{REMOTE_USER}, 'bob', 'as bob';

# ---- without a session: sign in first ------------------------------------------
for my $path (qw(/authz/group-stewards /authz/claim-department /authz/all /authz/none
                 /authz/ip-and-group /authz/expr)) {
    $res = new_browser()->get("$base$path", Accept => 'text/html');
    is $res->code, 302, "no session, $path: 302";
    is endpoint_of($res->header('Location')), "$op/auth", "no session, $path: to the provider";
}
for my $path (qw(/authz/group-stewards /authz/claim-department)) {
    $res = new_browser()->get("$base$path", 'X-Requested-With' => 'XMLHttpRequest');
    is $res->code, 401, "no session, XHR, $path: 401";
    is $res->header('Location'), undef, "no session, XHR, $path: no redirect";
}
# Require ip grants before anyone signs in.
$res = new_browser()->get("$base/authz/ip-or-group");
is $res->code, 200, '<RequireAny> Require ip, okta-group: the address lets anyone in';
is app_env($res)->{REMOTE_USER}, '', 'without signing in';

# ---- OktaGroupsClaim: the groups are in another claim ------------------------
my $other = server_url('okta_groups_claim');
my %gc = (alice => new_browser(), bob => new_browser());
for my $user (qw(alice bob)) {
    $res = sign_in($gc{$user}, "$other/authz/any", $user, "$user-password");
    is $res->code, 302, "OktaGroupsClaim department: $user signed in";
}
$res = $gc{alice}->get("$other/authz/group-finance");
is $res->code, 200, 'OktaGroupsClaim department: okta-group Finance lets alice in (one string)';
$mark = error_log_mark();
$res = $gc{bob}->get("$other/authz/group-finance");
is $res->code, 403, 'OktaGroupsClaim department: bob (Sales) is refused';
$log = error_log_since($mark);
ok line_with($log, 'OKTA00045', 'bob', 'okta-group', 'Finance'), 'OktaGroupsClaim department: OKTA00045';
unlike $log, qr/OKTA00046:/, 'OktaGroupsClaim department: the claim is there, no advice';
$res = $gc{alice}->get("$other/authz/group-stewards");
is $res->code, 403, 'OktaGroupsClaim department: the groups claim is not looked at';
$res = $gc{alice}->get("$other/authz/claim-array");
is $res->code, 200, 'OktaGroupsClaim department: okta-claim groups still reads groups';

# ---- no groups claim at all: advice on adding one in Okta ---------------------
my $off = server_url('okta_userinfo_off');
my $plain = new_browser();
$res = sign_in($plain, "$off/authz/any", 'alice', 'alice-password');
is $res->code, 302, 'no groups claim (OktaUserInfo Off): signed in';
$mark = error_log_mark();
$res = $plain->get("$off/authz/group-stewards", Accept => 'text/html');
is $res->code, 403, 'no groups claim: 403';
is $res->header('Location'), undef, 'no groups claim: no redirect';
$log = error_log_since($mark);
@lines = log_lines($log, 'OKTA00046');
ok scalar(@lines), 'no groups claim: OKTA00046';
my $advice = $lines[0] // '';
like $advice, qr/\[okta_authcode:warn\]/, 'OKTA00046 is a warning';
like $advice, qr/Authorization Servers/, 'OKTA00046 says where in Okta: Authorization Servers';
like $advice, qr/Claims/, 'OKTA00046: Claims';
like $advice, qr/OktaGroupsClaim/, 'OKTA00046 names OktaGroupsClaim';
ok line_with($log, 'OKTA00045', 'alice', 'okta-group "Data Stewards"'), 'no groups claim: OKTA00045 too';
$mark = error_log_mark();
$res = $plain->get("$off/authz/claim-department", Accept => 'text/html');
is $res->code, 403, 'a missing claim for okta-claim: 403';
unlike error_log_since($mark), qr/OKTA00046:/, 'a missing claim for okta-claim: no groups advice';
