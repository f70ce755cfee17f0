#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager and kube-scheduler v1.20.2 from Debian's
# `kubernetes` source package once, and caches them (with checksums) outside the repository.
# Re-running is cheap: the cache is verified and reused; a missing or corrupt binary triggers a rebuild.
set -euo pipefail
VERSION=1.20.2
DEB_VERSION=1.20.5+really1.20.2
CACHE_ROOT="${MERIDIAN_CACHE_DIR:-$HOME/.cache/meridian}"
DEST="$CACHE_ROOT/kubernetes-v$VERSION"
BINARIES=(kube-apiserver kube-controller-manager kube-scheduler)
# The recipe is part of the cache key: binaries built by an older recipe are rebuilt.
# reflect2-1.0.2: the vendored github.com/modern-go/reflect2 v1.0.1 crashes (SIGSEGV in map
# iteration) when built with Go >= 1.18, which Debian 12 ships; Debian's reflect2 1.0.2 fixes it.
RECIPE="v2 reflect2-1.0.2"

verify_cache() {
  [ -f "$DEST/SHA256SUMS" ] || return 1
  [ "$(cat "$DEST/RECIPE" 2>/dev/null)" = "$RECIPE" ] || return 1
  for b in "${BINARIES[@]}"; do [ -x "$DEST/$b" ] || return 1; done
  (cd "$DEST" && sha256sum --quiet -c SHA256SUMS >/dev/null 2>&1)
}

if verify_cache; then
  echo "kubernetes v$VERSION: cached in $DEST"
  exit 0
fi

[ -d /usr/share/gocode/src/github.com/modern-go/reflect2 ] && command -v go >/dev/null && command -v rsync >/dev/null \
  || bash "$(dirname "$0")/install-system-deps.sh"

START=$(date +%s)
progress() { # prints what the build is doing and how long it has run, every 20 s
  local what=$1
  while sleep 20; do echo "  ... $what ($(( $(date +%s) - START ))s elapsed)"; done
}
run_step() {
  local what=$1; shift
  echo "kubernetes v$VERSION: $what"
  progress "$what" & local ticker=$!
  if ! "$@" >"$WORK/step.log" 2>&1; then
    kill "$ticker" 2>/dev/null || true
    echo "kubernetes v$VERSION: '$what' failed; last lines of the log:" >&2
    tail -40 "$WORK/step.log" >&2
    exit 1
  fi
  kill "$ticker" 2>/dev/null || true
}

BUILD_ROOT="$CACHE_ROOT/build"
mkdir -p "$BUILD_ROOT"
WORK="$BUILD_ROOT/kubernetes-$VERSION-work"
mkdir -p "$WORK"
cd "$WORK"
if [ ! -f "kubernetes_$DEB_VERSION.orig.tar.gz" ]; then
  run_step "downloading Debian source package" apt-get source --download-only kubernetes
fi
SRC="$WORK/kubernetes-$VERSION"
if [ ! -f "$SRC/.meridian-extracted" ]; then
  rm -rf "$SRC"
  run_step "extracting source" tar xzf "kubernetes_$DEB_VERSION.orig.tar.gz"
  touch "$SRC/.meridian-extracted"
fi
cd "$SRC"
mkdir -p .go/src/k8s.io
[ -e .go/src/k8s.io/kubernetes ] || ln -s ../../.. .go/src/k8s.io/kubernetes
export GOPATH="$SRC/.go" HOME="$WORK/home" CGO_ENABLED=0 GOFLAGS=-mod=vendor
mkdir -p "$HOME"
if [ ! -f .meridian-reflect2 ]; then
  rsync -a --delete --exclude '*_test.go' /usr/share/gocode/src/github.com/modern-go/reflect2/ vendor/github.com/modern-go/reflect2/
  touch .meridian-reflect2
fi
if [ ! -f .meridian-generated ]; then
  run_step "generating code (about 2 minutes)" make generated_files
  touch .meridian-generated
fi
run_step "compiling ${BINARIES[*]} (6 to 9 minutes on 2 cores)" \
  make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler"

mkdir -p "$DEST.tmp"
for b in "${BINARIES[@]}"; do cp "_output/bin/$b" "$DEST.tmp/$b"; done
(cd "$DEST.tmp" && sha256sum "${BINARIES[@]}" > SHA256SUMS)
echo "$RECIPE" > "$DEST.tmp/RECIPE"
rm -rf "$DEST" && mv "$DEST.tmp" "$DEST"
verify_cache
echo "kubernetes v$VERSION: built in $(( $(date +%s) - START ))s, cached in $DEST"
# The build tree is large; keep only the downloaded source archives.
rm -rf "$SRC"
