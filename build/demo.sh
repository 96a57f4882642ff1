#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Builds and installs the module, enables it in Debian's apache2, and serves
# a sample page on http://localhost:8585 that needs a sign-in.
#   - by default at a local OpenID provider (oidc-provider on 127.0.0.1:8601,
#     test user alice / alice-password), which runs until Ctrl-C;
#   - at a real Okta tenant when OKTA_ISSUER, OKTA_CLIENT_ID and
#     OKTA_CLIENT_SECRET are set (the app's Sign-in redirect URIs must include
#     http://localhost:8585/callback and http://localhost:8585/silent-callback,
#     its Sign-out redirect URIs http://localhost:8585/logged-out;
#     apache2ctl -t -D OKTA_CHECK says).
set -eu
cd "$(dirname "$0")/.."
sh build/build.sh
make -s install

# What the machine was like, so that the demo with the local provider,
# stopped with Ctrl-C, leaves it so: which modules were enabled, whether
# the demo site was, whether Apache ran.
was_enabled() { a2query -q -m "$1" 2> /dev/null; }
modules_to_disable=""
for module in okta_authcode include; do
    was_enabled "$module" || modules_to_disable="$modules_to_disable $module"
done
site_was_enabled=no
a2query -q -s okta-demo 2> /dev/null && site_was_enabled=yes
apache_was_running=no
pid_file=$(set +u && . /etc/apache2/envvars && echo "$APACHE_PID_FILE")
[ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2> /dev/null && apache_was_running=yes
restore_machine() {
    [ "$site_was_enabled" = yes ] || a2dissite -q okta-demo 2> /dev/null || true
    for module in $modules_to_disable; do
        a2dismod -q -f "$module" 2> /dev/null || true
    done
    if [ "$apache_was_running" = yes ]; then
        apache2ctl restart 2> /dev/null || true
    else
        apache2ctl stop 2> /dev/null || true
    fi
}
a2enmod -q okta_authcode include

demo_root=/var/www/okta-demo
mkdir -p "$demo_root"
cp build/demo/index.html build/demo/logged-out.html "$demo_root/"

if [ -n "${OKTA_ISSUER:-}" ] && [ -n "${OKTA_CLIENT_ID:-}" ] && [ -n "${OKTA_CLIENT_SECRET:-}" ]; then
    issuer=$OKTA_ISSUER client_id=$OKTA_CLIENT_ID client_secret=$OKTA_CLIENT_SECRET
    local_provider=no
else
    issuer=http://127.0.0.1:8601 client_id=okta-test client_secret=okta-test-secret
    local_provider=yes
fi
# the secrets in files only root reads (Apache reads them before it gives
# up root), as conf-examples/vhost-okta.conf does
secrets=/etc/apache2/okta-demo
install -d -m 700 "$secrets"
(umask 077 && printf '%s\n' "$client_secret" > "$secrets/client-secret" \
    && openssl rand -base64 32 > "$secrets/passphrase")
sed -e "s|@DEMO_ROOT@|$demo_root|g" -e "s|@ISSUER@|$issuer|" -e "s|@CLIENT_ID@|$client_id|" \
    -e "s|@SECRETS@|$secrets|g" \
    build/demo/okta-demo.conf.in > /etc/apache2/sites-available/okta-demo.conf
a2ensite -q okta-demo

if [ "$local_provider" = yes ]; then
    OP_PORT=8601 OP_RP_PORTS=8585 node tests/provider/op.js &
    op_pid=$!
    trap 'kill $op_pid 2> /dev/null || true; restore_machine' EXIT
    trap 'exit 130' INT TERM
    until curl -sf -o /dev/null http://127.0.0.1:8601/.well-known/openid-configuration; do
        sleep 0.2
    done
fi
apache2ctl configtest
apache2ctl stop 2>/dev/null || true
sleep 1
apache2ctl start

echo
echo "Demo: open http://localhost:8585/ and sign in."
if [ "$local_provider" = yes ]; then
    echo "Local provider $issuer; test user: alice / alice-password (or bob / bob-password)."
    echo "Ctrl-C stops the demo and leaves Apache, its modules and sites as they were."
    wait $op_pid
else
    echo "Provider: $issuer (client $client_id). Apache keeps running; stop it with apache2ctl stop."
    echo "The app's Sign-in redirect URIs: http://localhost:8585/callback and"
    echo "http://localhost:8585/silent-callback; Sign-out: http://localhost:8585/logged-out."
fi
