#!/usr/bin/env bash
# Runs OpenTofu on one layer of one environment against the real Azure backend:
#   tofu.sh plan|apply|destroy|output ENV LAYER [PR]
#     ENV    dev | prod | preview
#     LAYER  base | ephemeral (preview has only the ephemeral layer)
#     PR     pull request number (preview only)
# Used by the infra-* Makefile targets, from workflows (OIDC: ARM_USE_OIDC and ARM_*) or
# from an operator's shell after `az login` (ARM_USE_CLI). Needs TFSTATE_ACCOUNT (the state
# storage account from `make infra-bootstrap`). `tofu init` fetches azurerm from the registry.
set -euo pipefail

action=${1:?action}
env=${2:?ENV}
layer=${3:-base}
pr=${4:-}
repo=$(cd "$(dirname "$0")/../.." && pwd)
: "${TFSTATE_ACCOUNT:?set TFSTATE_ACCOUNT to the state storage account (make infra-bootstrap)}"
tofu=${TOFU:-tofu}

case $env/$layer in
dev/base | dev/ephemeral | prod/base | prod/ephemeral)
  dir="$repo/terraform/environments/$env/$layer"
  key="$env/$layer.tfstate"
  ;;
preview/*)
  [[ $pr =~ ^[0-9]+$ ]] || { echo "tofu.sh: preview needs PR=<number>" >&2; exit 2; }
  dir="$repo/terraform/environments/preview"
  key="preview/pr$pr.tfstate"
  export TF_VAR_pull_request_number=$pr
  ;;
*) echo "tofu.sh: unknown ENV/LAYER $env/$layer" >&2; exit 2 ;;
esac

export TF_IN_AUTOMATION=1 TF_INPUT=0
export ARM_USE_AZUREAD=true
[[ -n ${ACTIONS_ID_TOKEN_REQUEST_URL:-} ]] || export ARM_USE_CLI=true
[[ -n ${GITHUB_REPOSITORY:-} ]] && export TF_VAR_github_repository=$GITHUB_REPOSITORY
[[ -n ${PT_FIRST_ADMIN_EMAIL:-} ]] && export TF_VAR_first_admin_email=$PT_FIRST_ADMIN_EMAIL
export TF_VAR_state_storage_account_name=$TFSTATE_ACCOUNT
if [[ $layer == base ]]; then
  unset TF_VAR_state_storage_account_name
fi

# tofu_in DIR KEY ARGS...: init (quietly) against the state key, then run ARGS.
tofu_in() {
  local d=$1 k=$2
  shift 2
  "$tofu" -chdir="$d" init -input=false -reconfigure \
    -backend-config="storage_account_name=$TFSTATE_ACCOUNT" -backend-config="key=$k" >&2
  "$tofu" -chdir="$d" "$@"
}

# web_origins: PT_WEB_ORIGINS (comma list, e.g. a custom domain) plus the web URL of the
# environment's ephemeral layer when it exists, as a JSON list for the base layer's CORS.
web_origins() {
  local origins=() url
  IFS=, read -r -a origins <<<"${PT_WEB_ORIGINS:-}"
  url=$(tofu_in "$repo/terraform/environments/$env/ephemeral" "$env/ephemeral.tfstate" \
    output -raw web_url 2>/dev/null || true)
  [[ $url == https://* ]] && origins+=("$url")
  printf '%s\n' "${origins[@]}" | sed '/^$/d' | jq -Rsc 'split("\n") | map(select(length > 0))'
}

if [[ $layer == base && $action != output ]]; then
  TF_VAR_cors_allowed_origins=$(TF_VAR_state_storage_account_name=$TFSTATE_ACCOUNT web_origins)
  export TF_VAR_cors_allowed_origins
  echo "tofu.sh: CORS origins $TF_VAR_cors_allowed_origins" >&2
fi

plan="$dir/tfplan"
case $action in
plan)
  tofu_in "$dir" "$key" plan -out="$plan" -no-color | tee "$dir/plan.txt"
  if [[ -n ${GITHUB_STEP_SUMMARY:-} ]]; then
    { echo "### tofu plan $env/$layer${pr:+ (PR $pr)}"; echo '```'; tail -n 60 "$dir/plan.txt"; echo '```'; } >>"$GITHUB_STEP_SUMMARY"
  fi
  ;;
apply)
  if [[ -f $plan ]]; then
    tofu_in "$dir" "$key" apply -input=false "$plan"
    rm -f "$plan"
  else
    tofu_in "$dir" "$key" apply -input=false -auto-approve
  fi
  ;;
destroy) tofu_in "$dir" "$key" destroy -input=false -auto-approve ;;
output) tofu_in "$dir" "$key" output -json ;;
*) echo "tofu.sh: unknown action $action" >&2; exit 2 ;;
esac
