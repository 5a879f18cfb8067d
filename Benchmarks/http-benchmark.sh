#!/usr/bin/env bash
# HTTP benchmark (issue 4): `langbuilder serve` against a plain Hummingbird hello-world route, with wrk on
# loopback, plus start-up time and memory. Needs wrk (apt-get install wrk) and python3.
#   Benchmarks/http-benchmark.sh [--duration SECONDS] [--starts N] [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
# The whole package in release: the host, the hello-world baseline and the first-party bundles (.so), which the
# server loads from next to its executable as `langbuilder serve` does by default.
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
# The flow under test is ChatInput -> ChatOutput from the first-party langflow-io bundle (non-blocking components).
python3 Benchmarks/http_benchmark.py "$bin" "$bin" "$@"
