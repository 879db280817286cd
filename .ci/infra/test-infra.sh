#!/usr/bin/env bash
# `make test-infra`: offline validation of terraform/, .github/ and the deployment package,
# then a mutation suite that applies known mistakes to scratch copies and requires a named
# check to catch each one. Fast once the tools are cached (see tools.sh).
#
# Every check prints PASS, FAIL or SKIPPED with its reason; the run fails when any check
# fails or any mutation survives. A tool that cannot be built is reported as SKIPPED (with
# its build log) rather than hiding the checks that do run.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1
export GOTOOLCHAIN=local
export PT_SHARED_DIR=${PT_SHARED_DIR:-$repo/../shared}
export PT_TOOLS_DIR=${PT_TOOLS_DIR:-$HOME/.cache/patient-tracker}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0 failed=0 skipped=0
summary=()
declare -A status=()

# record NAME RC LOG: counts a finished check as PASS or FAIL (printing its output's tail).
record() {
  local name=$1 rc=$2 log=$3
  if ((rc == 0)); then
    passed=$((passed + 1))
    status[$name]=PASS
    summary+=("PASS     $name")
    echo "test-infra: PASS $name"
  else
    failed=$((failed + 1))
    status[$name]=FAIL
    summary+=("FAIL     $name")
    echo "test-infra: FAIL $name" >&2
    tail -n 40 "$log" | sed 's/^/    /' >&2
  fi
}

# check NAME CMD...: runs CMD now and records the result.
check() {
  local name=$1 log rc=0
  shift
  log=$(mktemp "$work/log.XXXXXX")
  "$@" >"$log" 2>&1 || rc=$?
  record "$name" "$rc" "$log"
}

# check_bg NAME CMD...: runs CMD in the background (at most PT_INFRA_JOBS at once, default
# 2); wait_bg records the results in the order the checks were started.
bg_names=() bg_pids=() bg_logs=()
check_bg() {
  local name=$1 log
  shift
  while (($(jobs -rp | wc -l) >= ${PT_INFRA_JOBS:-2})); do sleep 0.2; done
  log=$(mktemp "$work/log.XXXXXX")
  "$@" >"$log" 2>&1 &
  bg_names+=("$name") bg_pids+=($!) bg_logs+=("$log")
}
wait_bg() {
  local i rc
  for i in "${!bg_pids[@]}"; do
    rc=0
    wait "${bg_pids[$i]}" || rc=$?
    record "${bg_names[$i]}" "$rc" "${bg_logs[$i]}"
  done
  bg_names=() bg_pids=() bg_logs=()
}

# skip NAME REASON: records a check that could not run, loudly.
skip() {
  skipped=$((skipped + 1))
  summary+=("SKIPPED  $1: $2")
  echo "test-infra: SKIPPED $1: $2" >&2
}

# ---- tools -------------------------------------------------------------------------------
# PT_TOOLS_NO_BUILD=1 uses only what is cached (never waits for or starts a build).
if [[ ${PT_TOOLS_NO_BUILD:-} != 1 ]]; then
  bash .ci/infra/tools.sh all || echo "test-infra: some tools are missing; their checks are skipped" >&2
fi
eval "$(bash .ci/infra/tools.sh env)"
have() { [[ -x "$1" ]]; }
tofu_ok=false
if have "$PT_TOFU" && have "$PT_PROVIDER_DIR/terraform-provider-azurerm"; then
  tofu_ok=true
fi
tofu_why="OpenTofu or the azurerm provider is not built (see $PT_TOOLS_DIR/logs)"

# The machine's TF_CLI_CONFIG_FILE points at a missing file: use our own. `tofu validate` and
# `tofu test` get the locally built provider through dev_overrides; `tofu init` (needed to
# install local modules) finds it in a filesystem mirror, so nothing reaches a registry.
mirror="$work/mirror/registry.opentofu.org/hashicorp/azurerm/$PT_PROVIDER_LABEL/linux_amd64"
mkdir -p "$mirror"
ln -s "$PT_PROVIDER_DIR/terraform-provider-azurerm" "$mirror/terraform-provider-azurerm"
cat >"$work/tofurc" <<RC
provider_installation {
  dev_overrides {
    "registry.opentofu.org/hashicorp/azurerm" = "$PT_PROVIDER_DIR"
  }
  filesystem_mirror {
    path = "$work/mirror"
  }
}
RC
export TF_CLI_CONFIG_FILE="$work/tofurc" TF_IN_AUTOMATION=1 TF_INPUT=0

