#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# The application behind the protected locations: shows what the module
# handed it (and the X- headers, the cookies and FORGED_ variables the
# tests look for), one "name=value" per line, so tests can read it.
use strict;
use warnings;

my $body = "REMOTE_USER=" . ($ENV{REMOTE_USER} // '') . "\n"
         . "REMOTE_USER_SET=" . (exists $ENV{REMOTE_USER} ? 1 : 0) . "\n"
         . "AUTH_TYPE=" . ($ENV{AUTH_TYPE} // '') . "\n";
for my $name (sort keys %ENV) {
    $body .= "$name=$ENV{$name}\n" if $name =~ /^(OKTA_|HTTP_X_|HTTP_COOKIE$|HTTP_AUTHORIZATION$|FORGED_)/;
}
print "Content-Type: text/plain\n\n", $body;
