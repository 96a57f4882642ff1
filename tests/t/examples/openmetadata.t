# SPDX-License-Identifier: Apache-2.0
# conf-examples/openmetadata.conf as an operator would use it, with a
# stand-in for OpenMetadata (tests/examples/openmetadata-standin.js) that
# authenticates its API as OpenMetadata's JwtFilter does (a JWT in
# Authorization: Bearer, signed by a key the provider publishes, not
# expired, with a principal claim) and takes WebSocket upgrades the same
# way, signing in at the scripted provider: the proxied request carries the
# user's ID token (OktaPassToken IDToken), the current one after a refresh,
# in place of one the client sent; the stand-in refuses what OpenMetadata
# would; the UI's WebSocket goes through for a signed-in user and is refused
# without a session; the single-page application's calls get 401, never a
# redirect.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Cwd qw(abs_path);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use JSON::PP qw(decode_json);
use LWP::UserAgent;
use URI;
use URI::QueryParam;
use Okta::Process ();
use Okta::Test qw(new_browser sign_in_fake own_server_conf fake_mint fake_mode jwt_parts
                  set_token_ttl);

plan tests => 31;

my $vars = Apache::Test::config()->{vars};
my $src = abs_path("$FindBin::Bin/../../..");
my $dir = tempdir('okta-openmetadata-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dir;

sub free_port {
    my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0)
        or die "no free port: $!";
    return $s->sockport;
}
my ($port, $backend_port) = (free_port(), free_port());

my $backend = Okta::Process::spawn(
    name => 'openmetadata stand-in', log => "$dir/standin.log",
    cmd => ['node', "$src/tests/examples/openmetadata-standin.js", $backend_port,
            "$ENV{OKTA_FAKE_BASE}/good/jwks"],
    ready => sub { IO::Socket::INET->new(PeerAddr => "127.0.0.1:$backend_port") });

# The example's secrets come from files, as it says.
for (['secret', 'fake-secret'], ['passphrase', 'PMNA1PKzFfYtXBYTsIgLrzbKfEhfBPAozY1WWbzNhQ0=']) {
    open my $fh, '>', "$dir/$_->[0]" or die $!;
    print $fh "$_->[1]\n";
    close $fh;
}
open my $fh, '>', "$dir/httpd.conf" or die $!;
print $fh <<"CONF";
@{[ own_server_conf($dir, $port, qw(alias proxy proxy_http)) ]}Define OPENMETADATA_DEFINED
Define OPENMETADATA_HOST localhost
Define OPENMETADATA_PORT $port
Define OPENMETADATA_BACKEND http://127.0.0.1:$backend_port
Define OKTA_ISSUER $ENV{OKTA_FAKE_BASE}/good
Define OKTA_CLIENT_ID fake-client
Define OKTA_SECRET_FILE $dir/secret
Define OKTA_PASSPHRASE_FILE $dir/passphrase
Include "$src/conf-examples/openmetadata.conf"
CONF
close $fh;
my $probe = LWP::UserAgent->new(timeout => 2, max_redirect => 0);
my $httpd = Okta::Process::spawn(
    name => 'apache2 with openmetadata.conf', log => "$dir/stdout",
    cmd => [$vars->{httpd}, '-d', $dir, '-f', "$dir/httpd.conf", '-D', 'FOREGROUND'],
    ready => sub { $probe->get("http://127.0.0.1:$port/")->code == 302 });

my $base = "http://localhost:$port";

# A WebSocket upgrade of the UI (as a browser sends it, with its cookies):
# the status line, and the first frame's text when it was upgraded.
sub websocket {
    my ($cookie) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 10) or die $!;
    print $s "GET /api/v1/push/feed/socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        . "Host: localhost:$port\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        . "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        . "Origin: $base\r\nSec-Fetch-Mode: websocket\r\n"
        . ($cookie ? "Cookie: $cookie\r\n" : '') . "\r\n";
    my $status = <$s> // '';
    $status =~ s/\r?\n$//;
    my $line;
    while (defined($line = <$s>) && $line ne "\r\n") { }
    my $text;
    if ($status =~ / 101 /) {
        read($s, my $head, 2) == 2 or die "no frame";
        read($s, $text, ord(substr($head, 1, 1)) & 0x7f);
    }
    return ($status, $text);
}

