#!/usr/bin/env bash
# Regenerates test/fixtures/kustomize-krusty from kustomize's krusty tests: extracts each test's file
# tree (extract.go) and records what `kubectl kustomize` (kubectl v1.32 embeds kustomize v5.5.0)
# prints for it: expected.yaml, or expected-error.txt when the build fails. Needs git, go and
# kubectl; CI needs none of them, it reads the recorded files.
#
# Usage: scripts/kustomize-krusty/record.sh [kustomize git dir] [commit]
# The default commit is afe779367, "Update api to v0.18.0" (the api module of kustomize v5.5.0).
set -euo pipefail
cd "$(dirname "$0")/../.."
GITDIR=${1:-/work/.mirror/kubernetes-sigs+kustomize/repo}
COMMIT=${2:-afe779367}
OUT=test/fixtures/kustomize-krusty

kubectl version --client 2>/dev/null | grep -q 'Kustomize Version: v5.5.0' || echo "warning: kubectl does not embed kustomize v5.5.0" >&2
src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
git --git-dir "$GITDIR" archive "$COMMIT" api/krusty | tar -x -C "$src"
mkdir -p "$OUT"
find "$OUT" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
(cd scripts/kustomize-krusty && GO111MODULE=off go run extract.go "$src/api/krusty" "$OLDPWD/$OUT")

for dir in "$OUT"/*/; do
  dir=${dir%/}
  build=$(node -p "require('./$dir/case.json').build")
  if (cd "$dir" && kubectl kustomize "$build" >expected.yaml 2>stderr.txt); then
    rm -f stderr.txt
  else
    # Keep kustomize's message, not kubectl's log prefix or this machine's paths.
    grep -v '^# Warning' "$dir/stderr.txt" | sed -e 's/^E[0-9]\{4\} [0-9:.]* *[0-9]* run.go:[0-9]*\] "command failed" err=//' \
      -e "s#$(cd "$dir" && pwd)/##g" >"$dir/expected-error.txt"
    rm -f "$dir/expected.yaml" "$dir/stderr.txt"
  fi
done
echo "recorded $(ls -d "$OUT"/*/ | wc -l) cases ($(ls "$OUT"/*/expected-error.txt | wc -l) expected errors)"
