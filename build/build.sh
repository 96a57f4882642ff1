#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Installs dependencies and builds the module in the source tree.
set -eu
cd "$(dirname "$0")/.."
sh build/install-deps.sh
autoreconf -fi > /dev/null 2>&1 || autoreconf -fi
./configure -q
make -s
