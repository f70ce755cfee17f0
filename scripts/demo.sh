#!/usr/bin/env bash
# The main job on the embedded local fleet: installs what is needed, brings the fleet up, joins the
# three regions, starts Meridian, deploys the example ApplicationSet to every region, and prints
# the dig/curl lines to try. Safe to re-run: everything it does is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/ensure-kubernetes.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "npm: installing packages"
  # `npm install` rather than `npm ci`: npm 11 writes lock files without other platforms' optional
  # packages (rollup's), which its own `npm ci` then rejects; install still honours the locked versions.
  npm install --no-audit --no-fund --loglevel=error
fi
# The DNS server falls back to Node's dgram (and logs it) if this fails; the demo does not depend on it.
bash scripts/build-native.sh || echo "native addon not built; DNS uses Node's dgram"
npm run --silent build
M=./bin/meridian
$M fleet up
$M install --context hub
for region in us-east eu-west ap-south; do
  $M cluster join --context "$region" --labels env=production
done
$M serve --detach --probe-interval 2 --allow-file-repos   # the demo's repository is a local file:// one
$M demo deploy
$M cluster list
echo
$M demo hints
