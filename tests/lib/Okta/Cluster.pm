# SPDX-License-Identifier: Apache-2.0
package Okta::Cluster;
# apache2 nodes and cache servers a test starts beside the Apache::Test
# server (shared sessions, locks in the cache server), and what a test
# needs to look into them: RESP to redis, the module's lock keys, which
# process holds a connection.
use strict;
use warnings;
use Exporter 'import';
use Cwd qw(abs_path);
use Digest::SHA qw(hmac_sha256 sha256);
use IO::Select;
use IO::Socket::INET;
use LWP::UserAgent;
use MIME::Base64 qw(encode_base64url);
use Apache::Test ();
use Okta::Process ();
use Okta::Test ();

our @EXPORT_OK = qw(port_free ask start_cache start_node redis lock_key record_key refresh_lock_id
                    pids_connected_to);


sub port_free {
    my ($port) = @_;
    return !IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 1);
}

# Sends $command on a new connection and returns what comes back first.
sub ask {
    my ($port, $command) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 1)
        or return '';
    $sock->syswrite($command);
    my $answer = '';
    my $select = IO::Select->new($sock);
    while ($answer !~ /\n/ && $select->can_read(1)) {
        $sock->sysread(my $buf, 512) or last;
        $answer .= $buf;
    }
    return $answer;
}

# redis-server or memcached on 127.0.0.1:$port, logging into $dir; returns
# the guard (Okta::Process).
sub start_cache {
    my ($kind, $port, $dir) = @_;
    die "port $port is in use\n" unless port_free($port);
    if ($kind eq 'redis') {
        return Okta::Process::spawn(name => 'redis-server', log => "$dir/redis.log",
                     cmd => ['/usr/bin/redis-server', '--port', $port, '--bind', '127.0.0.1',
                             '--save', '', '--appendonly', 'no'],
                     ready => sub { ask($port, "PING\r\n") =~ /^\+PONG/ });
    }
    return Okta::Process::spawn(name => 'memcached', log => "$dir/memcached.log",
                 cmd => ['/usr/bin/memcached', '-l', '127.0.0.1', '-p', $port, '-U', '0',
                         ($> == 0 ? ('-u', 'nobody') : ())],
                 ready => sub { ask($port, "version\r\n") =~ /^VERSION/ });
}

# The environment that sets a program's wall clock off by `$offset`
# (libfaketime, for threaded programs; the monotonic clock, which timeouts
# use, left alone), preloaded by the program itself, not by a wrapper that
# forks (the node's guard must stop the server, not the wrapper).
sub faked_clock {
    my ($offset) = @_;
    my ($lib) = glob '/usr/lib/*/faketime/libfaketimeMT.so.1';
    die "libfaketime is not installed (build/install-deps.sh installs faketime)\n" unless $lib;
    return { LD_PRELOAD => $lib, FAKETIME => $offset, FAKETIME_DONT_FAKE_MONOTONIC => 1 };
}

