#!/bin/sh
# Installs the Debian packages the harness builds against, when they are missing.
# Run as root (CI, containers) it installs them; otherwise it prints the command to run.
set -eu
packages="libopenblas-dev libhdf5-dev libpng-dev libjpeg62-turbo-dev libxml2-dev pkg-config"
missing=""
for package in $packages; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ]; then
    echo "Installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq $missing >/dev/null
else
    echo "Missing Debian packages:$missing" >&2
    echo "Install them with: sudo apt-get install -y$missing" >&2
    exit 1
fi
