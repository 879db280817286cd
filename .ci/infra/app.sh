#!/usr/bin/env bash
# Deploys and checks the application on a stack (Makefile infra-* targets, deploy workflows):
#   app.sh deploy ENV [PR]     keep .build/patient-tracker.zip in the releases container and
#                              deploy it with `az functionapp deployment source config-zip`
#                              (keeps the binary's 0755 mode)
#   app.sh eventgrid ENV [PR]  create or refresh the BlobCreated subscriptions of every
#                              Event Grid blob trigger (needs the blobs_extension key, which
#                              exists only once code is deployed)
#   app.sh smoke ENV [PR]      /api/health and /api/health/ready through the web URL, and a
#                              direct /api/me on the Function App must be refused
#   app.sh good ENV [PR]       record the deployed release as the last good one
#   app.sh rollback ENV [PR]   redeploy the last good release (Flex has no slots) and smoke it
#   app.sh swa-token ENV [PR]  the Static Web App deployment token, masked, as a step output
set -euo pipefail
# shellcheck source=.ci/infra/lib.sh
source "$(dirname "$0")/lib.sh"

action=${1:?action}
env=${2:?ENV}
pr=${3:-}
repo=$(cd "$here/../.." && pwd)
stack=$(stack_outputs "$env" "$pr")
rg=$(out "$stack" resource_group_name)
app=$(out "$stack" function_app_name)
account=$(out "$stack" storage_account_name)
release=${PT_RELEASE:-$(git -C "$repo" rev-parse HEAD)}

blob() { az storage blob "$@" --account-name "$account" --container-name releases --auth-mode login --only-show-errors; }

deploy_zip() {
  az functionapp deployment source config-zip -g "$rg" -n "$app" --src "$1" --timeout 600 --output none
}

# retry N SECONDS CMD...: the host may still be starting after a deployment.
retry() {
  local n=$1 pause=$2 i
  shift 2
  for ((i = 1; i <= n; i++)); do
    "$@" && return 0
    sleep "$pause"
  done
  return 1
}

smoke() {
  local web fa code
  web=$(out "$stack" web_url)
  fa=$(out "$stack" function_app_url)
  retry 20 15 curl -fsS -o /dev/null "$web/api/health" || { echo "smoke: $web/api/health failed" >&2; return 1; }
  retry 10 15 curl -fsS -o /dev/null "$web/api/health/ready" || { echo "smoke: $web/api/health/ready failed" >&2; return 1; }
  code=$(curl -s -o /dev/null -w '%{http_code}' "$fa/api/me")
  case $code in
  401 | 403 | 302) summary "smoke: $web healthy; direct $fa/api/me refused ($code)" ;;
  *) echo "smoke: direct call to $fa/api/me answered $code; only the Static Web App may call it" >&2; return 1 ;;
  esac
}

# blob_triggers: "FunctionName container" for every Event Grid blob trigger in functions/.
blob_triggers() {
  local f
  for f in "$repo"/functions/*/function.json; do
    jq -r --arg fn "$(basename "$(dirname "$f")")" '.bindings[]
      | select(.type == "blobTrigger" and .source == "EventGrid")
      | "\($fn) \(.path | split("/")[0])"' "$f"
  done
}

# blobs_key: the blobs_extension system key; fails while the host has not created it yet.
blobs_key() {
  local k
  k=$(az functionapp keys list -g "$rg" -n "$app" --query systemKeys.blobs_extension -o tsv)
  [[ -n $k ]] && printf '%s\n' "$k"
}

eventgrid() {
  local topic host key fn container name endpoint
  topic=$(out "$stack" event_grid_system_topic_name)
  host=$(out "$stack" function_app_url)
  if [[ -z $(blob_triggers) ]]; then
    summary "eventgrid: no Event Grid blob triggers in functions/"
    return 0
  fi
  key=$(retry 10 15 blobs_key) || { echo "eventgrid: no blobs_extension key on $app" >&2; return 1; }
  echo "::add-mask::$key"
  while read -r fn container; do
    name=$(tr '[:upper:]' '[:lower:]' <<<"blob-$fn")
    endpoint="$host/runtime/webhooks/blobs?functionName=Host.Functions.$fn&code=$key"
    args=(-g "$rg" --system-topic-name "$topic" -n "$name" --endpoint "$endpoint" --endpoint-type webhook
      --included-event-types Microsoft.Storage.BlobCreated
      --subject-begins-with "/blobServices/default/containers/$container/" --output none)
    if az eventgrid system-topic event-subscription show -g "$rg" --system-topic-name "$topic" -n "$name" >/dev/null 2>&1; then
      az eventgrid system-topic event-subscription update "${args[@]}"
    else
      az eventgrid system-topic event-subscription create "${args[@]}" --event-delivery-schema eventgridschema
    fi
    summary "eventgrid: $name -> $fn for container $container"
  done < <(blob_triggers)
}

case $action in
deploy)
  zip="$repo/.build/patient-tracker.zip"
  [[ -f $zip ]] || { echo "deploy: $zip missing (make package)" >&2; exit 1; }
  blob upload --file "$zip" --name "$app/$release.zip" --overwrite --output none
  deploy_zip "$zip"
  summary "deployed release $release to $app (kept as releases/$app/$release.zip)"
  ;;
eventgrid) eventgrid ;;
smoke) smoke ;;
good)
  printf '%s\n' "$release" >"${RUNNER_TEMP:-/tmp}/good"
  blob upload --file "${RUNNER_TEMP:-/tmp}/good" --name "$app/good" --overwrite --output none
  summary "release $release marked good on $app"
  ;;
rollback)
  good=""
  if blob download --name "$app/good" --file "${RUNNER_TEMP:-/tmp}/good" --output none 2>/dev/null; then
    good=$(head -n 1 "${RUNNER_TEMP:-/tmp}/good")
  fi
  if [[ -z $good || $good == "$release" ]]; then
    summary "rollback: no earlier good release of $app to go back to"
    exit 1
  fi
  blob download --name "$app/$good.zip" --file "${RUNNER_TEMP:-/tmp}/good.zip" --output none
  deploy_zip "${RUNNER_TEMP:-/tmp}/good.zip"
  smoke
  summary "rolled $app back to release $good"
  ;;
swa-token)
  token=$(az staticwebapp secrets list -g "$rg" -n "$(out "$stack" static_web_app_name)" \
    --query properties.apiKey -o tsv)
  echo "::add-mask::$token"
  echo "token=$token" >>"${GITHUB_OUTPUT:-/dev/null}"
  ;;
*) echo "app.sh: unknown action $action" >&2; exit 2 ;;
esac
