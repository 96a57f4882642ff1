# SPDX-License-Identifier: Apache-2.0
# OktaLogoutURI ends the session, and the provider's, only when the user
# asked for it on this site: a request from the site itself (Sec-Fetch-Site
# same-origin or none, or an Origin or Referer of this site), or a POST with
# the token of the confirmation page.  Anything else (a link or a form on
# another site: logout CSRF) gets that page, with a sign-out button.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../../lib";
use Apache::Test qw(-withtestmore);
use HTTP::Request::Common qw(POST);
use URI;
use Okta::Test qw(new_browser server_url sign_in app_env set_cookie);

plan tests => 39;

my $base = server_url();
my $op = $ENV{OKTA_OP_ISSUER};

sub signed_in_browser {
    my $ua = new_browser();
    my $res = sign_in($ua, "$base/app", 'alice', 'alice-password');
    die 'sign-in failed: ' . $res->status_line unless $res->code == 302;
    return $ua;
}

sub still_signed_in { $_[0]->get("$base/app")->code == 200 }

sub ends_at_provider {
    my ($res) = @_;
    my $u = URI->new($res->header('Location') // '');
    return $res->code == 302 && ($u->scheme // '') . '://' . ($u->host_port // '') . ($u->path // '')
        eq "$op/session/end";
}

# The token of the confirmation page's form.
sub form_token {
    my ($res) = @_;
    my ($token) = $res->decoded_content =~ /<input type="hidden" name="token" value="([^"]+)"/;
    return $token;
}

# ---- requests that are not from this site: the confirmation page ----------
my $ua = signed_in_browser();
for my $case (['a link on another site', 'Sec-Fetch-Site' => 'cross-site'],
              ['another site of the same domain', 'Sec-Fetch-Site' => 'same-site'],
              ['an Origin of another site', Origin => 'https://evil.example'],
              ['a Referer of another site', Referer => 'https://evil.example/page'],
              ['no sign of where it came from']) {
    my ($what, @headers) = @$case;
    my $res = $ua->get("$base/logout", @headers);
    is $res->code, 200, "$what: a page, not a sign-out";
    like $res->decoded_content, qr{<form method="post" action="/logout">.*<button}s,
        "$what: with a sign-out button";
    is set_cookie($res, 'okta_session'), '', "$what: the session cookie is left alone";
    ok still_signed_in($ua), "$what: still signed in";
}
my $page = $ua->get("$base/logout", 'Sec-Fetch-Site' => 'cross-site');
like $page->header('Cache-Control') // '', qr/no-store/, 'the page is not stored';
my $token = form_token($page);
ok $token && length $token >= 43, 'the form carries a token';

# A cross-site form cannot know the token.
my $res = $ua->request(POST "$base/logout", [token => 'A' x 43], 'Sec-Fetch-Site' => 'cross-site');
is $res->code, 200, 'POST with a wrong token: the page again';
ok still_signed_in($ua), 'POST with a wrong token: still signed in';
$res = $ua->request(POST "$base/logout", [], 'Sec-Fetch-Site' => 'cross-site');
ok still_signed_in($ua), 'POST without a token: still signed in';

# The page's button: a POST with its token signs out, wherever it came from.
$res = $ua->request(POST "$base/logout", [token => $token]);
ok ends_at_provider($res), 'POST with the token: signed out, on to the provider';
like set_cookie($res, 'okta_session'), qr/Max-Age=0/, 'POST with the token: cookie cleared';
ok !still_signed_in($ua), 'POST with the token: the session has ended';

# Another session's token does not sign this one out.
my $other = signed_in_browser();
$res = $other->request(POST "$base/logout", [token => $token]);
ok still_signed_in($other), 'the token of another session does nothing';

# ---- requests from this site: signed out at once ----------------------------
for my $case (['Sec-Fetch-Site: same-origin', 'Sec-Fetch-Site' => 'same-origin'],
              ['Sec-Fetch-Site: none (typed in the address bar)', 'Sec-Fetch-Site' => 'none'],
              ['an Origin of this site', Origin => $base],
              ['a Referer of this site', Referer => "$base/app/page"]) {
    my ($what, @headers) = @$case;
    my $browser = signed_in_browser();
    $res = $browser->get("$base/logout", @headers);
    ok ends_at_provider($res), "$what: signed out, on to the provider";
    ok !still_signed_in($browser), "$what: the session has ended";
}

# Without a session there is nothing to end, and another site's request
# changes nothing either.
$res = new_browser()->get("$base/logout", 'Sec-Fetch-Site' => 'cross-site');
is $res->code, 200, 'cross-site, no session: a page';
is set_cookie($res, 'okta_session'), '', 'cross-site, no session: no cookie set';
