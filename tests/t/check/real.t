# SPDX-License-Identifier: Apache-2.0
# apache2 -t -D OKTA_CHECK against the real provider (op.js, oidc-provider):
# a right setup is all ok (exit 0), one virtual host per block; what
# oidc-provider answers for an unregistered redirect URI, post-logout URI
# and a wrong secret (its own error words, not Okta's) fails; a secret
# written inline is a warning, and no secret is ever printed.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(okta_check_case okta_check_case_tests okta_check_line okta_check_directives
                  op_requests_at op_reset_at);

my $op = $ENV{OKTA_OP_ISSUER} or die "OKTA_OP_ISSUER is not set: run this through tests/run-apache-tests\n";
my ($rp_low, $rp_high) = ($ENV{OKTA_RP_PORTS} // '') =~ /^(\d+)-(\d+)$/
    or die "OKTA_RP_PORTS is not set: run this through tests/run-apache-tests\n";
# op.js registers http://localhost:P/callback, /silent-callback, / and
# /logged-out for the ports P of OKTA_RP_PORTS; apache2 -t binds none, so
# ports the suite's servers use would do as well.
my $port = $rp_high - 1;
my $port2 = $rp_high - 2;
my $unregistered = $rp_high + 1;

my $secret = 'okta-test-secret';
my $wrong_secret = 'okta-test-WRONG-7c41e9';
my $post_secret = 'okta-post-secret';
my $inline_passphrase = 'Jc4nT7qW1eZ9rB2xK5mV8sD0fH3gL6pY1uA4iO7tR2E=';
my @secrets = ($secret, $wrong_secret, $post_secret, $inline_passphrase, $Okta::Test::check_passphrase);

# The module's directives for okta-test at op.js (secrets from env: and file:).
sub op_directives {
    return okta_check_directives(OktaIssuer => $op, OktaClientID => 'okta-test', @_);
}

my @all_checks = qw(discovery issuer jwks response_types pkce grant_types scopes client_auth
                    userinfo credentials redirect_uri silent_redirect_uri
                    post_logout_redirect_uri clock session_cache);

my %right = (
    label => 'real provider',
    conf => op_directives(OktaLogoutURI => '/logout',
                          OktaPostLogoutRedirectURI => "http://localhost:$port/logged-out"),
    env => { OKTA_CHECK_SECRET => $secret },
    ports => [$port],
    status => 0,
    only_ok => 1,
    expect => [
        map({ [$_, 'ok'] } @all_checks),
        ['discovery', 'ok', qr{\Q$op/.well-known/openid-configuration\E.* answered in \d+ ms}],
        ['jwks', 'ok', qr/\b2\b/],                     # op-rsa-1 (RSA 2048) and op-ec-1 (P-256)
        ['client_auth', 'ok', qr/client_secret_basic/],  # offered first: chosen when unset
        ['credentials', 'ok', qr/client credentials accepted/],
        ['session_cache', 'ok', qr/room for about \d+ sessions/],
    ],
);

my %two_hosts = (
    label => 'two virtual hosts',
    conf => <<"CONF",
<VirtualHost 127.0.0.1:$port>
    ServerName localhost:$port
@{[ op_directives() ]}</VirtualHost>
<VirtualHost 127.0.0.1:$port2>
    ServerName localhost:$port2
@{[ op_directives(OktaClientID => 'okta-post', OktaClientSecret => 'env:OKTA_CHECK_POST_SECRET',
                  OktaTokenEndpointAuth => 'client_secret_post') ]}</VirtualHost>
CONF
    env => { OKTA_CHECK_SECRET => $secret, OKTA_CHECK_POST_SECRET => $post_secret },
    ports => [$port, $port2],
    status => 0,
    blocks => 2,
    only_ok => 1,
    expect => [
        ['client_auth', 'ok', qr/client_secret_basic/, undef, "localhost:$port"],
        ['credentials', 'ok', qr/client credentials accepted/, undef, "localhost:$port"],
        ['client_auth', 'ok', qr/client_secret_post/, undef, "localhost:$port2"],
        ['credentials', 'ok', qr/client credentials accepted/, undef, "localhost:$port2"],
    ],
);

# Both words in either order.
sub names { my ($one, $two) = @_; return qr/(?=.*\Q$one\E)(?=.*\Q$two\E)/ }

my %wrong = (
    label => 'real provider, unregistered URIs and a wrong secret',
    conf => op_directives(OktaLogoutURI => '/logout',
                          OktaPostLogoutRedirectURI => "http://localhost:$unregistered/logged-out"),
    env => { OKTA_CHECK_SECRET => $wrong_secret },
    ports => [$unregistered],
    status => 1,
    expect => [
        ['discovery', 'ok'],
        ['redirect_uri', 'FAIL', undef, names('Sign-in redirect URIs', "http://localhost:$unregistered/callback")],
        ['silent_redirect_uri', 'FAIL', undef,
         names('Sign-in redirect URIs', "http://localhost:$unregistered/silent-callback")],
        ['post_logout_redirect_uri', 'FAIL', undef, qr/Sign-out redirect URIs/],
        ['credentials', 'FAIL', undef, names('OktaClientSecret', 'OktaClientID')],
    ],
);

my %inline = (
    label => 'real provider, secrets inline',
    conf => op_directives(OktaClientSecret => $secret, OktaCryptoPassphrase => $inline_passphrase),
    ports => [$port],
    status => 0,
    expect => [
        ['secrets', 'warn', undef, names('file:', 'env:')],
        ['credentials', 'ok'],
    ],
);

my @cases = (\%right, \%two_hosts, \%wrong, \%inline);
my $tests = 5;
$tests += okta_check_case_tests(%$_) for @cases;
plan tests => $tests;

my @outputs;

op_reset_at($op);
my $run = okta_check_case(%right);
push @outputs, $run;
my $block = $run->{report}{blocks}[0] // {};
is "$block->{server} $block->{issuer}", "localhost:$port $op",
    'the block names the server (ServerName:port) and OktaIssuer';
# the credentials check: a code that cannot exist, sent with Basic
my @exchanges = grep { ($_->{grant_type} // '') eq 'authorization_code' } @{ op_requests_at($op) };
ok @exchanges == 1 && $exchanges[0]{client_id} eq 'okta-test' && $exchanges[0]{client_auth} eq 'basic'
    && ($exchanges[0]{error} // '') eq 'invalid_grant',
    'credentials: one code exchange at the provider, okta-test with Basic, answered invalid_grant'
    or diag explain \@exchanges;

$run = okta_check_case(%two_hosts);
push @outputs, $run;
is_deeply [sort map { "$_->{server} $_->{issuer}" } @{ $run->{report}{blocks} }],
    [sort("localhost:$port $op", "localhost:$port2 $op")], 'two virtual hosts: one block each';
# each block has its own provider checks (discovery to credentials)
my @short = grep { my $i = $_; grep { !defined okta_check_line($run, $_, $i) } @all_checks[0 .. 9] }
            0 .. $#{ $run->{report}{blocks} };
ok !@short, 'two virtual hosts: each block checks the provider' or diag $run->{stdout};

push @outputs, okta_check_case(%wrong);
push @outputs, okta_check_case(%inline);

my @leaks = grep { my $out = "$_->{stdout}$_->{stderr}"; grep { index($out, $_) >= 0 } @secrets } @outputs;
ok !@leaks, 'no secret in any output (client secrets, passphrases)'
    or diag join "\n", map { $_->{stdout} . $_->{stderr} } @leaks;
