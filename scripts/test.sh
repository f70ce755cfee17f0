#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine with Node 20: installs what it needs
# (Debian packages, npm packages, the Kubernetes binaries), builds, lints, and runs unit,
# integration (real kube-apiserver + etcd) and end-to-end (real local fleet) tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
bash scripts/ensure-kubernetes.sh
echo "npm: installing packages"
# `npm install` rather than `npm ci`: npm 11 writes lock files without other platforms' optional
# packages (rollup's), which its own `npm ci` then rejects; install still honours the locked versions.
npm install --no-audit --no-fund --loglevel=error
bash scripts/build-native.sh
npm run --silent build
npx tsc -p tsconfig.test.json --noEmit
npm run --silent lint
# Layers run one after another: integration and e2e start real servers on a 2-core machine.
npx vitest run --project unit
npx vitest run --project integration
npx vitest run --project e2e
echo "all tests passed"
