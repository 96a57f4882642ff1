#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The Debian package as an operator meets it, and as Debian packages
# upstream software: the upstream tarball is make dist's, from a clean copy
# of the sources (what git tracks), renamed to the .orig.tar.gz; the source
# and binary packages are built with dpkg-buildpackage from it unpacked,
# with debian/ added, and lintian finds no error or warning in either.  The
# package is installed with apt (with its documentation and examples),
# enabled, a configuration test (also with the example virtual host) and
# one sign-in through the installed module, then removed (the module
# disabled) and purged; no file of the package may be left.
# A module installed from the source tree before ("make install") is
# removed first, so that the package installs into a clean place; the
# test command installs it again afterwards.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
package=libapache2-mod-okta-authcode
work=$(mktemp -d /tmp/okta-package-XXXXXX)
example_site=/etc/apache2/sites-available/okta-package-test.conf
# whatever stops the script, the example site is not left behind (set -e
# holds in the trap too: disabling a site already disabled must not fail it)
trap 'a2dissite -q okta-package-test > /dev/null 2>&1 || true; rm -f "$example_site"; rm -rf "$work"' EXIT
# dash runs the EXIT trap on exit only: make Ctrl-C and kill exit
trap 'exit 130' INT
trap 'exit 143' TERM

apt-get install -y -q lintian dpkg-dev > /dev/null
mkdir "$work/git"
git ls-files -z | tar --null --files-from=- -cf - | tar -xf - -C "$work/git"
# configure, even for make dist, needs the build dependencies
(cd "$work/git" && apt-get build-dep -y -q ./ && autoreconf -fi && ./configure && make dist) \
    > "$work/dist.log" 2>&1 || { tail -40 "$work/dist.log"; exit 1; }

version=$(sed -n 's/^AC_INIT(\[[^]]*\], \[\([^]]*\)\].*/\1/p' configure.ac)
src=$work/$package-$version
cp "$work/git/mod_okta_authcode-$version.tar.gz" "$work/${package}_$version.orig.tar.gz"
mkdir "$src"
tar -xzf "$work/${package}_$version.orig.tar.gz" -C "$src" --strip-components=1
cp -R "$work/git/debian" "$src/"
(cd "$src" && dpkg-buildpackage -us -uc) > "$work/build.log" 2>&1 \
    || { tail -40 "$work/build.log"; exit 1; }
deb=$(ls "$work/${package}"_*.deb)
# one version, configure.ac's, in the package too: its version is that one
# and a Debian revision (which dpkg-source requires of a 3.0 (quilt) source)
debian_version=$(dpkg-deb -f "$deb" Version)
[ "${debian_version%-*}" = "$version" ] \
    || { echo "package version $debian_version is not configure.ac's $version and a Debian revision"; exit 1; }
echo "package: $(basename "$deb"), version $debian_version"
# the .changes names the source package (.dsc) and the .deb: lintian checks both
lintian --fail-on error,warning --tag-display-limit 0 "$work/${package}_${debian_version}"_*.changes

# a first install: no package left by a run that stopped half-way, no copy
# from the source tree, and no record of an administrator's a2enmod or
# a2dismod, which the package's scripts respect
if dpkg -s "$package" > /dev/null 2>&1; then
    apt-get purge -y -q "$package" > /dev/null
fi
rm -f /usr/lib/apache2/modules/mod_okta_authcode.so \
    /etc/apache2/mods-available/okta_authcode.load /etc/apache2/mods-available/okta_authcode.conf \
    /etc/apache2/mods-enabled/okta_authcode.load /etc/apache2/mods-enabled/okta_authcode.conf \
    /var/lib/apache2/module/*/okta_authcode
apt-get install -y -q "$deb" > /dev/null
dpkg -L "$package" > "$work/files"
# the documentation an operator starts from (dh_compress gzips the larger
# ones), every example of conf-examples/ and the changelog
doc=/usr/share/doc/$package
for f in README.md SECURITY.md changelog.Debian examples/okta_authcode.conf \
    examples/okta_authcode.load examples/openmetadata.conf examples/vhost-okta.conf; do
    grep -q -x -e "$doc/$f" -e "$doc/$f.gz" "$work/files" \
        || { echo "the package does not install $doc/$f"; exit 1; }
done
[ -L /etc/apache2/mods-enabled/okta_authcode.load ] \
    || { echo "the package did not enable the module"; exit 1; }
a2enmod -q okta_authcode
apache2ctl -t
# the example virtual host, the package's copy as an operator starts from
# it (its secret files in the scratch directory)
openssl rand -base64 32 > "$work/passphrase"
echo 'the-client-secret' > "$work/client-secret"
sed -e "s|file:/etc/apache2/okta-passphrase|file:$work/passphrase|" \
    -e "s|file:/etc/apache2/okta-client-secret|file:$work/client-secret|" \
    "$doc/examples/vhost-okta.conf" > "$example_site"
a2ensite -q okta-package-test
apache2ctl -t || { echo "configtest failed with $doc/examples/vhost-okta.conf"; exit 1; }
a2dissite -q okta-package-test
rm "$example_site"
perl "$top/tests/package/sign-in"

# remove: the module is disabled and gone, its configuration files kept
apt-get remove -y -q "$package" > /dev/null
for f in /etc/apache2/mods-enabled/okta_authcode.load /etc/apache2/mods-enabled/okta_authcode.conf; do
    [ ! -e "$f" ] && [ ! -L "$f" ] || { echo "apt-get remove left the module enabled: $f"; exit 1; }
done
[ ! -e /usr/lib/apache2/modules/mod_okta_authcode.so ] \
    || { echo "apt-get remove left the module's .so"; exit 1; }
[ -e /etc/apache2/mods-available/okta_authcode.load ] \
    || { echo "apt-get remove took the configuration files (only purge should)"; exit 1; }
echo "removed: the module is disabled, its configuration files kept until purge"

apt-get purge -y -q "$package" > /dev/null
# directories shared with other packages stay; the package's own go
left=$(while read -r f; do
    if { [ ! -d "$f" ] || [ "${f##*/}" = "$package" ]; } && { [ -e "$f" ] || [ -L "$f" ]; }; then
        echo "$f"
    fi
done < "$work/files")
[ -z "$left" ] || { echo "left behind by apt-get purge:"; echo "$left"; exit 1; }
for f in /etc/apache2/mods-enabled/okta_authcode.load /etc/apache2/mods-enabled/okta_authcode.conf; do
    [ ! -e "$f" ] && [ ! -L "$f" ] || { echo "left behind by apt-get purge: $f"; exit 1; }
done
echo "purged: none of the package's $(wc -l < "$work/files") paths is left"
