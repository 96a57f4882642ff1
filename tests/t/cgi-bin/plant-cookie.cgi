#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# A sibling site of the same parent domain (evil.example.test beside
# app.example.test) planting session cookies for the whole domain
# (t/browser/cookies.t): okta_session and __Host-okta_session, both with
# Domain=example.test, the value from the query string ?id=...
use strict;
use warnings;

my ($id) = ($ENV{QUERY_STRING} // '') =~ /^id=([A-Za-z0-9_-]{1,64})$/;
$id //= 'none';
print "Set-Cookie: okta_session=$id; Domain=example.test; Path=/; Secure; SameSite=Lax\n",
      "Set-Cookie: __Host-okta_session=$id; Domain=example.test; Path=/; Secure; SameSite=Lax\n",
      "Content-Type: text/plain\n\nplanted\n";
