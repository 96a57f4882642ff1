#!/bin/sh
# Installs dependencies, builds, and runs every test: the C unit tests and
# the Apache::Test suite (real provider, scripted fake, headless browser),
# the installation an operator does, then both suites again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and a short fuzzing run.
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
        cat tests/unit/test_core.log 2>/dev/null
    fi
}

install_and_enable() {
    make -s install > /dev/null && a2enmod -q okta_authcode && apache2ctl -t
}

sanitized_build() {
    ./configure -q --enable-sanitizers && make -s clean && make -s
}

fuzz_briefly() {
    FUZZ_SECONDS=10 make -s fuzz
}

stage "unit and Apache::Test suites" make -s check
stage "make install, a2enmod, configtest" install_and_enable
stage "build with ASan+UBSan" sanitized_build
stage "unit and Apache::Test suites under ASan+UBSan" make -s check
stage "fuzz: regressions, then 10 s per target" fuzz_briefly
echo "test.sh: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
