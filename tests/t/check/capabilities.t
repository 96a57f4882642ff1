# SPDX-License-Identifier: Apache-2.0
# apache2 -t -D OKTA_CHECK, what the provider's discovery document says it
# supports against what the module will ask for: response type code, PKCE
# S256, the authorization_code grant (and refresh_token when OktaScope has
# offline_access), every scope of OktaScope, the client authentication in
# use (when OktaTokenEndpointAuth is unset: client_secret_basic if offered,
# else client_secret_post), a userinfo endpoint when OktaUserInfo is On, an
# introspection endpoint when OktaTokenIntrospection is On or All.
# A list the document leaves out is a warning ("not advertised").
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(okta_check_case okta_check_case_tests okta_check_directives fake_mode
                  fake_requests_for);

my $fake = $ENV{OKTA_FAKE_BASE} or die "OKTA_FAKE_BASE is not set: run this through tests/run-apache-tests\n";
my %env = (OKTA_CHECK_SECRET => 'fake-secret');
my $port = 8559;

# A case at the fake provider's tenant `$tenant`, with more directives.
sub at {
    my ($label, $tenant, %case) = @_;
    my $conf = okta_check_directives(OktaIssuer => "$fake/$tenant", %{ delete $case{directives} // {} });
    return { label => $label, env => \%env, ports => [$port], conf => $conf, tenant => $tenant, %case };
}
my $no_offline = '"openid profile email"';

my @cases = (
    at('good tenant', 'good', status => 0, only_ok => 1,
       expect => [(map { [$_, 'ok'] } qw(response_types pkce grant_types scopes userinfo credentials)),
                  ['client_auth', 'ok', qr/client_secret_basic/]]),
    at('no response type code', 'no-code', status => 1,
       expect => [['response_types', 'FAIL']]),
    at('no PKCE S256', 'no-s256', status => 1,
       expect => [['pkce', 'FAIL']]),
    at('no refresh_token grant, offline_access asked', 'no-refresh-grant', status => 1,
       expect => [['grant_types', 'FAIL', undef, qr/refresh/i]]),
    at('no refresh_token grant, offline_access not asked', 'no-refresh-grant', status => 0,
       directives => { OktaScope => $no_offline }, only_ok => 1,
       expect => [['grant_types', 'ok']]),
    at('no offline_access scope, asked', 'no-offline-access', status => 1,
       expect => [['scopes', 'FAIL', undef, qr/(?=.*offline_access)(?=.*Scopes)/]]),
    at('no offline_access scope, not asked', 'no-offline-access', status => 0,
       directives => { OktaScope => $no_offline }, only_ok => 1,
       expect => [['scopes', 'ok']]),
    at('a scope the provider does not have', 'good', status => 1,
       directives => { OktaScope => '"openid profile email groups"' },
       expect => [['scopes', 'FAIL', undef, qr/(?=.*\bgroups\b)(?=.*Scopes)/]]),
    at('client_secret_post only offered, unset', 'post-only', status => 0, only_ok => 1,
       expect => [['client_auth', 'ok', qr/client_secret_post/], ['credentials', 'ok']]),
    at('client_secret_post only offered, client_secret_basic set', 'post-only', status => 1,
       directives => { OktaTokenEndpointAuth => 'client_secret_basic' },
       expect => [['client_auth', 'FAIL', qr/client_secret_basic/, qr/OktaTokenEndpointAuth/]]),
    at('private_key_jwt only offered', 'jwt-only', status => 1,
       expect => [['client_auth', 'FAIL']]),
    at('no userinfo endpoint, OktaUserInfo On', 'nouserinfo', status => 1,
       expect => [['userinfo', 'FAIL', undef, qr/OktaUserInfo/]]),
    at('no userinfo endpoint, OktaUserInfo Off', 'nouserinfo', status => 0,
       directives => { OktaUserInfo => 'Off' }, only_ok => 1),
    at('introspection endpoint, OktaTokenIntrospection All', 'good', status => 0, only_ok => 1,
       directives => { OktaTokenIntrospection => 'All' },
       expect => [['introspection', 'ok']]),
    at('no introspection endpoint, OktaTokenIntrospection On', 'post-only', status => 1,
       directives => { OktaTokenIntrospection => 'On' },
       expect => [['introspection', 'FAIL', undef, qr/OktaTokenIntrospection Off/]]),
    at('lists not advertised', 'unadvertised', status => 0,
       expect => [map { [$_, 'warn', qr/not advertised/] }
                      qw(response_types pkce grant_types scopes client_auth)]),
);

my $tests = 3;
$tests += okta_check_case_tests(%$_) for @cases;
plan tests => $tests;

# How the checker's token request authenticated at `$tenant`: basic, post,
# both or none (the fake's record of it).
sub credentials_sent {
    my ($tenant) = @_;
    my @sent = map {
        my $basic = ($_->{auth_scheme} // '') eq 'basic';
        my $post = exists $_->{form}{client_secret};
        $basic && $post ? 'both' : $basic ? 'basic' : $post ? 'post' : 'none';
    } fake_requests_for("/$tenant/token");
    return join ',', @sent;
}

my %sent;
for my $case (@cases) {
    fake_mode('normal');
    okta_check_case(%$case);
    $sent{ $case->{label} } = credentials_sent($case->{tenant});
}
fake_mode('normal');

is $sent{'good tenant'}, 'basic', 'unset, both offered: the credentials are sent with Basic';
is $sent{'client_secret_post only offered, unset'}, 'post',
    'unset, client_secret_post only offered: the credentials are sent in the form';
is $sent{'client_secret_post only offered, client_secret_basic set'}, 'basic',
    'OktaTokenEndpointAuth client_secret_basic: the credentials are sent with Basic';
