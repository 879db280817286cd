#!/usr/bin/env bash
# shellcheck disable=SC2154 # PT_TOFU, PT_TFLINT and PT_ACTIONLINT come from test-infra.sh
# Named checks shared by test-infra.sh and mutations.sh (sourced, not run). They expect
# PT_TOFU, PT_TFLINT, PT_ACTIONLINT (tools.sh env) and TF_CLI_CONFIG_FILE to be set.

# tf_roots DIR: every folder under DIR/modules and DIR/environments that holds .tf files.
tf_roots() {
  find "$1/modules" "$1/environments" -name '*.tf' -not -path '*/tests/*' \
    -not -path '*/.terraform/*' -exec dirname {} \; | sort -u
}

# tf_validate ROOT: tofu validate without a backend or registry. Local modules are
# installed by `init -backend=false`; the provider comes from dev_overrides.
tf_validate() {
  (
    cd "$1" &&
      "$PT_TOFU" init -backend=false -input=false -no-color >/dev/null &&
      "$PT_TOFU" validate -no-color
  )
}

# tf_test MODULE_DIR: plan-level tests with the mocked provider.
tf_test() {
  (
    cd "$1" &&
      "$PT_TOFU" init -backend=false -input=false -no-color >/dev/null &&
      "$PT_TOFU" test -no-color
  )
}

# tf_lint DIR: tflint with the bundled Terraform rules on every module and root.
tf_lint() {
  (cd "$1" && "$PT_TFLINT" --recursive --config "$PWD/.tflint.hcl" --no-color)
}

# gh_lint DIR: actionlint, with shellcheck on every run: script, on DIR/workflows.
gh_lint() {
  "$PT_ACTIONLINT" -no-color -shellcheck="$(command -v shellcheck)" -pyflakes= \
    "$1"/workflows/*.yml
}

# standin_package DIR [SRC]: builds the package with a stand-in binary (a tiny script) from
# SRC (default: the repository) into DIR and verifies it.
standin_package() {
  local dir=$1 src=${2:-$PWD}
  mkdir -p "$dir"
  printf '#!/bin/sh\necho stand-in\n' >"$dir/standin"
  PT_SRC_ROOT="$src" PT_BINARY_FROM="$dir/standin" PT_PACKAGE_DIR="$dir/package" \
    PT_PACKAGE_ZIP="$dir/patient-tracker.zip" bash .ci/infra/package.sh
}
