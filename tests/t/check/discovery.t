# SPDX-License-Identifier: Apache-2.0
# apache2 -t -D OKTA_CHECK, the provider itself: its discovery document
# (reachable, JSON, over TLS trusted through OktaCAFile), its issuer (equal
# to OktaIssuer; Okta's "Dynamic" issuer mode named as such) and its JWKS (a
# key the module can use).  The scripted provider's tenants are each wrong
# one way (tests/provider/README.md).  A discovery that fails skips the
# checks that need the provider; the local ones still print.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(okta_check_case okta_check_case_tests okta_check_line okta_check_directives
                  fake_mode fake_requests_for);

my $fake = $ENV{OKTA_FAKE_BASE} or die "OKTA_FAKE_BASE is not set: run this through tests/run-apache-tests\n";
my $fake_tls = $ENV{OKTA_FAKE_TLS_BASE};
my $ca_file = $ENV{OKTA_TEST_CA_FILE};
my $down = $ENV{OKTA_DOWN_ISSUER};
my %env = (OKTA_CHECK_SECRET => 'fake-secret');
my $port = 8559;

# the checks that need the provider's answers
my @provider_checks = qw(issuer jwks response_types pkce grant_types scopes client_auth userinfo
                         credentials redirect_uri silent_redirect_uri);

# A case at the fake provider: `issuer` and more directives.
sub at {
    my ($label, $issuer, %case) = @_;
    my $conf = okta_check_directives(OktaIssuer => $issuer, %{ delete $case{directives} // {} });
    return { label => $label, env => \%env, ports => [$port], conf => $conf, %case };
}

# A discovery that fails: FAIL discovery, whose fix matches `$fix`; the
# provider checks left out; the session cache still checked.
sub discovery_fails {
    my ($label, $issuer, $fix, %directives) = @_;
    return at($label, $issuer, directives => \%directives, status => 1,
              expect => [['discovery', 'FAIL', undef, $fix], ['session_cache', 'ok']],
              absent => \@provider_checks);
}

my @cases = (
    at('good tenant', "$fake/good", status => 0, only_ok => 1,
       expect => [['discovery', 'ok', qr{\Q$fake/good/.well-known/openid-configuration\E.* answered in \d+ ms}],
                  ['issuer', 'ok'],
                  ['jwks', 'ok', qr/\b2\b/]]),         # fake-rsa-1 (RSA 2048), fake-ec-1 (P-256)
    discovery_fails('discovery HTTP 500', "$fake/down", qr/OktaIssuer/),
    discovery_fails('discovery unreachable', $down, qr/OktaIssuer/),
    discovery_fails('discovery not JSON', "$fake/not-json", qr/OktaIssuer/),
    discovery_fails('discovery never answers', "$fake/hang", qr/OktaIssuer/, OktaHTTPTimeout => 1),
    discovery_fails('TLS without OktaCAFile', "$fake_tls/good", qr/OktaCAFile/),
    at('TLS with OktaCAFile', "$fake_tls/good", directives => { OktaCAFile => $ca_file },
       status => 0, only_ok => 1, expect => [['discovery', 'ok'], ['jwks', 'ok']]),
    # the module would refuse this provider: its token endpoint is never
    # sent the client secret, by the module or the checker
    at('issuer mismatch', "$fake/mismatch", status => 1,
       expect => [['discovery', 'ok'], ['issuer', 'FAIL', qr{\Q$fake/elsewhere\E}, qr/\S/],
                  ['credentials', 'warn', qr/not checked/, qr/OktaIssuer/]]),
    at('Dynamic issuer mode', "$fake/oauth2/dynamic", status => 1,
       expect => [['issuer', 'FAIL', undef, qr/Issuer.*Okta URL/]]),
    at('JWKS with a 1024-bit RSA key only', "$fake/weak-key", status => 1,
       expect => [['jwks', 'FAIL']]),
    at('JWKS with a symmetric key only', "$fake/oct-key", status => 1,
       expect => [['jwks', 'FAIL']]),
    at('JWKS answers 500', "$fake/jwks-down", status => 1,
       expect => [['jwks', 'FAIL']]),
);

my $tests = 3;
$tests += okta_check_case_tests(%$_) for @cases;
plan tests => $tests;

my %runs;
for my $case (@cases) {
    fake_mode('normal'); # clears the fake's requests (and lets hanging ones go)
    $runs{ $case->{label} } = okta_check_case(%$case);
    if ($case->{label} eq 'issuer mismatch') {
        is scalar(fake_requests_for('/mismatch/token')), 0,
            'issuer mismatch: nothing sent to the token endpoint its document names';
    }
    if ($case->{label} eq 'good tenant') {
        # what was fetched: discovery, then the JWKS it names
        my @fetched = map { scalar fake_requests_for("/good$_") } '/.well-known/openid-configuration', '/jwks';
        ok $fetched[0] >= 1 && $fetched[1] >= 1, 'good tenant: discovery and JWKS fetched from the provider'
            or diag "discovery $fetched[0], jwks $fetched[1]";
    }
}
fake_mode('normal');

# Okta's Dynamic mode is said so; another issuer is not taken for it.
my $other = okta_check_line($runs{'issuer mismatch'}, 'issuer');
ok $other && ($other->{fix} // '') !~ /Okta URL/, 'issuer mismatch: not called the Dynamic mode'
    or diag $runs{'issuer mismatch'}{stdout};
