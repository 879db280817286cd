#!/usr/bin/env bash
# Checks that every `uses:` in the workflows (and local composite actions) is pinned to a
# full commit SHA listed as verified in ../shared/actions-pins.md, with that SHA's tag in a
# trailing comment: `uses: owner/repo@<40 hex> # <tag>`.
#
# Usage: check-pins.sh [workflow folder]   (default .github)
# Reads the pin list in place from $PT_SHARED_DIR/actions-pins.md; if it is missing the
# check is skipped loudly (exit 0) because the list must never be copied into the repo.
set -euo pipefail

root=${1:-.github}
pins="${PT_SHARED_DIR:-../shared}/actions-pins.md"
if [[ ! -f "$pins" ]]; then
  echo "check-pins: SKIPPED: $pins not found (set PT_SHARED_DIR); pins NOT checked" >&2
  exit 0
fi

# "owner/repo sha tag" for each row of the verified table only (the table of newer,
# unverified releases comes after the "## Newer releases" heading and is ignored).
allowed=$(awk -F'|' '
  /^## Newer releases/ { exit }
  /^\| *[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+/ {
    action = $2; tag = $3; sha = $4
    gsub(/^ +| +$/, "", action); sub(/ .*/, "", action)
    gsub(/ /, "", tag); gsub(/ /, "", sha)
    if (sha ~ /^[0-9a-f]{40}$/) print tolower(action), sha, tag
  }' "$pins")
[[ -n "$allowed" ]] || { echo "check-pins: no pins parsed from $pins" >&2; exit 1; }

fail=0
checked=0
while IFS= read -r hit; do
  file=${hit%%:*}
  rest=${hit#*:}
  line=${rest%%:*}
  text=${rest#*:}
  ref=$(sed -E 's/^[[:space:]-]*uses:[[:space:]]*//; s/^["'\'']//; s/["'\'']?([[:space:]]+#.*)?$//' <<<"$text")
  comment=$(sed -nE 's/.*#[[:space:]]*([^[:space:]]+).*/\1/p' <<<"$text")
  checked=$((checked + 1))
  case $ref in
  ./*) continue ;;
  docker://*)
    echo "check-pins: $file:$line: docker image '$ref' is not allowed" >&2
    fail=1
    continue
    ;;
  esac
  action=${ref%@*}
  sha=${ref##*@}
  repo=$(cut -d/ -f1-2 <<<"$action" | tr '[:upper:]' '[:lower:]')
  if [[ ! $sha =~ ^[0-9a-f]{40}$ ]]; then
    echo "check-pins: $file:$line: '$ref' is not pinned to a full commit SHA" >&2
    fail=1
  elif ! grep -qx "$repo $sha $comment" <<<"$allowed"; then
    echo "check-pins: $file:$line: '$ref # $comment' is not a verified pin in actions-pins.md" >&2
    fail=1
  fi
done < <(grep -rnE '^[[:space:]-]*uses:' "$root" --include='*.yml' --include='*.yaml' || true)

if ((checked == 0)); then
  echo "check-pins: no uses: lines found under $root" >&2
  exit 1
fi
((fail == 0)) || exit 1
echo "check-pins: $checked uses: lines pinned to verified SHAs"
