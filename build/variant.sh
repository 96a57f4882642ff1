#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Configures an instrumented build in a directory of its own:
#   sh build/variant.sh NAME [configure options...]
# copies the sources (what git tracks, and new files it does not ignore)
# to build/NAME and configures and builds them there, e.g.
#   sh build/variant.sh asan --enable-sanitizers && make -C build/asan check
#   sh build/variant.sh coverage --enable-coverage && make -C build/coverage coverage
# The source tree's own build, which build.sh, `make install` and the demo
# use, is never instrumented, whatever ran before.
set -eu
cd "$(dirname "$0")/.."
name=${1:?usage: build/variant.sh NAME [configure options...]}
shift
dir=build/$name

rm -rf "$dir"
mkdir -p "$dir"
git ls-files -z --cached --others --exclude-standard \
    | tar --null --files-from=- --ignore-failed-read -cf - 2> /dev/null \
    | tar -xf - -C "$dir"
# the test providers' packages, installed once for the source tree
ln -sfn "$(pwd)/tests/provider/node_modules" "$dir/tests/provider/node_modules"
cd "$dir"
autoreconf -fi > /dev/null 2>&1 || autoreconf -fi
./configure -q "$@"
make -s
