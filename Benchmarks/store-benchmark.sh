#!/usr/bin/env bash
# Component store benchmark (issue 6): time to install a 5 MB bundle from a store served on loopback by
# `langbuilder store serve` (download + size/SHA-256/signature checks + unpack to staging + out-of-process
# validation, which loads it + fsync + pointer flip), and how long a running server takes from a publish to the
# new version being live at /api/v1/all. Needs python3 and cc.
#   Benchmarks/store-benchmark.sh [--release] [--installs N] [--publishes N]
set -euo pipefail
cd "$(dirname "$0")/.."
config=debug
if [ "${1:-}" = "--release" ]; then config=release; shift; fi
swift build -c "$config" --product langbuilder >/dev/null
swift build -c "$config" --product langbuilder-bundle-tool >/dev/null
bin=$(swift build -c "$config" --show-bin-path)
python3 Benchmarks/store_benchmark.py "$bin" "$@"
