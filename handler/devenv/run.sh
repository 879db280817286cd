#!/usr/bin/env bash
# run.sh is `make run`: the whole app on http://localhost:7071 — PostgreSQL, Azurite, the
# binary behind the dev host (our stand-in for the Functions host and Static Web Apps) and
# the exported UI, with the demo clinic (or the files in DATA) loaded. Ctrl-C stops
# everything it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

db_name=${PT_RUN_DATABASE:-patient_tracker}
export PT_ENVIRONMENT=development
export PT_DEV_AUTH=1
export PT_DATABASE_URL="postgres://postgres@127.0.0.1:5432/${db_name}?sslmode=disable"
export PT_CLINIC_TIMEZONE=${PT_CLINIC_TIMEZONE:-America/New_York}
export PT_FIRST_ADMIN_EMAIL=${PT_FIRST_ADMIN_EMAIL:-admin@clinic.test}
export PT_LOG_LEVEL=${PT_LOG_LEVEL:-info}
export AzureWebJobsStorage="UseDevelopmentStorage=true"
export DocumentsStorage="UseDevelopmentStorage=true"
export FUNCTIONS_WORKER_RUNTIME=custom

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "make run: stopped"
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

mkdir -p .build/azurite
if (echo >/dev/tcp/127.0.0.1/10000) 2>/dev/null; then
  echo "make run: port 10000 is taken; using the Azurite (or service) already there"
else
  staticweb/node_modules/.bin/azurite --silent --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --blobPort 10000 --queueHost 127.0.0.1 --queuePort 10001 \
    --tableHost 127.0.0.1 --tablePort 10002 --location .build/azurite \
    >.build/azurite.log 2>&1 &
  pids+=($!)
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
.build/devhost -app-root .build/app -static staticweb/out -listen 127.0.0.1:7071 \
  -azurite-blob-url http://127.0.0.1:10000/devstoreaccount1 &
pids+=($!)
wait "${pids[-1]}"