sub seen { my ($res) = @_; return eval { decode_json($res->decoded_content) } // {} }
sub bearer_of { my ($seen) = @_; return (($seen->{headers} // {})->{authorization} // '') =~ /^Bearer (\S+)$/ ? $1 : '' }

# ---- the stand-in refuses what OpenMetadata would ---------------------------
fake_mode('normal');
my $now = time;
my %claims = (iss => "$ENV{OKTA_FAKE_BASE}/good", aud => 'fake-client', sub => 'mallory-sub',
              email => 'mallory@example.com', iat => $now, exp => $now + 300);
my $direct = LWP::UserAgent->new(timeout => 10);
my $api = "http://127.0.0.1:$backend_port/api/v1/users/loggedInUser";
my $res = $direct->get($api);
is $res->code, 401, 'the stand-in, no token: 401';
$res = $direct->get($api, Authorization => 'Bearer ' . fake_mint({%claims}, sign => 'other-key'));
is $res->code, 401, 'the stand-in, a token signed by a key the provider does not publish: 401';
$res = $direct->get($api, Authorization => 'Bearer ' . fake_mint({%claims, iat => $now - 600, exp => $now - 300}));
is $res->code, 401, 'the stand-in, an expired token: 401';
$res = $direct->get($api, Authorization => 'Bearer ' . fake_mint({%claims, email => undef, sub => undef}));
is $res->code, 401, 'the stand-in, a token without a principal claim: 401';
$res = $direct->get($api, Authorization => 'Bearer ' . fake_mint({%claims}));
is seen($res)->{principal}, 'mallory@example.com', 'the stand-in, a good token: its email is the principal';

# ---- without a session ----------------------------------------------------
my $ua = new_browser();
$res = $ua->get("$base/my-data", Accept => 'text/html');
is $res->code, 302, 'the UI without a session: sent to sign in';
like $res->header('Location') // '', qr{^\Q$ENV{OKTA_FAKE_BASE}\E/good/authorize\?},
    'at the provider';
is(URI->new($res->header('Location') // '')->query_param('redirect_uri'), "$base/callback",
   'coming back to /callback, as in OpenMetadata\'s Okta guide');
$res = $ua->get("$base/api/v1/users/loggedInUser", Accept => 'application/json',
                'X-Requested-With' => 'XMLHttpRequest');
is $res->code, 401, 'the application\'s API call without a session: 401';
is $res->header('Location'), undef, 'not a redirect';
my ($status) = websocket(undef);
like $status, qr{^HTTP/1\.1 401}, 'the WebSocket without a session: refused (401)';

# ---- signed in ----------------------------------------------------------------
my (undef, undef, $callback) = sign_in_fake($ua, "$base/my-data");
is $callback->code, 302, 'signed in at the provider';
my $forged = fake_mint({%claims, email => 'admin@example.com'}, sign => 'other-key');
$res = $ua->get("$base/api/v1/users/loggedInUser", Accept => 'application/json',
                Authorization => "Bearer $forged");
is $res->code, 200, 'the API call with the session: proxied, and OpenMetadata accepts its token';
my $seen = seen($res);
is $seen->{url}, '/api/v1/users/loggedInUser', 'OpenMetadata got the request';
is $seen->{principal}, 'mallory@example.com', 'as the signed-in user, by the token\'s email';
my (undef, $id_claims) = jwt_parts(bearer_of($seen));
is(($id_claims // {})->{aud}, 'fake-client', 'the token is the ID token (for the client)');
ok defined(($id_claims // {})->{nonce}), 'the one of this sign-in (its nonce)';
isnt bearer_of($seen), $forged, 'the Authorization the client sent was replaced';
is $seen->{headers}{'x-okta-claim-email'}, undef, 'no claim headers (OktaClaimsHeaders Off)';
is $seen->{headers}{host}, "localhost:$port", 'with the browser\'s Host (ProxyPreserveHost)';
unlike $seen->{headers}{cookie} // '', qr/okta_/, 'without the module\'s cookies';
my ($cookie) = $ua->cookie_jar->as_string =~ /(okta_session=[A-Za-z0-9_-]+)/;
my $text;
($status, $text) = websocket($cookie);
like $status, qr{^HTTP/1\.1 101}, 'the WebSocket with the session: upgraded';
is $text, 'hello mallory@example.com', 'through to OpenMetadata, with the user';

# ---- after refreshes, the current ID token --------------------------------------
# tokens due for refresh as soon as issued (OktaRefreshLeeway 60 > 30)
set_token_ttl($ENV{OKTA_FAKE_BASE}, 30);
my $refreshing = new_browser();
sign_in_fake($refreshing, "$base/my-data");
my @tokens;
for my $n (1, 2) {
    $res = $refreshing->get("$base/api/v1/tables", Accept => 'application/json');
    $seen = seen($res);
    is $seen->{principal}, 'mallory@example.com', "after refresh $n: OpenMetadata accepts the token";
    push @tokens, bearer_of($seen);
    my (undef, $refreshed) = jwt_parts($tokens[-1]);
    ok !defined(($refreshed // {})->{nonce}), "after refresh $n: a refreshed ID token (no nonce)";
}
isnt $tokens[1], $tokens[0], 'each refresh hands on the new ID token';
fake_mode('normal');

# ---- signing out --------------------------------------------------------------
$res = $ua->get("$base/signin", Accept => 'text/html');
is $res->code, 302, 'OpenMetadata\'s /signin after its sign-out';
is $res->header('Location'), "$base/logout", 'goes to the module\'s sign-out';
unlike do { local (@ARGV, $/) = "$dir/error_log"; <> }, qr/exit signal|AH00052/,
    'no process crashed';
