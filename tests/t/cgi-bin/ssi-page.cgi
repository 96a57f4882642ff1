#!/usr/bin/perl
# SPDX-License-Identifier: Apache-2.0
# A public page that includes a protected one (mod_include's #include
# virtual, a subrequest): what a site does with a header or a fragment.
use strict;
use warnings;

print "Content-Type: text/html\n\n",
      "<p>public part</p>\n",
      "<!--#include virtual=\"/app/ssi-fragment\" -->\n";
