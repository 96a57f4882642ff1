#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs what building, testing and the demo need on Debian 12 (as root):
# Debian packages, then the test providers' npm packages from the lock file.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)

# build; unit and Apache::Test suites; browser test; shared session caches
# (and nodes with their clocks set off: faketime);
# fuzzing (clang's libFuzzer); make coverage; benchmarks
packages="apache2 apache2-dev libapache2-mod-perl2 libwww-perl liblwp-protocol-https-perl
  libjson-pp-perl openssl
  libcurl4-openssl-dev libjansson-dev libssl-dev libapr1-dev libaprutil1-dev
  autoconf automake libtool pkg-config make gcc check curl
  nodejs npm chromium
  redis-server memcached faketime
  clang libclang-rt-14-dev gcovr wrk"

missing=""
for pkg in $packages; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $pkg"
done
# node and npm may come from elsewhere than Debian (a newer Node.js)
if command -v node > /dev/null && command -v npm > /dev/null; then
    missing=$(echo "$missing" | tr ' ' '\n' | grep -vx 'nodejs\|npm' | tr '\n' ' ')
fi
if [ -n "$(echo "$missing" | tr -d ' ')" ]; then
    echo "install-deps: installing$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
fi
(cd "$top/tests/provider" && npm ci --no-audit --no-fund --loglevel=error)
