# SPDX-License-Identifier: Apache-2.0
# apache2 -t -D OKTA_CHECK, what is checked on this side: the clock against
# the provider's Date header (a warning beyond OktaClockSkew/2), the
# session cache (shmcb: how many sessions fit; redis and memcache: a write
# and a read, or FAIL), secrets written inline (a warning, never printed);
# one block per virtual host, and a plain apache2 -t that stays offline.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use File::Temp qw(tempdir);
use IO::Select;
use IO::Socket::INET;
use Okta::Cluster qw(start_cache redis);
use Okta::Test qw(okta_check okta_check_case okta_check_case_tests okta_check_line
                  okta_check_directives fake_mode fake_requests);

my $fake = $ENV{OKTA_FAKE_BASE} or die "OKTA_FAKE_BASE is not set: run this through tests/run-apache-tests\n";
my %env = (OKTA_CHECK_SECRET => 'fake-secret');
my $port = 8559;
my $dir = tempdir('okta-check-local-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dir;
my $inline_passphrase = 'Xw2dK9mQ4tR7yB1nF6hJ3sL8vC0pG5aE2uZ7iO4eT1M=';

# A port nothing listens on (the kernel's choice, let go at once).
sub free_port {
    my $sock = IO::Socket::INET->new(Listen => 1, LocalAddr => '127.0.0.1', LocalPort => 0)
        or die "free_port: $!";
    my $free = $sock->sockport;
    close $sock;
    return $free;
}

# memcached's counters ("stats"): { name => value }.
sub memcached_stats {
    my ($mc_port) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $mc_port, Timeout => 2)
        or die "memcached on $mc_port: $!";
    $sock->syswrite("stats\r\n");
    my ($answer, $select) = ('', IO::Select->new($sock));
    while ($answer !~ /^END\r\n/m && $select->can_read(5)) {
        $sock->sysread(my $buf, 4096) or last;
        $answer .= $buf;
    }
    return { $answer =~ /^STAT (\S+) (\S+)\r$/mg };
}

# redis's calls of the commands matching `$names` (INFO commandstats).
sub redis_calls {
    my ($redis_port, $names) = @_;
    my $stats = redis($redis_port, 'INFO', 'commandstats');
    my $calls = 0;
    $calls += $2 while $stats =~ /^cmdstat_($names):calls=(\d+)/mg;
    return $calls;
}

my $redis_port = free_port();
my $redis = start_cache('redis', $redis_port, $dir);
my $memcached_port = free_port();
my $memcached = start_cache('memcache', $memcached_port, $dir);

