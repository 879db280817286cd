#!/usr/bin/env bash
# shellcheck disable=SC2154,SC2016 # perl expressions; repo, work, tofu_ok, tofu_why and PT_* come from test-infra.sh
# Mutation suite (sourced by test-infra.sh): each known mistake is applied to a scratch copy
# and the named check must fail on it. A mutation that does not change the file, or that a
# check lets through, fails the run. Uses check/skip and the helpers of checks.sh.

# mutate FILE PERL_EXPR: applies a perl substitution in place; fails if nothing changed.
mutate() {
  local file=$1 expr=$2
  cp "$file" "$file.orig"
  perl -0pi -e "$expr" "$file"
  if cmp -s "$file" "$file.orig"; then
    echo "mutation did not apply to $file: $expr" >&2
    return 1
  fi
  rm "$file.orig"
}

# baseline_failed CHECK: a mutation means nothing when the unmutated check fails.
baseline_failed() {
  echo "the unmutated check '$1' fails, so this mutation proves nothing" >&2
  return 1
}

# expect_fail CMD...: succeeds only when CMD fails (the mutation was caught).
expect_fail() {
  if "$@"; then
    echo "MUTATION SURVIVED: the check passed on the mutated copy" >&2
    return 1
  fi
  echo "caught, as required"
}

# tf_mutant NAME FILE EXPR MODULE: mutation of terraform/FILE caught by `tofu test` of MODULE.
tf_mutant() {
  local name=$1 file=$2 expr=$3 module=$4
  if ! $tofu_ok; then
    skip "mutation: $name" "$tofu_why"
    return
  fi
  if [[ ${status["tofu test modules/$module"]:-} != PASS ]]; then
    check "mutation: $name" baseline_failed "tofu test modules/$module"
    return
  fi
  local copy="$work/mut/$name"
  mkdir -p "$copy"
  cp -R "$repo/terraform" "$copy/terraform"
  find "$copy" -name .terraform -type d -prune -exec rm -rf {} +
  check_bg "mutation: $name -> tofu test modules/$module fails" \
    bash -c "$(declare -f mutate expect_fail tf_test); PT_TOFU='$PT_TOFU'
      mutate '$copy/terraform/$file' '$expr' &&
      expect_fail tf_test '$copy/terraform/modules/$module'"
}

# lint_mutant NAME FILE EXPR: mutation of terraform/FILE caught by tflint.
lint_mutant() {
  local name=$1 file=$2 expr=$3 copy="$work/mut/$1"
  if [[ ! -x "$PT_TFLINT" ]]; then
    skip "mutation: $name" "tflint is not installed"
    return
  fi
  if [[ ${status["tflint (bundled rules)"]:-} != PASS ]]; then
    check "mutation: $name" baseline_failed "tflint (bundled rules)"
    return
  fi
  mkdir -p "$copy"
  cp -R "$repo/terraform" "$copy/terraform"
  check "mutation: $name -> tflint fails" \
    bash -c "$(declare -f mutate expect_fail tf_lint); PT_TFLINT='$PT_TFLINT'
      mutate '$copy/terraform/$file' '$expr' && expect_fail tf_lint '$copy/terraform'"
}

# pins_mutant NAME EXPR: mutation of a workflow caught by check-pins.sh.
pins_mutant() {
  local name=$1 expr=$2
  if [[ ! -f "$PT_SHARED_DIR/actions-pins.md" ]]; then
    skip "mutation: $name" "../shared not found"
    return
  fi
  if [[ ${status["actions pinned to verified SHAs"]:-} != PASS ]]; then
    check "mutation: $name" baseline_failed "actions pinned to verified SHAs"
    return
  fi
  local copy="$work/mut/$name"
  mkdir -p "$copy"
  cp -R "$repo/.github" "$copy/.github"
  check "mutation: $name -> check-pins fails" \
    bash -c "$(declare -f mutate expect_fail)
      mutate '$copy/.github/workflows/ci.yml' '$expr' &&
      expect_fail bash .ci/infra/check-pins.sh '$copy/.github'"
}

# package_mutant NAME SHELL: builds a stand-in package, damages it with SHELL (run inside the
# package folder), re-zips it and requires `pack verify` to fail.
package_mutant() {
  local name=$1 damage=$2 copy="$work/mut/$1"
  if [[ ${status["package layout, binary mode 0755 (stand-in binary)"]:-} != PASS ]]; then
    check "mutation: $name" baseline_failed "package layout (stand-in binary)"
    return
  fi
  check "mutation: $name -> pack verify fails" bash -c "
    $(declare -f standin_package expect_fail)
    standin_package '$copy' >/dev/null &&
    (cd '$copy/package' && $damage) &&
    rm -f '$copy/p.zip' && .build/infra/pack zip -dir '$copy/package' -out '$copy/p.zip' &&
    expect_fail .build/infra/pack verify -zip '$copy/p.zip' -functions functions"
}

