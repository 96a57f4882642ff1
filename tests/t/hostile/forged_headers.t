# SPDX-License-Identifier: Apache-2.0
# A client must not pose as the module to the application: the X-Okta-*
# request headers are the module's alone, in every spelling a backend may
# read as the same header ('_' for '-'), and they are removed from every
# request of a server that uses the module, including where authentication
# does not run (Require ip granting under <RequireAny>).
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(new_browser server_url app_env sign_in);

plan tests => 12;

my $base = server_url();
# (HTTP::Headers reads '_' as '-' unless the name starts with ':')
my @forged = ('X-Okta-Claim-Email' => 'evil@example.com',
              ':X_Okta_Claim_Role' => 'admin',
              ':X-Okta_Claim-Mixed' => 'mixed',
              'X-Okta-Access-Token' => 'forged-token',
              ':X_OKTA_ACCESS_TOKEN' => 'forged-token-2');

sub forged_seen {
    my ($env) = @_;
    return join ' ', grep { /^HTTP_X_OKTA/ || /^FORGED_/ } sort keys %$env;
}

# Anonymous, let in by Require ip: authentication never runs.
my $res = new_browser()->get("$base/ip-or-user/x", @forged);
is $res->code, 200, 'Require ip lets the request in without a session';
my $env = app_env($res);
is forged_seen($env), '', 'no forged X-Okta-* header reaches the application';
ok !exists $env->{HTTP_X_OKTA_CLAIM_EMAIL}, 'X-Okta-Claim-Email removed';
ok !exists $env->{FORGED_UNDERSCORE}, 'X_Okta_Claim_Role removed';
ok !exists $env->{FORGED_MIXED}, 'X-Okta_Claim-Mixed removed';
ok !exists $env->{HTTP_X_OKTA_ACCESS_TOKEN}, 'X-Okta-Access-Token removed';
ok !exists $env->{FORGED_TOKEN}, 'X_OKTA_ACCESS_TOKEN removed';
ok !exists $env->{REMOTE_USER} || $env->{REMOTE_USER} eq '', 'and no user';

# Signed in: the application sees the module's values, not the client's.
my $ua = new_browser();
sign_in($ua, "$base/app/headers", 'alice', 'alice-password');
$res = $ua->get("$base/app/headers", @forged);
$env = app_env($res);
is $res->code, 200, 'signed in: served';
is $env->{HTTP_X_OKTA_CLAIM_EMAIL}, 'alice@example.com', 'the claim header is the module\'s';
isnt $env->{HTTP_X_OKTA_ACCESS_TOKEN}, 'forged-token', 'the access token header is the module\'s';
# Other headers are left alone.
$res = new_browser()->get("$base/ip-or-user/x", 'X-Oktav' => 'kept', 'X-Other' => 'kept');
is app_env($res)->{HTTP_X_OTHER}, 'kept', 'unrelated headers are kept';