# A case at the fake provider's tenant `tenant` (good), with more directives.
sub at {
    my ($label, %case) = @_;
    my $conf = okta_check_directives(OktaIssuer => "$fake/" . (delete $case{tenant} // 'good'),
                                     %{ delete $case{directives} // {} });
    return { label => $label, env => \%env, ports => [$port], conf => $conf, %case };
}
my $clock_fix = qr/NTP|OktaClockSkew/;
my $room = qr/room for about (\d+) sessions/;
my $cache_fix = qr/OktaSessionCache/;

my %cases = (
    good => at('good tenant', status => 0, only_ok => 1,
               expect => [['clock', 'ok'], ['session_cache', 'ok', $room]]),
    behind => at('clock 10 minutes behind', tenant => 'clock-behind', status => 0,
                 expect => [['clock', 'warn', undef, $clock_fix]]),
    ahead => at('clock 10 minutes ahead', tenant => 'clock-ahead', status => 0,
                expect => [['clock', 'warn', undef, $clock_fix]]),
    skew => at('clock 10 minutes behind, OktaClockSkew 1800', tenant => 'clock-behind',
               directives => { OktaClockSkew => 1800 }, status => 0, only_ok => 1,
               expect => [['clock', 'ok']]),
    small => at('shmcb of 1 MB', directives => { OktaSessionCache => "shmcb:$dir/small(1048576)" },
                status => 0, only_ok => 1, expect => [['session_cache', 'ok', $room]]),
    large => at('shmcb of 8 MB', directives => { OktaSessionCache => "shmcb:$dir/large(8388608)" },
                status => 0, only_ok => 1, expect => [['session_cache', 'ok', $room]]),
    redis => at('redis', directives => { OktaSessionCache => "redis:127.0.0.1:$redis_port" },
                status => 0, only_ok => 1, expect => [['session_cache', 'ok']]),
    redis_down => at('redis unreachable', directives => { OktaSessionCache => 'redis:127.0.0.1:' . free_port() },
                     status => 1, expect => [['session_cache', 'FAIL', undef, $cache_fix]]),
    memcache => at('memcache', directives => { OktaSessionCache => "memcache:127.0.0.1:$memcached_port" },
                   status => 0, only_ok => 1, expect => [['session_cache', 'ok']]),
    memcache_down => at('memcache unreachable',
                        directives => { OktaSessionCache => 'memcache:127.0.0.1:' . free_port() },
                        status => 1, expect => [['session_cache', 'FAIL', undef, $cache_fix]]),
    inline => at('secrets inline', directives => { OktaClientSecret => 'fake-secret',
                                                   OktaCryptoPassphrase => $inline_passphrase },
                 status => 0, expect => [['secrets', 'warn', undef, qr/(?=.*file:)(?=.*env:)/]]),
    two => { label => 'two virtual hosts', env => \%env, ports => [$port, $port - 1], status => 1, blocks => 2,
             conf => <<"CONF",
<VirtualHost 127.0.0.1:$port>
    ServerName localhost:$port
@{[ okta_check_directives() ]}</VirtualHost>
<VirtualHost 127.0.0.1:@{[ $port - 1 ]}>
    ServerName localhost:@{[ $port - 1 ]}
@{[ okta_check_directives(OktaIssuer => "$fake/no-s256") ]}</VirtualHost>
CONF
             expect => [['pkce', 'ok', undef, undef, "localhost:$port"],
                        ['pkce', 'FAIL', undef, undef, 'localhost:' . ($port - 1)]] },
);
my @order = qw(good behind ahead skew small large redis redis_down memcache memcache_down inline two);

my $tests = 12;
$tests += okta_check_case_tests(%{ $cases{$_} }) for @order;
plan tests => $tests;

my %runs;
my %before = (redis_set => redis_calls($redis_port, 'set|setex|psetex|setnx'),
              redis_get => redis_calls($redis_port, 'get|mget'),
              memcached => memcached_stats($memcached_port));
for my $name (@order) {
    fake_mode('normal');
    $runs{$name} = okta_check_case(%{ $cases{$name} });
}

# The session cache: a bigger shmcb holds more; redis and memcache were
# written to and read from.
my ($small) = (okta_check_line($runs{small}, 'session_cache') // { text => '' })->{text} =~ $room;
my ($large) = (okta_check_line($runs{large}, 'session_cache') // { text => '' })->{text} =~ $room;
ok defined $small && defined $large && $large > $small, 'shmcb: 8 MB holds more sessions than 1 MB'
    or diag "1 MB: " . ($small // 'none') . ", 8 MB: " . ($large // 'none');
ok redis_calls($redis_port, 'set|setex|psetex|setnx') > $before{redis_set}
    && redis_calls($redis_port, 'get|mget') > $before{redis_get}, 'redis: the check wrote and read';
my $after = memcached_stats($memcached_port);
ok $after->{cmd_set} > $before{memcached}{cmd_set} && $after->{cmd_get} > $before{memcached}{cmd_get},
    'memcache: the check wrote and read';

# Secrets written inline: named, never printed.
my $inline = okta_check_line($runs{inline}, 'secrets') // {};
like join(' ', $inline->{text} // '', $inline->{fix} // ''), qr/(?=.*OktaClientSecret)(?=.*OktaCryptoPassphrase)/,
    'secrets inline: both directives named';
my @leaks = grep { my $out = "$runs{$_}{stdout}$runs{$_}{stderr}";
                   grep { index($out, $_) >= 0 } 'fake-secret', $inline_passphrase, $Okta::Test::check_passphrase }
            @order;
ok !@leaks, 'no secret in any output' or diag "printed in: @leaks";
my @secret_lines = grep { defined okta_check_line($runs{$_}, 'secrets') } grep { $_ ne 'inline' && $_ ne 'two' } @order;
ok !@secret_lines, 'secrets from file: and env: are no warning' or diag "secrets lines in: @secret_lines";

# Two virtual hosts: a block each (in whichever order), named by
# ServerName:port and OktaIssuer, with checks of its own.
my %issuer_of = map { $_->{server} => $_->{issuer} } @{ $runs{two}{report}{blocks} };
is_deeply \%issuer_of, { "localhost:$port" => "$fake/good", 'localhost:' . ($port - 1) => "$fake/no-s256" },
    'two virtual hosts: a block each, named by ServerName:port and OktaIssuer';
my ($first) = grep { $_->{server} eq "localhost:$port" } @{ $runs{two}{report}{blocks} };
my @fails = grep { $_->{status} eq 'FAIL' } @{ ($first // {})->{checks} // [] };
ok $first && !@fails, 'two virtual hosts: the good one has no FAIL (the other one\'s stays its own)'
    or diag $runs{two}{stdout};
is $runs{two}{report}{summary}{FAIL}, 1, 'two virtual hosts: the summary counts both blocks (1 FAIL)';

# A plain apache2 -t stays offline: nothing reaches the provider.
fake_mode('normal');
my $plain = okta_check(conf => okta_check_directives(), env => \%env, ports => [$port], check => 0);
is $plain->{status}, 0, 'plain apache2 -t: exit status 0';
like "$plain->{stdout}$plain->{stderr}", qr/Syntax OK/, 'plain apache2 -t: Syntax OK';
ok $plain->{stdout} !~ /OktaCheck/ && !@{ fake_requests() },
    'plain apache2 -t: no check, no request to the provider'
    or diag explain { stdout => $plain->{stdout}, requests => fake_requests() };
