# SPDX-License-Identifier: Apache-2.0
# Per-directory settings given once for a whole virtual host, as the
# default of its locations (okta_bearer_vhost_defaults: OktaBearer Only,
# OktaAccessTokenClients api-client and OktaClaimsEnv Off at virtual-host
# level; /app is AuthType Okta from the main server): apache2 accepts them
# there, and every location of the host follows them.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time);
use Okta::Test qw(new_browser server_url app_env fake_mint bearer_challenge);

plan tests => 7;

my $base = server_url('okta_bearer_vhost_defaults');
my $now = int(time);
my $serial = 0;
sub token {
    my (%over) = @_;
    return fake_mint({ iss => "$ENV{OKTA_FAKE_BASE}/good", aud => 'api://default', sub => 'svc',
                       iat => $now, exp => $now + 600, cid => 'api-client', scp => ['read'],
                       jti => "vhost-$$-" . $serial++, %over });
}

my $res = new_browser()->get("$base/app/x", Accept => 'text/html');
is $res->code, 401, 'no token: 401 (OktaBearer Only from the virtual host), not a redirect';
is $res->header('Location'), undef, 'no redirect to sign in';
$res = new_browser()->get("$base/app/x", Authorization => 'Bearer ' . token());
is $res->code, 200, 'a token of the allowed client: 200';
is app_env($res)->{REMOTE_USER}, 'svc', 'as its subject';
is app_env($res)->{OKTA_CLAIM_cid}, undef, 'no claims in the environment (OktaClaimsEnv Off)';
$res = new_browser()->get("$base/app/x", Authorization => 'Bearer ' . token(cid => 'other-client'));
is $res->code, 401, 'a token of another client: 401 (OktaAccessTokenClients from the virtual host)';
is bearer_challenge($res)->{error}, 'invalid_token', 'error="invalid_token"';
