# SPDX-License-Identifier: Apache-2.0
# What the provider said of an opaque token is kept in the session cache,
# which every virtual host shares, under a name made with the host's
# OktaCryptoPassphrase: hosts with the same passphrase but another
# audience or issuer must not take one another's verdicts.  A token the
# provider described as for api://default at issuer good is let in at
# okta_bearer_introspect, then refused at okta_bearer_introspect_other_aud
# (OktaAccessTokenAudience api://other), and at
# okta_bearer_introspect_other_iss (the fake over TLS, which has never
# heard of the token), each with 401 invalid_token.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use Okta::Test qw(new_browser server_url app_env fake_mode fake_introspection fake_requests_for
                  bearer_challenge);

plan tests => 10;

my $issuer = "$ENV{OKTA_FAKE_BASE}/good";
my $api = server_url('okta_bearer_introspect');
my $other_aud = server_url('okta_bearer_introspect_other_aud');
my $other_iss = server_url('okta_bearer_introspect_other_iss');

sub opaque {
    my @chars = ('A' .. 'Z', 'a' .. 'z', '0' .. '9');
    return join '', map { $chars[rand @chars] } 1 .. 43;
}
sub get_at { my ($url, $token) = @_; return new_browser()->get($url, Authorization => "Bearer $token") }
sub asked_about {
    my ($token) = @_;
    return scalar grep { ($_->{token} // '') eq $token } fake_requests_for('/good/introspect');
}

my %token = map { $_ => opaque() } qw(for_aud for_iss);
my $now = time;
fake_mode('normal');
fake_introspection({ map { $_ => { active => JSON::PP::true, sub => 'svc-user', scope => 'read:reports',
                                   client_id => 'fake-client', token_type => 'Bearer', iat => $now,
                                   exp => $now + 3600, iss => $issuer, aud => 'api://default' } }
                     values %token });

my $res = get_at("$api/bearer/hosts", $token{for_aud});
is $res->code, 200, 'api://default at issuer good: 200 where that is the audience';
is app_env($res)->{REMOTE_USER}, 'svc-user', 'and REMOTE_USER is the answer\'s sub';
$res = get_at("$other_aud/bearer/hosts", $token{for_aud});
is $res->code, 401, 'the same token at a host for api://other (same passphrase): 401';
is((bearer_challenge($res) // {})->{error}, 'invalid_token', 'another audience: invalid_token');
like((bearer_challenge($res) // {})->{error_description} // '', qr/audience/,
     'another audience: the description says audience');
is asked_about($token{for_aud}), 2, 'another audience: the provider was asked again';
$res = get_at("$api/bearer/hosts", $token{for_aud});
is $res->code, 200, 'the first host still lets it in';

$res = get_at("$api/bearer/hosts", $token{for_iss});
is $res->code, 200, 'a second token: 200 where its issuer is OktaIssuer';
$res = get_at("$other_iss/bearer/hosts", $token{for_iss});
is $res->code, 401, 'the same token at a host of another issuer (same passphrase): 401';
is((bearer_challenge($res) // {})->{error}, 'invalid_token', 'another issuer: invalid_token');
