package Okta::Test;
# Helpers for the Apache::Test suite: a browser-like user agent, signing in
# at the real provider by script, and reading what the application saw.
use strict;
use warnings;
use Exporter 'import';
use HTTP::Cookies;
use HTTP::Request::Common qw(GET POST);
use LWP::UserAgent;
use URI;
use URI::QueryParam;
use JSON::PP;
use Apache::TestRequest ();

our @EXPORT_OK = qw(new_browser server_url sign_in follow_to_callback app_env
                    op_requests op_reset fake_mode fake_requests error_log_since
                    error_log_mark set_cookie start_sign_in keepalive_browser
                    fake_requests_for log_pids);

my $op = $ENV{OKTA_OP_ISSUER};
my $fake = $ENV{OKTA_FAKE_BASE};

# Cookies are kept, redirects are not followed: tests look at each step.
sub new_browser {
    return LWP::UserAgent->new(cookie_jar => HTTP::Cookies->new, max_redirect => 0,
                               timeout => 30);
}

# Base URL of the test server or of one of its virtual hosts.
sub server_url {
    my ($vhost) = @_;
    Apache::TestRequest::module($vhost // 'default');
    my $hostport = Apache::TestRequest::hostport();
    Apache::TestRequest::module('default');
    $hostport =~ s/^[^:]+:/localhost:/;
    return "http://$hostport";
}

# Follows the provider's redirects (and its login form) until it sends the
# browser back to `$callback_prefix`; returns that callback URL.
sub follow_to_callback {
    my ($ua, $url, $user, $password, $callback_prefix) = @_;
    for (1 .. 10) {
        return $url if index($url, $callback_prefix) == 0;
        my $res = $ua->get($url);
        if ($res->is_redirect) {
            $url = URI->new_abs($res->header('Location'), $url)->as_string;
            next;
        }
        my ($action) = $res->decoded_content =~ m{<form[^>]*action="([^"]+/login)"};
        die "no login form at $url: " . $res->status_line unless $action;
        $res = $ua->request(POST(URI->new_abs($action, $url)->as_string,
                             [username => $user, password => $password]));
        die "login refused: " . $res->status_line unless $res->is_redirect;
        $url = URI->new_abs($res->header('Location'), $url)->as_string;
    }
    die "the provider never sent the browser back";
}

# Signs in through the module and the real provider, starting at a
# protected URL.  Returns the module's answer to the callback.
sub sign_in {
    my ($ua, $url, $user, $password) = @_;
    my $res = $ua->get($url);
    die "expected a redirect to sign in, got " . $res->status_line unless $res->code == 302;
    my $base = URI->new($url);
    my $prefix = $base->scheme . '://' . $base->host_port . '/';
    my $callback = follow_to_callback($ua, $res->header('Location'), $user, $password, $prefix);
    return $ua->get($callback);
}

# The application's view: the CGI prints name=value lines.
sub app_env {
    my ($res) = @_;
    my %env = $res->decoded_content =~ /^([A-Z_a-z0-9]+)=(.*)$/mg;
    return \%env;
}

sub op_requests { decode_json(LWP::UserAgent->new->get("$op/_test/requests")->decoded_content) }
sub op_reset { LWP::UserAgent->new->post("$op/_test/reset") }
sub fake_requests { decode_json(LWP::UserAgent->new->get("$fake/_test/requests")->decoded_content) }
sub fake_mode { LWP::UserAgent->new->post("$fake/_test/reset"); LWP::UserAgent->new->post("$fake/_test/mode?name=$_[0]") }

# Error log lines written since a mark, so a test can look for our tags.
sub error_log_mark { -s Apache::Test::vars('t_logs') . '/error_log' }
sub error_log_since {
    my ($mark) = @_;
    open my $fh, '<', Apache::Test::vars('t_logs') . '/error_log' or die $!;
    seek $fh, $mark, 0;
    local $/;
    return <$fh> // '';
}

# ---- helpers for the hostile and browser tests ----

# The Set-Cookie header a response gave for one cookie name ('' if none).
sub set_cookie {
    my ($res, $name) = @_;
    my ($c) = grep { /^\Q$name\E=/ } $res->header('Set-Cookie');
    return $c // '';
}

# Starts a sign-in at a protected URL and follows the provider until it
# sends the browser back; returns the callback URL (not yet visited).
sub start_sign_in {
    my ($ua, $url, $user, $password) = @_;
    my $res = $ua->get($url);
    die "expected a redirect to sign in at $url, got " . $res->status_line unless $res->code == 302;
    my $base = URI->new($url);
    return follow_to_callback($ua, $res->header('Location'), $user, $password,
                              $base->scheme . '://' . $base->host_port . '/');
}

# A browser that keeps its connections open, so that its requests to one
# server stay with one httpd child process (the provider cache is per
# process).  Pass `conn_cache => $other->conn_cache` to share connections.
sub keepalive_browser {
    my (%args) = @_;
    my $ua = LWP::UserAgent->new(cookie_jar => HTTP::Cookies->new, max_redirect => 0,
                                 timeout => 30, keep_alive => 8);
    $ua->conn_cache($args{conn_cache}) if $args{conn_cache};
    return $ua;
}

# The requests the fake provider received for one path, e.g. '/good/jwks'.
sub fake_requests_for {
    my ($path) = @_;
    return grep { $_->{path} eq $path } @{ fake_requests() };
}

# The process ids of the error_log lines carrying a tag, e.g. OKTA00015.
sub log_pids {
    my ($text, $tag) = @_;
    return $text =~ /\[pid (\d+)(?::tid \d+)?\][^\n]*\Q$tag\E/g;
}

1;
