# SPDX-License-Identifier: Apache-2.0
# Behind a proxy or load balancer, what the browser used (scheme, host and
# port) decides the cookies' Secure attribute and name and the redirect
# URI: from RFC 7239's Forwarded (its last element, the nearest proxy's) or
# X-Forwarded-Proto, -Host and -Port, only where OktaTrustForwardedProto is
# On (okta_proxy: any peer) or from an address OktaTrustedProxies lists
# (okta_proxy_listed: loopback, where the tests connect from); elsewhere
# (the main server; okta_proxy_unlisted, whose list is of other
# addresses) a client's headers change nothing.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use URI;
use URI::QueryParam;
use Okta::Test qw(new_browser server_url);

plan tests => 6 + 2 * 9 * 2 + 3 * 3;

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

# ---- each header, from a trusted proxy --------------------------------------------------
sub redirect_uri { return URI->new($_[0]->header('Location') // '')->query_param('redirect_uri') // '' }
my @cases = (
    # [what, headers, redirect URI (HOSTPORT: the server's), https?]
    ['Forwarded proto and host', { Forwarded => 'for=192.0.2.60;proto=https;host=app.example.com' },
     'https://app.example.com/callback', 1],
    ['Forwarded, quoted host with a port', { Forwarded => 'proto=https;host="app.example.com:8443"' },
     'https://app.example.com:8443/callback', 1],
    ['Forwarded, the client\'s element before the proxy\'s',
     { Forwarded => 'proto=http;host=evil.example, for=192.0.2.60;proto=https;host=app.example.com' },
     'https://app.example.com/callback', 1],
    ['Forwarded proto only: the Host header', { Forwarded => 'proto=https' },
     'https://HOSTPORT/callback', 1],
    ['X-Forwarded-Host and -Port',
     { 'X-Forwarded-Proto' => 'https', 'X-Forwarded-Host' => 'app.example.com', 'X-Forwarded-Port' => '8443' },
     'https://app.example.com:8443/callback', 1],
    ['X-Forwarded-Port 443 on https',
     { 'X-Forwarded-Proto' => 'https', 'X-Forwarded-Host' => 'app.example.com', 'X-Forwarded-Port' => '443' },
     'https://app.example.com/callback', 1],
    ['X-Forwarded-Host alone, plain http', { 'X-Forwarded-Host' => 'app.example.com' },
     'http://app.example.com/callback', 0],
    ['a host with a path: not used', { 'X-Forwarded-Proto' => 'https', 'X-Forwarded-Host' => 'evil.example/x' },
     'https://HOSTPORT/callback', 1],
    ['a host with user info: not used', { Forwarded => 'proto=https;host="evil.example@app.example.com"' },
     'https://HOSTPORT/callback', 1],
);
for my $vhost ('okta_proxy', 'okta_proxy_listed') {
    my $url = server_url($vhost);
    (my $hp = $url) =~ s{^http://}{};
    for my $case (@cases) {
        my ($what, $headers, $expected, $https) = @$case;
        $expected =~ s/HOSTPORT/$hp/;
        $res = new_browser()->get("$url/app", %$headers);
        is redirect_uri($res), $expected, "$vhost, $what: redirect URI";
        if ($https) {
            like login_cookie($res), qr/^__Host-okta_login=.*; Secure/, "$vhost, $what: __Host- and Secure";
        }
        else {
            like login_cookie($res), qr/^okta_login=(?!.*Secure)/, "$vhost, $what: plain cookie";
        }
    }
}

# ---- a client, not a trusted proxy, cannot set them ---------------------------------------
my $unlisted = server_url('okta_proxy_unlisted');
(my $unlisted_hp = $unlisted) =~ s{^http://}{};
for my $headers ({ Forwarded => 'proto=https;host=evil.example' },
                 { 'X-Forwarded-Proto' => 'https', 'X-Forwarded-Host' => 'evil.example', 'X-Forwarded-Port' => '8443' },
                 { 'X-Forwarded-Proto' => 'https' }) {
    my $what = 'okta_proxy_unlisted, ' . join(', ', map { "$_: $headers->{$_}" } sort keys %$headers);
    $res = new_browser()->get("$unlisted/app", %$headers);
    is $res->code, 302, "$what: sign-in starts";
    is redirect_uri($res), "http://$unlisted_hp/callback", "$what: the headers are not taken";
    unlike login_cookie($res), qr/Secure|__Host-/, "$what: a plain cookie";
}
