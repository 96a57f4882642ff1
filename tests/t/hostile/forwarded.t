# SPDX-License-Identifier: Apache-2.0
# X-Forwarded-Proto decides the cookies' Secure attribute and the
# redirect URI's scheme only where OktaTrustForwardedProto is On.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use URI;
use URI::QueryParam;
use Okta::Test qw(new_browser server_url);

plan tests => 6;

# okta_login, or __Host-okta_login on https (t/login/cookies.t)
sub login_cookie {
    my ($res) = @_;
    my ($c) = grep { /^(?:__Host-)?okta_login=/ } $res->header('Set-Cookie');
    return $c // '';
}

# Main server: the header is the client's word, and ignored.
my $base = server_url();
my $res = new_browser()->get("$base/app", 'X-Forwarded-Proto' => 'https');
is $res->code, 302, 'untrusted: sign-in starts';
unlike login_cookie($res), qr/;\s*Secure/i, 'untrusted: no Secure attribute on plain http';
is(URI->new($res->header('Location'))->query_param('redirect_uri'), "$base/callback",
   'untrusted: redirect URI keeps http');

# Behind a TLS proxy, trusted.
my $proxied = server_url('okta_proxy');
(my $hostport = $proxied) =~ s{^http://}{};
$res = new_browser()->get("$proxied/app", 'X-Forwarded-Proto' => 'https');
like login_cookie($res), qr/^__Host-okta_login=.*; Secure/, 'trusted: cookies are __Host- and Secure';
is(URI->new($res->header('Location'))->query_param('redirect_uri'), "https://$hostport/callback",
   'trusted: redirect URI uses https and the Host the browser used');
$res = new_browser()->get("$proxied/app");
unlike login_cookie($res), qr/;\s*Secure/i, 'trusted, but no header: plain http';
