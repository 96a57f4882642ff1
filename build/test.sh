#!/bin/sh
# Installs dependencies, builds, and runs every test: the C unit tests and
# the Apache::Test suite (real provider, scripted fake, headless browser).
set -eu
cd "$(dirname "$0")/.."
sh build/build.sh
if ! make -s check; then
    echo "test.sh: tests FAILED" >&2
    cat tests/unit/test_core.log 2>/dev/null || true
    exit 1
fi
# What an operator does next must work too: install, a2enmod, configtest.
make -s install > /dev/null
a2enmod -q okta_authcode
apache2ctl -t
echo "test.sh: all tests passed; installed module passes apache2ctl configtest"
