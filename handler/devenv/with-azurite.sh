#!/usr/bin/env bash
# with-azurite.sh runs a command with a private, in-memory Azurite (blob and queue) on the test
# ports, and stops Azurite afterwards whatever the command's outcome. The command sees
# PT_TEST_AZURITE_BLOB_URL and PT_TEST_AZURITE_QUEUE_URL.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
azurite="$root/staticweb/node_modules/.bin/azurite"
blob_port=${PT_TEST_AZURITE_BLOB_PORT:-10100}
queue_port=${PT_TEST_AZURITE_QUEUE_PORT:-10101}

if [ ! -x "$azurite" ]; then
  echo "Azurite is missing: run 'cd staticweb && npm ci' (make test does this)" >&2
  exit 1
fi

workdir=$(mktemp -d)
"$azurite" --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry \
  --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 --queuePort "$queue_port" --tableHost 127.0.0.1 --tablePort "$((queue_port + 1))" \
  >"$workdir/azurite.log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$workdir"; }
trap cleanup EXIT

for _ in $(seq 1 100); do
  if (echo >"/dev/tcp/127.0.0.1/$blob_port") 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$workdir/azurite.log" >&2; exit 1; fi
  sleep 0.1
done

export PT_TEST_AZURITE_BLOB_URL="http://127.0.0.1:$blob_port/devstoreaccount1"
export PT_TEST_AZURITE_QUEUE_URL="http://127.0.0.1:$queue_port/devstoreaccount1"
"$@"
