#!/usr/bin/env bash
# Builds the native addon(s) if `npm install` did not (an npm that holds back install scripts, a
# copied node_modules): native/udp-batch, the DNS server's batched UDP I/O, with the node-gyp that
# ships with npm. Fails loudly: the tests expect the addon.
set -euo pipefail
cd "$(dirname "$0")/.."
addon=native/udp-batch/build/Release/udp_batch.node
[ -f "$addon" ] && [ "$addon" -nt native/udp-batch/src/udp_batch.c ] && exit 0
echo "native: building native/udp-batch"
# npm passes node-gyp its configured nodedir (this machine's /usr/include/node, no download).
npm rebuild @meridian/udp-batch --loglevel=error
[ -f "$addon" ] || { echo "native: $addon was not built" >&2; exit 1; }
