#!/usr/bin/env bash
# `make infra-cleanup MODE=all|restop` (scheduled-cleanup.yml): saves money while nobody
# works. MODE=all (nightly):
#  1. destroys preview stacks whose pull request is closed or idle (PT_PREVIEW_IDLE_DAYS)
#  2. destroys the ephemeral layer of the environments in PT_IDLE_DESTROY_ENVS (e.g. "dev")
#     when their Function App ran nothing for PT_EPHEMERAL_IDLE_DAYS
#  3. stops each environment's database when it had no connection for two hours (Azure
#     starts a stopped server after seven days; this stops it again)
# MODE=restop (every three hours): stops a database that Azure started again by itself
# (it does so seven days after a stop) when its environment has no ephemeral layer, or when
# the environment keeps staff hours (PT_STAFF_HOURS_ENVS, 06-18 UTC Mon-Fri) and it is
# outside them. Writes what it did to the job summary. Needs GH_TOKEN (pull-requests: read).
set -euo pipefail
mode=${1:-all}
# shellcheck source=.ci/infra/lib.sh
source "$(dirname "$0")/lib.sh"

: "${TFSTATE_ACCOUNT:?}"
preview_idle=${PT_PREVIEW_IDLE_DAYS:-5}
ephemeral_idle=${PT_EPHEMERAL_IDLE_DAYS:-7}
envs=${PT_ENVIRONMENTS:-dev}
now=$(date -u +%s)

[[ -z ${GITHUB_STEP_SUMMARY:-} ]] || echo "### scheduled cleanup $(date -u +%FT%TZ)" >>"$GITHUB_STEP_SUMMARY"

previews() {
  local n state updated age
  for n in $(az storage blob list --account-name "$TFSTATE_ACCOUNT" --container-name tfstate \
    --prefix preview/pr --auth-mode login --query '[].name' -o tsv | sed -n 's|^preview/pr\([0-9]*\)\.tfstate$|\1|p'); do
    read -r state updated < <(gh pr view "$n" --json state,updatedAt -q '.state + " " + .updatedAt')
    age=$(((now - $(date -u -d "$updated" +%s)) / 86400))
    if [[ $state != OPEN || $age -ge $preview_idle ]]; then
      bash "$here/tofu.sh" destroy preview ephemeral "$n"
      az storage blob delete --account-name "$TFSTATE_ACCOUNT" --container-name tfstate \
        --name "preview/pr$n.tfstate" --auth-mode login --output none
      summary "preview pr$n destroyed (pull request $state, idle $age days)"
    else
      summary "preview pr$n kept (open, idle $age days)"
    fi
  done
}

idle_ephemeral() {
  local env=$1 stack id runs
  stack=$(stack_outputs "$env" 2>/dev/null) || { summary "$env: no ephemeral layer"; return 0; }
  id=$(az functionapp show -g "$(out "$stack" resource_group_name)" -n "$(out "$stack" function_app_name)" --query id -o tsv)
  runs=$(az monitor metrics list --resource "$id" --metric OnDemandFunctionExecutionCount \
    --offset "${ephemeral_idle}d" --interval P1D --aggregation Total \
    --query 'sum(value[0].timeseries[0].data[].total)' -o tsv 2>/dev/null || echo unknown)
  if [[ $runs == 0 || $runs == 0.0 ]]; then
    bash "$here/tofu.sh" destroy "$env" ephemeral
    summary "$env: ephemeral layer destroyed (no executions in $ephemeral_idle days)"
  else
    summary "$env: ephemeral layer kept ($runs executions in $ephemeral_idle days)"
  fi
}

idle_database() {
  local env=$1 base rg server state id peak
  base=$(base_outputs "$env")
  rg=$(out "$base" resource_group_name)
  server=$(out "$base" postgres_server_name)
  state=$(az postgres flexible-server show -g "$rg" -n "$server" --query state -o tsv)
  if [[ $state != Ready ]]; then
    summary "$env: database $server is $state"
    return 0
  fi
  id=$(out "$base" postgres_server_id)
  peak=$(az monitor metrics list --resource "$id" --metric active_connections --offset 2h \
    --interval PT5M --aggregation Maximum --query 'max(value[0].timeseries[0].data[].maximum)' -o tsv)
  # Azure's own monitoring keeps a few connections open; the app adds to them.
  if [[ ${peak%.*} -le ${PT_DB_IDLE_CONNECTIONS:-5} ]]; then
    az postgres flexible-server stop -g "$rg" -n "$server" --output none
    summary "$env: database $server stopped (peak $peak connections in 2 h)"
  else
    summary "$env: database $server kept running (peak $peak connections in 2 h)"
  fi
}

# restop ENV: stop a running database nobody can be using.
restop() {
  local env=$1 base rg server hour day
  base=$(base_outputs "$env")
  rg=$(out "$base" resource_group_name)
  server=$(out "$base" postgres_server_name)
  [[ $(az postgres flexible-server show -g "$rg" -n "$server" --query state -o tsv) == Ready ]] || return 0
  hour=$(date -u +%H) day=$(date -u +%u)
  if ! stack_outputs "$env" >/dev/null 2>&1; then
    az postgres flexible-server stop -g "$rg" -n "$server" --output none
    summary "$env: database $server stopped again (no ephemeral layer)"
  elif [[ " ${PT_STAFF_HOURS_ENVS:-} " == *" $env "* ]] && ((day > 5 || 10#$hour < 6 || 10#$hour >= 18)); then
    az postgres flexible-server stop -g "$rg" -n "$server" --output none
    summary "$env: database $server stopped (outside staff hours)"
  fi
}

case $mode in
all)
  [[ " $envs " == *" dev "* ]] && previews
  for env in ${PT_IDLE_DESTROY_ENVS:-}; do
    [[ " $envs " == *" $env "* ]] && idle_ephemeral "$env"
  done
  for env in $envs; do idle_database "$env"; done
  ;;
restop) for env in $envs; do restop "$env"; done ;;
*) echo "cleanup.sh: unknown mode $mode" >&2; exit 2 ;;
esac
