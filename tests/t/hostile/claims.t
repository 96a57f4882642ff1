# Claims are the user's profile, which users may edit: a claim with CR/LF
# must never reach a request header (or the environment), and array items
# are joined so that one containing ',' does not read as two.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(new_browser server_url app_env sign_in_fake fake_mode error_log_mark
                  error_log_since);

plan tests => 10;

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
