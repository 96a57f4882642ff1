# SPDX-License-Identifier: Apache-2.0
package Okta::Bench;
# Plumbing for the benchmarks in tests/bench: a scratch apache2 with the
# built module, the test provider, signing in, and wrk runs.  Benchmarks
# print figures; they are not tests.
use strict;
use warnings;
use Exporter 'import';
use File::Temp qw(tempdir);
use IO::Socket::INET;
use JSON::PP ();
use LWP::UserAgent;
use MIME::Base64 ();
use POSIX ();
use Okta::Test qw(new_browser follow_to_callback);

our @EXPORT_OK = qw(scratch_dir start_process start_provider start_redis httpd_conf start_httpd
                    start_httpd_single session_cookie service_token wrk print_table
                    cpu_seconds);

my $modules = '/usr/lib/apache2/modules';
my @cleanups;

END { $_->() for reverse @cleanups }

# A directory apache2's children can read, with the same small static file
# at /open/hello.txt, /protected/hello.txt and /guarded/hello.txt: no
# alias, so that serving one costs what serving another does but for the
# <Location> a benchmark puts authentication (and authorization) in.
sub scratch_dir {
    my $dir = tempdir('okta-bench-XXXXXX', TMPDIR => 1, CLEANUP => !$ENV{BENCH_KEEP});
    chmod 0755, $dir;
    mkdir "$dir/htdocs";
    for my $sub (qw(open protected guarded)) {
        mkdir "$dir/htdocs/$sub";
        open my $fh, '>', "$dir/htdocs/$sub/hello.txt" or die $!;
        print $fh "hello\n";
        close $fh;
    }
    return $dir;
}

