#!/usr/bin/env bash
# vulncheck.sh runs govulncheck on the module: against the public vulnerability database
# when it answers, otherwise against the offline copy in ../shared/vulndb, and prints
# which database (and its date) the verdict comes from.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tools=${PT_TOOLS_DIR:-$HOME/.cache/patient-tracker}
version=v1.9.0
bin="$tools/govulncheck-$version/govulncheck"
if [ ! -x "$bin" ]; then
  GOBIN="$(dirname "$bin")" go install "golang.org/x/vuln/cmd/govulncheck@$version"
fi

cd "$root"
if curl -fsS --max-time 5 -o /dev/null https://vuln.go.dev/index/db.json.gz 2>/dev/null; then
  echo "govulncheck: public database (vuln.go.dev)"
  exec "$bin" ./handler/...
fi
shared=${PT_SHARED_DIR:-$root/../shared}
if [ ! -d "$shared/vulndb" ]; then
  echo "SKIPPED govulncheck: the public database does not answer and $shared/vulndb is missing" >&2
  exit 0
fi
db="$(cd "$shared/vulndb" && pwd)"
modified=$(sed -n 's/.*"modified"[^"]*"\([^"]*\)".*/\1/p' "$db/index/db.json" 2>/dev/null | head -n 1)
echo "govulncheck: offline database $db (as of ${modified:-unknown date})"
exec "$bin" -db "file://$db" ./handler/...
