#!/usr/bin/env bash
# What the cluster suite (`npm test -- cluster`) and `npm run cluster` need besides npm packages:
# - the PostgreSQL server binaries: Debian's postgresql package when missing (the cluster runs a
#   server of its own, so a system server the package may start is stopped again);
# - Go >= 1.21 to build the pinned Temporal server. When `go` is missing or older (Debian 12's
#   golang-go is 1.19), the pinned toolchain ("cardflow".temporalServerGoToolchain) is fetched from
#   the Go module proxy, where it is published as the module golang.org/toolchain, into the
#   machine cache;
# then the pinned Temporal server and sql tool are built, or reused from the machine cache
# (npm run temporal-server:install: ~7 min on 2 cores from nothing, seconds when cached), and
# promtool for the alert-rule tests (scripts/install-promtool.sh: 6 min of CPU, 20 min on a busy
# 2-core machine from nothing, seconds when cached).
# Idempotent. Debian/Ubuntu (apt-get) for PostgreSQL; elsewhere it says what to install and fails.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "PostgreSQL (>= 12) is missing and apt-get is not available: install it by hand" >&2
    exit 1
  fi
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters -h | while read -r version name _; do
      $SUDO pg_ctlcluster "$version" "$name" stop 2>/dev/null || true
    done
  fi
  echo "postgresql installed"
fi
echo "postgres: $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n1 || command -v initdb)"

go_usable() {
  command -v go >/dev/null 2>&1 || return 1
  local v
  v=$(GOTOOLCHAIN=local go env GOVERSION 2>/dev/null | sed 's/^go//')
  [ "${v%%.*}" -gt 1 ] || [ "$(echo "$v" | cut -d. -f2)" -ge 21 ]
}
if ! go_usable; then
  toolchain=$(node -p 'require("./package.json").cardflow.temporalServerGoToolchain')
  os=$(uname -s | tr '[:upper:]' '[:lower:]')
  case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
  dir="${XDG_CACHE_HOME:-$HOME/.cache}/cardflow/go/$toolchain.$os-$arch"
  if [ ! -x "$dir/bin/go" ]; then
    proxy=$(printf '%s' "${GOPROXY:-https://proxy.golang.org}" | cut -d, -f1)
    if [ "$proxy" = "direct" ] || [ "$proxy" = "off" ]; then proxy=https://proxy.golang.org; fi
    url="$proxy/golang.org/toolchain/@v/v0.0.1-$toolchain.$os-$arch.zip"
    echo "go: none >= 1.21 here; fetching $toolchain from the Go module proxy ($url)"
    tmp=$(mktemp -d)
    curl -fsSL --retry 3 -o "$tmp/toolchain.zip" "$url"
    # The zip holds golang.org/toolchain@v0.0.1-<toolchain>.<os>-<arch>/...; keep file modes.
    python3 - "$tmp/toolchain.zip" "$tmp/x" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        path = z.extract(info, sys.argv[2])
        mode = info.external_attr >> 16
        if mode: os.chmod(path, mode & 0o777)
PY
    mkdir -p "$(dirname "$dir")"
    rm -rf "$dir"
    mv "$tmp"/x/golang.org/toolchain@*/ "$dir"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
fi
echo "go: $(GOTOOLCHAIN=local go version)"
npm run --silent temporal-server:install
echo "promtool: $(bash scripts/install-promtool.sh)"
