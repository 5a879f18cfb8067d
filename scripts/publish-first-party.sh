#!/usr/bin/env bash
# Publishes the first-party bundles (the lib*.so files `swift build` makes) into a component store folder, so a
# machine with only the host can `langbuilder store install` them.
#   scripts/publish-first-party.sh STORE_DIR KEYFILE [BUILD_DIR]
# KEYFILE is created with `langbuilder store keygen` when it does not exist (its public key is printed; hosts
# trust it with --trusted-key or <data-dir>/store/trusted-keys). BUILD_DIR defaults to `swift build --show-bin-path`.
# Publishing again is safe: unchanged bundles are left as they are; a changed bundle with an unchanged version is
# refused (bump its version).
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 STORE_DIR KEYFILE [BUILD_DIR]" >&2
    exit 2
fi
store=$1
key=$2
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${3:-$(cd "$root" && swift build --show-bin-path)}
for tool in langbuilder langbuilder-bundle-tool; do
    [ -x "$bin/$tool" ] || { echo "$bin/$tool is missing: run swift build first" >&2; exit 1; }
done
mkdir -p "$(dirname "$key")" "$store"
[ -f "$key" ] || "$bin/langbuilder" store keygen "$key"
dist=$(mktemp -d)
trap 'rm -rf "$dist"' EXIT
# The first-party bundles are the dynamic library products of Package.swift (product name == bundle folder).
bundles=$(sed -n 's/.*\.library(name: "\([a-z0-9-]*\)", type: \.dynamic.*/\1/p' "$root/Package.swift")
packages=()
for name in $bundles; do
    library="$bin/lib$name.so"
    [ -f "$library" ] || { echo "$library is missing: run swift build first" >&2; exit 1; }
    "$bin/langbuilder-bundle-tool" package "$library" --output "$dist" >/dev/null
    packages+=("$dist/$name.lbbundle")
done
"$bin/langbuilder" store publish "${packages[@]}" --store "$store" --key "$key"