# One apache2 with the module under test, in $args{root}, on $args{port},
# with two processes and the test CGI at /app behind AuthType Okta;
# $args{conf} holds the module's directives; $args{clock}, when given, sets
# the node's wall clock off (libfaketime's form: '+40s', '-40s'), as a
# server whose NTP is broken.  Returns the guard, with url, port, error_log
# and root.
sub start_node {
    my (%args) = @_;
    my ($root, $port) = @args{qw(root port)};
    local $_; # Apache::Test's config parsing uses it: callers may alias it to a constant
    my $vars = Apache::Test::config()->{vars};
    my $cgi = abs_path("$vars->{top_dir}/t/cgi-bin/show-env.cgi");
    (my $cgi_dir = $cgi) =~ s{/[^/]+$}{};
    mkdir $root or die "$root: $!";
    mkdir "$root/htdocs";
    chmod 0755, $root, "$root/htdocs";
    open my $fh, '>', "$root/htdocs/hello.txt" or die $!;
    print $fh "hello\n";
    close $fh;
    chmod 0644, "$root/htdocs/hello.txt";
    die "port $port is in use\n" unless port_free($port);
    open $fh, '>', "$root/httpd.conf" or die $!;
    print $fh <<"CONF";
ServerRoot "$root"
ServerName localhost
PidFile "$root/httpd.pid"
DefaultRuntimeDir "$root"
ErrorLog "$root/error_log"
LogLevel info
User nobody
Group nogroup
@{[ Okta::Test::load_modules(qw(alias cgid socache_redis socache_memcache)) ]}# Tests stop a process (SIGSTOP) while its connections wait: a connection
# idle before the stop must not be closed for keep-alive timeout once the
# process runs again, before the request that came meanwhile is read.
KeepAliveTimeout 300
StartServers 2
ServerLimit 2
ThreadsPerChild 16
MaxRequestWorkers 32
Listen 127.0.0.1:$port
ScriptSock "$root/cgid.sock"
DocumentRoot "$root/htdocs"
<Directory "$root/htdocs">
    Require all granted
</Directory>
ScriptAlias /app "$cgi"
<Directory "$cgi_dir">
    Require all granted
</Directory>
<Location /app>
    AuthType Okta
    Require valid-user
</Location>
$args{conf}
CONF
    close $fh;
    my $probe = LWP::UserAgent->new(timeout => 2);
    my $node = Okta::Process::spawn(name => "node on $port", log => "$root/stdout",
                     cmd => [$vars->{httpd}, '-d', $root, '-f', "$root/httpd.conf", '-D',
                             'FOREGROUND'],
                     env => $args{clock} ? faked_clock($args{clock}) : {},
                     ready => sub { $probe->get("http://127.0.0.1:$port/hello.txt")->code == 200 });
    @$node{qw(url port error_log root)} = ("http://localhost:$port", $port, "$root/error_log",
                                           $root);
    return $node;
}

# One redis command on a new connection: the reply's value (a status, an
# integer or a bulk string; undef for nil).
sub redis {
    my ($port, @args) = @_;
    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 2)
        or die "redis on $port: $!";
    $sock->syswrite(join '', '*' . @args . "\r\n", map { '$' . length($_) . "\r\n$_\r\n" } @args);
    my $line = <$sock> // die "redis on $port: no answer";
    $line =~ s/\r\n$//;
    my ($type, $rest) = (substr($line, 0, 1), substr($line, 1));
    die "redis: $rest\n" if $type eq '-';
    return $rest if $type eq '+' || $type eq ':';
    return undef if $rest == -1;
    read $sock, my $value, $rest + 2;
    return substr($value, 0, $rest);
}

# The module's key of lock (kind, id) in a shared cache, computed as it
# does: HKDF-SHA256 of the passphrase (no salt) gives the index key, whose
# HMAC of kind, NUL, id names the lock.
sub lock_key {
    my ($passphrase, $kind, $id) = @_;
    my $prk = hmac_sha256($passphrase, "\0" x 32);
    my $index_key = hmac_sha256("okta-authcode index v1\x01", $prk);
    return 'okta_authcode_lock:' . unpack('H*', hmac_sha256("$kind\0$id", $index_key));
}

# The name of the module's record (kind, id) in memcache and redis: the
# socache namespace, then the same HMAC as lock_key's, in hex.
sub record_key {
    my ($passphrase, $kind, $id) = @_;
    my $prk = hmac_sha256($passphrase, "\0" x 32);
    my $index_key = hmac_sha256("okta-authcode index v1\x01", $prk);
    return 'okta_authcode:' . unpack('H*', hmac_sha256("$kind\0$id", $index_key));
}

# The id of the refresh lock of a refresh token: a digest, never the token.
sub refresh_lock_id { encode_base64url(sha256($_[0])) }

# The processes holding an established client connection to 127.0.0.1:$port.
sub pids_connected_to {
    my ($port) = @_;
    my $owners = Okta::Process::socket_owners(
        sub { my (undef, $remote, $state, $inode) = @_; $remote == $port && $state eq '01' ? $inode : undef });
    my %pids = map { $_ => 1 } values %$owners;
    return sort keys %pids;
}

1;
