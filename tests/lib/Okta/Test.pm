# SPDX-License-Identifier: Apache-2.0
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
use MIME::Base64 ();
use Apache::TestRequest ();
use Okta::Process ();
use IO::Socket::INET;
use Net::HTTP;
use Time::HiRes ();

our @EXPORT_OK = qw(new_browser server_url sign_in follow_to_callback app_env rp_top_port
                    op_requests op_reset fake_mode fake_requests error_log_since
                    error_log_mark set_cookie start_sign_in keepalive_browser
                    fake_requests_for log_pids start_provider fake_mode_at fake_requests_at
                    op_requests_at op_reset_at sign_in_fake wait_until second_start
                    server_pids_of_connections start_short_provider kept_connection
                    kept_get set_token_ttl poll_until wait_token_expired op_hold_at
                    op_release_at op_held_at issued_by_code_at kept_read
                    fake_userinfo fake_userinfo_at op_userinfo_requests
                    op_userinfo_requests_at log_lines
                    op_client_credentials_token op_client_credentials_token_at
                    fake_mint fake_mint_at fake_rotate fake_rotate_at
                    fake_introspection fake_introspection_at jwt_parts
                    bearer_challenge json_body);

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

# The highest port of OKTA_RP_PORTS (those the providers accept redirect
# URIs for), for servers a test starts itself on it and the `$count` - 1
# below it.  Apache::Test's own servers take the bottom of the range: dies
# unless those `$count` ports are above every one of them.
sub rp_top_port {
    my ($count) = @_;
    my ($low, $high) = ($ENV{OKTA_RP_PORTS} // '') =~ /^(\d+)-(\d+)$/
        or die "OKTA_RP_PORTS is not set: run this through tests/run-apache-tests\n";
    my ($taken) = sort { $b <=> $a } Apache::Test::vars('port'),
        map { $_->{port} // () } values %{ Apache::Test::config()->{vhosts} };
    die "OKTA_RP_PORTS $low-$high has not $count ports above the virtual hosts' (up to $taken): "
        . "widen it in tests/run-apache-tests\n" if $high - $count < $taken;
    return $high;
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

# One keep-alive connection to 127.0.0.1:$port, for requests that must all
# reach the httpd process that accepted it (which LWP cannot promise).
sub kept_connection {
    my ($port) = @_;
    return Net::HTTP->new(Host => "localhost:$port", PeerAddr => '127.0.0.1', PeerPort => $port,
                          KeepAlive => 1) || die "connect to $port: $@";
}

# A GET over a kept connection: (status, body).
sub kept_get {
    my ($conn, $path, @headers) = @_;
    $conn->write_request(GET => $path, @headers);
    return kept_read($conn);
}

# The answer to a request written earlier on a kept connection
# ($conn->write_request): (status, body).
sub kept_read {
    my ($conn) = @_;
    my ($code) = $conn->read_response_headers;
    my $body = '';
    while ($conn->read_entity_body(my $buf, 4096)) {
        $body .= $buf;
    }
    return ($code, $body);
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

# ---- helpers for the refresh tests ----

# Providers a test starts itself (tests/provider/op.js or fake-op.js):
#   my $op = start_provider(script => 'op.js', port => 8603,
#                           env => { OP_ACCESS_TOKEN_TTL => 4 }, log => 'op-short.log');
# waits until its discovery document answers and returns a guard that stops
# the process (SIGTERM, then SIGKILL) on ->stop, when it goes out of scope,
# or at the end of the test however it ends.  The port is passed as OP_PORT
# or FAKE_PORT; keys persist in t/logs/<log>.keys.json so that a restarted
# provider signs with the keys httpd has cached.

sub start_provider {
    my (%args) = @_;
    my $script = $args{script} or die 'start_provider: script';
    my $port = $args{port} or die 'start_provider: port';
    my $is_fake = $script =~ /fake/;
    my $logs = Apache::Test::vars('t_logs');
    my $log = "$logs/" . ($args{log} // ($is_fake ? "fake-$port.log" : "op-$port.log"));
    (my $keys = $log) =~ s/\.log$//;
    my $discovery = "http://127.0.0.1:$port" . ($is_fake ? '/good' : '')
                    . '/.well-known/openid-configuration';
    my $srcdir = $ENV{OKTA_TEST_SRCDIR} // "$FindBin::Bin/../..";

    # something else on the port would answer for us: refuse to start
    if (IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Timeout => 1)) {
        die "start_provider: 127.0.0.1:$port is already in use\n";
    }
    my $ua = LWP::UserAgent->new(timeout => 2);
    my $guard = Okta::Process::spawn(
        name => "$script on port $port", log => $log, grace => 3,
        cmd => ['node', "$srcdir/provider/$script"],
        env => { ($is_fake ? 'FAKE_PORT' : 'OP_PORT') => $port,
                 ($is_fake ? 'FAKE_JWKS_FILE' : 'OP_JWKS_FILE') => "$keys.keys.json",
                 %{ $args{env} // {} } },
        ready => sub { $ua->get($discovery)->is_success });
    $guard->{url} = "http://127.0.0.1:$port";
    return $guard;
}

# The refresh tests' provider (op.js at OKTA_OP_SHORT_ISSUER, which the
# okta_refresh vhost uses), issuing access tokens valid for `$ttl` seconds
# (without it, op.js's hour: tests then choose each token's lifetime with
# set_token_ttl, and /_test/reset brings the hour back).
sub start_short_provider {
    my ($ttl) = @_;
    return start_provider(script => 'op.js', port => $ENV{OKTA_OP_SHORT_PORT},
                          env => { ($ttl ? (OP_ACCESS_TOKEN_TTL => $ttl) : ()),
                                   OP_RP_PORTS => $ENV{OKTA_RP_PORTS} },
                          log => 'op-short.log');
}



# The fake provider's test endpoints at another base URL than OKTA_FAKE_BASE.
sub fake_requests_at {
    my ($base) = @_;
    return decode_json(LWP::UserAgent->new->get("$base/_test/requests")->decoded_content);
}
sub fake_mode_at {
    my ($base, $mode) = @_;
    my $ua = LWP::UserAgent->new;
    $ua->post("$base/_test/reset");
    my $res = $ua->post("$base/_test/mode?name=$mode");
    die "fake_mode_at: $mode: " . $res->status_line unless $res->is_success;
    return $res;
}
sub op_requests_at {
    my ($issuer) = @_;
    return decode_json(LWP::UserAgent->new->get("$issuer/_test/requests")->decoded_content);
}
sub op_reset_at { LWP::UserAgent->new->post("$_[0]/_test/reset") }

# The fake provider signs in without a form: GET the protected URL, follow
# its redirect to /authorize and back, and visit the callback.  Returns the
# three responses (protected URL, authorize, callback).
sub sign_in_fake {
    my ($ua, $url) = @_;
    my $start = $ua->get($url);
    die "sign_in_fake: expected 302 at $url, got " . $start->status_line unless $start->code == 302;
    my $authorize = $ua->get($start->header('Location'));
    die "sign_in_fake: the fake's /authorize answered " . $authorize->status_line
        unless $authorize->code == 302;
    my $callback = $ua->get(URI->new_abs($authorize->header('Location'), $url)->as_string);
    return ($start, $authorize, $callback);
}

# The lifetime of the access tokens a provider (op.js or fake-op.js, at its
# base URL) issues from now on; its /_test/reset restores the default.
# With OktaRefreshLeeway above it, a token is due for refresh as soon as it
# is issued, and stays valid for `$seconds`: a window no slow machine misses.
sub set_token_ttl {
    my ($base, $seconds) = @_;
    my $res = LWP::UserAgent->new->post("$base/_test/ttl?seconds=$seconds");
    die "set_token_ttl $base: " . $res->status_line unless $res->is_success;
}

# What a test waits for: polls `$check` every `$step` s (0.05) until it
# returns true, and returns that value; false when `$timeout` s (60) pass
# first.  The timeout only decides when to give up (a failing test), never
# whether a test passes, so it is generous.
sub poll_until {
    my ($check, %args) = @_;
    my $deadline = Time::HiRes::time() + ($args{timeout} // 60);
    for (;;) {
        my $value = $check->();
        return $value if $value;
        return $value if Time::HiRes::time() > $deadline;
        Time::HiRes::sleep($args{step} // 0.05);
    }
}

# A token of 1 s (set_token_ttl 1) expires when the second after the one
# its request arrived in begins (the module counts whole seconds from
# r->request_time, which is no later than the answer): given when that
# answer was had, waits until the token has expired for good.  Nothing
# bounds the wait from above: an expired token stays expired.
sub wait_token_expired {
    my ($answered) = @_;
    wait_until(int($answered) + 1 + 0.05);
}

# op.js holds token endpoint requests open from `op_hold_at` until
# `op_release_at`; `op_held_at` says how many it holds now.  A refresh is
# thus kept in flight (its lock held) while a test sends other requests.
sub op_hold_at {
    my $res = LWP::UserAgent->new->post("$_[0]/_test/hold");
    die "op_hold_at $_[0]: " . $res->status_line unless $res->is_success;
}
sub op_release_at {
    my $res = LWP::UserAgent->new->post("$_[0]/_test/release");
    die "op_release_at $_[0]: " . $res->status_line unless $res->is_success;
}
sub op_held_at {
    return decode_json(LWP::UserAgent->new->get("$_[0]/_test/hold")->decoded_content)->{held};
}

# The access token the last code exchange at op.js issued (a sign-in's
# first token, which the application is not shown when every request
# refreshes it).
sub issued_by_code_at {
    my ($issuer) = @_;
    my ($last) = reverse grep { ($_->{grant_type} // '') eq 'authorization_code' }
                              @{ op_requests_at($issuer) };
    return $last ? $last->{new_access_token} // '' : '';
}

# ---- helpers for the access control tests (t/authz) ----

# The claims the fake provider's userinfo endpoint adds over its default
# answer from now on (its /_test/reset drops them): a hash reference (sent
# with sorted keys) or JSON text of an object, sent as it is, so that a test
# chooses the order of the keys.
sub fake_userinfo_at {
    my ($base, $claims) = @_;
    my $json = ref $claims ? JSON::PP->new->canonical->encode({ claims => $claims })
                           : qq({"claims": $claims});
    my $res = LWP::UserAgent->new->post("$base/_test/userinfo", 'Content-Type' => 'application/json',
                                        Content => $json);
    die "fake_userinfo_at $base: " . $res->status_line unless $res->is_success;
    return $res;
}
sub fake_userinfo { fake_userinfo_at($fake, $_[0]) }

# The requests op.js's userinfo endpoint received (its /_test/reset clears
# them): time, path, method, auth_scheme, access_token (the Bearer token
# presented), status, sub, claims (the names answered), error.
sub op_userinfo_requests_at {
    my ($issuer) = @_;
    return decode_json(LWP::UserAgent->new->get("$issuer/_test/userinfo_requests")->decoded_content);
}
sub op_userinfo_requests { op_userinfo_requests_at($op) }

# The error_log lines (from error_log_since) that carry a tag, e.g.
# OKTA00045, so that a test looks at one line: its level, its words.
sub log_lines {
    my ($text, $tag) = @_;
    return grep { /\Q$tag\E:/ } split /\n/, $text;
}

# ---- helpers for the bearer token tests (t/bearer) ----

# An access token from op.js (at `$issuer`) by the client_credentials grant
# of its service client okta-service: a JWT for the API `$resource`
# (api://default, api://other) with the granted ones of the space-separated
# `$scope` (read:reports write:reports), or, without `$resource`, an opaque
# token.  Either may be undef (not sent).  Dies unless the provider issues it.
sub op_client_credentials_token_at {
    my ($issuer, $scope, $resource) = @_;
    my $res = LWP::UserAgent->new->post(
        "$issuer/token",
        Authorization => 'Basic ' . MIME::Base64::encode_base64('okta-service:okta-service-secret', ''),
        Content => [grant_type => 'client_credentials',
                    (defined $scope ? (scope => $scope) : ()),
                    (defined $resource ? (resource => $resource) : ())]);
    die "op_client_credentials_token_at $issuer: " . $res->status_line . ' ' . $res->decoded_content
        unless $res->is_success;
    return decode_json($res->decoded_content)->{access_token};
}
sub op_client_credentials_token { op_client_credentials_token_at($op, @_) }

# An access token minted by the fake provider (at `$base`): `$claims` (a
# hash reference, sent with sorted keys, or JSON text of an object, sent as
# it is) exactly as given, signed as `sign` says (rs256 by default; es256,
# none, hs256:SECRET, other-key, new-key), the header the default for that
# signing with the fields of `header` merged over it (undef: left out).
#   my $token = fake_mint({ iss => ..., aud => 'api://default', ... },
#                         sign => 'other-key', header => { typ => 'JWT' });
sub fake_mint_at {
    my ($base, $claims, %args) = @_;
    my $json = JSON::PP->new->canonical;
    my $body = '{"claims": ' . (ref $claims ? $json->encode($claims) : $claims)
             . ', "header": ' . $json->encode($args{header} // {})
             . ', "sign": ' . $json->encode($args{sign} // 'rs256') . '}';
    my $res = LWP::UserAgent->new->post("$base/_test/mint", 'Content-Type' => 'application/json',
                                        Content => $body);
    die "fake_mint_at $base: " . $res->status_line . ' ' . $res->decoded_content unless $res->is_success;
    return decode_json($res->decoded_content)->{token};
}
sub fake_mint { fake_mint_at($fake, @_) }

# The fake provider publishes its second signing key (kid fake-rsa-2, the
# one of sign => 'new-key') in its JWKS from now on, until its /_test/reset
# (which fake_mode does).
sub fake_rotate_at {
    my ($base) = @_;
    my $res = LWP::UserAgent->new->post("$base/_test/rotate");
    die "fake_rotate_at $base: " . $res->status_line unless $res->is_success;
    return decode_json($res->decoded_content);
}
sub fake_rotate { fake_rotate_at($fake) }

# The fake provider's introspection answers from now on: { token => answer }
# (each answer a hash reference sent as JSON, e.g. { active => JSON::PP::true,
# sub => 'svc-user', ... }); they replace the ones set before, and any other
# token is {"active": false}.  Its /_test/reset (so fake_mode) drops them:
# set them after the mode.
sub fake_introspection_at {
    my ($base, $tokens) = @_;
    my $res = LWP::UserAgent->new->post("$base/_test/introspection", 'Content-Type' => 'application/json',
                                        Content => JSON::PP->new->canonical->encode({ tokens => $tokens }));
    die "fake_introspection_at $base: " . $res->status_line unless $res->is_success;
    return $res;
}
sub fake_introspection { fake_introspection_at($fake, $_[0]) }

# The header and the claims of a compact JWS (hash references), or () when
# it is not one.
sub jwt_parts {
    my ($token) = @_;
    my @parts = split /\./, $token // '', -1;
    return () unless @parts == 3;
    my @decoded = eval {
        map { JSON::PP->new->decode(MIME::Base64::decode_base64url($_)) } @parts[0, 1];
    };
    return @decoded == 2 ? @decoded : ();
}

# The Bearer challenge of a response (RFC 6750 3): its auth-params as a
# hash reference (realm, error, error_description, scope, ...; quoted
# strings unquoted), or undef when no WWW-Authenticate header is a Bearer
# one.  `_raw` holds the header as sent.
sub bearer_challenge {
    my ($res) = @_;
    my ($header) = grep { /^\s*Bearer(?:\s|$)/i } $res->header('WWW-Authenticate');
    return undef unless defined $header;
    my %params = (_raw => $header);
    (my $rest = $header) =~ s/^\s*Bearer\s*//i;
    while ($rest =~ /\G\s*,?\s*([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/gc) {
        my ($name, $quoted, $token) = ($1, $2, $3);
        if (defined $quoted) {
            $quoted =~ s/\\(.)/$1/g;
            $params{$name} = $quoted;
        }
        else {
            $params{$name} = $token;
        }
    }
    return \%params;
}

# The JSON object of a response's body, or undef when it is not one.
sub json_body {
    my ($res) = @_;
    my $value = eval { JSON::PP->new->decode($res->decoded_content // '') };
    return ref $value eq 'HASH' ? $value : undef;
}

# ---- helpers for the setup checker's tests (t/check) ----

push @EXPORT_OK, qw(fake_redirect_uris fake_redirect_uris_at okta_check okta_check_report
                    okta_check_line okta_check_case okta_check_case_tests okta_check_directives);

# The OktaCryptoPassphrase of okta_check_directives (from a file: written
# once per test), for the tests that look for it in the checker's output.
our $check_passphrase = 'pV3m8WcQe0tZ7rYk2LnB5xHs9JdA4uGf1oTi6NqE0aU=';
my $check_passphrase_file;

# The module's directives for okta_check: a server that signs in at the
# fake provider's `good` tenant as fake-client, its secret from the
# environment (env:OKTA_CHECK_SECRET: pass env => { OKTA_CHECK_SECRET =>
# 'fake-secret' }) and the passphrase from a file, so that no secret is
# written inline.  %change replaces some (OktaIssuer => ..., OktaScope =>
# '"openid email"') or, given as undef, leaves them out.  Returns the text.
sub okta_check_directives {
    my (%change) = @_;
    if (!$check_passphrase_file) {
        require File::Temp;
        my $dir = File::Temp::tempdir('okta-check-secret-XXXXXX', TMPDIR => 1, CLEANUP => 1);
        $check_passphrase_file = "$dir/passphrase";
        open my $fh, '>', $check_passphrase_file or die "$check_passphrase_file: $!";
        print $fh "$check_passphrase\n";
        close $fh;
    }
    my %d = (OktaIssuer => "$fake/good", OktaClientID => 'fake-client',
             OktaClientSecret => 'env:OKTA_CHECK_SECRET',
             OktaCryptoPassphrase => "file:$check_passphrase_file", %change);
    return join '', map { "$_ $d{$_}\n" } grep { defined $d{$_} } sort keys %d;
}

# The fake provider's registered redirect URIs from now on (its
# /_test/redirect_uris): `$uris` the Sign-in redirect URIs, `$post_logout`
# the Sign-out redirect URIs, each an array reference, or undef for "any
# URI" (the fake's default, which its /_test/reset, so fake_mode, restores).
sub fake_redirect_uris_at {
    my ($base, $uris, $post_logout) = @_;
    my $res = LWP::UserAgent->new->post("$base/_test/redirect_uris", 'Content-Type' => 'application/json',
                                        Content => JSON::PP->new->canonical->encode(
                                            { uris => $uris, post_logout_uris => $post_logout }));
    die "fake_redirect_uris_at $base: " . $res->status_line . ' ' . $res->decoded_content
        unless $res->is_success;
    return decode_json($res->decoded_content);
}
sub fake_redirect_uris { fake_redirect_uris_at($fake, @_) }

# Runs `apache2 -t -D OKTA_CHECK` (or, with `check => 0`, a plain `apache2
# -t`) on a configuration of its own, in a new temporary directory: the
# module, ServerName `server_name` (default localhost:<first port>), a
# Listen for each of `ports` (default 8559; apache2 -t binds none of
# them), a <Location /app> behind AuthType Okta, then `conf` (the module's
# directives, virtual hosts).  `env`: variables added to apache2's
# environment (env: secrets).  Returns { status (exit status), stdout,
# stderr, dir, conf (the file), report (okta_check_report of stdout) }.
sub okta_check {
    my (%args) = @_;
    require File::Temp;
    require POSIX;
    my $httpd = Apache::Test::vars('httpd');
    my $dir = File::Temp::tempdir('okta-check-XXXXXX', TMPDIR => 1, CLEANUP => 1);
    my @ports = @{ $args{ports} // [8559] };
    my $server_name = $args{server_name} // "localhost:$ports[0]";
    my $listen = join '', map { "Listen 127.0.0.1:$_\n" } @ports;
    my $conf = "$dir/httpd.conf";
    open my $fh, '>', $conf or die "$conf: $!";
    print $fh <<"CONF";
ServerRoot "$dir"
ServerName $server_name
ErrorLog "$dir/error_log"
PidFile "$dir/httpd.pid"
DefaultRuntimeDir "$dir"
@{[ load_modules(qw(socache_redis socache_memcache)) ]}$listen<Location /app>
    AuthType Okta
    Require valid-user
</Location>
$args{conf}
CONF
    close $fh;
    my $pid = fork // die "okta_check: fork: $!";
    if (!$pid) {
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', "$dir/stdout" or POSIX::_exit(126);
        open STDERR, '>', "$dir/stderr" or POSIX::_exit(126);
        @ENV{ keys %{ $args{env} // {} } } = values %{ $args{env} // {} };
        # a check that never ends fails the test instead of holding it forever
        exec 'timeout', '120', $httpd, '-t', (($args{check} // 1) ? ('-D', 'OKTA_CHECK') : ()),
             '-f', $conf or POSIX::_exit(127);
    }
    waitpid $pid, 0;
    my %run = (status => $? >> 8, dir => $dir, conf => $conf);
    for my $stream (qw(stdout stderr)) {
        open my $in, '<', "$dir/$stream" or die "$dir/$stream: $!";
        local $/;
        $run{$stream} = <$in> // '';
    }
    $run{report} = okta_check_report($run{stdout});
    return \%run;
}

# What the checker printed, read by its format:
#   OktaCheck: <server:port> (OktaIssuer <issuer>)
#     ok   <name>: <text>            (two spaces, the status padded to 4, a space)
#     FAIL <name>: <text>
#          fix: <text>               (7 spaces; after each warn and FAIL line)
#   OktaCheck: <n> ok, <n> warn, <n> FAIL   (the last line)
# Returns { blocks => [ { server, issuer, checks => [ { status, name, text,
# fix } ] } ], summary => { ok, warn, FAIL } (undef when missing), problems
# => [ what breaks the format ] }.  Blank lines are let be.
sub okta_check_report {
    my ($text) = @_;
    my %report = (blocks => [], summary => undef, problems => []);
    my ($block, $check);
    my $n = 0;
    for my $line (split /\n/, $text // '') {
        $n++;
        next if $line eq '';
        if (defined $report{summary}) {
            push @{ $report{problems} }, "line $n after the summary line: $line";
        }
        if ($line =~ /^OktaCheck: (\d+) ok, (\d+) warn, (\d+) FAIL$/) {
            $report{summary} = { ok => $1, warn => $2, FAIL => $3 };
            undef $check;
        }
        elsif ($line =~ /^OktaCheck: (\S+) \(OktaIssuer (\S+)\)$/) {
            $block = { server => $1, issuer => $2, checks => [] };
            push @{ $report{blocks} }, $block;
            undef $check;
        }
        elsif ($line =~ /^  (ok  |warn|FAIL) ([A-Za-z0-9_]+): (.*)$/) {
            ($check = { status => $1, name => $2, text => $3 })->{status} =~ s/ +$//;
            if ($block) {
                push @{ $block->{checks} }, $check;
            }
            else {
                push @{ $report{problems} }, "line $n: a check before any OktaCheck: <server> line";
            }
        }
        elsif ($line =~ /^       fix: (.*)$/) {
            if ($check && $check->{status} ne 'ok' && !defined $check->{fix}) {
                $check->{fix} = $1;
            }
            else {
                push @{ $report{problems} }, "line $n: a fix line after no warn or FAIL line: $line";
            }
        }
        else {
            push @{ $report{problems} }, "line $n does not fit the format: $line";
        }
    }
    my %count = (ok => 0, warn => 0, FAIL => 0);
    for my $c (map { @{ $_->{checks} } } @{ $report{blocks} }) {
        $count{ $c->{status} }++;
        push @{ $report{problems} }, "$c->{status} $c->{name} has no fix line"
            if $c->{status} ne 'ok' && !defined $c->{fix};
    }
    if (!$report{summary}) {
        push @{ $report{problems} }, 'no summary line (OktaCheck: <n> ok, <n> warn, <n> FAIL)';
    }
    elsif (join(',', @{ $report{summary} }{qw(ok warn FAIL)}) ne join(',', @count{qw(ok warn FAIL)})) {
        push @{ $report{problems} }, "the summary says @{ $report{summary} }{qw(ok warn FAIL)} (ok warn FAIL) "
            . "but the lines are @count{qw(ok warn FAIL)}";
    }
    $report{count} = \%count;
    return \%report;
}

# The line of check `$name` in block `$block` (an index, default 0, or the
# block's server:port) of an okta_check run: { status, name, text, fix },
# or undef.  Of several lines of one check, the worst (FAIL, warn, ok).
sub okta_check_line {
    my ($run, $name, $block) = @_;
    my $blocks = $run->{report}{blocks};
    my ($found) = defined $block && $block !~ /^\d+$/ ? grep { $_->{server} eq $block } @$blocks
                                                      : ($blocks->[$block // 0]);
    return undef unless $found;
    my %rank = (FAIL => 0, warn => 1, ok => 2);
    my ($c) = sort { $rank{ $a->{status} } <=> $rank{ $b->{status} } }
              grep { $_->{name} eq $name } @{ $found->{checks} };
    return $c;
}

# One checker run and its tests; `okta_check_case_tests(%case)` says how
# many (for the plan).  %case: what okta_check takes (conf, ports, env,
# check), and
#   label   names the tests
#   status  the exit status expected (0 or 1)
#   blocks  how many blocks (default 1)
#   expect  [[name, status, text regexp, fix regexp, block], ...]: a line
#           `status name: ...` whose text matches (undef: any), and for warn
#           and FAIL a fix line that matches (undef: any); one test each
#   only_ok 1: no warn and no FAIL line anywhere (one test)
#   absent  [names]: no line for these checks in block 0 (one test)
# Tests: the output fits the format with `blocks` blocks; the exit status;
# each expectation.  Returns the run (okta_check's).
sub okta_check_case_tests {
    my (%case) = @_;
    return 2 + @{ $case{expect} // [] } + ($case{only_ok} ? 1 : 0) + ($case{absent} ? 1 : 0);
}
sub okta_check_case {
    my (%case) = @_;
    require Test::More;
    my $label = $case{label} // 'check';
    my $run = okta_check(%case);
    my $report = $run->{report};
    my $shown = "exit status $run->{status}\n--- stdout\n$run->{stdout}--- stderr\n$run->{stderr}";
    my $blocks = $case{blocks} // 1;
    my @problems = @{ $report->{problems} };
    push @problems, scalar(@{ $report->{blocks} }) . " block(s), not $blocks"
        if @{ $report->{blocks} } != $blocks;
    Test::More::ok(!@problems, "$label: the output is one block per server and a summary")
        or Test::More::diag(join("\n", @problems) . "\n$shown");
    Test::More::is($run->{status}, $case{status}, "$label: exit status $case{status}")
        or Test::More::diag($shown);
    for my $e (@{ $case{expect} // [] }) {
        my ($name, $status, $text, $fix, $block) = @$e;
        my $line = okta_check_line($run, $name, $block);
        my $why = !$line ? "no line for $name"
                : $line->{status} ne $status ? "$name is $line->{status}, not $status"
                : defined $text && $line->{text} !~ $text ? "the text of $name does not match $text"
                : $status ne 'ok' && defined $fix && ($line->{fix} // '') !~ $fix
                  ? "the fix of $name does not match $fix"
                : '';
        Test::More::ok(!$why, "$label: $status $name" . (defined $block ? " (block $block)" : ''))
            or Test::More::diag("$why\n$shown");
    }
    if ($case{only_ok}) {
        my @bad = grep { $_->{status} ne 'ok' } map { @{ $_->{checks} } } @{ $report->{blocks} };
        Test::More::ok(!@bad && $report->{count}{ok} > 0, "$label: every check ok")
            or Test::More::diag(join('', map { "$_->{status} $_->{name}: $_->{text}\n" } @bad) . $shown);
    }
    if ($case{absent}) {
        my @there = grep { defined okta_check_line($run, $_) } @{ $case{absent} };
        Test::More::ok(!@there, "$label: no line for @{ $case{absent} }")
            or Test::More::diag("there are lines for @there\n$shown");
    }
    return $run;
}

# Sleeps until the epoch time `$t` (fractional).
sub wait_until {
    my ($t) = @_;
    my $left = $t - Time::HiRes::time();
    Time::HiRes::sleep($left) if $left > 0;
}

# The module counts token lifetimes in whole seconds from the second a
# request arrived.  Waits until early in a second, so that a short exchange
# started now ends in the same second; returns that second.
sub second_start {
    my $now = Time::HiRes::time();
    my $frac = $now - int($now);
    wait_until(int($now) + 1 + 0.02) if $frac > 0.2;
    return int(Time::HiRes::time());
}

# For client connections to 127.0.0.1:$server_port, identified by their
# local ports: the process holding the server's end of each, found in
# /proc (needs the rights to read other processes' fds, e.g. root).
# Returns { client port => pid }.
sub server_pids_of_connections {
    my ($server_port, @client_ports) = @_;
    my %wanted = map { $_ => 1 } @client_ports;
    return Okta::Process::socket_owners(
        sub { my ($local, $remote) = @_; $local == $server_port && $wanted{$remote} ? $remote : undef });
}

# The refusal of a bearer token (7 tests): 401, no redirect, the Bearer
# challenge with a realm, error="invalid_token" and a description naming
# the check ($check, a regex), the same in a JSON body.
push @EXPORT_OK, 'token_refused';
sub token_refused {
    my ($res, $check, $what) = @_;
    require Test::More;
    Test::More::is($res->code, 401, "$what: 401");
    Test::More::is($res->header('Location'), undef, "$what: no redirect");
    my $challenge = bearer_challenge($res) // {};
    Test::More::like($challenge->{realm} // '', qr/^localhost(?::\d+)?$/,
                     "$what: WWW-Authenticate: Bearer realm=\"<ServerName>\"");
    Test::More::is($challenge->{error}, 'invalid_token', "$what: error=\"invalid_token\"");
    Test::More::like($challenge->{error_description} // '', $check,
                     "$what: the error_description names the check");
    Test::More::like($res->header('Content-Type') // '', qr{^application/json}, "$what: a JSON body");
    my $body = json_body($res) // {};
    Test::More::ok(($body->{error} // '') eq 'invalid_token'
                   && ($body->{error_description} // '') =~ $check,
                   "$what: JSON error invalid_token, with the description");
}

# The LoadModule lines of an apache2 of a test's own: the event MPM, authn
# and authz core, authz_user, socache_shmcb, Debian's modules named in
# @extra (alias, proxy, ...), then the module under test as built.
push @EXPORT_OK, 'load_modules';
sub load_modules {
    my (@extra) = @_;
    my $modules = '/usr/lib/apache2/modules';
    my $built = Apache::Test::vars('top_dir') . '/../.libs/mod_okta_authcode.so';
    return join('', map { "LoadModule ${_}_module $modules/mod_$_.so\n" }
                        qw(mpm_event authn_core authz_core authz_user socache_shmcb), @extra)
        . qq{LoadModule okta_authcode_module "$built"\n};
}

# The start of the configuration of an apache2 of a test's own, in `$dir`
# (its server root, logs and runtime files), listening on 127.0.0.1:`$port`,
# with load_modules(@extra): the site's directives follow.
push @EXPORT_OK, 'own_server_conf';
sub own_server_conf {
    my ($dir, $port, @extra) = @_;
    return <<"CONF" . load_modules(@extra) . "Listen 127.0.0.1:$port\n";
ServerRoot "$dir"
ServerName localhost
PidFile "$dir/httpd.pid"
DefaultRuntimeDir "$dir"
ErrorLog "$dir/error_log"
LogLevel info
User nobody
Group nogroup
CONF
}

1;