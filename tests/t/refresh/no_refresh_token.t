# SPDX-License-Identifier: Apache-2.0
# A session without a refresh token (OktaScope without offline_access, as
# the README allows) lasts as long as its access token: once that has
# expired, the next request is sent to sign in again, and nothing is sent
# to the token endpoint.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use Time::HiRes qw(time);
use URI;
use Okta::Test qw(new_browser server_url app_env sign_in_fake fake_mode fake_requests_for
                  error_log_mark error_log_since wait_until set_token_ttl);

plan tests => 10;

my $fake = $ENV{OKTA_FAKE_BASE};
my $base = server_url('okta_no_offline');

# Signs in; returns the time the callback had been answered by.
sub signed_in {
    my ($ua) = @_;
    my (undef, $authorize, $callback) = sign_in_fake($ua, "$base/app/no-offline");
    unlike $authorize->header('Location') // '', qr/offline_access/, 'no offline_access asked';
    is $callback->code, 302, 'signed in';
    return time;
}

# While the access token is valid, the session works as any other.
fake_mode('normal');
set_token_ttl($fake, 3600);
my $ua = new_browser();
signed_in($ua);
my $res = $ua->get("$base/app/no-offline");
is $res->code, 200, 'served while the access token is valid';
is app_env($res)->{REMOTE_USER}, 'mallory-sub', 'as the user';

# An access token of one second: the module counts it from the second the
# callback came in, so it has expired once the next second has begun.
fake_mode('normal');
set_token_ttl($fake, 1);
$ua = new_browser();
my $answered = signed_in($ua);
wait_until(int($answered) + 1.05);
my $mark = error_log_mark();
$res = $ua->get("$base/app/no-offline");
is $res->code, 302, 'access token expired: sent to sign in again';
like $res->header('Location') // '', qr{^\Q$fake\E/good/authorize\?}, 'at the provider';
like error_log_since($mark), qr/OKTA00026: session of mallory-sub has ended \(the access token expired and there is no refresh token/,
    'OKTA00026 says why';
is scalar(grep { ($_->{form}{grant_type} // '') eq 'refresh_token' } fake_requests_for('/good/token')),
    0, 'no refresh was attempted';
fake_mode('normal');
