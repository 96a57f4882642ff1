# SPDX-License-Identifier: Apache-2.0
# OktaRedirectURI and OktaSilentRedirectURI at paths of the site's choosing
# (okta_redirect_paths, against the scripted fake): the provider is given
# them as absolute URLs of the host asked for, the sign-in completes there,
# and the default /callback is then an ordinary path of the site.
use strict;
use warnings;
use Apache::Test qw(-withtestmore);
use URI;
use URI::QueryParam;
use Okta::Test qw(new_browser server_url sign_in_fake fake_mode fake_requests_for app_env
                  set_cookie);

plan tests => 11;

my $base = server_url('okta_redirect_paths');
fake_mode('normal');

my $ua = new_browser();
my ($start, $authorize, $callback) = sign_in_fake($ua, "$base/app/elsewhere");
my $asked = URI->new($start->header('Location') // '');
is $asked->query_param('redirect_uri'), "$base/oauth2/return",
    'the provider is given OktaRedirectURI, made absolute';
is(URI->new($authorize->header('Location') // '')->path, '/oauth2/return',
   'the provider sends the browser back there');
is $callback->code, 302, 'the callback at /oauth2/return signs in';
is $callback->header('Location'), '/app/elsewhere', 'back to the page asked for';
like set_cookie($callback, 'okta_session'), qr/^okta_session=/, 'with a session cookie';
my ($exchange) = fake_requests_for('/good/token');
is $exchange->{form}{redirect_uri}, "$base/oauth2/return", 'the code exchange names the same URI';
is app_env($ua->get("$base/app/elsewhere"))->{REMOTE_USER}, 'mallory-sub', 'the session works';

# /callback is not the module's here: no sign-in answer, whatever it carries
my $res = new_browser()->get("$base/callback?state=x&code=y");
is $res->code, 404, '/callback is an ordinary path (404)';

# a silent sign-in goes to OktaSilentRedirectURI
my $silent = new_browser();
$silent->cookie_jar->set_cookie(0, 'okta_session', 'D' x 43, '/', 'localhost.local', undef, 1, 0,
                                3600, 0);
$asked = URI->new($silent->get("$base/app/elsewhere", Accept => 'text/html')->header('Location') // '');
is $asked->query_param('prompt'), 'none', 'an unknown session: a silent sign-in';
is $asked->query_param('redirect_uri'), "$base/oauth2/return-silent",
    'to OktaSilentRedirectURI, made absolute';
my $back = URI->new($silent->get($asked->as_string)->header('Location') // '');
is $silent->get(URI->new_abs($back, $base)->as_string)->code, 302,
    'the silent callback there signs in';
