#!/usr/bin/env bash
# Installs the Debian packages Meridian's demo and tests need. Idempotent: skips apt when all are present.
set -euo pipefail
PACKAGES=(golang-go golang-github-modern-go-reflect2-dev golang-github-masterminds-sprig-dev golang-github-ghodss-yaml-dev rsync etcd-server openssl dnsutils bind9 dnsperf pdns-server pdns-backend-sqlite3 knot sqlite3 chromium git curl ca-certificates iproute2 python3 make g++)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "system packages: installing ${missing[*]}"
# Source packages are needed to build the Kubernetes server binaries (scripts/ensure-kubernetes.sh).
if [ -f /etc/apt/sources.list.d/debian.sources ] && [ ! -f /etc/apt/sources.list.d/meridian-src.sources ]; then
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $SUDO tee /etc/apt/sources.list.d/meridian-src.sources >/dev/null
fi
$SUDO apt-get update -qq || echo "apt-get update reported errors; continuing with the indexes it fetched"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# named is started by tests on loopback with its own config; the distribution service is not wanted.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl disable --now named pdns knot >/dev/null 2>&1 || true; fi
echo "system packages: done"
