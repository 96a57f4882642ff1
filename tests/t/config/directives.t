# SPDX-License-Identifier: Apache-2.0
# Configuration mistakes are refused at startup, with the directive named,
# and the a2enmod files load.  Runs `apache2 -t` on small configurations.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use IO::Socket::INET;
use LWP::UserAgent;
use Okta::Test qw(load_modules);

my $passphrase = 'MYZF9rnuOaAn6GgDKENv3Uhz3fyGJ+lh0BsyHCDYU+8=';
my $issuer_only = 'OktaIssuer https://idp.example.com/oauth2/default';
my $complete = "$issuer_only\nOktaClientID client\nOktaClientSecret secret\n"
    . "OktaCryptoPassphrase $passphrase";
my @cases = (
    [ 'OktaIssuer http://idp.example.com/oauth2/default',
      qr/OktaIssuer: .*must use https .*loopback/, 'http issuer on a public host refused' ],
    [ 'OktaIssuer https://idp.example.com/oauth2/default?x=1',
      qr/OktaIssuer: .*without query/, 'issuer with a query refused' ],
    [ 'OktaRedirectURI callback', qr/OktaRedirectURI: .*path starting with/, 'relative redirect URI refused' ],
    [ 'OktaSilentRedirectURI http://app.example.com/silent', qr/OktaSilentRedirectURI: use https/,
      'http silent redirect URI on a public host refused' ],
    [ 'OktaCryptoPassphrase short', qr/OktaCryptoPassphrase: use 32 random bytes in base64.*openssl rand -base64 32/,
      'short passphrase refused' ],
    # long, but words: guessable by anyone who reads the cache
    [ 'OktaCryptoPassphrase correct-horse-battery-staple-correct-horse-battery',
      qr/OktaCryptoPassphrase: use 32 random bytes in base64.*openssl rand -base64 32/,
      'long passphrase of words refused' ],
    [ 'OktaClientSecret env:OKTA_TEST_SURELY_UNSET', qr/OktaClientSecret: environment variable OKTA_TEST_SURELY_UNSET is not set/,
      'secret from an unset environment variable refused' ],
    [ 'OktaCryptoPassphrase file:/nonexistent/secret', qr/OktaCryptoPassphrase: cannot read/,
      'passphrase from a missing file refused' ],
    [ 'OktaTokenEndpointAuth private_key_jwt', qr/OktaTokenEndpointAuth: client_secret_basic or client_secret_post/,
      'unknown client authentication refused' ],
    [ '<Location /x>\nOktaUnauthAction maybe\n</Location>', qr/OktaUnauthAction: auth, 401 or pass/,
      'unknown OktaUnauthAction refused' ],
    [ 'OktaTokenIntrospection Sometimes', qr/OktaTokenIntrospection: Off, On or All/,
      'unknown OktaTokenIntrospection refused' ],
    [ 'OktaSessionCache nosuchcache', qr/OktaSessionCache: unknown cache type 'nosuchcache'/,
      'unknown session cache refused' ],
    [ 'OktaSessionCache shmcb:/run/okta(lots)',
      qr{OktaSessionCache shmcb:/run/okta\(lots\): the size must be a number of bytes},
      'shmcb size that is not a number refused' ],
    [ 'OktaSessionCache shmcb:/run/okta(4096)',
      qr{OktaSessionCache shmcb:/run/okta\.0\(4096\): .*size has to be >= 8192},
      'shmcb size too small refused, with shmcb\'s reason' ],
    [ 'OktaInfoURI okta/info', qr/OktaInfoURI: 'okta\/info' must be a path starting with/,
      'relative info path refused' ],
    [ '<Location /x>\nAuthType Okta\nRequire okta-group\n</Location>',
      qr/Require okta-group needs at least one group name/, 'okta-group without a group refused' ],
    [ '<Location /x>\nAuthType Okta\nRequire okta-claim department\n</Location>',
      qr/Require okta-claim needs a claim name .* and at least one value/,
      'okta-claim without a value refused' ],
    [ 'OktaHTTPTimeout soon', qr/OktaHTTPTimeout: 'soon' is not a number of seconds/, 'non-numeric timeout refused' ],
    # 0 would mean no limit at all (libcurl), or ending every session or
    # sign-in at once
    (map { [ "$_ 0", qr/$_: '0': use at least 1 second/, "$_ 0 refused" ] }
         qw(OktaHTTPTimeout OktaSessionInactivityTimeout OktaSessionMaxDuration OktaLoginTimeout)),
    [ 'OktaCAFile /nonexistent/ca.pem', qr{OktaCAFile: cannot read /nonexistent/ca\.pem},
      'a CA file that is not there refused' ],
    [ 'OktaPostLogoutRedirectURI logged-out',
      qr/OktaPostLogoutRedirectURI: 'logged-out' is not an absolute URL/,
      'a relative post-logout redirect URI refused' ],
    [ 'OktaPostLogoutRedirectURI http://app.example.com/bye',
      qr/OktaPostLogoutRedirectURI: use https/, 'an http post-logout redirect URI on a public host refused' ],
    # What a server with OktaIssuer needs besides, and settings that cannot
    # all hold, fail apache2 -t (and so apache2ctl graceful) as they fail
    # the start: the message is the start's.
    [ "$issuer_only\nOktaClientSecret secret\nOktaCryptoPassphrase $passphrase",
      qr/OKTA00001: .*OktaIssuer is set but OktaClientID is missing/, 'no OktaClientID' ],
    [ "$issuer_only\nOktaClientID client\nOktaClientSecret secret",
      qr/OKTA00001: .*OktaIssuer is set but OktaCryptoPassphrase is missing/, 'no OktaCryptoPassphrase' ],
    [ "$issuer_only\nOktaClientID client\nOktaCryptoPassphrase $passphrase",
      qr/OKTA00002: OktaClientSecret is missing for client client/, 'no OktaClientSecret' ],
    [ "<VirtualHost 127.0.0.1:1>\n$issuer_only\nOktaCryptoPassphrase $passphrase\n</VirtualHost>",
      qr/OKTA00001: <VirtualHost> at \S+httpd\.conf:\d+: OktaIssuer is set but OktaClientID is missing/,
      'a virtual host without OktaClientID' ],
    [ "$complete\nOktaLogoutURI /callback",
      qr{OKTA00054: OktaLogoutURI /callback is the path of OktaRedirectURI},
      'OktaLogoutURI on the sign-in redirect path' ],
    [ "$complete\nOktaInfoURI /silent-callback",
      qr{OKTA00054: OktaInfoURI /silent-callback is the path of OktaSilentRedirectURI},
      'OktaInfoURI on the silent redirect path' ],
    [ "$complete\nOktaSilentRedirectURI http://localhost/callback",
      qr{OKTA00054: OktaSilentRedirectURI /callback is the path of OktaRedirectURI},
      'both redirect URIs on one path' ],
    [ 'OktaSessionCookieName __Host-sid', qr/OktaSessionCookieName __Host-sid: a cookie name is .*without __Host-/,
      'a cookie name with the __Host- prefix refused' ],
    [ 'OktaLoginCookieName "a b"', qr/OktaLoginCookieName a b: a cookie name is letters/,
      'a cookie name with a space refused' ],
    [ "$complete\nOktaSessionCookieName sid\nOktaLoginCookieName sid",
      qr{OKTA00054: OktaLoginCookieName sid is the name of OktaSessionCookieName},
      'both cookies under one name' ],
);

