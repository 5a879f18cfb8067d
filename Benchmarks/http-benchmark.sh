#!/usr/bin/env bash
# HTTP benchmark (issue 4): `langbuilder serve` against a plain Hummingbird hello-world route, with wrk on
# loopback, plus start-up time and memory. Needs wrk (apt-get install wrk) and python3.
#   Benchmarks/http-benchmark.sh [--duration SECONDS] [--starts N]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
swift build -c release --product langbuilder >/dev/null
swift build -c release --product langbuilder-hello-bench >/dev/null
bin=$(swift build -c release --show-bin-path)
# The flow under test is ChatInput -> ChatOutput; those components come from the engine test bundle.
bundles=$(mktemp -d)
trap 'rm -rf "$bundles"' EXIT
cc -std=c11 -O2 -fPIC -shared -fvisibility=hidden -I Sources/CLangBuilderABI/include \
    -o "$bundles/libengine-test.so" Tests/Fixtures/engine_test_bundle.c
python3 Benchmarks/http_benchmark.py "$bin" "$bundles" "$@"
