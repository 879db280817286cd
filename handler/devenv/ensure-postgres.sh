#!/usr/bin/env bash
# ensure-postgres.sh makes sure a PostgreSQL server answers on 127.0.0.1:5432 with trust auth
# for the postgres user. It starts the machine's cluster when one exists, creates one when none
# does, and installs PostgreSQL with apt-get when running as root. Without root it prints the
# exact command to run instead.
set -euo pipefail

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if command -v pg_isready >/dev/null && ready; then
  exit 0
fi

if ! command -v pg_ctlcluster >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is not installed. Run: sudo apt-get install -y postgresql" >&2
    exit 1
  fi
  echo "installing PostgreSQL with apt-get..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$version" ]; then
  version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
  echo "creating PostgreSQL $version cluster 'main'..."
  pg_createcluster "$version" main -- --auth-local=trust --auth-host=trust >/dev/null
fi

hba="/etc/postgresql/$version/main/pg_hba.conf"
if ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL at 127.0.0.1:5432 needs trust auth for loopback; add to $hba:" >&2
    echo "  host all all 127.0.0.1/32 trust" >&2
    exit 1
  fi
  # Local development only: loopback connections are trusted, as on the project's machines.
  sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
fi

echo "starting PostgreSQL $version..."
if [ "$(id -u)" -eq 0 ]; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || \
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload
else
  pg_ctlcluster "$version" main start
fi

for _ in $(seq 1 50); do
  if ready; then exit 0; fi
  sleep 0.2
done
echo "PostgreSQL did not answer on 127.0.0.1:5432; see /var/log/postgresql/" >&2
exit 1
