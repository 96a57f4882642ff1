# SPDX-License-Identifier: Apache-2.0
# Okta's setup guide gives the authorization server an Audience equal to the
# web app's Client ID, so its access tokens are addressed to OktaClientID,
# as its ID tokens are.  An access token is told from an ID token by what
# only an access token carries (RFC 9068's typ at+jwt; Okta's cid and scp,
# RFC 9068's client_id and scope; no nonce, no at_hash), not by its
# audience; and with OktaAccessTokenAudience unset, a token for
# OktaClientID is accepted beside api://default.  Covered: the real
# provider's token for api://guide, addressed to okta-test (the main
# server's Client ID),
# tokens shaped as Okta issues them (no typ; cid, scp) minted by the fake
# for fake-client on okta_fake (no OktaAccessTokenAudience) and
# okta_bearer_guide (OktaAccessTokenAudience fake-client, as the bearer
# section says to set it); and ID tokens addressed to the same client, which
# stay refused: with a nonce, with an at_hash (a refreshed one), and with
# neither but no mark of an access token.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time);
use Okta::Test qw(token_refused new_browser server_url app_env op_client_credentials_token
                  jwt_parts fake_mode fake_mint);

plan tests => 53;

my $op = $ENV{OKTA_OP_ISSUER};
my $issuer = "$ENV{OKTA_FAKE_BASE}/good";
my $now = int(time);
my $serial = 0;

sub get_at { my ($url, $token) = @_; return new_browser()->get($url, Authorization => "Bearer $token") }

# ---- the real provider: a token addressed to okta-test ----------------------------------
my $token = op_client_credentials_token('read:reports', 'api://guide');
my (undef, $claims) = jwt_parts($token);
is(($claims // {})->{aud}, 'okta-test', 'the provider: a token addressed to the Client ID okta-test');
my $res = get_at(server_url() . '/bearer/read', $token);
is $res->code, 200, 'a token for OktaClientID, OktaAccessTokenAudience unset: 200';
is app_env($res)->{REMOTE_USER}, 'okta-service', 'a token for OktaClientID: REMOTE_USER its sub';

# ---- Okta's shape, minted by the fake ---------------------------------------------------------
fake_mode('normal');

# An access token as Okta's authorization server issues it when its Audience
# is the Client ID fake-client (Okta sets no typ header).
sub access_claims {
    my (%over) = @_;
    my %claims = (ver => 1, jti => sprintf('AT.%d.%06d', $$, ++$serial), iss => $issuer,
                  aud => 'fake-client', iat => $now, exp => $now + 3600, cid => 'fake-client',
                  uid => '00u1abcdEFGH', scp => ['openid', 'email'], sub => 'ada@example.com', %over);
    delete @claims{ grep { !defined $claims{$_} } keys %claims };
    return \%claims;
}
# Okta's tokens have no typ header (the fake's default is at+jwt).
sub okta_mint { my ($claims, %header) = @_; return fake_mint($claims, header => { typ => undef, %header }) }
# An ID token for fake-client, as Okta issues them.
sub id_claims {
    my (%over) = @_;
    my %claims = (ver => 1, jti => sprintf('ID.%d.%06d', $$, ++$serial), iss => $issuer,
                  aud => 'fake-client', iat => $now, exp => $now + 3600, sub => '00u1abcdEFGH',
                  auth_time => $now, amr => ['pwd'], idp => '00o1idp', email => 'ada@example.com',
                  %over);
    delete @claims{ grep { !defined $claims{$_} } keys %claims };
    return \%claims;
}

for my $host ('okta_fake', 'okta_bearer_guide') {
    my $base = server_url($host);
    $res = get_at("$base/bearer/valid", okta_mint(access_claims()));
    is $res->code, 200, "$host: Okta's access token for the Client ID (cid, scp, no typ): 200";
    is app_env($res)->{REMOTE_USER}, 'ada@example.com', "$host: REMOTE_USER its sub";
    $res = get_at("$base/bearer/valid", okta_mint(access_claims(cid => undef, scp => undef,
                                                                client_id => 'fake-client',
                                                                scope => 'openid email')));
    is $res->code, 200, "$host: RFC 9068's client_id and scope for the Client ID: 200";
    $res = get_at("$base/bearer/valid", okta_mint(access_claims(cid => undef, scp => undef),
                                                  typ => 'at+jwt'));
    is $res->code, 200, "$host: typ at+jwt for the Client ID: 200";

    token_refused(get_at("$base/bearer/valid", okta_mint(id_claims(nonce => 'n-0S6_WzA2Mj'))),
                  qr/not an access token/, "$host: an ID token with a nonce");
    token_refused(get_at("$base/bearer/valid",
                         okta_mint(id_claims(at_hash => 'x8bOGXDfvf2hYnpAnGKPDw'))),
                  qr/not an access token/, "$host: a refreshed ID token (an at_hash, no nonce)");
    token_refused(get_at("$base/bearer/valid", okta_mint(id_claims())),
                  qr/not an access token/, "$host: an ID token with neither, and no cid or scp");
}
