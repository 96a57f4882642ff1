# SPDX-License-Identifier: Apache-2.0
# Cookies planted by a sibling site (defect 11), in a real browser: an
# apache2 of the test's own serves https for app.example.test and
# evil.example.test (both 127.0.0.1 to the browser), signing in at the fake
# provider.  tests/browser/cookies.mjs signs an "attacker" in, plants its
# session id from evil.example.test as okta_session and __Host-okta_session
# with Domain=example.test, and has the "victim" visit the site: the browser
# refuses the __Host- cookie with a Domain, the module does not read the
# other, so the victim is sent to sign in and gets a session of its own,
# and stays signed in beside the planted cookie.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Cwd qw(abs_path);
use File::Basename qw(dirname);
use File::Temp qw(tempdir tempfile);
use IO::Socket::INET;
use JSON::PP qw(decode_json);
use Okta::Process ();
use Okta::Test qw(own_server_conf);

plan tests => 11;

my $vars = Apache::Test::config()->{vars};
my $srcdir = $ENV{OKTA_TEST_SRCDIR} // "$FindBin::Bin/../..";
my $cgi_dir = abs_path("$vars->{top_dir}/t/cgi-bin");
my $tls = dirname($ENV{OKTA_TEST_CA_FILE});
my $dir = tempdir('okta-cookies-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dir;
my $port = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0)->sockport;

open my $fh, '>', "$dir/httpd.conf" or die $!;
print $fh <<"CONF";
@{[ own_server_conf($dir, $port, qw(ssl alias cgid)) ]}SSLEngine on
SSLCertificateFile "$tls/server.pem"
SSLCertificateKeyFile "$tls/server.key"
ScriptSock "$dir/cgid.sock"
ScriptAlias /app "$cgi_dir/show-env.cgi"
ScriptAlias /plant-cookie "$cgi_dir/plant-cookie.cgi"
<Directory "$cgi_dir">
    Require all granted
</Directory>
OktaIssuer $ENV{OKTA_FAKE_BASE}/good
OktaClientID fake-client
OktaClientSecret fake-secret
OktaCryptoPassphrase rJ1v0Gk0o1hH4w1m3D4lW5cN3yB2wX7qM3n8Q4e8FjQ=
<Location /app>
    AuthType Okta
    Require valid-user
</Location>
CONF
close $fh;
my $httpd = Okta::Process::spawn(
    name => 'apache2 serving https', log => "$dir/stdout",
    cmd => [$vars->{httpd}, '-d', $dir, '-f', "$dir/httpd.conf", '-D', 'FOREGROUND'],
    ready => sub { IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Timeout => 1) });

my (undef, $errfile) = tempfile(UNLINK => 1);
# the script bounds itself to 90 s; timeout(1) is the backstop
my @lines = `timeout -k 5 120 node '$srcdir/browser/cookies.mjs' 'https://app.example.test:$port' 'https://evil.example.test:$port' 2>'$errfile'`;
my $rc = $? >> 8;
my $stderr = do { local (@ARGV, $/) = ($errfile); <> } // '';
is $rc, 0, 'the browser run succeeded' or diag "exit $rc\n@lines$stderr";
my $report = eval { decode_json($lines[-1] // '') } // {};
my $checks = $report->{checks} // {};
ok $report->{ok}, 'it reports success' or diag "failed: @{ $report->{failed} // [] } "
    . ($report->{error} // '') . "\n" . JSON::PP->new->canonical->encode($checks);
is $checks->{attacker_signed_in}, 'mallory-sub', 'the attacker signs in';
is $checks->{cookie_name}, '__Host-okta_session', 'on https the session cookie is __Host-okta_session';
is_deeply $checks->{cookie_attributes}, { domain => 'app.example.test', path => '/', secure => JSON::PP::true,
                                          httpOnly => JSON::PP::true, sameSite => 'Lax' },
    'host-only, Path=/, Secure, HttpOnly, SameSite=Lax';
is_deeply $checks->{planted}, [{ name => 'okta_session', domain => '.example.test',
                                 value => $checks->{planted}[0]{value} // 'none' }],
    'the sibling could plant okta_session for the domain, and not __Host-okta_session';
like $checks->{victim_sent_to_sign_in} // '', qr{^302 \Q$ENV{OKTA_FAKE_BASE}\E/good/authorize\?},
    'the planted session is not read: the victim is sent to sign in';
is $checks->{victim_signed_in}, 'mallory-sub', 'the victim signs in';
is_deeply $checks->{victim_own_session}, { domain => 'app.example.test', attackers => JSON::PP::false },
    'with a session of its own';
is scalar @{ $checks->{victim_again} // [] }, 1, 'the next visit: one response';
like $checks->{victim_again}[0] // '', qr/^200 /, 'served at once, beside the planted cookie';
