#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The release tarball: make distcheck in a build of its own (build/dist),
# which builds the tarball, then configures, builds and runs every test
# from it outside its source tree, installs, uninstalls and cleans.  Then
# checks that the tarball holds every file git tracks (but .ci/run, git's
# own .gitignore and build/.keep, and debian/, which the Debian source
# package adds to this tarball, its .orig.tar.gz), so that no test or
# example is left out of a release, and nothing that a build or a test run
# writes; and that every source file starts with its SPDX licence line.
set -eu
cd "$(dirname "$0")/.."
sh build/variant.sh dist
make -s -C build/dist distcheck > build/dist/distcheck.log 2>&1 \
    || { tail -60 build/dist/distcheck.log; exit 1; }
grep -E '^(Files=|Result:)' build/dist/distcheck.log

version=$(sed -n 's/^AC_INIT(\[[^]]*\], \[\([^]]*\)\].*/\1/p' configure.ac)
tarball=build/dist/mod_okta_authcode-$version.tar.gz
[ -f "$tarball" ] || { echo "dist-test: no $tarball (configure.ac's version: '$version')"; exit 1; }
tar -tzf "$tarball" | sed 's|^[^/]*/||' | sort > build/dist/in-tarball.txt
git ls-files | grep -v -e '^\.ci/run$' -e '\.gitignore$' -e '/\.keep$' -e '^debian/' | sort > build/dist/tracked.txt
missing=$(comm -13 build/dist/in-tarball.txt build/dist/tracked.txt)
if [ -n "$missing" ]; then
    echo "dist-test: tracked files missing from $tarball (add them to EXTRA_DIST):"
    echo "$missing"
    exit 1
fi
# and nothing a build or a test run writes
built=$(grep -E '\.(o|lo|la|so|log|trs)$|(^|/)(\.libs|\.deps|node_modules|logs|htdocs)/|^tests/t/(TEST|modules\.conf|conf/(httpd|extra)\.conf)$' \
    build/dist/in-tarball.txt || true)
if [ -n "$built" ]; then
    echo "dist-test: $tarball holds what a build or a test run wrote:"
    echo "$built"
    exit 1
fi
echo "dist-test: $tarball holds all $(wc -l < build/dist/tracked.txt) tracked files"

# Every source file says its licence (Apache-2.0, LICENSE) in its first two
# lines (after a #! or <!DOCTYPE line, or a2enmod's "# Depends:"); data,
# documentation and Debian's metadata files are not sources.
unlabelled=$(git ls-files \
    | grep -v -E '\.(md|json|dict|gitignore)$|^build/\.keep$|^LICENSE$|^tests/fuzz/(corpus|regressions)/' \
    | grep -v -E '^debian/(changelog|control|copyright|source/format|.*\.(apache2|docs))$' \
    | grep -v -e '^tests/t/conf/post-passphrase\.txt$' \
    | while read -r file; do
        head -n 2 "$file" | grep -q 'SPDX-License-Identifier: Apache-2\.0' || echo "$file"
    done)
if [ -n "$unlabelled" ]; then
    echo "dist-test: source files without an SPDX-License-Identifier line at the top:"
    echo "$unlabelled"
    exit 1
fi
echo "dist-test: every source file has its SPDX line"