# functions_mutant NAME FUNCTION JSON: adds functions/FUNCTION/function.json = JSON to a copy
# and requires the function.json rules to fail.
functions_mutant() {
  local name=$1 fn=$2 json=$3 copy="$work/mut/$1"
  if [[ ${status["function.json rules"]:-} != PASS ]]; then
    check "mutation: $name" baseline_failed "function.json rules"
    return
  fi
  mkdir -p "$copy"
  cp -R "$repo/functions" "$copy/functions"
  mkdir -p "$copy/functions/$fn"
  printf '%s\n' "$json" >"$copy/functions/$fn/function.json"
  check "mutation: $name -> function.json rules fail" \
    bash -c "$(declare -f expect_fail)
      expect_fail .build/infra/schemacheck functions -dir '$copy/functions'"
}

run_mutations() {
  mkdir -p "$work/mut"

  tf_mutant "wrong SKU: Function App plan Y1" modules/ephemeral/function_app.tf \
    's/sku_name            = "FC1"/sku_name            = "Y1"/' ephemeral
  tf_mutant "wrong SKU: PostgreSQL General Purpose" modules/base/variables.tf \
    's/default     = "B_Standard_B1ms"/default     = "GP_Standard_D2s_v3"/' base
  tf_mutant "wrong SKU: Service Bus Standard" modules/base/variables.tf \
    's/default     = "Basic"/default     = "Standard"/' base
  tf_mutant "wrong SKU: Static Web App Free" modules/ephemeral/static_web.tf \
    's/sku_tier            = "Standard"/sku_tier            = "Free"/' ephemeral
  tf_mutant "shared keys enabled" modules/storage/storage.tf \
    's/shared_access_key_enabled( +)= false/shared_access_key_enabled$1= true/' storage
  tf_mutant "TLS 1.0 allowed" modules/storage/storage.tf \
    's/"TLS1_2"/"TLS1_0"/' storage
  tf_mutant "secret in an app setting" modules/ephemeral/locals.tf \
    's/(PT_ENVIRONMENT += "production"\n)/$1    DocumentsStorage = "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=bm90LWtleQ=="\n/' \
    ephemeral
  tf_mutant "FUNCTIONS_WORKER_RUNTIME set on Flex" modules/ephemeral/locals.tf \
    's/(PT_ENVIRONMENT += "production"\n)/$1    FUNCTIONS_WORKER_RUNTIME = "custom"\n/' ephemeral
  tf_mutant "runtime not custom" modules/ephemeral/function_app.tf \
    's/runtime_name           = "custom"/runtime_name           = "node"/' ephemeral
  tf_mutant "role assignment dropped" modules/ephemeral/locals.tf \
    's/ +blob_delegator = \{[^\n]*\n//' ephemeral
  tf_mutant "pg_trgm not allowed" modules/base/postgres.tf \
    's/value     = join\(",", \[for e in var.postgres_extensions : upper\(e\)\]\)/value     = "PGCRYPTO"/' base

  lint_mutant "undocumented variable" modules/storage/variables.tf \
    's/  description = "Azure region of the storage account."\n//'
  lint_mutant "untyped variable" modules/base/variables.tf \
    's/  type        = string\n  description = "Environment name/  description = "Environment name/'

  pins_mutant "unpinned action (tag)" \
    's/actions\/checkout@[0-9a-f]{40} # v7.0.1/actions\/checkout\@v7/'
  pins_mutant "unverified SHA" \
    's/actions\/cache@[0-9a-f]{40} # v5.0.5/actions\/cache\@55cc8345863c7cc4c66a329aec7e433d2d1c52a9 # v6.1.0/'

  local fn
  fn=$(find functions -mindepth 1 -maxdepth 1 -type d | sort | tail -n 1)
  package_mutant "function folder missing from the package" "rm -rf '$(basename "$fn")'"
  package_mutant "binary without execute bit" "chmod 0644 patient-tracker"

  functions_mutant "blob trigger without EventGrid source" ZzBlob \
    '{"bindings":[{"type":"blobTrigger","direction":"in","name":"b","dataType":"binary","path":"documents/{n}","connection":"DocumentsStorage"}]}'
  functions_mutant "HTTP route under /admin" ZzAdmin \
    '{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous","methods":["get"],"route":"admin/x"},{"type":"http","direction":"out","name":"res"}]}'
  functions_mutant "five-field timer schedule" ZzTimer \
    '{"bindings":[{"type":"timerTrigger","direction":"in","name":"t","schedule":"0 2 * * *"}]}'
  wait_bg
}
