# SPDX-License-Identifier: Apache-2.0
package Okta::Process;
# Background processes a test starts (providers, cache servers, apache2
# nodes): each is stopped when its guard goes away, or at the end of the
# test however it ends; only the process that started one may stop it (a
# forked child going away must not).
use strict;
use warnings;
use Exporter 'import';
use POSIX ();
use Scalar::Util qw(weaken);
use Time::HiRes ();

our @EXPORT_OK = qw(spawn);

my %running; # pid -> guard (weak)

$SIG{$_} //= sub { exit 1 } for qw(INT TERM HUP); # so that END runs
END { $_->stop for grep { defined } values %running }

# Runs @{cmd} with %{env} added and its output appended to `log`, and waits
# up to 15 s until ready->() is true.  `grace`: seconds between SIGTERM and
# SIGKILL when stopping (default 10).  Returns the guard.
sub spawn {
    my (%arg) = @_;
    my $pid = fork // die "$arg{name}: fork: $!";
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $arg{log} or POSIX::_exit(126);
        open STDERR, '>&', \*STDOUT or POSIX::_exit(126);
        @ENV{ keys %{ $arg{env} // {} } } = values %{ $arg{env} // {} };
        exec @{ $arg{cmd} } or POSIX::_exit(127);
    }
    my $guard = bless { pid => $pid, owner => $$, name => $arg{name}, log => $arg{log},
                        grace => $arg{grace} // 10 }, __PACKAGE__;
    $running{$pid} = $guard;
    weaken $running{$pid};
    my $deadline = Time::HiRes::time() + 15;
    until ($arg{ready}->()) {
        if (waitpid($pid, POSIX::WNOHANG()) == $pid || Time::HiRes::time() > $deadline) {
            delete $guard->{pid} unless kill 0, $pid;
            $guard->stop;
            open my $fh, '<', $arg{log};
            die "$arg{name} did not start; its log ($arg{log}):\n" . join('', <$fh> // ());
        }
        Time::HiRes::sleep(0.05);
    }
    return $guard;
}

sub log_file { $_[0]{log} }

# Where it answers, when whoever started it said so.
sub url { $_[0]{url} }

# SIGTERM (or `signal`), then SIGKILL if it lingers past the grace period.
sub stop {
    my ($self, $signal) = @_;
    my $pid = $self->{pid};
    return unless $pid && $$ == $self->{owner};
    local ($?, $!);
    kill $signal // 'TERM', $pid;
    my $deadline = Time::HiRes::time() + $self->{grace};
    while (waitpid($pid, POSIX::WNOHANG()) == 0) {
        if (Time::HiRes::time() > $deadline) {
            kill 'KILL', $pid;
            waitpid $pid, 0;
            last;
        }
        Time::HiRes::sleep(0.02);
    }
    $self->{status} = $?;
    delete $running{$pid};
    delete $self->{pid};
}

# A crash, not a shutdown.
sub kill_now { $_[0]->stop('KILL') }

# After stop: the signal that ended the process other than the one sent
# (SIGSEGV, say), or 0.
sub crash_signal {
    my ($self) = @_;
    my $signal = ($self->{status} // 0) & 127;
    return $signal == POSIX::SIGTERM() || $signal == POSIX::SIGKILL() ? 0 : $signal;
}

sub DESTROY { $_[0]->stop }

# The processes holding the TCP sockets that `$pick->(local port, remote
# port, state, inode)` names (it returns a name, or undef for a socket it does not
# want), from /proc (needs the rights to read other processes' fds, e.g.
# root).  Returns { name => pid }.
sub socket_owners {
    my ($pick) = @_;
    my %name_of_inode;
    for my $table ('/proc/net/tcp', '/proc/net/tcp6') {
        open my $fh, '<', $table or next;
        <$fh>;
        while (my $line = <$fh>) {
            my @f = split ' ', $line;
            my ($local) = $f[1] =~ /:([0-9A-F]+)$/;
            my ($remote) = $f[2] =~ /:([0-9A-F]+)$/;
            my $name = $pick->(hex $local, hex $remote, $f[3], $f[9]);
            $name_of_inode{ $f[9] } = $name if defined $name && $f[9];
        }
    }
    my %pid_of;
    for my $dir (glob '/proc/[0-9]*/fd') {
        my ($pid) = $dir =~ m{^/proc/(\d+)/};
        opendir my $dh, $dir or next;
        for my $fd (readdir $dh) {
            my $target = readlink "$dir/$fd" or next;
            next unless $target =~ /^socket:\[(\d+)\]$/ && exists $name_of_inode{$1};
            $pid_of{ $name_of_inode{$1} } = $pid;
        }
    }
    return \%pid_of;
}

1;
