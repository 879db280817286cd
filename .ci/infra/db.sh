#!/usr/bin/env bash
# What azurerm cannot do for the database:
#   db.sh start|stop ENV        start or stop the environment's PostgreSQL server (idempotent;
#                               Azure starts a stopped server by itself after seven days, so
#                               scheduled-cleanup.yml stops it again)
#   db.sh role ENV [PR]         create the Function App identity's role through an Entra token
#                               (pgaadauth_create_principal_with_oid), make it owner of the
#                               stack's database and create pg_trgm there
# Signs in as the deployer identity, an Entra admin of the server (modules/base/postgres.tf).
set -euo pipefail
# shellcheck source=.ci/infra/lib.sh
source "$(dirname "$0")/lib.sh"

action=${1:?start|stop|role}
env=${2:?ENV}
pr=${3:-}
base=$(base_outputs "$env")
rg=$(out "$base" resource_group_name)
server=$(out "$base" postgres_server_name)

state() { az postgres flexible-server show -g "$rg" -n "$server" --query state -o tsv; }

case $action in
start)
  [[ $(state) == Ready ]] || az postgres flexible-server start -g "$rg" -n "$server" --output none
  summary "database $server: $(state)"
  ;;
stop)
  [[ $(state) == Stopped ]] || az postgres flexible-server stop -g "$rg" -n "$server" --output none
  summary "database $server: $(state)"
  ;;
role)
  stack=$(stack_outputs "$env" "$pr")
  role=$(out "$stack" app_identity_name)
  oid=$(out "$stack" app_identity_principal_id)
  db=$(out "$stack" database_name)
  host=$(out "$base" database_host)
  admin=$(out "$base" deployer_name)

  # The runner's address is allowed only while this script runs.
  ip=$(curl -fsS https://api.ipify.org)
  rule="gh-runner-${GITHUB_RUN_ID:-local}"
  az postgres flexible-server firewall-rule create -g "$rg" -n "$server" --rule-name "$rule" \
    --start-ip-address "$ip" --end-ip-address "$ip" --output none
  trap 'az postgres flexible-server firewall-rule delete -g "$rg" -n "$server" --rule-name "$rule" --yes --output none' EXIT

  PGPASSWORD=$(az account get-access-token --resource-type oss-rdbms --query accessToken -o tsv)
  export PGPASSWORD PGSSLMODE=require PGHOST=$host PGUSER=$admin
  psql -v ON_ERROR_STOP=1 -d postgres -v role="$role" -v oid="$oid" <<'SQL'
SELECT pgaadauth_create_principal_with_oid(:'role', :'oid', 'service', false, false)
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role');
SQL
  # Handing a database to a role needs membership in it (PostgreSQL 16+): the admin created
  # the role, so it may grant it to itself. Migrations then run as the app's own role.
  psql -v ON_ERROR_STOP=1 -d postgres -v role="$role" -v db="$db" <<'SQL'
GRANT :"role" TO CURRENT_USER;
ALTER DATABASE :"db" OWNER TO :"role";
SQL
  psql -v ON_ERROR_STOP=1 -d "$db" -v role="$role" <<'SQL'
ALTER SCHEMA public OWNER TO :"role";
CREATE EXTENSION IF NOT EXISTS pg_trgm;
SQL
  summary "database role $role owns $db"
  ;;
*) echo "db.sh: unknown action $action" >&2; exit 2 ;;
esac
