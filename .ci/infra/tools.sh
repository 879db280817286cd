#!/usr/bin/env bash
# Builds (once) and caches the infrastructure validation tools outside the repository:
# OpenTofu and the azurerm provider from the Go module proxy, tflint and actionlint with
# `go install`, shellcheck and yamllint from Debian. Everything is keyed by its pinned
# version, so a tool is rebuilt only when its pin below changes.
#
# Usage: tools.sh [all|tofu|provider|tflint|actionlint|debian|env]
#   env  prints shell `export` lines for the cached tools (nothing is built).
# Exits non-zero when a tool could not be built; callers still check each tool themselves
# (see env) and say what they skipped. Build logs are kept in $PT_TOOLS_DIR/logs.
set -euo pipefail

# ---- pins (change a pin and that tool alone is rebuilt) ----------------------------------
TOFU_VERSION="v1.12.6"
# azurerm 5.2.x, served by the Go module proxy as a commit pseudo-version.
AZURERM_VERSION="v1.44.1-0.20260824201233-fae580791926"
AZURERM_LABEL="5.2.0" # the release this commit follows; the version OpenTofu is shown
TFLINT_VERSION="v0.64.0"
ACTIONLINT_VERSION="v1.7.12"

export GOTOOLCHAIN=local
TOOLS="${PT_TOOLS_DIR:-$HOME/.cache/patient-tracker}"
TOFU_DIR="$TOOLS/tofu/$TOFU_VERSION"
PROVIDER_DIR="$TOOLS/azurerm/$AZURERM_VERSION"
TFLINT_DIR="$TOOLS/tflint/$TFLINT_VERSION"
ACTIONLINT_DIR="$TOOLS/actionlint/$ACTIONLINT_VERSION"
LOGS="$TOOLS/logs"

log() { printf 'tools: %s\n' "$*" >&2; }

# The big builds use module and build caches of their own, removed once the binary exists:
# they take ~10 GB, and would otherwise swell the Go caches that CI saves for the project.
# After a failed or timed-out build they are kept, so the next run resumes where it stopped.
# PT_TOOLS_KEEP_BUILD_CACHE=1 keeps them always (faster rebuilds after a pin change).
# PT_TOFU_BUILD_TIMEOUT and PT_PROVIDER_BUILD_TIMEOUT (seconds) bound each build, so a cold
# machine still finishes `make test` inside CI's time limit and reports the skipped checks.
# with_build_cache NAME CMD...: runs CMD with the caches of NAME (under NAME's lock).
with_build_cache() {
  local dir="$TOOLS/build-cache/$1" rc=0
  shift
  mkdir -p "$dir"
  GOMODCACHE="$dir/mod" GOCACHE="$dir/go-build" GOFLAGS="-modcacherw -buildvcs=false" "$@" || rc=$?
  if ((rc == 0)) && [[ ${PT_TOOLS_KEEP_BUILD_CACHE:-} != 1 ]]; then
    rm -rf "$dir"
  fi
  return $rc
}

# locked NAME CMD...: runs CMD under an exclusive lock, so two callers never build the same
# tool at once (the provider build alone needs ~10 GB of caches and most of the machine).
locked() {
  local name=$1
  shift
  mkdir -p "$TOOLS/locks" "$LOGS"
  (
    flock -x 9
    "$@"
  ) 9>"$TOOLS/locks/$name.lock"
}

build_tofu() {
  [[ -x "$TOFU_DIR/tofu" ]] && return 0
  log "building OpenTofu $TOFU_VERSION (6-15 minutes on a cold 2-core machine)"
  local src
  src=$(go mod download -json "github.com/opentofu/opentofu@$TOFU_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -d "$src" ]] || { log "OpenTofu source not found after download"; return 1; }
  mkdir -p "$TOFU_DIR"
  (cd "$src" && CGO_ENABLED=0 timeout "${PT_TOFU_BUILD_TIMEOUT:-1800}" \
    go build -trimpath -o "$TOFU_DIR/tofu.tmp" ./cmd/tofu) \
    >"$LOGS/tofu-$TOFU_VERSION.log" 2>&1 ||
    { log "OpenTofu build failed or timed out: see $LOGS/tofu-$TOFU_VERSION.log"; return 1; }
  mv "$TOFU_DIR/tofu.tmp" "$TOFU_DIR/tofu"
}

build_provider() {
  local bin="$PROVIDER_DIR/terraform-provider-azurerm"
  [[ -x "$bin" ]] && return 0
  log "building azurerm provider $AZURERM_VERSION (20-60 minutes and ~10 GB of caches on a cold 2-core machine)"
  mkdir -p "$PROVIDER_DIR/tmp"
  GOBIN="$PROVIDER_DIR/tmp" CGO_ENABLED=0 timeout "${PT_PROVIDER_BUILD_TIMEOUT:-3000}" go install -trimpath \
    "github.com/hashicorp/terraform-provider-azurerm@$AZURERM_VERSION" \
    >"$LOGS/azurerm-$AZURERM_VERSION.log" 2>&1 ||
    { log "azurerm build failed or timed out: see $LOGS/azurerm-$AZURERM_VERSION.log"; return 1; }
  mv "$PROVIDER_DIR/tmp/terraform-provider-azurerm" "$bin"
  rmdir "$PROVIDER_DIR/tmp"
}

# go_tool DIR MODULE@VERSION NAME
go_tool() {
  local dir=$1 mod=$2 name=$3
  [[ -x "$dir/$name" ]] && return 0
  log "installing $mod"
  mkdir -p "$dir"
  GOBIN="$dir" CGO_ENABLED=0 go install -trimpath "$mod" >"$LOGS/$name.log" 2>&1 ||
    { log "$name install failed: see $LOGS/$name.log"; return 1; }
}

debian_tools() {
  local missing=()
  command -v shellcheck >/dev/null || missing+=(shellcheck)
  command -v yamllint >/dev/null || missing+=(yamllint)
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]]; then
    log "missing ${missing[*]} and not root: install them with apt-get"
    return 1
  fi
  log "installing ${missing[*]} from Debian"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    "${missing[@]}") >"$LOGS/apt.log" 2>&1 ||
    { log "apt-get install failed: see $LOGS/apt.log"; return 1; }
}

print_env() {
  echo "export PT_TOFU='$TOFU_DIR/tofu'"
  echo "export PT_PROVIDER_DIR='$PROVIDER_DIR'"
  echo "export PT_PROVIDER_LABEL='$AZURERM_LABEL'"
  echo "export PT_TFLINT='$TFLINT_DIR/tflint'"
  echo "export PT_ACTIONLINT='$ACTIONLINT_DIR/actionlint'"
}

main() {
  mkdir -p "$TOOLS" "$LOGS"
  local what=${1:-all} rc=0
  case $what in
  env) print_env; return 0 ;;
  debian) debian_tools || rc=1 ;;
  actionlint) locked actionlint go_tool "$ACTIONLINT_DIR" \
    "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" actionlint || rc=1 ;;
  tflint) locked tflint go_tool "$TFLINT_DIR" \
    "github.com/terraform-linters/tflint@$TFLINT_VERSION" tflint || rc=1 ;;
  tofu) locked tofu with_build_cache tofu build_tofu || rc=1 ;;
  provider) locked provider with_build_cache provider build_provider || rc=1 ;;
  all)
    for t in debian actionlint tflint tofu provider; do main "$t" || rc=1; done
    ;;
  *) log "unknown tool: $what"; return 2 ;;
  esac
  return $rc
}

main "$@"
