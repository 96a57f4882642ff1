# SPDX-License-Identifier: Apache-2.0
# OktaPassToken hands the application the session's token as
# Authorization: Bearer (CGIPassAuth On shows it to the CGI): the access
# token with AccessToken, the ID token with IDToken, in place of an
# Authorization the client sent; without the directive the client's header
# is left as it came; and a request signed in by its own bearer token
# (OktaBearer On) keeps that token, having no ID token to pass.  Signs in at
# the scripted provider (okta_fake); t/examples/openmetadata.t covers the
# backend's side and refreshes.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(new_browser server_url app_env sign_in_fake jwt_parts fake_mode fake_mint);

plan tests => 9;

my $base = server_url('okta_fake');
my $forged = 'Bearer forged.client.token';
fake_mode('normal');
my $ua = new_browser();
sign_in_fake($ua, "$base/app/pass");

my $env = app_env($ua->get("$base/app/pass-access-token", Authorization => $forged));
ok $env->{OKTA_ACCESS_TOKEN}, 'signed in: the session has an access token';
is $env->{HTTP_AUTHORIZATION}, "Bearer $env->{OKTA_ACCESS_TOKEN}",
    'OktaPassToken AccessToken: the session\'s access token, in place of the client\'s';

$env = app_env($ua->get("$base/app/pass-id-token", Authorization => $forged));
my ($id) = ($env->{HTTP_AUTHORIZATION} // '') =~ /^Bearer (\S+)$/;
my (undef, $claims) = jwt_parts($id // '');
is(($claims // {})->{aud}, 'fake-client', 'OktaPassToken IDToken: the ID token (for the client)');
is(($claims // {})->{sub}, 'mallory-sub', 'OktaPassToken IDToken: the signed-in user\'s');

$env = app_env($ua->get("$base/app/pass", Authorization => $forged));
is $env->{REMOTE_USER}, 'mallory-sub', 'without OktaPassToken: signed in';
ok !exists $env->{HTTP_AUTHORIZATION}, 'without OktaPassToken (nor CGIPassAuth): no Authorization shown';

# A bearer token where OktaPassToken IDToken is set: it keeps its own.
my $now = time;
my $token = fake_mint({ iss => "$ENV{OKTA_FAKE_BASE}/good", aud => 'api://default',
                        cid => 'api-client', scp => ['read:reports'], sub => 'svc-user',
                        iat => $now, exp => $now + 600 });
my $res = new_browser()->get("$base/bearer/on/pass-id-token", Authorization => "Bearer $token");
is $res->code, 200, 'a bearer token under OktaPassToken IDToken: 200';
$env = app_env($res);
is $env->{REMOTE_USER}, 'svc-user', 'signed in by the token';
is $env->{HTTP_AUTHORIZATION}, "Bearer $token", 'and the application gets that token, not an empty one';