plan tests => 2 * @cases + 21;

my $vars = Apache::Test::config()->{vars};
my $httpd = $vars->{httpd};
my $dir = tempdir(CLEANUP => 1);

# Runs apache2 -t on a configuration with the module and `extra`, listening
# on `$port` (none that can be used by default); returns (exit status, output).
sub configtest {
    my ($extra, $port) = @_;
    my $conf = "$dir/httpd.conf";
    open my $fh, '>', $conf or die $!;
    print $fh <<"CONF";
ServerRoot "$dir"
ServerName localhost
ErrorLog "$dir/error_log"
PidFile "$dir/httpd.pid"
DefaultRuntimeDir "$dir"
@{[ load_modules() ]}Listen 127.0.0.1:@{[ $port // 1 ]}
$extra
CONF
    close $fh;
    my $out = `'$httpd' -t -f '$conf' 2>&1`;
    return ($? >> 8, $out);
}

for my $case (@cases) {
    my ($directive, $message, $name) = @$case;
    $directive =~ s/\\n/\n/g;
    my ($status, $out) = configtest($directive);
    isnt $status, 0, "$name: apache2 -t fails";
    like $out, $message, "$name: says why";
}

my ($status, $out) = configtest($complete =~ s{https://idp.example.com}{http://127.0.0.1:8080}r);
is $status, 0, 'http issuer on a loopback host accepted';
($status, $out) = configtest("OktaSessionCache shmcb:$dir/sessions");
is $status, 0, 'a shmcb path without a size accepted';
($status, $out) = configtest("OktaSessionCache shmcb:$dir/sessions(268435456)");
is $status, 0, 'a shmcb of 256 MB (64 shards) accepted';

($status, $out) = configtest(<<'CONF');
OktaIssuer https://idp.example.com/oauth2/default
OktaClientID client
OktaClientSecret secret
OktaCryptoPassphrase MYZF9rnuOaAn6GgDKENv3Uhz3fyGJ+lh0BsyHCDYU+8=
<Location />
    AuthType Okta
    Require valid-user
</Location>
CONF
is $status, 0, 'a complete configuration passes apache2 -t';
like $out, qr/Syntax OK/, 'Syntax OK';

# A start with such a configuration fails too, with the same message: before
# any virtual host's log is open, so on stderr.  apache2 -X stays in the
# foreground, so its exit status is the start's.
sub start_fails {
    my ($extra) = @_;
    configtest($extra);
    my $out = `timeout 20 '$httpd' -X -f '$dir/httpd.conf' 2>&1`;
    return ($? >> 8, $out);
}
my $partial = "$issuer_only\nOktaCryptoPassphrase $passphrase\n";
($status, $out) = start_fails("$partial\nOktaClientSecret secret\n");
ok $status != 0 && $status != 124, 'no OktaClientID: apache2 does not start';
like $out, qr/OKTA00001: .*OktaIssuer is set but OktaClientID is missing/, 'no OktaClientID: OKTA00001';
($status, $out) = start_fails("$partial\nOktaClientID client\n");
ok $status != 0 && $status != 124, 'no OktaClientSecret: apache2 does not start';
like $out, qr/OKTA00002: OktaClientSecret is missing for client client/, 'no OktaClientSecret: OKTA00002';

# AuthType Okta where no OktaIssuer applies: the server starts (nothing
# else uses the module), and such a request gets a 500 page, with the log
# naming what is missing.
{
    my $port = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1')->sockport;
    ($status, $out) = configtest("<Location />\n    AuthType Okta\n    Require valid-user\n"
                                 . "</Location>", $port);
    is $status, 0, 'AuthType Okta without OktaIssuer passes apache2 -t';
    unlink "$dir/error_log";
    system($httpd, '-f', "$dir/httpd.conf", '-k', 'start') == 0 or die "apache2 did not start\n";
    # until the server answers (a sanitized apache2 on a busy machine
    # takes its time)
    my $ua = LWP::UserAgent->new(timeout => 5);
    my ($res, $deadline) = (undef, time + 60);
    while (1) {
        $res = $ua->get("http://127.0.0.1:$port/page");
        last if $res->code != 500 || $res->decoded_content =~ /sign-in/i || time > $deadline;
        select undef, undef, undef, 0.1;
    }
    system($httpd, '-f', "$dir/httpd.conf", '-k', 'stop');
    is $res->code, 500, 'AuthType Okta without OktaIssuer: 500';
    like $res->decoded_content, qr/not configured for sign-in/, 'the page says sign-in is not configured';
    open my $log, '<', "$dir/error_log" or die $!;
    like do { local $/; <$log> }, qr/OKTA00028: AuthType Okta is used for \/page but this server has no OktaIssuer/,
        'the log names the missing OktaIssuer (OKTA00028)';
}

# A graceful restart keeps a shmcb session cache as it is (OKTA00039); one
# whose OktaSessionCache changed starts afresh and says so (OKTA00040).  The
# kept cache lives until the process ends: apache2 must still exit cleanly.
{
    my $port = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1')->sockport;
    my $module_conf = sub {
        return "LogLevel info\nOktaIssuer http://127.0.0.1:1/oauth2/default\n"
            . "OktaClientID client\nOktaClientSecret secret\n"
            . "OktaCryptoPassphrase MYZF9rnuOaAn6GgDKENv3Uhz3fyGJ+lh0BsyHCDYU+8=\n"
            . "OktaSessionCache shmcb:$dir/$_[0](1048576)\n";
    };
    # The error log once it tells of more than `$starts` (re)starts.
    my $log_after = sub {
        my ($starts) = @_;
        my $log = '';
        for (1 .. 100) {
            $log = -e "$dir/error_log" ? do { open my $fh, '<', "$dir/error_log"; local $/; <$fh> } : '';
            last if (() = $log =~ /resuming normal operations/g) > $starts;
            select undef, undef, undef, 0.1;
        }
        return $log;
    };
    my $graceful = sub { system($httpd, '-f', "$dir/httpd.conf", '-k', 'graceful') == 0 or die "no graceful\n" };
    configtest($module_conf->('first'), $port);
    unlink "$dir/error_log";
    my $pid = fork // die "fork: $!";
    exec $httpd, '-f', "$dir/httpd.conf", '-D', 'FOREGROUND' or die "exec: $!" if !$pid;
    $log_after->(0);
    $graceful->();
    like $log_after->(1), qr/OKTA00039: sessions in shmcb:\S+first\(1048576\) are kept/,
        'graceful restart: the session cache is kept (OKTA00039)';
    configtest($module_conf->('second'), $port);
    $graceful->();
    like $log_after->(2),
        qr/OKTA00040: OktaSessionCache changed from shmcb:\S+first\S+ to shmcb:\S+second/,
        'graceful restart with another OktaSessionCache: starts afresh (OKTA00040)';

    # apache2ctl graceful (systemctl reload apache2) to a configuration the
    # server would refuse: apache2ctl's apache2 -t refuses it, and the
    # running server goes on serving with the configuration it has.
    configtest($module_conf->('second') =~ s/OktaClientID client\n//r, $port);
    my $ctl = `APACHE_HTTPD='$httpd' APACHE_ARGUMENTS='-f $dir/httpd.conf' apache2ctl graceful 2>&1`;
    isnt $? >> 8, 0, 'apache2ctl graceful to a configuration without OktaClientID fails';
    like $ctl, qr/OKTA00001: .*OktaIssuer is set but OktaClientID is missing/, 'and says why';
    my $res = LWP::UserAgent->new(timeout => 10)->get("http://127.0.0.1:$port/");
    ok !$res->header('Client-Warning') && kill(0, $pid), 'the running server still serves';
    my $log = do { open my $fh, '<', "$dir/error_log" or die $!; local $/; <$fh> };
    is((() = $log =~ /resuming normal operations/g), 3, 'and was not restarted');
    kill 'TERM', $pid;
    waitpid $pid, 0;
    is $? & 127, 0, 'apache2 exits without a signal (no crash in the kept cache\'s cleanup)';
}

# The file a2enmod enables loads the module.
my $load = "$vars->{top_dir}/../conf-examples/okta_authcode.load";
open my $fh, '<', $load or die "$load: $!";
my ($loadmodule) = grep { /^LoadModule/ } <$fh>;
like $loadmodule, qr{^LoadModule okta_authcode_module \S+/mod_okta_authcode\.so$}, 'okta_authcode.load names the module';
