#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# A CGI local redirect (a Location that is a path, no Status): httpd serves
# that path in an internal redirect, which authenticates again (with the
# request's headers as they are by then).
use strict;
use warnings;

print "Location: /app/after-local-redirect\n\n";
