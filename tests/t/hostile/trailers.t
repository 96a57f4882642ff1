# SPDX-License-Identifier: Apache-2.0
# X-Okta-* request headers are the module's alone, and are removed from
# what clients send before any other module sees a request; request
# trailers (the end of a chunked body) arrive later, and with MergeTrailers
# On httpd merges them into the request headers, where an application
# that reads its body first (mod_lua here, mod_perl, ...) would find them.
# Reading a body with such a trailer fails, and the request has no X-Okta-*
# header left.  Its own apache2 (mod_lua, MergeTrailers On), with an
# anonymous location (OktaUnauthAction pass) whose handler reads the body,
# then shows the module's headers it sees.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use LWP::UserAgent;
use Okta::Process ();
use Okta::Test qw(own_server_conf);

plan tests => 10;

my $vars = Apache::Test::config()->{vars};
my $dir = tempdir('okta-trailers-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dir;
my $port = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0)->sockport;

open my $lua, '>', "$dir/echo.lua" or die $!;
print $lua <<'LUA';
-- reads the body (a form: parsebody takes a chunked one), then shows the
-- request headers it is given
function handle(r)
    r.content_type = "text/plain"
    local form = r:parsebody()
    r:puts("a=" .. tostring(form and form.a) .. "\n")
    for _, name in ipairs({ "X-Other", "X-Okta-Claim-Role", "X_Okta_Claim_Groups",
                            "X-Okta-Access-Token" }) do
        r:puts(name .. "=" .. tostring(r.headers_in[name]) .. "\n")
    end
    return apache2.OK
end
LUA
close $lua;
open my $fh, '>', "$dir/httpd.conf" or die $!;
print $fh <<"CONF";
@{[ own_server_conf($dir, $port, qw(lua)) ]}MergeTrailers On
OktaIssuer $ENV{OKTA_FAKE_BASE}/good
OktaClientID fake-client
OktaClientSecret fake-secret
OktaCryptoPassphrase 5Wb0TnWw4HCzX1nS4WuY8xJ8bqEJ4iZy1Hn1qfJcG7E=
<Location /app>
    AuthType Okta
    OktaUnauthAction pass
    Require all granted
    LuaMapHandler "^/app/" "$dir/echo.lua" handle
</Location>
CONF
close $fh;
my $probe = LWP::UserAgent->new(timeout => 2);
my $httpd = Okta::Process::spawn(
    name => 'apache2 with MergeTrailers On', log => "$dir/stdout",
    cmd => [$vars->{httpd}, '-d', $dir, '-f', "$dir/httpd.conf", '-D', 'FOREGROUND'],
    ready => sub { $probe->get("http://127.0.0.1:$port/app/ready")->code == 200 });

# A chunked POST with `trailers` after its last chunk: (status, body).
sub post_with_trailers {
    my (@trailers) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 10) or die $!;
    print $s "POST /app/echo HTTP/1.1\r\nHost: localhost:$port\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        . "7\r\na=hello\r\n0\r\n" . join('', map { "$_\r\n" } @trailers) . "\r\n";
    local $/;
    my $response = <$s> // '';
    my ($status) = $response =~ m{^HTTP/1\.1 (\d+)};
    my ($body) = $response =~ /\r\n\r\n(.*)\z/s;
    return ($status // 0, $body // '');
}

my ($status, $body) = post_with_trailers('X-Other: fine');
is $status, 200, 'a chunked POST with an ordinary trailer is served';
like $body, qr/^a=hello\nX-Other=fine$/m, 'the body read, its trailer is merged into the headers (MergeTrailers On)';

for my $trailer ('X-Okta-Claim-Role: admin', 'X_Okta_Claim_Groups: Admins',
                 'x-okta-access-token: forged') {
    ($status, $body) = post_with_trailers($trailer);
    my ($name, $value) = $trailer =~ /^([^:]+): (.*)$/;
    like $body, qr/^a=nil$/m, "a trailer $name: reading the body fails";
    unlike $body, qr/=\Q$value\E$/m, "a trailer $name: never seen by the application";
}
# a forged trailer, then one httpd cannot read: the read fails, and what
# was merged before the bad line goes too
($status, $body) = post_with_trailers('X-Okta-Claim-Role: admin', 'a line without a colon');
unlike $body, qr/=admin$/m, 'a forged trailer before a malformed one: never seen by the application';
open my $log, '<', "$dir/error_log" or die $!;
like do { local $/; <$log> }, qr/OKTA00059: request refused: a trailer/, 'the error log says why (OKTA00059)';
