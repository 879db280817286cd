#!/usr/bin/env bash
# run.sh is `make run`: the whole app on http://localhost:7071 — PostgreSQL, Azurite, the
# binary behind the dev host (our stand-in for the Functions host and Static Web Apps) and
# the exported UI, with the demo clinic (or the files in DATA) loaded. Ctrl-C stops
# everything it started.
#
# run.sh --e2e COMMAND... starts the same app on a fresh database, an in-memory Azurite
# and ports of its own, runs COMMAND with PT_E2E_BASE_URL set, then stops everything and
# drops the database. The browser tests run this way.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

mode=run
if [ "${1:-}" = "--e2e" ]; then
  mode=e2e
  shift
fi

if [ "$mode" = e2e ]; then
  db_name="pt_e2e_$$"
  listen=127.0.0.1:${PT_E2E_PORT:-7171}
  blob_port=${PT_E2E_AZURITE_PORT:-10200}
  azurite_store=(--inMemoryPersistence)
elif [ -n "${DATA:-}" ]; then
  # DATA replaces the demo clinic: its own database, loaded afresh each time.
  db_name=${PT_RUN_DATABASE:-patient_tracker_data}
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" postgres
  listen=127.0.0.1:7071
  blob_port=10000
  mkdir -p .build/azurite
  azurite_store=(--location .build/azurite)
else
  db_name=${PT_RUN_DATABASE:-patient_tracker}
  listen=127.0.0.1:7071
  blob_port=10000
  mkdir -p .build/azurite
  azurite_store=(--location .build/azurite)
fi
queue_port=$((blob_port + 1))
table_port=$((blob_port + 2))
blob_url="http://127.0.0.1:${blob_port}/devstoreaccount1"
azurite_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

export PT_ENVIRONMENT=development
export PT_DEV_AUTH=1
export PT_DATABASE_URL="postgres://postgres@127.0.0.1:5432/${db_name}?sslmode=disable"
export PT_CLINIC_TIMEZONE=${PT_CLINIC_TIMEZONE:-America/New_York}
export PT_FIRST_ADMIN_EMAIL=${PT_FIRST_ADMIN_EMAIL:-admin@clinic.test}
export PT_LOG_LEVEL=${PT_LOG_LEVEL:-info}
export FUNCTIONS_WORKER_RUNTIME=custom
storage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${azurite_key};"
storage+="BlobEndpoint=${blob_url};QueueEndpoint=http://127.0.0.1:${queue_port}/devstoreaccount1;"
export AzureWebJobsStorage="$storage"
# The browser uploads straight to the emulator with the SAS, so it must allow our origin.
export PT_STORAGE_CORS_ORIGINS="http://${listen/127.0.0.1/localhost},http://${listen}"
export DocumentsStorage="$storage"

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$mode" = e2e ]; then
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db_name WITH (FORCE)" \
      postgres >/dev/null 2>&1 || true
  fi
  echo "run.sh: stopped"
}
trap cleanup INT TERM EXIT

if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db_name'" \
    postgres | grep -q 1; then
  createdb -h 127.0.0.1 -U postgres "$db_name"
fi
app=.build/app/patient-tracker
"$app" migrate
if [ -n "${DATA:-}" ]; then
  "$app" seed-demo --staff-only
  "$app" import "$DATA"
else
  "$app" seed-demo
fi

if [ "$mode" = run ] && (echo >"/dev/tcp/127.0.0.1/$blob_port") 2>/dev/null; then
  echo "run.sh: port $blob_port is taken; using the Azurite already there"
else
  staticweb/node_modules/.bin/azurite --silent --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --blobPort "$blob_port" --queueHost 127.0.0.1 \
    --queuePort "$queue_port" --tableHost 127.0.0.1 --tablePort "$table_port" \
    "${azurite_store[@]}" >".build/azurite-$mode.log" 2>&1 &
  pids+=($!)
fi

devhost=(.build/devhost -app-root .build/app -static staticweb/out -listen "$listen"
  -azurite-blob-url "$blob_url")
if [ "$mode" = e2e ]; then
  "${devhost[@]}" -allow-test-user-header >".build/devhost-e2e.log" 2>&1 &
  pids+=($!)
  base="http://${listen/127.0.0.1/localhost}"
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null "$base/api/health" 2>/dev/null; then break; fi
    sleep 0.1
  done
  PT_E2E_BASE_URL="$base" "$@"
  exit $?
fi

cat <<'MSG'

  Patient Tracker runs on  http://localhost:7071
  Sign in as one of the dev staff (the sign-in page lists them):
    Dana Admin        admin@clinic.test       admin
    Dr Chris Okafor   clinician@clinic.test   clinician
    Frankie Dubois    frontdesk@clinic.test   frontdesk
    Alex Lindqvist    analyst@clinic.test     analyst
  Press Ctrl-C to stop everything.

MSG
"${devhost[@]}" &
pids+=($!)
wait "${pids[-1]}"
