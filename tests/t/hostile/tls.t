# SPDX-License-Identifier: Apache-2.0
# A provider over TLS whose certificate comes from a CA of the tests' own
# (tests/run-apache-tests makes both): with that CA as OktaCAFile the module
# signs in; without it the certificate is not trusted, and sign-in stops at
# once with a 502 page and a log line that names OktaCAFile.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Okta::Test qw(new_browser server_url sign_in_fake app_env error_log_mark error_log_since
                  set_cookie);

plan tests => 9;

my $ua = new_browser();
$ua->ssl_opts(SSL_ca_file => $ENV{OKTA_TEST_CA_FILE}); # the browser trusts it too
my $trusted = server_url('okta_tls');
my ($start, undef, $callback) = sign_in_fake($ua, "$trusted/app/tls");
like $start->header('Location'), qr{^https://127\.0\.0\.1:\d+/good/authorize\?},
    'OktaCAFile: sent to the provider over https';
is $callback->code, 302, 'OktaCAFile: the callback (token request over TLS) signs in';
my $res = $ua->get("$trusted/app/tls");
is $res->code, 200, 'OktaCAFile: then the page is served';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'OktaCAFile: as the provider\'s user';

my $mark = error_log_mark();
$res = new_browser()->get(server_url('okta_tls_untrusted') . '/app/tls');
is $res->code, 502, 'no OktaCAFile: the provider\'s certificate is not trusted: 502';
ok !$res->header('Location'), 'no OktaCAFile: not sent to the provider';
like error_log_since($mark),
    qr/OKTA00011: cannot fetch the provider's discovery document: [^\n]*certificate[^\n]*OktaCAFile/,
    'no OktaCAFile: the log says the certificate failed and names OktaCAFile';

# okta_tls shares okta_fake's passphrase, so okta_fake's sessions open there;
# but they are for another issuer (http, not https), so they do not count.
my (undef, undef, $plain_callback) = sign_in_fake(new_browser(), server_url('okta_fake') . '/app/plain');
my ($plain_session) = set_cookie($plain_callback, 'okta_session') =~ /^(okta_session=[^;]+)/;
is new_browser()->get(server_url('okta_fake') . '/app/plain', Cookie => $plain_session)->code, 200,
    'a session at okta_fake';
$res = new_browser()->get("$trusted/app/tls", Cookie => $plain_session);
is $res->code, 302, 'is not a session at okta_tls, whose issuer differs: sign in';
