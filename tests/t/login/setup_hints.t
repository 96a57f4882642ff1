# SPDX-License-Identifier: Apache-2.0
# What sign-in says about the Okta setup, as the setup checker does
# (apache2ctl -t -D OKTA_CHECK): a provider that sends no refresh token
# although offline_access was asked for (a warning once per process, not
# per sign-in), consent_required and interaction_required (the app's User
# Consent setting; silently, a reason to sign in as usual), and the
# client authentication chosen from discovery when OktaTokenEndpointAuth is
# not set.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use URI;
use Okta::Test qw(new_browser server_url sign_in_fake fake_mode fake_requests error_log_mark
                  error_log_since kept_connection kept_get app_env);

plan tests => 21;

my $fake = server_url('okta_fake');
my ($port) = $fake =~ /:(\d+)$/;

# Signs in at the fake with its callback on `$conn`, so that every sign-in
# of the test is completed by the same httpd process.
sub sign_in_on {
    my ($conn) = @_;
    my $ua = new_browser();
    my $start = $ua->get("$fake/app/hints", Accept => 'text/html');
    my $authorize = $ua->get($start->header('Location'));
    my $callback = URI->new($authorize->header('Location'));
    my ($login) = $ua->cookie_jar->as_string =~ /(okta_login=[^;]+)/;
    my ($code) = kept_get($conn, $callback->path_query, Cookie => $login);
    return $code;
}

# ---- no refresh token although offline_access was asked for -------------
fake_mode('no_refresh_token');
my $mark = error_log_mark();
my $conn = kept_connection($port);
is sign_in_on($conn), 302, 'no refresh token: the sign-in still works';
my @warned = error_log_since($mark) =~ /OKTA00053: ([^\n]*)/g;
is scalar(@warned), 1, 'no refresh token: one warning';
like $warned[0] // '', qr/offline_access.*Scopes.*Refresh Token/, 'it names offline_access and the Refresh Token grant';
is sign_in_on($conn), 302, 'a second sign-in in the same process';
is sign_in_on($conn), 302, 'and a third';
@warned = error_log_since($mark) =~ /OKTA00053:/g;
is scalar(@warned), 1, 'the warning is not repeated per sign-in';
fake_mode('normal');

# ---- consent_required -----------------------------------------------------
fake_mode('authorize_consent_required');
$mark = error_log_mark();
my ($start, $authorize, $callback) = sign_in_fake(new_browser(), "$fake/app/consent");
is $callback->code, 403, 'consent_required: 403';
like $callback->decoded_content, qr/User Consent/, 'the page names the app\'s User Consent setting';
like error_log_since($mark), qr/OKTA00018: .*consent_required.*User Consent.*Require user consent/,
    'the log names the app\'s and the scope\'s consent settings';
fake_mode('normal');

# ---- interaction_required ---------------------------------------------------
# Interactively: the user cannot be signed in, and the page says what to check.
fake_mode('authorize_interaction_required');
$mark = error_log_mark();
($start, $authorize, $callback) = sign_in_fake(new_browser(), "$fake/app/interaction");
is $callback->code, 403, 'interaction_required: 403';
like $callback->decoded_content, qr/User Consent/, 'interaction_required: the page names User Consent';
like error_log_since($mark), qr/OKTA00018: the provider refused the sign-in: interaction_required/,
    'interaction_required: OKTA00018';
# Silently (prompt=none, for a browser whose session the server no longer
# has): not an error, but a reason to sign in the usual way.
my $silent = new_browser();
$silent->cookie_jar->set_cookie(0, 'okta_session', 'D' x 43, '/', 'localhost.local', undef, 1, 0,
                                3600, 0);
$start = $silent->get("$fake/app/interaction", Accept => 'text/html');
my $asked = URI->new($start->header('Location') // '');
is $asked->query_param('prompt'), 'none', 'an unknown session: a silent sign-in first';
$authorize = $silent->get($asked->as_string);
my $answer = URI->new($authorize->header('Location') // '');
is $answer->query_param('error'), 'interaction_required', 'the provider answers interaction_required';
$callback = $silent->get(URI->new_abs($answer, $fake)->as_string);
is $callback->code, 302, 'silent interaction_required: 302';
$asked = URI->new($callback->header('Location') // '');
is $asked->path, '/good/authorize', 'to the authorization endpoint again';
ok !defined $asked->query_param('prompt'), 'this time without prompt=none';
fake_mode('normal');

# ---- client authentication from discovery --------------------------------
my $post_only = server_url('okta_post_only');
my $ua = new_browser();
$mark = error_log_mark();
($start, $authorize, $callback) = sign_in_fake($ua, "$post_only/app/method");
is $callback->code, 302, 'a provider that offers client_secret_post only: signed in';
like error_log_since($mark),
    qr/\[okta_authcode:debug\][^\n]*OKTA00052: client authentication client_secret_post, as the provider's discovery document offers/,
    'the method chosen is logged at debug (OKTA00052)';
my @exchanges = grep { ($_->{path} // '') eq '/post-only/token' } @{ fake_requests() };
ok @exchanges && !$exchanges[-1]{auth_scheme} && defined $exchanges[-1]{form}{client_secret},
    'with client_secret_post, which its discovery offers';
is app_env($ua->get("$post_only/app/method"))->{REMOTE_USER}, 'mallory-sub', 'the session works';
