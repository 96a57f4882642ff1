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
                    error_log_mark);

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

1;
