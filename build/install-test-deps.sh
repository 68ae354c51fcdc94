#!/bin/sh
# Installs the Debian packages the tests use when they are missing (as root, through apt-get).
# Each argument is command:package, e.g. dig:dnsutils. Without root, says what is missing.
missing=""
for pair in "$@"; do
    cmd=${pair%%:*}; pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "missing test tools:$missing — install them (apt-get install$missing) or run as root" >&2
    exit 1
fi
echo "installing test tools:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || apt-get update
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null || apt-get install -y --no-install-recommends $missing
