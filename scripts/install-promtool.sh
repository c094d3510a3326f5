#!/usr/bin/env bash
# promtool (Prometheus's rule checker) for the alert-rule tests: built once from the Go module proxy
# at the version pinned in package.json ("cardflow".promtool, a github.com/prometheus/prometheus
# module version) with the same toolchain as the Temporal server, and cached on the machine:
#   ${XDG_CACHE_HOME:-~/.cache}/cardflow/promtool/v<version>/bin/promtool  (+ installed.json)
# Needs `go` >= 1.21 on the PATH (scripts/install-cluster-prerequisites.sh fetches one when missing
# and then calls this script). Idempotent: seconds when cached. Prints the binary's path last.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(node -p 'require("./package.json").cardflow.promtool')
toolchain=$(node -p 'require("./package.json").cardflow.temporalServerGoToolchain')
dir="${XDG_CACHE_HOME:-$HOME/.cache}/cardflow/promtool/v$version"
if [ -x "$dir/bin/promtool" ] && [ -f "$dir/installed.json" ]; then
  echo "$dir/bin/promtool"
  exit 0
fi
if ! command -v go >/dev/null 2>&1; then
  echo "promtool: go is not on the PATH; run scripts/install-cluster-prerequisites.sh (it fetches Go)" >&2
  exit 1
fi
staging="$dir.building-$$"
rm -rf "$staging"
mkdir -p "$staging/bin"
trap 'rm -rf "$staging"' EXIT
started=$(date +%s)
echo "promtool: building github.com/prometheus/prometheus/cmd/promtool@v$version with $toolchain" >&2
GOTOOLCHAIN="$toolchain" GOBIN="$staging/bin" GOFLAGS="${GOFLAGS:+$GOFLAGS }-buildvcs=false" \
  go install "github.com/prometheus/prometheus/cmd/promtool@v$version" >&2
seconds=$(($(date +%s) - started))
printf '{ "version": "%s", "goToolchain": "%s", "builtAt": "%s", "buildSeconds": %s }\n' \
  "$version" "$toolchain" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$seconds" >"$staging/installed.json"
rm -rf "$dir"
mkdir -p "$(dirname "$dir")"
mv "$staging" "$dir"
trap - EXIT
echo "promtool: built in ${seconds} s ($dir)" >&2
echo "$dir/bin/promtool"
