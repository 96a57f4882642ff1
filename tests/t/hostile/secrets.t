# SPDX-License-Identifier: Apache-2.0
# No secret reaches the error log (SECURITY.md, guarantee 7), with the
# module logging all it can (okta_trace: LogLevel okta_authcode:trace8):
# through a sign-in, a refresh, a refused refresh, a refused code, the
# session info endpoint, bearer tokens (accepted, refused, introspected)
# and a sign-out, every secret the test can see is collected, then looked
# for in what the error log gained meanwhile.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use JSON::PP ();
use MIME::Base64 ();
use URI;
use Okta::Test qw(new_browser server_url fake_mode fake_requests error_log_mark error_log_since
                  set_cookie sign_in_fake set_token_ttl fake_mint fake_introspection);

plan tests => 20;

my $base = server_url('okta_trace');
my $fake = $ENV{OKTA_FAKE_BASE};
# okta_trace's passphrase, from the configuration's template (the
# generated file names the virtual host by its address)
my $passphrase = do {
    my $conf = Apache::Test::vars('t_conf') . '/extra.conf.in';
    open my $fh, '<', $conf or die "$conf: $!";
    local $/;
    my ($value) = <$fh> =~ /<VirtualHost okta_trace>.*?OktaCryptoPassphrase (\S+)/s;
    $value;
};
my %secrets;
sub keep { my ($what, @values) = @_; push @{ $secrets{$what} }, grep { defined && length } @values }
sub cookie_value { my ($res, $name) = @_; return set_cookie($res, $name) =~ /^\Q$name\E=([^;]*)/ }
# What the fake issued and was shown since its last reset (fake_mode).
sub keep_what_the_provider_saw {
    for my $asked (@{ fake_requests() }) {
        keep('PKCE verifier', $asked->{form}{code_verifier});
        keep('access token', $asked->{new_access_token});
        keep('refresh token', $asked->{new_refresh_token}, $asked->{form}{refresh_token});
        keep('ID token', $asked->{new_id_token});
    }
}

keep('client secret', 'fake-secret');
# as the token endpoint gets it (client_secret_basic)
keep('client credentials', MIME::Base64::encode_base64('fake-client:fake-secret', ''));
keep('crypto passphrase', $passphrase);
ok length($passphrase // ''), 'okta_trace\'s passphrase is known';
my $mark = error_log_mark();

# ---- a sign-in whose token is due at once, so the next request refreshes ----
fake_mode('normal');
set_token_ttl($fake, 20);
my $ua = new_browser();
my ($start, $authorize, $callback) = sign_in_fake($ua, "$base/app/secrets");
is $callback->code, 302, 'signed in';
my %sent_back = URI->new($authorize->header('Location'))->query_form;
keep('authorization code', $sent_back{code});
keep('login cookie', cookie_value($start, 'okta_login'));
keep('session cookie', cookie_value($callback, 'okta_session'));
my $res = $ua->get("$base/app/secrets");
is $res->code, 200, 'served, after a refresh';
$res = $ua->get("$base/okta/info");
is $res->code, 200, 'the session info endpoint answers, with the access token';

# ---- a refused refresh, and a refused code ---------------------------------
my $refused = new_browser();
sign_in_fake($refused, "$base/app/secrets");
keep_what_the_provider_saw();
fake_mode('refresh_invalid_grant');
$res = $refused->get("$base/app/secrets");
is $res->code, 302, 'a refused refresh: sent to sign in again';
keep_what_the_provider_saw();
fake_mode('token_error_invalid_client');
my (undef, $bad_authorize, $bad_callback) = sign_in_fake(new_browser(), "$base/app/secrets");
is $bad_callback->code, 502, 'a code the provider refuses: 502';
my %bad_sent_back = URI->new($bad_authorize->header('Location'))->query_form;
keep('authorization code', $bad_sent_back{code});
keep_what_the_provider_saw();
fake_mode('normal');

my $info = eval { JSON::PP::decode_json($ua->get("$base/okta/info")->decoded_content) } // {};
keep('access token', $info->{access_token});
ok length($info->{access_token} // ''), 'the info endpoint gave the session\'s access token';

# ---- bearer tokens: accepted, refused, introspected ------------------------
my $now = time;
my %claims = (iss => "$fake/good", aud => 'api://default', sub => 'svc-user', cid => 'api-client',
              iat => $now, exp => $now + 600, scp => ['read:reports']);
my $good = fake_mint(\%claims);
my $expired = fake_mint({ %claims, iat => $now - 7200, exp => $now - 3600 });
my $opaque = 'opaque-' . join('', map { ('a' .. 'z')[rand 26] } 1 .. 32);
fake_introspection({ $opaque => { active => JSON::PP::true, sub => 'svc-user', iss => "$fake/good",
                                  aud => 'api://default', exp => $now + 600 } });
keep('bearer token', $good, $expired, $opaque, 'not-a-token-' . $now);
is new_browser()->get("$base/bearer", Authorization => "Bearer $good")->code, 200,
    'a good bearer token: 200';
is new_browser()->get("$base/bearer", Authorization => "Bearer $expired")->code, 401,
    'an expired bearer token: 401';
is new_browser()->get("$base/bearer", Authorization => "Bearer $opaque")->code, 200,
    'an opaque token, introspected: 200';
is new_browser()->get("$base/bearer", Authorization => "Bearer not-a-token-$now")->code, 401,
    'a token that is neither: 401';

# ---- sign-out: the ID token goes to the provider as id_token_hint ----------
$res = $ua->get("$base/logout", 'Sec-Fetch-Site' => 'same-origin');
is $res->code, 302, 'signed out';
my %hint = URI->new($res->header('Location') // '')->query_form;
keep('ID token', $hint{id_token_hint});
ok length($hint{id_token_hint} // ''), 'the sign-out named the ID token';

# ---- the log -----------------------------------------------------------------
my $log = error_log_since($mark);
like $log, qr/OKTA00025: signed in: mallory-sub/, 'the log has the sign-in';
like $log, qr/OKTA00050: /, 'the log has the refused bearer tokens';
for my $what ('access token', 'refresh token', 'ID token') {
    # each kind was seen more than once (sign-in, refresh, refused refresh)
    cmp_ok scalar(@{ $secrets{$what} // [] }), '>=', 2, "several ${what}s were seen";
}
# every kind was seen, so that none is checked vacuously
ok !(grep { !@{ $secrets{$_} } } sort keys %secrets), 'a value of every kind of secret was collected'
    or diag join ', ', grep { !@{ $secrets{$_} } } sort keys %secrets;
my @found;
for my $what (sort keys %secrets) {
    for my $value (@{ $secrets{$what} }) {
        push @found, $what if index($log, $value) >= 0;
    }
}
is "@found", '', 'no secret of any kind is in the error log';
