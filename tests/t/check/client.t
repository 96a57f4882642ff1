# SPDX-License-Identifier: Apache-2.0
# apache2 -t -D OKTA_CHECK, the app integration at the provider: its client
# credentials (a code exchange with a code that cannot exist: invalid_grant
# means they were accepted, invalid_client that the ID, the secret or the
# authentication method is wrong) and its registered redirect URIs (an
# authorization request, not followed: Okta's 400 page for a Sign-in
# redirect URI it does not have; the end-session endpoint for a Sign-out
# redirect URI).  The scripted provider registers the URIs a test gives
# (/_test/redirect_uris) and knows fake-post-client, which may use
# client_secret_post only.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use LWP::UserAgent;
use Okta::Test qw(okta_check_case okta_check_case_tests okta_check_directives fake_mode
                  fake_redirect_uris fake_requests_for);

my $fake = $ENV{OKTA_FAKE_BASE} or die "OKTA_FAKE_BASE is not set: run this through tests/run-apache-tests\n";
my $port = 8559;
my $wrong_secret = 'fake-secret-WRONG-51d0';
my $post_secret = 'fake-post-secret';
my $callback = "http://localhost:$port/callback";
my $silent = "http://localhost:$port/silent-callback";
my $logged_out = "http://localhost:$port/logged-out";
# a test that dies must not leave the fake refusing redirect URIs
END { LWP::UserAgent->new->post("$fake/_test/reset") if $fake }

# Both in either order.
sub names { my ($one, $two) = @_; return qr/(?=.*\Q$one\E)(?=.*\Q$two\E)/ }