# Runs `cmd` (an array) in the background until the end, with `env` added
# and its output in `log`; returns once 127.0.0.1:`port` takes connections.
sub start_process {
    my (%o) = @_;
    my $pid = fork // die $!;
    if (!$pid) {
        @ENV{ keys %{ $o{env} // {} } } = values %{ $o{env} // {} };
        open STDOUT, '>', $o{log} or die "$o{log}: $!";
        open STDERR, '>&', \*STDOUT;
        exec @{ $o{cmd} } or die "$o{cmd}[0]: $!";
    }
    push @cleanups, sub { kill 'TERM', $pid };
    for (1 .. 100) {
        return if IO::Socket::INET->new(PeerAddr => "127.0.0.1:$o{port}");
        select undef, undef, undef, 0.1;
    }
    die "$o{cmd}[0] did not start (see $o{log})\n";
}

# The real test provider (op.js) on 127.0.0.1:$port, for RP ports $rp.
sub start_provider {
    my ($top, $dir, $port, $rp) = @_;
    start_process(log => "$dir/op.log", port => $port, cmd => ['node', "$top/tests/provider/op.js"],
                  env => { OP_PORT => $port, OP_RP_PORTS => $rp });
    return "http://127.0.0.1:$port";
}

# A redis-server on 127.0.0.1:$port that keeps nothing on disk.
sub start_redis {
    my ($dir, $port) = @_;
    start_process(log => "$dir/redis.log", port => $port,
                  cmd => ['redis-server', '--port', $port, '--bind', '127.0.0.1', '--save', '',
                          '--appendonly', 'no']);
}

# The config file of an apache2 with the common modules and `$body`.
sub httpd_conf {
    my ($dir, $name, $body) = @_;
    my $conf = "$dir/$name.conf";
    open my $fh, '>', $conf or die $!;
    print $fh <<"CONF";
ServerRoot "$dir"
ServerName localhost
PidFile "$dir/$name.pid"
ErrorLog "$dir/$name.error_log"
LogLevel $ENV{BENCH_LOGLEVEL}
DefaultRuntimeDir "$dir"
User www-data
Group www-data
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authn_core_module $modules/mod_authn_core.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule authz_user_module $modules/mod_authz_user.so
LoadModule socache_shmcb_module $modules/mod_socache_shmcb.so
StartServers 2
ThreadsPerChild 32
MaxRequestWorkers 64
DocumentRoot "$dir/htdocs"
# as in Debian's apache2.conf: no .htaccess looked for on every request
<Directory />
    AllowOverride None
</Directory>
<Directory "$dir/htdocs">
    Require all granted
</Directory>
$body
CONF
    close $fh;
    return $conf;
}

# apache2 from httpd_conf(), as a daemon until the end.
sub start_httpd {
    my ($dir, $name, $body) = @_;
    my $conf = httpd_conf($dir, $name, $body);
    system('/usr/sbin/apache2', '-f', $conf, '-k', 'start') == 0 or die "apache2 $name failed\n";
    push @cleanups, sub { system("/usr/sbin/apache2 -f '$conf' -k stop 2>/dev/null") };
    sleep 1;
}

# apache2 -X (one process, in the foreground) from httpd_conf(), under the
# command `@wrapper` (valgrind, say); returns its pid.
sub start_httpd_single {
    my ($conf, @wrapper) = @_;
    my $pid = fork // die $!;
    exec @wrapper, '/usr/sbin/apache2', '-f', $conf, '-X' or die $! if !$pid;
    push @cleanups, sub { kill 'TERM', $pid; waitpid $pid, 0 };
    return $pid;
}
BEGIN { $ENV{BENCH_LOGLEVEL} //= 'warn' }

# Signs alice in at `$base` and returns the session cookie called `$name`.
sub session_cookie {
    my ($base, $name) = @_;
    my $ua = new_browser();
    # as a browser navigation, which mod_auth_openidc wants to see
    my $res = $ua->get("$base/protected/hello.txt", Accept => 'text/html');
    die "$base: no redirect to sign in: " . $res->status_line . "\n" unless $res->is_redirect;
    my $cb = follow_to_callback($ua, $res->header('Location'), 'alice', 'alice-password', "$base/");
    $res = $ua->get($cb);
    my ($cookie) = map { /^(\Q$name\E=[^;]+)/ ? $1 : () } $res->header('Set-Cookie');
    die "$base: no $name cookie after signing in\n" unless $cookie;
    return $cookie;
}

# An access token for the API audience api://default, from the provider's
# service client (client credentials, as a machine-to-machine caller).
sub service_token {
    my ($issuer) = @_;
    my $res = LWP::UserAgent->new->post("$issuer/token",
        [grant_type => 'client_credentials', scope => 'read:reports',
         resource => 'api://default'],
        Authorization => 'Basic ' . MIME::Base64::encode_base64('okta-service:okta-service-secret', ''));
    my $body = eval { JSON::PP::decode_json($res->decoded_content) } // {};
    die "$issuer: no access token for the service client: " . $res->status_line . "\n"
        unless $body->{access_token};
    return $body->{access_token};
}

# One wrk run: requests/s, p50, p99 and answers other than 200.  The Host
# header is the one the browser signed in with (mod_auth_openidc checks).
# With `cookie_file`, each request carries a cookie picked from that file.
sub wrk {
    my (%o) = @_;
    (my $host = $o{url}) =~ s{^http://127\.0\.0\.1(:\d+).*}{localhost$1};
    my @cmd = ('wrk', '-t', ($o{connections} > 1 ? 2 : 1), '-c', $o{connections},
               '-d', "$o{seconds}s", '--latency', '-s', "$o{script_dir}/count-status.lua",
               '-H', "Host: $host", ($o{cookie} ? ('-H', "Cookie: $o{cookie}") : ()),
               (map { ('-H', $_) } @{ $o{headers} // [] }), $o{url},
               ($o{cookie_file} ? ('--', $o{cookie_file}) : ()));
    my $out = `@{[ join ' ', map { "'$_'" } @cmd ]}`;
    my ($rps) = $out =~ /Requests\/sec:\s+([\d.]+)/;
    my ($p50) = $out =~ /50%\s+([\d.]+\w+)/;
    my ($p99) = $out =~ /99%\s+([\d.]+\w+)/;
    my ($not_ok) = $out =~ /Not 200:\s+(\d+)/;
    my ($requests) = $out =~ /(\d+) requests in/;
    return { rps => $rps // 0, p50 => $p50 // '?', p99 => $p99 // '?', bad => $not_ok // '?',
             requests => $requests // 0 };
}

# CPU time (user and system, seconds) used so far by the running processes
# whose command line matches `$pattern`.
sub cpu_seconds {
    my ($pattern) = @_;
    my $ticks = 0;
    for my $dir (glob '/proc/[0-9]*') {
        open my $cmd, '<', "$dir/cmdline" or next;
        my $cmdline = join ' ', split /\0/, (<$cmd> // '');
        next unless $cmdline =~ $pattern;
        open my $stat, '<', "$dir/stat" or next;
        my @f = split ' ', ((<$stat> // '') =~ s/^.*\) //r);
        $ticks += $f[11] + $f[12]; # utime and stime, of every thread
    }
    return $ticks / POSIX::sysconf(POSIX::_SC_CLK_TCK());
}

# Rows of [name, wrk result, optional note].
sub print_table {
    my (@rows) = @_;
    printf "%-44s %11s %10s %10s %8s  %s\n", 'run', 'requests/s', 'p50', 'p99', 'not 200', '';
    printf "%-44s %11.0f %10s %10s %8s  %s\n", $_->[0], @{ $_->[1] }{qw(rps p50 p99 bad)},
        $_->[2] // '' for @rows;
}

1;