mkdir -p .build/infra
go build -o .build/infra/schemacheck ./handler/cmd/schemacheck
go build -o .build/infra/pack ./handler/cmd/pack
# shellcheck source=.ci/infra/checks.sh
source "$repo/.ci/infra/checks.sh"

# ---- checks on the repository --------------------------------------------------------------
check "go: pack and schemacheck unit tests" go test -count=1 ./handler/cmd/pack ./handler/cmd/schemacheck

if have "$PT_TOFU"; then
  check "tofu fmt -check" "$PT_TOFU" fmt -check -recursive -diff terraform
else
  skip "tofu fmt -check" "$tofu_why"
fi

mkdir -p "$work/repo"
cp -R terraform "$work/repo/terraform"
find "$work/repo/terraform" -name .terraform -type d -prune -exec rm -rf {} +
for root in $(tf_roots "$work/repo/terraform"); do
  if $tofu_ok; then
    check_bg "tofu validate ${root#"$work/repo/"}" tf_validate "$root"
  else
    skip "tofu validate ${root#"$work/repo/"}" "$tofu_why"
  fi
done
for mod in storage base ephemeral; do
  if $tofu_ok; then
    check_bg "tofu test modules/$mod" tf_test "$work/repo/terraform/modules/$mod"
  else
    skip "tofu test modules/$mod" "$tofu_why"
  fi
done

wait_bg

if have "$PT_TFLINT"; then
  check "tflint (bundled rules)" tf_lint terraform
else
  skip "tflint" "tflint is not installed (see $PT_TOOLS_DIR/logs/tflint.log)"
fi

if have "$PT_ACTIONLINT" && command -v shellcheck >/dev/null; then
  check "actionlint + shellcheck" gh_lint .github
else
  skip "actionlint + shellcheck" "actionlint or shellcheck missing"
fi
if command -v yamllint >/dev/null; then
  check "yamllint .github" yamllint -s -c .ci/infra/yamllint.yml .github
else
  skip "yamllint .github" "yamllint missing (apt-get install yamllint)"
fi
check "shellcheck .ci/infra" shellcheck -x .ci/infra/*.sh

if [[ -f "$PT_SHARED_DIR/actions-pins.md" ]]; then
  check "actions pinned to verified SHAs" bash .ci/infra/check-pins.sh .github
else
  skip "actions pinned to verified SHAs" "SKIPPED: ../shared not found (PT_SHARED_DIR=$PT_SHARED_DIR)"
fi

if [[ -d "$PT_SHARED_DIR/schemas" ]]; then
  check "host.json against schemas/host.json" \
    .build/infra/schemacheck schema -schema "$PT_SHARED_DIR/schemas/host.json" host.json
  if [[ -f local.settings.example.json ]]; then
    check "local.settings.example.json against schemas/local.settings.json" \
      .build/infra/schemacheck schema -schema "$PT_SHARED_DIR/schemas/local.settings.json" \
      local.settings.example.json
  else
    skip "local.settings.example.json schema" "the file is not in the repository yet"
  fi
else
  skip "JSON Schemas" "SKIPPED: ../shared not found (PT_SHARED_DIR=$PT_SHARED_DIR)"
fi
check "function.json rules" .build/infra/schemacheck functions -dir functions

# The real package needs the handler to compile; a handler broken mid-edit is reported by
# `make test-go`, so here it only turns the real build into a loud skip.
check "package layout, binary mode 0755 (stand-in binary)" standin_package "$work/pkg"
if CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -o "$work/probe" ./handler >"$work/handler-build.log" 2>&1; then
  check "make package: real linux/amd64 build, layout, binary mode 0755" bash .ci/infra/package.sh
else
  skip "make package (real build)" "./handler does not compile right now: $(head -n 1 "$work/handler-build.log")"
fi

# ---- mutation suite ------------------------------------------------------------------------
# shellcheck source=.ci/infra/mutations.sh
source "$repo/.ci/infra/mutations.sh"
run_mutations

# ---- summary -------------------------------------------------------------------------------
echo
echo "test-infra summary:"
printf '  %s\n' "${summary[@]}"
echo "test-infra: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
