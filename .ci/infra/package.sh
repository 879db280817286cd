#!/usr/bin/env bash
# Builds the Azure Functions deployment package (`make package`):
#   .build/package/              host.json, <Function>/function.json..., patient-tracker (0755)
#   .build/patient-tracker.zip   the same, zipped on Linux with the binary's mode kept
# and then verifies the zip (every functions/* folder present, binary mode 0755, no
# local.settings.json).
#
# Environment (for tests and the mutation suite):
#   PT_SRC_ROOT      folder holding host.json and functions/ (default: repository root)
#   PT_PACKAGE_DIR   package folder (default .build/package)
#   PT_PACKAGE_ZIP   zip file (default .build/patient-tracker.zip)
#   PT_BINARY_FROM   copy this file as the binary instead of building ./handler
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
src=${PT_SRC_ROOT:-$repo}
pkg=${PT_PACKAGE_DIR:-$repo/.build/package}
zipfile=${PT_PACKAGE_ZIP:-$repo/.build/patient-tracker.zip}
pack="$repo/.build/infra/pack"

mkdir -p "$repo/.build/infra" "$(dirname "$zipfile")"
(cd "$repo" && GOTOOLCHAIN=local go build -o "$pack" ./handler/cmd/pack)

rm -rf "$pkg"
mkdir -p "$pkg"
if [[ -n "${PT_BINARY_FROM:-}" ]]; then
  cp "$PT_BINARY_FROM" "$pkg/patient-tracker"
else
  # Flex Consumption runs Linux x64; no cgo so the binary needs no system libraries.
  (cd "$repo" && CGO_ENABLED=0 GOOS=linux GOARCH=amd64 GOTOOLCHAIN=local \
    go build -trimpath -o "$pkg/patient-tracker" ./handler)
fi
chmod 0755 "$pkg/patient-tracker"

cp "$src/host.json" "$pkg/host.json"
cp -R "$src/functions/." "$pkg/"
find "$pkg" -name local.settings.json -delete
find "$pkg" -type f ! -name patient-tracker -exec chmod 0644 {} +

rm -f "$zipfile"
"$pack" zip -dir "$pkg" -out "$zipfile"
"$pack" verify -zip "$zipfile" -functions "$src/functions" -binary patient-tracker
