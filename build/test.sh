#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs dependencies, builds, and runs every test: the C unit tests and
# the Apache::Test suite (real provider, scripted fake, headless browser),
# the Debian package (build/package-test.sh), the release tarball
# (build/dist-test.sh, make distcheck), the installation an operator
# does from source, then both suites again under
# AddressSanitizer + UndefinedBehaviorSanitizer (built in build/asan, so the
# source tree's build stays uninstrumented), and a short fuzzing run.
# Ends with one line
# "test.sh: N passed, N failed" counting those stages.
set -u
cd "$(dirname "$0")/.."
sh build/build.sh || exit 1
passed=0
failed=0

stage() { # name command...
    name=$1
    shift
    echo "=== test.sh: $name"
    if "$@"; then
        passed=$((passed + 1))
        echo "=== test.sh: $name: passed"
    else
        failed=$((failed + 1))
        echo "=== test.sh: $name: FAILED" >&2
    fi
}

unit_and_apache_tests() { # [make -C dir]
    make -s "$@" check || { cat "${2:-.}/tests/unit/test_core.log" 2>/dev/null; false; }
}

install_and_enable() {
    make -s install > /dev/null && a2enmod -q okta_authcode && apache2ctl -t
}

fuzz_briefly() {
    FUZZ_SECONDS=10 make -s fuzz
}

stage "unit and Apache::Test suites" unit_and_apache_tests
stage "Debian package: build, lintian, install, sign-in, purge" sh build/package-test.sh
stage "release tarball: make distcheck, every tracked file in it" sh build/dist-test.sh
stage "make install, a2enmod, configtest" install_and_enable
stage "build with ASan+UBSan" sh build/variant.sh asan --enable-sanitizers
stage "unit and Apache::Test suites under ASan+UBSan" unit_and_apache_tests -C build/asan
stage "fuzz: regressions, then 10 s per target" fuzz_briefly
echo "test.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
