#!/usr/bin/env bash
# Helpers sourced by the deployment scripts (db.sh, app.sh, cleanup.sh): OpenTofu outputs
# of a stack, read once and cached in the job's temporary folder.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# stack_outputs ENV [PR]: JSON outputs of the stack's ephemeral layer (preview: the PR's).
stack_outputs() {
  local env=$1 pr=${2:-} cache="${RUNNER_TEMP:-/tmp}/pt-out-$1-${2:-main}.json"
  if [[ ! -s $cache ]]; then
    if [[ $env == preview ]]; then
      bash "$here/tofu.sh" output preview ephemeral "$pr" >"$cache"
    else
      bash "$here/tofu.sh" output "$env" ephemeral >"$cache"
    fi
  fi
  cat "$cache"
}

# base_outputs ENV: JSON outputs of the base layer (previews live on dev's base).
base_outputs() {
  local env=$1 cache
  [[ $env == preview ]] && env=dev
  cache="${RUNNER_TEMP:-/tmp}/pt-base-$env.json"
  [[ -s $cache ]] || bash "$here/tofu.sh" output "$env" base >"$cache"
  cat "$cache"
}

# out JSON NAME: one output value.
out() { jq -er --arg n "$2" '.[$n].value' <<<"$1"; }

# summary TEXT: a line in the job summary (and on stdout).
summary() {
  echo "$*"
  [[ -z ${GITHUB_STEP_SUMMARY:-} ]] || echo "- $*" >>"$GITHUB_STEP_SUMMARY"
}