# A case at the fake provider's tenant `good` (or `tenant`), with more
# directives, the secret `secret` (fake-secret), and the Sign-in and
# Sign-out redirect URIs `register` registered ([\@uris, \@post_logout_uris];
# default: any URI is accepted).
sub at {
    my ($label, %case) = @_;
    my $conf = okta_check_directives(OktaIssuer => "$fake/" . ($case{tenant} // 'good'),
                                     %{ delete $case{directives} // {} });
    my $secret = delete $case{secret} // 'fake-secret';
    return { label => $label, ports => [$port], conf => $conf,
             env => { OKTA_CHECK_SECRET => $secret }, %case };
}

my $client_fix = qr/(?=.*OktaClientID)(?=.*OktaClientSecret)(?=.*OktaTokenEndpointAuth)(?=.*Client authentication)/;
my @cases = (
    at('credentials right', status => 0, only_ok => 1,
       expect => [['credentials', 'ok', qr/client credentials accepted/]]),
    at('wrong secret', secret => $wrong_secret, status => 1,
       expect => [['credentials', 'FAIL', undef, $client_fix]]),
    at('wrong client ID', directives => { OktaClientID => 'fake-nobody' }, status => 1,
       expect => [['credentials', 'FAIL', undef, $client_fix]]),
    # the right secret, sent with Basic (offered first) to a client set up
    # for "Client secret (post)"
    at('client_secret_post client, Basic sent', directives => { OktaClientID => 'fake-post-client' },
       secret => $post_secret, status => 1,
       expect => [['client_auth', 'ok', qr/client_secret_basic/],
                  ['credentials', 'FAIL', undef, $client_fix]]),
    at('client_secret_post client, OktaTokenEndpointAuth client_secret_post',
       directives => { OktaClientID => 'fake-post-client', OktaTokenEndpointAuth => 'client_secret_post' },
       secret => $post_secret, status => 0, only_ok => 1,
       expect => [['credentials', 'ok', qr/client credentials accepted/]]),
    at('token endpoint answers 500', mode => 'token_error_500', status => 0,
       expect => [['credentials', 'warn']]),
    at('silent redirect URI not registered', register => [[$callback], undef], status => 1,
       expect => [['redirect_uri', 'ok'],
                  ['silent_redirect_uri', 'FAIL', undef, names('Sign-in redirect URIs', $silent)]]),
    at('OktaSilentRedirectURI Off', register => [[$callback], undef],
       directives => { OktaSilentRedirectURI => 'Off' }, status => 0, only_ok => 1,
       expect => [['redirect_uri', 'ok']], absent => ['silent_redirect_uri']),
    at('absolute redirect URI not registered', register => [[$silent], undef],
       directives => { OktaRedirectURI => "http://localhost:$port/oidc/back" }, status => 1,
       expect => [['redirect_uri', 'FAIL', undef, names('Sign-in redirect URIs', "http://localhost:$port/oidc/back")],
                  ['silent_redirect_uri', 'ok']]),
    at('no OktaPostLogoutRedirectURI', register => [undef, []], status => 0, only_ok => 1,
       absent => ['post_logout_redirect_uri']),
    at('post-logout URI registered', register => [undef, [$logged_out]],
       directives => { OktaLogoutURI => '/logout', OktaPostLogoutRedirectURI => $logged_out },
       status => 0, only_ok => 1, expect => [['post_logout_redirect_uri', 'ok']]),
    at('post-logout URI not registered', register => [undef, ["http://localhost:$port/"]],
       directives => { OktaLogoutURI => '/logout', OktaPostLogoutRedirectURI => $logged_out },
       status => 1, expect => [['post_logout_redirect_uri', 'FAIL', undef, qr/Sign-out redirect URIs/]]),
    # A virtual host named without a port: the port of its address, not
    # of the server's first Listen, makes its redirect URIs absolute.
    { label => 'virtual host named without a port', ports => [8558, $port],
      server_name => 'localhost',
      conf => "<VirtualHost 127.0.0.1:$port>\nServerName localhost\n"
              . okta_check_directives(OktaIssuer => "$fake/good") . "</VirtualHost>\n",
      env => { OKTA_CHECK_SECRET => 'fake-secret' }, status => 0, only_ok => 1,
      expect => [['redirect_uri', 'ok', qr/\Q$callback\E/],
                 ['silent_redirect_uri', 'ok', qr/\Q$silent\E/]] },
    at('no end_session_endpoint', tenant => 'no-logout',
       directives => { OktaLogoutURI => '/logout', OktaPostLogoutRedirectURI => $logged_out },
       status => 0, expect => [['post_logout_redirect_uri', 'warn', qr/not checked/]]),
);

my $tests = 4;
$tests += okta_check_case_tests(%$_) for @cases;
plan tests => $tests;

my (%authorize, %logout, @leaks);
for my $case (@cases) {
    fake_mode($case->{mode} // 'normal');
    fake_redirect_uris(@{ $case->{register} }) if $case->{register};
    my $run = okta_check_case(%$case);
    my $tenant = $case->{tenant} // 'good';
    $authorize{ $case->{label} } = [fake_requests_for("/$tenant/authorize")];
    $logout{ $case->{label} } = [fake_requests_for("/$tenant/logout")];
    push @leaks, $case->{label} if grep { index("$run->{stdout}$run->{stderr}", $_) >= 0 }
                                        $wrong_secret, $post_secret, $Okta::Test::check_passphrase;
}
fake_mode('normal');

# The authorization requests: one per redirect URI, with the virtual host's
# scheme, name and port, as the module sends them (code, PKCE S256, state).
my %asked = map { $_->{query}{redirect_uri} // '' => $_->{query} } @{ $authorize{'credentials right'} };
is_deeply [sort keys %asked], [sort $callback, $silent], 'one authorization request per redirect URI, made absolute';
my $q = $asked{$callback} // {};
ok +($q->{client_id} // '') eq 'fake-client' && ($q->{response_type} // '') eq 'code'
    && ($q->{code_challenge_method} // '') eq 'S256' && length($q->{code_challenge} // '')
    && length($q->{state} // '') && length($q->{scope} // ''),
    'the authorization request is the module\'s: client_id, response_type code, PKCE S256, state, scope'
    or diag explain $q;
my ($end) = @{ $logout{'post-logout URI not registered'} };
ok $end && ($end->{query}{client_id} // '') eq 'fake-client'
    && ($end->{query}{post_logout_redirect_uri} // '') eq $logged_out,
    'the end-session request names the client and the post-logout URI'
    or diag explain $logout{'post-logout URI not registered'};
ok !@leaks, 'no secret in the output' or diag "secrets printed in: @leaks";
