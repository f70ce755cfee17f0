#!/usr/bin/env bash
# Renders test/fixtures/gotemplate/corpus.json with Go 1.19 + Debian's Sprig 3.2.3 (GOPATH mode).
# Usage: bash scripts/gotemplate-oracle/run.sh   (needs golang-go, golang-github-masterminds-sprig-dev,
# golang-github-ghodss-yaml-dev; CI does not run this, it reads the recorded corpus).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
overlay="$(mktemp -d)"
trap 'rm -rf "$overlay"' EXIT
# Debian installs Sprig and semver without the /v3 module suffix that Sprig's imports use.
mkdir -p "$overlay/src/github.com/Masterminds/sprig" "$overlay/src/github.com/Masterminds/semver" "$overlay/src/oracle"
ln -s /usr/share/gocode/src/github.com/Masterminds/sprig "$overlay/src/github.com/Masterminds/sprig/v3"
ln -s /usr/share/gocode/src/github.com/Masterminds/semver "$overlay/src/github.com/Masterminds/semver/v3"
cp "$here/main.go" "$overlay/src/oracle/"
bin="$overlay/oracle"
(cd "$overlay/src/oracle" && GOPATH="$overlay:/usr/share/gocode" GO111MODULE=off GOFLAGS= GOCACHE="${GOCACHE:-$HOME/.cache/go-build}" go build -o "$bin" .)
node "${GEN:-$here/gen-cases.mjs}" | "$bin" | node "$here/compact.mjs" > "${OUT:-$root/test/fixtures/gotemplate/corpus.json}"
echo "wrote $root/test/fixtures/gotemplate/corpus.json"
